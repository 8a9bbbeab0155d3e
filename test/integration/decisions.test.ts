// The command office's decisions (SPEC §7.2, issue 13) on the local stack: inspection approval,
// units' requests (申请延期, 申请上报), the one queue, batch answers. Real dynalite + SES emulator.
import { describe, expect, it } from 'vitest';
import { makeUscc } from '../../domain/rows/uscc.js';
import { makePagesHandler } from '../../functions/handlers/pages.js';
import { issueSheetValues } from '../../functions/usecases/enterprise.js';
import { enterpriseLink } from '../../functions/usecases/link-token.js';
import { useTestServices } from '../fixtures/local-services.js';
import { ADMIN, BASE, ENTERPRISE, IND, issueValues, pageCaller, SECRET } from './api-helpers.js';
import { APPROVER, at, CONTACT, duplicates, makeLoopHarness, type LoopHarness, type Mail } from './closed-loop-helpers.js';

const services = useTestServices();

const OFFICE = ['approver@county.example', 'zhb@county.example'];

function inspection(over: Record<string, string> = {}): Record<string, string> {
  return { 发起单位: 'U-CGZ', 被检查企业代码: makeUscc('91410222MA44ABCDE'), 检查事项: '消防设施检查', 检查类别: '其他', 计划日期: '2022-06-10', ...over };
}

async function syncInspections(h: LoopHarness, rows: Record<string, string>[]) {
  const res = await h.sync(ADMIN, 'coordination', 'inspection', rows.map((values, i) => ({ row: i + 2, values })), 'sheet-insp');
  expect(res.status).toBe(200);
  return res.json.results as { ok: boolean; id: string; writeBack: Record<string, string> }[];
}

const to = (mails: Mail[], key: string) => mails.filter((m) => m.key === key).map((m) => m.to).sort();

