// The Store port on one DynamoDB table (see table-schema.ts for the item layout and indexes).
// Every write that matters is a single conditional item write; no TransactWriteItems (the local
// server lacks it). Every Query paginates; batch reads and writes retry unprocessed keys with backoff.
//
// Plain sheet rows (every kind except issues) are the one bulk path: `POST /v1/sync` of 500
// whitelist rows must not cost 500 round trips. The sync reads the batch's existing items with one
// strongly consistent BatchGetItem per 100 keys (`getRows`), answers unchanged rows without writing,
// writes updates as conditional PutItem on the item revision (a stale `version` is never
// overwritten: a lost race is re-read and decided again), and creates NEW rows with BatchWriteItem
// (`putNewRows`, 25 per call, unconditional: DynamoDB has no conditional batch write, and the local
// server has neither TransactWriteItems nor PartiQL). Every created item carries the sync's random
// `writeId`; the sync reads the created keys' writeIds back (`getRowWriteIds`, consistent) and answers
// `created` only where its own writeId is stored. Where another sync's item is there, the row is
// decided again against that item exactly as a later single-row sync would be (same content:
// unchanged; another class: owned_by_other_class; a stale `version`: conflict; no version: an edit
// written with a conditional put), so two creates of one key whose writes both land before either
// read-back have exactly one `created`, and what is stored is what the answers say.
// Decision on the race that remains: if another sync's BatchWriteItem AND its read-back are both
// served between our consistent read and the moment our BatchWriteItem lands (our write still in
// flight, or the few ms of local work between read and write), both syncs answer `created` and our
// later write stays (last writer wins). We accept that for plain rows only: they carry no side
// effects (no routing, no mail, no outbox), both contents passed validation, and the overwritten
// sheet's next sync is decided against the stored item like any edit of version 1 (its content is
// written back as version 2, after which the other sheet's version 1 is a reported conflict; an
// overwrite by another class is reported as owned_by_other_class). Closing the window would take a
// conditional write per row, i.e. the per-row cost this path exists to avoid. Not on this path:
// issues (their create is a conditional PutItem carrying routing + outbox in the same item) and the
// configuration kinds (成员, 责任单位, 路由规则 …: authorisation and routing are built from them,
// batches are small, so their creates stay conditional PutItem). Every update of any kind is a
// conditional PutItem on the item revision.
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { CLASS_KINDS, WORK_CLASS_IDS, type RowKind, type WorkClassId } from '../../domain/rows/kinds.js';
import { compactEvents, eventTotal, ITEM_EVENTS, numberedEvents } from '../../domain/issues/events.js';
import { sweepDueAt } from '../../domain/issues/sweep.js';
import { DECISION_TYPES } from '../../domain/issues/catalog.js';
import { endOfShanghaiDay } from '../../domain/time/time.js';
import { isOpen } from '../../domain/issues/lifecycle.js';
import type { ApiStore, BatchRecord, CoverageSumsRecord, DecisionRecord, DeliveryRecord, IssuePageQuery, IssueQuery, IssueSummarySource, JobStoreMethod, RowRecord, StoredIssue, Store, VersionedKind } from '../ports.js';
import { CursorError, ISSUE_SUMMARY_FIELDS, isThrottling, StoreError } from '../ports.js';
import { createHistoryStore, eventItem, historyItem, usedTokenItem } from './history-store.js';
import { parseProfileItem, parseRowItem } from './stored-rows.js';
import { ACTIVITY_OPEN, createTableInput, DIGEST_INDEX_ATTRS, issueDigestKeys, TABLE_SCHEMA, ttlSeconds, type IndexName } from './table-schema.js';

type Item = Record<string, unknown>;

const KEY_ATTRS = [TABLE_SCHEMA.timeToLiveAttribute, 'pk', 'sk', 'type', 'kindPk', 'kindSk', 'unitPk', 'unitSk', 'duePk', 'dueSk', 'outboxPk', 'outboxSk', 'entPk', 'entSk', ...DIGEST_INDEX_ATTRS];

export interface DynamoStoreOptions {
  client: DynamoDBClient;
  tableName: string;
}

/** Create the table with its indexes unless it exists (local server and tests; CDK makes it in AWS). */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException) && (err as Error).name !== 'ResourceNotFoundException') throw err;
  }
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (err) {
    // A concurrent creator won: fine.
    if ((err as Error).name !== 'ResourceInUseException') throw err;
  }
  // A new table answers only once ACTIVE (dynalite in another process takes a moment too).
  for (let i = 0; i < 200; i++) {
    const res = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (res.Table?.TableStatus === 'ACTIVE') return;
    await sleep(25);
  }
}

function isConditionFailure(err: unknown): boolean {
  return (err as Error)?.name === 'ConditionalCheckFailedException';
}

/**
 * The store's errors in the port's terms: an item over DynamoDB's 400 KB limit is `item_too_large`
 * (the caller answers 413 or sets the item aside), throttling beyond the SDK's retries `throttled`;
 * anything else passes unchanged.
 */
