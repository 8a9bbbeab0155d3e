// A poison item in each background job (dispatch, sweep, digest, bounce), injected directly into the
// store the way a bug, an older version or a hand edit would leave it. What must hold: the poison is
// recorded, counted (JobItemFailures), retried with backoff and set aside after its retries (a
// JobFailure with setAsideAt, the ItemsSetAside gauge), it never delays another item, and `redrive`
// gives it back to its job. The sweep's check is strict: a run WITH the poison reminds, marks 逾期 and
// escalates every other issue at exactly the instants a run without it does.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TEXT } from '../../domain/issues/catalog.js';
import { makeUscc } from '../../domain/rows/uscc.js';
import { createDigestStore } from '../../functions/adapters/digest-store.js';
import { createDocumentClient } from '../../functions/adapters/dynamodb-store.js';
import { createFailureStore } from '../../functions/adapters/failure-store.js';
import { logger } from '../../functions/adapters/logger.js';
import { memoryOpsMetrics } from '../../functions/adapters/metrics.js';
import { makeBounceHandler } from '../../functions/handlers/bounce.js';
import { makeDispatchHandler } from '../../functions/handlers/dispatch.js';
import { makeSweepHandler } from '../../functions/handlers/sweep.js';
import { StoreError, type Mailer, type StoredIssue } from '../../functions/ports.js';
import { retryFeedback } from '../../functions/usecases/bounce.js';
import { recipientsOf } from '../../functions/usecases/dispatch.js';
import { runScheduledDigest } from '../../functions/usecases/digest.js';
import { JOB_RETRY_DELAYS_MS, MAX_JOB_ATTEMPTS } from '../../functions/usecases/isolation.js';
import { listSetAside, redrive } from '../../functions/usecases/redrive.js';
import { startTestServices, type TestServices } from '../fixtures/local-services.js';
import { ADMIN, BASE, SECRET } from '../integration/api-helpers.js';
import { at, makeLoopHarness, type LoopHarness } from '../integration/closed-loop-helpers.js';

let services: TestServices;
beforeAll(async () => {
  services = await startTestServices();
});
afterAll(async () => {
  await services?.stop();
});

const LONGEST_BACKOFF = JOB_RETRY_DELAYS_MS[JOB_RETRY_DELAYS_MS.length - 1];

/** key → attempts of failure records (to see that nothing is tried once set aside). */
const proxyless = (fs: readonly { key: string; attempts: number }[]) => Object.fromEntries(fs.map((f) => [f.key, f.attempts]));

function jobs(h: LoopHarness) {
  const failures = createFailureStore({ client: services.dynamo, tableName: h.tableName });
  const ops = memoryOpsMetrics();
  return { failures, ops, doc: createDocumentClient(services.dynamo) };
}

/** Write an issue item as it is, without the store's checks (what a bug or a hand edit leaves). */
async function putRaw(h: LoopHarness, item: StoredIssue & Record<string, unknown>, keys: Record<string, string> = {}): Promise<void> {
  const doc = createDocumentClient(services.dynamo);
  await doc.send(new PutCommand({ TableName: h.tableName, Item: { pk: `ISSUE#${item.record.id}`, sk: 'ISSUE', type: 'issue', kindPk: 'KIND#issue', kindSk: `${item.workClass}#${item.record.id}`, ...keys, ...item } }));
}

/** An issue item grown to just under DynamoDB's 400 KB: any rewrite that adds to it is refused. */
async function growToLimit(h: LoopHarness, id: string): Promise<void> {
  const cur = (await h.store.getIssue(id))!;
  let lo = 300_000;
  let hi = 410_000;
  while (hi - lo > 64) {
    const mid = Math.floor((lo + hi) / 2);
    const probe = { ...cur, values: { ...cur.values, 附加说明: 'x'.repeat(mid) } };
    try {
      const ok = await h.store.putIssue({ ...probe, revision: (await h.store.getIssue(id))!.revision + 1 }, (await h.store.getIssue(id))!.revision);
      expect(ok).toBe(true);
      lo = mid;
    } catch (err) {
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('item_too_large');
      hi = mid;
    }
  }
  const last = (await h.store.getIssue(id))!;
  expect(String(last.values['附加说明']).length).toBe(lo);
}

