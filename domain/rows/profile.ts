// The county profile (SPEC §3 configuration tabs, §5 routing roles): validate each configuration
// table, build the Profile from the rows that passed, then check the profile as a whole — references
// that point nowhere, work classes without a lead unit, escalation chains that loop, roles no unit
// fills. Problems are values with a stable code and a Chinese message.

import { CLASS_SECTOR, KINDS, type RowKind, type Urgency, WORK_CLASSES, type WorkClassId } from './kinds.js';
import { PROFILE_MSG } from './messages.js';
import type { Profile, ProfileProblem, RawRow, RowResult, RowTypes, SlaRule, Unit } from './types.js';
import { localityUnit, unitByCodeOrName, validateRows } from './validate.js';

export { localityUnit, unitByCodeOrName };

/** Henan's "13710" practice: 一般 = sign 1, feedback 3, resolve 7 working days; 紧急 = 0, 1, 1. */
export const DEFAULT_SLA_RULES: readonly SlaRule[] = [
  { urgency: '一般', signDays: 1, feedbackDays: 3, resolveDays: 7 },
  { urgency: '紧急', signDays: 0, feedbackDays: 1, resolveDays: 1 },
];

/** The SLA rule for an urgency: the profile's row if it has one, else the 13710 default. */
export function slaRuleFor(urgency: Urgency, profile: Pick<Profile, 'slaRules'>): SlaRule {
  const own = profile.slaRules.length > 0 ? profile.slaRules.find((r) => r.urgency === urgency) : undefined;
  return own ?? DEFAULT_SLA_RULES.find((r) => r.urgency === urgency) ?? DEFAULT_SLA_RULES[0];
}

/** The 13710 default under its older name. */
export const DEFAULT_SLA = DEFAULT_SLA_RULES;

/** slaRuleFor with the arguments the other way round. */
export function slaFor(profile: Pick<Profile, 'slaRules'>, urgency: Urgency): SlaRule {
  return slaRuleFor(urgency, profile);
}

/** An empty profile (no configuration tabs). */
export function emptyProfile(): Profile {
  return { workClasses: [], units: [], routingRules: [], sectorTargets: [], slaRules: [], members: [], calendarOverrides: [] };
}

/** Work classes that must have a lead unit: the triage office and the five sector classes. */
const NEEDS_LEAD: WorkClassId[] = ['coordination', ...(Object.keys(CLASS_SECTOR) as WorkClassId[])];
const CLASS_NAME = new Map<string, string>(WORK_CLASSES.map((c) => [c.id, c.name]));

export interface BuiltProfile {
  profile: Profile;
  /** Row validation of each configuration table given. */
  results: Partial<Record<RowKind, RowResult[]>>;
  /** Whole-profile problems. */
  problems: ProfileProblem[];
}

function okValues<T>(results: readonly RowResult<T>[] | undefined): { value: T; row: number }[] {
  const out: { value: T; row: number }[] = [];
  for (const r of results ?? []) if (r.ok && r.value !== undefined) out.push({ value: r.value, row: r.row });
  return out;
}

/**
 * Build a Profile from configuration tables (rows keyed by kind; other kinds are ignored).
 * Rows that fail validation are left out of the profile and reported in `results`.
 */
