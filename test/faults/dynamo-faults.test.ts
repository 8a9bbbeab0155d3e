// DynamoDB throttling (a proxy in front of the real dynalite answering ThrottlingException for a share
// of requests, on top of the SDK's own retries): the API never answers 500 (503 or a row-level
// `not_saved` when throttling outlasts the retries, counted as ApiUnexpectedErrors), the client that
// retries what was refused (as the add-on does) loses no row; dispatch and sweep go on item by item.
// What must hold: rows lost 0, duplicate issues 0, mails lost 0, duplicates 0, every due issue swept.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFailureStore } from '../../functions/adapters/failure-store.js';
import { logger } from '../../functions/adapters/logger.js';
import { memoryOpsMetrics } from '../../functions/adapters/metrics.js';
import { makeApiHandler } from '../../functions/handlers/api.js';
import { makeDispatchHandler } from '../../functions/handlers/dispatch.js';
import { makeSweepHandler } from '../../functions/handlers/sweep.js';
import { createIdentityVerifier } from '../../functions/adapters/identity.js';
import { startTestServices, type TestServices } from '../fixtures/local-services.js';
import { BASE, IND, issueValues, makeHarness, SECRET } from '../integration/api-helpers.js';
import { parseMail } from '../integration/closed-loop-helpers.js';
import { DYNAMO_THROTTLING, seeded, startFaultProxy, type FaultProxy } from './proxy.js';

let services: TestServices;
let proxy: FaultProxy;
beforeAll(async () => {
  services = await startTestServices();
  proxy = await startFaultProxy(services.dynamoEndpoint);
});
afterAll(async () => {
  await proxy?.close();
  await services?.stop();
});

const ROWS = Number(process.env.FAULT_DYNAMO_ROWS ?? 12);
/** Share of requests throttled at random; and every 1.5 s a burst of 300 ms throttling everything (outlasting the SDK's retries). */
const RATE = 0.08;
const BURST_EVERY_MS = 1_500;
const BURST_MS = 300;

