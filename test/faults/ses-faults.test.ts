// SES answering throttling and 5xx (a proxy in front of the real SES emulator, faults answered
// without forwarding): the dispatcher retries each failed recipient with backoff and goes on with the
// others. What must hold: mails lost 0, duplicates 0 (a refused send reached nobody), every other
// recipient unaffected; a recipient SES keeps refusing is set aside after its retries (out of the
// outbox, the ItemsSetAside gauge, a JobFailure) and `redrive` sends it exactly once.
import { SESClient } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFailureStore } from '../../functions/adapters/failure-store.js';
import { memoryOpsMetrics } from '../../functions/adapters/metrics.js';
import { createSesMailer } from '../../functions/adapters/ses-mailer.js';
import { makeDispatchHandler } from '../../functions/handlers/dispatch.js';
import { MAX_DELIVERY_ATTEMPTS, RETRY_DELAYS_MS } from '../../functions/usecases/deliver.js';
import { listSetAside, redrive } from '../../functions/usecases/redrive.js';
import { dashboardModel } from '../../functions/usecases/dashboard.js';
import { renderDashboardHtml } from '../../domain/reports/dashboard-render.js';
import { logger } from '../../functions/adapters/logger.js';
import { startTestServices, type TestServices } from '../fixtures/local-services.js';
import { BASE, IND, issueValues, makeHarness, SECRET, type Harness } from '../integration/api-helpers.js';
import { parseMail } from '../integration/closed-loop-helpers.js';
import { SES_THROTTLING, SES_UNAVAILABLE, seeded, sesAction, startFaultProxy, type FaultProxy } from './proxy.js';

let services: TestServices;
let proxy: FaultProxy;
beforeAll(async () => {
  services = await startTestServices();
  proxy = await startFaultProxy(services.sesEndpoint);
});
afterAll(async () => {
  await proxy?.close();
  await services?.stop();
});

const ISSUES = Number(process.env.FAULT_SES_ISSUES ?? 15);

function setUp(h: Harness) {
  const ses = new SESClient({ endpoint: proxy.url, region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 1 });
  const failures = createFailureStore({ client: services.dynamo, tableName: h.tableName });
  const ops = memoryOpsMetrics();
  const dispatch = makeDispatchHandler({
    store: h.store,
    mailer: createSesMailer({ client: ses, from: 'noreply@county.example' }),
    clock: h.clock,
    config: { publicBaseUrl: BASE, actionSecrets: [SECRET], concurrency: 4 },
    failures,
    ops,
    log: logger,
  });
  return { dispatch, failures, ops };
}

/** Report `n` issues; the answer maps each issue id to the key of its assignment mail. */
async function report(h: Harness, n: number, first = 2): Promise<Map<string, string>> {
  const rows = Array.from({ length: n }, (_, i) => ({ row: first + i, values: issueValues({ 问题描述: `故障测试问题 ${first + i}` }) }));
  const res = await h.sync(IND, 'industry', 'issue', rows);
  expect(res.status).toBe(200);
  const out = new Map<string, string>();
  for (const { id } of res.json.results as { id: string }[]) {
    const keys = Object.keys((await h.store.getIssue(id))!.pending);
    expect(keys).toHaveLength(1);
    out.set(id, keys[0]);
  }
  return out;
}

/** (notification key → recipient) counts of what the emulator holds. */
async function received(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const m of (await services.mails()).map(parseMail)) counts.set(`${m.key}→${m.to}`, (counts.get(`${m.key}→${m.to}`) ?? 0) + 1);
  return counts;
}

