// The command office's dashboard (GET /v1/dashboard) of a REAL local stack (startStack in memory)
// holding the digest fixture's county at Friday 2022-06-10 17:00, opened in Chromium with the signed
// view link at desktop (1280 px) and phone (375 px) widths: every section heading is shown, the page
// does not overflow sideways on the phone, runs no script, loads nothing else and carries the CSP.
// Screenshots go to test-results/dashboard-<name>-<width>.png (full page) and …-top.png (first screen).
import { join } from 'node:path';
import { openWatchedPage } from './browser.js';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_SECTION_TITLES } from '../../domain/reports/dashboard-render.js';
import { dashboardViewUrl } from '../../functions/usecases/dashboard.js';
import { stackDigestStore } from '../../local/digest-demo.js';
import { loadOrCreateActionSecret } from '../../local/stack.js';
import { COUNTY, EVIL_NAME } from '../fixtures/digest-fixture.js';
import { seedDigestFixture } from '../fixtures/digest-seed.js';
import { OUT_DIR, fitsAndShoot, usePageEnv } from './page-setup.js';

let url: string;
const env = usePageEnv('dashboard', { start: '2022-06-10T17:00+08:00', countyName: COUNTY }, async (stack) => {
  await seedDigestFixture(stack.store, stackDigestStore(stack));
  url = dashboardViewUrl(stack.apiUrl, [loadOrCreateActionSecret(stack.dataDir)], stack.clock.now());
});

describe.each([
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 375, height: 740 },
])('dashboard page at $width px', ({ name, width, height }) => {
  it(`${name}: shows every section, loads nothing external, runs no script and does not overflow`, async () => {
    const { context, page, requests, dialogs } = await openWatchedPage(env.browser, { width, height });

    const res = await page.goto(url, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    const headers = res!.headers();
    expect(headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(headers['cache-control']).toMatch(/no-store/);

    const h2 = await page.locator('h2').allInnerTexts();
    expect(h2.map((t) => t.trim())).toEqual([...DASHBOARD_SECTION_TITLES]);
    for (const heading of DASHBOARD_SECTION_TITLES) await expect(page.getByText(heading, { exact: true }).isVisible()).resolves.toBe(true);
    await expect(page.locator('h1').innerText()).resolves.toBe('“四保”白名单指挥部看板');
    expect(await page.title()).toBe(`${COUNTY}“四保”白名单指挥部看板`);
    // The fixture's open, overdue and escalated issue, and one awaiting 核实销号.
    await expect(page.getByText('WT-20220520-001').first().isVisible()).resolves.toBe(true);
    await expect(page.getByText('WT-20220606-002').first().isVisible()).resolves.toBe(true);
    await expect(page.getByText('可销号').first().isVisible()).resolves.toBe(true);

    expect(dialogs).toEqual([]);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.getByText(EVIL_NAME).count()).toBeGreaterThan(0);
    expect(requests).toEqual([url]);

    await fitsAndShoot(page, width, `dashboard-${name}-${width}`);
    await page.screenshot({ path: join(OUT_DIR, `dashboard-${name}-${width}-top.png`) });
    await context.close();
  });
});
