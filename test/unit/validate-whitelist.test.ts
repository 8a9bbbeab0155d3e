import { describe, expect, it } from 'vitest';
import type { RowKind } from '../../domain/rows/kinds.js';
import { formatRowError } from '../../domain/rows/messages.js';
import type { Cell, Profile, RowResult } from '../../domain/rows/types.js';
import { makeUscc } from '../../domain/rows/uscc.js';
import { validateRow, validateRows } from '../../domain/rows/validate.js';
import { at, codes } from './validate-cases.js';

const CODE = makeUscc('91410222MA4000001');
const CODE2 = makeUscc('91410222MA4000002');
const PROJECT = '2206-410222-04-01-123456';
const BAD_CHECK = CODE.slice(0, 17) + (CODE[17] === '0' ? '1' : '0');

const base: Record<string, Cell> = {
  统一社会信用代码: CODE,
  名称: '示例机械制造有限公司',
  所属领域: '工业生产',
  所在乡镇: '城关镇',
  '产值或投资额（万元）': '1,234.5',
  员工人数: '120',
  状态: '已纳入',
  纳入日期: '2022/6/10',
  移出日期: '',
  移出原因: '',
  联系人: '办公室',
  联系电话: '0371-12345678',
  联系邮箱: 'office@factory.example',
  关联企业: `${CODE2}；${PROJECT}`,
  备注: '',
};

const check = (kind: RowKind, patch: Record<string, Cell>, b = base) => validateRow(kind, at({ ...b, ...patch }));

const profile: Profile = {
  workClasses: [],
  units: [
    { code: 'CG', name: '城关镇', type: '乡镇', emails: [] },
    { code: 'XP', name: '咸平街道', type: '街道', emails: [] },
    { code: 'FGW', name: '县发展改革委', type: '县直部门', emails: [] },
  ],
  routingRules: [],
  sectorTargets: [],
  slaRules: [],
  members: [],
  calendarOverrides: [],
};

describe('whitelist: valid rows', () => {
  it('normalises every column', () => {
    const r = check('whitelist', {});
    expect(r).toMatchObject({ row: 2, ok: true, errors: [], warnings: [] });
    expect(r.value).toEqual({
      code: CODE,
      name: '示例机械制造有限公司',
      sector: '工业生产',
      locality: '城关镇',
      value: 1234.5,
      employees: 120,
      status: '已纳入',
      admittedOn: '2022-06-10',
      contact: '办公室',
      phone: '0371-12345678',
      email: 'office@factory.example',
      partners: [CODE2, PROJECT],
    });
  });

  it.each<[string, Record<string, Cell>, Record<string, unknown>]>([
    ['lower-case code', { 统一社会信用代码: CODE.toLowerCase() }, { code: CODE }],
    ['project code', { 统一社会信用代码: PROJECT, 所属领域: '重点项目' }, { code: PROJECT, sector: '重点项目' }],
    ['full-width digits', { '产值或投资额（万元）': '１，２３４', 员工人数: '１２' }, { value: 1234, employees: 12 }],
    ['numeric cells', { '产值或投资额（万元）': 88, 员工人数: 7 }, { value: 88, employees: 7 }],
    ['date serial', { 纳入日期: 44722 }, { admittedOn: '2022-06-10' }],
    ['JS date at UTC midnight', { 纳入日期: new Date(Date.UTC(2022, 5, 10)) }, { admittedOn: '2022-06-10' }],
    ['Chinese date', { 纳入日期: '2022年6月10日' }, { admittedOn: '2022-06-10' }],
    ['申报中 without dates', { 状态: '申报中', 纳入日期: '' }, { status: '申报中' }],
    ['value 0 and 10,000,000 are allowed', { '产值或投资额（万元）': '10,000,000' }, { value: 10_000_000 }],
    ['mobile phone', { 联系电话: '138 1234 5678' }, { phone: '13812345678' }],
    ['no partners', { 关联企业: '' }, { partners: [] }],
    ['partners with commas', { 关联企业: `${CODE2},${PROJECT}` }, { partners: [CODE2, PROJECT] }],
    [
      'removed with every field',
      { 状态: '已移出', 移出日期: '2022-07-01', 移出原因: '熔断(防控不力致疫情输入扩散)' },
      { status: '已移出', removedOn: '2022-07-01', removalReason: '熔断（防控不力致疫情输入扩散）' },
    ],
    ['removal on the admission day', { 状态: '已移出', 移出日期: '2022-06-10', 移出原因: '企业申请退出' }, { removedOn: '2022-06-10' }],
    ['half-width header', { '产值或投资额（万元）': undefined, '产值或投资额(万元)': '5' }, { value: 5 }],
    ['extra columns are ignored', { 自定义列: '随便' }, { code: CODE }],
  ])('%s', (_name, patch, expected) => {
    const r = check('whitelist', patch);
    expect(r.errors).toEqual([]);
    expect(r.value).toMatchObject(expected);
  });
});

