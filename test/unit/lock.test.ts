import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE, acquireDataDirLock, pidAlive } from '../../local/lock.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sibao-lock-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A pid that surely does not run: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

describe('acquireDataDirLock', () => {
  it('creates the directory and a lock file holding our pid, and removes it on release', () => {
    const dir = join(tempDir(), 'nested', '.sibao');
    const lock = acquireDataDirLock(dir);
    const path = join(dir, LOCK_FILE);
    expect(lock.path).toBe(path);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    lock.release();
    expect(existsSync(path)).toBe(false);
    lock.release(); // idempotent
  });

  it('refuses a second lock while the holder lives, naming the pid and the way out', () => {
    const dir = tempDir();
    const lock = acquireDataDirLock(dir);
    let error: unknown;
    try {
      acquireDataDirLock(dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect((error as DataDirLockedError).code).toBe('data_dir_locked');
    expect((error as Error).message).toContain(`pid ${process.pid}`);
    expect((error as Error).message).toContain('--data');
    lock.release();
    acquireDataDirLock(dir).release(); // free again once released
  });

  it('refuses a lock held by another live process', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: child.pid, host: hostname(), startedAt: '2022-06-06T01:00:00.000Z' }));
      expect(pidAlive(child.pid!)).toBe(true);
      expect(() => acquireDataDirLock(dir)).toThrow(new RegExp(`pid ${child.pid}`));
    } finally {
      child.kill();
    }
  });

  it('takes over a stale lock whose pid is dead', async () => {
    const dir = tempDir();
    const pid = await deadPid();
    expect(pidAlive(pid)).toBe(false);
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, host: hostname(), startedAt: '2022-06-06T01:00:00.000Z' }));
    const lock = acquireDataDirLock(dir);
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('treats an unreadable lock as busy while fresh and as stale once old', () => {
    const dir = tempDir();
    const path = join(dir, LOCK_FILE);
    writeFileSync(path, '{"pi');
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    const lock = acquireDataDirLock(dir);
    expect(lock.info.pid).toBe(process.pid);
    lock.release();
  });

  it('never takes over a lock written by another host', () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 999_999_999, host: 'other-host.example', startedAt: 'x' }));
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
  });

  it('does not remove a lock that another process has taken over since', () => {
    const dir = tempDir();
    const lock = acquireDataDirLock(dir);
    writeFileSync(lock.path, JSON.stringify({ pid: 12345, host: hostname(), startedAt: 'later' }));
    lock.release();
    expect(existsSync(lock.path)).toBe(true);
  });
});
