// The stored issue after a lifecycle change (shared by link actions, command actions and decisions).
import { createCalendar } from '../../domain/time/calendar.js';
import type { LifecycleContext } from '../../domain/issues/lifecycle.js';
import { dueForSweep, sweepSchedule } from '../../domain/issues/sweep.js';
import type { Profile } from '../../domain/rows/types.js';
import type { IssueRecord, Notification } from '../../domain/issues/types.js';
import type { StoredIssue } from '../ports.js';

export function lifecycleContext(profile: Profile, now: number): LifecycleContext {
  return { now, profile, calendar: createCalendar(profile.calendarOverrides) };
}

/**
 * The stored item after a lifecycle change: new record, its notifications added to the outbox, the
 * sweep schedule recomputed (so the deadline index points at the next reminder/overdue/escalation).
 */
export function applyChange(
  cur: StoredIssue,
  record: IssueRecord,
  notifications: readonly Notification[],
  ctx: LifecycleContext,
  updatedBy: string,
  extra: Partial<StoredIssue> = {},
): StoredIssue {
  return {
    ...cur,
    ...extra,
    record,
    revision: cur.revision + 1,
    updatedBy,
    pending: { ...cur.pending, ...Object.fromEntries(notifications.map((n) => [n.key, n])) },
    sweep: sweepSchedule(record, dueForSweep(record, ctx, Math.max(ctx.now, record.updatedAt))),
  };
}

