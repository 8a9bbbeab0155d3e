import { describe, expect, it } from 'vitest';
import { applyAction, createIssueRecord, escalationChain, triageUnit } from '../../domain/issues/lifecycle.js';
import { routeIssue, urgencyToConfirm } from '../../domain/issues/routing.js';
import type { IssueAction, IssueActionType } from '../../domain/issues/lifecycle.js';
import { MAILS } from '../../domain/issues/catalog.js';
import type { IssueStatus } from '../../domain/rows/kinds.js';
import type { IssueRecord } from '../../domain/issues/types.js';
import { act, at, calendar, command, create, enterprise, issue, profile, unit } from './lifecycle-fixtures.js';

const ctx = (now: number) => ({ now, profile, calendar });
const T0 = at('2022-06-01T10:00');
const T1 = at('2022-06-01T11:00');

/** A record brought to `status` by real actions (triage records start 待分派 on the coordination lead). */
function reach(status: IssueStatus): IssueRecord {
  if (status === '待分派') return create('WT-20220601-009', issue({ sector: undefined }), T0).record;
  let r = create('WT-20220601-001', issue(), T0).record;
  const steps: Array<[IssueStatus, IssueAction]> = [
    ['已签收', { type: 'sign', actor: unit('GXJ') }],
    ['办理中', { type: 'progress', actor: unit('GXJ'), note: '已联系供应商' }],
    ['已办结', { type: 'resolve', actor: unit('GXJ'), result: '已协调钢厂恢复供货' }],
    ['已回访', { type: 'follow_up', actor: enterprise, result: '满意' }],
    ['已销号', { type: 'close', actor: command }],
  ];
  let t = T0;
  for (const [s, a] of steps) {
    if (r.status === status) break;
    t += 3_600_000;
    r = act(r, a, t).record;
    expect(r.status).toBe(s);
  }
  expect(r.status).toBe(status);
  return r;
}

const STATUSES: IssueStatus[] = ['待分派', '已交办', '已签收', '办理中', '已办结', '已回访', '已销号'];

/** The transition table of SPEC §4, written out independently of the implementation. */
const EXPECTED: Record<IssueActionType, Partial<Record<IssueStatus, IssueStatus>>> = {
  sign: { 待分派: '已签收', 已交办: '已签收' },
  return: { 已交办: '待分派', 已签收: '待分派', 办理中: '待分派' },
  progress: { 待分派: '办理中', 已交办: '办理中', 已签收: '办理中', 办理中: '办理中' },
  resolve: { 待分派: '已办结', 已交办: '已办结', 已签收: '已办结', 办理中: '已办结' },
  follow_up: { 已办结: '已回访' },
  reassign: { 待分派: '已交办', 已交办: '已交办', 已签收: '已交办', 办理中: '已交办' },
  extend: { 待分派: '待分派', 已交办: '已交办', 已签收: '已签收', 办理中: '办理中' },
  verify_close: { 已办结: '已销号', 已回访: '已销号' },
  close: { 已回访: '已销号' },
  report_up: { 待分派: '待分派', 已交办: '已交办', 已签收: '已签收', 办理中: '办理中' },
  answer_batch: { 待分派: '已办结', 已交办: '已办结', 已签收: '已办结', 办理中: '已办结' },
  request_extend: { 待分派: '待分派', 已交办: '已交办', 已签收: '已签收', 办理中: '办理中' },
  request_escalate: { 待分派: '待分派', 已交办: '已交办', 已签收: '已签收', 办理中: '办理中' },
};

function actionFor(type: IssueActionType, r: IssueRecord): IssueAction {
  const current = unit(r.assignments.at(-1)!.unit);
  switch (type) {
    case 'sign':
      return { type, actor: current };
    case 'return':
      return { type, actor: current, reason: '不属于本单位职责' };
    case 'progress':
      return { type, actor: current, note: '正在办理' };
    case 'resolve':
      return { type, actor: current, result: '已解决' };
    case 'follow_up':
      return { type, actor: enterprise, result: '满意' };
    case 'reassign':
      return { type, actor: command, unit: r.assignments.at(-1)!.unit === 'SWJ' ? 'TOWN' : 'SWJ' };
    case 'extend':
      return { type, actor: command, resolveBy: '2022-06-30', reason: '需等待省级批复' };
    case 'verify_close':
      return { type, actor: command };
    case 'close':
      return { type, actor: command };
    case 'report_up':
      return { type, actor: command, level: '重大问题' };
    case 'answer_batch':
      return { type, actor: command, result: '已出台统一政策' };
    case 'request_extend':
      return { type, actor: current, date: '2022-06-30', reason: '需等待省级批复' };
    case 'request_escalate':
      return { type, actor: current, level: '超出协调范围', reason: '需县级协调' };
  }
}

