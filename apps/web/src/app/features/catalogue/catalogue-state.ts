import type { JobDocument } from '@nomaflow/contracts';
import type { CatalogueEntry, LastRunView } from '../../core/api-types';
import type { CatalogueSignal } from '../../core/live';

/** Signals after which the server's view is fresher than anything we can derive locally. */
export function needsReread(m: CatalogueSignal): boolean {
  return (
    m.type === 'resync' ||
    m.type === 'job:changed' ||
    m.type === 'config:reloaded' ||
    m.type === 'run:finished'
  );
}

/** The job document as PUT takes it: the catalogue's own fields are not part of it. */
export function toJobDocument(entry: CatalogueEntry): JobDocument {
  const {
    version: _version,
    updated_at: _updatedAt,
    updated_by: _updatedBy,
    last_run: _lastRun,
    next_fire: _nextFire,
    running: _running,
    degraded: _degraded,
    ...job
  } = entry;
  return job;
}

/** One step and nothing to ask: Run now fires at once instead of opening the parameters modal. */
export function runsDirectly(job: JobDocument): boolean {
  return job.steps.length === 1 && (!job.params || Object.keys(job.params).length === 0);
}

/** A manual run of a `skip` job (the default) is refused with 409 while another is in flight. */
export function runNowBlocked(entry: CatalogueEntry): boolean {
  return entry.running !== null && (entry.concurrency ?? 'skip') === 'skip';
}

function replaceAt(entries: readonly CatalogueEntry[], i: number, next: CatalogueEntry): CatalogueEntry[] {
  const copy = entries.slice();
  copy[i] = next;
  return copy;
}

function lastRunOf(
  entry: CatalogueEntry,
  runId: string,
  patch: Partial<LastRunView>,
  at: string,
): LastRunView {
  const prev = entry.last_run;
  if (prev?.id === runId) return { ...prev, ...patch };
  return {
    id: runId,
    status: 'QUEUED',
    triggered_by: prev?.triggered_by ?? 'api',
    created_at: at,
    started_at: null,
    finished_at: null,
    ...patch,
  };
}

/**
 * Folds one live run event onto the cards, so state shows without a round trip. Returns the same
 * array when the event concerns no card (the signal then does not notify). `step:started` carries
 * no job id: the card is found by the run it is showing.
 */
export function applyRunEvent(
  entries: readonly CatalogueEntry[],
  m: CatalogueSignal,
): readonly CatalogueEntry[] {
  switch (m.type) {
    case 'run:queued': {
      const i = entries.findIndex((e) => e.id === m.job_id);
      if (i < 0) return entries;
      const e = entries[i]!;
      if (e.last_run?.id === m.run_id && e.running) return entries;
      return replaceAt(entries, i, {
        ...e,
        running: e.running ?? { run_id: m.run_id, step_index: 0, step_count: e.steps.length, step: null },
        last_run:
          e.last_run?.id === m.run_id
            ? e.last_run
            : lastRunOf(e, m.run_id, { status: 'QUEUED', triggered_by: m.triggered_by }, m.at),
      });
    }
    case 'run:started': {
      const i = entries.findIndex((e) => e.id === m.job_id);
      if (i < 0) return entries;
      const e = entries[i]!;
      const same = e.running?.run_id === m.run_id;
      return replaceAt(entries, i, {
        ...e,
        running: {
          run_id: m.run_id,
          step_index: same ? e.running!.step_index : 0,
          step_count: m.step_count,
          step: same ? e.running!.step : null,
        },
        last_run: lastRunOf(e, m.run_id, { status: 'RUNNING', started_at: m.at }, m.at),
      });
    }
    case 'step:started': {
      const i = entries.findIndex((e) => e.running?.run_id === m.run_id);
      if (i < 0) return entries;
      const e = entries[i]!;
      const running = e.running!;
      return replaceAt(entries, i, {
        ...e,
        running: {
          ...running,
          step_index: m.index,
          step: m.step,
          step_count: m.step_count ?? running.step_count,
        },
      });
    }
    case 'run:finished': {
      const i = entries.findIndex((e) => e.id === m.job_id);
      if (i < 0) return entries;
      const e = entries[i]!;
      return replaceAt(entries, i, {
        ...e,
        running: e.running?.run_id === m.run_id ? null : e.running,
        last_run: lastRunOf(e, m.run_id, { status: m.status, finished_at: m.at }, m.at),
      });
    }
    default:
      return entries;
  }
}

/**
 * A re-read list sorted by id, reusing the previous object of every card whose data did not
 * change, so OnPush cards that did not change are not re-rendered.
 */
export function mergeEntries(
  previous: readonly CatalogueEntry[],
  fresh: readonly CatalogueEntry[],
): CatalogueEntry[] {
  const old = new Map(previous.map((e) => [e.id, e]));
  return fresh
    .map((e) => {
      const before = old.get(e.id);
      return before && sameCard(before, e) ? before : e;
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Whether a card shows the same thing: the saved document (its `version`) and what changes
 * without a save. Cheap on purpose — it runs for every card on every re-read.
 */
function sameCard(a: CatalogueEntry, b: CatalogueEntry): boolean {
  const ra = a.last_run;
  const rb = b.last_run;
  const wa = a.running;
  const wb = b.running;
  return (
    a.version === b.version &&
    a.enabled === b.enabled &&
    a.degraded === b.degraded &&
    a.next_fire?.at === b.next_fire?.at &&
    a.next_fire?.note === b.next_fire?.note &&
    ra?.id === rb?.id &&
    ra?.status === rb?.status &&
    ra?.started_at === rb?.started_at &&
    ra?.finished_at === rb?.finished_at &&
    wa?.run_id === wb?.run_id &&
    wa?.step_index === wb?.step_index &&
    wa?.step_count === wb?.step_count
  );
}
