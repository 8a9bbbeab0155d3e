import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fc, test as fcTest } from '@fast-check/vitest';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../local/args.js';
import { KINDS } from '../../domain/rows/kinds.js';
import { validateTables } from '../../local/commands/validate.js';
import { CsvParser, csvToRows, decodeText, kindFromFileName, parseCsv, readTables, sectorHint, sniffDelimiter, streamTables, toCsv } from '../../local/files.js';
import { openZip } from '../../functions/adapters/workbook/zip.js';

describe('parseCsv', () => {
  it('skips a leading BOM', () => {
    expect(parseCsv('\ufeffa,b\n1,2\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and embedded newlines', () => {
    const text = 'name,note\r\n"通许县某公司, 有限","他说""好""\r\n第二行"\r\nx,y\r\n';
    expect(parseCsv(text)).toEqual([
      ['name', 'note'],
      ['通许县某公司, 有限', '他说"好"\r\n第二行'],
      ['x', 'y'],
    ]);
  });

  it('accepts CRLF, LF and lone CR line ends, with or without a final newline', () => {
    expect(parseCsv('a\r\nb\nc\rd')).toEqual([['a'], ['b'], ['c'], ['d']]);
  });

  it('keeps empty fields, a trailing comma and blank records', () => {
    expect(parseCsv('a,,c,\n\n1,2,3,4')).toEqual([['a', '', 'c', ''], [''], ['1', '2', '3', '4']]);
  });

  it('reports an unterminated quote with its record number', () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrow(/第 2 行的引号没有闭合/);
  });

  fcTest.prop([fc.array(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 })])(
    'round-trips anything toCsv writes',
    (records) => {
      // A record of one empty field is written as an empty line, which reads back as [''] too.
      expect(parseCsv(toCsv(records))).toEqual(records);
    },
  );

  fcTest.prop([
    fc.array(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }),
    fc.array(fc.nat(), { maxLength: 6 }),
    fc.constantFrom('\r\n', '\n', '\r'),
  ])('reads the same records when the text comes in pieces cut anywhere (streaming)', (records, cuts, eol) => {
    const text = toCsv(records).replace(/\r\n/g, eol);
    const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
    const parser = new CsvParser();
    const out: string[][] = [];
    let from = 0;
    for (const cut of at) {
      out.push(...parser.push(text.slice(from, cut)));
      from = cut;
    }
    out.push(...parser.end(text.slice(from)));
    expect(out).toEqual(parseCsv(text));
  });
});

describe('csvToRows', () => {
  it('numbers rows as sheet rows (header = 1), skipping blank lines but not their numbers', () => {
    const { headers, rows } = csvToRows('统一社会信用代码,名称\n91410222MA9F12345X,甲\n\n"B\n2",乙\n,\n');
    expect(headers).toEqual(['统一社会信用代码', '名称']);
    expect(rows).toEqual([
      { row: 2, values: { 统一社会信用代码: '91410222MA9F12345X', 名称: '甲' } },
      { row: 4, values: { 统一社会信用代码: 'B\n2', 名称: '乙' } },
    ]);
  });

  it('trims headers, drops empty and repeated header columns, fills missing cells with empty text', () => {
    const { headers, rows } = csvToRows(' 名称 ,,名称,备注\n甲,x,y\n');
    expect(headers).toEqual(['名称', '备注']);
    expect(rows[0].values).toEqual({ 名称: '甲', 备注: '' });
  });

  it('parses 200,000 rows quickly', () => {
    const line = '91410222MA9F123450,通许县某某食品有限公司,工业生产,玉皇庙镇,"1,234.5",50,已纳入,2022-05-20,,,办公室,13800000001,,,\n';
    const text = `统一社会信用代码,名称,所属领域,所在乡镇,产值或投资额（万元）,员工人数,状态,纳入日期,移出日期,移出原因,联系人,联系电话,联系邮箱,关联企业,备注\n${line.repeat(200_000)}`;
    const t0 = performance.now();
    const { rows } = csvToRows(text);
    const ms = performance.now() - t0;
    expect(rows).toHaveLength(200_000);
    expect(rows[199_999].row).toBe(200_001);
    expect(rows[5].values['产值或投资额（万元）']).toBe('1,234.5');
    // Generous: the machine is shared; the benchmark (bench/validate.bench.ts) measures properly.
    expect(ms).toBeLessThan(15_000);
  });
});

