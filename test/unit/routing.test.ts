import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../domain/time/calendar.js';
import {
  DEFAULT_SLA_RULES,
  RoutingError,
  deadlinesFor,
  keywordsOf,
  orderedRules,
  routeIssue,
} from '../../domain/issues/routing.js';
import type { IssueRow, Profile, RoutingRule, Unit } from '../../domain/rows/types.js';

const unit = (code: string, name: string, type: Unit['type']): Unit => ({
  code,
  name,
  type,
  emails: [`${code.toLowerCase()}@county.example`],
});

const UNITS: Unit[] = [
  unit('FGW', '县发展和改革委员会', '县直部门'),
  unit('GXJ', '县工业和信息化局', '县直部门'),
  unit('SWJ', '县商务局', '县直部门'),
  unit('JTJ', '县交通运输局', '县直部门'),
  unit('RSJ', '县人力资源和社会保障局', '县直部门'),
  unit('GDJ', '县供电公司', '县直部门'),
  unit('CGZ', '城关镇', '乡镇'),
  unit('GXQ', '高新区', '园区'),
  unit('ZHB', '县四保工作指挥部', '指挥部'),
  unit('ZHBB', '指挥部办公室', '指挥部'),
  unit('XW', '县委', '县领导'),
  unit('XZF', '县政府', '县领导'),
];

const RULES: RoutingRule[] = [
  { priority: 10, category: '用工需求', keywords: [], unit: 'RSJ', row: 2 },
  { priority: 20, keywords: ['停电；断电', '供水;用气'], unit: 'GDJ', row: 3 },
  { priority: 5, sector: '交通运输', locality: '城关镇', keywords: [], unit: 'CGZ', row: 4 },
  { priority: 10, category: '用工需求', sector: '商贸流通', keywords: [], unit: 'SWJ', row: 5 },
  { priority: 30, locality: 'GXQ', keywords: [], unit: 'GXQ', row: 6 },
];

function profile(over: Partial<Profile> = {}): Profile {
  return {
    workClasses: [
      { id: 'coordination', name: '综合协调', leadUnit: 'FGW' },
      { id: 'industry', name: '工业生产', leadUnit: 'GXJ' },
      { id: 'commerce', name: '商贸流通', leadUnit: 'SWJ' },
      { id: 'transport', name: '交通运输', leadUnit: 'JTJ' },
      { id: 'culture_tourism', name: '文化旅游', leadUnit: '' },
    ],
    units: UNITS,
    routingRules: RULES,
    sectorTargets: [],
    slaRules: [],
    members: [],
    calendarOverrides: [],
    ...over,
  };
}

const issue = (over: Partial<IssueRow> = {}): IssueRow => ({
  category: '其他',
  description: '企业反映的问题',
  urgency: '一般',
  beyondScope: false,
  major: false,
  reportedOn: '2022-06-02',
  ...over,
});

const cal = createCalendar();
const AT = '2022-06-02T10:00'; // Thursday, the day before Dragon Boat