export function storeFailure(err: unknown): unknown {
  const e = err as Error;
  if (e?.name === 'ValidationException' && /item size/i.test(e.message ?? '')) {
    return new StoreError('item_too_large', '条目超过 DynamoDB 单条 400 KB 上限', { cause: err });
  }
  if (isThrottling(err)) return new StoreError('throttled', '数据库请求被限流，重试后仍未成功', { cause: err });
  return err;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Backoff for unprocessed batch items: 50 ms doubling, capped at 2 s, with jitter. */
const backoffMs = (attempt: number) => Math.min(2_000, 50 * 2 ** attempt) * (0.5 + Math.random() / 2);
const MAX_BATCH_ATTEMPTS = 10;
/**
 * The version item of a versioned row kind (Store.rowsVersion; the whitelist's where 0.1 kept it, next
 * to the coverage sums) and a day's coverage sums (kept a week past the day).
 */
const rowsVersionKey = (kind: VersionedKind) => (kind === 'whitelist' ? { pk: 'COVERAGE', sk: 'VERSION' } : { pk: 'ROWSVERSION', sk: kind });
const coverageSumsKey = (day: string) => ({ pk: 'COVERAGE', sk: `SUMS#${day}` });
const COVERAGE_SUMS_TTL_MS = 7 * 86_400_000;

/** BatchWriteItem calls of one `putNewRows` in flight at once (20 calls for a 500-row sync). */
export const BATCH_WRITES_IN_FLIGHT = 4;

function strip<T>(item: Item | undefined): T | null {
  if (!item) return null;
  const out: Item = { ...item };
  for (const k of KEY_ATTRS) delete out[k];
  return out as T;
}

const DAY_MS = 86_400_000;
/** A lease item may be deleted (TTL) a day after it lapses: an absent lease is a free one. */
const LEASE_TTL_GRACE_MS = DAY_MS;
/** A day counter may be deleted 90 days after its day (only the current day is ever counted). */
const COUNTER_TTL_MS = 90 * DAY_MS;

const rowPk = (kind: RowKind, key: string) => `ROW#${kind}#${key}`;
const issuePk = (id: string) => `ISSUE#${id}`;

function rowItem(rec: RowRecord): Item {
  return { pk: rowPk(rec.kind, rec.key), sk: 'ROW', type: 'row', kindPk: `KIND#${rec.kind}`, kindSk: `${rec.workClass}#${rec.key}`, ...rec };
}

const decisionPk = (id: string) => `DECISION#${id}`;

/** A decision item: listed by type (open ones first by `O#`), in the decisions' own outbox partition. */
function decisionItem(rec: DecisionRecord): Item {
  const item: Item = { pk: decisionPk(rec.id), sk: 'DECISION', ...rec, type: 'decision', kindPk: `KIND#decision#${rec.decisionType}`, kindSk: `${rec.open ? 'O' : rec.applied === false ? 'A' : 'C'}#${rec.id}` };
  const pending = Object.values(rec.pending ?? {});
  if (pending.length > 0) {
    const oldest = Math.min(...pending.map((n) => n.createdAt));
    item.outboxPk = 'PENDING_DECISION';
    item.outboxSk = `${String(oldest).padStart(15, '0')}#${rec.id}`;
  }
  return item;
}

/** Sort key of the byDeadline index: UTC ISO instant (sorts as time) + id. */
const dueKey = (at: number, id: string) => `${new Date(at).toISOString()}#${id}`;
/** Upper bound (exclusive) of the keys due at or before `until`: `#` < `$`. */
const dueUntil = (until: number) => `${new Date(until).toISOString()}$`;

/**
 * The key of an issue's pointer item in its enterprise's partition (Store.listIssuesOfEnterprise):
 * ENTISSUE#<反映企业代码> / <createdAt, 15 digits>#<编号>, so the partition reads newest first. null
 * for an issue without an enterprise code (nothing to find it by).
 */
export function enterprisePointerKey(r: Pick<StoredIssue['record'], 'id' | 'createdAt' | 'issue'>): { pk: string; sk: string } | null {
  const code = r.issue?.enterpriseCode;
  if (typeof code !== 'string' || code === '' || typeof r.createdAt !== 'number') return null;
  return { pk: `ENTISSUE#${code}`, sk: `${String(r.createdAt).padStart(15, '0')}#${r.id}` };
}

/**
 * A pointer item. `revision` is the issue's revision whose write needed it (the write that created the
 * issue or moved it under this code; the backfill: the revision it read): a write that moves the
 * issue away deletes the pointer only if it is older than that write (Store.putIssue), so a slow
 * move A → B cannot delete the pointer a later move B → A put back.
 */
const pointerItem = (key: { pk: string; sk: string }, id: string, revision: number): Item => ({ ...key, type: 'enterprise_issue', id, revision });

function issueItem(rec: StoredIssue): Item {
  const r = rec.record;
  const pointer = enterprisePointerKey(r);
  const item: Item = {
    pk: issuePk(r.id),
    sk: 'ISSUE',
    type: 'issue',
    kindPk: 'KIND#issue',
    kindSk: `${rec.workClass}#${r.id}`,
    // The pointer this write keeps (putIssue): the next write sees whether it moved.
    ...(pointer ? { entPk: pointer.pk, entSk: pointer.sk } : {}),
    ...rec,
  };
  // A deleted issue (a tombstone: only one never routed to a unit) leaves the unit, deadline and
  // digest indexes: no unit lists it, the sweep does not remind it, the digest does not count it.
  const live = rec.deletedAt === undefined;
  const cur = r.assignments[r.assignments.length - 1];
  if (live && cur?.unit) {
    item.unitPk = `UNIT#${cur.unit}`;
    item.unitSk = `${r.status}#${r.id}`;
  }
  const due = live ? sweepDueAt(r, rec.sweep) : null;
  if (due !== null) {
    item.duePk = 'DUE';
    item.dueSk = dueKey(due, r.id);
  }
  const pending = Object.values(rec.pending ?? {});
  if (pending.length > 0) {
    const oldest = Math.min(...pending.map((n) => n.createdAt));
    item.outboxPk = 'PENDING';
    item.outboxSk = `${String(oldest).padStart(15, '0')}#${r.id}`;
  }
  // The digest's indexes (issues by activity week, by resolve week): set on every write of a live issue.
  if (live) Object.assign(item, issueDigestKeys(r));
  return item;
}

/**
 * Write many items with BatchWriteItem (25 per call, up to `inFlight` calls at once), retrying
 * UnprocessedItems with backoff. For unconditional bulk writes only; anything needing a condition
 * goes through single writes.
 */
export async function batchWriteAll(doc: DynamoDBDocumentClient, tableName: string, items: readonly Item[], inFlight = 1): Promise<void> {
  const chunks: Item[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      let requests = chunks[next++].map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt >= MAX_BATCH_ATTEMPTS) throw new StoreError('batch_unprocessed', `批量写入在 ${attempt} 次重试后仍有 ${requests.length} 项未完成`);
        if (attempt > 0) await sleep(backoffMs(attempt));
        const res = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (res.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(inFlight, chunks.length)) }, worker));
}

