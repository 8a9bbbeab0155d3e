// The digest model on the fixture county week (2022-W23, generated Fri 2022-06-10 17:00). Expected
// figures are recomputed here from the fixture's own records, plans and rows — never with the
// model's helpers.
import { beforeAll, describe, expect, it } from 'vitest';
import { computeCoverage } from '../../domain/reports/coverage.js';
import { buildDigest, DigestInputError, digestWindow } from '../../domain/reports/digest.js';
import type { DigestInput, DigestModel } from '../../domain/reports/digest.js';
import { REMOVAL_REASON_FUSE } from '../../domain/rows/kinds.js';
import { endOfShanghaiDay, parseInstant } from '../../domain/time/time.js';
import type { IssueRecord } from '../../domain/issues/types.js';
import { currentAssignment } from '../../domain/issues/lifecycle.js';
import {
  BACKDATED_CODE,
  consultants,
  DUP_CODE,
  digestInput,
  epidemicSupport,
  EVIL_NAME,
  GENERATED_AT,
  inspections,
  JUMP_CODE,
  plans,
  policies,
  profile,
  targets,
  totals,
  whitelist,
  WEEK,
} from '../fixtures/digest-fixture.js';

const FROM = parseInstant('2022-06-06T00:00');
const TO = GENERATED_AT;
const OPEN = ['待分派', '已交办', '已签收', '办理中'];
const inWeek = (t: number | undefined) => t !== undefined && t >= FROM && t <= TO;

let input: DigestInput;
let records: IssueRecord[];
let m: DigestModel;

beforeAll(() => {
  input = digestInput();
  records = [...input.issues];
  m = buildDigest(input);
});

const idsWithEvent = (types: string[]) =>
  records.filter((r) => r.events.some((e) => types.includes(e.type) && inWeek(e.at))).map((r) => r.id).sort();

describe('the week window', () => {
  it('is Monday 00:00 Shanghai to the generation instant, capped at the end of Sunday', () => {
    expect(digestWindow(WEEK, GENERATED_AT)).toEqual({
      week: WEEK,
      monday: '2022-06-06',
      sunday: '2022-06-12',
      from: FROM,
      to: GENERATED_AT,
      asOf: '2022-06-10',
    });
    const later = digestWindow(WEEK, parseInstant('2022-06-20T09:00'));
    expect(later.to).toBe(parseInstant('2022-06-12T23:59:59.999'));
    expect(later.asOf).toBe('2022-06-12');
  });

  it('refuses a generation time before the week with a Chinese message', () => {
    expect(() => digestWindow(WEEK, parseInstant('2022-06-05T23:59'))).toThrow(DigestInputError);
    expect(() => digestWindow(WEEK, parseInstant('2022-06-05T23:59'))).toThrow(/早于该周/);
    expect(() => digestWindow('2022-W54', GENERATED_AT)).toThrow(/周次/);
  });
});

describe('problems of the week', () => {
  it('new = the issues created this week (from the fixture plans)', () => {
    const expected = plans.filter((p) => p.at >= '2022-06-06' && p.at <= '2022-06-10T17:00').length;
    expect(expected).toBeGreaterThan(10);
    expect(m.issues.newIssues).toBe(expected);
    expect(m.headline.newIssues).toBe(expected);
  });

  it('resolved / closed / newly overdue / escalated are distinct issues with that event this week', () => {
    expect(m.issues.resolved).toBe(idsWithEvent(['resolve']).length);
    expect(m.issues.closed).toBe(idsWithEvent(['verify_close', 'close']).length);
    expect(m.issues.overdue).toBe(idsWithEvent(['overdue']).length);
    expect(m.issues.escalated).toBe(idsWithEvent(['escalate']).length);
    // The scripted week: closed WT-20220527-001, WT-20220530-001, WT-20220606-005.
    expect(idsWithEvent(['verify_close', 'close'])).toEqual(['WT-20220527-001', 'WT-20220530-001', 'WT-20220606-005']);
    expect(m.issues.returned).toBe(plans.flatMap((p) => p.steps ?? []).filter((s) => s[0] === 'return' && s[1] >= '2022-06-06').length);
    const reopened = plans.flatMap((p) => p.steps ?? []).filter((s) => s[0] === 'follow_up' && s[2] === '不满意' && s[1] >= '2022-06-06');
    expect(m.issues.reopened).toBe(reopened.length);
    expect(m.issues.followUps.total).toBe(plans.flatMap((p) => p.steps ?? []).filter((s) => s[0] === 'follow_up' && s[1] >= '2022-06-06').length);
    expect(m.issues.followUps.unsatisfied).toBe(reopened.length);
  });

  it('the open backlog is aged from 反映日期 to the Friday', () => {
    const open = records.filter((r) => OPEN.includes(r.status));
    expect(m.issues.open).toBe(open.length);
    const day = (d: string) => Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10)) / 86_400_000;
    const ages = open.map((r) => day('2022-06-10') - day(r.issue.reportedOn));
    const count = (lo: number, hi: number) => ages.filter((a) => a >= lo && a <= hi).length;
    expect(m.issues.backlogByAge.map((b) => b.count)).toEqual([count(0, 3), count(4, 7), count(8, 14), count(15, 30), count(31, 10_000)]);
    expect(m.issues.openByStatus.reduce((n, s) => n + s.count, 0)).toBe(open.length);
  });
});

