import { Injectable, computed, inject, signal } from '@angular/core';
import type { FieldError, JobDocument, StepDocument } from '@nomaflow/contracts';
import { canonicalJson } from '../../schema-form/same-json';
import { anchorErrors, knownAnchors, stepIndexOf } from './error-anchors';
import { emptyJob, moveItem, newStep, setIn } from './job-doc';
import { StepTypesStore } from './step-types-store';

/**
 * The editor's one model: the job document as a signal. Sections read it and write through these
 * methods; `stepKeys` gives each step a stable identity for drag-and-drop and expansion.
 */
@Injectable()
export class EditorState {
  private readonly stepTypes = inject(StepTypesStore);
  private nextKey = 1;

  readonly job = signal<JobDocument>(emptyJob());
  readonly stepKeys = signal<number[]>([]);
  /** The document as last loaded or saved; null for a job not saved yet. */
  readonly savedJob = signal<JobDocument | null>(null);
  private readonly baseline = signal(canonicalJson(emptyJob()));
  readonly errors = signal<FieldError[]>([]);
  readonly expanded = signal<ReadonlySet<number>>(new Set());

  readonly isNew = computed(() => this.savedJob() === null);
  readonly dirty = computed(() => canonicalJson(this.job()) !== this.baseline());
  readonly anchored = computed(() =>
    anchorErrors(
      this.errors(),
      knownAnchors(this.job(), (t) => this.stepTypes.schema(t)),
    ),
  );
  readonly messages = computed(() => this.anchored().placed);

  /** A document loaded (or just saved): the new baseline of "unsaved changes". */
  load(job: JobDocument, saved: boolean): void {
    this.job.set(job);
    this.stepKeys.set(job.steps.map(() => this.nextKey++));
    this.savedJob.set(saved ? job : null);
    this.baseline.set(saved ? canonicalJson(job) : canonicalJson(emptyJob()));
    this.expanded.set(new Set());
  }

  markSaved(job: JobDocument): void {
    this.savedJob.set(job);
    this.baseline.set(canonicalJson(this.job()));
  }

  /** Forget the edits (after a delete, before leaving). */
  discard(): void {
    this.baseline.set(canonicalJson(this.job()));
  }

  set(path: readonly (string | number)[], value: unknown): void {
    this.job.update((j) => setIn(j, path, value));
  }

  /** The whole document, from the JSON view: anything in it is kept as typed. */
  replace(job: JobDocument): void {
    const steps = Array.isArray(job.steps) ? job.steps : [];
    if (steps.length !== this.stepKeys().length) this.stepKeys.set(steps.map(() => this.nextKey++));
    this.job.set(job);
  }

  addStep(type: string): void {
    const steps = this.job().steps ?? [];
    const key = this.nextKey++;
    this.job.update((j) => ({ ...j, steps: [...steps, newStep(steps, type)] }));
    this.stepKeys.update((k) => [...k, key]);
    this.expanded.update((s) => new Set(s).add(key));
  }

  removeStep(i: number): void {
    this.job.update((j) => ({ ...j, steps: j.steps.filter((_, n) => n !== i) }));
    this.stepKeys.update((k) => k.filter((_, n) => n !== i));
  }

  moveStep(from: number, to: number): void {
    this.job.update((j) => ({ ...j, steps: moveItem(j.steps, from, to) }));
    this.stepKeys.update((k) => moveItem(k, from, to));
  }

  updateStep(i: number, step: StepDocument): void {
    this.job.update((j) => ({ ...j, steps: j.steps.map((s, n) => (n === i ? step : s)) }));
  }

  toggle(key: number, open?: boolean): void {
    this.expanded.update((s) => {
      const next = new Set(s);
      if (open ?? !next.has(key)) next.add(key);
      else next.delete(key);
      return next;
    });
  }

  /** Server errors: shown at their fields; steps holding one open up. */
  showErrors(errors: FieldError[]): void {
    this.errors.set(errors);
    const keys = this.stepKeys();
    for (const anchor of this.anchored().order) {
      const i = stepIndexOf(anchor);
      if (i !== null && keys[i] !== undefined) this.toggle(keys[i], true);
    }
  }

  messagesAt(path: string): readonly string[] {
    return this.messages().get(path) ?? [];
  }
}
