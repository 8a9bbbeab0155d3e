// Terminal tables that fit 100 columns: display width (CJK = 2), wrapping without losing a character,
// Chinese line-breaking rules, and spreadsheet column widths from content.
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { cellDisplayWidth, displayWidth, renderTable, sheetColumnWidth, TABLE_WIDTH, wrapText } from '../../local/format.js';

/** The characters of a text without the spaces a wrap may drop at a break. */
const squeeze = (s: string) => s.replace(/ /g, '');

describe('displayWidth', () => {
  it('counts wide characters outside the BMP, emoji and full-width forms as two, marks as zero', () => {
    expect(displayWidth('𠮷')).toBe(2); // U+20BB7, a surrogate pair
    expect(displayWidth('👍')).toBe(2);
    expect(displayWidth('ｶ')).toBe(1); // half-width katakana
    expect(displayWidth('Ａ')).toBe(2);
    expect(displayWidth('é')).toBe(1); // e + combining acute
    expect(displayWidth('a\u200bb')).toBe(2);
    expect(displayWidth('…─')).toBe(2); // ambiguous width: one column each
    expect(displayWidth('　')).toBe(2); // ideographic space
  });
});

describe('wrapText', () => {
  it('breaks CJK text at the width and never starts a line with closing punctuation', () => {
    const text = '「联系电话」不是有效电话号码：「1234567」，应为 11 位手机号（1 开头，第二位 3–9）或带区号的固定电话（如 0371-12345678）';
    for (const width of [10, 17, 24, 40]) {
      const lines = wrapText(text, width);
      for (const l of lines) expect(displayWidth(l), `${width}: ${l}`).toBeLessThanOrEqual(width);
      for (const l of lines.slice(1)) expect(l, `${width}`).not.toMatch(/^[，。、；：？！）」”]/);
      for (const l of lines.slice(0, -1)) expect(l, `${width}`).not.toMatch(/[（「“]$/);
      expect(squeeze(lines.join(''))).toBe(squeeze(text));
    }
  });

  it('keeps an ASCII word whole when it fits on a line, and breaks a longer one after a comma', () => {
    expect(wrapText('校验位错误：91410222GA45C5XLK0，请核对', 20)).toEqual(['校验位错误：', '91410222GA45C5XLK0，', '请核对']);
    const json = '{"files":[{"file","kind","rows":[{"row","ok"}]}],"valid":N,"invalid":M}';
    const lines = wrapText(json, 30);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(30);
    expect(lines.join('')).toBe(json);
    expect(lines.slice(0, -1).every((l) => /[,:]$/.test(l))).toBe(true);
  });

  it('keeps line breaks of the text and drops the space at a break', () => {
    expect(wrapText('第一行\n第二行', 40)).toEqual(['第一行', '第二行']);
    expect(wrapText('aaaa bbbb cccc', 9)).toEqual(['aaaa bbbb', 'cccc']);
  });

  fcTest.prop([
    fc.string({ unit: fc.constantFrom(...'通许县白名单企业，。（）「」abc123 -,:；'.split('')), maxLength: 200 }),
    fc.integer({ min: 4, max: 60 }),
  ])('never exceeds the width and never loses a character', (text, width) => {
    const lines = wrapText(text, width);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(width);
    expect(squeeze(lines.join(''))).toBe(squeeze(text));
  });
});

describe('renderTable', () => {
  it('renders 200,000 rows (sibao validate of a whole sheet of bad rows) without overflowing the call stack', () => {
    const many = Array.from({ length: 200_000 }, (_, i) => [String(i + 2), '统一社会信用代码', `第 ${i + 2} 行的代码无效\n请核对`, 'uscc_checksum']);
    const text = renderTable(['行', '列', '说明', '代码'], many, { wrap: [2] });
    const lines = text.split('\n');
    expect(lines).toHaveLength(2 + 200_000 * 2);
    expect(lines.at(-1)).toContain('请核对');
    expect(lines[2]).toMatch(/^2 +统一社会信用代码 +第 2 行的代码无效 +uscc_checksum$/);
  }, 60_000);

  const long = '「产值或投资额（万元）」为 38600000 万元，超过 10,000,000 万元（1000 亿元），可能误按“元”填写；请换算为万元（元 ÷ 10000）';
  const rows = [
    ['39', '产值或投资额（万元）', long, 'number_range'],
    ['28', '移出原因', '「移出原因」为必填项：状态为「已移出」时需填写移出原因', 'conditional_required'],
  ];

  it('fits 100 columns by wrapping the message column, and keeps every character of it', () => {
    const text = renderTable(['行', '列', '说明', '代码'], rows, { right: [0], wrap: [2] });
    const lines = text.split('\n');
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(TABLE_WIDTH);
    expect(lines.length).toBeGreaterThan(2 + rows.length); // the long message took more than one line
    // The message column's slices, read back in order, give the message whole (nothing cut at a hint).
    const start = displayWidth(lines[0].slice(0, lines[0].indexOf('说明')));
    const colOf = (l: string) => {
      let w = 0;
      let out = '';
      for (const ch of l) {
        if (w >= start) out += ch;
        w += displayWidth(ch);
      }
      return out;
    };
    const first = lines.slice(2).findIndex((l) => l.includes('number_range')) + 2;
    const next = lines.findIndex((l, i) => i > first && l.trimStart().startsWith('28'));
    const message = lines.slice(first, next).map((l) => colOf(l).replace(/\s+number_range$/, '').trimEnd()).join('');
    expect(squeeze(message)).toBe(squeeze(long));
    expect(text).not.toContain('…');
  });

  it('honours a narrower width and an indent', () => {
    const text = renderTable(['行', '列', '说明', '代码'], rows, { right: [0], wrap: [2], width: 72, indent: '  ' });
    for (const l of text.split('\n')) {
      expect(displayWidth(l)).toBeLessThanOrEqual(72);
      expect(l.startsWith('  ')).toBe(true);
    }
  });

  it('cuts a column that does not wrap only when the table cannot fit otherwise', () => {
    const wide = [['x'.repeat(150), 'y']];
    const text = renderTable(['a', 'b'], wide, { maxCell: 200 });
    for (const l of text.split('\n')) expect(displayWidth(l)).toBeLessThanOrEqual(TABLE_WIDTH);
    expect(text).toContain('…');
  });
});

describe('sheetColumnWidth', () => {
  it('fits the widest cell (CJK counts double) within min and max, and says when the column must wrap', () => {
    const name = '通许县远瑞建材有限公司'; // 11 characters, 22 columns
    const fit = sheetColumnWidth('名称', ['甲', name, 'abc']);
    expect(fit.width).toBeGreaterThanOrEqual(cellDisplayWidth(name) + 2);
    expect(fit.wraps).toBe(false);
    expect(sheetColumnWidth('ID', ['1']).width).toBe(8); // the minimum
    const longer = sheetColumnWidth('说明', ['很长的说明'.repeat(20)], { max: 60 });
    expect(longer).toMatchObject({ width: 60, wraps: true });
    // The header counts too (bold, filter button).
    expect(sheetColumnWidth('产值或投资额（万元）', ['1']).width).toBeGreaterThan(displayWidth('产值或投资额（万元）'));
  });
});
