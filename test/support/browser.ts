import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { repoRoot, startTestServer } from './test-server.js';
import type { TestServer } from './test-server.js';

/** Debian's Chromium (`apt-get install chromium`); no browser is downloaded. */
export const CHROMIUM_PATH = process.env.NOMAFLOW_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that keep Chromium quiet on a closed network and runnable as root. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const SCREENSHOT_DIR = join(repoRoot, 'test-artifacts/screenshots');

export interface ConsoleSession {
  server: TestServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** `server.url` + path. */
  url(path: string): string;
  /** Saves a full-page PNG under test-artifacts/screenshots/<name>.png. */
  screenshot(name: string): Promise<string>;
  /** Browser console errors and uncaught page errors seen so far. */
  errors: string[];
  close(): Promise<void>;
}

/** Headless Chromium; Playwright gives each launch a fresh, throwaway profile. */
export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
    },
  };
}

/**
 * A started server (real PostgreSQL, its own database, the built console from
 * `NOMAFLOW_WEB_DIR` or apps/web/dist/browser) and a headless Chromium page on it.
 */
export async function openConsole(
  options: { env?: Record<string, string>; viewport?: { width: number; height: number } } = {},
): Promise<ConsoleSession> {
  const server = await startTestServer({ env: options.env });
  const chrome = await launchChromium().catch(async (e: unknown) => {
    await server.stop();
    throw e;
  });
  const context = await chrome.browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 900 },
    timezoneId: 'UTC',
    locale: 'en-GB',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    server,
    browser: chrome.browser,
    context,
    page,
    errors,
    url: (path) => `${server.url}${path}`,
    async screenshot(name) {
      const file = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await context.close().catch(() => undefined);
      await chrome.close();
      await server.stop();
    },
  };
}
