// The responsible unit's one-click email journey in a real Chromium on a phone (375×800), against a
// real local stack (startStack in memory, free ports on 127.0.0.1): the demo profile is seeded and one
// problem of the demo county is reported through `POST /v1/sync` as the industry class's member; the
// dispatcher mails the assignment to the SES emulator, and the links of that mail are opened as the
// unit would, with JavaScript switched off in the browser (the pages must work without script):
//   签收 — GET shows a confirmation page and changes nothing; the form POST acts once; a second
//          POST (a stale tab) and a reload answer 410 in Chinese and change nothing.
//   退回 — allowed after 签收: an empty (or blank) reason is refused with a Chinese message and leaves
//          the link usable; with a reason it acts once.
//   a tampered token — 403 in Chinese.
// Screenshots go to test-results/action-*.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, scrollWidth } from './browser.js';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_START } from '../../local/clock.js';
import { DEFAULT_PROFILE, EXAMPLES_DIR, memberOf, seedProfile } from '../../local/demo.js';
import { readTables } from '../../local/files.js';
import { loadProfile } from '../../local/profile-files.js';
import type { Stack } from '../../local/stack.js';
import { pushRows } from '../../local/sync-client.js';
import type { StoredMail } from '../fixtures/local-services.js';
import { parseMail, type Mail } from '../integration/closed-loop-helpers.js';
import { OUT_DIR, screenshot, startPageStack } from './page-setup.js';

const WIDTH = 375;
const HEIGHT = 800;

interface IssueSummary {
  id: string;
  status: string;
  unit: string | null;
  assignments: number;
  returnCount: number;
}

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let issueId: string;
let mail: Mail;
/** A coordination member's bearer token (reads GET /v1/issues). */
let reader: string;

async function issue(): Promise<IssueSummary> {
  const res = await fetch(`${stack.apiUrl}/v1/issues`, { headers: { authorization: `Bearer ${reader}` } });
  expect(res.status).toBe(200);
  const list = ((await res.json()) as { issues: IssueSummary[] }).issues;
  const found = list.find((i) => i.id === issueId);
  if (!found) throw new Error(`issue ${issueId} not listed`);
  return found;
}

async function mails(): Promise<Mail[]> {
  const res = await fetch(`${stack.sesEndpoint}/store`);
  return ((await res.json()) as { emails: StoredMail[] }).emails.map(parseMail);
}

/** A fresh tab that records every request it makes. */
async function newTab(): Promise<{ page: Page; requests: string[] }> {
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(`${r.method()} ${r.url()}`));
  return { page, requests };
}

/** What a page must be on a phone: no script of any kind, nothing external, no horizontal overflow. */
async function expectPhonePage(page: Page): Promise<void> {
  expect(await page.locator('script').count()).toBe(0);
  // No inline handlers or javascript: URLs either.
  const handlers = await page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ attributes: ArrayLike<{ name: string; value: string }> }> } }).document;
    const out: string[] = [];
    for (const el of Array.from(doc.querySelectorAll('*'))) {
      for (const a of Array.from(el.attributes)) if (/^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)) out.push(`${a.name}=${a.value}`);
    }
    return out;
  });
  expect(handlers).toEqual([]);
  expect(await scrollWidth(page)).toBeLessThanOrEqual(WIDTH);
  expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
}

/** Click the form's submit button and return the response of the form POST it causes. */
async function submit(page: Page, url: string): Promise<Response> {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url() === url && r.request().method() === 'POST'),
    page.locator('form button[type="submit"]').click(),
  ]);
  await page.waitForLoadState('load');
  return res;
}

const shot = (page: Page, name: string) => screenshot(page, join(OUT_DIR, `action-${name}.png`));

