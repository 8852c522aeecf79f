import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { UntypedFormGroup } from '@angular/forms';
import { FormlyForm, type FormlyFormOptions } from '@ngx-formly/core';
import { FormlyJsonschema } from '@ngx-formly/core/json-schema';
import type { JSONSchema7 } from 'json-schema';
import type { SchemaFormState } from './form-state';
import { provideSchemaForm } from './formly-config';
import { sameJson } from './same-json';
import { stepFields } from './schema-fields';

type Config = Record<string, unknown>;

/**
 * A step type's own fields, rendered from its JSON Schema. `config` is the step minus its common
 * fields; keys the schema does not know ride along untouched in the model.
 */
@Component({
  selector: 'nf-step-form',
  imports: [FormlyForm],
  providers: [provideSchemaForm()],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<formly-form
    [form]="form"
    [fields]="fields()"
    [model]="model()"
    [options]="options"
    (modelChange)="changed($event)"
  />`,
})
export class StepForm {
  private readonly jsonschema = inject(FormlyJsonschema);
  readonly schema = input.required<JSONSchema7>();
  readonly config = input.required<Config>();
  /** JSON pointer of the step (`/steps/1`), to match server errors to fields. */
  readonly errorBase = input.required<string>();
  readonly messages = input<ReadonlyMap<string, readonly string[]>>(new Map());
  readonly configChange = output<Config>();

  protected readonly form = new UntypedFormGroup({});
  protected readonly fields = computed(() => stepFields(this.jsonschema, this.schema()));
  protected readonly model = signal<Config>({});
  private lastEmitted: Config | null = null;
  protected readonly options: FormlyFormOptions = {
    formState: { base: this.errorBase, messages: this.messages } satisfies SchemaFormState,
  };

  constructor() {
    effect(() => {
      const config = this.config();
      // Our own edits come back through the input: only a change made elsewhere (JSON view, a
      // reorder) replaces the model, which formly would otherwise mutate under the user's cursor.
      untracked(() => {
        if (this.lastEmitted === null || !sameJson(config, this.lastEmitted)) {
          this.model.set(structuredClone(config));
          this.lastEmitted = config;
        }
      });
    });
  }

  protected changed(model: Config): void {
    const copy = JSON.parse(JSON.stringify(model)) as Config;
    this.lastEmitted = copy;
    this.configChange.emit(copy);
  }
}
