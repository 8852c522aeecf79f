import type { TriggeredBy } from '@nomaflow/contracts';

/** The console names itself on every request, so a click is told apart from a script. */
export const CLIENT_HEADER = 'x-nomaflow-client';

/**
 * `triggered_by` of a run started over HTTP: `user:<actor>` from the console, `api` otherwise.
 * (Until users sign in, the actor is the configured default one.)
 */
export function triggerSource(client: string | undefined, actor: string): TriggeredBy {
  return client === 'console' ? `user:${actor}` : 'api';
}
