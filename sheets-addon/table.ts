/// <reference types="google-apps-script" />
// Batched sheet I/O. A sheet is read with ONE getDataRange().getValues() (onEdit: one or two
// getSheetValues) and written back with one setValues per contiguous block of product-owned columns
// (system columns + `_版本` + `_同步` + `_标识`: one block in the 初始化本表 layout), marks with one getNotes
// and, only when a mark changes, setNotes (+ getBackgrounds/setBackgrounds when a cell gains or
// loses its red fill) over the same range. Nothing here touches a cell one by one.

import { KINDS, type RowKind } from '../domain/rows/kinds.js';
import { shanghaiDate, shanghaiDateTime } from '../domain/time/time.js';
import { ERROR_FILL, ID_HEADER, NOTE_PREFIX, SYNC_HEADER, VERSION_HEADER } from './columns.js';

export type SheetCell = string | number | boolean | Date;

export interface Table {
  sheet: GoogleAppsScript.Spreadsheet.Sheet;
  kind: RowKind;
  /** The data range (row 1 = header); kept to read and write marks on the same range. */
  range: GoogleAppsScript.Spreadsheet.Range;
  headers: string[];
  /** header → 0-based column index. */
  col: Map<string, number>;
  /** values[0] is the header row; values[i] (i ≥ 1) is sheet row `base + i - 1`. */
  values: SheetCell[][];
  /** Sheet row of values[1]. */
  base: number;
  /** values[i] is row `i - rangeOffset` of `range` (0 when range includes the header, 1 when not). */
  rangeOffset: number;
}

/** Read a whole tab: getDataRange + getValues. */
export function readTable(sheet: GoogleAppsScript.Spreadsheet.Sheet, kind: RowKind): Table {
  const range = sheet.getDataRange();
  const values = range.getValues() as SheetCell[][];
  const headers = (values[0] ?? []).map((h) => String(h).trim());
  const col = new Map<string, number>();
  headers.forEach((h, i) => {
    if (h !== '' && !col.has(h)) col.set(h, i);
  });
  return { sheet, kind, range, headers, col, values, base: 2, rangeOffset: 0 };
}

/** The rows an edit touched, from the onEdit event. */
export interface EditedBlock {
  /** First and last edited data rows (≥ 2). */
  first: number;
  last: number;
  /** The event's range (rows first..last) and its columns when known: reused when it spans whole rows. */
  range?: GoogleAppsScript.Spreadsheet.Range;
  columnStart?: number;
  columnEnd?: number;
}

/**
 * When fewer rows than this (or than the edited block) sit between the header and the edit, the
 * header and the edited rows are read in ONE getSheetValues from row 1; further down, the header is
 * read alone (a deep single-row edit must not read thousands of rows).
 */
export const MERGE_ABOVE_ROWS = 200;

/**
 * Read the header and the edited rows (onEdit) with as few calls as possible: one or two
 * getSheetValues, plus one getValues when the event range cannot serve. The table's `range`
 * (where marks go) covers exactly the edited rows: the event's own range when it starts in column
 * A and spans every header column (a pasted block of whole rows), else one getRange.
 * Returns undefined when the sheet has no columns left. `indexes` are the edited rows' indexes.
 */
export function readEditedRows(
  sheet: GoogleAppsScript.Spreadsheet.Sheet,
  kind: RowKind,
  block: EditedBlock,
): { table: Table; indexes: number[] } | undefined {
  const { first, last } = block;
  const n = last - first + 1;
  const merged = first - 2 <= Math.max(MERGE_ABOVE_ROWS, n);
  let grid: SheetCell[][];
  try {
    grid = sheet.getSheetValues(1, 1, merged ? last : 1, -1) as SheetCell[][];
  } catch {
    return undefined; // no column with data: nothing to validate
  }
  const head = grid[0] ?? [];
  const width = Math.max(1, head.length);
  const reuse =
    block.range !== undefined && block.columnStart === 1 && (block.columnEnd ?? 0) >= width;
  const range = reuse ? block.range! : sheet.getRange(first, 1, n, width);
  let values: SheetCell[][];
  let base: number;
  let rangeOffset: number;
  if (merged) {
    // grid[i] is sheet row i + 1; range row 0 is sheet row `first` = grid[first - 1].
    values = grid;
    base = 2;
    rangeOffset = first - 1;
  } else {
    values = [head, ...(range.getValues() as SheetCell[][])];
    base = first;
    rangeOffset = 1;
  }
  const headers = head.map((h) => String(h).trim());
  const col = new Map<string, number>();
  headers.forEach((h, i) => {
    if (h !== '' && !col.has(h)) col.set(h, i);
  });
  const indexes: number[] = [];
  for (let r = first; r <= last; r++) indexes.push(r - base + 1);
  return { table: { sheet, kind, range, headers, col, values, base, rangeOffset }, indexes };
}

