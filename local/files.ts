// Reading row tables from files: CSV (one kind per file) and .xlsx (one kind per tab, named by the
// tab name). Produces RawRow tables keyed by header text, with sheet row numbers (header = 1).
// Unusable input (missing file, unknown kind, no header, corrupt workbook, not UTF-8) raises a
// UsageError with a Chinese message; the CLI exits 2 on it.

import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import { KINDS, ROW_KINDS, SECTORS, SECTOR_CLASS, kindFromHeaders, kindFromName, type RowKind, type Sector } from '../domain/rows/kinds.js';
import type { Cell, RawRow } from '../domain/rows/types.js';
import { UsageError } from './args.js';

export interface Table {
  /** The file as given on the command line. */
  file: string;
  /** The worksheet name for .xlsx files. */
  sheet?: string;
  kind: RowKind;
  /** Header texts in column order (trimmed; empty headers dropped). */
  headers: string[];
  rows: RawRow[];
}

export interface ReadOptions {
  /** Force the kind (`--kind`), as a kind id or tab name. */
  kind?: string;
}

// ---- CSV -----------------------------------------------------------------------------------------

/** A malformed CSV (an unterminated quote). `record` is the 1-based record where it starts. */
export class CsvFormatError extends Error {
  readonly code = 'csv_format';
  constructor(
    message: string,
    readonly record: number,
  ) {
    super(message);
    this.name = 'CsvFormatError';
  }
}

const LF = 10;
const CR = 13;
const QUOTE = 34;

/**
 * RFC 4180 CSV: a leading BOM is skipped; fields may be quoted (`""` is a quote inside); quoted
 * fields may hold the delimiter and newlines; records end with CRLF or LF (a lone CR too). Every
 * record is returned, blank ones as `['']`, so record i is sheet row i + 1. The delimiter is a comma,
 * or a tab for tab-separated text (Excel's "Unicode 文本" and "文本文件(制表符分隔)" quote the same way).
 * Lines without quotes or lone CRs (nearly all of them) take a fast path through String#split.
 */
export function parseCsv(text: string, delimiter: ',' | '\t' = ','): string[][] {
  const n = text.length;
  const delim = delimiter.charCodeAt(0);
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const records: string[][] = [];
  let nextQuote = text.indexOf('"', i);
  let nextCr = text.indexOf('\r', i);
  while (i < n) {
    const nl = text.indexOf('\n', i);
    const end = nl === -1 ? n : nl;
    if (nextQuote !== -1 && nextQuote < i) nextQuote = text.indexOf('"', i);
    if (nextCr !== -1 && nextCr < i) nextCr = text.indexOf('\r', i);
    if (nextQuote === -1 || nextQuote >= end) {
      let lineEnd = end;
      if (nextCr !== -1 && nextCr < end) {
        // Only a CR right before the LF (CRLF) is allowed on the fast path.
        if (nextCr === end - 1 && nl !== -1) lineEnd = end - 1;
        else {
          i = parseRecord(text, i, records, delim);
          continue;
        }
      }
      records.push(text.slice(i, lineEnd).split(delimiter));
      i = nl === -1 ? n : nl + 1;
      continue;
    }
    i = parseRecord(text, i, records, delim);
  }
  return records;
}

/** Parse one record starting at `i` character by character; returns where the next one starts. */
function parseRecord(text: string, i: number, records: string[][], delim: number): number {
  const n = text.length;
  const record: string[] = [];
  for (;;) {
    let field: string;
    if (i < n && text.charCodeAt(i) === QUOTE) {
      const startRecord = records.length + 1;
      i++;
      let start = i;
      field = '';
      for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1) throw new CsvFormatError(`第 ${startRecord} 行的引号没有闭合`, startRecord);
        if (text.charCodeAt(q + 1) === QUOTE) {
          field += text.slice(start, q + 1);
          i = q + 2;
          start = i;
          continue;
        }
        field += text.slice(start, q);
        i = q + 1;
        break;
      }
      // Lenient: characters between the closing quote and the delimiter are kept.
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === delim || c === LF || c === CR) break;
        j++;
      }
      if (j > i) field += text.slice(i, j);
      i = j;
    } else {
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === delim || c === LF || c === CR) break;
        j++;
      }
      field = text.slice(i, j);
      i = j;
    }
    record.push(field);
    const c = i < n ? text.charCodeAt(i) : -1;
    if (c === delim) {
      i++;
      continue;
    }
    if (c === CR) {
      i++;
      if (text.charCodeAt(i) === LF) i++;
    } else if (c === LF) {
      i++;
    }
    records.push(record);
    return i;
  }
}