describe('faults: DynamoDB throttling', () => {
  it(`${ROWS} issue rows synced, mailed and swept with ${RATE * 100}% of DynamoDB requests throttled and bursts throttling all: nothing lost, nothing twice, never a 500`, async () => {
    await services.clearMails();
    const dynamo = new DynamoDBClient({
      endpoint: proxy.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 't', secretAccessKey: 't' },
      // The SDK's standard retries (3 attempts), with short delays to keep the test quick.
      retryMode: 'standard',
      maxAttempts: 3,
    });
    const h = await makeHarness({ ...services, dynamo });
    const failures = createFailureStore({ client: dynamo, tableName: h.tableName });
    const ops = memoryOpsMetrics();
    const api = makeApiHandler({
      store: h.store,
      clock: h.clock,
      identity: createIdentityVerifier({ issuers: [{ iss: h.issuer.iss, jwks: h.issuer.jwks }], audience: h.issuer.aud }),
      config: { publicBaseUrl: BASE, actionSecrets: [SECRET], bootstrapAdmins: [] },
      metrics: ops,
    });
    const dispatch = makeDispatchHandler({ store: h.store, mailer: h.mailer, clock: h.clock, config: { publicBaseUrl: BASE, actionSecrets: [SECRET] }, failures, ops, log: logger });
    const sweep = makeSweepHandler({ store: h.store, clock: h.clock, failures, ops, log: logger, config: { leaseMs: 0 } });

    const random = seeded(7);
    const t0 = Date.now();
    const throttle = () => ((Date.now() - t0) % BURST_EVERY_MS < BURST_MS || random() < RATE ? DYNAMO_THROTTLING : null);
    proxy.setFault(throttle);

    // The add-on's way: send a batch; resend it on 5xx; resend the rows answered not_saved.
    const token = await h.issuer.issue(IND);
    let pending = Array.from({ length: ROWS }, (_, i) => ({ row: 2 + i, values: issueValues({ 问题描述: `限流测试问题 ${2 + i}` }) }));
    const statuses: number[] = [];
    for (let round = 0; pending.length > 0 && round < 30; round++) {
      const res = await api({
        version: '2.0',
        rawPath: '/v1/sync',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        requestContext: { http: { method: 'POST', path: '/v1/sync' } },
        body: JSON.stringify({ spreadsheetId: 'sheet-throttle', workClass: 'industry', kind: 'issue', rows: pending }),
        isBase64Encoded: false,
      } as never);
      statuses.push(res.statusCode ?? 0);
      if (res.statusCode !== 200) continue;
      const results = JSON.parse(String(res.body)).results as { row: number; ok: boolean; errors: { code: string }[] }[];
      for (const r of results) if (!r.ok) expect(r.errors.map((e) => e.code)).toEqual(['not_saved']);
      const retry = new Set(results.filter((r) => !r.ok).map((r) => r.row));
      pending = pending.filter((p) => retry.has(p.row));
    }
    expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
    expect(pending).toEqual([]);

    // The dispatcher every "minute", the sweep past the sign-by deadline, until nothing waits.
    let runs = 0;
    let jobErrors = 0;
    for (; runs < 40; runs++) {
      await dispatch().catch(() => jobErrors++);
      if (runs === 5) {
        h.clock.t = Date.parse('2022-06-08T00:05:00+08:00'); // past 签收时限 (1 working day)
        await sweep().catch(() => jobErrors++);
      }
      h.clock.t += 6 * 3_600_000;
      proxy.setFault(runs > 30 ? null : throttle);
      if (runs > 6 && (await h.store.listOutbox().catch(() => [1])).length === 0) break;
    }
    proxy.setFault(null);
    await sweep(); // a last run without faults: every due issue handled
    // The dispatcher drains what that sweep queued. A send that failed without any fault injected (on a
    // loaded machine the SES emulator's pooled connection can be reset: "TimeoutError/ECONNRESET", one
    // reminder left queued in a CI run) is retried after its backoff, as in production; a notification
    // that never goes stays in the outbox and fails the check below.
    let drains = 0;
    do {
      await dispatch();
      h.clock.t += 6 * 3_600_000;
    } while (++drains < 4 && (await h.store.listOutbox()).length > 0);

    const issues = (await h.store.listIssues({})).filter((i) => i.spreadsheetId === 'sheet-throttle');
    const rows = new Set(issues.map((i) => i.row));
    expect(issues).toHaveLength(ROWS); // rows lost 0, duplicate issues 0
    expect(rows.size).toBe(ROWS);
    const counts = new Map<string, number>();
    for (const m of (await services.mails()).map(parseMail)) counts.set(`${m.key}→${m.to}`, (counts.get(`${m.key}→${m.to}`) ?? 0) + 1);
    let lost = 0;
    for (const i of issues) {
      for (const to of ['gxj1@county.example', 'gxj2@county.example']) {
        if (![...counts.keys()].some((k) => k.startsWith(`${i.record.id}#assign#`) && k.endsWith(`→${to}`))) lost++;
      }
      // Every issue was swept past its sign-by deadline: reminded (the sign reminder event).
      expect(i.record.events.some((e) => e.type === 'remind' || e.type === 'overdue'), i.record.id).toBe(true);
    }
    const dups = [...counts.values()].filter((n) => n > 1).length;
    console.log(
      `| DynamoDB throttling (${RATE * 100}% + bursts) | ${ROWS} rows, ${runs} + ${drains} dispatcher runs, ${proxy.faulted.length} throttles, ${statuses.filter((s) => s === 503).length}×503, ${jobErrors} job runs failed | rows lost 0 | mails lost ${lost} | duplicates ${dups} |`,
    );
    expect(lost).toBe(0);
    expect(dups).toBe(0);
    expect(proxy.faulted.length).toBeGreaterThan(20);
    expect(await h.store.listOutbox()).toEqual([]);
  }, 120_000);
});
