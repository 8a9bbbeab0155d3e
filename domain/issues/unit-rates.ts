// Unit metrics for a period (SPEC §4, the three rates of 12345 / 接诉即办 practice) and the 红榜/黑榜.
// Counted per assignment, so an issue reassigned from A to B counts for A and for B separately;
// triage assignments (the coordination office's dispatch step, 待分派) are not a unit's own work and
// are not counted. A period is a range of Shanghai days, both ends included.
//
// - assigned: assignments whose clock started in the period, except those not yet judged — unsigned
//   while the sign deadline has not ended (with `period.now`), or handed back (退回/改派) unsigned
//   before it ended; signedOnTime: of those, signed by the end of the signBy day.
//   签收及时率 = signedOnTime / assigned.
// - due: assignments whose resolveBy day lies in the period, except those that left the unit (退回 or
//   改派) unresolved before the deadline ended — they were no longer the unit's to resolve; with
//   `period.now`, a deadline not yet ended and unresolved is not due yet. resolvedOnTime: resolved by
//   the end of the (possibly extended) resolveBy day. 按期办结率 = resolvedOnTime / due.
// - followUps: follow-ups recorded in the period on the unit's assignments; satisfied: 满意 + 基本满意.
//   满意率 = satisfied / followUps.
// - returned (退回) and reopened (重办: 不满意 → 重新办理) counted when they happened in the period.
// - issues: distinct issues with any of the above in the period: a ranking needs at least 3.
// Rates are null when their denominator is 0.

import { findUnit } from './lifecycle.js';
import { endOfShanghaiDay, isIsoDate, shanghaiDate } from '../time/time.js';
import type { Profile } from '../rows/types.js';
import type { IssueRecord } from './types.js';

export interface MetricsPeriod {
  /** First and last Shanghai day of the period (ISO dates, included). */
  from: string;
  to: string;
  /** The instant the metrics are computed at (default: every deadline of the period counts as ended). */
  now?: number;
}

export interface UnitMetrics {
  unit: string;
  unitName: string;
  /** Distinct issues the unit had any counted activity for in the period. */
  issues: number;
  assigned: number;
  signedOnTime: number;
  /** 签收及时率 */
  signRate: number | null;
  due: number;
  resolvedOnTime: number;
  /** 按期办结率 */
  onTimeRate: number | null;
  followUps: number;
  /** 满意 + 基本满意 */
  satisfied: number;
  /** 满意率 */
  satisfactionRate: number | null;
  /** 退回 */
  returned: number;
  /** 重办 */
  reopened: number;
}

export class MetricsPeriodError extends Error {
  readonly code = 'date';
  constructor(message: string) {
    super(message);
    this.name = 'MetricsPeriodError';
  }
}

function rate(n: number, d: number): number | null {
  return d === 0 ? null : n / d;
}

/** Throws MetricsPeriodError unless `from`–`to` are ISO dates in order. */
export function checkPeriod(from: string, to: string): void {
  if (!isIsoDate(from) || !isIsoDate(to)) throw new MetricsPeriodError(`统计期「${from} – ${to}」的日期格式不正确，应为 YYYY-MM-DD`);
  if (from > to) throw new MetricsPeriodError(`统计期开始日期 ${from} 晚于结束日期 ${to}`);
}

