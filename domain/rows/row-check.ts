// The check of a NORMALISED row at the edges (rows read back from the store, rows crossing the API),
// generated from the row table: a field is acceptable exactly when validation, reading it back as a
// cell of its column (validate.ts readCell), gives it unchanged — so a date is `YYYY-MM-DD`, a phone
// `13800000000` or `0371-2345678`, an e-mail lower case, a code an upper-case USCC, and the message
// for a bad one is validation's own. Then the rules between fields (rules.ts) run on a copy: what
// they report is a problem, and so is a field they would still change (a work class given by name
// instead of id). Rules that need a context (the profile, the sheet's sector, the known codes,
// today) do not run here: they judge input, not stored rows.
//
// No zod here: the store reads every row through this in each Lambda (zod/mini would add ~24 KB to
// bundles that otherwise have none). row-schemas.ts wraps these same checks as zod schemas.

import { MSG } from './messages.js';
import { applyRules, type Fields, type RuleSink } from './rules.js';
import { type ColumnSpec, SCHEMAS } from './schemas.js';
import type { RowKind } from './table.js';
import type { ErrorCode } from './types.js';
import { readCell } from './validate.js';

/** One thing wrong, at a path inside the checked value (empty: the value itself). */
export interface Problem {
  path: (string | number)[];
  message: string;
}

const ARRAY_TYPES: ReadonlySet<string> = new Set(['emails', 'list', 'enumList', 'codes']);
const NUMBER_TYPES: ReadonlySet<string> = new Set(['number', 'integer', 'percent']);

/** Whether a column's field is always in the row (the type-level `Present` of table.ts); a system field (编号 …) never is. */
export const isPresent = (c: ColumnSpec): boolean => !c.system && (c.required || c.filled || c.default !== undefined);

/** A scalar read back through its column: undefined when validation gives it unchanged, else why not. */
function scalarProblem(spec: ColumnSpec, v: unknown): string | undefined {
  const h = spec.header;
  if (NUMBER_TYPES.has(spec.type) ? typeof v !== 'number' : spec.type === 'yesno' ? typeof v !== 'boolean' : typeof v !== 'string') {
    return spec.type === 'yesno' ? MSG.enumValue(h, v, ['是', '否']) : NUMBER_TYPES.has(spec.type) ? MSG.number(h, v) : MSG.notNormalised(h, v, undefined);
  }
  // A defaulted empty value ('' for 牵头单位) is what validation stores for an empty cell.
  if (v === spec.default) return undefined;
  const read = readCell(spec, v as string | number | boolean);
  if (read.message !== undefined) return read.message;
  return read.value === v ? undefined : MSG.notNormalised(h, v, read.value);
}

/** The problems of one field's value against its column (paths relative to the field). */
export function fieldProblems(spec: ColumnSpec, v: unknown, present = isPresent(spec)): Problem[] {
  if (v === undefined) return present ? [{ path: [], message: MSG.required(spec.header) }] : [];
  if (!ARRAY_TYPES.has(spec.type)) {
    const m = scalarProblem(spec, v);
    return m === undefined ? [] : [{ path: [], message: m }];
  }
  if (!Array.isArray(v)) return [{ path: [], message: MSG.notNormalised(spec.header, v, undefined) }];
  const out: Problem[] = [];
  v.forEach((item, i) => {
    // Each item read as a one-item cell must come back as itself, once.
    let m: string | undefined;
    if (typeof item !== 'string' || v.indexOf(item) !== i) m = MSG.notNormalised(spec.header, item, undefined);
    else {
      const read = readCell(spec, item);
      const back = read.value as unknown[] | undefined;
      m = read.message ?? (back?.length === 1 && back[0] === item ? undefined : MSG.notNormalised(spec.header, item, back?.join('；')));
    }
    if (m !== undefined) out.push({ path: [i], message: m });
  });
  return out;
}

