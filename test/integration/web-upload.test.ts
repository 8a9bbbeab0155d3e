// The web front end on the real local stack (SPEC §7.7, issue 17): sign-in by mail, /my, the upload
// of a class workbook with planted errors, the annotated workbook (read back with exceljs, an
// independent reader), re-upload, and the hostile uploads (zip bombs, wrong types, oversize,
// formula cells). HTTP on 127.0.0.1, dynalite in memory, the SES emulator.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimClock } from '../../local/clock.js';
import { DEFAULT_PROFILE, seedProfile } from '../../local/demo.js';
import { loadProfile } from '../../local/profile-files.js';
import { startStack, type Stack } from '../../local/stack.js';
import { writeZip } from '../../functions/adapters/workbook/zip.js';
import { makeUscc } from '../../domain/rows/uscc.js';
import { runSibao } from './cli-child.js';
import { readFile, writeFile } from 'node:fs/promises';

const EDITOR = 'industry-editor@tongxu.example';
const VIEWER = 'industry-viewer@tongxu.example';
const APPROVER = 'command-approver@tongxu.example';
const STRANGER = 'nobody@elsewhere.example';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let work: string;
let stack: Stack;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sibao-web-'));
  stack = await startStack({ dataDir: work, memory: true, port: 0, sesPort: 0, clock: createSimClock(), dispatchIntervalMs: 0, sweepIntervalMs: 0, loginAnswerMs: 50, log: () => {} });
  await seedProfile(stack, await loadProfile(DEFAULT_PROFILE));
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(work, { recursive: true, force: true });
});