describe('kind and sector from names', () => {
  it.each([
    ['责任单位', 'unit'],
    ['unit', 'unit'],
    ['白名单', 'whitelist'],
    ['industry-白名单', 'whitelist'],
    ['工业生产白名单', 'whitelist'],
    ['sector_total', 'sector_total'],
    ['2022 问题诉求', 'issue'],
    ['政策咨询员', 'consultant'],
  ])('%s -> %s', (name, kind) => {
    expect(kindFromFileName(name)).toBe(kind);
  });

  it('does not guess from unrelated names', () => {
    expect(kindFromFileName('data')).toBeUndefined();
    expect(kindFromFileName('说明')).toBeUndefined();
  });

  it('finds the sector from the file or folder name', () => {
    expect(sectorHint('examples/workbooks/industry.xlsx')).toBe('工业生产');
    expect(sectorHint('examples/csv/culture_tourism/白名单.csv')).toBe('文化旅游');
    expect(sectorHint('商贸流通-白名单.csv')).toBe('商贸流通');
    expect(sectorHint('/tmp/白名单.csv')).toBeUndefined();
  });
});

describe('streamTables on an .xlsx', () => {
  /** An exceljs-written workbook (xl/workbook.xml stored last) with every kind of cell. */
  async function cellKinds(rows = 1): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'sibao-stream-xlsx-'));
    const file = join(dir, 'book.xlsx');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('说明').addRow(['这是说明']);
    const wl = wb.addWorksheet('白名单');
    wl.addRow(['统一社会信用代码', '名称', '产值或投资额（万元）', '纳入日期', '备注']);
    for (let i = 0; i < rows; i++) {
      wl.addRow([`9141022200000${String(i).padStart(4, '0')}X`, { richText: [{ text: '通许' }, { text: `县${i}` }] }, { formula: '100*2', result: 200 + i }, new Date(Date.UTC(2022, 4, 20)), { text: '链接 𠮷 <&>', hyperlink: 'https://x.example' }]);
    }
    wl.addRow(['', '', { error: '#N/A' }]);
    await wb.xlsx.writeFile(file);
    return file;
  }

  it('gives the cells readTables gives: rich text and links as text, formulas as their result, dates as dates, errors as text', async () => {
    const file = await cellKinds(3);
    // The stored order that exceljs's own streaming reader at times lost the workbook part of.
    const names = openZip(await readFile(file), { maxInflatedBytes: 1 << 30, maxRatio: 1000, maxEntries: 100 }).names();
    expect(names.at(-1)).toBe('xl/workbook.xml');
    const streamed: { sheet?: string; kind: string; rows: unknown[] }[] = [];
    for await (const t of streamTables(file)) {
      const rows: unknown[] = [];
      for await (const batch of t.rows()) rows.push(...batch);
      streamed.push({ sheet: t.sheet, kind: t.kind, rows });
    }
    const whole = await readTables(file);
    expect(streamed).toEqual(whole.map((t) => ({ sheet: t.sheet, kind: t.kind, rows: t.rows })));
    const [first] = whole[0].rows;
    expect(first.values).toMatchObject({ 名称: '通许县0', '产值或投资额（万元）': 200, 纳入日期: new Date(Date.UTC(2022, 4, 20)), 备注: '链接 𠮷 <&>' });
    expect(whole[0].rows.at(-1)!.values['产值或投资额（万元）']).toBe('#N/A');
  });

  it('reads a sheet of many inflated chunks row by row, the same as the whole read, and the same file 50 times over', async () => {
    const file = await cellKinds(20_000);
    expect((await stat(file)).size).toBeGreaterThan(200 * 1024); // several 64 KiB reads, many inflated chunks
    let batches = 0;
    const rows: unknown[] = [];
    for await (const t of streamTables(file)) {
      for await (const batch of t.rows()) {
        batches++;
        rows.push(...batch);
      }
    }
    expect(batches).toBeGreaterThan(10);
    expect(rows).toEqual((await readTables(file))[0].rows);
    expect(rows).toHaveLength(20_001);
    // Every read of one file finds its sheets (the race it replaced lost them about once in 800).
    const small = await cellKinds(2);
    const kinds = await Promise.all(Array.from({ length: 50 }, async () => (await collectAll(small)).map((t) => t.kind)));
    expect(new Set(kinds.map((k) => k.join()))).toEqual(new Set(['whitelist']));
  });

  it('refuses a damaged workbook in Chinese, naming the file', async () => {
    const file = await cellKinds(2);
    const bytes = await readFile(file);
    const cut = join(dirname(file), 'cut.xlsx');
    await writeFile(cut, bytes.subarray(0, bytes.length - 200));
    const err = await collectAll(cut).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).code).toBe('bad_xlsx');
    expect((err as Error).message).toContain('cut.xlsx 不是有效的 .xlsx 工作簿');
  });
});