describe('overdue and escalated items by name', () => {
  it('lists the open issues past a sign or resolve deadline, most overdue first', () => {
    const end = (d: string) => parseInstant(`${d}T23:59:59.999`);
    const expected = records
      .filter((r) => OPEN.includes(r.status))
      .filter((r) => {
        const a = r.assignments[r.assignments.length - 1];
        return (a.signedAt === undefined && end(a.signBy) < TO) || (a.resolvedAt === undefined && end(a.resolveBy) < TO);
      })
      .map((r) => r.id)
      .sort();
    expect(m.overdue.map((i) => i.id).sort()).toEqual(expected);
    expect(expected).toEqual(['WT-20220520-001', 'WT-20220525-001', 'WT-20220606-003']);
    expect(m.overdue[0].id).toBe('WT-20220520-001'); // signBy 05-23: 18 days
    expect(m.overdue[0]).toMatchObject({ enterpriseName: '通许县宏达机械有限公司', unitName: '县科工局', daysOverdue: 18, missed: { kind: 'sign', date: '2022-05-23' } });
  });

  it('lists issues escalated (open at a level, or escalated this week) with where they went', () => {
    const expected = records
      .filter((r) => (OPEN.includes(r.status) && r.escalationLevel > 0) || r.events.some((e) => e.type === 'escalate' && inWeek(e.at)))
      .map((r) => r.id)
      .sort();
    expect(m.escalated.map((i) => i.id).sort()).toEqual(expected);
    const top = m.escalated.find((i) => i.id === 'WT-20220520-001')!;
    expect(top.escalationLevel).toBe(2);
    expect(top.escalatedToName).toBe('县委县政府');
    expect(m.escalated[0].escalationLevel).toBeGreaterThanOrEqual(m.escalated[m.escalated.length - 1].escalationLevel);
  });
});

describe('units and the ranking', () => {
  it('has a row per unit with work this week and ranks only units with at least 3 issues', () => {
    // Distinct issues per unit with an assignment started this week (a lower bound of the unit's issues).
    const started = new Map<string, { ids: Set<string>; assignments: number }>();
    for (const r of records) {
      for (const a of r.assignments) {
        if (a.triage || !inWeek(a.assignedAt)) continue;
        const cur = started.get(a.unit) ?? { ids: new Set<string>(), assignments: 0 };
        cur.ids.add(r.id);
        // Judged for 签收及时率 only once signed, or once the sign deadline has ended while still the
        // unit's (not handed back unsigned before it ended).
        const signEnd = endOfShanghaiDay(a.signBy);
        const judged = a.signedAt !== undefined || (GENERATED_AT > signEnd && !(a.endedAt !== undefined && a.endedAt <= signEnd));
        if (judged) cur.assignments += 1;
        started.set(a.unit, cur);
      }
    }
    for (const [unit, { ids, assignments }] of started) {
      const row = m.units.rows.find((u) => u.unit === unit);
      expect(row, unit).toBeDefined();
      expect(row!.issues).toBeGreaterThanOrEqual(ids.size);
      expect(row!.assigned).toBe(assignments);
    }
    const listed = [...m.units.ranking.red, ...m.units.ranking.black];
    expect(listed.length).toBeGreaterThan(0);
    for (const u of listed) expect(m.units.rows.find((r) => r.unit === u.unit)!.issues).toBeGreaterThanOrEqual(3);
    // Units with fewer than 3 issues (文广旅局, 重点项目中心, 玉皇庙镇) are in the table but never ranked.
    const small = m.units.rows.filter((r) => r.issues < 3).map((r) => r.unit);
    expect(small).toEqual(expect.arrayContaining(['wglj', 'zdxm', 'yhmz']));
    for (const u of small) expect(listed.map((x) => x.unit)).not.toContain(u);
    expect(m.units.ranking.black.map((u) => u.unit)).toEqual(['jtj']);
  });
});

