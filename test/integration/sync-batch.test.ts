// The bulk path of POST /v1/sync for plain rows (functions/usecases/sync.ts syncPlainRows) on a real dynalite:
// one consistent BatchGetItem classifies the batch, unchanged rows cost no write, updates are
// conditional puts on the revision, new rows go out with BatchWriteItem and are read back by writeId.
// Requests are counted on the wire (a middleware on the DynamoDB client reads X-Amz-Target) and,
// for the race tests, held at a gate so the interleaving is the one under test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { makeUscc } from '../../domain/rows/uscc.js';
import { createDocumentClient, createStore, ensureTable } from '../../functions/adapters/dynamodb-store.js';
import { TABLE_SCHEMA } from '../../functions/adapters/table-schema.js';
import type { JsonCell, Store } from '../../functions/ports.js';
import { syncRows, type SyncRequest, type SyncResponse } from '../../functions/usecases/sync.js';
import { ensureIdentityUpgrade } from '../../functions/usecases/identity-upgrade.js';
import { startTestServices, type TestServices } from '../fixtures/local-services.js';

let services: TestServices;
const clients: DynamoDBClient[] = [];
beforeAll(async () => {
  services = await startTestServices();
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await services?.stop();
});

/** 2022-06-06 09:00 Asia/Shanghai. */
const T0 = Date.parse('2022-06-06T09:00:00+08:00');
const clock = { now: () => T0 };
const EDITOR = 'ind@county.example';

type Gate = (op: string, body: string) => Promise<void> | undefined;

/** A DynamoDB client whose requests are counted by operation and may be held at a gate. */
function instrumentedClient() {
  const client = new DynamoDBClient({
    endpoint: services.dynamoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: { requestTimeout: 10_000, connectionTimeout: 2_000 },
  });
  clients.push(client);
  const counts: Record<string, number> = {};
  const after: ((op: string) => void)[] = [];
  let gate: Gate | null = null;
  client.middlewareStack.add(
    (next) => async (args) => {
      const req = args.request as { headers: Record<string, string>; body?: unknown };
      const op = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '?';
      counts[op] = (counts[op] ?? 0) + 1;
      const held = gate?.(op, String(req.body ?? ''));
      if (held) await held;
      const out = await next(args);
      for (const f of after) f(op);
      return out;
    },
    { step: 'build', name: 'countAndGate' },
  );
  return {
    client,
    counts,
    reset: () => {
      for (const k of Object.keys(counts)) delete counts[k];
    },
    setGate: (g: Gate | null) => {
      gate = g;
    },
    onDone: (f: (op: string) => void) => after.push(f),
  };
}

let tableSeq = 0;
async function freshTable(): Promise<string> {
  const name = `sync-batch-${process.pid}-${++tableSeq}`;
  await ensureTable(services.dynamo, name);
  return name;
}

function whitelistValues(code: string, name: string, over: Record<string, JsonCell> = {}): Record<string, JsonCell> {
  return {
    统一社会信用代码: code,
    名称: name,
    所属领域: '工业生产',
    所在乡镇: '城关镇',
    '产值或投资额（万元）': 1200,
    状态: '已纳入',
    纳入日期: '2022-05-20',
    联系人: '办公室',
    联系电话: '13800000001',
    ...over,
  };
}

const sync = (store: Store, rows: SyncRequest['rows'], over: Partial<SyncRequest> = {}, email = EDITOR): Promise<SyncResponse> =>
  syncRows({ store, clock }, { email, profile: null }, { spreadsheetId: 'sheet-1', workClass: 'industry', kind: 'whitelist', rows, ...over });

const code = (n: number) => makeUscc(`91410222MA44B${String(n).padStart(4, '0')}`);

