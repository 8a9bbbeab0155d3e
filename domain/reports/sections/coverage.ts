// Section: whitelist coverage per sector against its target (digest 二, dashboard 二). Pure.
// One row per sector and one for the county, from computeCoverage(); with the week's history
// (previous snapshots) each row also carries the change against the previous week and a projection
// to the sector's deadline. The county row's deadline is the latest sector deadline.

import type { CoverageReport } from '../coverage.js';
import { previousSnapshot, projectToDeadline, weekChange } from '../snapshots.js';
import type { CoverageChange, CoverageSnapshot, Projection, SectorOrOverall } from '../snapshots.js';

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

export interface CoverageHistory {
  /** This week's snapshot (coverageSnapshot of the same report). */
  snapshot: CoverageSnapshot;
  /** Stored snapshots of earlier weeks, any order; one of the snapshot's own week is ignored. */
  snapshots: readonly CoverageSnapshot[];
  /** Snapshots in the trend (default 4). */
  projectionWeeks?: number;
}

export function coverageSection(report: CoverageReport, options: { history?: CoverageHistory; overallLabel?: string } = {}): CoverageSection {
  const h = options.history;
  const previous = h ? previousSnapshot(h.snapshots, h.snapshot.week) : undefined;
  const trend = h ? [...h.snapshots.filter((s) => s.week < h.snapshot.week), h.snapshot] : [];
  const changes: CoverageChange[] = h ? weekChange(h.snapshot, previous) : [];
  const project = (sector: SectorOrOverall, target: number, deadline: string | null, coverage: number | null) =>
    h && deadline && coverage !== null ? projectToDeadline(trend, sector, target, deadline, { weeks: h.projectionWeeks }) : null;
  const changeOf = (sector: SectorOrOverall) => {
    const c = changes.find((x) => x.sector === sector);
    return { change: c?.coverage ?? null, coveredChange: c?.covered ?? null, countChange: c?.count ?? null };
  };

  const sectors: DigestSectorRow[] = report.sectors.map((s) => ({
    sector: s.sector,
    label: s.sector,
    covered: s.covered,
    total: s.total,
    coverage: s.coverage,
    target: s.target,
    count: s.count,
    gap: s.gap,
    deadline: s.deadline,
    onTrack: s.onTrack,
    error: s.error,
    ...(s.message ? { message: s.message } : {}),
    ...changeOf(s.sector),
    projection: project(s.sector, s.target, s.deadline, s.coverage),
  }));
  const deadlines = report.sectors.map((s) => s.deadline).filter((d): d is string => !!d).sort();
  const deadline = deadlines.length > 0 ? deadlines[deadlines.length - 1] : null;
  const o = report.overall;
  const overall: DigestSectorRow = {
    sector: 'overall',
    label: options.overallLabel ?? '合计',
    covered: o.covered,
    total: o.total,
    coverage: o.coverage,
    target: o.target,
    count: o.count,
    gap: o.gap,
    deadline,
    onTrack: o.onTrack,
    error: o.error,
    ...changeOf('overall'),
    projection: project('overall', o.target, deadline, o.coverage),
  };
  return { at: report.at, previousWeek: previous?.week ?? null, sectors, overall };
}

/** Sectors with a coverage figure, and how many of them reach their target. */
export function sectorsOnTrack(section: Pick<CoverageSection, 'sectors'>): { onTrack: number; withFigure: number } {
  return {
    onTrack: section.sectors.filter((s) => s.onTrack === true).length,
    withFigure: section.sectors.filter((s) => s.coverage !== null).length,
  };
}
