import { describe, expect, it } from 'vitest';
import { fc, test as propTest } from '@fast-check/vitest';
import {
  addDays,
  compareDates,
  dayOfWeek,
  daysBetween,
  endOfShanghaiDay,
  isIsoDate,
  isoWeek,
  isoWeekRange,
  parseInstant,
  shanghaiDate,
  shanghaiDateTime,
  startOfShanghaiDay,
  TimeFormatError,
} from '../../domain/time/time.js';

describe('parseInstant', () => {
  it.each([
    ['2022-06-10', '2022-06-09T16:00:00.000Z'],
    ['2022-06-10T09:30', '2022-06-10T01:30:00.000Z'],
    ['2022-06-10 09:30', '2022-06-10T01:30:00.000Z'],
    ['2022-06-10T09:30:15', '2022-06-10T01:30:15.000Z'],
    ['2022-06-10T09:30:15.250', '2022-06-10T01:30:15.250Z'],
    ['2022-06-10T09:30Z', '2022-06-10T09:30:00.000Z'],
    ['2022-06-10T09:30:00z', '2022-06-10T09:30:00.000Z'],
    ['2022-06-10T09:30+08:00', '2022-06-10T01:30:00.000Z'],
    ['2022-06-10T09:30+0800', '2022-06-10T01:30:00.000Z'],
    ['2022-06-10T09:30+08', '2022-06-10T01:30:00.000Z'],
    ['2022-06-10T09:30-05:00', '2022-06-10T14:30:00.000Z'],
    ['  2022-06-10 09:30  ', '2022-06-10T01:30:00.000Z'],
  ])('%s -> %s', (text, iso) => {
    expect(new Date(parseInstant(text)).toISOString()).toBe(iso);
  });

  it.each([
    '',
    '2022-6-10',
    '2022/06/10',
    '2022-02-29',
    '2022-13-01',
    '2022-06-31',
    '2022-06-10T24:00',
    '2022-06-10T09:60',
    '2022-06-10T09:30:60',
    '2022-06-10T09',
    '2022-06-10T09:30+15:00',
    '2022-06-10T09:30 GMT',
    '0999-01-01',
    'yesterday',
  ])('rejects %j with a Chinese message and code date', (text) => {
    let caught: unknown;
    try {
      parseInstant(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TimeFormatError);
    expect((caught as TimeFormatError).code).toBe('date');
    expect((caught as Error).message).toMatch(/[日期时间]/);
  });

  it('accepts the leap day of a leap year', () => {
    expect(shanghaiDate(parseInstant('2024-02-29T12:00'))).toBe('2024-02-29');
  });
});

describe('shanghaiDate / shanghaiDateTime', () => {
  it.each<[Date | number | string, string]>([
    ['2022-06-09T15:59:59.999Z', '2022-06-09'],
    ['2022-06-09T16:00:00.000Z', '2022-06-10'],
    [new Date('2022-12-31T16:00:00Z'), '2023-01-01'],
    [Date.parse('2022-06-10T00:00:00Z'), '2022-06-10'],
    ['2022-06-10', '2022-06-10'],
    ['2022-06-10 23:59', '2022-06-10'],
  ])('shanghaiDate(%j) = %s', (input, day) => {
    expect(shanghaiDate(input)).toBe(day);
  });

  it('rejects an invalid Date, NaN and impossible dates', () => {
    expect(() => shanghaiDate(new Date('nope'))).toThrow(TimeFormatError);
    expect(() => shanghaiDate(Number.NaN)).toThrow(TimeFormatError);
    expect(() => shanghaiDate('2022-02-30')).toThrow(TimeFormatError);
  });

  it('writes +08:00 and keeps milliseconds only when present', () => {
    expect(shanghaiDateTime('2022-06-10T01:30:00Z')).toBe('2022-06-10T09:30:00+08:00');
    expect(shanghaiDateTime(Date.parse('2022-06-10T01:30:00.042Z'))).toBe('2022-06-10T09:30:00.042+08:00');
    expect(shanghaiDateTime('2022-06-10')).toBe('2022-06-10T00:00:00+08:00');
  });

  propTest.prop([fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) })])(
    'shanghaiDateTime round-trips through parseInstant',
    (ms) => {
      expect(parseInstant(shanghaiDateTime(ms))).toBe(ms);
      expect(shanghaiDate(ms)).toBe(shanghaiDateTime(ms).slice(0, 10));
    },
  );
});

