// The dispatcher under load (issue 16, SPEC §7.6): bounded concurrency under a configured send rate.
//
// dynalite and the SES emulator each run as their own process (as DynamoDB and SES are services
// elsewhere); this process runs only the dispatcher, with the stack's own client settings. Measured
// twice: against the emulator as it is (on this machine a send is CPU, not waiting: concurrency can
// only overlap the two cores), and behind a proxy process adding SES_RTT_MS (default 25 ms) to every
// SES call, the round trip a Lambda sees to SES — what the dispatcher's concurrency exists for.
//   baseline: the emulator's raw sequential-send floor — one SendEmail after another with the same
//             SES client and a real rendered notification, after a warm-up: R_seq mails/s;
//   for reference (no target): the same raw sends with C in flight and no store — what C in flight
//             can reach at all on this machine (with 2 cores and a CPU-bound emulator, well below C ×);
//             the first-send claims alone with C in flight and no SES; claim-then-send with C in
//             flight and nothing else (the least a dispatcher that claims each recipient before its
//             mail does, SPEC §6 without transactions); and raw SESv2 bulk sends, 50 mails a
//             request (what a bulk-sending dispatcher could reach; not built, README);
//   A. 2,000 mails (1,000 issues, 2 recipients each, routed and stored by the sync use case) sent by
//      the dispatcher with concurrency C (DISPATCH_CONCURRENCY, default 4) and no rate limit, timed
//      from the first run to an empty outbox: R_A. Target R_A ≥ 0.5 × R_seq × C. Every mail arrives
//      once (checked in the emulator's store);
//   B. the same with a configured maximum send rate below what A reached (SES's quota): the send
//      starts (timestamped where the SES request is made) never exceed the rate in any one-second
//      window, and the rate is used in steady state: from the first second's last send to the last
//      send, the least time the rate allows ((n − rate) / rate s) is ≥ 0.9 of the time taken;
//   C. 300 reminders (mail items not about an issue, as a 政策推送 fan-out is): sent one at a time, as
//      the dispatcher sent them before, against the dispatcher now (its places and rate);
//   the at-least-once window: for every mail of A, the time from SES's answer to the `sent` mark
//      landing (a crash inside it is what can send a mail twice): p50, p99, max.
// A missed target is printed (✗), not an exit code; the bench fails only when a mail is lost or sent twice.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SendEmailCommand } from '@aws-sdk/client-ses';
import { createStore, ensureTable } from '../functions/adapters/dynamodb-store.js';
import { createPolicyStore } from '../functions/adapters/policy-store.js';
import { logger } from '../functions/adapters/logger.js';
import { createSesMailer } from '../functions/adapters/ses-mailer.js';
import { makeDispatchHandler } from '../functions/handlers/dispatch.js';
import type { Mailer, Store } from '../functions/ports.js';
import { DEFAULT_DISPATCH_CONCURRENCY } from '../functions/usecases/dispatch.js';
import { syncRows } from '../functions/usecases/sync.js';
import { deliverMail } from '../functions/usecases/policy-push.js';
import { parseNotification } from '../domain/issues/catalog.js';
import { renderNotification } from '../domain/reports/mail-templates.js';
import { makeUscc } from '../domain/rows/uscc.js';
import { localDynamoClient, localSesClient } from '../local/services.js';
import { BENCH_CONFIG, freePort } from './synthetic.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
logger.setLogLevel('SILENT');

const ISSUES = Number(process.env.BENCH_DISPATCH_ISSUES ?? 1_000);
const CONCURRENCY = Number(process.env.DISPATCH_CONCURRENCY ?? DEFAULT_DISPATCH_CONCURRENCY);
const SEQ_MAILS = 400;
const C_MAILS = 300;
const CLAIMS = 2_000;
const RTT_MS = Number(process.env.SES_RTT_MS ?? 25);

/** A proxy process that forwards to `target` after `delayMs` (the network round trip). */
const DELAY_PROXY = (port: number, target: number, delayMs: number) => `
const http = require('http');
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => setTimeout(() => {
    const up = http.request({ host: '127.0.0.1', port: ${target}, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.end(Buffer.concat(chunks));
  }, ${delayMs}));
}).listen(${port}, '127.0.0.1');`;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const T0 = Date.parse('2022-06-06T09:00:00+08:00');
const clock = { t: T0, now() { return this.t; } };
const BASE = 'http://127.0.0.1:8787';
const SECRET = 'bench-dispatch-secret-0123456789abcdef-0123';


