// The console in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core), against
// a started server and a real PostgreSQL (issue targets in brackets):
//  (a) the jobs catalogue with 500 jobs: navigation → the first screenful of cards rendered and
//      no long task since (Time to Interactive); also when all 500 cards are in the DOM        [≤ 1 s]
//      baseline: the same JSON fetched and rendered as plain HTML cards by a hand-written page
//  (b) a run log of 100,000 lines scrolled top to bottom: the longest main-thread task while
//      scrolling                                                                             [≤ 100 ms]
//      baseline: the same 100,000 lines as plain DOM rows in a scrolling div (no virtual scroll);
//      and the time to load them, against the same replay read over a bare WebSocket
//  (c) initial JavaScript of the built console, gzipped                                     [≤ 350 KB]
//      baseline: the budget itself (ratio = share of the budget used)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { root, startBenchServer, verdict, withDatabase } from './support.mjs';

const CHROMIUM = process.env.NOMAFLOW_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
const WEB_DIR = process.env.NOMAFLOW_WEB_DIR ?? join(root, 'apps/web/dist/browser');
const JOBS = 500;
const LOG_LINES = Number(process.env.BENCH_LOG_LINES ?? 100_000);
const ROUNDS = 5;
/** Cards a 1280 × 900 window shows. */
const FIRST_SCREEN = 12;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** 500 jobs shaped like a real install: tags, crons in zones, 1–17 steps, some manual-only. */
function catalogueJobs() {
  const tags = ['etl', 'nightly', 'reporting', 'ldap', 'finance', 'hourly'];
  const zones = ['Europe/Paris', 'UTC', 'America/New_York', 'Asia/Tokyo'];
  return Array.from({ length: JOBS }, (_, i) => ({
    id: `bench-job-${String(i).padStart(3, '0')}`,
    description: `Benchmark job ${i}: refreshes reporting table ${i % 37}.`,
    tags: [tags[i % tags.length], tags[(i * 7) % tags.length]].filter((t, k, a) => a.indexOf(t) === k),
    enabled: i % 10 !== 0,
    ...(i % 4 === 3
      ? {}
      : { schedule: { cron: `${i % 60} ${i % 24} * * *`, timezone: zones[i % zones.length] } }),
    params: i % 3 === 0 ? {} : { apps_id: i },
    steps: Array.from({ length: 1 + (i % 17) }, (_, k) => ({ name: `step-${k + 1}`, type: 'noop' })),
  }));
}

async function registerLinesStep(server) {
  const { defineStepType, StepTypeRegistry } = await import('@nomaflow/kernel');
  server.app.get(StepTypeRegistry).register(
    defineStepType({
      manifest: {
        type: 'bench_lines',
        version: '1.0.0',
        title: 'Bench lines',
        description: 'prints `lines` INFO lines as fast as it can',
        schema: { type: 'object', required: ['lines'], properties: { lines: { type: 'integer' } } },
      },
      async execute(ctx, config) {
        for (let i = 0; i < config.lines; i++) {
          ctx.log.info(
            `line ${i} · copied batch ${i % 1000} of table reporting.sales_${i % 17} (10000 rows)`,
          );
          if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
        }
        return { lines: config.lines };
      },
    }),
  );
}

