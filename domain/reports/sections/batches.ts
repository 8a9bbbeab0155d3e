// Section: common-problem batches (digest 六, 点办理、批处理): findCommonProblems() at the window's
// end, with unit and enterprise names and whether the batch is new this week. Pure.

import type { Profile } from '../../rows/types.js';
import { findCommonProblems } from '../../issues/batches.js';
import type { CommonProblemBatch } from '../../issues/batches.js';
import type { IssueRecord } from '../../issues/types.js';
import { inWindow, norm, unitNameOf, type DigestWindow } from '../week.js';

export interface DigestBatch extends CommonProblemBatch {
  unitNames: string[];
  /** Enterprise names of the member issues (same order as issueIds). */
  enterpriseNames: string[];
  /** True when the batch was found this week (anchor or a member reported in the window). */
  newThisWeek: boolean;
}

export function batchesSection(records: readonly IssueRecord[], window: DigestWindow, profile: Pick<Profile, 'units'>): DigestBatch[] {
  const byId = new Map(records.map((r) => [r.id, r]));
  return findCommonProblems(records, window.to).map((b) => ({
    ...b,
    unitNames: b.units.map((u) => unitNameOf(profile, u)),
    enterpriseNames: b.issueIds.map((id) => {
      const i = byId.get(id)?.issue;
      return norm(i?.enterpriseName) || norm(i?.enterpriseCode) || id;
    }),
    newThisWeek: b.issueIds.some((id) => inWindow(window, byId.get(id)?.createdAt)),
  }));
}