interface Mail {
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

async function mails(): Promise<Mail[]> {
  return ((await (await fetch(`${stack.sesEndpoint}/store`)).json()) as { emails: Mail[] }).emails;
}

async function req(path: string, init: RequestInit & { cookie?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set('cookie', init.cookie);
  if (init.method === 'POST' && !headers.has('origin')) headers.set('origin', stack.apiUrl);
  const res = await fetch(`${stack.apiUrl}${path}`, { ...init, headers, redirect: 'manual' });
  return res;
}

const csrfOf = (page: string) => /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';

async function postLogin(email: string): Promise<{ status: number; text: string }> {
  const form = csrfOf(await (await req('/login')).text());
  const res = await req('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email, csrf: form }).toString() });
  return { status: res.status, text: await res.text() };
}

/** Sign in through the mailed link; returns the session cookie. */
async function signIn(email: string): Promise<string> {
  const before = (await mails()).length;
  expect((await postLogin(email)).status).toBe(200);
  const mine = (await mails()).slice(before).filter((m) => m.destination.to.includes(email));
  expect(mine).toHaveLength(1);
  const link = /(http:\/\/127\.0\.0\.1:\d+\/login\/[A-Za-z0-9_.-]+)/.exec(mine[0].body.text ?? '')![1];
  const path = new URL(link).pathname;
  const confirm = await req(path);
  const form = csrfOf(await confirm.text());
  const res = await req(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf=${form}` });
  expect(res.status).toBe(303);
  const set = res.headers.get('set-cookie') ?? '';
  return set.split(';')[0];
}

async function upload(cookie: string, file: { name: string; bytes: Buffer; type?: string }, opts: { workClass?: string; csrf?: string; origin?: string } = {}) {
  const page = await (await req('/my', { cookie })).text();
  const fd = new FormData();
  fd.set('csrf', opts.csrf ?? csrfOf(page));
  fd.set('class', opts.workClass ?? 'industry');
  fd.set('file', new Blob([file.bytes], { type: file.type ?? XLSX_TYPE }), file.name);
  const res = await req('/my/upload', { method: 'POST', body: fd, cookie, headers: opts.origin ? { origin: opts.origin } : {} });
  return { status: res.status, text: await res.text() };
}

async function download(cookie: string, resultPage: string): Promise<Buffer> {
  const href = /href="(\/my\/uploads\/[A-Za-z0-9_-]+\.xlsx)"/.exec(resultPage)![1];
  const res = await req(href, { cookie });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe(XLSX_TYPE);
  return Buffer.from(await res.arrayBuffer());
}

// ---- a class workbook with planted errors, written by exceljs (an independent writer) -------------

const WHITELIST_HEADERS = ['统一社会信用代码', '名称', '所属领域', '所在乡镇', '产值或投资额（万元）', '员工人数', '状态', '纳入日期', '联系人', '联系电话'];
const ISSUE_HEADERS = ['编号', '反映企业代码', '企业名称', '所属领域', '所在乡镇', '问题类别', '问题描述', '紧急程度', '超出协调范围', '重大问题', '反映日期', '联系人', '联系电话', '责任单位', '状态', '签收时限', '办结时限'];

async function plantedWorkbook(): Promise<{ bytes: Buffer; planted: { tab: string; cell: string; code: string }[] }> {
  const wb = new ExcelJS.Workbook();
  const wl = wb.addWorksheet('白名单');
  wl.addRow(WHITELIST_HEADERS);
  wl.addRow(['91410222JKMQMETJ6W', '通许县远瑞建材有限公司', '工业生产', '高新区', 3433.36, 692, '已纳入', '2022-05-23', '行政主管', '13800000001']);
  wl.addRow(['91410222W8D2TDWYXU', '通许县宇泰机械制造有限公司', '工业生产', '孙营乡', 27632.22, 616, '申报中', '', '综合部', '13800000002']);
  wl.addRow(['91410222GA45C5XLKA', '通许县错码建材有限公司', '工业生产', '邸阁乡', 20546.5, 357, '已纳入', '2022-05-22', '项目部', '13800000003']); // row 4: bad checksum
  wl.addRow(['914102222BLDCLU5ET', '通许县恒祥服装有限公司', '工业生产', '长智镇', -5, 513, '已纳入', '2022-05-16', '行政主管', '0371-26903077']); // row 5: negative output
  const is = wb.addWorksheet('问题诉求');
  is.addRow(ISSUE_HEADERS);
  is.addRow(['', '91410222JKMQMETJ6W', '通许县远瑞建材有限公司', '工业生产', '高新区', '物流运输', '成品积压，请求协调通行证。', '一般', '否', '否', '2022-06-04', '行政主管', '13800000001']);
  is.addRow(['', '91410222W8D2TDWYXU', '通许县宇泰机械制造有限公司', '工业生产', '孙营乡', '水电气保障', '厂区多次停电，请求检修线路。', '紧急', '否', '否', '2022-06-05', '综合部', '13800000002']);
  is.addRow(['', '91410222W8D2TDWYXU', '通许县宇泰机械制造有限公司', '工业生产', '孙营乡', '天气原因', '类别写错的一行。', '一般', '否', '否', '2022-06-05', '综合部', '13800000002']); // row 4: unknown category
  return {
    bytes: Buffer.from(await wb.xlsx.writeBuffer()),
    planted: [
      { tab: '白名单', cell: 'A4', code: 'uscc_checksum' },
      { tab: '白名单', cell: 'E5', code: 'number_range' },
      { tab: '问题诉求', cell: 'F4', code: 'enum' },
    ],
  };
}

async function readBack(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}

const headerIndex = (ws: ExcelJS.Worksheet, name: string) => (ws.getRow(1).values as unknown[]).findIndex((v) => v === name);

describe('sign-in by mail', () => {
  it('mails a link only to members and answers the same page to everyone', async () => {
    const before = (await mails()).length;
    const member = await postLogin(EDITOR);
    const stranger = await postLogin(STRANGER);
    const malformed = await postLogin('not-an-address');
    expect(member.status).toBe(200);
    expect(stranger.status).toBe(200);
    expect(malformed.status).toBe(200);
    expect(stranger.text).toBe(member.text);
    expect(malformed.text).toBe(member.text);
    const sent = (await mails()).slice(before);
    expect(sent.map((m) => m.destination.to)).toEqual([[EDITOR]]);
    expect(sent[0].body.text).toMatch(/15 分钟/);
  });

  it('a link is single use, a GET never signs in, and the cookie is HttpOnly, SameSite=Lax, 12 h', async () => {
    const before = (await mails()).length;
    await postLogin(APPROVER);
    const mail = (await mails()).slice(before).find((m) => m.destination.to.includes(APPROVER))!;
    const path = new URL(/(http:\/\/\S+\/login\/[A-Za-z0-9_.-]+)/.exec(mail.body.text!)![1]).pathname;
    const get1 = await req(path);
    expect(get1.status).toBe(200);
    expect(get1.headers.get('set-cookie')).toBeNull();
    expect(get1.headers.get('cache-control')).toBe('no-store');
    expect(get1.headers.get('referrer-policy')).toBe('no-referrer');
    const csrf = csrfOf(await get1.text());
    const post = (extra: Record<string, string> = {}) =>
      req(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...extra }, body: `csrf=${csrf}` });
    expect((await post({ origin: 'https://evil.example' })).status).toBe(403);
    const first = await post();
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/my');
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^sibao=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=43200/);
    const second = await post();
    expect(second.status).toBe(409);
    expect(second.headers.get('set-cookie')).toBeNull();
    expect(await second.text()).toMatch(/已经使用过/);

    // The approver's page: classes, tabs and the dashboard link (signed, opens without a bearer).
    const my = await req('/my', { cookie: cookie.split(';')[0] });
    const page = await my.text();
    expect(my.status).toBe(200);
    expect(page).toContain('综合协调');
    expect(page).toContain('审批');
    expect(page).toContain('路由规则');
    const dash = /href="([^"]*\/v1\/dashboard\?sig=[^"]+)"/.exec(page)![1].replace(/&amp;/g, '&');
    expect((await fetch(dash)).status).toBe(200);
  });

  it('refuses a tampered link, and /my without a session goes to /login', async () => {
    expect((await req('/login/AAAA.BBBB')).status).toBe(400);
    const my = await req('/my');
    expect(my.status).toBe(303);
    expect(my.headers.get('location')).toBe('/login');
    // A session cookie never works as a sign-in link, nor on the API's routes.
    const cookie = await signIn(EDITOR);
    expect((await req(`/login/${cookie.split('=')[1]}`)).status).toBe(400);
    expect((await req('/v1/issues', { cookie })).status).toBe(401);
  });

  it('logout clears the cookie and ends the session (a form POST with the session\'s CSRF token)', async () => {
    const cookie = await signIn(EDITOR);
    const csrf = csrfOf(await (await req('/my', { cookie })).text());
    expect((await req('/my/logout', { method: 'POST', cookie, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'csrf=forged' })).status).toBe(403);
    const out = await req('/my/logout', { method: 'POST', cookie, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf=${csrf}` });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^sibao=; .*Max-Age=0/);
    // A copy of the old cookie no longer opens the member's page.
    const after = await req('/my', { cookie });
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/login');
  });

  it('limits sign-in requests per address', async () => {
    const address = 'flood@elsewhere.example';
    const answers: number[] = [];
    for (let i = 0; i < 6; i++) answers.push((await postLogin(address)).status);
    expect(answers.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(answers[5]).toBe(429);
  });
});