/** Every table of a file through the streaming reader, read to the end. */
async function collectAll(file: string) {
  const out: { kind: string; rows: number }[] = [];
  for await (const t of streamTables(file)) {
    let rows = 0;
    for await (const batch of t.rows()) rows += batch.length;
    out.push({ kind: t.kind, rows });
  }
  return out;
}

describe('readTables', () => {
  it('reads an xlsx workbook: tabs by name, unnamed tabs by header, row numbers, cell types', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sibao-files-'));
    const file = join(dir, 'book.xlsx');
    const wb = new ExcelJS.Workbook();
    const wl = wb.addWorksheet('白名单');
    wl.addRow(['统一社会信用代码', '名称', '产值或投资额（万元）', '纳入日期']);
    wl.addRow(['91410222MA9F12345X', { richText: [{ text: '甲' }, { text: '公司' }] }, 1200, new Date(Date.UTC(2022, 4, 20))]);
    wl.addRow([]);
    wl.addRow(['91410222MA9F12346X', '乙', { formula: '100*2', result: 200 }, null]);
    const other = wb.addWorksheet('Sheet2');
    other.addRow(['单位编码', '单位名称', '类型']);
    other.addRow(['fgw', '县发展改革委', '县直部门']);
    wb.addWorksheet('说明').addRow(['这是说明']);
    await wb.xlsx.writeFile(file);

    const tables = await readTables(file);
    expect(tables.map((t) => [t.sheet, t.kind])).toEqual([
      ['白名单', 'whitelist'],
      ['Sheet2', 'unit'],
    ]);
    const rows = tables[0].rows;
    expect(rows.map((r) => r.row)).toEqual([2, 4]);
    expect(rows[0].values['名称']).toBe('甲公司');
    expect(rows[0].values['产值或投资额（万元）']).toBe(1200);
    expect(rows[0].values['纳入日期']).toEqual(new Date(Date.UTC(2022, 4, 20)));
    expect(rows[1].values['产值或投资额（万元）']).toBe(200);
  });

  it('resolves a CSV kind from --kind, then the file name, then the header', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sibao-files-'));
    await writeFile(join(dir, 'unit.csv'), '单位编码,单位名称\nfgw,县发展改革委\n');
    await writeFile(join(dir, 'data.csv'), '所属领域,统计期,总量（万元）\n工业生产,2022-05,100\n');
    expect((await readTables(join(dir, 'unit.csv')))[0].kind).toBe('unit');
    expect((await readTables(join(dir, 'data.csv')))[0].kind).toBe('sector_total');
    expect((await readTables(join(dir, 'data.csv'), { kind: '白名单' }))[0].kind).toBe('whitelist');
  });

  it('rejects unusable input with Chinese messages', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sibao-files-'));
    await writeFile(join(dir, 'data.csv'), 'a,b\n1,2\n');
    await writeFile(join(dir, 'empty.csv'), '\n\n');
    await writeFile(join(dir, 'broken.xlsx'), 'not a zip');
    // Neither UTF-8 nor GB18030 (0xFF starts no GB18030 sequence), nor UTF-16 (no zero bytes, no BOM).
    await writeFile(join(dir, 'garbled.csv'), Buffer.from([0xc3, 0xfb, 0xff, 0xb3, 0xc6, 0x0a]));
    const reject = async (file: string, code: string, pattern: RegExp) => {
      const err = await readTables(join(dir, file)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).code).toBe(code);
      expect((err as Error).message).toMatch(pattern);
    };
    await reject('missing.csv', 'file_missing', /找不到文件/);
    await reject('data.csv', 'unknown_kind', /无法判断.*--kind/);
    await reject('empty.csv', 'no_header', /没有表头/);
    await reject('broken.xlsx', 'bad_xlsx', /不是有效的 \.xlsx/);
    await reject('garbled.csv', 'encoding', /编码无法识别.*UTF-8/);
    const err = await readTables(join(dir, 'data.csv'), { kind: 'nonsense' }).catch((e: unknown) => e);
    expect((err as UsageError).code).toBe('unknown_kind');
  });
});

