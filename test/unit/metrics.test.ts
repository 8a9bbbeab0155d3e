import { describe, expect, it } from 'vitest';
import { MetricsPeriodError, rankUnits, unitMetrics } from '../../domain/issues/unit-rates.js';
import type { UnitMetrics } from '../../domain/issues/unit-rates.js';
import type { IssueRecord } from '../../domain/issues/types.js';
import { act, at, command, create, enterprise, issue, profile, unit } from './lifecycle-fixtures.js';

/**
 * The week 2022-06-06 (Mon) … 06-12 (Sun). Deadlines: 一般 = sign 1, resolve 7 working days
 * (端午 06-03 is a holiday). Expectations below are counted by hand from this story.
 */
function story(): IssueRecord[] {
  const out: IssueRecord[] = [];
  // R1 GXJ, assigned Mon 06-06 (signBy 06-07, resolveBy 06-15): signed on time, resolved, 满意 on 06-11.
  let r1 = create('R1', issue(), at('2022-06-06T10:00')).record;
  r1 = act(r1, { type: 'sign', actor: unit('GXJ') }, at('2022-06-07T09:00')).record;
  r1 = act(r1, { type: 'resolve', actor: unit('GXJ'), result: '已解决' }, at('2022-06-10T10:00')).record;
  r1 = act(r1, { type: 'follow_up', actor: enterprise, result: '满意' }, at('2022-06-11T10:00')).record;
  out.push(r1);
  // R2 GXJ, assigned 06-06, signed late on 06-08, reassigned to SWJ on 06-09 (signBy 06-10), SWJ signs 06-10.
  let r2 = create('R2', issue(), at('2022-06-06T11:00')).record;
  r2 = act(r2, { type: 'sign', actor: unit('GXJ') }, at('2022-06-08T10:00')).record;
  r2 = act(r2, { type: 'reassign', actor: command, unit: 'SWJ' }, at('2022-06-09T10:00')).record;
  r2 = act(r2, { type: 'sign', actor: unit('SWJ') }, at('2022-06-10T08:00')).record;
  out.push(r2);
  // R3 GXJ, assigned Mon 05-30 (resolveBy 06-09): resolved 06-09 20:00, on time.
  let r3 = create('R3', issue(), at('2022-05-30T10:00')).record;
  r3 = act(r3, { type: 'sign', actor: unit('GXJ') }, at('2022-05-31T10:00')).record;
  r3 = act(r3, { type: 'resolve', actor: unit('GXJ'), result: '已解决' }, at('2022-06-09T20:00')).record;
  out.push(r3);
  // R4 GXJ, assigned 05-30 (resolveBy 06-09): never resolved.
  out.push(act(create('R4', issue(), at('2022-05-30T11:00')).record, { type: 'sign', actor: unit('GXJ') }, at('2022-05-30T12:00')).record);
  // R5 GXJ, assigned 05-31 (resolveBy 06-10): resolved 06-10, 不满意 on Sat 06-11 → reopened on GXJ.
  let r5 = create('R5', issue(), at('2022-05-31T10:00')).record;
  r5 = act(r5, { type: 'resolve', actor: unit('GXJ'), result: '已协调' }, at('2022-06-10T09:00')).record;
  r5 = act(r5, { type: 'follow_up', actor: enterprise, result: '不满意' }, at('2022-06-11T09:00')).record;
  out.push(r5);
  // R6 TOWN, assigned 06-07, returned the same day (→ triage FGW, not counted).
  let r6 = create('R6', issue({ assignedUnit: 'TOWN' }), at('2022-06-07T10:00')).record;
  r6 = act(r6, { type: 'return', actor: unit('TOWN'), reason: '不属于乡镇职责' }, at('2022-06-07T15:00')).record;
  out.push(r6);
  // R7 SWJ, assigned Fri 05-27 (resolveBy 06-08), reassigned to TOWN on 06-02 before its deadline.
  let r7 = create('R7', issue({ assignedUnit: 'SWJ' }), at('2022-05-27T10:00')).record;
  r7 = act(r7, { type: 'reassign', actor: command, unit: 'TOWN' }, at('2022-06-02T10:00')).record;
  out.push(r7);
  return out;
}

