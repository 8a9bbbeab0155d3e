// The reads and writes of the Friday digest on the one table (layout in table-schema.ts):
// - issues the digest of a week needs, from the byActivity / byResolveWeek indexes: the open ones,
//   the closed ones changed since the week's Monday, and the closed ones whose last 办结时限 falls in
//   the week. What is read grows with the week's activity and the open backlog, never with history.
// - weekly coverage snapshots (SNAPSHOT/<week>, small) and their per-code values (SNAPVAL#<week>,
//   chunked: a county of 20,000 rows would not fit one 400 KB item);
// - the digest record DIGEST#<week>/RECORD, created with attribute_not_exists BEFORE any mail goes
//   out: the once-per-week guarantee; the stored page, text and model as gzip blobs keyed by the run
//   that wrote them (a racing loser's blobs never replace the winner's);
// - mail address state ADDR#<email>/ADDR from SES bounce and complaint notifications.
// Also `attachReadCounter`: counts the items every Query/GetItem/BatchGetItem returns (and scans)
// through a DynamoDB client, for the digest's `itemsRead` and the benchmark.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { CoverageSnapshot } from '../../domain/reports/snapshots.js';
import { sweepDueAt } from '../../domain/issues/sweep.js';
import { addDays, isoWeek, isoWeekRange, shanghaiDate } from '../../domain/time/time.js';
import type { IssueRecord } from '../../domain/issues/types.js';
import { batchWriteAll, createDocumentClient, enterprisePointerKey, queryAllPages } from './dynamodb-store.js';
import type { AddressRecord, DigestReader, DigestRecord, DigestStore, ReadCounter, RowRecord, StoredIssue } from '../ports.js';
import { ACTIVITY_OPEN, DIGEST_INDEX_ATTRS, issueDigestKeys } from './table-schema.js';

type Item = Record<string, unknown>;

/** Largest blob chunk stored in one item (DynamoDB items are ≤ 400 KB). */
const CHUNK_BYTES = 350_000;
/** Codes per snapshot-values item (~40 bytes each). */
const VALUES_PER_ITEM = 5_000;

/** Count read items on every command sent through `client` (and document clients made from it). */
export function attachReadCounter(client: DynamoDBClient): ReadCounter {
  const c = { items: 0, scanned: 0, calls: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      const res = await next(args);
      const out = res.output as { Items?: unknown[]; Item?: unknown; Responses?: Record<string, unknown[]>; ScannedCount?: number; Count?: number };
      let n = -1;
      if (Array.isArray(out?.Items)) n = out.Items.length;
      else if (out?.Responses && typeof out.Responses === 'object') n = Object.values(out.Responses).reduce((s, v) => s + (Array.isArray(v) ? v.length : 0), 0);
      else if (out && 'Item' in out) n = out.Item ? 1 : 0;
      if (n >= 0) {
        c.calls += 1;
        c.items += n;
        c.scanned += typeof out.ScannedCount === 'number' ? out.ScannedCount : n;
      }
      return res;
    },
    { step: 'initialize', name: 'sibaoReadCounter', override: true },
  );
  return {
    get items() {
      return c.items;
    },
    get scanned() {
      return c.scanned;
    },
    get calls() {
      return c.calls;
    },
    reset() {
      c.items = 0;
      c.scanned = 0;
      c.calls = 0;
    },
  };
}

const STRIP = new Set<string>(['pk', 'sk', 'type', 'kindPk', 'kindSk', 'unitPk', 'unitSk', 'duePk', 'dueSk', 'outboxPk', 'outboxSk', ...DIGEST_INDEX_ATTRS]);

function strip<T>(item: Item): T {
  const out: Item = {};
  for (const [k, v] of Object.entries(item)) if (!STRIP.has(k)) out[k] = v;
  return out as T;
}

/** Every ISO week from `week` to the week of `untilDay` (inclusive; at least `week`). */
export function weeksFrom(week: string, untilDay: string): string[] {
  const out = [week];
  let day = addDays(isoWeekRange(week).monday, 7);
  while (day <= untilDay) {
    out.push(isoWeek(day));
    day = addDays(day, 7);
  }
  return out;
}

/** Index partitions queried at once by issuesForPeriod. */
const PARTITIONS_AT_ONCE = 8;

export interface DigestStoreOptions {
  client: DynamoDBClient;
  tableName: string;
}

const isCondition = (err: unknown) => (err as Error)?.name === 'ConditionalCheckFailedException';

/** What the API reads (the dashboard's week, a stored digest page): the writes stay out of its bundle. */
export function createDigestReader({ client, tableName }: DigestStoreOptions): DigestReader {
  return digestReads(createDocumentClient(client), tableName);
}

