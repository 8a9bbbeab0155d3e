// Table-driven tests of the non-whitelist record kinds: sector_total, issue, policy, consultant,
// epidemic_support, inspection. Each kind: a valid row, then each rule broken on its own.
import { describe, expect, it } from 'vitest';
import type { RowKind } from '../../domain/rows/kinds.js';
import type { Cell, Profile, RowResult } from '../../domain/rows/types.js';
import { makeUscc } from '../../domain/rows/uscc.js';
import { validateRow, validateRows } from '../../domain/rows/validate.js';
import { at, codes, suite } from './validate-cases.js';

const CODE = makeUscc('91410222MA4000001');
const BAD_CHECK = CODE.slice(0, 17) + (CODE[17] === '0' ? '1' : '0');

const profile: Profile = {
  workClasses: [],
  units: [
    { code: 'CG', name: '城关镇', type: '乡镇', emails: ['cg@county.example'] },
    { code: 'KGJ', name: '县科工局', type: '县直部门', emails: ['kgj@county.example'] },
  ],
  routingRules: [],
  sectorTargets: [],
  slaRules: [],
  members: [],
  calendarOverrides: [],
};


suite(
  'sector_total',
  { 所属领域: '工业生产', 统计期: '2022年6月', '总量（万元）': '1,000,000', 数据来源: '县统计局', 备注: '' },
  { sector: '工业生产', period: '2022-06', total: 1_000_000, source: '县统计局' },
  [
    ['missing sector', { 所属领域: '' }, ['所属领域:required']],
    ['unknown sector', { 所属领域: '工业' }, ['所属领域:enum']],
    ['bad period', { 统计期: '2022-13' }, ['统计期:date']],
    ['missing total', { '总量（万元）': '' }, ['总量（万元）:required']],
    ['text total', { '总量（万元）': '很多' }, ['总量（万元）:number']],
    ['zero total', { '总量（万元）': '0' }, ['总量（万元）:number_range']],
  ],
);

suite(
  'issue',
  {
    编号: 'WT-20220610-001',
    反映企业代码: CODE,
    企业名称: '示例机械制造有限公司',
    所属领域: '工业生产',
    所在乡镇: '城关镇',
    问题类别: '物流运输',
    问题描述: '原料运输车辆无法进入园区',
    反映日期: '2022-06-10',
    联系人: '办公室',
    联系电话: '13812345678',
    状态: '已交办',
  },
  {
    enterpriseCode: CODE,
    enterpriseName: '示例机械制造有限公司',
    sector: '工业生产',
    locality: '城关镇',
    category: '物流运输',
    description: '原料运输车辆无法进入园区',
    urgency: '一般',
    beyondScope: false,
    major: false,
    reportedOn: '2022-06-10',
    contact: '办公室',
    phone: '13812345678',
  },
  [
    ['bad enterprise code', { 反映企业代码: BAD_CHECK }, ['反映企业代码:uscc_checksum']],
    ['missing category', { 问题类别: '' }, ['问题类别:required']],
    ['unknown category', { 问题类别: '噪音' }, ['问题类别:enum']],
    ['missing description', { 问题描述: '' }, ['问题描述:required']],
    ['description too long', { 问题描述: '长'.repeat(2001) }, ['问题描述:too_long']],
    ['unknown urgency', { 紧急程度: '特急' }, ['紧急程度:enum']],
    ['bad yes/no', { 超出协调范围: '也许' }, ['超出协调范围:enum']],
    ['bad yes/no (重大问题)', { 重大问题: '很大' }, ['重大问题:enum']],
    ['missing date', { 反映日期: '' }, ['反映日期:required']],
    ['bad date', { 反映日期: '2022-06-31' }, ['反映日期:date']],
    ['bad phone', { 联系电话: '1381234567' }, ['联系电话:phone']],
    ['bad email', { 联系邮箱: 'x@' }, ['联系邮箱:email']],
  ],
);

