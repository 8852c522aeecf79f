import type { CatalogueEntry } from '../../core/api-types';

/** `tag:etl state:failed nightly` — every token must match. */
export interface CatalogueFilter {
  tags: string[];
  states: string[];
  words: string[];
}

export const FILTER_HINT =
  'Free text matches id, tags and state; tag:etl and state:failed|running|succeeded|canceled|disabled narrow it.';

export function parseFilter(text: string): CatalogueFilter {
  const filter: CatalogueFilter = { tags: [], states: [], words: [] };
  for (const token of text.toLowerCase().split(/\s+/).filter(Boolean)) {
    if (token.startsWith('tag:') && token.length > 4) filter.tags.push(token.slice(4));
    else if (token.startsWith('state:') && token.length > 6) filter.states.push(token.slice(6));
    else filter.words.push(token);
  }
  return filter;
}

/** The states a card is in: its last run's state, `running` while one is in flight, enabled or not. */
export function statesOf(entry: CatalogueEntry): string[] {
  const states = [entry.enabled === false ? 'disabled' : 'enabled'];
  if (entry.running) states.push('running');
  if (entry.last_run) states.push(entry.last_run.status.toLowerCase());
  else states.push('never');
  return states;
}

export function matchesFilter(entry: CatalogueEntry, filter: CatalogueFilter): boolean {
  if (filter.tags.length === 0 && filter.states.length === 0 && filter.words.length === 0) return true;
  const tags = (entry.tags ?? []).map((t) => t.toLowerCase());
  const states = statesOf(entry);
  const id = entry.id.toLowerCase();
  return (
    filter.tags.every((t) => tags.includes(t)) &&
    filter.states.every((s) => states.includes(s)) &&
    filter.words.every((w) => id.includes(w) || tags.some((t) => t.includes(w)) || states.includes(w))
  );
}
