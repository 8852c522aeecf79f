import { signal } from '@angular/core';
import type { LogLine, LogLineLevel } from '@nomaflow/contracts';
import { clockTime } from '../../core/time';

/** `all` lines, only `run`-level ones (no step), or one step's (`step:<name>`). */
export type StepFilter = 'all' | 'run' | `step:${string}`;

export interface LogFilter {
  step: StepFilter;
  minLevel: LogLineLevel;
}

export const ALL_LINES: LogFilter = { step: 'all', minLevel: 'DEBUG' };

const LEVEL_RANK: Record<LogLineLevel, number> = { DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3 };

export function lineMatches(filter: LogFilter): (line: LogLine) => boolean {
  const min = LEVEL_RANK[filter.minLevel];
  const step = filter.step;
  const stepName = step.startsWith('step:') ? step.slice(5) : null;
  return (line) => {
    if (LEVEL_RANK[line.level] < min) return false;
    if (step === 'run') return line.step === null;
    if (stepName !== null) return line.step === stepName;
    return true;
  };
}

function sameFilter(a: LogFilter, b: LogFilter): boolean {
  return a.step === b.step && a.minLevel === b.minLevel;
}

/** One line as the console shows it: `HH:MM:SS.mmm LEVEL [step] message`. */
export function formatLine(line: LogLine): string {
  const step = line.step === null ? '' : `[${line.step}] `;
  return `${clockTime(line.ts)} ${line.level} ${step}${line.message}`;
}

/** One line of the downloaded file: the full UTC instant, as a log file spanning days needs. */
export function formatFileLine(line: LogLine): string {
  const step = line.step === null ? '' : `[${line.step}] `;
  return `${line.ts} ${line.level} ${step}${line.message}`;
}

/**
 * A run's log, append-only. A 100,000-line log arrives in many batches, so nothing here copies
 * the whole log per batch: lines are pushed into one array, the filtered view is extended from
 * where it was last brought up to date, and `version` tells signals that something changed.
 */
export class LogBuffer {
  private readonly all: LogLine[] = [];
  private lastSeq = 0;
  private viewFilter: LogFilter = ALL_LINES;
  private matched: LogLine[] = [];
  private scanned = 0;
  readonly version = signal(0);

  /** Appends the lines newer than the last one kept; returns how many were added. */
  append(lines: readonly LogLine[]): number {
    let added = 0;
    for (const line of lines) {
      if (line.seq <= this.lastSeq) continue;
      this.all.push(line);
      this.lastSeq = line.seq;
      added++;
    }
    if (added > 0) this.version.update((v) => v + 1);
    return added;
  }

  get size(): number {
    return this.all.length;
  }

  /** Every line, in order (read-only: the array keeps growing). */
  lines(): readonly LogLine[] {
    return this.all;
  }

  /**
   * The lines matching `filter`. The same array is returned (and grown in place) while the filter
   * is unchanged, so a caller must read its length each time rather than keep a copy.
   */
  view(filter: LogFilter): readonly LogLine[] {
    if (sameFilter(filter, ALL_LINES)) return this.all;
    if (!sameFilter(filter, this.viewFilter)) {
      this.viewFilter = filter;
      this.matched = [];
      this.scanned = 0;
    }
    const matches = lineMatches(filter);
    for (; this.scanned < this.all.length; this.scanned++) {
      const line = this.all[this.scanned]!;
      if (matches(line)) this.matched.push(line);
    }
    return this.matched;
  }

  /** The whole log as a text file body. */
  toText(): string {
    let text = '';
    for (const line of this.all) text += formatFileLine(line) + '\n';
    return text;
  }
}
