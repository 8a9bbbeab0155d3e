// The deadline sweep (SPEC §4): reminders one working day before each deadline, 逾期 when a deadline
// day ends unmet (copy to the command office), escalation up the 上级单位 chain every two further
// working days. Pure and idempotent: what was sent is remembered as events carrying the notification
// key, so sweeping again at the same or any later instant never repeats a key.
//
// Timing (all Asia/Shanghai):
// - reminder for deadline day D: at 09:00 of the last working day before D, while the deadline is
//   unmet and D has not ended; skipped when that instant is not after the assignment started (a
//   1-day sign deadline would otherwise be "reminded" together with the assignment email). Reminders
//   are sent for the sign (while unsigned), feedback (while no progress/result) and resolve deadlines.
// - overdue: from the first instant after D ends (00:00 of D + 1), for the sign and resolve deadlines.
// - escalation level n: when 2n working days have fully passed after D, i.e. from the first instant
//   after the end of calendar.addWorkdays(D, 2n), where D is the earliest unmet passed deadline of the
//   current assignment. Level n goes to the n-th unit up the chain; it stops at the top.
//
// Keys: `${id}#remind#${kind}#${assignment}#${date}`, `${id}#overdue#${kind}#${assignment}#${date}`,
// `${id}#escalate#${assignment}#${level}` — the date makes a deadline moved by 延期 a new deadline.
// Each reader gets its own mail (catalog MAILS audiences): an overdue notice goes to the late unit
// (`overdue`, with its links) and to the command office (`overdue_copy`, key + `#command`, no unit
// links); an escalation to the upper unit (`escalate`: 督办), the late unit (`escalate_unit`, key +
// `#unit`, with its links) and the command office (`escalate_copy`, key + `#command`) unless the
// command office is the upper unit.

import {
  Outbox,
  commandUnits,
  currentIndex,
  deadlinePassed,
  escalationChain,
  findUnit,
  isOpen,
  issueData,
  mergeWarnings,
  missedDeadlines,
} from './lifecycle.js';
import { addDays, endOfShanghaiDay, shanghaiDate, startOfShanghaiDay } from '../time/time.js';
import type { Profile } from '../rows/types.js';
import type { WorkCalendar } from '../time/types.js';
import type { Assignment, IssueEvent, IssueRecord, Notification } from './types.js';
import { eventTotal, sentKeys } from './events.js';

export interface SweepContext {
  profile: Profile;
  calendar: WorkCalendar;
}

export interface SweepResult {
  record: IssueRecord;
  notifications: Notification[];
  /** dueForSweep of the new record after this sweep: null, or strictly later than `now`. */
  nextAt: number | null;
}

export type DeadlineKind = 'sign' | 'feedback' | 'resolve';

/** Hour (Shanghai) at which reminders go out. */
export const REMIND_HOUR = 9;
/** Working days overdue per escalation level. */
export const ESCALATION_WORKDAYS = 2;

const LABEL: Record<DeadlineKind, string> = { sign: '签收时限', feedback: '反馈时限', resolve: '办结时限' };

interface Deadline {
  kind: DeadlineKind;
  date: string;
  met: boolean;
}

function deadlinesOf(a: Assignment): Deadline[] {
  return [
    { kind: 'sign', date: a.signBy, met: a.signedAt !== undefined },
    { kind: 'feedback', date: a.feedbackBy, met: a.feedbackAt !== undefined || a.resolvedAt !== undefined },
    { kind: 'resolve', date: a.resolveBy, met: a.resolvedAt !== undefined },
  ];
}

/** 09:00 Shanghai of the last working day before `date` (searching back at most 60 days). */
export function remindAt(date: string, calendar: WorkCalendar): number {
  let d = addDays(date, -1);
  for (let i = 0; i < 60 && !calendar.isWorkday(d); i++) d = addDays(d, -1);
  return startOfShanghaiDay(d) + REMIND_HOUR * 3_600_000;
}