describe('poison in the sweep', () => {
  it('an issue too large to rewrite and one with a broken record are set aside; every other issue is reminded, marked and escalated on time', async () => {
    // Two counties' worth of the same week: `clean` without poison, `poisoned` with it.
    const run = async (poison: boolean) => {
      const h = await makeLoopHarness(services);
      const { failures, ops } = jobs(h);
      const ids = await h.report([{}, { 问题描述: '第二个问题' }, { 问题描述: '第三个问题' }, { 问题描述: '第四个问题' }]);
      if (poison) {
        await growToLimit(h, ids[0]);
        const broken = (await h.store.getIssue(ids[1]))!;
        await putRaw(h, { ...broken, record: { ...broken.record, assignments: 'broken' as never } }, { duePk: 'DUE', dueSk: `${new Date(broken.record.createdAt).toISOString()}#${ids[1]}` });
      }
      const sweep = makeSweepHandler({ store: h.store, clock: h.clock, failures, ops, log: logger, config: { leaseMs: 0, batches: false } });
      const summaries = [];
      // Every two hours for eight days (the schedule runs every 15 minutes; fewer runs keep the test short).
      for (let t = at('2022-06-06T10:00'); t <= at('2022-06-14T10:00'); t += 2 * 3_600_000) {
        h.clock.t = t;
        summaries.push(await sweep());
      }
      return { h, ids, failures, ops, summaries };
    };
    const clean = await run(false);
    const poisoned = await run(true);
    const healthy = poisoned.ids.slice(2);
    for (const [i, id] of healthy.entries()) {
      const timeline = async (h: LoopHarness, issueId: string) =>
        (await h.store.getIssue(issueId))!.record.events.filter((e) => e.actor === 'system' && e.type !== 'stored').map((e) => `${e.type}@${new Date(e.at).toISOString()}:${e.key ?? ''}`);
      const want = await timeline(clean.h, clean.ids[2 + i]);
      expect(want.some((e) => e.startsWith('remind@'))).toBe(true);
      expect(want.some((e) => e.startsWith('overdue@'))).toBe(true);
      expect(want.some((e) => e.startsWith('escalate@'))).toBe(true);
      expect(await timeline(poisoned.h, id)).toEqual(want);
    }
    // The poison: recorded, retried after its backoff, set aside after its retries, then left alone.
    const aside = await listSetAside({ failures: poisoned.failures });
    expect(aside.map((f) => f.key).sort()).toEqual(poisoned.ids.slice(0, 2).sort());
    for (const f of aside) expect(f.attempts).toBe(MAX_JOB_ATTEMPTS);
    expect(aside.find((f) => f.key === poisoned.ids[0])!.lastError).toContain('item_too_large');
    expect(poisoned.ops.totals.JobItemFailures).toBe(2 * MAX_JOB_ATTEMPTS);
    // Tried after each backoff, never every run: of 97 runs, at most the two retry budgets failed.
    const failedRuns = poisoned.summaries.filter((s) => s.failed).length;
    expect(failedRuns).toBeGreaterThanOrEqual(MAX_JOB_ATTEMPTS);
    expect(failedRuns).toBeLessThanOrEqual(2 * MAX_JOB_ATTEMPTS);
    expect(clean.summaries.every((s) => !s.failed)).toBe(true);

    // The broken record repaired by hand, then re-driven: the next run sweeps it.
    const repaired = (await clean.h.store.getIssue(clean.ids[1]))!;
    await putRaw(poisoned.h, { ...repaired, record: { ...repaired.record, id: poisoned.ids[1] }, revision: 99 }, { duePk: 'DUE', dueSk: `2022-06-06T01:00:00.000Z#${poisoned.ids[1]}` });
    await redrive({ store: poisoned.h.store, failures: poisoned.failures, clock: poisoned.h.clock, log: logger }, aside.find((f) => f.key === poisoned.ids[1])!);
    const after = await makeSweepHandler({ store: poisoned.h.store, clock: poisoned.h.clock, failures: poisoned.failures, log: logger, config: { leaseMs: 0 } })();
    expect(after.failed).toBeUndefined();
    expect((await listSetAside({ failures: poisoned.failures })).map((f) => f.key)).toEqual([poisoned.ids[0]]);
  }, 120_000);

  it('the 401 KB note is refused at the door and stores nothing', async () => {
    const h = await makeLoopHarness(services);
    await h.report([{}]);
    const unit = (await h.deliver()).find((m) => m.to === 'gxj1@county.example')!;
    await h.post(unit.links['签收']);
    await h.post(unit.links['反馈办理结果'], { result: '已解决' });
    const enterprise = (await h.deliver()).find((m) => m.links['不满意'])!;
    const before = JSON.stringify((await h.store.listIssues({}))[0]).length;
    const res = await h.post(enterprise.links['不满意'], { note: '长'.repeat(401 * 1024) });
    expect(res.status).toBe(400);
    expect(res.text).toContain(`不能超过 ${MAX_TEXT} 字`);
    expect(JSON.stringify((await h.store.listIssues({}))[0]).length).toBe(before);
    // The same link still works with a note of an acceptable length.
    expect((await h.post(enterprise.links['不满意'], { note: '仍未解决' })).status).toBe(200);
  });
});