/** Quote a CSV field when needed (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Records to CSV text with CRLF line ends (what Excel writes), with a BOM so Excel reads UTF-8. */
export function toCsv(records: readonly (readonly string[])[], bom = true): string {
  return (bom ? '\ufeff' : '') + records.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function isBlank(cell: Cell): boolean {
  return cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '');
}

type RowMaker = (rec: readonly Cell[]) => Record<string, Cell>;

/**
 * A function building the values object of one record. Compiled from the header (keys are
 * JSON-quoted literals) so every row object has the same shape: about twice as fast as assigning
 * keys one by one on 200,000 rows.
 */
function rowMaker(cols: readonly { index: number; name: string }[]): RowMaker {
  const body = cols.map((c) => `${JSON.stringify(c.name)}: r[${c.index}] === undefined ? '' : r[${c.index}]`).join(',\n');
  return new Function('r', `return {\n${body}\n};`) as RowMaker;
}

/** Header + data records to RawRows. `rowNumbers[i]` is the sheet row of `records[i]`. */
function toRawRows(headerCells: readonly Cell[], records: readonly (readonly Cell[])[], rowNumbers?: readonly number[]): { headers: string[]; rows: RawRow[] } {
  const cols: { index: number; name: string }[] = [];
  const seen = new Set<string>();
  headerCells.forEach((h, index) => {
    const name = h === null || h === undefined ? '' : String(h).trim();
    // `__proto__` would set the prototype in an object literal: never a real header, dropped.
    if (name === '' || name === '__proto__' || seen.has(name)) return;
    seen.add(name);
    cols.push({ index, name });
  });
  const make = rowMaker(cols);
  const rows: RawRow[] = [];
  for (let r = 0; r < records.length; r++) {
    const rec = records[r];
    let blank = true;
    for (let k = 0; k < rec.length; k++) {
      if (!isBlank(rec[k])) {
        blank = false;
        break;
      }
    }
    if (blank) continue;
    rows.push({ row: rowNumbers ? rowNumbers[r] : r + 2, values: make(rec) });
  }
  return { headers: cols.map((c) => c.name), rows };
}

/**
 * The delimiter of delimited text: a tab when the first non-blank line (the header) holds more tabs
 * than commas outside quotes, else a comma.
 */
export function sniffDelimiter(text: string): ',' | '\t' {
  let tabs = 0;
  let commas = 0;
  let quoted = false;
  let seen = false;
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) quoted = !quoted;
    else if (!quoted && (c === LF || c === CR)) {
      if (seen) break;
    } else if (!quoted && c === 9) tabs++;
    else if (!quoted && c === 44) commas++;
    if (c > 32) seen = true;
  }
  return tabs > commas ? '\t' : ',';
}

/** Parse CSV (or tab-separated) text into a header and RawRows (no kind resolution). */
export function csvToRows(text: string, delimiter: ',' | '\t' = sniffDelimiter(text)): { headers: string[]; rows: RawRow[] } {
  const records = parseCsv(text, delimiter);
  let h = 0;
  // Leading blank lines before the header are tolerated; rows keep their real line numbers.
  while (h < records.length && records[h].every((c) => c.trim() === '')) h++;
  if (h >= records.length) return { headers: [], rows: [] };
  const data = records.slice(h + 1);
  const numbers = data.map((_, i) => h + i + 2);
  return toRawRows(records[h], data, h === 0 ? undefined : numbers);
}

// ---- kind resolution -------------------------------------------------------------------------------

const TABS_LONGEST_FIRST = [...ROW_KINDS].sort((a, b) => KINDS[b].tab.length - KINDS[a].tab.length);

/**
 * The kind a file or tab name names: the kind id or tab name exactly (`unit`, `责任单位`), or as the
 * last part after a `-`/space/`.` prefix (`industry-白名单`), or a name ending in a tab name
 * (`工业生产白名单`).
 */
export function kindFromFileName(name: string): RowKind | undefined {
  const stem = name.trim();
  const exact = kindFromName(stem);
  if (exact) return exact;
  const parts = stem.split(/[-\s.·—]+/).filter(Boolean);
  for (let i = parts.length - 1; i >= 0; i--) {
    const k = kindFromName(parts[i]);
    if (k) return k;
  }
  return TABS_LONGEST_FIRST.find((k) => stem.endsWith(KINDS[k].tab));
}

function resolveForcedKind(kind: string): RowKind {
  const k = kindFromName(kind);
  if (!k) {
    const list = ROW_KINDS.map((x) => `${x}（${KINDS[x].tab}）`).join('、');
    throw new UsageError(`未知的数据类型：${kind}。可用：${list}`, 'unknown_kind');
  }
  return k;
}

/**
 * The sector a file belongs to, when its name or folder names a sector or a sector class exactly
 * (`industry.xlsx`, `csv/industry/白名单.csv`, `工业生产-白名单.csv`). Used for the own-sector rule.
 */
