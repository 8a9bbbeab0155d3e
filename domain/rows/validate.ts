// Row validation (SPEC §3, §5): one interpreter over the compiled column schemas (schemas.ts, from
// the table of table.ts), then the rules between fields (rules.ts: conditional requirements, date
// order, references into the profile), and the cross-row duplicate check. Expected problems are values (RowResult errors with a
// stable code and a Chinese message); nothing here throws on bad input.
//
// The per-row path is kept lean — `sibao validate` must handle 200,000 whitelist rows quickly:
// regexes and enum indexes are compiled at load, there is no per-row schema construction, and the
// column loop is a switch over a static table.

import { KINDS, type RowKind } from './kinds.js';
import { checkRowLimits } from './limits.js';
import { MSG } from './messages.js';
import {
  cellText,
  codeText,
  isEmptyCell,
  looksLikeFormula,
  parseDate,
  parseDateTime,
  parseEmail,
  parseNumber,
  parsePercent,
  parsePeriod,
  parsePhone,
  parseUrl,
  parseYesNo,
  splitList,
  toHalfWidth,
} from './normalize.js';
import { type Fields, type RowRule, type RuleSink, RULES, readCode, type ValidationContext } from './rules.js';
import { type ColumnSpec, enumKey, matchEnum, SCHEMAS } from './schemas.js';
import { ID_COLUMN, MAX_WAN, type RowTypes, SYSTEM_NUMBER_RE } from './table.js';
import type { Cell, ErrorCode, RawRow, RowResult } from './types.js';

export { localityUnit, unitByCodeOrName } from './rules.js';
export type { RowTypes, ValidationContext };
export { MAX_WAN };

type Out = Fields;

const SPACE = /\s/;
const SPACE_G = /\s+/g;

/** The sink of one batch: reports into the result of the row being read. */
class ResultSink implements RuleSink {
  r: RowResult = { row: 0, ok: true, errors: [], warnings: [] };
  failed(header: string): boolean {
    const errors = this.r.errors;
    for (let i = 0; i < errors.length; i++) if (errors[i].column === header) return true;
    return false;
  }
  error(header: string, _key: string, code: ErrorCode, message: string): void {
    err(this.r, header, code, message);
  }
  warn(header: string, _key: string, code: string, message: string): void {
    this.r.warnings.push({ column: header, code, message });
  }
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

/** Parse one cell into `out[spec.key]`; push errors/warnings onto `r`. */
function readColumn(spec: ColumnSpec, cell: Cell, out: Out, r: RowResult, s: ResultSink): void {
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
      const c = readCode(s, h, spec.key, cellText(cell)!);
      if (c !== undefined) out[spec.key] = c;
      return;
    }
    case 'ident': {
      // Half-width with no whitespace at all (a code is looked up ignoring spacing anyway).
      const t = codeText(cell)!;
      out[spec.key] = SPACE.test(t) ? t.replace(SPACE_G, '') : t;
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
      else if (spec.max !== undefined && n > spec.max.value) err(r, h, 'number_range', spec.max.message(h, n));
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
    case 'datetime': {
      const d = parseDateTime(cell);
      if (d === undefined) err(r, h, 'date', MSG.datetime(h, cell));
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
        const c = readCode(s, h, spec.key, item);
        if (c !== undefined && !codes.includes(c)) codes.push(c);
      }
      out[spec.key] = codes;
      return;
    }
  }
}

// ---- public API ---------------------------------------------------------------------------------

/** The normalised row of the last `runRow` call (kept even when the row failed, for duplicate keys). */
let lastOut: Out = {};

const NO_VALUES: Record<string, Cell> = {};

/** What runs on each row of a kind. */
interface Plan {
  cols: readonly ColumnSpec[];
  rules: readonly RowRule[];
  sheetRow: string | undefined;
  sink: ResultSink;
  /** The headers of the kind's contract (anything else is an extra column, limits.ts). */
  known: ReadonlySet<string>;
}

function planOf(kind: RowKind): Plan {
  const schema = SCHEMAS[kind];
  return {
    cols: schema.columns,
    rules: RULES[kind],
    sheetRow: schema.sheetRow,
    sink: new ResultSink(),
    known: new Set([...KINDS[kind].headers, ...KINDS[kind].system]),
  };
}

