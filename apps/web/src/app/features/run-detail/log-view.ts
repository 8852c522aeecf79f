import { CdkVirtualScrollViewport, ScrollingModule } from '@angular/cdk/scrolling';
import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  Injector,
  afterNextRender,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { toObservable } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { LOG_LEVELS, type LogLine, type LogLineLevel } from '@nomaflow/contracts';
import { map } from 'rxjs';
import { clockTime } from '../../core/time';
import { nextFollowing } from './follow-scroll';
import type { LogBuffer, LogFilter, StepFilter } from './log-buffer';

/** Fixed row height: what lets the viewport render only the visible slice of a 100k-line log. */
const LINE_PX = 20;

/** The live log of a run: virtual scrolling, follow mode, step and level filters, download. */
@Component({
  selector: 'nf-log-view',
  imports: [ScrollingModule, MatButtonModule, MatFormFieldModule, MatSelectModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="nf-toolbar-row bar">
      <mat-form-field subscriptSizing="dynamic" class="filter">
        <mat-label>Step</mat-label>
        <mat-select
          data-testid="log-step-filter"
          [value]="stepFilter()"
          (valueChange)="stepFilter.set($event)"
          aria-label="Show log lines of"
        >
          <mat-option value="all">All lines</mat-option>
          <mat-option value="run">Run-level only</mat-option>
          @for (name of stepNames(); track name) {
            <mat-option [value]="'step:' + name">{{ name }}</mat-option>
          }
        </mat-select>
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic" class="filter">
        <mat-label>Minimum level</mat-label>
        <mat-select
          data-testid="log-level-filter"
          [value]="minLevel()"
          (valueChange)="minLevel.set($event)"
          aria-label="Minimum log level"
        >
          @for (level of levels; track level) {
            <mat-option [value]="level">{{ level }}</mat-option>
          }
        </mat-select>
      </mat-form-field>
      <span class="count" data-testid="log-count" aria-live="polite">
        @if (shown().lines.length === total()) {
          {{ total() }} lines
        } @else {
          {{ shown().lines.length }} of {{ total() }} lines
        }
      </span>
      <span class="nf-spacer"></span>
      <button mat-stroked-button data-testid="download-log" (click)="download()" [disabled]="total() === 0">
        Download
      </button>
    </div>
    <div class="frame">
      <cdk-virtual-scroll-viewport
        data-testid="log-viewport"
        class="viewport nf-mono"
        [itemSize]="lineHeight"
        [minBufferPx]="lineHeight * 20"
        [maxBufferPx]="lineHeight * 40"
        role="log"
        aria-live="off"
        aria-label="Run log"
        tabindex="0"
        (scroll)="onScroll()"
      >
        <div
          *cdkVirtualFor="let line of rows$; trackBy: trackSeq"
          [class]="'line lvl-' + line.level.toLowerCase()"
          data-testid="log-line"
          [attr.data-seq]="line.seq"
          [attr.data-level]="line.level"
        >
          <span class="ts">{{ clock(line.ts) }}</span>&ngsp;<span class="lvl">{{ line.level }}</span
          >&ngsp;
          @if (line.step !== null) {
            <span class="step">[{{ line.step }}]</span>&ngsp;
          }
          <span class="msg">{{ flat(line.message) }}</span>
        </div>
      </cdk-virtual-scroll-viewport>
      @if (total() === 0) {
        <p class="empty">No log lines yet.</p>
      }
      @if (!following()) {
        <button mat-flat-button class="jump" data-testid="jump-to-latest" (click)="jumpToLatest()">
          Jump to latest ↓
        </button>
      }
    </div>
  `,
  styles: `
    .bar {
      margin-bottom: 8px;
    }
    .filter {
      width: 190px;
    }
    .count {
      font-size: 13px;
      color: var(--mat-sys-on-surface-variant);
    }
    .frame {
      position: relative;
    }
    .viewport {
      height: max(320px, 60vh);
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 4px;
      background: var(--mat-sys-surface-container-lowest);
    }
    .viewport:focus-visible {
      outline: 2px solid var(--mat-sys-primary);
    }
    .line {
      height: 20px;
      line-height: 20px;
      white-space: pre;
      padding: 0 8px;
    }
    .ts {
      color: var(--mat-sys-on-surface-variant);
    }
    .lvl {
      display: inline-block;
      min-width: 7ch;
      font-weight: 600;
    }
    .step {
      color: var(--nf-running);
    }
    .lvl-debug {
      color: #6d6d6d;
    }
    .lvl-warning .lvl,
    .lvl-warning .msg {
      color: #9a6700;
    }
    .lvl-error {
      background: color-mix(in srgb, var(--nf-failed) 8%, transparent);
    }
    .lvl-error .lvl,
    .lvl-error .msg {
      color: var(--nf-failed);
    }
    .empty {
      position: absolute;
      top: 8px;
      left: 12px;
      margin: 0;
      color: var(--mat-sys-on-surface-variant);
    }
    .jump {
      position: absolute;
      right: 24px;
      bottom: 16px;
    }
  `,
})
export class LogView {
  readonly buffer = input.required<LogBuffer>();
  readonly runId = input.required<string>();
  readonly stepNames = input<readonly string[]>([]);

  private readonly injector = inject(Injector);
  private readonly document = inject(DOCUMENT);
  private readonly viewport = viewChild.required(CdkVirtualScrollViewport);

  protected readonly lineHeight = LINE_PX;
  protected readonly levels = LOG_LEVELS;
  protected readonly stepFilter = signal<StepFilter>('all');
  protected readonly minLevel = signal<LogLineLevel>('DEBUG');
  protected readonly following = signal(true);
  private lastTop = 0;

  private readonly filter = computed<LogFilter>(() => ({
    step: this.stepFilter(),
    minLevel: this.minLevel(),
  }));
  protected readonly total = computed(() => {
    this.buffer().version();
    return this.buffer().size;
  });
  /* A fresh wrapper per change: the array inside is the same one, grown in place. */
  protected readonly shown = computed(() => {
    this.buffer().version();
    return { lines: this.buffer().view(this.filter()) };
  });
  // The CDK types its input as mutable; it only reads it.
  protected readonly rows$ = toObservable(this.shown).pipe(map((s) => s.lines as LogLine[]));

  constructor() {
    effect(() => {
      this.shown();
      if (untracked(this.following)) {
        afterNextRender(() => this.scrollToEnd(), { injector: this.injector });
      }
    });
  }

  protected clock(ts: string): string {
    return clockTime(ts);
  }

  /** Rows have a fixed height: a multi-line message (a traceback) shows on one row. */
  protected flat(message: string): string {
    return message.includes('\n') ? message.replace(/\r?\n/g, ' ⏎ ') : message;
  }

  protected trackSeq(_: number, line: LogLine): number {
    return line.seq;
  }

  protected onScroll(): void {
    const el = this.viewport().elementRef.nativeElement;
    const m = { scrollTop: el.scrollTop, scrollHeight: el.scrollHeight, clientHeight: el.clientHeight };
    this.following.set(nextFollowing(this.following(), this.lastTop, m));
    this.lastTop = el.scrollTop;
  }

  protected jumpToLatest(): void {
    this.following.set(true);
    this.scrollToEnd();
    this.viewport().elementRef.nativeElement.focus();
  }

  private scrollToEnd(): void {
    const el = this.viewport().elementRef.nativeElement;
    el.scrollTop = el.scrollHeight;
    this.lastTop = el.scrollTop;
  }

  protected download(): void {
    const blob = new Blob([this.buffer().toText()], { type: 'text/plain;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = this.document.createElement('a');
    a.href = url;
    a.download = `${this.runId()}.log`;
    a.click();
    // Revoking at once can abort the download in some browsers; a few seconds is plenty.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