describe('whitelist: each rule', () => {
  it.each<[string, Record<string, Cell>, string[]]>([
    ['missing code', { 统一社会信用代码: '' }, ['统一社会信用代码:required']],
    ['short code', { 统一社会信用代码: CODE.slice(0, 17) }, ['统一社会信用代码:uscc_format']],
    ['bad character', { 统一社会信用代码: `${CODE.slice(0, 5)}I${CODE.slice(6)}` }, ['统一社会信用代码:uscc_format']],
    ['wrong check character', { 统一社会信用代码: BAD_CHECK }, ['统一社会信用代码:uscc_checksum']],
    ['bad project code', { 统一社会信用代码: '2206-410222-04-01-12345' }, ['统一社会信用代码:project_code_format']],
    ['missing name', { 名称: '  ' }, ['名称:required']],
    ['name too long', { 名称: '企'.repeat(101) }, ['名称:too_long']],
    ['unknown sector', { 所属领域: '农业' }, ['所属领域:enum']],
    ['missing locality', { 所在乡镇: '' }, ['所在乡镇:required']],
    ['missing value', { '产值或投资额（万元）': '' }, ['产值或投资额（万元）:required']],
    ['value not a number', { '产值或投资额（万元）': '一千' }, ['产值或投资额（万元）:number']],
    ['negative value', { '产值或投资额（万元）': '-1' }, ['产值或投资额（万元）:number_range']],
    ['value entered in 元', { '产值或投资额（万元）': '12,345,678' }, ['产值或投资额（万元）:number_range']],
    ['fractional employees', { 员工人数: '12.5' }, ['员工人数:number']],
    ['negative employees', { 员工人数: '-3' }, ['员工人数:number_range']],
    ['missing status', { 状态: '' }, ['状态:required']],
    ['unknown status', { 状态: '已通过' }, ['状态:enum']],
    ['impossible date', { 纳入日期: '2022-02-30' }, ['纳入日期:date']],
    ['已纳入 without 纳入日期', { 纳入日期: '' }, ['纳入日期:conditional_required']],
    [
      '已移出 without anything',
      { 状态: '已移出', 纳入日期: '' },
      ['移出原因:conditional_required', '移出日期:conditional_required', '纳入日期:conditional_required'],
    ],
    ['已移出 with an unknown reason', { 状态: '已移出', 移出日期: '2022-07-01', 移出原因: '倒闭' }, ['移出原因:enum']],
    ['removal before admission', { 状态: '已移出', 移出日期: '2022-06-01', 移出原因: '其他' }, ['移出日期:date_order']],
    ['bad phone', { 联系电话: '12345' }, ['联系电话:phone']],
    ['bad email', { 联系邮箱: 'office#factory.example' }, ['联系邮箱:email']],
    ['bad partner code', { 关联企业: `${CODE2}；${BAD_CHECK}` }, ['关联企业:uscc_checksum']],
  ])('%s', (_name, patch, expected) => {
    const r = check('whitelist', patch);
    expect(r.ok).toBe(false);
    expect(r.value).toBeUndefined();
    expect(codes(r)).toEqual([...expected].sort());
    for (const e of r.errors) expect(e.message).toContain(`「${e.column}」`);
  });

  it('says what was found and what is expected', () => {
    const r = check('whitelist', { 统一社会信用代码: BAD_CHECK });
    expect(r.errors[0].message).toContain(`应为「${CODE[17]}」`);
    expect(r.errors[0].message).toContain(`实际为「${BAD_CHECK[17]}」`);
    expect(formatRowError(3, r.errors[0])).toMatch(/^第3行「统一社会信用代码」：校验位错误：应为/);
    const e = check('whitelist', { 状态: '已通过' }).errors[0];
    expect(e.message).toContain('已通过');
    expect(e.message).toContain('已纳入');
    expect(check('whitelist', { '产值或投资额（万元）': '20000000' }).errors[0].message).toContain('元');
  });

  it('flags free text that looks like a formula and keeps it', () => {
    const r = check('whitelist', { 名称: '=HYPERLINK("x")', 备注: '-备注' });
    expect(r.ok).toBe(true);
    expect(r.value).toMatchObject({ name: '=HYPERLINK("x")', note: '-备注' });
    expect(r.warnings.map((w) => `${w.column}:${w.code}`)).toEqual(['名称:formula_text', '备注:formula_text']);
  });

  it('warns when removal fields are filled but the status is not 已移出', () => {
    const r = check('whitelist', { 移出日期: '2022-07-01' });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.code)).toEqual(['status_mismatch']);
  });
});