export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}

/** Every page of a Query (LastEvaluatedKey loop): every query of the table goes through here. */
export async function queryAllPages(doc: DynamoDBDocumentClient, TableName: string, input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
  const out: Item[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const res = await doc.send(new QueryCommand({ ...input, TableName, ExclusiveStartKey }));
    out.push(...((res.Items ?? []) as Item[]));
    ExclusiveStartKey = res.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return out;
}

/**
 * Whether an issue item should drain its events and used tokens to their own items now: it holds
 * more events than it keeps, tokens, or is getting large (the item must stay far below 64 KB).
 */
export function needsDrain(rec: StoredIssue): boolean {
  if (rec.record.events.length > ITEM_EVENTS + 10 || Object.keys(rec.usedTokens ?? {}).length > 8) return true;
  return Buffer.byteLength(JSON.stringify(rec.record.events), 'utf8') > 24_000;
}

/**
 * How one page of an issue listing is read: the index and key condition that hold exactly the
 * issues asked for, or (a status without a unit) the smallest index that holds them with a filter
 * on the status: open statuses from the open issues (byActivity ACT#OPEN), closed ones from all
 * issues (byKind). `query` names the listing; a cursor carries it and is refused for another one.
 */
function issuePagePlan(q: IssueQuery): { query: string; input: Omit<QueryCommandInput, 'TableName'>; index: IndexName; partition: string } {
  // Only the fields a listing answers with (ISSUE_SUMMARY_FIELDS): half the read time of whole items.
  const names: Record<string, string> = { '#rec': 'record' };
  const paths = ISSUE_SUMMARY_FIELDS.map((f, i) => {
    names[`#f${i}`] = f;
    return `#rec.#f${i}`;
  });
  const status = ISSUE_SUMMARY_FIELDS.indexOf('status');
  const filter = {
    ProjectionExpression: paths.join(', '),
    ExpressionAttributeNames: names,
    ...(q.status ? { FilterExpression: `#rec.#f${status} = :s` } : {}),
  };
  if (q.unit) {
    const partition = `UNIT#${q.unit}`;
    return {
      query: `unit\u0000${q.unit}\u0000${q.status ?? ''}`,
      index: 'byUnit',
      partition,
      input: {
        IndexName: 'byUnit',
        KeyConditionExpression: q.status ? 'unitPk = :p AND begins_with(unitSk, :s)' : 'unitPk = :p',
        ExpressionAttributeValues: q.status ? { ':p': partition, ':s': `${q.status}#` } : { ':p': partition },
        ProjectionExpression: filter.ProjectionExpression,
        ExpressionAttributeNames: filter.ExpressionAttributeNames,
      },
    };
  }
  const open = q.status !== undefined && isOpen(q.status);
  const index: IndexName = open ? 'byActivity' : 'byKind';
  const partition = open ? ACTIVITY_OPEN : 'KIND#issue';
  const key = open ? 'actPk' : 'kindPk';
  // Deleted issues stay in byKind (their tombstones) and leave byActivity (issueItem): filtered out here.
  const conds = [...(filter.FilterExpression ? [filter.FilterExpression] : []), ...(open ? [] : ['attribute_not_exists(#del)'])];
  return {
    query: `${index}\u0000${q.status ?? ''}`,
    index,
    partition,
    input: {
      IndexName: index,
      KeyConditionExpression: `${key} = :p`,
      ProjectionExpression: filter.ProjectionExpression,
      ExpressionAttributeNames: open ? filter.ExpressionAttributeNames : { ...filter.ExpressionAttributeNames, '#del': 'deletedAt' },
      ...(conds.length > 0 ? { FilterExpression: conds.join(' AND ') } : {}),
      ExpressionAttributeValues: q.status ? { ':p': partition, ':s': q.status } : { ':p': partition },
    },
  };
}

/** The key attributes of a Query's LastEvaluatedKey on each index (table key + index key). */
function indexKeyAttrs(index: IndexName): readonly [string, string, string, string] {
  const g = TABLE_SCHEMA.globalSecondaryIndexes.find((x) => x.indexName === index)!;
  return ['pk', 'sk', g.partitionKey, g.sortKey];
}

/** An opaque page cursor: the listing it belongs to and the last evaluated key, base64url JSON. */
function encodePageCursor(query: string, index: IndexName, lastKey: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ q: query, k: indexKeyAttrs(index).map((a) => lastKey[a]) }), 'utf8').toString('base64url');
}

/** The ExclusiveStartKey of a cursor issued for `plan`; CursorError for anything else. */
function decodePageCursor(cursor: string, plan: ReturnType<typeof issuePagePlan>): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError();
  }
  const { q, k } = (parsed ?? {}) as { q?: unknown; k?: unknown };
  const attrs = indexKeyAttrs(plan.index);
  if (q !== plan.query || !Array.isArray(k) || k.length !== attrs.length || !k.every((v) => typeof v === 'string' && v.length > 0 && v.length <= 1024)) {
    throw new CursorError();
  }
  // Never a key outside the partition the query reads.
  if (k[2] !== plan.partition || !String(k[0]).startsWith('ISSUE#')) throw new CursorError();
  return Object.fromEntries(attrs.map((a, i) => [a, k[i] as string]));
}

