import type { CanDeactivateFn } from '@angular/router';

/** A page with edits that a navigation would lose. */
export interface HasUnsavedChanges {
  hasUnsavedChanges(): boolean;
}

export const unsavedChangesGuard: CanDeactivateFn<HasUnsavedChanges> = (page) =>
  !page.hasUnsavedChanges() || window.confirm('You have unsaved changes. Leave this page and lose them?');