describe('inspection approval (检查报备)', () => {
  it('其他 → approval mail → GET changes nothing → 批准 (POST) → written back and mailed to the 发起单位', async () => {
    const h = await makeLoopHarness(services);
    const [r] = await syncInspections(h, [inspection()]);
    expect(r.ok).toBe(true);
    expect(r.writeBack).toMatchObject({ 编号: 'JC-20220606-001', 状态: '待审批', 审批意见: '', 审批时间: '' });

    const mails = await h.deliver();
    expect(to(mails, 'JC-20220606-001#decision')).toEqual(OFFICE);
    const ask = mails.find((m) => m.to === APPROVER)!;
    expect(ask.subject).toContain('检查报备审批');
    expect(Object.keys(ask.links)).toEqual(['批准', '驳回']);

    const before = await h.store.getDecision('JC-20220606-001');
    const page = await h.get(ask.links['批准']);
    expect(page.status).toBe(200);
    expect(page.text).toContain('确认批准');
    expect(page.text).toContain('<form method="post">');
    expect(await h.store.getDecision('JC-20220606-001')).toEqual(before);

    h.clock.t = at('2022-06-06T15:30');
    const done = await h.post(ask.links['批准'], { note: '同意按计划检查' });
    expect(done.status).toBe(200);
    expect(done.text).toContain('已批准');

    const [again] = await syncInspections(h, [inspection()]);
    expect(again.writeBack).toMatchObject({ 编号: 'JC-20220606-001', 状态: '已批准', 审批意见: '同意按计划检查', 审批时间: '2022-06-06 15:30' });
    const listed = await h.call('GET', '/v1/inspections', { as: IND, query: { status: '已批准' } });
    expect(listed.status).toBe(200);
    expect(listed.json.inspections).toEqual([
      expect.objectContaining({ id: 'JC-20220606-001', status: '已批准', unit: 'U-CGZ', category: '其他', plannedDate: '2022-06-10', decidedBy: APPROVER }),
    ]);

    const result = await h.deliver();
    expect(to(result, 'JC-20220606-001#decision_result')).toEqual(['cgz@county.example']);
    expect(result[0].subject).toContain('批准');
    // The other recipient's link and a second POST change nothing.
    const other = mails.find((m) => m.to === 'zhb@county.example')!;
    expect((await h.post(other.links['驳回'], { note: '晚了' })).status).toBe(409);
    expect((await h.post(ask.links['批准'])).status).toBe(410);
    expect((await h.store.getDecision('JC-20220606-001'))?.status).toBe('已批准');
    expect(await h.deliver()).toEqual([]);
  });

  it('an exempt category is 免审批 at once, with no mail', async () => {
    const h = await makeLoopHarness(services);
    const res = await syncInspections(h, [inspection({ 检查类别: '安全生产' }), inspection({ 检查类别: '疫情防控', 检查事项: '核酸检测' })]);
    expect(res.map((r) => r.writeBack['状态'])).toEqual(['免审批', '免审批']);
    expect(await h.deliver()).toEqual([]);
    const q = await h.call('GET', '/v1/decisions', { as: APPROVER });
    expect(q.json.decisions).toEqual([]);
  });

  it('驳回 without 审批意见 is refused (link and API); with it, the decision stands and a later decider gets 409', async () => {
    const h = await makeLoopHarness(services);
    await syncInspections(h, [inspection()]);
    const ask = (await h.deliver()).find((m) => m.to === APPROVER)!;
    const refused = await h.post(ask.links['驳回'], { note: '' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('须填写审批意见');
    const api = await h.call('POST', '/v1/decisions/JC-20220606-001', { as: APPROVER, body: { decision: '驳回' } });
    expect(api.status).toBe(400);
    expect(api.json.error.code).toBe('note_required');
    expect((await h.store.getDecision('JC-20220606-001'))?.status).toBe('待审批');

    const ok = await h.call('POST', '/v1/decisions/JC-20220606-001', { as: APPROVER, body: { decision: '驳回', note: '与安全生产检查重复' } });
    expect(ok.status).toBe(200);
    expect(ok.json.decision).toMatchObject({ status: '已驳回', decision: '驳回', note: '与安全生产检查重复' });
    const late = await h.post(ask.links['批准'], {});
    expect(late.status).toBe(409);
    const lateApi = await h.call('POST', '/v1/decisions/JC-20220606-001', { as: APPROVER, body: { decision: '批准' } });
    expect(lateApi.status).toBe(409);
    expect(lateApi.json.error.code).toBe('already_decided');
    // Only a 审批 member decides through the API.
    const editor = await h.call('POST', '/v1/decisions/JC-20220606-001', { as: ADMIN, body: { decision: '批准' } });
    expect(editor.status).toBe(403);
  });

  it('a row imported as 已批准 is not 待审批; a reminder at 09:00 of the decision day; the planned day reached is flagged', { timeout: 90_000 }, async () => {
    const h = await makeLoopHarness(services);
    const res = await syncInspections(h, [inspection({ 状态: '已批准', 审批意见: '线下已批' }), inspection({ 检查事项: '环保检查', 计划日期: '2022-06-07' })]);
    expect(res.map((r) => r.writeBack['状态'])).toEqual(['已批准', '待审批']);
    const pending = await h.call('GET', '/v1/inspections', { as: IND, query: { status: '待审批' } });
    expect(pending.json.inspections.map((i: { id: string }) => i.id)).toEqual([res[1].writeBack['编号']]);
    expect((await h.deliver()).map((m) => m.key)).toEqual([`${res[1].writeBack['编号']}#decision`, `${res[1].writeBack['编号']}#decision`]);

    h.clock.t = at('2022-06-07T08:00');
    await h.sweep()();
    expect(await h.deliver()).toEqual([]);
    h.clock.t = at('2022-06-07T09:05');
    await h.sweep()();
    await h.sweep()();
    const reminders = await h.deliver();
    expect(reminders.map((m) => m.to).sort()).toEqual(OFFICE);
    expect(reminders[0].subject).toContain('审批提醒');
    const flagged = await h.call('GET', '/v1/inspections', { as: IND, query: { status: '待审批' } });
    expect(flagged.json.inspections[0].plannedReached).toBe(true);
    const queue = await h.call('GET', '/v1/decisions', { as: APPROVER });
    expect(queue.json.decisions).toEqual([expect.objectContaining({ type: 'inspection', options: ['批准', '驳回'], late: true })]);
  });
});

describe('unit requests from the assignment mail', () => {
  async function assigned(h: LoopHarness, over: Record<string, string> = {}) {
    const [id] = await h.report([over]);
    const mails = await h.deliver();
    const assign = mails.find((m) => m.key === `${id}#assign#0#unit` && m.to === 'gxj1@county.example')!;
    expect(Object.keys(assign.links)).toEqual(['签收', '退回', '反馈进展', '反馈办理结果', '申请延期', '申请上报']);
    return { id, assign };
  }

  it('申请延期 → 同意 → the new deadline, and the reminder follows it', { timeout: 90_000 }, async () => {
    const h = await makeLoopHarness(services);
    const { id, assign } = await assigned(h);
    const before = (await h.store.getIssue(id))!.record.assignments[0].resolveBy;
    expect(before).toBe('2022-06-15');
    const page = await h.get(assign.links['申请延期']);
    expect(page.text).toContain('type="date"');
    const asked = await h.post(assign.links['申请延期'], { date: '2022-06-24', reason: '等待省级批复' });
    expect(asked.status).toBe(200);
    expect((await h.store.getIssue(id))!.record.assignments[0].resolveBy).toBe('2022-06-15');

    const ask = (await h.deliver()).filter((m) => m.subject.includes('延期申请'));
    expect(ask.map((m) => m.to).sort()).toEqual(OFFICE);
    expect(Object.keys(ask[0].links)).toEqual(['同意', '不同意']);
    const agreed = await h.post(ask.find((m) => m.to === APPROVER)!.links['同意'], {});
    expect(agreed.status).toBe(200);
    const rec = (await h.store.getIssue(id))!.record;
    expect(rec.assignments[0].resolveBy).toBe('2022-06-24');
    const out = await h.deliver();
    expect(out.filter((m) => m.subject.includes('延期申请结果')).map((m) => m.to).sort()).toEqual(['gxj1@county.example', 'gxj2@county.example']);
    expect(out.some((m) => m.key === `${id}#extend#0#2022-06-24`)).toBe(true);

    // No resolve reminder on the old day; one working day before the new one.
    h.clock.t = at('2022-06-14T10:00');
    await h.sweep()();
    expect((await h.deliver()).filter((m) => m.key.includes('#remind#') && m.key.includes('resolve'))).toEqual([]);
    h.clock.t = at('2022-06-23T10:00');
    await h.sweep()();
    const reminded = (await h.deliver()).filter((m) => m.key.includes('remind') && m.key.includes('resolve'));
    expect(reminded.length).toBeGreaterThan(0);
    expect(reminded[0].text).toContain('2022-06-24');
  });

  it('申请上报 (重大问题) → 同意 → county leaders copied, 30-day deadline', async () => {
    const h = await makeLoopHarness(services);
    const { id, assign } = await assigned(h);
    const asked = await h.post(assign.links['申请上报'], { level: '重大问题', reason: '涉及跨县协调' });
    expect(asked.status).toBe(200);
    const ask = (await h.deliver()).find((m) => m.subject.includes('上报申请') && m.to === APPROVER)!;
    const queue = await h.call('GET', '/v1/decisions', { as: APPROVER });
    expect(queue.json.decisions).toEqual([expect.objectContaining({ type: 'escalate_request', options: ['同意', '不同意'], requester: 'U-GXJ' })]);
    const page = await h.get(ask.links['同意']);
    expect(page.status).toBe(200);
    expect((await h.store.getIssue(id))!.record.issue.major).toBe(false);

    expect((await h.post(ask.links['同意'], { note: '请县领导协调' })).status).toBe(200);
    const rec = (await h.store.getIssue(id))!.record;
    expect(rec.issue.major).toBe(true);
    expect(rec.assignments[0].also).toContain('U-LEAD');
    expect(rec.assignments[0].resolveBy).toBe('2022-07-06');
    const out = await h.deliver();
    expect(to(out, `${id}#reported_up#0#重大问题`)).toEqual(['lead@county.example']);
    expect(out.find((m) => m.to === 'lead@county.example')!.subject).toContain('重大问题');
    expect(duplicates(await h.allMails())).toEqual([]);
    expect((await h.call('GET', '/v1/decisions', { as: APPROVER })).json.decisions).toEqual([]);
  });

  it('不同意 leaves the issue as it was and tells the unit', async () => {
    const h = await makeLoopHarness(services);
    const { id, assign } = await assigned(h);
    await h.post(assign.links['申请延期'], { date: '2022-06-24', reason: '等待' });
    const ask = (await h.deliver()).find((m) => m.to === APPROVER)!;
    expect((await h.post(ask.links['不同意'], {})).status).toBe(400);
    expect((await h.post(ask.links['不同意'], { note: '请按期办结' })).status).toBe(200);
    expect((await h.store.getIssue(id))!.record.assignments[0].resolveBy).toBe('2022-06-15');
    const out = await h.deliver();
    expect(out.find((m) => m.to === 'gxj1@county.example')!.text).toContain('请按期办结');
  });
});

describe('改派申请 from an edit of 指定责任单位 (reassign_request)', () => {
  it('同意 reassigns as the command office\'s 改派 (new unit mailed once); 不同意 needs a note and keeps the unit; a second decider gets 409', { timeout: 90_000 }, async () => {
    const h = await makeLoopHarness(services);
    const values = issueValues({ 联系邮箱: CONTACT });
    const first = await h.sync(IND, 'industry', 'issue', [{ row: 2, values }]);
    const id = first.json.results[0].id as string;
    await h.deliver();
    let version = first.json.results[0].version as number;
    const edit = async (unit: string) => {
      const res = await h.sync(IND, 'industry', 'issue', [{ row: 2, version, values: { ...values, 编号: id, 指定责任单位: unit } }]);
      expect(res.json.results[0]).toMatchObject({ ok: true, outcome: 'updated' });
      version = res.json.results[0].version;
      return res.json.results[0].writeBack as Record<string, string>;
    };
    const queued = async () => (await h.call('GET', '/v1/decisions', { as: APPROVER })).json.decisions.filter((d: { type: string }) => d.type === 'reassign_request');

    // The editor (not 审批) asks for 城关镇: a request in the queue, mailed to the office with its answers.
    expect((await edit('U-CGZ')).处理说明).toContain('已提交改派申请（改派至「城关镇」）');
    const [ask] = await queued();
    expect(ask).toMatchObject({ type: 'reassign_request', options: ['同意', '不同意'], requester: 'U-GXJ', ref: id });
    const asked = await h.deliver();
    expect(to(asked, `${ask.id}#decision`)).toEqual(OFFICE);
    expect(Object.keys(asked.find((m) => m.to === APPROVER)!.links)).toEqual(['同意', '不同意']);
    expect((await h.store.getIssue(id))!.record.assignments.at(-1)!.unit).toBe('U-GXJ');

    const path = (d: { id: string }) => `/v1/decisions/${encodeURIComponent(d.id)}`;
    expect((await h.call('POST', path(ask), { as: IND, body: { decision: '同意' } })).status).toBe(403);
    const agreed = await h.call('POST', path(ask), { as: APPROVER, body: { decision: '同意', note: '属城关镇辖区' } });
    expect(agreed.status).toBe(200);
    expect(agreed.json.decision).toMatchObject({ id: ask.id, type: 'reassign_request', decision: '同意', status: '已同意', decidedBy: APPROVER });
    const rec = (await h.store.getIssue(id))!.record;
    expect(rec.assignments.at(-1)!.unit).toBe('U-CGZ');
    expect(rec.events.filter((e) => e.ref === ask.id).map((e) => e.type)).toEqual(['reassign', 'assign']);
    expect((await h.store.getDecision(ask.id))!.applied).toBe(true);
    await h.sweep()();
    const out = await h.deliver();
    expect(to(out, `${id}#assign#1#unit`)).toEqual(['cgz@county.example']);
    expect(out.filter((m) => m.to === 'cgz@county.example' && m.key.startsWith(`${id}#assign#`))).toHaveLength(1);
    expect(to(out, `${id}#reassigned#0`)).toEqual(['gxj1@county.example', 'gxj2@county.example']);
    expect(to(out, `${ask.id}#decision_result`)).toEqual([IND]);
    expect(await queued()).toEqual([]);

    // Another request (to 县发展改革委): 不同意 needs a reason; with it the unit stays 城关镇.
    expect((await edit('U-FGW')).处理说明).toContain('已提交改派申请（改派至「县发展改革委」）');
    const [again] = await queued();
    expect(again.id).not.toBe(ask.id);
    const bare = await h.call('POST', path(again), { as: APPROVER, body: { decision: '不同意' } });
    expect(bare.status).toBe(400);
    expect(bare.json.error.code).toBe('note_required');
    const refused = await h.call('POST', path(again), { as: APPROVER, body: { decision: '不同意', note: '仍由城关镇办理' } });
    expect(refused.status).toBe(200);
    expect((await h.store.getIssue(id))!.record.assignments.at(-1)!.unit).toBe('U-CGZ');
    const late = await h.call('POST', path(again), { as: APPROVER, body: { decision: '同意' } });
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe('already_decided');
    const told = await h.deliver();
    expect(told.find((m) => m.key === `${again.id}#decision_result`)).toMatchObject({ to: IND });
    expect(told.find((m) => m.key === `${again.id}#decision_result`)!.text).toContain('仍由城关镇办理');
    expect(told.filter((m) => m.to === 'fgw@county.example')).toEqual([]);
    expect(duplicates(await h.allMails())).toEqual([]);
  });
});

describe('待分派 from the queue (triage)', () => {
  it('an issue returned to triage is in GET /v1/decisions; 分派 needs a unit, assigns it once (unit mailed), a second decider gets 409', async () => {
    const h = await makeLoopHarness(services);
    const [id] = await h.report([{}]);
    const unit = (await h.deliver()).find((m) => m.key === `${id}#assign#0#unit` && m.to === 'gxj1@county.example')!;
    expect((await h.post(unit.links['退回'], { reason: '非本单位职责' })).status).toBe(200);
    expect((await h.store.getIssue(id))!.record.status).toBe('待分派');
    await h.deliver();

    const queue = await h.call('GET', '/v1/decisions', { as: APPROVER });
    expect(queue.json.decisions).toEqual([expect.objectContaining({ id, type: 'triage', typeLabel: '待分派', options: ['分派'], requester: 'U-FGW', status: '待分派' })]);
    const bare = await h.call('POST', `/v1/decisions/${id}`, { as: APPROVER, body: { decision: '分派' } });
    expect(bare.status).toBe(400);
    expect(bare.json.error.code).toBe('unit_required');
    expect((await h.call('POST', `/v1/decisions/${id}`, { as: APPROVER, body: { decision: '分派', unit: 'U-NONE' } })).status).toBe(400);
    expect((await h.call('POST', `/v1/decisions/${id}`, { as: IND, body: { decision: '分派', unit: 'U-CGZ' } })).status).toBe(403);
    expect((await h.store.getIssue(id))!.record.status).toBe('待分派');

    const done = await h.call('POST', `/v1/decisions/${id}`, { as: APPROVER, body: { decision: '分派', unit: 'U-CGZ', note: '属城关镇辖区' } });
    expect(done.status).toBe(200);
    expect(done.json.decision).toMatchObject({ id, type: 'triage', decision: '分派', status: '已交办', decidedBy: APPROVER });
    const rec = (await h.store.getIssue(id))!.record;
    expect(rec.status).toBe('已交办');
    expect(rec.assignments.at(-1)!.unit).toBe('U-CGZ');
    const out = await h.deliver();
    expect(to(out, `${id}#assign#2#unit`)).toEqual(['cgz@county.example']);
    const again = await h.call('POST', `/v1/decisions/${id}`, { as: APPROVER, body: { decision: '分派', unit: 'U-GXJ' } });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('already_decided');
    expect((await h.call('GET', '/v1/decisions', { as: APPROVER })).json.decisions).toEqual([]);
    expect(duplicates(await h.allMails())).toEqual([]);
  });
});

describe("an enterprise's 紧急 is confirmed at triage (SPEC §7.8)", () => {
  /** The loop harness with an admitted enterprise and its `/e/` page: report(urgency) posts a 诉求 there and returns its 编号. */
  async function enterprise() {
    const h = await makeLoopHarness(services);
    const row = {
      row: 2,
      values: { 统一社会信用代码: ENTERPRISE, 名称: '示例机械有限公司', 所属领域: '工业生产', 所在乡镇: '城关镇', '产值或投资额（万元）': 800, 员工人数: 50, 状态: '已纳入', 纳入日期: '2022-06-06', 联系人: '企业办公室', 联系电话: '13800000000', 联系邮箱: CONTACT },
    };
    const wl = await h.sync(IND, 'industry', 'whitelist', [row]);
    expect(wl.status, wl.text).toBe(200);
    await h.deliver();
    const page = pageCaller(makePagesHandler({ store: h.store, policies: h.policies, clock: h.clock, config: { actionSecrets: [SECRET] } }));
    const link = enterpriseLink(BASE, ENTERPRISE, CONTACT, [SECRET], h.clock.now());
    const report = async (urgency: string, description: string) => {
      const sent = await page('POST', link, { category: '原料采购', description, urgency });
      expect(sent.status, sent.text).toBe(201);
      return /编号 (WT-\d{8}-\d{3})/.exec(sent.text)![1];
    };
    return { h, page, link, report };
  }
  const decide = (h: LoopHarness, id: string, body: Record<string, unknown>) => h.call('POST', `/v1/decisions/${id}`, { as: APPROVER, body });

  it('a 紧急 from /e/ waits 待分派 at triage (紧急待核实, only the triage unit mailed); 分派 must say the urgency; confirmed → the 紧急 limits', async () => {
    const { h, page, link, report } = await enterprise();
    const id = await report('紧急', '钢材断供，明日停产');
    const stored = (await h.store.getIssue(id))!;
    expect(stored.values['紧急程度']).toBe('紧急');
    expect(stored.record).toMatchObject({ status: '待分派', urgencyCheck: '紧急待核实', issue: { urgency: '紧急' } });
    // The routing rule (原料采购 → U-GXJ) is not applied: it waits at the coordination lead.
    expect(stored.record.assignments).toEqual([expect.objectContaining({ unit: 'U-FGW', triage: true })]);
    const mails = await h.deliver();
    expect(mails.map((m) => [m.key, m.to])).toEqual([[`${id}#assign#0#unit`, 'fgw@county.example']]);
    // The triage unit's mail says the 紧急 is the enterprise's own, still to be confirmed.
    expect(mails[0].text).toContain('紧急（企业自报，待指挥部核实）');
    expect((await page('GET', link)).text).toContain('紧急程度：紧急待核实');

    const queue = (await h.call('GET', '/v1/decisions', { as: APPROVER })).json.decisions;
    expect(queue).toEqual([expect.objectContaining({ id, type: 'triage', options: ['分派'], urgencyCheck: '紧急待核实', subject: expect.stringContaining('紧急待核实') })]);
    expect(queue[0].rows).toContainEqual({ label: '紧急程度', text: expect.stringContaining('紧急待核实') });

    const bare = await decide(h, id, { decision: '分派', unit: 'U-GXJ' });
    expect(bare.status).toBe(400);
    expect(bare.json.error).toMatchObject({ code: 'urgency_required', message: expect.stringContaining('核实紧急程度') });
    const wrong = await decide(h, id, { decision: '分派', unit: 'U-GXJ', urgency: '特急' });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error).toMatchObject({ code: 'invalid_urgency', message: expect.stringContaining('一般 或 紧急') });
    expect((await h.store.getIssue(id))!.record.status).toBe('待分派');
    expect(await h.deliver()).toEqual([]);

    const done = await decide(h, id, { decision: '分派', unit: 'U-GXJ', urgency: '紧急' });
    expect(done.status, JSON.stringify(done.json)).toBe(200);
    const rec = (await h.store.getIssue(id))!.record;
    expect(rec).toMatchObject({ status: '已交办', urgencyCheck: '已核实为紧急' });
    // 紧急: sign the same working day, feedback and resolve the next (Monday 2022-06-06).
    expect(rec.assignments.at(-1)).toMatchObject({ unit: 'U-GXJ', signBy: '2022-06-06', feedbackBy: '2022-06-07', resolveBy: '2022-06-07' });
    const assigned = await h.deliver();
    expect(to(assigned, `${id}#assign#1#unit`)).toEqual(['gxj1@county.example', 'gxj2@county.example']);
    expect(assigned[0].text).toMatch(/标注：紧急\n/);
    expect((await h.call('GET', '/v1/decisions', { as: APPROVER })).json.decisions).toEqual([]);
  });

  it('分派 as 一般: 一般 limits and the history says 已核实为一般; urgency on an issue with nothing to confirm is refused; a 一般 诉求 routes at once', async () => {
    const { h, report } = await enterprise();
    const id = await report('紧急', '原料短缺');
    await h.deliver();
    const done = await decide(h, id, { decision: '分派', unit: 'U-GXJ', urgency: '一般', note: '可按一般时限办理' });
    expect(done.status, JSON.stringify(done.json)).toBe(200);
    // The unit is mailed the urgency in force: 一般, no 紧急 flag.
    const unitMails = (await h.deliver()).filter((m) => m.key === `${id}#assign#1#unit`);
    expect(unitMails).toHaveLength(2);
    for (const m of unitMails) expect(m.text).not.toContain('紧急');
    const rec = (await h.store.getIssue(id))!.record;
    expect(rec).toMatchObject({ status: '已交办', urgencyCheck: '已核实为一般', issue: { urgency: '紧急' } });
    expect(rec.assignments.at(-1)).toMatchObject({ unit: 'U-GXJ', signBy: '2022-06-07', feedbackBy: '2022-06-09', resolveBy: '2022-06-15' });
    const history = await h.call('GET', `/v1/issues/${id}`, { as: APPROVER });
    expect(history.status).toBe(200);
    expect(history.text).toContain('紧急程度核实');
    expect(history.text).toContain('已核实为一般');

    // A 一般 诉求 is routed as before: 已交办 at the rule's unit, nothing to confirm.
    const plain = await report('一般', '原料采购渠道');
    const routed = (await h.store.getIssue(plain))!.record;
    expect(routed.status).toBe('已交办');
    expect(routed.assignments[0].unit).toBe('U-GXJ');
    expect(routed.urgencyCheck).toBeUndefined();
    expect(to(await h.deliver(), `${plain}#assign#0#unit`)).toEqual(['gxj1@county.example', 'gxj2@county.example']);

    // Back at triage (退回), an issue without a 紧急 to confirm takes no urgency.
    const unitMail = (await h.allMails()).find((m) => m.key === `${plain}#assign#0#unit`)!;
    expect((await h.post(unitMail.links['退回'], { reason: '非本单位职责' })).status).toBe(200);
    const notPending = await decide(h, plain, { decision: '分派', unit: 'U-CGZ', urgency: '紧急' });
    expect(notPending.status).toBe(400);
    expect(notPending.json.error.code).toBe('urgency_not_pending');
    expect((await decide(h, plain, { decision: '分派', unit: 'U-CGZ' })).status).toBe(200);
  });

  it('a member who edits 指定责任单位 of a 紧急待核实 issue files no 改派申请 (its 同意 could not say the urgency): the unit is kept as the 分派 item\'s suggestion', async () => {
    const { h, report } = await enterprise();
    const id = await report('紧急', '钢材断供，明日停产');
    await h.deliver();
    const stored = (await h.store.getIssue(id))!;
    // The row as 刷新状态 wrote it into the class's 问题诉求 tab, 指定责任单位 filled in by a member (not 审批).
    const values = { ...issueSheetValues(stored.record.issue), 编号: id, 指定责任单位: 'U-GXJ' };
    const res = await h.sync(IND, 'industry', 'issue', [{ row: 2, version: stored.version, values }]);
    expect(res.json.results[0], res.text).toMatchObject({ ok: true, outcome: 'updated' });
    const said = res.json.results[0].writeBack.处理说明 as string;
    expect(said).toContain('企业自报的紧急诉求');
    expect(said).toContain('「县工业和信息化局」');
    expect(said).not.toContain('已提交改派申请');
    expect((await h.store.getIssue(id))!.record).toMatchObject({ status: '待分派', urgencyCheck: '紧急待核实' });
    // One item for the issue: its 分派, which shows the suggestion; no 改派申请 that 同意 would fail.
    const queue = (await h.call('GET', '/v1/decisions', { as: APPROVER })).json.decisions;
    expect(queue.map((d: { type: string; ref: string }) => [d.type, d.ref])).toEqual([['triage', id]]);
    expect(queue[0].rows).toContainEqual({ label: '建议责任单位', text: '县工业和信息化局（U-GXJ）' });
    expect(await h.deliver()).toEqual([]);
    const done = await decide(h, id, { decision: '分派', unit: 'U-GXJ', urgency: '紧急' });
    expect(done.status, JSON.stringify(done.json)).toBe(200);
    expect((await h.call('GET', '/v1/decisions', { as: APPROVER })).json.decisions).toEqual([]);
  });
});

describe('核实销号 from the queue (verify_close)', () => {
  it('an issue in 已办结 is in GET /v1/decisions; POST 核实销号 closes it once, a second decider gets 409', async () => {
    const h = await makeLoopHarness(services);
    const [id] = await h.report([{}]);
    const unit = (await h.deliver()).find((m) => m.key === `${id}#assign#0#unit` && m.to === 'gxj1@county.example')!;
    expect((await h.call('GET', '/v1/decisions', { as: APPROVER })).json.decisions).toEqual([]);
    expect((await h.post(unit.links['反馈办理结果'], { result: '已协调解决' })).status).toBe(200);

    const queue = await h.call('GET', '/v1/decisions', { as: APPROVER });
    expect(queue.json.decisions).toEqual([expect.objectContaining({ id, type: 'verify_close', options: ['核实销号'], requester: 'U-GXJ', status: '已办结' })]);
    // Only 核实销号 is an answer; a member who is not 审批 may not decide.
    const wrong = await h.call('POST', `/v1/decisions/${id}`, { as: APPROVER, body: { decision: '批准' } });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.message).toContain('核实销号');
    expect((await h.call('POST', `/v1/decisions/${id}`, { as: IND, body: { decision: '核实销号' } })).status).toBe(403);
    expect((await h.store.getIssue(id))!.record.status).toBe('已办结');

    const done = await h.call('POST', `/v1/decisions/${id}`, { as: APPROVER, body: { decision: '核实销号', note: '电话核实，企业确认已解决' } });
    expect(done.status).toBe(200);
    expect(done.json.decision).toMatchObject({ id, type: 'verify_close', decision: '核实销号', status: '已销号', decidedBy: APPROVER });
    const rec = (await h.store.getIssue(id))!.record;
    expect(rec.status).toBe('已销号');
    expect(rec.events.at(-1)).toMatchObject({ type: 'verify_close', note: '电话核实，企业确认已解决' });
    const again = await h.call('POST', `/v1/decisions/${id}`, { as: APPROVER, body: { decision: '核实销号' } });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('already_decided');
    expect((await h.call('GET', '/v1/decisions', { as: APPROVER })).json.decisions).toEqual([]);
  });
});

