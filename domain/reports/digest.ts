// The Friday supervision digest (督办督查周报, SPEC §4; seed requirement 10): the model. Pure.
// buildDigest(input) composes the sections (sections/*.ts: each a function from its inputs to its
// model, shared with the dashboard where it shows the same thing) and derives the headline from
// them; rendering is in digest-render.ts.
//
// The week: the window of ISO week `YYYY-Www` from Monday 00:00 to the generation instant (week.ts).
// Coverage must be computed for the window's day `asOf` (use digestWindow() to get it).
//
// What the adapter passes (reads that grow with the week's activity, not with history):
// - coverage: computeCoverage(...) at window.asOf.
// - snapshots: stored CoverageSnapshot items of previous weeks (any order; the last 4–8 suffice).
//   A snapshot of the digest week itself is ignored for the change (re-runs stay stable).
// - issues: every issue that is open, or has an event in the window, or has a sign/resolve deadline
//   day in the window (the week's 按期办结率 needs those resolved early). Other records are ignored.
// - whitelistChanges: rows that may have been admitted or removed this week (e.g. rows edited this
//   week); rows whose 纳入日期 / 移出日期 is not in the window are ignored here (a back-dated entry is
//   reported by the data-quality check `back_dated`).
// - admittedWhitelist: code, name, sector of every row on the whitelist at asOf (for the
//   epidemic-support gaps and enterprise names).
// - epidemicSupport, policies, consultants, inspections: the current rows of those tabs.
// - dataQuality: checkDataQuality(...) warnings; buildDigest adds `calendar_unverified`.
//
// The week's figures (new, resolved, overdue, batches…) come from figures.ts, the model the dashboard,
// the console and the mails share. The counting rules are written once, in the section that owns them: the week's activity
// (sections/activity.ts), the open backlog and what makes an issue overdue (backlog.ts,
// issue-item.ts), unit rates and 红榜/黑榜 (units.ts), and so on.

import type { CoverageReport } from './coverage.js';
import type { DataQualityWarning } from './data-quality.js';
import type { UnitType } from '../rows/kinds.js';
import type { ConsultantRow, EpidemicSupportRow, InspectionRow, PolicyRow, Profile, WhitelistState } from '../rows/types.js';
import type { IssueRecord } from '../issues/types.js';
import { coverageSnapshot } from './snapshots.js';
import type { CoverageSnapshot } from './snapshots.js';
import { digestWindow, type DigestWindow, type WhitelistEntry } from './week.js';
import { weekActivity, type WeekActivity } from './sections/activity.js';
import { backlogByAge, overdueItems, type BacklogBucket, type StatusCount } from './sections/backlog.js';
import { batchesSection, weekBatches, type BatchAnswer, type DigestBatch } from './sections/batches.js';
import { countWeek, type WeekFigures } from './figures.js';
import { coverageSection, sectorsOnTrack, type DigestSectorRow } from './sections/coverage.js';
import { coverageTrend } from './sections/coverage-trend.js';
import { dataQualitySection } from './sections/data-quality.js';
import { epidemicGaps, type EpidemicGaps } from './sections/epidemic.js';
import { escalatedItems } from './sections/escalated.js';
import { pendingInspections, type PendingInspection } from './sections/inspections.js';
import type { IssueItem } from './sections/issue-item.js';
import { policyFiling, type OutreachMatch, type PolicyFiling, type PolicyOutreach } from './sections/policy.js';
import { unitRates, type UnitRates } from './sections/units.js';
import { whitelistChanges, type WhitelistChanges } from './sections/whitelist-changes.js';
import { registerSections, type RegisterInput, type RegisterSections } from './sections/registers.js';
import { createCalendar } from '../time/calendar.js';

export { DigestInputError, digestWindow, weekLabel } from './week.js';
export type { DigestWindow, WhitelistEntry } from './week.js';

export interface DigestInput {
  /** ISO week `YYYY-Www`. */
  week: string;
  /** Epoch ms of generation (the job: Friday 17:00 Asia/Shanghai). */
  generatedAt: number;
  /** e.g. 通许县 */
  countyName: string;
  profile: Pick<Profile, 'units' | 'workClasses'> & Partial<Pick<Profile, 'calendarOverrides' | 'operatingModes'>>;
  coverage: CoverageReport;
  snapshots?: readonly CoverageSnapshot[];
  issues: readonly IssueRecord[];
  whitelistChanges: readonly WhitelistState[];
  admittedWhitelist: readonly WhitelistEntry[];
  epidemicSupport: readonly EpidemicSupportRow[];
  policies: readonly PolicyRow[];
  consultants: readonly ConsultantRow[];
  inspections: readonly InspectionRow[];
  /** 政策找企: every match with its policy's category, whether it was pushed, the answer (absent: no section). */
  policyMatches?: readonly OutreachMatch[];
  /** The command office's answers to batches, by batch id. */
  batchAnswers?: ReadonlyMap<string, BatchAnswer>;
  /** The registers' rows (absent: none kept yet). */
  registers?: RegisterInput;
  dataQuality?: readonly DataQualityWarning[];
  /** 产值或投资额 per code now (whitelistValues), stored in this week's snapshot. */
  values?: Record<string, number>;
  options?: {
    /** Size of 红榜 / 黑榜 (default 3). */
    rankingSize?: number;
    /** Unit types expected to file a policy list and a consultant (default 县直部门, 乡镇, 街道, 园区). */
    policyUnitTypes?: readonly UnitType[];
    /** Snapshots in the trend (default 4). */
    projectionWeeks?: number;
  };
}

