// The week's figures: one model, shared by the digest (headline and section 三), the dashboard
// (本周 line), the console summary of `sibao start` and every mail that states a count. Pure.
//
// weekFigures(records, window, profile) counts over the same week window with the rules each section
// owns (activity.ts: what happened in the window; backlog.ts / issue-item.ts: what is open and overdue
// at the window's end; batches.ts: the week's common problems) and returns those sections too, so a
// report composes from them without counting twice. FIGURES holds each figure's label, unit and what
// it counts, once: every report prints `figureText(f, key)` (label, value, unit), so two figures
// that differ on purpose say which is which — 本周新增逾期 (an `overdue` event in the window, including
// issues resolved since) against 当前逾期 (open and overdue at the window's end); 本周办结 counts issues
// (an issue resolved twice after 重新办理 counts once), 本周升级督办 against 当前升级督办.

import type { Profile } from '../rows/types.js';
import type { IssueRecord } from '../issues/types.js';
import { inWindow, type DigestWindow } from './week.js';
import type { CommonProblemBatch } from '../issues/batches.js';
import { weekCounts, type WeekCounts } from './sections/activity.js';
import { openBacklog, type Backlog } from './sections/backlog.js';
import { weekBatches } from './sections/batches.js';
import { policyOutreach, type OutreachMatch, type PolicyOutreach } from './sections/policy.js';
import { POLICY_CATEGORIES } from '../rows/kinds.js';

export type FigureKey =
  | 'newIssues'
  | 'resolved'
  | 'closed'
  | 'newlyOverdue'
  | 'overdueNow'
  | 'escalatedThisWeek'
  | 'escalatedNow'
  | 'open'
  | 'returned'
  | 'reopened'
  | 'batches';

export interface FigureDef {
  /** Printed before the value: says which figure it is. */
  label: string;
  /** Printed after the value. */
  unit: '件' | '次' | '批';
}

/**
 * Every figure of the week, in the order reports list them. What each counts:
 * - newIssues 本周新增: issues created in the window;
 * - resolved 本周办结: issues with a result reported in the window (resolved twice after 重新办理: once);
 * - closed 本周销号: issues verified or closed in the window;
 * - newlyOverdue 本周新增逾期: issues that became overdue in the window, including those resolved since;
 * - overdueNow 当前逾期: open and overdue at the window's end;
 * - escalatedThisWeek 本周升级督办 / escalatedNow 当前升级督办 (open and escalated at the end);
 * - open 在办: 待分派, 已交办, 已签收, 办理中 at the end;
 * - returned 退回 / reopened 重新办理: events in the window, each counted;
 * - batches 共性问题: the week's batches (sections/batches.ts).
 */
export const FIGURES: { readonly [K in FigureKey]: FigureDef } = {
  newIssues: { label: '本周新增', unit: '件' },
  resolved: { label: '本周办结', unit: '件' },
  closed: { label: '本周销号', unit: '件' },
  newlyOverdue: { label: '本周新增逾期', unit: '件' },
  overdueNow: { label: '当前逾期', unit: '件' },
  escalatedThisWeek: { label: '本周升级督办', unit: '件' },
  escalatedNow: { label: '当前升级督办', unit: '件' },
  open: { label: '在办', unit: '件' },
  returned: { label: '退回', unit: '次' },
  reopened: { label: '重新办理', unit: '次' },
  batches: { label: '共性问题', unit: '批' },
};

export const FIGURE_KEYS = Object.keys(FIGURES) as FigureKey[];

export interface WeekFigures {
  week: string;
  /** The Shanghai day and instant the figures are counted to. */
  asOf: string;
  at: number;
  /** `batches` is null where the week's batches are not counted (the dashboard: see countWeek). */
  values: { [K in Exclude<FigureKey, 'batches'>]: number } & { batches: number | null };
  /** Of 本周新增逾期: issues no longer overdue at the window's end (resolved, or met since). */
  newlyOverdueNoLonger: number;
  /** 政策找企 (policy × enterprise matches); null where the matches are not read (the dashboard). */
  outreach: { [K in OutreachFigureKey]: number } | null;
}

// ---- 政策找企's figures (SPEC §7.4): one policy matched to one enterprise is one 项 ------------------

export type OutreachFigureKey = 'policyPushed' | 'policyAnswered' | 'policyApplying' | 'policyDelivered';

/**
 * - policyPushed 本周政策推送: matches mailed in the window (a baseline match never was);
 * - policyAnswered 本周企业反馈: answers given in the window (a replaced answer counts once);
 * - policyApplying 政策申请中 / policyDelivered 政策已兑现: latest answers so far (累计).
 */
export const OUTREACH_FIGURES: { readonly [K in OutreachFigureKey]: { label: string; unit: '项' | '条' } } = {
  policyPushed: { label: '本周政策推送', unit: '项' },
  policyAnswered: { label: '本周企业反馈', unit: '条' },
  policyApplying: { label: '政策申请中', unit: '项' },
  policyDelivered: { label: '政策已兑现', unit: '项' },
};