export function createStore({ client, tableName }: DynamoStoreOptions): Store {
  const doc = createDocumentClient(client);
  return { ...apiStoreMethods(doc, tableName), ...jobStoreMethods(doc, tableName) };
}

/** The Store the API uses: the jobs' due lists, lease and deliveries stay out of the api bundle. */
export function createApiStore({ client, tableName }: DynamoStoreOptions): ApiStore {
  return apiStoreMethods(createDocumentClient(client), tableName);
}

function apiStoreMethods(doc: DynamoDBDocumentClient, tableName: string): ApiStore {
  const TableName = tableName;
  const queryAll = (input: Omit<QueryCommandInput, 'TableName'>) => queryAllPages(doc, TableName, input);
  const history = createHistoryStore(doc, TableName, (items) => batchWriteAll(doc, TableName, items, BATCH_WRITES_IN_FLIGHT), queryAll);
  const live = (items: Item[]) => items.filter((i) => i.deletedAt === undefined);

  /**
   * The outbox-like drain of an issue item just written (revision `rec.revision`): its events and
   * used tokens are put in their own items (idempotent), then the item is rewritten without them
   * (conditional on the revision; a concurrent writer wins and the next write drains again).
   */
  async function drainIssue(rec: StoredIssue): Promise<void> {
    const id = rec.record.id;
    const drained = rec.eventsDrained ?? 0;
    const total = eventTotal(rec.record);
    const items = [
      ...numberedEvents(rec.record)
        .filter((e) => e.seq > drained)
        .map((e) => eventItem(id, e)),
      ...Object.entries(rec.usedTokens ?? {}).map(([nonce, at]) => usedTokenItem(id, nonce, at)),
      ...(rec.history ? [historyItem(rec.history)] : []),
    ];
    await batchWriteAll(doc, TableName, items, BATCH_WRITES_IN_FLIGHT);
    const next: StoredIssue = { ...rec, record: compactEvents(rec.record, total), eventsDrained: total, usedTokens: {}, revision: rec.revision + 1 };
    await conditionalPut(issueItem(next), rec.revision);
  }

  async function batchGet(keys: { pk: string; sk: string }[], projection?: readonly string[]): Promise<Item[]> {
    const project = projection
      ? { ProjectionExpression: projection.map((_, i) => `#p${i}`).join(', '), ExpressionAttributeNames: Object.fromEntries(projection.map((a, i) => [`#p${i}`, a])) }
      : {};
    const out: Item[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Record<string, unknown>[] = keys.slice(i, i + 100);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= MAX_BATCH_ATTEMPTS) throw new StoreError('batch_unprocessed', `批量读取在 ${attempt} 次重试后仍有 ${pending.length} 项未完成`);
        if (attempt > 0) await sleep(backoffMs(attempt));
        const res = await doc.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: pending, ConsistentRead: true, ...project } } }));
        out.push(...((res.Responses?.[TableName] ?? []) as Item[]));
        pending = (res.UnprocessedKeys?.[TableName]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    return out;
  }

  async function conditionalPut(Item: Item, expectedRevision: number | null): Promise<boolean> {
    try {
      await doc.send(
        new PutCommand(
          expectedRevision === null
            ? { TableName, Item, ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                TableName,
                Item,
                ConditionExpression: '#rev = :rev',
                ExpressionAttributeNames: { '#rev': 'revision' },
                ExpressionAttributeValues: { ':rev': expectedRevision },
              },
        ),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw storeFailure(err);
    }
  }

  /**
   * The conditional update of an issue item (on its revision; with `keeps`, also on the pointer the
   * item names being the one it will name), answering the item it replaced (false when a condition failed).
   */
  async function conditionalPutIssue(Item: Item, expectedRevision: number, keeps?: { pointer: { pk: string; sk: string } | null }): Promise<false | { old: Item | undefined }> {
    const pointer = keeps?.pointer;
    try {
      const res = await doc.send(
        new PutCommand({
          TableName,
          Item,
          ConditionExpression: !keeps ? '#rev = :rev' : pointer ? '#rev = :rev AND #entPk = :entPk AND #entSk = :entSk' : '#rev = :rev AND attribute_not_exists(#entPk)',
          ExpressionAttributeNames: { '#rev': 'revision', ...(keeps ? { '#entPk': 'entPk' } : {}), ...(pointer ? { '#entSk': 'entSk' } : {}) },
          ExpressionAttributeValues: { ':rev': expectedRevision, ...(pointer ? { ':entPk': pointer.pk, ':entSk': pointer.sk } : {}) },
          // The common write keeps its pointer: the old item is not needed.
          ...(keeps ? {} : { ReturnValues: 'ALL_OLD' as const }),
        }),
      );
      return { old: res.Attributes as Item | undefined };
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw storeFailure(err);
    }
  }

  const putPointer = (pointer: { pk: string; sk: string }, rec: StoredIssue) => doc.send(new PutCommand({ TableName, Item: pointerItem(pointer, rec.record.id, rec.revision) }));

  /**
   * After an issue item (now at `revision`) replaced `old` and moved to `pointer`: the pointer `old`
   * named is deleted unless a later write put it back (its revision is not older than ours). An item
   * written before pointers existed (no entPk) named the one its record gives. Best effort: a pointer
   * left behind is harmless (the read drops a pointer whose issue names another enterprise).
   */
  async function dropOldPointer(old: Item | undefined, pointer: { pk: string; sk: string } | null, revision: number): Promise<void> {
    const before = old?.entPk !== undefined ? { pk: String(old.entPk), sk: String(old.entSk) } : old ? enterprisePointerKey(old.record as StoredIssue['record']) : null;
    if (!before || (before.pk === pointer?.pk && before.sk === pointer.sk)) return;
    try {
      await doc.send(
        new DeleteCommand({
          TableName,
          Key: before,
          ConditionExpression: 'attribute_not_exists(#rev) OR #rev < :rev',
          ExpressionAttributeNames: { '#rev': 'revision' },
          ExpressionAttributeValues: { ':rev': revision },
        }),
      );
    } catch {
      // A later write's pointer (condition failed), or a failed delete: the pointer stays, harmless.
    }
  }

  return {
    ...history,

    async getProfile() {
      const res = await doc.send(new GetCommand({ TableName, Key: { pk: 'PROFILE', sk: 'CURRENT' }, ConsistentRead: true }));
      return res.Item ? parseProfileItem(res.Item) : null;
    },

    async putProfile(rec) {
      // The profile first, then its version: a reader that sees the new version reads the new profile.
      const version = randomUUID();
      await doc.send(new PutCommand({ TableName, Item: { pk: 'PROFILE', sk: 'CURRENT', type: 'profile', ...rec, version } }));
      await doc.send(new PutCommand({ TableName, Item: { pk: 'PROFILE', sk: 'VERSION', type: 'profile_version', version } }));
      rec.version = version;
    },

    async getProfileVersion() {
      const res = await doc.send(new GetCommand({ TableName, Key: { pk: 'PROFILE', sk: 'VERSION' }, ConsistentRead: true }));
      return typeof res.Item?.version === 'string' ? res.Item.version : null;
    },

    async getRows<K extends RowKind>(kind: K, keys: readonly string[]) {
      const unique = [...new Set(keys)];
      const items = await batchGet(unique.map((k) => ({ pk: rowPk(kind, k), sk: 'ROW' })));
      const map = new Map<string, RowRecord<K>>();
      for (const it of items) {
        const rec = parseRowItem(kind, it);
        map.set(rec.key, rec);
      }
      return map;
    },

    async getRowWriteIds(kind, keys) {
      const unique = [...new Set(keys)];
      const items = await batchGet(
        unique.map((k) => ({ pk: rowPk(kind, k), sk: 'ROW' })),
        ['key', 'writeId'],
      );
      return new Map(items.map((it) => [String(it.key), it.writeId === undefined ? null : String(it.writeId)]));
    },

    putRow(rec, expectedRevision) {
      return conditionalPut(rowItem(rec), expectedRevision);
    },

    async putNewRows(recs) {
      // Unconditional (see the header): callers read the keys back and compare `writeId`.
      await batchWriteAll(doc, TableName, recs.map(rowItem), BATCH_WRITES_IN_FLIGHT);
    },

    async bumpRowsVersion(kind) {
      await doc.send(
        new UpdateCommand({
          TableName,
          Key: rowsVersionKey(kind),
          UpdateExpression: 'ADD version :one SET #at = :now',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':one': 1, ':now': Date.now() },
        }),
      );
    },

    async rowsVersion(kind) {
      const res = await doc.send(new GetCommand({ TableName, Key: rowsVersionKey(kind), ConsistentRead: true }));
      return { version: Number(res.Item?.version ?? 0), at: Number(res.Item?.at ?? 0) };
    },

    async getCoverageSums(day) {
      const res = await doc.send(new GetCommand({ TableName, Key: coverageSumsKey(day), ConsistentRead: true }));
      if (!res.Item) return null;
      return { day, version: Number(res.Item.version), sums: res.Item.sums as CoverageSumsRecord['sums'] };
    },

    async putCoverageSums(rec) {
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: { ...coverageSumsKey(rec.day), ...rec, [TABLE_SCHEMA.timeToLiveAttribute]: ttlSeconds(endOfShanghaiDay(rec.day) + COVERAGE_SUMS_TTL_MS) },
            ConditionExpression: 'attribute_not_exists(pk) OR version <= :v',
            ExpressionAttributeValues: { ':v': rec.version },
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },

    async listRows<K extends RowKind>(kind: K, workClass?: WorkClassId, opts?: { deleted?: boolean }) {
      const items = await queryAll({
        IndexName: 'byKind',
        KeyConditionExpression: workClass ? 'kindPk = :p AND begins_with(kindSk, :c)' : 'kindPk = :p',
        ExpressionAttributeValues: workClass ? { ':p': `KIND#${kind}`, ':c': `${workClass}#` } : { ':p': `KIND#${kind}` },
      });
      return (opts?.deleted ? items : live(items)).map((i) => parseRowItem(kind, i));
    },

    async deleteRowItem(kind, key) {
      await doc.send(new DeleteCommand({ TableName, Key: { pk: rowPk(kind, key), sk: 'ROW' } }));
    },

    async listRowKeys(kind) {
      const items = await queryAll({
        IndexName: 'byKind',
        KeyConditionExpression: 'kindPk = :p',
        ExpressionAttributeValues: { ':p': `KIND#${kind}` },
        ProjectionExpression: '#k',
        ExpressionAttributeNames: { '#k': 'key' },
      });
      return items.map((i) => String(i.key));
    },

    async getIssue(id) {
      const res = await doc.send(new GetCommand({ TableName, Key: { pk: issuePk(id), sk: 'ISSUE' }, ConsistentRead: true }));
      return strip<StoredIssue>(res.Item as Item | undefined);
    },

    async putIssue(rec, expectedRevision) {
      // The item never names a pointer that was not written before it (a pointer whose issue write
      // failed or lost is stale, and harmless: the read drops it), so no single failure loses an
      // issue from its enterprise's page.
      const item = issueItem(rec);
      const pointer = enterprisePointerKey(rec.record);
      if (expectedRevision === null) {
        // A new issue: its pointer first (2 requests).
        if (pointer) await putPointer(pointer, rec);
        if (!(await conditionalPut(item, null))) return false;
      } else if (!(await conditionalPutIssue(item, expectedRevision, { pointer }))) {
        // Not the usual write that keeps its pointer (1 request, the condition checks the pointer
        // the item names): a lost race, an edit of 反映企业代码, or an item written before pointers
        // existed. The new pointer first, then the item, then the old pointer deleted (4 requests).
        if (pointer) await putPointer(pointer, rec);
        const written = await conditionalPutIssue(item, expectedRevision);
        if (!written) return false;
        await dropOldPointer(written.old, pointer, rec.revision);
      }
      if (needsDrain(rec)) await drainIssue(rec);
      return true;
    },

    async listIssuesOfEnterprise(code, opts) {
      if (opts?.indexed === false) {
        // Without the pointers: the database reads every issue item and answers only this enterprise's live ones.
        const items = await queryAll({
          IndexName: 'byKind',
          KeyConditionExpression: 'kindPk = :p',
          FilterExpression: '#rec.#iss.#ent = :c AND attribute_not_exists(#del)',
          ExpressionAttributeNames: { '#rec': 'record', '#iss': 'issue', '#ent': 'enterpriseCode', '#del': 'deletedAt' },
          ExpressionAttributeValues: { ':p': 'KIND#issue', ':c': code },
        });
        return items.map((i) => strip<StoredIssue>(i)!).sort((a, b) => b.record.createdAt - a.record.createdAt);
      }
      const pointers = await queryAll({
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': `ENTISSUE#${code}` },
        ScanIndexForward: false,
        ProjectionExpression: 'id',
      });
      const ids = [...new Set(pointers.map((p) => String(p.id)))];
      const items = new Map((await batchGet(ids.map((id) => ({ pk: issuePk(id), sk: 'ISSUE' })))).map((i) => [String(i.pk), i]));
      // The issue item decides: a pointer left by an older enterprise code (an edit of 反映企业代码
      // racing the backfill, an old pointer whose delete failed) or by a write that failed or lost,
      // and a deleted issue, are not listed.
      return ids
        .map((id) => items.get(issuePk(id)))
        .filter((i): i is Item => i !== undefined && i.deletedAt === undefined && (i.record as StoredIssue['record']).issue.enterpriseCode === code)
        .map((i) => strip<StoredIssue>(i)!);
    },

    async putEnterprisePointers(issues) {
      const items = issues.flatMap((s) => {
        const key = enterprisePointerKey(s.record);
        return key ? [pointerItem(key, s.record.id, s.revision)] : [];
      });
      await batchWriteAll(doc, TableName, items, BATCH_WRITES_IN_FLIGHT);
    },

    async listClassIssues(workClass) {
      const items = await queryAll({
        IndexName: 'byKind',
        KeyConditionExpression: 'kindPk = :p AND begins_with(kindSk, :c)',
        ExpressionAttributeValues: { ':p': 'KIND#issue', ':c': `${workClass}#` },
      });
      return live(items).map((i) => strip<StoredIssue>(i)!);
    },

    async getIssueSource(sourceKey) {
      const res = await doc.send(new GetCommand({ TableName, Key: { pk: `SRC#${sourceKey}`, sk: 'SRC' }, ConsistentRead: true }));
      return res.Item ? String(res.Item.id) : null;
    },

    async claimIssueSource(sourceKey, id) {
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: { pk: `SRC#${sourceKey}`, sk: 'SRC', type: 'source', id },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return id;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        const res = await doc.send(new GetCommand({ TableName, Key: { pk: `SRC#${sourceKey}`, sk: 'SRC' }, ConsistentRead: true }));
        return String(res.Item?.id);
      }
    },

    async nextIssueNumber(day) {
      const res = await doc.send(
        new UpdateCommand({
          TableName,
          Key: { pk: `COUNTER#ISSUE#${day.replaceAll('-', '')}`, sk: 'COUNTER' },
          UpdateExpression: 'ADD #n :one SET #ttl = :ttl',
          ExpressionAttributeNames: { '#n': 'n', '#ttl': TABLE_SCHEMA.timeToLiveAttribute },
          ExpressionAttributeValues: { ':one': 1, ':ttl': ttlSeconds(endOfShanghaiDay(day) + COUNTER_TTL_MS) },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(res.Attributes?.n);
    },

    async nextSeriesNumber(series, day) {
      const res = await doc.send(
        new UpdateCommand({
          TableName,
          Key: { pk: `COUNTER#${series}#${day.replaceAll('-', '')}`, sk: 'COUNTER' },
          UpdateExpression: 'ADD #n :one SET #ttl = :ttl',
          ExpressionAttributeNames: { '#n': 'n', '#ttl': TABLE_SCHEMA.timeToLiveAttribute },
          ExpressionAttributeValues: { ':one': 1, ':ttl': ttlSeconds(endOfShanghaiDay(day) + COUNTER_TTL_MS) },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(res.Attributes?.n);
    },

    async listIssues(q: IssueQuery, opts?: { deleted?: boolean }) {
      let items: Item[];
      if (q.unit) {
        items = await queryAll({
          IndexName: 'byUnit',
          KeyConditionExpression: q.status ? 'unitPk = :u AND begins_with(unitSk, :s)' : 'unitPk = :u',
          ExpressionAttributeValues: q.status ? { ':u': `UNIT#${q.unit}`, ':s': `${q.status}#` } : { ':u': `UNIT#${q.unit}` },
        });
      } else {
        items = await queryAll({
          IndexName: 'byKind',
          KeyConditionExpression: 'kindPk = :p',
          ...(q.status
            ? { FilterExpression: '#rec.#st = :s', ExpressionAttributeNames: { '#rec': 'record', '#st': 'status' }, ExpressionAttributeValues: { ':p': 'KIND#issue', ':s': q.status } }
            : { ExpressionAttributeValues: { ':p': 'KIND#issue' } }),
        });
      }
      return (opts?.deleted ? items : live(items)).map((i) => strip<StoredIssue>(i)!);
    },

    async listIssuesPage(q: IssuePageQuery) {
      const plan = issuePagePlan(q);
      const res = await doc.send(
        new QueryCommand({
          ...plan.input,
          TableName,
          Limit: q.limit,
          ExclusiveStartKey: q.cursor ? decodePageCursor(q.cursor, plan) : undefined,
        }),
      );
      return {
        issues: ((res.Items ?? []) as { record: IssueSummarySource }[]).map((i) => i.record),
        next: res.LastEvaluatedKey ? encodePageCursor(plan.query, plan.index, res.LastEvaluatedKey) : null,
      };
    },

    async listRecentIssues(sinceDay) {
      const from = `WT-${sinceDay.replaceAll('-', '')}`;
      const classes = WORK_CLASS_IDS.filter((c) => CLASS_KINDS[c].includes('issue'));
      const out: StoredIssue[] = [];
      for (const wc of classes) {
        const items = await queryAll({
          IndexName: 'byKind',
          KeyConditionExpression: 'kindPk = :p AND kindSk BETWEEN :a AND :b',
          ExpressionAttributeValues: { ':p': 'KIND#issue', ':a': `${wc}#${from}`, ':b': `${wc}#WT-~` },
        });
        out.push(...live(items).map((i) => strip<StoredIssue>(i)!));
      }
      return out;
    },

    async getBatch(id) {
      const res = await doc.send(new GetCommand({ TableName, Key: { pk: `BATCH#${id}`, sk: 'BATCH' }, ConsistentRead: true }));
      return strip<BatchRecord>(res.Item as Item | undefined);
    },

    async putBatch(rec) {
      try {
        await doc.send(
          new PutCommand({ TableName, Item: { pk: `BATCH#${rec.id}`, sk: 'BATCH', type: 'batch', ...rec }, ConditionExpression: 'attribute_not_exists(pk)' }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async getDecision(id) {
      const res = await doc.send(new GetCommand({ TableName, Key: { pk: decisionPk(id), sk: 'DECISION' }, ConsistentRead: true }));
      return strip<DecisionRecord>(res.Item as Item | undefined);
    },

    putDecision(rec, expectedRevision) {
      return conditionalPut(decisionItem(rec), expectedRevision);
    },

    async listDecisions(q) {
      const types = q.type ? [q.type] : DECISION_TYPES;
      const out: DecisionRecord[] = [];
      for (const t of types) {
        const prefix = q.unapplied ? 'A#' : q.open ? 'O#' : undefined;
        const items = await queryAll({
          IndexName: 'byKind',
          KeyConditionExpression: prefix ? 'kindPk = :p AND begins_with(kindSk, :o)' : 'kindPk = :p',
          ExpressionAttributeValues: { ':p': `KIND#decision#${t}`, ...(prefix ? { ':o': prefix } : {}) },
        });
        const recs = items.map((i) => strip<DecisionRecord>(i)!);
        out.push(...(q.open === false ? recs.filter((r) => !r.open) : recs));
      }
      return out;
    },

  };
}

/** The background jobs' part of the Store (createStore adds it to the API's part). */
function jobStoreMethods(doc: DynamoDBDocumentClient, tableName: string): Pick<Store, JobStoreMethod> {
  const TableName = tableName;
  const queryAll = (input: Omit<QueryCommandInput, 'TableName'>) => queryAllPages(doc, TableName, input);
  const deliveryKey = (notificationKey: string, recipient: string) => ({ pk: `DELIVERY#${notificationKey}`, sk: recipient });
  return {
    async listIssuesDueBy(date) {
      const items = await queryAll({
        IndexName: 'byDeadline',
        KeyConditionExpression: 'duePk = :d AND dueSk < :until',
        ExpressionAttributeValues: { ':d': 'DUE', ':until': dueUntil(endOfShanghaiDay(date)) },
      });
      return items.map((i) => strip<StoredIssue>(i)!);
    },

    async listIssuesDuePage(until, cursor, limit = 100) {
      const res = await doc.send(
        new QueryCommand({
          TableName,
          IndexName: 'byDeadline',
          KeyConditionExpression: 'duePk = :d AND dueSk < :until',
          ExpressionAttributeValues: { ':d': 'DUE', ':until': dueUntil(until) },
          Limit: limit,
          ExclusiveStartKey: cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>) : undefined,
        }),
      );
      const issues = ((res.Items ?? []) as Item[]).map((i) => strip<StoredIssue>(i)!);
      return res.LastEvaluatedKey ? { issues, cursor: Buffer.from(JSON.stringify(res.LastEvaluatedKey), 'utf8').toString('base64url') } : { issues };
    },

    async acquireLease(name, owner, now, ms) {
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: {
              pk: `LEASE#${name}`,
              sk: 'LEASE',
              type: 'lease',
              owner,
              leaseUntil: now + ms,
              takenAt: now,
              [TABLE_SCHEMA.timeToLiveAttribute]: ttlSeconds(now + ms + LEASE_TTL_GRACE_MS),
            },
            ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil <= :now OR #o = :me',
            ExpressionAttributeNames: { '#o': 'owner' },
            ExpressionAttributeValues: { ':now': now, ':me': owner },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async releaseLease(name, owner) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: { pk: `LEASE#${name}`, sk: 'LEASE' },
            UpdateExpression: 'SET leaseUntil = :zero',
            ConditionExpression: '#o = :me',
            ExpressionAttributeNames: { '#o': 'owner' },
            ExpressionAttributeValues: { ':zero': 0, ':me': owner },
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },

    async listOutbox() {
      const items = await queryAll({
        IndexName: 'outbox',
        KeyConditionExpression: 'outboxPk = :p',
        ExpressionAttributeValues: { ':p': 'PENDING' },
      });
      return items.map((i) => strip<StoredIssue>(i)!);
    },

    async listDecisionOutbox() {
      const items = await queryAll({ IndexName: 'outbox', KeyConditionExpression: 'outboxPk = :p', ExpressionAttributeValues: { ':p': 'PENDING_DECISION' } });
      return items.map((i) => strip<DecisionRecord>(i)!);
    },


    async getDelivery(notificationKey, recipient) {
      const res = await doc.send(new GetCommand({ TableName, Key: deliveryKey(notificationKey, recipient), ConsistentRead: true }));
      return strip<DeliveryRecord>(res.Item as Item | undefined);
    },

    async claimDelivery(notificationKey, recipient, now, leaseMs, opts = {}) {
      const leaseNow = opts.leaseNow ?? now;
      const generation = opts.generation ?? 0;
      // The common case, a first send: put the claim where there is no record (the short condition
      // costs the local server a third of the full one below, which decides every other case).
      const first = { status: 'sending', leaseUntil: leaseNow + leaseMs, generation, attempts: 1, updatedAt: now, notificationKey, recipient } as const;
      try {
        await doc.send(new PutCommand({ TableName, Item: { ...deliveryKey(notificationKey, recipient), type: 'delivery', ...first }, ConditionExpression: 'attribute_not_exists(pk)' }));
        return { ...first };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
      try {
        const res = await doc.send(
          new UpdateCommand({
            TableName,
            Key: deliveryKey(notificationKey, recipient),
            UpdateExpression:
              'SET #s = :sending, leaseUntil = :lease, #g = :gen, attempts = if_not_exists(attempts, :zero) + :one, ' +
              'updatedAt = :now, notificationKey = :k, recipient = :r, #t = :t',
            // A failed delivery is due at its nextAttemptAt (or at once when that lies past the retry
            // horizon: the job clock went back); a claim lapses on the lease clock, or at once when an
            // older sender generation holds it (its process is gone).
            ConditionExpression:
              'attribute_not_exists(pk) OR (#s = :failed AND (nextAttemptAt <= :now OR nextAttemptAt > :horizon)) OR ' +
              '(#s = :sending AND (leaseUntil <= :leaseNow OR #g < :gen))',
            ExpressionAttributeNames: { '#s': 'status', '#t': 'type', '#g': 'generation' },
            ExpressionAttributeValues: {
              ':sending': 'sending',
              ':failed': 'failed',
              ':lease': leaseNow + leaseMs,
              ':leaseNow': leaseNow,
              ':gen': generation,
              ':horizon': opts.retryHorizon ?? Number.MAX_SAFE_INTEGER,
              ':zero': 0,
              ':one': 1,
              ':now': now,
              ':k': notificationKey,
              ':r': recipient,
              ':t': 'delivery',
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return strip<DeliveryRecord>(res.Attributes as Item);
      } catch (err) {
        if (isConditionFailure(err)) return null;
        throw err;
      }
    },

    async markDeliverySent(notificationKey, recipient, messageId, now) {
      await doc.send(
        new UpdateCommand({
          TableName,
          Key: deliveryKey(notificationKey, recipient),
          UpdateExpression: 'SET #s = :sent, messageId = :m, sentAt = :now, updatedAt = :now REMOVE leaseUntil, nextAttemptAt',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':sent': 'sent', ':m': messageId, ':now': now },
        }),
      );
    },

    async markDeliveriesSent(marks) {
      // One put per key (a BatchWriteItem refuses a key twice): the last mark of a key wins.
      const items = new Map<string, Item>();
      for (const { claimed, messageId, now } of marks) {
        const { leaseUntil: _lease, nextAttemptAt: _next, ...rest } = claimed;
        const key = deliveryKey(claimed.notificationKey, claimed.recipient);
        items.set(`${key.pk}\n${key.sk}`, { ...rest, ...key, type: 'delivery', status: 'sent', messageId, sentAt: now, updatedAt: now });
      }
      await batchWriteAll(doc, TableName, [...items.values()], 2);
    },

    async markDeliveryFailed(notificationKey, recipient, f, now) {
      await doc.send(
        new UpdateCommand({
          TableName,
          Key: deliveryKey(notificationKey, recipient),
          UpdateExpression:
            f.permanent || f.setAside
              ? 'SET #s = :st, lastError = :e, updatedAt = :now, notificationKey = :k, recipient = :r, attempts = if_not_exists(attempts, :zero) REMOVE leaseUntil, nextAttemptAt'
              : 'SET #s = :st, lastError = :e, updatedAt = :now, notificationKey = :k, recipient = :r, attempts = if_not_exists(attempts, :zero), nextAttemptAt = :next REMOVE leaseUntil',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':st': f.permanent ? 'rejected' : f.setAside ? 'set_aside' : 'failed',
            ':e': f.error.slice(0, 500),
            ':now': now,
            ':k': notificationKey,
            ':r': recipient,
            ':zero': 0,
            ...(f.permanent || f.setAside ? {} : { ':next': f.nextAttemptAt ?? now }),
          },
        }),
      );
    }
  };
}
