// The rules between the fields of a row (SPEC §3, §5), written once, as functions over the
// normalised row: conditional requirements, date order, the references into the profile and the
// sheet's own sector (all declared per column in table.ts), and the few per-kind rules below.
// Two callers run them: the validator (validate.ts, after reading the cells) and the edge checks
// (row-check.ts, on a row read back from the store or sent to the API, without a context; the zod
// schemas of row-schemas.ts use it). Both pass a RuleSink; messages come from messages.ts.
//
// A rule may normalise a field (a unit name becomes its 单位编码, a work class name its id); on a
// normalised row it changes nothing, which is what the edge schemas check.

import { LOCALITY_UNIT_TYPES, type Sector, WHOLE_COUNTY, WORK_CLASSES } from './values.js';
import { epochDaysFromIso, parseDate } from './normalize.js';
import { MSG } from './messages.js';
import { type ColumnSpec, columnOf, enumKey, headerOf, matchEnum, SCHEMAS } from './schemas.js';
import type { RowKind, RowOf } from './table.js';
import type { ErrorCode, Profile, Unit } from './types.js';
import { checkCode, usccBadChars } from './uscc.js';

export interface ValidationContext {
  /**
   * When given: 所在乡镇 must be a unit of 类型 乡镇/街道/园区 (by 单位名称); 指定责任单位 (and the
   * unit columns of policy/consultant) must be a known unit, given by code or name, stored as code.
   */
  profile?: Profile;
  /** The sheet's own sector: a whitelist row's 所属领域 must equal it (`wrong_sector`). */
  sector?: Sector;
  /** Codes on the whitelists: an issue's 反映企业代码 not among them is a warning `not_on_whitelist`. */
  knownCodes?: ReadonlySet<string>;
  /** Today (Shanghai, ISO date): an issue's 反映日期 after it is a warning `future_date` (likely a typo). */
  today?: string;
}

/** Where a rule reports. `header` names the column for people, `key` the field for paths. */
export interface RuleSink {
  /** Whether the column already has an error (its cell was filled but rejected). */
  failed(header: string): boolean;
  error(header: string, key: string, code: ErrorCode, message: string): void;
  warn(header: string, key: string, code: string, message: string): void;
}

/** A row being checked: the fields read so far (a field whose cell failed is absent). */
export type Fields = Record<string, unknown>;

export type RowRule = (row: Fields, s: RuleSink, ctx: ValidationContext | undefined) => void;

// ---- profile look-ups (cached per profile object) -----------------------------------------------

interface ProfileIndex {
  byCode: Map<string, Unit>;
  byName: Map<string, Unit>;
  byKey: Map<string, Unit>;
  localityByName: Map<string, Unit>;
}

const INDEXES = new WeakMap<Profile, ProfileIndex>();

function indexOf(profile: Profile): ProfileIndex {
  let ix = INDEXES.get(profile);
  if (ix === undefined) {
    ix = { byCode: new Map(), byName: new Map(), byKey: new Map(), localityByName: new Map() };
    for (const u of profile.units) {
      ix.byCode.set(u.code, u);
      ix.byName.set(u.name, u);
      if (!ix.byKey.has(enumKey(u.code))) ix.byKey.set(enumKey(u.code), u);
      if (!ix.byKey.has(enumKey(u.name))) ix.byKey.set(enumKey(u.name), u);
      if (LOCALITY_UNIT_TYPES.includes(u.type)) {
        ix.localityByName.set(u.name, u);
        ix.localityByName.set(enumKey(u.name), u);
        ix.localityByName.set(enumKey(u.code), u);
      }
    }
    INDEXES.set(profile, ix);
  }
  return ix;
}

/**
 * The unit a text names: its 单位编码 or its 单位名称 (exact first, then ignoring width, spacing and
 * case). Indexes are built once per profile object; do not mutate a profile after first use.
 */
export function unitByCodeOrName(profile: Profile, text: string): Unit | undefined {
  const ix = indexOf(profile);
  const t = text.trim();
  return ix.byCode.get(t) ?? ix.byName.get(t) ?? ix.byKey.get(enumKey(t));
}

/** The locality unit (类型 乡镇/街道/园区) a text names, by name (or code). */
export function localityUnit(profile: Profile, text: string): Unit | undefined {
  const ix = indexOf(profile);
  return ix.localityByName.get(text) ?? ix.localityByName.get(enumKey(text));
}

// ---- codes --------------------------------------------------------------------------------------

/** A whitelist code (USCC or project code) in canonical form, or undefined after reporting why not. */
export function readCode(s: RuleSink, header: string, key: string, text: string): string | undefined {
  const c = checkCode(text);
  if (c.ok) return c.code;
  if (c.error === 'uscc_checksum') s.error(header, key, 'uscc_checksum', MSG.usccChecksum(header, c.code, c.expected!));
  else if (c.error === 'project_code_format') s.error(header, key, 'project_code_format', MSG.projectCodeFormat(header, c.code));
  else {
    const bad = usccBadChars(c.code);
    const detail = bad.length > 0 ? `含无效字符 ${bad.map((b) => `「${b}」`).join('')}` : `为 ${c.code.length} 位`;
    s.error(header, key, 'uscc_format', MSG.usccFormat(header, c.code, detail));
  }
  return undefined;
}

