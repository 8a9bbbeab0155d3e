// The DynamoDB store on a real dynalite: pagination, batch reads/writes beyond one page, counters,
// conditional writes and the sparse outbox index.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchWriteAll, createDocumentClient, createStore, ensureTable } from '../../functions/adapters/dynamodb-store.js';
import type { RowRecord } from '../../functions/ports.js';
import { StoredDataError } from '../../domain/rows/row-schemas.js';
import type { WhitelistRow } from '../../domain/rows/types.js';
import { makeUscc } from '../../domain/rows/uscc.js';
import { startTestServices, type TestServices } from '../fixtures/local-services.js';

let services: TestServices;
beforeAll(async () => {
  services = await startTestServices();
});
afterAll(async () => {
  await services?.stop();
});

const CODE = makeUscc('91410222MA4000001');
const WHITELIST_ROW: WhitelistRow = { code: CODE, name: '通许县示例机械有限公司', sector: '工业生产', locality: '咸平街道', value: 1200, status: '申报中', partners: [] };

const row = (key: string, big = ''): RowRecord<'whitelist'> => ({
  kind: 'whitelist',
  key,
  workClass: 'industry',
  spreadsheetId: 's',
  row: 2,
  values: { 名称: big },
  value: WHITELIST_ROW,
  hash: 'h',
  version: 1,
  revision: 1,
  updatedAt: 0,
  updatedBy: 't@county.example',
  warnings: [],
});

