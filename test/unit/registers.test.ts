// The rules of the seed's registers (SPEC §7.3): the 3-day shutdown rule on calendar days, 全部
// without 报省会商 refused, 熔断 pending until the whitelist shows the removal, findings overdue on
// working days, and the emergency SLA only in scope and in time.
import { describe, expect, it } from 'vitest';
import {
  emergencyFor,
  findingDeadline,
  findingState,
  fuseItems,
  isShutdownInForce,
  isShutdownOverrun,
  modeNow,
  shutdownOverrunFrom,
  shutdownStatus,
} from '../../domain/issues/registers.js';
import { routeIssue } from '../../domain/issues/routing.js';
import { buildProfile } from '../../domain/rows/profile.js';
import { formatRowError } from '../../domain/rows/messages.js';
import type { IssueRow, OperatingModeRow, Profile, SpotCheckRow, WhitelistRow } from '../../domain/rows/types.js';
import { makeUscc } from '../../domain/rows/uscc.js';
import { validateRow, validateRows } from '../../domain/rows/validate.js';
import { createCalendar } from '../../domain/time/calendar.js';
import { startOfShanghaiDay } from '../../domain/time/time.js';

const A = makeUscc('91410222MA44REG01');
const B = makeUscc('91410222MA44REG02');
const C = makeUscc('91410222MA44REG03');
const cal = createCalendar();
const at = (wall: string) => startOfShanghaiDay(wall.slice(0, 10)) + (Number(wall.slice(11, 13)) * 60 + Number(wall.slice(14, 16))) * 60_000;

describe('停产停工: 原则上不超过 3 天 (calendar days)', () => {
  const row = { startOn: '2022-06-02' } as const;

  it('is overrun from the 4th calendar day after 开始日期, holidays and weekends included', () => {
    // 2022-06-03 is 端午节 and 06-04/05 a weekend: calendar days count all the same.
    expect(shutdownOverrunFrom(row)).toBe('2022-06-06');
    expect(isShutdownOverrun(row, '2022-06-05')).toBe(false);
    expect(isShutdownOverrun(row, '2022-06-06')).toBe(true);
    expect(isShutdownOverrun(row, '2022-06-20')).toBe(true);
  });

  it('is not overrun once 实际恢复日期 has come; in force only between start and resumption', () => {
    const resumed = { ...row, resumedOn: '2022-06-05' };
    expect(isShutdownOverrun(resumed, '2022-06-06')).toBe(false);
    expect(isShutdownInForce(resumed, '2022-06-04')).toBe(true);
    expect(isShutdownInForce(resumed, '2022-06-05')).toBe(false);
    expect(isShutdownInForce(row, '2022-06-01')).toBe(false);
    expect(shutdownStatus(resumed, '已同意', '2022-06-05')).toBe('已恢复');
    expect(shutdownStatus(resumed, '已同意', '2022-06-04')).toBe('已同意');
    expect(shutdownStatus({}, undefined, '2022-06-04')).toBe('待审批');
  });
});

describe('停产停工 rows', () => {
  const base = { 企业代码: A, 企业名称: '甲公司', 所属领域: '工业生产', 原因: '疫情', 开始日期: '2022-06-06' };

  it('全部 without 报省会商 是 is refused: conditional_required on 报省会商, a Chinese message naming row and column', () => {
    for (const cell of ['否', '', undefined]) {
      const r = validateRow('shutdown', { row: 7, values: { ...base, 停产范围: '全部', 报省会商: cell } });
      expect(r.ok, String(cell)).toBe(false);
      expect(r.errors).toEqual([{ column: '报省会商', code: 'conditional_required', message: expect.stringContaining('停产范围为「全部」') }]);
      expect(formatRowError(r.row, r.errors[0])).toMatch(/^第7行「报省会商」：应为「是」/);
    }
    expect(validateRow('shutdown', { row: 2, values: { ...base, 停产范围: '全部', 报省会商: '是' } }).ok).toBe(true);
    expect(validateRow('shutdown', { row: 2, values: { ...base, 停产范围: '部分', 报省会商: '否' } }).ok).toBe(true);
  });

  it('warns when 预计恢复日期 is more than 3 days away; 实际恢复日期 before 开始日期 is an error', () => {
    const long = validateRow('shutdown', { row: 2, values: { ...base, 停产范围: '部分', 预计恢复日期: '2022-06-10' } });
    expect(long.ok).toBe(true);
    expect(long.warnings.map((w) => [w.column, w.code])).toEqual([['预计恢复日期', 'long_shutdown']]);
    const back = validateRow('shutdown', { row: 2, values: { ...base, 停产范围: '部分', 实际恢复日期: '2022-06-01' } });
    expect(back.errors.map((e) => [e.column, e.code])).toEqual([['实际恢复日期', 'date_order']]);
  });

  it('the sheet sector is checked and 企业代码+开始日期 is unique in a file', () => {
    const wrong = validateRow('shutdown', { row: 2, values: { ...base, 停产范围: '部分' } }, { sector: '商贸流通' });
    expect(wrong.errors.map((e) => e.code)).toEqual(['wrong_sector']);
    const twice = validateRows('shutdown', [2, 3].map((row) => ({ row, values: { ...base, 停产范围: '部分' } })));
    expect(twice[1].errors.map((e) => [e.column, e.code])).toEqual([['企业代码', 'duplicate']]);
  });
});

