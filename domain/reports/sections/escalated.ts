// Section: escalated issues (digest 五): open and escalated, or escalated during the window even if
// resolved since; the highest level first, then the longest overdue. Pure.

import type { Profile } from '../../rows/types.js';
import { isOpen } from '../../issues/lifecycle.js';
import type { IssueRecord } from '../../issues/types.js';
import { inWindow, type DigestWindow } from '../week.js';
import { byDaysOverdue, issueItem, listable, type IssueItem } from './issue-item.js';

export function escalatedItems(records: readonly IssueRecord[], window: DigestWindow, profile: Pick<Profile, 'units'>): IssueItem[] {
  return records
    .filter((r) => listable(r) && ((isOpen(r.status) && r.escalationLevel > 0) || r.events.some((e) => e.type === 'escalate' && inWindow(window, e.at))))
    .map((r) => issueItem(r, window, profile))
    .sort((a, b) => b.escalationLevel - a.escalationLevel || byDaysOverdue(a, b));
}
