// Section: what happened to problems during the window (digest 三; the dashboard's 本周新增). Pure.
// new = issues created in the window; resolved = issues with a `resolve` event; closed = issues with a
// `verify_close`/`close` event; overdue = issues with an `overdue` event (newly overdue); escalated =
// issues with an `escalate` event; returned / reopened = `return` / `reopen` events (counted each);
// follow-ups = 回访 results recorded in the window.

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

export function weekActivity(records: readonly IssueRecord[], window: Pick<DigestWindow, 'from' | 'to'>): WeekActivity {
  const within = (t: number | undefined) => inWindow(window, t);
  const withEvent = (types: readonly string[]) => records.filter((r) => r.events.some((e) => types.includes(e.type) && within(e.at))).length;
  const eventCount = (type: string) => records.reduce((n, r) => n + r.events.filter((e) => e.type === type && within(e.at)).length, 0);
  const followUps = { total: 0, satisfied: 0, basicallySatisfied: 0, unsatisfied: 0 };
  for (const r of records) {
    for (const a of r.assignments) {
      if (!a.followUp || !within(a.followUpAt)) continue;
      followUps.total += 1;
      if (a.followUp === '满意') followUps.satisfied += 1;
      else if (a.followUp === '基本满意') followUps.basicallySatisfied += 1;
      else followUps.unsatisfied += 1;
    }
  }
  const created = records.filter((r) => within(r.createdAt));
  return {
    newIssues: created.length,
    resolved: withEvent(['resolve']),
    closed: withEvent(['verify_close', 'close']),
    overdue: withEvent(['overdue']),
    escalated: withEvent(['escalate']),
    returned: eventCount('return'),
    reopened: eventCount('reopen'),
    followUps,
    newByCategory: [...countBy(created.map((r) => r.issue.category)).entries()]
      .map(([category, count]) => ({ category, count }))
      .sort((a, b) => b.count - a.count || (a.category < b.category ? -1 : 1)),
  };
}
