// The enterprise page `/e/{token}` reads only its enterprise's issues (issue 16), on the real dynalite:
// pointer items ENTISSUE#<code> written by Store.putIssue, read by listIssuesOfEnterprise, and the
// one-time backfill of a store written before them (usecases/enterprise-index.ts), run by the sweep,
// never by the page: until its marker exists the page reads its enterprise's issues filtered by the
// database from all issues (correct, answering only its own). The page's store runs on its own
// DynamoDB client whose middleware counts the issue items DynamoDB answers with, so a page that read
// every issue (listIssues({})) would fail here. Faults (a pointer write that fails, a backfill that
// fails) are answered by the fault proxy in front of dynalite (test/faults/proxy.ts).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUscc } from '../../domain/rows/uscc.js';
import { createStore } from '../../functions/adapters/dynamodb-store.js';
import { makePagesHandler } from '../../functions/handlers/pages.js';
import { makeSweepHandler } from '../../functions/handlers/sweep.js';
import type { Log, StoredIssue } from '../../functions/ports.js';
import { backfillEnterpriseIndex, ENTERPRISE_INDEX } from '../../functions/usecases/enterprise-index.js';
import { unroutedRecord } from '../../functions/usecases/sync.js';
import { enterpriseLink } from '../../functions/usecases/link-token.js';
import { useTestServices } from '../fixtures/local-services.js';
import { DYNAMO_THROTTLING, startFaultProxy, type FaultProxy, type ProxiedRequest } from '../faults/proxy.js';
import { BASE, IND, issueValues, makeHarness, pageCaller, SECRET, storedIssue, T0, type Harness } from './api-helpers.js';

const services = useTestServices();
let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy(services.dynamoEndpoint);
});
afterAll(async () => {
  await proxy?.close();
});

const A = makeUscc('91410222MA44AAAAA');
const B = makeUscc('91410222MA44BBBBB');
const C = makeUscc('91410222MA44CCCCC');
const MAIL = { [A]: 'a@enterprise.example', [B]: 'b@enterprise.example' } as Record<string, string>;

const whitelistRow = (row: number, code: string, name: string) => ({
  row,
  values: { 统一社会信用代码: code, 名称: name, 所属领域: '工业生产', 所在乡镇: '城关镇', '产值或投资额（万元）': 800, 员工人数: 50, 状态: '已纳入', 纳入日期: '2022-06-06', 联系人: '企业办公室', 联系电话: '13800000000', 联系邮箱: MAIL[code] },
});

/** Issue items in a DynamoDB answer (Query Items, BatchGetItem Responses, GetItem Item), marshalled or not. */
function issueItemsIn(output: Record<string, unknown>): number {
  const items: unknown[] = [...((output.Items as unknown[]) ?? []), ...Object.values((output.Responses as Record<string, unknown[]>) ?? {}).flat(), ...(output.Item ? [output.Item] : [])];
  return items.filter((i) => {
    const t = (i as { type?: unknown }).type;
    return t === 'issue' || (t as { S?: string } | undefined)?.S === 'issue';
  }).length;
}

/** Another container's DynamoDB client (through `endpoint`, default dynalite itself), counting the issue items DynamoDB answered with. */
function countingClient(endpoint = services.dynamoEndpoint) {
  // One attempt: a fault the proxy answers is the request's failure (no SDK retry hides it).
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  let count = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      const res = await next(args);
      count += issueItemsIn(res.output as unknown as Record<string, unknown>);
      return res;
    },
    { step: 'initialize', name: 'countIssueItems' },
  );
  return {
    client,
    /** Issue items DynamoDB answered with since the last call. */
    read() {
      const n = count;
      count = 0;
      return n;
    },
  };
}

/**
 * A pages handler (another container: its own store, caches and marker check) on a DynamoDB client
 * of its own; `read()` answers the issue items DynamoDB returned to it since the last call.
 */
function pagesOn(h: Harness, endpoint?: string) {
  const c = countingClient(endpoint);
  const store = createStore({ client: c.client, tableName: h.tableName });
  const page = pageCaller(makePagesHandler({ store, policies: h.policies, clock: h.clock, config: { actionSecrets: [SECRET] } }));
  return { store, page, read: c.read };
}