describe('dynamodb store', () => {
  it('creates the table idempotently and pages through more than 1 MB of rows', async () => {
    await ensureTable(services.dynamo, 'store-pages');
    await ensureTable(services.dynamo, 'store-pages');
    const store = createStore({ client: services.dynamo, tableName: 'store-pages' });
    const big = 'x'.repeat(30_000);
    const keys = Array.from({ length: 45 }, (_, i) => `K${String(i).padStart(3, '0')}`);
    for (const k of keys) expect(await store.putRow(row(k, big), null)).toBe(true);
    // One Query page does not hold them all: listRows must follow LastEvaluatedKey.
    const page = await createDocumentClient(services.dynamo).send(
      new QueryCommand({ TableName: 'store-pages', IndexName: 'byKind', KeyConditionExpression: 'kindPk = :p', ExpressionAttributeValues: { ':p': 'KIND#whitelist' } }),
    );
    expect(page.LastEvaluatedKey).toBeDefined();
    expect(page.Items!.length).toBeLessThan(45);
    const all = await store.listRows('whitelist');
    expect(all.map((r) => r.key).sort()).toEqual(keys);
    expect(await store.listRowKeys('whitelist')).toHaveLength(45);
    expect(await store.listRows('whitelist', 'commerce')).toEqual([]);
  });

  it('batch-writes and batch-reads across several batches', async () => {
    await ensureTable(services.dynamo, 'store-batch');
    const store = createStore({ client: services.dynamo, tableName: 'store-batch' });
    const doc = createDocumentClient(services.dynamo);
    const keys = Array.from({ length: 130 }, (_, i) => `B${i}`);
    await batchWriteAll(
      doc,
      'store-batch',
      keys.map((k) => ({ pk: `ROW#whitelist#${k}`, sk: 'ROW', kindPk: 'KIND#whitelist', kindSk: `industry#${k}`, ...row(k) })),
    );
    const got = await store.getRows('whitelist', [...keys, 'missing']);
    expect(got.size).toBe(130);
    expect(got.get('B129')?.key).toBe('B129');
  });

  it('refuses a write with a stale revision and numbers issues per day atomically', async () => {
    await ensureTable(services.dynamo, 'store-cond');
    const store = createStore({ client: services.dynamo, tableName: 'store-cond' });
    expect(await store.putRow(row('A'), null)).toBe(true);
    expect(await store.putRow(row('A'), null)).toBe(false);
    expect(await store.putRow({ ...row('A'), revision: 2, version: 2 }, 1)).toBe(true);
    expect(await store.putRow({ ...row('A'), revision: 3 }, 1)).toBe(false);
    expect((await store.getRows('whitelist', ['A'])).get('A')?.version).toBe(2);

    const numbers = await Promise.all(Array.from({ length: 20 }, () => store.nextIssueNumber('2022-06-06')));
    expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await store.nextIssueNumber('2022-06-07')).toBe(1);

    expect(await store.claimIssueSource('s#issue#2', 'WT-20220606-001')).toBe('WT-20220606-001');
    expect(await store.claimIssueSource('s#issue#2', 'WT-20220606-002')).toBe('WT-20220606-001');
    expect(await store.getIssueSource('s#issue#2')).toBe('WT-20220606-001');
  });

  it('parses stored rows where they are read: typed values, key attributes dropped, corrupt items refused by name and path', async () => {
    await ensureTable(services.dynamo, 'store-parse');
    const store = createStore({ client: services.dynamo, tableName: 'store-parse' });
    const doc = createDocumentClient(services.dynamo);
    expect(await store.putRow(row('GOOD'), null)).toBe(true);
    const good = (await store.getRows('whitelist', ['GOOD'])).get('GOOD')!;
    expect(good).toEqual(row('GOOD'));
    expect(good.value.status).toBe('申报中');
    expect(Object.keys(good)).not.toContain('pk');

    // A field written by a newer version is dropped, not refused.
    const newer = { ...row('NEWER'), value: { ...WHITELIST_ROW, certifiedOn: '2022-06-01' }, extra: 1 };
    await batchWriteAll(doc, 'store-parse', [{ pk: 'ROW#whitelist#NEWER', sk: 'ROW', kindPk: 'KIND#whitelist', kindSk: 'industry#NEWER', ...newer }]);
    expect((await store.getRows('whitelist', ['NEWER'])).get('NEWER')).toEqual(row('NEWER'));

    // A corrupt item: a date not normalised, a value typed as text, a status no version wrote.
    const bad = { ...row('BAD'), value: { ...WHITELIST_ROW, status: '审核中', value: '1200', admittedOn: '2022/6/1' } };
    await batchWriteAll(doc, 'store-parse', [{ pk: 'ROW#whitelist#BAD', sk: 'ROW', kindPk: 'KIND#whitelist', kindSk: 'industry#BAD', ...bad }]);
    let err: unknown;
    try {
      await store.listRows('whitelist');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoredDataError);
    const e = err as StoredDataError;
    expect(e.code).toBe('stored_data_invalid');
    expect(e.problems.map((p) => p.path).sort()).toEqual(['value.admittedOn', 'value.status', 'value.value']);
    expect(e.message).toContain('白名单');
    expect(e.message).toContain('BAD');
    expect(e.message).toContain('「状态」');
    await expect(store.getRows('whitelist', ['BAD'])).rejects.toThrow(StoredDataError);
    // An item of another kind under a whitelist key is not read as a whitelist row.
    await batchWriteAll(doc, 'store-parse', [{ pk: 'ROW#whitelist#ALIEN', sk: 'ROW', ...row('ALIEN'), kind: 'unit' }]);
    await expect(store.getRows('whitelist', ['ALIEN'])).rejects.toThrow(/kind/);
  });

  it('claims a delivery once until it fails and is due again', async () => {
    await ensureTable(services.dynamo, 'store-deliv');
    const store = createStore({ client: services.dynamo, tableName: 'store-deliv' });
    const a = await store.claimDelivery('N#1', 'a@county.example', 1000, 500);
    expect(a).toMatchObject({ status: 'sending', attempts: 1, leaseUntil: 1500 });
    expect(await store.claimDelivery('N#1', 'a@county.example', 1200, 500)).toBeNull();
    await store.markDeliveryFailed('N#1', 'a@county.example', { error: 'Throttling', nextAttemptAt: 5000, permanent: false }, 1300);
    expect(await store.claimDelivery('N#1', 'a@county.example', 4000, 500)).toBeNull();
    expect(await store.claimDelivery('N#1', 'a@county.example', 5000, 500)).toMatchObject({ attempts: 2 });
    await store.markDeliverySent('N#1', 'a@county.example', 'm-1', 5100);
    expect(await store.claimDelivery('N#1', 'a@county.example', 99_999_999, 500)).toBeNull();
    expect(await store.getDelivery('N#1', 'a@county.example')).toMatchObject({ status: 'sent', messageId: 'm-1', attempts: 2 });
  });

  it('marks many claimed deliveries sent in batches: final, as claimed, lease and next attempt dropped', async () => {
    await ensureTable(services.dynamo, 'store-marks');
    const store = createStore({ client: services.dynamo, tableName: 'store-marks' });
    const to = (i: number) => `r${i}@county.example`;
    // 60 recipients (three BatchWriteItem calls), one of them a retry of an earlier failure.
    await store.claimDelivery('N#2', to(0), 1000, 500);
    await store.markDeliveryFailed('N#2', to(0), { error: 'Throttling', nextAttemptAt: 2000, permanent: false }, 1100);
    const claims = await Promise.all(Array.from({ length: 60 }, (_, i) => store.claimDelivery('N#2', to(i), 3000, 500, { generation: 7 })));
    expect(claims.every((c) => c?.status === 'sending')).toBe(true);
    const marks = claims.map((claimed, i) => ({ claimed: claimed!, messageId: `m-${i}`, now: 3100 + i }));
    // A key twice in one call is written once (the last mark).
    await store.markDeliveriesSent([...marks, { ...marks[5], messageId: 'm-5b' }]);
    for (let i = 0; i < 60; i++) {
      const d = await store.getDelivery('N#2', to(i));
      expect(d).toMatchObject({ notificationKey: 'N#2', recipient: to(i), status: 'sent', messageId: i === 5 ? 'm-5b' : `m-${i}`, sentAt: 3100 + i, attempts: i === 0 ? 2 : 1 });
      expect(d).not.toHaveProperty('leaseUntil');
      expect(d).not.toHaveProperty('nextAttemptAt');
      expect(await store.claimDelivery('N#2', to(i), 99_999_999, 500, { generation: 99 })).toBeNull();
    }
    expect((await store.getDelivery('N#2', to(0)))?.lastError).toBe('Throttling');
  });
});
