// The command office's live dashboard (指挥部看板, SPEC §1): coverage against target, the open-problem
// ledger, the office's own to-do and this week's unit rates, at one instant. Pure; rendering is in
// dashboard-render.ts, the HTTP route in functions/http/dashboard-route.ts.
//
// What the adapter passes (reads that grow with the open backlog and this week, never with history):
// - coverage: computeCoverage(...) for today (as GET /v1/coverage).
// - openIssues: the byActivity partition ACT#OPEN (待分派, 已交办, 已签收, 办理中).
// - recentIssues: what this week touched (ACT#<this week>, RW#<this week>): for the week's rates.
// - awaitingIssues: issues in 已办结 / 已回访 (any age; they leave ACT#OPEN when resolved): the
//   command office's verification list (核实销号 / 销号).
// Records may repeat across the lists (deduplicated by 编号; the latest updatedAt wins); each section
// re-filters by status, so a record in the wrong list is never miscounted.
//
// Every figure comes from the digest's sections (sections/*.ts) over the window of the current ISO
// week up to `now` (week.ts currentWeekWindow): the same rules as the digest, at `now` instead of the
// week's end — overdue and deadlines (issue-item.ts), the backlog (backlog.ts), coverage
// (coverage.ts), unit rates (units.ts), the week's new issues (activity.ts), the to-do (todo.ts).

import type { RegisterSections } from './sections/registers.js';
import type { CoverageReport } from './coverage.js';
import type { IssueStatus } from '../rows/kinds.js';
import type { Profile } from '../rows/types.js';
import type { IssueRecord } from '../issues/types.js';
import { currentWeekWindow } from './week.js';
import { countWeek, type WeekFigures } from './figures.js';
import { coverageSection, sectorsOnTrack, type CoverageSection } from './sections/coverage.js';
import { byUrgency, type IssueItem } from './sections/issue-item.js';
import { commandTodo, type CommandTodo } from './sections/todo.js';
import { unitRates, type UnitRates } from './sections/units.js';

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
  /** Items the background jobs set aside (failed their retries; `sibao redrive`). */
  setAside?: DashboardSetAside;
  /** The command office's open decisions (GET /v1/decisions), oldest first. */
  decisions?: readonly DashboardDecision[];
  /** The registers today: the mode (平急转换), shutdowns, 熔断, findings (sections/registers.ts). */
  registers?: RegisterSections;
  options?: { listCap?: number };
}

/**
 * One open decision of the queue as the dashboard lists it. Its answers carry `action` (the target of
 * a signed form: POST decides, GET only shows the confirm page) only when the viewer may decide (a
 * coordination member with role 审批); other viewers see the matter without buttons.
 */
export interface DashboardDecision {
  id: string;
  typeLabel: string;
  subject: string;
  requesterName: string;
  /** Epoch ms it entered the queue. */
  since: number;
  decideBy: string | null;
  late: boolean;
  /** An inspection's 计划日期 (ISO day). */
  plannedDate?: string;
  /** An inspection whose 计划日期 came while still 待审批 (sections/inspections.ts plannedDateReached). */
  plannedReached?: boolean;
  rows: readonly { label: string; text: string }[];
  options: readonly DashboardDecisionOption[];
}

export interface DashboardDecisionOption {
  label: string;
  colour: string;
  caution?: boolean;
  note: { name: string; label: string; hint?: string; required: boolean; max: number };
  /** Selects the answer needs (分派 of a triage item: the units it may go to, value 单位编码; an enterprise's 紧急: 紧急 or 一般). */
  choose?: readonly { name: string; label: string; choices: readonly { value: string; text: string }[] }[];
  /** The signed form target (relative to the dashboard's URL); absent for a viewer who may not decide. */
  action?: string;
}

/** What the background jobs set aside: a line on the dashboard until someone re-drives it. */
export interface DashboardSetAside {
  count: number;
  /** The first few: which job (in Chinese), what it concerns, since when. */
  items: { job: string; subject: string; since: number }[];
}

export interface DashboardLedgerGroup {
  status: IssueStatus;
  /** Every item of the status (count); `items` holds at most the list cap. */
  count: number;
  overdue: number;
  escalated: number;
  items: IssueItem[];
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
    /** Open decisions of the command office's queue. */
    decisions: number;
  };
  /** The week's figures so far (figures.ts): the digest's, counted to now. */
  figures: WeekFigures;
  coverage: CoverageSection;
  ledger: DashboardLedgerGroup[];
  /** At most the list cap each; the headline has the counts. */
  todo: CommandTodo;
  /** The decision queue (at most the list cap); buttons when the viewer may decide. */
  decisions: DashboardDecision[];
  /** The viewer may decide (the page carries signed forms). */
  canDecide: boolean;
  units: UnitRates;
  listCap: number;
  setAside: DashboardSetAside;
  registers?: RegisterSections;
}

function latestById(lists: ReadonlyArray<readonly IssueRecord[] | undefined>): IssueRecord[] {
  const byId = new Map<string, IssueRecord>();
  for (const list of lists) {
    for (const r of list ?? []) {
      const seen = byId.get(r.id);
      if (!seen || r.updatedAt > seen.updatedAt) byId.set(r.id, r);
    }
  }
  return [...byId.values()];
}

export function buildDashboard(input: DashboardInput): DashboardModel {
  const { now, profile } = input;
  const window = currentWeekWindow(now);
  const cap = input.options?.listCap ?? DASHBOARD_LIST_CAP;
  const records = latestById([input.openIssues, input.recentIssues, input.awaitingIssues]);

  const coverage = coverageSection(input.coverage, { overallLabel: '全县合计' });
  const { figures, backlog } = countWeek(records, window, profile, null);
  const todo = commandTodo(records, backlog, window, profile);
  const sectors = sectorsOnTrack(coverage);
  const ledger: DashboardLedgerGroup[] = backlog.byStatus.map((g) => ({
    ...g,
    items: backlog.items
      .filter((i) => i.status === g.status)
      .sort(byUrgency)
      .slice(0, cap),
  }));
  const countyName = (input.countyName ?? '').trim();

  return {
    title: `${countyName}“四保”白名单指挥部看板`,
    countyName,
    generatedAt: now,
    today: window.asOf,
    week: window.week,
    headline: {
      overallCoverage: coverage.overall.coverage,
      overallTarget: coverage.overall.target,
      sectorsOnTrack: sectors.onTrack,
      sectorsWithFigure: sectors.withFigure,
      open: figures.values.open,
      overdue: figures.values.overdueNow,
      escalated: figures.values.escalatedNow,
      awaiting: todo.verify.length,
      triage: todo.triage.length,
      newThisWeek: figures.values.newIssues,
      decisions: input.decisions?.length ?? 0,
    },
    figures,
    coverage,
    ledger,
    todo: { verify: todo.verify.slice(0, cap), triage: todo.triage.slice(0, cap) },
    decisions: (input.decisions ?? []).slice(0, cap),
    canDecide: (input.decisions ?? []).some((d) => d.options.some((o) => o.action !== undefined)),
    units: unitRates(records, window, profile),
    listCap: cap,
    setAside: input.setAside ?? { count: 0, items: [] },
    ...(input.registers ? { registers: input.registers } : {}),
  };
}