describe('unitMetrics', () => {
  const records = story();

  it('the story has the deadlines it claims', () => {
    const byId = new Map(records.map((r) => [r.id, r]));
    expect(byId.get('R3')!.assignments[0].resolveBy).toBe('2022-06-09');
    expect(byId.get('R5')!.assignments[0].resolveBy).toBe('2022-06-10');
    expect(byId.get('R7')!.assignments[0].resolveBy).toBe('2022-06-08');
    expect(byId.get('R2')!.assignments[1]).toMatchObject({ unit: 'SWJ', signBy: '2022-06-10' });
  });

  it('counts per assignment, with the three rates', () => {
    const m = unitMetrics(records, { from: '2022-06-06', to: '2022-06-12' }, profile);
    expect(m).toEqual<UnitMetrics[]>([
      {
        unit: 'GXJ',
        unitName: '县工业和信息化局',
        issues: 5, // R1 R2 R3 R4 R5
        assigned: 3, // R1, R2, R5 reopened on 06-11
        signedOnTime: 1, // R1 only (R2 signed late, R5's new assignment unsigned)
        signRate: 1 / 3,
        due: 3, // R3, R4, R5 (first assignment)
        resolvedOnTime: 2, // R3, R5
        onTimeRate: 2 / 3,
        followUps: 2, // R1 满意, R5 不满意
        satisfied: 1,
        satisfactionRate: 0.5,
        returned: 0,
        reopened: 1,
      },
      {
        unit: 'SWJ',
        unitName: '县商务局',
        issues: 1, // R2 (R7 left SWJ before its deadline: not due)
        assigned: 1,
        signedOnTime: 1,
        signRate: 1,
        due: 0,
        resolvedOnTime: 0,
        onTimeRate: null,
        followUps: 0,
        satisfied: 0,
        satisfactionRate: null,
        returned: 0,
        reopened: 0,
      },
      {
        unit: 'TOWN',
        unitName: '城关镇',
        issues: 1, // R6
        // R6 was returned (退回) unsigned the day it came, before its sign deadline ended: a timely
        // answer, not a late signature — it is not in the 签收及时率 denominator.
        assigned: 0,
        signedOnTime: 0,
        signRate: null,
        due: 0,
        resolvedOnTime: 0,
        onTimeRate: null,
        followUps: 0,
        satisfied: 0,
        satisfactionRate: null,
        returned: 1,
        reopened: 0,
      },
    ]);
  });

  it('with `now` inside the period, an unresolved deadline that has not ended is not due yet', () => {
    const m = unitMetrics(records, { from: '2022-06-06', to: '2022-06-12', now: at('2022-06-09T12:00') }, profile);
    const gxj = m.find((x) => x.unit === 'GXJ')!;
    expect(gxj.due).toBe(2); // R4's 06-09 deadline has not ended at noon
  });

  it('an unsigned assignment is not late before its sign deadline has ended', () => {
    const fresh = [create('R8', issue({ assignedUnit: 'SWJ' }), at('2022-06-09T10:00')).record];
    const signBy = fresh[0].assignments[0].signBy;
    const before = unitMetrics(fresh, { from: '2022-06-06', to: '2022-06-12', now: at(`${signBy}T12:00`) }, profile);
    expect(before.find((x) => x.unit === 'SWJ')).toMatchObject({ issues: 1, assigned: 0, signRate: null });
    const after = unitMetrics(fresh, { from: '2022-06-06', to: '2022-06-12', now: at('2022-06-12T12:00') }, profile);
    expect(after.find((x) => x.unit === 'SWJ')).toMatchObject({ assigned: 1, signedOnTime: 0, signRate: 0 });
  });

  it('a period with nothing in it gives no rows; a bad period is refused in Chinese', () => {
    expect(unitMetrics(records, { from: '2021-01-01', to: '2021-01-31' }, profile)).toEqual([]);
    expect(() => unitMetrics(records, { from: '2022-06-12', to: '2022-06-06' }, profile)).toThrow(MetricsPeriodError);
    expect(() => unitMetrics(records, { from: '2022/06/06', to: '2022-06-12' }, profile)).toThrow(/统计期/);
  });

  it('ranks only units with at least 3 issues', () => {
    const ranking = rankUnits(unitMetrics(records, { from: '2022-06-06', to: '2022-06-12' }, profile));
    expect(ranking.ranked.map((u) => u.unit)).toEqual(['GXJ']);
    expect(ranking.ranked[0].score).toBeCloseTo((1 / 3 + 2 / 3 + 0.5) / 3, 12);
    expect(ranking.red.map((u) => u.unit)).toEqual(['GXJ']);
    expect(ranking.black).toEqual([]);
  });
});

describe('rankUnits', () => {
  const m = (unit: string, issues: number, rates: [number | null, number | null, number | null]): UnitMetrics => ({
    unit,
    unitName: unit,
    issues,
    assigned: issues,
    signedOnTime: 0,
    signRate: rates[0],
    due: 0,
    resolvedOnTime: 0,
    onTimeRate: rates[1],
    followUps: 0,
    satisfied: 0,
    satisfactionRate: rates[2],
    returned: 0,
    reopened: 0,
  });

  it('scores by the mean of the non-null rates; 红榜 best first, 黑榜 worst first', () => {
    const r = rankUnits([
      m('A', 5, [1, 1, 1]), // 1
      m('B', 4, [0.5, null, 1]), // 0.75
      m('C', 3, [0, 0, 0]), // 0
      m('D', 2, [0, 0, 0]), // too few issues
      m('E', 3, [null, null, null]), // nothing to score
      m('F', 3, [0.5, 0.5, 0.5]), // 0.5
    ]);
    expect(r.ranked.map((u) => [u.unit, u.score, u.rank])).toEqual([
      ['A', 1, 1],
      ['B', 0.75, 2],
      ['F', 0.5, 3],
      ['C', 0, 4],
    ]);
    expect(r.red.map((u) => u.unit)).toEqual(['A', 'B']);
    expect(r.black.map((u) => u.unit)).toEqual(['C', 'F']);
  });

  it('equal scores share a rank (more issues first) and a tie with the 红榜 is never on the 黑榜', () => {
    const r = rankUnits([m('A', 3, [1, 1, 1]), m('B', 5, [1, 1, 1]), m('C', 4, [0.8, 0.8, 0.8]), m('D', 4, [0.8, 0.8, 0.8])], { size: 3 });
    expect(r.ranked.map((u) => [u.unit, u.rank])).toEqual([
      ['B', 1],
      ['A', 1],
      ['C', 3],
      ['D', 3],
    ]);
    expect(r.red.map((u) => u.unit)).toEqual(['B', 'A']);
    expect(r.black.map((u) => u.unit)).toEqual(['D', 'C']);
    const tied = rankUnits([m('A', 3, [0.5, 0.5, 0.5]), m('B', 3, [0.5, 0.5, 0.5])]);
    expect(tied.red.map((u) => u.unit)).toEqual(['A']);
    expect(tied.black).toEqual([]);
  });
});