async function child(args: string[], url: string): Promise<ChildProcess> {
  const p = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url);
      return p;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`service did not start: ${args.join(' ')}`);
}

const TABS = {
  ...BENCH_CONFIG,
  routing_rule: [{ row: 2, values: { 优先级: 1, 问题类别: '原料采购', 责任单位: 'U-GXJ' } }],
} as const;

async function seed(store: Store, n: number, sheet: string): Promise<void> {
  let profile = (await store.getProfile())?.profile ?? null;
  if (!profile) {
    for (const [kind, rows] of Object.entries(TABS)) {
      const res = await syncRows({ store, clock }, { email: 'admin@county.example', profile: null }, { spreadsheetId: 'config', workClass: 'coordination', kind: kind as never, rows: rows as never });
      profile = res.profile?.profile ?? profile;
    }
  }
  const code = makeUscc('91410222MA44ABCDE');
  for (let i = 0; i < n; i += 500) {
    const rows = Array.from({ length: Math.min(500, n - i) }, (_, k) => ({
      row: 2 + i + k,
      values: { 反映企业代码: code, 企业名称: '示例机械有限公司', 所属领域: '工业生产', 所在乡镇: '城关镇', 问题类别: '原料采购', 问题描述: `基准测试问题 ${sheet} ${i + k}`, 反映日期: '2022-06-06', 联系人: '企业办公室', 联系电话: '13800000000' },
    }));
    const res = await syncRows({ store, clock }, { email: 'ind@county.example', profile }, { spreadsheetId: sheet, workClass: 'industry', kind: 'issue', rows });
    if (res.results.some((r) => !r.ok)) throw new Error(`seed failed: ${JSON.stringify(res.results.find((r) => !r.ok))}`);
  }
}

/**
 * One SESv2 SendBulkEmail of 50 copies of `mail` (inline template whose data is the rendered mail),
 * straight to the emulator (it wants an Authorization header, not a valid signature). Mails accepted.
 */
async function sendBulk(endpoint: string, batch: number, mail: { subject: string; html: string; text: string }): Promise<number> {
  const data = JSON.stringify({ s: mail.subject, h: mail.html, t: mail.text });
  const body = JSON.stringify({
    FromEmailAddress: 'noreply@county.example',
    DefaultContent: { Template: { TemplateContent: { Subject: '{{s}}', Html: '{{{h}}}', Text: '{{{t}}}' } } },
    BulkEmailEntries: Array.from({ length: 50 }, (_, j) => ({ Destination: { ToAddresses: [`bulk${batch}-${j}@county.example`] }, ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: data } } })),
  });
  const res = await fetch(`${endpoint}/v2/email/outbound-bulk-emails`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'AWS4-HMAC-SHA256 Credential=bench/20220606/us-east-1/ses/aws4_request, SignedHeaders=host, Signature=bench' },
    body,
  });
  const out = (await res.json()) as { BulkEmailEntryResults?: { Status: string }[] };
  return (out.BulkEmailEntryResults ?? []).filter((e) => e.Status === 'SUCCESS').length;
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];


