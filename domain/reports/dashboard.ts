// The command office's live dashboard (指挥部看板, SPEC §1): coverage against target, the open-problem
// ledger, the office's own to-do and this week's unit rates, at one instant. Pure; rendering is in
// dashboard-render.ts, the HTTP route in functions/dashboard-route.ts.
//
// What the adapter passes (reads that grow with the open backlog and this week, never with history):
// - coverage: computeCoverage(...) for today (as GET /v1/coverage).
// - openIssues: the byActivity partition ACT#OPEN (待分派, 已交办, 已签收, 办理中).
// - recentIssues: what this week touched (ACT#<this week>, RW#<this week>): for the week's rates.
// - awaitingIssues: issues in 已办结 / 已回访 (any age; they leave ACT#OPEN when resolved): the
//   command office's verification list (核实销号 / 销号).
// Records may repeat across the lists (deduplicated by 编号; the latest updatedAt wins); each list is
// re-filtered by status, so a record in the wrong list is never miscounted.
//
// Rules (the same as the digest's, at `now` instead of the week's end):
// - overdue: the record's 逾期 flag (set by the sweep) or a missed sign/resolve deadline at `now`;
//   days overdue = calendar days from the earliest missed deadline day to today.
// - escalated: open with escalationLevel > 0.
// - the deadline shown: 签收时限 until signed, then 办结时限.
// - days open: calendar days from 反映日期 to today.
// - unit rates: unitMetrics() over Monday..today of the current ISO week with `now`.

import type { CoverageReport, SectorCoverage } from './coverage.js';
import type { IssueCategory, IssueStatus } from '../rows/kinds.js';
import { currentAssignment, findUnit, isOpen, missedDeadlines, OPEN_STATUSES } from '../issues/lifecycle.js';
import { unitMetrics } from '../issues/unit-rates.js';
import type { UnitMetrics } from '../issues/unit-rates.js';
import { daysBetween, isoWeek, isoWeekRange, shanghaiDate, startOfShanghaiDay } from '../time/time.js';
import type { Profile } from '../rows/types.js';
import type { IssueRecord } from '../issues/types.js';

/** Statuses waiting for the command office: follow-up / 核实销号 (已办结) and 销号 (已回访). */
export const AWAITING_STATUSES: readonly IssueStatus[] = ['已办结', '已回访'];

/** Items listed per ledger group; the rest are counted. */
export const DASHBOARD_LIST_CAP = 100;

export interface DashboardInput {
  /** Epoch ms the page is built at. */
  now: number;
  /** e.g. 通许县 (empty: the title has no county name). */
  countyName?: string;
  profile: Pick<Profile, 'units' | 'workClasses'>;
  coverage: CoverageReport;
  openIssues: readonly IssueRecord[];
  recentIssues?: readonly IssueRecord[];
  awaitingIssues?: readonly IssueRecord[];
  options?: { listCap?: number };
}

export interface DashboardItem {
  id: string;
  enterpriseName: string;
  category: IssueCategory;
  status: IssueStatus;
  urgency: string;
  major: boolean;
  unit: string;
  unitName: string;
  reportedOn: string;
  /** The deadline that counts now: 签收 until signed, then 办结. */
  deadline: { kind: 'sign' | 'resolve'; date: string };
  /** Calendar days from 反映日期 to today. */
  daysOpen: number;
  overdue: boolean;
  /** Calendar days from the earliest missed deadline day to today (0 when not overdue). */
  daysOverdue: number;
  escalationLevel: number;
  /** 已办结 / 已回访: the Shanghai day the current assignment was resolved. */
  resolvedOn?: string;
  /** Calendar days since resolvedOn (the wait for verification). */
  daysWaiting?: number;
  followUp?: string;
  /** 待分派 after a 退回: which unit returned it and why. */
  returnedBy?: string;
  returnReason?: string;
}

export interface DashboardLedgerGroup {
  status: IssueStatus;
  /** Every item of the status (count); `items` holds at most the list cap. */
  count: number;
  overdue: number;
  escalated: number;
  items: DashboardItem[];
}

export interface DashboardSector extends SectorCoverage {
  label: string;
}

export interface DashboardModel {
  title: string;
  countyName: string;
  generatedAt: number;
  today: string;
  week: string;
  headline: {
    overallCoverage: number | null;
    overallTarget: number;
    sectorsOnTrack: number;
    sectorsWithFigure: number;
    open: number;
    overdue: number;
    escalated: number;
    /** 已办结 + 已回访: waiting for the command office. */
    awaiting: number;
    /** 待分派 */
    triage: number;
    /** Issues created this week (Monday 00:00 to now). */
    newThisWeek: number;
  };
  coverage: { at: string; sectors: DashboardSector[]; overall: CoverageReport['overall'] & { label: string } };
  ledger: DashboardLedgerGroup[];
  todo: { verify: DashboardItem[]; triage: DashboardItem[] };
  units: { from: string; to: string; rows: UnitMetrics[] };
  listCap: number;
}

function latestById(lists: ReadonlyArray<readonly IssueRecord[] | undefined>): Map<string, IssueRecord> {
  const byId = new Map<string, IssueRecord>();
  for (const list of lists) {
    for (const r of list ?? []) {
      const seen = byId.get(r.id);
      if (!seen || r.updatedAt > seen.updatedAt) byId.set(r.id, r);
    }
  }
  return byId;
}

