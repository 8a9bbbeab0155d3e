import { describe, expect, it } from 'vitest';
import { computeCoverage } from '../../domain/reports/coverage.js';
import { SECTORS } from '../../domain/rows/kinds.js';
import { coverageSnapshot, previousSnapshot, projectToDeadline, weekChange, whitelistValues } from '../../domain/reports/snapshots.js';
import type { CoverageSnapshot } from '../../domain/reports/snapshots.js';
import type { WhitelistRow } from '../../domain/rows/types.js';
import { targets, totals, whitelist } from '../fixtures/digest-fixture.js';

/** A snapshot with one sector's coverage set (the others without a figure). */
function snap(week: string, at: string, coverage: number | null, sector = SECTORS[0]): CoverageSnapshot {
  return {
    week,
    at,
    sectors: SECTORS.map((s) => ({
      sector: s,
      covered: s === sector && coverage !== null ? coverage * 1000 : 0,
      total: 1000,
      coverage: s === sector ? coverage : null,
      target: 0.7,
      count: s === sector ? 3 : 0,
      error: s === sector && coverage !== null ? null : 'no_total',
      deadline: '2022-06-30',
    })),
    overall: { covered: (coverage ?? 0) * 1000, total: 1000, coverage, target: 0.7, count: 3 },
  };
}

describe('coverageSnapshot', () => {
  it('keeps every sector figure of the report and the overall figures', () => {
    const report = computeCoverage({ whitelist, totals, targets, at: '2022-06-10' });
    const s = coverageSnapshot(report, '2022-W23', { ABC: 1 });
    expect(s.week).toBe('2022-W23');
    expect(s.at).toBe('2022-06-10');
    expect(s.sectors.map((x) => x.sector)).toEqual([...SECTORS]);
    for (const [i, sec] of report.sectors.entries()) {
      expect(s.sectors[i]).toEqual({
        sector: sec.sector,
        covered: sec.covered,
        total: sec.total,
        coverage: sec.coverage,
        target: sec.target,
        count: sec.count,
        error: sec.error,
        deadline: sec.deadline,
      });
    }
    expect(s.overall.coverage).toBe(report.overall.coverage);
    expect(s.values).toEqual({ ABC: 1 });
    // Compact: well under a DynamoDB item even with the values of a few hundred codes.
    expect(JSON.stringify(s).length).toBeLessThan(2_000);
  });

  it('whitelistValues keeps rows not removed, upper-cased, first of a duplicate', () => {
    const row = (code: string, value: number, status: WhitelistRow['status'] = '已纳入'): WhitelistRow => ({
      code,
      name: 'x',
      sector: '工业生产',
      locality: '高新区',
      value,
      status,
      admittedOn: '2022-06-01',
      partners: [],
    });
    expect(whitelistValues([row('abc', 1), row('ABC', 2), row('D', 3, '已移出'), row('E', 4, '申报中')])).toEqual({ ABC: 1, E: 4 });
  });
});

describe('weekChange', () => {
  it('is the difference per sector and overall; null without a previous snapshot', () => {
    const before = computeCoverage({ whitelist, totals, targets, at: '2022-06-03' });
    const now = computeCoverage({ whitelist, totals, targets, at: '2022-06-10' });
    const changes = weekChange(coverageSnapshot(now, '2022-W23'), coverageSnapshot(before, '2022-W22'));
    expect(changes.map((c) => c.sector)).toEqual([...SECTORS, 'overall']);
    for (const [i, sector] of SECTORS.entries()) {
      const a = now.sectors[i];
      const b = before.sectors[i];
      const c = changes[i];
      expect(c.previousWeek).toBe('2022-W22');
      expect(c.count).toBe(a.count - b.count);
      expect(c.covered).toBeCloseTo(a.covered - b.covered, 6);
      if (a.coverage === null || b.coverage === null) expect(c.coverage, sector).toBeNull();
      else expect(c.coverage).toBeCloseTo(a.coverage - b.coverage, 4);
    }
    expect(changes[5].coverage).toBeCloseTo(now.overall.coverage! - before.overall.coverage!, 4);
    expect(weekChange(coverageSnapshot(now, '2022-W23'), undefined).every((c) => c.coverage === null && c.previousWeek === null)).toBe(true);
  });

  it('previousSnapshot takes the latest week before, ignoring the same and later weeks', () => {
    const list = [snap('2022-W21', '2022-05-27', 0.5), snap('2022-W23', '2022-06-10', 0.6), snap('2022-W22', '2022-06-03', 0.55), snap('2022-W24', '2022-06-17', 0.7)];
    expect(previousSnapshot(list, '2022-W23')?.week).toBe('2022-W22');
    expect(previousSnapshot(list, '2022-W21')).toBeUndefined();
  });
});

