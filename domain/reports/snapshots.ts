// Weekly coverage snapshots: a compact per-sector record stored once per ISO week (by the digest job),
// so the digest's week-on-week change and the projection to the deadline read a handful of small
// items instead of scanning the whitelist's history. Pure.
//
// - coverageSnapshot(report, week, values?) keeps, per sector, covered / total / coverage / target /
//   count / error, the overall figures, and optionally the 产值或投资额 per code (`values`, from
//   whitelistValues) that the data-quality check "value changed by more than half in a week" needs.
// - weekChange(current, previous) is the difference per sector and overall (null when either side
//   has no figure). Coverage changes are fractions (0.012 = +1.2 个百分点).
// - projectToDeadline(history, sector, target, deadline) fits a least-squares line through the last
//   `weeks` (default 4) snapshots that have a coverage figure (x = weeks since the first of them,
//   from the snapshots' `at` days) and extends it to the deadline day. It also gives the weekly gain
//   still needed: (target − current) / weeks left. One point gives no trend (projected = current).

import { SECTORS } from '../rows/kinds.js';
import type { Sector } from '../rows/kinds.js';
import type { CoverageReport } from './coverage.js';
import { daysBetween, isIsoDate } from '../time/time.js';
import type { WhitelistRow } from '../rows/types.js';

export interface SectorSnapshot {
  sector: Sector;
  /** 万元 */
  covered: number;
  total: number | null;
  /** Fraction (4 decimals) or null when the sector has an error. */
  coverage: number | null;
  target: number;
  count: number;
  error: string | null;
  deadline: string | null;
}

export interface CoverageSnapshot {
  /** ISO week `YYYY-Www` the snapshot belongs to. */
  week: string;
  /** The day the coverage was computed for (`YYYY-MM-DD`). */
  at: string;
  sectors: SectorSnapshot[];
  overall: { covered: number; total: number; coverage: number | null; target: number; count: number };
  /** 产值或投资额 (万元) per code of the rows on the whitelist, for the data-quality week comparison. */
  values?: Record<string, number>;
}

export type SectorOrOverall = Sector | 'overall';

export interface CoverageChange {
  sector: SectorOrOverall;
  /** Coverage now minus coverage in the previous snapshot (fraction); null without both figures. */
  coverage: number | null;
  /** 万元 */
  covered: number | null;
  count: number | null;
  /** Week of the snapshot compared with. */
  previousWeek: string | null;
}

export interface Projection {
  sector: SectorOrOverall;
  current: number | null;
  target: number;
  deadline: string;
  /** Whole and fractional weeks from the latest snapshot to the deadline day (0 once it has passed). */
  weeksLeft: number;
  /** Slope of the trend, fraction per week; null with fewer than two points. */
  trendPerWeek: number | null;
  /** Coverage expected at the deadline (0–1); null without a current figure. */
  projected: number | null;
  /** Weekly gain needed to reach the target by the deadline; 0 when reached; null when no time is left. */
  neededPerWeek: number | null;
  /** projected ≥ target. */
  onTrack: boolean | null;
  /** Snapshots used for the trend. */
  basis: number;
}

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;
const round2 = (x: number): number => Math.round(x * 100) / 100;

/** The compact record of a coverage report to store for `week`. */
export function coverageSnapshot(report: CoverageReport, week: string, values?: Record<string, number>): CoverageSnapshot {
  const snap: CoverageSnapshot = {
    week,
    at: report.at,
    sectors: report.sectors.map((s) => ({
      sector: s.sector,
      covered: s.covered,
      total: s.total,
      coverage: s.coverage,
      target: s.target,
      count: s.count,
      error: s.error,
      deadline: s.deadline,
    })),
    overall: {
      covered: report.overall.covered,
      total: report.overall.total,
      coverage: report.overall.coverage,
      target: report.overall.target,
      count: report.overall.count,
    },
  };
  if (values) snap.values = { ...values };
  return snap;
}

