// End to end on the REAL local stack (local/stack.ts in a child process: API handler, dynalite,
// SES emulator, dispatcher) with the BUILT add-on in a bare vm: sheet → add-on → POST /v1/sync →
// store → routing → outbox → SES emulator, and system columns back into the sheet.
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { contentIdentity } from '../../domain/rows/identity.js';
import { KINDS } from '../../domain/rows/kinds.js';
import type { GasEnv } from './fakes/gas-env.js';
import type { StackProcess } from './fakes/stack.js';
import type { FakeSheet } from './fakes/spreadsheet.js';
import { typeAndEdit as typeRowAndEdit, useAddonOnStack } from './stack-harness.js';
import { issueRow, uscc, whitelistRow } from './rows.js';
import { enterpriseLink } from '../../functions/usecases/link-token.js';

const EDITOR = 'industry-editor@tongxu.example';
let stack: StackProcess;
let env: GasEnv;

interface Mail {
  subject: string;
  destination: { to: string[]; cc?: string[] };
  body: { text?: string; html?: string };
}

async function mails(): Promise<Mail[]> {
  const r = await fetch(`${stack.sesEndpoint}/store`);
  return ((await r.json()) as { emails: Mail[] }).emails;
}

async function waitForMail(match: (m: Mail) => boolean, timeoutMs = 20_000): Promise<Mail[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = (await mails()).filter(match);
    if (found.length > 0 || Date.now() > until) return found;
    await new Promise((r) => setTimeout(r, 250));
  }
}

const typeAndEdit = (s: FakeSheet, row: number, values: Record<string, unknown>) => typeRowAndEdit(env, s, row, values);

const on = useAddonOnStack({ spreadsheet: 'e2e-industry', as: EDITOR, workClass: 'industry', prepare: (env) => env.run('menuInitSheets') });
beforeEach(() => {
  ({ stack, env } = on);
});

