// The header check (domain/rows/headers.ts, SPEC §7.1/§7.8): folding, synonyms, edit distance by
// length, missing required columns, extra columns, ignored hidden and row-number columns.
import { describe, expect, it } from 'vitest';
import { checkHeaders, editDistance, foldHeader, renameCells } from '../../domain/rows/headers.js';
import { KINDS, ROW_KINDS } from '../../domain/rows/kinds.js';

const WL = KINDS.whitelist.headers;
const without = (h: string) => WL.filter((x) => x !== h);

describe('checkHeaders', () => {
  it('accepts every kind’s own header row', () => {
    for (const k of ROW_KINDS) expect(checkHeaders(k, KINDS[k].headers), k).toMatchObject({ errors: [], warnings: [] });
  });

  it('reads headers equal after folding as the column', () => {
    const c = checkHeaders('whitelist', [...without('产值或投资额（万元）'), ' 产值或投资额 (万元) ']);
    expect(c.errors).toEqual([]);
    expect(c.rename.get('产值或投资额 (万元)')).toBe('产值或投资额（万元）');
    expect(foldHeader('联系　电话')).toBe(foldHeader('联系电话'));
  });

  it('names the column a synonym probably means (联系方式 → 联系电话)', () => {
    const c = checkHeaders('whitelist', [...without('联系电话'), '联系方式']);
    expect(c.errors).toEqual([expect.objectContaining({ code: 'unknown_header', column: '联系方式', probable: '联系电话' })]);
    expect(c.errors[0].message).toContain('联系电话');
  });

  it('edit distance 1 for columns of ≤ 4 characters, 2 for longer ones', () => {
    expect(checkHeaders('whitelist', [...without('员工人数'), '员工人员']).errors[0]).toMatchObject({ code: 'unknown_header', probable: '员工人数' });
    // Two changes in a 4-character column is a different column: an extra one.
    expect(checkHeaders('whitelist', [...WL, '员工数目']).errors).toEqual([]);
    expect(checkHeaders('whitelist', [...without('统一社会信用代码'), '统一社会信誉代吗']).errors).toEqual([
      expect.objectContaining({ code: 'unknown_header', probable: '统一社会信用代码' }),
    ]);
    expect(editDistance('abc', 'abd')).toBe(1);
    expect(editDistance('四保', '四保调度', 1)).toBe(2);
  });

  it('reports an absent required column once, never for one an unknown header claims', () => {
    const c = checkHeaders('whitelist', without('名称'));
    expect(c.errors).toEqual([expect.objectContaining({ code: 'missing_header', column: '名称' })]);
    const misspelled = checkHeaders('whitelist', [...without('所属领域'), '所属领城']);
    expect(misspelled.errors.map((e) => e.code)).toEqual(['unknown_header']);
  });

  it('keeps other headers as extra columns with one warning each; ignores _ columns and 序号', () => {
    const c = checkHeaders('whitelist', [...WL, '备用列', '备用列', '_标识', '_版本', '序号', '行号', '']);
    expect(c.errors).toEqual([]);
    expect(c.warnings).toEqual([expect.objectContaining({ code: 'extra_column', column: '备用列' })]);
  });

  it('knows the §7 columns still planned (no warning)', () => {
    expect(checkHeaders('whitelist', [...WL, '包保干部', '包保干部邮箱']).warnings).toEqual([]);
    expect(checkHeaders('issue', [...KINDS.issue.headers, '来源']).warnings).toEqual([]);
  });

  it('does not call a near miss of a column that is present an unknown header', () => {
    const c = checkHeaders('whitelist', [...WL, '联系电活']);
    expect(c.errors).toEqual([]);
    expect(c.warnings.map((w) => w.column)).toEqual(['联系电活']);
  });
});

describe('renameCells', () => {
  it('moves cells to their column’s name; the exact spelling wins', () => {
    const rename = new Map([['联系 电话', '联系电话']]);
    expect(renameCells({ '联系 电话': '1', 名称: 'x' }, rename)).toEqual({ 联系电话: '1', 名称: 'x' });
    expect(renameCells({ '联系 电话': '1', 联系电话: '2' }, rename)).toEqual({ 联系电话: '2' });
  });
});