export const OUTREACH_FIGURE_KEYS = Object.keys(OUTREACH_FIGURES) as OutreachFigureKey[];

/** `本周政策推送 3 项`, as figureText. */
export function outreachFigureText(f: Pick<WeekFigures, 'outreach'>, key: OutreachFigureKey): string {
  const d = OUTREACH_FIGURES[key];
  return `${d.label} ${f.outreach?.[key] ?? 0} ${d.unit}`;
}

/** The figures and the sections they were counted from (reports reuse the sections). */
export interface WeekCount {
  figures: WeekFigures;
  counts: WeekCounts;
  backlog: Backlog;
  /** The week's batches without names (sections/batches.ts batchesSection adds them). */
  batches: CommonProblemBatch[];
  /** 政策找企 by category (the digest's part of section 九); null where the matches are not read. */
  outreach: PolicyOutreach | null;
}

/** How a report finds the week's batches (weekBatches), or null where it does not count them. */
export type BatchFinder = ((records: readonly IssueRecord[], window: DigestWindow) => CommonProblemBatch[]) | null;

/**
 * The week's figures and the sections they come from. `findBatches`: weekBatches (digest, console);
 * null leaves 共性问题 uncounted (the dashboard: keeps the batch search out of the api bundle; its
 * page does not state the figure). `matches`: 政策找企's matches (digest, console); null leaves
 * the outreach figures uncounted (the dashboard).
 */
export function countWeek(
  records: readonly IssueRecord[],
  window: DigestWindow,
  profile: Pick<Profile, 'units'>,
  findBatches: BatchFinder,
  matches: readonly OutreachMatch[] | null = null,
): WeekCount {
  const activity = weekCounts(records, window);
  const backlog = openBacklog(records, window, profile);
  const batches = findBatches ? findBatches(records, window) : [];
  const outreach = matches ? policyOutreach(matches, POLICY_CATEGORIES, window) : null;
  const overdueNow = new Set(backlog.items.filter((i) => i.overdue).map((i) => i.id));
  let noLonger = 0;
  for (const r of records) {
    if (!overdueNow.has(r.id) && r.events.some((e) => e.type === 'overdue' && inWindow(window, e.at))) noLonger += 1;
  }
  const figures: WeekFigures = {
    week: window.week,
    asOf: window.asOf,
    at: window.to,
    values: {
      newIssues: activity.newIssues,
      resolved: activity.resolved,
      closed: activity.closed,
      newlyOverdue: activity.overdue,
      overdueNow: backlog.overdue,
      escalatedThisWeek: activity.escalated,
      escalatedNow: backlog.escalated,
      open: backlog.open,
      returned: activity.returned,
      reopened: activity.reopened,
      batches: findBatches ? batches.length : null,
    },
    newlyOverdueNoLonger: noLonger,
    outreach: outreach && {
      policyPushed: outreach.total.pushedThisWeek,
      policyAnswered: outreach.total.answeredThisWeek,
      policyApplying: outreach.total.applying,
      policyDelivered: outreach.total.delivered,
    },
  };
  return { figures, counts: activity, backlog, batches, outreach };
}

/** The week's figures (countWeek without the sections). */
export function weekFigures(records: readonly IssueRecord[], window: DigestWindow, profile: Pick<Profile, 'units'>, matches: readonly OutreachMatch[] | null = null): WeekFigures {
  return countWeek(records, window, profile, weekBatches, matches).figures;
}

/** `本周办结 9 件`: label, value and unit, as every report prints a figure. */
export function figureText(f: Pick<WeekFigures, 'values'>, key: FigureKey): string {
  // batches is null only where it is not counted, and figuresLine leaves it out there.
  const d = FIGURES[key];
  return `${d.label} ${f.values[key]} ${d.unit}`;
}

/** Why 本周新增逾期 and 当前逾期 differ, when they do (e.g. `其中 1 件已不再逾期`); '' otherwise. */
export function overdueDifference(f: Pick<WeekFigures, 'newlyOverdueNoLonger'>): string {
  return f.newlyOverdueNoLonger > 0 ? `其中 ${f.newlyOverdueNoLonger} 件已办结或不再逾期` : '';
}

/** One line of the week's figures: `本周新增 38 件，本周办结 9 件，…` (console, logs, mails). */
export function figuresLine(f: WeekFigures, keys: readonly FigureKey[] = FIGURE_KEYS): string {
  return keys
    .filter((k) => f.values[k] !== null)
    .map((k) => {
      const why = k === 'newlyOverdue' ? overdueDifference(f) : '';
      return why ? `${figureText(f, k)}（${why}）` : figureText(f, k);
    })
    .join('，');
}

/** 政策找企's figures in one line (`本周政策推送 3 项，…`); '' where they are not counted. */
export function outreachLine(f: Pick<WeekFigures, 'outreach'>): string {
  return f.outreach ? OUTREACH_FIGURE_KEYS.map((k) => outreachFigureText(f, k)).join('，') : '';
}
