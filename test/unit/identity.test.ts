// Row identity (domain/rows/identity.ts, SPEC §7.1/§7.8): the identity order, natural keys per kind,
// collision-free joining, fingerprints that ignore position and cell spelling, the pure SHA-256,
// and `duplicate` for the same row twice in one batch.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentIdentity, fingerprintOf, ID_COLUMN, joinKey, naturalKeyOf, rowIdentity, splitKey } from '../../domain/rows/identity.js';
import { ROW_KINDS } from '../../domain/rows/kinds.js';
import { sha256Hex } from '../../domain/rows/sha256.js';
import { ROW_TABLE } from '../../domain/rows/table.js';
import { validateRows } from '../../domain/rows/validate.js';

const USCC = '91410222JKMQMETJ6W';

describe('sha256Hex', () => {
  it('agrees with node:crypto on ASCII, CJK, astral characters and block boundaries', () => {
    const samples = ['', 'abc', '四保白名单', '𠀀😀', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), '问'.repeat(1000)];
    for (const s of samples) expect(sha256Hex(s), s.slice(0, 10)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
  });

  it('agrees with node:crypto on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => sha256Hex(s) === createHash('sha256').update(s, 'utf8').digest('hex')),
      { numRuns: 200 },
    );
  });
});

describe('joinKey', () => {
  it('never gives two part lists the same id', () => {
    expect(joinKey(['a#b', 'c'])).not.toBe(joinKey(['a', 'b#c']));
    expect(joinKey(['a%23', 'b'])).not.toBe(joinKey(['a#', 'b']));
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 4 }), fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 4 }), (a, b) => {
        const same = a.length === b.length && a.every((x, i) => x === b[i]);
        return same === (joinKey(a) === joinKey(b));
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips through splitKey and leaves ordinary parts readable', () => {
    expect(joinKey(['工业生产', '2022-05'])).toBe('工业生产#2022-05');
    fc.assert(fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 4 }), (parts) => JSON.stringify(splitKey(joinKey(parts))) === JSON.stringify(parts)));
  });
});

describe('rowIdentity', () => {
  it('declares an identity for every kind', () => {
    for (const k of ROW_KINDS) expect(ROW_TABLE[k].identity, k).toBeDefined();
  });

  it('follows the order 编号 → _标识 → natural key → fingerprint', () => {
    const issue = { 反映企业代码: USCC, 反映日期: '2022-06-06', 问题描述: '原料断供', 问题类别: '原料采购' };
    const fp = rowIdentity('issue', issue);
    expect(fp.source).toBe('fingerprint');
    expect(fp.id).toMatch(/^fp:[0-9a-f]{32}$/);
    expect(rowIdentity('issue', { ...issue, [ID_COLUMN]: 'WT-20220606-001' })).toEqual({ id: 'WT-20220606-001', source: 'hidden' });
    expect(rowIdentity('issue', { ...issue, 编号: 'wt-20220606-002 ', [ID_COLUMN]: 'WT-20220606-001' })).toEqual({ id: 'WT-20220606-002', source: 'number' });
    // Another kind's 编号 is not this kind's system number.
    expect(rowIdentity('issue', { ...issue, 编号: 'JC-20220606-002' }).source).toBe('fingerprint');
    const wl = { 统一社会信用代码: USCC.toLowerCase(), 名称: '甲' };
    expect(rowIdentity('whitelist', wl)).toEqual({ id: USCC, source: 'natural' });
    expect(rowIdentity('whitelist', { ...wl, [ID_COLUMN]: 'X' })).toEqual({ id: 'X', source: 'hidden' });
  });

  it('reads key cells as their columns do: full width, spacing, dates, enum spellings', () => {
    expect(rowIdentity('sector_total', { 所属领域: ' 工业生产 ', 统计期: '2022年5月' }).id).toBe('工业生产#2022-05');
    expect(rowIdentity('member', { 邮箱: 'A@X.example', 专班编码: '工业生产专班', 角色: '编辑' }).id).toBe('a@x.example#industry');
    expect(rowIdentity('calendar_override', { 日期: 44721, 类型: '班' }).id).toBe('2022-06-09');
    expect(rowIdentity('unit', { 单位编码: 'ｇｘｑ' }).id).toBe('gxq');
    expect(rowIdentity('issue', { 反映日期: '2022/6/6', 问题描述: ' 原料断供 ', 反映企业代码: USCC.toLowerCase() }).id).toBe(
      rowIdentity('issue', { 反映日期: '2022-06-06', 问题描述: '原料断供', 反映企业代码: USCC, 企业名称: '别的名字' }).id,
    );
  });

  it('fingerprints the identifying cells only, and every cell of a routing rule', () => {
    const a = { 优先级: 10, 问题类别: '', 关键词: '用电；停电', 责任单位: 'gdgs' };
    expect(rowIdentity('routing_rule', a).id).toBe(rowIdentity('routing_rule', { ...a, 优先级: '10' }).id);
    expect(rowIdentity('routing_rule', a).id).not.toBe(rowIdentity('routing_rule', { ...a, 责任单位: 'fgw' }).id);
    expect(fingerprintOf('issue', { description: 'x' })).not.toBe(fingerprintOf('inspection', { matter: 'x' }));
  });

  it('fingerprints a row whose natural key is incomplete over all its cells', () => {
    const id = contentIdentity('whitelist', { 统一社会信用代码: '', 名称: '甲' });
    expect(id.source).toBe('fingerprint');
    expect(id.id).toBe(contentIdentity('whitelist', { 名称: '甲' }).id);
    expect(naturalKeyOf('consultant', { unit: 'fgw', name: '张三' })).toBe('fgw#张三');
    expect(naturalKeyOf('consultant', { unit: 'fgw' })).toBeUndefined();
  });

  it('does not depend on the row number or column order', () => {
    const cells = { 优先级: 20, 问题类别: '物流运输', 关键词: '快递', 责任单位: 'yzj' };
    const reversed = Object.fromEntries(Object.entries(cells).reverse());
    expect(rowIdentity('routing_rule', reversed).id).toBe(rowIdentity('routing_rule', cells).id);
  });
});