async function measure(dynamo: ReturnType<typeof localDynamoClient>, sesEndpoint: string, storeUrl: string, rtt: number, name: () => string): Promise<string[]> {
  const ses = localSesClient(sesEndpoint);
  const inner = createSesMailer({ client: ses, from: 'noreply@county.example' });
  const clear = () => fetch(`${storeUrl}/clear-store`, { method: 'POST' });
  const stored = async () => ((await (await fetch(`${storeUrl}/store`)).json()) as { emails: { destination: { to: string[] }; body: { text?: string } }[] }).emails;

  // A real notification, rendered, for the baseline's message.
  const probeTable = name();
  await ensureTable(dynamo, probeTable);
  const probeStore = createStore({ client: dynamo, tableName: probeTable });
  await seed(probeStore, 1, 'probe');
  const [probe] = await probeStore.listOutbox();
  const n = Object.values(probe.pending)[0];
  const parsed = parseNotification(n);
  if (!parsed.ok) throw new Error('probe notification unreadable');
  const mail = renderNotification(parsed.notification, { record: probe.record, link: (id) => `${BASE}/a/${id}.${'x'.repeat(120)}` });

  // Baseline: the raw sequential floor.
  for (let i = 0; i < 100; i++) await ses.send(new SendEmailCommand({ Source: 'noreply@county.example', Destination: { ToAddresses: [`warm${i}@county.example`] }, Message: { Subject: { Data: mail.subject }, Body: { Html: { Data: mail.html }, Text: { Data: mail.text } } } }));
  await clear();
  let t = performance.now();
  for (let i = 0; i < SEQ_MAILS; i++) await inner.send({ to: [`seq${i}@county.example`], subject: mail.subject, html: mail.html, text: mail.text });
  const rSeq = SEQ_MAILS / ((performance.now() - t) / 1000);
  await clear();
  // Not a target: the same raw sends with C in flight and no store at all, the most any dispatcher
  // can reach on this machine (where a send is CPU, C in flight cannot run C times as fast).
  let nextPar = 0;
  t = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (nextPar < SEQ_MAILS) await inner.send({ to: [`par${nextPar++}@county.example`], subject: mail.subject, html: mail.html, text: mail.text });
  }));
  const rPar = SEQ_MAILS / ((performance.now() - t) / 1000);
  await clear();
  // Not a target either: the claims alone, C in flight, no SES — the first-send claim every
  // recipient needs before its mail (one conditional write each, SPEC §6 without transactions).
  const claimTable = name();
  await ensureTable(dynamo, claimTable);
  const claimStore = createStore({ client: dynamo, tableName: claimTable });
  let nextClaim = 0;
  t = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (nextClaim < CLAIMS) await claimStore.claimDelivery(`N-bench-${nextClaim++}`, 'claim@county.example', T0, 60_000);
  }));
  const rClaims = CLAIMS / ((performance.now() - t) / 1000);
  // The least a claiming dispatcher does per mail: claim, then send (no outbox, render or marks).
  let nextBoth = 0;
  t = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (nextBoth < SEQ_MAILS) {
      const i = nextBoth++;
      await claimStore.claimDelivery(`N-both-${i}`, 'claim@county.example', T0, 60_000);
      await inner.send({ to: [`both${i}@county.example`], subject: mail.subject, html: mail.html, text: mail.text });
    }
  }));
  const rBoth = SEQ_MAILS / ((performance.now() - t) / 1000);
  await clear();
  // And what SES's bulk call would give (SESv2 SendBulkEmail, 50 mails per request, same mail as
  // template data): not used by the dispatcher (README "Dispatch throughput").
  let bulkSent = 0;
  t = performance.now();
  for (let b = 0; b < SEQ_MAILS / 50; b++) bulkSent += await sendBulk(sesEndpoint, b, mail);
  const rBulk = bulkSent / ((performance.now() - t) / 1000);
  await clear();

  // A. 2,000 mails, concurrency C, no rate limit; the at-least-once window per mail.
  const tableA = name();
  await ensureTable(dynamo, tableA);
  const baseStore = createStore({ client: dynamo, tableName: tableA });
  await seed(baseStore, ISSUES, 'a');
  // The window of each mail: its mark's landing minus SES's answer, paired by message id.
  const answered = new Map<string, number>();
  const gaps: number[] = [];
  const timedMailer: Mailer = {
    async send(msg) {
      const r = await inner.send(msg);
      answered.set(r.messageId, performance.now());
      return r;
    },
  };
  const store: Store = {
    ...baseStore,
    async markDeliverySent(key, to, id, now) {
      await baseStore.markDeliverySent(key, to, id, now);
      gaps.push(performance.now() - answered.get(id)!);
    },
    async markDeliveriesSent(marks) {
      await baseStore.markDeliveriesSent(marks);
      const landed = performance.now();
      for (const m of marks) gaps.push(landed - answered.get(m.messageId)!);
    },
  };
  const dispatchA = makeDispatchHandler({ store, mailer: timedMailer, clock, config: { publicBaseUrl: BASE, actionSecrets: [SECRET], concurrency: CONCURRENCY } });
  const mails = ISSUES * 2;
  t = performance.now();
  let runs = 0;
  while ((await baseStore.listOutbox()).length > 0 && runs < 20) {
    await dispatchA();
    runs++;
  }
  const rA = mails / ((performance.now() - t) / 1000);
  const got = await stored();
  const perRecipient = new Map<string, number>();
  for (const m of got) {
    const key = `${/^通知编号：(\S+)$/m.exec(m.body.text ?? '')?.[1]}→${m.destination.to[0]}`;
    perRecipient.set(key, (perRecipient.get(key) ?? 0) + 1);
  }
  const twice = [...perRecipient.values()].filter((c) => c > 1).length;
  const lost = mails - perRecipient.size;
  await clear();

  // B. Under a configured send rate below what A reached.
  const cap = Math.max(5, Math.floor(rA * 0.5 / 10) * 10);
  const bMails = Math.min(mails, cap * 6);
  const tableB = name();
  await ensureTable(dynamo, tableB);
  const storeB = createStore({ client: dynamo, tableName: tableB });
  await seed(storeB, bMails / 2, 'b');
  const starts: number[] = [];
  const stamped: Mailer = {
    async send(msg) {
      starts.push(performance.now());
      return inner.send(msg);
    },
  };
  const dispatchB = makeDispatchHandler({ store: storeB, mailer: stamped, clock, config: { publicBaseUrl: BASE, actionSecrets: [SECRET], concurrency: CONCURRENCY, maxSendRate: cap } });
  t = performance.now();
  runs = 0;
  while ((await storeB.listOutbox()).length > 0 && runs < 20) {
    await dispatchB();
    runs++;
  }
  // The rate used in steady state: `cap` starts in any second, so the start `cap` after another is at
  // least a second after it; from the last start of the first second to the last start, the least
  // time is (n − cap) / cap s (what happens before the first second's last start — the outbox read,
  // how fast its burst goes out — and the marks after the last start are not the limiter's).
  const tookB = (starts.at(-1)! - starts[cap - 1]) / 1000;
  const leastB = (starts.length - cap) / cap;
  let maxInWindow = 0;
  for (let i = 0, j = 0; i < starts.length; i++) {
    while (starts[i] - starts[j] >= 1000) j++;
    maxInWindow = Math.max(maxInWindow, i - j + 1);
  }

  // C. Mail items that are not about an issue (政策推送 fan-out, reminders): one at a time, as the
  // dispatcher sent them before (deliverMail on its own), against the dispatcher (its places).
  const tableC = name();
  await ensureTable(dynamo, tableC);
  const storeC = createStore({ client: dynamo, tableName: tableC });
  const policiesC = createPolicyStore({ client: dynamo, tableName: tableC });
  const createReminders = async (tag: string) => {
    for (let i = 0; i < C_MAILS; i++) {
      await policiesC.createMail({ key: `remind#${tag}${i}#2022-W23`, template: 'policy_reminder', to: [`${tag}${i}@county.example`], data: { unit: `U-${tag}${i}`, unitName: `单位${i}`, week: '2022-W23', missing: ['政策清单'] }, createdAt: clock.now(), status: 'pending' });
    }
  };
  await createReminders('one');
  t = performance.now();
  await deliverMail({ store: storeC, mailer: inner, clock, policies: policiesC, config: { publicBaseUrl: BASE, actionSecrets: [SECRET] } });
  const rOne = C_MAILS / ((performance.now() - t) / 1000);
  await createReminders('dsp');
  const dispatchC = makeDispatchHandler({ store: storeC, mailer: inner, clock, config: { publicBaseUrl: BASE, actionSecrets: [SECRET], concurrency: CONCURRENCY }, policies: policiesC });
  t = performance.now();
  await dispatchC();
  const rC = C_MAILS / ((performance.now() - t) / 1000);
  const leftC = (await policiesC.listPendingMail()).length;
  await clear();

  const ratio = rA / (rSeq * CONCURRENCY);
  const ok = (b: boolean) => (b ? '✓' : '✗');
  const where = rtt ? `SES emulator + ${rtt} ms round trip` : 'SES emulator as it is (CPU-bound here)';
  if (lost !== 0 || twice !== 0) process.exitCode = 1;
  ses.destroy();
  return [
    `--- ${where}`,
    `baseline: raw sequential-send floor  ${rSeq.toFixed(0)} mails/s`,
    `   (not a target) raw sends, ${CONCURRENCY} in flight, no store  ${rPar.toFixed(0)} mails/s = ${(rPar / rSeq).toFixed(2)} × floor: the ceiling of any dispatcher here; A / that = ${(rA / rPar).toFixed(2)}`,
    `   (not a target) claims alone, ${CONCURRENCY} in flight, no SES  ${rClaims.toFixed(0)} claims/s`,
    `   (not a target) claim then send, ${CONCURRENCY} in flight, nothing else (no outbox, render or marks)  ${rBoth.toFixed(0)} mails/s = ${(rBoth / (rSeq * CONCURRENCY)).toFixed(2)} × (floor × ${CONCURRENCY}): the ceiling of a dispatcher that claims each recipient; A / that = ${(rA / rBoth).toFixed(2)}`,
    `   (not a target, not used) raw SES bulk sends (SESv2 SendBulkEmail, 50 per request), one at a time  ${rBulk.toFixed(0)} mails/s = ${(rBulk / rSeq).toFixed(1)} × floor`,
    `A. dispatch of ${mails} mails, concurrency ${CONCURRENCY}, no rate limit  ${rA.toFixed(0)} mails/s  (${runs} run)`,
    `   A / (floor × ${CONCURRENCY}) = ${ratio.toFixed(2)}  (target ≥ 0.5) ${ok(ratio >= 0.5)};  A / floor = ${(rA / rSeq).toFixed(2)}`,
    `   every mail once: lost ${lost}, sent twice ${twice} ${ok(lost === 0 && twice === 0)}`,
    `   at-least-once window (SES answer → sent mark): p50 ${quantile(gaps, 0.5).toFixed(1)} ms, p99 ${quantile(gaps, 0.99).toFixed(1)} ms, max ${Math.max(...gaps).toFixed(1)} ms`,
    `C. ${C_MAILS} reminders (mail items, not about an issue): one at a time ${rOne.toFixed(0)} mails/s, the dispatcher ${rC.toFixed(0)} mails/s = ${(rC / rOne).toFixed(2)}×${leftC ? `; ✗ ${leftC} left pending` : ''}`,
    `B. ${bMails} mails under a configured rate of ${cap}/s: from the first second's last send to the last ${tookB.toFixed(2)} s (the rate allows ${leastB.toFixed(2)} s at least: ${(leastB / tookB).toFixed(2)} of it used), at most ${maxInWindow} sends started in any one second ${ok(maxInWindow <= cap)} never above; ${ok(leastB / tookB >= 0.9)} uses ≥ 0.9 of it`,
  ];
}

