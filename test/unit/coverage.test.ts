import { describe, expect, it } from 'vitest';
import { fc, test as propTest } from '@fast-check/vitest';
import { computeCoverage, countsOn, DEFAULT_COVERAGE_TARGET, totalInForce } from '../../domain/reports/coverage.js';
import { SECTORS } from '../../domain/rows/kinds.js';
import type { Sector } from '../../domain/rows/kinds.js';
import type { SectorTotalRow, WhitelistRow } from '../../domain/rows/types.js';

let seq = 0;
function wl(
  sector: Sector,
  value: number,
  status: WhitelistRow['status'],
  admittedOn?: string,
  removedOn?: string,
  code = `CODE${++seq}`,
): WhitelistRow {
  return { code, name: `企业${code}`, sector, locality: '城关镇', value, status, admittedOn, removedOn, partners: [] };
}
const total = (sector: Sector, period: string, t: number): SectorTotalRow => ({ sector, period, total: t });

describe('which rows count on a day', () => {
  it.each<[string, WhitelistRow, string, boolean]>([
    ['已纳入 admitted that very day', wl('工业生产', 1, '已纳入', '2022-06-10'), '2022-06-10', true],
    ['已纳入 admitted the next day', wl('工业生产', 1, '已纳入', '2022-06-11'), '2022-06-10', false],
    ['已纳入 without 纳入日期', wl('工业生产', 1, '已纳入'), '2022-06-10', false],
    ['申报中 never', wl('工业生产', 1, '申报中', '2022-06-01'), '2022-06-10', false],
    ['已移出 the day before its 移出日期', wl('工业生产', 1, '已移出', '2022-06-01', '2022-06-10'), '2022-06-09', true],
    ['已移出 on its 移出日期', wl('工业生产', 1, '已移出', '2022-06-01', '2022-06-10'), '2022-06-10', false],
    ['已移出 before it was admitted', wl('工业生产', 1, '已移出', '2022-06-01', '2022-06-10'), '2022-05-31', false],
    ['已移出 without 移出日期', wl('工业生产', 1, '已移出', '2022-06-01'), '2022-06-09', false],
  ])('%s -> %s', (_, row, at, counts) => {
    expect(countsOn(row, at)).toBe(counts);
  });
});

describe('the total in force', () => {
  const totals = [
    total('工业生产', '2022-05', 1000),
    total('工业生产', '2022-07', 3000),
    total('工业生产', '2022-06', 2000),
    total('商贸流通', '2022-06', 9999),
  ];
  it.each([
    ['2022-06-30', '2022-06', 2000],
    ['2022-06-01', '2022-06', 2000],
    ['2022-05-31', '2022-05', 1000],
    ['2022-12-31', '2022-07', 3000],
  ])('at %s: 统计期 %s', (at, period, t) => {
    expect(totalInForce(totals, '工业生产', at)).toMatchObject({ period, total: t });
  });

  it('none before the first 统计期; a later row of the same 统计期 wins', () => {
    expect(totalInForce(totals, '工业生产', '2022-04-30')).toBeUndefined();
    const twice = [total('工业生产', '2022-06', 2000), total('工业生产', '2022-06', 2100)];
    expect(totalInForce(twice, '工业生产', '2022-06-10')?.total).toBe(2100);
  });
});

