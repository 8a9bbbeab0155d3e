// The add-on sidebar (dist/addon/sidebar.html, as built) rendered in real Chromium at the 300 px
// width of a Sheets sidebar, fed with state the BUILT bundle computed in the vm over the fake
// spreadsheet. google.script.run is replaced by a stub that answers with that state.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAddon } from '../../scripts/build-addon.js';
import { type FakeApi, startFakeApi } from '../addon/fakes/fake-api.js';
import { ADDON_DIR, createGasEnv, type GasEnv } from '../addon/fakes/gas-env.js';
import { whitelistRow } from '../addon/rows.js';

const OUT = join(import.meta.dirname, '../../test-results');
let browser: Browser;
let api: FakeApi;
let env: GasEnv;
let state: unknown;
let afterSync: unknown;

beforeAll(async () => {
  await buildAddon();
  api = await startFakeApi({ token: 'test-identity-token' });
  env = await createGasEnv({ spreadsheetId: 'sidebar-demo' });
  env.run('saveSettings', api.url, 'industry');
  env.run('menuInitSheets');
  const wl = env.ss.sheet('白名单')!;
  const edit = (row: number, values: Record<string, unknown>) => {
    wl.typeRow(row, values);
    env.run('onEdit', { authMode: 'LIMITED', range: wl.range(row, 1, 1, wl.headers().length), source: env.ss.wrapped });
  };
  for (let i = 1; i <= 5; i++) edit(1 + i, whitelistRow(i));
  env.run('menuSync');
  edit(7, { ...whitelistRow(6), 联系电话: '12345', 联系邮箱: 'not-an-email', 名称: '一个名称很长很长很长的示例企业（用于检查侧边栏在三百像素宽度下是否会横向溢出）有限公司' });
  edit(8, { ...whitelistRow(7), 统一社会信用代码: '91410222MA00000070' });
  state = env.run('getSidebarState');
  afterSync = env.run('sidebarSync');
  mkdirSync(OUT, { recursive: true });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
  await api?.stop();
});

/** A google.script.run stand-in answering each callback with canned (bundle-computed) data. */
function stubScript(answers: Record<string, unknown>): string {
  return `window.__calls = [];
window.google = { script: { run: (function make(ok, fail) {
  var answers = ${JSON.stringify(answers)};
  var r = { withSuccessHandler: function (f) { return make(f, fail); }, withFailureHandler: function (f) { return make(ok, f); } };
  Object.keys(answers).forEach(function (name) {
    r[name] = function () { window.__calls.push(name); var a = answers[name]; setTimeout(function () { ok && ok(a); }, 10); };
  });
  return r;
})(null, null) } };`;
}

describe('add-on sidebar', () => {
  it('shows sync state and validation problems at 300 px without horizontal overflow', async () => {
    const page = await browser.newPage({ viewport: { width: 300, height: 900 } });
    await page.addInitScript(stubScript({ getSidebarState: state, sidebarSync: afterSync }));
    await page.goto(pathToFileURL(join(ADDON_DIR, 'sidebar.html')).href);
    await page.waitForSelector('#tabs tbody tr');

    await expect.poll(() => page.textContent('#status')).toBe('已读取最新状态');
    expect(await page.textContent('#settings')).toContain('工作专班：工业生产');
    const wlRow = await page.locator('#tabs tbody tr', { hasText: '白名单' }).innerText();
    // 7 rows: 5 synced, 2 pending with errors.
    expect(wlRow.split(/\s+/)).toEqual(['白名单', '7', '2', '5', '2']);
    const problems = await page.locator('#problems li').allInnerTexts();
    expect(problems.some((p) => p.includes('第7行「联系电话」') && p.includes('不是有效电话号码'))).toBe(true);
    expect(problems.some((p) => p.includes('第8行「统一社会信用代码」') && p.includes('校验位错误'))).toBe(true);
    expect(await page.textContent('#last')).toContain('成功 5');

    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow as number).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(OUT, 'addon-sidebar.png'), fullPage: true });

    // 立即同步 calls the bundle's sidebarSync through google.script.run and shows its message.
    await page.click('#btn-sync');
    await expect.poll(() => page.evaluate('window.__calls') as Promise<string[]>).toContain('sidebarSync');
    await expect.poll(() => page.textContent('#status')).toContain('本地校验未通过');
    await page.close();
  });
});