/** Collects what the rules report, by field. */
class ProblemSink implements RuleSink {
  readonly problems: Problem[] = [];
  failed(): boolean {
    return false;
  }
  error(_h: string, key: string, _code: ErrorCode, message: string): void {
    this.problems.push({ path: [key], message });
  }
  warn(): void {}
}

/** The rules between fields on a row whose fields are each fine (a copy is checked; `row` is not changed). */
export function ruleProblems(kind: RowKind, row: Fields): Problem[] {
  const copy: Fields = { ...row };
  const sink = new ProblemSink();
  applyRules(kind, copy, sink, undefined);
  const out = sink.problems;
  for (const f of SCHEMAS[kind].fields) {
    const k = f.key;
    if (copy[k] !== row[k] && !out.some((p) => p.path[0] === k)) out.push({ path: [k], message: MSG.notNormalised(f.header, row[k], copy[k]) });
  }
  return out;
}

/**
 * Check a normalised row of `kind`. `strict`: a field the kind does not have is a problem (input);
 * `strip`: it is dropped (a field written by a newer version). `value` holds the known fields.
 */
export function checkRow(kind: RowKind, data: unknown, unknownKeys: 'strict' | 'strip'): { value: Fields; problems: Problem[] } {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { value: {}, problems: [{ path: [], message: MSG.notNormalised('行', data, undefined) }] };
  const row = data as Fields;
  const schema = SCHEMAS[kind];
  const value: Fields = {};
  const problems: Problem[] = [];
  for (const f of schema.fields) {
    const v = row[f.key];
    for (const p of fieldProblems(f, v)) problems.push({ path: [f.key, ...p.path], message: p.message });
    if (v !== undefined) value[f.key] = v;
  }
  const sheetRow = schema.sheetRow;
  if (sheetRow !== undefined && row[sheetRow] !== undefined) {
    const n = row[sheetRow];
    if (!(typeof n === 'number' && Number.isInteger(n) && n > 0)) problems.push({ path: [sheetRow], message: MSG.notNormalised('行号', n, undefined) });
    value[sheetRow] = n;
  }
  if (unknownKeys === 'strict') {
    const unknown = Object.keys(row).filter((k) => !(k in value) && row[k] !== undefined && !schema.fields.some((f) => f.key === k) && k !== sheetRow);
    if (unknown.length > 0) problems.push({ path: [], message: MSG.unknownField(unknown.join('、')) });
  }
  if (problems.length === 0) problems.push(...ruleProblems(kind, value));
  return { value, problems };
}

// ---- reading stored data ----------------------------------------------------------------------------

export interface StoredDataProblem {
  /** Dotted path inside the record, e.g. `assignments.0.signBy` (empty for the record itself). */
  path: string;
  message: string;
}

/** Data read back from the store does not have the stored shape (corrupt or foreign item). */
export class StoredDataError extends Error {
  readonly code = 'stored_data_invalid';
  constructor(
    message: string,
    /** Every problem found, by path. */
    readonly problems: StoredDataProblem[],
  ) {
    super(message);
    this.name = 'StoredDataError';
  }
}

export const MAX_LISTED = 5;

/** Problems with array paths as dotted paths. */
export const dotted = (problems: readonly Problem[]): StoredDataProblem[] => problems.map((p) => ({ path: p.path.map(String).join('.'), message: p.message }));

/** `what` 格式不正确，共 N 处：path：message；…  (at most MAX_LISTED listed). */
export function storedDataError(what: string, problems: StoredDataProblem[]): StoredDataError {
  const listed = problems
    .slice(0, MAX_LISTED)
    .map((p) => `${p.path || '（记录本身）'}：${p.message}`)
    .join('；');
  const more = problems.length > MAX_LISTED ? `；另有 ${problems.length - MAX_LISTED} 处` : '';
  return new StoredDataError(`${what}格式不正确，共 ${problems.length} 处：${listed}${more}`, problems);
}
