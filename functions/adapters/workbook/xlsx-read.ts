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

/** The parts of a workbook that its sheets are read with (each read whole: they are small). */
export interface WorkbookParts {
  workbook: string | undefined;
  rels: string | undefined;
  sharedStrings: string | undefined;
  styles: string | undefined;
}

/** What reading a workbook's sheets needs: its sheets (tab name, part path) in tab order, its strings and date styles. */
export interface WorkbookInfo {
  sheets: { name: string; path: string | undefined }[];
  strings: string[];
  dates: Set<number>;
  date1904: boolean;
}

/** The part names WorkbookParts are read from. */
export const WORKBOOK_PART_NAMES = { workbook: 'xl/workbook.xml', rels: 'xl/_rels/workbook.xml.rels', sharedStrings: 'xl/sharedStrings.xml', styles: 'xl/styles.xml' } as const;

/** The parts of a workbook, or bad_xlsx without its workbook part. */
export function workbookInfo(parts: WorkbookParts): WorkbookInfo {
  const { workbook } = parts;
  if (!workbook) throw new WorkbookError('bad_xlsx', '文件不是有效的 .xlsx 工作簿（缺少 xl/workbook.xml）；请用 Excel 或 WPS 另存为 .xlsx 后再上传');
  const rels = new Map<string, string>();
  for (const m of (parts.rels ?? '').matchAll(/<Relationship\s[^>]*>/g)) {
    const id = attr(m[0], 'Id');
    const target = attr(m[0], 'Target');
    if (id && target) rels.set(id, resolveTarget(target));
  }
  const sheets: WorkbookInfo['sheets'] = [];
  for (const m of workbook.matchAll(/<sheet\s[^>]*>/g)) {
    const name = attr(m[0], 'name') ?? '';
    const rid = attr(m[0], 'r:id') ?? [...m[0].matchAll(/\s[\w]+:id="([^"]*)"/g)][0]?.[1];
    sheets.push({ name, path: rid ? rels.get(rid) : undefined });
  }
  return {
    sheets,
    strings: sharedStrings(parts.sharedStrings),
    dates: dateStyles(parts.styles),
    date1904: /<workbookPr\s[^>]*date1904="(1|true)"/.test(workbook),
  };
}

/** Every worksheet of the workbook with its non-empty cells. Throws WorkbookError. */
export function readXlsx(bytes: Buffer, limits: ReadLimits = UPLOAD_READ_LIMITS): SheetCells[] {
  const zip = openZip(bytes, limits);
  const text = (name: string) => zip.read(name)?.toString('utf8');
  const info = workbookInfo({
    workbook: text(WORKBOOK_PART_NAMES.workbook),
    rels: text(WORKBOOK_PART_NAMES.rels),
    sharedStrings: text(WORKBOOK_PART_NAMES.sharedStrings),
    styles: text(WORKBOOK_PART_NAMES.styles),
  });
  const sheets: SheetCells[] = [];
  for (const { name, path } of info.sheets) {
    if (!path || !zip.has(path)) continue; // chart sheets and missing parts: no cells
    const scanner = new SheetRowScanner(name, info, limits);
    sheets.push({ name, rows: [...scanner.push(text(path)!), ...scanner.end()] });
  }
  return sheets;
}

const ROW = /<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g;

/**
 * A worksheet's rows from its XML given in pieces (`push` each piece as it inflates, then `end`):
 * complete `<row>` elements are read as they arrive and the rest is kept for the next piece, so memory
 * stays flat in the sheet's size. Rows with no non-empty cell are left out. Throws WorkbookError past
 * the limits.
 */
export class SheetRowScanner {
  private pending = '';
  private state: 'before' | 'rows' | 'after' = 'before';
  private lastRow = 0;

  constructor(
    private readonly sheet: string,
    private readonly info: WorkbookInfo,
    private readonly limits: ReadLimits,
  ) {}

  push(text: string): SheetCells['rows'] {
    if (this.state === 'after') return [];
    this.pending += text;
    if (this.state === 'before') {
      const open = /<sheetData\b[^>]*?(\/?)>/.exec(this.pending);
      if (!open) {
        // Keep only what may still begin the element.
        this.pending = this.pending.slice(Math.max(0, this.pending.lastIndexOf('<')));
        return [];
      }
      this.state = open[1] === '/' ? 'after' : 'rows';
      this.pending = this.state === 'after' ? '' : this.pending.slice(open.index + open[0].length);
      if (this.state === 'after') return [];
    }
    const close = this.pending.indexOf('</sheetData>');
    const body = close === -1 ? this.pending : this.pending.slice(0, close);
    const rows: SheetCells['rows'] = [];
    ROW.lastIndex = 0;
    let used = 0;
    for (let m = ROW.exec(body); m; m = ROW.exec(body)) {
      used = ROW.lastIndex;
      const row = this.row(m);
      if (row) rows.push(row);
    }
    if (close === -1) this.pending = body.slice(used);
    else {
      this.pending = '';
      this.state = 'after';
    }
    return rows;
  }

  /** The end of the sheet's XML. */
  end(): SheetCells['rows'] {
    this.pending = '';
    this.state = 'after';
    return [];
  }

  private row(rm: RegExpExecArray): SheetCells['rows'][number] | undefined {
    const { sheet, limits, info } = this;
    const rowNumber = Number(attr(rm[0].slice(0, rm[0].indexOf('>') + 1), 'r') ?? this.lastRow + 1);
    this.lastRow = rowNumber;
    const body = rm[2];
    if (!body) return undefined;
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
      else if (t === 's') value = info.strings[Number(v)] ?? '';
      else if (t === 'str' || t === 'e') value = decodeXml(v);
      else if (t === 'b') value = v.trim() === '1';
      else {
        const n = Number(v);
        if (!Number.isFinite(n)) value = decodeXml(v);
        else value = info.dates.has(Number(attr(open, 's') ?? -1)) ? serialToDate(n, info.date1904) : n;
      }
      if (value === null || value === '') continue;
      if (col >= limits.maxColumns) throw new WorkbookError('too_many_columns', `工作表“${sheet}”第 ${rowNumber} 行在第 ${col + 1} 列有内容，超过 ${limits.maxColumns} 列的上限`);
      cells[col] = value;
      any = true;
    }
    if (!any) return undefined;
    if (rowNumber > limits.maxRows) throw new WorkbookError('too_many_rows', `工作表“${sheet}”超过 ${limits.maxRows} 行的上限；请拆分后上传或用 sibao import 导入`);
    for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
    return { row: rowNumber, cells };
  }
}
