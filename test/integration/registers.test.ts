// The seed's registers on the local stack (real dynalite + SES emulator): 停产停工 numbered at sync,
// approved through the decision queue (type `shutdown`), 全部 without 报省会商 refused, the 3-day
// overrun mail to the county leadership once however often the sweep runs, 熔断 mailed to the sector
// class once, the emergency's 紧急 limits on new issues and its daily report at 17:00 (none after it
// ends), and the digest's 督办督查情况 and shutdown lists; the dashboard and digest show each shutdown's
// approval from its decision; a register mail set aside after its retries is a JobFailure (the
// sweep's for the overrun mail, re-driven and sent once; the digest job's for the 日报).
import { describe, expect, it } from 'vitest';
import { createFailureStore } from '../../functions/adapters/failure-store.js';
import { makeSweepHandler } from '../../functions/handlers/sweep.js';
import type { Mailer } from '../../functions/ports.js';
import { MAX_DELIVERY_ATTEMPTS, RETRY_DELAYS_MS, retryDelay } from '../../functions/usecases/deliver.js';
import { listSetAside, redrive } from '../../functions/usecases/redrive.js';
import { runDailyReport } from '../../functions/usecases/daily-report.js';
import { generateDigest } from '../../functions/usecases/digest.js';
import { dashboardModel } from '../../functions/usecases/dashboard.js';
import { renderDashboardHtml } from '../../domain/reports/dashboard-render.js';
import { makeUscc } from '../../domain/rows/uscc.js';
import { useTestServices } from '../fixtures/local-services.js';
import { ADMIN, IND, issueValues } from './api-helpers.js';
import { APPROVER, at, makeLoopHarness, parseMail, type LoopHarness } from './closed-loop-helpers.js';

const EPI = 'epi@county.example';
const SUP = 'sup@county.example';
const A = makeUscc('91410222MA44TCA01');
const B = makeUscc('91410222MA44TCA02');
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

const services = useTestServices();

async function harness(): Promise<LoopHarness> {
  const h = await makeLoopHarness(services);
  const classes = [
    { row: 4, values: { 专班编码: 'epidemic_support', 名称: '防疫保障', 牵头单位: 'U-FGW' } },
    { row: 5, values: { 专班编码: 'supervision', 名称: '督办督查', 牵头单位: 'U-FGW' } },
  ];
  expect((await h.sync(ADMIN, 'coordination', 'work_class', classes, 'sheet-config')).json.results.every((r: { ok: boolean }) => r.ok)).toBe(true);
  const members = [
    { row: 5, values: { 邮箱: EPI, 专班编码: 'epidemic_support', 角色: '编辑' } },
    { row: 6, values: { 邮箱: SUP, 专班编码: 'supervision', 角色: '编辑' } },
  ];
  const res = await h.sync(ADMIN, 'coordination', 'member', members, 'sheet-config');
  expect(res.json.results.every((r: { ok: boolean }) => r.ok)).toBe(true);
  const wl = await h.sync(IND, 'industry', 'whitelist', [A, B].map((code, i) => ({ row: i + 2, values: { 统一社会信用代码: code, 名称: `演示企业${i + 1}`, 所属领域: '工业生产', 所在乡镇: '城关镇', '产值或投资额（万元）': 1000, 状态: '已纳入', 纳入日期: '2022-05-10', 联系电话: '13800000001' } })));
  expect(wl.json.results.every((r: { ok: boolean }) => r.ok)).toBe(true);
  return h;
}

const sweepWithMail = (h: LoopHarness) => makeSweepHandler({ store: h.store, clock: h.clock, mailer: h.mailer, config: { batches: false } });
/** A shutdown's row in the page's 停产停工 list (the 待决事项 above may name it too). */
const shutdownRow = (page: string, id: string) => page.slice(page.indexOf('停产停工中')).split('<tr').find((r) => r.includes(id)) ?? '';
const mailsWith = async (subject: string) => (await services.mails()).map(parseMail).filter((m) => m.subject.includes(subject));

