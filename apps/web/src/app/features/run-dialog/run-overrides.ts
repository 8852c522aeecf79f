import type { JobDocument, LogLevel, Params, RunOverrides } from '@nomaflow/contracts';

/** What the modal holds: every value as the operator sees it, prefilled from the job. */
export interface RunForm {
  log_level: LogLevel;
  params: Params;
  steps: Record<string, { enabled: boolean; op_kwargs: Params }>;
}

export function initialRunForm(job: JobDocument): RunForm {
  const steps: RunForm['steps'] = {};
  for (const s of job.steps)
    steps[s.name] = { enabled: s.enabled ?? true, op_kwargs: { ...(s.op_kwargs ?? {}) } };
  return { log_level: job.log_level ?? 'INFO', params: { ...(job.params ?? {}) }, steps };
}

/** Keys of `next` whose value is new or differs from `base` (overrides merge over the saved values). */
function changedParams(base: Params | undefined, next: Params): Params | undefined {
  const out: Params = {};
  for (const [k, v] of Object.entries(next)) {
    if (!base || !Object.hasOwn(base, k) || base[k] !== v) out[k] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The trigger body (POST /api/jobs/:id/runs): only what differs from the saved job — an untouched
 * key is left out entirely, so the run follows the job as saved.
 */
export function runOverrides(job: JobDocument, form: RunForm): RunOverrides {
  const out: RunOverrides = {};
  if (form.log_level !== (job.log_level ?? 'INFO')) out.log_level = form.log_level;
  const params = changedParams(job.params, form.params);
  if (params) out.params = params;
  const steps: NonNullable<RunOverrides['steps']> = {};
  for (const step of job.steps) {
    const f = form.steps[step.name];
    if (!f) continue;
    const o: { enabled?: boolean; op_kwargs?: Params } = {};
    if (f.enabled !== (step.enabled ?? true)) o.enabled = f.enabled;
    const kwargs = changedParams(step.op_kwargs, f.op_kwargs);
    if (kwargs) o.op_kwargs = kwargs;
    if (Object.keys(o).length > 0) steps[step.name] = o;
  }
  if (Object.keys(steps).length > 0) out.steps = steps;
  return out;
}
