// The zip container of an .xlsx, read and written with node:zlib only (no dependency: the web
// Lambda's bundle stays small). Reading is defensive (SPEC §7.8 uploads): the central directory is
// checked BEFORE anything is inflated (declared total ≤ the budget, compression ratio ≤ 100, no
// macros, no external links, no encryption, a bounded number of entries), and every entry is then
// inflated with an output cap, so a lying directory is caught while inflating, never after.
import { createInflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';

/** A workbook that cannot be read safely; `code` is stable, `message` Chinese. */
export class WorkbookError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WorkbookError';
  }
}

export interface ZipLimits {
  /** Most bytes all entries may inflate to together (SPEC §7.8: 50 MB). */
  maxInflatedBytes: number;
  /** Largest inflated/compressed ratio of the whole archive and of any entry above 64 KB. */
  maxRatio: number;
  maxEntries: number;
}

export const UPLOAD_ZIP_LIMITS: ZipLimits = { maxInflatedBytes: 50 * 1024 * 1024, maxRatio: 100, maxEntries: 2_000 };

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  offset: number;
  flags: number;
}

const MB = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

function findEndOfDirectory(buf: Buffer): number {
  const min = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) return i;
  }
  return -1;
}

const notZip = () => new WorkbookError('bad_xlsx', '文件不是有效的 .xlsx 工作簿（不是 zip 格式或已损坏）；请用 Excel 或 WPS 另存为 .xlsx 后再上传');

/** Where the central directory is, from the archive's tail (its last 22 + 65,535 bytes or fewer). */
function directoryOf(tail: Buffer, archiveSize: number, limits: ZipLimits): { count: number; dirSize: number; dirOffset: number } {
  const eocd = findEndOfDirectory(tail);
  if (eocd < 0) throw notZip();
  const count = tail.readUInt16LE(eocd + 10);
  const dirSize = tail.readUInt32LE(eocd + 12);
  const dirOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || dirOffset === 0xffffffff) throw new WorkbookError('bad_xlsx', '不支持 zip64 格式的工作簿；请用 Excel 或 WPS 另存为 .xlsx');
  if (count > limits.maxEntries) throw new WorkbookError('zip_entries', `工作簿内部文件过多（${count} 个），不像正常的表格，已拒绝`);
  if (dirOffset + dirSize > archiveSize) throw notZip();
  return { count, dirSize, dirOffset };
}

/** The `count` entries of a central directory's bytes, checked against `limits`. */
function parseDirectory(dir: Buffer, count: number, limits: ZipLimits): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let p = 0;
  let total = 0;
  let packed = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== 0x02014b50) throw notZip();
    const flags = dir.readUInt16LE(p + 8);
    const method = dir.readUInt16LE(p + 10);
    const compressedSize = dir.readUInt32LE(p + 20);
    const size = dir.readUInt32LE(p + 24);
    const nameLen = dir.readUInt16LE(p + 28);
    const extraLen = dir.readUInt16LE(p + 30);
    const commentLen = dir.readUInt16LE(p + 32);
    const offset = dir.readUInt32LE(p + 42);
    const name = dir.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
    if (flags & 1) throw new WorkbookError('encrypted', '工作簿已加密（设置了打开密码），无法读取；请取消密码后再上传');
    if (method !== 0 && method !== 8) throw new WorkbookError('bad_xlsx', `工作簿使用了不支持的压缩方式（${method}）；请用 Excel 或 WPS 另存为 .xlsx`);
    const lower = name.toLowerCase();
    if (/vbaproject\.bin$/.test(lower) || lower.endsWith('.bin') && lower.includes('vba')) {
      throw new WorkbookError('macros', '工作簿含有宏（VBA），出于安全原因不接受；请另存为不含宏的 .xlsx 后再上传');
    }
    if (lower.startsWith('xl/externallinks/')) {
      throw new WorkbookError('external_links', '工作簿含有指向其他文件的外部链接，出于安全原因不接受；请在 Excel 中“断开链接”后再上传');
    }
    total += size;
    packed += compressedSize;
    if (total > limits.maxInflatedBytes) {
      throw new WorkbookError('zip_bomb', `工作簿解压后超过 ${MB(limits.maxInflatedBytes)}，已拒绝（疑似压缩炸弹或数据过多）；请拆分后上传或用 sibao import 导入`);
    }
    if (size > 65_536 && size > compressedSize * limits.maxRatio) {
      throw new WorkbookError('zip_bomb', `工作簿中的 ${name} 压缩比超过 ${limits.maxRatio}:1，已拒绝（疑似压缩炸弹）`);
    }
    entries.push({ name, method, compressedSize, size, offset, flags });
  }
  if (total > 65_536 && total > Math.max(packed, 1) * limits.maxRatio) {
    throw new WorkbookError('zip_bomb', `工作簿整体压缩比超过 ${limits.maxRatio}:1，已拒绝（疑似压缩炸弹）`);
  }
  return entries;
}