describe('停产停工 on the local stack', () => {
  it('numbers the row at sync, refuses 全部 without 报省会商, and mails the overrun to the county leadership once', async () => {
    const h = await harness();
    h.clock.t = at('2022-06-06T09:00');
    const rows = [
      { row: 2, values: { 企业代码: A, 企业名称: '演示企业1', 所属领域: '工业生产', 停产范围: '部分', 原因: '疫情', 开始日期: '2022-06-06', 预计恢复日期: '2022-06-08', 报省会商: '否', 状态: '已同意' } },
      { row: 3, values: { 企业代码: B, 企业名称: '演示企业2', 所属领域: '工业生产', 停产范围: '全部', 原因: '安全', 开始日期: '2022-06-06', 报省会商: '否' } },
    ];
    const res = await h.sync(IND, 'industry', 'shutdown', rows, 'sheet-industry');
    expect(res.status).toBe(200);
    const [ok, refused] = res.json.results;
    expect(ok).toMatchObject({ ok: true, writeBack: { 编号: 'TC-20220606-001', 状态: '已同意' } });
    expect(refused.ok).toBe(false);
    expect(refused.errors).toEqual([{ column: '报省会商', code: 'conditional_required', message: expect.stringContaining('停产范围为「全部」') }]);
    // A re-sync keeps the number.
    const again = await h.sync(IND, 'industry', 'shutdown', [rows[0]], 'sheet-industry');
    expect(again.json.results[0].writeBack.编号).toBe('TC-20220606-001');

    const sweep = sweepWithMail(h);
    // 06-09 is the third day after 开始日期: not yet more than 3 days.
    h.clock.t = at('2022-06-09T23:45');
    expect((await sweep()).registers).toMatchObject({ overrun: 0, sent: 0 });
    expect(await mailsWith('停产停工超期')).toEqual([]);
    // From 06-10 on: one mail, whatever the number of runs.
    for (const t of ['2022-06-10T00:00', '2022-06-10T00:15', '2022-06-10T09:00', '2022-06-11T09:00']) {
      h.clock.t = at(t);
      await sweep();
    }
    await Promise.all([sweep(), sweep()]);
    const mails = await mailsWith('停产停工超期');
    expect(mails.map((m) => [m.to, m.key])).toEqual([['lead@county.example', 'TC-20220606-001#overrun']]);
    expect(mails[0].text).toContain('演示企业1');
    expect(mails[0].text).toContain('超过“原则上不超过 3 天”');
  });

  it('a synced shutdown opens a `shutdown` decision; 批准 (POST) is its 状态 on the next sync; a second decider gets 409', async () => {
    const h = await harness();
    h.clock.t = at('2022-06-06T09:00');
    const row = { row: 2, values: { 企业代码: A, 企业名称: '演示企业1', 所属领域: '工业生产', 停产范围: '全部', 原因: '疫情', 开始日期: '2022-06-06', 报省会商: '是' } };
    const first = await h.sync(IND, 'industry', 'shutdown', [row], 'sheet-industry');
    expect(first.json.results[0]).toMatchObject({ ok: true, writeBack: { 编号: 'TC-20220606-001', 状态: '待审批', 审批意见: '', 审批时间: '' } });

    // The command office is asked by mail with 批准/驳回, and the queue lists it.
    const asked = await h.deliver();
    const ask = asked.find((m) => m.key === 'TC-20220606-001#decision' && m.to === APPROVER)!;
    expect(ask.subject).toContain('停产停工审批');
    expect(Object.keys(ask.links)).toEqual(['批准', '驳回']);
    const queue = await h.call('GET', '/v1/decisions', { as: APPROVER });
    expect(queue.status).toBe(200);
    expect(queue.json.decisions).toEqual([
      expect.objectContaining({ id: 'TC-20220606-001', type: 'shutdown', typeLabel: '停产停工审批', options: ['批准', '驳回'], requester: 'industry', status: '待审批' }),
    ]);
    const pending = renderDashboardHtml(await dashboardModel({ store: h.store, digests: h.digests, getProfile: async () => (await h.store.getProfile())!.profile }, h.clock.t));
    expect(shutdownRow(pending, 'TC-20220606-001')).toContain('>待审批</span>');
    // A second sync before the decision opens nothing new.
    expect((await h.sync(IND, 'industry', 'shutdown', [row], 'sheet-industry')).json.results[0].writeBack.状态).toBe('待审批');
    expect(await h.deliver()).toEqual([]);

    h.clock.t = at('2022-06-06T10:30');
    const ok = await h.call('POST', '/v1/decisions/TC-20220606-001', { as: APPROVER, body: { decision: '批准', note: '已报省会商' } });
    expect(ok.status).toBe(200);
    expect(ok.json.decision).toMatchObject({ type: 'shutdown', status: '已同意', decision: '批准', decidedBy: APPROVER });
    // The dashboard and the digest's 十一 read the approval from the decision: 已同意 and when.
    const dashboard = renderDashboardHtml(await dashboardModel({ store: h.store, digests: h.digests, getProfile: async () => (await h.store.getProfile())!.profile }, at('2022-06-06T11:00')));
    expect(shutdownRow(dashboard, 'TC-20220606-001')).toMatch(/>已同意<\/span>.*6月6日 10:30/);
    const digest = await generateDigest({ store: h.store, digests: h.digests, config: { countyName: '演示县', publicBaseUrl: 'http://127.0.0.1', actionSecrets: ['x'.repeat(32)] } }, '2022-W23', at('2022-06-06T11:00'));
    expect(digest.model.registers.shutdowns.inForce.map((x) => [x.id, x.approval])).toEqual([['TC-20220606-001', { status: '已同意', at: at('2022-06-06T10:30'), note: '已报省会商' }]]);
    expect(digest.text).toContain('｜已同意（6月6日 10:30）｜TC-20220606-001');
    const late = await h.call('POST', '/v1/decisions/TC-20220606-001', { as: APPROVER, body: { decision: '驳回', note: '晚了' } });
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe('already_decided');
    expect((await h.post(ask.links['驳回'], { note: '晚了' })).status).toBe(409);
    expect((await h.call('GET', '/v1/decisions', { as: APPROVER })).json.decisions).toEqual([]);

    // The sector class hears the outcome; the row's 状态 is the decision on its next sync.
    const result = await h.deliver();
    expect(result.filter((m) => m.key === 'TC-20220606-001#decision_result').map((m) => m.to)).toContain(IND);
    const again = await h.sync(IND, 'industry', 'shutdown', [row], 'sheet-industry');
    expect(again.json.results[0].writeBack).toMatchObject({ 编号: 'TC-20220606-001', 状态: '已同意', 审批意见: '已报省会商', 审批时间: '2022-06-06 10:30' });
    // 实际恢复日期 makes it 已恢复, the approval kept in the queue.
    h.clock.t = at('2022-06-08T09:00');
    const resumed = await h.sync(IND, 'industry', 'shutdown', [{ row: 2, values: { ...row.values, 实际恢复日期: '2022-06-08' } }], 'sheet-industry');
    expect(resumed.json.results[0].writeBack.状态).toBe('已恢复');
    expect((await h.store.getDecision('TC-20220606-001'))?.status).toBe('已同意');
    // A shutdown with a decision is not deleted by a manifest that leaves it out (SPEC §7.8).
    const gone = await h.call('POST', '/v1/sync/manifest', { as: IND, body: { spreadsheetId: 'sheet-industry', workClass: 'industry', kind: 'shutdown', ids: [] } });
    expect(gone.status).toBe(200);
    expect(gone.json).toMatchObject({ deleted: 0, refused: [expect.objectContaining({ id: first.json.results[0].id, code: 'decision_in_progress' })] });
  });
});

