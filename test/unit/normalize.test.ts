import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  cellText,
  dateFromSerial,
  isEmptyCell,
  looksLikeFormula,
  parseDate,
  parseEmail,
  parseInteger,
  parseNumber,
  parsePercent,
  parsePeriod,
  parsePhone,
  parseYesNo,
  serialFromDate,
  splitList,
  toFullWidth,
  toHalfWidth,
} from '../../domain/rows/normalize.js';
import { toSheetText } from '../../domain/rows/sheet-text.js';

describe('toHalfWidth', () => {
  it.each([
    ['１２３', '123'],
    ['（注）', '(注)'],
    ['备注：无', '备注:无'],
    ['1，234．5', '1,234.5'],
    ['２０２２－０６－１０', '2022-06-10'],
    ['ＡＢＣ　ｘｙｚ', 'ABC xyz'],
    ['0371—1234567', '0371-1234567'],
    ['中文不变', '中文不变'],
  ])('%s → %s', (input, expected) => {
    expect(toHalfWidth(input)).toBe(expected);
  });
});

describe('empty cells', () => {
  it.each([[null], [undefined], [''], ['   '], ['\u3000'], ['\t\r\n']])('%j is empty', (cell) => {
    expect(isEmptyCell(cell)).toBe(true);
    expect(cellText(cell)).toBeUndefined();
  });
  it.each([[0], [false], ['0'], [' a ']])('%j is not empty', (cell) => {
    expect(isEmptyCell(cell)).toBe(false);
  });
});

describe('numbers', () => {
  it.each([
    ['1,234.5', 1234.5],
    ['1，234', 1234],
    ['１２３４', 1234],
    [' 12 ', 12],
    ['-5', -5],
    ['1,234,567.89', 1234567.89],
    ['.5', 0.5],
    ['1.2E+07', 12000000],
    [42, 42],
  ] as const)('%j → %d', (cell, n) => {
    expect(parseNumber(cell)).toBe(n);
  });
  it.each([['abc'], ['1,2'], ['12,34,567'], ['1.2.3'], ['--1'], [''], [true], [Number.NaN], [Number.POSITIVE_INFINITY], ['Infinity'], ['0x10']])(
    '%j is not a number',
    (cell) => {
      expect(parseNumber(cell)).toBeUndefined();
    },
  );
  it('integers', () => {
    expect(parseInteger('120')).toBe(120);
    expect(parseInteger('12.0')).toBe(12);
    expect(parseInteger('12.5')).toBeUndefined();
  });

  test.prop([fc.integer({ min: -1e12, max: 1e12 })])('thousands separators (both widths) do not change the value', (n) => {
    const grouped = n.toLocaleString('en-US');
    expect(parseNumber(grouped)).toBe(n);
    expect(parseNumber(grouped.replace(/,/g, '，'))).toBe(n);
    expect(parseNumber(toFullWidth(grouped))).toBe(n);
  });
  test.prop([fc.nat()])('full-width digits read like half-width digits', (n) => {
    const s = String(n);
    expect(toHalfWidth(toFullWidth(s))).toBe(s);
    expect(parseNumber(toFullWidth(s))).toBe(n);
  });
});

describe('percentages', () => {
  it.each([
    ['70%', 0.7],
    ['70', 0.7],
    ['0.7', 0.7],
    [0.7, 0.7],
    [70, 0.7],
    ['７０％', 0.7],
    ['100%', 1],
    ['12.5%', 0.125],
  ] as const)('%j → %d', (cell, f) => {
    expect(parsePercent(cell)).toBe(f);
  });
  it('rejects text', () => {
    expect(parsePercent('七成')).toBeUndefined();
  });
});

describe('dates', () => {
  it.each([
    ['2022-06-10'],
    ['2022/6/10'],
    ['2022.6.10'],
    ['2022年6月10日'],
    ['2022年06月10日'],
    ['２０２２年６月１０日'],
    ['20220610'],
    ['2022-06-10 08:30'],
    [44722],
    [44722.75],
    [new Date(Date.UTC(2022, 5, 10))],
  ] as const)('%j → 2022-06-10', (cell) => {
    expect(parseDate(cell)).toBe('2022-06-10');
  });
  it.each([['2022-02-30'], ['2021-02-29'], ['2022-13-01'], ['2022/6/31'], ['明天'], ['6/10'], [0], [60], [-1], [new Date(Number.NaN)], [true]])(
    '%j is rejected',
    (cell) => {
      expect(parseDate(cell)).toBeUndefined();
    },
  );
  it('accepts leap days and the 1900 serial quirk', () => {
    expect(parseDate('2024-02-29')).toBe('2024-02-29');
    expect(dateFromSerial(1)).toBe('1900-01-01');
    expect(dateFromSerial(59)).toBe('1900-02-28');
    expect(dateFromSerial(61)).toBe('1900-03-01');
    expect(serialFromDate('2022-06-10')).toBe(44722);
  });

  const day = fc
    .date({ min: new Date(Date.UTC(1900, 2, 1)), max: new Date(Date.UTC(2199, 11, 31)), noInvalidDate: true })
    .map((d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())));
  test.prop([day])('every spelling of the same day gives the same ISO date', (d) => {
    const iso = d.toISOString().slice(0, 10);
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth() + 1;
    const dd = d.getUTCDate();
    const spellings = [
      iso,
      `${y}/${m}/${dd}`,
      `${y}.${m}.${dd}`,
      `${y}年${m}月${dd}日`,
      toFullWidth(`${y}-${m}-${dd}`),
      serialFromDate(iso),
      d,
    ];
    for (const s of spellings) expect(parseDate(s)).toBe(iso);
  });
  test.prop([fc.integer({ min: 61, max: serialFromDate('2199-12-31') })])('serials round-trip', (serial) => {
    expect(serialFromDate(dateFromSerial(serial)!)).toBe(serial);
  });
});

