// Restarts and clocks (SPEC §7.5): delivery claims are leases on REAL elapsed time, so a restart with
// another simulated clock never strands a mail; a newer sender generation takes over a dead one's
// claim at once; a backoff written under a later clock is due when the clock went back; the stack's
// data directory keeps its clock and is readable by nobody else; a lock held by a pid that now belongs
// to another process is taken over, and one that cannot be told apart says how to recover.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, ensureTable } from '../../functions/adapters/dynamodb-store.js';
import { systemClock, type Mailer } from '../../functions/ports.js';
import { deliver } from '../../functions/usecases/deliver.js';
import { CLOCK_FILE, createSimClock, persistClock, readSavedClock } from '../../local/clock.js';
import { acquireDataDirLock, LOCK_FILE, processIdentity } from '../../local/lock.js';
import { startStack } from '../../local/stack.js';
import { startTestServices, type TestServices } from '../fixtures/local-services.js';

let services: TestServices;
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'sibao-restart-'));
  dirs.push(d);
  return d;
};
beforeAll(async () => {
  services = await startTestServices();
});
afterAll(async () => {
  await services?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const FRIDAY = Date.parse('2022-06-10T17:00:00+08:00');
const MONDAY = Date.parse('2022-06-06T09:00:00+08:00');
const letter = () => ({ subject: '测试', html: '<p>正文</p>', text: '正文' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function store() {
  const tableName = `restart-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  await ensureTable(services.dynamo, tableName);
  return createStore({ client: services.dynamo, tableName });
}

describe('delivery leases on real elapsed time', () => {
  it('a claim made on Friday of the simulated clock lapses after its real lease, whatever the clock says after a restart', async () => {
    const s = await store();
    const sent: string[] = [];
    const mailer: Mailer = { send: async (m) => (sent.push(m.to[0]), { messageId: `m-${sent.length}` }) };
    // The lease clock is real elapsed time (systemClock in the stack); here one the test moves, so a
    // loaded machine never decides the outcome.
    let real = systemClock.now();
    const leaseClock = { now: () => real };
    // The dead sender claimed on the demo's Friday, with a real-time lease of 300 ms, and never marked.
    expect(await s.claimDelivery('N#1', 'a@county.example', FRIDAY, 300, { leaseNow: real })).not.toBeNull();
    // Restarted on Monday's clock (the old bug: a lease a week ahead of the clock): held only for the real lease.
    const monday = { now: () => MONDAY };
    expect(await deliver({ store: s, mailer, clock: monday, leaseClock, leaseMs: 300 }, 'N#1', ['a@county.example'], letter)).toMatchObject({ sent: 0, skipped: 1, complete: false });
    real += 350;
    expect(await deliver({ store: s, mailer, clock: monday, leaseClock, leaseMs: 300 }, 'N#1', ['a@county.example'], letter)).toMatchObject({ sent: 1, complete: true });
    expect(sent).toEqual(['a@county.example']);
  });

  it('a newer sender generation takes over a dead one\'s claim at once; the same generation waits for the lease', async () => {
    const s = await store();
    const sent: string[] = [];
    const mailer: Mailer = { send: async (m) => (sent.push(m.to[0]), { messageId: `m-${sent.length}` }) };
    expect(await s.claimDelivery('N#2', 'b@county.example', MONDAY, 3_600_000, { leaseNow: systemClock.now(), generation: 1 })).not.toBeNull();
    const deps = (generation: number) => ({ store: s, mailer, clock: { now: () => MONDAY }, leaseClock: systemClock, generation });
    expect(await deliver(deps(1), 'N#2', ['b@county.example'], letter)).toMatchObject({ sent: 0, complete: false });
    expect(await deliver(deps(2), 'N#2', ['b@county.example'], letter)).toMatchObject({ sent: 1, complete: true });
    expect(await deliver(deps(3), 'N#2', ['b@county.example'], letter)).toMatchObject({ sent: 0, skipped: 1, complete: true });
    expect(sent).toEqual(['b@county.example']);
  });

  it('a retry due under a later clock is due at once when the clock went back by more than any backoff', async () => {
    const s = await store();
    const down: Mailer = { send: async () => Promise.reject(Object.assign(new Error('busy'), { name: 'Throttling' })) };
    const up: Mailer = { send: async () => ({ messageId: 'm-1' }) };
    expect(await deliver({ store: s, mailer: down, clock: { now: () => FRIDAY } }, 'N#3', ['c@county.example'], letter)).toMatchObject({ failed: 1 });
    // One minute later on Friday it is not yet due; on Monday (four days back) it is.
    expect(await deliver({ store: s, mailer: up, clock: { now: () => FRIDAY + 30_000 } }, 'N#3', ['c@county.example'], letter)).toMatchObject({ sent: 0 });
    expect(await deliver({ store: s, mailer: up, clock: { now: () => MONDAY } }, 'N#3', ['c@county.example'], letter)).toMatchObject({ sent: 1, complete: true });
  });
});

describe('the data directory', () => {
  it('keeps the clock (saved every few seconds and on stop, 0600) and is readable by nobody else', async () => {
    const dir = join(tempDir(), 'data');
    const clock = createSimClock('2022-06-09T15:30');
    const stack = await startStack({ dataDir: dir, memory: false, port: 0, sesPort: 0, clock, dispatchIntervalMs: 0, sweepIntervalMs: 0 });
    clock.advance(3_600_000);
    await stack.stop();
    expect(readSavedClock(dir)).toBeGreaterThanOrEqual(Date.parse('2022-06-09T16:30:00+08:00'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'dynamodb')).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(dir)) {
      const st = statSync(join(dir, f));
      if (st.isFile()) expect(st.mode & 0o077, f).toBe(0);
    }
    expect(statSync(join(dir, CLOCK_FILE)).mode & 0o777).toBe(0o600);
  });

  it('persistClock writes the instant atomically and again when stopped', async () => {
    const dir = tempDir();
    let t = Date.parse('2022-06-08T08:00:00+08:00');
    const stop = persistClock({ now: () => t }, dir, 10_000);
    expect(readSavedClock(dir)).toBe(t);
    t += 5_000;
    stop();
    expect(readSavedClock(dir)).toBe(t);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    writeFileSync(join(dir, CLOCK_FILE), 'not json');
    expect(readSavedClock(dir)).toBeNull();
  });
});

describe('the data directory lock', () => {
  it('takes over a lock whose live pid now belongs to another process (reused after a crash)', async () => {
    const dir = tempDir();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await sleep(50);
      const id = processIdentity(other.pid!)!;
      expect(id).not.toBeNull();
      // The lock names that pid, but the process that wrote it started at another tick.
      writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: other.pid, host: hostname(), startedAt: '2022-06-06T01:00:00.000Z', bootId: id.bootId, startTick: String(Number(id.startTick) - 100) }));
      const lock = acquireDataDirLock(dir);
      expect(lock.info.pid).toBe(process.pid);
      lock.release();
    } finally {
      other.kill();
    }
  });

  it('a live holder it cannot tell apart is refused with how to recover: stop it, or remove the lock file once sure no sibao uses the directory', async () => {
    const dir = tempDir();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: other.pid, host: hostname(), startedAt: '2022-06-06T01:00:00.000Z' }));
      let message = '';
      try {
        acquireDataDirLock(dir);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toContain(`pid ${other.pid}`);
      expect(message).toContain(`ps -p ${other.pid}`);
      expect(message).toContain(`删除锁文件 ${join(dir, LOCK_FILE)}`);
    } finally {
      other.kill();
    }
  });
});
