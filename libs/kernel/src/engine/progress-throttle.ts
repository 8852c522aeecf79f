import type { StepProgress } from '@nomaflow/contracts';

/**
 * A step may report progress per row; the console needs a few frames a second. Reports closer than
 * the interval to the last emitted one are dropped, except the final one (done reaches total).
 */
export class ProgressThrottle {
  readonly #intervalMs: number;
  #lastMs: number | undefined;

  constructor(intervalMs = 100) {
    this.#intervalMs = intervalMs;
  }

  admit(progress: StepProgress, nowMs: number): boolean {
    const final = progress.total !== undefined && progress.done >= progress.total;
    if (!final && this.#lastMs !== undefined && nowMs - this.#lastMs < this.#intervalMs) return false;
    this.#lastMs = nowMs;
    return true;
  }
}
