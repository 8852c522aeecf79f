import { RUN_STATUSES, type RunStatus } from '@nomaflow/contracts';
import type { RunsQuery } from '../../core/api-types';

/** What the page-size menu offers; a shared URL may carry any size the API accepts (1–500). */
export const PAGE_SIZES: readonly number[] = [25, 50, 100];
export const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 500;

/** What the runs list shows; lives in the URL's query params so a filtered list can be shared. */
export interface RunsFilter {
  /** '' = every job. */
  job: string;
  statuses: RunStatus[];
  /** ISO instants, '' = open. */
  from: string;
  to: string;
  limit: number;
}

/** The query params as the router hands them to the page (absent ones are undefined). */
export interface RunsParams {
  job?: string | null;
  status?: string | null;
  from?: string | null;
  to?: string | null;
  limit?: string | null;
}

function instantOrEmpty(value: string | null | undefined): string {
  if (!value) return '';
  const t = Date.parse(value);
  return Number.isNaN(t) ? '' : new Date(t).toISOString();
}

/** Reads a filter from the URL; unknown states, bad dates and odd page sizes are dropped, not errors. */
export function filterFromParams(params: RunsParams, fixedJob: string | null = null): RunsFilter {
  const statuses = (params.status ?? '')
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s): s is RunStatus => (RUN_STATUSES as readonly string[]).includes(s));
  const limit = Number(params.limit);
  return {
    job: fixedJob ?? (params.job ?? '').trim(),
    statuses: RUN_STATUSES.filter((s) => statuses.includes(s)),
    from: instantOrEmpty(params.from),
    to: instantOrEmpty(params.to),
    limit: Number.isInteger(limit) && limit >= 1 && limit <= MAX_PAGE_SIZE ? limit : DEFAULT_PAGE_SIZE,
  };
}

/** The query params for a filter: `null` removes a param, defaults are left out of the URL. */
export function filterToParams(
  filter: RunsFilter,
  fixedJob: string | null = null,
): Record<keyof RunsParams, string | null> {
  return {
    job: fixedJob !== null || filter.job === '' ? null : filter.job,
    status: filter.statuses.length > 0 ? filter.statuses.join(',') : null,
    from: filter.from || null,
    to: filter.to || null,
    limit: filter.limit === DEFAULT_PAGE_SIZE ? null : String(filter.limit),
  };
}

/** The `GET /api/runs` query for one page of the filtered list. */
export function toRunsQuery(filter: RunsFilter, cursor: string | null): RunsQuery {
  return {
    ...(filter.job ? { job: filter.job } : {}),
    ...(filter.statuses.length > 0 ? { status: filter.statuses.join(',') } : {}),
    ...(filter.from ? { from: filter.from } : {}),
    ...(filter.to ? { to: filter.to } : {}),
    limit: filter.limit,
    ...(cursor ? { cursor } : {}),
  };
}

/** Whether a run just queued (state QUEUED, created `at`) belongs in the filtered list. */
export function queuedRunMatches(filter: RunsFilter, jobId: string, at: string): boolean {
  if (filter.job && filter.job !== jobId) return false;
  if (filter.statuses.length > 0 && !filter.statuses.includes('QUEUED')) return false;
  const t = Date.parse(at);
  if (filter.from && t < Date.parse(filter.from)) return false;
  if (filter.to && t >= Date.parse(filter.to)) return false;
  return true;
}

export function sameFilter(a: RunsFilter, b: RunsFilter): boolean {
  return (
    a.job === b.job &&
    a.from === b.from &&
    a.to === b.to &&
    a.limit === b.limit &&
    a.statuses.join() === b.statuses.join()
  );
}
