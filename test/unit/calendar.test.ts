import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fc, test as propTest } from '@fast-check/vitest';
import chineseDays from 'chinese-days';
import {
  CALENDAR_SOURCE,
  CALENDAR_YEARS,
  CalendarError,
  CalendarUnverifiedError,
  createCalendar,
  requireVerified,
} from '../../domain/time/calendar.js';
import { addDays, compareDates, dayNumber, fromDayNumber } from '../../domain/time/time.js';
import { OUTPUT, readSource, renderCalendarData, summarise } from '../../scripts/gen-calendar-data.js';

const national = createCalendar();

describe('generated national data', () => {
  it('the committed domain/calendar-data.ts equals a fresh generation from the installed chinese-days', () => {
    const { json, version } = readSource();
    expect(readFileSync(OUTPUT, 'utf8')).toBe(renderCalendarData(json, version));
    expect(CALENDAR_SOURCE).toBe(`chinese-days@${version}`);
  });

  it('covers exactly the complete years 2004–2026 and not 2027', () => {
    const { json } = readSource();
    expect(summarise(json).years).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
    expect(CALENDAR_YEARS[0]).toBe(2004);
    expect(CALENDAR_YEARS.at(-1)).toBe(2026);
    expect(national.covers(2026)).toBe(true);
    expect(national.covers(2027)).toBe(false);
    expect(national.covers(2003)).toBe(false);
  });

  it('agrees with chinese-days itself on every day of every covered year', () => {
    const from = dayNumber('2004-01-01');
    const to = dayNumber('2026-12-31');
    const disagreements: string[] = [];
    for (let n = from; n <= to; n++) {
      const d = fromDayNumber(n);
      if (national.isWorkday(d) !== chineseDays.isWorkday(d)) disagreements.push(d);
    }
    expect(to - from + 1).toBe(8401);
    expect(disagreements).toEqual([]);
  });

  it('summarise rejects a source that lists a day as both holiday and working day', () => {
    expect(() =>
      summarise({ holidays: { '2030-01-01': 'x,春节,1', '2030-10-01': 'x,国庆节,1' }, workdays: { '2030-01-01': 'x,春节,1' } }),
    ).toThrow(/both/);
  });
});

describe('2022 national facts', () => {
  it.each([
    ['2022-04-24', true, 'Sunday make-up day for Labour Day'],
    ['2022-05-07', true, 'Saturday make-up day for Labour Day'],
    ['2022-10-08', true, 'Saturday make-up day for National Day'],
    ['2022-10-09', true, 'Sunday make-up day for National Day'],
    ['2022-01-29', true, 'Saturday make-up day for Spring Festival'],
    ['2022-05-02', false, 'Labour Day'],
    ['2022-05-03', false, 'Labour Day'],
    ['2022-05-04', false, 'Labour Day'],
    ['2022-06-03', false, 'Dragon Boat (Friday)'],
    ['2022-06-04', false, 'Dragon Boat (Saturday)'],
    ['2022-06-05', false, 'Dragon Boat (Sunday)'],
    ['2022-10-03', false, 'National Day'],
    ['2022-10-05', false, 'National Day'],
    ['2022-10-07', false, 'National Day'],
    ['2022-09-12', false, 'Mid-autumn (Monday)'],
    ['2022-06-10', true, 'an ordinary Friday'],
    ['2022-06-11', false, 'an ordinary Saturday'],
  ])('%s working day = %s (%s)', (date, work) => {
    expect(national.isWorkday(date)).toBe(work);
  });

  it.each([
    ['2022-06-02', 1, '2022-06-06', 'over Dragon Boat'],
    ['2022-06-02', 0, '2022-06-02', 'a working day itself'],
    ['2022-06-03', 0, '2022-06-06', 'holiday -> next working day'],
    ['2022-06-04', 0, '2022-06-06', 'weekend holiday -> next working day'],
    ['2022-04-29', 1, '2022-05-05', 'over Labour Day'],
    ['2022-04-29', 2, '2022-05-06', ''],
    ['2022-04-29', 3, '2022-05-07', 'Saturday make-up day counts'],
    ['2022-04-22', 1, '2022-04-24', 'Sunday make-up day counts'],
    ['2022-09-30', 1, '2022-10-08', 'over National Day'],
    ['2022-09-30', 7, '2022-10-14', ''],
    ['2022-06-10', 7, '2022-06-21', '13710: 7 working days'],
    ['2022-06-10', -1, '2022-06-09', 'one working day before'],
    ['2022-06-06', -1, '2022-06-02', 'one working day before, over Dragon Boat'],
  ])('addWorkdays(%s, %i) = %s %s', (date, n, out) => {
    expect(national.addWorkdays(date, n)).toEqual({ date: out, verified: true, uncoveredYears: [] });
  });

  it('workdaysBetween counts after `from` up to and including `to`', () => {
    expect(national.workdaysBetween('2022-06-02', '2022-06-06')).toBe(1);
    expect(national.workdaysBetween('2022-09-30', '2022-10-09')).toBe(2);
    expect(national.workdaysBetween('2022-06-06', '2022-06-06')).toBe(0);
    expect(national.workdaysBetween('2022-06-10', '2022-06-01')).toBe(0);
    // 2022: 260 weekdays − 18 weekday holidays + 7 weekend make-up days (1 January was a Saturday).
    expect(national.workdaysBetween('2022-01-01', '2022-12-31')).toBe(249);
  });
});

