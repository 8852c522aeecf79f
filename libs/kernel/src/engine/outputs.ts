import { StepFailedError, type JsonObject } from '@nomaflow/contracts';

/**
 * Step outputs are stored, broadcast and templated as plain JSON; a round trip drops class
 * instances, undefined and functions the way the database would. Non-object outputs become {}.
 */
export function normaliseOutput(value: unknown): JsonObject {
  if (value === undefined || value === null) return {};
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new StepFailedError(
      `step output is not JSON-serialisable: ${e instanceof Error ? e.message : String(e)}`,
      {
        cause: e,
        retryable: false,
      },
    );
  }
  if (text === undefined) return {};
  const parsed: unknown = JSON.parse(text);
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as JsonObject)
    : {};
}
