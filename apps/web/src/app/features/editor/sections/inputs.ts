/** An `<input type=number>`'s value: a number, or undefined when blank or not a number. */
export function numberOrUndefined(event: Event): number | undefined {
  const text = (event.target as HTMLInputElement).value;
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

export function selectValue(event: Event): string | undefined {
  return (event.target as HTMLSelectElement).value || undefined;
}