describe('包保干部', () => {
  it('is copied on every mail about the enterprise\'s issues, without action links', async () => {
    const h = await makeLoopHarness(services);
    const code = makeUscc('91410222MA44ABCDE');
    const wl = await h.sync(IND, 'industry', 'whitelist', [
      {
        row: 2,
        values: { 统一社会信用代码: code, 名称: '示例机械有限公司', 所属领域: '工业生产', 所在乡镇: '城关镇', '产值或投资额（万元）': 1000, 状态: '已纳入', 纳入日期: '2022-05-01', 包保干部: '包保干部（工信局）', 包保干部邮箱: 'cadre@county.example' },
      },
    ]);
    expect(wl.json.results[0].ok).toBe(true);
    const [id] = await h.report([{ 反映企业代码: code }]);
    const mails = await h.deliver();
    const unit = mails.find((m) => m.key === `${id}#assign#0#unit` && m.to === 'gxj1@county.example')!;
    const copy = mails.find((m) => m.key === `${id}#assign#0#unit` && m.to === 'cadre@county.example')!;
    expect(Object.keys(unit.links).length).toBeGreaterThan(0);
    expect(copy).toBeDefined();
    expect(copy.links).toEqual({});
    expect(copy.text).not.toContain('/a/');
    // A later mail about the same issue (the unit's result → 回访 to the enterprise) copies the cadre too.
    await h.post(unit.links['反馈办理结果'], { result: '已协调解决' });
    const later = await h.deliver();
    expect(later.filter((m) => m.to === 'cadre@county.example').map((m) => m.key).sort()).toEqual([`${id}#follow_up#0`, `${id}#verify_list#0`]);
    expect(later.find((m) => m.to === 'cadre@county.example' && m.key === `${id}#follow_up#0`)!.links).toEqual({});
    expect(duplicates(await h.allMails())).toEqual([]);
  });
});

