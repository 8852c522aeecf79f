import { ChangeDetectionStrategy, Component } from '@angular/core';
import type { HasUnsavedChanges } from '../../core/unsaved-changes';

@Component({
  selector: 'nf-job-editor-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: '<div class="nf-page"><h1>Editor</h1></div>',
})
export class JobEditorPage implements HasUnsavedChanges {
  hasUnsavedChanges(): boolean {
    return false;
  }
}
