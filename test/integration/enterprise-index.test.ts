// The enterprise page `/e/{token}` reads only its enterprise's issues (issue 16), on the real dynalite:
// pointer items ENTISSUE#<code> written by Store.putIssue, read by listIssuesOfEnterprise, and the
// one-time backfill of a store written before them (usecases/enterprise-index.ts). The page's store
// runs on its own DynamoDB client whose middleware counts the issue items DynamoDB answers with, so
// a page that read every issue (listIssues({})) would fail here.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { makeUscc } from '../../domain/rows/uscc.js';
import { createStore } from '../../functions/adapters/dynamodb-store.js';
import { makePagesHandler } from '../../functions/handlers/pages.js';
import type { StoredIssue } from '../../functions/ports.js';
import { ENTERPRISE_INDEX } from '../../functions/usecases/enterprise-index.js';
import { unroutedRecord } from '../../functions/usecases/sync.js';
import { enterpriseLink } from '../../functions/usecases/link-token.js';
import { useTestServices } from '../fixtures/local-services.js';
import { BASE, IND, issueValues, makeHarness, pageCaller, SECRET, storedIssue, T0, type Harness } from './api-helpers.js';

const services = useTestServices();

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

/**
 * A pages handler (another container: its own store, caches and backfill check) on a DynamoDB client
 * of its own; `read()` answers the issue items DynamoDB returned to it since the last call.
 */
function pagesOn(h: Harness) {
  const client = new DynamoDBClient({ endpoint: services.dynamoEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  let count = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      const res = await next(args);
      count += issueItemsIn(res.output as unknown as Record<string, unknown>);
      return res;
    },
    { step: 'initialize', name: 'countIssueItems' },
  );
  const store = createStore({ client, tableName: h.tableName });
  const page = pageCaller(makePagesHandler({ store, policies: h.policies, clock: h.clock, config: { actionSecrets: [SECRET] } }));
  return {
    store,
    page,
    read() {
      const n = count;
      count = 0;
      return n;
    },
  };
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
    // The page after the report ran the backfill (every issue then stored read once), to its end.
    expect((await h.store.getMigration(ENTERPRISE_INDEX))?.counts).toMatchObject({ issues: 44, indexed: 44, failed: 0 });

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

  it('backfills a store written before the index once: the same page as with pointers, then only its own issues read', async () => {
    const h = await setUp();
    await otherIssues(h, 30);
    h.clock.t = T0 + 60_000;
    const ids = await synced(h, [
      { row: 2, values: issueValues({ 反映企业代码: A, 问题描述: '甲：钢材断供' }) },
      { row: 3, values: issueValues({ 反映企业代码: B, 问题描述: '乙：煤炭断供' }) },
    ]);
    h.clock.t = T0 + 120_000;
    const later = await synced(h, [{ row: 4, values: issueValues({ 反映企业代码: A, 问题描述: '甲：运输受阻' }) }]);
    const withPointers = await pagesOn(h).page('GET', link(h, A));
    expect(listed(withPointers.text).ids).toEqual([later[0].id, ids[0].id]);

    // As a store written before this release: no pointer items, no pointer attributes on issue items, no marker.
    const doc = DynamoDBDocumentClient.from(services.dynamo);
    const all: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await doc.send(new ScanCommand({ TableName: h.tableName, ExclusiveStartKey: start }));
      all.push(...(res.Items ?? []));
      start = res.LastEvaluatedKey;
    } while (start);
    let pointers = 0;
    for (const item of all) {
      if (String(item.pk).startsWith('ENTISSUE#') || String(item.pk).startsWith('MIGRATION#enterprise-index')) {
        await doc.send(new DeleteCommand({ TableName: h.tableName, Key: { pk: item.pk, sk: item.sk } }));
        if (String(item.pk).startsWith('ENTISSUE#')) pointers++;
      } else if (item.type === 'issue') {
        const { entPk: _p, entSk: _s, ...old } = item;
        await doc.send(new PutCommand({ TableName: h.tableName, Item: old }));
      }
    }
    expect(pointers).toBe(33);
    expect(await h.store.listIssuesOfEnterprise(A)).toEqual([]);

    const pages = pagesOn(h);
    const backfilled = await pages.page('GET', link(h, A));
    expect(backfilled.status).toBe(200);
    expect(listed(backfilled.text)).toEqual(listed(withPointers.text));
    expect(backfilled.text.replace(/\/e\/[^"]+/g, '')).toBe(withPointers.text.replace(/\/e\/[^"]+/g, ''));
    expect(pages.read()).toBeGreaterThanOrEqual(33); // the backfill read every issue, once
    const marker = (await h.store.getMigration(ENTERPRISE_INDEX))!;
    expect(marker.counts).toMatchObject({ issues: 33, indexed: 33, skipped: 0, failed: 0 });

    h.clock.t = NEXT_DAY;
    // Runs once: a later view, and another container, read the marker and only A's two issues.
    await pages.page('GET', link(h, A));
    expect(pages.read()).toBe(2);
    const other = pagesOn(h);
    expect(listed((await other.page('GET', link(h, B))).text).ids).toEqual([ids[1].id]);
    expect(other.read()).toBe(1);
    expect((await h.store.getMigration(ENTERPRISE_INDEX))!.at).toBe(marker.at);

    // An issue written before the index and edited after the backfill: its pointer moves too.
    await synced(h, [{ row: 2, version: ids[0].version, values: { ...issueValues({ 反映企业代码: B, 问题描述: '甲：钢材断供' }), 编号: ids[0].id } }]);
    expect(listed((await other.page('GET', link(h, A))).text).ids).toEqual([later[0].id]);
    expect(other.read()).toBe(1);
    expect(listed((await other.page('GET', link(h, B))).text).ids.sort()).toEqual([ids[0].id, ids[1].id].sort());
  });
});
