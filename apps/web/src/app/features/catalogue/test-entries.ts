import type { CatalogueEntry } from '../../core/api-types';

/** A catalogue card as `GET /api/jobs` returns it, for specs. */
export function entry(id: string, extra: Partial<CatalogueEntry> = {}): CatalogueEntry {
  return {
    id,
    steps: [{ name: 'wait', type: 'noop' }],
    version: 1,
    updated_at: '2026-01-01T00:00:00.000Z',
    updated_by: 'admin',
    last_run: null,
    next_fire: null,
    running: null,
    degraded: null,
    ...extra,
  };
}
