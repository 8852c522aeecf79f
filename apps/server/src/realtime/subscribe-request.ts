const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `run:subscribe` as sent by an untrusted client: a message on success, the error text otherwise. */
export function parseRunSubscribe(req: unknown): { runId: string; afterSeq: number } | string {
  if (typeof req !== 'object' || req === null || Array.isArray(req)) {
    return 'run:subscribe takes {run_id, after_seq?}';
  }
  const { run_id: runId, after_seq: afterSeq } = req as { run_id?: unknown; after_seq?: unknown };
  if (typeof runId !== 'string' || !UUID.test(runId)) return 'run_id must be a run id';
  if (afterSeq === undefined || afterSeq === null) return { runId: runId.toLowerCase(), afterSeq: 0 };
  if (typeof afterSeq !== 'number' || !Number.isSafeInteger(afterSeq) || afterSeq < 0) {
    return 'after_seq must be a non-negative integer';
  }
  return { runId: runId.toLowerCase(), afterSeq };
}

export function parseRunUnsubscribe(req: unknown): string | undefined {
  if (typeof req !== 'object' || req === null) return undefined;
  const runId = (req as { run_id?: unknown }).run_id;
  return typeof runId === 'string' && UUID.test(runId) ? runId.toLowerCase() : undefined;
}

/** Socket.IO passes an acknowledgement as the last argument, when the client asked for one. */
export function ackOf<T>(args: readonly unknown[]): (res: T) => void {
  const last = args.at(-1);
  return typeof last === 'function' ? (res: T) => (last as (res: T) => void)(res) : () => undefined;
}
