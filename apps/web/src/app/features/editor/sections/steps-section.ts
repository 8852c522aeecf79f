import {
  CdkDrag,
  type CdkDragDrop,
  CdkDragHandle,
  CdkDragPlaceholder,
  CdkDropList,
} from '@angular/cdk/drag-drop';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatMenuModule } from '@angular/material/menu';
import { EditorState } from '../editor-state';
import { ErrorAnchor, FieldError } from '../field-error';
import { StepTypesStore } from '../step-types-store';
import { StepCard } from './step-card';

/** ④ Steps: ordered; drag by the ↕ handle or move with the ↑ ↓ buttons; + Add step by type. */
@Component({
  selector: 'nf-steps-section',
  imports: [
    CdkDropList,
    CdkDrag,
    CdkDragHandle,
    CdkDragPlaceholder,
    MatButtonModule,
    MatMenuModule,
    StepCard,
    ErrorAnchor,
    FieldError,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div nfErrorAnchor="/steps">
      <ol
        class="steps"
        cdkDropList
        cdkDropListLockAxis="y"
        (cdkDropListDropped)="drop($event)"
        aria-label="Steps"
      >
        @for (row of rows(); track row.key; let i = $index, first = $first, last = $last) {
          @let step = row.step;
          <li cdkDrag [cdkDragData]="i" class="drag-item">
            <nf-step-card [index]="i" [stepKey]="row.key" [step]="step" [first]="first" [last]="last">
              <button
                cdkDragHandle
                handle
                type="button"
                class="handle"
                data-testid="drag-handle"
                [attr.aria-label]="'Drag step ' + step.name + ' to reorder'"
              >
                ↕
              </button>
            </nf-step-card>
            <div *cdkDragPlaceholder class="placeholder"></div>
          </li>
        } @empty {
          <li class="empty">No steps yet: a job needs at least one.</li>
        }
      </ol>
      <nf-field-error path="/steps" />
      <button
        mat-stroked-button
        type="button"
        data-testid="add-step"
        [matMenuTriggerFor]="types"
        (click)="stepTypes.load()"
      >
        + Add step
      </button>
      <mat-menu #types="matMenu">
        @for (t of stepTypes.types(); track t.type) {
          <button mat-menu-item type="button" [attr.data-step-type]="t.type" (click)="state.addStep(t.type)">
            {{ t.title }} <span class="nf-mono type">{{ t.type }}</span>
          </button>
        } @empty {
          <button mat-menu-item disabled>{{ stepTypes.error() ?? 'Loading step types…' }}</button>
        }
      </mat-menu>
    </div>
  `,
  styles: `
    .steps {
      list-style: none;
      padding: 0;
      margin: 0 0 12px;
    }
    .drag-item {
      margin-bottom: 8px;
    }
    .cdk-drag-preview {
      box-shadow: 0 4px 16px rgba(0, 0, 0, 0.25);
    }
    .placeholder {
      min-height: 48px;
      border: 2px dashed var(--mat-sys-outline-variant);
      border-radius: 8px;
    }
    .cdk-drop-list-dragging .drag-item:not(.cdk-drag-placeholder) {
      transition: transform 200ms cubic-bezier(0, 0, 0.2, 1);
    }
    .handle {
      cursor: grab;
      font-size: 18px;
      background: none;
      border: 1px solid transparent;
      border-radius: 4px;
      padding: 2px 8px;
    }
    .handle:focus-visible {
      border-color: var(--mat-sys-primary);
    }
    .empty {
      color: var(--mat-sys-on-surface-variant);
      padding: 8px 0;
    }
    .type {
      color: var(--mat-sys-on-surface-variant);
      margin-left: 6px;
    }
  `,
})
export class StepsSection {
  protected readonly state = inject(EditorState);
  protected readonly stepTypes = inject(StepTypesStore);

  /** Each step with its stable key, so a moved step keeps its component (focus, open form). */
  protected readonly rows = computed(() => {
    const keys = this.state.stepKeys();
    return (this.state.job().steps ?? []).map((step, i) => ({ step, key: keys[i] ?? -i - 1 }));
  });

  protected drop(event: CdkDragDrop<unknown>): void {
    this.state.moveStep(event.previousIndex, event.currentIndex);
  }
}
