/**
 * Runs async tasks one at a time, in the order they were submitted.
 *
 * The scheduler's timers, job-change notifications and reloads all touch the same in-memory timer
 * table and read-then-arm from the database; running them one after the other keeps that table
 * consistent without per-job locking (the work per task is a few short queries).
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every task submitted so far, and any they submitted in turn, has finished. */
  async idle(): Promise<void> {
    for (;;) {
      const tail = this.tail;
      await tail;
      if (tail === this.tail) return;
    }
  }
}
