// Helpers of the table-driven validation tests (not a test file): a raw row, the sorted
// `column:code` list of a result, and a suite per kind — one valid row, then patches of it that
// must fail with exactly the listed codes and a message naming the column.
import { describe, expect, it } from 'vitest';
import type { RowKind } from '../../domain/rows/kinds.js';
import type { Cell, RowResult } from '../../domain/rows/types.js';
import { validateRow } from '../../domain/rows/validate.js';

export const at = (values: Record<string, Cell>, row = 2) => ({ row, values });
export const codes = (r: RowResult) => r.errors.map((e) => `${e.column}:${e.code}`).sort();

export type Case = [string, Record<string, Cell>, string[]];

export function suite(kind: RowKind, base: Record<string, Cell>, expected: Record<string, unknown>, cases: Case[]): void {
  describe(kind, () => {
    it('accepts a valid row', () => {
      const r = validateRow(kind, at(base));
      expect(r.errors).toEqual([]);
      expect(r.value).toEqual(expected);
    });
    it.each(cases)('%s', (_name, patch, want) => {
      const r = validateRow(kind, at({ ...base, ...patch }));
      expect(r.ok).toBe(false);
      expect(codes(r)).toEqual([...want].sort());
      for (const e of r.errors) expect(e.message).toContain(`「${e.column}」`);
    });
  });
}