describe('poison in the dispatcher', () => {
  it('an unreadable notification and one that cannot be rendered are set aside; every other mail goes out in the first run', async () => {
    const h = await makeLoopHarness(services);
    const { failures, ops } = jobs(h);
    const ids = await h.report([{}, { 问题描述: '第二个问题' }, { 问题描述: '第三个问题' }]);
    const dispatch = makeDispatchHandler({ store: h.store, mailer: h.mailer, clock: h.clock, config: { publicBaseUrl: BASE, actionSecrets: [SECRET] }, failures, ops, log: logger });
    await dispatch();
    // Past 签收时限: the sweep queues an 逾期 mail per issue (its links depend on the live record).
    h.clock.t = at('2022-06-08T00:05');
    await makeSweepHandler({ store: h.store, clock: h.clock, log: logger, config: { leaseMs: 0 } })();
    const overdueKey = async (id: string) => Object.keys((await h.store.getIssue(id))!.pending).find((k) => k.includes('overdue') && !k.endsWith('#command'))!;
    const keys = await Promise.all(ids.map(overdueKey));
    // Poison 1: a notification of a template this version does not know (written by a newer one).
    const first = (await h.store.getIssue(ids[0]))!;
    const unknown = { ...first.pending[keys[0]], key: `${ids[0]}#fax#0`, template: 'fax' };
    expect(await h.store.putIssue({ ...first, pending: { ...first.pending, [unknown.key]: unknown as never }, revision: first.revision + 1 }, first.revision)).toBe(true);
    // Poison 2: an issue whose record lost its assignments: its 逾期 mail cannot be rendered.
    const second = (await h.store.getIssue(ids[1]))!;
    const recipients = recipientsOf(second.pending[keys[1]]);
    const oldest = Math.min(...Object.values(second.pending).map((n) => n.createdAt));
    await putRaw(h, { ...second, record: { ...second.record, assignments: null as never } }, { outboxPk: 'PENDING', outboxSk: `${String(oldest).padStart(15, '0')}#${ids[1]}` });

    const before = (await h.allMails()).length;
    const run1 = await dispatch();
    const sent = (await h.allMails()).slice(before);
    // Every healthy mail in the first run: the 逾期 mails of issues 1 and 3 to every recipient, and the
    // command office's copy of all three (it names the issue and needs no assignment to be rendered).
    expect(new Set(sent.map((m) => m.key))).toEqual(new Set([keys[0], keys[2], ...keys.map((k) => `${k}#command`)]));
    // The broken issue's copy went out, but its item cannot be rewritten, so the run does not count it
    // as done (its delivery record says sent: it never goes out again, checked below).
    expect(run1.sent).toBe(sent.filter((m) => !m.key.startsWith(`${ids[1]}#`)).length);
    // Retried after the backoff until set aside: the render poison per recipient (8 attempts), then as a
    // notification (its item cannot even be rewritten: 5 attempts); the unreadable one as a notification.
    for (let i = 0; i < 14; i++) {
      h.clock.t += 6 * 3_600_000 + LONGEST_BACKOFF;
      await dispatch();
    }
    expect((await h.allMails()).slice(before)).toHaveLength(sent.length); // the poison never went out, nothing twice
    const aside = await listSetAside({ failures });
    // The broken issue's command-office copy was sent but cannot be marked done: set aside as well.
    expect(aside.map((f) => f.key).sort()).toEqual([unknown.key, keys[1], `${keys[1]}#command`, ...recipients.map((r) => `${keys[1]}|${r}`)].sort());
    // The unreadable notification left the outbox; the broken issue cannot be rewritten, so it stays
    // there (the oldest-pending alarm sees it too) while it is skipped.
    expect((await h.store.listOutbox()).map((i) => i.record.id)).toEqual([ids[1]]);
    expect(Object.keys((await h.store.getIssue(ids[0]))!.setAside ?? {})).toEqual([unknown.key]);
    const attempts = proxyless(aside);
    await dispatch();
    expect(proxyless(await listSetAside({ failures }))).toEqual(attempts); // set aside: not tried again
    expect(ops.last.ItemsSetAside).toBe(aside.length);
    // Each notification (the unreadable one, the unrenderable one, the sent copy that cannot be marked)
    // failed 5 times; each delivery is recorded once, when set aside.
    expect(ops.totals.JobItemFailures).toBe(3 * MAX_JOB_ATTEMPTS + recipients.length);
    // The unreadable one re-driven: back in the outbox (it waits for a version that reads it).
    await redrive({ store: h.store, failures, clock: h.clock, log: logger }, aside.find((f) => f.key === unknown.key)!);
    expect(Object.keys((await h.store.getIssue(ids[0]))!.pending)).toEqual([unknown.key]);
  });
});

