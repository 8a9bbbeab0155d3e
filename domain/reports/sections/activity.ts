// Section: what happened to problems during the window (digest 三; the dashboard's 本周新增). Pure;
// one pass over the records and their events.
// new = issues created in the window; resolved = issues with a `resolve` event; closed = issues with
// a `verify_close`/`close` event; overdue = issues with an `overdue` event (newly overdue);
// escalated = issues with an `escalate` event; returned / reopened = `return` / `reopen` events
// (each counted); follow-ups = 回访 results recorded in the window.

import type { IssueCategory } from '../../rows/kinds.js';
import type { IssueRecord } from '../../issues/types.js';
import { countBy, inWindow, type DigestWindow } from '../week.js';

export interface WeekActivity {
  newIssues: number;
  resolved: number;
  closed: number;
  overdue: number;
  escalated: number;
  returned: number;
  reopened: number;
  followUps: { total: number; satisfied: number; basicallySatisfied: number; unsatisfied: number };
  /** New issues of the week per 问题类别, largest first. */
  newByCategory: Array<{ category: IssueCategory; count: number }>;
}

/** New in a window: created in it. */
export function isNew(r: IssueRecord, window: Pick<DigestWindow, 'from' | 'to'>): boolean {
  return inWindow(window, r.createdAt);
}

/** The week's counts (the figures' part of the activity): one pass over the records' events. */
export type WeekCounts = Pick<WeekActivity, 'newIssues' | 'resolved' | 'closed' | 'overdue' | 'escalated' | 'returned' | 'reopened'>;

export function weekCounts(records: readonly IssueRecord[], window: Pick<DigestWindow, 'from' | 'to'>): WeekCounts {
  const out: WeekCounts = { newIssues: 0, resolved: 0, closed: 0, overdue: 0, escalated: 0, returned: 0, reopened: 0 };
  for (const r of records) {
    if (isNew(r, window)) out.newIssues += 1;
    let resolved = false;
    let closed = false;
    let overdue = false;
    let escalated = false;
    for (const e of r.events) {
      if (!inWindow(window, e.at)) continue;
      if (e.type === 'resolve') resolved = true;
      else if (e.type === 'verify_close' || e.type === 'close') closed = true;
      else if (e.type === 'overdue') overdue = true;
      else if (e.type === 'escalate') escalated = true;
      else if (e.type === 'return') out.returned += 1;
      else if (e.type === 'reopen') out.reopened += 1;
    }
    out.resolved += Number(resolved);
    out.closed += Number(closed);
    out.overdue += Number(overdue);
    out.escalated += Number(escalated);
  }
  return out;
}

/** The counts (weekCounts, or passed in when already made) with the follow-ups and the new issues by category. */
export function weekActivity(records: readonly IssueRecord[], window: Pick<DigestWindow, 'from' | 'to'>, counts: WeekCounts = weekCounts(records, window)): WeekActivity {
  const followUps = { total: 0, satisfied: 0, basicallySatisfied: 0, unsatisfied: 0 };
  const created: IssueCategory[] = [];
  for (const r of records) {
    if (isNew(r, window)) created.push(r.issue.category);
    for (const a of r.assignments) {
      if (!a.followUp || !inWindow(window, a.followUpAt)) continue;
      followUps.total += 1;
      if (a.followUp === '满意') followUps.satisfied += 1;
      else if (a.followUp === '基本满意') followUps.basicallySatisfied += 1;
      else followUps.unsatisfied += 1;
    }
  }
  return {
    ...counts,
    followUps,
    newByCategory: [...countBy(created).entries()]
      .map(([category, count]) => ({ category, count }))
      .sort((a, b) => b.count - a.count || (a.category < b.category ? -1 : 1)),
  };
}