/** The central directory, checked against `limits` before any byte is inflated. */
export function readZipIndex(buf: Buffer, limits: ZipLimits = UPLOAD_ZIP_LIMITS): ZipEntry[] {
  if (buf.length < 22 || buf.readUInt32LE(0) !== 0x04034b50) throw notZip();
  const { count, dirSize, dirOffset } = directoryOf(buf, buf.length, limits);
  return parseDirectory(buf.subarray(dirOffset, dirOffset + dirSize), count, limits);
}

const TOO_BIG = () => new WorkbookError('zip_bomb', '工作簿中的内部文件解压后超过其声明的大小或上限，已在解压中途停止并拒绝（疑似压缩炸弹）');

/**
 * One entry's bytes, inflated with a hard cap of `budget` bytes (the part of the archive's budget not
 * yet used): zlib stops at the cap, so an entry that lies about its size never allocates more.
 */
export function inflateEntry(buf: Buffer, e: ZipEntry, budget: number): Buffer {
  if (e.offset + 30 > buf.length || buf.readUInt32LE(e.offset) !== 0x04034b50) throw new WorkbookError('bad_xlsx', '工作簿已损坏（内部文件头无效）');
  const start = e.offset + 30 + buf.readUInt16LE(e.offset + 26) + buf.readUInt16LE(e.offset + 28);
  const data = buf.subarray(start, start + e.compressedSize);
  if (data.length !== e.compressedSize) throw new WorkbookError('bad_xlsx', '工作簿已损坏（内部文件被截断）');
  const cap = Math.min(budget, e.size);
  if (e.method === 0) {
    if (data.length > budget) throw new WorkbookError('zip_bomb', '工作簿解压后超过上限，已拒绝');
    return Buffer.from(data);
  }
  let out: Buffer;
  try {
    // One byte over the declared size: an entry that inflates past what it declared is refused.
    out = inflateRawSync(data, { maxOutputLength: Math.max(cap + 1, 1) });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) throw TOO_BIG();
    throw new WorkbookError('bad_xlsx', '工作簿已损坏（内部文件无法解压）');
  }
  if (out.length > cap) throw TOO_BIG();
  return out;
}

/** Reads entries by name within the archive's inflation budget. */
export function openZip(buf: Buffer, limits: ZipLimits = UPLOAD_ZIP_LIMITS) {
  const entries = readZipIndex(buf, limits);
  const byName = new Map(entries.map((e) => [e.name.replace(/^\/+/, ''), e]));
  let used = 0;
  return {
    names: () => [...byName.keys()],
    has: (name: string) => byName.has(name),
    read(name: string): Buffer | undefined {
      const e = byName.get(name.replace(/^\/+/, ''));
      if (!e) return undefined;
      const out = inflateEntry(buf, e, limits.maxInflatedBytes - used);
      used += out.length;
      return out;
    },
  };
}

/** Bytes of an archive read by range (a file on disk): the archive is never held whole. */
export interface RandomAccess {
  size: number;
  read(offset: number, length: number): Promise<Buffer>;
}

/** Compressed bytes read from disk at a time while an entry streams. */
const STREAM_CHUNK = 64 << 10;

/**
 * An archive read through its central directory by range (SPEC §7.7: the CLI reads workbooks of any
 * size): the same checks as openZip before anything is inflated, then an entry whole (`read`) or as
 * it inflates (`chunks`, memory flat in its size), every entry capped at its declared size and the
 * whole within the budget. Entries are read in any order the caller asks, not in stored order.
 */