export function buildProfile(tables: Partial<Record<RowKind, RawRow[]>>): BuiltProfile {
  const results: Partial<Record<RowKind, RowResult[]>> = {};
  /** Validate one configuration table (call once per kind): its results, typed by its kind. */
  const resultsOf = <K extends RowKind>(kind: K): RowResult<RowTypes[K]>[] | undefined => {
    const rows = tables[kind];
    if (rows === undefined) return undefined;
    const r = validateRows(kind, rows);
    results[kind] = r;
    return r;
  };
  const problems: ProfileProblem[] = [];
  const problem = (p: ProfileProblem): void => {
    problems.push({ severity: 'error', ...p });
  };

  const units = okValues(resultsOf('unit'));
  const profile: Profile = {
    workClasses: [],
    units: units.map((u) => u.value),
    routingRules: [],
    sectorTargets: okValues(resultsOf('sector_target')).map((x) => x.value),
    slaRules: okValues(resultsOf('sla_rule')).map((x) => x.value),
    members: [],
    calendarOverrides: okValues(resultsOf('calendar_override')).map((x) => x.value),
  };
  // Units resolve by code or name; the index is built from the units, which are final from here on.
  const lookupProfile: Profile = { ...emptyProfile(), units: profile.units };
  const resolveUnit = (text: string): string | undefined => unitByCodeOrName(lookupProfile, text)?.code;
  // 运行状态: its 范围 names townships of the units (a row naming an unknown one is left out).
  if (tables.operating_mode !== undefined) {
    const r = validateRows('operating_mode', tables.operating_mode, { profile: lookupProfile });
    results.operating_mode = r;
    profile.operatingModes = okValues(r).map((x) => x.value);
  }

  // 上级单位: known unit, no cycles.
  const unitTab = KINDS.unit.tab;
  for (const { value: u, row } of units) {
    if (u.parent === undefined) continue;
    const code = resolveUnit(u.parent);
    if (code === undefined) {
      problem({ kind: 'unit', row, column: '上级单位', code: 'unknown_reference', message: PROFILE_MSG.unknownUnit(unitTab, '上级单位', u.parent) });
      delete u.parent;
    } else u.parent = code;
  }
  const byCode = new Map(profile.units.map((u) => [u.code, u]));
  const rowOfUnit = new Map(units.map((u) => [u.value.code, u.row]));
  const reported = new Set<string>();
  for (const start of profile.units) {
    const path: string[] = [];
    const onPath = new Set<string>();
    let cur: Unit | undefined = start;
    while (cur !== undefined && !onPath.has(cur.code)) {
      path.push(cur.code);
      onPath.add(cur.code);
      cur = cur.parent !== undefined ? byCode.get(cur.parent) : undefined;
    }
    if (cur === undefined) continue;
    const cycle = path.slice(path.indexOf(cur.code));
    const id = [...cycle].sort().join('|');
    if (reported.has(id)) continue;
    reported.add(id);
    problem({
      kind: 'unit',
      row: rowOfUnit.get(cur.code),
      column: '上级单位',
      code: 'parent_cycle',
      message: PROFILE_MSG.parentCycle([...cycle, cur.code]),
    });
  }

  // 工作专班 牵头单位.
  const classTab = KINDS.work_class.tab;
  for (const { value: wc, row } of okValues(resultsOf('work_class'))) {
    if (wc.leadUnit !== undefined && wc.leadUnit !== '') {
      const code = resolveUnit(wc.leadUnit);
      if (code === undefined) {
        problem({ kind: 'work_class', row, column: '牵头单位', code: 'unknown_reference', message: PROFILE_MSG.unknownUnit(classTab, '牵头单位', wc.leadUnit) });
        wc.leadUnit = '';
      } else wc.leadUnit = code;
    } else wc.leadUnit = '';
    profile.workClasses.push(wc);
  }
  for (const id of NEEDS_LEAD) {
    const wc = profile.workClasses.find((c) => c.id === id);
    if (wc === undefined || wc.leadUnit === '') {
      problem({ kind: 'work_class', column: '牵头单位', code: 'missing_lead_unit', message: PROFILE_MSG.missingLeadUnit(CLASS_NAME.get(id)!) });
    }
  }

  // 路由规则: 责任单位 known (code or name), 所在乡镇 a locality unit; sorted by 优先级 then row.
  const ruleTab = KINDS.routing_rule.tab;
  for (const { value: rule, row } of okValues(resultsOf('routing_rule'))) {
    const code = resolveUnit(rule.unit);
    if (code === undefined) {
      problem({ kind: 'routing_rule', row, column: '责任单位', code: 'unknown_reference', message: PROFILE_MSG.unknownUnit(ruleTab, '责任单位', rule.unit) });
      continue;
    }
    rule.unit = code;
    if (rule.locality !== undefined) {
      const loc = localityUnit(lookupProfile, rule.locality);
      if (loc === undefined) {
        problem({ kind: 'routing_rule', row, column: '所在乡镇', code: 'unknown_reference', message: PROFILE_MSG.unknownLocality(ruleTab, '所在乡镇', rule.locality) });
        continue;
      }
      rule.locality = loc.name;
    }
    profile.routingRules.push(rule);
  }
  profile.routingRules.sort((a, b) => a.priority - b.priority || (a.row ?? 0) - (b.row ?? 0));

  // 成员: 专班编码 must be a class of the profile.
  const memberTab = KINDS.member.tab;
  const classIds = new Set(profile.workClasses.map((c) => c.id));
  const memberResults = resultsOf('member');
  for (const { value: m, row } of okValues(memberResults)) {
    if (!classIds.has(m.workClass)) {
      problem({ kind: 'member', row, column: '专班编码', code: 'unknown_reference', message: PROFILE_MSG.unknownClass(memberTab, '专班编码', m.workClass) });
      continue;
    }
    profile.members.push(m);
  }
  // Members listed twice (same 邮箱 and 专班编码) are rejected row by row; surface them here too.
  for (const r of memberResults ?? []) {
    const dup = r.errors.find((e) => e.code === 'duplicate');
    if (dup) problem({ kind: 'member', row: r.row, column: dup.column, code: 'duplicate', message: dup.message });
  }

  // Roles the routing needs.
  if (!profile.units.some((u) => u.type === '指挥部')) {
    problem({ kind: 'unit', column: '类型', code: 'no_command_unit', message: PROFILE_MSG.noCommandUnit(), severity: 'warning' });
  }
  if (!profile.units.some((u) => u.type === '县领导')) {
    problem({ kind: 'unit', column: '类型', code: 'no_leadership_unit', message: PROFILE_MSG.noLeadershipUnit(), severity: 'warning' });
  }
  for (const { value: u, row } of units) {
    if (u.emails.length === 0) {
      problem({ kind: 'unit', row, column: '联系邮箱', code: 'unit_no_email', message: PROFILE_MSG.unitNoEmail(u.code), severity: 'warning' });
    }
  }

  return { profile, results, problems };
}

/** The lead unit (单位编码) of a work class, if the profile names one. */
export function leadUnitOf(profile: Profile, workClass: WorkClassId): string | undefined {
  const lead = profile.workClasses.find((c) => c.id === workClass)?.leadUnit;
  return lead ? lead : undefined;
}
