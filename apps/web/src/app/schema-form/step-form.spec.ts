import { Component, provideZonelessChangeDetection, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { provideRouter } from '@angular/router';
import type { JSONSchema7 } from 'json-schema';
import { StepForm } from './step-form';

const schema = {
  type: 'object',
  required: ['table'],
  properties: {
    table: { type: 'string', title: 'Table' },
    batch_size: { type: 'integer', title: 'Batch size', default: 10 },
  },
} as JSONSchema7;

@Component({
  imports: [StepForm],
  template: `<nf-step-form
    [schema]="schema"
    [config]="config()"
    errorBase="/steps/0"
    [messages]="messages()"
    (configChange)="emitted.push($event); config.set($event)"
  />`,
})
class Host {
  readonly schema = schema;
  readonly config = signal<Record<string, unknown>>({ table: 'customers', x_note: 'kept' });
  readonly messages = signal<ReadonlyMap<string, readonly string[]>>(new Map());
  readonly emitted: Record<string, unknown>[] = [];
}

describe('StepForm (formly, zoneless)', () => {
  beforeEach(() =>
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
      ],
    }),
  );

  async function render() {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    return { fixture, el: fixture.nativeElement as HTMLElement };
  }

  it('renders the schema fields from the config and keeps unknown keys through an edit', async () => {
    const { fixture, el } = await render();
    const input = el.querySelector<HTMLInputElement>('[data-error-path="/steps/0/table"] input')!;
    expect(input.value).toBe('customers');
    input.value = 'orders';
    input.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    expect(fixture.componentInstance.emitted.at(-1)).toEqual({ table: 'orders', x_note: 'kept' });
  });

  it('follows a config replaced from outside (the JSON view)', async () => {
    const { fixture, el } = await render();
    fixture.componentInstance.config.set({ table: 'from-json', batch_size: 5 });
    await fixture.whenStable();
    expect(el.querySelector<HTMLInputElement>('[data-error-path="/steps/0/table"] input')!.value).toBe(
      'from-json',
    );
    expect(el.querySelector<HTMLInputElement>('[data-error-path="/steps/0/batch_size"] input')!.value).toBe(
      '5',
    );
  });

  it('shows a server error at its field with a red border', async () => {
    const { fixture, el } = await render();
    fixture.componentInstance.messages.set(new Map([['/steps/0/table', ['too short']]]));
    await fixture.whenStable();
    const anchor = el.querySelector('[data-error-path="/steps/0/table"]')!;
    expect(anchor.classList).toContain('nf-invalid');
    expect(anchor.querySelector('[data-testid=field-error]')!.textContent).toContain('too short');
  });
});