describe('a store error in the mails that are not in the issue outbox', () => {
  it('one decision\'s delivery failing on the store stops neither the other decisions\' mails nor 政策 reminders in the same run; it goes out next run', async () => {
    const h = await makeLoopHarness(services);
    const { failures, ops } = jobs(h);
    // Two inspections: each a decision whose mail goes to the command office (the decisions' outbox).
    const res = await h.sync(ADMIN, 'coordination', 'inspection', ['消防设施检查', '安全生产检查'].map((检查事项, i) => ({ row: i + 2, values: { 发起单位: 'U-CGZ', 被检查企业代码: makeUscc('91410222MA44ABCDE'), 检查事项, 检查类别: '其他', 计划日期: '2022-06-10' } })), 'sheet-insp');
    expect(res.status, res.text).toBe(200);
    const decisions = await h.store.listDecisionOutbox();
    expect(decisions).toHaveLength(2);
    const broken = Object.keys(decisions[0].pending)[0];
    await h.policies.createMail({ key: 'remind#U-FGW#2022-W23', template: 'policy_reminder', to: ['fgw@county.example'], data: { unit: 'U-FGW', unitName: '县发展改革委', week: '2022-W23', missing: ['政策清单'] }, createdAt: h.clock.now(), status: 'pending' });
    let fail = true;
    const store = {
      ...h.store,
      claimDelivery: (key: string, ...rest: Parameters<typeof h.store.claimDelivery> extends [string, ...infer R] ? R : never) => {
        if (fail && key === broken) return Promise.reject(new StoreError('unavailable', 'DynamoDB 暂时不可用'));
        return h.store.claimDelivery(key, ...rest);
      },
    };
    const dispatch = makeDispatchHandler({ store, mailer: h.mailer, clock: h.clock, config: { publicBaseUrl: BASE, actionSecrets: [SECRET] }, failures, ops, log: logger, policies: h.policies });
    const before = (await h.allMails()).length;
    const run1 = await dispatch();
    const sent = (await h.allMails()).slice(before);
    expect(sent.some((m) => m.key === broken)).toBe(false);
    expect(sent.filter((m) => m.key === Object.keys(decisions[1].pending)[0]).length).toBeGreaterThan(0);
    expect(sent.filter((m) => m.key === 'remind#U-FGW#2022-W23').map((m) => m.to)).toEqual(['fgw@county.example']);
    expect(run1.failed).toBeGreaterThan(0);
    expect(await h.policies.listPendingMail()).toEqual([]);
    expect(Object.keys((await h.store.getDecision(decisions[0].id))!.pending)).toEqual([broken]);
    fail = false;
    const run2 = await dispatch();
    const later = (await h.allMails()).slice(before + sent.length);
    expect(later.map((m) => m.key).every((k) => k === broken)).toBe(true);
    expect(later.length).toBe(run2.sent);
    expect(later.length).toBeGreaterThan(0);
    expect(await h.store.listDecisionOutbox()).toEqual([]);
  });
});