describe('transition table (SPEC §4)', () => {
  const cases = (Object.keys(EXPECTED) as IssueActionType[]).flatMap((type) =>
    STATUSES.map((from) => ({ type, from, to: EXPECTED[type][from] })),
  );
  it.each(cases)('$type from $from → $to', ({ type, from, to }) => {
    const before = reach(from);
    const frozen = JSON.stringify(before);
    const now = before.updatedAt + 3_600_000;
    const r = applyAction(before, actionFor(type, before), ctx(now));
    expect(JSON.stringify(before)).toBe(frozen); // never mutates its input
    if (to === undefined) {
      expect(r).toMatchObject({ ok: false, code: 'invalid_transition' });
      if (!r.ok) expect(r.message).toMatch(/不能/);
      return;
    }
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.record.status).toBe(to);
    expect(r.record.events.at(-1)!.at).toBe(now);
    expect(r.record.events.length).toBeGreaterThan(before.events.length);
    expect(r.record.updatedAt).toBe(now);
  });
});

describe('create', () => {
  it('a routed issue is 已交办 to its unit with an assign notification carrying the action links', () => {
    const { record, notifications } = create('WT-20220601-001', issue({ beyondScope: true }), T0);
    expect(record.status).toBe('已交办');
    expect(record.assignments).toEqual([
      { unit: 'GXJ', also: ['CMD'], assignedAt: T0, signBy: '2022-06-02', feedbackBy: '2022-06-07', resolveBy: '2022-06-13' },
    ]);
    expect(notifications.map((n) => [n.key, n.template, n.to])).toEqual([
      ['WT-20220601-001#assign#0#unit', 'assign', ['gxj@sibao.example', 'gxj-duty@sibao.example']],
      ['WT-20220601-001#assign#0#copy', 'copy', ['command@sibao.example']],
    ]);
    expect(notifications[0].data).toMatchObject({
      issueId: 'WT-20220601-001',
      assignment: 0,
      unit: 'GXJ',
      signBy: '2022-06-02',
      resolveBy: '2022-06-13',
      reason: 'new',
    });
    // The links a mail carries are its catalog entry's: SPEC §5's 签收, 退回, 反馈办理结果, and 反馈进展.
    expect(MAILS[notifications[0].template].links).toEqual(['sign', 'return', 'progress', 'resolve', 'request_extend', 'request_escalate']);
    expect(MAILS[notifications[1].template].links).toEqual([]);
  });

  it('an issue that falls through to triage is 待分派 on the coordination lead', () => {
    const { record, notifications } = create('WT-20220601-009', issue({ sector: undefined }), T0);
    expect(triageUnit(profile)).toBe('FGW');
    expect(record.status).toBe('待分派');
    expect(record.assignments[0]).toMatchObject({ unit: 'FGW', triage: true });
    expect(notifications[0]).toMatchObject({ key: 'WT-20220601-009#assign#0#unit', to: ['coord@sibao.example'] });
  });

  it('a unit without an address gets no notification but a warning on the record', () => {
    const { record, notifications } = create('WT-20220601-002', issue({ assignedUnit: 'NOMAIL' }), T0);
    expect(notifications).toEqual([]);
    expect(record.warnings.map((w) => w.code)).toEqual(['unit_without_email']);
    expect(record.warnings[0].message).toContain('县林业局');
  });

  it('computing the same creation twice yields the same keys', () => {
    const a = create('WT-20220601-001', issue({ major: true }), T0);
    const b = create('WT-20220601-001', issue({ major: true }), T0);
    expect(a).toEqual(b);
  });
});

