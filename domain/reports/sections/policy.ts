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
