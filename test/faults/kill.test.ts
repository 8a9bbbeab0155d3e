// kill -9 of the whole local stack (`sibao start` in a child process, on a data directory) in the
// middle of a sync and in the middle of dispatch, then a plain restart. The SES emulator runs in this
// process (SIBAO_SES_ENDPOINT) so it outlives the crashes and counts what was really sent.
// What must hold:
// - rows lost 0: every row the client pushes (resending what got no answer, as the add-on does) is
//   stored, once; no duplicate issue;
// - mails lost 0: every assignment mail reaches every recipient after the restart, at once (a claim
//   of the dead process is taken over by the next one's generation, never left for its lease);
// - duplicates ≤ the documented bound: only a mail whose send SES had accepted when the process died
//   (before its `sent` mark landed) may go out twice: at most the sends in flight when it died, i.e.
//   ≤ DISPATCH_CONCURRENCY per crash (deliver.ts, README "The at-least-once window"; the dispatcher
//   sends up to that many notifications at once, each recipient in turn), and never a third time;
// - the restart resumes the stack's clock where it stopped (not the demo's Monday).
// Runs: FAULT_KILL_RUNS (default 1) crash pairs; rows per run: FAULT_KILL_ROWS (default 40).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateDevIssuer } from '../../functions/adapters/dev-issuer.js';
import { DEFAULT_DISPATCH_CONCURRENCY } from '../../functions/usecases/dispatch.js';
import { createStore } from '../../functions/adapters/dynamodb-store.js';
import type { StoredIssue } from '../../functions/ports.js';
import { CLOCK_FILE, readSavedClock } from '../../local/clock.js';
import { localDynamoClient } from '../../local/services.js';
import { startTestServices, type TestServices } from '../fixtures/local-services.js';
import { startSibao, type Running } from '../integration/cli-child.js';
import { parseMail } from '../integration/closed-loop-helpers.js';

const RUNS = Number(process.env.FAULT_KILL_RUNS ?? 1);
const ROWS = Number(process.env.FAULT_KILL_ROWS ?? 40);
const BATCH = 2;
const EDITOR = 'industry-editor@tongxu.example';