describe('workbook upload', () => {
  let cookie: string;
  let annotated: Buffer;

  beforeAll(async () => {
    cookie = await signIn(EDITOR);
  });

  it('syncs a class workbook with planted errors: counts per tab, and the annotated workbook marks each planted cell and fills the system columns', async () => {
    const { bytes, planted } = await plantedWorkbook();
    const res = await upload(cookie, { name: '工业生产.xlsx', bytes });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/共 7 行，<span class="ok">接受 4<\/span> 行，<span class="bad">拒绝 3<\/span> 行/);
    expect(res.text).toMatch(/<td>白名单<\/td><td>白名单<\/td><td class="n">4<\/td><td class="n">2<\/td><td class="n bad">2<\/td>/);
    expect(res.text).toMatch(/<td>问题诉求<\/td><td>问题诉求<\/td><td class="n">3<\/td><td class="n">2<\/td><td class="n bad">1<\/td>/);
    expect((await stack.store.listRows('whitelist', 'industry')).map((r) => r.values['统一社会信用代码']).sort()).toEqual(['91410222JKMQMETJ6W', '91410222W8D2TDWYXU']);

    annotated = await download(cookie, res.text);
    const wb = await readBack(annotated);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['校验结果', '白名单', '问题诉求']);
    for (const p of planted) {
      const cell = wb.getWorksheet(p.tab)!.getCell(p.cell);
      const note = cell.note as unknown as { texts: { text: string }[] } | string;
      const text = typeof note === 'string' ? note : note.texts.map((t) => t.text).join('');
      expect(text, `${p.tab}!${p.cell}`).toMatch(/[\u4e00-\u9fff]/);
      expect(text).toContain(p.code);
      expect((cell.fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFF9999');
    }
    const issues = wb.getWorksheet('问题诉求')!;
    for (const row of [2, 3]) {
      const r = issues.getRow(row);
      expect(String(r.getCell(headerIndex(issues, '编号')).value)).toMatch(/^WT-\d{8}-\d{3}$/);
      expect(String(r.getCell(headerIndex(issues, '状态')).value)).toBeTruthy();
      expect(String(r.getCell(headerIndex(issues, '责任单位')).value)).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(issues.getRow(4).getCell(headerIndex(issues, '编号')).value ?? '').toBe('');
    const summary = wb.getWorksheet('校验结果')!;
    expect(String(summary.getCell('B1').value)).toContain('接受 4 行，拒绝 3 行');
  });

  it('re-uploading the annotated workbook changes nothing and sends no mail', async () => {
    await stack.drainOutbox();
    const mailsBefore = (await mails()).length;
    const rowsBefore = new Map((await stack.store.listRows('whitelist', 'industry')).map((r) => [r.key, r.version]));
    const issuesBefore = (await stack.store.listIssues({})).map((i) => `${i.record.id}#${i.revision}`).sort();
    const res = await upload(cookie, { name: '工业生产-校验结果.xlsx', bytes: annotated });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/接受 4<\/span> 行/);
    await stack.drainOutbox();
    expect((await mails()).length).toBe(mailsBefore);
    const rowsAfter = await stack.store.listRows('whitelist', 'industry');
    expect(new Map(rowsAfter.map((r) => [r.key, r.version]))).toEqual(rowsBefore);
    expect((await stack.store.listIssues({})).map((i) => `${i.record.id}#${i.revision}`).sort()).toEqual(issuesBefore);
  });

  it('the last uploads are listed on /my, and another member cannot download them', async () => {
    const page = await (await req('/my', { cookie })).text();
    expect(page).toContain('工业生产.xlsx');
    const href = /href="(\/my\/uploads\/[A-Za-z0-9_-]+\.xlsx)"/.exec(page)![1];
    const other = await signIn('commerce-editor@tongxu.example');
    expect((await req(href, { cookie: other })).status).toBe(404);
  });

  it('a read-only member cannot upload', async () => {
    const ro = await signIn(VIEWER);
    const res = await upload(ro, { name: '白名单.csv', bytes: Buffer.from('统一社会信用代码,名称\n'), type: 'text/csv' });
    expect(res.status).toBe(403);
  });
});

