// The Friday supervision digest (督办督查周报, SPEC §4; seed requirement 10): the model. Pure.
// buildDigest(input) assembles every section from data the adapter reads cheaply; rendering is in
// digest-render.ts.
//
// The week. The digest for ISO week `YYYY-Www` (Asia/Shanghai) covers the window from Monday 00:00 to
// the generation instant, capped at the end of Sunday: the job runs Friday 17:00, so "this week" is
// Monday 00:00 → Friday 17:00; a digest rebuilt later in the weekend includes Saturday/Sunday; one
// rebuilt after the week shows the whole week. `asOf` = the Shanghai day of the window's end; coverage
// must be computed for that day (use digestWindow() to get it). Generating before the Monday is an
// error (DigestInputError, code `date`).
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
// Counting rules for the week (window [from, to]):
// new = issues created in the window; resolved = issues with a `resolve` event; closed = issues with
// a `verify_close`/`close` event; overdue = issues with an `overdue` event (newly overdue); escalated
// = issues with an `escalate` event; returned / reopened = `return` / `reopen` events. The backlog is
// the issues open at generation, aged in calendar days from 反映日期 to asOf. Unit rates are
// unitMetrics() over the window's days with `now` = the window's end; 红榜/黑榜 by rankUnits() (only
// units with ≥ 3 issues).

import { findCommonProblems } from '../issues/batches.js';
import type { CommonProblemBatch } from '../issues/batches.js';
import type { CoverageReport } from './coverage.js';
import { sortWarnings } from './data-quality.js';
import type { DataQualityWarning } from './data-quality.js';
import { REMOVAL_REASON_FUSE, SECTORS, WORK_CLASSES } from '../rows/kinds.js';
import type { IssueCategory, IssueStatus, Sector, UnitType } from '../rows/kinds.js';
import { currentAssignment, findUnit, isOpen, missedDeadlines, OPEN_STATUSES } from '../issues/lifecycle.js';
import { RANKING_MIN_ISSUES, rankUnits, unitMetrics } from '../issues/unit-rates.js';
import type { Ranking, UnitMetrics } from '../issues/unit-rates.js';
import { coverageSnapshot, previousSnapshot, projectToDeadline, weekChange } from './snapshots.js';
import type { CoverageSnapshot, Projection, SectorOrOverall } from './snapshots.js';
import { daysBetween, endOfShanghaiDay, isoWeekRange, shanghaiDate, shanghaiDateTime, startOfShanghaiDay } from '../time/time.js';
import type { ConsultantRow, EpidemicSupportRow, InspectionRow, PolicyRow, Profile, WhitelistRow } from '../rows/types.js';
import type { IssueRecord } from '../issues/types.js';

export class DigestInputError extends Error {
  readonly code = 'date';
  constructor(message: string) {
    super(message);
    this.name = 'DigestInputError';
  }
}

export interface WhitelistEntry {
  code: string;
  name: string;
  sector: Sector;
  locality?: string;
}

