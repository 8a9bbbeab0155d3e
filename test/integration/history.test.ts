// History (SPEC §7.1, §7.8 "Items that stay small"): 1,000 revisions of one row paged by
// GET /v1/history; 1,000 events and used tokens on one issue drained to their own items, paged by
// GET /v1/issues/{id}; no item of the table over 64 KB. Real dynalite, the API handler in-process.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUscc } from '../../domain/rows/uscc.js';
import { createDocumentClient } from '../../functions/adapters/dynamodb-store.js';
import { startTestServices, type TestServices } from '../fixtures/local-services.js';
import { ADMIN, IND, RO, issueValues, makeHarness, type Harness } from './api-helpers.js';

let services: TestServices;
beforeAll(async () => {
  services = await startTestServices();
});
afterAll(async () => {
  await services?.stop();
});

const ITEM_LIMIT = 64 * 1024;

/** The largest item of the table, in bytes of its JSON (an upper bound of DynamoDB's item size here). */
async function largestItem(h: Harness): Promise<{ bytes: number; pk: string }> {
  const doc = createDocumentClient(services.dynamo);
  let best = { bytes: 0, pk: '' };
  let start: Record<string, unknown> | undefined;
  do {
    const res = await doc.send(new ScanCommand({ TableName: h.tableName, ExclusiveStartKey: start }));
    for (const item of res.Items ?? []) {
      const bytes = Buffer.byteLength(JSON.stringify(item), 'utf8');
      if (bytes > best.bytes) best = { bytes, pk: String(item.pk) };
    }
    start = res.LastEvaluatedKey;
  } while (start);
  return best;
}

/** Every page of a paged list, following `next`. */
async function allPages(h: Harness, path: string, query: Record<string, string>, field: string): Promise<{ pages: number; items: any[] }> {
  const items: any[] = [];
  let pages = 0;
  let cursor: string | null = null;
  do {
    const res = await h.call('GET', path, { as: ADMIN, query: { ...query, limit: '300', ...(cursor ? { cursor } : {}) } });
    expect(res.status).toBe(200);
    items.push(...res.json[field]);
    cursor = res.json.next;
    pages++;
  } while (cursor);
  return { pages, items };
}

describe('history of a row', () => {
  it('pages 1,000 revisions of one whitelist row newest first, each with who, what changed and its op', { timeout: 300_000 }, async () => {
    const h = await makeHarness(services);
    const code = makeUscc('91410222MA47HAB00');
    const row = (n: number) => ({
      row: 2,
      values: { 统一社会信用代码: code, 名称: '历史企业', 所属领域: '工业生产', 所在乡镇: '城关镇', '产值或投资额（万元）': n, 状态: '已纳入', 纳入日期: '2022-05-20' },
    });
    let version: number | undefined;
    for (let n = 1; n <= 1000; n++) {
      h.clock.t += 1000;
      const res = await h.sync(IND, 'industry', 'whitelist', [{ ...row(n), ...(version ? { version } : {}) }]);
      expect(res.json.results[0].ok).toBe(true);
      version = res.json.results[0].version;
    }
    const { pages, items } = await allPages(h, '/v1/history', { kind: 'whitelist', key: code }, 'entries');
    expect(pages).toBe(4);
    expect(items).toHaveLength(1000);
    expect(items.map((e) => e.revision)).toEqual(Array.from({ length: 1000 }, (_, i) => 1000 - i));
    expect(items[999]).toMatchObject({ op: 'create', by: IND });
    expect(items[0]).toMatchObject({ op: 'update', by: IND, changes: { '产值或投资额（万元）': { from: '999', to: '1000' } } });

    // Readers: a member of a class that keeps the tab, or of coordination; a bad cursor is a 400.
    expect((await h.call('GET', '/v1/history', { as: RO, query: { kind: 'whitelist', key: code, limit: '1' } })).status).toBe(200);
    expect((await h.call('GET', '/v1/history', { as: ADMIN, query: { kind: 'whitelist', key: code, cursor: 'x' } })).json.error.code).toBe('invalid_cursor');
    expect((await h.call('GET', '/v1/history', { as: ADMIN, query: { kind: 'whitelist', key: 'nope' } })).status).toBe(404);

    const largest = await largestItem(h);
    expect(largest.bytes).toBeLessThan(ITEM_LIMIT);
  });
});

describe('events of an issue', () => {
  it('keeps the issue item under 64 KB through 1,000 events and used tokens, and pages every event', { timeout: 300_000 }, async () => {
    const h = await makeHarness(services);
    const created = await h.sync(IND, 'industry', 'issue', [{ row: 2, values: issueValues() }]);
    const id = created.json.results[0].id as string;
    // 1,000 events with long notes and a used token each, written through the store as the use
    // cases write them (read, change, conditional put on the revision); the store drains.
    for (let n = 1; n <= 1000; n++) {
      const cur = (await h.store.getIssue(id))!;
      const at = h.clock.t + n * 1000;
      const next = {
        ...cur,
        record: { ...cur.record, events: [...cur.record.events, { at, type: 'note', actor: ADMIN, note: `第 ${n} 条记录：${'说明'.repeat(200)}` }] },
        usedTokens: { ...cur.usedTokens, [`nonce-${n}`]: at },
        revision: cur.revision + 1,
      };
      expect(await h.store.putIssue(next, cur.revision)).toBe(true);
    }
    const largest = await largestItem(h);
    expect(largest.bytes).toBeLessThan(ITEM_LIMIT);
    // Every used token is known: drained to its own item, or still in the item (the newest).
    const final = (await h.store.getIssue(id))!;
    for (const n of [1, 500, 999, 1000]) {
      expect(final.usedTokens[`nonce-${n}`] !== undefined || (await h.store.isTokenUsed(`nonce-${n}`))).toBe(true);
    }
    expect(await h.store.isTokenUsed('nonce-1')).toBe(true);
    expect(Object.keys(final.usedTokens).length).toBeLessThanOrEqual(8);

    const { items } = await allPages(h, `/v1/issues/${id}`, {}, 'events');
    expect(items).toHaveLength(1001); // the assignment, then the 1,000 notes
    expect(items.map((e) => e.seq)).toEqual(Array.from({ length: 1001 }, (_, i) => 1001 - i));
    expect(items[0].note).toContain('第 1000 条记录');
    expect(items[0].note).toHaveLength(`第 1000 条记录：`.length + 400); // the whole note, from its own item
    expect(items[1000]).toMatchObject({ type: 'assign', label: '交办' });
  });
});
