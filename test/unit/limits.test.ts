// Limits on every cell that enters (domain/rows/limits.ts): what is removed, what is refused, and that
// validation (the add-on, the API, `sibao validate`) applies them with Chinese messages.
import { describe, expect, it } from 'vitest';
import { checkRowLimits, cleanCells, hasControlChars, MAX_CELL_CHARS, MAX_EXTRA_COLUMNS, MAX_ROW_BYTES, rowBytes, stripControlChars, utf8Length } from '../../domain/rows/limits.js';
import { validateRows } from '../../domain/rows/validate.js';
import { KINDS } from '../../domain/rows/kinds.js';

describe('stripControlChars', () => {
  it('removes C0 (but tab, CR, LF), DEL, bidi overrides and isolates, and lone surrogates; keeps pairs and CJK', () => {
    expect(stripControlChars('a\u0000b\u0001c\u001Fd\u007Fe')).toBe('abcde');
    expect(stripControlChars('行\t一\r\n行')).toBe('行\t一\r\n行');
    expect(stripControlChars('\u202Aa\u202Bb\u202Cc\u202Dd\u202Ee\u2066f\u2067g\u2068h\u2069')).toBe('abcdefgh');
    expect(stripControlChars('x\uD800y\uDC00z')).toBe('xyz');
    expect(stripControlChars('😀 emoji 𠀀')).toBe('😀 emoji 𠀀');
    expect(stripControlChars('\u200F\u200E\u061C')).toBe('\u200F\u200E\u061C'); // marks, not overrides
    expect(hasControlChars('clean 文本')).toBe(false);
  });

  it('cleanCells reports the headers it changed and leaves other cells (and non-text) alone', () => {
    const { values, changed } = cleanCells({ 名称: '企\u0000业', 数量: 3, 备注: 'ok', 空: null });
    expect(values).toEqual({ 名称: '企业', 数量: 3, 备注: 'ok', 空: null });
    expect(changed).toEqual(['名称']);
    const same = { a: 'x' };
    expect(cleanCells(same).values).toBe(same);
  });
});

describe('sizes', () => {
  it('utf8Length counts like Buffer.byteLength', () => {
    for (const s of ['', 'abc', '中文', '😀', 'é', 'a中😀\u0000']) expect(utf8Length(s)).toBe(Buffer.byteLength(s, 'utf8'));
  });

  it('rowBytes is the JSON of the cells in UTF-8', () => {
    const v = { 名称: '企业', n: 1 };
    expect(rowBytes(v)).toBe(Buffer.byteLength(JSON.stringify(v)));
  });
});

describe('checkRowLimits', () => {
  const known = new Set(['名称', '备注']);
  it('refuses a cell over 5,000 characters, more than 50 extra columns and a row over 32 KB, each with its code', () => {
    expect(checkRowLimits({ 备注: 'x'.repeat(MAX_CELL_CHARS) }, known).errors).toEqual([]);
    expect(checkRowLimits({ 备注: 'x'.repeat(MAX_CELL_CHARS + 1) }, known).errors.map((e) => e.code)).toEqual(['too_long']);
    const extra = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`列${i}`, '1']));
    expect(checkRowLimits(extra(MAX_EXTRA_COLUMNS), known).errors).toEqual([]);
    expect(checkRowLimits(extra(MAX_EXTRA_COLUMNS + 1), known).errors.map((e) => e.code)).toEqual(['too_many_columns']);
    const big = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`列${i}`, '中'.repeat(1_500)]));
    expect(rowBytes(big)).toBeGreaterThan(MAX_ROW_BYTES);
    const res = checkRowLimits(big, known);
    expect(res.errors.map((e) => e.code)).toEqual(['row_too_large']);
    for (const e of res.errors) expect(e.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('validation applies them: `sibao validate`, the add-on and the API refuse the same rows with the same codes', () => {
    const base = { 统一社会信用代码: '91410222MA44ABCDE0', 名称: '企\u202E业', 所属领域: '工业生产' };
    const [dirty, long] = validateRows('whitelist', [
      { row: 2, values: base },
      { row: 3, values: { ...base, 附注: 'x'.repeat(MAX_CELL_CHARS + 1) } },
    ]);
    expect(dirty.warnings.map((w) => w.code)).toContain('control_chars');
    expect(long.ok).toBe(false);
    expect(long.errors.map((e) => e.code)).toContain('too_long');
    expect(KINDS.whitelist.headers).toContain('名称');
  });
});
