// The Chinese working-day calendar (Asia/Shanghai): the State Council's public holidays and make-up
// working days (调休) from the generated national data, plus the county's 节假日调整 overrides.
// A year neither source covers is counted Monday–Friday and every answer touching it says
// `verified: false` — never a silent guess.

import { CALENDAR_DAYS, CALENDAR_SOURCE, CALENDAR_YEARS } from './calendar-data.js';
import { dayNumber, fromDayNumber, isoDowOfDayNumber } from './time.js';
import type { CalendarOverride } from '../rows/types.js';
import type { WorkCalendar, WorkdayAnswer } from './types.js';

export { CALENDAR_SOURCE, CALENDAR_YEARS };

/** An answer of addWorkdays, with the uncovered years it touched (empty when verified). */
export interface CalendarAnswer extends WorkdayAnswer {
  uncoveredYears: number[];
}

export interface ChineseWorkCalendar extends WorkCalendar {
  addWorkdays(date: string, n: number): CalendarAnswer;
  /** Years covered by the national data or by at least one override row, ascending. */
  coveredYears(): number[];
}

/** Bad calendar input: an override row that is malformed or contradicts another. */
export class CalendarError extends Error {
  constructor(
    readonly code: 'date' | 'enum' | 'duplicate' | 'number',
    message: string,
  ) {
    super(message);
    this.name = 'CalendarError';
  }
}

/** Raised where an unverified answer must not be used (the CLI's `calendar add-workdays`). */
export class CalendarUnverifiedError extends Error {
  readonly code = 'calendar_unverified';
  constructor(readonly year: number) {
    super(
      `${year} 年的法定节假日安排尚未录入：国务院通常在每年 11–12 月公布次年安排，` +
        `请在「节假日调整」中录入该年的休息日和调休工作日后再计算。`,
    );
    this.name = 'CalendarUnverifiedError';
  }
}

/**
 * The date of a verified answer; throws CalendarUnverifiedError otherwise. `year` names the
 * uncovered year in the message; by default the first uncovered year of the answer (or its year).
 */
export function requireVerified(answer: WorkdayAnswer, year?: number): string {
  if (answer.verified) return answer.date;
  const touched = (answer as Partial<CalendarAnswer>).uncoveredYears;
  throw new CalendarUnverifiedError(year ?? touched?.[0] ?? Number(answer.date.slice(0, 4)));
}

/** The warning an issue carries while a deadline was counted across an uncovered year. */
export function unverifiedMessage(years: readonly number[]): string {
  return (
    `${years.join('、')} 年节假日安排未核实，时限按周一至周五计算；` +
    '请在「节假日调整」中录入该年的休息日和调休工作日。'
  );
}

/** Longest span addWorkdays will count, in working days (about 40 years). */
export const MAX_WORKDAYS = 10_000;

// National data decoded once: day number -> working day or not (only days differing from Mon–Fri).
let nationalCache: Map<number, boolean> | undefined;
function nationalDays(): Map<number, boolean> {
  if (nationalCache) return nationalCache;
  const map = new Map<number, boolean>();
  for (const year of CALENDAR_YEARS) {
    const { off, on } = CALENDAR_DAYS[year];
    const put = (list: string, work: boolean) => {
      for (const mmdd of list.split(' ')) {
        if (mmdd) map.set(dayNumber(`${year}-${mmdd.slice(0, 2)}-${mmdd.slice(2)}`), work);
      }
    };
    put(off, false);
    put(on, true);
  }
  nationalCache = map;
  return map;
}

/** Year of a day number without allocating a string. */
function yearOfDay(n: number): number {
  return new Date(n * 86_400_000).getUTCFullYear();
}

/**
 * A working-day calendar. Precedence for a day: an override 工作日 → working; an override 休息日 →
 * rest; a covered national year → its arrangement; otherwise Monday–Friday (unverified).
 * Conflicting overrides for the same date throw CalendarError `duplicate`.
 */
export function createCalendar(overrides: readonly CalendarOverride[] = []): ChineseWorkCalendar {
  const national = nationalDays();
  const nationalYears = new Set(CALENDAR_YEARS);
  const own = new Map<number, boolean>();
  const ownYears = new Set<number>();
  for (const [i, o] of overrides.entries()) {
    let n: number;
    try {
      n = dayNumber(o.date);
    } catch {
      throw new CalendarError('date', `节假日调整第 ${i + 1} 条：日期「${String(o.date)}」不是有效日期（YYYY-MM-DD）`);
    }
    if (o.type !== '工作日' && o.type !== '休息日') {
      throw new CalendarError('enum', `节假日调整第 ${i + 1} 条：类型「${String(o.type)}」应为 休息日 或 工作日`);
    }
    const work = o.type === '工作日';
    if (own.has(n) && own.get(n) !== work) {
      throw new CalendarError('duplicate', `节假日调整：${o.date} 同时被设为 休息日 和 工作日，请删除其中一行`);
    }
    own.set(n, work);
    ownYears.add(Number(o.date.slice(0, 4)));
  }

  const covers = (year: number) => nationalYears.has(year) || ownYears.has(year);

  const workOn = (n: number): boolean => {
    const o = own.get(n);
    if (o !== undefined) return o;
    const v = national.get(n);
    if (v !== undefined) return v;
    return isoDowOfDayNumber(n) <= 5;
  };

  const uncoveredBetween = (a: number, b: number): number[] => {
    const out: number[] = [];
    const [lo, hi] = a <= b ? [yearOfDay(a), yearOfDay(b)] : [yearOfDay(b), yearOfDay(a)];
    for (let y = lo; y <= hi; y++) if (!covers(y)) out.push(y);
    return out;
  };

  const checkCount = (n: number) => {
    if (!Number.isSafeInteger(n) || Math.abs(n) > MAX_WORKDAYS) {
      throw new CalendarError('number', `工作日数「${String(n)}」应为 −${MAX_WORKDAYS} 到 ${MAX_WORKDAYS} 之间的整数`);
    }
  };

  return {
    isWorkday(date: string): boolean {
      return workOn(dayNumber(date));
    },

    /**
     * The n-th working day after `date`; n = 0: `date` if it is a working day, else the next one.
     * Extension: n < 0 gives the |n|-th working day before `date` (reminders a day ahead).
     */
    addWorkdays(date: string, n: number): CalendarAnswer {
      checkCount(n);
      const start = dayNumber(date);
      let d = start;
      if (n === 0) {
        while (!workOn(d)) d++;
      } else {
        const step = n > 0 ? 1 : -1;
        for (let left = Math.abs(n); left > 0; ) {
          d += step;
          if (workOn(d)) left--;
        }
      }
      const uncoveredYears = uncoveredBetween(start, d);
      return { date: fromDayNumber(d), verified: uncoveredYears.length === 0, uncoveredYears };
    },

    workdaysBetween(from: string, to: string): number {
      const a = dayNumber(from);
      const b = dayNumber(to);
      let count = 0;
      for (let d = a + 1; d <= b; d++) if (workOn(d)) count++;
      return count;
    },

    covers,

    coveredYears(): number[] {
      return [...new Set([...nationalYears, ...ownYears])].sort((x, y) => x - y);
    },
  };
}