export function sectorHint(file: string): Sector | undefined {
  const names = [basename(file, extname(file)), basename(dirname(file))];
  for (const name of names) {
    for (const part of name.split(/[-\s.·—_]+/).concat(name)) {
      if ((SECTORS as readonly string[]).includes(part)) return part as Sector;
      const s = SECTORS.find((x) => SECTOR_CLASS[x] === part);
      if (s) return s;
    }
  }
  return undefined;
}

// ---- reading files ---------------------------------------------------------------------------------

// ---- text encodings --------------------------------------------------------------------------------
// What county offices save: UTF-8 (Excel's "CSV UTF-8", with a BOM; or without one), GBK/GB18030
// (Excel's and WPS's plain "CSV" on a Chinese system; SPEC §7.8: CSV input falls back to GB18030
// when it is not UTF-8), and UTF-16 (Excel's "Unicode 文本": UTF-16LE with a BOM, tab-separated).

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * UTF-16 without a BOM, told by its zero bytes: ASCII characters (digits, codes, delimiters) in
 * UTF-16LE have a zero at odd offsets (BE: even ones), which text in UTF-8 or GB18030 never has. A
 * few CJK characters (一 U+4E00) put a zero on the other side, so that side need only be much rarer.
 */
function utf16WithoutBom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(bytes.length - (bytes.length % 2), 4096);
  if (n < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros > pairs * 0.05 && evenZeros * 4 < oddZeros) return 'utf-16le';
  if (evenZeros > pairs * 0.05 && oddZeros * 4 < evenZeros) return 'utf-16be';
  return undefined;
}

/**
 * Decode a text file: a BOM decides (UTF-8, UTF-16LE, UTF-16BE); else UTF-16 told by its zero
 * bytes; else UTF-8 when the bytes are valid UTF-8; else GB18030 (a superset of GBK and GB2312).
 * The BOM, if any, is kept as U+FEFF (the CSV parser skips it). Undefined when nothing fits.
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncoding } | undefined {
  const tryDecode = (encoding: TextEncoding): string | undefined => {
    try {
      return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return undefined;
    }
  };
  let encoding: TextEncoding | undefined;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) encoding = 'utf-8';
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) encoding = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) encoding = 'utf-16be';
  else encoding = utf16WithoutBom(bytes);
  if (encoding) {
    const text = tryDecode(encoding);
    return text === undefined ? undefined : { text, encoding };
  }
  try {
    return { text: utf8.decode(bytes), encoding: 'utf-8' };
  } catch {
    const text = tryDecode('gb18030');
    return text === undefined ? undefined : { text, encoding: 'gb18030' };
  }
}

async function readBytes(file: string): Promise<Buffer> {
  try {
    const s = await stat(file);
    if (s.isDirectory()) throw new UsageError(`${file} 是目录，不是文件`, 'not_a_file');
    return await readFile(file);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`找不到文件：${file}`, 'file_missing');
    if (code === 'EACCES') throw new UsageError(`没有权限读取文件：${file}`, 'file_access');
    throw new UsageError(`无法读取文件 ${file}：${(err as Error).message}`, 'file_read');
  }
}

/** Read a CSV file as one table. */
export async function readCsvFile(file: string, opts: ReadOptions = {}): Promise<Table> {
  const bytes = await readBytes(file);
  const decoded = decodeText(bytes);
  if (!decoded) {
    throw new UsageError(
      `${file} 的编码无法识别（不是 UTF-8、UTF-16 或 GBK/GB18030 文本，或文件已损坏）：请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”后再试`,
      'encoding',
    );
  }
  const { text } = decoded;
  let parsed: { headers: string[]; rows: RawRow[] };
  try {
    parsed = csvToRows(text);
  } catch (err) {
    if (err instanceof CsvFormatError) throw new UsageError(`${file}：${err.message}，无法读取`, 'csv_format');
    throw err;
  }
  if (parsed.headers.length === 0) throw new UsageError(`${file} 没有表头行（第 1 行应为列名）`, 'no_header');
  const kind = opts.kind
    ? resolveForcedKind(opts.kind)
    : kindFromFileName(basename(file, extname(file))) ?? kindFromHeaders(parsed.headers);
  if (!kind) {
    throw new UsageError(
      `无法判断 ${file} 的数据类型：文件名不是表名（如 白名单.csv、unit.csv），表头也不匹配任何表。请用 --kind 指定`,
      'unknown_kind',
    );
  }
  return { file, kind, headers: parsed.headers, rows: parsed.rows };
}

