/** IANA zones the browser knows, plus `UTC` (which `supportedValuesOf` may leave out). */
export function allTimezones(): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...zones.filter((z) => z !== 'UTC')];
}

/** Zones matching the typed text (any part, case-insensitive), best first: prefix matches lead. */
export function filterTimezones(zones: readonly string[], text: string, limit = 50): string[] {
  const t = text.trim().toLowerCase();
  if (t === '') return zones.slice(0, limit);
  const starts: string[] = [];
  const contains: string[] = [];
  for (const z of zones) {
    const lz = z.toLowerCase();
    if (lz.startsWith(t) || lz.split('/').some((p) => p.startsWith(t))) starts.push(z);
    else if (lz.includes(t) || lz.replace(/_/g, ' ').includes(t)) contains.push(z);
  }
  return [...starts, ...contains].slice(0, limit);
}