describe('a mass deletion on the upload page asks to confirm', () => {
  const OWNER = 'culture-tourism-editor@tongxu.example';
  const code = (n: number) => makeUscc(`91410222MA46${String(n).padStart(4, '0')}X`);
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  async function tourism(ns: number[]): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('白名单');
    ws.addRow(WHITELIST_HEADERS);
    for (const n of ns) ws.addRow([code(n), `通许县文旅企业${n}`, '文化旅游', '高新区', 100 + n, 20, '已纳入', '2022-05-20', '办公室', '13800000001']);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  const live = async () => (await stack.store.listRows('whitelist', 'culture_tourism')).map((r) => r.key).sort();
  const confirmAction = (page: string) => /<form method="post" action="(\/my\/uploads\/[A-Za-z0-9_-]+\/confirm)">/.exec(page)?.[1];
  const confirm = (action: string, cookie: string, csrf: string, headers: Record<string, string> = {}) =>
    req(action, { method: 'POST', cookie, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: `csrf=${encodeURIComponent(csrf)}` });

  async function history(key: string): Promise<{ op: string; by: string; source: string }[]> {
    const res = await fetch(`${stack.apiUrl}/v1/history?kind=whitelist&key=${encodeURIComponent(key)}`, { headers: { authorization: `Bearer ${await stack.tokenFor(OWNER)}` } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { entries: { op: string; by: string; source: string }[] }).entries;
  }

  async function summary(cookie: string, page: string): Promise<string[][]> {
    const ws = (await readBack(await download(cookie, page))).getWorksheet('校验结果')!;
    const out: string[][] = [];
    ws.eachRow((row) => out.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
    return out;
  }

  it('refuses the deletion, says so per tab and in the annotated workbook, then deletes on the uploader\'s confirmation, once', async () => {
    const cookie = await signIn(OWNER);
    const first = await upload(cookie, { name: '文旅白名单.xlsx', bytes: await tourism(range(1, 10)) }, { workClass: 'culture_tourism' });
    expect(first.status).toBe(200);
    expect(first.text).toMatch(/接受 10<\/span> 行/);
    expect(confirmAction(first.text)).toBeUndefined();
    expect(await live()).toEqual(range(1, 10).map(code).sort());

    // Most rows removed: nothing deleted, the page says how many out of how many, and asks.
    const second = await upload(cookie, { name: '文旅白名单-缺行.xlsx', bytes: await tourism([1, 2]) }, { workClass: 'culture_tourism' });
    expect(second.status).toBe(200);
    expect(second.text).toContain('「白名单」本次同步将删除 8 行（现有 10 行的 80%）');
    expect(second.text).toContain('未执行任何删除');
    expect(second.text).toContain('「白名单」8 行不在本次上传的文件中，尚未删除');
    expect(second.text).toMatch(/<button type="submit" class="danger">确认删除 8 行<\/button>/);
    const action = confirmAction(second.text)!;
    expect(action).toBeTruthy();
    expect(await live()).toEqual(range(1, 10).map(code).sort());
    expect((await history(code(5))).map((e) => e.op)).not.toContain('delete');
    const refusedSummary = (await summary(cookie, second.text)).find((r) => r[0] === '删除未执行');
    expect(refusedSummary?.[1]).toContain('本次同步将删除 8 行（现有 10 行的 80%）');
    expect(refusedSummary?.[1]).toContain('确认删除');
    // The member's page lists it as waiting, with the same form.
    expect(await (await req('/my', { cookie })).text()).toMatch(/8 行待确认.*action="\/my\/uploads\/[A-Za-z0-9_-]+\/confirm"/s);

    // A GET never acts; a forged token, another site, another member are refused; nothing deleted.
    const csrf = csrfOf(second.text);
    expect((await req(action, { cookie })).status).toBe(405);
    expect((await confirm(action, cookie, 'forged')).status).toBe(403);
    expect((await confirm(action, cookie, csrf, { origin: 'https://evil.example' })).status).toBe(403);
    // (Another class's editor: sign-in requests are limited per address, and the hostile uploads sign in as EDITOR.)
    const other = await signIn('key-projects-editor@tongxu.example');
    const otherCsrf = csrfOf(await (await req('/my', { cookie: other })).text());
    const stranger = await confirm(action, other, otherCsrf);
    expect(stranger.status).toBe(404);
    expect(await stranger.text()).toContain('未删除任何行');
    expect(await live()).toEqual(range(1, 10).map(code).sort());

    // The uploader confirms: the 8 rows are deleted (tombstones, history op delete), the page and the
    // annotated workbook say so.
    const done = await confirm(action, cookie, csrf);
    expect(done.status).toBe(200);
    const donePage = await done.text();
    expect(donePage).toContain('<h1>删除已确认</h1>');
    expect(donePage).toMatch(new RegExp(`「白名单」经 ${OWNER.replace(/[.]/g, '\\.')} 于 [0-9-]+ [0-9:]+ 确认，删除 8 行`));
    expect(donePage).toMatch(/<td>白名单<\/td><td>白名单<\/td><td class="n">2<\/td><td class="n">2<\/td><td class="n ">0<\/td><td class="n">8<\/td>/);
    expect(confirmAction(donePage)).toBeUndefined();
    expect(await live()).toEqual([code(1), code(2)].sort());
    expect((await stack.store.listRows('whitelist', 'culture_tourism', { deleted: true })).length).toBe(10);
    const h5 = await history(code(5));
    expect(h5[0]).toMatchObject({ op: 'delete', by: OWNER });
    const after = await summary(cookie, donePage);
    expect(after.find((r) => r[0] === '白名单')?.slice(3)).toEqual(['2', '2', '0', '8']);
    expect(after.find((r) => r[0] === '删除')?.[1]).toContain('确认，删除 8 行');
    expect(after.some((r) => r[0] === '删除未执行')).toBe(false);

    // A second confirmation changes nothing.
    const again = await confirm(action, cookie, csrf);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('本次未做任何更改');
    expect(await live()).toEqual([code(1), code(2)].sort());
    expect(await history(code(5))).toEqual(h5);
    expect(await (await req('/my', { cookie })).text()).toContain('8（已确认）');
  });

  it('deletes only the rows it showed: a row added after the refused upload stays', async () => {
    const cookie = await signIn(OWNER);
    // Rows 1..10 back (restored), then an upload that keeps only 1 and 2 is refused.
    expect((await upload(cookie, { name: '文旅白名单.xlsx', bytes: await tourism(range(1, 10)) }, { workClass: 'culture_tourism' })).status).toBe(200);
    expect(await live()).toEqual(range(1, 10).map(code).sort());
    const refused = await upload(cookie, { name: '文旅白名单-缺行.xlsx', bytes: await tourism([1, 2]) }, { workClass: 'culture_tourism' });
    const action = confirmAction(refused.text)!;
    expect(action).toBeTruthy();
    // Meanwhile row 11 is added (with every other row kept).
    expect((await upload(cookie, { name: '文旅白名单-新增.xlsx', bytes: await tourism(range(1, 11)) }, { workClass: 'culture_tourism' })).status).toBe(200);
    const done = await confirm(action, cookie, csrfOf(refused.text));
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('确认，删除 8 行');
    expect(await live()).toEqual([code(1), code(2), code(11)].sort());
  });

  it('a confirmation expires after 24 hours: nothing deleted', async () => {
    let cookie = await signIn(OWNER);
    expect((await upload(cookie, { name: '文旅白名单.xlsx', bytes: await tourism(range(1, 11)) }, { workClass: 'culture_tourism' })).status).toBe(200);
    const refused = await upload(cookie, { name: '文旅白名单-缺行.xlsx', bytes: await tourism([1]) }, { workClass: 'culture_tourism' });
    const action = confirmAction(refused.text)!;
    expect(action).toBeTruthy();
    stack.clock.advance(25 * 3_600_000);
    try {
      cookie = await signIn(OWNER); // the session (12 h) ended too
      const my = await (await req('/my', { cookie })).text();
      expect(my).toContain('<td class="n">0（未确认）</td>');
      expect(my).not.toContain('行待确认');
      const late = await confirm(action, cookie, csrfOf(my));
      expect(late.status).toBe(410);
      expect(await late.text()).toContain('未删除任何行');
      expect(await live()).toEqual(range(1, 11).map(code).sort());
    } finally {
      stack.clock.advance(-25 * 3_600_000);
    }
  });
});

describe('sibao import --annotate', () => {
  it('writes the same annotated workbook as the upload page (校验结果 first, planted cells red with comments)', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('白名单');
    ws.addRow(WHITELIST_HEADERS);
    ws.addRow(['91410222GA45C5XLKX', '通许县信远建材有限公司', '工业生产', '邸阁乡', 20546.5, 357, '已纳入', '2022-05-22', '项目部', '13800000003']);
    ws.addRow(['91410222N369YA2B4A', '通许县盛信木业有限公司', '工业生产', '高新区', 100, 50, '已纳入', '2022-05-22', '综合部', '13800000007']); // row 3: bad checksum
    const file = join(work, 'industry-白名单.xlsx');
    await writeFile(file, Buffer.from(await wb.xlsx.writeBuffer()));
    const out = join(work, 'annotated.xlsx');
    const res = await runSibao(['import', file, '--as', EDITOR, '--data', work, '--api', stack.apiUrl, '--annotate', out]);
    expect(res.code).toBe(1);
    const back = await readBack(await readFile(out));
    expect(back.worksheets.map((w) => w.name)).toEqual(['校验结果', '白名单']);
    const cell = back.getWorksheet('白名单')!.getCell('A3');
    expect((cell.fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFF9999');
    expect(JSON.stringify(cell.note)).toContain('uscc_checksum');
    expect(back.getWorksheet('白名单')!.getCell('A2').fill).toBeUndefined();
    expect(String(back.getWorksheet('校验结果')!.getCell('B1').value)).toContain('接受 1 行，拒绝 1 行');
  });
});

describe('hostile uploads', () => {
  let cookie: string;
  // Built before signing in: deflating them blocks this process (the server's too) for seconds on a
  // loaded machine, long enough for a kept-alive connection to be closed under the next request.
  let bomb: Buffer;
  let liar: Buffer;
  beforeAll(async () => {
    bomb = writeZip([{ name: 'xl/workbook.xml', data: '<workbook/>' }, { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(60 * 1024 * 1024) }]);
    // A real deflate stream of 8 MB of zeros declared as 1 KB: the index passes, the inflation stops.
    liar = writeZip([{ name: 'xl/workbook.xml', data: Buffer.alloc(8 * 1024 * 1024) }]);
    cookie = await signIn('industry-editor@tongxu.example');
  });

  it('refuses a zip bomb by its index (inflates past 50 MB) before inflating anything', async () => {
    expect(bomb.length).toBeLessThan(200_000);
    const res = await upload(cookie, { name: 'bomb.xlsx', bytes: bomb });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/压缩炸弹|超过 50 MB/);
  });

  it('refuses a zip whose index lies about the sizes, while inflating', async () => {
    // Patch the declared size (central directory entry, offset 24) to 1024.
    const cd = liar.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    liar.writeUInt32LE(1024, cd + 24);
    const res = await upload(cookie, { name: 'liar.xlsx', bytes: liar });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/解压中途停止/);
  });

  it('refuses wrong types: a renamed PNG, an old .xls, an executable, a zip named .csv', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    expect((await upload(cookie, { name: '白名单.xlsx', bytes: png })).status).toBe(415);
    expect((await upload(cookie, { name: '白名单.xls', bytes: Buffer.from('d0cf11e0a1b11ae1', 'hex'), type: 'application/vnd.ms-excel' })).status).toBe(415);
    expect((await upload(cookie, { name: 'setup.exe', bytes: Buffer.from('MZ\x90\x00'), type: 'application/x-msdownload' })).status).toBe(415);
    const { bytes } = await plantedWorkbook();
    expect((await upload(cookie, { name: '白名单.csv', bytes, type: 'text/csv' })).status).toBe(415);
    expect((await upload(cookie, { name: '白名单.xlsx', bytes, type: 'image/png' })).status).toBe(415);
  });

  it('refuses a file over 4 MB', async () => {
    const res = await upload(cookie, { name: '白名单.csv', bytes: Buffer.alloc(4 * 1024 * 1024 + 10, 0x41), type: 'text/csv' });
    expect(res.status).toBe(413);
    expect(res.text).toMatch(/4 MB/);
  });

  it('refuses a form without the CSRF token or from another origin', async () => {
    const { bytes } = await plantedWorkbook();
    expect((await upload(cookie, { name: 'a.xlsx', bytes }, { csrf: 'forged' })).status).toBe(403);
    expect((await upload(cookie, { name: 'a.xlsx', bytes }, { origin: 'https://evil.example' })).status).toBe(403);
  });

  it('reads formula cells as their cached values and writes values only (no formula, formula-looking text kept as text)', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('白名单');
    ws.addRow(WHITELIST_HEADERS);
    ws.addRow(['91410222JKMQMETJ6W', '通许县远瑞建材有限公司', '工业生产', '高新区', { formula: '1000+2433.36', result: 3433.36 }, 692, '已纳入', '2022-05-23', '=HYPERLINK("http://evil.example","x")', '13800000001']);
    const res = await upload(cookie, { name: '公式.xlsx', bytes: Buffer.from(await wb.xlsx.writeBuffer()) });
    expect(res.status).toBe(200);
    const stored = (await stack.store.listRows('whitelist', 'industry')).find((r) => r.values['统一社会信用代码'] === '91410222JKMQMETJ6W')!;
    expect(stored.values['产值或投资额（万元）']).toBe(3433.36);
    const out = await download(cookie, res.text);
    const back = await readBack(out);
    const row = back.getWorksheet('白名单')!.getRow(2);
    expect(row.getCell(5).value).toBe(3433.36);
    expect(row.getCell(9).value).toBe('=HYPERLINK("http://evil.example","x")');
    expect(row.getCell(9).type).toBe(ExcelJS.ValueType.String);
    expect(out.includes(Buffer.from('<f>'))).toBe(false);
  });

  it('allows 20 uploads an hour per member, then answers 429', async () => {
    const member = await signIn('transport-editor@tongxu.example');
    const csv = Buffer.from('\ufeff统一社会信用代码,名称,所属领域\n', 'utf8');
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await upload(member, { name: '白名单.csv', bytes: csv, type: 'text/csv' }, { workClass: 'transport' })).status);
    expect(statuses.slice(0, 20).every((s) => s === 200 || s === 422)).toBe(true);
    expect(statuses[20]).toBe(429);
  });
});

