// Section: inspections waiting for approval (digest 十): 检查报备 rows in 待审批 (or, before the
// status column is filled, of 类别 其他), earliest planned day first; `due` when the planned day has
// come. Pure.

import type { InspectionRow, Profile } from '../../rows/types.js';
import { normCode, unitNameOf, type WhitelistEntry } from '../week.js';

export interface PendingInspection {
  id?: string;
  initiator: string;
  initiatorName: string;
  enterpriseCode: string;
  enterpriseName?: string;
  matter: string;
  category: string;
  plannedOn: string;
  /** Planned day already reached while still waiting for approval. */
  due: boolean;
}

export function pendingInspections(
  rows: readonly InspectionRow[],
  admitted: readonly WhitelistEntry[],
  asOf: string,
  profile: Pick<Profile, 'units'>,
): PendingInspection[] {
  const names = new Map(admitted.map((e) => [normCode(e.code), e.name]));
  return rows
    .filter((i) => i.status === '待审批' || (!i.status && i.category === '其他'))
    .map((i) => {
      const name = names.get(normCode(i.enterpriseCode));
      return {
        ...(i.id ? { id: i.id } : {}),
        initiator: i.initiator,
        initiatorName: unitNameOf(profile, i.initiator),
        enterpriseCode: i.enterpriseCode,
        ...(name ? { enterpriseName: name } : {}),
        matter: i.matter,
        category: i.category,
        plannedOn: i.plannedOn,
        due: i.plannedOn <= asOf,
      };
    })
    .sort((a, b) => (a.plannedOn < b.plannedOn ? -1 : a.plannedOn > b.plannedOn ? 1 : (a.id ?? '') < (b.id ?? '') ? -1 : 1));
}