/** The log lines of a job, by level. */
function logLines() {
  const lines: { level: string; message: string }[] = [];
  const log: Log = {
    info: (message) => lines.push({ level: 'info', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
  };
  return { log, lines };
}

/**
 * The sweep as the scheduler runs it in another container (its own client and store, no lease).
 * Without common-problem batches: the issues here (one category, unrouted ones among them) would
 * make one, which is another test's subject.
 */
function sweepOn(h: Harness, endpoint?: string) {
  const c = countingClient(endpoint);
  const { log, lines } = logLines();
  const store = createStore({ client: c.client, tableName: h.tableName });
  return { run: makeSweepHandler({ store, clock: h.clock, log, config: { leaseMs: 0, batches: false } }), store, lines, read: c.read };
}

/** Every item of the harness's table. */
async function scanAll(h: Harness): Promise<Record<string, unknown>[]> {
  const doc = DynamoDBDocumentClient.from(services.dynamo);
  const all: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await doc.send(new ScanCommand({ TableName: h.tableName, ExclusiveStartKey: start }));
    all.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return all;
}

/** The table as a store written before this release: no pointer items, no pointer attributes on issue items, no marker. Answers the pointers removed. */
async function asBeforeTheIndex(h: Harness): Promise<number> {
  const doc = DynamoDBDocumentClient.from(services.dynamo);
  let pointers = 0;
  for (const item of await scanAll(h)) {
    if (String(item.pk).startsWith('ENTISSUE#') || String(item.pk).startsWith('MIGRATION#enterprise-index')) {
      await doc.send(new DeleteCommand({ TableName: h.tableName, Key: { pk: item.pk, sk: item.sk } }));
      if (String(item.pk).startsWith('ENTISSUE#')) pointers++;
    } else if (item.type === 'issue') {
      const { entPk: _p, entSk: _s, ...old } = item;
      await doc.send(new PutCommand({ TableName: h.tableName, Item: old }));
    }
  }
  return pointers;
}

const pointerCount = async (h: Harness) => (await scanAll(h)).filter((i) => String(i.pk).startsWith('ENTISSUE#')).length;

/** A DynamoDB request's operation (X-Amz-Target `DynamoDB_20120810.PutItem` → `PutItem`). */
const operation = (req: ProxiedRequest) => String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';

/** A BatchWriteItem putting pointer items (the backfill's writes). */
function batchWritesPointers(req: ProxiedRequest): boolean {
  if (operation(req) !== 'BatchWriteItem') return false;
  const body = JSON.parse(req.body.toString('utf8')) as { RequestItems: Record<string, { PutRequest?: { Item: { pk: { S: string } } } }[]> };
  return Object.values(body.RequestItems).some((reqs) => reqs.some((r) => r.PutRequest?.Item.pk.S.startsWith('ENTISSUE#')));
}

/** A day later: the page's count of today's reports (listRecentIssues of the day) reads none of the issues below. */
const NEXT_DAY = T0 + 86_400_000;

const link = (h: Harness, code: string) => enterpriseLink(BASE, code, MAIL[code], [SECRET], h.clock.now());

/** The 编号 an enterprise page lists, in its order, and the count it states. */
function listed(html: string): { ids: string[]; count: number } {
  return { ids: [...html.matchAll(/<h3[^>]*>(WT-\d{8}-\d{3}[A-Z]?) · /g)].map((m) => m[1]), count: Number(/已反映的问题（(\d+)）/.exec(html)![1]) };
}

/** Issues of another enterprise written straight through the store (as seeds and the benches do): what the page must not read. */
async function otherIssues(h: Harness, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const record = unroutedRecord(`WT-20220601-${String(i + 1).padStart(3, '0')}`, { ...baseIssue(C), description: `其他企业的问题 ${i}` }, T0 - 86_400_000, []);
    expect(await h.store.putIssue(storedIssue(record, 100 + i), null)).toBe(true);
  }
}

function baseIssue(code: string): StoredIssue['record']['issue'] {
  return { enterpriseCode: code, enterpriseName: '其他企业', sector: '工业生产', locality: '城关镇', category: '原料采购', description: '', urgency: '一般', beyondScope: false, major: false, reportedOn: '2022-06-01' };
}

async function synced(h: Harness, rows: { row: number; values: Record<string, unknown>; version?: number }[]): Promise<{ id: string; version: number }[]> {
  const res = await h.sync(IND, 'industry', 'issue', rows);
  expect(res.status, res.text).toBe(200);
  for (const r of res.json.results) expect(r.ok, JSON.stringify(r)).toBe(true);
  return res.json.results.map((r: { id: string; version: number }) => ({ id: r.id, version: r.version }));
}

async function setUp() {
  const h = await makeHarness(services);
  const wl = await h.sync(IND, 'industry', 'whitelist', [whitelistRow(2, A, '甲机械有限公司'), whitelistRow(3, B, '乙机械有限公司')]);
  expect(wl.status, wl.text).toBe(200);
  return h;
}

describe('the enterprise page reads its own issues through the enterprise index', () => {
  it('lists exactly its own issues (every creation path, newest first), not another\'s, not a deleted one, follows an edit of 反映企业代码, and reads no other issue item', async () => {
    const h = await setUp();
    await otherIssues(h, 40);
    // The 问题诉求 tab (the add-on's sync; `sibao import` and the web upload send rows to the same sync).
    h.clock.t = T0 + 60_000;
    const [a1, b1, waiting] = await synced(h, [
      { row: 2, values: issueValues({ 反映企业代码: A, 问题描述: '甲：钢材断供' }) },
      { row: 3, values: issueValues({ 反映企业代码: B, 问题描述: '乙：煤炭断供' }) },
      // Never routed (no rule for 用工需求 in 交通运输): a manifest may delete it.
      { row: 4, values: issueValues({ 反映企业代码: A, 问题类别: '用工需求', 所属领域: '交通运输', 问题描述: '甲：缺少熟练工' }) },
    ]);
    // The enterprise's own page: a new 诉求 reported there.
    h.clock.t = T0 + 120_000;
    const pages = pagesOn(h);
    const reported = await pages.page('POST', link(h, A), { category: '原料采购', description: '甲：运输受阻', urgency: '一般' });
    expect(reported.status, reported.text).toBe(201);
    const a2 = /编号 (WT-\d{8}-\d{3})/.exec(reported.text)![1];
    // Written straight through the store (seeds, benches).
    h.clock.t = T0 + 180_000;
    const direct = unroutedRecord('WT-20220606-900', { ...baseIssue(A), description: '甲：直接写入' }, h.clock.t, []);
    expect(await h.store.putIssue(storedIssue(direct, 50), null)).toBe(true);
    // The page did not run the backfill; the sweep does (every issue then stored read once: 40, 3, the report, the direct one), to its end.
    expect(await h.store.getMigration(ENTERPRISE_INDEX)).toBeNull();
    await sweepOn(h).run();
    expect((await h.store.getMigration(ENTERPRISE_INDEX))?.counts).toMatchObject({ issues: 45, indexed: 45, failed: 0 });

    h.clock.t = NEXT_DAY;
    pages.read();
    const first = await pages.page('GET', link(h, A));
    expect(first.status).toBe(200);
    expect(listed(first.text)).toEqual({ ids: [direct.id, a2, a1.id, waiting.id], count: 4 });
    // 45 issues stored; the page read A's 4 issue items.
    expect(pages.read()).toBe(4);

    // B's page: B's one issue only.
    expect(listed((await pages.page('GET', link(h, B))).text).ids).toEqual([b1.id]);

    // A deleted issue (a tombstone, SPEC §7.8) is not listed; its pointer stays and the read drops it.
    const keep = (await h.store.listIssues({})).map((s) => s.record.id).filter((id) => id !== waiting.id);
    const m = await h.call('POST', '/v1/sync/manifest', { as: IND, body: { spreadsheetId: 'sheet-industry', workClass: 'industry', kind: 'issue', ids: keep } });
    expect(m.status, m.text).toBe(200);
    expect((await h.store.getIssue(waiting.id))?.deletedAt).toBeDefined();
    pages.read();
    expect(listed((await pages.page('GET', link(h, A))).text)).toEqual({ ids: [direct.id, a2, a1.id], count: 3 });
    expect(pages.read()).toBe(4); // A's three and the tombstone behind its pointer

    // 反映企业代码 of B's issue edited to A: the pointer moves (A lists it, B no longer does).
    await synced(h, [{ row: 3, version: b1.version, values: { ...issueValues({ 反映企业代码: A, 问题描述: '乙：煤炭断供' }), 编号: b1.id } }]);
    expect((await h.store.getIssue(b1.id))?.record.issue.enterpriseCode).toBe(A);
    expect(listed((await pages.page('GET', link(h, A))).text).ids).toEqual([direct.id, a2, a1.id, b1.id]);
    pages.read();
    expect(listed((await pages.page('GET', link(h, B))).text)).toEqual({ ids: [], count: 0 });
    expect(pages.read()).toBe(0); // B's pointer was deleted with the move, not merely filtered
  });

  it('backfills a store written before the index in the sweep, once, never in the page: the same page before, during and after', async () => {
    const h = await setUp();
    await otherIssues(h, 30);
    h.clock.t = T0 + 60_000;
    const ids = await synced(h, [
      { row: 2, values: issueValues({ 反映企业代码: A, 问题描述: '甲：钢材断供' }) },
      { row: 3, values: issueValues({ 反映企业代码: B, 问题描述: '乙：煤炭断供' }) },
    ]);
    h.clock.t = T0 + 120_000;
    const later = await synced(h, [{ row: 4, values: issueValues({ 反映企业代码: A, 问题描述: '甲：运输受阻' }) }]);
    h.clock.t = NEXT_DAY;
    const withPointers = await pagesOn(h).page('GET', link(h, A));
    expect(listed(withPointers.text).ids).toEqual([later[0].id, ids[0].id]);
    const samePage = (html: string) => expect(html.replace(/\/e\/[^"]+/g, '')).toBe(withPointers.text.replace(/\/e\/[^"]+/g, ''));

    expect(await asBeforeTheIndex(h)).toBe(33);
    expect(await h.store.listIssuesOfEnterprise(A)).toEqual([]);

    // Before the backfill: the page is right (the database filters all issues by 反映企业代码 and
    // answers only A's two), and writes nothing: no marker, no pointer.
    const pages = pagesOn(h);
    pages.read();
    const before = await pages.page('GET', link(h, A));
    expect(before.status).toBe(200);
    samePage(before.text);
    expect(pages.read()).toBe(2);
    expect(await pages.page('GET', link(h, A))).toMatchObject({ status: 200 });
    expect(await h.store.getMigration(ENTERPRISE_INDEX)).toBeNull();
    expect(await pointerCount(h)).toBe(0);

    // The sweep (the scheduler's background job) runs it, to its end.
    const sweep = sweepOn(h);
    expect((await sweep.run()).skipped).toBe(false);
    const marker = (await h.store.getMigration(ENTERPRISE_INDEX))!;
    expect(marker.counts).toMatchObject({ issues: 33, indexed: 33, skipped: 0, failed: 0 });
    expect(await pointerCount(h)).toBe(33);
    expect(sweep.lines.filter((l) => l.level === 'error')).toEqual([]);

    // The same page after it, in the container that saw no marker before and in another one; only A's two issues read.
    pages.read();
    samePage((await pages.page('GET', link(h, A))).text);
    expect(pages.read()).toBe(2);
    const other = pagesOn(h);
    samePage((await other.page('GET', link(h, A))).text);
    expect(other.read()).toBe(2);
    expect(listed((await other.page('GET', link(h, B))).text).ids).toEqual([ids[1].id]);
    expect(other.read()).toBe(1);

    // Runs once: a later sweep run, and another container's, leave the marker as it is.
    h.clock.t = NEXT_DAY + 15 * 60_000;
    await sweep.run();
    await sweepOn(h).run();
    expect((await h.store.getMigration(ENTERPRISE_INDEX))!.at).toBe(marker.at);

    // An issue written before the index and edited after the backfill: its pointer moves too.
    await synced(h, [{ row: 2, version: ids[0].version, values: { ...issueValues({ 反映企业代码: B, 问题描述: '甲：钢材断供' }), 编号: ids[0].id } }]);
    expect(listed((await other.page('GET', link(h, A))).text).ids).toEqual([later[0].id]);
    expect(other.read()).toBe(1);
    expect(listed((await other.page('GET', link(h, B))).text).ids.sort()).toEqual([ids[0].id, ids[1].id].sort());
  });

  it('a backfill that fails in the sweep leaves no marker, stops no sweep work, keeps the page right; the next run completes it', async () => {
    const h = await setUp();
    await otherIssues(h, 20);
    h.clock.t = T0 + 60_000;
    const [a1] = await synced(h, [{ row: 2, values: issueValues({ 反映企业代码: A, 问题描述: '甲：钢材断供' }) }]);
    h.clock.t = NEXT_DAY;
    const withPointers = await pagesOn(h).page('GET', link(h, A));
    expect(listed(withPointers.text).ids).toEqual([a1.id]);
    expect(await asBeforeTheIndex(h)).toBe(21);

    // Every write of the backfill refused (its batches, then issue by issue).
    const faulted = proxy.faulted.length;
    proxy.setFault((req) => (batchWritesPointers(req) ? DYNAMO_THROTTLING : null));
    const sweep = sweepOn(h, proxy.url);
    // Due far ahead: a sweep a week later has reminders to write (the sweep's own work).
    h.clock.t = T0 + 7 * 86_400_000;
    const summary = await sweep.run();
    expect(summary.skipped).toBe(false);
    expect(summary.written).toBeGreaterThan(0);
    expect(proxy.faulted.length).toBeGreaterThan(faulted);
    expect(sweep.lines.some((l) => l.level === 'error' && /enterprise index/.test(l.message))).toBe(true);
    expect(await h.store.getMigration(ENTERPRISE_INDEX)).toBeNull();

    // The page: still A's issue, read without the index.
    proxy.setFault(null);
    const pages = pagesOn(h);
    const page = await pages.page('GET', link(h, A));
    expect(page.status).toBe(200);
    expect(listed(page.text).ids).toEqual([a1.id]);
    expect(await h.store.getMigration(ENTERPRISE_INDEX)).toBeNull();

    // The next run of the same container tries again (a failure is not remembered) and completes it.
    h.clock.t += 15 * 60_000;
    await sweep.run();
    expect((await h.store.getMigration(ENTERPRISE_INDEX))?.counts).toMatchObject({ issues: 21, indexed: 21, failed: 0 });
    expect(listed((await pagesOn(h).page('GET', link(h, A))).text).ids).toEqual([a1.id]);
  });

  it('no single failed request of an edit of 反映企业代码 loses the issue from a page, nor does a later write need to repair it; the usual write stays one request', async () => {
    const h = await setUp();
    h.clock.t = T0 + 60_000;
    const rows = Array.from({ length: 8 }, (_, i) => ({ row: 2 + i, values: issueValues({ 反映企业代码: B, 问题描述: `乙：问题 ${i}` }) }));
    const ids = (await synced(h, rows)).map((r) => r.id);
    await backfillEnterpriseIndex({ store: h.store, clock: h.clock });
    h.clock.t = NEXT_DAY;
    const pages = pagesOn(h);
    expect(listed((await pages.page('GET', link(h, B))).text).count).toBe(8);

    // The store of another container, through the fault proxy: its k-th request (counted from the
    // edit's first) is refused; the others reach dynalite.
    const store = createStore({ client: countingClient(proxy.url).client, tableName: h.tableName });
    let armed = false;
    let seen = 0;
    let failAt = 0;
    proxy.setFault(() => (armed && ++seen === failAt ? DYNAMO_THROTTLING : null));
    /** Requests of one putIssue (with the k-th refused when failAt = k); whether it threw. */
    const put = async (next: StoredIssue, rev: number | null, k = 0) => {
      armed = true;
      seen = 0;
      failAt = k;
      let threw = false;
      try {
        await store.putIssue(next, rev);
      } catch {
        threw = true;
      } finally {
        armed = false;
      }
      return { requests: seen, threw };
    };
    const moved = (s: StoredIssue, code: string, description = s.record.issue.description): StoredIssue => ({
      ...s,
      record: { ...s.record, issue: { ...s.record.issue, enterpriseCode: code, description } },
      revision: s.revision + 1,
    });
    /** The issue is listed on the page of the enterprise its item names, and only there. */
    const onItsPage = async (id: string) => {
      const code = String((await h.store.getIssue(id))!.record.issue.enterpriseCode);
      expect(listed((await pages.page('GET', link(h, code))).text).ids, `${id} on ${code}'s page`).toContain(id);
      expect(listed((await pages.page('GET', link(h, code === A ? B : A))).text).ids).not.toContain(id);
    };

    // Every request of the edit B → A refused in turn, one issue each, until an edit needs fewer.
    let requests = 0;
    for (let k = 1; ; k++) {
      const id = ids[k - 1];
      expect(id, 'more requests than issues to edit').toBeDefined();
      const cur = (await h.store.getIssue(id))!;
      const out = await put(moved(cur, A), cur.revision, k);
      if (out.requests < k) {
        expect(out.threw).toBe(false);
        requests = out.requests;
        break;
      }
      await onItsPage(id);
      // A later write that keeps the code (the sweep's, an action's): still on its page.
      const now = (await h.store.getIssue(id))!;
      expect(await h.store.putIssue(moved(now, String(now.record.issue.enterpriseCode), `${now.record.issue.description}（补充）`), now.revision)).toBe(true);
      await onItsPage(id);
    }
    await onItsPage(ids[requests]);

    // What a putIssue costs (requests): a write that keeps its pointer is one conditional put.
    const same = (await h.store.getIssue(ids[0]))!;
    expect((await put(moved(same, String(same.record.issue.enterpriseCode), '乙：问题 0（再补充）'), same.revision)).requests).toBe(1);
    // A new issue: its pointer, then the item.
    const fresh = unroutedRecord('WT-20220606-901', { ...baseIssue(A), description: '甲：新问题' }, h.clock.now(), []);
    expect((await put(storedIssue(fresh, 60), null)).requests).toBe(2);
    // The edit of 反映企业代码 (ids[requests], not refused): the conditional put refused for the
    // pointer it names, the new pointer, the item, the old pointer deleted.
    expect(requests).toBe(4);
  });
});
