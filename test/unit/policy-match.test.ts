// 政策找企 matching (SPEC §7.4): each condition at its boundary, an expired policy, a passed 申报截止,
// 全部, and the consultants of a policy. Rows are normalised through the real validator so 全部 is what
// a sheet cell gives.
import { describe, expect, it } from 'vitest';
import { consultantsFor, matchingPolicies, matchPolicy, whyNot, type MatchEnterprise, type MatchPolicy } from '../../domain/issues/policies.js';
import { validateRows } from '../../domain/rows/validate.js';
import type { ConsultantRow, PolicyRow } from '../../domain/rows/types.js';

const TODAY = '2026-12-07';
const ent: MatchEnterprise = { sector: '工业生产', locality: '城关镇', employees: 50, value: 1000, status: '已纳入' };
const open: MatchPolicy = { sectors: ['工业生产'] };

const failed = (p: MatchPolicy, e: MatchEnterprise = ent) =>
  matchPolicy(p, e, TODAY)
    .conditions.filter((c) => !c.passed)
    .map((c) => c.condition);

function policyFromSheet(cells: Record<string, string>): PolicyRow {
  const [r] = validateRows('policy', [{ row: 2, values: { 政策名称: '测试政策', ...cells } }], { today: TODAY });
  expect(r.errors).toEqual([]);
  return r.value as PolicyRow;
}

describe('matchPolicy', () => {
  it('applies when every condition passes, with a Chinese reason for each', () => {
    const m = matchPolicy(open, ent, TODAY);
    expect(m.applies).toBe(true);
    expect(m.conditions.map((c) => c.condition)).toEqual(['status', 'sector', 'locality', 'employees', 'value', 'validUntil', 'applyBy']);
    for (const c of m.conditions) expect(c.reason).toMatch(/[\u4e00-\u9fff]/);
  });

  it('only admitted enterprises', () => {
    expect(failed(open, { ...ent, status: '申报中' })).toEqual(['status']);
    expect(failed(open, { ...ent, status: '已移出' })).toEqual(['status']);
    expect(whyNot(matchPolicy(open, { ...ent, status: '申报中' }, TODAY))).toContain('申报中');
  });

  it('sector: in the list, not in it, and 全部 from a sheet cell', () => {
    expect(failed({ sectors: ['商贸流通', '工业生产'] })).toEqual([]);
    expect(failed({ sectors: ['商贸流通'] })).toEqual(['sector']);
    expect(matchPolicy({ sectors: ['商贸流通'] }, ent, TODAY).conditions[1].reason).toBe('企业所属领域「工业生产」不在适用领域（商贸流通）内');
    const all = policyFromSheet({ 适用领域: '全部' });
    expect(all.sectors).toHaveLength(5);
    for (const sector of ['工业生产', '商贸流通', '交通运输', '文化旅游', '重点项目'] as const) expect(failed(all, { ...ent, sector })).toEqual([]);
    expect(matchPolicy(all, ent, TODAY).conditions[1].reason).toBe('适用全部领域');
    expect(failed({ sectors: [] })).toEqual([]);
  });

  it('locality: empty or 全部 matches anything; a list must contain the township', () => {
    expect(failed({ ...open, localities: [] })).toEqual([]);
    expect(failed({ ...open, localities: ['全部'] })).toEqual([]);
    expect(failed({ ...open, localities: ['城关镇', '产业园区'] })).toEqual([]);
    expect(failed({ ...open, localities: ['产业园区'] })).toEqual(['locality']);
    expect(policyFromSheet({ 适用乡镇: '城关镇；产业园区' }).localities).toEqual(['城关镇', '产业园区']);
  });

  it('staff: equal to the minimum passes, one fewer fails, unknown fails', () => {
    expect(failed({ ...open, minEmployees: 50 })).toEqual([]);
    expect(failed({ ...open, minEmployees: 51 })).toEqual(['employees']);
    expect(failed({ ...open, minEmployees: 0 }, { ...ent, employees: 0 })).toEqual([]);
    expect(failed({ ...open, minEmployees: 1 }, { ...ent, employees: undefined })).toEqual(['employees']);
    expect(failed(open, { ...ent, employees: undefined })).toEqual([]);
  });

  it('output: equal to the minimum passes, just below fails', () => {
    expect(failed({ ...open, minValue: 1000 })).toEqual([]);
    expect(failed({ ...open, minValue: 1000.01 })).toEqual(['value']);
    expect(matchPolicy({ ...open, minValue: 2000 }, ent, TODAY).conditions[4].reason).toBe('产值或投资额 1000 万元，低于 2000 万元');
    expect(policyFromSheet({ '最低产值（万元）': '1,000' }).minValue).toBe(1000);
  });

  it('有效期至: the last day still counts, the day after the policy has expired', () => {
    expect(failed({ ...open, validUntil: TODAY })).toEqual([]);
    expect(failed({ ...open, validUntil: '2026-12-06' })).toEqual(['validUntil']);
    expect(whyNot(matchPolicy({ ...open, validUntil: '2026-12-06' }, ent, TODAY))).toBe('有效期至 2026-12-06 已过（今天 2026-12-07）');
  });

  it('申报截止: the last day still counts, a passed deadline fails even while the policy is valid', () => {
    expect(failed({ ...open, applyBy: TODAY, validUntil: '2027-12-31' })).toEqual([]);
    expect(failed({ ...open, applyBy: '2026-12-06', validUntil: '2027-12-31' })).toEqual(['applyBy']);
    expect(policyFromSheet({ 申报截止: '2026年12月6日' }).applyBy).toBe('2026-12-06');
  });

  it('several failures are all reported', () => {
    expect(failed({ sectors: ['商贸流通'], minEmployees: 100, minValue: 5000, validUntil: '2020-01-01' })).toEqual(['sector', 'employees', 'value', 'validUntil']);
  });

  it('matchingPolicies keeps the order and only what applies', () => {
    const policies = [
      { key: 'P1', policy: { name: 'a', sectors: ['工业生产'] } as PolicyRow },
      { key: 'P2', policy: { name: 'b', sectors: ['商贸流通'] } as PolicyRow },
      { key: 'P3', policy: { name: 'c', sectors: [] } as unknown as PolicyRow },
    ];
    expect(matchingPolicies(policies, ent, TODAY)).toEqual(['P1', 'P3']);
  });
});

