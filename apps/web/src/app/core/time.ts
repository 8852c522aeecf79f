/** Pure time formatting shared by cards, run detail and lists. */

const UNITS: [limitSeconds: number, unitSeconds: number, suffix: string][] = [
  [60, 1, 's'],
  [3600, 60, 'm'],
  [86_400, 3600, 'h'],
  [Infinity, 86_400, 'd'],
];

/** "in 14 m", "3 h ago", "now" — relative to `now`. */
export function relativeTime(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  const deltaS = Math.round((Date.parse(iso) - now) / 1000);
  const abs = Math.abs(deltaS);
  if (abs < 1) return 'now';
  const [, unit, suffix] = UNITS.find(([limit]) => abs < limit)!;
  const n = Math.floor(abs / unit);
  return deltaS > 0 ? `in ${n} ${suffix}` : `${n} ${suffix} ago`;
}

/** Local wall time `YYYY-MM-DD HH:MM:SS` in the browser's zone. */
export function localDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** UTC for hover titles: `2026-11-30 10:02:03 UTC`. */
export function utcDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  return `${new Date(iso).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}

/** `HH:MM:SS.mmm` in the browser's zone, for log lines. */
export function clockTime(iso: string): string {
  const d = new Date(iso);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** "850 ms", "1.2 s", "3 m 05 s", "2 h 10 m". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} m`;
}

export function durationBetween(
  start: string | null | undefined,
  end: string | null | undefined,
  now = Date.now(),
): number | null {
  if (!start) return null;
  return (end ? Date.parse(end) : now) - Date.parse(start);
}
