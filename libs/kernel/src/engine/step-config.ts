import { STEP_COMMON_FIELDS, type Json, type StepDocument } from '@nomaflow/contracts';

const COMMON: ReadonlySet<string> = new Set(STEP_COMMON_FIELDS);

/** The fields that belong to the step's type: what is templated and handed to the executor. */
export function stepConfig(step: StepDocument): Record<string, Json> {
  const config: Record<string, Json> = {};
  for (const [key, value] of Object.entries(step)) {
    if (!COMMON.has(key) && value !== undefined) config[key] = value;
  }
  return config;
}
