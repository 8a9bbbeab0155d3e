// The small .xlsx codec of the upload (functions/adapters/workbook): the zip index is checked before
// anything is inflated (budget, ratio, macros, external links, encryption), inflation is capped, the
// reader gives values only (a formula's cached result, shared and inline strings without phonetic
// runs, booleans, dates by style), and the writer's output reads back in exceljs (an independent
// reader) with values, fills, comments and formula-looking text kept as text. Writing is
// deterministic: the same workbook is the same bytes whenever it is written (rewriteZip for exceljs's).
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readXlsx, SheetRowScanner, UPLOAD_READ_LIMITS } from '../../functions/adapters/workbook/xlsx-read.js';
import { FILLS, writeXlsx } from '../../functions/adapters/workbook/xlsx-write.js';
import { openZip, openZipReader, readZipIndex, rewriteZip, WorkbookError, writeZip } from '../../functions/adapters/workbook/zip.js';

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

function book(sheetXml: string, extra: { name: string; data: string | Buffer }[] = [], opts: { date1904?: boolean } = {}): Buffer {
  return writeZip([
    { name: '[Content_Types].xml', data: '<Types/>' },
    { name: 'xl/workbook.xml', data: `<workbook xmlns="${NS}" xmlns:r="${R}">${opts.date1904 ? '<workbookPr date1904="1"/>' : ''}<sheets><sheet name="白名单" sheetId="1" r:id="rId1"/></sheets></workbook>` },
    { name: 'xl/_rels/workbook.xml.rels', data: `<Relationships><Relationship Id="rId1" Type="${R}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>` },
    { name: 'xl/worksheets/sheet1.xml', data: `<worksheet xmlns="${NS}"><sheetData>${sheetXml}</sheetData></worksheet>` },
    ...extra,
  ]);
}

const refused = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WorkbookError);
    return (err as WorkbookError).code;
  }
  throw new Error('not refused');
};

describe('zip index checks (before any inflation)', () => {
  it('refuses macros, external links, encryption, too many bytes and a high ratio', () => {
    expect(refused(() => readZipIndex(book('', [{ name: 'xl/vbaProject.bin', data: 'x' }])))).toBe('macros');
    expect(refused(() => readZipIndex(book('', [{ name: 'xl/externalLinks/externalLink1.xml', data: '<x/>' }])))).toBe('external_links');
    const enc = book('');
    const cd = enc.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    enc.writeUInt16LE(1, cd + 8);
    expect(refused(() => readZipIndex(enc))).toBe('encrypted');
    const zeros = writeZip([{ name: 'a.xml', data: Buffer.alloc(3 * 1024 * 1024) }]);
    expect(refused(() => readZipIndex(zeros))).toBe('zip_bomb'); // ratio ~1000:1
    expect(refused(() => readZipIndex(zeros, { maxInflatedBytes: 1024 * 1024, maxRatio: 10_000, maxEntries: 10 }))).toBe('zip_bomb');
    expect(refused(() => readZipIndex(Buffer.from('not a zip at all, just text')))).toBe('bad_xlsx');
  });
});

