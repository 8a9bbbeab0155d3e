import { describe, expect, it } from 'vitest';
import { dueForSweep, escalationAt, remindAt, sweepIssue } from '../../domain/issues/sweep.js';
import type { IssueRecord, Notification } from '../../domain/issues/types.js';
import { act, at, calendar, command, create, issue, profile, unit } from './lifecycle-fixtures.js';

const ctx = { profile, calendar };
const ID = 'WT-20220601-001';

/** Wednesday 2022-06-01 10:00, 一般: sign 06-02, feedback 06-07, resolve 06-13 (7 working days over 端午 06-03). */
function fresh(): IssueRecord {
  return create(ID, issue(), at('2022-06-01T10:00')).record;
}

/** Sweep at each instant in turn, returning the last record and every notification sent. */
function sweepAt(record: IssueRecord, instants: number[]): { record: IssueRecord; sent: Notification[] } {
  const sent: Notification[] = [];
  let r = record;
  for (const t of instants) {
    const res = sweepIssue(r, t, ctx);
    sent.push(...res.notifications);
    r = res.record;
  }
  return { record: r, sent };
}

describe('deadlines over the 2022 Dragon Boat holiday (端午 06-03)', () => {
  it('routing gives 7 working days that skip Friday 06-03 and the weekend', () => {
    expect(fresh().assignments[0]).toMatchObject({ signBy: '2022-06-02', feedbackBy: '2022-06-07', resolveBy: '2022-06-13' });
    // reminders: the working day before; Friday 06-10 for Monday 06-13
    expect(remindAt('2022-06-13', calendar)).toBe(at('2022-06-10T09:00'));
    expect(remindAt('2022-06-07', calendar)).toBe(at('2022-06-06T09:00'));
    // 2 working days after 06-02 is 06-07 (06-03 is a holiday): escalation from Wednesday 06-08 00:00
    expect(escalationAt('2022-06-02', 1, calendar)).toBe(at('2022-06-08T00:00'));
    expect(escalationAt('2022-06-02', 2, calendar)).toBe(at('2022-06-10T00:00'));
  });

  it('an unsigned, unresolved issue: overdue, reminders, two escalations up a 3-level chain, then nothing', () => {
    let r = fresh();
    expect(dueForSweep(r, ctx)).toBe(at('2022-06-03T00:00'));

    const step = (when: string) => {
      const res = sweepIssue(r, at(when), ctx);
      r = res.record;
      return res;
    };

    expect(step('2022-06-02T23:59:59.999').notifications).toEqual([]);
    expect(r.overdue).toBe(false);

    const overdue = step('2022-06-03T00:00');
    // One mail per reader: the late unit (its links) and the command office (its own copy).
    expect(overdue.notifications).toEqual([
      expect.objectContaining({
        key: `${ID}#overdue#sign#0#2022-06-02`,
        template: 'overdue',
        to: ['gxj@sibao.example', 'gxj-duty@sibao.example'],
      }),
      expect.objectContaining({
        key: `${ID}#overdue#sign#0#2022-06-02#command`,
        template: 'overdue_copy',
        to: ['command@sibao.example'],
      }),
    ]);
    expect(overdue.notifications.map((n) => n.cc)).toEqual([undefined, undefined]);
    expect(overdue.notifications[1].data).toEqual(overdue.notifications[0].data);
    expect(r.overdue).toBe(true);
    expect(overdue.nextAt).toBe(at('2022-06-06T09:00'));

    // the same instant again: nothing new, record unchanged
    const again = sweepIssue(r, at('2022-06-03T00:00'), ctx);
    expect(again.notifications).toEqual([]);
    expect(again.record).toEqual(r);

    expect(step('2022-06-06T08:59').notifications).toEqual([]);
    expect(step('2022-06-06T09:00').notifications.map((n) => n.key)).toEqual([`${ID}#remind#feedback#0#2022-06-07`]);

    expect(step('2022-06-07T23:59:59.999').notifications).toEqual([]);
    const e1 = step('2022-06-08T00:00');
    // The upper unit (督办), the late unit (its links), the command office: one mail each.
    expect(e1.notifications).toEqual([
      expect.objectContaining({ key: `${ID}#escalate#0#1`, template: 'escalate', to: ['gov@sibao.example'] }),
      expect.objectContaining({ key: `${ID}#escalate#0#1#unit`, template: 'escalate_unit', to: ['gxj@sibao.example', 'gxj-duty@sibao.example'] }),
      expect.objectContaining({ key: `${ID}#escalate#0#1#command`, template: 'escalate_copy', to: ['command@sibao.example'] }),
    ]);
    expect(e1.notifications.map((n) => n.cc)).toEqual([undefined, undefined, undefined]);
    for (const n of e1.notifications) expect(n.data).toMatchObject({ level: 1, target: 'GOV', since: '2022-06-02', workdaysOverdue: 3 });
    expect(r.escalationLevel).toBe(1);
    expect(e1.nextAt).toBe(at('2022-06-10T00:00'));

    const e2 = step('2022-06-10T00:00');
    expect(e2.notifications.map((n) => [n.key, n.to])).toEqual([
      [`${ID}#escalate#0#2`, ['leader@sibao.example']],
      [`${ID}#escalate#0#2#unit`, ['gxj@sibao.example', 'gxj-duty@sibao.example']],
      [`${ID}#escalate#0#2#command`, ['command@sibao.example']],
    ]);
    expect(r.escalationLevel).toBe(2);

    expect(step('2022-06-10T09:00').notifications.map((n) => n.key)).toEqual([`${ID}#remind#resolve#0#2022-06-13`]);
    const last = step('2022-06-14T00:00');
    expect(last.notifications.map((n) => n.key)).toEqual([`${ID}#overdue#resolve#0#2022-06-13`, `${ID}#overdue#resolve#0#2022-06-13#command`]);
    // top of the chain reached, everything sent: the sweep no longer needs this record
    expect(last.nextAt).toBeNull();
    expect(step('2022-07-01T12:00').notifications).toEqual([]);
    expect(r.escalationLevel).toBe(2);
    expect(r.events.filter((e) => e.key).map((e) => e.type)).toEqual([
      'overdue',
      'remind',
      'escalate',
      'escalate',
      'remind',
      'overdue',
    ]);
  });

  it('sweeping every 15 minutes for three weeks sends exactly the same set, each key once', () => {
    const instants: number[] = [];
    for (let t = at('2022-06-01T10:00'); t <= at('2022-06-22T00:00'); t += 15 * 60_000) instants.push(t);
    const { sent } = sweepAt(fresh(), instants);
    const keys = sent.map((n) => n.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual([
      `${ID}#overdue#sign#0#2022-06-02`,
      `${ID}#overdue#sign#0#2022-06-02#command`,
      `${ID}#remind#feedback#0#2022-06-07`,
      `${ID}#escalate#0#1`,
      `${ID}#escalate#0#1#unit`,
      `${ID}#escalate#0#1#command`,
      `${ID}#escalate#0#2`,
      `${ID}#escalate#0#2#unit`,
      `${ID}#escalate#0#2#command`,
      `${ID}#remind#resolve#0#2022-06-13`,
      `${ID}#overdue#resolve#0#2022-06-13`,
      `${ID}#overdue#resolve#0#2022-06-13#command`,
    ]);
  });

  it('a sweep after a long outage catches up without reminders whose deadline has passed', () => {
    const res = sweepIssue(fresh(), at('2022-06-20T10:00'), ctx);
    expect(res.notifications.map((n) => n.key)).toEqual([
      `${ID}#overdue#sign#0#2022-06-02`,
      `${ID}#overdue#sign#0#2022-06-02#command`,
      `${ID}#overdue#resolve#0#2022-06-13`,
      `${ID}#overdue#resolve#0#2022-06-13#command`,
      `${ID}#escalate#0#1`,
      `${ID}#escalate#0#1#unit`,
      `${ID}#escalate#0#1#command`,
      `${ID}#escalate#0#2`,
      `${ID}#escalate#0#2#unit`,
      `${ID}#escalate#0#2#command`,
    ]);
    expect(res.nextAt).toBeNull();
  });
});

describe('signed on time, resolved late', () => {
  it('reminds before feedback and resolve, marks the resolve overdue, escalates from the resolve deadline', () => {
    let r = act(fresh(), { type: 'sign', actor: unit('GXJ') }, at('2022-06-02T09:00')).record;
    expect(dueForSweep(r, ctx)).toBe(at('2022-06-06T09:00'));
    const instants = ['2022-06-06T09:00', '2022-06-10T09:00', '2022-06-14T00:00', '2022-06-16T00:00', '2022-06-18T00:00'].map(at);
    const { record, sent } = sweepAt(r, instants);
    expect(sent.map((n) => n.key)).toEqual([
      `${ID}#remind#feedback#0#2022-06-07`,
      `${ID}#remind#resolve#0#2022-06-13`,
      `${ID}#overdue#resolve#0#2022-06-13`,
      `${ID}#overdue#resolve#0#2022-06-13#command`,
      `${ID}#escalate#0#1`,
      `${ID}#escalate#0#1#unit`,
      `${ID}#escalate#0#1#command`,
      `${ID}#escalate#0#2`,
      `${ID}#escalate#0#2#unit`,
      `${ID}#escalate#0#2#command`,
    ]);
    r = record;
    expect(r.overdue).toBe(true);
    // resolving clears 逾期; the sweep then leaves the record alone
    const done = act(r, { type: 'resolve', actor: unit('GXJ'), result: '已解决' }, at('2022-06-20T10:00')).record;
    expect(done.overdue).toBe(false);
    expect(done.escalationLevel).toBe(2);
    expect(sweepIssue(done, at('2022-06-21T10:00'), ctx)).toEqual({ record: done, notifications: [], nextAt: null });
  });

  it('a progress report stops the feedback reminder', () => {
    const r = act(act(fresh(), { type: 'sign', actor: unit('GXJ') }, at('2022-06-01T11:00')).record, { type: 'progress', actor: unit('GXJ'), note: '联系中' }, at('2022-06-02T11:00')).record;
    const { sent } = sweepAt(r, [at('2022-06-06T09:00'), at('2022-06-10T09:00')]);
    expect(sent.map((n) => n.key)).toEqual([`${ID}#remind#resolve#0#2022-06-13`]);
  });

  it('signing late clears 逾期 without lowering the escalation level', () => {
    const { record } = sweepAt(fresh(), [at('2022-06-08T00:00')]);
    expect(record).toMatchObject({ overdue: true, escalationLevel: 1 });
    const signed = act(record, { type: 'sign', actor: unit('GXJ') }, at('2022-06-08T09:00')).record;
    expect(signed).toMatchObject({ overdue: false, escalationLevel: 1 });
    // the next escalation waits for 2 × 2 working days after the resolve deadline 06-13
    expect(dueForSweep(signed, ctx)).toBe(at('2022-06-10T09:00'));
    const { sent } = sweepAt(signed, ['2022-06-10T09:00', '2022-06-14T00:00', '2022-06-17T23:59', '2022-06-18T00:00'].map(at));
    expect(sent.map((n) => n.key)).toEqual([
      `${ID}#remind#resolve#0#2022-06-13`,
      `${ID}#overdue#resolve#0#2022-06-13`,
      `${ID}#overdue#resolve#0#2022-06-13#command`,
      `${ID}#escalate#0#2`,
      `${ID}#escalate#0#2#unit`,
      `${ID}#escalate#0#2#command`,
    ]);
  });
});

describe('reassignment keeps each unit its own clock in the sweep', () => {
  it('the new assignment is swept from its own deadlines, under its own keys', () => {
    const { record: escalated } = sweepAt(fresh(), [at('2022-06-03T00:00'), at('2022-06-08T00:00')]);
    expect(escalated.escalationLevel).toBe(1);
    const r = act(escalated, { type: 'reassign', actor: command, unit: 'SWJ' }, at('2022-06-08T10:00')).record;
    expect(r).toMatchObject({ overdue: false, escalationLevel: 0 });
    expect(r.assignments[1]).toMatchObject({ signBy: '2022-06-09', resolveBy: '2022-06-17' });
    expect(dueForSweep(r, ctx)).toBe(at('2022-06-10T00:00'));
    const { record, sent } = sweepAt(r, ['2022-06-10T00:00', '2022-06-10T09:00', '2022-06-14T00:00'].map(at));
    expect(sent.map((n) => [n.key, n.to])).toEqual([
      [`${ID}#overdue#sign#1#2022-06-09`, ['swj@sibao.example']],
      [`${ID}#overdue#sign#1#2022-06-09#command`, ['command@sibao.example']],
      [`${ID}#remind#feedback#1#2022-06-13`, ['swj@sibao.example']],
      [`${ID}#escalate#1#1`, ['gov@sibao.example']],
      [`${ID}#escalate#1#1#unit`, ['swj@sibao.example']],
      [`${ID}#escalate#1#1#command`, ['command@sibao.example']],
    ]);
    expect(r.assignments[0]).toEqual({ ...escalated.assignments[0], endedAt: at('2022-06-08T10:00'), endReason: 'reassigned' });
    expect(record.assignments[0]).toEqual(r.assignments[0]);
  });
});

describe('around the 2022 National Day holiday and make-up working days', () => {
  it('deadlines and reminders land on the make-up Saturday and Sunday (10-08, 10-09)', () => {
    const r = create('WT-20220929-001', issue({ reportedOn: '2022-09-29' }), at('2022-09-29T08:00')).record;
    expect(r.assignments[0]).toMatchObject({ signBy: '2022-09-30', feedbackBy: '2022-10-09', resolveBy: '2022-10-13' });
    const instants: number[] = [];
    for (let t = at('2022-09-29T08:00'); t <= at('2022-10-20T00:00'); t += 60 * 60_000) instants.push(t);
    const { sent } = sweepAt(r, instants);
    expect(sent.map((n) => [n.key.replace('WT-20220929-001#', ''), n.createdAt])).toEqual([
      // assigned at 08:00, so the 09:00 reminder before the 09-30 sign deadline is due
      ['remind#sign#0#2022-09-30', at('2022-09-29T09:00')],
      ['overdue#sign#0#2022-09-30', at('2022-10-01T00:00')],
      ['overdue#sign#0#2022-09-30#command', at('2022-10-01T00:00')],
      ['remind#feedback#0#2022-10-09', at('2022-10-08T09:00')],
      // two working days after 09-30 are 10-08 and 10-09 (make-up days): escalation on 10-10
      ['escalate#0#1', at('2022-10-10T00:00')],
      ['escalate#0#1#unit', at('2022-10-10T00:00')],
      ['escalate#0#1#command', at('2022-10-10T00:00')],
      ['escalate#0#2', at('2022-10-12T00:00')],
      ['escalate#0#2#unit', at('2022-10-12T00:00')],
      ['escalate#0#2#command', at('2022-10-12T00:00')],
      ['remind#resolve#0#2022-10-13', at('2022-10-12T09:00')],
      ['overdue#resolve#0#2022-10-13', at('2022-10-14T00:00')],
      ['overdue#resolve#0#2022-10-13#command', at('2022-10-14T00:00')],
    ]);
  });

  it('an urgent issue routed on 06-02 is due the same day and resolved by Monday 06-06', () => {
    const r = create('WT-20220602-001', issue({ urgency: '紧急' }), at('2022-06-02T15:00')).record;
    expect(r.assignments[0]).toMatchObject({ signBy: '2022-06-02', feedbackBy: '2022-06-06', resolveBy: '2022-06-06' });
    expect(dueForSweep(r, ctx)).toBe(at('2022-06-03T00:00'));
  });
});

describe('what the sweep leaves alone', () => {
  it('a unit at the top of its chain is marked overdue but never escalated', () => {
    const r = create('WT-20220601-005', issue({ assignedUnit: 'TOP' }), at('2022-06-01T10:00')).record;
    const { record, sent } = sweepAt(r, [at('2022-06-20T00:00')]);
    expect(sent.map((n) => n.template)).toEqual(['overdue', 'overdue_copy', 'overdue', 'overdue_copy']);
    expect(record.escalationLevel).toBe(0);
    expect(dueForSweep(record, ctx, at('2022-06-20T00:00'))).toBeNull();
  });

  it('resolved and closed issues are returned unchanged with nothing due', () => {
    const resolved = act(fresh(), { type: 'resolve', actor: unit('GXJ'), result: '完成' }, at('2022-06-01T12:00')).record;
    expect(sweepIssue(resolved, at('2022-06-30T00:00'), ctx)).toEqual({ record: resolved, notifications: [], nextAt: null });
    expect(dueForSweep(resolved, ctx)).toBeNull();
  });
});
