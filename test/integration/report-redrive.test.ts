// A 日报 or 周报 recipient set aside after its retries and re-driven (`sibao redrive`, SPEC §7.8 "Set
// aside") is mailed: no scheduled run handles a past date or week again (the 日报 runs at 17:00 for
// today, the 周报 on Friday evenings for the current week), so the re-drive itself sends it, once,
// with the mail that period's other recipients got. Real dynalite and SES emulator; the refused
// recipient is refused by a mailer in front of the emulator's (a transient error at every attempt).
import { describe, expect, it } from 'vitest';
import { createFailureStore } from '../../functions/adapters/failure-store.js';
import type { Mailer } from '../../functions/ports.js';
import { MAX_DELIVERY_ATTEMPTS } from '../../functions/usecases/deliver.js';
import { listSetAside, redrive } from '../../functions/usecases/redrive.js';
import { runDailyReport } from '../../functions/usecases/daily-report.js';
import { publishDigest, runDigest, runScheduledDigest } from '../../functions/usecases/digest.js';
import { MAX_JOB_ATTEMPTS, recordFailure } from '../../functions/usecases/isolation.js';
import { reportName } from '../../functions/usecases/stored-report.js';
import { useTestServices } from '../fixtures/local-services.js';
import { ADMIN, BASE, SECRET } from './api-helpers.js';
import { APPROVER, at, makeLoopHarness, parseMail, type LoopHarness, setAsideDailyReport } from './closed-loop-helpers.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const OFFICE = 'zhb@county.example';
const services = useTestServices();

const mailsWith = async (subject: string) => (await services.mails()).map(parseMail).filter((m) => m.subject.includes(subject));

/** The harness's mailer, refusing `to` with a transient error while `down.on`. */
function refusing(h: LoopHarness, to: string) {
  const down = { on: true, refused: 0 };
  const mailer: Mailer = {
    async send(msg) {
      if (down.on && msg.to.includes(to)) {
        down.refused++;
        throw Object.assign(new Error('throttled'), { name: 'Throttling' });
      }
      return h.mailer.send(msg);
    },
  };
  return { down, mailer };
}

describe('a re-driven 日报 recipient', () => {
  it('is mailed once, at the re-drive, with that date’s report; the others get nothing new; a second re-drive or run sends nothing', async () => {
    const h = await makeLoopHarness(services);
    h.clock.t = at('2026-06-08T09:00');
    await h.sync(ADMIN, 'coordination', 'operating_mode', [{ row: 2, values: { 状态: '应急', 开始时间: '2026-06-09 00:00', 结束时间: '2026-06-12 00:00', 范围: '全县' } }], 'sheet-config');
    const failures = createFailureStore({ client: services.dynamo, tableName: h.tableName });
    const { down, mailer } = refusing(h, OFFICE);
    const deps = { store: h.store, digests: h.digests, clock: h.clock, log: silent, config: { countyName: '演示县' }, failures };
    const daily = runDailyReport({ ...deps, mailer });
    // 2026-06-10's report (1 issue reported that day), re-run as each retry falls due within the day.
    await setAsideDailyReport(h, daily);
    expect(down.refused).toBe(MAX_DELIVERY_ATTEMPTS);
    const aside = await listSetAside({ failures });
    expect(aside.map((f) => f.key)).toEqual([`daily#2026-06-10|${OFFICE}`]);
    const first = await mailsWith('【应急日报】演示县 2026-06-10');
    expect(first.map((m) => m.to)).toEqual([APPROVER]);
    expect(first[0].subject).toContain('今日新增问题 1 件');

    // Two days later (another issue reported since), the cause fixed: the re-drive sends it at once.
    h.clock.t = at('2026-06-12T09:30');
    await h.report([{ 问题描述: '原料采购困难（6月12日）' }, { 问题描述: '用工短缺（6月12日）' }]);
    // Re-driven before the cause is fixed: tried once, still refused, set aside again (listed).
    const early = await redrive({ store: h.store, failures, clock: h.clock, log: silent, reports: { digests: h.digests, mailer } }, aside[0]);
    expect(early.done).toContain('补发失败');
    expect(early.done).toContain('仍为搁置');
    expect(down.refused).toBe(MAX_DELIVERY_ATTEMPTS + 1);
    const stillAside = await listSetAside({ failures });
    expect(stillAside.map((f) => f.key)).toEqual([`daily#2026-06-10|${OFFICE}`]);
    down.on = false;
    // The date's record waits for its last recipient (the dashboard, the alarm): `sending`.
    expect((await h.digests.getDigest('daily#2026-06-10'))!.status).toBe('sending');
    const sender = { digests: h.digests, mailer: h.mailer };
    const done = await redrive({ store: h.store, failures, clock: h.clock, log: silent, reports: sender }, stillAside[0]);
    expect(done.done).toBe(`${OFFICE} 的日报 2026-06-10 已补发`);
    // The re-drive served the date's last recipient: the record is final, no later run needed.
    expect((await h.digests.getDigest('daily#2026-06-10'))!.status).toBe('sent');
    const after = await mailsWith('【应急日报】演示县 2026-06-10');
    expect(after.map((m) => m.to).sort()).toEqual([APPROVER, OFFICE].sort());
    const got = after.find((m) => m.to === OFFICE)!;
    // That date's report, the very mail the other recipient got (not today's figures).
    expect(got.subject).toBe(first[0].subject);
    expect(got.html).toBe(first[0].html);
    expect(got.text).toBe(first[0].text);
    expect(await listSetAside({ failures })).toEqual([]);

    // A second re-drive, a racing run of that date and today's run send nothing more of 06-10.
    const again = await redrive({ store: h.store, failures, clock: h.clock, log: silent, reports: sender }, aside[0]);
    expect(again.done).toBe(`${OFFICE} 的日报 2026-06-10 未重复发送（已发送过）`);
    h.clock.t = at('2026-06-10T23:00');
    expect(await runDailyReport({ ...deps, mailer: h.mailer })()).toMatchObject({ date: '2026-06-10', delivered: 0 });
    h.clock.t = at('2026-06-12T17:00');
    expect(await runDailyReport({ ...deps, mailer: h.mailer })()).toMatchObject({ status: 'no_mode' });
    expect((await mailsWith('【应急日报】演示县 2026-06-10')).length).toBe(2);
  });
});