describe('whitelist: context', () => {
  it('wrong_sector when the row belongs to another sector', () => {
    const r = validateRow('whitelist', at(base), { sector: '商贸流通' });
    expect(codes(r)).toEqual(['所属领域:wrong_sector']);
    expect(validateRow('whitelist', at(base), { sector: '工业生产' }).ok).toBe(true);
  });

  it('所在乡镇 must be a locality unit of the profile', () => {
    expect(validateRow('whitelist', at(base), { profile }).ok).toBe(true);
    expect(validateRow('whitelist', at({ ...base, 所在乡镇: 'XP' }), { profile }).value).toMatchObject({ locality: '咸平街道' });
    expect(codes(validateRow('whitelist', at({ ...base, 所在乡镇: '县发展改革委' }), { profile }))).toEqual(['所在乡镇:unknown_reference']);
    expect(codes(validateRow('whitelist', at({ ...base, 所在乡镇: '火星镇' }), { profile }))).toEqual(['所在乡镇:unknown_reference']);
    expect(validateRow('whitelist', at({ ...base, 所在乡镇: '火星镇' })).ok).toBe(true);
  });
});

describe('whitelist: batches', () => {
  it('duplicates name the first row; the first row stays valid', () => {
    const rs = validateRows('whitelist', [at(base, 2), at({ ...base, 统一社会信用代码: CODE2 }, 3), at({ ...base, 统一社会信用代码: CODE.toLowerCase() }, 4)]);
    expect(rs.map((r) => r.ok)).toEqual([true, true, false]);
    expect(codes(rs[2])).toEqual(['统一社会信用代码:duplicate']);
    expect(rs[2].errors[0].message).toContain('第2行');
  });

  it('valid rows in a mixed batch stay ok, results keep the input order', () => {
    const rows = [
      at(base, 2),
      at({ ...base, 统一社会信用代码: BAD_CHECK }, 3),
      at({ ...base, 统一社会信用代码: CODE2, 状态: '未知' }, 4),
      at({ ...base, 统一社会信用代码: PROJECT, 所属领域: '重点项目' }, 5),
      at({}, 6),
    ];
    const rs = validateRows('whitelist', rows);
    expect(rs.map((r) => [r.row, r.ok])).toEqual([
      [2, true],
      [3, false],
      [4, false],
      [5, true],
      [6, false],
    ]);
    expect(rs[0].value).toMatchObject({ code: CODE });
    expect(rs[3].value).toMatchObject({ code: PROJECT });
    expect(codes(rs[4])).toContain('统一社会信用代码:required');
  });
});
