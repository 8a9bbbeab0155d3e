// Section: policy lists and consultants (digest 九): the units of the expected types (default 县直部门,
// 乡镇, 街道, 园区) without a policy in force or without a named 政策咨询员. Pure.

import type { UnitType } from '../../rows/kinds.js';
import type { ConsultantRow, PolicyRow, Profile } from '../../rows/types.js';
import { findUnit } from '../../issues/lifecycle.js';
import { countBy, inWindow, norm, type DigestWindow } from '../week.js';

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
// Counted by the week's model (figures.ts countWeek), which states the week's figures from its total.

/** One matched policy as the digest counts it. */
export interface OutreachMatch {
  /** 政策类别 of the policy ('' when it has none). */
  category: string;
  /** When a push mailed it; null while it waits, and for a baseline match (never mailed). */
  pushedAt: number | null;
  /** The enterprise's latest answer and when it was given (a later answer replaces an earlier one). */
  answer?: string;
  answeredAt?: number;
}

export interface OutreachRow {
  category: string;
  /** Pushed so far (累计). */
  pushed: number;
  /** Pushed in the week. */
  pushedThisWeek: number;
  /** Latest answer 申请中 / 已兑现 (累计, as answered so far). */
  applying: number;
  delivered: number;
  /** Answers given in the week (any of the four). */
  answeredThisWeek: number;
}

export interface PolicyOutreach {
  rows: OutreachRow[];
  total: OutreachRow;
}

/** Pushes and answers by category (categories in catalog order, then 未分类), the week's beside the 累计. */
export function policyOutreach(matches: readonly OutreachMatch[], categoryOrder: readonly string[], window: Pick<DigestWindow, 'from' | 'to'>): PolicyOutreach {
  const empty = (category: string): OutreachRow => ({ category, pushed: 0, pushedThisWeek: 0, applying: 0, delivered: 0, answeredThisWeek: 0 });
  const by = new Map<string, OutreachRow>();
  const total = empty('合计');
  for (const m of matches) {
    // Counted to the window's end: a push or an answer after it belongs to a later week.
    const pushed = m.pushedAt !== null && m.pushedAt <= window.to;
    const answered = m.answer !== undefined && m.answeredAt !== undefined && m.answeredAt <= window.to;
    if (!pushed && !answered) continue;
    const category = m.category || '未分类';
    const row = by.get(category) ?? empty(category);
    for (const r of [row, total]) {
      if (pushed) r.pushed += 1;
      if (pushed && inWindow(window, m.pushedAt!)) r.pushedThisWeek += 1;
      if (answered && m.answer === '申请中') r.applying += 1;
      if (answered && m.answer === '已兑现') r.delivered += 1;
      if (answered && inWindow(window, m.answeredAt)) r.answeredThisWeek += 1;
    }
    by.set(category, row);
  }
  const rank = (c: string) => (categoryOrder.includes(c) ? categoryOrder.indexOf(c) : categoryOrder.length);
  return { rows: [...by.values()].sort((a, b) => rank(a.category) - rank(b.category)), total };
}
