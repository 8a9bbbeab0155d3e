// Reading the cell values of an .xlsx (values only: a formula cell gives its cached result, never the
// formula; styles only tell dates from numbers). Small on purpose: zip.ts inflates under the upload
// limits, and the XML is scanned with a few regular expressions over what Excel, WPS and
// LibreOffice write (shared strings, inline strings, rich-text runs, numbers, booleans, dates).
import type { Cell } from '../../../domain/rows/types.js';
import { openZip, UPLOAD_ZIP_LIMITS, WorkbookError, type ZipLimits } from './zip.js';

export interface SheetCells {
  name: string;
  /** Rows with at least one cell, in order: sheet row number and cells by 0-based column. */
  rows: { row: number; cells: Cell[] }[];
}

export interface ReadLimits extends ZipLimits {
  maxRows: number;
  maxColumns: number;
}

export const UPLOAD_READ_LIMITS: ReadLimits = { ...UPLOAD_ZIP_LIMITS, maxRows: 100_000, maxColumns: 256 };

/** The CLI reads the operator's own files, larger ones included (SPEC §7.7: larger files go through `sibao import`). */
export const CLI_READ_LIMITS: ReadLimits = { maxInflatedBytes: 2_000 * 1024 * 1024, maxRatio: 1_000, maxEntries: 20_000, maxRows: 1_048_576, maxColumns: 16_384 };

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return ENTITIES[e] ?? m;
  });
}

/** The attribute `name` of one start tag's text. */
function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag) ?? new RegExp(`\\s${name}='([^']*)'`).exec(tag);
  return m ? decodeXml(m[1]) : undefined;
}

/** Text of the `<t>` elements of a string item (`<si>` or `<is>`), phonetic runs (`<rPh>`) left out. */
function stringItem(xml: string): string {
  const body = xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '');
  let out = '';
  for (const m of body.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)) out += decodeXml(m[1]);
  return out;
}

function sharedStrings(xml: string | undefined): string[] {
  if (!xml) return [];
  return [...xml.matchAll(/<si>([\s\S]*?)<\/si>|<si\/>/g)].map((m) => (m[1] === undefined ? '' : stringItem(m[1])));
}

const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** Which cell style indexes (`s`) show a date. */
function dateStyles(xml: string | undefined): Set<number> {
  const dates = new Set<number>();
  if (!xml) return dates;
  const custom = new Map<number, string>();
  for (const m of xml.matchAll(/<numFmt\s[^>]*>/g)) {
    const id = Number(attr(m[0], 'numFmtId'));
    custom.set(id, attr(m[0], 'formatCode') ?? '');
  }
  const isDateCode = (code: string) => /[ymdhs]/i.test(code.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '')) && !/^[#0.,%\s]*$/.test(code);
  const xfs = /<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/.exec(xml)?.[1] ?? '';
  let i = 0;
  for (const m of xfs.matchAll(/<xf\s[^>]*?\/?>/g)) {
    const id = Number(attr(m[0], 'numFmtId') ?? 0);
    if (BUILTIN_DATE_FORMATS.has(id) || (custom.has(id) && isDateCode(custom.get(id)!))) dates.add(i);
    i++;
  }
  return dates;
}

/** A date serial (1900 system) as the UTC instant exceljs gives: whole days are UTC midnight. */
function serialToDate(serial: number, date1904: boolean): Date {
  const days = date1904 ? serial + 1462 : serial;
  return new Date(Math.round((days - 25569) * 86_400_000));
}

function columnIndex(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n - 1;
}

function resolveTarget(target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = `xl/${target}`.split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else if (p !== '.') out.push(p);
  }
  return out.join('/');
}