async function post(url, path, body) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json().catch(() => undefined);
  if (!res.ok) throw new Error(`POST ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function waitForRun(url, runId) {
  for (;;) {
    const run = await (await fetch(`${url}/api/runs/${runId}`)).json();
    if (['SUCCEEDED', 'FAILED', 'CANCELED'].includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Records every long task (> 50 ms) from now on in `window.__longTasks`. */
const OBSERVE_LONG_TASKS = () => {
  window.__longTasks = [];
  const since = performance.now();
  // Not buffered: the tasks of loading the page are not the scroll's.
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.startTime >= since) window.__longTasks.push(e.duration);
  }).observe({ type: 'longtask' });
};

/** Waits until no long task has started for `quietMs`: the page answers input at once. */
async function idleAt(page, quietMs = 300) {
  return page.evaluate(
    (quiet) =>
      new Promise((resolve) => {
        let last = performance.now();
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) last = Math.max(last, e.startTime + e.duration);
        }).observe({ type: 'longtask', buffered: true });
        const check = () => (performance.now() - last >= quiet ? resolve(last) : setTimeout(check, 50));
        check();
      }),
    quietMs,
  );
}

/**
 * Time to Interactive as Lighthouse defines it, from in-page records: the first moment after the
 * first screenful of cards is on screen from which no long task runs for `QUIET_MS`.
 */
const RECORD_CARDS = (firstScreen) => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.startTime + e.duration]);
  }).observe({ type: 'longtask', buffered: true });
  new MutationObserver(() => {
    const n = document.querySelectorAll('[data-testid="job-card"]').length;
    if (n >= firstScreen && window.__firstCards === undefined) window.__firstCards = performance.now();
  }).observe(document, { childList: true, subtree: true });
};
const QUIET_MS = 300;

async function catalogueRound(browser, url, baseline) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(RECORD_CARDS, FIRST_SCREEN);
  if (baseline) {
    await page.route(`${url}/__baseline`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><html><body><div id="cards"></div><script>
          fetch('/api/jobs').then((r) => r.json()).then((jobs) => {
            const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => '&#' + c.charCodeAt(0) + ';');
            document.getElementById('cards').innerHTML = jobs.map((j) =>
              '<div data-testid="job-card"><b>' + esc(j.id) + '</b> ' + (j.tags || []).map(esc).join(' ') +
              '<p>' + esc(j.description) + '</p><span>' + esc(j.schedule ? j.schedule.cron : 'manual-only') +
              '</span> <span>' + esc(j.next_fire ? j.next_fire.local : '') + '</span> <span>' + j.steps.length +
              ' steps</span> <button>Run now</button></div>').join('');
          });
        </script></body></html>`,
      }),
    );
  }
  await page.goto(`${url}${baseline ? '/__baseline' : '/nomaflow/jobs'}`);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="job-card"]').length >= n, JOBS, {
    timeout: 60_000,
    polling: 100,
  });
  const completeAt = await page.evaluate(() => performance.now());
  await new Promise((r) => setTimeout(r, QUIET_MS * 2));
  const interactive = await page.evaluate((quiet) => {
    let t = window.__firstCards;
    for (const [start, end] of window.__longTasks.sort((a, b) => a[0] - b[0])) {
      if (end <= t) continue;
      if (start - t >= quiet) break;
      t = end;
    }
    return t;
  }, QUIET_MS);
  await context.close();
  return { interactive, complete: completeAt };
}

async function scrollLongestTask(page, selector) {
  await page.evaluate(OBSERVE_LONG_TASKS);
  await page.evaluate(async (sel) => {
    const el = document.querySelector(sel);
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
    const steps = 300;
    for (let i = 1; i <= steps; i++) {
      el.scrollTop = (el.scrollHeight * i) / steps;
      el.dispatchEvent(new Event('scroll'));
      await frame();
    }
    for (let i = 0; i < 60; i++) {
      el.scrollTop -= 700;
      await frame();
    }
  }, selector);
  await new Promise((r) => setTimeout(r, 300));
  const tasks = await page.evaluate(() => window.__longTasks);
  return { longest: tasks.length ? Math.max(...tasks) : 0, count: tasks.length };
}