describe('batch answers (点办理、批处理)', () => {
  it('a batch answered with closeMembers closes every member and sends each 回访 once', { timeout: 90_000 }, async () => {
    const h = await makeLoopHarness(services);
    const codes = ['91410222MA44ABCDE', '91410222MA44ABCDF', '91410222MA44ABCDG'].map((c) => makeUscc(c));
    const ids = await h.report(codes.map((c, i) => ({ 反映企业代码: c, 问题描述: `原料短缺 ${i}`, 联系邮箱: `e${i}@enterprise.example` })));
    await h.sweep()();
    await h.deliver();
    const queue = await h.call('GET', '/v1/decisions', { as: APPROVER });
    const batch = queue.json.decisions.find((d: { type: string }) => d.type === 'batch');
    expect(batch).toMatchObject({ type: 'batch', options: ['答复'] });

    const path = `/v1/batches/${encodeURIComponent(batch.id)}/answer`;
    expect((await h.call('POST', path, { as: IND, body: { answer: 'x' } })).status).toBe(403);
    const res = await h.call('POST', path, { as: APPROVER, body: { answer: '县工信局统一协调钢材供应', policy: 'ZC-001', closeMembers: true } });
    expect(res.status).toBe(200);
    for (const id of ids) {
      const r = (await h.store.getIssue(id))!.record;
      expect(r.status).toBe('已办结');
      expect(r.result).toContain('县工信局统一协调钢材供应');
    }
    const again = await h.call('POST', path, { as: APPROVER, body: { answer: '再答一次', closeMembers: true } });
    expect(again.status).toBe(409);
    await h.sweep()();
    await h.deliver();
    const all = await h.allMails();
    const followUps = all.filter((m) => m.key.includes('#follow_up#'));
    expect(followUps.map((m) => m.to).sort()).toEqual(['e0@enterprise.example', 'e1@enterprise.example', 'e2@enterprise.example']);
    expect(duplicates(all)).toEqual([]);
    expect(CONTACT).toBeTruthy();
  });
});
