// 指挥部待办 on the REAL local stack (local/stack.ts in a child process) with the BUILT add-on in a bare
// vm and the fake Sheets services: an 其他 inspection synced from the coordination spreadsheet opens a
// decision; 刷新状态 lists it in the tab; a 决定 typed there is applied on 立即同步 only for a member
// with role 审批 (an 编辑 member gets a Chinese refusal in the sidebar and nothing changes); the
// decision reaches the store (GET /v1/inspections, GET /v1/decisions over HTTP on 127.0.0.1).
import { beforeEach, describe, expect, it } from 'vitest';
import { KINDS, SYSTEM_TABS } from '../../domain/rows/kinds.js';
import type { GasEnv } from './fakes/gas-env.js';
import type { StackProcess } from './fakes/stack.js';
import type { FakeSheet } from './fakes/spreadsheet.js';
import { typeAndEdit as typeRowAndEdit, useAddonOnStack } from './stack-harness.js';
import { enterpriseLink } from '../../functions/usecases/link-token.js';
import { issueRow, uscc, whitelistRow } from './rows.js';

const APPROVER = 'command-approver@tongxu.example';
const EDITOR = 'coordination-editor@tongxu.example';
const INDUSTRY = 'industry-editor@tongxu.example';
const TAB = SYSTEM_TABS.decision_queue.tab;
let stack: StackProcess;
let env: GasEnv;

async function api<T>(path: string, who: string): Promise<{ status: number; body: T }> {
  const r = await fetch(`${stack.apiUrl}${path}`, { headers: { authorization: `Bearer ${stack.tokens[who]}` } });
  return { status: r.status, body: (await r.json()) as T };
}

interface Inspection {
  id: string;
  status: string;
  opinion: string | null;
  decidedBy: string | null;
}

const typeAndEdit = (s: FakeSheet, row: number, values: Record<string, unknown>) => typeRowAndEdit(env, s, row, values);

/** The tab's row of a queue item (by 编号), after 刷新状态. */
function queueRow(tab: FakeSheet, id: string): number {
  let row = -1;
  for (let r = 2; r <= 50; r++) if (String(tab.cell(r, '编号') ?? '') === id) row = r;
  expect(row).toBeGreaterThan(1);
  return row;
}

type SidebarAnswer = { result: { ok: boolean; message: string }; state: unknown };

const on = useAddonOnStack({
  spreadsheet: 'e2e-coordination',
  as: APPROVER,
  workClass: 'coordination',
  prepare(env) {
    // A coordination sheet with only its 检查报备 and 问题诉求 tabs (empty configuration tabs would ask to
    // delete the seeded profile: their manifests speak for every row the class owns).
    for (const kind of ['inspection', 'issue'] as const) {
      const tab = env.ss.addSheet(KINDS[kind].tab);
      [...KINDS[kind].headers, '_版本', '_同步', '_标识'].forEach((h, c) => tab.type(1, c + 1, h));
    }
  },
});
beforeEach(() => {
  ({ stack, env } = on);
});