describe('add-on on the real local stack', () => {
  it('syncs a whitelist row and an issue, routes it, mails the unit and writes the system columns back', async () => {
    expect(stack.seeded.rejected).toBe(0);
    const wl = env.ss.sheet('白名单')!;
    const iss = env.ss.sheet('问题诉求')!;
    typeAndEdit(wl, 2, { ...whitelistRow(1), 所在乡镇: '玉皇庙镇', 纳入日期: '2022-06-01', '产值或投资额（万元）': 2500 });
    typeAndEdit(iss, 2, issueRow(1, { 所在乡镇: '玉皇庙镇', 反映日期: '2022-06-06', 问题描述: '原料运输车辆通行证办理缓慢，影响开工' }));
    expect(iss.noteAt(2, '问题描述')).toBe('');

    env.run('menuSync');
    expect(env.sheets.ui.alerts).toEqual([]);
    expect(env.ss.toasts.at(-1)?.message).toContain('成功 2 行');
    const id = String(iss.cell(2, '编号'));
    expect(id).toMatch(/^WT-\d{8}-\d{3}$/);
    expect(iss.cell(2, '状态')).toBe('已交办');
    expect(String(iss.cell(2, '责任单位'))).not.toBe('');
    expect(iss.cell(2, '_同步')).toBe('已同步');
    expect(typeof iss.cell(2, '_版本')).toBe('number');
    expect(wl.cell(2, '_同步')).toBe('已同步');

    // The dispatcher sends the assignment email through the SES emulator.
    const sent = await waitForMail((m) => `${m.subject}\n${m.body.text ?? ''}`.includes(id));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent[0].destination.to.join(',')).toMatch(/@tongxu\.example/);

    // Same content again (a re-send after a lost answer): same version, no second email.
    const version = iss.cell(2, '_版本');
    iss.typeRow(2, { _同步: '待同步' });
    env.run('menuSync');
    expect(iss.cell(2, '_版本')).toBe(version);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await mails()).filter((m) => `${m.subject}\n${m.body.text ?? ''}`.includes(id))).toHaveLength(sent.length);

    // 刷新状态 pulls the server's view: the same cells the sync wrote (the unit's name, not its code),
    // so nothing in the tab is written again; 覆盖率看板 reads GET /v1/coverage.
    const unit = iss.cell(2, '责任单位');
    expect(String(unit)).toMatch(/[\u4e00-\u9fff]/);
    env.log.reset();
    env.run('menuRefresh');
    expect(env.ss.toasts.at(-1)?.message).toMatch(/已刷新 1 条/);
    expect(iss.cell(2, '状态')).toBe('已交办');
    expect(iss.cell(2, '责任单位')).toBe(unit);
    expect(env.log.sheetMethod(KINDS.issue.tab, 'Range.setValues')).toBe(0);
    env.run('menuCoverage');
    const board = env.ss.sheet('覆盖率看板')!;
    const rows = [2, 3, 4, 5, 6].map((r) => [board.cell(r, '所属领域'), board.cell(r, '已纳入（万元）')]);
    expect(rows).toContainEqual(['工业生产', 2500]);
    expect(board.charts).toHaveLength(1);
  });

  it('刷新状态 appends the issues enterprises reported on their page (来源 企业自报) to the class’s tab, once by 编号, as text', async () => {
    const wl = env.ss.sheet('白名单')!;
    const iss = env.ss.sheet('问题诉求')!;
    const code = uscc(31);
    const email = 'contact31@enterprise.example';
    typeAndEdit(wl, 2, { ...whitelistRow(31), 统一社会信用代码: code, 所在乡镇: '玉皇庙镇', 联系邮箱: email });
    typeAndEdit(iss, 2, issueRow(32, { 所在乡镇: '玉皇庙镇', 反映日期: '2022-06-06' }));
    env.run('menuSync');
    expect(wl.cell(2, '_同步')).toBe('已同步');
    const typed = String(iss.cell(2, '编号'));

    // The enterprise reports two problems through its own page (a form POST, as its browser sends it).
    const page = enterpriseLink(stack.apiUrl, code, email, [stack.actionSecret], Date.now());
    const hostile = '=HYPERLINK("http://attacker.example","点我") 厂区道路施工，原料车辆进不来';
    const ids: string[] = [];
    for (const [category, description] of [['原料采购', hostile], ['用工需求', '缺少熟练焊工 20 名，希望协调职业院校']]) {
      const res = await fetch(page, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: stack.apiUrl }, body: new URLSearchParams({ category, description, urgency: '一般' }) });
      expect(res.status).toBe(201);
      ids.push(/编号 (WT-\d{8}-\d{3})/.exec(await res.text())![1]);
    }

    env.run('menuRefresh');
    expect(env.ss.toasts.at(-1)?.message).toContain('新增企业自报问题 2 条');
    const ROWS = [2, 3, 4, 5, 6, 7, 8];
    const rowOf = (id: string) => ROWS.find((r) => iss.cell(r, '编号') === id);
    expect(rowOf(typed)).toBe(2);
    // Below the tab's rows (and any row 刷新状态 restored after a refused deletion: the class's
    // manifest covers its issues in every spreadsheet), in the order they were reported.
    const [r1, r2] = ids.map(rowOf);
    expect(r1).toBeGreaterThan(2);
    expect(r2).toBe(r1! + 1);
    expect(iss.cell(r2! + 1, '编号') ?? '').toBe('');
    expect(iss.cell(r1!, '反映企业代码')).toBe(code);
    expect(iss.cell(r1!, '企业名称')).toBe(whitelistRow(31).名称);
    expect(iss.cell(r1!, '问题类别')).toBe('原料采购');
    // A description that looks like a formula is written as text, never as a formula.
    expect(iss.cell(r1!, '问题描述')).toBe(hostile);
    expect(iss.formulas.size).toBe(0);
    expect(iss.cell(r1!, '状态')).toBe('已交办');
    expect(String(iss.cell(r1!, '责任单位'))).not.toBe('');
    expect(iss.cell(r1!, '_同步')).toBe('已同步');
    expect(iss.cell(r2!, '问题类别')).toBe('用工需求');

    // The route lists them for the class only; a bad class is refused in Chinese, a missing bearer 401.
    const reports = async (q: string, auth = true) =>
      fetch(`${stack.apiUrl}/v1/enterprise-reports${q}`, { headers: auth ? { authorization: `Bearer ${stack.tokens[EDITOR]}` } : {} });
    expect(((await (await reports('?workClass=industry')).json()) as { issues: { id: string }[] }).issues.map((i) => i.id)).toEqual(ids);
    expect(((await (await reports('?workClass=commerce')).json()) as { issues: unknown[] }).issues).toEqual([]);
    const bad = await reports('?workClass=nope');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('工作专班');
    expect((await reports('?workClass=industry', false)).status).toBe(401);

    // Once by 编号: a second 刷新状态 appends nothing, and a sync sends none of them back.
    env.run('menuRefresh');
    expect(env.ss.toasts.at(-1)?.message).not.toContain('新增企业自报问题');
    for (const id of ids) expect(ROWS.filter((r) => iss.cell(r, '编号') === id), id).toHaveLength(1);
    expect(iss.cell(r2! + 1, '编号') ?? '').toBe('');
    env.run('menuSync');
    expect(iss.cell(r1!, '_同步')).toBe('已同步');
  });

  it('a stale version is a conflict, reported and not overwritten', () => {
    const wl = env.ss.sheet('白名单')!;
    typeAndEdit(wl, 2, { ...whitelistRow(7), 所在乡镇: '玉皇庙镇' });
    env.run('menuSync');
    expect(wl.cell(2, '_版本')).toBe(1);
    typeAndEdit(wl, 2, { 员工人数: 77 });
    env.run('menuSync');
    expect(wl.cell(2, '_版本')).toBe(2);
    // Someone's copy still carries version 1 (e.g. a restored old sheet) and changes the row again.
    wl.typeRow(2, { _版本: 1 });
    typeAndEdit(wl, 2, { 员工人数: 88 });
    env.run('menuSync');
    expect(wl.cell(2, '_同步')).toBe('冲突');
    expect(wl.cell(2, '_版本')).toBe(1);
    expect(env.sheets.ui.alerts.at(-1)?.message).toContain('退回 1 行');
  });

  it('another class member gets 403 and a wrong token 401, in Chinese, nothing stored', () => {
    const wl = env.ss.sheet('白名单')!;
    typeAndEdit(wl, 2, { ...whitelistRow(2), 统一社会信用代码: uscc(2), 所在乡镇: '玉皇庙镇' });
    env.services.setIdentityToken(stack.tokens['commerce-editor@tongxu.example']);
    env.run('menuSync');
    expect(env.sheets.ui.alerts.at(-1)?.message).toContain('没有权限（403）');
    expect(wl.cell(2, '_同步')).toBe('待同步');
    env.services.setIdentityToken('not-a-token');
    env.run('menuSync');
    expect(env.sheets.ui.alerts.at(-1)?.message).toContain('身份验证失败（401）');
    expect(wl.cell(2, '_同步')).toBe('待同步');
  });
});

