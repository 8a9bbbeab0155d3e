// The public pages (惠企政策清单 /p/policies, 工作机制 /p/mechanisms) and an enterprise's own page
// (/e/{token}) of a REAL local stack holding the demo county, in Chromium at phone (375 px) and
// desktop (1280 px) widths. The enterprise page is opened from the link of a real 政策推送 mail (the
// demo's county policy filed after the baseline, swept and dispatched to the SES emulator), and a new
// 诉求 is reported through its form. No page scrolls sideways (document.scrollWidth ≤ innerWidth), no
// script runs, nothing else is loaded, and no person's email address appears on any /p/ page although
// the demo's consultants, units and enterprises all have one. Screenshots: test-results/public-*.png.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEFAULT_PROFILE, loadDemo, seedProfile } from '../../local/demo.js';
import { DEMO_WEEK_POLICY } from '../../local/demo-week.js';
import { loadProfile } from '../../local/profile-files.js';
import type { StoredMail } from '../fixtures/local-services.js';
import { openWatchedPage } from './browser.js';
import { fitsAndShoot, usePageEnv } from './page-setup.js';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const WIDTHS = [
  { name: 'phone', width: 375, height: 740 },
  { name: 'desktop', width: 1280, height: 900 },
];

/** The enterprise page link of each 政策推送 mail, by recipient. */
let enterpriseLinks: Map<string, string>;

const env = usePageEnv('public', { start: '2022-06-07T10:00+08:00' }, async (stack) => {
  const loaded = await loadProfile(DEFAULT_PROFILE);
  await seedProfile(stack, loaded);
  await loadDemo(stack, loaded.profile, { quiet: true });
  // The first sweep records the existing matches as the baseline (no mail); a policy filed after it
  // is pushed to the admitted enterprises it matches.
  expect((await stack.sweepNow()).policy?.baseline).toBe(true);
  const editor = loaded.profile.members.find((m) => m.workClass === 'coordination' && m.role === '编辑')!.email;
  const res = await fetch(`${stack.apiUrl}/v1/sync`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await stack.tokenFor(editor)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ spreadsheetId: 'e2e-policy', workClass: 'coordination', kind: 'policy', rows: [{ row: 2, values: DEMO_WEEK_POLICY }] }),
  });
  expect(res.status).toBe(200);
  stack.clock.set('2022-06-07T18:00+08:00');
  expect((await stack.sweepNow()).policy?.pushes).toBeGreaterThan(0);
  await stack.dispatchNow();
  const { emails } = (await (await fetch(`${stack.sesEndpoint}/store`)).json()) as { emails: StoredMail[] };
  enterpriseLinks = new Map();
  for (const m of emails.filter((x) => /政策推送/.test(x.subject))) {
    const link = /(http:\/\/127\.0\.0\.1:\d+\/e\/[A-Za-z0-9_.-]+)/.exec(m.body.text ?? '');
    if (link) enterpriseLinks.set(m.destination.to[0], link[1]);
  }
  expect(enterpriseLinks.size).toBeGreaterThan(0);
});

/** Nothing ran and nothing but the page's own origin was requested. */
async function expectQuietPage(page: Page, dialogs: string[], requests: string[]): Promise<void> {
  expect(dialogs).toEqual([]);
  expect(await page.locator('script').count()).toBe(0);
  expect(requests.every((u) => u.startsWith(env.stack.apiUrl))).toBe(true);
  expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
}

describe.each(WIDTHS)('public pages at $width px', ({ name, width, height }) => {
  it(`${name}: 惠企政策清单 (all, then filtered) and 工作机制 fit the width and show no email address`, async () => {
    const { context, page, dialogs, requests } = await openWatchedPage(env.browser, { width, height });
    const pages: [string, string][] = [
      ['policies', '/p/policies'],
      ['policies-filtered', `/p/policies?sector=${encodeURIComponent('工业生产')}&level=${encodeURIComponent('县')}`],
      ['mechanisms', '/p/mechanisms'],
    ];
    for (const [what, path] of pages) {
      const res = await page.goto(`${env.stack.apiUrl}${path}`);
      expect(res?.status(), path).toBe(200);
      expect(res!.headers()['cache-control'], path).toMatch(/^public/);
      // Neither in what is shown nor anywhere in the markup (attributes, hidden text).
      expect(await page.locator('body').innerText(), path).not.toMatch(EMAIL);
      expect(await page.content(), path).not.toContain('@');
      await fitsAndShoot(page, width, `public-${what}-${width}`);
    }
    // The list shows the demo's policies with their consultants; the filter keeps its choice.
    await page.goto(`${env.stack.apiUrl}/p/policies`);
    await expect(page.getByText(DEMO_WEEK_POLICY.政策名称).first().isVisible()).resolves.toBe(true);
    await page.selectOption('select[name=sector]', '工业生产');
    await Promise.all([page.waitForURL(/sector=/), page.locator('form button[type=submit]').first().click()]);
    expect(await page.inputValue('select[name=sector]')).toBe('工业生产');
    await fitsAndShoot(page, width, `public-policies-submitted-${width}`);
    await expectQuietPage(page, dialogs, requests);
    await context.close();
  }, 60_000);
});

describe.each(WIDTHS)('the enterprise page at $width px', ({ name, width, height }) => {
  it(`${name}: opened from the push mail, shows the matched policy; a 诉求 reported through the form is listed`, async () => {
    const { context, page, dialogs, requests } = await openWatchedPage(env.browser, { width, height });
    const [, link] = [...enterpriseLinks][width === 375 ? 0 : enterpriseLinks.size - 1];
    const res = await page.goto(link);
    expect(res?.status()).toBe(200);
    const headers = res!.headers();
    expect(headers['cache-control']).toMatch(/no-store/);
    expect(headers['referrer-policy']).toBe('no-referrer');
    await expect(page.getByText(DEMO_WEEK_POLICY.政策名称).first().isVisible()).resolves.toBe(true);
    await fitsAndShoot(page, width, `public-enterprise-${width}`);

    await page.selectOption('#category', { index: 1 });
    await page.fill('#description', `（浏览器测试 ${name}）厂区门口道路施工，原料车辆进出困难，希望协调临时通行路线。`);
    await Promise.all([page.waitForLoadState('load'), page.locator('form button[type=submit]').click()]);
    await page.waitForURL(link);
    const text = await page.locator('main').innerText();
    expect(text).toMatch(/WT-20220607-\d{3}/);
    expect(text).toContain(`浏览器测试 ${name}`);
    await fitsAndShoot(page, width, `public-enterprise-reported-${width}`);
    await expectQuietPage(page, dialogs, requests);
    await context.close();
  }, 60_000);
});
