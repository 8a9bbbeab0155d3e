// The BUILT add-on (dist/addon/Code.js) in a bare vm with the fake Apps Script services and a
// small sync API on 127.0.0.1 (test/addon/fakes/fake-api-worker.mjs). Prepare / act / assert.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KINDS, WHITELIST_STATUSES } from '../../domain/rows/kinds.js';
import { buildAddon } from '../../scripts/build-addon.js';
import { ERROR_FILL, NOTE_PREFIX } from '../../sheets-addon/columns.js';
import { type FakeApi, startFakeApi } from './fakes/fake-api.js';
import { ADDON_DIR, createGasEnv, type GasEnv } from './fakes/gas-env.js';
import type { FakeSheet } from './fakes/spreadsheet.js';
import { type Layout, measurePaths, PATHS } from './paths.js';
import { issueRow, uscc, whitelistRow } from './rows.js';

const TOKEN = 'test-identity-token';
let api: FakeApi;
let env: GasEnv;
let built: { bytes: number; exports: string[] };

beforeAll(async () => {
  built = await buildAddon();
  api = await startFakeApi({ token: TOKEN, allowClass: 'industry' });
});
afterAll(async () => {
  await api?.stop();
});
let n = 0;
beforeEach(async () => {
  await api.control({ reset: true });
  env = await createGasEnv({ spreadsheetId: `sheet-industry-${++n}` });
});
afterEach(async () => {
  await env.close();
});

/** Settings through the real menu path (two prompts), then 初始化本表. */
function setUp(apiUrl = api.url, workClass = 'industry'): void {
  env.sheets.ui.answers.push(['OK', apiUrl], ['OK', workClass]);
  env.run('menuSettings');
  env.run('menuInitSheets');
}

function sheet(tab: string): FakeSheet {
  const s = env.ss.sheet(tab);
  if (!s) throw new Error(`no tab ${tab}`);
  return s;
}

/** A person typing a row, then the simple trigger Apps Script fires for that edit. */
function typeAndEdit(s: FakeSheet, row: number, values: Record<string, unknown>): void {
  s.typeRow(row, values);
  env.run('onEdit', { authMode: 'LIMITED', range: s.eventRange(row, 1, 1, s.headers().length), source: env.ss.wrapped, value: '' });
}

/** Settings and 初始化本表 (setUp), `count` valid 白名单 rows typed from row 2, then 立即同步: the 白名单 tab. */
function syncedWhitelist(count: number): FakeSheet {
  setUp();
  const wl = sheet('白名单');
  for (let i = 0; i < count; i++) typeAndEdit(wl, 2 + i, whitelistRow(i + 1));
  env.run('menuSync');
  return wl;
}

/** The 问题诉求 order of 初始化本表: input columns, then 编号 and the other system columns, then sync. */
const ISSUE_TEMPLATE = [
  ...KINDS.issue.headers.filter((h) => !KINDS.issue.system.includes(h)),
  ...KINDS.issue.system,
  '_版本',
  '_同步',
  '_标识',
];

