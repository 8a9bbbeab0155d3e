// Random sequences of actions (valid and invalid, by random actors) and sweeps at random increasing
// instants: the record never leaves the state space of SPEC §4 and no notification key ever repeats.
import { fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ISSUE_STATUSES } from '../../domain/rows/kinds.js';
import { ACTION_TYPES, applyAction, escalationChain, isOpen, missedDeadlines } from '../../domain/issues/lifecycle.js';
import type { IssueAction, IssueActionType, IssueActor } from '../../domain/issues/lifecycle.js';
import { sweepIssue } from '../../domain/issues/sweep.js';
import { addDays, shanghaiDate } from '../../domain/time/time.js';
import type { IssueRecord, Notification } from '../../domain/issues/types.js';
import { at, calendar, create, issue, profile } from './lifecycle-fixtures.js';

const UNITS = ['GXJ', 'SWJ', 'TOWN', 'TOP', 'NOMAIL', 'FGW', 'CMD'];
const ctx = (now: number) => ({ now, profile, calendar });

const startArb = fc.record({
  day: fc.integer({ min: 0, max: 364 }),
  minute: fc.integer({ min: 0, max: 1439 }),
  urgency: fc.constantFrom('一般' as const, '紧急' as const),
  major: fc.boolean(),
  beyondScope: fc.boolean(),
  route: fc.constantFrom('triage', 'GXJ', 'SWJ', 'TOP', 'NOMAIL', 'TOWN'),
  email: fc.boolean(),
});

const stepArb = fc.record({
  // mostly minutes to hours, sometimes days
  dt: fc.oneof(fc.integer({ min: 0, max: 180 }), fc.integer({ min: 0, max: 6 * 1440 })),
  kind: fc.constantFrom('action', 'action', 'sweep'),
  type: fc.constantFrom(...ACTION_TYPES),
  // `fit`: the role the action calls for (the current unit, the enterprise, the command office)
  actor: fc.constantFrom('fit', 'fit', 'fit', 'fit', 'fit', 'fit', 'current', 'other_unit', 'enterprise', 'command'),
  otherUnit: fc.constantFrom(...UNITS),
  assignment: fc.constantFrom<'none' | 'current' | number>('none', 'none', 'current', 0, 1, 2),
  text: fc.constantFrom('', '  ', '已处理', '需要协调', '已联系企业', '不属于本单位职责'),
  target: fc.constantFrom(...UNITS, 'NOPE'),
  followUp: fc.constantFrom('满意', '基本满意', '不满意', '不满意', '一般般'),
  extendDays: fc.integer({ min: -5, max: 40 }),
  probe: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
});
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

function actionOf(s: Step, r: IssueRecord): IssueAction {
  const cur = r.assignments.length - 1;
  const fit = { sign: 'current', return: 'current', progress: 'current', resolve: 'current', follow_up: 'enterprise', request_extend: 'current', request_escalate: 'current' }[
    s.type as string
  ] ?? 'command';
  const who = s.actor === 'fit' ? fit : s.actor;
  const actor: IssueActor =
    who === 'current'
      ? { role: 'unit', unit: r.assignments[cur].unit }
      : who === 'other_unit'
        ? { role: 'unit', unit: s.otherUnit }
        : who === 'enterprise'
          ? { role: 'enterprise' }
          : { role: 'command' };
  const assignment = s.assignment === 'none' ? undefined : s.assignment === 'current' ? cur : s.assignment;
  const t: IssueActionType = s.type;
  switch (t) {
    case 'sign':
      return { type: t, actor, assignment };
    case 'return':
      return { type: t, actor, assignment, reason: s.text };
    case 'progress':
      return { type: t, actor, assignment, note: s.text };
    case 'resolve':
      return { type: t, actor, assignment, result: s.text };
    case 'follow_up':
      return { type: t, actor, assignment, result: s.followUp };
    case 'reassign':
      return { type: t, actor, unit: s.target };
    case 'extend':
      return { type: t, actor, resolveBy: addDays(r.assignments[cur].resolveBy, s.extendDays), reason: s.text };
    case 'verify_close':
    case 'close':
      return { type: t, actor };
    case 'report_up':
      return { type: t, actor, level: s.followUp === '满意' ? '重大问题' : '超出协调范围' };
    case 'answer_batch':
      return { type: t, actor, result: s.text };
    case 'request_extend':
      return { type: t, actor, assignment, date: addDays(r.assignments[cur].resolveBy, s.extendDays), reason: s.text };
    case 'request_escalate':
      return { type: t, actor, assignment, level: s.followUp === '满意' ? '重大问题' : '超出协调范围', reason: s.text };
  }
}