describe('a re-driven 周报 recipient', () => {
  it('is mailed once after its Friday with the stored digest; the others get nothing new; a second re-drive or run sends nothing', async () => {
    const h = await makeLoopHarness(services);
    await h.sync(ADMIN, 'coordination', 'work_class', [{ row: 5, values: { 专班编码: 'supervision', 名称: '督办督查', 牵头单位: 'U-FGW' } }], 'sheet-config');
    const failures = createFailureStore({ client: services.dynamo, tableName: h.tableName });
    const { down, mailer } = refusing(h, OFFICE);
    const deps = { store: h.store, digests: h.digests, clock: h.clock, log: silent, config: { countyName: '演示县', publicBaseUrl: BASE, actionSecrets: [SECRET] }, failures };
    // Week 2026-W24's Friday (06-12): the 15-minute runs retry the refused recipient till it is set aside.
    const scheduled = runScheduledDigest({ ...deps, mailer });
    h.clock.t = at('2026-06-12T17:00');
    for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
      expect((await scheduled()).week).toBe('2026-W24');
      const d = await h.store.getDelivery('digest#2026-W24', OFFICE);
      h.clock.t = Math.max(h.clock.t + 15 * 60_000, d?.nextAttemptAt ?? 0);
    }
    expect(down.refused).toBe(MAX_DELIVERY_ATTEMPTS);
    const aside = await listSetAside({ failures });
    expect(aside.map((f) => f.key)).toEqual([`digest#2026-W24|${OFFICE}`]);
    const first = await mailsWith('【督办督查周报】演示县');
    const others = first.map((m) => m.to).sort();
    expect(others.length).toBeGreaterThan(0);
    expect(others).not.toContain(OFFICE);

    // The next Tuesday, fixed and re-driven: sent at once, the week's stored digest.
    h.clock.t = at('2026-06-16T10:00');
    down.on = false;
    const sender = { digests: h.digests, mailer: h.mailer };
    // A late run of the week (`sibao digest --week 2026-W24 --send`) racing the re-drive: one mail.
    const [done, late] = await Promise.all([
      redrive({ store: h.store, failures, clock: h.clock, log: silent, reports: sender }, aside[0]),
      runDigest({ ...deps, mailer: h.mailer })({ week: '2026-W24', send: true }),
    ]);
    // Whoever claims it first mails it; a re-drive that finds the late run holding it keeps it listed.
    expect(done.done).toMatch(new RegExp(`^${OFFICE} 的周报 2026-W24 (已补发|未重复发送|未补发（另一任务正在发送）)`));
    expect(late.delivered + (done.done.includes('已补发') ? 1 : 0)).toBe(1);
    const after = await mailsWith('【督办督查周报】演示县');
    expect(after.map((m) => m.to).sort()).toEqual([...others, OFFICE].sort());
    const got = after.find((m) => m.to === OFFICE)!;
    expect(got.subject).toBe(first[0].subject);
    expect(got.html).toBe(first[0].html);

    // A second re-drive, a late run of the week and the next Friday's runs send nothing more of W24.
    const again = await redrive({ store: h.store, failures, clock: h.clock, log: silent, reports: sender }, aside[0]);
    expect(again.done).toBe(`${OFFICE} 的周报 2026-W24 未重复发送（已发送过）`);
    expect(await listSetAside({ failures })).toEqual([]);
    expect(await runDigest({ ...deps, mailer: h.mailer })({ week: '2026-W24', send: true })).toMatchObject({ delivered: 0 });
    h.clock.t = at('2026-06-19T17:00');
    expect(await runScheduledDigest({ ...deps, mailer: h.mailer })()).toMatchObject({ week: '2026-W25' });
    expect((await mailsWith('【督办督查周报】演示县')).filter((m) => m.subject === first[0].subject).length).toBe(others.length + 1);
  });
});

