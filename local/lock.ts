// One process per data directory. dynalite's LevelDB store crashes a second opener on its first
// request, so `sibao start` takes an exclusive lock file `<dataDir>/sibao.lock` (created with O_EXCL)
// holding the owner's pid and, on Linux, the identity of that process (boot id + start tick from
// /proc). A lock whose pid no longer runs is stale and is taken over; so is one whose pid now belongs
// to another process (a reboot or a crash let the number be reused: the boot id or start tick
// differ). A live holder is a clear Chinese error naming the pid and every way out, including
// removing the lock file when that pid is not a sibao (what to check first is said).
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

export const LOCK_FILE = 'sibao.lock';

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  /** Linux: /proc/sys/kernel/random/boot_id of the holder's boot. */
  bootId?: string;
  /** Linux: field 22 of /proc/<pid>/stat (start time in clock ticks since boot). */
  startTick?: string;
}

/** The boot id and start tick of a running process (Linux /proc), or null where they cannot be read. */
export function processIdentity(pid: number): { bootId: string; startTick: string } | null {
  try {
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTick = fields[19];
    return bootId && startTick ? { bootId, startTick } : null;
  } catch {
    return null;
  }
}

/** Whether the live pid of `holder` is provably another process than the one that wrote the lock. */
function pidReused(holder: LockInfo): boolean {
  if (!holder.bootId || !holder.startTick) return false;
  const now = processIdentity(holder.pid);
  if (!now) return false;
  return now.bootId !== holder.bootId || now.startTick !== holder.startTick;
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
            `请先停止那个进程（在它的终端按 Ctrl-C），或用 --data 指定另一个目录，或用 --memory 在内存中运行。` +
            `若 pid ${holder.pid} 并不是 sibao（例如电脑重启或异常退出后该编号被其他程序占用；可用 ps -p ${holder.pid} -o args 查看），` +
            `确认没有 sibao 在使用该目录后，删除锁文件 ${join(dataDir, LOCK_FILE)} 再启动即可。`
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
    return {
      pid: parsed.pid,
      host: String(parsed.host ?? ''),
      startedAt: String(parsed.startedAt ?? ''),
      ...(typeof parsed.bootId === 'string' && typeof parsed.startTick === 'string' ? { bootId: parsed.bootId, startTick: parsed.startTick } : {}),
    };
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
  const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date(now()).toISOString(), ...(processIdentity(process.pid) ?? {}) };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
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
      const ours = holder.pid === process.pid && !pidReused(holder);
      if (ours || !sameHost || (pidAlive(holder.pid) && !pidReused(holder))) {
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