/** Sheet row number of values[i]. */
export function sheetRow(t: Table, i: number): number {
  return t.base + i - 1;
}

export function hasSyncColumns(t: Table): boolean {
  return t.col.has(VERSION_HEADER) && t.col.has(SYNC_HEADER);
}

/** Whether a data row holds anything in the kind's input (non-system) columns. */
export function isBlankRow(t: Table, r: number): boolean {
  const row = t.values[r];
  const system = KINDS[t.kind].system;
  for (const h of KINDS[t.kind].headers) {
    if (system.includes(h)) continue;
    const i = t.col.get(h);
    if (i === undefined) continue;
    const v = row[i];
    if (v !== '' && v !== null && v !== undefined && !(typeof v === 'string' && v.trim() === '')) return false;
  }
  return true;
}

const isDate = (v: unknown): v is Date => Object.prototype.toString.call(v) === '[object Date]';

/**
 * A cell as the API and the domain expect it. Sheets hands dates as Date objects at midnight in the
 * spreadsheet's time zone (Asia/Shanghai for this product): they become `YYYY-MM-DD`, or
 * `YYYY-MM-DDTHH:mm:ss+08:00` when they carry a time. Everything else passes through.
 */
export function wireValue(v: SheetCell, formatDate?: (d: Date) => string): string | number | boolean {
  if (isDate(v)) {
    if (Number.isNaN(v.getTime())) return '';
    if (formatDate) return formatDate(v);
    const dt = shanghaiDateTime(v);
    return dt.slice(11, 19) === '00:00:00' ? shanghaiDate(v) : dt;
  }
  return v;
}

/** Zones where the pure Shanghai conversion is exact (UTC+8, no DST since 1991). */
const PLUS8 = new Set(['Asia/Shanghai', 'Asia/Chongqing', 'Asia/Chungking', 'Asia/Harbin', 'PRC', 'Etc/GMT-8']);

/** The date formatter for a spreadsheet time zone: pure for UTC+8, else Utilities.formatDate. */
export function dateFormatterFor(tz: string): ((d: Date) => string) | undefined {
  if (PLUS8.has(tz)) return undefined;
  return (d: Date) => {
    const t = Utilities.formatDate(d, tz, "HH:mm:ss");
    return t === '00:00:00' ? Utilities.formatDate(d, tz, 'yyyy-MM-dd') : Utilities.formatDate(d, tz, "yyyy-MM-dd'T'HH:mm:ssXXX");
  };
}

/**
 * The row's values keyed by header, for the kind's headers present in the sheet, and its hidden
 * `_标识` when filled (the server's id of the row: domain/rows/identity.ts reads it before the content).
 */
export function rowValues(t: Table, r: number, fmt?: (d: Date) => string): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  const row = t.values[r];
  for (const h of KINDS[t.kind].headers) {
    const i = t.col.get(h);
    if (i === undefined) continue;
    out[h] = wireValue(row[i], fmt);
  }
  const id = hiddenId(t, r);
  if (id !== '') out[ID_HEADER] = id;
  return out;
}

/** The `_标识` cell of a row ('' when the column is missing or the cell empty). */
export function hiddenId(t: Table, r: number): string {
  const c = t.col.get(ID_HEADER);
  return c === undefined ? '' : String(t.values[r][c] ?? '').trim();
}

/**
 * Rows whose `_标识` repeats the one of an earlier row (a row copied with its hidden cells): their
 * hidden id is not theirs, so they are identified by their content and get their own id at the sync.
 */
export function copiedHiddenIds(t: Table): Set<number> {
  const seen = new Set<string>();
  const out = new Set<number>();
  for (let i = 1; i < t.values.length; i++) {
    const id = hiddenId(t, i);
    if (id === '') continue;
    if (seen.has(id)) out.add(i);
    else seen.add(id);
  }
  return out;
}

/** A row's values (rowValues) without a `_标识` copied from an earlier row (`copies`: copiedHiddenIds). */
export function ownValues(t: Table, r: number, copies: ReadonlySet<number>, fmt?: (d: Date) => string): Record<string, string | number | boolean> {
  const values = rowValues(t, r, fmt);
  if (copies.has(r)) delete values[ID_HEADER];
  return values;
}

// ---- write-back -------------------------------------------------------------------------------------

/** Pending writes: 0-based data row index → header → value. */
export type CellWrites = Map<number, Record<string, string | number>>;

/**
 * Write the pending values in one setValues per contiguous block of written columns (a block spans
 * the rows from the first to the last written row; rows in between keep the values just read).
 * Only blocks with a changed value are written. Returns the number of setValues calls.
 */