export interface DigestInput {
  /** ISO week `YYYY-Www`. */
  week: string;
  /** Epoch ms of generation (the job: Friday 17:00 Asia/Shanghai). */
  generatedAt: number;
  /** e.g. 通许县 */
  countyName: string;
  profile: Pick<Profile, 'units' | 'workClasses'>;
  coverage: CoverageReport;
  snapshots?: readonly CoverageSnapshot[];
  issues: readonly IssueRecord[];
  whitelistChanges: readonly WhitelistRow[];
  admittedWhitelist: readonly WhitelistEntry[];
  epidemicSupport: readonly EpidemicSupportRow[];
  policies: readonly PolicyRow[];
  consultants: readonly ConsultantRow[];
  inspections: readonly InspectionRow[];
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

export interface DigestWindow {
  week: string;
  monday: string;
  sunday: string;
  /** Epoch ms: Monday 00:00 Shanghai. */
  from: number;
  /** Epoch ms: min(generatedAt, end of Sunday). */
  to: number;
  /** Shanghai day of `to`: the day coverage is computed for. */
  asOf: string;
}

export interface DigestSectorRow {
  sector: SectorOrOverall;
  /** 合计 for overall. */
  label: string;
  covered: number;
  total: number | null;
  coverage: number | null;
  target: number;
  count: number;
  gap: number | null;
  deadline: string | null;
  onTrack: boolean | null;
  error: string | null;
  message?: string;
  /** Coverage change against the previous week's snapshot (fraction); null without one. */
  change: number | null;
  coveredChange: number | null;
  countChange: number | null;
  projection: Projection | null;
}

export interface BacklogBucket {
  label: string;
  /** Age in days, inclusive bounds (max null = no upper bound). */
  min: number;
  max: number | null;
  count: number;
}

export interface DigestIssueStats {
  newIssues: number;
  resolved: number;
  closed: number;
  overdue: number;
  escalated: number;
  returned: number;
  reopened: number;
  followUps: { total: number; satisfied: number; basicallySatisfied: number; unsatisfied: number };
  /** Open issues at generation. */
  open: number;
  openByStatus: Array<{ status: IssueStatus; count: number }>;
  backlogByAge: BacklogBucket[];
  /** New issues of the week per 问题类别, largest first. */
  newByCategory: Array<{ category: IssueCategory; count: number }>;
}

export interface DigestItem {
  id: string;
  enterpriseName: string;
  enterpriseCode?: string;
  category: IssueCategory;
  sector?: Sector;
  description: string;
  urgency: string;
  major: boolean;
  status: IssueStatus;
  unit: string;
  unitName: string;
  reportedOn: string;
  signBy: string;
  resolveBy: string;
  /** The earliest missed deadline (kind and day), when overdue at the window's end. */
  missed?: { kind: 'sign' | 'resolve'; date: string };
  /** Calendar days from the missed deadline day to asOf. */
  daysOverdue: number;
  escalationLevel: number;
  /** Unit the latest escalation went to, and when. */
  escalatedTo?: string;
  escalatedToName?: string;
  escalatedAt?: number;
}

export interface DigestBatch extends CommonProblemBatch {
  unitNames: string[];
  /** Enterprise names of the member issues (same order as issueIds). */
  enterpriseNames: string[];
  /** True when the batch was found this week (anchor or a member reported in the window). */
  newThisWeek: boolean;
}

export interface DigestWhitelistChange {
  code: string;
  name: string;
  sector: Sector;
  locality: string;
  value: number;
  /** 纳入日期 or 移出日期. */
  date: string;
  reason?: string;
  /** 熔断 removal. */
  fuse: boolean;
}

export interface EpidemicGaps {
  classesRequired: number;
  classesCovered: number;
  /** Work classes without an epidemic-prevention expert (名称). */
  classesMissing: string[];
  enterprisesRequired: number;
  enterprisesCovered: number;
  enterprisesMissing: Array<WhitelistEntry & { missing: Array<'防疫人员' | '结对医疗机构'> }>;
}

export interface PolicyGap {
  unit: string;
  unitName: string;
  type: UnitType;
  /** Policies in force at asOf filed by the unit. */
  policies: number;
  /** Filed policies whose 有效期至 has passed. */
  expiredPolicies: number;
  consultants: number;
}

export interface PendingInspection {
  id?: string;
  initiator: string;
  initiatorName: string;
  enterpriseCode: string;
  enterpriseName?: string;
  matter: string;
  category: string;
  plannedOn: string;
  /** Planned day already reached while still waiting for approval. */
  due: boolean;
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
  headline: DigestHeadline;
  coverage: { at: string; previousWeek: string | null; sectors: DigestSectorRow[]; overall: DigestSectorRow };
  /** This week's snapshot: the adapter stores it for next week's change and trend. */
  snapshot: CoverageSnapshot;
  issues: DigestIssueStats;
  units: { rows: UnitMetrics[]; ranking: Ranking; minIssues: number };
  overdue: DigestItem[];
  escalated: DigestItem[];
  batches: DigestBatch[];
  whitelistChanges: { admitted: DigestWhitelistChange[]; removed: DigestWhitelistChange[] };
  epidemic: EpidemicGaps;
  policy: { required: number; gaps: PolicyGap[] };
  inspections: PendingInspection[];
  dataQuality: DataQualityWarning[];
}

export const DEFAULT_POLICY_UNIT_TYPES: readonly UnitType[] = ['县直部门', '乡镇', '街道', '园区'];

export const BACKLOG_BUCKETS: ReadonlyArray<Omit<BacklogBucket, 'count'>> = [
  { label: '3 天以内', min: 0, max: 3 },
  { label: '4–7 天', min: 4, max: 7 },
  { label: '8–14 天', min: 8, max: 14 },
  { label: '15–30 天', min: 15, max: 30 },
  { label: '30 天以上', min: 31, max: null },
];

/** The window of a digest week generated at `generatedAt` (see the file header). */
export function digestWindow(week: string, generatedAt: number): DigestWindow {
  const { monday, sunday } = isoWeekRange(week);
  const from = startOfShanghaiDay(monday);
  if (!Number.isFinite(generatedAt) || generatedAt < from) {
    throw new DigestInputError(`周报 ${week} 从 ${monday} 开始，生成时间 ${Number.isFinite(generatedAt) ? shanghaiDateTime(generatedAt) : String(generatedAt)} 早于该周，不能生成`);
  }
  const to = Math.min(generatedAt, endOfShanghaiDay(sunday));
  return { week, monday, sunday, from, to, asOf: shanghaiDate(to) };
}

/** 2022-W23 → 2022年第23周 */
export function weekLabel(week: string): string {
  return `${week.slice(0, 4)}年第${Number(week.slice(6))}周`;
}

const norm = (s: string | undefined): string => (s ?? '').trim();
const normCode = (s: string | undefined): string => norm(s).toUpperCase();

function unitNameOf(profile: Pick<Profile, 'units'>, ref: string): string {
  return findUnit(profile, ref)?.name ?? ref;
}

function countBy<K>(keys: readonly K[]): Map<K, number> {
  const m = new Map<K, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

export function buildDigest(input: DigestInput): DigestModel {
  const window = digestWindow(input.week, input.generatedAt);
  const { from, to, asOf } = window;
  const profile = input.profile;
  const inWindow = (t: number | undefined) => t !== undefined && t >= from && t <= to;
  const inDays = (d: string | undefined) => d !== undefined && d >= window.monday && d <= asOf;

  // ---- coverage --------------------------------------------------------------------------------
  const snapshot = coverageSnapshot(input.coverage, input.week, input.values);
  const previous = previousSnapshot(input.snapshots ?? [], input.week);
  const history = [...(input.snapshots ?? []).filter((s) => s.week < input.week), snapshot];
  const changes = weekChange(snapshot, previous);
  const projectionWeeks = input.options?.projectionWeeks;
  const sectorRows: DigestSectorRow[] = input.coverage.sectors.map((s) => {
    const c = changes.find((x) => x.sector === s.sector);
    return {
      sector: s.sector,
      label: s.sector,
      covered: s.covered,
      total: s.total,
      coverage: s.coverage,
      target: s.target,
      count: s.count,
      gap: s.gap,
      deadline: s.deadline,
      onTrack: s.onTrack,
      error: s.error,
      ...(s.message ? { message: s.message } : {}),
      change: c?.coverage ?? null,
      coveredChange: c?.covered ?? null,
      countChange: c?.count ?? null,
      projection:
        s.deadline && s.coverage !== null ? projectToDeadline(history, s.sector, s.target, s.deadline, { weeks: projectionWeeks }) : null,
    };
  });
  const deadlines = input.coverage.sectors.map((s) => s.deadline).filter((d): d is string => !!d).sort();
  const overallDeadline = deadlines.length > 0 ? deadlines[deadlines.length - 1] : null;
  const o = input.coverage.overall;
  const oc = changes.find((x) => x.sector === 'overall');
  const overallRow: DigestSectorRow = {
    sector: 'overall',
    label: '合计',
    covered: o.covered,
    total: o.total,
    coverage: o.coverage,
    target: o.target,
    count: o.count,
    gap: o.gap,
    deadline: overallDeadline,
    onTrack: o.onTrack,
    error: o.error,
    change: oc?.coverage ?? null,
    coveredChange: oc?.covered ?? null,
    countChange: oc?.count ?? null,
    projection: overallDeadline && o.coverage !== null ? projectToDeadline(history, 'overall', o.target, overallDeadline, { weeks: projectionWeeks }) : null,
  };

  // ---- issues ----------------------------------------------------------------------------------
  const records = input.issues;
  const withEvent = (types: readonly string[]) =>
    records.filter((r) => r.events.some((e) => types.includes(e.type) && inWindow(e.at))).length;
  const eventCount = (type: string) => records.reduce((n, r) => n + r.events.filter((e) => e.type === type && inWindow(e.at)).length, 0);
  const openRecords = records.filter((r) => isOpen(r.status));
  const followUps = { total: 0, satisfied: 0, basicallySatisfied: 0, unsatisfied: 0 };
  for (const r of records) {
    for (const a of r.assignments) {
      if (!a.followUp || !inWindow(a.followUpAt)) continue;
      followUps.total += 1;
      if (a.followUp === '满意') followUps.satisfied += 1;
      else if (a.followUp === '基本满意') followUps.basicallySatisfied += 1;
      else followUps.unsatisfied += 1;
    }
  }
  const newRecords = records.filter((r) => inWindow(r.createdAt));
  const statusCounts = countBy(openRecords.map((r) => r.status));
  const ages = openRecords.map((r) => Math.max(0, daysBetween(r.issue.reportedOn, asOf)));
  const issues: DigestIssueStats = {
    newIssues: newRecords.length,
    resolved: withEvent(['resolve']),
    closed: withEvent(['verify_close', 'close']),
    overdue: withEvent(['overdue']),
    escalated: withEvent(['escalate']),
    returned: eventCount('return'),
    reopened: eventCount('reopen'),
    followUps,
    open: openRecords.length,
    openByStatus: OPEN_STATUSES.map((status) => ({ status, count: statusCounts.get(status) ?? 0 })),
    backlogByAge: BACKLOG_BUCKETS.map((b) => ({ ...b, count: ages.filter((d) => d >= b.min && (b.max === null || d <= b.max)).length })),
    newByCategory: [...countBy(newRecords.map((r) => r.issue.category)).entries()]
      .map(([category, count]) => ({ category, count }))
      .sort((a, b) => b.count - a.count || (a.category < b.category ? -1 : 1)),
  };

  // ---- overdue and escalated items -------------------------------------------------------------
  const item = (r: IssueRecord): DigestItem => {
    const a = currentAssignment(r);
    const missed = isOpen(r.status) ? missedDeadlines(a, to).sort((x, y) => (x.date < y.date ? -1 : 1))[0] : undefined;
    const esc = [...r.events].reverse().find((e) => e.type === 'escalate');
    const description = r.issue.description.length > 80 ? `${r.issue.description.slice(0, 80)}…` : r.issue.description;
    return {
      id: r.id,
      enterpriseName: norm(r.issue.enterpriseName) || norm(r.issue.enterpriseCode) || '（未填写企业）',
      ...(r.issue.enterpriseCode ? { enterpriseCode: r.issue.enterpriseCode } : {}),
      category: r.issue.category,
      ...(r.issue.sector ? { sector: r.issue.sector } : {}),
      description,
      urgency: r.issue.urgency,
      major: r.issue.major,
      status: r.status,
      unit: a.unit,
      unitName: unitNameOf(profile, a.unit),
      reportedOn: r.issue.reportedOn,
      signBy: a.signBy,
      resolveBy: a.resolveBy,
      ...(missed ? { missed } : {}),
      daysOverdue: missed ? Math.max(0, daysBetween(missed.date, asOf)) : 0,
      escalationLevel: r.escalationLevel,
      ...(esc?.unit ? { escalatedTo: esc.unit, escalatedToName: unitNameOf(profile, esc.unit), escalatedAt: esc.at } : {}),
    };
  };
  const byOverdue = (a: DigestItem, b: DigestItem) => b.daysOverdue - a.daysOverdue || (a.id < b.id ? -1 : 1);
  const overdue = openRecords
    .filter((r) => r.overdue || missedDeadlines(currentAssignment(r), to).length > 0)
    .map(item)
    .sort(byOverdue);
  const escalated = records
    .filter((r) => (isOpen(r.status) && r.escalationLevel > 0) || r.events.some((e) => e.type === 'escalate' && inWindow(e.at)))
    .map(item)
    .sort((a, b) => b.escalationLevel - a.escalationLevel || byOverdue(a, b));

  // ---- units -----------------------------------------------------------------------------------
  const rows = unitMetrics(records, { from: window.monday, to: asOf, now: to }, profile);
  const ranking = rankUnits(rows, { size: input.options?.rankingSize ?? 3 });

  // ---- common-problem batches ------------------------------------------------------------------
  const byId = new Map(records.map((r) => [r.id, r]));
  const batches: DigestBatch[] = findCommonProblems(records, to).map((b) => ({
    ...b,
    unitNames: b.units.map((u) => unitNameOf(profile, u)),
    enterpriseNames: b.issueIds.map((id) => {
      const i = byId.get(id)?.issue;
      return norm(i?.enterpriseName) || norm(i?.enterpriseCode) || id;
    }),
    newThisWeek: b.issueIds.some((id) => inWindow(byId.get(id)?.createdAt)),
  }));

  // ---- whitelist changes -----------------------------------------------------------------------
  const change = (r: WhitelistRow, date: string, reason?: string): DigestWhitelistChange => ({
    code: r.code,
    name: r.name,
    sector: r.sector,
    locality: r.locality,
    value: r.value,
    date,
    ...(reason ? { reason } : {}),
    fuse: reason === REMOVAL_REASON_FUSE,
  });
  const seenAdmit = new Set<string>();
  const seenRemove = new Set<string>();
  const admitted: DigestWhitelistChange[] = [];
  const removed: DigestWhitelistChange[] = [];
  for (const r of input.whitelistChanges) {
    const code = normCode(r.code);
    if ((r.status === '已纳入' || r.status === '已移出') && inDays(r.admittedOn) && !seenAdmit.has(code)) {
      seenAdmit.add(code);
      admitted.push(change(r, r.admittedOn!));
    }
    if (r.status === '已移出' && inDays(r.removedOn) && !seenRemove.has(code)) {
      seenRemove.add(code);
      removed.push(change(r, r.removedOn!, r.removalReason));
    }
  }
  const byDate = (a: DigestWhitelistChange, b: DigestWhitelistChange) =>
    (a.date < b.date ? -1 : a.date > b.date ? 1 : 0) || SECTORS.indexOf(a.sector) - SECTORS.indexOf(b.sector) || (a.code < b.code ? -1 : 1);
  admitted.sort(byDate);
  removed.sort((a, b) => Number(b.fuse) - Number(a.fuse) || byDate(a, b));

  // ---- epidemic support ------------------------------------------------------------------------
  const classKeys = new Map<string, string>();
  for (const c of WORK_CLASSES) {
    const name = profile.workClasses.find((w) => w.id === c.id)?.name || c.name;
    classKeys.set(c.id, name);
  }
  const expertFor = new Set<string>();
  for (const row of input.epidemicSupport) {
    if (row.targetType !== '工作专班' || !norm(row.staff)) continue;
    const t = norm(row.target);
    for (const [id, name] of classKeys) if (t === id || t === name || t === `${name}专班` || t === `${name}工作专班`) expertFor.add(id);
  }
  const classesMissing = [...classKeys.entries()].filter(([id]) => !expertFor.has(id)).map(([, name]) => name);
  const support = new Map<string, { staff: boolean; institution: boolean }>();
  for (const row of input.epidemicSupport) {
    if (row.targetType !== '白名单企业') continue;
    const code = normCode(row.target);
    const cur = support.get(code) ?? { staff: false, institution: false };
    if (norm(row.staff)) cur.staff = true;
    if (norm(row.medicalInstitution)) cur.institution = true;
    support.set(code, cur);
  }
  const seenEnt = new Set<string>();
  const entries = input.admittedWhitelist.filter((e) => {
    const c = normCode(e.code);
    if (seenEnt.has(c)) return false;
    seenEnt.add(c);
    return true;
  });
  const enterprisesMissing: EpidemicGaps['enterprisesMissing'] = [];
  for (const e of entries) {
    const s = support.get(normCode(e.code));
    const missing: Array<'防疫人员' | '结对医疗机构'> = [];
    if (!s?.staff) missing.push('防疫人员');
    if (!s?.institution) missing.push('结对医疗机构');
    if (missing.length > 0) enterprisesMissing.push({ ...e, missing });
  }
  enterprisesMissing.sort((a, b) => SECTORS.indexOf(a.sector) - SECTORS.indexOf(b.sector) || (a.code < b.code ? -1 : 1));
  const epidemic: EpidemicGaps = {
    classesRequired: classKeys.size,
    classesCovered: classKeys.size - classesMissing.length,
    classesMissing,
    enterprisesRequired: entries.length,
    enterprisesCovered: entries.length - enterprisesMissing.length,
    enterprisesMissing,
  };

  // ---- policy lists and consultants ------------------------------------------------------------
  const types = input.options?.policyUnitTypes ?? DEFAULT_POLICY_UNIT_TYPES;
  const required = profile.units.filter((u) => types.includes(u.type));
  const policyCount = new Map<string, { valid: number; expired: number }>();
  for (const p of input.policies) {
    const u = p.unit ? findUnit(profile, p.unit) : undefined;
    if (!u) continue;
    const cur = policyCount.get(u.code) ?? { valid: 0, expired: 0 };
    if (p.validUntil && p.validUntil < asOf) cur.expired += 1;
    else cur.valid += 1;
    policyCount.set(u.code, cur);
  }
  const consultantCount = countBy(
    input.consultants.filter((c) => norm(c.name)).map((c) => findUnit(profile, c.unit)?.code).filter((c): c is string => !!c),
  );
  const gaps: PolicyGap[] = required
    .map((u) => ({
      unit: u.code,
      unitName: u.name,
      type: u.type,
      policies: policyCount.get(u.code)?.valid ?? 0,
      expiredPolicies: policyCount.get(u.code)?.expired ?? 0,
      consultants: consultantCount.get(u.code) ?? 0,
    }))
    .filter((g) => g.policies === 0 || g.consultants === 0);

  // ---- inspections waiting for approval --------------------------------------------------------
  const names = new Map(input.admittedWhitelist.map((e) => [normCode(e.code), e.name]));
  const inspections: PendingInspection[] = input.inspections
    .filter((i) => i.status === '待审批' || (!i.status && i.category === '其他'))
    .map((i) => {
      const name = names.get(normCode(i.enterpriseCode));
      return {
        ...(i.id ? { id: i.id } : {}),
        initiator: i.initiator,
        initiatorName: unitNameOf(profile, i.initiator),
        enterpriseCode: i.enterpriseCode,
        ...(name ? { enterpriseName: name } : {}),
        matter: i.matter,
        category: i.category,
        plannedOn: i.plannedOn,
        due: i.plannedOn <= asOf,
      };
    })
    .sort((a, b) => (a.plannedOn < b.plannedOn ? -1 : a.plannedOn > b.plannedOn ? 1 : (a.id ?? '') < (b.id ?? '') ? -1 : 1));

  // ---- data quality ----------------------------------------------------------------------------
  const unverified = openRecords.filter((r) => r.warnings.some((w) => w.code === 'calendar_unverified')).map((r) => r.id);
  const dq: DataQualityWarning[] = [...(input.dataQuality ?? [])];
  if (unverified.length > 0) {
    dq.push({
      code: 'calendar_unverified',
      severity: 'warning',
      ref: unverified.join('、'),
      message: `${unverified.length} 件在办问题的时限所在年份尚无法定节假日安排，暂按周一至周五计算（${unverified.join('、')}）；请在「节假日调整」中录入该年安排`,
    });
  }
  const dataQuality = sortWarnings(dq);

  const headline: DigestHeadline = {
    overallCoverage: o.coverage,
    overallTarget: o.target,
    overallChange: overallRow.change,
    sectorsOnTrack: input.coverage.sectors.filter((s) => s.onTrack === true).length,
    sectorsWithFigure: input.coverage.sectors.filter((s) => s.coverage !== null).length,
    whitelistCount: o.count,
    admitted: admitted.length,
    removed: removed.length,
    fuseRemovals: removed.filter((r) => r.fuse).length,
    newIssues: issues.newIssues,
    resolved: issues.resolved,
    closed: issues.closed,
    open: issues.open,
    overdueOpen: overdue.length,
    escalatedOpen: openRecords.filter((r) => r.escalationLevel > 0).length,
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
    headline,
    coverage: { at: input.coverage.at, previousWeek: previous?.week ?? null, sectors: sectorRows, overall: overallRow },
    snapshot,
    issues,
    units: { rows, ranking, minIssues: RANKING_MIN_ISSUES },
    overdue,
    escalated,
    batches,
    whitelistChanges: { admitted, removed },
    epidemic,
    policy: { required: required.length, gaps },
    inspections,
    dataQuality,
  };
}