async function main(): Promise<void> {
  const dynamoPort = await freePort();
  let sesPort = await freePort();
  while (sesPort === dynamoPort) sesPort = await freePort();
  const children: ChildProcess[] = [];
  try {
    children.push(
      await child(['-e', `require('dynalite')({createTableMs:0,deleteTableMs:0,updateTableMs:0}).listen(${dynamoPort},'127.0.0.1')`], `http://127.0.0.1:${dynamoPort}`),
      await child([join(root, 'node_modules/aws-ses-v2-local/dist/cli.js'), '--host', '127.0.0.1', '--port', String(sesPort)], `http://127.0.0.1:${sesPort}/store`),
    );
    const dynamo = localDynamoClient(`http://127.0.0.1:${dynamoPort}`);
    const store = `http://127.0.0.1:${sesPort}`;
    let table = 0;
    const results: string[] = [];
    for (const rtt of [0, RTT_MS]) {
      let endpoint = store;
      if (rtt > 0) {
        const proxyPort = await freePort();
        children.push(await child(['-e', DELAY_PROXY(proxyPort, sesPort, rtt)], `http://127.0.0.1:${proxyPort}/store`));
        endpoint = `http://127.0.0.1:${proxyPort}`;
      }
      results.push(...(await measure(dynamo, endpoint, store, rtt, () => `bench-${++table}`)));
    }
    for (const line of results) console.log(line);
    dynamo.destroy();
  } finally {
    for (const c of children) c.kill();
  }
}

await main();