describe('readXlsx', () => {
  it('gives values only: shared strings without phonetic runs, inline strings, formulas as their result, booleans, errors, dates by style', () => {
    const shared = `<sst xmlns="${NS}"><si><t>通许县</t></si><si><r><t>远瑞</t></r><r><t xml:space="preserve"> 建材</t></r><rPh sb="0" eb="2"><t>ユエンルイ</t></rPh></si></sst>`;
    const styles = `<styleSheet xmlns="${NS}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs></styleSheet>`;
    const xml =
      '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' +
      '<row r="3"><c r="A3" t="inlineStr"><is><t>&lt;b&gt; &amp; 引号&quot;</t></is></c><c r="C3"><f>1+2</f><v>3</v></c><c r="D3" t="b"><v>1</v></c><c r="E3" t="e"><v>#N/A</v></c></row>' +
      '<row r="4"><c r="A4" s="1"><v>44722</v></c><c r="B4" s="2"><v>44722</v></c><c r="C4" t="str"><f>A1&amp;"x"</f><v>=SUM(A1)</v></c></row>';
    const sheets = readXlsx(book(xml, [{ name: 'xl/sharedStrings.xml', data: shared }, { name: 'xl/styles.xml', data: styles }]));
    expect(sheets).toHaveLength(1);
    const rows = sheets[0].rows;
    expect(rows.map((r) => r.row)).toEqual([1, 3, 4]);
    expect(rows[0].cells).toEqual(['通许县', '远瑞 建材']);
    expect(rows[1].cells).toEqual(['<b> & 引号"', null, 3, true, '#N/A']);
    expect((rows[2].cells[0] as Date).toISOString()).toBe('2022-06-10T00:00:00.000Z');
    expect((rows[2].cells[1] as Date).toISOString()).toBe('2022-06-10T00:00:00.000Z');
    expect(rows[2].cells[2]).toBe('=SUM(A1)');
  });

  it('reads 1904-based dates, and refuses cells beyond the column bound', () => {
    const styles = `<styleSheet xmlns="${NS}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>`;
    const sheets = readXlsx(book('<row r="1"><c r="A1" s="1"><v>43260</v></c></row>', [{ name: 'xl/styles.xml', data: styles }], { date1904: true }));
    expect((sheets[0].rows[0].cells[0] as Date).toISOString().slice(0, 10)).toBe('2022-06-10');
    expect(refused(() => readXlsx(book('<row r="1"><c r="ZZZ1" t="inlineStr"><is><t>x</t></is></c></row>'), UPLOAD_READ_LIMITS))).toBe('too_many_columns');
  });
});

describe('SheetRowScanner and openZipReader (the CLI reads workbooks as they inflate)', () => {
  const info = { sheets: [], strings: ['通许县'], dates: new Set([1]), date1904: false };
  const xml =
    `<worksheet xmlns="${NS}"><dimension ref="A1:C4"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>&lt;远瑞&gt; 𠮷</t></is></c></row>` +
    '<row r="2"/><row r="3" spans="1:3"><c r="B3" s="1"><v>44722</v></c></row><row r="4"><c r="A4"><f>1+2</f><v>3</v></c></row></sheetData><rowBreaks count="0"/></worksheet>';
  const whole = readXlsx(book(xml.replace(/^.*<sheetData>|<\/sheetData>.*$/g, ''), [{ name: 'xl/sharedStrings.xml', data: `<sst><si><t>通许县</t></si></sst>` }, { name: 'xl/styles.xml', data: `<styleSheet><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>` }]))[0].rows;

  it('gives the rows of the whole read however the XML is cut, one character at a time included', () => {
    expect(whole.map((r) => r.row)).toEqual([1, 3, 4]);
    for (const size of [1, 2, 3, 7, 50, xml.length]) {
      const scanner = new SheetRowScanner('白名单', info, UPLOAD_READ_LIMITS);
      const rows = [];
      for (let i = 0; i < xml.length; i += size) rows.push(...scanner.push(xml.slice(i, i + size)));
      rows.push(...scanner.end());
      expect(rows, `pieces of ${size}`).toEqual(whole);
    }
    const empty = new SheetRowScanner('白名单', info, UPLOAD_READ_LIMITS);
    expect([...empty.push(`<worksheet><sheetData/><row r="9"><c r="A9"><v>1</v></c></row></worksheet>`), ...empty.end()]).toEqual([]);
  });

  const access = (buf: Buffer) => ({ size: buf.length, read: async (offset: number, length: number) => buf.subarray(offset, offset + length) });

  it('reads entries by name in any order, streamed in pieces, under the same refusals as openZip', async () => {
    const big = Buffer.from(Array.from({ length: 40_000 }, (_, i) => `<row r="${i + 1}"/>`).join(''));
    const zip = await openZipReader(access(writeZip([{ name: 'b.xml', data: big }, { name: 'a.xml', data: '<a/>' }])));
    expect((await zip.read('a.xml'))!.toString()).toBe('<a/>');
    let pieces = 0;
    const parts: Buffer[] = [];
    for await (const chunk of zip.chunks('b.xml')) {
      pieces++;
      parts.push(chunk);
    }
    expect(Buffer.concat(parts).equals(big)).toBe(true);
    expect(pieces).toBeGreaterThan(1);
    expect(await zip.read('missing.xml')).toBeUndefined();
    const refusedAsync = async (fn: () => Promise<unknown>) => ((await fn().catch((e: unknown) => e)) as WorkbookError).code;
    expect(await refusedAsync(() => openZipReader(access(book('', [{ name: 'xl/vbaProject.bin', data: 'x' }]))))).toBe('macros');
    expect(await refusedAsync(() => openZipReader(access(writeZip([{ name: 'a.xml', data: Buffer.alloc(3 * 1024 * 1024) }]))))).toBe('zip_bomb');
    expect(await refusedAsync(() => openZipReader(access(Buffer.from('not a zip at all, just text'))))).toBe('bad_xlsx');
    // An entry that inflates past the size it declares is stopped while it inflates.
    const liar = writeZip([{ name: 'a.xml', data: Buffer.alloc(60_000, 0x61) }]);
    const cd = liar.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    liar.writeUInt32LE(1000, cd + 24);
    const lying = await openZipReader(access(liar));
    expect(await refusedAsync(async () => {
      for await (const _ of lying.chunks('a.xml'));
    })).toBe('zip_bomb');
  });
});

