// Row tables from workbook bytes, shared by `sibao import` (and every CLI reader) and the web upload:
// CSV (one kind per file; UTF-8, UTF-16 or GB18030) and .xlsx (one kind per tab, named by the tab
// name, read by xlsx-read.ts under zip limits). Produces RawRow tables keyed by header text, with
// sheet row numbers (header = 1). Unusable input raises a WorkbookError (stable code, Chinese
// message); the CLI turns it into a UsageError (exit 2), the web page shows it.
import { basename, dirname, extname } from 'node:path';
import { KINDS, ROW_KINDS, SECTORS, SECTOR_CLASS, kindFromHeaders, kindFromName, type RowKind, type Sector } from '../../../domain/rows/kinds.js';
import type { Cell, RawRow } from '../../../domain/rows/types.js';
import { readXlsx, UPLOAD_READ_LIMITS, type ReadLimits, type SheetCells } from './xlsx-read.js';
import { WorkbookError } from './zip.js';

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

/** Where parsing stopped: the rest of the text waits for more (a record cut by a chunk's end). */
const INCOMPLETE = -1;

/**
 * RFC 4180 CSV, fed in chunks: a leading BOM is skipped; fields may be quoted (`""` is a quote
 * inside); quoted fields may hold the delimiter and newlines; records end with CRLF or LF (a lone CR
 * too). Every record comes out, blank ones as `['']`, so record i is sheet row i + 1. The delimiter is
 * a comma, or a tab for tab-separated text (Excel's "Unicode 文本" and "文本文件(制表符分隔)" quote the
 * same way). A record cut by the end of a chunk waits for the next one; `end()` finishes the text.
 * Lines without quotes or lone CRs (nearly all of them) take a fast path through String#split.
 */
export class CsvParser {
  private carry = '';
  private started = false;
  /** Records returned so far (for the record number in an error). */
  private count = 0;
  constructor(private readonly delimiter: ',' | '\t' = ',') {}

  /** The records complete in the text read so far. */
  push(chunk: string): string[][] {
    return this.run(this.carry + chunk, false);
  }

  /** The last chunk (if any) and every remaining record; throws CsvFormatError on an unclosed quote. */
  end(chunk = ''): string[][] {
    return this.run(this.carry + chunk, true);
  }