let services: TestServices;
const dirs: string[] = [];
beforeAll(async () => {
  services = await startTestServices();
});
afterAll(async () => {
  await services?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function start(dir: string, clock?: string): Running {
  return startSibao(['start', '--no-demo', '--profile', 'examples/profile', '--data', dir, '--port', '0', '--ses-port', '0', ...(clock ? ['--clock', clock] : [])], {
    SIBAO_SES_ENDPOINT: services.sesEndpoint,
    SIBAO_DATA: dir,
  });
}

async function ready(child: Running, dir: string): Promise<{ api: string; dynamo: string }> {
  await child.waitFor(/按 Ctrl-C 停止/, 90_000);
  return JSON.parse(readFileSync(join(dir, 'stack.json'), 'utf8')) as { api: string; dynamo: string };
}

function kill9(child: Running): Promise<unknown> {
  child.child.kill('SIGKILL');
  return child.done;
}

const row = (i: number) => ({
  row: 2 + i,
  values: {
    反映企业代码: '91410222JKMQMETJ6W',
    企业名称: '通许县远瑞建材有限公司',
    所属领域: '工业生产',
    所在乡镇: '高新区',
    问题类别: '物流运输',
    问题描述: `崩溃测试问题 ${i + 1}：运输车辆通行证办理慢`,
    紧急程度: '一般',
    超出协调范围: '否',
    重大问题: '否',
    反映日期: '2022-06-04',
    联系人: '行政主管',
    联系电话: '13800000001',
  },
});

/** Push rows in batches; answers `ok` rows. A batch without an answer (the process died) throws. */
async function push(api: string, token: string, rows: ReturnType<typeof row>[], sheet: string): Promise<Set<number>> {
  const ok = new Set<number>();
  for (let i = 0; i < rows.length; i += BATCH) {
    const res = await fetch(`${api}/v1/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ spreadsheetId: sheet, workClass: 'industry', kind: 'issue', rows: rows.slice(i, i + BATCH) }),
    });
    expect(res.status).toBeLessThan(500);
    const body = (await res.json()) as { results: { row: number; ok: boolean }[] };
    for (const r of body.results) if (r.ok) ok.add(r.row);
  }
  return ok;
}

async function outboxOf(dynamo: string) {
  const client = localDynamoClient(dynamo);
  try {
    return await createStore({ client, tableName: 'sibao' }).listOutbox();
  } finally {
    client.destroy();
  }
}

async function issuesOf(dynamo: string, sheet: string): Promise<StoredIssue[]> {
  const client = localDynamoClient(dynamo);
  try {
    return (await createStore({ client, tableName: 'sibao' }).listIssues({})).filter((i) => i.spreadsheetId === sheet);
  } finally {
    client.destroy();
  }
}

describe('faults: kill -9 of the stack mid-sync and mid-dispatch', () => {
  it(`${RUNS} run(s) of ${ROWS} rows: rows lost 0, mails lost 0, duplicates ≤ the sends in flight per crash (2 crashes a run), the clock resumed`, async () => {
    const table: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      await services.clearMails();
      const dir = mkdtempSync(join(tmpdir(), 'sibao-kill-'));
      dirs.push(dir);
      const sheet = `sheet-kill-${run}`;
      const rows = Array.from({ length: ROWS }, (_, i) => row(i));

      // 1. Crash in the middle of a sync.
      // The first stack runs on a clock of its own (Wednesday): a plain restart must keep it.
      const a = start(dir, '2022-06-08T10:00');
      const infoA = await ready(a, dir);
      const token = await (await loadOrCreateDevIssuer(dir)).issue(EDITOR);
      const first = push(infoA.api, token, rows, sheet).catch((err: unknown) => err);
      // Killed while batches are in flight (a few have been answered).
      for (let waited = 0; waited < 20_000 && (await issuesOf(infoA.dynamo, sheet).catch(() => [])).length < BATCH * 2; waited += 50) await sleep(50);
      await kill9(a);
      const interrupted = (await first) instanceof Error; // the client saw the crash (unless it had finished)
      const savedClock = readSavedClock(dir);
      expect(savedClock).not.toBeNull();

      // 2. Restart: the lock of the dead process is taken over, the clock resumes; the client resends everything.
      const b = start(dir);
      const infoB = await ready(b, dir);
      expect(b.stdout()).toContain('从上次停止处继续');
      expect(b.stdout()).toMatch(/模拟时钟：\s+2022-06-08T10:00/); // not the demo's Monday again
      expect(savedClock!).toBeGreaterThanOrEqual(Date.parse('2022-06-08T10:00:00+08:00'));
      const stored = await push(infoB.api, token, rows, sheet);
      expect(stored.size).toBe(ROWS);

      // 3. Crash in the middle of dispatch: the dispatcher runs every second; kill once mails flow.
      for (let waited = 0; waited < 30_000 && (await services.mails()).length < 6; waited += 20) await sleep(20);
      const before = (await outboxOf(infoB.dynamo)).length;
      await kill9(b);
      const sentAtCrash = (await services.mails()).length;

      // 4. Restart: what the dead process held is sent at once, the rest follows.
      const c = start(dir);
      const infoC = await ready(c, dir);
      // Up to 150 s: under heavy load a send can time out, and its retry is a minute later (deliver.ts).
      for (let waited = 0; waited < 150_000 && (await outboxOf(infoC.dynamo)).length > 0; waited += 200) await sleep(200);
      expect(await outboxOf(infoC.dynamo)).toEqual([]);
      const issues = await issuesOf(infoC.dynamo, sheet);
      c.child.kill('SIGTERM');
      await c.done;

      // Rows: each stored once.
      const rowsStored = new Set(issues.map((i) => i.row));
      const rowsLost = ROWS - rowsStored.size;
      expect(issues).toHaveLength(ROWS);
      expect(rowsLost).toBe(0);
      // Mails: every recipient of every assignment notification, counted in the emulator.
      const counts = new Map<string, number>();
      for (const m of (await services.mails()).map(parseMail)) counts.set(`${m.key}→${m.to}`, (counts.get(`${m.key}→${m.to}`) ?? 0) + 1);
      const perKey = new Map<string, Set<string>>();
      for (const k of counts.keys()) {
        const [key, to] = k.split('→');
        perKey.set(key, (perKey.get(key) ?? new Set()).add(to));
      }
      // The unit's addresses: every assignment key must reach the same number of recipients as its unit has.
      let mailsLost = 0;
      for (const i of issues) {
        const key = `${i.record.id}#assign#0#unit`;
        const want = i.record.assignments[0] ? await unitEmails(i.record.assignments[0].unit) : [];
        for (const to of want) if (!perKey.get(key)?.has(to)) mailsLost++;
      }
      const duplicates = [...counts.values()].reduce((n, c) => n + (c - 1), 0);
      const twice = [...counts].filter(([, c]) => c > 1).map(([k, c]) => `${k}×${c}`);
      table.push(
        `| kill -9 mid-sync${interrupted ? '' : ' (sync had finished)'} + mid-dispatch (run ${run + 1}) | 2 crashes; ${before} items in the outbox, ${sentAtCrash} mails sent at the dispatch crash | rows lost ${rowsLost} | mails lost ${mailsLost} | duplicates ${duplicates}${twice.length ? ` (${twice.join(', ')})` : ''} |`,
      );
      expect(mailsLost).toBe(0);
      // A mail goes out at most once more (its send was in the window of one crash)…
      for (const [k, c] of counts) expect(c, k).toBeLessThanOrEqual(2);
      // …and both crashes may hit the dispatcher (it runs every second) with up to DISPATCH_CONCURRENCY
      // sends in flight each (the stack runs the default: DISPATCH_CONCURRENCY is not set here).
      expect(process.env.DISPATCH_CONCURRENCY).toBeUndefined();
      expect(duplicates).toBeLessThanOrEqual(2 * DEFAULT_DISPATCH_CONCURRENCY);
      expect(existsSync(join(dir, CLOCK_FILE))).toBe(true);
    }
    console.log(table.join('\n'));
  }, RUNS * 330_000);
});

const unitCache = new Map<string, string[]>();
/** The unit's addresses in the profile the stack was started with (read once per unit). */
async function unitEmails(unit: string): Promise<string[]> {
  if (unitCache.has(unit)) return unitCache.get(unit)!;
  const { loadProfile } = await import('../../local/profile-files.js');
  const profile = (await loadProfile('examples/profile')).profile;
  const emails = (profile.units.find((u) => u.code === unit)?.emails ?? []).map((e) => e.trim().toLowerCase());
  unitCache.set(unit, emails);
  return emails;
}
