// Whitelist coverage per sector on a day D (SPEC §4): the 产值或投资额 of enterprises/projects on the
// whitelist at D over the sector's total in force at D, against the target (70% by default).
// Money is summed in integer hundredths of 万元 so the figures carry no float drift.

import { SECTORS } from '../rows/kinds.js';
import type { Sector } from '../rows/kinds.js';
import { shanghaiDate } from '../time/time.js';
import type { SectorTarget, SectorTotalRow, WhitelistState } from '../rows/types.js';

/** Target coverage when the profile has no 领域目标 row for a sector. */
export const DEFAULT_COVERAGE_TARGET = 0.7;

export type CoverageErrorCode = 'no_total' | 'covered_exceeds_total';

export interface SectorCoverage {
  sector: Sector;
  /** 万元 on the whitelist at `at`. */
  covered: number;
  /** 万元, the 领域总量 in force at `at`; null when there is none. */
  total: number | null;
  /** covered / total (4 decimals); null when `error` is set. */
  coverage: number | null;
  target: number;
  /** 万元 still needed to reach the target: max(0, target × total − covered); null without a total. */
  gap: number | null;
  /** Enterprises/projects counted. */
  count: number;
  error: CoverageErrorCode | null;
  /** Chinese explanation when `error` is set. */
  message?: string;
  /** 统计期 (`YYYY-MM`) of the total used. */
  period: string | null;
  /** 截止日期 of the sector's target, if any. */
  deadline: string | null;
  /** coverage ≥ target; null when there is no coverage figure. */
  onTrack: boolean | null;
}

export interface OverallCoverage {
  /** Sum of every sector's covered. */
  covered: number;
  /** Sum of the totals that exist. */
  total: number;
  /** Ratio over the sectors without an error; null when none qualifies. */
  coverage: number | null;
  /** Target weighted by the totals of the sectors in the ratio (the default when none). */
  target: number;
  /** Sum of the sectors' gaps. */
  gap: number;
  count: number;
  /** `incomplete` when any sector has an error (the sums still hold what is known). */
  error: 'incomplete' | null;
  onTrack: boolean | null;
}

export interface CoverageReport {
  /** The day asked about, `YYYY-MM-DD` (Asia/Shanghai). */
  at: string;
  sectors: SectorCoverage[];
  overall: OverallCoverage;
}

export interface CoverageInput {
  whitelist: readonly WhitelistState[];
  totals: readonly SectorTotalRow[];
  targets?: readonly SectorTarget[];
  /** A date (or an instant, taken as its Shanghai day). */
  at: string;
}

const cents = (wan: number): number => Math.round(wan * 100);
const fromCents = (c: number): number => c / 100;
const ratio = (num: number, den: number): number => Math.round((num / den) * 10_000) / 10_000;

/** Whether a whitelist row counts on day `at`: admitted by then and not yet removed. */
export function countsOn(row: WhitelistState, at: string): boolean {
  if (!row.admittedOn || row.admittedOn > at) return false;
  if (row.deletedOn !== undefined && at >= row.deletedOn) return false;
  if (row.status === '已纳入') return true;
  if (row.status === '已移出') return row.removedOn !== undefined && at < row.removedOn;
  return false;
}

/** The sector total in force at `at`: the latest 统计期 not after at's month (later rows win ties). */
export function totalInForce(totals: readonly SectorTotalRow[], sector: Sector, at: string): SectorTotalRow | undefined {
  const month = at.slice(0, 7);
  let best: SectorTotalRow | undefined;
  for (const t of totals) {
    if (t.sector !== sector || t.period > month) continue;
    if (!best || t.period >= best.period) best = t;
  }
  return best;
}

/** Per-sector sums of the whitelist on a day: 万元 in integer hundredths, and how many rows. */
export interface SectorSums {
  coveredCents: Map<Sector, number>;
  counts: Map<Sector, number>;
}

/**
 * The whitelist's per-sector sums on day `at`, added one row at a time (a file of any length, or a
 * stored running total). With `dedupe` a code counts once (a duplicate is a validation error; the
 * callers that validate first leave it off, as the check already keeps the codes).
 */
export class CoverageTally implements SectorSums {
  readonly coveredCents = new Map<Sector, number>();
  readonly counts = new Map<Sector, number>();
  readonly at: string;
  private readonly seen: Set<string> | undefined;

