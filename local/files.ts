// Reading row tables from files: CSV (one kind per file) and .xlsx (one kind per tab, named by the
// tab name). Produces RawRow tables keyed by header text, with sheet row numbers (header = 1).
// Unusable input (missing file, unknown kind, no header, corrupt workbook, not UTF-8) raises a
// UsageError with a Chinese message; the CLI exits 2 on it.

import { isUtf8 } from 'node:buffer';
import { open, stat, type FileHandle } from 'node:fs/promises';
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

/** The encoding a BOM or UTF-16's zero bytes name, from the first bytes of a file. */
function encodingFromHead(bytes: Uint8Array): TextEncoding | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return utf16WithoutBom(bytes);
}

/**
 * Decode a text file: a BOM decides (UTF-8, UTF-16LE, UTF-16BE); else UTF-16 told by its zero
 * bytes; else UTF-8 when the bytes are valid UTF-8; else GB18030 (a superset of GBK and GB2312).
 * The BOM, if any, is kept as U+FEFF (the CSV parser skips it). Undefined when nothing fits.
 * (Files are read in chunks by openCsv with the same rules: detectEncoding.)
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

/**
 * Bytes read per chunk: files of any size are read in pieces (memory flat in the row count). Small
 * enough that a chunk's rows die young: with 1 MiB chunks the rows of a chunk outlived the young
 * generation and peak RSS at 800k rows was 676 MB against 378 MB with 128 KiB (bench validate).
 */
const CHUNK_BYTES = 128 << 10;

/** Open a file for reading, with the Chinese errors of unusable paths. */
async function openReadable(file: string): Promise<FileHandle> {
  try {
    const s = await stat(file);
    if (s.isDirectory()) throw new UsageError(`${file} 是目录，不是文件`, 'not_a_file');
    return await open(file, 'r');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`找不到文件：${file}`, 'file_missing');
    if (code === 'EACCES') throw new UsageError(`没有权限读取文件：${file}`, 'file_access');
    throw new UsageError(`无法读取文件 ${file}：${(err as Error).message}`, 'file_read');
  }
}

/** The file's chunks, in order. */
async function* chunksOf(fh: FileHandle): AsyncGenerator<Buffer> {
  for (;;) {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    const { bytesRead } = await fh.read(buf, 0, CHUNK_BYTES, null);
    if (bytesRead === 0) return;
    yield bytesRead === CHUNK_BYTES ? buf : buf.subarray(0, bytesRead);
  }
}

/**
 * The encoding of a text file by decodeText's rules, reading it in chunks: its first bytes (BOM,
 * UTF-16), else whether all of it is valid UTF-8 (a chunk's cut multi-byte sequence is carried
 * into the next), else GB18030 (checked while it is decoded).
 */
async function detectEncoding(file: string): Promise<TextEncoding> {
  const fh = await openReadable(file);
  try {
    let carry: Buffer | undefined;
    let first = true;
    for await (const chunk of chunksOf(fh)) {
      if (first) {
        first = false;
        const named = encodingFromHead(chunk.subarray(0, 4096));
        if (named) return named;
      }
      const bytes = carry ? Buffer.concat([carry, chunk]) : chunk;
      // Back up over a sequence the chunk's end may have cut (at most 3 continuation bytes).
      let cut = bytes.length;
      for (let k = 1; k <= 3 && k <= bytes.length; k++) {
        const b = bytes[bytes.length - k];
        if ((b & 0xc0) === 0x80) continue;
        if (b >= 0xc0) cut = bytes.length - k;
        break;
      }
      if (!isUtf8(bytes.subarray(0, cut))) return 'gb18030';
      carry = cut < bytes.length ? Buffer.from(bytes.subarray(cut)) : undefined;
    }
    return carry && !isUtf8(carry) ? 'gb18030' : 'utf-8';
  } finally {
    await fh.close();
  }
}

/** A table being read: what is known once its header is read, and its rows, in batches, read once. */
export interface TableStream extends Omit<Table, 'rows'> {
  rows(): AsyncGenerator<RawRow[]>;
  /** Stop reading early (the file is closed once the rows are all read anyway). */
  close(): Promise<void>;
}

const encodingError = (file: string) =>
  new UsageError(
    `${file} 的编码无法识别（不是 UTF-8、UTF-16 或 GBK/GB18030 文本，或文件已损坏）：请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”后再试`,
    'encoding',
  );

/**
 * Open a CSV file as one table, read in chunks: the header (and so the kind) is read here, the rows
 * as they are read.
 */