describe('who gets it: precedence', () => {
  it.each<[string, Partial<IssueRow>, string, string, number | undefined]>([
    ['指定责任单位 by code beats a matching rule', { assignedUnit: 'JTJ', category: '用工需求' }, 'JTJ', 'manual', undefined],
    ['指定责任单位 by name', { assignedUnit: '县商务局' }, 'SWJ', 'manual', undefined],
    ['指定责任单位 trimmed', { assignedUnit: ' GDJ ' }, 'GDJ', 'manual', undefined],
    ['a rule on 问题类别', { category: '用工需求', sector: '工业生产' }, 'RSJ', 'rule', 10],
    ['the lower 优先级 wins though listed later', { category: '用工需求', sector: '交通运输', locality: '城关镇' }, 'CGZ', 'rule', 5],
    ['a tie goes to the earlier row', { category: '用工需求', sector: '商贸流通' }, 'RSJ', 'rule', 10],
    ['keyword from a `；` cell', { description: '园区昨夜突然断电，生产线停工' }, 'GDJ', 'rule', 20],
    ['keyword from a `;` cell', { description: '天然气用气指标不足' }, 'GDJ', 'rule', 20],
    ['所在乡镇 of a rule written as a unit code compares by name', { locality: '高新区', sector: '工业生产' }, 'GXQ', 'rule', 30],
    ['a rule with 所属领域 does not match an issue without one', { locality: '城关镇' }, 'FGW', 'triage', undefined],
    ['no rule: the sector lead unit', { sector: '工业生产', description: '原料运不进来' }, 'GXJ', 'sector_lead', undefined],
    ['no rule, lead of 交通运输 (rule needs 城关镇)', { sector: '交通运输', locality: '高新区2' }, 'JTJ', 'sector_lead', undefined],
    ['sector class without a lead unit: triage', { sector: '文化旅游' }, 'FGW', 'triage', undefined],
    ['sector class missing entirely: triage', { sector: '重点项目' }, 'FGW', 'triage', undefined],
    ['no sector: triage', {}, 'FGW', 'triage', undefined],
  ])('%s', (_, over, unitCode, how, rulePriority) => {
    const r = routeIssue(issue(over), profile(), AT, cal);
    expect(r.unit).toBe(unitCode);
    expect(r.how).toBe(how);
    expect(r.rulePriority).toBe(rulePriority);
  });

  it('ties follow the 行号 when rows are given out of order', () => {
    const swapped = [
      { ...RULES[0], row: 5 },
      { ...RULES[3], row: 2 },
    ];
    const r = routeIssue(issue({ category: '用工需求', sector: '商贸流通' }), profile({ routingRules: swapped }), AT, cal);
    expect(r.unit).toBe('SWJ');
    expect(orderedRules(RULES).map((x) => x.row)).toEqual([4, 2, 5, 3, 6]);
  });

  it('a keyword must occur in 问题描述; an empty keyword list matches anything', () => {
    expect(routeIssue(issue({ description: '电价上涨' }), profile(), AT, cal).how).toBe('triage');
    expect(keywordsOf(['停电；断电', ' 供水 ;; ', ''])).toEqual(['停电', '断电', '供水']);
  });

  it('does not reorder the profile’s rules', () => {
    const p = profile();
    const before = p.routingRules.map((r) => r.row);
    routeIssue(issue({ category: '用工需求' }), p, AT, cal);
    expect(p.routingRules.map((r) => r.row)).toEqual(before);
  });

  it('an unknown 指定责任单位 is an error naming the column', () => {
    let caught: unknown;
    try {
      routeIssue(issue({ assignedUnit: '县不存在局' }), profile(), AT, cal);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RoutingError);
    expect((caught as RoutingError).code).toBe('unknown_reference');
    expect((caught as RoutingError).column).toBe('指定责任单位');
    expect((caught as Error).message).toContain('县不存在局');
  });

  it('a rule pointing at an unknown unit fails loudly with its row', () => {
    const p = profile({ routingRules: [{ priority: 1, keywords: [], unit: 'NOPE', row: 7 }] });
    expect(() => routeIssue(issue(), p, AT, cal)).toThrow(/路由规则第 7 行.*NOPE/);
  });

  it('no rule, no sector lead and no coordination lead: RoutingError no_route', () => {
    const p = profile({ routingRules: [], workClasses: [{ id: 'industry', name: '工业生产', leadUnit: 'GXJ' }] });
    expect(routeIssue(issue({ sector: '工业生产' }), p, AT, cal).unit).toBe('GXJ');
    let caught: unknown;
    try {
      routeIssue(issue({ sector: '商贸流通' }), p, AT, cal);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RoutingError);
    expect((caught as RoutingError).code).toBe('no_route');
    expect((caught as Error).message).toContain('牵头单位');
  });
});

describe('who is copied', () => {
  it.each<[string, Partial<IssueRow>, string[]]>([
    ['neither flag', {}, []],
    ['超出协调范围: every 指挥部', { beyondScope: true }, ['ZHB', 'ZHBB']],
    ['重大问题: every 县领导', { major: true }, ['XW', 'XZF']],
    ['both flags', { beyondScope: true, major: true }, ['ZHB', 'ZHBB', 'XW', 'XZF']],
    ['the main unit is not copied', { beyondScope: true, assignedUnit: 'ZHB' }, ['ZHBB']],
  ])('%s', (_, over, also) => {
    expect(routeIssue(issue(over), profile(), AT, cal).also).toEqual(also);
  });

  it('a unit listed twice is copied once', () => {
    const p = profile({ units: [...UNITS, unit('ZHB', '县四保工作指挥部', '指挥部')] });
    expect(routeIssue(issue({ beyondScope: true }), p, AT, cal).also).toEqual(['ZHB', 'ZHBB']);
  });
});

