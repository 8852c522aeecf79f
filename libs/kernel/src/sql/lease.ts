import { onAbort } from './abort.js';

/** A connection borrowed from a driver's pool: `kill` stops what it runs, `release` gives it back. */
export interface KillableLease {
  kill(): unknown;
  release(): void;
}

export function combineSignals(
  a: AbortSignal | undefined,
  b: AbortSignal | undefined,
): AbortSignal | undefined {
  if (!a) return b;
  if (!b) return a;
  return AbortSignal.any([a, b]);
}

/**
 * Runs `fn` on a connection — the transaction's own when `bound` is set, else one leased from the
 * pool and released after — and kills the connection if either signal aborts, so the statement
 * stops on the server and the call rejects with the typed abort error.
 */
export async function withLease<L extends KillableLease, T>(
  bound: { lease: L; signal?: AbortSignal } | undefined,
  acquire: (signal: AbortSignal | undefined) => Promise<L>,
  signal: AbortSignal | undefined,
  fn: (lease: L) => Promise<T>,
): Promise<T> {
  const sig = combineSignals(bound?.signal, signal);
  if (bound)
    return onAbort(
      sig,
      () => bound.lease.kill(),
      () => fn(bound.lease),
    );
  const lease = await acquire(sig);
  try {
    return await onAbort(
      sig,
      () => lease.kill(),
      () => fn(lease),
    );
  } finally {
    lease.release();
  }
}