describe('overrides', () => {
  const cal = createCalendar([
    { date: '2022-06-06', type: '休息日' },
    { date: '2022-06-04', type: '工作日' },
    { date: '2022-06-11', type: '工作日' },
  ]);

  it.each([
    ['2022-06-06', false, 'an override rest day beats an ordinary Monday'],
    ['2022-06-04', true, 'an override working day beats a national holiday'],
    ['2022-06-11', true, 'an override working day beats a weekend'],
    ['2022-06-07', true, 'untouched days keep the national answer'],
    ['2022-06-03', false, 'untouched national holiday'],
  ])('%s -> %s (%s)', (date, work) => {
    expect(cal.isWorkday(date)).toBe(work);
  });

  it('they move addWorkdays', () => {
    expect(cal.addWorkdays('2022-06-02', 1).date).toBe('2022-06-04');
    expect(cal.addWorkdays('2022-06-04', 1).date).toBe('2022-06-07');
    expect(cal.addWorkdays('2022-06-05', 0).date).toBe('2022-06-07');
  });

  it('a year with at least one override row counts as covered', () => {
    const with2027 = createCalendar([
      { date: '2027-02-08', type: '休息日' },
      { date: '2027-02-20', type: '工作日' },
    ]);
    expect(with2027.covers(2027)).toBe(true);
    expect(with2027.coveredYears().at(-1)).toBe(2027);
    expect(with2027.isWorkday('2027-02-08')).toBe(false);
    expect(with2027.isWorkday('2027-02-20')).toBe(true);
    expect(with2027.addWorkdays('2027-02-05', 1)).toEqual({ date: '2027-02-09', verified: true, uncoveredYears: [] });
  });

  it.each([
    [[{ date: '2022-6-6', type: '休息日' }], 'date'],
    [[{ date: '2022-02-30', type: '休息日' }], 'date'],
    [[{ date: '2022-06-06', type: '假日' }], 'enum'],
    [
      [
        { date: '2022-06-06', type: '休息日' },
        { date: '2022-06-06', type: '工作日' },
      ],
      'duplicate',
    ],
  ])('bad override rows throw CalendarError %#', (rows, code) => {
    let caught: unknown;
    try {
      createCalendar(rows as never);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CalendarError);
    expect((caught as CalendarError).code).toBe(code);
    expect((caught as Error).message).toContain('节假日调整');
  });

  it('the same override twice is accepted', () => {
    const twice = createCalendar([
      { date: '2022-06-06', type: '休息日' },
      { date: '2022-06-06', type: '休息日' },
    ]);
    expect(twice.isWorkday('2022-06-06')).toBe(false);
  });
});

