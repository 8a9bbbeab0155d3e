// The hostile-input probes of issue 12 as tests, through the local Function URL server on 127.0.0.1
// (local/http-server.ts) in front of the real API handler (real dynalite + SES emulator): bad tokens,
// oversized fields, bad encodings, huge headers, tampered / expired / replayed links, concurrent POSTs.
// What must hold for every probe: never a 5xx; a refusal is a 4xx whose message is Chinese (no English
// validator text); a refused row never stops the valid rows of its batch and uses no issue number.
// The tally (family, tried, 4xx, 5xx, accepted) is printed at the end for the closing note.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TEXT } from '../../domain/issues/catalog.js';
import { startHttpServer, type LocalHttpServer } from '../../local/http-server.js';
import { startTestServices, type TestServices } from '../fixtures/local-services.js';
import { BASE, IND, issueValues, RO } from '../integration/api-helpers.js';
import { APPROVER, CONTACT, makeLoopHarness, type LoopHarness } from '../integration/closed-loop-helpers.js';

let services: TestServices;
let h: LoopHarness;
let server: LocalHttpServer;

interface Answer {
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

interface Tally {
  tried: number;
  refused: number;
  failed: number;
  accepted: number;
}
const tally = new Map<string, Tally>();

/** The answer's message for people: a JSON error's message, or the text of an HTML page. */
function messageOf(a: Answer): string {
  try {
    const body = JSON.parse(a.text) as { error?: { message?: string } | string; message?: string };
    if (body && typeof body.error === 'object') return String(body.error.message ?? '');
    return String(body?.message ?? '');
  } catch {
    return a.text.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ');
  }
}

/** English a validator or a runtime would write (what must not reach people). */
const ENGLISH = /\b(invalid input|expected|received|required|must be|unrecognized|too (big|small)|unexpected token|undefined|object object|internal server error|bad request|not found|forbidden)\b/i;

/** One probe: never 5xx; `refused` = a 4xx with a Chinese message; `accepted` = 2xx. */
function note(family: string, a: Answer, want: 'refused' | 'accepted'): void {
  const t = tally.get(family) ?? { tried: 0, refused: 0, failed: 0, accepted: 0 };
  tally.set(family, t);
  t.tried++;
  if (a.status >= 500) t.failed++;
  else if (a.status >= 400) t.refused++;
  else t.accepted++;
  expect(a.status, `${family}: ${a.status} ${a.text.slice(0, 300)}`).toBeLessThan(500);
  expect(a.headers['x-content-type-options'], `${family}: nosniff`).toBe('nosniff');
  if (want === 'accepted') {
    expect(a.status, `${family}: ${a.text.slice(0, 300)}`).toBeLessThan(300);
    return;
  }
  expect(a.status, `${family}: ${a.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  const m = messageOf(a);
  expect(m, `${family}: Chinese message`).toMatch(/[\u4e00-\u9fff]/);
  expect(m, `${family}: no English validator text`).not.toMatch(ENGLISH);
}

/** A row refused inside an accepted batch: counted as refused, with its Chinese message and code. */
function noteRow(family: string, row: { ok: boolean; errors: { code: string; message: string }[] }, code: string): void {
  const t = tally.get(family) ?? { tried: 0, refused: 0, failed: 0, accepted: 0 };
  tally.set(family, t);
  t.tried++;
  if (row.ok) t.accepted++;
  else t.refused++;
  expect(row.ok).toBe(false);
  expect(row.errors.map((e) => e.code)).toContain(code);
  for (const e of row.errors) {
    expect(e.message).toMatch(/[\u4e00-\u9fff]/);
    expect(e.message).not.toMatch(ENGLISH);
  }
}

/** A raw HTTP request (node:http: no client-side limits or normalisation of the path). */
function send(method: string, path: string, opts: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
const asMember = async (email: string) => bearer(await h.issuer.issue(email));
const postJson = async (path: string, body: unknown, email = IND) => send('POST', path, { headers: await asMember(email), body: JSON.stringify(body) });
const syncBody = (rows: unknown[], over: Record<string, unknown> = {}) => ({ spreadsheetId: 'sheet-hostile', workClass: 'industry', kind: 'issue', rows, ...over });
const pathOf = (url: string) => url.slice(BASE.length);
const form = (fields: Record<string, string>) => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

let links: Record<string, string>;
let followUp: Record<string, string>;
let issueId: string;

beforeAll(async () => {
  services = await startTestServices();
  h = await makeLoopHarness(services);
  server = await startHttpServer(h.api, { port: 0, now: () => h.clock.now() });
  [issueId] = await h.report([{}]);
  const mails = await h.deliver();
  links = mails.find((m) => m.to === 'gxj1@county.example')!.links;
  // A second issue taken to 已办结 so that its enterprise gets the 满意/基本满意/不满意 links.
  const [second] = await h.report([{ 问题描述: '第二个问题：用电报装' }]);
  const unitMails = (await h.deliver()).filter((m) => m.subject.includes(second));
  expect((await h.post(unitMails[0].links['签收'])).status).toBe(200);
  expect((await h.post(unitMails[0].links['反馈办理结果'], { result: '已协调供电公司完成报装' })).status).toBe(200);
  followUp = (await h.deliver()).find((m) => m.to === CONTACT && m.subject.includes(second))!.links;
  expect(Object.keys(followUp)).toEqual(expect.arrayContaining(['满意', '基本满意', '不满意']));
}, 120_000);

afterAll(async () => {
  const rows = [...tally].map(([family, t]) => `| ${family} | ${t.tried} | ${t.refused} | ${t.failed} | ${t.accepted} |`);
  console.log(['| probe family | tried | 4xx (or row refused) | 5xx | accepted |', '|---|---|---|---|---|', ...rows].join('\n'));
  await server?.close();
  await services?.stop();
});

describe('hostile input: bad tokens (401/403, Chinese)', () => {
  it('refuses every bad bearer on every authenticated route, storing nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    const tokens: Record<string, Record<string, string>> = {
      none: { 'content-type': 'application/json' },
      'empty bearer': { authorization: 'Bearer', 'content-type': 'application/json' },
      'not a JWT': bearer('abc'),
      'three garbage parts': bearer('a.b.c'),
      'Basic scheme': { authorization: 'Basic YWRtaW46YWRtaW4=', 'content-type': 'application/json' },
      expired: bearer(await h.issuer.issue(IND, -120)),
      'iat an hour ahead': bearer(await h.issuer.issue(IND, 7200, { iat: now + 3600 })),
      'iat 6 minutes ahead': bearer(await h.issuer.issue(IND, 7200, { iat: now + 360 })),
      'wrong audience': bearer(await h.issuer.issue(IND, 3600, { aud: 'someone-else' })),
      'email not verified': bearer(await h.issuer.issue(IND, 3600, { email_verified: false })),
      'signature tampered': bearer(`${(await h.issuer.issue(IND)).slice(0, -4)}AAAA`),
      'huge bearer (8 KB)': bearer('x'.repeat(8192)),
    };
    const before = (await h.store.listIssues({})).length;
    for (const [name, headers] of Object.entries(tokens)) {
      for (const [method, path, body] of [
        ['POST', '/v1/sync', JSON.stringify(syncBody([{ row: 50, values: issueValues() }]))],
        ['GET', '/v1/issues', undefined],
        ['GET', '/v1/coverage', undefined],
        ['POST', `/v1/issues/${issueId}/actions`, JSON.stringify({ action: 'extend', resolveBy: '2022-07-01', reason: '测试' })],
      ] as const) {
        const a = await send(method, path, { headers, body });
        note('bad tokens', a, 'refused');
        expect(a.status, `${name} ${method} ${path}`).toBe(401);
      }
    }
    // A valid token of someone who may not: 403 (not a member; a read-only member writing).
    note('bad tokens', await postJson('/v1/sync', syncBody([{ row: 51, values: issueValues() }]), 'stranger@county.example'), 'refused');
    note('bad tokens', await postJson('/v1/sync', syncBody([{ row: 52, values: issueValues() }]), RO), 'refused');
    note('bad tokens', await postJson(`/v1/issues/${issueId}/actions`, { action: 'extend', resolveBy: '2022-07-01', reason: '测试' }, IND), 'refused');
    expect((await h.store.listIssues({})).length).toBe(before);
    // The same token within 5 minutes of clock skew is fine.
    const skewed = bearer(await h.issuer.issue(IND, 3600, { iat: now + 120 }));
    note('bad tokens', await send('GET', '/v1/issues', { headers: skewed }), 'accepted');
  });
});

describe('hostile input: oversized fields', () => {
  it('a 450 KB extra column refuses only its row (row_too_large) and uses no issue number; the valid rows are stored and mailed', async () => {
    const before = new Set((await h.store.listIssues({})).map((i) => i.record.id));
    const res = await postJson(
      '/v1/sync',
      syncBody([
        { row: 60, values: issueValues({ 问题描述: '有效行一：原料短缺' }) },
        { row: 61, values: { ...issueValues({ 问题描述: '超大行' }), 附加说明: 'x'.repeat(450 * 1024) } },
        { row: 62, values: issueValues({ 问题描述: '有效行二：物流受阻' }) },
      ]),
    );
    note('oversized fields', res, 'accepted');
    const results = JSON.parse(res.text).results as { row: number; ok: boolean; id: string | null; errors: { code: string; message: string }[] }[];
    noteRow('oversized fields', results[1], 'row_too_large');
    expect(results[1].id).toBeNull();
    expect(results[0].ok && results[2].ok).toBe(true);
    const added = (await h.store.listIssues({})).map((i) => i.record.id).filter((id) => !before.has(id)).sort();
    expect(added).toEqual([results[0].id, results[2].id].sort());
    // Consecutive numbers: the refused row between them used none.
    const n = (id: string) => Number(id.slice(-3));
    expect(Math.abs(n(results[2].id!) - n(results[0].id!))).toBe(1);
  });

  it('free text over 2,000 characters on a link form or the API is refused with the page again or a 400', async () => {
    const note401k = '满'.repeat(401 * 1024);
    const oversized = [
      send('POST', pathOf(followUp['满意']), form({ note: note401k })),
      send('POST', pathOf(followUp['不满意']), form({ note: 'x'.repeat(MAX_TEXT + 1) })),
      send('POST', pathOf(links['退回']), form({ reason: '理'.repeat(MAX_TEXT + 1) })),
      send('POST', pathOf(links['反馈办理结果']), form({ result: '果'.repeat(MAX_TEXT + 1) })),
    ];
    for (const a of await Promise.all(oversized)) {
      note('oversized fields', a, 'refused');
      expect(a.status).toBe(400);
    }
    for (const body of [
      { action: 'extend', resolveBy: '2022-07-01', reason: 'r'.repeat(MAX_TEXT + 1) },
      { action: 'reassign', unit: 'U-CGZ', note: 'n'.repeat(MAX_TEXT + 1) },
      { action: 'follow_up', result: '满意'.repeat(20) },
      { action: 'extend', resolveBy: 'x'.repeat(500), reason: '原因' },
    ]) {
      const a = await postJson(`/v1/issues/${issueId}/actions`, body, APPROVER);
      note('oversized fields', a, 'refused');
      expect(a.status).toBe(400);
    }
    // Nothing changed: the links still work.
    expect((await h.get(followUp['满意'])).status).toBe(200);
    expect((await h.get(links['签收'])).status).toBe(200);
  });

  it('request-level limits: too many rows, a long spreadsheet id, a body over 6 MB', async () => {
    const many = Array.from({ length: 501 }, (_, i) => ({ row: 100 + i, values: { 问题描述: 'x' } }));
    for (const a of [
      await postJson('/v1/sync', syncBody(many)),
      await postJson('/v1/sync', syncBody([], { spreadsheetId: 's'.repeat(201) })),
      await send('POST', '/v1/sync', { headers: await asMember(IND), body: JSON.stringify(syncBody([{ row: 2, values: { 问题描述: 'x'.repeat(7 * 1024 * 1024) } }])) }),
    ]) note('oversized fields', a, 'refused');
  });
});

describe('hostile input: bad encodings and malformed requests', () => {
  it('malformed percent-encodings in any path are 400 without authentication', async () => {
    for (const path of ['/v1/digests/%', '/v1/digests/%E0%A4%A', '/a/%ZZ', '/a/%', '/v1/issues/%C0%AF/actions', '/%', '/v1/dashboard/%FF']) {
      const a = await send('GET', path);
      note('bad encodings', a, 'refused');
      expect(a.status, path).toBe(400);
    }
  });

  it('bodies that are not what the route takes: 400 with a Chinese message naming the field', async () => {
    const headers = await asMember(IND);
    const bodies = [
      'not json',
      '{"rows": [',
      '[]',
      'null',
      '"text"',
      JSON.stringify({ spreadsheetId: 'x', workClass: 'industry', kind: 'issue', rows: 'all' }),
      JSON.stringify({ spreadsheetId: 'x', workClass: 5, kind: 'issue', rows: [] }),
      JSON.stringify({ spreadsheetId: 'x', workClass: 'nobody', kind: 'issue', rows: [] }),
      JSON.stringify({ spreadsheetId: 'x', workClass: 'industry', kind: 'issue', rows: [{ row: 'two', values: {} }] }),
      JSON.stringify({ spreadsheetId: 'x', workClass: 'industry', kind: 'issue', rows: [{ row: 1, values: {} }] }),
      JSON.stringify({ spreadsheetId: 'x', workClass: 'industry', kind: 'issue', rows: [{ row: 2, values: { 问题描述: { nested: true } } }] }),
      JSON.stringify({ spreadsheetId: 'x', workClass: 'industry', kind: 'issue', rows: [{ row: 2, values: {}, version: 0 }] }),
      JSON.stringify({ spreadsheetId: '', workClass: 'industry', kind: 'issue', rows: [] }),
      JSON.stringify({ spreadsheetId: 'x', workClass: 'industry', kind: 'spaceships', rows: [] }),
      JSON.stringify({ workClass: 'industry', kind: 'issue', rows: [] }),
    ];
    for (const body of bodies) {
      const a = await send('POST', '/v1/sync', { headers, body });
      note('bad encodings', a, 'refused');
      expect(a.status, body.slice(0, 80)).toBe(400);
    }
    const approver = await asMember(APPROVER);
    for (const body of ['nope', '[]', JSON.stringify({ action: 'launch' }), JSON.stringify({ action: 'extend', reason: 5 }), JSON.stringify({ action: 'extend', resolveBy: 'someday', reason: '原因' })]) {
      const a = await send('POST', `/v1/issues/${issueId}/actions`, { headers: approver, body });
      note('bad encodings', a, 'refused');
    }
    for (const q of ['status=bogus', 'status=%E5%B7%B2', 'at=2022-13-45', 'at=yesterday', 'from=abc&to=def']) {
      const path = q.startsWith('at') ? '/v1/coverage' : q.startsWith('from') ? '/v1/metrics' : '/v1/issues';
      const a = await send('GET', `${path}?${q}`, { headers: await asMember(IND) });
      note('bad encodings', a, 'refused');
    }
  });

  it('wrong methods and unknown addresses are 404/405 in Chinese', async () => {
    for (const [method, path] of [['DELETE', '/v1/sync'], ['PUT', '/a/abc'], ['GET', '/nope'], ['GET', '/v1/sync'], ['PATCH', '/healthz']] as const) {
      note('bad encodings', await send(method, path, { headers: await asMember(IND) }), 'refused');
    }
  });
});

describe('hostile input: control characters and cell limits', () => {
  const wl = (code: string, row: number, over: Record<string, string | number> = {}) => ({
    row,
    values: { 统一社会信用代码: code, 名称: `示例企业${row}`, 所属领域: '工业生产', 所在乡镇: '城关镇', '产值或投资额（万元）': 1200, 状态: '已纳入', 纳入日期: '2022-05-20', 联系人: '办公室', 联系电话: '13800000001', ...over },
  });

  it('NUL, C0 controls, DEL, lone surrogates and bidi overrides are removed with the warning control_chars; the stored text is clean', async () => {
    const dirty = ['钢材\u0000供应', '中断\u202E反向\u202C', '孤立\uD800代理', '\u2066隔离\u2069', '删除\u007F键', '响铃\u0007', '换行\n与制表\t保留'];
    const res = await postJson('/v1/sync', syncBody(dirty.map((d, i) => ({ row: 70 + i, values: issueValues({ 问题描述: d, 企业名称: `企业\u0000${i}` }) }))));
    note('control characters', res, 'accepted');
    const results = JSON.parse(res.text).results as { ok: boolean; id: string; warnings: { code: string; message: string }[] }[];
    for (const [i, r] of results.entries()) {
      const t = tally.get('control characters')!;
      t.tried++;
      t.accepted++;
      expect(r.ok).toBe(true);
      expect(r.warnings.map((w) => w.code)).toContain('control_chars');
      expect(r.warnings.find((w) => w.code === 'control_chars')!.message).toMatch(/[\u4e00-\u9fff]/);
      const stored = (await h.store.getIssue(r.id))!;
      const text = JSON.stringify([stored.values, stored.record.issue]);
      expect(text, dirty[i]).not.toMatch(/\\u00[01][0-8bcef]|\\u007f|\\ud8|\\u202[a-e]|\\u206[6-9]/i);
      expect(stored.record.issue.description).toBe(dirty[i].replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069\uD800]/g, ''));
    }
    // A link form's text is cleaned the same way.
    const back = await send('POST', pathOf(followUp['基本满意']), form({ note: '意见\u0000\u202E建议' }));
    note('control characters', back, 'accepted');
    const rec = (await h.store.listIssues({})).find((i) => i.record.events.some((e) => e.type === 'follow_up'))!.record;
    expect(JSON.stringify(rec.events)).toContain('意见建议');
  });

  it('a cell over 5,000 characters (too_long) and more than 50 extra columns (too_many_columns) refuse only their row', async () => {
    const extra = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`备用列${i + 1}`, 'x']));
    const res = await postJson(
      '/v1/sync',
      syncBody([
        { row: 80, values: { ...issueValues({ 问题描述: '五千字的附加说明' }), 附加说明: '长'.repeat(5_000) } },
        { row: 81, values: { ...issueValues({ 问题描述: '五千零一字的附加说明' }), 附加说明: '长'.repeat(5_001) } },
        { row: 82, values: { ...issueValues({ 问题描述: '五十个表外列' }), ...extra(50) } },
        { row: 83, values: { ...issueValues({ 问题描述: '五十一个表外列' }), ...extra(51) } },
      ]),
    );
    note('cell limits', res, 'accepted');
    const r = JSON.parse(res.text).results;
    expect(r[0].ok && r[2].ok).toBe(true);
    noteRow('cell limits', r[1], 'too_long');
    noteRow('cell limits', r[3], 'too_many_columns');
    expect(r[1].errors[0].column).toBe('附加说明');
  });

  it('the CSV and xlsx exports agree cell for cell, even on text stored before the limits existed', async () => {
    const { readExportData, buildExportTabs, buildReadmeTab, writeExportWorkbook, tabToCsvRecords } = await import('../../local/export.js');
    const { default: ExcelJS } = await import('exceljs');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { makeUscc } = await import('../../domain/rows/uscc.js');
    const code = makeUscc('91410222MA44CTRL1');
    const synced = await postJson('/v1/sync', { ...syncBody([wl(code, 2, { 名称: '旧数据\u0000企业' })]), kind: 'whitelist' });
    note('control characters', synced, 'accepted');
    // Text stored by an older version, before the limits: control characters in the stored row.
    const old = (await h.store.getRows('whitelist', [code])).get(code)!;
    const dirtyName = '旧\u0000数据\u202E企业\uD800=1+1';
    expect(await h.store.putRow({ ...old, values: { ...old.values, 名称: dirtyName }, value: { ...old.value, name: dirtyName }, revision: old.revision + 1 }, old.revision)).toBe(true);
    const data = await readExportData(h.store);
    const tabs = buildExportTabs(data, '2022-06-10');
    const file = join(mkdtempSync(join(tmpdir(), 'sibao-hostile-export-')), 'export.xlsx');
    await writeExportWorkbook(tabs, buildReadmeTab(tabs, { county: '示例县', source: 'hostile test', dataAsOf: data.dataAsOf, at: '2022-06-10' }), file, data.dataAsOf);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    let compared = 0;
    for (const t of tabs) {
      const csv = tabToCsvRecords(t);
      const ws = wb.getWorksheet(t.name)!;
      csv.forEach((record, r) => {
        record.forEach((csvCell, c) => {
          const v = ws.getRow(r + 1).getCell(c + 1).value;
          const x = v === null || v === undefined ? '' : String(v);
          // CSV guards formula-like text with a leading ' (the workbook types it as text instead).
          expect(csvCell.replace(/^'(?=[=+\-@])/, ''), `${t.name} R${r + 1}C${c + 1}`).toBe(x);
          compared++;
        });
      });
    }
    expect(compared).toBeGreaterThan(50);
    const wlTab = tabs.find((t) => t.name === '白名单汇总')!;
    expect(JSON.stringify(wlTab.rows)).toContain('旧数据企业=1+1');
  });
});

describe('hostile input: huge headers', () => {
  it('request headers of 20 KB and 64 KB get a Chinese 431, and the server keeps serving', async () => {
    for (const size of [20 * 1024, 64 * 1024, 200 * 1024]) {
      const a = await send('GET', '/healthz', { headers: { 'x-padding': 'p'.repeat(size) } });
      note('huge headers', a, 'refused');
      expect(a.status).toBe(431);
    }
    const cookie = await send('GET', '/healthz', { headers: { cookie: `a=${'c'.repeat(70 * 1024)}` } });
    note('huge headers', cookie, 'refused');
    note('huge headers', await send('GET', '/healthz'), 'accepted');
  });
});

describe('hostile input: tampered, expired and replayed links', () => {
  it('a tampered or truncated token is 403 on GET and POST and changes nothing', async () => {
    const token = pathOf(links['签收']).slice(3);
    const flip = (i: number) => token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
    const variants = [flip(0), flip(Math.floor(token.length / 2)), flip(token.length - 1), token.slice(0, -5), `${token}x`, token.split('.').reverse().join('.'), 'x', 'x.y'];
    for (const v of variants) {
      for (const method of ['GET', 'POST'] as const) {
        const a = await send(method, `/a/${v}`, method === 'POST' ? form({}) : {});
        note('tampered links', a, 'refused');
        expect(a.status).toBe(403);
      }
    }
    expect((await h.store.getIssue(issueId))!.record.status).toBe('已交办');
  });

  it('20 concurrent POSTs of one link: exactly one performs it, the others are told it is used', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => send('POST', pathOf(links['签收']), form({}))));
    for (const a of answers) note('concurrent POSTs', a, a.status === 200 ? 'accepted' : 'refused');
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 200).every((a) => a.status === 410 || a.status === 409)).toBe(true);
    const rec = (await h.store.getIssue(issueId))!.record;
    expect(rec.events.filter((e) => e.type === 'sign')).toHaveLength(1);
  });

  it('a used link replayed is 410 on GET and POST', async () => {
    for (const method of ['POST', 'GET', 'POST'] as const) {
      const a = await send(method, pathOf(links['签收']), method === 'POST' ? form({}) : {});
      note('replayed links', a, 'refused');
      expect(a.status).toBe(410);
    }
  });

  it('an expired link is 410 and changes nothing', async () => {
    const t = h.clock.t;
    h.clock.t += 15 * 86_400_000;
    try {
      for (const url of [links['反馈办理结果'], followUp['基本满意']]) {
        for (const method of ['GET', 'POST'] as const) {
          const a = await send(method, pathOf(url), method === 'POST' ? form({ result: '已办结' }) : {});
          note('expired links', a, 'refused');
          expect(a.status).toBe(410);
        }
      }
    } finally {
      h.clock.t = t;
    }
  });
});

describe('hostile input: headers on every answer', () => {
  it('every answer (API, pages, the local server itself) carries nosniff', async () => {
    const answers = [await send('GET', '/healthz'), await send('GET', pathOf(followUp['满意'])), await send('GET', '/v1/digests/2022-W23'), await send('GET', '/v1/dashboard')];
    for (const a of answers) expect(a.headers['x-content-type-options']).toBe('nosniff');
  });
});
