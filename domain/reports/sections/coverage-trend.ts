// The coverage section with the week's history (digest 二): each row's change against the previous
// week's snapshot and its projection to the deadline by the trend of the last snapshots. Pure. Kept
// apart from coverage.ts so that pages without history (the dashboard) do not carry it.

import { previousSnapshot, projectToDeadline, weekChange } from '../snapshots.js';
import type { CoverageSnapshot } from '../snapshots.js';
import type { CoverageSection, DigestSectorRow } from './coverage.js';

export interface CoverageHistory {
  /** This week's snapshot (coverageSnapshot of the same report). */
  snapshot: CoverageSnapshot;
  /** Stored snapshots of earlier weeks, any order; one of the snapshot's own week is ignored. */
  snapshots: readonly CoverageSnapshot[];
  /** Snapshots in the trend (default 4). */
  projectionWeeks?: number;
}

export function coverageTrend(section: CoverageSection, h: CoverageHistory): CoverageSection {
  const previous = previousSnapshot(h.snapshots, h.snapshot.week);
  const trend = [...h.snapshots.filter((s) => s.week < h.snapshot.week), h.snapshot];
  const changes = weekChange(h.snapshot, previous);
  const row = (r: DigestSectorRow): DigestSectorRow => {
    const c = changes.find((x) => x.sector === r.sector);
    return {
      ...r,
      change: c?.coverage ?? null,
      coveredChange: c?.covered ?? null,
      countChange: c?.count ?? null,
      projection: r.deadline && r.coverage !== null ? projectToDeadline(trend, r.sector, r.target, r.deadline, { weeks: h.projectionWeeks }) : null,
    };
  };
  return { ...section, previousWeek: previous?.week ?? null, sectors: section.sectors.map(row), overall: row(section.overall) };
}
