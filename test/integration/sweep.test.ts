// The sweep handler on dynalite + the SES emulator: reads only what the deadline index says is due,
// page by page; concurrent runs at the same instant produce each notification once; the lease;
// common-problem batches reported once.
import { describe, expect, it } from 'vitest';
import { makeUscc } from '../../domain/rows/uscc.js';
import { useTestServices } from '../fixtures/local-services.js';
import { at, duplicates, makeLoopHarness } from './closed-loop-helpers.js';

const services = useTestServices();

describe('sweep', () => {
  it('reads only due issues, page by page, and nothing once each knows its next instant', async () => {
    const h = await makeLoopHarness(services);
    await h.report([{}, {}, {}, {}, {}]);
    await h.deliver();
    const sweep = h.sweep({ pageSize: 2, batches: false });

    h.clock.t = at('2022-06-06T09:15');
    // Fresh issues are due at once (the sweep computes their schedule).
    expect(await sweep()).toMatchObject({ swept: 5, written: 5, notifications: 0, pages: 3 });
    h.clock.t = at('2022-06-06T09:30');
    expect(await sweep()).toMatchObject({ swept: 0, written: 0, notifications: 0, pages: 1 });
    // Still nothing due at 23:59 on the sign deadline day.
    h.clock.t = at('2022-06-07T23:59');
    expect(await sweep()).toMatchObject({ swept: 0, notifications: 0 });
    // From 00:00 after it, all five are overdue: each swept once, five overdue notices, each with the
    // command office's own copy.
    h.clock.t = at('2022-06-08T00:00');
    expect(await sweep()).toMatchObject({ swept: 5, written: 5, notifications: 5 * 2 });
    expect(await sweep()).toMatchObject({ swept: 0, notifications: 0 });
    // The index is ahead of the next instant: the feedback reminders at 09:00.
    expect((await h.store.listIssuesDuePage(at('2022-06-08T08:59'))).issues).toEqual([]);
    expect((await h.store.listIssuesDuePage(at('2022-06-08T09:00'))).issues).toHaveLength(5);
  });

  it('two sweeps at the same instant, without a lease, send every notification once', async () => {
    const h = await makeLoopHarness(services);
    await h.report([{}, {}, {}]);
    // Every assignment mail out before the sweeps, so that the mails counted below are theirs (under
    // load a send can fail and go a minute later: once, 19 mails were counted, none twice).
    for (let i = 0; i < 5 && (await h.store.listOutbox()).length > 0; i++) {
      await h.deliver();
      h.clock.t += 60_000;
    }
    expect(await h.store.listOutbox()).toEqual([]);
    h.clock.t = at('2022-06-10T00:05'); // sign overdue + first escalation, all due at once
    const a = h.sweep({ leaseMs: 0, batches: false });
    const b = h.sweep({ leaseMs: 0, batches: false });
    const [ra, rb] = await Promise.all([a(), b()]);
    // per issue, however the two runs split the work: overdue (the unit's notice + the command office's
    // copy) and escalation level 1 (督办 to the 指挥部 as the upper unit + the unit's own notice)
    expect(ra.notifications + rb.notifications).toBe(3 * (2 + 2));
    const [rc, rd] = await Promise.all([a(), b()]);
    expect(rc.notifications + rd.notifications).toBe(0);
    const mails = await h.deliver();
    expect(duplicates(mails)).toEqual([]);
    // overdue: 2 unit addresses + 指挥部; escalation: 指挥部 + 2 unit addresses
    expect(mails).toHaveLength(3 * (3 + 3));
    for (const id of ['WT-20220606-001', 'WT-20220606-002', 'WT-20220606-003']) {
      const rec = (await h.store.getIssue(id))!.record;
      expect(rec.events.filter((e) => e.type === 'escalate')).toHaveLength(1);
      expect(rec.escalationLevel).toBe(1);
    }
  });

  it('a run finding the lease held does nothing; once it lapses the next run works', async () => {
    const h = await makeLoopHarness(services);
    await h.report([{}]);
    h.clock.t = at('2022-06-08T00:05');
    expect(await h.store.acquireLease('sweep', 'another-run', h.clock.t, 60_000)).toBe(true);
    expect(await h.sweep()()).toMatchObject({ skipped: true, swept: 0, notifications: 0 });
    h.clock.t += 60_001;
    expect(await h.sweep()()).toMatchObject({ skipped: false, swept: 1, notifications: 2 });
    // Released after the run: an immediate next run is not blocked.
    expect(await h.sweep()()).toMatchObject({ skipped: false });
  });

  it('reports a common problem (3 enterprises, same category, 14 days) once to the command office', async () => {
    const h = await makeLoopHarness(services);
    const code = (n: number) => makeUscc(`91410222MA44ABC${String(n).padStart(2, '0')}`);
    await h.report([
      { 反映企业代码: code(1), 企业名称: '甲公司', 反映日期: '2022-06-01' },
      { 反映企业代码: code(2), 企业名称: '乙公司', 反映日期: '2022-06-03' },
    ]);
    h.clock.t = at('2022-06-06T10:00');
    expect(await h.sweep()()).toMatchObject({ batches: 0 });
    await h.report([{ 反映企业代码: code(3), 企业名称: '丙公司', 反映日期: '2022-06-06' }]);
    h.clock.t = at('2022-06-06T10:15');
    expect(await h.sweep()()).toMatchObject({ batches: 1 });
    h.clock.t = at('2022-06-06T10:30');
    expect(await h.sweep()()).toMatchObject({ batches: 0 });
    // A fourth enterprise joins the same batch: not reported again.
    await h.report([{ 反映企业代码: code(4), 企业名称: '丁公司', 反映日期: '2022-06-06' }]);
    h.clock.t = at('2022-06-06T10:45');
    expect(await h.sweep()()).toMatchObject({ batches: 0 });

    const batchMails = (await h.deliver()).filter((m) => m.key.startsWith('batch#'));
    expect(batchMails.map((m) => [m.to, m.key])).toEqual([['zhb@county.example', 'batch#CB-2022-06-01-原料采购']]);
    expect(batchMails[0].subject).toContain('共性问题');
    expect(batchMails[0].text).toContain('3 家');
    expect(batchMails[0].text).toContain('县工业和信息化局');
    expect(await h.store.getBatch('CB-2022-06-01-原料采购')).toMatchObject({ via: 'WT-20220606-001' });
  });

  it('a batch with a member not routed yet (stored before the configuration: no assignment) is reported; the run does not fail', async () => {
    const h = await makeLoopHarness(services);
    const code = (n: number) => makeUscc(`91410222MA44ABD${String(n).padStart(2, '0')}`);
    const ids = await h.report([
      { 反映企业代码: code(1), 企业名称: '甲公司', 反映日期: '2022-06-01' },
      { 反映企业代码: code(2), 企业名称: '乙公司', 反映日期: '2022-06-03' },
      { 反映企业代码: code(3), 企业名称: '丙公司', 反映日期: '2022-06-06' },
    ]);
    // The second as sync stores an issue it could not route (sync.ts unroutedRecord).
    const stored = (await h.store.getIssue(ids[1]))!;
    expect(await h.store.putIssue({ ...stored, record: { ...stored.record, status: '待分派', assignments: [] }, pending: {} }, stored.revision)).toBe(true);
    h.clock.t = at('2022-06-06T10:15');
    const run = await h.sweep()();
    expect(run).toMatchObject({ batches: 1 });
    expect(run.failed).toBeUndefined();
    const batch = await h.store.getBatch('CB-2022-06-01-原料采购');
    expect(batch?.issueIds).toEqual(ids);
  });
});