describe('熔断抽查: pending until the whitelist row shows 已移出 with reason 熔断', () => {
  const wl = (code: string, over: Partial<WhitelistRow> = {}): WhitelistRow => ({
    code,
    name: `企业${code.slice(-2)}`,
    sector: '商贸流通',
    locality: '咸平街道',
    value: 100,
    status: '已纳入',
    admittedOn: '2022-05-01',
    partners: [],
    ...over,
  });
  const check = (code: string, result: SpotCheckRow['result']): SpotCheckRow => ({ enterpriseCode: code, checkedOn: '2022-06-08', checker: '县卫健委', result, note: '未落实扫码测温' });

  it('lists only 熔断 results; pending while 已纳入 or removed for another reason; done when removed for 熔断', () => {
    const checks = [check(A, '熔断'), check(B, '熔断'), check(C, '整改')];
    expect(fuseItems(checks, [wl(A), wl(B), wl(C)]).map((i) => [i.check.enterpriseCode, i.pending, i.sectorClass])).toEqual([
      [A, true, 'commerce'],
      [B, true, 'commerce'],
    ]);
    const later = [wl(A, { status: '已移出', removedOn: '2022-06-09', removalReason: '熔断（防控不力致疫情输入扩散）' }), wl(B, { status: '已移出', removedOn: '2022-06-09', removalReason: '企业申请退出' })];
    expect(fuseItems(checks, later).map((i) => [i.check.enterpriseCode, i.pending])).toEqual([
      [A, false],
      [B, true],
    ]);
  });

  it('an enterprise on no whitelist has nothing to remove', () => {
    const [item] = fuseItems([check(C, '熔断')], []);
    expect(item.pending).toBe(false);
    expect(item.sectorClass).toBeUndefined();
  });

  it('说明 is required with 熔断', () => {
    const r = validateRow('spot_check', { row: 4, values: { 企业代码: A, 抽查日期: '2022-06-08', 抽查单位: '县卫健委', 结果: '熔断' } });
    expect(r.errors.map((e) => [e.column, e.code])).toEqual([['说明', 'conditional_required']]);
  });
});

describe('督查发现: 整改时限 on the working-day calendar', () => {
  it('N个工作日 counts working days from 督查日期, skipping 端午节 and the weekend', () => {
    // 2022-06-01 (Wed) + 2 working days: 06-02 (Thu), then 06-06 (Mon) — 06-03 is 端午节.
    const row = { inspectedOn: '2022-06-01', deadline: '2个工作日' };
    expect(findingDeadline(row, cal)).toBe('2022-06-06');
    expect(findingState(row, '2022-06-06', cal)).toMatchObject({ status: '整改中', due: '2022-06-06' });
    expect(findingState(row, '2022-06-07', cal)).toMatchObject({ status: '逾期', workdaysOverdue: 1 });
    expect(findingState(row, '2022-06-13', cal)).toMatchObject({ status: '逾期', workdaysOverdue: 5 });
    expect(findingState({ ...row, rectifiedOn: '2022-06-08' }, '2022-06-13', cal)).toMatchObject({ status: '已整改', late: true });
    expect(findingState({ ...row, rectifiedOn: '2022-06-06' }, '2022-06-13', cal)).toMatchObject({ status: '已整改', late: false });
  });

  it('a date on a rest day moves to the next working day; a weekend after the deadline adds no working day', () => {
    const row = { inspectedOn: '2022-06-01', deadline: '2022-06-04' };
    expect(findingDeadline(row, cal)).toBe('2022-06-06');
    const friday = { inspectedOn: '2022-06-01', deadline: '2022-06-10' };
    expect(findingState(friday, '2022-06-12', cal)).toMatchObject({ status: '逾期', workdaysOverdue: 1 });
  });

  it('the cell reads a date or working days; anything else is refused', () => {
    const v = (deadline: string) => validateRow('finding', { row: 3, values: { 督查日期: '2022-06-01', 被督查单位: '县商务局', 问题: '台账不全', 整改时限: deadline } });
    expect(v('5 个工作日').value?.deadline).toBe('5个工作日');
    expect(v('2022年6月10日').value?.deadline).toBe('2022-06-10');
    expect(v('下周').errors.map((e) => [e.column, e.code])).toEqual([['整改时限', 'date']]);
    expect(v('2022-05-30').errors.map((e) => [e.column, e.code])).toEqual([['整改时限', 'date_order']]);
  });
});

