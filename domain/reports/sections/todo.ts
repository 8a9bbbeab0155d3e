// Section: the command office's own to-do (dashboard 三). Pure.
// verify: issues in 已办结 / 已回访 wait for the command office (follow-up / 核实销号, 销号): 已回访
// first (ready for 销号), then the longest wait since resolution. triage: 待分派 issues (no unit
// matched, or returned), the longest open first.

import type { IssueStatus } from '../../rows/kinds.js';
import type { Profile } from '../../rows/types.js';
import type { IssueRecord } from '../../issues/types.js';
import type { Backlog } from './backlog.js';
import { issueItem, listable, type IssueItem, type ReportAt } from './issue-item.js';

/** Statuses waiting for the command office: follow-up / 核实销号 (已办结) and 销号 (已回访). */
export const AWAITING_STATUSES: readonly IssueStatus[] = ['已办结', '已回访'];

export interface CommandTodo {
  verify: IssueItem[];
  triage: IssueItem[];
}

export function commandTodo(records: readonly IssueRecord[], backlog: Pick<Backlog, 'items'>, at: ReportAt, profile: Pick<Profile, 'units'>): CommandTodo {
  const verify = records
    .filter((r) => AWAITING_STATUSES.includes(r.status) && listable(r))
    .map((r) => issueItem(r, at, profile))
    .sort(
      (a, b) =>
        Number(b.status === '已回访') - Number(a.status === '已回访') ||
        (b.daysWaiting ?? 0) - (a.daysWaiting ?? 0) ||
        (a.id < b.id ? -1 : 1),
    );
  const triage = backlog.items.filter((i) => i.status === '待分派').sort((a, b) => b.daysOpen - a.daysOpen || (a.id < b.id ? -1 : 1));
  return { verify, triage };
}