describe('a register mail that exhausts its retries', () => {
  it('is set aside as a JobFailure of the sweep named by its TC- 编号 (dashboard line, redrive), and sent once after redrive', async () => {
    const h = await harness();
    h.clock.t = at('2022-06-06T09:00');
    await h.sync(IND, 'industry', 'shutdown', [{ row: 2, values: { 企业代码: A, 企业名称: '演示企业1', 所属领域: '工业生产', 停产范围: '部分', 原因: '疫情', 开始日期: '2022-06-06' } }], 'sheet-industry');
    const failures = createFailureStore({ client: services.dynamo, tableName: h.tableName });
    // SES unreachable for the county leadership: a transient failure (not a MailError) at every attempt.
    let down = true;
    let attempts = 0;
    const flaky: Mailer = {
      async send(msg) {
        if (down && msg.subject.includes('停产停工超期')) {
          attempts++;
          throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'ServiceUnavailable' });
        }
        return h.mailer.send(msg);
      },
    };
    const sweep = makeSweepHandler({ store: h.store, clock: h.clock, mailer: flaky, failures, config: { batches: false } });
    h.clock.t = at('2022-06-10T09:00');
    for (let run = 0; run < MAX_DELIVERY_ATTEMPTS + 2; run++) {
      await sweep();
      h.clock.t += RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1];
    }
    expect(attempts).toBe(MAX_DELIVERY_ATTEMPTS);
    const key = 'TC-20220606-001#overrun';
    expect(await h.store.getDelivery(key, 'lead@county.example')).toMatchObject({ status: 'set_aside', attempts: MAX_DELIVERY_ATTEMPTS });
    const aside = await listSetAside({ failures });
    expect(aside.map((f) => [f.job, f.key])).toEqual([['sweep', `${key}|lead@county.example`]]);
    expect(aside[0].subject).toBe('停产停工超期 TC-20220606-001（演示企业1） → lead@county.example');
    // The alarm's line on the command office's dashboard names it.
    const page = async () =>
      renderDashboardHtml(await dashboardModel({ store: h.store, digests: h.digests, getProfile: async () => (await h.store.getProfile())!.profile, failures }, h.clock.t));
    expect(await page()).toContain('后台任务搁置 1 项');
    expect(await page()).toContain('巡查「停产停工超期 TC-20220606-001（演示企业1） → lead@county.example」');
    expect(await mailsWith('停产停工超期')).toEqual([]);

    // Fixed and re-driven: the next sweep sends it once; nothing is left set aside.
    down = false;
    const done = await redrive({ store: h.store, failures, clock: h.clock, log: silent }, aside[0]);
    expect(done.done).toContain('下次巡查任务运行时发送');
    await sweep();
    await sweep();
    expect((await mailsWith('停产停工超期')).map((m) => [m.to, m.key])).toEqual([['lead@county.example', key]]);
    expect(await listSetAside({ failures })).toEqual([]);
    expect(await page()).not.toContain('后台任务搁置');
  });

  it('the 日报 of a day, refused transiently at every attempt, is set aside as a JobFailure named by its date', async () => {
    const h = await harness();
    h.clock.t = at('2022-06-06T09:00');
    await h.sync(ADMIN, 'coordination', 'operating_mode', [{ row: 2, values: { 状态: '应急', 开始时间: '2022-06-08 00:00', 结束时间: '2022-06-09 00:00', 范围: '全县' } }], 'sheet-config');
    const failures = createFailureStore({ client: services.dynamo, tableName: h.tableName });
    const flaky: Mailer = {
      async send(msg) {
        if (msg.to.includes('zhb@county.example')) throw Object.assign(new Error('throttled'), { name: 'Throttling' });
        return h.mailer.send(msg);
      },
    };
    const daily = runDailyReport({ store: h.store, digests: h.digests, mailer: flaky, clock: h.clock, log: silent, config: { countyName: '演示县' }, failures });
    // Re-run as each retry falls due, all within the emergency day.
    h.clock.t = at('2022-06-08T00:05');
    for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
      expect((await daily()).date).toBe('2022-06-08');
      h.clock.t += retryDelay(attempt);
    }
    expect(await h.store.getDelivery('daily#2022-06-08', 'zhb@county.example')).toMatchObject({ status: 'set_aside', attempts: MAX_DELIVERY_ATTEMPTS });
    expect((await listSetAside({ failures })).map((f) => [f.job, f.key, f.subject])).toEqual([['digest', 'daily#2022-06-08|zhb@county.example', '日报 2022-06-08 → zhb@county.example']]);
    // The command office's other recipient got it once.
    expect((await mailsWith('【应急日报】')).map((m) => m.to)).toEqual([APPROVER]);
  });
});