  constructor(at: string, opts: { dedupe?: boolean } = {}) {
    this.at = shanghaiDate(at);
    this.seen = opts.dedupe === false ? undefined : new Set();
  }

  add(row: WhitelistState): void {
    if (!countsOn(row, this.at)) return;
    if (this.seen) {
      const key = row.code.trim().toUpperCase();
      if (this.seen.has(key)) return;
      this.seen.add(key);
    }
    this.coveredCents.set(row.sector, (this.coveredCents.get(row.sector) ?? 0) + cents(row.value));
    this.counts.set(row.sector, (this.counts.get(row.sector) ?? 0) + 1);
  }
}

export function computeCoverage(input: CoverageInput): CoverageReport {
  const tally = new CoverageTally(input.at);
  for (const row of input.whitelist) tally.add(row);
  return coverageFromSums(tally, { totals: input.totals, targets: input.targets, at: input.at });
}

/** The coverage report from per-sector sums already taken on day `at`. */
export function coverageFromSums(sums: SectorSums, input: Omit<CoverageInput, 'whitelist'>): CoverageReport {
  const at = shanghaiDate(input.at);
  const targets = input.targets ?? [];
  const { coveredCents, counts } = sums;

  const sectors: SectorCoverage[] = [];
  let sumCovered = 0;
  let sumTotal = 0;
  let sumGap = 0;
  let sumCount = 0;
  let okCovered = 0;
  let okTotal = 0;
  let okTargetWeighted = 0;
  let anyError = false;

  for (const sector of SECTORS) {
    const coveredC = coveredCents.get(sector) ?? 0;
    const count = counts.get(sector) ?? 0;
    const targetRow = targets.find((t) => t.sector === sector);
    const target = targetRow?.target ?? DEFAULT_COVERAGE_TARGET;
    const totalRow = totalInForce(input.totals, sector, at);
    const totalC = totalRow ? cents(totalRow.total) : null;

    let error: CoverageErrorCode | null = null;
    let message: string | undefined;
    if (totalC === null || (totalC === 0 && coveredC === 0)) {
      error = 'no_total';
      message = `${sector}没有 ${at.slice(0, 7)} 及以前统计期的领域总量（或总量为 0），无法计算覆盖率；请在「领域总量」中录入`;
    } else if (coveredC > totalC) {
      error = 'covered_exceeds_total';
      message =
        `${sector}白名单产值或投资额合计 ${fromCents(coveredC)} 万元超过领域总量 ${fromCents(totalC)} 万元` +
        `（统计期 ${totalRow!.period}），请核对白名单金额单位或领域总量`;
    }

    const gapC = totalC === null ? null : Math.max(0, Math.round(target * totalC) - coveredC);
    const coverage = error === null ? ratio(coveredC, totalC!) : null;
    const onTrack = error === null ? coveredC / totalC! >= target - 1e-12 : null;

    sectors.push({
      sector,
      covered: fromCents(coveredC),
      total: totalC === null ? null : fromCents(totalC),
      coverage,
      target,
      gap: gapC === null ? null : fromCents(gapC),
      count,
      error,
      ...(message ? { message } : {}),
      period: totalRow?.period ?? null,
      deadline: targetRow?.deadline ?? null,
      onTrack,
    });

    sumCovered += coveredC;
    sumCount += count;
    if (totalC !== null) sumTotal += totalC;
    if (gapC !== null) sumGap += gapC;
    if (error === null) {
      okCovered += coveredC;
      okTotal += totalC!;
      okTargetWeighted += target * totalC!;
    } else anyError = true;
  }

  const overallTarget = okTotal > 0 ? Math.round((okTargetWeighted / okTotal) * 10_000) / 10_000 : DEFAULT_COVERAGE_TARGET;
  return {
    at,
    sectors,
    overall: {
      covered: fromCents(sumCovered),
      total: fromCents(sumTotal),
      coverage: okTotal > 0 ? ratio(okCovered, okTotal) : null,
      target: overallTarget,
      gap: fromCents(sumGap),
      count: sumCount,
      error: anyError ? 'incomplete' : null,
      // The seed sets the 70% target per sector: the county is on track only when every sector with
      // data is (the overall gap is the sum of the sectors' gaps, so on track <=> that sum is 0).
      onTrack: okTotal > 0 ? sectors.every((s) => s.error !== null || s.onTrack === true) : null,
    },
  };
}
