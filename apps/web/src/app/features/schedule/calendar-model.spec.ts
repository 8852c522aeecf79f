import type { CalendarFire } from '../../core/api-types';
import {
  UNTAGGED_COLOUR,
  calendarDays,
  collisions,
  dayEntries,
  dayKey,
  firesByDay,
  tagColour,
} from './calendar-model';

const fire = (job_id: string, at: string, tags: string[] = []): CalendarFire => ({
  job_id,
  tags,
  at,
  local: at,
  past: false,
});

describe('collisions', () => {
  it('flags fires of different jobs starting less than 15 minutes apart, naming the others', () => {
    const a = fire('a', '2026-03-01T02:00:00Z');
    const b = fire('b', '2026-03-01T02:10:00Z');
    const c = fire('c', '2026-03-01T02:14:00Z');
    const far = fire('d', '2026-03-01T03:00:00Z');
    const result = collisions([c, far, b, a]);
    expect(result.get(a)).toEqual(['b', 'c']);
    expect(result.get(b)).toEqual(['a', 'c']);
    expect(result.get(c)).toEqual(['a', 'b']);
    expect(result.has(far)).toBe(false);
  });

  it('ignores the same job firing often and fires exactly 15 minutes apart', () => {
    const every5 = ['00', '05', '10'].map((m) => fire('often', `2026-03-01T02:${m}:00Z`));
    const quarter = fire('q', '2026-03-01T02:25:00Z');
    const result = collisions([...every5, quarter]);
    expect(result.size).toBe(0);
  });

  it('flags across midnight and de-duplicates job names', () => {
    const late = fire('a', '2026-03-01T23:55:00Z');
    const early1 = fire('b', '2026-03-02T00:02:00Z');
    const early2 = fire('b', '2026-03-02T00:04:00Z');
    expect(collisions([late, early1, early2]).get(late)).toEqual(['b']);
  });
});

describe('calendar days', () => {
  it('gives seven consecutive local days from today, shifted by weeks', () => {
    const days = calendarDays(new Date(2026, 2, 27, 15, 30), 0);
    expect(days.map((d) => d.key)).toEqual([
      '2026-03-27',
      '2026-03-28',
      '2026-03-29',
      '2026-03-30',
      '2026-03-31',
      '2026-04-01',
      '2026-04-02',
    ]);
    expect(days[0]!.start.getHours()).toBe(0);
    expect(calendarDays(new Date(2026, 2, 27), -7)[0]!.key).toBe('2026-03-20');
  });

  it('groups fires by local day in time order', () => {
    const a = fire('z', new Date(2026, 0, 5, 9, 0).toISOString());
    const b = fire('a', new Date(2026, 0, 5, 8, 0).toISOString());
    const c = fire('m', new Date(2026, 0, 6, 0, 30).toISOString());
    const byDay = firesByDay([a, c, b]);
    expect(byDay.get(dayKey(new Date(2026, 0, 5)))).toEqual([b, a]);
    expect(byDay.get(dayKey(new Date(2026, 0, 6)))).toEqual([c]);
  });
});

describe('tagColour', () => {
  it('is stable per tag, differs between tags, grey when untagged', () => {
    expect(tagColour('etl')).toBe(tagColour('etl'));
    expect(tagColour('etl')).not.toBe(tagColour('reporting'));
    expect(tagColour(undefined)).toBe(UNTAGGED_COLOUR);
    expect(tagColour('')).toBe(UNTAGGED_COLOUR);
  });

  it('folds a job firing more than 6 times a day into one entry, keeping the others', () => {
    const at = (h: number, m: number) => new Date(2026, 10, 30, h, m).toISOString();
    const often = Array.from({ length: 12 }, (_, i) => ({
      job_id: 'every-hour',
      tags: [],
      at: at(i * 2, 0),
      local: '',
      past: false,
    }));
    const once = { job_id: 'nightly', tags: ['etl'], at: at(3, 30), local: '', past: false };
    const entries = dayEntries([...often, once]).get(dayKey(new Date(2026, 10, 30)))!;
    expect(entries.map((e) => [e.fire.job_id, e.repeats?.count ?? 1])).toEqual([
      ['every-hour', 12],
      ['nightly', 1],
    ]);
    expect(entries[0]!.fire).toBe(often[0]);
    expect(entries[0]!.repeats!.last).toBe(often[11]);
    const six = dayEntries(often.slice(0, 6)).get(dayKey(new Date(2026, 10, 30)))!;
    expect(six.every((e) => e.repeats === undefined)).toBe(true);
  });
});
