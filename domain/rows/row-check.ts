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

/** The JS type a field of each column type holds (others: a string). */
const JS_TYPE: Partial<Record<ColumnSpec['type'], string>> = { number: 'number', integer: 'number', percent: 'number', yesno: 'boolean', emails: 'object', list: 'object', enumList: 'object', codes: 'object' };

/** Whether a column's field is always in the row (the type-level `Present` of table.ts); a system field (编号 …) never is. */
export const isPresent = (c: ColumnSpec): boolean => !c.system && (c.required || c.filled || c.default !== undefined);

/** Why `v`, read back as a cell of the column, is not itself; undefined when it is. */
function readBack(spec: ColumnSpec, v: unknown, expected: unknown): string | undefined {
  // A defaulted empty value ('' for 牵头单位) is what validation stores for an empty cell.
  if (v === spec.default) return undefined;
  const read = readCell(spec, v as string | number | boolean);
  const back = read.value;
  return read.message ?? (back === expected || (Array.isArray(back) && back.length === 1 && back[0] === expected) ? undefined : MSG.notNormalised(spec.header, v, back));
}

/** The problems of one field's value against its column (paths relative to the field). */
export function fieldProblems(spec: ColumnSpec, v: unknown, present = isPresent(spec)): Problem[] {
  if (v === undefined) return present ? [{ path: [], message: MSG.required(spec.header) }] : [];
  const type = JS_TYPE[spec.type] ?? 'string';
  if (typeof v !== type || (type === 'object' && !Array.isArray(v))) return [{ path: [], message: MSG.notNormalised(spec.header, v, undefined) }];
  if (type !== 'object') {
    const m = readBack(spec, v, v);
    return m === undefined ? [] : [{ path: [], message: m }];
  }
  // A list: each item, read as a one-item cell, must come back as itself, once.
  const out: Problem[] = [];
  (v as unknown[]).forEach((item, i, all) => {
    const m = typeof item !== 'string' || all.indexOf(item) !== i ? MSG.notNormalised(spec.header, item, undefined) : readBack(spec, item, item);
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
 * Check a normalised row of `kind` read back from the store: `value` holds its known fields (a field
 * written by a newer version is dropped). (The zod schemas of row-schemas.ts also refuse unknown keys
 * where asked.)
 */
export function checkRow(kind: RowKind, data: unknown): { value: Fields; problems: Problem[] } {
  const row: Fields = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Fields) : {};
  const schema = SCHEMAS[kind];
  const value: Fields = {};
  const problems: Problem[] = row === data ? [] : [{ path: [], message: MSG.notNormalised('行', data, undefined) }];
  for (const f of schema.fields) {
    const v = row[f.key];
    for (const p of fieldProblems(f, v)) problems.push({ path: [f.key, ...p.path], message: p.message });
    if (v !== undefined) value[f.key] = v;
  }
  const k = schema.sheetRow;
  const n = k === undefined ? undefined : row[k];
  if (k !== undefined && n !== undefined) {
    if (!(Number.isInteger(n) && (n as number) > 0)) problems.push({ path: [k], message: MSG.notNormalised('行号', n, undefined) });
    value[k] = n;
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