describe('poison in the digest', () => {
  it('a recipient whose mail always fails is retried every 15 minutes; from Friday 18:00 DigestLate; the others are mailed at 17:00', async () => {
    const h = await makeLoopHarness(services);
    const { failures, ops } = jobs(h);
    const unit = { row: 7, values: { 单位编码: 'U-ZHB2', 单位名称: '县四保指挥部值班室', 类型: '指挥部', 联系邮箱: 'duty@county.example' } };
    expect((await h.sync(ADMIN, 'coordination', 'unit', [unit], 'sheet-config')).status).toBe(200);
    await h.report([{}]);
    let refused = 0;
    const mailer: Mailer = {
      async send(msg) {
        if (msg.to.includes('duty@county.example')) {
          refused++;
          throw Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' });
        }
        return h.mailer.send(msg);
      },
    };
    const digests = createDigestStore({ client: services.dynamo, tableName: h.tableName });
    const digest = runScheduledDigest({ store: h.store, digests, mailer, clock: h.clock, log: logger, failures, ops, config: { countyName: '示例县', publicBaseUrl: BASE, actionSecrets: [SECRET] } });
    const statuses: string[] = [];
    for (const time of ['17:00', '17:15', '17:30', '17:45', '18:00', '18:15']) {
      h.clock.t = at(`2022-06-10T${time}`);
      const r = await digest();
      statuses.push(`${time} ${r.status} late=${r.late} DigestLate=${ops.last.DigestLate}`);
    }
    expect(statuses).toEqual([
      '17:00 incomplete late=false DigestLate=0',
      '17:15 incomplete late=false DigestLate=0',
      '17:30 incomplete late=false DigestLate=0',
      '17:45 incomplete late=false DigestLate=0',
      '18:00 incomplete late=true DigestLate=1',
      '18:15 incomplete late=true DigestLate=1',
    ]);
    const got = (await h.allMails()).filter((m) => m.subject.includes('督办督查周报'));
    expect(got.map((m) => m.to)).toEqual(['zhb@county.example']);
    // 1 min, 5 min backoff: tried at 17:00, 17:15 and 17:30 (not yet due again at 17:45 or 18:00/18:15? 30 min after 17:30 is 18:00).
    expect(refused).toBe(4);
  });

  it('a week whose digest cannot be built is recorded, retried after its backoff and set aside; the handler fails so the Errors alarm sees it', async () => {
    const h = await makeLoopHarness(services);
    const { failures, ops } = jobs(h);
    const digests = createDigestStore({ client: services.dynamo, tableName: h.tableName });
    let attempts = 0;
    const broken = {
      ...h.store,
      getProfile: async () => {
        attempts++;
        return h.store.getProfile();
      },
      listRows: async () => Promise.reject(new Error('poisoned whitelist item')),
    };
    const deps = { store: broken, digests, mailer: h.mailer, clock: h.clock, log: logger, failures, ops, config: { countyName: '示例县', publicBaseUrl: BASE, actionSecrets: [SECRET] } };
    const digest = runScheduledDigest(deps);
    const seen: string[] = [];
    for (let t = at('2022-06-10T17:00'); t <= at('2022-06-10T23:45'); t += 15 * 60_000) {
      h.clock.t = t;
      seen.push((await digest()).status);
    }
    // Attempted at 17:00, 17:15 (1 min), 17:30 (5 min), 18:00 (30 min) and 20:00 (2 h): then set aside.
    expect(attempts).toBe(MAX_JOB_ATTEMPTS);
    expect(seen.filter((s) => s === 'failed')).toHaveLength(MAX_JOB_ATTEMPTS - 1);
    expect(seen.indexOf('set_aside')).toBe(seen.lastIndexOf('failed') + seen.slice(seen.lastIndexOf('failed') + 1).indexOf('set_aside') + 1);
    expect(seen.slice(seen.indexOf('set_aside')).every((s) => s === 'set_aside')).toBe(true);
    expect(ops.last.DigestLate).toBe(1);
    expect((await listSetAside({ failures })).map((f) => f.key)).toEqual(['2022-W23']);
    // The Lambda handler throws when its week failed, so the function's Errors alarm sees it too.
    const { makeDigestHandler } = await import('../../functions/handlers/digest.js');
    await expect(makeDigestHandler(deps)({ week: '2022-W24', send: true })).rejects.toThrow(/2022-W24/);
  });
});