/** First instant at which escalation level `level` is due for a deadline day `date`. */
export function escalationAt(date: string, level: number, calendar: WorkCalendar): number {
  return endOfShanghaiDay(calendar.addWorkdays(date, ESCALATION_WORKDAYS * level).date) + 1;
}

export function remindKey(id: string, kind: DeadlineKind, index: number, date: string): string {
  return `${id}#remind#${kind}#${index}#${date}`;
}
export function overdueKey(id: string, kind: DeadlineKind, index: number, date: string): string {
  return `${id}#overdue#${kind}#${index}#${date}`;
}
export function escalateKey(id: string, index: number, level: number): string {
  return `${id}#escalate#${index}#${level}`;
}
/** The command office's copy of an overdue or escalation notice (its own mail, without unit links). */
export const copyKey = (key: string): string => `${key}#command`;
/** The late unit's notice of its escalation (its own links). */
export const unitKey = (key: string): string => `${key}#unit`;


/** The earliest unmet sign/resolve deadline day (passed or not), the anchor of escalation. */
function earliestUnmet(a: Assignment): string | undefined {
  const dates = deadlinesOf(a)
    .filter((d) => d.kind !== 'feedback' && !d.met)
    .map((d) => d.date)
    .sort();
  return dates[0];
}

/**
 * Sweep one record at `now`: send what is due and not yet sent, set `overdue` and `escalationLevel`.
 * Closed or resolved records are returned unchanged.
 */
export function sweepIssue(record: IssueRecord, now: number, ctx: SweepContext): SweepResult {
  if (!isOpen(record.status)) return { record, notifications: [], nextAt: null };
  const ai = currentIndex(record);
  const a = record.assignments[ai];
  const sent = sentKeys(record);
  const out = new Outbox(ctx.profile, now);
  const events: IssueEvent[] = [];
  const command = commandUnits(ctx.profile);
  const base = () => issueData(record, ai, ctx.profile);
  const record_ = (type: string, key: string, note: string, unit = a.unit) => {
    sent.add(key);
    events.push({ at: now, type, actor: 'system', unit, note, assignment: ai, key });
  };

  for (const d of deadlinesOf(a)) {
    if (d.met) continue;
    if (deadlinePassed(d.date, now)) {
      if (d.kind === 'feedback') continue;
      const key = overdueKey(record.id, d.kind, ai, d.date);
      if (sent.has(key)) continue;
      const data = { ...base(), deadline: d.kind, deadlineLabel: LABEL[d.kind], date: d.date };
      // One mail per reader: the late unit (with its links), the command office (what happened).
      out.toUnits(key, 'overdue', [a.unit], data);
      out.toUnits(copyKey(key), 'overdue_copy', command.filter((c) => c !== a.unit), data);
      record_('overdue', key, `${LABEL[d.kind]} ${d.date} 已过`);
    } else {
      const at = remindAt(d.date, ctx.calendar);
      if (at <= a.assignedAt || now < at) continue;
      const key = remindKey(record.id, d.kind, ai, d.date);
      if (sent.has(key)) continue;
      out.toUnits(key, 'remind', [a.unit], { ...base(), deadline: d.kind, deadlineLabel: LABEL[d.kind], date: d.date });
      record_('remind', key, `${LABEL[d.kind]} ${d.date} 前一个工作日提醒`);
    }
  }

  const missed = missedDeadlines(a, now);
  const overdue = missed.length > 0;
  let level = record.escalationLevel;
  if (overdue) {
    const since = missed.map((m) => m.date).sort()[0];
    const chain = escalationChain(ctx.profile, a.unit);
    while (level < chain.length && now >= escalationAt(since, level + 1, ctx.calendar)) {
      level += 1;
      const target = chain[level - 1];
      const key = escalateKey(record.id, ai, level);
      if (sent.has(key)) continue;
      const data = {
        ...base(),
        level,
        target,
        targetName: findUnit(ctx.profile, target)?.name ?? target,
        since,
        workdaysOverdue: ctx.calendar.workdaysBetween(since, shanghaiDate(now)),
      };
      // One mail per reader: the upper unit (督办, what to press for), the late unit (what is late, by
      // how much, its links), the command office unless it is the upper unit (what happened).
      out.toUnits(key, 'escalate', [target], data);
      out.toUnits(unitKey(key), 'escalate_unit', [a.unit], data);
      out.toUnits(copyKey(key), 'escalate_copy', command.filter((c) => c !== target && c !== a.unit), data);
      record_('escalate', key, `逾期升级第 ${level} 级 → ${target}`, target);
    }
  }

  const changed = events.length > 0 || overdue !== record.overdue || level !== record.escalationLevel;
  if (!changed) return { record, notifications: [], nextAt: dueForSweep(record, ctx, now) };
  const next: IssueRecord = {
    ...record,
    overdue,
    escalationLevel: level,
    events: [...record.events, ...events],
    warnings: mergeWarnings(record.warnings, out.warnings),
    updatedAt: Math.max(record.updatedAt, now),
  };
  return { record: next, notifications: out.notifications, nextAt: dueForSweep(next, ctx, now) };
}

