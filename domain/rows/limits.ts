// Limits on every cell that enters (SPEC §7.5), one definition for the add-on, the API, the CLI and
// the exports:
// - C0 control characters other than tab, CR and LF, DEL, lone surrogates and the bidirectional
//   overrides and isolates (U+202A–U+202E, U+2066–U+2069) are removed from text (warning
//   `control_chars`): they hide text, reorder it on screen, and the xlsx format cannot hold most of
//   them (so CSV and xlsx exports would disagree);
// - a cell holds at most MAX_CELL_CHARS characters (`too_long`);
// - a row carries at most MAX_EXTRA_COLUMNS columns outside its kind's contract (`too_many_columns`);
// - a row's cells, as stored (JSON, UTF-8), take at most MAX_ROW_BYTES (`row_too_large`), so an item
//   of the store (row, or issue with its record and outbox) stays far below DynamoDB's 400 KB.
import type { Cell, RowError, RowWarning } from './types.js';

export const MAX_CELL_CHARS = 5_000;
export const MAX_EXTRA_COLUMNS = 50;
export const MAX_ROW_BYTES = 32 * 1024;

// C0 except \t \n \r, DEL, bidi embeddings/overrides (202A–202E) and isolates (2066–2069), and any
// surrogate not part of a pair.
const UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const HAS_UNSAFE = new RegExp(UNSAFE.source);

/** Whether `s` holds a character stripControlChars removes. */
export function hasControlChars(s: string): boolean {
  return HAS_UNSAFE.test(s);
}

/** `s` without the characters no cell may hold (see the header). */
export function stripControlChars(s: string): string {
  return HAS_UNSAFE.test(s) ? s.replace(UNSAFE, '') : s;
}

/** A cell without those characters (only text cells can hold them). */
export function cleanCell<C extends Cell>(cell: C): C {
  return (typeof cell === 'string' ? stripControlChars(cell) : cell) as C;
}

/** The cells of a row, cleaned; `changed` lists the headers whose text lost characters. */
export function cleanCells<C extends Cell>(values: Readonly<Record<string, C>>): { values: Record<string, C>; changed: string[] } {
  let out: Record<string, C> | null = null;
  const changed: string[] = [];
  for (const [header, cell] of Object.entries(values)) {
    const clean = cleanCell(cell);
    if (clean !== cell || hasControlChars(header)) {
      out ??= { ...values };
      if (hasControlChars(header)) {
        delete out[header];
        out[stripControlChars(header)] = clean;
      } else out[header] = clean;
      changed.push(stripControlChars(header));
    }
  }
  return { values: out ?? (values as Record<string, C>), changed };
}

/** UTF-8 length of a string, without an encoder (domain/ runs in Apps Script too). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Stored size of a row's cells: their JSON as UTF-8 (dates as ISO text). */
export function rowBytes(values: Readonly<Record<string, Cell>>): number {
  return utf8Length(JSON.stringify(values, (_k, v: unknown) => (v instanceof Date ? v.toISOString() : v)));
}

/** A bound above rowBytes without serialising (JSON escapes at most 6 bytes per UTF-16 unit, quotes and separators aside). */
function rowBytesBound(values: Readonly<Record<string, Cell>>): number {
  let n = 2;
  for (const header in values) {
    const cell = values[header];
    n += 6 * header.length + 6 + (typeof cell === 'string' ? 6 * cell.length + 2 : 32);
  }
  return n;
}

const LIMIT_MSG = {
  tooLong: (col: string, n: number) => `「${col}」有 ${n} 个字符，超过单元格上限 ${MAX_CELL_CHARS} 字；请精简或拆分后再提交`,
  tooManyColumns: (n: number, sample: string) =>
    `该行有 ${n} 个表外列（${sample}），超过上限 ${MAX_EXTRA_COLUMNS} 列；请删除多余的列后再提交`,
  rowTooLarge: (kb: number) => `该行内容共约 ${kb} KB，超过单行上限 ${MAX_ROW_BYTES / 1024} KB；请精简各列文字后再提交`,
  controlChars: (cols: readonly string[]) =>
    `「${cols.slice(0, 3).join('」「')}」${cols.length > 3 ? ` 等 ${cols.length} 列` : ''}含有不可见的控制字符或文字方向控制符，已自动删除`,
};

export interface RowLimitCheck {
  /** The cells with the unsafe characters removed (what is validated and stored). */
  values: Record<string, Cell>;
  errors: RowError[];
  warnings: RowWarning[];
}

/**
 * A raw row against the limits: cells cleaned (warning `control_chars`), then each cell's length
 * (`too_long`), the columns outside `known` (`too_many_columns`) and the row's stored size
 * (`row_too_large`). A row with an error is refused whole.
 */
export function checkRowLimits(values: Readonly<Record<string, Cell>>, known: ReadonlySet<string>): RowLimitCheck {
  const cleaned = cleanCells(values);
  const errors: RowError[] = [];
  const warnings: RowWarning[] = [];
  if (cleaned.changed.length) warnings.push({ column: cleaned.changed[0], code: 'control_chars', message: LIMIT_MSG.controlChars(cleaned.changed) });
  const extra: string[] = [];
  for (const [header, cell] of Object.entries(cleaned.values)) {
    if (typeof cell === 'string' && cell.length > MAX_CELL_CHARS) errors.push({ column: header, code: 'too_long', message: LIMIT_MSG.tooLong(header, cell.length) });
    if (!known.has(header)) extra.push(header);
  }
  if (extra.length > MAX_EXTRA_COLUMNS) {
    errors.push({ column: '', code: 'too_many_columns', message: LIMIT_MSG.tooManyColumns(extra.length, `${extra.slice(0, 3).join('、')}…`) });
  }
  const bytes = rowBytesBound(cleaned.values) <= MAX_ROW_BYTES ? 0 : rowBytes(cleaned.values);
  if (bytes > MAX_ROW_BYTES) errors.push({ column: '', code: 'row_too_large', message: LIMIT_MSG.rowTooLarge(Math.ceil(bytes / 1024)) });
  return { values: cleaned.values, errors, warnings };
}