describe('other sections', () => {
  it('finds the common-problem batches of open issues from ≥ 3 enterprises', () => {
    const raw = m.batches.find((b) => b.category === '原料采购')!;
    expect(raw.issueIds).toEqual(['WT-20220606-001', 'WT-20220607-001', 'WT-20220608-001', 'WT-20220609-001']);
    expect(raw.enterpriseNames).toContain(EVIL_NAME);
    expect(raw.newThisWeek).toBe(true);
    for (const b of m.batches) {
      const members = records.filter((r) => b.issueIds.includes(r.id));
      // Open at some point of the week: open now, or resolved since Monday 00:00.
      const openInWeek = (r: IssueRecord) => OPEN.includes(r.status) || (currentAssignment(r).resolvedAt ?? -1) >= m.window.from;
      expect(members.every((r) => openInWeek(r) && r.issue.category === b.category)).toBe(true);
      expect(new Set(members.map((r) => r.issue.enterpriseCode ?? r.issue.enterpriseName)).size).toBeGreaterThanOrEqual(3);
      // Every member (any status) counted; dates are the members' 反映日期, never after the report's day.
      const all = records.filter((r) => b.memberIds.includes(r.id));
      expect(b.firstReported).toBe(all.map((r) => r.issue.reportedOn).sort()[0]);
      expect(b.lastReported).toBe(all.map((r) => r.issue.reportedOn).sort().at(-1));
      expect(b.lastReported <= m.window.asOf).toBe(true);
      expect(b.openMembers).toBe(all.filter((r) => OPEN.includes(r.status)).length);
      expect(b.memberEnterprises).toBe(new Set(all.map((r) => r.issue.enterpriseCode ?? r.issue.enterpriseName)).size);
    }
  });

  it('lists the whitelist changes of the week, 熔断 removals first', () => {
    const admitted = whitelist
      .filter((r) => r.status !== '申报中' && r.admittedOn! >= '2022-06-06' && r.admittedOn! <= '2022-06-10')
      .map((r) => r.code)
      .sort();
    expect(m.whitelistChanges.admitted.map((r) => r.code).sort()).toEqual(admitted);
    const removed = whitelist.filter((r) => r.status === '已移出' && r.removedOn! >= '2022-06-06' && r.removedOn! <= '2022-06-10');
    expect(m.whitelistChanges.removed).toHaveLength(removed.length);
    expect(m.whitelistChanges.removed[0].reason).toBe(REMOVAL_REASON_FUSE);
    expect(m.whitelistChanges.removed[0].fuse).toBe(true);
    // The 熔断 removal is listed first although it happened later in the week.
    expect(m.whitelistChanges.removed[0].date > m.whitelistChanges.removed[1].date).toBe(true);
    expect(m.whitelistChanges.admitted.map((r) => r.code)).not.toContain(BACKDATED_CODE);
    expect(m.headline.fuseRemovals).toBe(removed.filter((r) => r.removalReason === REMOVAL_REASON_FUSE).length);
  });

  it('shows the epidemic-support gaps: classes without an expert, admitted enterprises without staff or institution', () => {
    expect(m.epidemic.classesMissing).toEqual(['文化旅游']);
    const onList = whitelist.filter((r) => r.admittedOn && r.admittedOn <= '2022-06-10' && (r.status === '已纳入' || (r.status === '已移出' && r.removedOn! > '2022-06-10')));
    const codes = [...new Set(onList.map((r) => r.code))];
    const has = (c: string, f: 'staff' | 'medicalInstitution') =>
      epidemicSupport.some((s) => s.targetType === '白名单企业' && s.target.toUpperCase() === c && (s[f] ?? '').trim() !== '');
    const missing = codes.filter((c) => !has(c, 'staff') || !has(c, 'medicalInstitution')).sort();
    expect(m.epidemic.enterprisesRequired).toBe(codes.length);
    expect(m.epidemic.enterprisesMissing.map((x) => x.code).sort()).toEqual(missing);
    expect(m.epidemic.enterprisesMissing.find((x) => x.code === JUMP_CODE)).toBeUndefined(); // lower-case code in the support sheet still matches
  });

  it('lists the units without a policy list in force or without a consultant', () => {
    const required = profile.units.filter((u) => ['县直部门', '乡镇', '街道', '园区'].includes(u.type));
    const filed = (u: (typeof required)[number]) => policies.some((p) => (p.unit === u.code || p.unit === u.name) && (!p.validUntil || p.validUntil >= '2022-06-10'));
    const consultant = (u: (typeof required)[number]) => consultants.some((c) => c.unit === u.code || c.unit === u.name);
    const expected = required.filter((u) => !filed(u) || !consultant(u)).map((u) => u.code);
    expect(m.policy.required).toBe(required.length);
    expect(m.policy.gaps.map((g) => g.unit)).toEqual(expected);
    expect(m.policy.gaps.find((g) => g.unit === 'wglj')).toMatchObject({ policies: 0, expiredPolicies: 1, consultants: 1 });
  });

  it('lists the inspections waiting for approval, by planned day, marking those already due', () => {
    const pending = inspections.filter((i) => i.status === '待审批').sort((a, b) => (a.plannedOn < b.plannedOn ? -1 : 1));
    expect(m.inspections.map((i) => i.id)).toEqual(pending.map((i) => i.id));
    expect(m.inspections.map((i) => i.due)).toEqual(pending.map((i) => i.plannedOn <= '2022-06-10'));
    expect(m.inspections[0].initiatorName).toBe('玉皇庙镇');
  });

  it('carries the data-quality warnings and adds calendar_unverified from the issues', () => {
    const codes = m.dataQuality.map((w) => w.code);
    expect(codes).toEqual(expect.arrayContaining(['covered_exceeds_total', 'duplicate_code', 'value_jump', 'back_dated']));
    expect(m.dataQuality.find((w) => w.code === 'duplicate_code')!.ref).toBe(DUP_CODE);
    expect(m.dataQuality.find((w) => w.code === 'value_jump')!.ref).toBe(JUMP_CODE);
    expect(m.dataQuality.find((w) => w.code === 'back_dated')!.ref).toBe(BACKDATED_CODE);
    expect(codes).not.toContain('calendar_unverified');

    const open = records.find((r) => r.status === '已交办')!;
    const flagged = { ...open, warnings: [...open.warnings, { code: 'calendar_unverified', message: '2027 年未核实' }] };
    const m2 = buildDigest({ ...input, issues: records.map((r) => (r.id === open.id ? flagged : r)) });
    const w = m2.dataQuality.find((x) => x.code === 'calendar_unverified')!;
    expect(w.ref).toBe(open.id);
  });
});