beforeAll(async () => {
  stack = await startPageStack('actions', { start: DEMO_START });
  expect(new URL(stack.apiUrl).hostname).toBe('127.0.0.1');
  expect(new URL(stack.sesEndpoint).hostname).toBe('127.0.0.1');

  // County IT seeds the demo profile, then the industry class's editor reports one problem.
  const loaded = await loadProfile(DEFAULT_PROFILE);
  const seeded = await seedProfile(stack, loaded);
  expect(seeded.rejections).toEqual([]);
  const [table] = await readTables(join(EXAMPLES_DIR, 'csv', 'industry', '问题诉求.csv'));
  expect(table.kind).toBe('issue');
  const member = memberOf(loaded.profile, 'industry')!;
  const pushed = await pushRows({
    api: stack.apiUrl,
    token: await stack.tokenFor(member),
    spreadsheetId: 'demo:industry',
    workClass: 'industry',
    kind: 'issue',
    rows: table.rows.slice(0, 1),
  });
  expect(pushed.results[0]).toMatchObject({ ok: true });
  issueId = pushed.results[0].id!;
  reader = await stack.tokenFor(memberOf(loaded.profile, 'coordination')!);

  // Dispatch: the responsible unit's assignment mail carries the four links.
  const sent = await stack.drainOutbox();
  expect(sent.sent).toBeGreaterThan(0);
  const assignment = (await mails()).find((m) => m.subject.includes(issueId) && m.links['签收']);
  if (!assignment) throw new Error(`no assignment mail for ${issueId}`);
  mail = assignment;
  expect(Object.keys(mail.links)).toEqual(expect.arrayContaining(['签收', '退回', '反馈办理结果']));
  for (const link of Object.values(mail.links)) expect(link.startsWith(`${stack.apiUrl}/a/`)).toBe(true);

  browser = await launchChromium(['--lang=zh-CN']);
  // JavaScript off: the pages must work as plain HTML forms (page.evaluate still runs for the test).
  context = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', javaScriptEnabled: false });
  mkdirSync(OUT_DIR, { recursive: true });
}, 60_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
});

