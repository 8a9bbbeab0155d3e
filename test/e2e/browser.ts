// Shared by the Chromium tests: Debian's chromium launched the way this machine needs (no sandbox as
// root, no background networking: the network is closed), a page that records what it requests and
// any dialog (a script that ran), and the horizontal-overflow measure used at phone widths.
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...extraArgs] });
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** URLs of every request the page made. */
  requests: string[];
  /** Messages of dialogs opened (alert/confirm): any means a script ran. */
  dialogs: string[];
}

/** A fresh context and page at the viewport, recording requests and dismissing dialogs. */
export async function openWatchedPage(browser: Browser, viewport: { width: number; height: number }): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  const dialogs: string[] = [];
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  return { context, page, requests, dialogs };
}

/** The document's scroll width: more than the viewport width means the page scrolls sideways. */
export function scrollWidth(page: Page): Promise<number> {
  return page.evaluate(
    () => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth,
  );
}
