import { fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { BATCH_WINDOW_DAYS, batchNotification, enterpriseKey, findCommonProblems } from '../../domain/issues/batches.js';
import type { IssueCategory } from '../../domain/rows/kinds.js';
import { isOpen } from '../../domain/issues/lifecycle.js';
import { addDays, daysBetween } from '../../domain/time/time.js';
import type { IssueRecord } from '../../domain/issues/types.js';
import { act, at, create, issue, profile, unit } from './lifecycle-fixtures.js';

let seq = 0;
/** An issue reported on `day` by enterprise `code` (or by name only), open unless `resolved`. */
function rec(day: string, who: { code?: string; name?: string }, opts: { category?: IssueCategory; resolved?: boolean; unit?: string } = {}): IssueRecord {
  seq += 1;
  const id = `WT-${day.replaceAll('-', '')}-${String(seq).padStart(3, '0')}`;
  const row = issue({ reportedOn: day, enterpriseCode: who.code, enterpriseName: who.name, category: opts.category ?? '物流运输', assignedUnit: opts.unit });
  const r = create(id, row, at(`${day}T10:00`)).record;
  if (!opts.resolved) return r;
  return act(r, { type: 'resolve', actor: unit(r.assignments[0].unit), result: '已解决' }, at(`${day}T12:00`)).record;
}

const NOW = at('2022-06-30T12:00');

describe('findCommonProblems', () => {
  it('three open issues of one category from three enterprises within 14 days form one batch', () => {
    const rs = [rec('2022-06-01', { code: 'A' }), rec('2022-06-08', { code: 'B' }, { unit: 'SWJ' }), rec('2022-06-14', { code: 'C' })];
    const batches = findCommonProblems(rs, NOW);
    expect(batches).toEqual([
      {
        id: 'CB-2022-06-01-物流运输',
        category: '物流运输',
        from: '2022-06-01',
        to: '2022-06-14',
        issueIds: rs.map((r) => r.id),
        enterprises: ['A', 'B', 'C'],
        memberIds: rs.map((r) => r.id),
        memberEnterprises: 3,
        firstReported: '2022-06-01',
        lastReported: '2022-06-14',
        units: ['GXJ', 'SWJ'],
        foundAt: NOW,
      },
    ]);
  });

  it('an issue not routed yet (no assignment) is a member without a unit, not a crash of the sweep', () => {
    const unrouted: IssueRecord = { ...rec('2022-06-08', { code: 'B' }), status: '待分派', assignments: [] };
    const rs = [rec('2022-06-01', { code: 'A' }), unrouted, rec('2022-06-14', { code: 'C' })];
    const [batch] = findCommonProblems(rs, NOW);
    expect(batch).toMatchObject({ issueIds: rs.map((r) => r.id), enterprises: ['A', 'B', 'C'], units: ['GXJ'] });
  });

  it.each([
    ['15 days apart', [['2022-06-01', 'A'], ['2022-06-08', 'B'], ['2022-06-15', 'C']]],
    ['the same enterprise three times plus one other', [['2022-06-01', 'A'], ['2022-06-02', 'A'], ['2022-06-03', 'A'], ['2022-06-04', 'B']]],
    ['two enterprises', [['2022-06-01', 'A'], ['2022-06-02', 'B']]],
  ])('no batch: %s', (_name, list) => {
    expect(findCommonProblems(list.map(([d, c]) => rec(d, { code: c })), NOW)).toEqual([]);
  });

  it('closed issues and other categories do not count', () => {
    const rs = [
      rec('2022-06-01', { code: 'A' }),
      rec('2022-06-02', { code: 'B' }),
      rec('2022-06-03', { code: 'C' }, { resolved: true }),
      rec('2022-06-04', { code: 'D' }, { category: '用工需求' }),
    ];
    expect(findCommonProblems(rs, NOW)).toEqual([]);
  });

  it('an enterprise named without its code is the enterprise whose code goes with that name elsewhere', () => {
    const rs = [
      rec('2022-06-01', { code: 'a', name: '示例物流有限公司' }),
      rec('2022-06-02', { name: ' 示例物流 有限公司' }),
      rec('2022-06-03', { code: 'B' }),
    ];
    expect(enterpriseKey(rs[1].issue, new Map([['示例物流有限公司', 'A']]))).toBe('A');
    expect(findCommonProblems(rs, NOW)).toEqual([]);
    const more = [...rs, rec('2022-06-04', { name: '另一家企业' })];
    expect(findCommonProblems(more, NOW)[0].enterprises).toEqual(['A', 'B', 'name:另一家企业']);
  });

  it('issues reported after today are ignored', () => {
    const rs = [rec('2022-06-01', { code: 'A' }), rec('2022-06-02', { code: 'B' }), rec('2022-06-06', { code: 'C' })];
    expect(findCommonProblems(rs, at('2022-06-05T23:00'))).toEqual([]);
    expect(findCommonProblems(rs, at('2022-06-06T00:00'))).toHaveLength(1);
  });

  it('finds the window wherever it starts, and separate windows separately', () => {
    const rs = [
      rec('2022-06-01', { code: 'A' }),
      rec('2022-06-10', { code: 'B' }),
      rec('2022-06-16', { code: 'C' }),
      rec('2022-06-17', { code: 'D' }),
      rec('2022-07-20', { code: 'E' }),
      rec('2022-07-21', { code: 'F' }),
      rec('2022-07-22', { code: 'G' }),
    ];
    const batches = findCommonProblems(rs, at('2022-07-30T00:00'));
    expect(batches.map((b) => [b.id, b.issueIds.length])).toEqual([
      ['CB-2022-06-10-物流运输', 3],
      ['CB-2022-07-20-物流运输', 3],
    ]);
  });

  it('a batch that grows keeps its id and its notification key: reported once', () => {
    const rs = [rec('2022-06-01', { code: 'A' }), rec('2022-06-03', { code: 'B' }), rec('2022-06-05', { code: 'C' })];
    const first = findCommonProblems(rs, at('2022-06-05T12:00'));
    const grown = findCommonProblems([...rs, rec('2022-06-09', { code: 'D' })], at('2022-06-09T12:00'));
    expect(grown[0].id).toBe(first[0].id);
    expect(grown[0].issueIds).toHaveLength(4);
    expect(batchNotification(grown[0], profile)!.key).toBe(batchNotification(first[0], profile)!.key);
  });

  it('resolving the first issue of a batch keeps the batch id (closed issues still anchor the window)', () => {
    const rs = [rec('2022-06-01', { code: 'A' }), rec('2022-06-03', { code: 'B' }), rec('2022-06-05', { code: 'C' }), rec('2022-06-06', { code: 'D' })];
    const before = findCommonProblems(rs, NOW);
    const after = [act(rs[0], { type: 'resolve', actor: unit('GXJ'), result: '已解决' }, at('2022-06-07T10:00')).record, ...rs.slice(1)];
    const batches = findCommonProblems(after, NOW);
    expect(batches.map((b) => b.id)).toEqual(before.map((b) => b.id));
    expect(batches[0].issueIds).toEqual(rs.slice(1).map((r) => r.id));
    // The resolved issue stays a member: the batch's size and dates do not shrink.
    expect(batches[0]).toMatchObject({ memberIds: rs.map((r) => r.id), memberEnterprises: 4, firstReported: '2022-06-01', lastReported: '2022-06-06' });
    expect(batchNotification(batches[0], profile)!.data).toMatchObject({ enterpriseCount: 4, openCount: 3, issueIds: rs.map((r) => r.id) });
  });

  it('a week\'s report (openSince) keeps a batch whose members were resolved during the week', () => {
    const rs = [rec('2022-06-20', { code: 'A' }), rec('2022-06-21', { code: 'B' }), rec('2022-06-22', { code: 'C' })];
    const resolvedFri = act(rs[0], { type: 'resolve', actor: unit('GXJ'), result: '已解决' }, at('2022-06-24T10:00')).record;
    const after = [resolvedFri, ...rs.slice(1)];
    // Now only two are open: no batch for the sweep...
    expect(findCommonProblems(after, at('2022-06-24T17:00'))).toEqual([]);
    // ...but the week (from Monday 06-20) had one, and still has it, with all three members.
    const [week] = findCommonProblems(after, at('2022-06-24T17:00'), { openSince: at('2022-06-20T00:00') });
    expect(week).toMatchObject({ id: 'CB-2022-06-20-物流运输', memberIds: rs.map((r) => r.id), memberEnterprises: 3 });
    // Resolved before the week began: not open during it.
    expect(findCommonProblems(after, at('2022-06-24T17:00'), { openSince: at('2022-06-24T12:00') })).toEqual([]);
  });
});

describe('batchNotification', () => {
  it('goes to the command office under the key batch#<id>', () => {
    const rs = [rec('2022-06-01', { code: 'A' }), rec('2022-06-02', { code: 'B' }), rec('2022-06-03', { code: 'C' })];
    const [b] = findCommonProblems(rs, NOW);
    expect(batchNotification(b, profile)).toEqual({
      key: 'batch#CB-2022-06-01-物流运输',
      template: 'batch',
      to: ['command@sibao.example'],
      data: {
        batchId: 'CB-2022-06-01-物流运输',
        category: '物流运输',
        from: '2022-06-01',
        to: '2022-06-14',
        issueIds: rs.map((r) => r.id),
        enterpriseCount: 3,
        firstReported: '2022-06-01',
        lastReported: '2022-06-03',
        openCount: 3,
        units: ['GXJ'],
      },
      createdAt: NOW,
    });
    expect(batchNotification(b, { units: profile.units.filter((u) => u.type !== '指挥部') })).toBeNull();
  });
});

describe('batches on random ledgers (checked by brute force)', () => {
  const ledgerArb = fc.array(
    fc.record({
      day: fc.integer({ min: 0, max: 40 }),
      who: fc.constantFrom('A', 'B', 'C', 'D', 'E'),
      category: fc.constantFrom<IssueCategory>('物流运输', '用工需求'),
      resolved: fc.boolean(),
    }),
    { maxLength: 14 },
  );
  const build = (l: Array<{ day: number; who: string; category: IssueCategory; resolved: boolean }>) =>
    l.map((x) => rec(addDays('2022-06-01', x.day), { code: x.who }, { category: x.category, resolved: x.resolved }));
  const now = at('2022-07-20T00:00');

  /** Every window [x, x + 13] (x a report day) whose open issues come from ≥ 3 enterprises. */
  function qualifying(rs: IssueRecord[]): Array<{ category: string; x: string }> {
    const out: Array<{ category: string; x: string }> = [];
    for (const r of rs) {
      const x = r.issue.reportedOn;
      const inside = rs.filter(
        (o) => o.issue.category === r.issue.category && isOpen(o.status) && daysBetween(x, o.issue.reportedOn) >= 0 && daysBetween(x, o.issue.reportedOn) < BATCH_WINDOW_DAYS,
      );
      if (new Set(inside.map((o) => o.issue.enterpriseCode)).size >= 3) out.push({ category: r.issue.category, x });
    }
    return out;
  }

  it('every batch is sound, and every qualifying window overlaps a batch of its category', () => {
    fc.assert(
      fc.property(ledgerArb, (l) => {
        const rs = build(l);
        const batches = findCommonProblems(rs, now);
        const byId = new Map(rs.map((r) => [r.id, r]));
        for (const b of batches) {
          const members = b.issueIds.map((id) => byId.get(id)!);
          expect(members.every((m) => isOpen(m.status) && m.issue.category === b.category)).toBe(true);
          expect(members.every((m) => m.issue.reportedOn >= b.from && m.issue.reportedOn <= b.to)).toBe(true);
          expect(new Set(members.map((m) => m.issue.enterpriseCode)).size).toBeGreaterThanOrEqual(3);
          expect(daysBetween(b.from, b.to)).toBe(BATCH_WINDOW_DAYS - 1);
        }
        for (const q of qualifying(rs)) {
          expect(batches.some((b) => b.category === q.category && b.from <= q.x && q.x <= b.to)).toBe(true);
        }
        expect(new Set(batches.map((b) => b.id)).size).toBe(batches.length);
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it('a newly reported issue (reported on or after every other) never changes an existing batch id', () => {
    fc.assert(
      fc.property(ledgerArb, fc.constantFrom('A', 'B', 'C', 'F'), fc.integer({ min: 0, max: 5 }), (l, who, gap) => {
        const rs = build(l);
        const last = rs.reduce((m, r) => (r.issue.reportedOn > m ? r.issue.reportedOn : m), '2022-06-01');
        const before = findCommonProblems(rs, now).map((b) => b.id);
        const after = findCommonProblems([...rs, rec(addDays(last, gap), { code: who })], now).map((b) => b.id);
        for (const id of before) expect(after).toContain(id);
      }),
      { numRuns: 150, seed: 11 },
    );
  });
});
