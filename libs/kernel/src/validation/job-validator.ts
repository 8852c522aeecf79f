import { jobSchema, STEP_COMMON_FIELDS, ValidationError } from '@nomaflow/contracts';
import type { FieldError, JobDocument, Json } from '@nomaflow/contracts';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { createAjv } from '../registry/ajv.js';
import { ajvErrorMessage, ajvErrorPath } from '../registry/ajv-errors.js';
import type { StepTypeRegistry } from '../registry/step-type-registry.js';
import { parseCron, CronParseError, isValidTimezone } from '../schedule/index.js';
import { checkTemplateRefs } from './template-refs.js';

type JsonRecord = Record<string, Json>;

const isRecord = (v: unknown): v is JsonRecord => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates job documents: the job schema first, then schedule, then each step against its type's
 * schema. Produces the exact messages of SPEC §1, each with the JSON pointer of the field, so the
 * editor can put a red border on the right input.
 */
export class JobValidator {
  private readonly validateJob: ValidateFunction;

  constructor(private readonly registry: StepTypeRegistry) {
    this.validateJob = createAjv().compile(jobSchema);
  }

  validate(doc: unknown): FieldError[] {
    if (!isRecord(doc)) return [{ path: '', message: 'a job must be a JSON object' }];
    const errors: FieldError[] = [];
    if (!this.validateJob(doc)) errors.push(...this.jobSchemaErrors(doc, this.validateJob.errors ?? []));
    errors.push(...this.scheduleErrors(doc));
    errors.push(...this.stepErrors(doc));
    return dedupe(errors);
  }

  /** The document typed as a job, or a ValidationError carrying every problem. */
  assertValid(doc: unknown): JobDocument {
    const errors = this.validate(doc);
    if (errors.length > 0) throw new ValidationError(errors);
    return doc as unknown as JobDocument;
  }

  private jobSchemaErrors(doc: JsonRecord, raw: readonly ErrorObject[]): FieldError[] {
    const out: FieldError[] = [];
    for (const e of raw) {
      const path = ajvErrorPath(e);
      const params = e.params as Record<string, unknown>;
      if (path === '/id' && e.keyword === 'pattern') {
        out.push({ path, message: 'job id contains invalid characters' });
      } else if (path === '/id' && e.keyword === 'required') {
        out.push({ path, message: 'job id is required' });
      } else if (path === '/steps' && (e.keyword === 'required' || e.keyword === 'minItems')) {
        out.push({ path, message: 'a job needs at least one step' });
      } else if (/^\/steps\/\d+$/.test(e.instancePath) && e.keyword === 'required') {
        // Collected per step below, in the SPEC wording.
        continue;
      } else if (/^\/steps\/\d+\/name$/.test(path) && e.keyword === 'pattern') {
        out.push({ path, message: 'step name contains invalid characters (letters, digits, - and _)' });
      } else if (/^\/steps\/\d+$/.test(e.instancePath) && e.keyword === 'type') {
        out.push({ path, message: 'a step must be a JSON object' });
      } else if (e.keyword === 'additionalProperties' && e.instancePath === '') {
        out.push({ path, message: `unknown field: ${String(params.additionalProperty)}` });
      } else {
        out.push({ path, message: ajvErrorMessage(e) });
      }
    }
    // Missing common fields (name/type) in SPEC wording, one error per step.
    const steps = Array.isArray(doc.steps) ? doc.steps : [];
    steps.forEach((step, i) => {
      if (!isRecord(step)) return;
      const missing = ['name', 'type'].filter((f) => step[f] === undefined);
      if (missing.length > 0) out.push(missingFields(i, step, missing));
    });
    return out;
  }

  private scheduleErrors(doc: JsonRecord): FieldError[] {
    const schedule = doc.schedule;
    if (!isRecord(schedule)) return [];
    const out: FieldError[] = [];
    const { cron, timezone } = schedule;
    if (typeof timezone === 'string' && !isValidTimezone(timezone)) {
      out.push({ path: '/schedule/timezone', message: `unknown timezone: ${timezone}` });
    }
    if (typeof cron === 'string' && cron.trim() !== '') {
      try {
        parseCron(cron);
      } catch (e) {
        const why = e instanceof CronParseError ? ` (${e.message})` : '';
        out.push({ path: '/schedule/cron', message: `invalid cron expression${why}` });
      }
    }
    return out;
  }

  private stepErrors(doc: JsonRecord): FieldError[] {
    const steps = Array.isArray(doc.steps) ? doc.steps : [];
    const out: FieldError[] = [];
    const seen = new Set<string>();
    const earlier: string[] = [];
    steps.forEach((step, i) => {
      if (!isRecord(step)) return;
      const name = step.name;
      if (typeof name === 'string') {
        if (seen.has(name)) out.push({ path: `/steps/${i}/name`, message: `duplicate step name: ${name}` });
        seen.add(name);
      }
      const type = step.type;
      if (typeof type === 'string' && type !== '') {
        if (!this.registry.has(type)) {
          const why = this.registry.unavailableReason(type);
          out.push({
            path: `/steps/${i}/type`,
            message: `unknown step type: ${type}${why ? ` (its plugin failed to load: ${why})` : ''}`,
          });
        } else {
          out.push(...this.configErrors(i, step, type));
        }
      }
      out.push(...checkTemplateRefs(step, `/steps/${i}`, stepLabel(i, step), earlier));
      if (typeof name === 'string') earlier.push(name);
    });
    return out;
  }

  /** The type-specific fields against the type's schema; `${…}` strings are checked after templating, at run time. */
  private configErrors(i: number, step: JsonRecord, type: string): FieldError[] {
    // fromEntries defines properties: a `__proto__` key stays a field (assigning it would set the prototype).
    const config: JsonRecord = Object.fromEntries(
      Object.entries(step).filter(([k]) => !(STEP_COMMON_FIELDS as readonly string[]).includes(k)),
    );
    const out: FieldError[] = [];
    const missing: string[] = [];
    for (const e of this.registry.validateConfig(type, config)) {
      const m = /^missing required field: (.+)$/.exec(e.message);
      if (m && /^\/[^/]+$/.test(e.path)) {
        missing.push(m[1] as string);
        continue;
      }
      if (isTemplated(config, e.path)) continue;
      const prefix = e.message.startsWith('unknown field') ? `step ${stepLabel(i, step)} has ` : '';
      out.push({ path: `/steps/${i}${e.path}`, message: prefix + e.message });
    }
    if (missing.length > 0) out.unshift(missingFields(i, step, missing));
    return out;
  }
}

function stepLabel(i: number, step: JsonRecord): string {
  return typeof step.name === 'string' && step.name !== '' ? step.name : `#${i + 1}`;
}

function missingFields(i: number, step: JsonRecord, fields: string[]): FieldError {
  return {
    path: `/steps/${i}/${fields[0]}`,
    message: `step ${stepLabel(i, step)} is missing required field(s): ${fields.join(', ')}`,
  };
}

/** True when the value at a JSON pointer of `root` is a string holding a `${…}` placeholder. */
function isTemplated(root: Json, pointer: string): boolean {
  let node: Json | undefined = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isRecord(node)) node = node[key];
    else return false;
  }
  return typeof node === 'string' && node.includes('${');
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.path}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
