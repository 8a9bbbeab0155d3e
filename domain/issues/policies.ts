// 政策找企 (SPEC §7.4): which policies apply to which admitted whitelist enterprise, and why. Each
// condition of a policy is checked on its own and says whether it passed and why (in Chinese, shown
// to staff); a policy applies when every condition passed. Also the consultants of a policy (its
// 责任单位's 政策咨询员 whose 负责政策类别 covers it) and the enterprise's feedback answers. Pure.

import type { ConsultantRow, PolicyRow, Profile, WhitelistRow } from '../rows/types.js';
import { findUnit } from './lifecycle.js';

/** The conditions of SPEC §7.4, in the order they are shown. */
export const MATCH_CONDITIONS = ['status', 'sector', 'locality', 'employees', 'value', 'validUntil', 'applyBy'] as const;
export type MatchCondition = (typeof MATCH_CONDITIONS)[number];

/** Chinese names of the conditions (column headers of the policy and whitelist rows). */
export const MATCH_CONDITION_LABELS: Record<MatchCondition, string> = {
  status: '纳入状态',
  sector: '适用领域',
  locality: '适用乡镇',
  employees: '最低员工人数',
  value: '最低产值（万元）',
  validUntil: '有效期至',
  applyBy: '申报截止',
};

export interface ConditionResult {
  condition: MatchCondition;
  passed: boolean;
  /** Why, in Chinese, naming the values compared. */
  reason: string;
}

export interface PolicyMatch {
  applies: boolean;
  conditions: ConditionResult[];
}

export type MatchPolicy = Pick<PolicyRow, 'sectors' | 'localities' | 'minEmployees' | 'minValue' | 'validUntil' | 'applyBy'>;
export type MatchEnterprise = Pick<WhitelistRow, 'sector' | 'locality' | 'employees' | 'value' | 'status'>;

const ok = (condition: MatchCondition, reason: string): ConditionResult => ({ condition, passed: true, reason });
const no = (condition: MatchCondition, reason: string): ConditionResult => ({ condition, passed: false, reason });

/** A date column: not passed while `today` ≤ the date (the last day counts). */
function dateCondition(condition: 'validUntil' | 'applyBy', date: string | undefined, today: string): ConditionResult {
  const label = MATCH_CONDITION_LABELS[condition];
  if (!date) return ok(condition, `未设${label}`);
  return date >= today ? ok(condition, `${label} ${date}，未过期`) : no(condition, `${label} ${date} 已过（今天 ${today}）`);
}

/** Check every condition of one policy against one enterprise on `today` (ISO date, Shanghai). */
export function matchPolicy(policy: MatchPolicy, enterprise: MatchEnterprise, today: string): PolicyMatch {
  const conditions: ConditionResult[] = [];
  conditions.push(
    enterprise.status === '已纳入' ? ok('status', '企业已纳入白名单') : no('status', `企业状态为「${enterprise.status}」，只向已纳入白名单的企业推送`),
  );

  const sectors = policy.sectors ?? [];
  if (sectors.length === 0) conditions.push(ok('sector', '未限定适用领域（全部）'));
  else if (sectors.includes(enterprise.sector)) conditions.push(ok('sector', sectors.length === 5 ? '适用全部领域' : `企业所属领域「${enterprise.sector}」在适用领域内`));
  else conditions.push(no('sector', `企业所属领域「${enterprise.sector}」不在适用领域（${sectors.join('、')}）内`));

  const localities = (policy.localities ?? []).map((l) => l.trim()).filter(Boolean);
  if (localities.length === 0 || localities.includes('全部')) conditions.push(ok('locality', '未限定适用乡镇'));
  else if (localities.includes(enterprise.locality.trim())) conditions.push(ok('locality', `企业所在乡镇「${enterprise.locality}」在适用乡镇内`));
  else conditions.push(no('locality', `企业所在乡镇「${enterprise.locality}」不在适用乡镇（${localities.join('、')}）内`));

  if (policy.minEmployees === undefined) conditions.push(ok('employees', '未设最低员工人数'));
  else if (enterprise.employees === undefined) conditions.push(no('employees', `企业未填员工人数，政策要求不少于 ${policy.minEmployees} 人`));
  else if (enterprise.employees >= policy.minEmployees) conditions.push(ok('employees', `员工 ${enterprise.employees} 人，不少于 ${policy.minEmployees} 人`));
  else conditions.push(no('employees', `员工 ${enterprise.employees} 人，少于 ${policy.minEmployees} 人`));

  if (policy.minValue === undefined) conditions.push(ok('value', '未设最低产值'));
  else if (enterprise.value >= policy.minValue) conditions.push(ok('value', `产值或投资额 ${enterprise.value} 万元，不低于 ${policy.minValue} 万元`));
  else conditions.push(no('value', `产值或投资额 ${enterprise.value} 万元，低于 ${policy.minValue} 万元`));

  conditions.push(dateCondition('validUntil', policy.validUntil, today));
  conditions.push(dateCondition('applyBy', policy.applyBy, today));
  return { applies: conditions.every((c) => c.passed), conditions };
}

/** The failed conditions' reasons joined (for a one-line explanation). */
export function whyNot(m: PolicyMatch): string {
  return m.conditions
    .filter((c) => !c.passed)
    .map((c) => c.reason)
    .join('；');
}

/** A policy as stored: its key (编号, else the sheet position) and row. */
export interface KeyedPolicy {
  key: string;
  policy: PolicyRow;
}

/** A whitelist enterprise as stored (its key is the 统一社会信用代码). */
export interface KeyedEnterprise {
  code: string;
  enterprise: WhitelistRow;
}

/** The keys of the policies that apply to one enterprise on `today`, in the given order. */
export function matchingPolicies(policies: readonly KeyedPolicy[], enterprise: MatchEnterprise, today: string): string[] {
  return policies.filter((p) => matchPolicy(p.policy, enterprise, today).applies).map((p) => p.key);
}

/**
 * The consultants of a policy: those of its 责任单位 whose 负责政策类别 covers its 政策类别 (a
 * consultant without categories, or a policy without one, covers all).
 */
export function consultantsFor(
  policy: Pick<PolicyRow, 'unit' | 'category'>,
  consultants: readonly ConsultantRow[],
  profile: Pick<Profile, 'units'> | null,
): ConsultantRow[] {
  if (!policy.unit) return [];
  const unitOf = (ref: string) => (profile ? (findUnit(profile, ref)?.code ?? ref.trim()) : ref.trim());
  const unit = unitOf(policy.unit);
  return consultants.filter(
    (c) => unitOf(c.unit) === unit && (!policy.category || c.categories.length === 0 || c.categories.includes(policy.category)),
  );
}

export { isPolicyFeedback, POLICY_FEEDBACK, type PolicyFeedback } from './catalog.js';
