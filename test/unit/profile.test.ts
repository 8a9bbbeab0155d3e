import { describe, expect, it } from 'vitest';
import { buildProfile, DEFAULT_SLA, slaFor, unitByCodeOrName } from '../../domain/rows/profile.js';
import type { Cell, RawRow } from '../../domain/rows/types.js';

const rows = (list: Record<string, Cell>[]): RawRow[] => list.map((values, i) => ({ row: i + 2, values }));

const units = [
  { 单位编码: 'FGW', 单位名称: '县发展改革委', 类型: '县直部门', 联系邮箱: 'fgw@county.example' },
  { 单位编码: 'KGJ', 单位名称: '县科工局', 类型: '县直部门', 联系邮箱: 'kgj@county.example', 上级单位: 'FGW' },
  { 单位编码: 'SWJ', 单位名称: '县商务局', 类型: '县直部门', 联系邮箱: 'swj@county.example', 上级单位: '县发展改革委' },
  { 单位编码: 'JTJ', 单位名称: '县交通运输局', 类型: '县直部门', 联系邮箱: 'jtj@county.example' },
  { 单位编码: 'WLJ', 单位名称: '县文化广电旅游局', 类型: '县直部门', 联系邮箱: 'wlj@county.example' },
  { 单位编码: 'ZDB', 单位名称: '县重点办', 类型: '县直部门', 联系邮箱: 'zdb@county.example' },
  { 单位编码: 'CG', 单位名称: '城关镇', 类型: '乡镇', 联系邮箱: 'cg@county.example' },
  { 单位编码: 'ZHB', 单位名称: '指挥部办公室', 类型: '指挥部', 联系邮箱: 'zhb@county.example' },
  { 单位编码: 'XLD', 单位名称: '县委县政府', 类型: '县领导', 联系邮箱: 'xld@county.example' },
];
const classes = [
  { 专班编码: 'coordination', 牵头单位: 'FGW' },
  { 专班编码: 'industry', 牵头单位: 'KGJ' },
  { 专班编码: 'commerce', 牵头单位: '县商务局' },
  { 专班编码: 'transport', 牵头单位: 'JTJ' },
  { 专班编码: 'culture_tourism', 牵头单位: 'WLJ' },
  { 专班编码: 'key_projects', 牵头单位: 'ZDB' },
  { 专班编码: 'supervision', 牵头单位: '' },
];
const good = () => ({
  unit: rows(units),
  work_class: rows(classes),
  routing_rule: rows([
    { 优先级: 20, 问题类别: '物流运输', 责任单位: 'JTJ' },
    { 优先级: 10, 所在乡镇: '城关镇', 关键词: '停电', 责任单位: '城关镇' },
  ]),
  member: rows([{ 邮箱: 'editor@industry.example', 专班编码: 'industry', 角色: '编辑' }]),
  sector_target: rows([{ 所属领域: '工业生产', 目标覆盖率: '70%', 截止日期: '2022-06-30' }]),
  calendar_override: rows([{ 日期: '2027-02-10', 类型: '休息日' }]),
});