// ---- rules declared per column (table.ts) ---------------------------------------------------------

/** A reference into the profile: how to find the unit, what the row keeps of it, what it must be. */
const REFS = {
  locality: { find: localityUnit, keep: 'name', what: '乡镇、街道或园区（责任单位表中类型为乡镇/街道/园区的单位名称）' },
  unit: { find: unitByCodeOrName, keep: 'code', what: '责任单位（单位编码或单位名称）' },
} as const;

function refRule(spec: ColumnSpec): RowRule | undefined {
  const { header: h, key, ref } = spec;
  if (ref === 'listed') return (row, s, ctx) => listedCode(row, s, ctx, h, key);
  if (ref === undefined) return undefined;
  const { find, keep, what } = REFS[ref];
  return (row, s, ctx) => {
    const text = row[key] as string | undefined;
    if (ctx?.profile === undefined || text === undefined) return;
    const u = find(ctx.profile, text);
    if (u === undefined) {
      delete row[key];
      s.error(h, key, 'unknown_reference', MSG.unknownReference(h, text, what));
    } else row[key] = u[keep];
  };
}

function listedCode(row: Fields, s: RuleSink, ctx: ValidationContext | undefined, h: string, key: string): void {
  const code = row[key] as string | undefined;
  if (code !== undefined && ctx?.knownCodes !== undefined && !ctx.knownCodes.has(code)) {
    s.warn(h, key, 'not_on_whitelist', MSG.notOnWhitelist(h, code));
  }
}

function columnRules(kind: RowKind, spec: ColumnSpec): RowRule[] {
  const { header: h, key } = spec;
  const out: RowRule[] = [];
  if (spec.ownSector) {
    out.push((row, s, ctx) => {
      const v = row[key] as string | undefined;
      if (ctx?.sector !== undefined && v !== undefined && v !== ctx.sector) s.error(h, key, 'wrong_sector', MSG.wrongSector(h, v, ctx.sector));
    });
  }
  const ref = refRule(spec);
  if (ref) out.push(ref);
  if (spec.notAfterToday) {
    out.push((row, s, ctx) => {
      const d = row[key] as string | undefined;
      if (d !== undefined && ctx?.today !== undefined && d > ctx.today) s.warn(h, key, 'future_date', MSG.futureDate(h, d, ctx.today));
    });
  }
  const when = spec.when;
  if (when) {
    const other = headerOf(kind, when.field);
    const values: readonly unknown[] = when.in;
    const ignored = when.otherwiseIgnored === true;
    out.push((row, s) => {
      const v = row[when.field] as string | undefined;
      if (v === undefined) return;
      if (values.includes(v)) {
        if (when.isYes === true) {
          if (row[key] !== true && !s.failed(h)) s.error(h, key, 'conditional_required', MSG.yesWhen(h, other, v));
        } else if (row[key] === undefined && !s.failed(h)) s.error(h, key, 'conditional_required', MSG.requiredWhen(h, other, v));
      } else if (ignored && row[key] !== undefined) s.warn(h, key, 'status_mismatch', MSG.statusMismatch(h, other, v));
    });
  }
  return out;
}

/** Date order runs after the conditions (a missing date is reported as missing, not as out of order). */
function orderRule(kind: RowKind, spec: ColumnSpec): RowRule | undefined {
  const before = spec.notBefore;
  if (before === undefined) return undefined;
  const { header: h, key } = spec;
  const other = headerOf(kind, before);
  return (row, s) => {
    const a = row[before] as string | undefined;
    const b = row[key] as string | undefined;
    if (a !== undefined && b !== undefined && b < a) s.error(h, key, 'date_order', MSG.dateOrder(h, b, other, a));
  };
}

// ---- rules of one kind ------------------------------------------------------------------------------

/** 停产停工 原则上不超过 3 天 (附件2 三(七)). */
export const SHUTDOWN_MAX_DAYS = 3;
/** 整改时限 given as working days: `5个工作日` (its normal form), `5工作日`. */
const FINDING_WORKDAYS_RE = /^(\d{1,3})个?工作日$/;
export const WORKDAYS_SUFFIX = '个工作日';

type KindRule<K extends RowKind> = (row: Partial<RowOf<K>>, s: RuleSink, ctx: ValidationContext | undefined) => void;

const WORK_CLASS_NAMES = WORK_CLASSES.map((c) => c.name);
const WORK_CLASS_NAME = new Map<string, string>(WORK_CLASSES.map((c) => [c.id, c.name]));

