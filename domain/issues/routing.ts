// Routing of a reported problem (问题诉求) to its responsible unit, as data in one pure function
// (SPEC §4, §5 "Routing roles"): 指定责任单位 → the first matching 路由规则 by 优先级 → the sector's
// lead unit → the coordination office (triage); no route at all is an error, never a silent drop.
// Deadlines follow 办理时限 (default: Henan's "13710") on the working-day calendar.

import { SECTOR_CLASS } from '../rows/kinds.js';
import type { Urgency } from '../rows/kinds.js';
import { unverifiedMessage } from '../time/calendar.js';
import { addDays, shanghaiDate, toEpochMs } from '../time/time.js';
import { emergencyFor, emergencyMessage } from './registers.js';
import { DEFAULT_SLA_RULES, slaRuleFor } from '../rows/profile.js';

export { DEFAULT_SLA_RULES, slaRuleFor };
import type { IssueRow, Profile, RoutingRule, RowWarning, SlaRule, Unit } from '../rows/types.js';
import type { WorkCalendar } from '../time/types.js';
import type { RouteResult } from './types.js';

/** A 重大问题 must be resolved within this many calendar days of routing. */
export const MAJOR_RESOLVE_CALENDAR_DAYS = 30;

export type RoutingErrorCode = 'no_route' | 'unknown_reference';

/** The profile cannot route this issue. `column` names the cell at fault when there is one. */
export class RoutingError extends Error {
  constructor(
    readonly code: RoutingErrorCode,
    message: string,
    readonly column?: string,
  ) {
    super(message);
    this.name = 'RoutingError';
  }
}

export interface Deadlines {
  signBy: string;
  feedbackBy: string;
  resolveBy: string;
  warnings: RowWarning[];
}

/**
 * Deadlines for an issue routed (or reassigned) on Shanghai day `day`: N working days after `day`
 * per the SLA rule; a 重大问题 is resolved by `day` + 30 calendar days, moved to the next working day
 * when that is a rest day. Each is an ISO date meaning the end of that day in Asia/Shanghai.
 */
export function deadlinesFor(
  urgency: Urgency,
  major: boolean,
  day: string,
  profile: Pick<Profile, 'slaRules'>,
  calendar: WorkCalendar,
): Deadlines {
  const rule = slaRuleFor(urgency, profile);
  const sign = calendar.addWorkdays(day, rule.signDays);
  const feedback = calendar.addWorkdays(day, rule.feedbackDays);
  const resolve = major
    ? calendar.addWorkdays(addDays(day, MAJOR_RESOLVE_CALENDAR_DAYS), 0)
    : calendar.addWorkdays(day, rule.resolveDays);
  const warnings: RowWarning[] = [];
  if (!sign.verified || !feedback.verified || !resolve.verified) {
    const years = new Set<number>();
    const from = Number(day.slice(0, 4));
    const to = Math.max(...[sign, feedback, resolve].map((a) => Number(a.date.slice(0, 4))));
    for (let y = from; y <= to; y++) if (!calendar.covers(y)) years.add(y);
    warnings.push({ code: 'calendar_unverified', column: '办结时限', message: unverifiedMessage([...years]) });
  }
  return { signBy: sign.date, feedbackBy: feedback.date, resolveBy: resolve.date, warnings };
}

/** Split a keyword cell or list on `；`/`;` into trimmed non-empty words. */
export function keywordsOf(cells: readonly string[]): string[] {
  return cells.flatMap((c) => c.split(/[；;]/)).map((w) => w.trim()).filter((w) => w.length > 0);
}

function findUnit(units: readonly Unit[], ref: string): Unit | undefined {
  const key = ref.trim();
  return units.find((u) => u.code === key) ?? units.find((u) => u.name.trim() === key);
}

/** Name of a locality reference: a unit's 单位名称 when it names or codes a unit, else the text. */
function localityName(units: readonly Unit[], ref: string): string {
  const key = ref.trim();
  return units.find((u) => u.code === key)?.name.trim() ?? key;
}

/** Whether a routing rule matches an issue: every non-empty match cell must agree. */
export function ruleMatches(rule: RoutingRule, issue: IssueRow, units: readonly Unit[] = []): boolean {
  if (rule.category && rule.category !== issue.category) return false;
  if (rule.sector && rule.sector !== issue.sector) return false;
  if (rule.locality && rule.locality.trim()) {
    if (!issue.locality || localityName(units, rule.locality) !== localityName(units, issue.locality)) return false;
  }
  const words = keywordsOf(rule.keywords);
  if (words.length > 0 && !words.some((w) => issue.description.includes(w))) return false;
  return true;
}

