// Section: the open backlog at the window's end (digest 三 and 五, dashboard 一 and 四). Pure.
// Open = 待分派, 已交办, 已签收, 办理中. Each open issue becomes an IssueItem (issue-item.ts: overdue,
// deadline, ages); the backlog counts them per status and per age (calendar days since 反映日期).

import type { IssueStatus } from '../../rows/kinds.js';
import type { Profile } from '../../rows/types.js';
import { isOpen, OPEN_STATUSES } from '../../issues/lifecycle.js';
import type { IssueRecord } from '../../issues/types.js';
import { byDaysOverdue, issueItem, listable, type IssueItem, type ReportAt } from './issue-item.js';

export interface BacklogBucket {
  label: string;
  /** Age in days, inclusive bounds (max null = no upper bound). */
  min: number;
  max: number | null;
  count: number;
}

export const BACKLOG_BUCKETS: ReadonlyArray<Omit<BacklogBucket, 'count'>> = [
  { label: '3 天以内', min: 0, max: 3 },
  { label: '4–7 天', min: 4, max: 7 },
  { label: '8–14 天', min: 8, max: 14 },
  { label: '15–30 天', min: 15, max: 30 },
  { label: '30 天以上', min: 31, max: null },
];

export interface StatusCount {
  status: IssueStatus;
  count: number;
  overdue: number;
  escalated: number;
}

export interface Backlog {
  /** Every open issue, in the records' order. */
  items: IssueItem[];
  open: number;
  overdue: number;
  /** Open with escalationLevel > 0. */
  escalated: number;
  /** One entry per open status, in lifecycle order. */
  byStatus: StatusCount[];
  byAge: BacklogBucket[];
}

export function openBacklog(records: readonly IssueRecord[], at: ReportAt, profile: Pick<Profile, 'units'>): Backlog {
  const items = records.filter((r) => isOpen(r.status) && listable(r)).map((r) => issueItem(r, at, profile));
  const overdue = (list: readonly IssueItem[]) => list.filter((i) => i.overdue).length;
  const escalated = (list: readonly IssueItem[]) => list.filter((i) => i.escalationLevel > 0).length;
  return {
    items,
    open: items.length,
    overdue: overdue(items),
    escalated: escalated(items),
    byStatus: OPEN_STATUSES.map((status) => {
      const of = items.filter((i) => i.status === status);
      return { status, count: of.length, overdue: overdue(of), escalated: escalated(of) };
    }),
    byAge: BACKLOG_BUCKETS.map((b) => ({ ...b, count: items.filter((i) => i.daysOpen >= b.min && (b.max === null || i.daysOpen <= b.max)).length })),
  };
}

/** The overdue open issues, longest overdue first (digest 五). */
export function overdueItems(backlog: Pick<Backlog, 'items'>): IssueItem[] {
  return backlog.items.filter((i) => i.overdue).sort(byDaysOverdue);
}