describe('熔断抽查 on the local stack', () => {
  it('mails the sector class once to remove the enterprise; listed until the whitelist shows 已移出 for 熔断', async () => {
    const h = await harness();
    h.clock.t = at('2022-06-07T10:00');
    const res = await h.sync(EPI, 'epidemic_support', 'spot_check', [
      { row: 2, values: { 企业代码: A, 抽查日期: '2022-06-07', 抽查单位: '县卫健委', 结果: '熔断', 说明: '未落实进出管控' } },
      { row: 3, values: { 企业代码: B, 抽查日期: '2022-06-07', 抽查单位: '县卫健委', 结果: '合格' } },
    ]);
    expect(res.text).toContain('"ok":true');
    expect(res.json.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, true]);
    const sweep = sweepWithMail(h);
    for (let i = 0; i < 3; i++) {
      h.clock.t += 15 * 60_000;
      await sweep();
    }
    const mails = await mailsWith('【熔断】');
    // The industry class: its editor member and its 牵头单位's two addresses.
    expect(mails.map((m) => m.to).sort()).toEqual(['gxj1@county.example', 'gxj2@county.example', IND].sort());
    expect(new Set(mails.map((m) => m.key))).toEqual(new Set([`fuse#${A}#2022-06-07#县卫健委`]));
    expect(mails[0].text).toContain('熔断（防控不力致疫情输入扩散）');

    const page = async () => renderDashboardHtml(await dashboardModel({ store: h.store, digests: h.digests, getProfile: async () => (await h.store.getProfile())!.profile }, h.clock.t));
    expect(await page()).toContain('熔断待移出白名单 1 家');
    const removed = await h.sync(IND, 'industry', 'whitelist', [{ row: 2, values: { 统一社会信用代码: A, 名称: '演示企业1', 所属领域: '工业生产', 所在乡镇: '城关镇', '产值或投资额（万元）': 1000, 状态: '已移出', 纳入日期: '2022-05-10', 移出日期: '2022-06-07', 移出原因: '熔断', 联系电话: '13800000001' } }]);
    expect(removed.json.results[0].ok).toBe(true);
    expect(await page()).toContain('熔断待移出白名单 0 家');
  });
});