/** Every invariant of SPEC §4 a record must satisfy at any time. */
function checkInvariants(r: IssueRecord): void {
  expect(ISSUE_STATUSES).toContain(r.status);
  const n = r.assignments.length;
  expect(n).toBeGreaterThan(0);
  // exactly one current assignment, the last; each earlier one ended when the next began
  r.assignments.forEach((a, i) => {
    if (i < n - 1) {
      expect(a.endedAt).toBeDefined();
      expect(a.endReason).toBeDefined();
      expect(r.assignments[i + 1].assignedAt).toBe(a.endedAt);
    } else {
      expect(a.endedAt).toBeUndefined();
    }
    if (a.signedAt !== undefined) expect(a.signedAt).toBeGreaterThanOrEqual(a.assignedAt);
    if (a.resolvedAt !== undefined) expect(a.signedAt).toBeDefined();
    if (a.endReason === 'reopened') expect(a.followUp).toBe('不满意');
  });
  expect(r.returnCount).toBe(r.assignments.filter((a) => a.endReason === 'returned').length);
  expect(r.reopenCount).toBe(r.assignments.filter((a) => a.endReason === 'reopened').length);
  const cur = r.assignments[n - 1];
  switch (r.status) {
    case '待分派':
      expect(cur.triage).toBe(true);
      expect(cur.signedAt).toBeUndefined();
      break;
    case '已交办':
      expect(cur.triage).toBeUndefined();
      expect(cur.signedAt).toBeUndefined();
      break;
    case '已签收':
      expect(cur.signedAt).toBeDefined();
      expect(cur.resolvedAt).toBeUndefined();
      break;
    case '办理中':
      expect(cur.feedbackAt).toBeDefined();
      expect(cur.resolvedAt).toBeUndefined();
      break;
    case '已办结':
      expect(cur.resolvedAt).toBeDefined();
      expect(cur.followUp).toBeUndefined();
      break;
    case '已回访':
      expect(['满意', '基本满意']).toContain(cur.followUp);
      break;
    case '已销号':
      expect(cur.resolvedAt).toBeDefined();
      break;
  }
  // 逾期 only after a deadline of the current assignment passed unmet, and only with its event
  if (r.overdue) {
    expect(isOpen(r.status)).toBe(true);
    expect(missedDeadlines(cur, r.updatedAt).length).toBeGreaterThan(0);
    expect(r.events.some((e) => e.type === 'overdue' && e.assignment === n - 1)).toBe(true);
  }
  expect(r.escalationLevel).toBeGreaterThanOrEqual(0);
  expect(r.escalationLevel).toBeLessThanOrEqual(escalationChain(profile, cur.unit).length);
  for (let i = 1; i < r.events.length; i++) expect(r.events[i].at).toBeGreaterThanOrEqual(r.events[i - 1].at);
  expect(r.updatedAt).toBeGreaterThanOrEqual(r.createdAt);
}

