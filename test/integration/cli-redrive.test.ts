// `sibao redrive` against a running `sibao start` (child process, dynalite and SES emulator on
// 127.0.0.1): a 日报 recipient of a past date, set aside after its retries, is mailed by the command
// itself — once, the date's stored report — and the command says so, naming the 日报.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDigestStore } from '../../functions/adapters/digest-store.js';
import { createStore } from '../../functions/adapters/dynamodb-store.js';
import { createFailureStore } from '../../functions/adapters/failure-store.js';
import { createSesMailer } from '../../functions/adapters/ses-mailer.js';
import type { Mailer } from '../../functions/ports.js';
import type { OperatingModeRow } from '../../domain/rows/types.js';
import { validateRows } from '../../domain/rows/validate.js';
import { MAX_DELIVERY_ATTEMPTS, retryDelay } from '../../functions/usecases/deliver.js';
import { runDailyReport } from '../../functions/usecases/daily-report.js';
import { recordFailure } from '../../functions/usecases/isolation.js';
import { reportName } from '../../functions/usecases/stored-report.js';
import { localDynamoClient, localSesClient } from '../../local/services.js';
import { MAIL_FROM } from '../../local/stack.js';
import { freePort, runSibao, startSibao, type Running } from './cli-child.js';

const dir = mkdtempSync(join(tmpdir(), 'sibao-cli-redrive-'));
let stack: Running;
let info: { api: string; dynamo: string; ses: string; table: string };
const OFFICE = 'command@tongxu.example';
const KEY = `daily#2022-06-08|${OFFICE}`;
const WEEK = '2022-W22';

beforeAll(async () => {
  // The example profile's emergency runs 2022-06-08 00:00–06-09 00:00; the stack lives on 06-10.
  stack = startSibao(['start', '--memory', '--no-demo', '--profile', 'examples/profile', '--clock', '2022-06-10T10:00', '--data', dir, '--port', String(await freePort()), '--ses-port', String(await freePort())]);
  await stack.waitFor(/按 Ctrl-C 停止/, 120_000);
  info = JSON.parse(readFileSync(join(dir, 'stack.json'), 'utf8')) as typeof info;
}, 150_000);

afterAll(async () => {
  stack?.child.kill('SIGINT');
  await stack?.done;
  rmSync(dir, { recursive: true, force: true });
});

const dailyMails = async () =>
  ((await (await fetch(`${info.ses}/store`)).json()) as { emails: { destination: { to: string[] }; subject: string; body: { html?: string } }[] }).emails.filter((m) =>
    m.subject.includes('【应急日报】'),
  );

describe('sibao redrive of a 日报 recipient', () => {
  it('sends the date’s stored report to that recipient at once, once; nobody else is mailed again', async () => {
    const dynamo = localDynamoClient(info.dynamo);
    const ses = localSesClient(info.ses);
    try {
      // The emergency of 2022-06-08 (运行状态), as the coordination sheet's sync would record it.
      const store = createStore({ client: dynamo, tableName: info.table });
      const rec = (await store.getProfile())!;
      const [mode] = validateRows('operating_mode', [{ row: 2, values: { 状态: '应急', 开始时间: '2022-06-08 00:00', 结束时间: '2022-06-09 00:00', 范围: '全县' } }], { profile: rec.profile });
      expect(mode.ok).toBe(true);
      await store.putProfile({ ...rec, profile: { ...rec.profile, operatingModes: [(mode as { value: OperatingModeRow }).value] } });
      const real = createSesMailer({ client: ses, from: MAIL_FROM });
      const refusing: Mailer = {
        async send(msg) {
          if (msg.to.includes(OFFICE)) throw Object.assign(new Error('throttled'), { name: 'Throttling' });
          return real.send(msg);
        },
      };
      const clock = { t: Date.parse('2022-06-08T00:05:00+08:00'), now() { return this.t; } };
      const daily = runDailyReport({
        store,
        digests: createDigestStore({ client: dynamo, tableName: info.table }),
        failures: createFailureStore({ client: dynamo, tableName: info.table }),
        mailer: refusing,
        clock,
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
        config: { countyName: '通许县' },
      });
      for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
        expect(await daily()).toMatchObject({ date: '2022-06-08', status: 'incomplete' });
        clock.t += retryDelay(attempt);
      }
      const before = await dailyMails();
      expect(before.length).toBeGreaterThan(0);
      expect(before.some((m) => m.destination.to.includes(OFFICE))).toBe(false);

      const list = await runSibao(['redrive', '--data', dir]);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toContain(KEY);
      expect(list.stdout).toMatch(/^日报 +日报/m); // the task column names the 日报 (the digest job sends it)

      const done = await runSibao(['redrive', KEY, '--data', dir]);
      expect(done.code, done.stderr).toBe(0);
      expect(done.stdout).toContain(`${OFFICE} 的日报 2022-06-08 已补发`);
      const after = await dailyMails();
      expect(after.length).toBe(before.length + 1);
      const got = after.filter((m) => m.destination.to.includes(OFFICE));
      expect(got).toHaveLength(1);
      expect(got[0].subject).toBe(before[0].subject);
      expect(got[0].body.html).toBe(before[0].body.html);

      // Nothing left to re-drive: a second command finds no such key and mails nobody.
      const again = await runSibao(['redrive', KEY, '--data', dir]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain(`未找到键 ${KEY}`);
      expect((await dailyMails()).length).toBe(after.length);
    } finally {
      dynamo.destroy();
      ses.destroy();
    }
  }, 120_000);
});

describe('sibao redrive of a week of the 周报 never built', () => {
  it('builds and publishes it here, mails each recipient once, and says so in one line', async () => {
    const dynamo = localDynamoClient(info.dynamo);
    try {
      // 2022-W22's scheduled runs failed before publishing, till the week was set aside; the stack lives on 2022-06-10.
      const failures = createFailureStore({ client: dynamo, tableName: info.table });
      const clock = { now: () => Date.parse('2022-06-03T21:00:00+08:00') };
      await recordFailure({ failures, clock, log: { info: () => undefined, warn: () => undefined, error: () => undefined } }, 'digest', WEEK, { subject: reportName('digest', WEEK), error: 'boom', setAside: true, attempts: 5 });
      const digestMails = async () => ((await (await fetch(`${info.ses}/store`)).json()) as { emails: { destination: { to: string[] }; subject: string }[] }).emails.filter((m) => m.subject.includes('【督办督查周报】'));
      expect(await digestMails()).toEqual([]);

      const done = await runSibao(['redrive', WEEK, '--data', dir]);
      expect(done.code, done.stderr).toBe(0);
      const lines = done.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const mails = await digestMails();
      const to = mails.map((m) => m.destination.to).flat();
      expect(to.length).toBeGreaterThan(0);
      expect(new Set(to).size).toBe(to.length);
      expect(lines[0]).toBe(`周报［周报 ${WEEK}］${WEEK}：周报 ${WEEK} 已生成并发布；已补发 ${to.length} 封（${[...to].sort().join('、')}）；该周已全部发送`);
      expect((await createDigestStore({ client: dynamo, tableName: info.table }).getDigest(WEEK))!.status).toBe('sent');
      expect(await failures.getFailure('digest', WEEK)).toBeNull();
    } finally {
      dynamo.destroy();
    }
  }, 120_000);
});
