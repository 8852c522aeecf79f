import { describe, expect, it } from '@jest/globals';
import type { Fire } from '@nomaflow/kernel';
import { CATCHUP_CAP, catchupLookback, planCatchup } from './catchup-plan.js';

const fires = (n: number): Fire[] =>
  Array.from({ length: n }, (_, i) => {
    const at = new Date(Date.UTC(2026, 0, 1, 0, i));
    return { at, iso: at.toISOString(), local: at.toISOString() };
  });
const idx = (list: Fire[]): number[] => list.map((f) => f.at.getUTCMinutes() + 60 * f.at.getUTCHours());

describe('planCatchup', () => {
  it('none: every fire seen is recorded missed', () => {
    const plan = planCatchup(fires(10), 'none');
    expect(idx(plan.missed)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(plan.queue).toEqual([]);
  });

  it('last: the latest is queued, the others recorded missed', () => {
    const plan = planCatchup(fires(10), 'last');
    expect(idx(plan.queue)).toEqual([9]);
    expect(idx(plan.missed)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(planCatchup([], 'last')).toEqual({ missed: [], queue: [] });
  });

  it('all: everything queued in order, up to the cap; older ones recorded missed, also capped', () => {
    expect(idx(planCatchup(fires(10), 'all').queue)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const many = planCatchup(fires(catchupLookback('all')), 'all');
    expect(many.queue).toHaveLength(CATCHUP_CAP);
    expect(idx(many.queue)[0]).toBe(CATCHUP_CAP);
    expect(many.missed).toHaveLength(CATCHUP_CAP);
    expect(idx(many.missed)[0]).toBe(0);
  });

  it('looks back just far enough for each policy', () => {
    expect(planCatchup(fires(catchupLookback('none')), 'none').missed).toHaveLength(CATCHUP_CAP);
    const last = planCatchup(fires(catchupLookback('last')), 'last');
    expect(last.missed).toHaveLength(CATCHUP_CAP);
    expect(last.queue).toHaveLength(1);
  });
});
