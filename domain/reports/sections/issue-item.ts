// One issue as every report lists it, at the end of a window (digest: the week's end; dashboard:
// now). Pure. The rules live here once:
// - overdue: open, and the record's 逾期 flag (set by the sweep) or a missed sign/resolve deadline;
//   days overdue = calendar days from the earliest missed deadline day to the window's day.
// - the deadline that counts: 签收时限 until signed, then 办结时限.
// - days open: calendar days from 反映日期 to the window's day.
// - escalated: open with escalationLevel > 0 (the level itself is kept on every item).

import type { IssueCategory, IssueStatus, Sector, UrgencyCheck } from '../../rows/kinds.js';
import type { Profile } from '../../rows/types.js';
import { currentAssignment, isOpen, missedDeadlines } from '../../issues/lifecycle.js';
import type { IssueRecord } from '../../issues/types.js';
import { dayNumber, shanghaiDate } from '../../time/time.js';
import { norm, unitNameOf, type DigestWindow } from '../week.js';

export interface IssueItem {
  id: string;
  enterpriseName: string;
  enterpriseCode?: string;
  category: IssueCategory;
  sector?: Sector;
  /** 问题描述, cut at 80 characters. */
  description: string;
  urgency: string;
  major: boolean;
  status: IssueStatus;
  unit: string;
  unitName: string;
  reportedOn: string;
  signBy: string;
  resolveBy: string;
  /** The deadline that counts now: 签收 until signed, then 办结. */
  deadline: { kind: 'sign' | 'resolve'; date: string };
  /** Calendar days from 反映日期 to the window's day. */
  daysOpen: number;
  /** The earliest missed deadline (kind and day), when open and past it at the window's end. */
  missed?: { kind: 'sign' | 'resolve'; date: string };
  overdue: boolean;
  /** Calendar days from the missed deadline day to the window's day (0 when not overdue). */
  daysOverdue: number;
  escalationLevel: number;
  /** Unit the latest escalation went to, and when. */
  escalatedTo?: string;
  escalatedToName?: string;
  escalatedAt?: number;
  /** 已办结 / 已回访: the Shanghai day the current assignment was resolved. */
  resolvedOn?: string;
  /** Calendar days since resolvedOn (the wait for verification). */
  daysWaiting?: number;
  followUp?: string;
  /** 待分派 after a 退回: which unit returned it and why. */
  returnedBy?: string;
  returnReason?: string;
  /** An enterprise's own 紧急 (SPEC §7.8): 紧急待核实 at triage, then the command office's finding. */
  urgencyCheck?: UrgencyCheck;
}

/** Where a report stands: the window's end instant and its Shanghai day. */
export type ReportAt = Pick<DigestWindow, 'to' | 'asOf'>;

/** Only records with an assignment can be listed (every routed record has one). */
export const listable = (r: IssueRecord): boolean => r.assignments.length > 0;

function lastOf<T>(list: readonly T[], test: (x: T) => boolean): T | undefined {
  for (let k = list.length - 1; k >= 0; k--) if (test(list[k])) return list[k];
  return undefined;
}

/** Day number of the window's day, parsed once per window rather than once per item. */
let lastDay: { asOf: string; n: number } | undefined;
function dayOf(asOf: string): number {
  if (lastDay?.asOf !== asOf) lastDay = { asOf, n: dayNumber(asOf) };
  return lastDay.n;
}

export function issueItem(r: IssueRecord, at: ReportAt, profile: Pick<Profile, 'units'>): IssueItem {
  const a = currentAssignment(r);
  const i = r.issue;
  const open = isOpen(r.status);
  const missedAll = open ? missedDeadlines(a, at.to) : [];
  const missed = missedAll.length > 1 && missedAll[1].date < missedAll[0].date ? missedAll[1] : missedAll[0];
  const today = dayOf(at.asOf);
  const daysTo = (date: string) => Math.max(0, today - dayNumber(date));
  const item: IssueItem = {
    id: r.id,
    enterpriseName: norm(i.enterpriseName) || norm(i.enterpriseCode) || '（未填写企业）',
    category: i.category,
    description: i.description.length > 80 ? `${i.description.slice(0, 80)}…` : i.description,
    urgency: i.urgency,
    major: i.major,
    status: r.status,
    unit: a.unit,
    unitName: unitNameOf(profile, a.unit),
    reportedOn: i.reportedOn,
    signBy: a.signBy,
    resolveBy: a.resolveBy,
    deadline: a.signedAt === undefined && open ? { kind: 'sign', date: a.signBy } : { kind: 'resolve', date: a.resolveBy },
    daysOpen: daysTo(i.reportedOn),
    overdue: open && (r.overdue || missed !== undefined),
    daysOverdue: missed ? daysTo(missed.date) : 0,
    escalationLevel: r.escalationLevel,
  };
  if (i.enterpriseCode) item.enterpriseCode = i.enterpriseCode;
  if (i.sector) item.sector = i.sector;
  if (missed) item.missed = missed;
  const esc = lastOf(r.events, (e) => e.type === 'escalate');
  if (esc?.unit) {
    item.escalatedTo = esc.unit;
    item.escalatedToName = unitNameOf(profile, esc.unit);
    item.escalatedAt = esc.at;
  }
  if (a.resolvedAt !== undefined && !open) {
    item.resolvedOn = shanghaiDate(a.resolvedAt);
    item.daysWaiting = daysTo(item.resolvedOn);
  }
  if (r.followUp) item.followUp = r.followUp;
  if (r.urgencyCheck) item.urgencyCheck = r.urgencyCheck;
  if (r.status === '待分派') {
    const back = lastOf(r.assignments, (x) => x.endReason === 'returned');
    if (back) {
      item.returnedBy = unitNameOf(profile, back.unit);
      if (back.returnReason) item.returnReason = back.returnReason;
    }
  }
  return item;
}

/**
 * What is late and who presses, in words (confirm pages, lists): `逾期 3 天（签收时限 2022-06-07 已过）；
 * 已升级至指挥部办公室督办（第 1 级）`; '' when the issue is neither overdue nor escalated.
 */
export function lateState(i: Pick<IssueItem, 'overdue' | 'missed' | 'daysOverdue' | 'escalationLevel' | 'escalatedToName' | 'status'>): string {
  const parts: string[] = [];
  if (i.overdue) {
    parts.push(i.missed ? `逾期 ${i.daysOverdue} 天（${i.missed.kind === 'sign' ? '签收' : '办结'}时限 ${i.missed.date} 已过）` : '逾期');
  }
  if (i.escalationLevel > 0 && isOpen(i.status)) {
    parts.push(`已升级${i.escalatedToName ? `至${i.escalatedToName}` : ''}督办（第 ${i.escalationLevel} 级）`);
  }
  return parts.join('；');
}

const byId = (a: IssueItem, b: IssueItem): number => (a.id < b.id ? -1 : 1);

/** Longest overdue first. */
export function byDaysOverdue(a: IssueItem, b: IssueItem): number {
  return b.daysOverdue - a.daysOverdue || byId(a, b);
}

/** Escalated first (higher level first), then overdue (longest first), then the earliest deadline. */
export function byUrgency(a: IssueItem, b: IssueItem): number {
  return (
    b.escalationLevel - a.escalationLevel ||
    Number(b.overdue) - Number(a.overdue) ||
    b.daysOverdue - a.daysOverdue ||
    (a.deadline.date < b.deadline.date ? -1 : a.deadline.date > b.deadline.date ? 1 : 0) ||
    byId(a, b)
  );
}