describe('register mails, each on its own', () => {
  it('a store fault on the overrun mail does not stop the 熔断 mail of the same run; the overrun goes out next run', async () => {
    const h = await harness();
    h.clock.t = at('2022-06-06T09:00');
    const shut = await h.sync(IND, 'industry', 'shutdown', [{ row: 2, values: { 企业代码: A, 企业名称: '演示企业1', 所属领域: '工业生产', 停产范围: '部分', 原因: '疫情', 开始日期: '2022-06-06', 报省会商: '否', 状态: '已同意' } }], 'sheet-industry');
    expect(shut.json.results[0].ok).toBe(true);
    const fuse = await h.sync(EPI, 'epidemic_support', 'spot_check', [{ row: 2, values: { 企业代码: B, 抽查日期: '2022-06-10', 抽查单位: '县卫健委', 结果: '熔断', 说明: '未落实进出管控' } }]);
    expect(fuse.json.results[0].ok).toBe(true);
    let fail = true;
    const store = { ...h.store, getIssueSource: (key: string) => (fail && key.includes('overrun') ? Promise.reject(new Error('DynamoDB 暂时不可用')) : h.store.getIssueSource(key)) };
    const sweep = makeSweepHandler({ store, clock: h.clock, mailer: h.mailer, config: { batches: false } });
    h.clock.t = at('2022-06-10T10:00');
    const run1 = await sweep();
    expect(run1.registers).toMatchObject({ overrun: 1, fusePending: 1 });
    expect(run1.registers!.failed).toBeGreaterThan(0);
    expect((await mailsWith('【熔断】')).length).toBeGreaterThan(0);
    expect(await mailsWith('停产停工超期')).toEqual([]);
    fail = false;
    h.clock.t += 15 * 60_000;
    await sweep();
    expect((await mailsWith('停产停工超期')).map((m) => m.to)).toEqual(['lead@county.example']);
  });
});

