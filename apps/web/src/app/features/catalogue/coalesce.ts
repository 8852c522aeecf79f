/**
 * Wraps a task so that calls made while it runs collapse into one trailing run: at most one in
 * flight, at most one waiting. A burst of live notices then costs two requests, not one per notice.
 * Every caller's promise settles once a run that started after its call has finished.
 */
export function coalesced(task: () => Promise<void>): () => Promise<void> {
  let current: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const start = (): Promise<void> => {
    const p: Promise<void> = task().finally(() => {
      if (current === p) current = null;
    });
    current = p;
    return p;
  };
  return () => {
    if (!current) return start();
    next ??= current
      .catch(() => undefined)
      .then(() => {
        next = null;
        return start();
      });
    return next;
  };
}