function digestReads(doc: DynamoDBDocumentClient, TableName: string): DigestReader {
  const queryAll = (input: Omit<QueryCommandInput, 'TableName'>) => queryAllPages(doc, TableName, input);
  const reads: DigestReader = {
    async issuesForWeek(week, now) {
      const { monday, sunday } = isoWeekRange(week);
      return reads.issuesForPeriod(monday, sunday, now);
    },

    async issuesForPeriod(from, to, now) {
      const partitions = [
        { IndexName: 'byActivity', KeyConditionExpression: 'actPk = :p', ExpressionAttributeValues: { ':p': ACTIVITY_OPEN } },
        ...weeksFrom(isoWeek(from), shanghaiDate(now)).map((w) => ({ IndexName: 'byActivity', KeyConditionExpression: 'actPk = :p', ExpressionAttributeValues: { ':p': `ACT#${w}` } })),
        ...weeksFrom(isoWeek(from), to).map((w) => ({ IndexName: 'byResolveWeek', KeyConditionExpression: 'rwPk = :p', ExpressionAttributeValues: { ':p': `RW#${w}` } })),
      ];
      const byId = new Map<string, IssueRecord>();
      // A long period has a partition per week: a few queries at a time.
      for (let i = 0; i < partitions.length; i += PARTITIONS_AT_ONCE) {
        const parts = await Promise.all(partitions.slice(i, i + PARTITIONS_AT_ONCE).map((input) => queryAll(input)));
        for (const items of parts) {
          for (const it of items) {
            const rec = (it as unknown as StoredIssue).record;
            if (rec?.id) byId.set(rec.id, rec);
          }
        }
      }
      return [...byId.values()];
    },

    async getDigest(week) {
      const res = await doc.send(new GetCommand({ TableName, Key: { pk: `DIGEST#${week}`, sk: 'RECORD' }, ConsistentRead: true }));
      return res.Item ? strip<DigestRecord>(res.Item as Item) : null;
    },

    async getBlob(rec, name) {
      const n = rec.blobs[name];
      if (!n) return null;
      const items = await queryAll({
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':p': `DIGEST#${rec.week}`, ':s': `BLOB#${rec.runId}#${name}#` },
        ConsistentRead: true,
      });
      if (items.length !== n) return null;
      items.sort((a, b) => (String(a.sk) < String(b.sk) ? -1 : 1));
      return gunzipSync(Buffer.concat(items.map((i) => Buffer.from(i.data as Uint8Array)))).toString('utf8');
    },
  };
  return reads;
}