describe('computeCoverage', () => {
  const whitelist = [
    wl('工业生产', 600, '已纳入', '2022-05-20'),
    wl('工业生产', 150.25, '已纳入', '2022-06-10'),
    wl('工业生产', 100, '已移出', '2022-05-01', '2022-06-08'), // 熔断 on 06-08: gone by 06-10
    wl('工业生产', 70, '申报中'),
    wl('商贸流通', 500, '已纳入', '2022-06-01'),
    wl('交通运输', 900, '已纳入', '2022-06-01'),
    wl('文化旅游', 10, '已纳入', '2022-06-01'),
  ];
  const totals = [
    total('工业生产', '2022-05', 800),
    total('工业生产', '2022-06', 1000),
    total('商贸流通', '2022-06', 1000),
    total('交通运输', '2022-06', 800),
    total('重点项目', '2022-06', 5000),
  ];
  const report = computeCoverage({
    whitelist,
    totals,
    targets: [{ sector: '商贸流通', target: 0.6, deadline: '2022-06-30' }],
    at: '2022-06-10',
  });
  const by = (s: Sector) => report.sectors.find((x) => x.sector === s)!;

  it('lists the five sectors in order', () => {
    expect(report.at).toBe('2022-06-10');
    expect(report.sectors.map((s) => s.sector)).toEqual([...SECTORS]);
  });

  it('a sector on track: covered, total, coverage, gap, count', () => {
    expect(by('工业生产')).toEqual({
      sector: '工业生产',
      covered: 750.25,
      total: 1000,
      coverage: 0.7503,
      target: DEFAULT_COVERAGE_TARGET,
      gap: 0,
      count: 2,
      error: null,
      period: '2022-06',
      deadline: null,
      onTrack: true,
    });
  });

  it('a sector short of its own target has a gap and carries the deadline', () => {
    expect(by('商贸流通')).toMatchObject({
      covered: 500,
      total: 1000,
      coverage: 0.5,
      target: 0.6,
      gap: 100,
      count: 1,
      error: null,
      deadline: '2022-06-30',
      onTrack: false,
    });
  });

  it('covered above the total is a data error, never above 100%', () => {
    expect(by('交通运输')).toMatchObject({
      covered: 900,
      total: 800,
      coverage: null,
      gap: 0,
      error: 'covered_exceeds_total',
      onTrack: null,
    });
    expect(by('交通运输').message).toContain('超过领域总量');
  });

  it('no total: no_total, with what is known', () => {
    expect(by('文化旅游')).toMatchObject({
      covered: 10,
      total: null,
      coverage: null,
      gap: null,
      count: 1,
      error: 'no_total',
      period: null,
      onTrack: null,
    });
    expect(by('文化旅游').message).toContain('领域总量');
  });

  it('a sector with a total and nothing admitted is at 0%', () => {
    expect(by('重点项目')).toMatchObject({ covered: 0, total: 5000, coverage: 0, gap: 3500, count: 0, error: null, onTrack: false });
  });

  it('overall sums every sector, takes the ratio over error-free sectors and says incomplete', () => {
    expect(report.overall).toEqual({
      covered: 750.25 + 500 + 900 + 10,
      total: 1000 + 1000 + 800 + 5000,
      coverage: Math.round(((750.25 + 500) / 7000) * 10_000) / 10_000,
      target: Math.round(((0.7 * 1000 + 0.6 * 1000 + 0.7 * 5000) / 7000) * 10_000) / 10_000,
      gap: 0 + 100 + 0 + 3500,
      count: 5,
      error: 'incomplete',
      onTrack: false,
    });
  });

  it('the removed row still counts the day before its removal, and the May total applies in May', () => {
    const may = computeCoverage({ whitelist, totals, at: '2022-05-31' });
    const ind = may.sectors[0];
    expect(ind).toMatchObject({ covered: 700, total: 800, period: '2022-05', coverage: 0.875, count: 2 });
    const early = computeCoverage({ whitelist, totals, at: '2022-06-07' });
    expect(early.sectors[0]).toMatchObject({ covered: 700, total: 1000, coverage: 0.7, onTrack: true, gap: 0 });
  });

  it('takes the Shanghai day of an instant, and rejects a bad date', () => {
    expect(computeCoverage({ whitelist, totals, at: '2022-06-09T20:00:00Z' }).at).toBe('2022-06-10');
    expect(() => computeCoverage({ whitelist, totals, at: '2022-06-31' })).toThrow(/日期/);
  });

  it('counts a duplicated code once', () => {
    const dup = [wl('工业生产', 300, '已纳入', '2022-06-01', undefined, 'X1'), wl('工业生产', 300, '已纳入', '2022-06-02', undefined, 'x1')];
    expect(computeCoverage({ whitelist: dup, totals, at: '2022-06-10' }).sectors[0]).toMatchObject({ covered: 300, count: 1 });
  });

  it('a total of zero with nothing covered is no_total, with something covered exceeds it', () => {
    const zero = [total('工业生产', '2022-06', 0)];
    expect(computeCoverage({ whitelist: [], totals: zero, at: '2022-06-10' }).sectors[0].error).toBe('no_total');
    expect(computeCoverage({ whitelist: [wl('工业生产', 1, '已纳入', '2022-06-01')], totals: zero, at: '2022-06-10' }).sectors[0].error).toBe(
      'covered_exceeds_total',
    );
  });

  it('an empty county: every sector no_total, overall coverage null', () => {
    const empty = computeCoverage({ whitelist: [], totals: [], at: '2022-06-10' });
    expect(empty.sectors.every((s) => s.error === 'no_total')).toBe(true);
    expect(empty.overall).toMatchObject({ covered: 0, total: 0, coverage: null, error: 'incomplete', onTrack: null });
  });

  it('the county is not on track while one sector is below target, even if the overall ratio is above', () => {
    const totals = SECTORS.map((s) => total(s, '2022-06', 100));
    const rows = SECTORS.map((s, i) => wl(s, i === 0 ? 50 : 90, '已纳入', '2022-06-01'));
    const r = computeCoverage({ whitelist: rows, totals, at: '2022-06-10' });
    // Independently: sector 0 covers 50/100 (gap 20), the others 90/100; overall 410/500 = 0.82.
    expect(r.overall.coverage).toBe(0.82);
    expect(r.overall.gap).toBe(20);
    expect(r.overall.onTrack).toBe(false);
    const fixed = computeCoverage({ whitelist: [...rows, wl(SECTORS[0], 20, '已纳入', '2022-06-02')], totals, at: '2022-06-10' });
    expect(fixed.overall).toMatchObject({ gap: 0, onTrack: true });
  });

  it('exact at the target is on track (0.1 + 0.2 style sums do not drift)', () => {
    const rows = Array.from({ length: 7 }, () => wl('工业生产', 0.1, '已纳入', '2022-06-01'));
    const r = computeCoverage({ whitelist: rows, totals: [total('工业生产', '2022-06', 1)], at: '2022-06-10' });
    expect(r.sectors[0]).toMatchObject({ covered: 0.7, coverage: 0.7, gap: 0, onTrack: true });
  });

  propTest.prop([fc.array(fc.integer({ min: 0, max: 1_000_000_00 }), { minLength: 1, maxLength: 60 })])(
    'covered equals the cent-exact sum of the values counted',
    (centsList) => {
      const rows = centsList.map((c) => wl('重点项目', c / 100, '已纳入', '2022-06-01'));
      const sum = centsList.reduce((a, b) => a + b, 0);
      const r = computeCoverage({ whitelist: rows, totals: [total('重点项目', '2022-06', sum / 100 + 1)], at: '2022-06-10' });
      expect(r.sectors[4].covered).toBe(sum / 100);
      expect(r.sectors[4].count).toBe(centsList.length);
      expect(r.sectors[4].coverage).toBeLessThanOrEqual(1);
    },
  );
});