async function logBench(browser, url, runId) {
  // The console: its virtual-scrolled live log, loaded through the run's event stream.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(`${url}/nomaflow/runs/${runId}`);
  const viewport = '[data-testid="log-viewport"]';
  await page.waitForSelector(`${viewport} [data-testid="log-line"]`, { timeout: 60_000 });
  await page.waitForFunction(
    ({ sel, n }) => {
      const el = document.querySelector(sel);
      const line = el?.querySelector('[data-testid="log-line"]');
      return !!line && el.scrollHeight >= (n - 50) * line.getBoundingClientRect().height;
    },
    { sel: viewport, n: LOG_LINES },
    { timeout: 120_000, polling: 500 },
  );
  const loadedMs = Date.now() - started;
  await idleAt(page);
  const consoleScroll = await scrollLongestTask(page, viewport);
  await context.close();

  // Baseline: the same lines as plain DOM rows, fetched from the API in one request.
  const base = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const plain = await base.newPage();
  await plain.route(`${url}/__baseline-log`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html><body><div id="log" style="height:600px;overflow:auto;font:12px monospace"></div></body></html>`,
    }),
  );
  await plain.goto(`${url}/__baseline-log`);
  const baselineLoadedMs = await plain.evaluate(
    async ({ id, n }) => {
      const t0 = performance.now();
      const lines = [];
      for (let after = 0; ;) {
        const page = await (await fetch(`/api/runs/${id}/logs?after_seq=${after}&limit=10000`)).json();
        lines.push(...page.lines);
        if (page.lines.length < 10000 || lines.length >= n + 100) break;
        after = page.last_seq;
      }
      const el = document.getElementById('log');
      const frag = document.createDocumentFragment();
      for (const l of lines) {
        const div = document.createElement('div');
        div.textContent = `${l.ts.slice(11, 23)} ${l.level} ${l.message}`;
        frag.appendChild(div);
      }
      el.appendChild(frag);
      await new Promise((r) => requestAnimationFrame(() => r()));
      return performance.now() - t0;
    },
    { id: runId, n: LOG_LINES },
  );
  await idleAt(plain);
  const baselineScroll = await scrollLongestTask(plain, '#log');
  // Baseline for the load: the same replay over a bare WebSocket in the same browser, speaking
  // Engine.IO/Socket.IO by hand and only counting lines (what the network and JSON cost alone).
  const raw = await base.newPage();
  await raw.goto(`${url}/health`);
  const rawStreamMs = await raw.evaluate(
    ({ id, n }) =>
      new Promise((resolve, reject) => {
        const t0 = performance.now();
        let lines = 0;
        const ws = new WebSocket(
          `${location.origin.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`,
        );
        ws.onerror = () => reject(new Error('websocket failed'));
        ws.onmessage = ({ data }) => {
          if (data.startsWith('0')) ws.send('40');
          else if (data === '2') ws.send('3');
          else if (data.startsWith('40'))
            ws.send(`420${JSON.stringify(['run:subscribe', { run_id: id, after_seq: 0 }])}`);
          else if (data.startsWith('42["log:line"')) {
            lines += JSON.parse(data.slice(2))[1].lines.length;
            if (lines >= n) {
              ws.close();
              resolve(performance.now() - t0);
            }
          }
        };
      }),
    { id: runId, n: LOG_LINES },
  );
  await base.close();
  return { loadedMs, consoleScroll, baselineLoadedMs, baselineScroll, rawStreamMs };
}

function initialJs() {
  const index = readFileSync(join(WEB_DIR, 'index.html'), 'utf8');
  const files = new Set();
  for (const m of index.matchAll(/<script[^>]*\ssrc="([^"]+\.js)"/g)) files.add(m[1]);
  for (const m of index.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g)) files.add(m[1]);
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    const bytes = readFileSync(join(WEB_DIR, f));
    raw += bytes.length;
    gz += gzipSync(bytes).length;
  }
  return { files: files.size, raw, gz };
}

export default async function consoleBench() {
  const js = initialJs();
  const budget = 350 * 1024;
  console.log(
    `initial JS: ${js.files} files, ${kb(js.raw)} raw, ${kb(js.gz)} gzipped · target ≤ 350 KB: ` +
      `${verdict(js.gz, budget)} · ${((js.gz / budget) * 100).toFixed(0)}% of the budget`,
  );

  await withDatabase(async (dbUrl) => {
    const server = await startBenchServer(dbUrl, {
      NOMAFLOW_PLUGIN_DIRS: join(root, 'plugins'),
      NOMAFLOW_WEB_DIR: WEB_DIR,
    });
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      await registerLinesStep(server);
      await post(server.url, '/api/import', { version: 1, jobs: catalogueJobs() });

      const app = [];
      const plain = [];
      for (let i = 0; i < ROUNDS; i++) {
        app.push(await catalogueRound(browser, server.url, false));
        plain.push(await catalogueRound(browser, server.url, true));
      }
      const a = median(app.map((r) => r.interactive));
      const b = median(plain.map((r) => r.interactive));
      const all = median(app.map((r) => r.complete));
      const allPlain = median(plain.map((r) => r.complete));
      console.log(
        `catalogue, ${JOBS} jobs: interactive in ${a.toFixed(0)} ms (median of ${ROUNDS}; ` +
          `${app.map((r) => r.interactive.toFixed(0)).join(', ')}) · target ≤ 1000 ms: ${verdict(a, 1000)} · ` +
          `baseline plain HTML ${b.toFixed(0)} ms · ratio ${(a / b).toFixed(2)}× · all ${JOBS} cards in the ` +
          `DOM at ${all.toFixed(0)} ms (baseline ${allPlain.toFixed(0)} ms)`,
      );

      await post(server.url, '/api/jobs', {
        id: 'bench-log',
        steps: [{ name: 'print-lines', type: 'bench_lines', lines: LOG_LINES }],
      });
      const { run_id } = await post(server.url, '/api/jobs/bench-log/runs', {});
      const run = await waitForRun(server.url, run_id);
      if (run.status !== 'SUCCEEDED') throw new Error(`log run ended ${run.status}: ${run.error}`);
      const log = await logBench(browser, server.url, run_id);
      console.log(
        `run log, ${LOG_LINES.toLocaleString('en')} lines: loaded into the page in ${log.loadedMs} ms · ` +
          `baseline: the same stream over a bare WebSocket in the same browser ${log.rawStreamMs.toFixed(0)} ms ` +
          `(ratio ${(log.loadedMs / log.rawStreamMs).toFixed(2)}×); fetched over HTTP into plain DOM rows ` +
          `${log.baselineLoadedMs.toFixed(0)} ms`,
      );
      console.log(
        `run log scrolled top to bottom: longest task ${log.consoleScroll.longest.toFixed(0)} ms ` +
          `(${log.consoleScroll.count} over 50 ms) · target ≤ 100 ms: ${verdict(log.consoleScroll.longest, 100)} · ` +
          `baseline plain DOM rows: longest task ${log.baselineScroll.longest.toFixed(0)} ms ` +
          `(${log.baselineScroll.count} over 50 ms)`,
      );
    } finally {
      await browser.close();
      await server.close();
    }
  });
}