describe('deadlines (13710 on the 2022 calendar)', () => {
  it.each<[string, Partial<IssueRow>, string | number | Date, [string, string, string]]>([
    // 2022-06-03..05 Dragon Boat: Thursday 06-02 + 1/3/7 working days.
    ['一般 on Thursday before Dragon Boat', {}, AT, ['2022-06-06', '2022-06-08', '2022-06-14']],
    ['紧急 on a working day: sign the same day', { urgency: '紧急' }, AT, ['2022-06-02', '2022-06-06', '2022-06-06']],
    // From a holiday, 0 and 1 working days both give the next working day.
    ['紧急 routed on a holiday: sign 0 -> next working day', { urgency: '紧急' }, '2022-06-03T09:00', ['2022-06-06', '2022-06-06', '2022-06-06']],
    ['the routing day is the Shanghai day of `at`', { urgency: '紧急' }, '2022-06-02T17:00:00Z', ['2022-06-06', '2022-06-06', '2022-06-06']],
    ['一般 routed on a holiday', {}, '2022-06-04T09:00', ['2022-06-06', '2022-06-08', '2022-06-14']],
    ['an epoch-ms `at`', {}, Date.parse('2022-06-02T02:00:00Z'), ['2022-06-06', '2022-06-08', '2022-06-14']],
    ['a make-up Saturday counts', {}, '2022-04-29T09:00', ['2022-05-05', '2022-05-07', '2022-05-12']],
    // 重大问题: 2022-09-05 + 30 = 10-05 (National Day) -> next working day is the make-up Saturday 10-08.
    ['重大问题: 30 calendar days landing on a holiday', { major: true }, '2022-09-05T09:00', ['2022-09-06', '2022-09-08', '2022-10-08']],
    ['重大问题 whatever the urgency', { major: true, urgency: '紧急' }, '2022-09-05T09:00', ['2022-09-05', '2022-09-06', '2022-10-08']],
    ['重大问题: day 30 on a Sunday -> Monday', { major: true }, '2022-06-10T09:00', ['2022-06-13', '2022-06-15', '2022-07-11']],
    ['重大问题: day 30 a working day stays', { major: true }, '2022-06-08T09:00', ['2022-06-09', '2022-06-13', '2022-07-08']],
  ])('%s', (_, over, at, [signBy, feedbackBy, resolveBy]) => {
    const r = routeIssue(issue(over), profile(), at, cal);
    expect([r.signBy, r.feedbackBy, r.resolveBy]).toEqual([signBy, feedbackBy, resolveBy]);
    expect(r.warnings).toEqual([]);
  });

  it('uses the profile’s 办理时限 when present, the default for an urgency it lacks', () => {
    const p = profile({ slaRules: [{ urgency: '一般', signDays: 2, feedbackDays: 5, resolveDays: 10 }] });
    const normal = routeIssue(issue(), p, AT, cal);
    expect([normal.signBy, normal.feedbackBy, normal.resolveBy]).toEqual(['2022-06-07', '2022-06-10', '2022-06-17']);
    const urgent = routeIssue(issue({ urgency: '紧急' }), p, AT, cal);
    expect([urgent.signBy, urgent.feedbackBy, urgent.resolveBy]).toEqual(['2022-06-02', '2022-06-06', '2022-06-06']);
    expect(DEFAULT_SLA_RULES).toEqual([
      { urgency: '一般', signDays: 1, feedbackDays: 3, resolveDays: 7 },
      { urgency: '紧急', signDays: 0, feedbackDays: 1, resolveDays: 1 },
    ]);
  });

  it('follows the county’s own calendar overrides', () => {
    const own = createCalendar([{ date: '2022-06-06', type: '休息日' }]);
    const r = routeIssue(issue(), profile(), AT, own);
    expect([r.signBy, r.feedbackBy, r.resolveBy]).toEqual(['2022-06-07', '2022-06-09', '2022-06-15']);
  });

  it('deadlinesFor is the same computation, reusable on reassignment', () => {
    expect(deadlinesFor('一般', false, '2022-06-02', profile(), cal)).toEqual({
      signBy: '2022-06-06',
      feedbackBy: '2022-06-08',
      resolveBy: '2022-06-14',
      warnings: [],
    });
  });
});

describe('uncovered years are counted Monday–Friday with a warning', () => {
  it('a deadline reaching into 2027 carries calendar_unverified on 办结时限', () => {
    const r = routeIssue(issue(), profile(), '2026-12-28T10:00', cal);
    expect(r.signBy).toBe('2026-12-29');
    // 12-29, 12-30, 12-31, then 2027-01-01 (Fri, unverified) 01-04, 01-05, 01-06.
    expect(r.resolveBy).toBe('2027-01-06');
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ code: 'calendar_unverified', column: '办结时限' });
    expect(r.warnings[0].message).toContain('2027 年节假日安排未核实，时限按周一至周五计算');
  });

  it('no warning once the county enters 2027 rows', () => {
    const own = createCalendar([
      { date: '2027-01-01', type: '休息日' },
      { date: '2027-01-02', type: '休息日' },
    ]);
    const r = routeIssue(issue(), profile(), '2026-12-28T10:00', own);
    expect(r.resolveBy).toBe('2027-01-07');
    expect(r.warnings).toEqual([]);
  });

  it('a 重大问题 routed in an uncovered year warns too', () => {
    const r = routeIssue(issue({ major: true }), profile(), '2027-03-01T10:00', cal);
    expect(r.resolveBy).toBe('2027-03-31');
    expect(r.warnings.map((w) => w.code)).toEqual(['calendar_unverified']);
  });
});