describe('运行状态: the emergency SLA only in scope and in time', () => {
  const profileWith = (modes: Record<string, string>[]): Profile => {
    const built = buildProfile({
      unit: [
        { row: 2, values: { 单位编码: 'kgj', 单位名称: '县科工局', 类型: '县直部门', 联系邮箱: 'kgj@county.example' } },
        { row: 3, values: { 单位编码: 'yhmz', 单位名称: '玉皇庙镇', 类型: '乡镇', 联系邮箱: 'yhmz@county.example' } },
        { row: 4, values: { 单位编码: 'zsz', 单位名称: '朱砂镇', 类型: '乡镇', 联系邮箱: 'zsz@county.example' } },
      ],
      work_class: [
        { row: 2, values: { 专班编码: 'coordination', 牵头单位: 'kgj' } },
        { row: 3, values: { 专班编码: 'industry', 牵头单位: 'kgj' } },
      ],
      operating_mode: modes.map((values, i) => ({ row: i + 2, values })),
    });
    return built.profile;
  };
  const issue = (locality: string, urgency: IssueRow['urgency'] = '一般'): IssueRow => ({
    category: '其他',
    description: '原料运输受阻',
    urgency,
    beyondScope: false,
    major: false,
    reportedOn: '2022-06-08',
    sector: '工业生产',
    locality,
  });
  const modes = [{ 状态: '应急', 开始时间: '2022-06-08 00:00', 结束时间: '2022-06-09 00:00', 范围: '玉皇庙镇', 说明: '玉皇庙镇发现阳性病例' }];

  it('a new 一般 issue in scope during the emergency gets the 紧急 limits and says why', () => {
    const p = profileWith(modes);
    expect(p.operatingModes).toHaveLength(1);
    const r = routeIssue(issue('玉皇庙镇'), p, at('2022-06-08 10:00'), cal);
    expect([r.signBy, r.feedbackBy, r.resolveBy]).toEqual(['2022-06-08', '2022-06-09', '2022-06-09']);
    expect(r.warnings.map((w) => w.code)).toEqual(['emergency_sla']);
    expect(r.warnings[0].message).toContain('应急状态（玉皇庙镇，2022-06-08 00:00 起）');
  });

  it('outside the scope, before the start or from the end on: the ordinary limits', () => {
    const p = profileWith(modes);
    const ordinary = ['2022-06-09', '2022-06-13', '2022-06-17'];
    const outside = routeIssue(issue('朱砂镇'), p, at('2022-06-08 10:00'), cal);
    expect([outside.signBy, outside.feedbackBy, outside.resolveBy]).toEqual(ordinary);
    expect(outside.warnings).toEqual([]);
    expect(routeIssue(issue('玉皇庙镇'), p, at('2022-06-07 23:59'), cal).resolveBy).toBe('2022-06-16');
    expect(routeIssue(issue('玉皇庙镇'), p, at('2022-06-09 00:00'), cal).warnings).toEqual([]);
  });

  it('全县 (or an empty 范围) covers every place; an unknown township is refused', () => {
    const p = profileWith([{ 状态: '应急', 开始时间: '2022-06-08', 范围: '' }]);
    expect(p.operatingModes![0].scope).toEqual(['全县']);
    expect(emergencyFor(p.operatingModes, at('2022-07-01 09:00'), undefined)?.scope).toEqual(['全县']);
    const bad = buildProfile({
      unit: [{ row: 2, values: { 单位编码: 'yhmz', 单位名称: '玉皇庙镇', 类型: '乡镇' } }],
      operating_mode: [{ row: 2, values: { 状态: '应急', 开始时间: '2022-06-08 08:00', 范围: '不存在镇' } }],
    });
    expect(bad.profile.operatingModes).toEqual([]);
    expect(bad.results.operating_mode![0].errors.map((e) => [e.column, e.code])).toEqual([['范围', 'unknown_reference']]);
  });

  it('the dashboard mode: 应急 since its start while in force, then 常态 since its end', () => {
    const rows = profileWith(modes).operatingModes as OperatingModeRow[];
    expect(modeNow(rows, at('2022-06-08 17:00'))).toMatchObject({ mode: '应急', since: '2022-06-08 00:00', scope: ['玉皇庙镇'] });
    expect(modeNow(rows, at('2022-06-09 08:00'))).toMatchObject({ mode: '常态', since: '2022-06-09 00:00' });
    expect(modeNow([], at('2022-06-09 08:00'))).toEqual({ mode: '常态', scope: ['全县'] });
  });
});