describe('issue: defaults, system columns and context', () => {
  const base = { 问题类别: '用工需求', 问题描述: '缺少熟练工', 反映日期: 44722 };
  it('system columns are ignored on input', () => {
    const r = validateRow('issue', at({ ...base, 编号: 'X', 责任单位: 'Y', 状态: 'Z', 签收时限: 'bad' }));
    expect(r.ok).toBe(true);
    expect(r.value).not.toHaveProperty('id');
  });
  it('reads 紧急/是', () => {
    expect(validateRow('issue', at({ ...base, 紧急程度: '紧急', 超出协调范围: '是', 重大问题: true })).value).toMatchObject({
      urgency: '紧急',
      beyondScope: true,
      major: true,
    });
  });
  it('warns (not errors) when the enterprise is not on a whitelist', () => {
    const r = validateRow('issue', at({ ...base, 反映企业代码: CODE }), { knownCodes: new Set(['X']) });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => `${w.column}:${w.code}`)).toEqual(['反映企业代码:not_on_whitelist']);
    expect(validateRow('issue', at({ ...base, 反映企业代码: CODE }), { knownCodes: new Set([CODE]) }).warnings).toEqual([]);
  });
  it('warns (not errors) when 反映日期 is after today', () => {
    // Serial 44722 is 2022-06-10.
    const later = validateRow('issue', at(base), { today: '2022-06-09' });
    expect(later.ok).toBe(true);
    expect(later.warnings.map((w) => `${w.column}:${w.code}`)).toEqual(['反映日期:future_date']);
    expect(later.warnings[0].message).toContain('2022-06-10');
    expect(validateRow('issue', at(base), { today: '2022-06-10' }).warnings).toEqual([]);
    expect(validateRow('issue', at(base)).warnings).toEqual([]);
  });
  it('指定责任单位 resolves to a unit code, unknown units are errors', () => {
    expect(validateRow('issue', at({ ...base, 指定责任单位: '县科工局' }), { profile }).value).toMatchObject({ assignedUnit: 'KGJ' });
    expect(validateRow('issue', at({ ...base, 指定责任单位: 'kgj' }), { profile }).value).toMatchObject({ assignedUnit: 'KGJ' });
    expect(codes(validateRow('issue', at({ ...base, 指定责任单位: '县外星局' }), { profile }))).toEqual(['指定责任单位:unknown_reference']);
    expect(codes(validateRow('issue', at({ ...base, 所在乡镇: '县科工局' }), { profile }))).toEqual(['所在乡镇:unknown_reference']);
  });
  it('a formula-like description is kept as text with a warning', () => {
    const r = validateRow('issue', at({ ...base, 问题描述: '@所有人 请协调' }));
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.code)).toEqual(['formula_text']);
  });
});

suite(
  'policy',
  {
    编号: 'ZC-001',
    政策名称: '关于进一步做好留抵退税工作的通知',
    发文单位: '县税务局',
    层级: '国家',
    政策类别: '留抵退税',
    适用领域: '全部',
    最低员工人数: '0',
    有效期至: '2022-12-31',
    链接: 'https://policy.county.example/1',
    责任单位: '县税务局',
  },
  {
    id: 'ZC-001',
    name: '关于进一步做好留抵退税工作的通知',
    issuer: '县税务局',
    level: '国家',
    category: '留抵退税',
    sectors: ['工业生产', '商贸流通', '交通运输', '文化旅游', '重点项目'],
    minEmployees: 0,
    validUntil: '2022-12-31',
    link: 'https://policy.county.example/1',
    unit: '县税务局',
  },
  [
    ['missing name', { 政策名称: '' }, ['政策名称:required']],
    ['unknown level', { 层级: '乡' }, ['层级:enum']],
    ['unknown category', { 政策类别: '其他' }, ['政策类别:enum']],
    ['unknown sector in list', { 适用领域: '工业生产；农业' }, ['适用领域:enum']],
    ['bad min employees', { 最低员工人数: '十' }, ['最低员工人数:number']],
    ['bad date', { 有效期至: '长期' }, ['有效期至:date']],
    ['bad link', { 链接: 'policy.county.example' }, ['链接:url']],
  ],
);

describe('policy lists and duplicates', () => {
  it('splits 适用领域 on 、 and commas', () => {
    const r = validateRow('policy', at({ 政策名称: 'x', 适用领域: '工业生产、商贸流通,交通运输' }));
    expect(r.value).toMatchObject({ sectors: ['工业生产', '商贸流通', '交通运输'] });
  });
  it('编号 is unique within a batch', () => {
    const rs = validateRows('policy', [at({ 编号: 'A', 政策名称: 'x' }, 2), at({ 编号: 'A', 政策名称: 'y' }, 3), at({ 政策名称: 'z' }, 4), at({ 政策名称: 'w' }, 5)]);
    expect(rs.map((r) => r.ok)).toEqual([true, false, true, true]);
    expect(rs[1].errors[0]).toMatchObject({ column: '编号', code: 'duplicate' });
  });
});