export function createDigestStore({ client, tableName }: DigestStoreOptions): DigestStore {
  const doc = createDocumentClient(client);
  const TableName = tableName;

  const queryAll = (input: Omit<QueryCommandInput, 'TableName'>) => queryAllPages(doc, TableName, input);

  const addrKey = (email: string) => ({ pk: `ADDR#${email.toLowerCase()}`, sk: 'ADDR' });
  const blobSk = (runId: string, name: string, i: number) => `BLOB#${runId}#${name}#${String(i).padStart(3, '0')}`;

  const store: DigestStore = {
    ...digestReads(doc, TableName),
    async snapshotsBefore(week, limit = 8) {
      const res = await doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :p AND sk < :w',
          ExpressionAttributeValues: { ':p': 'SNAPSHOT', ':w': week },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return ((res.Items ?? []) as Item[]).map((i) => strip<CoverageSnapshot>(i));
    },

    async snapshotValues(week) {
      const items = await queryAll({ KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `SNAPVAL#${week}` } });
      if (items.length === 0) return undefined;
      const out: Record<string, number> = {};
      for (const it of items) Object.assign(out, it.values as Record<string, number>);
      return out;
    },

    async putSnapshot(s) {
      const { values, ...rest } = s;
      const entries = Object.entries(values ?? {});
      const items: Item[] = [{ pk: 'SNAPSHOT', sk: s.week, type: 'snapshot', ...rest }];
      for (let i = 0; i * VALUES_PER_ITEM < entries.length; i++) {
        items.push({
          pk: `SNAPVAL#${s.week}`,
          sk: String(i).padStart(3, '0'),
          type: 'snapshot_values',
          values: Object.fromEntries(entries.slice(i * VALUES_PER_ITEM, (i + 1) * VALUES_PER_ITEM)),
        });
      }
      await batchWriteAll(doc, TableName, items);
    },

    async putBlobs(week, runId, blobs) {
      const counts: Record<string, number> = {};
      const items: Item[] = [];
      for (const [name, text] of Object.entries(blobs)) {
        const gz = gzipSync(Buffer.from(text, 'utf8'));
        const n = Math.max(1, Math.ceil(gz.length / CHUNK_BYTES));
        counts[name] = n;
        for (let i = 0; i < n; i++) {
          items.push({ pk: `DIGEST#${week}`, sk: blobSk(runId, name, i), type: 'digest_blob', data: gz.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES) });
        }
      }
      await batchWriteAll(doc, TableName, items);
      return counts;
    },

    async deleteBlobs(week, runId, blobs) {
      for (const [name, n] of Object.entries(blobs)) {
        for (let i = 0; i < n; i++) await doc.send(new DeleteCommand({ TableName, Key: { pk: `DIGEST#${week}`, sk: blobSk(runId, name, i) } }));
      }
    },

    async createDigest(rec) {
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: { pk: `DIGEST#${rec.week}`, sk: 'RECORD', type: 'digest', ...rec },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (err) {
        if (isCondition(err)) return false;
        throw err;
      }
    },

    async markDigestSent(week, runId, f) {
      await doc.send(
        new UpdateCommand({
          TableName,
          Key: { pk: `DIGEST#${week}`, sk: 'RECORD' },
          UpdateExpression: 'SET #s = :sent, sentAt = if_not_exists(sentAt, :at), delivered = :d, failed = :f',
          ConditionExpression: 'runId = :run',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':sent': 'sent', ':at': f.sentAt, ':d': f.delivered, ':f': f.failed, ':run': runId },
        }),
      );
    },

    async getAddress(email) {
      const res = await doc.send(new GetCommand({ TableName, Key: addrKey(email), ConsistentRead: true }));
      return res.Item ? strip<AddressRecord>(res.Item as Item) : null;
    },

    async putAddress(rec, expectedRevision) {
      const Item = { ...addrKey(rec.email), type: 'address', kindPk: 'KIND#address', kindSk: `${rec.status}#${rec.email}`, ...rec };
      try {
        await doc.send(
          new PutCommand(
            expectedRevision === null
              ? { TableName, Item, ConditionExpression: 'attribute_not_exists(pk)' }
              : { TableName, Item, ConditionExpression: '#r = :r', ExpressionAttributeNames: { '#r': 'revision' }, ExpressionAttributeValues: { ':r': expectedRevision } },
          ),
        );
        return true;
      } catch (err) {
        if (isCondition(err)) return false;
        throw err;
      }
    },

    async listProblemAddresses(withSoft = false) {
      const items = await queryAll({ IndexName: 'byKind', KeyConditionExpression: 'kindPk = :p', ExpressionAttributeValues: { ':p': 'KIND#address' } });
      return items.map((i) => strip<AddressRecord>(i)).filter((a) => withSoft || a.status !== 'soft');
    },

    async suppressedAmong(emails) {
      const out = new Set<string>();
      const unique = [...new Set(emails.map((e) => e.toLowerCase()))];
      for (let i = 0; i < unique.length; i += 100) {
        const res = await Promise.all(unique.slice(i, i + 100).map((e) => store.getAddress(e)));
        for (const a of res) if (a && (a.status === 'bounced' || a.status === 'complained')) out.add(a.email);
      }
      return out;
    },
  };
  return store;
}

/** Unconditional bulk put of ready-made items (benchmarks and backfills only). */
export async function putItems(client: DynamoDBClient, tableName: string, items: readonly Item[]): Promise<void> {
  await batchWriteAll(createDocumentClient(client), tableName, items);
}

// ---- bulk item builders: the exact items Store.putRow / Store.putIssue write ---------------------
// For bulk loads (the benchmark) that skip the per-item conditional writes. test/integration/
// digest-store.test.ts checks they equal what the store itself writes.

export function rowItemForBulk(rec: RowRecord): Item {
  return { pk: `ROW#${rec.kind}#${rec.key}`, sk: 'ROW', type: 'row', kindPk: `KIND#${rec.kind}`, kindSk: `${rec.workClass}#${rec.key}`, ...rec };
}

export function issueItemForBulk(rec: StoredIssue): Item {
  const r = rec.record;
  // The enterprise pointer's key as putIssue records it; the pointer item itself is not written by a
  // bulk load (the enterprise index's backfill, run by the sweep, writes it; until then the page reads without it).
  const pointer = enterprisePointerKey(r);
  const item: Item = { pk: `ISSUE#${r.id}`, sk: 'ISSUE', type: 'issue', kindPk: 'KIND#issue', kindSk: `${rec.workClass}#${r.id}`, ...(pointer ? { entPk: pointer.pk, entSk: pointer.sk } : {}), ...rec };
  const cur = r.assignments[r.assignments.length - 1];
  if (cur?.unit) {
    item.unitPk = `UNIT#${cur.unit}`;
    item.unitSk = `${r.status}#${r.id}`;
  }
  const due = sweepDueAt(r, rec.sweep);
  if (due !== null) {
    item.duePk = 'DUE';
    item.dueSk = `${new Date(due).toISOString()}#${r.id}`;
  }
  const pending = Object.values(rec.pending ?? {});
  if (pending.length > 0) {
    item.outboxPk = 'PENDING';
    item.outboxSk = `${String(Math.min(...pending.map((n) => n.createdAt))).padStart(15, '0')}#${r.id}`;
  }
  for (const [k, v] of Object.entries(issueDigestKeys(r))) if (v !== undefined) item[k] = v;
  return item;
}