describe('coverage', () => {
  it('gives each sector its coverage, the change against last week, the gap and a projection', () => {
    const now = computeCoverage({ whitelist, totals, targets, at: '2022-06-10' });
    const lastFriday = computeCoverage({ whitelist, totals, targets, at: '2022-06-03' });
    expect(m.coverage.previousWeek).toBe('2022-W22');
    for (const [i, row] of m.coverage.sectors.entries()) {
      const a = now.sectors[i];
      const b = lastFriday.sectors[i];
      expect(row.sector).toBe(a.sector);
      expect(row.coverage).toBe(a.coverage);
      expect(row.gap).toBe(a.gap);
      if (a.coverage !== null && b.coverage !== null) expect(row.change).toBeCloseTo(a.coverage - b.coverage, 4);
      else expect(row.change).toBeNull();
      if (a.coverage === null) expect(row.projection).toBeNull();
      else expect(row.projection).toMatchObject({ deadline: '2022-06-30', current: a.coverage, basis: 4 });
    }
    // 商贸流通 by hand: 2,100 + 1,900 + 800 (+ the duplicated 900 counted in 工业生产) of 8,000 = 60%.
    expect(m.coverage.sectors[1].coverage).toBe(0.6);
    expect(m.coverage.sectors[1].gap).toBe(800);
    expect(m.coverage.sectors[3].error).toBe('covered_exceeds_total');
    expect(m.headline.overallCoverage).toBe(now.overall.coverage);
    expect(m.snapshot.week).toBe(WEEK);
    expect(m.snapshot.values?.[JUMP_CODE]).toBe(2000);
  });

  it('ignores a stored snapshot of the digest week itself (re-runs give the same change)', () => {
    const again = buildDigest({ ...input, snapshots: [...(input.snapshots ?? []), m.snapshot] });
    expect(again.coverage.previousWeek).toBe('2022-W22');
    expect(again.coverage.overall.change).toBe(m.coverage.overall.change);
  });

  it('is deterministic for the same input', () => {
    expect(JSON.stringify(buildDigest(input))).toBe(JSON.stringify(m));
    expect(m.key).toBe(`digest#${WEEK}`);
  });
});
