// Edits of a routed issue row (SPEC §7.1 "Edits after routing", §7.8) through POST /v1/sync on the
// real dynalite + SES emulator: 指定责任单位 → 改派 (审批 of coordination) or 改派申请; 重大问题 /
// 超出协调范围 → escalation with copies and mails; 问题描述 → 补充说明 to the unit. The write-back's
// 处理说明 says what happened; nothing is silently ignored.
import { describe, expect, it } from 'vitest';
import { useTestServices } from '../fixtures/local-services.js';
import { ADMIN, IND, issueValues, makeHarness } from './api-helpers.js';

const services = useTestServices();

/** An industry editor who is also 审批 of the coordination class (the command office). */
const BOSS = 'boss@county.example';

describe('edits after routing', () => {
  it('applies, requests or records each edit and says so in 处理说明', async () => {
    const h = await makeHarness(services);
    const added = await h.sync(ADMIN, 'coordination', 'member', [
      { row: 5, values: { 邮箱: BOSS, 专班编码: 'industry', 角色: '编辑' } },
      { row: 6, values: { 邮箱: BOSS, 专班编码: 'coordination', 角色: '审批' } },
    ], 'sheet-config');
    expect(added.json.results.every((r: { ok: boolean }) => r.ok)).toBe(true);

    const first = await h.sync(IND, 'industry', 'issue', [{ row: 2, values: issueValues() }]);
    const id = first.json.results[0].id as string;
    await h.dispatcher()();
    await services.clearMails();
    const row = (over: Record<string, string>, version: number) => ({ row: 2, version, values: { ...issueValues(over), 编号: id } });

    // 问题描述 changed → 补充说明 mailed to the unit (its two addresses).
    const described = await h.sync(IND, 'industry', 'issue', [row({ 问题描述: '钢材供应中断，已停产两天' }, 1)]);
    expect(described.json.results[0]).toMatchObject({ ok: true, id, outcome: 'updated' });
    expect(described.json.results[0].writeBack.处理说明).toContain('补充说明发送「县工业和信息化局」');
    await h.dispatcher()();
    let mails = await services.mails();
    expect(mails.map((m) => m.destination.to[0]).sort()).toEqual(['gxj1@county.example', 'gxj2@county.example']);
    expect(mails[0].body.text).toContain('已停产两天');
    await services.clearMails();

    // 超出协调范围 → 是: escalated, the 指挥部 copied and mailed; 是→否 later never de-escalates.
    const major = await h.sync(IND, 'industry', 'issue', [row({ 问题描述: '钢材供应中断，已停产两天', 超出协调范围: '是' }, described.json.results[0].version)]);
    expect(major.json.results[0].writeBack.处理说明).toContain('「超出协调范围」改为是：已升级，抄送「县四保指挥部」');
    await h.dispatcher()();
    mails = await services.mails();
    expect(mails.map((m) => m.destination.to[0])).toContain('zhb@county.example');
    await services.clearMails();
    const calmer = await h.sync(IND, 'industry', 'issue', [row({ 问题描述: '钢材供应中断，已停产两天', 超出协调范围: '否' }, major.json.results[0].version)]);
    expect(calmer.json.results[0].writeBack.处理说明).toContain('改为否：已记录，不撤销已作出的升级');
    expect((await h.store.getIssue(id))!.record.assignments.at(-1)!.also).toContain('U-ZHB');

    // 指定责任单位 by an editor without 审批: a 改派申请, still with the current unit.
    const asked = await h.sync(IND, 'industry', 'issue', [row({ 问题描述: '钢材供应中断，已停产两天', 超出协调范围: '否', 指定责任单位: 'U-CGZ' }, calmer.json.results[0].version)]);
    expect(asked.json.results[0].writeBack.处理说明).toContain('已提交改派申请（改派至「城关镇」）');
    expect(asked.json.results[0].writeBack.责任单位).toContain('县工业和信息化局');
    expect((await h.store.getIssue(id))!.record.assignments.at(-1)!.unit).toBe('U-GXJ');

    // The same edit by a 审批 member of coordination: reassigned at once, the new unit mailed.
    await services.clearMails();
    const again = await h.sync(BOSS, 'industry', 'issue', [row({ 问题描述: '钢材供应中断，已停产两天', 超出协调范围: '否', 指定责任单位: 'U-FGW' }, asked.json.results[0].version)]);
    expect(again.json.results[0].writeBack.处理说明).toContain('已改派至「县发展改革委」');
    expect(again.json.results[0].writeBack.责任单位).toContain('县发展改革委');
    await h.dispatcher()();
    expect((await services.mails()).map((m) => m.destination.to[0])).toContain('fgw@county.example');

    // Every step is in the issue's events.
    const detail = await h.call('GET', `/v1/issues/${id}`, { as: ADMIN });
    expect(detail.json.events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['supplement', 'escalate_edit', 'reassign_request', 'reassign']));
  });

  it('refuses a tab whose header row has a misspelled or missing column, keeps other unknown headers as extra columns', async () => {
    const h = await makeHarness(services);
    const headers = Object.keys(issueValues());
    const sync = (hs: string[], values: Record<string, unknown>) =>
      h.call('POST', '/v1/sync', { as: IND, body: { spreadsheetId: 'sheet-industry', workClass: 'industry', kind: 'issue', headers: hs, rows: [{ row: 2, values }] } });
    const { 联系电话: phone, ...rest } = issueValues();
    const misspelled = await sync(headers.map((x) => (x === '联系电话' ? '联系方式' : x)), { ...rest, 联系方式: phone });
    expect(misspelled.status).toBe(400);
    expect(misspelled.json.error.code).toBe('unknown_header');
    expect(misspelled.json.errors).toEqual([expect.objectContaining({ column: '联系方式', code: 'unknown_header', probable: '联系电话' })]);
    const missing = await sync(headers.filter((x) => x !== '问题描述'), issueValues());
    expect(missing.status).toBe(400);
    expect(missing.json.errors).toEqual([expect.objectContaining({ column: '问题描述', code: 'missing_header' })]);
    expect(await h.store.listIssues({})).toEqual([]);

    const extra = await sync([...headers, '内部备注'], { ...issueValues(), 内部备注: '仅供本专班' });
    expect(extra.status).toBe(200);
    expect(extra.json.results[0].ok).toBe(true);
    expect(extra.json.warnings).toEqual([expect.objectContaining({ column: '内部备注', code: 'extra_column' })]);
  });
});