/**
 * The next instant (epoch ms) at which the record needs the sweep, or null when nothing can fall due
 * (closed, resolved, or everything already sent and the escalation chain exhausted). `after` is the
 * instant the record is known to be swept up to (default: its updatedAt): reminders whose deadline
 * day had already ended by then are no longer due. After sweepIssue at t the answer is > t.
 */
export function dueForSweep(record: IssueRecord, ctx: SweepContext, after: number = record.updatedAt): number | null {
  if (!isOpen(record.status)) return null;
  const ai = currentIndex(record);
  const a = record.assignments[ai];
  const sent = sentKeys(record);
  let next = Infinity;
  for (const d of deadlinesOf(a)) {
    if (d.met) continue;
    const end = endOfShanghaiDay(d.date);
    if (d.kind !== 'feedback' && !sent.has(overdueKey(record.id, d.kind, ai, d.date))) next = Math.min(next, end + 1);
    const at = remindAt(d.date, ctx.calendar);
    if (at > a.assignedAt && after <= end && !sent.has(remindKey(record.id, d.kind, ai, d.date))) {
      next = Math.min(next, at);
    }
  }
  const anchor = earliestUnmet(a);
  if (anchor !== undefined && record.escalationLevel < escalationChain(ctx.profile, a.unit).length) {
    next = Math.min(next, escalationAt(anchor, record.escalationLevel + 1, ctx.calendar));
  }
  return Number.isFinite(next) ? next : null;
}

// ---- the sweep's schedule of a stored issue (the byDeadline index) ------------------------------

/** When the sweep next needs an issue (`at`, null = never), valid while `mark` equals sweepMark(record). */
export interface SweepSchedule {
  at: number | null;
  mark: string;
}

/**
 * What the sweep's schedule of a record depends on: every lifecycle change adds an event or an
 * assignment, moves the status, the escalation level or the (extended) deadline. A stored schedule
 * computed for another mark is stale.
 */
export function sweepMark(record: IssueRecord): string {
  const a = record.assignments[record.assignments.length - 1];
  return [record.status, record.assignments.length, eventTotal(record), record.escalationLevel, a?.resolveBy ?? ''].join('|');
}

/** The schedule to store with `record`: next due at `at` (dueForSweep or SweepResult.nextAt). */
export function sweepSchedule(record: IssueRecord, at: number | null): SweepSchedule {
  return { at, mark: sweepMark(record) };
}

/**
 * The instant the sweep next needs a stored issue (the byDeadline index key), or null (never: closed,
 * unrouted, or nothing can fall due). Without a valid schedule (created by sync, or changed since the
 * sweep last looked) the issue is due at once: its updatedAt.
 */
export function sweepDueAt(record: IssueRecord, schedule: SweepSchedule | undefined): number | null {
  if (!isOpen(record.status) || record.assignments.length === 0) return null;
  if (schedule && schedule.mark === sweepMark(record)) return schedule.at;
  return record.updatedAt;
}
