// Calendar days and instants in Asia/Shanghai, without Intl or the host time zone.
// Asia/Shanghai has been a fixed UTC+8 with no daylight saving since 1991, so a Shanghai day is
// simply the UTC day of (instant + 8 h). Dates are ISO strings `YYYY-MM-DD`; instants are epoch
// milliseconds. Every parser here is strict: a malformed or impossible value throws TimeFormatError.

/** Offset of Asia/Shanghai from UTC, in milliseconds. */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** A malformed or impossible date, date-time or ISO week. `code` is the stable error code `date`. */
export class TimeFormatError extends Error {
  readonly code = 'date';
  constructor(
    readonly input: unknown,
    message: string,
  ) {
    super(message);
    this.name = 'TimeFormatError';
  }
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const WEEK_RE = /^(\d{4})-W(\d{2})$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function show(input: unknown): string {
  return typeof input === 'string' ? `「${input}」` : String(input);
}

function checkDay(input: unknown, y: number, m: number, d: number): void {
  if (y < 1000 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) {
    throw new TimeFormatError(input, `日期${show(input)}不存在，请检查年、月、日`);
  }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Whether `text` is a real calendar day written `YYYY-MM-DD`. */
export function isIsoDate(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  const m = DATE_RE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return y >= 1000 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** Days since 1970-01-01 of an ISO date; throws TimeFormatError unless it is `YYYY-MM-DD` and real. */
export function dayNumber(date: string): number {
  const m = typeof date === 'string' ? DATE_RE.exec(date) : null;
  if (!m) throw new TimeFormatError(date, `日期${show(date)}格式不正确，应为 YYYY-MM-DD（如 2022-06-10）`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  checkDay(date, y, mo, d);
  return Date.UTC(y, mo - 1, d) / DAY_MS;
}

/** The ISO date of a day number (days since 1970-01-01). */
export function fromDayNumber(n: number): string {
  const t = new Date(n * DAY_MS);
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/**
 * Epoch milliseconds of a date-time text. Accepts `2022-06-10` (start of that Shanghai day),
 * `2022-06-10T09:30`, `2022-06-10 09:30`, optional `:ss` and fraction, and an optional offset
 * (`Z`, `+08:00`, `+0800`, `+08`). Without an offset the time is Shanghai local time.
 */
export function parseInstant(text: string): number {
  const m = typeof text === 'string' ? INSTANT_RE.exec(text.trim()) : null;
  if (!m) {
    throw new TimeFormatError(
      text,
      `时间${show(text)}格式不正确，应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:mm（可带秒和时区，如 2022-06-10T09:30+08:00）`,
    );
  }
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  checkDay(text, y, mo, d);
  const hh = m[4] === undefined ? 0 : Number(m[4]);
  const mi = m[5] === undefined ? 0 : Number(m[5]);
  const ss = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000 + 1e-6);
  if (hh > 23 || mi > 59 || ss > 59) {
    throw new TimeFormatError(text, `时间${show(text)}不存在：时应为 00–23，分、秒应为 00–59`);
  }
  let offsetMs = SHANGHAI_OFFSET_MS;
  const zone = m[8];
  if (zone !== undefined) {
    if (zone.toUpperCase() === 'Z') offsetMs = 0;
    else {
      const digits = zone.slice(1).replace(':', '');
      const oh = Number(digits.slice(0, 2));
      const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
      if (oh > 14 || om > 59) throw new TimeFormatError(text, `时间${show(text)}的时区偏移不正确`);
      offsetMs = (zone[0] === '-' ? -1 : 1) * (oh * 3_600_000 + om * 60_000);
    }
  }
  return Date.UTC(y, mo - 1, d, hh, mi, ss, ms) - offsetMs;
}

/** Epoch milliseconds of a Date, an epoch-ms number or a text accepted by parseInstant. */
export function toEpochMs(instant: Date | number | string): number {
  let ms: number;
  if (instant instanceof Date) ms = instant.getTime();
  else if (typeof instant === 'number') ms = instant;
  else if (typeof instant === 'string') return parseInstant(instant);
  else throw new TimeFormatError(instant, `时间${show(instant)}无法识别`);
  if (!Number.isFinite(ms)) throw new TimeFormatError(instant, '时间无效（不是一个确定的时刻）');
  return ms;
}

/** The Asia/Shanghai calendar day `YYYY-MM-DD` of an instant. A date text is returned as is. */
export function shanghaiDate(instant: Date | number | string): string {
  if (typeof instant === 'string' && DATE_RE.test(instant)) {
    dayNumber(instant);
    return instant;
  }
  return fromDayNumber(Math.floor((toEpochMs(instant) + SHANGHAI_OFFSET_MS) / DAY_MS));
}

/** ISO date-time in Shanghai with `+08:00`, e.g. `2022-06-10T09:30:00+08:00` (`.sss` when non-zero). */
export function shanghaiDateTime(instant: Date | number | string): string {
  const local = new Date(toEpochMs(instant) + SHANGHAI_OFFSET_MS);
  const ms = local.getUTCMilliseconds();
  return (
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    (ms ? `.${pad(ms, 3)}` : '') +
    '+08:00'
  );
}

/** Epoch ms of the first millisecond (00:00:00.000) of a Shanghai day. */
export function startOfShanghaiDay(date: string): number {
  return dayNumber(date) * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** Epoch ms of the last millisecond (23:59:59.999) of a Shanghai day: when a deadline day ends. */
export function endOfShanghaiDay(date: string): number {
  return startOfShanghaiDay(date) + DAY_MS - 1;
}

/** The date `n` calendar days after `date` (n may be negative). */
export function addDays(date: string, n: number): string {
  if (!Number.isSafeInteger(n)) throw new TimeFormatError(n, `天数 ${String(n)} 必须是整数`);
  return fromDayNumber(dayNumber(date) + n);
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** ISO 8601 day of week: 1 = Monday … 6 = Saturday, 7 = Sunday. */
export function dayOfWeek(date: string): number {
  return isoDowOfDayNumber(dayNumber(date));
}

/** ISO day of week of a day number (1970-01-01 was a Thursday). */
export function isoDowOfDayNumber(n: number): number {
  return ((((n + 3) % 7) + 7) % 7) + 1;
}

/** Saturday or Sunday. */
export function isWeekend(date: string): boolean {
  return dayOfWeek(date) >= 6;
}

/** -1, 0 or 1 as `a` is before, equal to or after `b` (both validated ISO dates). */
export function compareDates(a: string, b: string): number {
  const d = dayNumber(a) - dayNumber(b);
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

/** The ISO week `YYYY-Www` a date belongs to (weeks start Monday; week 1 holds the first Thursday). */
export function isoWeek(date: string): string {
  const n = dayNumber(date);
  const thursday = n - isoDowOfDayNumber(n) + 4;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1) / DAY_MS) / 7) + 1;
  return `${pad(year, 4)}-W${pad(week)}`;
}

function weeksInIsoYear(year: number): number {
  // A year has 53 ISO weeks when Dec 28 (always in the last week) falls in week 53.
  return Number(isoWeek(`${pad(year, 4)}-12-28`).slice(6));
}

/** Monday, Friday and Sunday of an ISO week `YYYY-Www`. */
export function isoWeekRange(week: string): { monday: string; friday: string; sunday: string } {
  const m = typeof week === 'string' ? WEEK_RE.exec(week.trim()) : null;
  if (!m) throw new TimeFormatError(week, `周次${show(week)}格式不正确，应为 YYYY-Www（如 2022-W23）`);
  const year = Number(m[1]);
  const w = Number(m[2]);
  if (year < 1000 || w < 1 || w > weeksInIsoYear(year)) {
    throw new TimeFormatError(week, `周次${show(week)}不存在：${year} 年共有 ${weeksInIsoYear(year)} 个 ISO 周`);
  }
  // Jan 4 is always in week 1.
  const jan4 = Date.UTC(year, 0, 4) / DAY_MS;
  const monday = jan4 - isoDowOfDayNumber(jan4) + 1 + (w - 1) * 7;
  return { monday: fromDayNumber(monday), friday: fromDayNumber(monday + 4), sunday: fromDayNumber(monday + 6) };
}

/** The year of an ISO date, as a number. */
export function yearOf(date: string): number {
  dayNumber(date);
  return Number(date.slice(0, 4));
}
