// Row validation (SPEC §3, §5): one interpreter over the column schemas of domain/schemas.ts, plus
// the rules that tie columns together (conditional requirements, date order, references into the
// profile) and the cross-row duplicate check. Expected problems are values (RowResult errors with a
// stable code and a Chinese message); nothing here throws on bad input.
//
// The per-row path is kept lean — `sibao validate` must handle 200,000 whitelist rows quickly:
// regexes and enum indexes are compiled at load, there is no per-row schema construction, and the
// column loop is a switch over a static table.

import {
  LOCALITY_UNIT_TYPES,
  type RowKind,
  type Sector,
  WORK_CLASSES,
} from './kinds.js';
import { MSG } from './messages.js';
import {
  cellText,
  codeText,
  isEmptyCell,
  looksLikeFormula,
  parseDate,
  parseEmail,
  parseInteger,
  parseNumber,
  parsePercent,
  parsePeriod,
  parsePhone,
  parseUrl,
  parseYesNo,
  splitList,
  toHalfWidth,
} from './normalize.js';
import { type ColumnSpec, enumKey, matchEnum, SCHEMAS } from './schemas.js';
import type {
  CalendarOverride,
  Cell,
  ConsultantRow,
  EpidemicSupportRow,
  InspectionRow,
  IssueRow,
  Member,
  PolicyRow,
  Profile,
  RawRow,
  RoutingRule,
  RowResult,
  SectorTarget,
  SectorTotalRow,
  SlaRule,
  Unit,
  WhitelistRow,
  WorkClass,
} from './types.js';
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

/** The normalised row type of each kind (RowResult.value when ok). */
export interface RowTypes {
  whitelist: WhitelistRow;
  sector_total: SectorTotalRow;
  issue: IssueRow;
  policy: PolicyRow;
  consultant: ConsultantRow;
  epidemic_support: EpidemicSupportRow;
  inspection: InspectionRow;
  work_class: WorkClass;
  unit: Unit;
  routing_rule: RoutingRule;
  sector_target: SectorTarget;
  sla_rule: SlaRule;
  member: Member;
  calendar_override: CalendarOverride;
}

/** 产值或投资额 above this (万元) was most likely entered in 元. */
export const MAX_WAN = 10_000_000;

type Out = Record<string, unknown>;

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

// ---- the column interpreter ---------------------------------------------------------------------

function cellOf(values: Record<string, Cell>, spec: ColumnSpec): Cell {
  const v = values[spec.header];
  if (v !== undefined || spec.altHeaders!.length === 0) return v;
  return values[spec.altHeaders![0]];
}

function err(r: RowResult, column: string, code: string, message: string): void {
  r.ok = false;
  r.errors.push({ column, code, message });
}

function readCode(r: RowResult, header: string, text: string): string | undefined {
  const c = checkCode(text);
  if (c.ok) return c.code;
  if (c.error === 'uscc_checksum') err(r, header, 'uscc_checksum', MSG.usccChecksum(header, c.code, c.expected!));
  else if (c.error === 'project_code_format') err(r, header, 'project_code_format', MSG.projectCodeFormat(header, c.code));
  else {
    const bad = usccBadChars(c.code);
    const detail =
      bad.length > 0 ? `含无效字符 ${bad.map((b) => `「${b}」`).join('')}` : `为 ${c.code.length} 位`;
    err(r, header, 'uscc_format', MSG.usccFormat(header, c.code, detail));
  }
  return undefined;
}