describe('faults: SES throttling and 5xx', () => {
  it(`${ISSUES} issues, 30% of sends throttled or 503: every mail arrives once, none twice`, async () => {
    await services.clearMails();
    const h = await makeHarness(services);
    const { dispatch } = setUp(h);
    const keys = await report(h, ISSUES);
    const random = seeded(12);
    proxy.setFault((req) => (sesAction(req) === 'SendEmail' && random() < 0.3 ? (random() < 0.5 ? SES_THROTTLING : SES_UNAVAILABLE) : null));
    let runs = 0;
    while ((await h.store.listOutbox()).length > 0 && runs < 40) {
      await dispatch();
      runs++;
      h.clock.t += RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1]; // past any backoff
    }
    proxy.setFault(null);
    expect(proxy.faulted.length).toBeGreaterThan(0);
    const got = await received();
    // Each issue mails its two unit addresses: lost 0, duplicates 0.
    const want = [...keys.values()].flatMap((key) => ['gxj1@county.example', 'gxj2@county.example'].map((to) => `${key}→${to}`));
    const lost = want.filter((k) => !got.has(k));
    const dups = [...got.values()].filter((n) => n > 1).length;
    console.log(`| SES throttling + 503 (30%) | ${runs} dispatcher runs, ${proxy.faulted.length} faults | rows lost 0 | mails lost ${lost.length} | duplicates ${dups} |`);
    expect(lost).toEqual([]);
    expect(dups).toBe(0);
    expect(await h.store.listOutbox()).toEqual([]);
  });

  it('a recipient SES always refuses is set aside after its retries while the others are mailed; redrive sends it once', async () => {
    await services.clearMails();
    const h = await makeHarness(services);
    const { dispatch, failures, ops } = setUp(h);
    const keys = await report(h, 3);
    const ids = [...keys.keys()];
    const faultedBefore = proxy.faulted.length;
    proxy.setFault((req) => (sesAction(req) === 'SendEmail' && req.body.toString().includes(encodeURIComponent('gxj2@county.example')) ? SES_UNAVAILABLE : null));
    for (let run = 0; run < MAX_DELIVERY_ATTEMPTS + 2; run++) {
      await dispatch();
      h.clock.t += RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1];
    }
    // The other recipient got every mail at the first run; the refused one is set aside, not retried.
    const got = await received();
    for (const [id, key] of keys) {
      expect(got.get(`${key}→gxj1@county.example`)).toBe(1);
      expect(got.has(`${key}→gxj2@county.example`)).toBe(false);
      expect(await h.store.getDelivery(key, 'gxj2@county.example')).toMatchObject({ status: 'set_aside', attempts: MAX_DELIVERY_ATTEMPTS });
      const issue = (await h.store.getIssue(id))!;
      expect(Object.keys(issue.pending)).toEqual([]);
      expect(Object.keys(issue.setAside ?? {})).toEqual([key]);
    }
    const attempts = proxy.faulted.length - faultedBefore;
    expect(attempts).toBe(ids.length * MAX_DELIVERY_ATTEMPTS);
    await dispatch();
    expect(proxy.faulted.length - faultedBefore).toBe(attempts); // no automatic retry once set aside
    expect(await h.store.listOutbox()).toEqual([]); // out of the outbox (and of its age alarm)
    const aside = await listSetAside({ failures });
    expect(aside.map((f) => f.key).sort()).toEqual([...keys.values()].map((key) => `${key}|gxj2@county.example`).sort());
    expect(ops.last.ItemsSetAside).toBe(ids.length);
    expect(ops.totals.JobItemFailures).toBe(ids.length);
    // A line on the command office's dashboard names them until they are re-driven.
    const page = async () =>
      renderDashboardHtml(await dashboardModel({ store: h.store, digests: h.digests, getProfile: async () => (await h.store.getProfile())?.profile ?? null, failures }, h.clock.now()));
    const withLine = await page();
    expect(withLine).toContain(`后台任务搁置 ${ids.length} 项`);
    for (const id of ids) expect(withLine).toContain(`发信「${id} → gxj2@county.example」`);
    expect(withLine).toContain('sibao redrive');

    // Fixed: re-drive them all; the next run sends each once.
    proxy.setFault(null);
    for (const f of aside) await redrive({ store: h.store, failures, clock: h.clock, log: logger }, f);
    expect((await h.store.listOutbox()).length).toBe(ids.length);
    await dispatch();
    const after = await received();
    for (const key of keys.values()) expect(after.get(`${key}→gxj2@county.example`)).toBe(1);
    expect(await listSetAside({ failures })).toEqual([]);
    expect(ops.last.ItemsSetAside).toBe(0);
    expect(await page()).not.toContain('后台任务搁置');
    expect(await h.store.listOutbox()).toEqual([]);
  });
});