describe('poison in the bounce handler', () => {
  it('a damaged address record fails only its address; the failure is retried by the sweep and set aside after its retries', async () => {
    const h = await makeLoopHarness(services);
    const { failures, ops } = jobs(h);
    const digests = createDigestStore({ client: services.dynamo, tableName: h.tableName });
    await digests.putAddress({ email: 'damaged@county.example', status: 'soft', permanentBounces: 0, transientBounces: 1, complaints: 0, firstAt: 1, lastAt: 1, lastType: 'x', seen: null as never, revision: 1 }, null);
    const bounce = makeBounceHandler({ digests, failures, metrics: ops, clock: h.clock, log: logger });
    const out = await bounce({
      Records: [
        {
          Sns: {
            MessageId: 'm1',
            Timestamp: '2022-06-06T01:00:00.000Z',
            Message: JSON.stringify({
              notificationType: 'Bounce',
              bounce: { bounceType: 'Permanent', feedbackId: 'fb-1', timestamp: '2022-06-06T01:00:00.000Z', bouncedRecipients: [{ emailAddress: 'a@county.example' }, { emailAddress: 'damaged@county.example' }, { emailAddress: 'b@county.example' }] },
            }),
          },
        },
      ],
    } as never);
    expect(out).toMatchObject({ recorded: 2, failed: 1 });
    expect((await digests.getAddress('a@county.example'))?.status).toBe('bounced');
    expect((await digests.getAddress('b@county.example'))?.status).toBe('bounced');
    const retry = retryFeedback({ digests, failures, clock: h.clock, log: logger, metrics: ops });
    for (let i = 0; i < MAX_JOB_ATTEMPTS + 2; i++) {
      h.clock.t += LONGEST_BACKOFF;
      await retry();
    }
    const [aside] = await listSetAside({ failures });
    expect(aside).toMatchObject({ job: 'bounce', key: 'fb-1|damaged@county.example', subject: 'damaged@county.example', attempts: MAX_JOB_ATTEMPTS });
    // Repaired and re-driven: the next retry records it.
    await digests.putAddress({ ...(await digests.getAddress('damaged@county.example'))!, seen: [], revision: 2 }, 1);
    await redrive({ store: h.store, failures, clock: h.clock, log: logger }, aside);
    expect(await retry()).toMatchObject({ recorded: 1 });
    expect((await digests.getAddress('damaged@county.example'))?.status).toBe('bounced');
    expect(await failures.listFailures('bounce')).toEqual([]);
  });
});