describe('periods', () => {
  it.each([['2022-06'], ['2022/6'], ['2022年6月'], ['2022.06'], ['２０２２－０６'], [new Date(Date.UTC(2022, 5, 1))], [44713]])('%j → 2022-06', (cell) => {
    expect(parsePeriod(cell)).toBe('2022-06');
  });
  it.each([['2022-13'], ['2022'], ['六月']])('%j is rejected', (cell) => {
    expect(parsePeriod(cell)).toBeUndefined();
  });
});

describe('yes/no', () => {
  it.each([['是', true], ['否', false], [true, true], [false, false], ['TRUE', true], ['n', false]] as const)('%j → %s', (c, v) => {
    expect(parseYesNo(c)).toBe(v);
  });
  it('rejects other words', () => {
    expect(parseYesNo('可能')).toBeUndefined();
  });
});

describe('lists', () => {
  it('splits on ；;、 and drops empties and repeats', () => {
    expect(splitList('a；b;c、 d ；；a')).toEqual(['a', 'b', 'c', 'd']);
    expect(splitList('a,b')).toEqual(['a,b']);
    expect(splitList('a,b，c', true)).toEqual(['a', 'b', 'c']);
    expect(splitList('')).toEqual([]);
    expect(splitList(undefined)).toEqual([]);
  });
});

describe('phones', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['+86 13812345678', '13812345678'],
    ['１３８１２３４５６７８', '13812345678'],
    [13812345678, '13812345678'],
    ['0371-12345678', '0371-12345678'],
    ['0371 1234567', '0371-1234567'],
    ['(0371)12345678', '0371-12345678'],
    ['（0371）12345678', '0371-12345678'],
    ['037112345678', '0371-12345678'],
    ['010-12345678', '010-12345678'],
    ['02112345678', '021-12345678'],
    ['０３７１－１２３４５６７８', '0371-12345678'],
  ] as const)('%j → %s', (cell, expected) => {
    expect(parsePhone(cell)).toBe(expected);
  });
  it.each([['12812345678'], ['1381234567'], ['138123456789'], ['0371-123456'], ['0371-123456789'], ['371-12345678'], ['电话'], ['12345']])(
    '%j is rejected',
    (cell) => {
      expect(parsePhone(cell)).toBeUndefined();
    },
  );
});

describe('emails', () => {
  it.each([
    ['office@county.example', 'office@county.example'],
    [' Office@County.Example ', 'office@county.example'],
    ['a.b+c@dept.county.example', 'a.b+c@dept.county.example'],
    ['ｏｆｆｉｃｅ＠ｃｏｕｎｔｙ．ｅｘａｍｐｌｅ', 'office@county.example'],
  ])('%j → %s', (cell, expected) => {
    expect(parseEmail(cell)).toBe(expected);
  });
  it.each([['office'], ['office@'], ['@county.example'], ['a@b'], ['a b@c.example'], ['a@@c.example'], ['a..b@c.example'], ['a@-c.example'], ['a@c-.example']])(
    '%j is rejected',
    (cell) => {
      expect(parseEmail(cell)).toBeUndefined();
    },
  );
});

describe('formula text', () => {
  it.each([['=SUM(A1)'], ['+1'], ['-1'], ['@x'], ['\tx'], ['\rx']])('%j looks like a formula and is written back quoted', (s) => {
    expect(looksLikeFormula(s)).toBe(true);
    expect(toSheetText(s)).toBe(`'${s}`);
  });
  it('leaves plain text and numbers alone', () => {
    expect(toSheetText('普通文本')).toBe('普通文本');
    expect(toSheetText(-5)).toBe(-5);
    expect(toSheetText(1234.5)).toBe(1234.5);
    expect(toSheetText(null)).toBe('');
    expect(toSheetText(true)).toBe('是');
    expect(toSheetText(['a', 'b'])).toBe('a；b');
  });
});
