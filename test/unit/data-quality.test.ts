import { describe, expect, it } from 'vitest';
import { computeCoverage } from '../../domain/reports/coverage.js';
import { backDatedEdits, checkDataQuality, coverageWarnings, duplicateCodes, valueJumps } from '../../domain/reports/data-quality.js';
import { parseInstant } from '../../domain/time/time.js';
import type { WhitelistRow } from '../../domain/rows/types.js';

const row = (code: string, over: Partial<WhitelistRow> = {}): WhitelistRow => ({
  code,
  name: `企业${code}`,
  sector: '工业生产',
  locality: '高新区',
  value: 1000,
  status: '已纳入',
  admittedOn: '2022-06-01',
  partners: [],
  ...over,
});

describe('duplicateCodes', () => {
  it('flags a code on two sectors (case-insensitive) and a code twice in one sector, not unique codes', () => {
    const rows = [
      row('A1'),
      row('a1', { sector: '商贸流通' }),
      row('B2'),
      row('B2'),
      row('C3'),
    ];
    const w = duplicateCodes(rows);
    expect(w.map((x) => x.ref)).toEqual(['A1', 'B2']);
    expect(w.every((x) => x.code === 'duplicate_code' && x.severity === 'error')).toBe(true);
    expect(w[0].message).toContain('「工业生产」、「商贸流通」');
    expect(w[1].message).toContain('出现 2 次');
  });
});

describe('valueJumps', () => {
  it('flags changes of more than half against last week, both ways', () => {
    const rows = [
      row('UP', { value: 1510 }), // +51%
      row('EXACT', { value: 1500 }), // +50%: not more than half
      row('DOWN', { value: 400 }), // −60%
      row('ZERO', { value: 500 }), // previous 0: no ratio
      row('NEW', { value: 9000 }), // no previous value
      row('GONE', { value: 10, status: '已移出', removedOn: '2022-06-08' }),
    ];
    const previous = { UP: 1000, EXACT: 1000, DOWN: 1000, ZERO: 0, GONE: 1000 };
    const w = valueJumps(rows, previous);
    expect(w.map((x) => x.ref)).toEqual(['UP', 'DOWN']);
    expect(w[0].message).toContain('+51%');
    expect(w[1].message).toContain('-60%');
    expect(w[0].name).toBe('企业UP');
    expect(valueJumps(rows, previous, 0.55).map((x) => x.ref)).toEqual(['DOWN']);
  });
});

describe('backDatedEdits', () => {
  it('flags an effective date more than 7 days before the Shanghai day of the edit', () => {
    const rows = [row('A'), row('B'), row('C')];
    // 2022-06-08 23:30 Shanghai is 15:30 UTC the same day; 2022-06-09 00:30 Shanghai is still 06-08 in UTC.
    const edits = [
      { code: 'A', editedAt: parseInstant('2022-06-08T23:30+08:00'), effectiveDate: '2022-05-31' }, // 8 days
      { code: 'B', editedAt: parseInstant('2022-06-08T10:00+08:00'), effectiveDate: '2022-06-01' }, // 7 days: fine
      { code: 'C', editedAt: parseInstant('2022-06-09T00:30+08:00'), effectiveDate: '2022-06-01', column: '移出日期' }, // 8 days in Shanghai
      { code: 'X', editedAt: parseInstant('2022-06-09T10:00+08:00'), effectiveDate: 'not a date' },
    ];
    const w = backDatedEdits(edits, rows);
    expect(w.map((x) => x.ref)).toEqual(['A', 'C']);
    expect(w[1].message).toContain('移出日期填为 2022-06-01');
    expect(w[1].message).toContain('2022-06-09 修改');
  });
});

describe('coverageWarnings and checkDataQuality', () => {
  it('reports a covered sum above the total and a sector with rows but no total; errors come first', () => {
    const whitelist = [
      row('A', { value: 1200 }),
      row('B', { sector: '商贸流通', value: 100 }),
      row('B', { sector: '交通运输', value: 100 }),
      row('J', { value: 100 }),
    ];
    const totals = [{ sector: '工业生产' as const, period: '2022-05', total: 1000 }];
    const coverage = computeCoverage({ whitelist, totals, at: '2022-06-10' });
    const cw = coverageWarnings(coverage);
    expect(cw.map((w) => [w.code, w.sector])).toEqual([
      ['covered_exceeds_total', '工业生产'],
      ['no_total', '商贸流通'],
    ]); // the duplicated code counts once (in the first sector), so 交通运输 has no rows to warn about
    expect(cw[0].message).toContain('1300');

    const all = checkDataQuality({
      whitelist,
      coverage,
      previousValues: { J: 10 },
      edits: [{ code: 'A', editedAt: parseInstant('2022-06-10T09:00'), effectiveDate: '2022-01-01' }],
    });
    const severities = all.map((w) => w.severity);
    expect(severities).toEqual([...severities].sort());
    expect(all.map((w) => w.code).sort()).toEqual(
      ['back_dated', 'covered_exceeds_total', 'duplicate_code', 'no_total', 'value_jump'].sort(),
    );
  });
});