describe('projectToDeadline', () => {
  const weekly = [
    snap('2022-W20', '2022-05-20', 0.5),
    snap('2022-W21', '2022-05-27', 0.55),
    snap('2022-W22', '2022-06-03', 0.6),
    snap('2022-W23', '2022-06-10', 0.65),
  ];

  it('extends the linear trend to the deadline and gives the weekly gain still needed', () => {
    // 4 weeks from 06-10 to 07-08; +5 points a week → 0.85; needed (0.70 − 0.65) / 4 = 0.0125.
    const p = projectToDeadline(weekly, '工业生产', 0.7, '2022-07-08');
    expect(p.basis).toBe(4);
    expect(p.weeksLeft).toBe(4);
    expect(p.trendPerWeek).toBeCloseTo(0.05, 6);
    expect(p.projected).toBeCloseTo(0.85, 6);
    expect(p.neededPerWeek).toBeCloseTo(0.0125, 6);
    expect(p.onTrack).toBe(true);
    expect(p.current).toBe(0.65);
  });

  it('uses only the last `weeks` snapshots, in week order whatever the input order', () => {
    const older = [snap('2022-W18', '2022-05-06', 0.9), snap('2022-W19', '2022-05-13', 0.9)];
    const p = projectToDeadline([...weekly].reverse().concat(older), '工业生产', 0.7, '2022-07-08', { weeks: 3 });
    expect(p.basis).toBe(3);
    expect(p.trendPerWeek).toBeCloseTo(0.05, 6);
  });

  it('a falling trend is not on track; the projection is clamped to 0–1', () => {
    const falling = [snap('2022-W22', '2022-06-03', 0.3), snap('2022-W23', '2022-06-10', 0.2)];
    const p = projectToDeadline(falling, '工业生产', 0.7, '2022-08-19');
    expect(p.trendPerWeek).toBeCloseTo(-0.1, 6);
    expect(p.projected).toBe(0);
    expect(p.onTrack).toBe(false);
    expect(p.neededPerWeek).toBeCloseTo(0.5 / 10, 6);
  });

  it('one point has no trend; a passed deadline leaves no weeks; no figure gives nulls', () => {
    const one = projectToDeadline([weekly[3]], '工业生产', 0.7, '2022-06-30');
    expect(one.trendPerWeek).toBeNull();
    expect(one.projected).toBe(0.65);
    expect(one.onTrack).toBe(false);
    const late = projectToDeadline(weekly, '工业生产', 0.7, '2022-06-01');
    expect(late.weeksLeft).toBe(0);
    expect(late.neededPerWeek).toBeNull();
    expect(late.projected).toBe(0.65);
    const reached = projectToDeadline([snap('2022-W23', '2022-06-10', 0.75)], '工业生产', 0.7, '2022-06-01');
    expect(reached.neededPerWeek).toBe(0);
    expect(reached.onTrack).toBe(true);
    const none = projectToDeadline(weekly, '商贸流通', 0.7, '2022-06-30');
    expect(none).toMatchObject({ current: null, projected: null, basis: 0, onTrack: null });
  });

  it('projects the overall figure too', () => {
    const p = projectToDeadline(weekly, 'overall', 0.7, '2022-07-08');
    expect(p.projected).toBeCloseTo(0.85, 6);
  });
});