/** A cell value from exceljs: numbers stay numbers, dates stay Date, rich text and links become text, formulas their result. */
export function excelCellValue(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as { text?: string }[]).map((t) => t.text ?? '').join('');
    if ('formula' in o || 'sharedFormula' in o) return excelCellValue(o.result);
    if ('text' in o) return excelCellValue(o.text);
    if ('error' in o) return String(o.error);
  }
  return String(v);
}

interface SheetLike {
  name: string;
  rowCount: number;
  eachRow(opts: { includeEmpty: boolean }, cb: (row: { values: unknown }, rowNumber: number) => void): void;
}

function sheetToTable(file: string, ws: SheetLike, kind: RowKind): Table {
  let headerCells: Cell[] | undefined;
  let headerRow = 0;
  const records: Cell[][] = [];
  const numbers: number[] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    // exceljs row.values is 1-based (index 0 unused).
    const raw = row.values as unknown[];
    const cells: Cell[] = [];
    for (let c = 1; c < raw.length; c++) cells.push(excelCellValue(raw[c]));
    if (!headerCells) {
      if (cells.every(isBlank)) return;
      headerCells = cells;
      headerRow = rowNumber;
      return;
    }
    records.push(cells);
    numbers.push(rowNumber);
  });
  if (!headerCells || headerRow === 0) throw new UsageError(`${file} 的工作表“${ws.name}”没有表头行`, 'no_header');
  const { headers, rows } = toRawRows(headerCells, records, numbers);
  return { file, sheet: ws.name, kind, headers, rows };
}

/**
 * Read an .xlsx workbook: every tab named by a tab name or kind id (or, failing that, recognised by
 * its header). With `kind`, only that kind's tab (or the only tab of a one-tab workbook).
 * `kinds` limits which kinds are read (a profile reads the configuration tabs only).
 */
export async function readXlsxFile(file: string, opts: ReadOptions & { kinds?: readonly RowKind[] } = {}): Promise<Table[]> {
  const bytes = await readBytes(file);
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (err) {
    throw new UsageError(`${file} 不是有效的 .xlsx 工作簿（文件损坏或格式不对）：${(err as Error).message}`, 'bad_xlsx');
  }
  const sheets = wb.worksheets as unknown as SheetLike[];
  const forced = opts.kind ? resolveForcedKind(opts.kind) : undefined;
  const tables: Table[] = [];
  if (forced) {
    const named = sheets.filter((s) => kindFromFileName(s.name) === forced);
    const chosen = named.length > 0 ? named : sheets.length === 1 ? sheets : [];
    if (chosen.length === 0) {
      throw new UsageError(`${file} 中没有名为“${KINDS[forced].tab}”的工作表`, 'unknown_kind');
    }
    for (const ws of chosen) tables.push(sheetToTable(file, ws, forced));
    return tables;
  }
  for (const ws of sheets) {
    let kind = kindFromFileName(ws.name);
    if (!kind) {
      // Recognise an unnamed tab by its header; tabs that are neither (notes, lists) are skipped.
      const probe = (() => {
        try {
          return sheetToTable(file, ws, 'whitelist');
        } catch {
          return undefined;
        }
      })();
      kind = probe ? kindFromHeaders(probe.headers) : undefined;
      if (!kind) continue;
    }
    if (opts.kinds && !opts.kinds.includes(kind)) continue;
    if (ws.rowCount === 0) continue;
    tables.push(sheetToTable(file, ws, kind));
  }
  if (tables.length === 0) {
    const names = sheets.map((s) => s.name).join('、') || '（无）';
    throw new UsageError(`${file} 中没有可识别的工作表（工作表名应为表名，如 白名单、问题诉求）；现有：${names}`, 'unknown_kind');
  }
  return tables;
}

/** Read a .csv or .xlsx file into its tables. */
export async function readTables(file: string, opts: ReadOptions = {}): Promise<Table[]> {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.txt' || ext === '.tsv') return [await readCsvFile(file, opts)];
  if (ext === '.xlsx' || ext === '.xlsm') return readXlsxFile(file, opts);
  if (ext === '.xls') throw new UsageError(`${file}：不支持旧版 .xls 格式，请另存为 .xlsx 或 CSV UTF-8`, 'unsupported_type');
  throw new UsageError(`${file}：只支持 .csv（.txt、.tsv）和 .xlsx 文件`, 'unsupported_type');
}

/** Read several files, in order. */
export async function readAllTables(files: readonly string[], opts: ReadOptions = {}): Promise<Table[]> {
  const out: Table[] = [];
  for (const f of files) out.push(...(await readTables(f, opts)));
  return out;
}

/** A short label for a table in messages: `file` or `file［sheet］`. */
export function tableLabel(t: Table): string {
  return t.sheet ? `${t.file}［${t.sheet}］` : t.file;
}