describe('平急转换 on the local stack', () => {
  it('new issues in scope use the 紧急 limits while 应急 is in force; a daily report at 17:00 each day of it and none after', async () => {
    const h = await harness();
    h.clock.t = at('2022-06-06T09:00');
    const mode = await h.sync(ADMIN, 'coordination', 'operating_mode', [{ row: 2, values: { 状态: '应急', 开始时间: '2022-06-08 00:00', 结束时间: '2022-06-09 00:00', 范围: '城关镇', 说明: '演示' } }], 'sheet-config');
    expect(mode.json.results[0].ok).toBe(true);
    expect((await h.store.getProfile())!.profile.operatingModes).toHaveLength(1);

    // Issues reported during the emergency: 城关镇 gets 紧急 limits, elsewhere the ordinary ones.
    h.clock.t = at('2022-06-08T10:00');
    const ids = await h.report([{ 所在乡镇: '城关镇', 问题描述: '原料运输受阻（应急期间）' }, { 所在乡镇: '', 问题描述: '原料采购困难（未写乡镇）' }]);
    const [inScope, outside] = await Promise.all(ids.map(async (id) => (await h.store.getIssue(id))!.record));
    expect(inScope.assignments[0]).toMatchObject({ signBy: '2022-06-08', resolveBy: '2022-06-09' });
    expect(inScope.warnings.map((w) => w.code)).toContain('emergency_sla');
    expect(outside.assignments[0].resolveBy).toBe('2022-06-17');

    const daily = runDailyReport({ store: h.store, digests: h.digests, mailer: h.mailer, clock: h.clock, log: silent, config: { countyName: '演示县' } });
    h.clock.t = at('2022-06-07T17:00');
    expect(await daily()).toMatchObject({ status: 'no_mode', delivered: 0 });
    h.clock.t = at('2022-06-08T17:00');
    const sent = await daily();
    expect(sent).toMatchObject({ status: 'sent', date: '2022-06-08', recipients: [APPROVER, 'zhb@county.example'].sort(), delivered: 2 });
    // A retried or second run the same day mails nobody again.
    h.clock.t = at('2022-06-08T17:15');
    expect(await daily()).toMatchObject({ delivered: 0 });
    h.clock.t = at('2022-06-09T17:00');
    expect(await daily()).toMatchObject({ status: 'no_mode', delivered: 0 });
    const reports = await mailsWith('【应急日报】');
    expect(reports.map((m) => [m.to, m.key]).sort()).toEqual([[APPROVER, 'daily#2022-06-08'], ['zhb@county.example', 'daily#2022-06-08']]);
    expect(reports[0].subject).toContain('今日新增问题 2 件');
    expect(reports[0].text).toContain('应急，自 2022-06-08 00:00 起｜范围：城关镇');

    // The dashboard says the mode and since when, while in force; 常态 since its end afterwards.
    const page = async () => renderDashboardHtml(await dashboardModel({ store: h.store, digests: h.digests, getProfile: async () => (await h.store.getProfile())!.profile }, h.clock.t));
    h.clock.t = at('2022-06-08T12:00');
    expect(await page()).toMatch(/运行状态：<span[^>]*>应急<\/span>（城关镇，自 2022-06-08 00:00 起）/);
    h.clock.t = at('2022-06-09T12:00');
    expect(await page()).toContain('运行状态：常态，自 2022-06-09 00:00 起');
  });
});

