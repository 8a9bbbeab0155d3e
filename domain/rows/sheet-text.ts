// Writing values back to spreadsheets and CSV safely (SPEC §3): a string that a spreadsheet would
// run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading
// `'`, which Sheets and Excel treat as "this is text". Numbers stay numbers.

import { looksLikeFormula } from './normalize.js';

/** The cell value to write for `value`: numbers as numbers, everything else as safe text. */
export function toSheetText(value: unknown): string | number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : '';
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (Array.isArray(value)) return toSheetText(value.map((v) => String(v)).join('；'));
  const s = String(value);
  return looksLikeFormula(s) ? `'${s}` : s;
}
