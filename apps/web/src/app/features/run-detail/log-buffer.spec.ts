import type { LogLine, LogLineLevel } from '@nomaflow/contracts';
import { ALL_LINES, LogBuffer, formatFileLine, formatLine, lineMatches } from './log-buffer';

const LEVELS: LogLineLevel[] = ['DEBUG', 'INFO', 'WARNING', 'ERROR'];

function line(seq: number, step: string | null = null, level: LogLineLevel = 'INFO'): LogLine {
  return { seq, ts: '2026-01-01T10:00:00.123Z', level, step, message: `m${seq}` };
}

/** `n` lines cycling through steps a, b, run-level and every level. */
function lines(from: number, n: number): LogLine[] {
  const steps = ['a', 'b', null];
  return Array.from({ length: n }, (_, i) => line(from + i, steps[i % 3]!, LEVELS[i % 4]!));
}

describe('LogBuffer', () => {
  it('appends in order, drops lines already seen, and bumps its version only on change', () => {
    const b = new LogBuffer();
    expect(b.append(lines(1, 5))).toBe(5);
    expect(b.version()).toBe(1);
    expect(b.append(lines(3, 5))).toBe(2);
    expect(b.append(lines(1, 7))).toBe(0);
    expect(b.version()).toBe(2);
    expect(b.lines().map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('returns the whole log, not a copy, when nothing is filtered', () => {
    const b = new LogBuffer();
    b.append(lines(1, 3));
    const view = b.view(ALL_LINES);
    b.append(lines(4, 3));
    expect(b.view(ALL_LINES)).toBe(view);
    expect(view.length).toBe(6);
  });

  it('filters by step, run level and minimum level, extending the view in place as lines arrive', () => {
    const b = new LogBuffer();
    b.append(lines(1, 12));
    const onlyA = b.view({ step: 'step:a', minLevel: 'DEBUG' });
    expect(onlyA.map((l) => l.seq)).toEqual([1, 4, 7, 10]);
    b.append(lines(13, 6));
    const again = b.view({ step: 'step:a', minLevel: 'DEBUG' });
    expect(again).toBe(onlyA);
    expect(again.map((l) => l.seq)).toEqual([1, 4, 7, 10, 13, 16]);

    expect(b.view({ step: 'run', minLevel: 'DEBUG' }).every((l) => l.step === null)).toBe(true);
    const warnings = b.view({ step: 'all', minLevel: 'WARNING' });
    expect(warnings.length).toBe(8);
    expect(warnings.every((l) => l.level === 'WARNING' || l.level === 'ERROR')).toBe(true);
  });

  it('rebuilds the view when the filter changes back and forth', () => {
    const b = new LogBuffer();
    b.append(lines(1, 9));
    const a = b.view({ step: 'step:a', minLevel: 'DEBUG' });
    const bLines = b.view({ step: 'step:b', minLevel: 'DEBUG' });
    expect(bLines.map((l) => l.seq)).toEqual([2, 5, 8]);
    expect(b.view({ step: 'step:a', minLevel: 'DEBUG' }).map((l) => l.seq)).toEqual(a.map((l) => l.seq));
  });

  it('scans each new line once per filter: a 100,000-line log in 1,000 batches stays linear', () => {
    const b = new LogBuffer();
    const filter = { step: 'step:a', minLevel: 'INFO' } as const;
    for (let i = 0; i < 1000; i++) {
      b.append(lines(i * 100 + 1, 100));
      b.view(filter);
    }
    expect(b.size).toBe(100_000);
    const all = lines(1, 100_000).filter(lineMatches(filter));
    expect(b.view(filter).length).toBe(all.length);
  });

  it('renders the whole log as a text file, one line each', () => {
    const b = new LogBuffer();
    b.append([line(1, null), line(2, 'extract', 'ERROR')]);
    expect(b.toText()).toBe(
      '2026-01-01T10:00:00.123Z INFO m1\n2026-01-01T10:00:00.123Z ERROR [extract] m2\n',
    );
  });
});

describe('formatLine', () => {
  it('is HH:MM:SS.mmm LEVEL [step] message', () => {
    expect(formatLine(line(1, 'extract'))).toMatch(/^\d\d:\d\d:\d\d\.123 INFO \[extract\] m1$/);
    expect(formatLine(line(2))).toMatch(/^\d\d:\d\d:\d\d\.123 INFO m2$/);
    expect(formatFileLine(line(3, 'x', 'DEBUG'))).toBe('2026-01-01T10:00:00.123Z DEBUG [x] m3');
  });
});