/** Parse one cell into `out[spec.key]`; push errors/warnings onto `r`. */
function readColumn(spec: ColumnSpec, cell: Cell, out: Out, r: RowResult): void {
  const h = spec.header;
  if (isEmptyCell(cell)) {
    if (spec.required) err(r, h, 'required', MSG.required(h));
    else if (spec.default !== undefined) out[spec.key] = Array.isArray(spec.default) ? [] : spec.default;
    return;
  }
  switch (spec.type) {
    case 'text': {
      const t = cellText(cell)!;
      if (spec.maxLen !== undefined && t.length > spec.maxLen) err(r, h, 'too_long', MSG.tooLong(h, t.length, spec.maxLen));
      else out[spec.key] = t;
      return;
    }
    case 'free': {
      const raw = typeof cell === 'string' ? cell : undefined;
      const t = cellText(cell)!;
      if (spec.maxLen !== undefined && t.length > spec.maxLen) {
        err(r, h, 'too_long', MSG.tooLong(h, t.length, spec.maxLen));
        return;
      }
      if (looksLikeFormula(t) || (raw !== undefined && looksLikeFormula(raw))) {
        r.warnings.push({ column: h, code: 'formula_text', message: MSG.formulaText(h) });
      }
      out[spec.key] = t;
      return;
    }
    case 'code': {
      const c = readCode(r, h, cellText(cell)!);
      if (c !== undefined) out[spec.key] = c;
      return;
    }
    case 'ident': {
      const t = codeText(cell)!;
      out[spec.key] = t;
      return;
    }
    case 'enum': {
      const t = cellText(cell)!;
      const v = matchEnum(spec, t);
      if (v === undefined) err(r, h, 'enum', MSG.enumValue(h, t, spec.values!));
      else out[spec.key] = v;
      return;
    }
    case 'number': {
      const n = parseNumber(cell);
      if (n === undefined) err(r, h, 'number', MSG.number(h, cell));
      else if (spec.positive && n <= 0) err(r, h, 'number_range', MSG.positive(h, n));
      else if (n < 0 && !spec.negative) err(r, h, 'number_range', MSG.notNegative(h, n));
      else out[spec.key] = n;
      return;
    }
    case 'integer': {
      const n = parseNumber(cell);
      if (n === undefined) err(r, h, 'number', MSG.number(h, cell));
      else if (!Number.isInteger(n)) err(r, h, 'number', MSG.integer(h, cell));
      else if (n < 0 && !spec.negative) err(r, h, 'number_range', MSG.notNegative(h, n));
      else out[spec.key] = n;
      return;
    }
    case 'percent': {
      const f = parsePercent(cell);
      if (f === undefined) err(r, h, 'number', MSG.number(h, cell));
      else if (f <= 0 || f > 1) err(r, h, 'number_range', MSG.percentRange(h, cell));
      else out[spec.key] = f;
      return;
    }
    case 'date': {
      const d = parseDate(cell);
      if (d === undefined) err(r, h, 'date', MSG.date(h, cell));
      else out[spec.key] = d;
      return;
    }
    case 'period': {
      const p = parsePeriod(cell);
      if (p === undefined) err(r, h, 'date', MSG.period(h, cell));
      else out[spec.key] = p;
      return;
    }
    case 'yesno': {
      const b = parseYesNo(cell);
      if (b === undefined) err(r, h, 'enum', MSG.enumValue(h, cell, ['是', '否']));
      else out[spec.key] = b;
      return;
    }
    case 'phone': {
      const p = parsePhone(cell);
      if (p === undefined) err(r, h, 'phone', MSG.phone(h, cell));
      else out[spec.key] = p;
      return;
    }
    case 'email': {
      const e = parseEmail(cell);
      if (e === undefined) err(r, h, 'email', MSG.email(h, cell));
      else out[spec.key] = e;
      return;
    }
    case 'emails': {
      const items = splitList(toHalfWidth(cellText(cell)!), true);
      const emails: string[] = [];
      for (const item of items) {
        const e = parseEmail(item);
        if (e === undefined) err(r, h, 'email', MSG.email(h, item));
        else if (!emails.includes(e)) emails.push(e);
      }
      out[spec.key] = emails;
      return;
    }
    case 'url': {
      const u = parseUrl(cell);
      if (u === undefined) err(r, h, 'url', MSG.url(h, cell));
      else out[spec.key] = u;
      return;
    }
    case 'list':
      out[spec.key] = splitList(cell, spec.commas);
      return;
    case 'enumList': {
      const items = splitList(cell, true);
      const vals: string[] = [];
      for (const item of items) {
        if (spec.all !== undefined && enumKey(item) === spec.all) {
          for (const v of spec.values!) if (!vals.includes(v)) vals.push(v);
          continue;
        }
        const v = matchEnum(spec, item);
        if (v === undefined) err(r, h, 'enum', MSG.listItem(h, item, spec.all ? [...spec.values!, spec.all] : spec.values!));
        else if (!vals.includes(v)) vals.push(v);
      }
      out[spec.key] = vals;
      return;
    }
    case 'codes': {
      const items = splitList(cellText(cell)!, true);
      const codes: string[] = [];
      for (const item of items) {
        const c = readCode(r, h, item);
        if (c !== undefined && !codes.includes(c)) codes.push(c);
      }
      out[spec.key] = codes;
      return;
    }
  }
}

// ---- rules between columns, per kind --------------------------------------------------------------

type Post = (out: Out, r: RowResult, values: Record<string, Cell>, ctx: ValidationContext | undefined) => void;

const has = (values: Record<string, Cell>, header: string): boolean => !isEmptyCell(values[header]);

