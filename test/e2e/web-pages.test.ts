// The web front end (SPEC §7.7) of a REAL local stack in Chromium at phone (375 px) and desktop
// (1280 px) widths: /login, the mailed link's confirm page, /my, and the upload with its progress
// script and result page, and a mass deletion's confirmation. No page scrolls sideways; the only script is the upload's (allowed by its
// hash); nothing else is loaded. Screenshots: test-results/web-<page>-<width>.png.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { makeUscc } from '../../domain/rows/uscc.js';
import { DEFAULT_PROFILE, seedProfile } from '../../local/demo.js';
import { loadProfile } from '../../local/profile-files.js';
import { openWatchedPage } from './browser.js';
import { fitsAndShoot, usePageEnv } from './page-setup.js';

const env = usePageEnv('web', { loginAnswerMs: 50 }, async (stack) => {
  await seedProfile(stack, await loadProfile(DEFAULT_PROFILE));
});

async function lastLink(to: string): Promise<string> {
  const { emails } = (await (await fetch(`${env.stack.sesEndpoint}/store`)).json()) as { emails: { destination: { to: string[] }; body: { text?: string } }[] };
  const mail = emails.filter((m) => m.destination.to.includes(to)).at(-1)!;
  return /(http:\/\/127\.0\.0\.1:\d+\/login\/[A-Za-z0-9_.-]+)/.exec(mail.body.text!)![1];
}

const WHITELIST_HEADERS = ['统一社会信用代码', '名称', '所属领域', '所在乡镇', '产值或投资额（万元）', '员工人数', '状态', '纳入日期', '联系人', '联系电话'];
const FIRST = ['91410222JKMQMETJ6W', '通许县远瑞建材有限公司', '工业生产', '高新区', 3433.36, 692, '已纳入', '2022-05-23', '行政主管', '13800000001'];

async function workbook(rows: unknown[][] = [FIRST, ['91410222GA45C5XLKA', '通许县错码建材有限公司（一个很长很长的企业名称用来检查窄屏不横向滚动）', '工业生产', '邸阁乡', 20546.5, 357, '已纳入', '2022-05-22', '项目部', '13800000003']]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('白名单');
  ws.addRow(WHITELIST_HEADERS);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** FIRST and eight more valid rows: uploading FIRST alone afterwards is a mass deletion. */
const nine = () => workbook([FIRST, ...Array.from({ length: 8 }, (_, i) => [makeUscc(`91410222MA47${String(i + 1).padStart(4, '0')}X`), `通许县测试企业${i + 1}`, '工业生产', '高新区', 100, 10, '已纳入', '2022-05-20', '办公室', '13800000001'])]);

describe.each([
  { name: 'phone', width: 375, height: 740, email: 'industry-editor@tongxu.example' },
  { name: 'desktop', width: 1280, height: 900, email: 'industry-editor@tongxu.example' },
])('web pages at $width px', ({ name, width, height, email }) => {
  it(`${name}: sign in by mail, /my, upload with progress, result page — no sideways scroll`, async () => {
    const { context, page, dialogs, requests } = await openWatchedPage(env.browser, { width, height });
    const shot = (what: string) => fitsAndShoot(page, width, `web-${what}-${width}`);

    const login = await page.goto(`${env.stack.apiUrl}/login`);
    expect(login?.status()).toBe(200);
    expect(login!.headers()['referrer-policy']).toBe('no-referrer');
    await shot('login');
    await page.fill('#email', email);
    await page.click('button[type=submit]');
    await expect(page.locator('h1').innerText()).resolves.toBe('请查收邮件');
    await shot('login-sent');

    await page.goto(await lastLink(email));
    await expect(page.locator('h1').innerText()).resolves.toBe('确认登录');
    await shot('confirm');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/my$/);
    await expect(page.locator('h1').innerText()).resolves.toBe('我的工作台');
    await expect(page.getByText(email).isVisible()).resolves.toBe(true);
    await shot('my');

    const file = await workbook();
    await page.setInputFiles('#file', { name: '白名单.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: file });
    await page.click('#upload button[type=submit]');
    await page.locator('h1', { hasText: '上传结果' }).waitFor();
    const text = await page.locator('main').innerText();
    expect(text).toMatch(/接受 1 行/);
    expect(text).toMatch(/拒绝 1 行/);
    await expect(page.getByText('下载批注工作簿').isVisible()).resolves.toBe(true);
    await shot('result');

    // A mass deletion: the result page asks to confirm; the member's page lists it; the confirmation's answer.
    const uploadFile = async (fileName: string, buffer: Buffer) => {
      await page.goto(`${env.stack.apiUrl}/my`);
      await page.setInputFiles('#file', { name: fileName, mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer });
      await page.click('#upload button[type=submit]');
      await page.locator('h1', { hasText: '上传结果' }).waitFor();
    };
    await uploadFile('白名单-全部.xlsx', await nine());
    await uploadFile('白名单-缺行.xlsx', await workbook([FIRST]));
    expect(await page.locator('main').innerText()).toMatch(/本次同步将删除 8 行（现有 9 行的 89%）/);
    await expect(page.locator('.confirm button').innerText()).resolves.toBe('确认删除 8 行');
    await shot('result-confirm');
    const my = await context.newPage();
    await my.goto(`${env.stack.apiUrl}/my`);
    await expect(my.getByText('8 行待确认').isVisible()).resolves.toBe(true);
    await fitsAndShoot(my, width, `web-my-pending-${width}`);
    await my.close();
    await page.click('.confirm button');
    await page.locator('h1', { hasText: '删除已确认' }).waitFor();
    expect(await page.locator('main').innerText()).toMatch(/确认，删除 8 行/);
    await shot('confirmed');

    expect(dialogs).toEqual([]);
    expect(requests.every((u) => u.startsWith(env.stack.apiUrl))).toBe(true);
    await context.close();
  }, 60_000);
});

describe('the command office on /my', () => {
  it('a 审批 member sees the dashboard link, which opens the dashboard (1280 px and 375 px)', async () => {
    for (const width of [1280, 375]) {
      const { context, page } = await openWatchedPage(env.browser, { width, height: 800 });
      await page.goto(`${env.stack.apiUrl}/login`);
      await page.fill('#email', 'command-approver@tongxu.example');
      await page.click('button[type=submit]');
      await page.locator('h1', { hasText: '请查收邮件' }).waitFor();
      await page.goto(await lastLink('command-approver@tongxu.example'));
      await page.click('button[type=submit]');
      await page.waitForURL(/\/my$/);
      await fitsAndShoot(page, width, `web-my-approver-${width}`);
      await page.click('text=打开指挥部看板');
      await expect(page.locator('h1').innerText()).resolves.toBe('“四保”白名单指挥部看板');
      await context.close();
    }
  }, 60_000);
});
