// Section: the open backlog at the window's end (digest 三 and 五, dashboard 一 and 四). Pure.
// Open = 待分派, 已交办, 已签收, 办理中. Each open issue becomes an IssueItem (issue-item.ts: overdue,
// deadline, ages); the backlog counts them per status, backlogByAge per age (days since 反映日期).

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
}

export function openBacklog(records: readonly IssueRecord[], at: ReportAt, profile: Pick<Profile, 'units'>): Backlog {
  const items = records.filter((r) => isOpen(r.status) && listable(r)).map((r) => issueItem(r, at, profile));
  const byStatus: StatusCount[] = OPEN_STATUSES.map((status) => ({ status, count: 0, overdue: 0, escalated: 0 }));
  const total = { overdue: 0, escalated: 0 };
  for (const i of items) {
    const s = byStatus[OPEN_STATUSES.indexOf(i.status)];
    s.count += 1;
    if (i.overdue) {
      s.overdue += 1;
      total.overdue += 1;
    }
    if (i.escalationLevel > 0) {
      s.escalated += 1;
      total.escalated += 1;
    }
  }
  return { items, open: items.length, ...total, byStatus };
}

/** The open issues by age (calendar days since 反映日期), in BACKLOG_BUCKETS. */
export function backlogByAge(backlog: Pick<Backlog, 'items'>): BacklogBucket[] {
  const byAge = BACKLOG_BUCKETS.map((b) => ({ ...b, count: 0 }));
  for (const i of backlog.items) {
    const b = byAge.find((x) => i.daysOpen >= x.min && (x.max === null || i.daysOpen <= x.max));
    if (b) b.count += 1;
  }
  return byAge;
}

/** The overdue open issues, longest overdue first (digest 五). */
export function overdueItems(backlog: Pick<Backlog, 'items'>): IssueItem[] {
  return backlog.items.filter((i) => i.overdue).sort(byDaysOverdue);
}
