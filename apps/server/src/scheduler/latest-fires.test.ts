import { describe, expect, it } from '@jest/globals';
import { firesBetween } from '@nomaflow/kernel';
import { latestFires } from './latest-fires.js';

const at = (iso: string): Date => new Date(iso);

describe('latestFires', () => {
  it('returns the latest n fires of the window, ascending, bounds (after, until]', () => {
    const fires = latestFires('0 * * * *', 'UTC', at('2026-01-01T00:00:00Z'), at('2026-01-01T10:00:00Z'), 3);
    expect(fires.map((f) => f.iso)).toEqual([
      '2026-01-01T08:00:00.000Z',
      '2026-01-01T09:00:00.000Z',
      '2026-01-01T10:00:00.000Z',
    ]);
  });

  it('returns all of them when there are fewer, and nothing for an empty window', () => {
    expect(
      latestFires('0 * * * *', 'UTC', at('2026-01-01T00:00:00Z'), at('2026-01-01T10:30:00Z'), 100),
    ).toHaveLength(10);
    expect(
      latestFires('0 * * * *', 'UTC', at('2026-01-01T10:00:00Z'), at('2026-01-01T10:00:00Z'), 5),
    ).toEqual([]);
    expect(
      latestFires('0 0 30 2 *', 'UTC', at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'), 5),
    ).toEqual([]);
  });

  it('agrees with firesBetween across window edges and DST', () => {
    const after = at('2026-03-20T00:00:00Z');
    const until = at('2026-04-05T00:00:00Z');
    for (const cron of ['30 2 * * *', '*/7 * * * *', '0 0 * * 1']) {
      const all = firesBetween(cron, 'Europe/Paris', after, until, 100_000);
      expect(latestFires(cron, 'Europe/Paris', after, until, 150).map((f) => [f.iso, f.note])).toEqual(
        all.slice(-150).map((f) => [f.iso, f.note]),
      );
    }
  });

  it('keeps only the latest fires of a per-second cron after a long gap', () => {
    const fires = latestFires(
      '* * * * * *',
      'UTC',
      at('2025-01-01T00:00:00Z'),
      at('2026-01-01T00:00:00Z'),
      200,
    );
    expect(fires).toHaveLength(200);
    expect(fires.at(-1)?.iso).toBe('2026-01-01T00:00:00.000Z');
    expect(fires[0]?.iso).toBe('2025-12-31T23:56:41.000Z');
  });
});
