/// <reference types="google-apps-script" />
// Validation of sheet rows with the shared domain (domain/validate.ts): the same rules the API
// applies, run in the add-on so staff see problems at once. Marks: red fill + a note per bad cell.

import { CLASS_SECTOR, KINDS, type RowKind, type WorkClassId } from '../domain/rows/kinds.js';
import type { RawRow, RowResult } from '../domain/rows/types.js';
import { type ValidationContext, validateRows } from '../domain/rows/validate.js';
import { SYNC_HEADER, SYNC_STATE } from './columns.js';
import {
  applyMarks,
  type CellMark,
  type CellWrites,
  type EditedBlock,
  isBlankRow,
  readEditedRows,
  rowValues,
  type Table,
  writeBack,
} from './table.js';

/** Validation context of a work class: the whitelist's own sector; known codes when read. */
export function contextFor(workClass: WorkClassId | '', kind: RowKind, knownCodes?: ReadonlySet<string>): ValidationContext {
  const ctx: ValidationContext = {};
  const sector = workClass ? CLASS_SECTOR[workClass] : undefined;
  if (sector) ctx.sector = sector;
  if (knownCodes && kind === 'issue') ctx.knownCodes = knownCodes;
  return ctx;
}

/** Validate the given data rows of a table (blank rows are skipped): row index → result. */
export function validateTableRows(
  t: Table,
  indexes: readonly number[],
  ctx: ValidationContext,
  fmt?: (d: Date) => string,
): Map<number, RowResult> {
  const raw: RawRow[] = [];
  const idx: number[] = [];
  for (const i of indexes) {
    if (isBlankRow(t, i)) continue;
    raw.push({ row: t.base + i - 1, values: rowValues(t, i, fmt) });
    idx.push(i);
  }
  const results = validateRows(t.kind, raw, ctx);
  const out = new Map<number, RowResult>();
  results.forEach((r, k) => out.set(idx[k], r));
  return out;
}

/** Marks for the given rows from their results (rows without result or without errors: cleared). */
export function marksFor(indexes: readonly number[], results: Map<number, RowResult>): Map<number, CellMark[]> {
  const marks = new Map<number, CellMark[]>();
  for (const i of indexes) {
    const r = results.get(i);
    marks.set(i, r && !r.ok ? r.errors.map((e) => ({ column: e.column, message: e.message })) : []);
  }
  return marks;
}

/** Codes on a whitelist table (for the issue's `not_on_whitelist` warning). */
export function whitelistCodes(t: Table): Set<string> {
  const set = new Set<string>();
  const c = t.col.get('统一社会信用代码');
  if (c === undefined) return set;
  for (let i = 1; i < t.values.length; i++) {
    const v = String(t.values[i][c] ?? '').trim().toUpperCase();
    if (v) set.add(v);
  }
  return set;
}

export interface EditOutcome {
  tab: string;
  rows: number;
  invalid: number;
  calls: number;
}

/**
 * The onEdit path (a simple trigger: no UrlFetch, 30 s): validate ONLY the edited rows, mark bad
 * cells, mark the rows dirty (`_同步` = 待同步, written only where it is not already). Edits of the
 * header row alone are ignored. Spreadsheet calls: 1–2 reads of values, one getNotes, marks only
 * when they change, one getRange + setValues only when a `_同步` cell changes.
 */
export function handleEdit(
  sheet: GoogleAppsScript.Spreadsheet.Sheet,
  edit: EditedBlock,
  workClass: WorkClassId | '',
  kind: RowKind,
): EditOutcome | undefined {
  const first = Math.max(2, edit.first);
  if (edit.last < first) return undefined;
  // An event range that includes the header row cannot serve as the data rows' range.
  const read = readEditedRows(sheet, kind, first === edit.first ? edit : { first, last: edit.last });
  if (!read) return undefined;
  const { table: t, indexes } = read;
  const results = validateTableRows(t, indexes, contextFor(workClass, kind));
  let calls = applyMarks(t, marksFor(indexes, results));
  const writes: CellWrites = new Map();
  if (t.col.has(SYNC_HEADER)) {
    for (const i of indexes) {
      if (!isBlankRow(t, i)) writes.set(i, { [SYNC_HEADER]: SYNC_STATE.dirty });
    }
  }
  calls += writeBack(t, writes);
  let invalid = 0;
  for (const r of results.values()) if (!r.ok) invalid++;
  return { tab: KINDS[kind].tab, rows: results.size, invalid, calls };
}