/** 产值或投资额 per code (upper-cased) of every row not removed; the first row of a duplicated code wins. */
export function whitelistValues(rows: readonly WhitelistRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) {
    if (r.status === '已移出') continue;
    const code = r.code.trim().toUpperCase();
    if (!(code in out)) out[code] = r.value;
  }
  return out;
}

function figure(s: CoverageSnapshot, sector: SectorOrOverall): { coverage: number | null; covered: number; count: number } | undefined {
  if (sector === 'overall') return s.overall;
  return s.sectors.find((x) => x.sector === sector);
}

/** Change per sector (SECTORS order) and overall (last) against the previous week's snapshot. */
export function weekChange(current: CoverageSnapshot, previous: CoverageSnapshot | undefined): CoverageChange[] {
  const keys: SectorOrOverall[] = [...SECTORS, 'overall'];
  return keys.map((sector) => {
    const now = figure(current, sector);
    const before = previous ? figure(previous, sector) : undefined;
    if (!now || !before) return { sector, coverage: null, covered: null, count: null, previousWeek: previous?.week ?? null };
    return {
      sector,
      coverage: now.coverage !== null && before.coverage !== null ? round4(now.coverage - before.coverage) : null,
      covered: round2(now.covered - before.covered),
      count: now.count - before.count,
      previousWeek: previous!.week,
    };
  });
}

/** The snapshot of the latest week strictly before `week` (snapshots in any order). */
export function previousSnapshot(snapshots: readonly CoverageSnapshot[], week: string): CoverageSnapshot | undefined {
  let best: CoverageSnapshot | undefined;
  for (const s of snapshots) if (s.week < week && (!best || s.week > best.week)) best = s;
  return best;
}

/**
 * Projected coverage of `sector` at `deadline` by the linear trend of the last `weeks` snapshots
 * with a figure (one per ISO week, the later wins), and the weekly gain still needed.
 */
export function projectToDeadline(
  history: readonly CoverageSnapshot[],
  sector: SectorOrOverall,
  target: number,
  deadline: string,
  options: { weeks?: number } = {},
): Projection {
  const weeks = Math.max(2, options.weeks ?? 4);
  const byWeek = new Map<string, { at: string; coverage: number }>();
  for (const s of history) {
    const f = figure(s, sector);
    if (!f || f.coverage === null || !isIsoDate(s.at)) continue;
    byWeek.set(s.week, { at: s.at, coverage: f.coverage });
  }
  const points = [...byWeek.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .slice(-weeks)
    .map(([, p]) => p);
  const empty: Projection = {
    sector,
    current: null,
    target,
    deadline,
    weeksLeft: 0,
    trendPerWeek: null,
    projected: null,
    neededPerWeek: null,
    onTrack: null,
    basis: 0,
  };
  if (points.length === 0) return empty;

  const last = points[points.length - 1];
  const current = last.coverage;
  const weeksLeft = isIsoDate(deadline) ? Math.max(0, daysBetween(last.at, deadline) / 7) : 0;

  let slope: number | null = null;
  if (points.length >= 2) {
    const xs = points.map((p) => daysBetween(points[0].at, p.at) / 7);
    const ys = points.map((p) => p.coverage);
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < xs.length; i++) {
      sxy += (xs[i] - mx) * (ys[i] - my);
      sxx += (xs[i] - mx) ** 2;
    }
    slope = sxx === 0 ? null : sxy / sxx;
  }
  const projected = Math.min(1, Math.max(0, current + (slope ?? 0) * weeksLeft));
  const missing = Math.max(0, target - current);
  const neededPerWeek = missing === 0 ? 0 : weeksLeft > 0 ? missing / weeksLeft : null;
  return {
    sector,
    current,
    target,
    deadline,
    weeksLeft: round2(weeksLeft),
    trendPerWeek: slope === null ? null : round4(slope),
    projected: round4(projected),
    neededPerWeek: neededPerWeek === null ? null : round4(neededPerWeek),
    onTrack: projected >= target - 1e-9,
    basis: points.length,
  };
}