suite(
  'consultant',
  { 单位: '县税务局', 姓名: '政策咨询员甲', 联系电话: '0371-1234567', 联系邮箱: '', 负责政策类别: '留抵退税；税费减免' },
  { unit: '县税务局', name: '政策咨询员甲', phone: '0371-1234567', categories: ['留抵退税', '税费减免'] },
  [
    ['missing unit', { 单位: '' }, ['单位:required']],
    ['missing name', { 姓名: '' }, ['姓名:required']],
    ['no contact at all', { 联系电话: '' }, ['联系电话:conditional_required']],
    ['bad phone', { 联系电话: '123' }, ['联系电话:phone']],
    ['unknown category', { 负责政策类别: '万能' }, ['负责政策类别:enum']],
  ],
);

describe('consultant: unit must be known with a profile', () => {
  it('resolves names to codes', () => {
    const base = { 单位: '县科工局', 姓名: '咨询员', 联系邮箱: 'a@county.example' };
    expect(validateRow('consultant', at(base), { profile }).value).toMatchObject({ unit: 'KGJ', email: 'a@county.example' });
    expect(codes(validateRow('consultant', at({ ...base, 单位: '不存在局' }), { profile }))).toEqual(['单位:unknown_reference']);
  });
});

suite(
  'epidemic_support',
  { 对象类型: '白名单企业', 对象: CODE.toLowerCase(), 防疫人员: '企业防疫专员', 联系电话: '13812345678', 结对医疗机构: '县人民医院' },
  { targetType: '白名单企业', target: CODE, staff: '企业防疫专员', phone: '13812345678', medicalInstitution: '县人民医院' },
  [
    ['missing type', { 对象类型: '' }, ['对象类型:required']],
    ['unknown type', { 对象类型: '个人' }, ['对象类型:enum']],
    ['missing target', { 对象: '' }, ['对象:required']],
    ['bad enterprise code', { 对象: BAD_CHECK }, ['对象:uscc_checksum']],
    ['missing staff', { 防疫人员: '' }, ['防疫人员:required']],
    ['enterprise without a paired institution', { 结对医疗机构: '' }, ['结对医疗机构:conditional_required']],
    ['bad phone', { 联系电话: '电话' }, ['联系电话:phone']],
  ],
);

describe('epidemic_support: work classes', () => {
  it('a work class by name or id, stored as its id; no institution needed', () => {
    const r = validateRow('epidemic_support', at({ 对象类型: '工作专班', 对象: '工业生产专班', 防疫人员: '防疫专家' }));
    expect(r.value).toEqual({ targetType: '工作专班', target: 'industry', staff: '防疫专家' });
    expect(validateRow('epidemic_support', at({ 对象类型: '工作专班', 对象: 'commerce', 防疫人员: '专家' })).value).toMatchObject({ target: 'commerce' });
    expect(codes(validateRow('epidemic_support', at({ 对象类型: '工作专班', 对象: '农业专班', 防疫人员: '专家' })))).toEqual(['对象:enum']);
  });
});

suite(
  'inspection',
  { 编号: 'JC-1', 发起单位: '县市场监管局', 被检查企业代码: CODE, 检查事项: '食品安全抽检', 检查类别: '其他', 计划日期: '2022/6/15', 状态: '待审批', 审批意见: '' },
  { initiator: '县市场监管局', enterpriseCode: CODE, matter: '食品安全抽检', category: '其他', plannedOn: '2022-06-15' },
  [
    ['missing initiator', { 发起单位: '' }, ['发起单位:required']],
    ['missing code', { 被检查企业代码: '' }, ['被检查企业代码:required']],
    ['bad code', { 被检查企业代码: '12345' }, ['被检查企业代码:uscc_format']],
    ['missing matter', { 检查事项: '' }, ['检查事项:required']],
    ['unknown category', { 检查类别: '突击' }, ['检查类别:enum']],
    ['bad date', { 计划日期: '下周' }, ['计划日期:date']],
  ],
);