describe('指挥部待办 tab on the real local stack', () => {
  it('lists an 其他 inspection on 刷新状态; an 编辑 member is refused; a 审批 member’s 批准 on 立即同步 reaches the store', async () => {
    const insp = env.ss.sheet('检查报备')!;
    typeAndEdit(insp, 2, { 发起单位: '县市场监督管理局', 被检查企业代码: uscc(31), 检查事项: '食品经营许可现场核查', 检查类别: '其他', 计划日期: '2022-06-20' });
    env.run('menuSync');
    expect(env.sheets.ui.alerts).toEqual([]);
    const id = String(insp.cell(2, '编号'));
    expect(id).toMatch(/^JC-\d{8}-\d{3}$/);
    expect(insp.cell(2, '状态')).toBe('待审批');

    // 刷新状态 writes the queue into the system tab.
    env.run('menuRefresh');
    const tab = env.ss.sheet(TAB)!;
    expect(tab.headers()).toEqual(expect.arrayContaining([...SYSTEM_TABS.decision_queue.headers]));
    const rowOf = (want: string) => {
      for (let r = 2; r <= 50; r++) if (String(tab.cell(r, '编号') ?? '') === want) return r;
      return -1;
    };
    const row = rowOf(id);
    expect(row).toBeGreaterThan(1);
    expect(tab.cell(row, '事项类型')).toBe('检查报备审批');
    expect(tab.cell(row, '可选决定')).toBe('批准、驳回');
    expect(String(tab.cell(row, '详情'))).toContain('食品经营许可现场核查');

    // An 编辑 member of the command office types a decision: refused in Chinese, nothing applied.
    env.services.setIdentityToken(stack.tokens[EDITOR]);
    tab.typeRow(row, { 决定: '批准', 意见: '同意' });
    const refused = env.run<SidebarAnswer>('sidebarSync');
    expect(refused.result.ok).toBe(false);
    expect(refused.result.message).toContain('只有综合协调专班角色为「审批」的成员可以决定');
    expect(refused.result.message).toContain('未做任何更改');
    expect(String(tab.cell(row, '处理结果') ?? '')).toBe('');
    let queue = await api<{ decisions: { id: string }[] }>('/v1/decisions', APPROVER);
    expect(queue.body.decisions.map((d) => d.id)).toContain(id);
    let listed = await api<{ inspections: Inspection[] }>('/v1/inspections', APPROVER);
    expect(listed.body.inspections.find((i) => i.id === id)?.status).toBe('待审批');

    // The 审批 member: 驳回 without 意见 is refused by the server and says so in 处理结果 …
    env.services.setIdentityToken(stack.tokens[APPROVER]);
    tab.typeRow(row, { 决定: '驳回', 意见: '' });
    const noNote = env.run<SidebarAnswer>('sidebarSync');
    expect(noNote.result.ok).toBe(false);
    expect(String(tab.cell(row, '处理结果'))).toMatch(/^未通过：.*审批意见/);
    listed = await api<{ inspections: Inspection[] }>('/v1/inspections', APPROVER);
    expect(listed.body.inspections.find((i) => i.id === id)?.status).toBe('待审批');

    // … and 批准 with 意见 is applied: the store holds the decision, the queue no longer lists it.
    tab.typeRow(row, { 决定: '批准', 意见: '同意按计划检查，注意不影响正常生产' });
    const done = env.run<SidebarAnswer>('sidebarSync');
    expect(done.result.message).toContain('已生效 1 项');
    expect(done.result.ok).toBe(true);
    expect(String(tab.cell(row, '处理结果'))).toMatch(/^已批准/);
    listed = await api<{ inspections: Inspection[] }>('/v1/inspections?status=已批准', APPROVER);
    expect(listed.body.inspections.find((i) => i.id === id)).toMatchObject({ status: '已批准', opinion: '同意按计划检查，注意不影响正常生产', decidedBy: APPROVER });
    queue = await api<{ decisions: { id: string }[] }>('/v1/decisions', APPROVER);
    expect(queue.body.decisions.map((d) => d.id)).not.toContain(id);

    // A second 立即同步 sends nothing again; 刷新状态 drops the decided row and writes the row's 状态 back.
    const again = env.run<SidebarAnswer>('sidebarSync');
    expect(again.result.message).not.toContain('提交 1 项决定');
    env.run('menuRefresh');
    expect(rowOf(id)).toBe(-1);
    expect(insp.cell(2, '状态')).toBe('已批准');
    expect(insp.cell(2, '审批意见')).toBe('同意按计划检查，注意不影响正常生产');
    expect(String(insp.cell(2, '审批时间'))).toMatch(/^2022-06-\d\d \d\d:\d\d$/);
  });

  it('a 待分派 issue: 分派 without 分派单位 is not sent; with a unit name it reaches the store (已交办 at that unit)', async () => {
    // No rule, no 所属领域: the issue is routed to triage (牵头单位 of 综合协调) and waits 待分派.
    const iss = env.ss.sheet('问题诉求')!;
    const row2 = issueRow(41, { 问题类别: '原料采购', 所在乡镇: '玉皇庙镇', 问题描述: '原料价格上涨，采购渠道有限', 反映日期: '2022-06-10' });
    delete row2['所属领域'];
    typeAndEdit(iss, 2, row2);
    env.run('menuSync');
    expect(env.sheets.ui.alerts).toEqual([]);
    const id = String(iss.cell(2, '编号'));
    expect(id).toMatch(/^WT-\d{8}-\d{3}$/);
    expect(iss.cell(2, '状态')).toBe('待分派');

    env.run('menuRefresh');
    const tab = env.ss.sheet(TAB)!;
    expect(tab.headers()).toContain('分派单位');
    const row = queueRow(tab, id);
    expect(tab.cell(row, '事项类型')).toBe('待分派');
    expect(tab.cell(row, '可选决定')).toBe('分派');

    // 分派 with no unit: refused in the row, nothing sent.
    tab.typeRow(row, { 决定: '分派', 分派单位: '', 意见: '属交通运输领域' });
    const bare = env.run<SidebarAnswer>('sidebarSync');
    expect(bare.result.ok).toBe(false);
    expect(String(tab.cell(row, '处理结果'))).toContain('须填写「分派单位」');
    // A unit not in 责任单位: the server's unknown_unit in 处理结果.
    tab.typeRow(row, { 分派单位: '不存在的单位' });
    env.run<SidebarAnswer>('sidebarSync');
    expect(String(tab.cell(row, '处理结果'))).toMatch(/^未通过：.*不存在的单位/);
    let queue = await api<{ decisions: { id: string }[] }>('/v1/decisions', APPROVER);
    expect(queue.body.decisions.map((d) => d.id)).toContain(id);

    // A 分派单位 kept across 刷新状态, given by name: applied, the issue is 已交办 at 县交通运输局 (jtj).
    tab.typeRow(row, { 分派单位: '县交通运输局' });
    env.run('menuRefresh');
    expect(tab.cell(row, '分派单位')).toBe('县交通运输局');
    const done = env.run<SidebarAnswer>('sidebarSync');
    expect(done.result.message).toContain('已生效 1 项');
    expect(String(tab.cell(row, '处理结果'))).toMatch(/^已分派/);
    const atUnit = await api<{ issues: { id: string; status: string }[] }>('/v1/issues?unit=jtj&status=已交办', APPROVER);
    expect(atUnit.body.issues.find((i) => i.id === id)).toMatchObject({ id, status: '已交办' });
    queue = await api<{ decisions: { id: string }[] }>('/v1/decisions', APPROVER);
    expect(queue.body.decisions.map((d) => d.id)).not.toContain(id);
  });

  it('an enterprise’s 紧急 (紧急待核实): 分派 without 核实紧急程度 is refused by the server; with 紧急 it reaches the store with the 紧急 limits', async () => {
    // The enterprise is on the industry class's whitelist; it reports a 紧急 诉求 on its own page.
    const code = uscc(51);
    const email = 'contact51@enterprise.example';
    const wl = await fetch(`${stack.apiUrl}/v1/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.tokens[INDUSTRY]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ spreadsheetId: 'e2e-industry-urgent', workClass: 'industry', kind: 'whitelist', rows: [{ row: 2, values: { ...whitelistRow(51), 所在乡镇: '玉皇庙镇', 联系邮箱: email } }] }),
    });
    const synced = await wl.text();
    expect(wl.status, synced).toBe(200);
    expect((JSON.parse(synced) as { results: { ok: boolean }[] }).results.map((r) => r.ok), synced).toEqual([true]);
    const page = enterpriseLink(stack.apiUrl, code, email, [stack.actionSecret], Date.now());
    const sent = await fetch(page, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: stack.apiUrl },
      body: new URLSearchParams({ category: '原料采购', description: '原料断供，明日停产', urgency: '紧急' }),
    });
    expect(sent.status).toBe(201);
    const id = /编号 (WT-\d{8}-\d{3})/.exec(await sent.text())![1];

    env.run('menuRefresh');
    const tab = env.ss.sheet(TAB)!;
    expect(tab.headers()).toContain('核实紧急程度');
    const row = queueRow(tab, id);
    expect(tab.cell(row, '事项类型')).toBe('待分派');
    expect(String(tab.cell(row, '事项'))).toContain('紧急待核实');
    expect(String(tab.cell(row, '详情'))).toContain('紧急程度：紧急待核实');

    // 分派 without 核实紧急程度: the server's urgency_required in 处理结果, nothing applied.
    tab.typeRow(row, { 决定: '分派', 分派单位: '县交通运输局', 核实紧急程度: '' });
    env.run<SidebarAnswer>('sidebarSync');
    expect(String(tab.cell(row, '处理结果'))).toMatch(/^未通过：.*核实紧急程度/);
    expect((await api<{ decisions: { id: string }[] }>('/v1/decisions', APPROVER)).body.decisions.map((d) => d.id)).toContain(id);

    // 核实紧急程度 kept across 刷新状态; 紧急 confirmed: 已交办 at jtj with the 紧急 limits (反馈 = 办结, 1 working day).
    tab.typeRow(row, { 核实紧急程度: '紧急' });
    env.run('menuRefresh');
    expect(tab.cell(row, '核实紧急程度')).toBe('紧急');
    const done = env.run<SidebarAnswer>('sidebarSync');
    expect(done.result.message).toContain('已生效 1 项');
    expect(String(tab.cell(row, '处理结果'))).toMatch(/^已分派/);
    const detail = await api<{ issue: { status: string; unit: string; signBy: string; feedbackBy: string; resolveBy: string }; events: { note?: string }[] }>(`/v1/issues/${id}`, APPROVER);
    expect(detail.body.issue).toMatchObject({ status: '已交办', unit: 'jtj' });
    expect(detail.body.issue.feedbackBy).toBe(detail.body.issue.resolveBy);
    expect(detail.body.issue.signBy < detail.body.issue.resolveBy).toBe(true);
    expect(JSON.stringify(detail.body.events)).toContain('已核实为紧急');
  });

  it('an 编辑 member’s 刷新状态 leaves the tab alone and says why', () => {
    env.services.setIdentityToken(stack.tokens[EDITOR]);
    env.run('menuRefresh');
    const msg = [...env.sheets.ui.alerts.map((a) => a.message), ...env.ss.toasts.map((t) => t.message)].join('\n');
    expect(msg).toContain(`「${TAB}」未刷新`);
    expect(env.ss.sheet(TAB)).toBeUndefined();
  });
});