describe('plain-row sync in bulk', () => {
  it('answers a mixed batch row by row with one classifying BatchGet, one BatchWrite and one conditional put', async () => {
    const TableName = await freshTable();
    const seed = createStore({ client: services.dynamo, tableName: TableName });
    // Stored before: A (v1), C (v1), D (v2 after an edit), E owned by the commerce class.
    expect((await sync(seed, [
      { row: 2, values: whitelistValues(code(1), '甲企业') },
      { row: 3, values: whitelistValues(code(3), '丙企业') },
      { row: 4, values: whitelistValues(code(4), '丁企业') },
    ])).results.map((r) => r.outcome)).toEqual(['created', 'created', 'created']);
    expect((await sync(seed, [{ row: 4, version: 1, values: whitelistValues(code(4), '丁企业（改名）') }])).results[0]).toMatchObject({ outcome: 'updated', version: 2 });
    expect((await sync(seed, [{ row: 9, values: whitelistValues(code(5), '戊商贸', { 所属领域: '商贸流通' }) }], { workClass: 'commerce', spreadsheetId: 'sheet-commerce' }, 'com@county.example')).results[0].outcome).toBe('created');

    const wire = instrumentedClient();
    const store = createStore({ client: wire.client, tableName: TableName });
    // The identity upgrade check runs once per container (and store): not part of what a sync costs.
    await ensureIdentityUpgrade({ store, clock });
    wire.reset();
    const res = await sync(store, [
      { row: 2, version: 1, values: whitelistValues(code(1), '甲企业') }, // unchanged
      { row: 3, version: 1, values: whitelistValues(code(3), '丙企业', { 员工人数: 80 }) }, // update on the current version
      { row: 4, version: 1, values: whitelistValues(code(4), '丁企业（旧表格的修改）') }, // stale version
      { row: 5, values: whitelistValues(code(6), '己企业') }, // new
      { row: 6, values: whitelistValues(`${code(7).slice(0, 17)}${code(7)[17] === '0' ? '1' : '0'}`, '庚企业') }, // invalid checksum
      { row: 7, values: whitelistValues(code(8), '辛企业') }, // new
      { row: 8, values: whitelistValues(code(5), '戊商贸') }, // another class's row
    ]);
    const by = Object.fromEntries(res.results.map((r) => [r.row, r]));
    expect(by[2]).toMatchObject({ ok: true, outcome: 'unchanged', id: code(1), version: 1, errors: [] });
    expect(by[3]).toMatchObject({ ok: true, outcome: 'updated', id: code(3), version: 2 });
    expect(by[4]).toMatchObject({ ok: false, outcome: 'conflict', id: code(4), version: 2 });
    expect(by[4].errors[0].code).toBe('version_conflict');
    expect(by[4].errors[0].message).toMatch(/服务器版本 2/);
    expect(by[5]).toMatchObject({ ok: true, outcome: 'created', id: code(6), version: 1 });
    expect(by[6]).toMatchObject({ ok: false, outcome: 'invalid', id: null });
    expect(by[6].errors[0]).toMatchObject({ column: '统一社会信用代码', code: 'uscc_checksum' });
    expect(by[7]).toMatchObject({ ok: true, outcome: 'created', id: code(8), version: 1 });
    expect(by[8]).toMatchObject({ ok: false, outcome: 'conflict' });
    expect(by[8].errors[0].code).toBe('owned_by_other_class');

    // On the wire: the classifying read and the read-back of the two creates' writeIds, one
    // BatchWriteItem for both new rows, one BatchWriteItem putting the updated row's previous
    // history entry in its own item (the new entries stay in the row items until they are replaced),
    // one conditional PutItem for the update, one UpdateItem bumping the whitelist version (coverage
    // sums); nothing else.
    expect(wire.counts).toEqual({ BatchGetItem: 2, BatchWriteItem: 2, PutItem: 1, UpdateItem: 1 });

    const stored = await seed.getRows('whitelist', [code(1), code(3), code(4), code(5), code(6), code(8)]);
    expect(stored.get(code(1))).toMatchObject({ version: 1, revision: 1 });
    expect(stored.get(code(3))).toMatchObject({ version: 2, revision: 2, updatedBy: EDITOR });
    expect((stored.get(code(4))!.value as { name: string }).name).toBe('丁企业（改名）');
    expect(stored.get(code(4))).toMatchObject({ version: 2 });
    expect(stored.get(code(5))).toMatchObject({ workClass: 'commerce', version: 1 });
    expect(stored.get(code(6))).toMatchObject({ version: 1, revision: 1, workClass: 'industry', row: 5 });
    expect((await seed.listRows('whitelist')).length).toBe(6);

    // The same batch again writes nothing: one read, then every valid row is answered from it.
    wire.reset();
    const again = await sync(store, [
      { row: 2, values: whitelistValues(code(1), '甲企业') },
      { row: 3, values: whitelistValues(code(3), '丙企业', { 员工人数: 80 }) },
      { row: 5, values: whitelistValues(code(6), '己企业') },
      { row: 7, values: whitelistValues(code(8), '辛企业') },
    ]);
    expect(again.results.map((r) => [r.outcome, r.version])).toEqual([
      ['unchanged', 1],
      ['unchanged', 2],
      ['unchanged', 1],
      ['unchanged', 1],
    ]);
    expect(wire.counts).toEqual({ BatchGetItem: 1 });
  });

  it('creates 260 rows with 11 BatchWriteItem calls and reads 100 keys per BatchGetItem', async () => {
    const TableName = await freshTable();
    const wire = instrumentedClient();
    const store = createStore({ client: wire.client, tableName: TableName });
    const rows = Array.from({ length: 260 }, (_, i) => ({ row: i + 2, values: whitelistValues(code(100 + i), `企业${i}`) }));
    await ensureIdentityUpgrade({ store, clock });
    wire.reset();
    const res = await sync(store, rows);
    expect(res.results.every((r) => r.ok && r.outcome === 'created' && r.version === 1)).toBe(true);
    expect(wire.counts).toEqual({ BatchGetItem: 6, BatchWriteItem: 11, UpdateItem: 1 });
    expect(await store.listRowKeys('whitelist')).toHaveLength(260);
  });

  it('keeps conditional creates for configuration rows (authorisation and routing depend on them)', async () => {
    const TableName = await freshTable();
    const wire = instrumentedClient();
    const store = createStore({ client: wire.client, tableName: TableName });
    const units = [
      { row: 2, values: { 单位编码: 'U-FGW', 单位名称: '县发展改革委', 类型: '县直部门', 联系邮箱: 'fgw@county.example' } },
      { row: 3, values: { 单位编码: 'U-GXJ', 单位名称: '县工业和信息化局', 类型: '县直部门', 联系邮箱: 'gxj@county.example' } },
      { row: 4, values: { 单位编码: 'U-CGZ', 单位名称: '城关镇', 类型: '乡镇', 联系邮箱: 'cgz@county.example' } },
    ];
    await ensureIdentityUpgrade({ store, clock });
    wire.reset();
    const res = await sync(store, units, { kind: 'unit', workClass: 'coordination', spreadsheetId: 'sheet-coord' }, 'admin@county.example');
    expect(res.results.map((r) => r.outcome)).toEqual(['created', 'created', 'created']);
    expect(res.profile?.profile.units.map((u) => u.code)).toEqual(['U-FGW', 'U-GXJ', 'U-CGZ']);
    // One classifying read, a conditional PutItem per new row plus the rebuilt profile and its
    // version item (what every request checks); no batch write.
    expect(wire.counts.BatchWriteItem).toBeUndefined();
    expect(wire.counts.BatchGetItem).toBe(1);
    expect(wire.counts.PutItem).toBe(units.length + 2);
  });

  it('gives two overlapping creates of one key exactly one winner', async () => {
    const TableName = await freshTable();
    const wire = instrumentedClient();
    // Both syncs read "absent", then both BatchWriteItem calls go out together, and both read-backs
    // wait until both writes are done: the worst overlap short of the window the store documents.
    const barrier = (n: number) => {
      let arrived = 0;
      let open!: () => void;
      const opened = new Promise<void>((r) => (open = r));
      return () => (++arrived >= n && open(), opened);
    };
    const run = async (a: SyncRequest['rows'], b: SyncRequest['rows'], over: [Partial<SyncRequest>, Partial<SyncRequest>] = [{}, {}], emails = [EDITOR, EDITOR]) => {
      const writes = barrier(2);
      let written = 0;
      let bothWritten!: () => void;
      const writesDone = new Promise<void>((r) => (bothWritten = r));
      wire.onDone((op) => op === 'BatchWriteItem' && ++written === 2 && bothWritten());
      wire.setGate((op, body) => (op === 'BatchWriteItem' ? writes() : op === 'BatchGetItem' && body.includes('ProjectionExpression') ? writesDone : undefined));
      const storeA = createStore({ client: wire.client, tableName: TableName });
      const storeB = createStore({ client: wire.client, tableName: TableName });
      try {
        return await Promise.all([sync(storeA, a, over[0], emails[0]), sync(storeB, b, over[1], emails[1])]);
      } finally {
        wire.setGate(null);
      }
    };

    // Different content, same class: the stored item is the one the loser's fallback wrote — the
    // loser re-decides against the winner's item exactly like a later sync (no version: an edit).
    const [a, b] = await run([{ row: 2, values: whitelistValues(code(11), '版本甲') }], [{ row: 2, values: whitelistValues(code(11), '版本乙') }]);
    const outcomes = [a.results[0], b.results[0]].map((r) => `${r.outcome}:${r.version}`).sort();
    expect(outcomes).toEqual(['created:1', 'updated:2']);
    const updater = a.results[0].outcome === 'updated' ? '版本甲' : '版本乙';
    const stored = (await createStore({ client: services.dynamo, tableName: TableName }).getRows('whitelist', [code(11)])).get(code(11))!;
    expect(stored).toMatchObject({ version: 2, revision: 2 });
    expect((stored.value as { name: string }).name).toBe(updater);

    // Same content (a retried request): one created, the other unchanged, one version.
    const same = whitelistValues(code(12), '同一内容');
    const [c, d] = await run([{ row: 3, values: same }], [{ row: 3, values: same }]);
    expect([c.results[0], d.results[0]].map((r) => `${r.outcome}:${r.version}`).sort()).toEqual(['created:1', 'unchanged:1']);

    // Another class at the same instant: one owns the key, the other is told so; nothing overwritten.
    const [e, f] = await run(
      [{ row: 4, values: whitelistValues(code(13), '工业版本') }],
      [{ row: 4, values: whitelistValues(code(13), '商贸版本', { 所属领域: '商贸流通' }) }],
      [{}, { workClass: 'commerce', spreadsheetId: 'sheet-commerce' }],
      [EDITOR, 'com@county.example'],
    );
    const pair = [e.results[0], f.results[0]];
    expect(pair.filter((r) => r.outcome === 'created')).toHaveLength(1);
    const loser = pair.find((r) => r.outcome !== 'created')!;
    expect(loser).toMatchObject({ ok: false, outcome: 'conflict' });
    expect(loser.errors[0].code).toBe('owned_by_other_class');
    const owner = (await createStore({ client: services.dynamo, tableName: TableName }).getRows('whitelist', [code(13)])).get(code(13))!;
    expect(owner.workClass).toBe(e.results[0].outcome === 'created' ? 'industry' : 'commerce');
    expect(owner.version).toBe(1);
  });

  it('documents the accepted window: a whole create between our read and our batch write ends last-writer-wins', async () => {
    const TableName = await freshTable();
    const slow = instrumentedClient();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let readDone!: () => void;
    const slowHasRead = new Promise<void>((r) => (readDone = r));
    slow.onDone((op) => op === 'BatchGetItem' && readDone());
    slow.setGate((op) => (op === 'BatchWriteItem' ? released : undefined));
    const storeSlow = createStore({ client: slow.client, tableName: TableName });
    const storeFast = createStore({ client: services.dynamo, tableName: TableName });

    const slowRun = sync(storeSlow, [{ row: 2, values: whitelistValues(code(21), '慢的版本') }], { spreadsheetId: 'sheet-slow' });
    await slowHasRead; // the slow sync has seen "absent" and is about to write
    const fast = await sync(storeFast, [{ row: 2, values: whitelistValues(code(21), '快的版本') }], { spreadsheetId: 'sheet-fast' });
    expect(fast.results[0]).toMatchObject({ ok: true, outcome: 'created', version: 1 });
    release();
    const slowRes = await slowRun;
    // Both were told "created", the later batch write stays (plain rows only: no mail, no routing).
    expect(slowRes.results[0]).toMatchObject({ ok: true, outcome: 'created', version: 1 });
    let stored = (await storeFast.getRows('whitelist', [code(21)])).get(code(21))!;
    expect((stored.value as { name: string }).name).toBe('慢的版本');
    expect(stored.spreadsheetId).toBe('sheet-slow');

    // The overwritten sheet's next sync is decided against the stored item like any edit of version 1.
    const next = await sync(storeFast, [{ row: 2, version: 1, values: whitelistValues(code(21), '快的版本') }], { spreadsheetId: 'sheet-fast' });
    expect(next.results[0]).toMatchObject({ ok: true, outcome: 'updated', version: 2 });
    // …after which the other sheet's version 1 is stale: reported, never overwritten.
    const stale = await sync(storeFast, [{ row: 2, version: 1, values: whitelistValues(code(21), '慢的版本（再改）') }], { spreadsheetId: 'sheet-slow' });
    expect(stale.results[0]).toMatchObject({ ok: false, outcome: 'conflict', version: 2 });
    stored = (await storeFast.getRows('whitelist', [code(21)])).get(code(21))!;
    expect((stored.value as { name: string }).name).toBe('快的版本');
  });

  it('looks up only the batch’s enterprise codes for the issue warning (no scan of the whitelist)', async () => {
    const TableName = await freshTable();
    const seed = createStore({ client: services.dynamo, tableName: TableName });
    await sync(seed, [{ row: 2, values: whitelistValues(code(31), '在册企业') }]);
    const wire = instrumentedClient();
    const store = createStore({ client: wire.client, tableName: TableName });
    const issue = (enterprise: string, description: string) => ({
      反映企业代码: enterprise,
      企业名称: '示例企业',
      所属领域: '工业生产',
      所在乡镇: '城关镇',
      问题类别: '原料采购',
      问题描述: description,
      反映日期: '2022-06-06',
      联系人: '企业办公室',
      联系电话: '13800000000',
    });
    const res = await sync(store, [
      { row: 2, values: issue(code(31), '钢材供应中断') },
      { row: 3, values: issue(code(32), '缺少技术工人') },
    ], { kind: 'issue' });
    expect(res.results.map((r) => r.ok)).toEqual([true, true]);
    expect(res.results[0].warnings.some((w) => w.code === 'not_on_whitelist')).toBe(false);
    const warn = res.results[1].warnings.find((w) => w.code === 'not_on_whitelist');
    expect(warn).toMatchObject({ column: '反映企业代码' });
    expect(warn?.message).toContain(code(32));
    expect(wire.counts.Query ?? 0).toBe(0);
    expect(wire.counts.BatchGetItem).toBe(1);
  });
});

