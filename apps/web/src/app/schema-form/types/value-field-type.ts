import { Directive, type DoCheck, type OnDestroy, type OnInit, signal } from '@angular/core';
import { FieldType, type FieldTypeConfig } from '@ngx-formly/core';
import type { Subscription } from 'rxjs';

/**
 * A formly type whose template reads the control's value as a signal (zoneless: a plain property
 * read would not refresh when formly patches the control from a new model).
 */
@Directive()
export abstract class ValueFieldType
  extends FieldType<FieldTypeConfig>
  implements OnInit, DoCheck, OnDestroy
{
  protected readonly value = signal<unknown>(undefined);
  private sub?: Subscription;

  ngOnInit(): void {
    this.value.set(this.formControl.value);
    this.sub = this.formControl.valueChanges.subscribe((v: unknown) => this.value.set(v));
  }

  ngDoCheck(): void {
    // formly may patch the control with emitEvent: false when the whole model is replaced
    if (this.formControl && this.formControl.value !== this.value()) this.value.set(this.formControl.value);
  }

  ngOnDestroy(): void {
    this.sub?.unsubscribe();
  }

  /** Writes a value as if the user typed it: dirty, and formly's modelChange fires. */
  protected write(v: unknown): void {
    this.formControl.markAsDirty();
    this.formControl.setValue(v);
  }

  protected get label(): string {
    return this.props.label ?? String(this.key ?? '');
  }
}
