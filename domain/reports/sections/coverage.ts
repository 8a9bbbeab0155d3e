// Section: whitelist coverage per sector against its target (digest 二, dashboard 二). Pure.
// One row per sector and one for the county, from computeCoverage(); the county row's deadline is
// the latest sector deadline. With the week's history (coverage-trend.ts) each row also carries the
// change against the previous week and a projection to its deadline.

import type { CoverageReport } from '../coverage.js';
import type { Projection, SectorOrOverall } from '../snapshots.js';

export interface DigestSectorRow {
  sector: SectorOrOverall;
  /** The sector's name; 合计 (or the caller's label) for the county. */
  label: string;
  covered: number;
  total: number | null;
  coverage: number | null;
  target: number;
  count: number;
  gap: number | null;
  deadline: string | null;
  onTrack: boolean | null;
  error: string | null;
  message?: string;
  /** Coverage change against the previous week's snapshot (fraction); null without one. */
  change: number | null;
  coveredChange: number | null;
  countChange: number | null;
  projection: Projection | null;
}

export interface CoverageSection {
  at: string;
  /** The week compared against; null without a previous snapshot (or without history). */
  previousWeek: string | null;
  sectors: DigestSectorRow[];
  overall: DigestSectorRow;
}

/** The county's rows (no change, no projection: see coverage-trend.ts for the week's history). */
export function coverageSection(report: CoverageReport, options: { overallLabel?: string } = {}): CoverageSection {
  const none = { change: null, coveredChange: null, countChange: null, projection: null };
  const deadlines = report.sectors.map((s) => s.deadline).filter((d): d is string => !!d).sort();
  return {
    at: report.at,
    previousWeek: null,
    sectors: report.sectors.map((s) => ({ ...s, label: s.sector, ...none })),
    overall: { ...report.overall, sector: 'overall', label: options.overallLabel ?? '合计', deadline: deadlines[deadlines.length - 1] ?? null, ...none },
  };
}

/** Sectors with a coverage figure, and how many of them reach their target. */
export function sectorsOnTrack(section: Pick<CoverageSection, 'sectors'>): { onTrack: number; withFigure: number } {
  return {
    onTrack: section.sectors.filter((s) => s.onTrack === true).length,
    withFigure: section.sectors.filter((s) => s.coverage !== null).length,
  };
}
