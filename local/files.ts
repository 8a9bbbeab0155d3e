// Reading row tables from files for the CLI: CSV (one kind per file) and .xlsx (one kind per tab,
// named by the tab name); and writing the CLI's exceljs workbooks as the same bytes on every run. The parsing is shared with the web upload (functions/adapters/workbook/
// tables.ts: the CSV parser, text encodings, headers and kinds, .xlsx under limits); here files are
// read, and `sibao validate` and `coverage` read them as they stream (CSV in chunks, workbooks one
// sheet at a time as it inflates: memory flat in the row count). Unusable input (missing file,
// unknown kind, no header, corrupt workbook, bad encoding) raises a UsageError with a Chinese
// message; the CLI exits 2 on it.

import { isUtf8 } from 'node:buffer';
import { open, stat, writeFile, type FileHandle } from 'node:fs/promises';
import type ExcelJSNs from 'exceljs';
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
import { CLI_READ_LIMITS, SheetRowScanner, WORKBOOK_PART_NAMES, workbookInfo, type SheetCells } from '../functions/adapters/workbook/xlsx-read.js';
import { openZipReader, rewriteZip, WorkbookError, type RandomAccess } from '../functions/adapters/workbook/zip.js';

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

/** Rows given to the validator at a time from a worksheet. */
const SHEET_BATCH = 500;

/** A file on disk read by range (the zip reader's view of it). */
function fileAccess(fh: FileHandle, size: number): RandomAccess {
  return {
    size,
    async read(offset, length) {
      const buf = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === length ? buf : buf.subarray(0, got);
    },
  };
}

/** A reading error of a workbook as the CLI's UsageError (a damaged one named with its file). */
function workbookUsageError(file: string, err: unknown): unknown {
  return usageError(err instanceof WorkbookError && err.code === 'bad_xlsx' ? badWorkbookError(file, err) : err);
}

/**
 * An .xlsx workbook opened through its central directory (zip.ts) with the parts its sheets are read
 * with: the reader the web upload uses (xlsx-read.ts), one sheet inflating at a time. Not exceljs's
 * streaming reader: it reads entries in stored order, and an exceljs-written workbook stores
 * xl/workbook.xml last, which that reader at times loses (exceljs#3064: "Cannot read properties of
 * undefined (reading 'sheets')" on the demo workbooks, about 1 read in 800 under load).
 */
async function openWorkbookFile(file: string) {
  const fh = await openReadable(file);
  try {
    const zip = await openZipReader(fileAccess(fh, (await fh.stat()).size), CLI_READ_LIMITS);
    const text = async (name: string) => (await zip.read(name))?.toString('utf8');
    const info = workbookInfo({
      workbook: await text(WORKBOOK_PART_NAMES.workbook),
      rels: await text(WORKBOOK_PART_NAMES.rels),
      sharedStrings: await text(WORKBOOK_PART_NAMES.sharedStrings),
      styles: await text(WORKBOOK_PART_NAMES.styles),
    });
    return { fh, zip, info };
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw workbookUsageError(file, err);
  }
}

type WorkbookZip = Awaited<ReturnType<typeof openWorkbookFile>>['zip'];

/**
 * A worksheet's rows as it inflates, in batches: each batch the rows of the XML read so far (a cut
 * UTF-8 sequence is carried over by the decoder).
 */
async function* sheetRowBatches(zip: WorkbookZip, path: string, scanner: SheetRowScanner): AsyncGenerator<SheetCells['rows']> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of zip.chunks(path)) {
    const rows = scanner.push(decoder.decode(chunk, { stream: true }));
    if (rows.length > 0) yield rows;
  }
  const rows = [...scanner.push(decoder.decode()), ...scanner.end()];
  if (rows.length > 0) yield rows;
}

/**
 * The tables of an .xlsx workbook, read as it streams (shared strings and styles are kept, rows are
 * not): every tab named by a tab name or kind id (or, failing that, recognised by its header). With
 * `kind`, only that kind's tab (or the only tab of a one-tab workbook). `kinds` limits which kinds
 * are read (a profile reads the configuration tabs only). Each table must be read (or left) before
 * the next one comes.
 */
export async function* streamXlsx(file: string, opts: ReadOptions & { kinds?: readonly RowKind[] } = {}): AsyncGenerator<TableStream> {
  const forced = opts.kind ? usage(() => resolveForcedKind(opts.kind!)) : undefined;
  const { fh, zip, info } = await openWorkbookFile(file);
  let found = 0;
  try {
    for (const { name, path } of info.sheets) {
      if (!path || !zip.has(path)) continue; // chart sheets and missing parts: no cells
      const named = kindFromFileName(name);
      if (forced ? !(named === forced || info.sheets.length === 1) : opts.kinds && named !== undefined && !opts.kinds.includes(named)) continue;
      const batches = sheetRowBatches(zip, path, new SheetRowScanner(name, info, CLI_READ_LIMITS));
      const next = async () => {
        try {
          return await batches.next();
        } catch (err) {
          throw workbookUsageError(file, err);
        }
      };
      try {
        const builder = new RowBuilder();
        const first: RawRow[] = [];
        let ended = false;
        while (!builder.headers) {
          const r = await next();
          if (r.done) {
            ended = true;
            break;
          }
          for (const row of r.value) builder.add(row.cells, row.row, first);
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
                const r = await next();
                if (r.done) break;
                for (const row of r.value) builder.add(row.cells, row.row, batch);
                if (batch.length >= SHEET_BATCH) {
                  yield batch;
                  batch = [];
                }
              }
            }
            if (batch.length > 0) yield batch;
          },
        };
      } finally {
        // A sheet left unread (skipped, or the caller moved on): its inflating stops here.
        await batches.return(undefined);
      }
    }
  } finally {
    await fh.close().catch(() => undefined);
  }
  if (found === 0) throw usageError(noSheetError(file, forced, info.sheets.map((s) => s.name)));
}

/**
 * The tab names of a workbook, in order, from its workbook part; empty when the file is not a
 * readable workbook (reading it reports why).
 */
export async function sheetNames(file: string): Promise<string[]> {
  try {
    const { fh, info } = await openWorkbookFile(file);
    await fh.close().catch(() => undefined);
    return info.sheets.map((s) => s.name);
  } catch {
    return [];
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

/**
 * Write an exceljs workbook to `file` so that the same workbook is the same bytes on every run: its
 * created/modified (docProps/core.xml) and every zip entry's time are `at`. exceljs zips through
 * JSZip, which stamps the clock into each entry (JSZip's file() date defaults to now; exceljs passes
 * none, and generateAsync has no date option), so the archive is written again with the same entries
 * at `at` (zip.ts rewriteZip; our own archive, so read within the CLI's limits).
 */
export async function writeWorkbookFile(wb: ExcelJSNs.Workbook, file: string, at: Date): Promise<void> {
  wb.created = at;
  wb.modified = at;
  const zipped = Buffer.from(await wb.xlsx.writeBuffer());
  await writeFile(file, rewriteZip(zipped, { modified: at }, CLI_READ_LIMITS));
}