function checkLocality(out: Out, r: RowResult, ctx: ValidationContext | undefined, header: string): void {
  const profile = ctx?.profile;
  const loc = out.locality as string | undefined;
  if (!profile || loc === undefined) return;
  const u = localityUnit(profile, loc);
  if (u === undefined) {
    delete out.locality;
    err(r, header, 'unknown_reference', MSG.unknownReference(header, loc, '乡镇、街道或园区（责任单位表中类型为乡镇/街道/园区的单位名称）'));
  } else out.locality = u.name;
}

function checkUnitRef(out: Out, key: string, r: RowResult, ctx: ValidationContext | undefined, header: string): void {
  const profile = ctx?.profile;
  const text = out[key] as string | undefined;
  if (!profile || text === undefined) return;
  const u = unitByCodeOrName(profile, text);
  if (u === undefined) {
    delete out[key];
    err(r, header, 'unknown_reference', MSG.unknownReference(header, text, '责任单位（单位编码或单位名称）'));
  } else out[key] = u.code;
}

function warnUnknownCode(out: Out, key: string, r: RowResult, ctx: ValidationContext | undefined, header: string): void {
  const code = out[key] as string | undefined;
  if (code !== undefined && ctx?.knownCodes && !ctx.knownCodes.has(code)) {
    r.warnings.push({ column: header, code: 'not_on_whitelist', message: MSG.notOnWhitelist(header, code) });
  }
}

const WORK_CLASS_BY_KEY = new Map<string, string>(
  WORK_CLASSES.flatMap((c) => [
    [enumKey(c.id), c.id],
    [enumKey(c.name), c.id],
    [enumKey(`${c.name}专班`), c.id],
    [enumKey(`${c.name}工作专班`), c.id],
  ]),
);
const WORK_CLASS_NAMES = WORK_CLASSES.map((c) => c.name);
const WORK_CLASS_NAME = new Map<string, string>(WORK_CLASSES.map((c) => [c.id, c.name]));

const POST: Partial<Record<RowKind, Post>> = {
  whitelist(out, r, values, ctx) {
    const sector = out.sector as string | undefined;
    if (ctx?.sector !== undefined && sector !== undefined && sector !== ctx.sector) {
      err(r, '所属领域', 'wrong_sector', MSG.wrongSector('所属领域', sector, ctx.sector));
    }
    checkLocality(out, r, ctx, '所在乡镇');
    const value = out.value as number | undefined;
    if (value !== undefined && value > MAX_WAN) {
      delete out.value;
      err(r, '产值或投资额（万元）', 'number_range', MSG.tooLargeWan('产值或投资额（万元）', value));
    }
    const status = out.status as string | undefined;
    if (status === '已纳入' || status === '已移出') {
      if (!has(values, '纳入日期')) {
        err(r, '纳入日期', 'conditional_required', MSG.conditionalRequired('纳入日期', `状态为「${status}」时需填写纳入日期`));
      }
    }
    if (status === '已移出') {
      if (!has(values, '移出日期')) {
        err(r, '移出日期', 'conditional_required', MSG.conditionalRequired('移出日期', '状态为「已移出」时需填写移出日期'));
      }
      if (!has(values, '移出原因')) {
        err(r, '移出原因', 'conditional_required', MSG.conditionalRequired('移出原因', '状态为「已移出」时需填写移出原因'));
      }
    } else if (status !== undefined) {
      if (out.removedOn !== undefined) {
        r.warnings.push({ column: '移出日期', code: 'status_mismatch', message: MSG.statusMismatch('移出日期', status) });
      }
      if (out.removalReason !== undefined) {
        r.warnings.push({ column: '移出原因', code: 'status_mismatch', message: MSG.statusMismatch('移出原因', status) });
      }
    }
    const admitted = out.admittedOn as string | undefined;
    const removed = out.removedOn as string | undefined;
    if (admitted !== undefined && removed !== undefined && removed < admitted) {
      err(r, '移出日期', 'date_order', MSG.dateOrder('移出日期', removed, '纳入日期', admitted));
    }
  },
  issue(out, r, _values, ctx) {
    warnUnknownCode(out, 'enterpriseCode', r, ctx, '反映企业代码');
    const reported = out.reportedOn as string | undefined;
    if (reported !== undefined && ctx?.today !== undefined && reported > ctx.today) {
      r.warnings.push({ column: '反映日期', code: 'future_date', message: MSG.futureDate('反映日期', reported, ctx.today) });
    }
    checkLocality(out, r, ctx, '所在乡镇');
    checkUnitRef(out, 'assignedUnit', r, ctx, '指定责任单位');
  },
  policy(out, r, _values, ctx) {
    checkUnitRef(out, 'unit', r, ctx, '责任单位');
  },
  consultant(out, r, _values, ctx) {
    checkUnitRef(out, 'unit', r, ctx, '单位');
    if (out.phone === undefined && out.email === undefined && r.errors.every((e) => e.column !== '联系电话' && e.column !== '联系邮箱')) {
      err(r, '联系电话', 'conditional_required', MSG.noContact('联系电话'));
    }
  },
  epidemic_support(out, r, values, ctx) {
    const type = out.targetType as string | undefined;
    const target = out.target as string | undefined;
    if (type === '工作专班' && target !== undefined) {
      const id = WORK_CLASS_BY_KEY.get(enumKey(target));
      if (id === undefined) {
        delete out.target;
        err(r, '对象', 'enum', MSG.enumValue('对象', target, WORK_CLASS_NAMES));
      } else out.target = id;
    } else if (type === '白名单企业') {
      if (target !== undefined) {
        const code = readCode(r, '对象', target);
        if (code === undefined) delete out.target;
        else {
          out.target = code;
          warnUnknownCode(out, 'target', r, ctx, '对象');
        }
      }
      if (!has(values, '结对医疗机构')) {
        err(r, '结对医疗机构', 'conditional_required', MSG.conditionalRequired('结对医疗机构', '对象类型为「白名单企业」时需填写结对医疗机构'));
      }
    }
  },
  inspection(out, r, _values, ctx) {
    warnUnknownCode(out, 'enterpriseCode', r, ctx, '被检查企业代码');
  },
  work_class(out) {
    if (out.name === undefined && out.id !== undefined) out.name = WORK_CLASS_NAME.get(out.id as string);
  },
  routing_rule(out, r) {
    out.row = r.row;
  },
  sla_rule(out, r) {
    const s = out.signDays as number | undefined;
    const f = out.feedbackDays as number | undefined;
    const v = out.resolveDays as number | undefined;
    if (s !== undefined && f !== undefined && v !== undefined && (s > f || f > v)) {
      err(r, '反馈时限（工作日）', 'number_range', MSG.slaOrder('反馈时限（工作日）'));
    }
  },
};