describe('consultantsFor', () => {
  const profile = { units: [{ code: 'FGW', name: '县发改委', type: '县直部门' as const, emails: [] }] };
  const c = (unit: string, name: string, categories: ConsultantRow['categories']): ConsultantRow => ({ unit, name, categories });
  it('the consultants of the policy’s unit (by code or name) whose categories cover it', () => {
    const all = [c('FGW', '甲', ['财政奖补']), c('县发改委', '乙', []), c('FGW', '丙', ['金融信贷']), c('SWJ', '丁', ['财政奖补'])];
    expect(consultantsFor({ unit: '县发改委', category: '财政奖补' }, all, profile).map((x) => x.name)).toEqual(['甲', '乙']);
    expect(consultantsFor({ unit: 'FGW' }, all, profile).map((x) => x.name)).toEqual(['甲', '乙', '丙']);
    expect(consultantsFor({ category: '财政奖补' }, all, profile)).toEqual([]);
  });
});

describe('policyOutreach (digest 政策找企, counted by the week model)', () => {
  const window = { from: Date.UTC(2022, 5, 5, 16), to: Date.UTC(2022, 5, 12, 16) - 1 };
  const inWeek = window.from + 1000;
  const before = window.from - 1000;
  const after = window.to + 1000;
  it('counts pushes (累计 and the week), 申请中 and 已兑现 by category, catalog order; baseline (never mailed) and later pushes left out', async () => {
    const { policyOutreach } = await import('../../domain/reports/sections/policy.js');
    const o = policyOutreach(
      [
        { category: '金融信贷', pushedAt: inWeek, answer: '申请中', answeredAt: inWeek },
        { category: '财政奖补', pushedAt: before, answer: '已兑现', answeredAt: inWeek },
        { category: '财政奖补', pushedAt: null },
        { category: '财政奖补', pushedAt: after },
        { category: '', pushedAt: before, answer: '不适用', answeredAt: before },
      ],
      ['财政奖补', '金融信贷'],
      window,
    );
    expect(o.rows).toEqual([
      { category: '财政奖补', pushed: 1, pushedThisWeek: 0, applying: 0, delivered: 1, answeredThisWeek: 1 },
      { category: '金融信贷', pushed: 1, pushedThisWeek: 1, applying: 1, delivered: 0, answeredThisWeek: 1 },
      { category: '未分类', pushed: 1, pushedThisWeek: 0, applying: 0, delivered: 0, answeredThisWeek: 0 },
    ]);
    expect(o.total).toEqual({ category: '合计', pushed: 3, pushedThisWeek: 1, applying: 1, delivered: 1, answeredThisWeek: 2 });
  });

  it('the week model states the figures from the same count; null where the matches are not read', async () => {
    const { countWeek, outreachLine } = await import('../../domain/reports/figures.js');
    const { digestWindow } = await import('../../domain/reports/week.js');
    const w = digestWindow('2022-W23', Date.UTC(2022, 5, 10, 9));
    const t = w.from + 3600_000;
    const counted = countWeek([], w, { units: [] }, null, [
      { category: '财政奖补', pushedAt: t, answer: '申请中', answeredAt: t },
      { category: '财政奖补', pushedAt: t },
    ]);
    expect(counted.figures.outreach).toEqual({ policyPushed: 2, policyAnswered: 1, policyApplying: 1, policyDelivered: 0 });
    expect(counted.outreach?.total.pushed).toBe(2);
    expect(outreachLine(counted.figures)).toBe('本周政策推送 2 项，本周企业反馈 1 条，政策申请中 1 项，政策已兑现 0 项');
    const uncounted = countWeek([], w, { units: [] }, null);
    expect(uncounted.figures.outreach).toBeNull();
    expect(uncounted.outreach).toBeNull();
    expect(outreachLine(uncounted.figures)).toBe('');
  });
});
