// Shapes of routed problems: the route, assignments, events and the stored issue record (lifecycle
// in lifecycle.ts; actions and notifications in catalog.ts). Pure types only.

import type { IssueStatus, UrgencyCheck } from '../rows/kinds.js';
import type { IssueRow, RowWarning } from '../rows/types.js';

export interface RouteResult {
  /** The responsible unit (单位编码). */
  unit: string;
  /** Units copied: command units (超出协调范围), county leadership (重大问题). */
  also: string[];
  how: 'manual' | 'rule' | 'sector_lead' | 'triage';
  /** The matched rule's priority when how = rule. */
  rulePriority?: number;
  signBy: string;
  feedbackBy: string;
  resolveBy: string;
  /** e.g. `calendar_unverified`. */
  warnings: RowWarning[];
}


export interface Assignment {
  unit: string;
  also: string[];
  /** Epoch ms when this unit's clock started. */
  assignedAt: number;
  signBy: string;
  feedbackBy: string;
  resolveBy: string;
  signedAt?: number;
  resolvedAt?: number;
  /** How this assignment ended, if it did: returned (退回), reassigned (改派), reopened (不满意 → 重新办理), or still current. */
  endedAt?: number;
  endReason?: 'returned' | 'reassigned' | 'reopened';
  returnReason?: string;
  /** The coordination office's dispatch step (待分派), not a responsible unit's own assignment. */
  triage?: boolean;
  /** First progress report (反馈进展), epoch ms. */
  feedbackAt?: number;
  /** The enterprise's follow-up on this assignment's result, and when it was recorded. */
  followUp?: '满意' | '基本满意' | '不满意';
  followUpAt?: number;
  /** resolveBy before the first extension (延期), when extended. */
  extendedFrom?: string;
}

export interface IssueEvent {
  at: number;
  /** e.g. assign, sign, return, progress, resolve, follow_up, reopen, reassign, verify_close, extend, remind, overdue, escalate. */
  type: string;
  actor?: string;
  unit?: string;
  note?: string;
  /** Index of the assignment the event belongs to. */
  assignment?: number;
  /** Key of the notification the event sent (sweep events): what was already sent. */
  key?: string;
  /** The decision (SPEC §7.2) the event carries out: applying it twice is a no-op. */
  ref?: string;
}

/** Notifications are typed by template in the catalog (one definition, with their zod schemas). */
export type { Notification, NotificationOf, Template, MailData } from './catalog.js';

export interface IssueRecord {
  id: string;
  status: IssueStatus;
  issue: IssueRow;
  /** Assignments in order; the last one without endedAt is current. */
  assignments: Assignment[];
  /**
   * The newest events (oldest first). Older ones live in their own items (events.ts): the event at
   * index i has sequence number archivedEvents + i + 1.
   */
  events: IssueEvent[];
  /** Events drained out of the record into their own items (absent: none). */
  archivedEvents?: number;
  /** Keys the sweep already sent for the current assignment whose events were drained (events.ts). */
  sent?: { assignment: number; keys: string[] };
  /** 逾期 */
  overdue: boolean;
  /** 0 = none; 1 = escalated to the unit's 上级单位; 2 = one further up. */
  escalationLevel: number;
  returnCount: number;
  reopenCount: number;
  followUp?: '满意' | '基本满意' | '不满意';
  result?: string;
  /**
   * An enterprise's own 紧急 (SPEC §7.8): 紧急待核实 while it waits at triage, then the command
   * office's finding on 分派 (已核实为一般: every later assignment gets the 一般 limits). Absent for
   * every other issue. The row's 紧急程度 stays what the enterprise said.
   */
  urgencyCheck?: UrgencyCheck;
  warnings: RowWarning[];
  createdAt: number;
  updatedAt: number;
}