/** Per-unit metrics for the period, for every unit with activity in it (profile order, then code). */
export function unitMetrics(records: readonly IssueRecord[], period: MetricsPeriod, profile: Pick<Profile, 'units'>): UnitMetrics[] {
  const { from, to, now } = period;
  checkPeriod(from, to);
  const inDays = (date: string) => date >= from && date <= to;
  const inPeriod = (at: number | undefined) => at !== undefined && inDays(shanghaiDate(at));

  const acc = new Map<string, UnitMetrics & { ids: Set<string> }>();
  const get = (unit: string) => {
    let m = acc.get(unit);
    if (!m) {
      m = {
        unit,
        unitName: findUnit(profile, unit)?.name ?? unit,
        issues: 0,
        assigned: 0,
        signedOnTime: 0,
        signRate: null,
        due: 0,
        resolvedOnTime: 0,
        onTimeRate: null,
        followUps: 0,
        satisfied: 0,
        satisfactionRate: null,
        returned: 0,
        reopened: 0,
        ids: new Set(),
      };
      acc.set(unit, m);
    }
    return m;
  };

  for (const r of records) {
    for (const a of r.assignments) {
      if (a.triage) continue;
      const touch = () => {
        const m = get(a.unit);
        m.ids.add(r.id);
        return m;
      };
      if (inPeriod(a.assignedAt)) {
        // Not yet judged: unsigned while its sign deadline has not ended (with `period.now`), or
        // left the unit (退回 / 改派) unsigned before that deadline ended — a timely answer too.
        const signDeadline = endOfShanghaiDay(a.signBy);
        const signed = a.signedAt !== undefined;
        const pending = !signed && now !== undefined && now <= signDeadline;
        const leftBefore = !signed && a.endedAt !== undefined && a.endedAt <= signDeadline;
        if (!pending && !leftBefore) {
          const m = touch();
          m.assigned += 1;
          if (signed && a.signedAt! <= signDeadline) m.signedOnTime += 1;
        } else touch();
      }
      if (inDays(a.resolveBy)) {
        const deadline = endOfShanghaiDay(a.resolveBy);
        const resolved = a.resolvedAt !== undefined;
        const leftBefore = !resolved && a.endedAt !== undefined && a.endedAt <= deadline;
        const notYet = !resolved && now !== undefined && now <= deadline;
        if (!leftBefore && !notYet) {
          const m = touch();
          m.due += 1;
          if (resolved && a.resolvedAt! <= deadline) m.resolvedOnTime += 1;
        }
      }
      if (a.followUp && inPeriod(a.followUpAt)) {
        const m = touch();
        m.followUps += 1;
        if (a.followUp !== '不满意') m.satisfied += 1;
      }
      if (a.endReason === 'returned' && inPeriod(a.endedAt)) touch().returned += 1;
      if (a.endReason === 'reopened' && inPeriod(a.endedAt)) touch().reopened += 1;
    }
  }

  const order = new Map(profile.units.map((u, i) => [u.code, i]));
  return [...acc.values()]
    .map(({ ids, ...m }) => ({
      ...m,
      issues: ids.size,
      signRate: rate(m.signedOnTime, m.assigned),
      onTimeRate: rate(m.resolvedOnTime, m.due),
      satisfactionRate: rate(m.satisfied, m.followUps),
    }))
    .sort((x, y) => (order.get(x.unit) ?? Infinity) - (order.get(y.unit) ?? Infinity) || (x.unit < y.unit ? -1 : x.unit > y.unit ? 1 : 0));
}

export interface RankedUnit {
  unit: string;
  unitName: string;
  issues: number;
  /** Mean of the rates that are not null (签收及时率, 按期办结率, 满意率), 0–1. */
  score: number;
  /** 1 = best; equal scores share a rank. */
  rank: number;
}

export interface Ranking {
  /** Every eligible unit, best first. */
  ranked: RankedUnit[];
  /** 红榜: the best, at most `size` and at most half (rounded up) of the eligible units. */
  red: RankedUnit[];
  /** 黑榜: the worst first, at most `size`, never a perfect score nor one tied with the 红榜. */
  black: RankedUnit[];
}

export const RANKING_MIN_ISSUES = 3;

/**
 * 红榜/黑榜 among units with at least 3 issues in the period (and at least one rate). Score = mean of
 * the unit's non-null rates; ties broken by more issues, then 单位编码.
 */
export function rankUnits(metrics: readonly UnitMetrics[], options: { size?: number; minIssues?: number } = {}): Ranking {
  const size = options.size ?? 3;
  const minIssues = options.minIssues ?? RANKING_MIN_ISSUES;
  const scored = metrics
    .filter((m) => m.issues >= minIssues)
    .map((m) => {
      const rates = [m.signRate, m.onTimeRate, m.satisfactionRate].filter((x): x is number => x !== null);
      return { m, rates };
    })
    .filter((x) => x.rates.length > 0)
    .map(({ m, rates }) => ({ unit: m.unit, unitName: m.unitName, issues: m.issues, score: rates.reduce((s, x) => s + x, 0) / rates.length, rank: 0 }))
    .sort((a, b) => b.score - a.score || b.issues - a.issues || (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0));
  scored.forEach((u, i) => {
    u.rank = i > 0 && scored[i - 1].score === u.score ? scored[i - 1].rank : i + 1;
  });
  const red = scored.slice(0, Math.min(size, Math.ceil(scored.length / 2)));
  const black = scored
    .slice(red.length)
    .filter((u) => u.score < 1 && (red.length === 0 || u.score < red[red.length - 1].score))
    .reverse()
    .slice(0, size);
  return { ranked: scored, red, black };
}