/** The week's activity and the open backlog at generation (section 三). */
export interface DigestIssueStats extends WeekActivity {
  /** Open issues at generation. */
  open: number;
  openByStatus: StatusCount[];
  backlogByAge: BacklogBucket[];
}

export interface DigestHeadline {
  overallCoverage: number | null;
  overallTarget: number;
  overallChange: number | null;
  sectorsOnTrack: number;
  sectorsWithFigure: number;
  whitelistCount: number;
  admitted: number;
  removed: number;
  fuseRemovals: number;
  newIssues: number;
  resolved: number;
  closed: number;
  open: number;
  overdueOpen: number;
  escalatedOpen: number;
  batches: number;
  dataQualityErrors: number;
  dataQualityWarnings: number;
}

export interface DigestModel {
  /** De-duplication key of the weekly send: `digest#YYYY-Www`. */
  key: string;
  week: string;
  countyName: string;
  title: string;
  window: DigestWindow;
  generatedAt: number;
  /** The week's figures (figures.ts): the headline's problem counts are these. */
  figures: WeekFigures;
  headline: DigestHeadline;
  coverage: { at: string; previousWeek: string | null; sectors: DigestSectorRow[]; overall: DigestSectorRow };
  /** This week's snapshot: the adapter stores it for next week's change and trend. */
  snapshot: CoverageSnapshot;
  issues: DigestIssueStats;
  units: UnitRates;
  overdue: IssueItem[];
  escalated: IssueItem[];
  batches: DigestBatch[];
  whitelistChanges: WhitelistChanges;
  epidemic: EpidemicGaps;
  policy: PolicyFiling;
  /** 政策找企 by category, from the week's model (null when the digest had no match data). */
  outreach: PolicyOutreach | null;
  inspections: PendingInspection[];
  dataQuality: DataQualityWarning[];
  /** 停产停工, 熔断 and 督办督查情况 (SPEC §7.3; seed 要求10). */
  registers: RegisterSections;
}

export function buildDigest(input: DigestInput): DigestModel {
  const window = digestWindow(input.week, input.generatedAt);
  const { profile, issues: records } = input;

  const snapshot = coverageSnapshot(input.coverage, input.week, input.values);
  const coverage = coverageTrend(coverageSection(input.coverage), {
    snapshot,
    snapshots: input.snapshots ?? [],
    projectionWeeks: input.options?.projectionWeeks,
  });
  const { figures, counts, backlog, batches: found, outreach } = countWeek(records, window, profile, weekBatches, input.policyMatches ?? null);
  const activity = weekActivity(records, window, counts);
  const batches = batchesSection(records, window, profile, found, input.batchAnswers);
  const overdue = overdueItems(backlog);
  const changes = whitelistChanges(input.whitelistChanges, window);
  const dataQuality = dataQualitySection(input.dataQuality ?? [], records);
  const sectors = sectorsOnTrack(coverage);

  const headline: DigestHeadline = {
    overallCoverage: coverage.overall.coverage,
    overallTarget: coverage.overall.target,
    overallChange: coverage.overall.change,
    sectorsOnTrack: sectors.onTrack,
    sectorsWithFigure: sectors.withFigure,
    whitelistCount: coverage.overall.count,
    admitted: changes.admitted.length,
    removed: changes.removed.length,
    fuseRemovals: changes.removed.filter((r) => r.fuse).length,
    newIssues: figures.values.newIssues,
    resolved: figures.values.resolved,
    closed: figures.values.closed,
    open: figures.values.open,
    overdueOpen: figures.values.overdueNow,
    escalatedOpen: figures.values.escalatedNow,
    batches: batches.length,
    dataQualityErrors: dataQuality.filter((w) => w.severity === 'error').length,
    dataQualityWarnings: dataQuality.filter((w) => w.severity === 'warning').length,
  };

  return {
    key: `digest#${input.week}`,
    week: input.week,
    countyName: input.countyName,
    title: `${input.countyName}“四保”白名单督办督查周报`,
    window,
    generatedAt: input.generatedAt,
    figures,
    headline,
    coverage,
    snapshot,
    issues: { ...activity, open: backlog.open, openByStatus: backlog.byStatus, backlogByAge: backlogByAge(backlog) },
    units: unitRates(records, window, profile, { rankingSize: input.options?.rankingSize }),
    overdue,
    escalated: escalatedItems(records, window, profile),
    batches,
    whitelistChanges: changes,
    epidemic: epidemicGaps(input.epidemicSupport, input.admittedWhitelist, profile),
    policy: policyFiling(input.policies, input.consultants, window.asOf, profile, input.options?.policyUnitTypes),
    outreach,
    inspections: pendingInspections(input.inspections, input.admittedWhitelist, window.asOf, profile),
    dataQuality,
    registers: registerSections(
      input.registers ?? { shutdowns: [], spotChecks: [], findings: [], whitelist: input.whitelistChanges, modes: profile.operatingModes },
      { from: window.monday, to: window.asOf, at: window.to },
      profile,
      createCalendar(profile.calendarOverrides ?? []),
    ),
  };
}
