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
import { runDigest, runScheduledDigest } from '../../functions/usecases/digest.js';
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
    const sender = { digests: h.digests, mailer: h.mailer };
    const done = await redrive({ store: h.store, failures, clock: h.clock, log: silent, reports: sender }, stillAside[0]);
    expect(done.done).toBe(`${OFFICE} 的日报 2026-06-10 已补发`);
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