  private run(text: string, final: boolean): string[][] {
    let i = 0;
    if (!this.started) {
      if (text.length === 0 && !final) return [];
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    const records: string[][] = [];
    const stop = parseRecords(text, i, this.delimiter, records, final, this.count);
    this.carry = stop < text.length ? text.slice(stop) : '';
    this.count += records.length;
    return records;
  }
}

/** Parse CSV (or tab-separated) text into records: the whole text at once (see CsvParser). */
export function parseCsv(text: string, delimiter: ',' | '\t' = ','): string[][] {
  return new CsvParser(delimiter).end(text);
}

/**
 * Parse the records of `text` from `i` into `records`; returns where the unparsed rest starts
 * (text.length when everything was read). Unless `final`, a record not ended by a line end stays.
 */
function parseRecords(text: string, i: number, delimiter: string, records: string[][], final: boolean, before: number): number {
  const n = text.length;
  const delim = delimiter.charCodeAt(0);
  let nextQuote = text.indexOf('"', i);
  let nextCr = text.indexOf('\r', i);
  while (i < n) {
    const nl = text.indexOf('\n', i);
    if (nl === -1 && !final) return i;
    const end = nl === -1 ? n : nl;
    if (nextQuote !== -1 && nextQuote < i) nextQuote = text.indexOf('"', i);
    if (nextCr !== -1 && nextCr < i) nextCr = text.indexOf('\r', i);
    if (nextQuote === -1 || nextQuote >= end) {
      let lineEnd = end;
      if (nextCr !== -1 && nextCr < end) {
        // Only a CR right before the LF (CRLF) is allowed on the fast path.
        if (nextCr === end - 1 && nl !== -1) lineEnd = end - 1;
        else {
          const next = parseRecord(text, i, records, delim, final, before);
          if (next === INCOMPLETE) return i;
          i = next;
          continue;
        }
      }
      records.push(text.slice(i, lineEnd).split(delimiter));
      i = nl === -1 ? n : nl + 1;
      continue;
    }
    const next = parseRecord(text, i, records, delim, final, before);
    if (next === INCOMPLETE) return i;
    i = next;
  }
  return i;
}

/**
 * Parse one record starting at `i` character by character; returns where the next one starts, or
 * INCOMPLETE when the text ends before the record does (unless `final`).
 */
function parseRecord(text: string, i: number, records: string[][], delim: number, final: boolean, before: number): number {
  const n = text.length;
  const record: string[] = [];
  for (;;) {
    let field: string;
    if (i < n && text.charCodeAt(i) === QUOTE) {
      const startRecord = before + records.length + 1;
      i++;
      let start = i;
      field = '';
      for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1 || (q === n - 1 && !final)) {
          // The closing quote (or the quote doubling it) may be in the next chunk.
          if (!final) return INCOMPLETE;
          throw new CsvFormatError(`第 ${startRecord} 行的引号没有闭合`, startRecord);
        }
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
    // The record's end is not in this text yet (or a CR whose LF may follow in the next chunk).
    if (!final && (c === -1 || (c === CR && i + 1 === n))) return INCOMPLETE;
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

/**
 * Records to RawRows, one at a time (CSV and worksheets alike): the first record that is not blank
 * is the header (leading blank lines are tolerated, rows keep their real numbers); blank records
 * after it are skipped.
 */
export class RowBuilder {
  /** Header texts in column order (trimmed; empty, repeated and `__proto__` headers dropped); undefined before the header. */
  headers: string[] | undefined;
  private make: RowMaker | undefined;

  /** Add the record of sheet row `row`; a data row goes to `out`. */
  add(rec: readonly Cell[], row: number, out: RawRow[]): void {
    let blank = true;
    for (let k = 0; k < rec.length; k++) {
      if (!isBlank(rec[k])) {
        blank = false;
        break;
      }
    }
    if (blank) return;
    if (this.make) {
      out.push({ row, values: this.make(rec) });
      return;
    }
    const cols: { index: number; name: string }[] = [];
    const seen = new Set<string>();
    rec.forEach((h, index) => {
      const name = h === null || h === undefined ? '' : String(h).trim();
      // `__proto__` would set the prototype in an object literal: never a real header, dropped.
      if (name === '' || name === '__proto__' || seen.has(name)) return;
      seen.add(name);
      cols.push({ index, name });
    });
    this.headers = cols.map((c) => c.name);
    this.make = rowMaker(cols);
  }
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

/** Records (record i = sheet row i + 1) to a header and RawRows. */
function recordsToRows(records: readonly (readonly Cell[])[], builder = new RowBuilder(), first = 1): RawRow[] {
  const rows: RawRow[] = [];
  for (let r = 0; r < records.length; r++) builder.add(records[r], first + r, rows);
  return rows;
}

/** Parse CSV (or tab-separated) text into a header and RawRows (no kind resolution). */
export function csvToRows(text: string, delimiter: ',' | '\t' = sniffDelimiter(text)): { headers: string[]; rows: RawRow[] } {
  const builder = new RowBuilder();
  const rows = recordsToRows(parseCsv(text, delimiter), builder);
  return { headers: builder.headers ?? [], rows };
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

export function resolveForcedKind(kind: string): RowKind {
  const k = kindFromName(kind);
  if (!k) {
    const list = ROW_KINDS.map((x) => `${x}（${KINDS[x].tab}）`).join('、');
    throw new WorkbookError('unknown_kind', `未知的数据类型：${kind}。可用：${list}`);
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

/** The encoding a BOM or UTF-16's zero bytes name, from the first bytes of a file. */
export function encodingFromHead(bytes: Uint8Array): TextEncoding | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return utf16WithoutBom(bytes);
}

/**
 * Decode a text file: a BOM decides (UTF-8, UTF-16LE, UTF-16BE); else UTF-16 told by its zero
 * bytes; else UTF-8 when the bytes are valid UTF-8; else GB18030 (a superset of GBK and GB2312).
 * The BOM, if any, is kept as U+FEFF (the CSV parser skips it). Undefined when nothing fits.
 * (The CLI reads files in chunks by the same rules: local/files.ts, detectEncoding.)
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncoding } | undefined {
  const tryDecode = (encoding: TextEncoding): string | undefined => {
    try {
      return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return undefined;
    }
  };
  const encoding = encodingFromHead(bytes.subarray(0, 4096));
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

// ---- tables from bytes -------------------------------------------------------------------------------

/** A text file whose encoding is none of decodeText's. */
export function encodingError(file: string): WorkbookError {
  return new WorkbookError(
    'encoding',
    `${file} 的编码无法识别（不是 UTF-8、UTF-16 或 GBK/GB18030 文本，或文件已损坏）：请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”后再试`,
  );
}

/** A CSV the parser refused (an unclosed quote). */
export function csvFormatError(file: string, err: CsvFormatError): WorkbookError {
  return new WorkbookError('csv_format', `${file}：${err.message}，无法读取`);
}

/** The kind of a text file's table (forced, named by the file, or recognised by its header), its header read. */
export function textTableKind(file: string, headers: readonly string[], opts: ReadOptions = {}): RowKind {
  if (headers.length === 0) throw new WorkbookError('no_header', `${file} 没有表头行（第 1 行应为列名）`);
  const kind = opts.kind ? resolveForcedKind(opts.kind) : kindFromFileName(basename(file, extname(file))) ?? kindFromHeaders(headers);
  if (!kind) {
    throw new WorkbookError('unknown_kind', `无法判断 ${file} 的数据类型：文件名不是表名（如 白名单.csv、unit.csv），表头也不匹配任何表。请用 --kind 指定`);
  }
  return kind;
}

/** One CSV (or tab-separated text) file as a table. */
export function tableFromText(file: string, bytes: Uint8Array, opts: ReadOptions = {}): Table {
  const decoded = decodeText(bytes);
  if (!decoded) throw encodingError(file);
  let parsed: { headers: string[]; rows: RawRow[] };
  try {
    parsed = csvToRows(decoded.text);
  } catch (err) {
    if (err instanceof CsvFormatError) throw csvFormatError(file, err);
    throw err;
  }
  const kind = textTableKind(file, parsed.headers, opts);
  return { file, kind, headers: parsed.headers, rows: parsed.rows };
}

/** A tab with rows but no header row. */
export function noSheetHeaderError(file: string, sheet: string): WorkbookError {
  return new WorkbookError('no_header', `${file} 的工作表“${sheet}”没有表头行`);
}

/** No tab of the forced kind, or (without one) no recognisable tab among `names`. */
export function noSheetError(file: string, forced: RowKind | undefined, names: readonly string[]): WorkbookError {
  if (forced) return new WorkbookError('unknown_kind', `${file} 中没有名为“${KINDS[forced].tab}”的工作表`);
  return new WorkbookError('unknown_kind', `${file} 中没有可识别的工作表（工作表名应为表名，如 白名单、问题诉求）；现有：${names.join('、') || '（无）'}`);
}

/** A workbook that cannot be read (`err` says why). */
export function badWorkbookError(file: string, err: unknown): WorkbookError {
  return new WorkbookError('bad_xlsx', `${file} 不是有效的 .xlsx 工作簿（文件损坏或格式不对）：${(err as Error).message}`);
}

/** A file of a type that is not read (an old .xls, or not a table at all). */
export function unsupportedTypeError(file: string): WorkbookError {
  if (workbookType(file) === 'xls') return new WorkbookError('unsupported_type', `${file}：不支持旧版 .xls 格式，请另存为 .xlsx 或 CSV UTF-8`);
  return new WorkbookError('unsupported_type', `${file}：只支持 .csv（.txt、.tsv）和 .xlsx 文件`);
}

function sheetToTable(file: string, ws: SheetCells, kind: RowKind): Table {
  const builder = new RowBuilder();
  const rows: RawRow[] = [];
  for (const r of ws.rows) builder.add(r.cells, r.row, rows);
  if (!builder.headers) throw noSheetHeaderError(file, ws.name);
  return { file, sheet: ws.name, kind, headers: builder.headers, rows };
}

/**
 * An .xlsx workbook's tables: every tab named by a tab name or kind id (or, failing that, recognised
 * by its header; other tabs — 说明, 校验结果, notes — are skipped). With `kind`, only that kind's tab
 * (or the only tab of a one-tab workbook). `kinds` limits which kinds are read.
 */
export function tablesFromXlsx(file: string, bytes: Buffer, opts: ReadOptions & { kinds?: readonly RowKind[]; limits?: ReadLimits } = {}): Table[] {
  const sheets = readXlsx(bytes, opts.limits ?? UPLOAD_READ_LIMITS);
  const forced = opts.kind ? resolveForcedKind(opts.kind) : undefined;
  const tables: Table[] = [];
  if (forced) {
    const named = sheets.filter((s) => kindFromFileName(s.name) === forced);
    const chosen = named.length > 0 ? named : sheets.length === 1 ? sheets : [];
    if (chosen.length === 0) throw noSheetError(file, forced, []);
    for (const ws of chosen) tables.push(sheetToTable(file, ws, forced));
    return tables;
  }
  for (const ws of sheets) {
    let kind = kindFromFileName(ws.name);
    if (!kind) {
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
    if (ws.rows.length === 0) continue;
    tables.push(sheetToTable(file, ws, kind));
  }
  if (tables.length === 0) {
    throw noSheetError(file, undefined, sheets.map((s) => s.name));
  }
  return tables;
}

/** The file type of a name: csv (also .txt/.tsv), xlsx, or undefined (refused). */
export function workbookType(file: string): 'csv' | 'xlsx' | 'xls' | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.txt' || ext === '.tsv') return 'csv';
  if (ext === '.xlsx' || ext === '.xlsm') return 'xlsx';
  if (ext === '.xls') return 'xls';
  return undefined;
}

/** A .csv or .xlsx file's tables from its bytes. */
export function tablesFromBytes(file: string, bytes: Buffer, opts: ReadOptions & { limits?: ReadLimits } = {}): Table[] {
  const type = workbookType(file);
  if (type === 'csv') return [tableFromText(file, bytes, opts)];
  if (type === 'xlsx') {
    try {
      return tablesFromXlsx(file, bytes, opts);
    } catch (err) {
      if (err instanceof WorkbookError && err.code === 'bad_xlsx') throw badWorkbookError(file, err);
      throw err;
    }
  }
  throw unsupportedTypeError(file);
}

/** A short label for a table in messages: `file` or `file［sheet］`. */
export function tableLabel(t: Pick<Table, 'file' | 'sheet'>): string {
  return t.sheet ? `${t.file}［${t.sheet}］` : t.file;
}