export async function openCsv(file: string, opts: ReadOptions = {}): Promise<TableStream> {
  const encoding = await detectEncoding(file);
  const fh = await openReadable(file);
  const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
  const chunks = chunksOf(fh);
  const builder = new RowBuilder();
  let parser: CsvParser | undefined;
  let pendingText = '';
  let record = 0;
  let done = false;
  const toRows = (records: readonly string[][]): RawRow[] => {
    const out: RawRow[] = [];
    for (const rec of records) builder.add(rec, ++record, out);
    return out;
  };
  /** The rows of the next chunk; undefined at the end of the file. */
  const next = async (): Promise<RawRow[] | undefined> => {
    if (done) return undefined;
    try {
      const { value, done: ended } = await chunks.next();
      const text = ended ? decoder.decode() : decoder.decode(value, { stream: true });
      if (!parser) {
        // The delimiter is sniffed from the header line: wait until a line end (or the file's end).
        pendingText += text;
        if (!ended && !/[\r\n]/.test(pendingText.replace(/^[\s\ufeff]+/, ''))) return [];
        parser = new CsvParser(sniffDelimiter(pendingText));
        const rows = ended ? toRows(parser.end(pendingText)) : toRows(parser.push(pendingText));
        pendingText = '';
        if (ended) done = true;
        return rows;
      }
      if (ended) {
        done = true;
        return toRows(parser.end());
      }
      return toRows(parser.push(text));
    } catch (err) {
      done = true;
      if (err instanceof CsvFormatError) throw new UsageError(`${file}：${err.message}，无法读取`, 'csv_format');
      if (err instanceof TypeError && (err as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') throw encodingError(file);
      throw err;
    } finally {
      if (done) await fh.close().catch(() => undefined);
    }
  };
  const first: RawRow[] = [];
  while (!builder.headers) {
    const rows = await next();
    if (rows === undefined) break;
    first.push(...rows);
  }
  if (!builder.headers || builder.headers.length === 0) {
    await fh.close().catch(() => undefined);
    throw new UsageError(`${file} 没有表头行（第 1 行应为列名）`, 'no_header');
  }
  const headers = builder.headers;
  let kind: RowKind | undefined;
  try {
    kind = opts.kind ? resolveForcedKind(opts.kind) : (kindFromFileName(basename(file, extname(file))) ?? kindFromHeaders(headers));
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
  }
  if (!kind) {
    await fh.close().catch(() => undefined);
    throw new UsageError(`无法判断 ${file} 的数据类型：文件名不是表名（如 白名单.csv、unit.csv），表头也不匹配任何表。请用 --kind 指定`, 'unknown_kind');
  }
  return {
    file,
    kind,
    headers,
    async close() {
      done = true;
      await fh.close().catch(() => undefined);
    },
    async *rows() {
      if (first.length > 0) yield first.splice(0);
      for (;;) {
        const rows = await next();
        if (rows === undefined) return;
        if (rows.length > 0) yield rows;
      }
    },
  };
}

/** Read a CSV file as one table. */
export async function readCsvFile(file: string, opts: ReadOptions = {}): Promise<Table> {
  return collect(await openCsv(file, opts));
}

/** A stream's rows, all of them. */
export async function collect(t: TableStream): Promise<Table> {
  const rows: RawRow[] = [];
  for await (const batch of t.rows()) for (const r of batch) rows.push(r);
  const { rows: _stream, close: _close, ...head } = t;
  return { ...head, rows };
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

/** exceljs row.values is 1-based (index 0 unused). */
function rowCells(values: unknown): Cell[] {
  const raw = values as unknown[];
  const cells: Cell[] = [];
  for (let c = 1; c < raw.length; c++) cells.push(excelCellValue(raw[c]));
  return cells;
}

/** Rows given to the validator at a time from a worksheet. */
const SHEET_BATCH = 500;

interface StreamRow {
  number: number;
  values: unknown;
}

/**
 * The tables of an .xlsx workbook, read as it streams (exceljs's streaming reader: shared strings
 * and styles are kept, rows are not): every tab named by a tab name or kind id (or, failing that,
 * recognised by its header). With `kind`, only that kind's tab (or the only tab of a one-tab
 * workbook). `kinds` limits which kinds are read (a profile reads the configuration tabs only).
 * Each table must be read (or left) before the next one comes.
 */
export async function* streamXlsx(file: string, opts: ReadOptions & { kinds?: readonly RowKind[] } = {}): AsyncGenerator<TableStream> {
  await (await openReadable(file)).close();
  const forced = opts.kind ? resolveForcedKind(opts.kind) : undefined;
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', entries: 'ignore' });
  const badWorkbook = (err: unknown) => new UsageError(`${file} 不是有效的 .xlsx 工作簿（文件损坏或格式不对）：${(err as Error).message}`, 'bad_xlsx');
  const names: string[] = [];
  let found = 0;
  const sheets = (reader as unknown as AsyncIterable<AsyncIterable<StreamRow> & { name?: string }>)[Symbol.asyncIterator]();
  try {
    for (;;) {
      let step: IteratorResult<AsyncIterable<StreamRow> & { name?: string }>;
      try {
        step = await sheets.next();
      } catch (err) {
        throw badWorkbook(err);
      }
      if (step.done) break;
      const ws = step.value;
      const name = ws.name ?? `Sheet${names.length + 1}`;
      names.push(name);
      const sheetCount = (reader as unknown as { model?: { sheets?: unknown[] } }).model?.sheets?.length ?? 0;
      const named = kindFromFileName(name);
      if (forced ? !(named === forced || sheetCount === 1) : opts.kinds && named !== undefined && !opts.kinds.includes(named)) continue;
      const rowsOf = ws[Symbol.asyncIterator]();
      const builder = new RowBuilder();
      const first: RawRow[] = [];
      let ended = false;
      try {
        while (!builder.headers) {
          const r = await rowsOf.next();
          if (r.done) {
            ended = true;
            break;
          }
          builder.add(rowCells(r.value.values), r.value.number, first);
        }
      } catch (err) {
        throw badWorkbook(err);
      }
      // A tab without any row is left out; a named tab with rows but no header is unusable.
      if (!builder.headers) continue;
      const kind = forced ?? named ?? kindFromHeaders(builder.headers);
      // A tab that is neither named nor recognised by its header (notes, lists) is skipped.
      if (!kind || (opts.kinds && !opts.kinds.includes(kind))) continue;
      if (builder.headers.length === 0) throw new UsageError(`${file} 的工作表“${name}”没有表头行`, 'no_header');
      found++;
      yield {
        file,
        sheet: name,
        kind,
        headers: builder.headers,
        async close() {},
        async *rows() {
          let batch = first;
          if (!ended) {
            for (;;) {
              let r: IteratorResult<StreamRow>;
              try {
                r = await rowsOf.next();
              } catch (err) {
                throw badWorkbook(err);
              }
              if (r.done) break;
              builder.add(rowCells(r.value.values), r.value.number, batch);
              if (batch.length >= SHEET_BATCH) {
                yield batch;
                batch = [];
              }
            }
          }
          if (batch.length > 0) yield batch;
        },
      };
    }
  } finally {
    // Left early (a caller stopped reading): close the file under the reader.
    (reader as unknown as { stream?: { destroy(): void } }).stream?.destroy();
  }
  if (found === 0) {
    if (forced) throw new UsageError(`${file} 中没有名为“${KINDS[forced].tab}”的工作表`, 'unknown_kind');
    throw new UsageError(`${file} 中没有可识别的工作表（工作表名应为表名，如 白名单、问题诉求）；现有：${names.join('、') || '（无）'}`, 'unknown_kind');
  }
}

/**
 * The tab names of a workbook, in order, from its workbook part (read up to the first worksheet);
 * empty when the file is not a readable workbook (reading it reports why).
 */
export async function sheetNames(file: string): Promise<string[]> {
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: 'emit', sharedStrings: 'ignore', hyperlinks: 'ignore', styles: 'ignore', entries: 'ignore' });
  const sheets = (reader as unknown as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  try {
    await sheets.next();
    return ((reader as unknown as { model?: { sheets?: { name: string }[] } }).model?.sheets ?? []).map((s) => s.name);
  } catch {
    return [];
  } finally {
    (reader as unknown as { stream?: { destroy(): void } }).stream?.destroy();
  }
}

/** Read an .xlsx workbook's tables (see streamXlsx). */
export async function readXlsxFile(file: string, opts: ReadOptions & { kinds?: readonly RowKind[] } = {}): Promise<Table[]> {
  const out: Table[] = [];
  for await (const t of streamXlsx(file, opts)) out.push(await collect(t));
  return out;
}

/** The tables of a .csv or .xlsx file, each read as it streams (read one before asking for the next). */
export async function* streamTables(file: string, opts: ReadOptions = {}): AsyncGenerator<TableStream> {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.txt' || ext === '.tsv') yield await openCsv(file, opts);
  else if (ext === '.xlsx' || ext === '.xlsm') yield* streamXlsx(file, opts);
  else if (ext === '.xls') throw new UsageError(`${file}：不支持旧版 .xls 格式，请另存为 .xlsx 或 CSV UTF-8`, 'unsupported_type');
  else throw new UsageError(`${file}：只支持 .csv（.txt、.tsv）和 .xlsx 文件`, 'unsupported_type');
}

/** Read a .csv or .xlsx file into its tables. */
export async function readTables(file: string, opts: ReadOptions = {}): Promise<Table[]> {
  const out: Table[] = [];
  for await (const t of streamTables(file, opts)) out.push(await collect(t));
  return out;
}

/** Read several files, in order. */
export async function readAllTables(files: readonly string[], opts: ReadOptions = {}): Promise<Table[]> {
  const out: Table[] = [];
  for (const f of files) out.push(...(await readTables(f, opts)));
  return out;
}

/** A short label for a table in messages: `file` or `file［sheet］`. */
export function tableLabel(t: Pick<Table, 'file' | 'sheet'>): string {
  return t.sheet ? `${t.file}［${t.sheet}］` : t.file;
}
