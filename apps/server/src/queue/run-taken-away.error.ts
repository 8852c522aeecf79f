/** Thrown when a run was taken from this worker (reaped as lost) while it was still executing it. */
export class RunTakenAwayError extends Error {
  constructor(runId: string) {
    super(`run ${runId} is no longer owned by this worker`);
    this.name = 'RunTakenAwayError';
  }
}