function runRow(plan: Plan, raw: RawRow, ctx: ValidationContext | undefined): RowResult {
  const r: RowResult = { row: raw.row, ok: true, errors: [], warnings: [] };
  // Limits first (SPEC §7.5): the cells are cleaned of control characters before anything reads them.
  const limits = checkRowLimits(raw.values ?? NO_VALUES, plan.known);
  const values = limits.values;
  if (limits.warnings.length) r.warnings.push(...limits.warnings);
  if (limits.errors.length) {
    r.errors.push(...limits.errors);
    r.ok = false;
  }
  const out: Out = {};
  const { cols, rules, sink } = plan;
  sink.r = r;
  for (let i = 0; i < cols.length; i++) readColumn(cols[i], cellOf(values, cols[i]), out, r, sink);
  for (let i = 0; i < rules.length; i++) rules[i](out, sink, ctx);
  if (plan.sheetRow !== undefined) out[plan.sheetRow] = r.row;
  if (r.ok) r.value = out;
  lastOut = out;
  return r;
}

/** Validate one row on its own (no cross-row checks): the add-on's onEdit path. */
export function validateRow<K extends RowKind>(kind: K, row: RawRow, ctx?: ValidationContext): RowResult<RowTypes[K]> {
  return runRow(planOf(kind), row, ctx) as RowResult<RowTypes[K]>;
}

/**
 * The row check of one table, row after row (a file of any length is checked as it is read): each
 * call validates one row and adds the duplicate check against the rows before it in the same table
 * (the later row gets `duplicate`, naming the first row).
 */
export function rowValidator<K extends RowKind>(kind: K, ctx?: ValidationContext): (raw: RawRow) => RowResult<RowTypes[K]> {
  const schema = SCHEMAS[kind];
  const uniques = schema.unique.map((keys) => ({
    keys,
    headers: keys.map((k) => schema.columns.find((c) => c.key === k)!.header),
    seen: new Map<string, number>(),
  }));
  const plan = planOf(kind);
  const same = sameRowCheck(kind);
  return (raw) => {
    const r = runRow(plan, raw, ctx);
    const out = lastOut;
    same(raw, out, r);
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
    return r as RowResult<RowTypes[K]>;
  };
}

/**
 * Validate a batch: one result per input row, same order; `value` holds the normalised row when ok.
 * Adds the within-batch duplicate check (rowValidator).
 */
export function validateRows<K extends RowKind>(
  kind: K,
  rows: readonly RawRow[],
  ctx?: ValidationContext,
): RowResult<RowTypes[K]>[] {
  const check = rowValidator(kind, ctx);
  const results: RowResult<RowTypes[K]>[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) results[i] = check(rows[i]);
  return results;
}

/**
 * The check that two rows of one batch are not the same row: the same 编号 or `_标识` (a row copied
 * with its hidden columns), or, for kinds identified by a fingerprint, equal identifying fields
 * without a 编号 to tell them apart (identity.ts). The later row gets `duplicate`.
 */
function sameRowCheck(kind: RowKind): (raw: RawRow, out: Out, r: RowResult) => void {
  const schema = SCHEMAS[kind];
  const identical = schema.identical;
  const headerOfKey = (k: string) => schema.fields.find((c) => c.key === k)!.header;
  const fpHeaders = identical?.map(headerOfKey) ?? [];
  const seen = new Map<string, number>();
  const check = (key: string, column: string, what: string, r: RowResult) => {
    const first = seen.get(key);
    if (first === undefined) seen.set(key, r.row);
    else if (!r.errors.some((e) => e.code === 'duplicate')) {
      err(r, column, 'duplicate', MSG.sameRow(column, what, first));
      delete r.value;
    }
  };
  return (raw, out, r) => {
    const values = raw.values ?? NO_VALUES;
    const hidden = values[ID_COLUMN];
    const number = typeof values['编号'] === 'string' ? values['编号'].trim().toUpperCase() : '';
    if (SYSTEM_NUMBER_RE.test(number)) check(`#${number}`, '编号', '编号', r);
    else if (typeof hidden === 'string' && hidden.trim() !== '') check(`_${hidden.trim()}`, ID_COLUMN, ID_COLUMN, r);
    else if (identical) {
      let key = '=';
      for (let k = 0; k < identical.length; k++) key += `${JSON.stringify(out[identical[k]] ?? null)},`;
      check(key, fpHeaders[fpHeaders.length - 1], fpHeaders.map((h) => `「${h}」`).join(''), r);
    }
  };
}

const CELL_SINK = new ResultSink();

/**
 * Read one cell as its column does (no rules between fields): the value it gives, or the first
 * error's message. The edge checks (row-check.ts) use it: a stored value is normalised exactly when
 * reading it back gives it unchanged.
 */
export function readCell(spec: ColumnSpec, cell: Cell): { value: unknown; message: string | undefined } {
  // One scratch result and row for every call (the store checks every field of every row it reads).
  const r = CELL_SINK.r;
  r.ok = true;
  r.errors.length = 0;
  r.warnings.length = 0;
  const out: Out = {};
  readColumn(spec, cell, out, r, CELL_SINK);
  return { value: out[spec.key], message: r.errors[0]?.message };
}