describe('停产停工 on the real stack', () => {
  const APPROVER = 'command-approver@tongxu.example';
  it('刷新状态 writes the command office’s decision (状态, 审批意见, 审批时间) into the tab without a sync, in one batched write', async () => {
    const wl = env.ss.sheet('白名单')!;
    const tab = env.ss.sheet(KINDS.shutdown.tab)!;
    typeAndEdit(wl, 2, { ...whitelistRow(51), 统一社会信用代码: uscc(51), 所在乡镇: '玉皇庙镇' });
    typeAndEdit(tab, 2, { 企业代码: uscc(51), 所属领域: '工业生产', 停产范围: '部分', 原因: '疫情', 开始日期: '2022-06-06', 预计恢复日期: '2022-06-08', 报省会商: '否' });
    env.run('menuSync');
    expect(env.sheets.ui.alerts).toEqual([]);
    const id = String(tab.cell(2, '编号'));
    expect(id).toMatch(/^TC-\d{8}-\d{3}$/);
    expect(tab.cell(2, '状态')).toBe('待审批');
    expect(tab.cell(2, '审批时间') ?? '').toBe('');

    // 刷新状态 before the decision: still 待审批 (the class's other tabs catch up here too, e.g. the
    // 企业自报 issues an earlier test left on the shared stack).
    env.run('menuRefresh');
    expect(tab.cell(2, '状态')).toBe('待审批');

    // The command office refuses it over the API (as from its mail link or the 指挥部待办 tab).
    const note = '部分停产理由不充分，请先协调原料供应';
    const res = await fetch(`${stack.apiUrl}/v1/decisions/${id}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.tokens[APPROVER]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ decision: '驳回', note }),
    });
    expect(res.status).toBe(200);

    // 刷新状态 (no sync): the tab has the decision; one read and one setValues for the tab.
    env.log.reset();
    env.run('menuRefresh');
    expect(env.sheets.ui.alerts).toEqual([]);
    expect(env.ss.toasts.at(-1)?.message).toContain('已刷新 1 条停产停工的审批状态');
    expect(tab.cell(2, '状态')).toBe('已驳回');
    expect(tab.cell(2, '审批意见')).toBe(note);
    expect(String(tab.cell(2, '审批时间'))).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(tab.cell(2, '_同步')).toBe('已同步');
    expect(env.log.sheet(KINDS.shutdown.tab)).toBeLessThanOrEqual(10);
    expect(env.log.sheetMethod(KINDS.shutdown.tab, 'Range.setValues')).toBe(1);
    // The same columns the next sync writes back: nothing to change then, nothing written again now.
    env.log.reset();
    env.run('menuRefresh');
    expect(env.log.sheetMethod(KINDS.shutdown.tab, 'Range.setValues')).toBe(0);
    tab.typeRow(2, { _同步: '待同步' });
    env.run('menuSync');
    expect([tab.cell(2, '状态'), tab.cell(2, '审批意见')]).toEqual(['已驳回', note]);

    // The route answers a class its own rows only; a bad class is refused in Chinese.
    const list = async (q: string) => fetch(`${stack.apiUrl}/v1/shutdowns${q}`, { headers: { authorization: `Bearer ${stack.tokens[EDITOR]}` } });
    expect(((await (await list('?workClass=industry')).json()) as { shutdowns: { id: string }[] }).shutdowns.map((x) => x.id)).toContain(id);
    expect(((await (await list('?workClass=commerce')).json()) as { shutdowns: unknown[] }).shutdowns).toEqual([]);
    const bad = await list('?workClass=nope');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('工作专班');
  });
});

describe('the hidden `_标识` on the real stack', () => {
  const COORD = 'coordination-editor@tongxu.example';
  /** The demo's routing rules (examples/profile/路由规则.csv), as staff would paste them. */
  const rules = () => {
    const [head, ...lines] = readFileSync('examples/profile/路由规则.csv', 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    const headers = head.split(',');
    return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [headers[i], v])));
  };
  async function history(key: string): Promise<{ status: number; ops: string[] }> {
    const r = await fetch(`${stack.apiUrl}/v1/history?kind=routing_rule&key=${encodeURIComponent(key)}`, { headers: { authorization: `Bearer ${stack.tokens[COORD]}` } });
    if (r.status !== 200) return { status: r.status, ops: [] };
    return { status: 200, ops: ((await r.json()) as { entries: { op: string }[] }).entries.map((e) => e.op) };
  }

  it('a routing rule edited in the sheet is an update of the same rule: no delete, no create, batched calls', async () => {
    // A coordination sheet with only the 路由规则 tab (the other tabs' manifests would speak for tabs it does not have).
    env.services.setIdentityToken(stack.tokens[COORD]);
    expect(env.run<{ ok: boolean }>('saveSettings', stack.apiUrl, 'coordination').ok).toBe(true);
    const tab = env.ss.addSheet(KINDS.routing_rule.tab);
    [...KINDS.routing_rule.headers, '_版本', '_同步', '_标识'].forEach((h, c) => tab.type(1, c + 1, h));
    const demo = rules();
    demo.forEach((r, i) => typeAndEdit(tab, 2 + i, r));
    env.run('menuSync');
    expect(env.sheets.ui.alerts).toEqual([]);
    // The same rules the profile was seeded with: unchanged, nothing deleted; each row now holds its server id.
    expect(env.ss.toasts.at(-1)?.message).toContain(`成功 ${demo.length} 行`);
    expect(env.ss.toasts.at(-1)?.message).not.toContain('删除');
    const ids = demo.map((_, i) => String(tab.cell(2 + i, '_标识')));
    expect(ids.every((id) => id.startsWith('fp:'))).toBe(true);
    const row = 2 + demo.findIndex((r) => r.优先级 === '20');
    const id = String(tab.cell(row, '_标识'));
    expect((await history(id)).ops).toEqual(['create']);

    // The rule's keywords change: its content would now give another identity…
    typeAndEdit(tab, row, { 关键词: '快递；邮政；寄递；物流园' });
    const edited = contentIdentity('routing_rule', { ...demo[row - 2], 关键词: '快递；邮政；寄递；物流园' }).id;
    expect(edited).not.toBe(id);
    env.log.reset();
    env.run('menuSync');
    expect(env.sheets.ui.alerts).toEqual([]);
    expect(env.ss.toasts.at(-1)?.message).toContain('提交 1 行，成功 1 行');
    expect(env.ss.toasts.at(-1)?.message).not.toContain('删除');
    // …but `_标识` went with it: the same rule updated, no rule created under the new identity, none deleted.
    expect(tab.cell(row, '_标识')).toBe(id);
    expect(tab.cell(row, '_版本')).toBe(2);
    expect((await history(id)).ops).toEqual(['update', 'create']);
    expect((await history(edited)).status).toBe(404);
    for (const other of ids.filter((x) => x !== id)) expect((await history(other)).ops).toEqual(['create']);
    // One read and one write-back for the tab.
    expect(env.log.sheet(KINDS.routing_rule.tab)).toBeLessThanOrEqual(10);
    expect(env.log.method('Range.setValues')).toBe(1);
  }, 60_000);
});
