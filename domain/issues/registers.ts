// The rules of the seed's registers (SPEC §7.3), pure: what a shutdown, a spot check, a supervision
// finding and an operating mode mean on a given day or instant. The sweep (mails), the digest and
// the daily report, the dashboard and `sibao export` all read them from here.
//
// - 停产停工 (附件2 三(七)): 原则上不超过 3 天 — a shutdown still without 实际恢复日期 MORE than 3
//   calendar days after 开始日期 is overrun (started 06-06: overrun from 06-10).
// - 熔断抽查 (附件1 四(三)): a 熔断 result stays pending until the enterprise's whitelist row shows
//   已移出 with 移出原因 熔断.
// - 督查发现 (要求10): 整改时限 is a date (a rest day moves it to the next working day) or N working
//   days from 督查日期; unrectified after that day is 逾期, counted in working days.
// - 运行状态 (附件1 一(三)): a row is in force from 开始时间 until 结束时间 (exclusive; none = open);
//   while an 应急 row is in force for a scope, new issues there use the 紧急 limits.

import { REMOVAL_REASON_FUSE, SECTOR_CLASS, SHUTDOWN_STATUSES, SPOT_CHECK_FUSE, WHOLE_COUNTY, MODE_EMERGENCY, type Sector, type WorkClassId } from '../rows/kinds.js';
import { SHUTDOWN_MAX_DAYS, WORKDAYS_SUFFIX } from '../rows/rules.js';
import type { FindingRow, OperatingModeRow, ShutdownRow, SpotCheckRow, WhitelistRow } from '../rows/types.js';
import { addDays, daysBetween, isIsoDate, startOfShanghaiDay } from '../time/time.js';
import type { WorkCalendar } from '../time/types.js';

export { SHUTDOWN_MAX_DAYS };

// ---- 停产停工 ------------------------------------------------------------------------------------

export type ShutdownStatus = (typeof SHUTDOWN_STATUSES)[number];
/** The command office's answer (the decision queue, type `shutdown`), before any 实际恢复日期. */
export type ShutdownApproval = Exclude<ShutdownStatus, '已恢复'>;

/** The first day on which a shutdown that has not resumed is overrun: 开始日期 + 4. */
export function shutdownOverrunFrom(row: Pick<ShutdownRow, 'startOn'>): string {
  return addDays(row.startOn, SHUTDOWN_MAX_DAYS + 1);
}

/** Still without 实际恢复日期 more than 3 calendar days after 开始日期, on `today`. */
export function isShutdownOverrun(row: Pick<ShutdownRow, 'startOn' | 'resumedOn'>, today: string): boolean {
  if (row.resumedOn !== undefined && row.resumedOn <= today) return false;
  return daysBetween(row.startOn, today) > SHUTDOWN_MAX_DAYS;
}

/** Started on or before `today` and not resumed by then. */
export function isShutdownInForce(row: Pick<ShutdownRow, 'startOn' | 'resumedOn'>, today: string): boolean {
  return row.startOn <= today && (row.resumedOn === undefined || row.resumedOn > today);
}

/** 状态: 已恢复 once 实际恢复日期 is filled (and has come), else the approval (待审批 until decided). */
export function shutdownStatus(row: Pick<ShutdownRow, 'resumedOn'>, approval: ShutdownApproval | undefined, today: string): ShutdownStatus {
  if (row.resumedOn !== undefined && row.resumedOn <= today) return '已恢复';
  return approval ?? '待审批';
}

/** A 状态 cell as typed (records kept before the system): an approval, else undefined. */
export function approvalFromCell(cell: unknown): ShutdownApproval | undefined {
  const t = typeof cell === 'string' ? cell.trim() : '';
  return t === '已同意' || t === '已驳回' || t === '待审批' ? t : undefined;
}

/** Calendar days a shutdown has lasted on `today` (or lasted, when resumed). */
export function shutdownDays(row: Pick<ShutdownRow, 'startOn' | 'resumedOn'>, today: string): number {
  const end = row.resumedOn !== undefined && row.resumedOn <= today ? row.resumedOn : today;
  return Math.max(0, daysBetween(row.startOn, end));
}

// ---- 熔断抽查 ------------------------------------------------------------------------------------

export interface FuseItem {
  check: SpotCheckRow;
  /** The enterprise's whitelist row, if it has one. */
  whitelist?: WhitelistRow;
  /** The sector class that must remove it (none when the enterprise is on no whitelist). */
  sectorClass?: WorkClassId;
  /** Still to be removed: on a whitelist and not 已移出 with reason 熔断. */
  pending: boolean;
}

/** Whether a whitelist row shows the 熔断 removal. */
export function removedForFuse(row: Pick<WhitelistRow, 'status' | 'removalReason'> | undefined): boolean {
  return row !== undefined && row.status === '已移出' && row.removalReason === REMOVAL_REASON_FUSE;
}

/** Every 熔断 result, with whether its removal is still pending (checks of other results are left out). */
export function fuseItems(checks: readonly SpotCheckRow[], whitelist: readonly WhitelistRow[]): FuseItem[] {
  const byCode = new Map(whitelist.map((w) => [w.code, w]));
  return checks
    .filter((c) => c.result === SPOT_CHECK_FUSE)
    .sort((a, b) => (a.checkedOn < b.checkedOn ? -1 : a.checkedOn > b.checkedOn ? 1 : a.enterpriseCode < b.enterpriseCode ? -1 : 1))
    .map((check) => {
      const w = byCode.get(check.enterpriseCode);
      const item: FuseItem = { check, pending: w !== undefined && !removedForFuse(w) };
      if (w) {
        item.whitelist = w;
        item.sectorClass = SECTOR_CLASS[w.sector as Sector];
      }
      return item;
    });
}