describe('writeXlsx', () => {
  it('reads back in exceljs: values, fills, comments, and formula-looking text as text', async () => {
    const bytes = writeXlsx([
      {
        name: '校验结果',
        rows: new Map([[1, [{ v: '校验结果', style: 'header' as const }, { v: 3 }]]]),
      },
      {
        name: '白名单',
        freezeHeader: true,
        rows: new Map([
          [1, [{ v: '统一社会信用代码', style: 'header' as const }, { v: '备注', style: 'header' as const }]],
          [3, [{ v: '91410222GA45C5XLKA', style: 'error' as const, comment: '「统一社会信用代码」校验位错误（uscc_checksum）' }, { v: '=1+1' }]],
        ]),
        widths: [24, 12],
      },
    ]);
    expect(bytes.includes(Buffer.from('<f>'))).toBe(false);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['校验结果', '白名单']);
    expect(wb.getWorksheet('校验结果')!.getCell('B1').value).toBe(3);
    const ws = wb.getWorksheet('白名单')!;
    const a3 = ws.getCell('A3');
    expect(a3.value).toBe('91410222GA45C5XLKA');
    expect((a3.fill as ExcelJS.FillPattern).fgColor?.argb).toBe(FILLS.error);
    expect(JSON.stringify(a3.note)).toContain('uscc_checksum');
    expect(ws.getCell('B3').value).toBe('=1+1');
    expect(ws.getCell('B3').type).toBe(ExcelJS.ValueType.String);
    // And our own reader reads it back the same (the re-upload path).
    const again = readXlsx(bytes);
    expect(again[1].rows.find((r) => r.row === 3)!.cells).toEqual(['91410222GA45C5XLKA', '=1+1']);
  });
});

