// One process per data directory. dynalite's LevelDB store crashes a second opener on its first
// request, so `sibao start` takes an exclusive lock file `<dataDir>/sibao.lock` (created with O_EXCL)
// holding the owner's pid. A lock whose pid no longer runs is stale and is taken over; a live one is
// a clear Chinese error naming the pid and the way out.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

export const LOCK_FILE = 'sibao.lock';

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

export class DataDirLockedError extends Error {
  readonly code = 'data_dir_locked';
  constructor(
    readonly dataDir: string,
    readonly holder: LockInfo | null,
  ) {
    super(
      holder
        ? `数据目录 ${dataDir} 正被另一个 sibao 进程使用（pid ${holder.pid}，${holder.startedAt} 启动）。` +
            `请先停止那个进程（在它的终端按 Ctrl-C），或用 --data 指定另一个目录，或用 --memory 在内存中运行。`
        : `数据目录 ${dataDir} 正被另一个 sibao 进程使用（锁文件 ${join(dataDir, LOCK_FILE)} 刚刚创建）。` +
            `请先停止那个进程，或用 --data 指定另一个目录。`,
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly path: string;
  readonly info: LockInfo;
  /** Remove the lock file if it is still ours. Idempotent. */
  release(): void;
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): LockInfo | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    if (typeof parsed.pid !== 'number') return null;
    return { pid: parsed.pid, host: String(parsed.host ?? ''), startedAt: String(parsed.startedAt ?? '') };
  } catch {
    return null;
  }
}

/** A lock file that cannot be read is being written right now, unless it has been so for a while. */
const UNREADABLE_GRACE_MS = 5_000;

/**
 * Take the lock of `dataDir` (created if missing) for this process. Throws DataDirLockedError when
 * a live process holds it. The lock is also released when the process exits normally.
 */
export function acquireDataDirLock(dataDir: string, now: () => number = Date.now): DataDirLock {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date(now()).toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      try {
        writeSync(fd, `${JSON.stringify(info)}\n`);
      } finally {
        closeSync(fd);
      }
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        const current = readLock(path);
        if (current && current.pid === info.pid && current.startedAt === info.startedAt) rmSync(path, { force: true });
      };
      process.on('exit', release);
      return { path, info, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readLock(path);
    if (holder) {
      // Another host sharing the directory: its pid means nothing here, so never take it over.
      const sameHost = !holder.host || holder.host === hostname();
      if (holder.pid === process.pid || (sameHost && pidAlive(holder.pid)) || !sameHost) {
        throw new DataDirLockedError(dir, holder);
      }
    } else {
      let age = Number.POSITIVE_INFINITY;
      try {
        age = now() - statSync(path).mtimeMs;
      } catch {
        continue; // removed meanwhile: try again
      }
      if (age < UNREADABLE_GRACE_MS) throw new DataDirLockedError(dir, null);
    }
    rmSync(path, { force: true }); // stale: its owner is gone
  }
  throw new DataDirLockedError(dir, readLock(path));
}