describe('the same row twice in one batch', () => {
  const issue = (row: number, extra: Record<string, string> = {}) => ({
    row,
    values: { 问题类别: '原料采购', 问题描述: '原料断供', 反映日期: '2022-06-06', 反映企业代码: USCC, ...extra },
  });

  it('identical identifying cells without 编号 are duplicate (the later row)', () => {
    const r = validateRows('issue', [issue(2), issue(3, { 联系人: '别人' }), issue(4, { 问题描述: '另一件事' })]);
    expect(r.map((x) => x.ok)).toEqual([true, false, true]);
    expect(r[1].errors[0]).toMatchObject({ code: 'duplicate', column: '问题描述' });
    expect(r[1].errors[0].message).toContain('第2行');
  });

  it('rows told apart by their 编号 are not duplicates; the same 编号 or _标识 twice is', () => {
    const r = validateRows('issue', [issue(2, { 编号: 'WT-20220606-001' }), issue(3, { 编号: 'WT-20220606-002' }), issue(4, { 编号: 'WT-20220606-001', 问题描述: '改过' })]);
    expect(r.map((x) => x.ok)).toEqual([true, true, false]);
    const w = validateRows('sla_rule', [
      { row: 2, values: { 紧急程度: '一般', '签收时限（工作日）': 1, '反馈时限（工作日）': 3, '办结时限（工作日）': 7, [ID_COLUMN]: 'x' } },
      { row: 3, values: { 紧急程度: '紧急', '签收时限（工作日）': 0, '反馈时限（工作日）': 1, '办结时限（工作日）': 1, [ID_COLUMN]: 'x' } },
    ]);
    expect(w.map((x) => x.ok)).toEqual([true, false]);
  });

  it('routing rules with the same 优先级 are duplicate', () => {
    const r = validateRows('routing_rule', [
      { row: 2, values: { 优先级: 10, 责任单位: 'a' } },
      { row: 3, values: { 优先级: '10', 责任单位: 'b' } },
    ]);
    expect(r[1]).toMatchObject({ ok: false });
    expect(r[1].errors[0]).toMatchObject({ code: 'duplicate', column: '优先级' });
  });
});
