// Section: inspections waiting for approval (digest 十): 检查报备 rows in 待审批 (or, before the
// status column is filled, of 类别 其他), earliest planned day first; `due` when the planned day has
// come. Pure. The planned-date flag itself (`plannedDateReached`) is defined here once: the digest,
// `GET /v1/inspections`, the decision queue (dashboard 待决事项) and the sweep all read it.

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

/** The facts of an 检查报备 the planned-date flag reads (a row, or a decision record's data and 状态). */
export interface InspectionFacts {
  status?: string;
  category?: string;
  plannedOn?: string;
}

/** Waiting for the command office's approval: 待审批, or (before 状态 is filled) of 类别 其他. */
export function awaitingApproval(i: Pick<InspectionFacts, 'status' | 'category'>): boolean {
  return i.status === '待审批' || (!i.status && i.category === '其他');
}

/** The planned-date flag: 计划日期 reached (`today` or earlier, ISO days) while still waiting for approval. */
export function plannedDateReached(i: InspectionFacts, today: string): boolean {
  return awaitingApproval(i) && !!i.plannedOn && i.plannedOn <= today;
}

export function pendingInspections(
  rows: readonly InspectionRow[],
  admitted: readonly WhitelistEntry[],
  asOf: string,
  profile: Pick<Profile, 'units'>,
): PendingInspection[] {
  const names = new Map(admitted.map((e) => [normCode(e.code), e.name]));
  return rows
    .filter((i) => awaitingApproval(i))
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
        due: plannedDateReached(i, asOf),
      };
    })
    .sort((a, b) => (a.plannedOn < b.plannedOn ? -1 : a.plannedOn > b.plannedOn ? 1 : (a.id ?? '') < (b.id ?? '') ? -1 : 1));
}