/** Every worksheet of the workbook with its non-empty cells. Throws WorkbookError. */
export function readXlsx(bytes: Buffer, limits: ReadLimits = UPLOAD_READ_LIMITS): SheetCells[] {
  const zip = openZip(bytes, limits);
  const text = (name: string) => zip.read(name)?.toString('utf8');
  const workbook = text('xl/workbook.xml');
  if (!workbook) throw new WorkbookError('bad_xlsx', '文件不是有效的 .xlsx 工作簿（缺少 xl/workbook.xml）；请用 Excel 或 WPS 另存为 .xlsx 后再上传');
  const rels = new Map<string, string>();
  for (const m of (text('xl/_rels/workbook.xml.rels') ?? '').matchAll(/<Relationship\s[^>]*>/g)) {
    const id = attr(m[0], 'Id');
    const target = attr(m[0], 'Target');
    if (id && target) rels.set(id, resolveTarget(target));
  }
  const date1904 = /<workbookPr\s[^>]*date1904="(1|true)"/.test(workbook);
  const strings = sharedStrings(text('xl/sharedStrings.xml'));
  const dates = dateStyles(text('xl/styles.xml'));
  const sheets: SheetCells[] = [];
  for (const m of workbook.matchAll(/<sheet\s[^>]*>/g)) {
    const name = attr(m[0], 'name') ?? '';
    const rid = attr(m[0], 'r:id') ?? [...m[0].matchAll(/\s[\w]+:id="([^"]*)"/g)][0]?.[1];
    const path = rid ? rels.get(rid) : undefined;
    if (!path || !zip.has(path)) continue; // chart sheets and missing parts: no cells
    const xml = text(path)!;
    sheets.push({ name, rows: sheetRows(xml, name, strings, dates, date1904, limits) });
  }
  return sheets;
}

function sheetRows(xml: string, sheet: string, strings: string[], dates: Set<number>, date1904: boolean, limits: ReadLimits): SheetCells['rows'] {
  const rows: SheetCells['rows'] = [];
  const data = /<sheetData[^>]*>([\s\S]*?)<\/sheetData>/.exec(xml)?.[1] ?? '';
  let lastRow = 0;
  for (const rm of data.matchAll(/<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g)) {
    const rowNumber = Number(attr(rm[0].slice(0, rm[0].indexOf('>') + 1), 'r') ?? lastRow + 1);
    lastRow = rowNumber;
    const body = rm[2];
    if (!body) continue;
    const cells: Cell[] = [];
    let lastCol = -1;
    let any = false;
    for (const cm of body.matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const open = `<c${cm[1]}>`;
      const ref = attr(open, 'r');
      const col = ref ? columnIndex(ref) : lastCol + 1;
      lastCol = col;
      const inner = cm[2];
      if (inner === undefined) continue;
      const t = attr(open, 't') ?? 'n';
      const v = /<v(?:\s[^>]*)?>([\s\S]*?)<\/v>/.exec(inner)?.[1];
      let value: Cell = null;
      if (t === 'inlineStr') value = stringItem(/<is>([\s\S]*?)<\/is>/.exec(inner)?.[1] ?? '');
      else if (v === undefined) value = null;
      else if (t === 's') value = strings[Number(v)] ?? '';
      else if (t === 'str' || t === 'e') value = decodeXml(v);
      else if (t === 'b') value = v.trim() === '1';
      else {
        const n = Number(v);
        if (!Number.isFinite(n)) value = decodeXml(v);
        else value = dates.has(Number(attr(open, 's') ?? -1)) ? serialToDate(n, date1904) : n;
      }
      if (value === null || value === '') continue;
      if (col >= limits.maxColumns) throw new WorkbookError('too_many_columns', `工作表“${sheet}”第 ${rowNumber} 行在第 ${col + 1} 列有内容，超过 ${limits.maxColumns} 列的上限`);
      cells[col] = value;
      any = true;
    }
    if (!any) continue;
    if (rowNumber > limits.maxRows) throw new WorkbookError('too_many_rows', `工作表“${sheet}”超过 ${limits.maxRows} 行的上限；请拆分后上传或用 sibao import 导入`);
    for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
    rows.push({ row: rowNumber, cells });
  }
  return rows;
}
