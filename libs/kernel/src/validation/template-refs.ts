import { STEP_COMMON_FIELDS } from '@nomaflow/contracts';
import type { FieldError, Json } from '@nomaflow/contracts';
import { CONTEXT_KEYS, findTemplateRefs } from '../engine/templating.js';

/**
 * Placeholders that can never resolve are refused at save time rather than failing a 2 a.m. run:
 * malformed or unknown namespaces, unknown context keys, `${out:x…}` of a step that is not earlier.
 */
export function checkTemplateRefs(
  step: Record<string, Json>,
  basePath: string,
  label: string,
  earlierSteps: readonly string[],
): FieldError[] {
  const config: Record<string, Json> = Object.fromEntries(
    Object.entries(step).filter(([k]) => !(STEP_COMMON_FIELDS as readonly string[]).includes(k)),
  );
  const out: FieldError[] = [];
  for (const ref of findTemplateRefs(config)) {
    const path = `${basePath}${ref.pointer}`;
    if (ref.problem) {
      out.push({ path, message: `${ref.placeholder}: ${ref.problem}` });
    } else if (ref.namespace === 'ctx' && !(CONTEXT_KEYS as readonly string[]).includes(ref.name)) {
      out.push({
        path,
        message: `${ref.placeholder}: unknown context key ${ref.name} (${CONTEXT_KEYS.join(', ')})`,
      });
    } else if (ref.namespace === 'out' && !earlierSteps.includes(ref.name)) {
      out.push({
        path,
        message: `step ${label} uses ${ref.placeholder}, but ${ref.name} is not an earlier step of this job`,
      });
    }
  }
  return out;
}
