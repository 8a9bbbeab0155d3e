// Table-driven tests of the configuration kinds: work_class, unit, routing_rule, sector_target,
// sla_rule, member, calendar_override.
import { describe, expect, it } from 'vitest';
import type { RowKind } from '../../domain/rows/kinds.js';
import type { Cell, RowResult } from '../../domain/rows/types.js';
import { validateRow, validateRows } from '../../domain/rows/validate.js';
import { at, codes, suite } from './validate-cases.js';



suite(
  'work_class',
  { 专班编码: '工业生产', 名称: '', 牵头单位: 'ＫＧＪ', 办公地点: '县科工局', 联系邮箱: 'industry@county.example' },
  { id: 'industry', name: '工业生产', leadUnit: 'KGJ', office: '县科工局', email: 'industry@county.example' },
  [
    ['missing id', { 专班编码: '' }, ['专班编码:required']],
    ['unknown id', { 专班编码: 'farming' }, ['专班编码:enum']],
    ['bad email', { 联系邮箱: 'industry' }, ['联系邮箱:email']],
  ],
);

suite(
  'unit',
  { 单位编码: 'KGJ', 单位名称: '县科工局', 类型: '县直部门', 联系人: '办公室', 联系邮箱: 'kgj@county.example；Office@County.example', 上级单位: 'ZHB' },
  { code: 'KGJ', name: '县科工局', type: '县直部门', contact: '办公室', emails: ['kgj@county.example', 'office@county.example'], parent: 'ZHB' },
  [
    ['missing code', { 单位编码: '' }, ['单位编码:required']],
    ['missing name', { 单位名称: '' }, ['单位名称:required']],
    ['unknown type', { 类型: '村委会' }, ['类型:enum']],
    ['one bad email in the list', { 联系邮箱: 'kgj@county.example；bad' }, ['联系邮箱:email']],
  ],
);

describe('unit duplicates', () => {
  it('单位编码 and 单位名称 are unique within the table', () => {
    const rs = validateRows('unit', [
      at({ 单位编码: 'A', 单位名称: '甲', 类型: '乡镇' }, 2),
      at({ 单位编码: 'A', 单位名称: '乙', 类型: '乡镇' }, 3),
      at({ 单位编码: 'C', 单位名称: '甲', 类型: '乡镇' }, 4),
    ]);
    expect(rs.map((r) => r.ok)).toEqual([true, false, false]);
    expect(rs[1].errors).toMatchObject([{ column: '单位编码', code: 'duplicate' }]);
    expect(rs[2].errors).toMatchObject([{ column: '单位名称', code: 'duplicate' }]);
    expect(rs[2].errors[0].message).toContain('第2行');
  });
});

suite(
  'routing_rule',
  { 优先级: '10', 问题类别: '物流运输', 所属领域: '', 所在乡镇: '', 关键词: '通行证；货车,运输', 责任单位: 'JTJ' },
  { priority: 10, category: '物流运输', keywords: ['通行证', '货车', '运输'], unit: 'JTJ', row: 2 },
  [
    ['missing priority', { 优先级: '' }, ['优先级:required']],
    ['fractional priority', { 优先级: '1.5' }, ['优先级:number']],
    ['unknown category', { 问题类别: '天气' }, ['问题类别:enum']],
    ['unknown sector', { 所属领域: '农业' }, ['所属领域:enum']],
    ['missing unit', { 责任单位: '' }, ['责任单位:required']],
  ],
);

suite(
  'sector_target',
  { 所属领域: '商贸流通', 目标覆盖率: '70%', 截止日期: '2022年6月30日' },
  { sector: '商贸流通', target: 0.7, deadline: '2022-06-30' },
  [
    ['missing sector', { 所属领域: '' }, ['所属领域:required']],
    ['bad target', { 目标覆盖率: '七成' }, ['目标覆盖率:number']],
    ['target above 100%', { 目标覆盖率: '120%' }, ['目标覆盖率:number_range']],
    ['zero target', { 目标覆盖率: '0' }, ['目标覆盖率:number_range']],
    ['bad deadline', { 截止日期: '月底' }, ['截止日期:date']],
  ],
);

suite(
  'sla_rule',
  { 紧急程度: '紧急', '签收时限（工作日）': '0', '反馈时限（工作日）': '1', '办结时限（工作日）': '1' },
  { urgency: '紧急', signDays: 0, feedbackDays: 1, resolveDays: 1 },
  [
    ['unknown urgency', { 紧急程度: '特急' }, ['紧急程度:enum']],
    ['missing days', { '办结时限（工作日）': '' }, ['办结时限（工作日）:required']],
    ['negative days', { '签收时限（工作日）': '-1' }, ['签收时限（工作日）:number_range']],
    ['fractional days', { '反馈时限（工作日）': '1.5' }, ['反馈时限（工作日）:number']],
    ['feedback after resolution', { '反馈时限（工作日）': '3' }, ['反馈时限（工作日）:number_range']],
  ],
);

suite(
  'member',
  { 邮箱: 'Editor@Industry.example', 专班编码: 'industry', 角色: '编辑' },
  { email: 'editor@industry.example', workClass: 'industry', role: '编辑' },
  [
    ['missing email', { 邮箱: '' }, ['邮箱:required']],
    ['bad email', { 邮箱: 'editor' }, ['邮箱:email']],
    ['unknown class', { 专班编码: 'farming' }, ['专班编码:enum']],
    ['unknown role', { 角色: '管理员' }, ['角色:enum']],
  ],
);

describe('member duplicates', () => {
  it('邮箱 + 专班编码 is unique; the same person may sit in two classes', () => {
    const rs = validateRows('member', [
      at({ 邮箱: 'a@x.example', 专班编码: 'industry', 角色: '编辑' }, 2),
      at({ 邮箱: 'a@x.example', 专班编码: 'commerce', 角色: '编辑' }, 3),
      at({ 邮箱: 'A@X.example', 专班编码: '工业生产', 角色: '只读' }, 4),
    ]);
    expect(rs.map((r) => r.ok)).toEqual([true, true, false]);
    expect(rs[2].errors[0]).toMatchObject({ column: '邮箱', code: 'duplicate' });
    expect(rs[2].errors[0].message).toContain('第2行');
  });
});

suite(
  'calendar_override',
  { 日期: '2027-02-10', 类型: '休息日' },
  { date: '2027-02-10', type: '休息日' },
  [
    ['missing date', { 日期: '' }, ['日期:required']],
    ['bad date', { 日期: '2027-02-30' }, ['日期:date']],
    ['unknown type', { 类型: '半天' }, ['类型:enum']],
  ],
);

describe('calendar_override duplicates and aliases', () => {
  it('accepts 上班 as 工作日 and rejects a date listed twice', () => {
    const rs = validateRows('calendar_override', [at({ 日期: '2027-02-07', 类型: '上班' }, 2), at({ 日期: '2027/2/7', 类型: '休息日' }, 3)]);
    expect(rs[0].value).toEqual({ date: '2027-02-07', type: '工作日' });
    expect(rs[1].errors).toMatchObject([{ column: '日期', code: 'duplicate' }]);
  });
});