/** Rules that need code beyond the column declarations, by kind. */
function kindRules(): { [K in RowKind]?: KindRule<K>[] } {
  const h = headerOf;
  return {
    consultant: [
      (row, s) => {
        const phone = h('consultant', 'phone');
        const email = h('consultant', 'email');
        if (row.phone === undefined && row.email === undefined && !s.failed(phone) && !s.failed(email)) {
          s.error(phone, 'phone', 'conditional_required', MSG.noContact(phone));
        }
      },
    ],
    epidemic_support: [
      // 对象: a work class (by id or name, stored as id) or a whitelist code, by 对象类型.
      (row, s, ctx) => {
        const col = h('epidemic_support', 'target');
        const target = row.target;
        if (target === undefined) return;
        if (row.targetType === '工作专班') {
          // A class by id or name, as the 专班编码 column reads it.
          const id = matchEnum(columnOf('work_class', '专班编码')!, target);
          if (id === undefined) {
            delete row.target;
            s.error(col, 'target', 'enum', MSG.enumValue(col, target, WORK_CLASS_NAMES));
          } else row.target = id;
        } else if (row.targetType === '白名单企业') {
          const code = readCode(s, col, 'target', target);
          if (code === undefined) delete row.target;
          else {
            row.target = code;
            listedCode(row, s, ctx, col, 'target');
          }
        }
      },
    ],
    work_class: [
      // 名称 defaults to the class's own name.
      (row) => {
        if (row.name === undefined && row.id !== undefined) row.name = WORK_CLASS_NAME.get(row.id);
      },
    ],
    shutdown: [
      (row, s) => {
        if (row.startOn === undefined || row.expectedOn === undefined) return;
        const days = epochDaysFromIso(row.expectedOn) - epochDaysFromIso(row.startOn);
        const col = h('shutdown', 'expectedOn');
        if (days > SHUTDOWN_MAX_DAYS) s.warn(col, 'expectedOn', 'long_shutdown', MSG.longShutdown(col, days));
      },
    ],
    finding: [
      // 整改时限: a date (not before 督查日期) or `N个工作日` counted from 督查日期 (time/ reads it).
      (row, s) => {
        const col = h('finding', 'deadline');
        const text = row.deadline;
        if (text === undefined) return;
        const days = FINDING_WORKDAYS_RE.exec(text.replace(/\s+/g, ''));
        if (days !== null) {
          row.deadline = `${Number(days[1])}${WORKDAYS_SUFFIX}`;
          return;
        }
        const d = parseDate(text);
        if (d === undefined) {
          delete row.deadline;
          s.error(col, 'deadline', 'date', MSG.findingDeadline(col, text));
        } else if (row.inspectedOn !== undefined && d < row.inspectedOn) {
          delete row.deadline;
          s.error(col, 'deadline', 'date_order', MSG.dateOrder(col, d, h('finding', 'inspectedOn'), row.inspectedOn));
        } else row.deadline = d;
      },
    ],
    operating_mode: [
      // 范围: 全县 (also when empty), or townships of the profile (by name or code, stored as name).
      (row, s, ctx) => {
        const col = h('operating_mode', 'scope');
        const items = row.scope ?? [];
        // On a normalised row nothing changes (the edge checks compare the field itself).
        if (items.length === 0 || items.includes(WHOLE_COUNTY)) {
          if (items.length !== 1) row.scope = [WHOLE_COUNTY];
          return;
        }
        if (ctx?.profile === undefined) return;
        const out: string[] = [];
        for (const t of items) {
          const u = localityUnit(ctx.profile, t);
          if (u === undefined) {
            delete row.scope;
            s.error(col, 'scope', 'unknown_reference', MSG.unknownReference(col, t, REFS.locality.what));
            return;
          }
          out.push(u.name);
        }
        if (out.some((name, i) => name !== items[i])) row.scope = [...new Set(out)];
      },
    ],
    sla_rule: [
      (row, s) => {
        const { signDays: a, feedbackDays: b, resolveDays: c } = row;
        if (a !== undefined && b !== undefined && c !== undefined && (a > b || b > c)) {
          const col = h('sla_rule', 'feedbackDays');
          s.error(col, 'feedbackDays', 'number_range', MSG.slaOrder(col));
        }
      },
    ],
  };
}

function compile(): Record<RowKind, readonly RowRule[]> {
  const own = kindRules() as Partial<Record<RowKind, RowRule[]>>;
  const out = {} as Record<RowKind, readonly RowRule[]>;
  for (const kind of Object.keys(SCHEMAS) as RowKind[]) {
    const cols = SCHEMAS[kind].columns;
    out[kind] = [
      ...cols.flatMap((c) => columnRules(kind, c)),
      ...(own[kind] ?? []),
      ...cols.flatMap((c) => orderRule(kind, c) ?? []),
    ];
  }
  return out;
}

/** The rules of every kind, in the order they run. */
export const RULES: Record<RowKind, readonly RowRule[]> = compile();

/** Run a kind's rules on a row. */
export function applyRules(kind: RowKind, row: Fields, s: RuleSink, ctx: ValidationContext | undefined): void {
  const rules = RULES[kind];
  for (let i = 0; i < rules.length; i++) rules[i](row, s, ctx);
}
