const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/**
 * The wall time of an instant in a zone with its offset (`2026-03-29T03:00:00+02:00`), in the
 * format of the kernel's fires, for instants read back from the database.
 */
export function localIso(at: Date, timezone: string): string {
  const part: Record<string, string> = {};
  for (const p of formatterFor(timezone).formatToParts(at)) part[p.type] = p.value;
  // `GMT+02:00`, or plain `GMT` for a zero offset.
  const offset = (part.timeZoneName ?? 'GMT').replace(/^GMT/, '') || '+00:00';
  const year = (part.year ?? '').padStart(4, '0');
  return `${year}-${part.month}-${part.day}T${part.hour}:${part.minute}:${part.second}${offset}`;
}