describe('督办督查情况 in the digest', () => {
  it('lists new, rectified and overdue findings by unit, and the shutdown lists', async () => {
    const h = await harness();
    h.clock.t = at('2022-06-06T09:00');
    const f = await h.sync(SUP, 'supervision', 'finding', [
      { row: 2, values: { 督查日期: '2022-06-02', 被督查单位: 'U-GXJ', 问题: '诉求台账未按日更新', 整改时限: '2个工作日' } },
      { row: 3, values: { 督查日期: '2022-06-06', 被督查单位: '城关镇', 问题: '包联联络人未明确', 整改时限: '2022-06-08', 整改情况: '已明确专人', 整改完成日期: '2022-06-08' } },
    ]);
    expect(f.json.results.map((r: { writeBack: Record<string, string> }) => r.writeBack)).toEqual([
      { 编号: 'DC-20220606-001', 状态: '整改中' },
      { 编号: 'DC-20220606-002', 状态: '整改中' },
    ]);
    await h.sync(IND, 'industry', 'shutdown', [
      { row: 2, values: { 企业代码: A, 所属领域: '工业生产', 停产范围: '部分', 原因: '疫情', 开始日期: '2022-06-06' } },
      { row: 3, values: { 企业代码: B, 所属领域: '工业生产', 停产范围: '全部', 原因: '安全', 开始日期: '2022-06-07', 实际恢复日期: '2022-06-09', 报省会商: '是' } },
    ]);
    // The supervision class writes only its own tab.
    expect((await h.sync(SUP, 'supervision', 'shutdown', [{ row: 2, values: {} }])).status).toBe(403);

    const friday = at('2022-06-10T17:00');
    const { model, html, text } = await generateDigest({ store: h.store, digests: h.digests, config: { countyName: '演示县', publicBaseUrl: 'http://127.0.0.1', actionSecrets: ['x'.repeat(32)] } }, '2022-W23', friday);
    const fd = model.registers.findings;
    expect(fd.found.map((x) => x.id)).toEqual(['DC-20220606-002']);
    expect(fd.rectified.map((x) => x.id)).toEqual(['DC-20220606-002']);
    expect(fd.overdue).toMatchObject([{ id: 'DC-20220606-001', unitName: '县工业和信息化局', due: '2022-06-07', workdaysOverdue: 3 }]);
    expect(fd.byUnit.map((u) => [u.unitName, u.found, u.rectified, u.overdue, u.open])).toEqual([
      ['县工业和信息化局', 0, 0, 1, 1],
      ['城关镇', 1, 1, 0, 0],
    ]);
    const sd = model.registers.shutdowns;
    expect(sd.inForce.map((s) => [s.id, s.days, s.overrun])).toEqual([['TC-20220606-001', 4, true]]);
    expect(sd.overrun).toHaveLength(1);
    expect(sd.resumed.map((s) => s.id)).toEqual(['TC-20220606-002']);
    expect(html).toContain('十二、督办督查情况');
    expect(html).toContain('本周新发现 1 项，本周整改完成 1 项，当前逾期未整改 1 项');
    expect(text).toContain('停产停工中 1 家，其中超过 3 天 1 家');
    expect(text).toContain('县工业和信息化局｜本周发现 0｜本周整改 0｜逾期 1｜未整改 1');
  });
});
