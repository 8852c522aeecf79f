import type { CalendarFire } from '../../core/api-types';

/** Fires of different jobs starting less than this apart risk competing for the same resources. */
export const COLLISION_WINDOW_MS = 15 * 60_000;

export const UNTAGGED_COLOUR = '#757575';

export interface CalendarDay {
  /** Local midnight starting the day. */
  start: Date;
  /** `YYYY-MM-DD` in the browser's zone. */
  key: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function dayKey(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** `count` local days from the local midnight of `anchor` shifted by `offsetDays` (DST-safe). */
export function calendarDays(anchor: Date, offsetDays: number, count = 7): CalendarDay[] {
  return Array.from({ length: count }, (_, i) => {
    const start = new Date(anchor.getFullYear(), anchor.getMonth(), anchor.getDate() + offsetDays + i);
    return { start, key: dayKey(start) };
  });
}

/** `HH:MM` of an instant in the browser's zone. */
export function clockOf(iso: string): string {
  const d = new Date(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A job firing more often than this in one day shows as one chip "HH:MM–HH:MM job ×N". */
export const FREQUENT_PER_DAY = 6;

/** One chip of a day: a fire, or the first of a frequent job's fires that day with their count. */
export interface DayEntry {
  fire: CalendarFire;
  repeats?: { count: number; last: CalendarFire };
}

/**
 * Chips per local day key, in time order: a job with more than `limit` fires in a day folds them
 * into one entry, so a `* * * * *` job is one chip a day, not 1,440.
 */
export function dayEntries(
  fires: readonly CalendarFire[],
  limit = FREQUENT_PER_DAY,
): Map<string, DayEntry[]> {
  const entries = new Map<string, DayEntry[]>();
  for (const [day, list] of firesByDay(fires)) {
    const perJob = new Map<string, CalendarFire[]>();
    for (const f of list) {
      const mine = perJob.get(f.job_id);
      if (mine) mine.push(f);
      else perJob.set(f.job_id, [f]);
    }
    const out: DayEntry[] = [];
    for (const f of list) {
      const mine = perJob.get(f.job_id)!;
      if (mine.length <= limit) out.push({ fire: f });
      else if (mine[0] === f)
        out.push({ fire: f, repeats: { count: mine.length, last: mine[mine.length - 1]! } });
    }
    entries.set(day, out);
  }
  return entries;
}

/** Fires per local day key, each day in time order. */
export function firesByDay(fires: readonly CalendarFire[]): Map<string, CalendarFire[]> {
  const byDay = new Map<string, CalendarFire[]>();
  for (const fire of [...fires].sort(
    (a, b) => Date.parse(a.at) - Date.parse(b.at) || a.job_id.localeCompare(b.job_id),
  )) {
    const key = dayKey(new Date(fire.at));
    const list = byDay.get(key);
    if (list) list.push(fire);
    else byDay.set(key, [fire]);
  }
  return byDay;
}

/**
 * For every fire that starts less than `windowMs` from a fire of another job, the other jobs
 * (sorted, unique). Fires of the same job never collide with each other.
 */
export function collisions(
  fires: readonly CalendarFire[],
  windowMs = COLLISION_WINDOW_MS,
): Map<CalendarFire, string[]> {
  const sorted = fires.map((f) => ({ f, t: Date.parse(f.at) })).sort((a, b) => a.t - b.t);
  const others = new Map<CalendarFire, Set<string>>();
  const add = (f: CalendarFire, job: string) => {
    const set = others.get(f) ?? new Set<string>();
    set.add(job);
    others.set(f, set);
  };
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    for (let j = i + 1; j < sorted.length && sorted[j]!.t - a.t < windowMs; j++) {
      const b = sorted[j]!;
      if (a.f.job_id === b.f.job_id) continue;
      add(a.f, b.f.job_id);
      add(b.f, a.f.job_id);
    }
  }
  return new Map([...others].map(([f, set]) => [f, [...set].sort()]));
}

/** A stable colour per tag (FNV-1a hash → hue), dark enough for white text. */
export function tagColour(tag: string | undefined): string {
  if (!tag) return UNTAGGED_COLOUR;
  let h = 0x811c9dc5;
  for (let i = 0; i < tag.length; i++) {
    h ^= tag.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  const hue = (h >>> 0) % 360;
  return `hsl(${hue} 60% 36%)`;
}