describe('who may act', () => {
  const r = reach('已交办');
  it.each([
    ['another unit signs', { type: 'sign', actor: unit('SWJ') }, 'forbidden'],
    ['the enterprise signs', { type: 'sign', actor: enterprise }, 'forbidden'],
    ['a unit reassigns', { type: 'reassign', actor: unit('GXJ'), unit: 'SWJ' }, 'forbidden'],
    ['the enterprise closes', { type: 'close', actor: enterprise }, 'forbidden'],
    ['a stale link (assignment 3)', { type: 'sign', actor: unit('GXJ'), assignment: 3 }, 'stale_assignment'],
    ['return without a reason', { type: 'return', actor: unit('GXJ'), reason: '  ' }, 'reason_required'],
    ['progress without a note', { type: 'progress', actor: unit('GXJ'), note: '' }, 'note_required'],
    ['resolve without a result', { type: 'resolve', actor: unit('GXJ'), result: '' }, 'result_required'],
    ['reassign to an unknown unit', { type: 'reassign', actor: command, unit: 'NOPE' }, 'unknown_unit'],
    ['reassign to the same unit', { type: 'reassign', actor: command, unit: '县工业和信息化局' }, 'same_unit'],
    ['extend to a bad date', { type: 'extend', actor: command, resolveBy: '2022-13-01', reason: '等待' }, 'invalid_date'],
    ['extend to an earlier date', { type: 'extend', actor: command, resolveBy: '2022-06-10', reason: '等待' }, 'invalid_date'],
    ['extend without a reason', { type: 'extend', actor: command, resolveBy: '2022-06-20', reason: '' }, 'reason_required'],
  ] as Array<[string, IssueAction, string]>)('%s → %s', (_name, action, code) => {
    const res = applyAction(r, action, ctx(T1));
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.code).toBe(code);
      expect(res.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('an invalid follow-up result is refused', () => {
    const res = applyAction(reach('已办结'), { type: 'follow_up', actor: enterprise, result: '还行' }, ctx(at('2022-06-05T10:00')));
    expect(res).toMatchObject({ ok: false, code: 'invalid_follow_up' });
  });

  it('the command office may record a follow-up made by phone', () => {
    const res = act(reach('已办结'), { type: 'follow_up', actor: command, result: '基本满意' }, at('2022-06-05T10:00'));
    expect(res.record.status).toBe('已回访');
  });

  it('the triage unit cannot return an issue to triage', () => {
    const res = applyAction(reach('待分派'), { type: 'return', actor: unit('FGW'), reason: '不归我' }, ctx(T1));
    expect(res).toMatchObject({ ok: false, code: 'invalid_transition' });
  });
});

describe('return (退回)', () => {
  it('ends the assignment and starts a triage assignment on the coordination lead with a fresh clock', () => {
    const r0 = reach('已签收');
    const now = at('2022-06-02T16:00');
    const { record, notifications } = act(r0, { type: 'return', actor: unit('GXJ'), reason: '属于商务局职责', assignment: 0 }, now);
    expect(record.status).toBe('待分派');
    expect(record.returnCount).toBe(1);
    expect(record.assignments[0]).toMatchObject({ unit: 'GXJ', endedAt: now, endReason: 'returned', returnReason: '属于商务局职责' });
    expect(record.assignments[1]).toMatchObject({ unit: 'FGW', triage: true, assignedAt: now, signBy: '2022-06-06', resolveBy: '2022-06-14' });
    expect(notifications.map((n) => n.key)).toEqual(['WT-20220601-001#assign#1#unit']);
    expect(notifications[0].data).toMatchObject({ reason: 'returned', returnReason: '属于商务局职责', previousUnit: 'GXJ', triage: true });
    // the old link no longer works
    const stale = applyAction(record, { type: 'resolve', actor: unit('GXJ'), result: 'x', assignment: 0 }, ctx(now + 1000));
    expect(stale).toMatchObject({ ok: false, code: 'stale_assignment' });
  });
});

describe('resolve and follow-up', () => {
  it('resolve sends the follow-up to the enterprise and the verification list to the command office', () => {
    const now = at('2022-06-03T10:00');
    const { record, notifications } = act(reach('已交办'), { type: 'resolve', actor: unit('GXJ'), result: '已恢复供货', assignment: 0 }, now);
    expect(record.status).toBe('已办结');
    expect(record.assignments[0]).toMatchObject({ signedAt: now, resolvedAt: now });
    expect(record.result).toBe('已恢复供货');
    expect(notifications.map((n) => [n.key, n.template, n.to, MAILS[n.template].links])).toEqual([
      ['WT-20220601-001#follow_up#0', 'follow_up', ['contact@enterprise.example'], ['follow_up:满意', 'follow_up:基本满意', 'follow_up:不满意']],
      ['WT-20220601-001#verify_list#0', 'verify_list', ['command@sibao.example'], ['verify_close']],
    ]);
  });

  it('without an enterprise address only the command office is told, flagged for a phone visit', () => {
    const r = create('WT-20220601-003', issue({ email: undefined }), T0).record;
    const { notifications } = act(r, { type: 'resolve', actor: unit('GXJ'), result: '已解决' }, T1);
    expect(notifications.map((n) => n.template)).toEqual(['verify_list']);
    expect(notifications[0]).toMatchObject({ template: 'verify_list', data: { followUpByPhone: true } });
  });

  it('不满意 reopens on the same unit with a new clock (重新办理)', () => {
    const resolved = act(reach('已签收'), { type: 'resolve', actor: unit('GXJ'), result: '已协调' }, at('2022-06-02T10:00')).record;
    const now = at('2022-06-08T09:30');
    const { record, notifications } = act(resolved, { type: 'follow_up', actor: enterprise, result: '不满意', assignment: 0 }, now);
    expect(record.status).toBe('已交办');
    expect(record.reopenCount).toBe(1);
    expect(record.followUp).toBe('不满意');
    expect(record.assignments[0]).toMatchObject({ endReason: 'reopened', endedAt: now, followUp: '不满意', followUpAt: now });
    expect(record.assignments[1]).toEqual({
      unit: 'GXJ',
      also: [],
      assignedAt: now,
      signBy: '2022-06-09',
      feedbackBy: '2022-06-13',
      resolveBy: '2022-06-17',
    });
    expect(notifications.map((n) => n.key)).toEqual(['WT-20220601-001#assign#1#unit']);
    expect(notifications[0].data).toMatchObject({ reason: 'reopened', previousResult: '已协调' });
    // the second resolution asks for a new follow-up under a new key
    const again = act(record, { type: 'resolve', actor: unit('GXJ'), result: '已彻底解决' }, now + 3_600_000);
    expect(again.notifications.map((n) => n.key)).toEqual(['WT-20220601-001#follow_up#1', 'WT-20220601-001#verify_list#1']);
    expect(again.record.followUp).toBeUndefined();
  });

  it('closing needs a satisfied follow-up (close) or the command office verification (verify_close)', () => {
    expect(applyAction(reach('已办结'), { type: 'close', actor: command }, ctx(at('2022-06-09T10:00')))).toMatchObject({
      ok: false,
      code: 'invalid_transition',
    });
    expect(act(reach('已办结'), { type: 'verify_close', actor: command }, at('2022-06-09T10:00')).record.status).toBe('已销号');
    expect(act(reach('已回访'), { type: 'close', actor: command }, at('2022-06-09T10:00')).record.status).toBe('已销号');
  });
});

describe('reassign (改派)', () => {
  it('the old unit keeps its record and clock; the new unit gets deadlines from the reassign time', () => {
    const signed = reach('已签收');
    const old = { ...signed.assignments[0] };
    const now = at('2022-06-08T15:00'); // Wednesday
    const { record, notifications } = act(signed, { type: 'reassign', actor: command, unit: 'SWJ', note: '涉及商贸流通' }, now);
    expect(record.status).toBe('已交办');
    expect(record.assignments[0]).toEqual({ ...old, endedAt: now, endReason: 'reassigned' });
    expect(record.assignments[1]).toEqual({
      unit: 'SWJ',
      also: [],
      assignedAt: now,
      signBy: '2022-06-09',
      feedbackBy: '2022-06-13',
      resolveBy: '2022-06-17',
    });
    expect(record.overdue).toBe(false);
    expect(record.escalationLevel).toBe(0);
    expect(notifications.map((n) => [n.key, n.template, n.to])).toEqual([
      ['WT-20220601-001#assign#1#unit', 'assign', ['swj@sibao.example']],
      ['WT-20220601-001#reassigned#0', 'reassigned', ['gxj@sibao.example', 'gxj-duty@sibao.example']],
    ]);
    // the old unit can no longer act, the new one can
    expect(applyAction(record, { type: 'resolve', actor: unit('GXJ'), result: 'x' }, ctx(now + 1))).toMatchObject({ ok: false, code: 'forbidden' });
    expect(act(record, { type: 'sign', actor: unit('SWJ'), assignment: 1 }, now + 1).record.status).toBe('已签收');
  });

  it('a triage issue is dispatched by reassigning it', () => {
    const { record } = act(reach('待分派'), { type: 'reassign', actor: command, unit: 'TOWN' }, T1);
    expect(record.status).toBe('已交办');
    expect(record.assignments[1]).toMatchObject({ unit: 'TOWN', assignedAt: T1 });
    expect(record.assignments[1].triage).toBeUndefined();
  });
});

describe('extend (延期)', () => {
  it('moves resolveBy, remembers the original, clears an overdue resolve', () => {
    const r = { ...act(reach('已签收'), { type: 'progress', actor: unit('GXJ'), note: '办理中' }, T1 + 1000).record, overdue: true };
    const now = at('2022-06-14T10:00'); // resolveBy 2022-06-13 has passed
    const { record, notifications } = act(r, { type: 'extend', actor: command, resolveBy: '2022-06-24', reason: '等待省厅批复' }, now);
    expect(record.assignments[0]).toMatchObject({ resolveBy: '2022-06-24', extendedFrom: '2022-06-13' });
    expect(record.overdue).toBe(false);
    expect(record.status).toBe('办理中');
    expect(notifications.map((n) => n.key)).toEqual(['WT-20220601-001#extend#0#2022-06-24']);
    expect(record.events.at(-1)).toMatchObject({ type: 'extend', note: '2022-06-13 → 2022-06-24：等待省厅批复' });
    const later = act(record, { type: 'extend', actor: command, resolveBy: '2022-06-30', reason: '再等一周' }, now + 1);
    expect(later.record.assignments[0]).toMatchObject({ resolveBy: '2022-06-30', extendedFrom: '2022-06-13' });
  });
});

describe('time and determinism', () => {
  it('the same action on the same record yields the same record and keys', () => {
    const r = reach('办理中');
    const a = applyAction(r, { type: 'resolve', actor: unit('GXJ'), result: '完成' }, ctx(at('2022-06-05T10:00')));
    const b = applyAction(r, { type: 'resolve', actor: unit('GXJ'), result: '完成' }, ctx(at('2022-06-05T10:00')));
    expect(a).toEqual(b);
  });

  it('a clock behind the record never moves time backwards', () => {
    const r = reach('已签收');
    const { record } = act(r, { type: 'progress', actor: unit('GXJ'), note: '进展' }, r.updatedAt - 60_000);
    expect(record.updatedAt).toBe(r.updatedAt);
    expect(record.events.at(-1)!.at).toBe(r.updatedAt);
  });

  it('a closed issue refuses everything', () => {
    const r = reach('已销号');
    for (const type of Object.keys(EXPECTED) as IssueActionType[]) {
      expect(applyAction(r, actionFor(type, r), ctx(r.updatedAt + 1)).ok).toBe(false);
    }
  });
});

describe('escalation chain', () => {
  it('follows 上级单位 to the top and stops at unknown units and cycles', () => {
    expect(escalationChain(profile, 'GXJ')).toEqual(['GOV', 'LEADER']);
    expect(escalationChain(profile, 'TOP')).toEqual([]);
    const cyclic = { units: [
      { code: 'A', name: 'A', type: '县直部门' as const, emails: [], parent: 'B' },
      { code: 'B', name: 'B', type: '县直部门' as const, emails: [], parent: 'A' },
    ] };
    expect(escalationChain(cyclic, 'A')).toEqual(['B']);
  });
});

describe("an enterprise's 紧急 is confirmed at triage (SPEC §7.8)", () => {
  const WEDNESDAY = at('2022-06-08T15:00');
  /** A self-reported 紧急: held at triage whatever would route it (here the industry lead GXJ). */
  function held() {
    const row = issue({ urgency: '紧急' });
    return createIssueRecord('WT-20220601-020', row, routeIssue(row, profile, T0, calendar, { toTriage: urgencyToConfirm(row, true) }), T0, profile, { urgencyToConfirm: true });
  }

  it('waits 待分派 at the triage unit, 紧急待核实, only the triage unit mailed; the row keeps 紧急', () => {
    const { record, notifications } = held();
    expect(record).toMatchObject({ status: '待分派', urgencyCheck: '紧急待核实', issue: { urgency: '紧急' } });
    expect(record.assignments).toEqual([expect.objectContaining({ unit: 'FGW', triage: true })]);
    expect(record.events.map((e) => [e.type, e.note])).toEqual([
      ['assign', 'triage'],
      ['urgency_check', '紧急待核实'],
    ]);
    expect(notifications.map((n) => n.to)).toEqual([['coord@sibao.example']]);
    // Only a self-report waits; the same row from a class's sheet routes at once.
    expect(urgencyToConfirm(issue({ urgency: '紧急' }), false)).toBe(false);
    expect(urgencyToConfirm(issue({ urgency: '一般' }), true)).toBe(false);
  });

  it('分派 must say the urgency: none or another word is refused and changes nothing', () => {
    const { record } = held();
    expect(applyAction(record, { type: 'reassign', actor: command, unit: 'GXJ' }, ctx(WEDNESDAY))).toMatchObject({ ok: false, code: 'urgency_required' });
    expect(applyAction(record, { type: 'reassign', actor: command, unit: 'GXJ', urgency: '特急' }, ctx(WEDNESDAY))).toMatchObject({ ok: false, code: 'invalid_urgency' });
    // An issue with nothing to confirm takes no urgency on its 改派.
    expect(applyAction(reach('待分派'), { type: 'reassign', actor: command, unit: 'TOWN', urgency: '一般' }, ctx(WEDNESDAY))).toMatchObject({ ok: false, code: 'urgency_not_pending' });
  });

  it('confirmed 紧急: the unit gets the 紧急 limits (0/1/1 working days) from the 分派', () => {
    const { record } = act(held().record, { type: 'reassign', actor: command, unit: 'GXJ', urgency: '紧急' }, WEDNESDAY);
    expect(record.status).toBe('已交办');
    expect(record.urgencyCheck).toBe('已核实为紧急');
    expect(record.assignments[1]).toMatchObject({ unit: 'GXJ', signBy: '2022-06-08', feedbackBy: '2022-06-09', resolveBy: '2022-06-09' });
    expect(record.events.filter((e) => e.type === 'urgency_check').map((e) => [e.note, e.actor])).toEqual([
      ['紧急待核实', 'system'],
      ['已核实为紧急', 'office@sibao.example'],
    ]);
  });

  it('found 一般: 一般 limits now and on every later assignment (退回 and 分派 again), the row still says 紧急', () => {
    const { record } = act(held().record, { type: 'reassign', actor: command, unit: 'GXJ', urgency: '一般' }, WEDNESDAY);
    expect(record.urgencyCheck).toBe('已核实为一般');
    expect(record.issue.urgency).toBe('紧急');
    expect(record.assignments[1]).toMatchObject({ unit: 'GXJ', signBy: '2022-06-09', feedbackBy: '2022-06-13', resolveBy: '2022-06-17' });
    expect(record.events.at(-3)).toMatchObject({ type: 'urgency_check', note: '已核实为一般' });
    const back = act(record, { type: 'return', actor: unit('GXJ'), reason: '不属本单位' }, WEDNESDAY + 3_600_000).record;
    expect(back.status).toBe('待分派');
    const again = act(back, { type: 'reassign', actor: command, unit: 'TOWN' }, WEDNESDAY + 7_200_000).record;
    expect(again.assignments.at(-1)).toMatchObject({ unit: 'TOWN', signBy: '2022-06-09', resolveBy: '2022-06-17' });
  });
});