describe('lifecycle under random sequences of actions and sweeps', () => {
  it('stays within SPEC §4 and never repeats a notification key', () => {
    let accepted = 0;
    let refused = 0;
    let swept = 0;
    const reached = new Set<string>();
    fc.assert(
      fc.property(startArb, fc.array(stepArb, { minLength: 5, maxLength: 40, size: "max" }), (start, steps) => {
        let t = at(`${addDays('2022-01-01', start.day)}T00:00`) + start.minute * 60_000;
        const row = issue({
          urgency: start.urgency,
          major: start.major,
          beyondScope: start.beyondScope,
          email: start.email ? 'contact@enterprise.example' : undefined,
          sector: start.route === 'triage' ? undefined : '工业生产',
          assignedUnit: start.route === 'triage' ? undefined : start.route,
          reportedOn: shanghaiDate(t),
        });
        const created = create('WT-P-001', row, t);
        let r = created.record;
        const keys = new Set<string>();
        const note = (ns: Notification[]) => {
          for (const n of ns) {
            expect(keys.has(n.key), `key ${n.key} sent twice`).toBe(false);
            keys.add(n.key);
            expect(n.to.length).toBeGreaterThan(0);
          }
        };
        note(created.notifications);
        checkInvariants(r);

        for (const s of steps) {
          t += s.dt * 60_000;
          const before = r;
          if (s.kind === 'sweep') {
            swept++;
            const res = sweepIssue(r, t, { profile, calendar });
            note(res.notifications);
            r = res.record;
            for (const n of res.notifications) reached.add(`sweep:${n.template}`);
            // idempotent: again at the same instant sends nothing and changes nothing
            const again = sweepIssue(r, t, { profile, calendar });
            expect(again.notifications).toEqual([]);
            expect(again.record).toEqual(r);
            // nothing is due before nextAt
            if (res.nextAt !== null) {
              expect(res.nextAt).toBeGreaterThan(t);
              const probe = t + Math.floor((res.nextAt - t) * s.probe);
              expect(sweepIssue(r, probe, { profile, calendar }).notifications).toEqual([]);
            }
          } else {
            const action = actionOf(s, r);
            const res = applyAction(r, action, ctx(t));
            // the same change computed twice is the same change
            expect(applyAction(r, action, ctx(t))).toEqual(res);
            if (res.ok) {
              accepted++;
              expect(before.status).not.toBe('已销号');
              note(res.notifications);
              r = res.record;
              expect(r.events.length).toBeGreaterThan(before.events.length);
              reached.add(`${action.type}:${r.status}`);
            } else {
              refused++;
              expect(res.message.length).toBeGreaterThan(0);
            }
          }
          if (before.status === '已销号') expect(r).toBe(before); // terminal
          // escalation never decreases unless a new assignment started
          if (r.assignments.length === before.assignments.length) {
            expect(r.escalationLevel).toBeGreaterThanOrEqual(before.escalationLevel);
          } else {
            expect(r.escalationLevel).toBe(0);
          }
          checkInvariants(r);
        }
      }),
      { numRuns: 200, seed: Number(process.env.SIBAO_FC_SEED ?? 20220603) },
    );
    // the generator exercises both sides and every transition
    expect(accepted).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(700);
    expect(swept).toBeGreaterThan(700);
    expect([...reached].sort()).toEqual(
      [
        'sign:已签收',
        'return:待分派',
        'progress:办理中',
        'resolve:已办结',
        'follow_up:已回访',
        'follow_up:已交办',
        'follow_up:待分派',
        'reassign:已交办',
        'extend:待分派',
        'extend:已交办',
        'extend:已签收',
        'extend:办理中',
        'verify_close:已销号',
        'close:已销号',
        'answer_batch:已办结',
        ...['待分派', '已交办', '已签收', '办理中'].flatMap((st) => [`report_up:${st}`, `request_extend:${st}`, `request_escalate:${st}`]),
        'sweep:remind',
        'sweep:overdue',
        'sweep:overdue_copy',
        'sweep:escalate',
        'sweep:escalate_unit',
        'sweep:escalate_copy',
      ].sort(),
    );
  }, 120_000);

  it('a long run with a sweep every 15 minutes sends each key once and reaches escalation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.constantFrom('GXJ', 'TOWN', 'SWJ'), (day, unitCode) => {
        let t = at(`${addDays('2022-01-01', day)}T10:00`);
        let r = create('WT-P-002', issue({ assignedUnit: unitCode }), t).record;
        const keys: string[] = [];
        const end = t + 30 * 86_400_000;
        for (; t <= end; t += 15 * 60_000) {
          const res = sweepIssue(r, t, { profile, calendar });
          keys.push(...res.notifications.map((n) => n.key));
          r = res.record;
        }
        expect(new Set(keys).size).toBe(keys.length);
        expect(r.escalationLevel).toBe(2);
        expect(keys.filter((k) => k.includes('#escalate#'))).toEqual([
          'WT-P-002#escalate#0#1',
          'WT-P-002#escalate#0#1#unit',
          'WT-P-002#escalate#0#1#command',
          'WT-P-002#escalate#0#2',
          'WT-P-002#escalate#0#2#unit',
          'WT-P-002#escalate#0#2#command',
        ]);
      }),
      { numRuns: 15, seed: 42 },
    );
  }, 120_000);
});