const WEEK = '2026-W24';
const SUPERVISION = 'dbdc@county.example';
const throttled = () => Object.assign(new Error('throttled'), { name: 'Throttling' });

/** The 周报's recipients: the command office, the supervision class and its lead unit. */
async function digestHarness() {
  const h = await makeLoopHarness(services);
  await h.sync(ADMIN, 'coordination', 'work_class', [{ row: 5, values: { 专班编码: 'supervision', 名称: '督办督查', 牵头单位: 'U-FGW', 联系邮箱: SUPERVISION } }], 'sheet-config');
  const failures = createFailureStore({ client: services.dynamo, tableName: h.tableName });
  const deps = { store: h.store, digests: h.digests, clock: h.clock, log: silent, config: { countyName: '演示县', publicBaseUrl: BASE, actionSecrets: [SECRET] }, failures };
  return { h, failures, deps };
}

/** The week's JobFailure as its scheduled runs leave it after their retries (isolation.ts). */
async function weekSetAside(h: LoopHarness, failures: ReturnType<typeof createFailureStore>, error: string) {
  await recordFailure({ failures, clock: h.clock, log: silent }, 'digest', WEEK, { subject: reportName('digest', WEEK), error, setAside: true, attempts: MAX_JOB_ATTEMPTS });
  const [week] = (await listSetAside({ failures })).filter((f) => f.key === WEEK);
  expect(week).toBeDefined();
  return week;
}

const perRecipient = (mails: { to: string }[]) => Object.fromEntries([...new Set(mails.map((m) => m.to))].map((to) => [to, mails.filter((m) => m.to === to).length]));

