// Section: common-problem batches (digest 六, 点办理、批处理): findCommonProblems() at the window's
// end, counting members resolved during the window as open (a batch live this week, and mailed, stays
// the week's batch), with unit and enterprise names and whether the batch is new this week. Pure.
// A batch shows its members (any status: the batch mail's count), how many are open, and the first
// and last 反映日期 of its members (never after the window's day).

import type { Profile } from '../../rows/types.js';
import { findCommonProblems } from '../../issues/batches.js';
import { isOpen } from '../../issues/lifecycle.js';
import type { CommonProblemBatch } from '../../issues/batches.js';
import type { IssueRecord } from '../../issues/types.js';
import { inWindow, norm, unitNameOf, type DigestWindow } from '../week.js';

export interface DigestBatch extends CommonProblemBatch {
  unitNames: string[];
  /** Enterprise names of the member issues (same order as memberIds), each once. */
  enterpriseNames: string[];
  /** Members still open at the window's end. */
  openMembers: number;
  /** True when the batch was found this week (anchor or a member reported in the window). */
  newThisWeek: boolean;
  /** The command office's answer (POST /v1/batches/{id}/answer), when given. */
  answer?: BatchAnswer;
}

/** The week's batches (members resolved during the window count as open), before names are added. */
export function weekBatches(records: readonly IssueRecord[], window: DigestWindow): CommonProblemBatch[] {
  return findCommonProblems(records, window.to, { openSince: window.from });
}

export interface BatchAnswer {
  answer: string;
  /** ISO date (Shanghai) of the answer. */
  on: string;
  /** Member issues closed with it. */
  closedMembers: boolean;
}

/** The week's batches with names (`found`: weekBatches already computed over the same records). */
export function batchesSection(
  records: readonly IssueRecord[],
  window: DigestWindow,
  profile: Pick<Profile, 'units'>,
  found: readonly CommonProblemBatch[] = weekBatches(records, window),
  answers: ReadonlyMap<string, BatchAnswer> = new Map(),
): DigestBatch[] {
  const byId = new Map(records.map((r) => [r.id, r]));
  return found.map((b) => ({
    ...b,
    unitNames: b.units.map((u) => unitNameOf(profile, u)),
    enterpriseNames: [
      ...new Set(
        b.memberIds.map((id) => {
          const i = byId.get(id)?.issue;
          return norm(i?.enterpriseName) || norm(i?.enterpriseCode) || id;
        }),
      ),
    ],
    openMembers: b.memberIds.filter((id) => {
      const r = byId.get(id);
      return r !== undefined && isOpen(r.status);
    }).length,
    newThisWeek: b.memberIds.some((id) => inWindow(window, byId.get(id)?.createdAt)),
    ...(answers.has(b.id) ? { answer: answers.get(b.id) } : {}),
  }));
}
