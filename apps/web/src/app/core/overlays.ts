import { Injectable, Injector, inject } from '@angular/core';
import type { ComponentType } from '@angular/cdk/portal';
import type { MatDialogConfig, MatDialogRef } from '@angular/material/dialog';
import type { MatSnackBarConfig, MatSnackBarRef, TextOnlySnackBar } from '@angular/material/snack-bar';

/**
 * Material's dialog and snack bar, loaded on first use: pages in the initial bundle (the landing
 * catalogue) do not pay for them before the operator clicks something.
 */
@Injectable({ providedIn: 'root' })
export class Overlays {
  private readonly injector = inject(Injector);

  async snack(
    message: string,
    action?: string,
    config?: MatSnackBarConfig,
  ): Promise<MatSnackBarRef<TextOnlySnackBar>> {
    const { MatSnackBar } = await import('@angular/material/snack-bar');
    return this.injector.get(MatSnackBar).open(message, action, config);
  }

  async dialog<T, D, R = unknown>(
    component: ComponentType<T>,
    config: MatDialogConfig<D>,
  ): Promise<MatDialogRef<T, R>> {
    const { MatDialog } = await import('@angular/material/dialog');
    return this.injector.get(MatDialog).open<T, D, R>(component, config);
  }
}
