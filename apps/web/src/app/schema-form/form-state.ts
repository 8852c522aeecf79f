import type { Signal } from '@angular/core';
import type { FormlyFieldConfig } from '@ngx-formly/core';
import { escapeToken } from './json-pointer';

/** What every field of a step form reads through formly's `formState`. */
export interface SchemaFormState {
  /** JSON pointer of the object the form edits, e.g. `/steps/1` (changes when steps are reordered). */
  base: Signal<string>;
  /** Server messages by the JSON pointer of the field they belong to. */
  messages: Signal<ReadonlyMap<string, readonly string[]>>;
}

/** The field's JSON pointer relative to the form's model: its keys from the root down. */
export function relativePointer(field: FormlyFieldConfig): string {
  const keys: string[] = [];
  for (let f: FormlyFieldConfig | undefined = field; f; f = f.parent) {
    if (f.key === undefined || f.key === null) continue;
    const key = Array.isArray(f.key) ? f.key.map(String) : String(f.key).split('.');
    keys.unshift(...key);
  }
  return keys.map((k) => `/${escapeToken(k)}`).join('');
}