/** Escalated first (higher level first), then overdue (longest first), then the earliest deadline. */
export function byUrgency(a: DashboardItem, b: DashboardItem): number {
  return (
    b.escalationLevel - a.escalationLevel ||
    Number(b.overdue) - Number(a.overdue) ||
    b.daysOverdue - a.daysOverdue ||
    (a.deadline.date < b.deadline.date ? -1 : a.deadline.date > b.deadline.date ? 1 : 0) ||
    (a.id < b.id ? -1 : 1)
  );
}

export function buildDashboard(input: DashboardInput): DashboardModel {
  const { now, profile } = input;
  const today = shanghaiDate(now);
  const week = isoWeek(today);
  const monday = isoWeekRange(week).monday;
  const cap = input.options?.listCap ?? DASHBOARD_LIST_CAP;
  const nameOf = (code: string) => findUnit(profile, code)?.name ?? code;

  const all = latestById([input.openIssues, input.recentIssues, input.awaitingIssues]);
  const records = [...all.values()];
  const open = records.filter((r) => isOpen(r.status) && r.assignments.length > 0);
  const awaiting = records.filter((r) => AWAITING_STATUSES.includes(r.status) && r.assignments.length > 0);

  const item = (r: IssueRecord): DashboardItem => {
    const a = currentAssignment(r);
    const missed = isOpen(r.status) ? missedDeadlines(a, now).sort((x, y) => (x.date < y.date ? -1 : 1))[0] : undefined;
    const overdue = isOpen(r.status) && (r.overdue || missed !== undefined);
    const out: DashboardItem = {
      id: r.id,
      enterpriseName: (r.issue.enterpriseName ?? '').trim() || (r.issue.enterpriseCode ?? '').trim() || '（未填写企业）',
      category: r.issue.category,
      status: r.status,
      urgency: r.issue.urgency,
      major: r.issue.major,
      unit: a.unit,
      unitName: nameOf(a.unit),
      reportedOn: r.issue.reportedOn,
      deadline: a.signedAt === undefined && isOpen(r.status) ? { kind: 'sign', date: a.signBy } : { kind: 'resolve', date: a.resolveBy },
      daysOpen: Math.max(0, daysBetween(r.issue.reportedOn, today)),
      overdue,
      daysOverdue: missed ? Math.max(0, daysBetween(missed.date, today)) : 0,
      escalationLevel: isOpen(r.status) ? r.escalationLevel : 0,
    };
    if (a.resolvedAt !== undefined && !isOpen(r.status)) {
      out.resolvedOn = shanghaiDate(a.resolvedAt);
      out.daysWaiting = Math.max(0, daysBetween(out.resolvedOn, today));
    }
    if (r.followUp) out.followUp = r.followUp;
    if (r.status === '待分派') {
      const back = [...r.assignments].reverse().find((x) => x.endReason === 'returned');
      if (back) {
        out.returnedBy = nameOf(back.unit);
        if (back.returnReason) out.returnReason = back.returnReason;
      }
    }
    return out;
  };

  const openItems = open.map(item);
  const ledger: DashboardLedgerGroup[] = OPEN_STATUSES.map((status) => {
    const items = openItems.filter((i) => i.status === status).sort(byUrgency);
    return {
      status,
      count: items.length,
      overdue: items.filter((i) => i.overdue).length,
      escalated: items.filter((i) => i.escalationLevel > 0).length,
      items: items.slice(0, cap),
    };
  });

  // 已回访 first (ready for 销号), then 已办结 waiting longest first.
  const verify = awaiting
    .map(item)
    .sort(
      (a, b) =>
        Number(b.status === '已回访') - Number(a.status === '已回访') ||
        (b.daysWaiting ?? 0) - (a.daysWaiting ?? 0) ||
        (a.id < b.id ? -1 : 1),
    );
  const triage = openItems.filter((i) => i.status === '待分派').sort((a, b) => b.daysOpen - a.daysOpen || (a.id < b.id ? -1 : 1));

  const sectors: DashboardSector[] = input.coverage.sectors.map((s) => ({ ...s, label: s.sector }));
  const weekStart = startOfShanghaiDay(monday);
  const countyName = (input.countyName ?? '').trim();

  return {
    title: `${countyName}“四保”白名单指挥部看板`,
    countyName,
    generatedAt: now,
    today,
    week,
    headline: {
      overallCoverage: input.coverage.overall.coverage,
      overallTarget: input.coverage.overall.target,
      sectorsOnTrack: sectors.filter((s) => s.onTrack === true).length,
      sectorsWithFigure: sectors.filter((s) => s.coverage !== null).length,
      open: openItems.length,
      overdue: openItems.filter((i) => i.overdue).length,
      escalated: openItems.filter((i) => i.escalationLevel > 0).length,
      awaiting: verify.length,
      triage: triage.length,
      newThisWeek: records.filter((r) => r.createdAt >= weekStart && r.createdAt <= now).length,
    },
    coverage: { at: input.coverage.at, sectors, overall: { ...input.coverage.overall, label: '全县合计' } },
    ledger,
    todo: { verify: verify.slice(0, cap), triage: triage.slice(0, cap) },
    units: { from: monday, to: today, rows: unitMetrics(records, { from: monday, to: today, now }, profile) },
    listCap: cap,
  };
}