/** Rules in the order they are tried: 优先级 ascending, ties in row order. */
export function orderedRules(rules: readonly RoutingRule[]): RoutingRule[] {
  return rules
    .map((rule, index) => ({ rule, index }))
    .sort((a, b) => {
      if (a.rule.priority !== b.rule.priority) return a.rule.priority - b.rule.priority;
      if (a.rule.row !== undefined && b.rule.row !== undefined && a.rule.row !== b.rule.row) return a.rule.row - b.rule.row;
      return a.index - b.index;
    })
    .map((x) => x.rule);
}

function requireUnit(units: readonly Unit[], code: string, where: string, column?: string): Unit {
  const unit = findUnit(units, code);
  if (!unit) {
    throw new RoutingError('unknown_reference', `${where}「${code}」不在「责任单位」表中，请先在责任单位表中登记该单位`, column);
  }
  return unit;
}

/** The responsible unit and how it was found, without deadlines. */
export function chooseUnit(
  issue: IssueRow,
  profile: Pick<Profile, 'units' | 'routingRules' | 'workClasses'>,
): Pick<RouteResult, 'unit' | 'how' | 'rulePriority'> {
  const { units } = profile;
  if (issue.assignedUnit && issue.assignedUnit.trim()) {
    const unit = requireUnit(units, issue.assignedUnit, '指定责任单位', '指定责任单位');
    return { unit: unit.code, how: 'manual' };
  }
  const rule = orderedRules(profile.routingRules).find((r) => ruleMatches(r, issue, units));
  if (rule) {
    const where = `路由规则${rule.row ? `第 ${rule.row} 行` : ''}的责任单位`;
    return { unit: requireUnit(units, rule.unit, where).code, how: 'rule', rulePriority: rule.priority };
  }
  if (issue.sector) {
    const cls = profile.workClasses.find((c) => c.id === SECTOR_CLASS[issue.sector!]);
    if (cls && cls.leadUnit.trim()) {
      return { unit: requireUnit(units, cls.leadUnit, `${cls.name}专班的牵头单位`).code, how: 'sector_lead' };
    }
  }
  return triageChoice(profile);
}

/** The coordination office's triage: 牵头单位 of `coordination`, else `no_route`. */
function triageChoice(profile: Pick<Profile, 'units' | 'workClasses'>): Pick<RouteResult, 'unit' | 'how'> {
  const triage = profile.workClasses.find((c) => c.id === 'coordination');
  if (triage && triage.leadUnit.trim()) {
    return { unit: requireUnit(profile.units, triage.leadUnit, '综合协调专班的牵头单位').code, how: 'triage' };
  }
  throw new RoutingError(
    'no_route',
    '无法分派：没有匹配的路由规则，所属领域专班和综合协调专班（coordination）都没有登记牵头单位；' +
      '请在「工作专班」表中填写综合协调专班的牵头单位',
  );
}

/** Units copied: every 指挥部 when 超出协调范围, every 县领导 when 重大问题; no duplicates, not `main`. */
export function copiedUnits(issue: Pick<IssueRow, 'beyondScope' | 'major'>, units: readonly Unit[], main: string): string[] {
  const out: string[] = [];
  const add = (type: Unit['type']) => {
    for (const u of units) if (u.type === type && u.code !== main && !out.includes(u.code)) out.push(u.code);
  };
  if (issue.beyondScope) add('指挥部');
  if (issue.major) add('县领导');
  return out;
}

/**
 * Whether a new issue waits at triage for its 紧急 to be confirmed (SPEC §7.8): an enterprise's own
 * report (来源 企业自报) saying 紧急. The command office's 分派 confirms or downgrades it.
 */
export function urgencyToConfirm(issue: Pick<IssueRow, 'urgency'>, selfReported: boolean): boolean {
  return selfReported && issue.urgency === '紧急';
}

/**
 * Route an issue at instant `at` (its Shanghai day is the routing day). Pure; throws RoutingError
 * (`no_route`, `unknown_reference`) when the profile cannot route it. With `toTriage` (an urgency to
 * confirm) it goes to the coordination office's triage whatever would route it.
 */
export function routeIssue(
  issue: IssueRow,
  profile: Profile,
  at: string | number | Date,
  calendar: WorkCalendar,
  opts: { toTriage?: boolean } = {},
): RouteResult {
  const chosen = opts.toTriage ? triageChoice(profile) : chooseUnit(issue, profile);
  const day = shanghaiDate(at);
  // 平急转换: while 应急 is in force for the issue's place, a new issue gets the 紧急 limits.
  const emergency = issue.urgency === '紧急' ? undefined : emergencyFor(profile.operatingModes, toEpochMs(at), issue.locality);
  const { warnings, ...deadlines } = deadlinesFor(emergency ? '紧急' : issue.urgency, issue.major, day, profile, calendar);
  if (emergency) warnings.push({ code: 'emergency_sla', column: '紧急程度', message: emergencyMessage(emergency) });
  return {
    ...chosen,
    also: copiedUnits(issue, profile.units, chosen.unit),
    ...deadlines,
    warnings,
  };
}