describe('day arithmetic', () => {
  it('end and start of a Shanghai day', () => {
    expect(new Date(endOfShanghaiDay('2022-06-10')).toISOString()).toBe('2022-06-10T15:59:59.999Z');
    expect(new Date(startOfShanghaiDay('2022-06-10')).toISOString()).toBe('2022-06-09T16:00:00.000Z');
    expect(shanghaiDate(endOfShanghaiDay('2022-06-10'))).toBe('2022-06-10');
    expect(shanghaiDate(endOfShanghaiDay('2022-06-10') + 1)).toBe('2022-06-11');
  });

  it.each([
    ['2022-06-10', 1, '2022-06-11'],
    ['2022-02-28', 1, '2022-03-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2022-12-31', 1, '2023-01-01'],
    ['2022-06-10', 30, '2022-07-10'],
    ['2022-03-01', -1, '2022-02-28'],
    ['2022-06-10', 0, '2022-06-10'],
  ])('addDays(%s, %i) = %s', (d, n, out) => {
    expect(addDays(d, n)).toBe(out);
    expect(daysBetween(d, out)).toBe(n);
  });

  it('addDays rejects a non-integer count', () => {
    expect(() => addDays('2022-06-10', 1.5)).toThrow(TimeFormatError);
  });

  it.each([
    ['2022-06-06', 1],
    ['2022-06-10', 5],
    ['2022-06-11', 6],
    ['2022-06-12', 7],
    ['1970-01-01', 4],
    ['1969-12-28', 7],
  ])('dayOfWeek(%s) = %i (ISO, Monday = 1)', (d, dow) => {
    expect(dayOfWeek(d)).toBe(dow);
  });

  it('compareDates and isIsoDate', () => {
    expect(compareDates('2022-06-10', '2022-06-11')).toBe(-1);
    expect(compareDates('2022-06-10', '2022-06-10')).toBe(0);
    expect(compareDates('2023-01-01', '2022-12-31')).toBe(1);
    expect(() => compareDates('2022-6-1', '2022-06-01')).toThrow(TimeFormatError);
    expect(isIsoDate('2022-06-10')).toBe(true);
    expect(isIsoDate('2022-06-31')).toBe(false);
    expect(isIsoDate(20220610)).toBe(false);
  });
});

describe('ISO weeks', () => {
  it.each([
    ['2022-06-10', '2022-W23'],
    ['2022-01-01', '2021-W52'],
    ['2021-01-03', '2020-W53'],
    ['2020-12-31', '2020-W53'],
    ['2019-12-30', '2020-W01'],
    ['2026-12-31', '2026-W53'],
    ['2027-01-04', '2027-W01'],
  ])('isoWeek(%s) = %s', (d, w) => {
    expect(isoWeek(d)).toBe(w);
  });

  it('isoWeekRange gives Monday, Friday and Sunday', () => {
    expect(isoWeekRange('2022-W23')).toEqual({ monday: '2022-06-06', friday: '2022-06-10', sunday: '2022-06-12' });
    expect(isoWeekRange('2020-W53')).toEqual({ monday: '2020-12-28', friday: '2021-01-01', sunday: '2021-01-03' });
    expect(isoWeekRange('2020-W01')).toEqual({ monday: '2019-12-30', friday: '2020-01-03', sunday: '2020-01-05' });
  });

  it.each(['2022-W53', '2022-W00', '2022-23', '2022-W5', 'W23'])('isoWeekRange rejects %s', (w) => {
    expect(() => isoWeekRange(w)).toThrow(TimeFormatError);
  });

  propTest.prop([fc.integer({ min: Date.UTC(2000, 0, 1) / 86_400_000, max: Date.UTC(2040, 0, 1) / 86_400_000 })])(
    'every day lies in the week isoWeekRange gives for its isoWeek',
    (dayNo) => {
      const d = new Date(dayNo * 86_400_000).toISOString().slice(0, 10);
      const { monday, friday, sunday } = isoWeekRange(isoWeek(d));
      expect(dayOfWeek(monday)).toBe(1);
      expect(daysBetween(monday, friday)).toBe(4);
      expect(daysBetween(monday, sunday)).toBe(6);
      expect(compareDates(monday, d)).toBeLessThanOrEqual(0);
      expect(compareDates(d, sunday)).toBeLessThanOrEqual(0);
    },
  );
});
