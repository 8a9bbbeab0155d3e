// Section: policy lists and consultants (digest 九): the units of the expected types (default 县直部门,
// 乡镇, 街道, 园区) without a policy in force or without a named 政策咨询员. Pure.

import type { UnitType } from '../../rows/kinds.js';
import type { ConsultantRow, PolicyRow, Profile } from '../../rows/types.js';
import { findUnit } from '../../issues/lifecycle.js';
import { countBy, norm } from '../week.js';

export const DEFAULT_POLICY_UNIT_TYPES: readonly UnitType[] = ['县直部门', '乡镇', '街道', '园区'];

export interface PolicyGap {
  unit: string;
  unitName: string;
  type: UnitType;
  /** Policies in force at asOf filed by the unit. */
  policies: number;
  /** Filed policies whose 有效期至 has passed. */
  expiredPolicies: number;
  consultants: number;
}

export interface PolicyFiling {
  /** Units expected to file. */
  required: number;
  gaps: PolicyGap[];
}

export function policyFiling(
  policies: readonly PolicyRow[],
  consultants: readonly ConsultantRow[],
  asOf: string,
  profile: Pick<Profile, 'units'>,
  unitTypes: readonly UnitType[] = DEFAULT_POLICY_UNIT_TYPES,
): PolicyFiling {
  const required = profile.units.filter((u) => unitTypes.includes(u.type));
  const policyCount = new Map<string, { valid: number; expired: number }>();
  for (const p of policies) {
    const u = p.unit ? findUnit(profile, p.unit) : undefined;
    if (!u) continue;
    const cur = policyCount.get(u.code) ?? { valid: 0, expired: 0 };
    if (p.validUntil && p.validUntil < asOf) cur.expired += 1;
    else cur.valid += 1;
    policyCount.set(u.code, cur);
  }
  const consultantCount = countBy(
    consultants.filter((c) => norm(c.name)).map((c) => findUnit(profile, c.unit)?.code).filter((c): c is string => !!c),
  );
  const gaps: PolicyGap[] = required
    .map((u) => ({
      unit: u.code,
      unitName: u.name,
      type: u.type,
      policies: policyCount.get(u.code)?.valid ?? 0,
      expiredPolicies: policyCount.get(u.code)?.expired ?? 0,
      consultants: consultantCount.get(u.code) ?? 0,
    }))
    .filter((g) => g.policies === 0 || g.consultants === 0);
  return { required: required.length, gaps };
}

// ---- 政策找企 (SPEC §7.4): pushes and the enterprises' answers by policy category ---------------------

/** One matched policy as the digest counts it. */
export interface OutreachMatch {
  /** 政策类别 of the policy ('' when it has none). */
  category: string;
  /** Mailed to the enterprise (a baseline match never was). */
  pushed: boolean;
  /** The enterprise's latest answer. */
  answer?: string;
}

export interface OutreachRow {
  category: string;
  pushed: number;
  applying: number;
  delivered: number;
}

export interface PolicyOutreach {
  rows: OutreachRow[];
  total: OutreachRow;
}

/** Pushes, 申请中 and 已兑现 by category (categories in catalog order, then 未分类). */
export function policyOutreach(matches: readonly OutreachMatch[], categoryOrder: readonly string[]): PolicyOutreach {
  const by = new Map<string, OutreachRow>();
  const total: OutreachRow = { category: '合计', pushed: 0, applying: 0, delivered: 0 };
  for (const m of matches) {
    const category = m.category || '未分类';
    const row = by.get(category) ?? { category, pushed: 0, applying: 0, delivered: 0 };
    for (const r of [row, total]) {
      if (m.pushed) r.pushed += 1;
      if (m.answer === '申请中') r.applying += 1;
      if (m.answer === '已兑现') r.delivered += 1;
    }
    by.set(category, row);
  }
  const rank = (c: string) => (categoryOrder.includes(c) ? categoryOrder.indexOf(c) : categoryOrder.length);
  return { rows: [...by.values()].sort((a, b) => rank(a.category) - rank(b.category)), total };
}