describe('uncovered years', () => {
  it('2027 is counted Monday–Friday and never silently verified', () => {
    // 2027-02-10 lies in the Spring Festival week; the arrangement is not published in the data yet.
    expect(national.isWorkday('2027-02-10')).toBe(true);
    expect(national.isWorkday('2027-02-13')).toBe(false);
    expect(national.addWorkdays('2027-02-10', 0)).toEqual({ date: '2027-02-10', verified: false, uncoveredYears: [2027] });
    expect(national.addWorkdays('2027-02-12', 1)).toEqual({ date: '2027-02-15', verified: false, uncoveredYears: [2027] });
    expect(national.addWorkdays('2003-12-31', 1)).toEqual({ date: '2004-01-02', verified: false, uncoveredYears: [2003] });
  });

  it('crossing from a covered into an uncovered year is unverified', () => {
    // 2026-12-31 is Thursday; 2027-01-01 (Friday) is counted as a working day without data.
    const a = national.addWorkdays('2026-12-31', 1);
    expect(a).toEqual({ date: '2027-01-01', verified: false, uncoveredYears: [2027] });
    expect(national.addWorkdays('2026-12-30', 1).verified).toBe(true);
  });

  it('requireVerified returns the date or throws calendar_unverified with the year and what to do', () => {
    expect(requireVerified(national.addWorkdays('2022-06-02', 1))).toBe('2022-06-06');
    let caught: unknown;
    try {
      requireVerified(national.addWorkdays('2027-03-01', 3));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CalendarUnverifiedError);
    expect((caught as CalendarUnverifiedError).code).toBe('calendar_unverified');
    expect((caught as CalendarUnverifiedError).year).toBe(2027);
    expect((caught as Error).message).toBe(
      '2027 年的法定节假日安排尚未录入：国务院通常在每年 11–12 月公布次年安排，请在「节假日调整」中录入该年的休息日和调休工作日后再计算。',
    );
    expect(() => requireVerified({ date: '2028-01-03', verified: false }, 2028)).toThrow(/^2028 年/);
  });

  it('rejects a count that is not an integer or absurdly large', () => {
    expect(() => national.addWorkdays('2022-06-10', 1.5)).toThrow(CalendarError);
    expect(() => national.addWorkdays('2022-06-10', 1e9)).toThrow(CalendarError);
    expect(() => national.addWorkdays('2022-13-10', 1)).toThrow(/日期/);
  });
});

describe('addWorkdays properties (2020–2026)', () => {
  const dates = fc
    .integer({ min: dayNumber('2020-01-01'), max: dayNumber('2026-12-31') })
    .map((n) => fromDayNumber(n));

  propTest.prop([dates, fc.integer({ min: 0, max: 30 })])(
    'the answer is a working day, not before d, with exactly n working days in (d, answer]',
    (d, n) => {
      const { date, verified } = national.addWorkdays(d, n);
      expect(national.isWorkday(date)).toBe(true);
      expect(compareDates(date, d)).toBeGreaterThanOrEqual(0);
      // Count by walking isWorkday, independently of addWorkdays' own loop.
      let strictlyBetween = 0;
      for (let x = addDays(d, 1); compareDates(x, date) < 0; x = addDays(x, 1)) if (national.isWorkday(x)) strictlyBetween++;
      if (n >= 1) {
        expect(strictlyBetween).toBe(n - 1);
        expect(national.workdaysBetween(d, date)).toBe(n);
      } else {
        expect(date === d || strictlyBetween === 0).toBe(true);
        expect(national.isWorkday(d)).toBe(date === d);
      }
      expect(verified).toBe(date <= '2026-12-31');
    },
  );

  propTest.prop([dates, fc.integer({ min: 0, max: 29 })])('is monotonic in n', (d, n) => {
    const a = national.addWorkdays(d, n).date;
    const b = national.addWorkdays(d, n + 1).date;
    if (n >= 1 || national.isWorkday(d)) expect(compareDates(a, b)).toBe(-1);
    else expect(a).toBe(b); // from a rest day, 0 and 1 both give the next working day
  });

  propTest.prop([dates, fc.integer({ min: 1, max: 30 })])('stepping back n working days undoes stepping forward', (d, n) => {
    const back = national.addWorkdays(national.addWorkdays(d, n).date, -n).date;
    // From a rest day the round trip lands on the last working day before it.
    expect(back).toBe(national.isWorkday(d) ? d : national.addWorkdays(d, -1).date);
    expect(national.workdaysBetween(back, d)).toBe(0);
  });
});
