// Reading row tables from files for the CLI: CSV (one kind per file) and .xlsx (one kind per tab,
// named by the tab name). The parsing is shared with the web upload (functions/adapters/workbook/
// tables.ts: the CSV parser, text encodings, headers and kinds, .xlsx under limits); here files are
// read, and `sibao validate` and `coverage` read them as they stream (CSV in chunks, workbooks
// through exceljs's streaming reader: memory flat in the row count). Unusable input (missing file,
// unknown kind, no header, corrupt workbook, bad encoding) raises a UsageError with a Chinese
// message; the CLI exits 2 on it.

import { isUtf8 } from 'node:buffer';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { kindFromHeaders, type RowKind } from '../domain/rows/kinds.js';
import type { Cell, RawRow } from '../domain/rows/types.js';
import { UsageError } from './args.js';
import {
  badWorkbookError,
  CsvFormatError,
  csvFormatError,
  CsvParser,
  encodingError,
  encodingFromHead,
  kindFromFileName,
  noSheetError,
  noSheetHeaderError,
  resolveForcedKind,
  RowBuilder,
  sniffDelimiter,
  tablesFromXlsx,
  textTableKind,
  unsupportedTypeError,
  workbookType,
  type ReadOptions,
  type Table,
  type TextEncoding,
} from '../functions/adapters/workbook/tables.js';
import { CLI_READ_LIMITS } from '../functions/adapters/workbook/xlsx-read.js';
import { WorkbookError } from '../functions/adapters/workbook/zip.js';

export {
  CsvFormatError,
  CsvParser,
  csvField,
  csvToRows,
  decodeText,
  kindFromFileName,
  parseCsv,
  RowBuilder,
  sectorHint,
  sniffDelimiter,
  tableLabel,
  toCsv,
  type ReadOptions,
  type Table,
  type TextEncoding,
} from '../functions/adapters/workbook/tables.js';

/** A WorkbookError (shared reading) as the CLI's UsageError. */
function usageError(err: unknown): unknown {
  return err instanceof WorkbookError ? new UsageError(err.message, err.code) : err;
}

function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw usageError(err);
  }
}

// ---- reading files ---------------------------------------------------------------------------------

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
      if (err instanceof CsvFormatError) throw usageError(csvFormatError(file, err));
      if (err instanceof TypeError && (err as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') throw usageError(encodingError(file));
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
  const headers = builder.headers ?? [];
  let kind: RowKind;
  try {
    kind = usage(() => textTableKind(file, headers, opts));
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
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
  const forced = opts.kind ? usage(() => resolveForcedKind(opts.kind!)) : undefined;
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', entries: 'ignore' });
  const badWorkbook = (err: unknown) => usageError(badWorkbookError(file, err));
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
      if (builder.headers.length === 0) throw usageError(noSheetHeaderError(file, name));
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
  if (found === 0) throw usageError(noSheetError(file, forced, names));
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

/** Read the whole of a file (for the shared .xlsx reader), with the Chinese errors of unusable paths. */
async function readBytes(file: string): Promise<Buffer> {
  const fh = await openReadable(file);
  try {
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

/**
 * Read an .xlsx workbook whole with the reader the web upload uses (tables.ts, under the CLI's
 * limits): every tab named by a tab name or kind id (or, failing that, recognised by its header).
 * With `kind`, only that kind's tab (or the only tab of a one-tab workbook). `kinds` limits which
 * kinds are read (a profile reads the configuration tabs only). streamXlsx reads one as it streams.
 */
export async function readXlsxFile(file: string, opts: ReadOptions & { kinds?: readonly RowKind[] } = {}): Promise<Table[]> {
  const bytes = await readBytes(file);
  return usage(() => {
    try {
      return tablesFromXlsx(file, bytes, { ...opts, limits: CLI_READ_LIMITS });
    } catch (err) {
      if (err instanceof WorkbookError && err.code === 'bad_xlsx') throw badWorkbookError(file, err);
      throw err;
    }
  });
}

/** The tables of a .csv or .xlsx file, each read as it streams (read one before asking for the next). */
export async function* streamTables(file: string, opts: ReadOptions = {}): AsyncGenerator<TableStream> {
  const type = workbookType(file);
  if (type === 'csv') yield await openCsv(file, opts);
  else if (type === 'xlsx') yield* streamXlsx(file, opts);
  else throw usageError(unsupportedTypeError(file));
}

/** Read a .csv or .xlsx file into its tables. */
export async function readTables(file: string, opts: ReadOptions = {}): Promise<Table[]> {
  // The type is checked before the file is read (an .xls is refused as such, present or not).
  const type = workbookType(file);
  if (type === 'csv') return [await readCsvFile(file, opts)];
  if (type === 'xlsx') return readXlsxFile(file, opts);
  throw usageError(unsupportedTypeError(file));
}

/** Read several files, in order. */
export async function readAllTables(files: readonly string[], opts: ReadOptions = {}): Promise<Table[]> {
  const out: Table[] = [];
  for (const f of files) out.push(...(await readTables(f, opts)));
  return out;
}