describe('buildProfile', () => {
  it('builds a clean profile from valid tables', () => {
    const { profile, problems, results } = buildProfile(good());
    expect(problems).toEqual([]);
    expect(results.unit?.every((r) => r.ok)).toBe(true);
    expect(profile.units).toHaveLength(9);
    expect(profile.units.find((u) => u.code === 'SWJ')?.parent).toBe('FGW');
    expect(profile.workClasses.find((c) => c.id === 'commerce')?.leadUnit).toBe('SWJ');
    expect(profile.workClasses.find((c) => c.id === 'commerce')?.name).toBe('商贸流通');
    expect(profile.routingRules.map((r) => [r.priority, r.unit])).toEqual([
      [10, 'CG'],
      [20, 'JTJ'],
    ]);
    expect(profile.sectorTargets).toEqual([{ sector: '工业生产', target: 0.7, deadline: '2022-06-30' }]);
    expect(profile.slaRules).toEqual([]);
    expect(profile.members).toHaveLength(1);
    expect(profile.calendarOverrides).toEqual([{ date: '2027-02-10', type: '休息日' }]);
  });

  it('reports references to unknown units and classes', () => {
    const t = good();
    t.routing_rule.push({ row: 4, values: { 优先级: 1, 责任单位: 'NOPE' } });
    t.routing_rule.push({ row: 5, values: { 优先级: 2, 所在乡镇: '县科工局', 责任单位: 'KGJ' } });
    t.unit.push({ row: 11, values: { 单位编码: 'X', 单位名称: '某单位', 类型: '县直部门', 联系邮箱: 'x@county.example', 上级单位: 'GONE' } });
    t.member.push({ row: 3, values: { 邮箱: 'e@epi.example', 专班编码: 'epidemic_support', 角色: '编辑' } });
    const { profile, problems } = buildProfile(t);
    expect(problems.map((p) => `${p.kind}:${p.row}:${p.column}:${p.code}`).sort()).toEqual(
      [
        'routing_rule:4:责任单位:unknown_reference',
        'routing_rule:5:所在乡镇:unknown_reference',
        'unit:11:上级单位:unknown_reference',
        'member:3:专班编码:unknown_reference',
      ].sort(),
    );
    expect(problems.find((p) => p.row === 4)?.message).toContain('NOPE');
    expect(profile.routingRules.map((r) => r.priority)).toEqual([10, 20]);
    expect(profile.units.find((u) => u.code === 'X')?.parent).toBeUndefined();
  });

  it('reports sector classes and coordination without a lead unit', () => {
    const t = good();
    t.work_class = rows(classes.filter((c) => c.专班编码 !== 'transport').map((c) => (c.专班编码 === 'coordination' ? { ...c, 牵头单位: '' } : c)));
    const { problems } = buildProfile(t);
    const missing = problems.filter((p) => p.code === 'missing_lead_unit');
    expect(missing).toHaveLength(2);
    expect(missing.map((p) => p.message).join()).toContain('综合协调');
    expect(missing.map((p) => p.message).join()).toContain('交通运输');
    expect(problems.find((p) => p.code === 'missing_lead_unit')?.severity).toBe('error');
  });

  it('reports a 上级单位 cycle once', () => {
    const t = good();
    t.unit = rows([
      ...units.filter((u) => u.单位编码 !== 'FGW'),
      { 单位编码: 'FGW', 单位名称: '县发展改革委', 类型: '县直部门', 联系邮箱: 'fgw@county.example', 上级单位: 'KGJ' },
    ]);
    const cycles = buildProfile(t).problems.filter((p) => p.code === 'parent_cycle');
    expect(cycles).toHaveLength(1);
    expect(cycles[0].message).toMatch(/KGJ → FGW → KGJ|FGW → KGJ → FGW/);
  });

  it('warns when no unit is the command (指挥部) or leadership, or a unit has no email', () => {
    const t = good();
    t.unit = rows(units.filter((u) => u.类型 !== '指挥部' && u.类型 !== '县领导').map((u) => (u.单位编码 === 'CG' ? { ...u, 联系邮箱: '' } : u)));
    const { problems } = buildProfile(t);
    expect(problems.filter((p) => p.severity === 'warning').map((p) => p.code).sort()).toEqual(['no_command_unit', 'no_leadership_unit', 'unit_no_email']);
  });

  it('reports duplicated members and leaves invalid rows out', () => {
    const t = good();
    t.member.push({ row: 3, values: { 邮箱: 'EDITOR@industry.example', 专班编码: '工业生产', 角色: '只读' } });
    t.member.push({ row: 4, values: { 邮箱: 'bad', 专班编码: 'industry', 角色: '编辑' } });
    const { profile, problems, results } = buildProfile(t);
    expect(problems.map((p) => `${p.row}:${p.code}`)).toEqual(['3:duplicate']);
    expect(results.member?.map((r) => r.ok)).toEqual([true, false, false]);
    expect(profile.members).toHaveLength(1);
  });
});

describe('SLA defaults and unit look-up', () => {
  it('missing 办理时限 means 13710', () => {
    const { profile } = buildProfile(good());
    expect(slaFor(profile, '一般')).toEqual({ urgency: '一般', signDays: 1, feedbackDays: 3, resolveDays: 7 });
    expect(slaFor(profile, '紧急')).toEqual({ urgency: '紧急', signDays: 0, feedbackDays: 1, resolveDays: 1 });
    expect(DEFAULT_SLA).toHaveLength(2);
  });
  it('a partial table overrides only its urgency', () => {
    const t = { ...good(), sla_rule: rows([{ 紧急程度: '一般', '签收时限（工作日）': 2, '反馈时限（工作日）': 4, '办结时限（工作日）': 10 }]) };
    const { profile } = buildProfile(t);
    expect(slaFor(profile, '一般').resolveDays).toBe(10);
    expect(slaFor(profile, '紧急').resolveDays).toBe(1);
  });
  it('finds units by code or name, tolerant of width and spacing', () => {
    const { profile } = buildProfile(good());
    expect(unitByCodeOrName(profile, 'KGJ')?.name).toBe('县科工局');
    expect(unitByCodeOrName(profile, ' 县科工局 ')?.code).toBe('KGJ');
    expect(unitByCodeOrName(profile, 'ｋｇｊ')?.code).toBe('KGJ');
    expect(unitByCodeOrName(profile, '不存在')).toBeUndefined();
  });
});