describe('writing the same workbook twice gives the same bytes', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  /** Writes `make()` at each of `times` (the system clock set to it). */
  async function writtenAt<T>(times: string[], make: () => T | Promise<T>): Promise<T[]> {
    vi.useFakeTimers({ toFake: ['Date'] });
    const out: T[] = [];
    for (const t of times) {
      vi.setSystemTime(new Date(t));
      out.push(await make());
    }
    return out;
  }
  /** Every entry's DOS time and date, from the central directory and from the local header it points at. */
  function entryStamps(buf: Buffer): string[] {
    const eocd = buf.length - 22;
    expect(buf.readUInt32LE(eocd)).toBe(0x06054b50);
    const stamps: string[] = [];
    let p = buf.readUInt32LE(eocd + 16);
    for (let i = 0; i < buf.readUInt16LE(eocd + 10); i++) {
      const local = buf.readUInt32LE(p + 42);
      stamps.push(`${buf.readUInt16LE(p + 14)}/${buf.readUInt16LE(p + 12)}`, `${buf.readUInt16LE(local + 12)}/${buf.readUInt16LE(local + 10)}`);
      p += 46 + buf.readUInt16LE(p + 28) + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    }
    return stamps;
  }
  const entries = (buf: Buffer) => {
    const z = openZip(buf);
    return z.names().map((n) => [n, z.read(n)!.toString('base64')]);
  };

  it('exceljs stamps the clock into its zip; rewriteZip gives one set of bytes with the same entries, at the given time', async () => {
    const build = async () => {
      const wb = new ExcelJS.Workbook();
      const at = new Date(Date.UTC(2022, 5, 1));
      wb.created = at;
      wb.modified = at;
      const ws = wb.addWorksheet('白名单');
      ws.addRow(['统一社会信用代码', '企业名称', '年营业收入（万元）']);
      ws.addRow(['91410222MA44ABCDE0', '通许县示例食品有限公司', 1234.5]);
      return Buffer.from(await wb.xlsx.writeBuffer());
    };
    const [a, b] = await writtenAt(['2026-12-07T08:00:00Z', '2026-12-08T17:31:46Z'], build);
    // The raw archives differ (zip entry times) though their entries are the same.
    expect(a.equals(b)).toBe(false);
    expect(entries(a)).toEqual(entries(b));

    const modified = new Date(Date.UTC(2022, 5, 1, 9, 30, 10));
    const [ra, rb] = [rewriteZip(a, { modified }), rewriteZip(b, { modified })];
    expect(ra.equals(rb)).toBe(true);
    expect(entries(ra)).toEqual(entries(a));
    // 2022-06-01 09:30:10 in DOS form: date (42 << 9 | 6 << 5 | 1), time (9 << 11 | 30 << 5 | 5).
    const stamp = `${(42 << 9) | (6 << 5) | 1}/${(9 << 11) | (30 << 5) | 5}`;
    expect(new Set(entryStamps(ra))).toEqual(new Set([stamp]));
    expect(entryStamps(ra)).toHaveLength(2 * readZipIndex(a).length);

    const back = new ExcelJS.Workbook();
    await back.xlsx.load(ra as unknown as ArrayBuffer);
    expect(back.getWorksheet('白名单')!.getRow(2).values).toEqual([undefined, '91410222MA44ABCDE0', '通许县示例食品有限公司', 1234.5]);
  });

  it('writeXlsx and writeZip: the same input at two times is the same bytes (folders stored, files deflated)', async () => {
    const sheets = [{ name: '白名单', rows: new Map([[1, [{ v: '企业名称', style: 'header' as const }, { v: 12 }]]]) }];
    const [x1, x2] = await writtenAt(['2026-12-07T08:00:00Z', '2027-01-02T03:04:05Z'], () => writeXlsx(sheets));
    expect(x1.equals(x2)).toBe(true);
    const files = [
      { name: 'xl/', data: '' },
      { name: 'xl/a.xml', data: '<a/>' },
    ];
    const [z1, z2] = await writtenAt(['2026-12-07T08:00:00Z', '2027-01-02T03:04:05Z'], () => writeZip(files));
    expect(z1.equals(z2)).toBe(true);
    expect(readZipIndex(z1).map((e) => [e.name, e.method])).toEqual([
      ['xl/', 0],
      ['xl/a.xml', 8],
    ]);
    // The default time: 1980-01-01 00:00.
    expect(new Set(entryStamps(z1))).toEqual(new Set([`${(0 << 9) | (1 << 5) | 1}/0`]));
  });
});