describe('one-click action links on a phone', () => {
  /** A second tab opened on the 签收 link before it was used (replays the form later). */
  let staleTab: Page;

  it('签收: the link shows a confirmation page, runs no script, does not overflow and changes nothing', async () => {
    expect((await issue()).status).toBe('已交办');
    const { page, requests } = await newTab();
    const url = mail.links['签收'];
    const res = await page.goto(url, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    // No script may run and forms post only back here, whatever ends up in the page.
    expect(res?.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(res?.headers()['content-security-policy']).toContain("form-action 'self'");
    await expect(page.title()).resolves.toBe(`确认签收：${issueId}`);
    await expect(page.locator('h1').innerText()).resolves.toContain(issueId);
    await expect(page.getByRole('button', { name: '确认签收' }).isVisible()).resolves.toBe(true);
    await expect(page.getByText('仅打开本页不会办理任何事项').isVisible()).resolves.toBe(true);
    await expectPhonePage(page);
    // The button is within the phone's width and reachable.
    const box = await page.getByRole('button', { name: '确认签收' }).boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(WIDTH);
    expect(requests).toEqual([`GET ${url}`]);
    await shot(page, 'sign-confirm');

    // Opening it again (a second tab) still changes nothing.
    staleTab = (await newTab()).page;
    expect((await staleTab.goto(url))?.status()).toBe(200);
    expect((await issue()).status).toBe('已交办');
    await page.close();
  });

  it('签收: the button posts the form once and the issue is signed', async () => {
    const { page, requests } = await newTab();
    const url = mail.links['签收'];
    await page.goto(url);
    const res = await submit(page, url);
    expect(res.status()).toBe(200);
    expect(res.request().headers()['content-type']).toBe('application/x-www-form-urlencoded');
    await expect(page.locator('h1').innerText()).resolves.toBe('已签收');
    await expect(page.locator('main').innerText()).resolves.toContain(`问题 ${issueId} 已签收`);
    await expectPhonePage(page);
    expect(requests).toEqual([`GET ${url}`, `POST ${url}`]);
    await shot(page, 'sign-done');
    expect((await issue()).status).toBe('已签收');

    // Back to the confirmation page: it is fetched again (no-store) and now says the link was used.
    const back = await page.goBack();
    expect(back?.status()).toBe(410);
    await expect(page.locator('h1').innerText()).resolves.toBe('链接已使用');
    await page.close();
  });

  it('签收 again: the stale tab posts the same form and gets 410 in Chinese; nothing changes', async () => {
    const before = await issue();
    const url = mail.links['签收'];
    const res = await submit(staleTab, url);
    expect(res.status()).toBe(410);
    await expect(staleTab.locator('h1').innerText()).resolves.toBe('链接已使用');
    await expect(staleTab.locator('main').innerText()).resolves.toContain('每个链接只能使用一次');
    await expectPhonePage(staleTab);
    await shot(staleTab, 'sign-410');
    expect(await issue()).toEqual(before);
    await staleTab.close();
  });

  it('退回 after 签收: an empty reason is refused in Chinese and does not use up the link; a reason acts once', async () => {
    const url = mail.links['退回'];
    const { page } = await newTab();
    expect((await page.goto(url))?.status()).toBe(200);
    await expect(page.getByRole('button', { name: '确认退回' }).isVisible()).resolves.toBe(true);
    const reason = page.locator('textarea[name="reason"]');
    await expect(page.locator('label[for="f-reason"]').innerText()).resolves.toContain('退回理由');
    await expectPhonePage(page);
    await shot(page, 'return-confirm');

    // Empty: the field is marked 必填 and the browser's own required-field check stops the submit (its
    // bubble speaks the browser's language, not ours); nothing is sent.
    await expect(page.locator('label[for="f-reason"]').innerText()).resolves.toContain('（必填）');
    let posted = 0;
    page.on('request', (r) => (posted += r.method() === 'POST' ? 1 : 0));
    await page.getByRole('button', { name: '确认退回' }).click();
    const valueMissing = await reason.evaluate((el) => (el as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing);
    expect(valueMissing).toBe(true);
    expect(posted).toBe(0);
    expect(page.url()).toBe(url);

    // Blank (spaces only) passes the browser's check; the server refuses it and shows the form again.
    await reason.fill('   ');
    let res = await submit(page, url);
    expect(res.status()).toBe(400);
    await expect(page.getByRole('alert').innerText()).resolves.toBe('请填写退回理由');
    await expectPhonePage(page);
    await shot(page, 'return-400');

    // Empty with the browser's check bypassed (an old mail client's browser): the same refusal.
    await page.locator('form').evaluate((f) => ((f as unknown as { noValidate: boolean }).noValidate = true));
    await reason.fill('');
    res = await submit(page, url);
    expect(res.status()).toBe(400);
    await expect(page.getByRole('alert').innerText()).resolves.toBe('请填写退回理由');
    expect(await issue()).toMatchObject({ status: '已签收', returnCount: 0, assignments: 1 });

    // The link is still usable: with a reason it acts.
    await page.locator('textarea[name="reason"]').fill('该企业通行证事项由县交通运输局办理，不属于本单位职责。');
    res = await submit(page, url);
    expect(res.status()).toBe(200);
    await expect(page.locator('h1').innerText()).resolves.toBe('已退回');
    await expect(page.locator('main').innerText()).resolves.toContain(`问题 ${issueId} 已退回指挥部办公室重新分派`);
    await expectPhonePage(page);
    await shot(page, 'return-done');
    const after = await issue();
    expect(after).toMatchObject({ returnCount: 1, assignments: 2 });

    // Once only: the same link now answers 410, and the first mail's other links are stale.
    expect((await page.goto(url))?.status()).toBe(410);
    await expect(page.locator('h1').innerText()).resolves.toBe('链接已使用');
    expect((await page.goto(mail.links['反馈办理结果']))?.status()).toBe(410);
    await expect(page.locator('h1').innerText()).resolves.toBe('链接已失效');
    expect(await issue()).toEqual(after);
    await page.close();
  });

  it('a tampered token shows the 403 page in Chinese', async () => {
    const url = mail.links['反馈办理结果'];
    const token = url.slice(url.indexOf('/a/') + 3);
    // Change one character in the middle of the signature (the last one may only carry padding bits).
    const at = token.indexOf('.') + 10;
    const tampered = `${url.slice(0, url.indexOf('/a/') + 3)}${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    expect(tampered).not.toBe(url);
    expect(tampered.length).toBe(url.length);
    const before = await issue();
    const { page } = await newTab();
    const res = await page.goto(tampered);
    expect(res?.status()).toBe(403);
    await expect(page.locator('h1').innerText()).resolves.toBe('链接无效');
    await expect(page.locator('main').innerText()).resolves.toContain('本次未做任何更改');
    await expectPhonePage(page);
    await shot(page, 'tampered-403');
    expect(await issue()).toEqual(before);
    await page.close();
  });
});