export function writeBack(t: Table, writes: CellWrites): number {
  if (writes.size === 0) return 0;
  const cols = new Set<number>();
  let first = Number.POSITIVE_INFINITY;
  let last = -1;
  for (const [r, w] of writes) {
    for (const h of Object.keys(w)) {
      const c = t.col.get(h);
      if (c === undefined) continue;
      if (!same(t.values[r][c], w[h])) {
        cols.add(c);
        if (r < first) first = r;
        if (r > last) last = r;
      }
    }
  }
  if (cols.size === 0) return 0;
  const sorted = [...cols].sort((a, b) => a - b);
  // Product-owned columns (system + sync): a block may span unchanged owned columns, never a
  // column staff type in (which could have changed since the read).
  const owned = new Set<number>();
  for (const h of [...KINDS[t.kind].system, VERSION_HEADER, SYNC_HEADER, ID_HEADER]) {
    const c = t.col.get(h);
    if (c !== undefined) owned.add(c);
  }
  const blocks: [number, number][] = [];
  for (const c of sorted) {
    const b = blocks[blocks.length - 1];
    let bridge = b !== undefined;
    if (b) for (let x = b[1] + 1; x < c && bridge; x++) bridge = owned.has(x);
    if (b && bridge) b[1] = c;
    else blocks.push([c, c]);
  }
  // Apply to the in-memory table, then copy each block out of it.
  for (const [r, w] of writes) {
    for (const h of Object.keys(w)) {
      const c = t.col.get(h);
      if (c !== undefined) t.values[r][c] = w[h];
    }
  }
  let calls = 0;
  for (const [c0, c1] of blocks) {
    const out: (string | number | boolean | Date)[][] = [];
    for (let r = first; r <= last; r++) out.push(t.values[r].slice(c0, c1 + 1));
    t.sheet.getRange(sheetRow(t, first), c0 + 1, last - first + 1, c1 - c0 + 1).setValues(out);
    calls++;
  }
  return calls;
}

function same(a: SheetCell, b: string | number): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a === (b.startsWith("'") ? b.slice(1) : b);
  if (isDate(a) && typeof b === 'string') return wireValue(a) === b;
  return a === b;
}

// ---- marks ----------------------------------------------------------------------------------------

export interface CellMark {
  column: string;
  message: string;
}

/**
 * Set the error marks of the given data rows (0-based indexes into t.values): red fill and a note
 * with the Chinese messages on each bad cell; the add-on's earlier marks on these rows are cleared.
 * Notes not written by the add-on are kept, and so are fills the add-on did not set. Rows not
 * listed are left as they are. Calls on t.range: one getNotes; when a note changes, one setNotes;
 * when a cell gains or loses a mark (its fill must change), also one getBackgrounds and one
 * setBackgrounds (the fills of the other cells are read so they are written back unchanged).
 * Returns the calls made: 0 (no rows), 1 (nothing changed), 2 (only note texts) or 4.
 */
export function applyMarks(t: Table, marks: Map<number, CellMark[]>): number {
  if (marks.size === 0) return 0;
  const notes = t.range.getNotes() as string[][];
  const width = t.headers.length;
  const changes: [number, number, string][] = [];
  let fills = false;
  for (const [r, list] of marks) {
    const nr = r - t.rangeOffset;
    if (nr < 0 || nr >= notes.length) continue;
    const cells = new Map<number, string[]>();
    for (const m of list) {
      const c = t.col.get(m.column) ?? 0;
      const msgs = cells.get(c) ?? [];
      msgs.push(m.message);
      cells.set(c, msgs);
    }
    for (let c = 0; c < width; c++) {
      const cur = notes[nr][c] ?? '';
      const msgs = cells.get(c);
      const next = msgs ? NOTE_PREFIX + msgs.join('\n') : cur.startsWith(NOTE_PREFIX) ? '' : cur;
      if (next === cur) continue;
      changes.push([nr, c, next]);
      if (next.startsWith(NOTE_PREFIX) !== cur.startsWith(NOTE_PREFIX)) fills = true;
    }
  }
  if (changes.length === 0) return 1;
  for (const [r, c, next] of changes) notes[r][c] = next;
  let calls = 2;
  if (fills) {
    const backgrounds = t.range.getBackgrounds();
    for (const [r, c, next] of changes) {
      if (next.startsWith(NOTE_PREFIX)) backgrounds[r][c] = ERROR_FILL;
      else if (backgrounds[r][c] === ERROR_FILL) backgrounds[r][c] = null as unknown as string;
    }
    t.range.setBackgrounds(backgrounds);
    calls += 2;
  }
  t.range.setNotes(notes);
  return calls;
}

/** The add-on's marks currently on a table: row → messages (read from the notes). */
export function currentMarks(t: Table, notes: string[][]): { row: number; column: string; message: string }[] {
  const out: { row: number; column: string; message: string }[] = [];
  for (let r = 1; r < notes.length; r++) {
    for (let c = 0; c < notes[r].length; c++) {
      const n = notes[r][c];
      if (n && n.startsWith(NOTE_PREFIX)) {
        for (const m of n.slice(NOTE_PREFIX.length).split('\n')) out.push({ row: r + 1, column: t.headers[c], message: m });
      }
    }
  }
  return out;
}
