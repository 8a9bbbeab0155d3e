import { describe, expect, it } from 'vitest';
import { parseDate } from '../../domain/rows/normalize.js';
import { shanghaiDateTime } from '../../domain/time/time.js';
import { dateFlag, dateOfText, instantFlag, instantOfText, parseArgs, UsageError } from '../../local/args.js';
import { displayWidth, formatAmount, formatPercent, pad, renderTable, truncate } from '../../local/format.js';

const spec = { flags: { kind: 'string', json: 'boolean', as: 'strings' } } as const;

describe('parseArgs', () => {
  it('separates positionals from flags in any order, with --flag value and --flag=value', () => {
    const a = parseArgs(['a.csv', '--kind', '白名单', 'b.csv', '--json', '--as=x@y.example', '--as', 'z@y.example'], spec);
    expect(a.positionals).toEqual(['a.csv', 'b.csv']);
    expect(a.flags).toEqual({ kind: '白名单', json: true, as: ['x@y.example', 'z@y.example'] });
  });

  it('treats negative numbers and everything after -- as positionals', () => {
    expect(parseArgs(['add-workdays', '2022-06-02', '-3'], spec).positionals).toEqual(['add-workdays', '2022-06-02', '-3']);
    expect(parseArgs(['--', '--json'], spec).positionals).toEqual(['--json']);
  });

  it('knows -h and --help', () => {
    expect(parseArgs(['-h'], spec).flags.help).toBe(true);
    expect(parseArgs(['--help'], spec).flags.help).toBe(true);
  });

  it.each([
    [['--nope'], /未知选项：--nope/],
    [['--kind'], /--kind 缺少取值/],
    [['--kind', '--json'], /--kind 缺少取值/],
    [['--json=1'], /不带取值/],
    [['--kind', 'a', '--kind', 'b'], /只能给一次/],
  ])('rejects %j in Chinese', (argv, message) => {
    expect(() => parseArgs(argv, spec)).toThrow(UsageError);
    expect(() => parseArgs(argv, spec)).toThrow(message);
  });
});

describe('format', () => {
  it('counts CJK and full-width characters as two columns', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('白名单')).toBe(6);
    expect(displayWidth('（万元）')).toBe(8);
    expect(displayWidth('A１')).toBe(3);
  });

  it('pads and truncates by display width', () => {
    expect(pad('白', 4)).toBe('白  ');
    expect(pad('7', 3, 'right')).toBe('  7');
    expect(truncate('通许县某某食品有限公司', 9)).toBe('通许县某…');
    expect(displayWidth(truncate('通许县某某食品有限公司', 9))).toBeLessThanOrEqual(9);
  });

  it('aligns table columns for mixed Chinese and ASCII', () => {
    const text = renderTable(['行', '列', '代码'], [
      ['2', '统一社会信用代码', 'uscc_checksum'],
      ['10', '名称', 'required'],
    ], { right: [0] });
    expect(text.split('\n')).toEqual([
      '行  列                代码',
      '──  ────────────────  ─────────────',
      ' 2  统一社会信用代码  uscc_checksum',
      '10  名称              required',
    ]);
  });

  it('formats money and percentages', () => {
    expect(formatAmount(1234567.891)).toBe('1,234,567.89');
    expect(formatAmount(null)).toBe('—');
    expect(formatPercent(0.7345)).toBe('73.5%');
    expect(formatPercent(null)).toBe('—');
  });
});

describe('date flags (--at) take the forms cells take', () => {
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : shanghaiDateTime(ms));

  it.each([
    ['2022-06-10'],
    ['2022/6/10'],
    ['2022/06/10'],
    ['2022.6.10'],
    ['2022年6月10日'],
    ['20220610'],
    ['２０２２／６／１０'],
    ['44722'], // spreadsheet serial
  ])('%s is 2022-06-10, as parseDate reads it in a cell', (text) => {
    expect(dateOfText(text)).toBe('2022-06-10');
    expect(dateFlag(text, 'at', () => 'never')).toBe('2022-06-10');
    if (!/^\d{5}$/.test(text)) expect(dateOfText(text)).toBe(parseDate(text));
  });

  it('refuses an impossible date with a Chinese usage error naming the flag, and falls back when absent', () => {
    for (const bad of ['2022/13/01', '2022-02-30', '明天', '']) {
      expect(() => dateFlag(bad, 'at', () => 'x')).toThrow(UsageError);
      expect(() => dateFlag(bad, 'at', () => 'x')).toThrow(/--at：日期「.*」无效，应为 2022-06-10、2022\/6\/10、2022年6月10日/);
    }
    expect(dateFlag(undefined, 'at', () => '2022-06-06')).toBe('2022-06-06');
  });

  it.each([
    ['2022-06-10', '2022-06-10T00:00:00+08:00'],
    ['2022/6/10', '2022-06-10T00:00:00+08:00'],
    ['2022年6月10日', '2022-06-10T00:00:00+08:00'],
    ['2022-06-10T09:30', '2022-06-10T09:30:00+08:00'],
    ['2022-06-10 09:30:15', '2022-06-10T09:30:15+08:00'],
    ['2022-06-10T09:30+00:00', '2022-06-10T17:30:00+08:00'],
    ['2022/6/10 9:30', '2022-06-10T09:30:00+08:00'],
    ['2022/6/10T9:30', '2022-06-10T09:30:00+08:00'],
    ['2022年6月10日 9:30', '2022-06-10T09:30:00+08:00'],
    ['2022年6月10日9时30分', '2022-06-10T09:30:00+08:00'],
    ['2022年6月10日 16点', '2022-06-10T16:00:00+08:00'],
    ['２０２２／６／１０　９：３０', '2022-06-10T09:30:00+08:00'],
    ['44722.5', '2022-06-10T12:00:00+08:00'],
  ])('route --at %s is %s', (text, want) => {
    expect(iso(instantOfText(text))).toBe(want);
    expect(iso(instantFlag(text, 'at', () => 0))).toBe(want);
  });

  it('refuses an impossible instant', () => {
    for (const bad of ['2022/6/10 25:00', '2022/6/10 9:75', '2022/13/1 9:00', '下周一']) {
      expect(instantOfText(bad), bad).toBeUndefined();
      expect(() => instantFlag(bad, 'at', () => 0)).toThrow(/--at：时间「.*」无效/);
    }
  });
});