export async function openZipReader(src: RandomAccess, limits: ZipLimits = UPLOAD_ZIP_LIMITS) {
  if (src.size < 22 || (await src.read(0, 4)).readUInt32LE(0) !== 0x04034b50) throw notZip();
  const tailStart = Math.max(0, src.size - 22 - 0xffff);
  const { count, dirSize, dirOffset } = directoryOf(await src.read(tailStart, src.size - tailStart), src.size, limits);
  const entries = parseDirectory(await src.read(dirOffset, dirSize), count, limits);
  const byName = new Map(entries.map((e) => [e.name.replace(/^\/+/, ''), e]));
  let used = 0;

  /** Where an entry's compressed bytes start (after its local header). */
  async function dataStart(e: ZipEntry): Promise<number> {
    if (e.offset + 30 > src.size) throw new WorkbookError('bad_xlsx', '工作簿已损坏（内部文件头无效）');
    const head = await src.read(e.offset, 30);
    if (head.length < 30 || head.readUInt32LE(0) !== 0x04034b50) throw new WorkbookError('bad_xlsx', '工作簿已损坏（内部文件头无效）');
    const start = e.offset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
    if (start + e.compressedSize > src.size) throw new WorkbookError('bad_xlsx', '工作簿已损坏（内部文件被截断）');
    return start;
  }

  async function* compressed(e: ZipEntry, start: number): AsyncGenerator<Buffer> {
    for (let at = 0; at < e.compressedSize; at += STREAM_CHUNK) {
      const part = await src.read(start + at, Math.min(STREAM_CHUNK, e.compressedSize - at));
      if (part.length === 0) throw new WorkbookError('bad_xlsx', '工作簿已损坏（内部文件被截断）');
      yield part;
    }
  }

  async function* chunks(name: string): AsyncGenerator<Buffer> {
    const e = byName.get(name.replace(/^\/+/, ''));
    if (!e) return;
    const start = await dataStart(e);
    const cap = Math.min(limits.maxInflatedBytes - used, e.size);
    let out = 0;
    const take = (chunk: Buffer) => {
      out += chunk.length;
      used += chunk.length;
      if (out > cap) throw e.method === 0 ? new WorkbookError('zip_bomb', '工作簿解压后超过上限，已拒绝') : TOO_BIG();
      return chunk;
    };
    if (e.method === 0) {
      for await (const part of compressed(e, start)) yield take(part);
      return;
    }
    const inflate = createInflateRaw();
    const feed = (async () => {
      for await (const part of compressed(e, start)) {
        // The reader stopped early (its table left unread): stop reading the file too.
        if (inflate.destroyed) return;
        if (!inflate.write(part)) {
          await new Promise<void>((resolve) => {
            const go = () => {
              inflate.off('drain', go).off('close', go);
              resolve();
            };
            inflate.on('drain', go).on('close', go);
          });
        }
      }
      if (!inflate.destroyed) inflate.end();
    })();
    // A feeding error (a read past the end) reaches the reader through the stream.
    feed.catch((err: unknown) => inflate.destroy(err as Error));
    try {
      for await (const chunk of inflate as AsyncIterable<Buffer>) yield take(chunk);
    } catch (err) {
      if (err instanceof WorkbookError) throw err;
      throw new WorkbookError('bad_xlsx', '工作簿已损坏（内部文件无法解压）');
    } finally {
      inflate.destroy();
    }
  }

  return {
    names: () => [...byName.keys()],
    has: (name: string) => byName.has(name.replace(/^\/+/, '')),
    chunks,
    /** An entry's bytes whole (the small parts: workbook, relationships, styles, shared strings). */
    async read(name: string): Promise<Buffer | undefined> {
      if (!byName.has(name.replace(/^\/+/, ''))) return undefined;
      const parts: Buffer[] = [];
      for await (const chunk of chunks(name)) parts.push(chunk);
      return Buffer.concat(parts);
    },
  };
}

// ---- writing --------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** 1980-01-01 00:00, the earliest DOS time: the default time of every entry. */
const DOS_EPOCH = new Date(Date.UTC(1980, 0, 1));

/** `at` as DOS time and date (no zone in the format: `at`'s UTC fields; before 1980 → 1980-01-01). */
function dosDateTime(at: Date): { time: number; date: number } {
  const d = at.getTime() < DOS_EPOCH.getTime() ? DOS_EPOCH : at;
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

export interface ZipWriteOptions {
  /** The time every entry carries (default 1980-01-01 00:00): fixed, so the same input gives the same bytes. */
  modified?: Date;
}

/**
 * A zip of `files`, in their order: deflated, an empty one (a folder) stored; every entry with the
 * same DOS time, so the same input gives the same bytes.
 */
export function writeZip(files: readonly { name: string; data: Buffer | string }[], opts: ZipWriteOptions = {}): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const { time, date } = dosDateTime(opts.modified ?? DOS_EPOCH);
  for (const f of files) {
    const raw = typeof f.data === 'string' ? Buffer.from(f.data, 'utf8') : f.data;
    const method = raw.length === 0 ? 0 : 8;
    const packed = method === 0 ? raw : deflateRawSync(raw);
    const name = Buffer.from(f.name, 'utf8');
    const crc = crc32(raw);
    // The fields the local header (from byte 4) and the central directory entry (from byte 6) share.
    const fields = (head: Buffer, at: number) => {
      head.writeUInt16LE(20, at); // version needed
      head.writeUInt16LE(0x0800, at + 2); // UTF-8 names
      head.writeUInt16LE(method, at + 4);
      head.writeUInt16LE(time, at + 6);
      head.writeUInt16LE(date, at + 8);
      head.writeUInt32LE(crc, at + 10);
      head.writeUInt32LE(packed.length, at + 14);
      head.writeUInt32LE(raw.length, at + 18);
      head.writeUInt16LE(name.length, at + 22);
      return head;
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4); // version made by
    dir.writeUInt32LE(offset, 42);
    locals.push(fields(local, 4), name, packed);
    central.push(fields(dir, 6), name);
    offset += 30 + name.length + packed.length;
  }
  const dirBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dirBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dirBuf, end]);
}

/**
 * The same entries (names, order, bytes) written again by writeZip: an archive whose writer stamps
 * the clock into every entry (exceljs through JSZip) becomes the same bytes on every run. For
 * archives we made; read within `limits`.
 */
export function rewriteZip(buf: Buffer, opts: ZipWriteOptions = {}, limits: ZipLimits = UPLOAD_ZIP_LIMITS): Buffer {
  const zip = openZip(buf, limits);
  return writeZip(
    zip.names().map((name) => ({ name, data: zip.read(name)! })),
    opts,
  );
}