describe('a re-driven week of the 周报', () => {
  /** Week 2026-W24 published and mailed to the lead unit on Friday, the office and the class refused (transient), then its runs die (a timeout) till the week is set aside. */
  async function cutShort() {
    const { h, failures, deps } = await digestHarness();
    h.clock.t = at('2026-06-12T17:00');
    const refusing: Mailer = {
      async send(msg) {
        if (msg.to.includes(OFFICE) || msg.to.includes(SUPERVISION)) throw throttled();
        return h.mailer.send(msg);
      },
    };
    const friday = await runDigest({ ...deps, mailer: refusing })({ week: WEEK, send: true });
    expect(friday).toMatchObject({ status: 'incomplete', delivered: 1, failed: 2 });
    expect(friday.recipients.sort()).toEqual(['fgw@county.example', SUPERVISION, OFFICE].sort());
    h.clock.t = at('2026-06-12T21:00');
    const week = await weekSetAside(h, failures, 'Error: Task timed out after 300.00 seconds');
    expect((await h.digests.getDigest(WEEK))!.status).toBe('sending');
    const before = await mailsWith('【督办督查周报】演示县');
    expect(before.map((m) => m.to)).toEqual(['fgw@county.example']);
    // The next Tuesday: no scheduled run handles the week again.
    h.clock.t = at('2026-06-16T10:00');
    return { h, failures, deps, week, before, sender: { digests: h.digests, mailer: h.mailer } };
  }

  it('published but cut short: the stored digest goes now to every recipient not yet served, once; the record ends sent; a second re-drive or a late run sends nothing', async () => {
    const { h, failures, deps, week, before, sender } = await cutShort();
    const done = await redrive({ store: h.store, failures, clock: h.clock, log: silent, reports: sender }, week);
    expect(done.done).toBe(`周报 2026-W24 已补发 2 封（${[SUPERVISION, OFFICE].sort().join('、')}）；该周已全部发送`);
    const after = await mailsWith('【督办督查周报】演示县');
    expect(perRecipient(after)).toEqual({ 'fgw@county.example': 1, [OFFICE]: 1, [SUPERVISION]: 1 });
    // The week's stored digest, the very mail the lead unit got on Friday.
    expect(after.every((m) => m.subject === before[0].subject && m.html === before[0].html && m.text === before[0].text)).toBe(true);
    expect((await h.digests.getDigest(WEEK))!.status).toBe('sent');
    expect(await failures.getFailure('digest', WEEK)).toBeNull();
    expect(await listSetAside({ failures })).toEqual([]);

    const again = await redrive({ store: h.store, failures, clock: h.clock, log: silent, reports: sender }, week);
    expect(again.done).toBe('周报 2026-W24 没有未发送的收件人（3 位均已发送过），未重复发送');
    expect(await runDigest({ ...deps, mailer: h.mailer })({ week: WEEK, send: true })).toMatchObject({ status: 'already_sent', delivered: 0 });
    expect((await mailsWith('【督办督查周报】演示县')).length).toBe(3);
  });

  it('re-driven while a late run of the week races it: each recipient mailed once, by one or the other; the record ends sent', async () => {
    const { h, failures, deps, week, sender } = await cutShort();
    // The late run (sibao digest --week … --send) sends slowly, so the two interleave.
    const slow: Mailer = { send: async (msg) => (await new Promise((r) => setTimeout(r, 40)), h.mailer.send(msg)) };
    const [done, late] = await Promise.all([
      redrive({ store: h.store, failures, clock: h.clock, log: silent, reports: sender }, week),
      runDigest({ ...deps, mailer: slow })({ week: WEEK, send: true }),
    ]);
    expect(perRecipient(await mailsWith('【督办督查周报】演示县'))).toEqual({ 'fgw@county.example': 1, [OFFICE]: 1, [SUPERVISION]: 1 });
    // The message says what this re-drive mailed: the others went with the racing run.
    const mine = 2 - late.delivered;
    if (mine > 0) expect(done.done).toMatch(new RegExp(`^周报 2026-W24 已补发 ${mine} 封（`));
    else expect(done.done).toMatch(/^周报 2026-W24 (没有未发送的收件人|另一任务(正在|已)发送)/);
    expect(done.done).not.toContain('自动重试');
    // Whoever finished last saw every recipient final: the record is sent.
    expect((await h.digests.getDigest(WEEK))!.status).toBe('sent');
    // A recipient the racing run still held when the re-drive finished keeps the week listed (the message says so).
    const held = done.done.includes('仍在搁置列表中');
    expect(done.done.endsWith(held ? '该周尚未全部发送' : '该周已全部发送') || done.done.endsWith('未重复发送')).toBe(true);
    expect((await listSetAside({ failures })).map((f) => f.key)).toEqual(held ? [WEEK] : []);
    const again = await redrive({ store: h.store, failures, clock: h.clock, log: silent, reports: sender }, week);
    expect(again.done).toBe('周报 2026-W24 没有未发送的收件人（3 位均已发送过），未重复发送');
    expect(await listSetAside({ failures })).toEqual([]);
    expect((await mailsWith('【督办督查周报】演示县')).length).toBe(3);
  });

  it('served one by one: a recipient set aside, re-driven alone as the last one, makes the week’s record sent', async () => {
    const { h, failures, deps } = await digestHarness();
    const { down, mailer } = refusing(h, OFFICE);
    const scheduled = runScheduledDigest({ ...deps, mailer });
    h.clock.t = at('2026-06-12T17:00');
    for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
      await scheduled();
      const d = await h.store.getDelivery('digest#2026-W24', OFFICE);
      h.clock.t = Math.max(h.clock.t + 15 * 60_000, d?.nextAttemptAt ?? 0);
    }
    const [aside] = await listSetAside({ failures });
    expect(aside.key).toBe(`digest#2026-W24|${OFFICE}`);
    expect((await h.digests.getDigest(WEEK))!.status).toBe('sending');
    h.clock.t = at('2026-06-16T10:00');
    down.on = false;
    const done = await redrive({ store: h.store, failures, clock: h.clock, log: silent, reports: { digests: h.digests, mailer: h.mailer } }, aside);
    expect(done.done).toBe(`${OFFICE} 的周报 2026-W24 已补发`);
    expect((await h.digests.getDigest(WEEK))!.status).toBe('sent');
    expect(perRecipient(await mailsWith('【督办督查周报】演示县'))).toEqual({ 'fgw@county.example': 1, [OFFICE]: 1, [SUPERVISION]: 1 });
  });

  it('never built, where the re-drive can build it (the local stack): built, published and mailed now, once', async () => {
    const { h, failures, deps } = await digestHarness();
    h.clock.t = at('2026-06-12T21:00');
    const week = await weekSetAside(h, failures, 'Error: poisoned whitelist item');
    expect(await h.digests.getDigest(WEEK)).toBeNull();
    h.clock.t = at('2026-06-16T10:00');
    const reports = { digests: h.digests, mailer: h.mailer, publishWeek: (w: string, now: number) => publishDigest(deps, w, now) };
    const done = await redrive({ store: h.store, failures, clock: h.clock, log: silent, reports }, week);
    expect(done.done).toMatch(/^周报 2026-W24 已生成并发布；已补发 3 封（/);
    expect(done.done).toContain('该周已全部发送');
    expect(perRecipient(await mailsWith('【督办督查周报】演示县'))).toEqual({ 'fgw@county.example': 1, [OFFICE]: 1, [SUPERVISION]: 1 });
    expect((await h.digests.getDigest(WEEK))!.status).toBe('sent');
    expect(await failures.getFailure('digest', WEEK)).toBeNull();
    const again = await redrive({ store: h.store, failures, clock: h.clock, log: silent, reports }, week);
    expect(again.done).toBe('周报 2026-W24 没有未发送的收件人（3 位均已发送过），未重复发送');
    expect((await mailsWith('【督办督查周报】演示县')).length).toBe(3);
  });

  it('never built, where the re-drive cannot build it (the deployed table): says what will happen, claims no retry that will not come', async () => {
    const { h, failures } = await digestHarness();
    const reports = { digests: h.digests, mailer: h.mailer, publishHint: (w: string) => `调用 digest 函数：{"week":"${w}","send":true}` };
    // Friday 19:00 of the week itself: the schedule runs till 23:45 and picks it up.
    h.clock.t = at('2026-06-12T19:00');
    const tonight = await redrive({ store: h.store, failures, clock: h.clock, log: silent, reports }, await weekSetAside(h, failures, 'Error: boom'));
    expect(tonight.done).toBe('周报 2026-W24 尚未生成：已恢复自动重试（定时任务运行至 2026-06-12 23:45，下次运行时生成并发送）');
    expect(await failures.getFailure('digest', WEEK)).toMatchObject({ attempts: 0 });
    // The next Tuesday: no scheduled run handles that week again.
    h.clock.t = at('2026-06-16T10:00');
    const later = await redrive({ store: h.store, failures, clock: h.clock, log: silent, reports }, await weekSetAside(h, failures, 'Error: boom'));
    expect(later.done).toBe(
      '周报 2026-W24 尚未生成，定时任务不会再处理该周（其最后一次运行在 2026-06-12 23:45）：已解除搁置，请立即调用 digest 函数：{"week":"2026-W24","send":true}',
    );
    expect(later.done).not.toContain('自动重试');
    const rec = await failures.getFailure('digest', WEEK);
    expect(rec).toMatchObject({ attempts: 0 });
    expect(rec!.setAsideAt).toBeUndefined();
    expect(await services.mails()).toEqual([]);
  });
});