describe('text encodings (real byte files in test/fixtures/encodings, written by Python codecs)', () => {
  const FIX = join(import.meta.dirname, '..', 'fixtures', 'encodings');
  const cases = [
    ['白名单-utf8-bom.csv', 'utf-8', [0xef, 0xbb, 0xbf]],
    ['白名单-utf8.csv', 'utf-8', [0xe7, 0xbb, 0x9f]],
    ['白名单-gbk.csv', 'gb18030', [0xcd, 0xb3]],
    ['白名单-gb18030.csv', 'gb18030', [0xcd, 0xb3]],
    ['白名单-unicode.txt', 'utf-16le', [0xff, 0xfe]],
    ['白名单-utf16be-nobom.txt', 'utf-16be', [0x7e, 0xdf]],
  ] as const;

  it.each(cases)('%s is decoded as %s', async (file, encoding, lead) => {
    const bytes = await readFile(join(FIX, file));
    expect([...bytes.subarray(0, lead.length)]).toEqual(lead); // the file really is in that encoding
    expect(decodeText(bytes)?.encoding).toBe(encoding);
  });

  it.each(cases)('%s reads as the same three whitelist rows', async (file) => {
    const [t] = await readTables(join(FIX, file));
    expect(t.kind).toBe('whitelist');
    expect(t.headers).toEqual([...KINDS.whitelist.headers]);
    expect(t.rows.map((r) => r.row)).toEqual([2, 3, 4]);
    expect(t.rows.map((r) => r.values['名称'])).toEqual(['通许县远瑞建材有限公司', '通许县信远建材有限公司', '通许县恒祥服装有限公司']);
    expect(t.rows[0].values['统一社会信用代码']).toBe('91410222JKMQMETJ6W');
  });

  it('keeps what only GB18030 and UTF-16 can hold, and quoted delimiters inside fields', async () => {
    const note = async (file: string, row = 0) => (await readTables(join(FIX, file)))[0].rows[row].values['备注'];
    expect(await note('白名单-gbk.csv')).toBe('供电线路改造，已协调');
    expect(await note('白名单-gb18030.csv')).toBe('𠮷祥物流园配套');
    expect(await note('白名单-utf8.csv')).toBe('𠮷祥物流园配套');
    // Excel's "Unicode 文本": a tab and quotes inside a quoted field; a comma is not a delimiter there.
    expect(await note('白名单-unicode.txt')).toBe('含\t制表符和"引号"的备注 𠮷');
    expect(await note('白名单-unicode.txt', 1)).toBe('逗号,不分列');
  });

  it.each(['白名单-utf8.csv', '白名单-gb18030.csv', '白名单-unicode.txt'])(
    '%s made many chunks long (quoted line breaks, multi-byte characters across chunk ends) reads as its whole text parses',
    async (fixture) => {
      const dir = await mkdtemp(join(tmpdir(), 'sibao-chunks-'));
      const bytes = await readFile(join(FIX, fixture));
      const { text, encoding } = decodeText(bytes)!;
      const header = text.slice(0, text.search(/\r?\n/) + 1);
      const body = text.slice(header.length);
      // The same rows many times (same encoding): a record with a quoted line break every few rows.
      const quoted = encoding === 'utf-16le' ? '\t"第一行\r\n第二行 ""引号"" 𠮷"' : ',"第一行\r\n第二行 ""引号"" 𠮷"';
      const many = header + Array.from({ length: 3000 }, (_, i) => body.replace(/\r?\n$/, '') + (i % 3 === 0 ? quoted : '') + '\r\n').join('');
      const encoded =
        encoding === 'utf-16le'
          ? Buffer.from(many, 'utf16le')
          : encoding === 'utf-8'
            ? Buffer.from(many.replace(/^\ufeff/, ''), 'utf8')
            : Buffer.concat([bytes.subarray(0, bytes.indexOf(0x0a) + 1), ...Array.from({ length: 3000 }, () => bytes.subarray(bytes.indexOf(0x0a) + 1))]);
      expect(encoded.length).toBeGreaterThan(3 * 128 * 1024); // several chunks
      const file = join(dir, fixture);
      await writeFile(file, encoded);
      const [t] = await readTables(file);
      const whole = decodeText(encoded)!;
      expect(whole.encoding).toBe(encoding);
      expect(t.rows).toEqual(csvToRows(whole.text).rows);
      expect(t.rows.length).toBeGreaterThanOrEqual(3000 * 3);
    },
  );

  it('validates a UTF-16 tab-separated file like its UTF-8 CSV twin', async () => {
    const results = async (file: string) =>
      validateTables(await readTables(join(FIX, file)))[0].results.map((r) => ({ row: r.row, ok: r.ok, errors: r.errors.map((e) => e.code) }));
    expect(await results('白名单-unicode.txt')).toEqual(await results('白名单-utf16be-nobom.txt'));
    expect((await results('白名单-utf8.csv')).every((r) => r.ok)).toBe(true);
    expect((await results('白名单-unicode.txt')).every((r) => r.ok)).toBe(true);
  });

  it('sniffs the delimiter from the header line', () => {
    expect(sniffDelimiter('a,b,c\r\n1,2,3')).toBe(',');
    expect(sniffDelimiter('\ufeffa\tb\tc\r\n1,2\t3')).toBe('\t');
    expect(sniffDelimiter('"x\ty",b\n')).toBe(',');
    expect(sniffDelimiter('\n\na\tb\n')).toBe('\t');
  });
});
