// Section: the responsible units' rates over the window (digest 四, dashboard 五). Pure.
// unitMetrics() over the window's days (Monday to the window's day) with `now` = the window's end;
// 红榜 / 黑榜 by rankUnits() (only units with at least RANKING_MIN_ISSUES issues).

import type { Profile } from '../../rows/types.js';
import { RANKING_MIN_ISSUES, rankUnits, unitMetrics } from '../../issues/unit-rates.js';
import type { Ranking, UnitMetrics } from '../../issues/unit-rates.js';
import type { IssueRecord } from '../../issues/types.js';
import type { DigestWindow } from '../week.js';

export interface UnitRates {
  /** The period's first and last day. */
  from: string;
  to: string;
  rows: UnitMetrics[];
  ranking: Ranking;
  minIssues: number;
}

export function unitRates(
  records: readonly IssueRecord[],
  window: DigestWindow,
  profile: Pick<Profile, 'units'>,
  options: { rankingSize?: number } = {},
): UnitRates {
  const rows = unitMetrics(records, { from: window.monday, to: window.asOf, now: window.to }, profile);
  return { from: window.monday, to: window.asOf, rows, ranking: rankUnits(rows, { size: options.rankingSize ?? 3 }), minIssues: RANKING_MIN_ISSUES };
}