describe('bundle', () => {
  it('exports only the Apps Script globals, runs without Node globals and stays small', () => {
    expect(built.bytes).toBeLessThanOrEqual(300 * 1024);
    expect(built.exports).toEqual(
      [
        'getSidebarState',
        'menuCoverage',
        'menuInitSheets',
        'menuRefresh',
        'menuSettings',
        'menuSync',
        'menuValidate',
        'onEdit',
        'onInstall',
        'onOpen',
        'saveSettings',
        'showSidebar',
        'sidebarHistory',
        'sidebarRefresh',
        'sidebarSync',
        'sidebarValidate',
        'syncInBackground',
      ].sort(),
    );
    expect(env.globals().sort()).toEqual([...built.exports].sort());
    const code = readFileSync(join(ADDON_DIR, 'Code.js'), 'utf8');
    expect(code).not.toMatch(/\brequire\(|process\.env|\bBuffer\.|new TextEncoder|setTimeout\(/);
  });

  it('ships a V8 manifest in Asia/Shanghai with the narrow scopes', () => {
    const m = JSON.parse(readFileSync(join(ADDON_DIR, 'appsscript.json'), 'utf8'));
    expect(m.runtimeVersion).toBe('V8');
    expect(m.timeZone).toBe('Asia/Shanghai');
    expect(m.oauthScopes.sort()).toEqual(
      [
        'https://www.googleapis.com/auth/spreadsheets.currentonly',
        'https://www.googleapis.com/auth/script.external_request',
        'https://www.googleapis.com/auth/script.container.ui',
        'https://www.googleapis.com/auth/script.scriptapp',
        'openid',
        'https://www.googleapis.com/auth/userinfo.email',
      ].sort(),
    );
    expect(readFileSync(join(ADDON_DIR, 'sidebar.html'), 'utf8')).toContain('google.script.run');
  });
});

describe('clasp', () => {
  it('clasp status with the example project file lists exactly the built files (offline)', () => {
    const root = join(ADDON_DIR, '../..');
    const r = spawnSync(join(root, 'node_modules/.bin/clasp'), ['status', '--json', '--project', '.clasp.json.example'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { filesToPush: string[]; untrackedFiles: string[] };
    expect(out.filesToPush.sort()).toEqual(['dist/addon/Code.js', 'dist/addon/appsscript.json', 'dist/addon/sidebar.html']);
  });
});

describe('menu, settings and 初始化本表', () => {
  it('adds the 四保调度 add-on menu whose items call existing globals', () => {
    env.run('onOpen', { authMode: 'NONE' });
    const menu = env.sheets.ui.menus[0];
    expect(menu.items.map((i) => i.caption)).toEqual(['初始化本表', '校验', '立即同步', '刷新状态', '覆盖率看板', '---', '打开侧边栏', '设置']);
    for (const i of menu.items.filter((x) => x.fn)) expect(env.globals()).toContain(i.fn);
  });

  it('stores settings in document properties and installs one hourly trigger', () => {
    setUp();
    expect(env.services.documentProperties.getProperty('sibao.apiUrl')).toBe(api.url);
    expect(env.services.documentProperties.getProperty('sibao.workClass')).toBe('industry');
    expect(env.services.triggers).toHaveLength(1);
    expect(env.services.triggers[0]).toMatchObject({ handler: 'syncInBackground', everyHours: 1, sourceId: env.ss.id });
    env.sheets.ui.answers.push(['OK', api.url], ['OK', '工业生产专班']);
    env.run('menuSettings');
    expect(env.services.triggers).toHaveLength(1);
  });

  it('rejects a bad class or URL with a Chinese message', () => {
    const bad = env.run<{ ok: boolean; message: string }>('saveSettings', api.url, 'nonsense');
    expect(bad.ok).toBe(false);
    expect(bad.message).toContain('工作专班「nonsense」无效');
    const insecure = env.run<{ ok: boolean; message: string }>('saveSettings', 'http://api.county.example', 'industry');
    expect(insecure.message).toContain('https://');
  });

  it('creates the class tabs with exact headers, notes, dropdowns, protection and hidden sync columns', () => {
    setUp();
    expect(env.ss.sheets.map((s) => s.name)).toEqual(['白名单', '领域总量', '问题诉求', '政策清单', '政策咨询员', '停产停工']);
    const wl = sheet('白名单');
    expect(wl.headers()).toEqual([...KINDS.whitelist.headers, '_版本', '_同步', '_标识']);
    expect(wl.frozenRows).toBe(1);
    expect(wl.noteAt(1, '统一社会信用代码')).toContain('必填');
    const statusCol = wl.headers().indexOf('状态') + 1;
    const rule = wl.range(5, statusCol).getDataValidation() as unknown as { values: string[]; allowInvalid: boolean };
    expect(rule.values).toEqual([...WHITELIST_STATUSES]);
    expect(wl.isColumnHiddenByUser(wl.headers().indexOf('_版本') + 1)).toBe(true);
    expect(wl.isColumnHiddenByUser(wl.headers().indexOf('_同步') + 1)).toBe(true);
    expect(wl.isColumnHiddenByUser(wl.headers().indexOf('_标识') + 1)).toBe(true);

    const issues = sheet('问题诉求');
    // Input columns first, then every product-owned column in one block (one write-back per sync).
    expect(issues.headers()).toEqual(ISSUE_TEMPLATE);
    expect(issues.headers().slice(0, 2)).toEqual(['反映企业代码', '企业名称']);
    const prot = issues.protections.map((p) => ({ a1: p.getRange().getA1Notation(), warn: p.warningOnly }));
    // 编号, 责任单位…升级情况, 处理说明, _版本, _同步, _标识 (O…Z): one warning-only protected range.
    expect(prot).toEqual([{ a1: 'O1:Z1000', warn: true }]);
    // Idempotent: running again neither duplicates columns nor protections.
    env.run('menuInitSheets');
    expect(issues.headers()).toEqual(ISSUE_TEMPLATE);
    expect(issues.protections).toHaveLength(1);
  });

  it('keeps existing columns and their order, appending the missing ones', () => {
    const s = env.ss.addSheet('白名单');
    s.type(1, 1, '名称');
    s.type(1, 2, '自定义列');
    setUp();
    expect(s.headers().slice(0, 3)).toEqual(['名称', '自定义列', '统一社会信用代码']);
  });
});

describe('onEdit and 校验', () => {
  it('validates only the edited row: red fill + Chinese note, dirty mark; cleared when fixed', () => {
    setUp();
    const wl = sheet('白名单');
    wl.type(2, 17, '这是用户自己的备注'); // a user's note-free cell; and a user note elsewhere:
    wl.notes.set('2,11', '用户批注');
    env.log.reset();
    typeAndEdit(wl, 2, { ...whitelistRow(1), 统一社会信用代码: '91410222MA00000010', 联系电话: '12345' });
    expect(wl.backgroundAt(2, '统一社会信用代码')).toBe(ERROR_FILL);
    expect(wl.noteAt(2, '统一社会信用代码')).toMatch(new RegExp(`^${NOTE_PREFIX}.*校验位错误`));
    expect(wl.noteAt(2, '联系电话')).toContain('不是有效电话号码');
    expect(wl.cell(2, '_同步')).toBe('待同步');
    expect(wl.noteAt(2, '联系人')).toBe('用户批注');
    // Constant, batched: no per-cell calls.
    expect(env.log.sum('Range.setValue', 'Range.setNote', 'Range.setBackground', 'Range.getValue')).toBe(0);
    // A constant handful: event range → sheet + name, header and row in one read, notes, marks
    // (getBackgrounds, setBackgrounds, setNotes), one getRange + setValues for _同步.
    expect(env.log.service('SpreadsheetApp')).toBeLessThanOrEqual(10);

    typeAndEdit(wl, 2, whitelistRow(1));
    expect(wl.backgroundAt(2, '统一社会信用代码')).toBe('#ffffff');
    expect(wl.noteAt(2, '统一社会信用代码')).toBe('');
    expect(wl.noteAt(2, '联系人')).toBe('用户批注');
  });

  it('ignores edits when the add-on is not enabled in the document (AuthMode.NONE)', () => {
    setUp();
    const wl = sheet('白名单');
    wl.typeRow(2, { ...whitelistRow(1), 联系电话: 'x' });
    env.run('onEdit', { authMode: 'NONE', range: wl.range(2, 1), source: env.ss.wrapped });
    expect(wl.noteAt(2, '联系电话')).toBe('');
  });

  it('校验 marks every bad row of every tab and reports counts in Chinese', () => {
    setUp();
    const wl = sheet('白名单');
    wl.typeRow(2, whitelistRow(1));
    wl.typeRow(3, { ...whitelistRow(2), 状态: '已移出' });
    wl.typeRow(4, { ...whitelistRow(3), 所属领域: '商贸流通' });
    const iss = sheet('问题诉求');
    iss.typeRow(2, issueRow(9, { 问题类别: '不存在的类别' }));
    env.run('menuValidate');
    const alert = env.sheets.ui.alerts.at(-1)!;
    expect(alert.message).toContain('4 行中 3 行有误');
    expect(wl.noteAt(3, '移出日期')).toContain('必填');
    expect(wl.noteAt(4, '所属领域')).toContain('工业生产');
    expect(iss.noteAt(2, '问题类别')).toContain('无效');
    expect(wl.noteAt(2, '统一社会信用代码')).toBe('');
  });
});

describe('立即同步', () => {
  it('posts dirty rows with the bearer token and writes back system columns, version and state in batches', async () => {
    setUp();
    await api.control({ clearLog: true });
    const wl = sheet('白名单');
    const iss = sheet('问题诉求');
    for (let i = 0; i < 3; i++) typeAndEdit(wl, 2 + i, whitelistRow(i + 1));
    typeAndEdit(iss, 2, issueRow(1));
    env.log.reset();
    env.run('menuSync');
    expect(env.ss.toasts.at(-1)?.message).toContain('提交 4 行，成功 4 行');
    const reqs = (await api.requests()).filter((r) => r.path === '/v1/sync');
    expect(reqs.map((r) => [r.kind, r.rows, r.auth])).toEqual([
      ['whitelist', 3, `Bearer ${TOKEN}`],
      ['issue', 1, `Bearer ${TOKEN}`],
    ]);
    const body = JSON.parse(reqs[0].body!);
    expect(body).toMatchObject({ spreadsheetId: env.ss.id, workClass: 'industry', kind: 'whitelist' });
    expect(body.rows[0].row).toBe(2);
    // Dates leave the sheet as the Shanghai calendar day, not a UTC instant.
    expect(body.rows[0].values['纳入日期']).toBe('2022-06-10');
    expect(iss.cell(2, '编号')).toBe('WT-20220610-004');
    expect(iss.cell(2, '状态')).toBe('已交办');
    expect(iss.cell(2, '_版本')).toBe(1);
    expect(iss.cell(2, '_同步')).toBe('已同步');
    expect(wl.cell(4, '_同步')).toBe('已同步');
    // Write-back is batched: per tab one read, one setValues per block of product-owned columns.
    expect(env.log.method('Range.getValues')).toBe(6); // one read per class tab (6 tabs, 停产停工 included)
    expect(env.log.sum('Range.setValue', 'Range.setNote', 'Range.setBackground')).toBe(0);
    // whitelist: _版本 _同步; issue: 编号…升级情况 _版本 _同步 — one block each in the template layout.
    expect(env.log.method('Range.setValues')).toBe(2);

    // Nothing dirty: no request at all.
    env.run('menuSync');
    expect(env.ss.toasts.at(-1)?.message).toContain('没有需要同步的行');
    expect(env.services.fetches.filter((f) => f.url.endsWith('/v1/sync'))).toHaveLength(2);

    // An edit sends that row again with its version.
    typeAndEdit(wl, 3, { ...whitelistRow(2), 员工人数: 99 });
    env.run('menuSync');
    const last = JSON.parse((await api.requests()).filter((r) => r.path === '/v1/sync').at(-1)!.body!);
    expect(last.rows).toHaveLength(1);
    expect(last.rows[0]).toMatchObject({ row: 3, version: 1 });
    expect(wl.cell(3, '_版本')).toBe(2);
  });

  it('does not send locally invalid rows and marks server rejections', async () => {
    setUp();
    await api.control({ clearLog: true });
    const wl = sheet('白名单');
    typeAndEdit(wl, 2, whitelistRow(1));
    typeAndEdit(wl, 3, { ...whitelistRow(2), '产值或投资额（万元）': 'abc' });
    typeAndEdit(wl, 4, { ...whitelistRow(3), 备注: '请复核 #reject' });
    env.run('menuSync');
    const sent = JSON.parse((await api.requests()).filter((r) => r.path === '/v1/sync')[0].body!);
    expect(sent.rows.map((r: { row: number }) => r.row)).toEqual([2, 4]);
    expect(wl.cell(2, '_同步')).toBe('已同步');
    expect(wl.cell(3, '_同步')).toBe('待同步');
    expect(wl.noteAt(3, '产值或投资额（万元）')).toContain('应为数字');
    expect(wl.cell(4, '_同步')).toBe('未通过');
    expect(wl.backgroundAt(4, '备注')).toBe(ERROR_FILL);
    expect(wl.noteAt(4, '备注')).toContain('服务器复核未通过');
    expect(env.sheets.ui.alerts.at(-1)?.message).toContain('1 行本地校验未通过');
  });

  it.each([
    [401, '身份验证失败（401）'],
    [403, '没有权限（403）'],
    [409, '版本冲突（409）'],
    [500, '服务器暂时不可用（500）'],
  ])('HTTP %i becomes a clear Chinese message and the batch keeps its dirty marks', async (status, text) => {
    setUp();
    const wl = sheet('白名单');
    typeAndEdit(wl, 2, whitelistRow(1));
    if (status === 401) env.services.setIdentityToken('expired-token');
    else await api.control({ failNext: [status] });
    env.run('menuSync');
    expect(env.sheets.ui.alerts.at(-1)?.message).toContain(text);
    expect(wl.cell(2, '_同步')).toBe('待同步');
    expect(wl.cell(2, '_版本')).toBe('');
    // The next sync, with the fault gone, succeeds.
    env.services.setIdentityToken(TOKEN);
    env.run('menuSync');
    expect(wl.cell(2, '_同步')).toBe('已同步');
  });

  it('413 for an oversized batch is reported and nothing is lost', async () => {
    setUp();
    const wl = sheet('白名单');
    typeAndEdit(wl, 2, whitelistRow(1));
    await api.control({ maxBytes: 100 });
    env.run('menuSync');
    expect(env.sheets.ui.alerts.at(-1)?.message).toContain('数据过大（413）');
    expect(wl.cell(2, '_同步')).toBe('待同步');
    await api.control({ maxBytes: 6 * 1024 * 1024 });
  });

  it('without an identity token nothing is sent', async () => {
    setUp();
    typeAndEdit(sheet('白名单'), 2, whitelistRow(1));
    env.services.setIdentityToken(null);
    const before = env.services.fetches.length;
    env.run('menuSync');
    expect(env.sheets.ui.alerts.at(-1)?.message).toContain('身份令牌');
    expect(env.services.fetches.length).toBe(before);
  });

  it('waits for another sync holding the document lock instead of racing it', () => {
    setUp();
    typeAndEdit(sheet('白名单'), 2, whitelistRow(1));
    env.services.documentLock.heldElsewhere = true;
    env.run('menuSync');
    expect(env.sheets.ui.alerts.at(-1)?.message).toContain('另一次同步正在进行');
    expect(sheet('白名单').cell(2, '_同步')).toBe('待同步');
  });

  it('writes a formula-looking server value back as text, never as a formula', () => {
    setUp();
    const iss = sheet('问题诉求');
    typeAndEdit(iss, 2, issueRow(1, { 问题描述: '请协调 #formula' }));
    env.run('menuSync');
    expect(iss.cell(2, '办理结果')).toBe('=HYPERLINK("http://attacker.example","点我")');
    expect(iss.formulas.size).toBe(0);
  });

  it('splits 1,200 rows into ⌈1200/500⌉ = 3 requests of ≤ 500 rows', async () => {
    setUp();
    await api.control({ clearLog: true });
    const wl = sheet('白名单');
    for (let i = 0; i < 1200; i++) wl.typeRow(2 + i, whitelistRow(i + 1));
    env.run('menuSync');
    const reqs = (await api.requests()).filter((r) => r.path === '/v1/sync');
    expect(reqs.map((r) => r.rows)).toEqual([500, 500, 200]);
    expect(wl.cell(1201, '_同步')).toBe('已同步');
  });

  it('runs in the background from the hourly trigger without an active spreadsheet', () => {
    setUp();
    typeAndEdit(sheet('白名单'), 2, whitelistRow(1));
    env.sheets.setActive(null);
    env.run('syncInBackground', { triggerUid: env.services.triggers[0].uid, authMode: 'FULL' });
    expect(sheet('白名单').cell(2, '_同步')).toBe('已同步');
    const last = JSON.parse(env.services.documentProperties.getProperty('sibao.lastSync')!);
    expect(last).toMatchObject({ ok: true, background: true, accepted: 1 });
  });
});

describe('刷新状态, 覆盖率看板 and the sidebar', () => {
  it('pulls issue status back into the system columns', async () => {
    setUp();
    const iss = sheet('问题诉求');
    typeAndEdit(iss, 2, issueRow(1));
    env.run('menuSync');
    const id = String(iss.cell(2, '编号'));
    await api.control({ overdue: [id] });
    env.run('menuRefresh');
    expect(iss.cell(2, '状态')).toBe('办理中');
    expect(iss.cell(2, '升级情况')).toBe('逾期，已升级 1 级');
    expect(env.ss.toasts.at(-1)?.message).toContain('已刷新 1 条');
  });

  it('reads the issues page by page (limit + cursor, until next is null); one call when they fit a page or the server has no pages', async () => {
    setUp();
    const iss = sheet('问题诉求');
    for (let i = 0; i < 5; i++) typeAndEdit(iss, 2 + i, issueRow(i + 1));
    env.run('menuSync');
    const ids = [2, 3, 4, 5, 6].map((r) => String(iss.cell(r, '编号')));
    await api.control({ overdue: [ids[0], ids[4]], pageCap: 2, clearLog: true });
    env.run('menuRefresh');
    expect(iss.cell(2, '升级情况')).toBe('逾期，已升级 1 级');
    expect(iss.cell(6, '升级情况')).toBe('逾期，已升级 1 级');
    expect(iss.cell(3, '升级情况')).toBe('');
    expect(env.ss.toasts.at(-1)?.message).toContain('已刷新 5 条');
    const reads = (await api.requests()).filter((r) => r.path === '/v1/issues');
    expect(reads.map((r) => r.query)).toEqual(['?limit=500', '?limit=500&cursor=2', '?limit=500&cursor=4']);
    await api.control({ pageCap: null, clearLog: true });
    env.run('menuRefresh');
    expect((await api.requests()).filter((r) => r.path === '/v1/issues')).toHaveLength(1);
    await api.control({ pageCap: 2, legacyIssues: true, clearLog: true });
    env.run('menuRefresh');
    expect((await api.requests()).filter((r) => r.path === '/v1/issues')).toHaveLength(1);
    expect(env.ss.toasts.at(-1)?.message).toContain('已刷新 5 条');
  });

  it('builds the coverage tab with a native chart', () => {
    const wl = syncedWhitelist(4);
    env.run('menuCoverage');
    const board = sheet('覆盖率看板');
    expect(board.headers()[0]).toBe('所属领域');
    expect(board.cell(2, '所属领域')).toBe('工业生产');
    expect(board.cell(2, '已纳入（万元）')).toBe(101 + 102 + 103 + 104);
    expect(board.cell(3, '说明')).toBe('缺少领域总量');
    expect(board.charts).toHaveLength(1);
    expect(board.charts[0]).toMatchObject({ type: 'COLUMN', ranges: ['A1:A6', 'D1:E6'] });
    env.run('menuCoverage');
    expect(board.charts).toHaveLength(1);
  });

  it('shows the sidebar and gives it validation results and sync state', () => {
    setUp();
    const wl = sheet('白名单');
    typeAndEdit(wl, 2, whitelistRow(1));
    typeAndEdit(wl, 3, { ...whitelistRow(2), 联系电话: '123' });
    env.run('showSidebar');
    expect(env.sheets.ui.sidebars[0].title).toBe('四保调度');
    expect(env.sheets.ui.sidebars[0].content).toContain('立即同步');
    const { result, state } = env.run<{ result: { message: string }; state: { tabs: { tab: string; rows: number; synced: number; pending: number }[]; problems: { row: number; column: string }[] } }>('sidebarSync');
    expect(result.message).toContain('成功 1 行');
    expect(state.tabs.find((t) => t.tab === '白名单')).toMatchObject({ rows: 2, synced: 1, pending: 1 });
    expect(state.problems).toEqual([expect.objectContaining({ row: 3, column: '联系电话' })]);
    expect(uscc(1)).toHaveLength(18);
  });
});

/**
 * After an onEdit of 白名单 row `edited` with a bad 联系电话: that row noted and 待同步; row
 * `untouched.note` has no note there and row `untouched.sync` no _同步 mark. The edit read the sheet
 * values once (Sheet.getSheetValues), `rangeReads` times Range.getValues, and made ≤ 10 calls on the tab.
 */
function expectOnlyEditedMarked(wl: FakeSheet, edited: number, untouched: { note: number; sync: number }, rangeReads: number): void {
  expect(wl.noteAt(edited, '联系电话')).toContain('不是有效电话号码');
  expect(wl.cell(edited, '_同步')).toBe('待同步');
  expect(wl.noteAt(untouched.note, '联系电话')).toBe('');
  expect(wl.cell(untouched.sync, '_同步')).toBe('');
  expect(env.log.method('Sheet.getSheetValues')).toBe(1);
  expect(env.log.method('Range.getValues')).toBe(rangeReads);
  expect(env.log.sheet('白名单')).toBeLessThanOrEqual(10);
}

describe('onEdit reads only what it needs', () => {
  it('works from the range alone when the event carries no row/column properties', () => {
    setUp();
    const wl = sheet('白名单');
    wl.typeRow(2, { ...whitelistRow(1), 联系电话: '12345' });
    env.run('onEdit', { authMode: 'LIMITED', range: wl.range(2, 12), source: env.ss.wrapped });
    expect(wl.noteAt(2, '联系电话')).toContain('不是有效电话号码');
    expect(wl.cell(2, '_同步')).toBe('待同步');
  });

  it('a single cell edited near the top: header and rows in one read, marks on that row only', () => {
    setUp();
    const wl = sheet('白名单');
    wl.typeRow(2, { ...whitelistRow(1), 联系电话: '1' }); // bad, but not edited now: left alone
    wl.typeRow(3, { ...whitelistRow(2), 联系电话: '12345' });
    env.log.reset();
    env.run('onEdit', { authMode: 'LIMITED', range: wl.eventRange(3, 12), source: env.ss.wrapped });
    // Header and rows in one read (no Range.getValues).
    expectOnlyEditedMarked(wl, 3, { note: 2, sync: 2 }, 0);
  });

  it('a paste that includes the header row validates the data rows and leaves the header alone', () => {
    setUp();
    const wl = sheet('白名单');
    const headerNote = wl.noteAt(1, '联系电话');
    wl.typeRow(2, whitelistRow(1));
    wl.typeRow(3, { ...whitelistRow(2), 联系电话: '1' });
    env.run('onEdit', { authMode: 'LIMITED', range: wl.eventRange(1, 1, 3, wl.headers().length), source: env.ss.wrapped });
    expect(wl.noteAt(1, '联系电话')).toBe(headerNote);
    expect(wl.cell(1, '_同步')).toBe('_同步');
    expect(wl.noteAt(3, '联系电话')).toContain(NOTE_PREFIX);
    expect(wl.noteAt(2, '联系电话')).toBe('');
    expect([wl.cell(2, '_同步'), wl.cell(3, '_同步')]).toEqual(['待同步', '待同步']);
  });

  it('an edit far below the header reads the header alone, then only the edited row', () => {
    setUp();
    const wl = sheet('白名单');
    for (let i = 0; i < 600; i++) wl.typeRow(2 + i, whitelistRow(i + 1));
    wl.typeRow(300, { 联系电话: 'bad' }); // above the edit: not read, not marked
    env.log.reset();
    typeAndEdit(wl, 602, { ...whitelistRow(601), 联系电话: '12345' });
    expect(wl.backgroundAt(602, '联系电话')).toBe(ERROR_FILL);
    // One getSheetValues for the header, one getValues on the event's own range (the edited row).
    expectOnlyEditedMarked(wl, 602, { note: 300, sync: 601 }, 1);
  });

  it('a changed message on an already marked cell rewrites the notes only; other fills are kept', () => {
    setUp();
    const wl = sheet('白名单');
    wl.backgrounds.set('2,2', '#00ff00'); // staff highlighted 名称
    typeAndEdit(wl, 2, { ...whitelistRow(1), 统一社会信用代码: '91410222MA00000010' });
    const before = wl.noteAt(2, '统一社会信用代码');
    expect(before).toContain(NOTE_PREFIX);
    env.log.reset();
    typeAndEdit(wl, 2, { ...whitelistRow(1), 统一社会信用代码: '9141' });
    const after = wl.noteAt(2, '统一社会信用代码');
    expect(after).toContain(NOTE_PREFIX);
    expect(after).not.toBe(before);
    expect(wl.backgroundAt(2, '统一社会信用代码')).toBe(ERROR_FILL);
    expect(env.log.sum('Range.getBackgrounds', 'Range.setBackgrounds')).toBe(0);
    expect(env.log.method('Range.setNotes')).toBe(1);
    typeAndEdit(wl, 2, whitelistRow(1));
    expect(wl.backgroundAt(2, '统一社会信用代码')).toBe('#ffffff');
    expect(wl.backgroundAt(2, '名称')).toBe('#00ff00');
  });
});

describe('deletions and headers (SPEC §7.1)', () => {
  it('after rows are deleted, 立即同步 sends one manifest per tab with the ids of the rows left, within ≤ 10 calls per sheet', async () => {
    const wl = syncedWhitelist(4);
    wl.deleteRowByUser(3);
    wl.deleteRowByUser(3);
    await api.control({ clearLog: true, manifestAnswer: { body: { deleted: 2, kept: 2, refused: [] } } });
    env.log.reset();
    env.run('menuSync');
    const manifests = (await api.requests()).filter((r) => r.path === '/v1/sync/manifest');
    // One per tab of the class (this run: nothing else to send).
    expect(manifests.map((r) => r.kind)).toEqual(['whitelist', 'sector_total', 'issue', 'policy', 'consultant', 'shutdown']);
    const body = JSON.parse(manifests[0].body!);
    expect(body).toMatchObject({ spreadsheetId: env.ss.id, workClass: 'industry', kind: 'whitelist' });
    expect(body.confirmDeletions).toBeUndefined();
    // The rows left (1 and 4), by their identity: the natural key (统一社会信用代码).
    expect(body.ids).toEqual([uscc(1), uscc(4)]);
    expect((await api.requests()).filter((r) => r.path === '/v1/sync')).toHaveLength(0);
    expect(env.ss.toasts.at(-1)?.message).toContain('「白名单」删除 2 行');
    for (const tab of ['白名单', '问题诉求']) expect(env.log.sheet(tab), tab).toBeLessThanOrEqual(10);
  });

  it('a misspelled header (联系方式) blocks that tab with the Chinese message; the other tabs sync', async () => {
    setUp();
    const wl = sheet('白名单');
    const iss = sheet('问题诉求');
    typeAndEdit(wl, 2, whitelistRow(1));
    typeAndEdit(iss, 2, issueRow(1));
    wl.type(1, wl.headers().indexOf('联系电话') + 1, '联系方式');
    await api.control({ clearLog: true });
    env.run('menuSync');
    const reqs = await api.requests();
    expect(reqs.filter((r) => r.kind === 'whitelist')).toEqual([]);
    expect(reqs.filter((r) => r.path === '/v1/sync').map((r) => r.kind)).toEqual(['issue']);
    // The header row goes with the rows: the server checks it the same way.
    expect(JSON.parse(reqs.find((r) => r.path === '/v1/sync')!.body!).headers).toEqual(iss.headers());
    const msg = env.sheets.ui.alerts.at(-1)?.message ?? '';
    expect(msg).toContain('「白名单」表头有误，本表未同步');
    expect(msg).toContain('表头「联系方式」不是「白名单」的列，可能是「联系电话」');
    expect(wl.cell(2, '_同步')).not.toBe('已同步');
  });

  it('a refused deletion (issue_in_progress) is reported, and 刷新状态 puts the row back', async () => {
    setUp();
    const iss = sheet('问题诉求');
    typeAndEdit(iss, 2, issueRow(1));
    typeAndEdit(iss, 3, issueRow(2));
    env.run('menuSync');
    const id = String(iss.cell(2, '编号'));
    const description = String(iss.cell(2, '问题描述'));
    iss.deleteRowByUser(2);
    await api.control({ manifestAnswer: { body: { deleted: 0, kept: 2, refused: [{ id, code: 'issue_in_progress', message: `问题 ${id} 已分派，不能删除；刷新状态后该行会恢复` }] } } });
    env.run('menuSync');
    expect(env.ss.toasts.at(-1)?.message).toContain(`问题 ${id} 已分派，不能删除`);
    expect(iss.cell(2, '编号')).not.toBe(id);

    await api.control({ manifestAnswer: { body: { deleted: 0, kept: 2, refused: [] } } });
    env.run('menuRefresh');
    expect(env.ss.toasts.at(-1)?.message).toContain(`已恢复 1 条删除被拒绝的问题行（${id}）`);
    expect(iss.cell(3, '编号')).toBe(id);
    expect(iss.cell(3, '问题描述')).toBe(description);
    expect(iss.cell(3, '_同步')).toBe('已同步');
    // Restored once: a second 刷新状态 adds nothing.
    env.run('menuRefresh');
    expect(iss.cell(4, '编号')).toBe('');
  });
});

describe('the hidden `_标识` column (SPEC §7.8 identity: 编号 → _标识 → natural key → fingerprint)', () => {
  it('holds the server’s id after a sync and goes with the row, so an edit of its key cells updates the same row; a copied id is not reused', async () => {
    const wl = syncedWhitelist(3);
    expect([2, 3, 4].map((r) => wl.cell(r, '_标识'))).toEqual([uscc(1), uscc(2), uscc(3)]);
    // The first sync sent no `_标识` (there was none yet).
    const first = JSON.parse((await api.requests()).filter((r) => r.path === '/v1/sync')[0].body!);
    expect(first.rows.map((r: { values: Record<string, unknown> }) => r.values._标识)).toEqual([undefined, undefined, undefined]);

    // Row 3's 统一社会信用代码 corrected (its natural key changes); row 5 pasted as a copy of row 2, hidden cells included.
    await api.control({ clearLog: true });
    typeAndEdit(wl, 3, { 统一社会信用代码: uscc(12) });
    typeAndEdit(wl, 5, { ...whitelistRow(5), _标识: uscc(1) });
    env.log.reset();
    env.run('menuSync');
    const reqs = await api.requests();
    const sent = JSON.parse(reqs.find((r) => r.path === '/v1/sync')!.body!).rows as { row: number; values: Record<string, unknown> }[];
    expect(sent.map((r) => [r.row, r.values.统一社会信用代码, r.values._标识])).toEqual([
      [3, uscc(12), uscc(2)],
      [5, uscc(5), undefined],
    ]);
    // The manifest lists the rows by their ids: row 3 still by the id it was stored under.
    const manifest = JSON.parse(reqs.find((r) => r.path === '/v1/sync/manifest' && r.kind === 'whitelist')!.body!);
    expect(manifest.ids).toEqual([uscc(1), uscc(2), uscc(3), uscc(5)]);
    expect(wl.cell(5, '_标识')).toBe(uscc(5));
    expect(wl.cell(3, '_标识')).toBe(uscc(2));
    // Still batched: the id goes back with the version and state, one setValues for the tab.
    expect(env.log.method('Range.setValues')).toBe(1);
    expect(env.log.sheet('白名单')).toBeLessThanOrEqual(10);
  });
});

describe('a mass deletion refused by the server (409 mass_delete) is put to the user', () => {
  const refused = { status: 409, body: { error: { code: 'mass_delete', message: '超过删除上限' }, live: 8, wouldDelete: 7, deleted: 0, kept: 8, refused: [] } };

  async function eightRowsThenSeven(answer: 'YES' | 'NO') {
    const wl = syncedWhitelist(8);
    for (let i = 0; i < 7; i++) wl.deleteRowByUser(3);
    await api.control({ clearLog: true, manifestAnswer: { kind: 'whitelist', ...refused, confirmed: { deleted: 7, kept: 1, refused: [] } } });
    env.sheets.ui.alertAnswers.push(answer);
    const alertsBefore = env.sheets.ui.alerts.length;
    env.run('menuSync');
    const asked = env.sheets.ui.alerts.slice(alertsBefore);
    const manifests = (await api.requests()).filter((r) => r.path === '/v1/sync/manifest' && r.kind === 'whitelist').map((r) => JSON.parse(r.body!));
    return { asked, manifests };
  }

  it('yes: the question names the tab and the count, the manifest is sent again with confirmDeletions', async () => {
    const { asked, manifests } = await eightRowsThenSeven('YES');
    expect(asked).toHaveLength(1);
    expect(asked[0].message).toContain('「白名单」中有 7 行已不在表格中（服务器现有 8 行）');
    expect(asked[0].message).toContain('确认删除这 7 行吗');
    expect(manifests).toHaveLength(2);
    expect(manifests[0].confirmDeletions).toBeUndefined();
    expect(manifests[1]).toMatchObject({ kind: 'whitelist', confirmDeletions: true, ids: [uscc(1)] });
    expect(env.ss.toasts.at(-1)?.message).toContain('「白名单」删除 7 行');
  });

  it('no: nothing is resent or deleted, and the sidebar says so', async () => {
    const { asked, manifests } = await eightRowsThenSeven('NO');
    expect(asked).toHaveLength(1);
    expect(manifests).toHaveLength(1);
    expect(manifests[0].confirmDeletions).toBeUndefined();
    const state = env.run<{ lastSync: { message: string } | null }>('getSidebarState');
    expect(state.lastSync?.message).toContain('「白名单」未删除任何行：您选择了不删除，服务器上不在表格中的 7 行仍保留');
    expect(state.lastSync?.message).not.toContain('删除 7 行（');
  });

  it('the hourly background sync asks no one and deletes nothing', async () => {
    const wl = syncedWhitelist(8);
    for (let i = 0; i < 7; i++) wl.deleteRowByUser(3);
    await api.control({ clearLog: true, manifestAnswer: { kind: 'whitelist', ...refused, confirmed: { deleted: 7, kept: 1, refused: [] } } });
    const alertsBefore = env.sheets.ui.alerts.length;
    env.sheets.setActive(null);
    env.run('syncInBackground', { triggerUid: env.services.triggers[0].uid, authMode: 'FULL' });
    expect(env.sheets.ui.alerts.length).toBe(alertsBefore);
    const manifests = (await api.requests()).filter((r) => r.path === '/v1/sync/manifest' && r.kind === 'whitelist');
    expect(manifests).toHaveLength(1);
    const last = JSON.parse(env.services.documentProperties.getProperty('sibao.lastSync')!);
    expect(last.message).toContain('「白名单」未删除任何行：有 7 行已不在表格中，数量较多，需在菜单「立即同步」中确认后才会删除');
  });
});

describe('the sidebar shows the selected row’s history', () => {
  it('asks GET /v1/history with the row’s identity and returns the entries, newest first', async () => {
    setUp();
    const wl = sheet('白名单');
    typeAndEdit(wl, 2, whitelistRow(1));
    typeAndEdit(wl, 3, whitelistRow(2));
    env.run('menuSync');
    await api.control({ clearLog: true });
    env.ss.select(wl, 3, 4);
    env.log.reset();
    const h = env.run('sidebarHistory') as { ok: boolean; message: string; entries: { op: string; by: string }[] };
    expect(h.ok).toBe(true);
    expect(h.message).toContain('「白名单」第 3 行的历史');
    expect(h.entries.map((e) => e.op)).toEqual(['update', 'create']);
    const [req] = (await api.requests()).filter((r) => r.path === '/v1/history');
    expect(req.auth).toBe(`Bearer ${TOKEN}`);
    expect((req as { key?: string }).key).toBe(uscc(2));
    expect(env.log.sheet('白名单')).toBeLessThanOrEqual(10);

    env.ss.select(wl, 9);
    expect((env.run('sidebarHistory') as { message: string }).message).toContain('第 9 行是空行');
  });
});

describe('spreadsheet service calls per sheet (counts, not times)', () => {
  it.each<Layout>(['whitelist', 'issue'])(
    '%s: every path (onEdit paste, sync, 校验, 刷新状态, with and without mark changes) stays ≤ 10 calls per sheet at 2,000 rows',
    async (layout) => {
      const r = await measurePaths(env, api, layout, 2000);
      const measured = PATHS.filter((p) => r.calls[p] !== undefined);
      expect(measured).toEqual(layout === 'issue' ? [...PATHS] : PATHS.filter((p) => p !== '刷新状态'));
      for (const p of measured) expect(r.calls[p], `${layout} ${p}`).toBeLessThanOrEqual(10);
      // UrlFetch = ⌈rows/500⌉; the second block's invalid tenth is not sent.
      expect(r.fetches).toEqual({ sync: 4, syncSent: 2000, marks: 4, marksSent: 1800 });
    },
    120_000,
  );

  it.each([
    ['the 初始化本表 layout', false, 1],
    ['a tab made by hand with 编号 in column A', true, 2],
  ] as const)('%s: write-back never covers input columns, so staff typing during the sync is kept', (_name, handMade, blocks) => {
    if (handMade) {
      const s = env.ss.addSheet('问题诉求');
      [...KINDS.issue.headers, '_版本', '_同步'].forEach((h, c) => s.type(1, c + 1, h));
    }
    setUp();
    const iss = sheet('问题诉求');
    // 初始化本表 appends the missing `_标识` after the hand-made columns.
    expect(iss.headers()).toEqual(handMade ? [...KINDS.issue.headers, '_版本', '_同步', '_标识'] : ISSUE_TEMPLATE);
    typeAndEdit(iss, 2, issueRow(1));
    typeAndEdit(iss, 3, issueRow(2));
    // While the request is in flight, a colleague edits an input column of a row being synced.
    env.services.duringFetch = () => iss.typeRow(2, { 企业名称: '同步期间修改的名称', 联系电话: '13900000000' });
    env.log.reset();
    env.run('menuSync');
    env.services.duringFetch = null;
    expect(iss.cell(2, '企业名称')).toBe('同步期间修改的名称');
    expect(iss.cell(2, '联系电话')).toBe(13900000000);
    expect(iss.cell(2, '编号')).toMatch(/^WT-/);
    expect(iss.cell(3, '编号')).toMatch(/^WT-/);
    expect(iss.cell(2, '状态')).toBe('已交办');
    expect(iss.cell(2, '_同步')).toBe('已同步');
    expect(env.log.method('Range.setValues')).toBe(blocks);
    expect(env.log.sheet('问题诉求')).toBe(5 + 2 * blocks - 1);
  });
});