// ---- public API ---------------------------------------------------------------------------------

/** The normalised row of the last `runRow` call (kept even when the row failed, for duplicate keys). */
let lastOut: Out = {};

const NO_VALUES: Record<string, Cell> = {};

function runRow(cols: readonly ColumnSpec[], post: Post | undefined, raw: RawRow, ctx: ValidationContext | undefined): RowResult {
  const r: RowResult = { row: raw.row, ok: true, errors: [], warnings: [] };
  const values = raw.values ?? NO_VALUES;
  const out: Out = {};
  for (let i = 0; i < cols.length; i++) readColumn(cols[i], cellOf(values, cols[i]), out, r);
  if (post !== undefined) post(out, r, values, ctx);
  if (r.ok) r.value = out;
  lastOut = out;
  return r;
}

/** Validate one row on its own (no cross-row checks): the add-on's onEdit path. */
export function validateRow<K extends RowKind>(kind: K, row: RawRow, ctx?: ValidationContext): RowResult<RowTypes[K]> {
  return runRow(SCHEMAS[kind].columns, POST[kind], row, ctx) as RowResult<RowTypes[K]>;
}

/**
 * Validate a batch: one result per input row, same order; `value` holds the normalised row when ok.
 * Adds the within-batch duplicate check (the later row gets `duplicate`, naming the first row).
 */
export function validateRows<K extends RowKind>(
  kind: K,
  rows: readonly RawRow[],
  ctx?: ValidationContext,
): RowResult<RowTypes[K]>[] {
  const schema = SCHEMAS[kind];
  const uniques = schema.unique.map((keys) => ({
    keys,
    headers: keys.map((k) => schema.columns.find((c) => c.key === k)!.header),
    seen: new Map<string, number>(),
  }));
  const cols = schema.columns;
  const post = POST[kind];
  const results: RowResult[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = runRow(cols, post, rows[i], ctx);
    const out = lastOut;
    for (let u = 0; u < uniques.length; u++) {
      const { keys, headers, seen } = uniques[u];
      let key: string | undefined;
      if (keys.length === 1) {
        const v = out[keys[0]];
        key = v === undefined ? undefined : String(v);
      } else {
        key = '';
        for (let k = 0; k < keys.length; k++) {
          const v = out[keys[k]];
          if (v === undefined) {
            key = undefined;
            break;
          }
          key += (k === 0 ? '' : ' / ') + String(v);
        }
      }
      if (key === undefined) continue;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, r.row);
      else {
        err(r, headers[0], 'duplicate', MSG.duplicate(headers.join('」「'), key, first));
        delete r.value;
      }
    }
    results[i] = r;
  }
  return results as RowResult<RowTypes[K]>[];
}
