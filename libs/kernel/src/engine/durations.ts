/** `35 ms` under a second, `1.2 s` above: the form of the step boundary log lines. */
export function formatDuration(ms: number): string {
  const clamped = Math.max(0, ms);
  return clamped < 1000 ? `${Math.round(clamped)} ms` : `${(clamped / 1000).toFixed(1)} s`;
}
