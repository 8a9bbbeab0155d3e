// The page setup the Chromium tests of a local stack share: a REAL local stack (startStack, dynalite
// in memory, free ports on 127.0.0.1, the dispatcher and the sweep run only when a test calls them),
// Chromium (browser.ts) and the screenshot directory test-results/ (gitignored), opened before the
// file's tests and closed after them; and the check every page gets at a width: no sideways scroll,
// then a full-page screenshot.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { logger } from '../../functions/adapters/logger.js';
import { createSimClock } from '../../local/clock.js';
import { startStack, type Stack, type StackOptions } from '../../local/stack.js';
import { launchChromium, scrollWidth } from './browser.js';

/** Where screenshots go (gitignored). */
export const OUT_DIR = join(import.meta.dirname, '../../test-results');

export type PageStackOptions = Partial<Omit<StackOptions, 'dataDir' | 'clock'>> & {
  /** The simulated clock's start (default the demo week's start). */
  start?: string;
};

/** A local stack in memory for a browser test: jobs by hand, quiet logs, a fresh data dir named `name`. */
export async function startPageStack(name: string, opts: PageStackOptions = {}): Promise<Stack> {
  logger.setLogLevel('SILENT');
  const { start, ...rest } = opts;
  return startStack({
    dataDir: mkdtempSync(join(tmpdir(), `sibao-e2e-${name}-`)),
    memory: true,
    port: 0,
    sesPort: 0,
    clock: createSimClock(start),
    dispatchIntervalMs: 0,
    sweepIntervalMs: 0,
    log: () => undefined,
    ...rest,
  });
}

export interface PageEnv {
  readonly stack: Stack;
  readonly browser: Browser;
}

/**
 * Registers the file's beforeAll (the stack, then `prepare` on it, then Chromium and the screenshot
 * directory) and afterAll (both closed). The fields are set once beforeAll has run.
 */
export function usePageEnv(name: string, opts: PageStackOptions = {}, prepare?: (stack: Stack) => Promise<void>): PageEnv {
  const env = {} as { stack: Stack; browser: Browser };
  beforeAll(async () => {
    env.stack = await startPageStack(name, opts);
    if (prepare) await prepare(env.stack);
    env.browser = await launchChromium();
    mkdirSync(OUT_DIR, { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await env.browser?.close();
    await env.stack?.stop();
  });
  return env;
}

/** The page does not scroll sideways at `width`; then its full-page screenshot test-results/<file>.png. */
export async function fitsAndShoot(page: Page, width: number, file: string): Promise<void> {
  expect(await scrollWidth(page), `${file}: document.scrollWidth ≤ ${width}`).toBeLessThanOrEqual(width);
  expect(await page.evaluate(() => (globalThis as unknown as { innerWidth: number }).innerWidth)).toBe(width);
  await screenshot(page, join(OUT_DIR, `${file}.png`));
}

/**
 * A full-page screenshot, tried again when Chromium answers "Unable to capture screenshot" (seen once
 * in a clean-clone run: the compositor had no frame yet). Only that protocol error is retried.
 */
export async function screenshot(page: Page, path: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.screenshot({ path, fullPage: true });
      return;
    } catch (err) {
      if (attempt >= 3 || !/Unable to capture screenshot/.test(String((err as Error)?.message))) throw err;
      await page.waitForTimeout(250);
    }
  }
}
