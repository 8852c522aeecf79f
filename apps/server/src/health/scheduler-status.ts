/** What readiness reports of this process's scheduler; provided by the scheduler module when the role is on. */
export interface SchedulerStatus {
  state(): { state: 'running' | 'starting' | 'stopped'; jobs: number; armed: number };
}
export const SCHEDULER_STATUS = Symbol('SCHEDULER_STATUS');
