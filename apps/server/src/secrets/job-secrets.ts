import { Injectable } from '@nestjs/common';
import { ValidationError } from '@nomaflow/contracts';
import type { FieldError, JobDocument, StepDocument } from '@nomaflow/contracts';
import { StepTypeRegistry } from '@nomaflow/kernel';
import { mapSecretLeaves, SECRET_PLACEHOLDER } from './secret-fields.js';
import { SecretBox } from './secret-box.js';

/**
 * Secret fields of steps (a type's manifest `secrets`): sealed before a job is stored, shown as
 * `********` by the API, opened only by the worker that runs the step.
 */
@Injectable()
export class JobSecrets {
  constructor(
    private readonly box: SecretBox,
    private readonly registry: StepTypeRegistry,
  ) {}

  /**
   * The job as stored: secrets sealed. A placeholder sent back keeps the secret of the same step
   * and field in `previous`; without one it is an error (the secret has to be entered again).
   */
  seal(job: JobDocument, previous?: JobDocument): JobDocument {
    const errors: FieldError[] = [];
    const steps = job.steps.map((step, i) =>
      mapSecretLeaves(step, this.pointers(step), (value, path) => {
        if (SecretBox.isSealed(value)) return value;
        if (value !== SECRET_PLACEHOLDER) return this.box.seal(value);
        const kept = previousSecret(previous, step, path);
        if (kept !== undefined) return kept;
        errors.push({ path: `/steps/${i}${path}`, message: `step ${step.name}: enter the secret again` });
        return value;
      }),
    );
    if (errors.length > 0) throw new ValidationError(errors);
    return { ...job, steps };
  }

  /** The job as the API shows it. */
  mask(job: JobDocument): JobDocument {
    return {
      ...job,
      steps: job.steps.map((step) =>
        mapSecretLeaves(step, this.pointers(step), (value) =>
          SecretBox.isSealed(value) ? SECRET_PLACEHOLDER : value,
        ),
      ),
    };
  }

  /** The job as a step type needs it: secrets opened (in the worker, just before the run). */
  open(job: JobDocument): JobDocument {
    return {
      ...job,
      steps: job.steps.map((step) =>
        mapSecretLeaves(step, this.pointers(step), (value) =>
          SecretBox.isSealed(value) ? this.box.open(value) : value,
        ),
      ),
    };
  }

  private pointers(step: StepDocument): readonly string[] {
    return this.registry.manifest(step.type)?.secrets ?? [];
  }
}

function previousSecret(
  previous: JobDocument | undefined,
  step: StepDocument,
  path: string,
): string | undefined {
  const old = previous?.steps.find((s) => s.name === step.name && s.type === step.type);
  if (!old) return undefined;
  let node: unknown = old;
  for (const t of path.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[t.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return SecretBox.isSealed(node) ? node : undefined;
}