// ---- 督查发现 ------------------------------------------------------------------------------------

export type FindingStatus = '整改中' | '已整改' | '逾期';

/** 整改时限 as a day: N working days after 督查日期, or the date (a rest day: the next working day). */
export function findingDeadline(row: Pick<FindingRow, 'inspectedOn' | 'deadline'>, calendar: WorkCalendar): string {
  if (row.deadline.endsWith(WORKDAYS_SUFFIX)) {
    const n = Number(row.deadline.slice(0, -WORKDAYS_SUFFIX.length));
    return calendar.addWorkdays(row.inspectedOn, n).date;
  }
  if (!isIsoDate(row.deadline)) throw new Error(`整改时限不是规范形式：${row.deadline}`);
  return calendar.addWorkdays(row.deadline, 0).date;
}

export interface FindingState {
  status: FindingStatus;
  /** The deadline day (end of that day, Asia/Shanghai). */
  due: string;
  /** Working days past `due` on `today` (0 unless 逾期). */
  workdaysOverdue: number;
  /** Rectified after the deadline. */
  late: boolean;
}

/** 已整改 once 整改完成日期 has come; else 逾期 once `today` is after the deadline day; else 整改中. */
export function findingState(row: Pick<FindingRow, 'inspectedOn' | 'deadline' | 'rectifiedOn'>, today: string, calendar: WorkCalendar): FindingState {
  const due = findingDeadline(row, calendar);
  if (row.rectifiedOn !== undefined && row.rectifiedOn <= today) {
    return { status: '已整改', due, workdaysOverdue: 0, late: row.rectifiedOn > due };
  }
  if (today > due) return { status: '逾期', due, workdaysOverdue: Math.max(1, calendar.workdaysBetween(due, today)), late: false };
  return { status: '整改中', due, workdaysOverdue: 0, late: false };
}

// ---- 运行状态 ------------------------------------------------------------------------------------

/** Epoch ms of a `YYYY-MM-DD HH:mm` wall-clock time in Asia/Shanghai. */
export function wallClockMs(text: string): number {
  const date = text.slice(0, 10);
  const h = Number(text.slice(11, 13) || 0);
  const m = Number(text.slice(14, 16) || 0);
  return startOfShanghaiDay(date) + (h * 60 + m) * 60_000;
}

/** Whether a 运行状态 row is in force at instant `at` (from 开始时间, until 结束时间 exclusive). */
export function modeInForce(row: Pick<OperatingModeRow, 'startAt' | 'endAt'>, at: number): boolean {
  return wallClockMs(row.startAt) <= at && (row.endAt === undefined || at < wallClockMs(row.endAt));
}

/** Whether a row's 范围 covers a township (全县 covers every place, and issues without one). */
export function modeCovers(row: Pick<OperatingModeRow, 'scope'>, locality: string | undefined): boolean {
  return row.scope.includes(WHOLE_COUNTY) || (locality !== undefined && row.scope.includes(locality));
}

/** The 应急 rows in force at `at`, earliest start first. */
export function emergenciesAt(modes: readonly OperatingModeRow[] | undefined, at: number): OperatingModeRow[] {
  return (modes ?? []).filter((m) => m.mode === MODE_EMERGENCY && modeInForce(m, at)).sort((a, b) => (a.startAt < b.startAt ? -1 : 1));
}

/** The 应急 row that applies to a new issue of `locality` at `at`, if any. */
export function emergencyFor(modes: readonly OperatingModeRow[] | undefined, at: number, locality: string | undefined): OperatingModeRow | undefined {
  return emergenciesAt(modes, at).find((m) => modeCovers(m, locality));
}

/** The warning on an issue routed under an emergency: why its limits are the 紧急 ones. */
export function emergencyMessage(row: Pick<OperatingModeRow, 'startAt' | 'scope'>): string {
  return `应急状态（${row.scope.join('、')}，${row.startAt} 起）：按「紧急」时限办理`;
}

/** The county's mode at `at` for the dashboard: 应急 rows in force first, else 常态 (since the latest 常态 row, if any). */
export interface ModeNow {
  mode: '常态' | '应急';
  /** `YYYY-MM-DD HH:mm` the shown row started; absent when no row says so (常态 by default). */
  since?: string;
  /** Scopes of the 应急 rows in force (全县 or townships). */
  scope: string[];
  note?: string;
}

export function modeNow(modes: readonly OperatingModeRow[] | undefined, at: number): ModeNow {
  const urgent = emergenciesAt(modes, at);
  if (urgent.length > 0) {
    const out: ModeNow = { mode: '应急', since: urgent[0].startAt, scope: [...new Set(urgent.flatMap((m) => m.scope))] };
    if (urgent[0].note) out.note = urgent[0].note;
    return out;
  }
  const normal = (modes ?? []).filter((m) => m.mode !== MODE_EMERGENCY && modeInForce(m, at)).sort((a, b) => (a.startAt > b.startAt ? -1 : 1));
  // Since the later of the last 常态 row's start and the end of the last emergency before `at`.
  const ended = (modes ?? [])
    .filter((m) => m.mode === MODE_EMERGENCY && m.endAt !== undefined && wallClockMs(m.endAt) <= at)
    .map((m) => m.endAt!)
    .sort();
  const candidates = [normal[0]?.startAt, ended.at(-1)].filter((x): x is string => x !== undefined).sort();
  const out: ModeNow = { mode: '常态', scope: [WHOLE_COUNTY] };
  if (candidates.length > 0) out.since = candidates.at(-1)!;
  return out;
}