describe('time to live of transient items', () => {
  it('sets expiresAt (epoch seconds) on leases and day counters only, after they stop mattering', async () => {
    expect(TABLE_SCHEMA.timeToLiveAttribute).toBe('expiresAt');
    const TableName = await freshTable();
    const store = createStore({ client: services.dynamo, tableName: TableName });
    const doc = createDocumentClient(services.dynamo);
    const item = async (pk: string, sk: string) => (await doc.send(new GetCommand({ TableName, Key: { pk, sk }, ConsistentRead: true }))).Item!;

    expect(await store.acquireLease('sweep', 'a', T0, 60_000)).toBe(true);
    const lease = await item('LEASE#sweep', 'LEASE');
    // A day after the lease lapses; the lease itself is decided by leaseUntil, never by deletion.
    expect(lease.expiresAt).toBe(Math.ceil((T0 + 60_000 + 86_400_000) / 1000));
    expect(await store.acquireLease('sweep', 'b', T0 + 1_000, 60_000)).toBe(false);

    expect(await store.nextIssueNumber('2022-06-06')).toBe(1);
    expect(await store.nextIssueNumber('2022-06-06')).toBe(2);
    const counter = await item('COUNTER#ISSUE#20220606', 'COUNTER');
    expect(counter.n).toBe(2);
    // 90 days after the end of 2022-06-06 (Shanghai): 2022-09-04 16:00 UTC.
    expect(counter.expiresAt).toBe(Date.parse('2022-09-04T16:00:00Z') / 1000);

    // Rows (and the issue items that hold used action tokens) never expire.
    await sync(store, [{ row: 2, values: whitelistValues(code(41), '长期企业') }]);
    expect((await item(`ROW#whitelist#${code(41)}`, 'ROW')).expiresAt).toBeUndefined();
  });
});
