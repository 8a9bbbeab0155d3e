// The reads and writes of 政策找企 and the enterprise's page on the one table (layout in
// table-schema.ts):
//   policy match            PMATCH#<policy>       ENT#<code>      kindPk = KIND#policy_match, kindSk = <code>#<policy>
//   mail outbox item        MAIL#<key>            MAIL            kindPk = KIND#mail, kindSk = <status>#<createdAt ISO>#<key>
//   once-only marker        MARK#<name>           MARK            — (expiresAt when given a lifetime)
//   push plan state         POLICYPLAN            STATE           — (one item, overwritten by each complete plan)
//   day counter (limits)    COUNTER#<name>#<day>  COUNTER         — (expiresAt a day after its day)
//   enterprise report       SELFREPORT#<class>    ISSUE#<id>      — (the class's 企业自报 issues for 刷新状态)
// A match is listed by policy on the table and by enterprise (or all) on byKind; mails waiting to be
// sent are the `pending#` range of KIND#mail.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { endOfShanghaiDay } from '../../domain/time/time.js';
import type { MailItem, PolicyFeedbackRecord, PolicyMatchRecord, PolicyStore, SelfReportRecord } from '../ports.js';
import type { WorkClassId } from '../../domain/rows/kinds.js';
import { batchWriteAll, createDocumentClient, queryAllPages } from './dynamodb-store.js';
import { TABLE_SCHEMA, ttlSeconds } from './table-schema.js';

type Item = Record<string, unknown>;

const DAY_MS = 86_400_000;
const matchKeys = (m: Pick<PolicyMatchRecord, 'policy' | 'enterprise'>) => ({
  pk: `PMATCH#${m.policy}`,
  sk: `ENT#${m.enterprise}`,
  kindPk: 'KIND#policy_match',
  kindSk: `${m.enterprise}#${m.policy}`,
});
const mailKeys = (m: Pick<MailItem, 'key' | 'status' | 'createdAt'>) => ({
  pk: `MAIL#${m.key}`,
  sk: 'MAIL',
  kindPk: 'KIND#mail',
  kindSk: `${m.status}#${new Date(m.createdAt).toISOString()}#${m.key}`,
});

const PLAN_STATE_KEY = { pk: 'POLICYPLAN', sk: 'STATE' };

const STRIP = new Set(['pk', 'sk', 'kindPk', 'kindSk', 'type', TABLE_SCHEMA.timeToLiveAttribute]);
function strip<T>(item: Item): T {
  const out: Item = {};
  for (const [k, v] of Object.entries(item)) if (!STRIP.has(k)) out[k] = v;
  return out as T;
}

const isConditionFailed = (err: unknown) => (err as { name?: string })?.name === 'ConditionalCheckFailedException';

type QueryAll = (input: Parameters<typeof queryAllPages>[2]) => Promise<Item[]>;

async function listMatches(queryAll: QueryAll, q: { policy?: string; enterprise?: string } = {}): Promise<PolicyMatchRecord[]> {
  const items = q.policy
    ? await queryAll({ KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `PMATCH#${q.policy}` }, ConsistentRead: true })
    : await queryAll({
        IndexName: 'byKind',
        KeyConditionExpression: q.enterprise ? 'kindPk = :k AND begins_with(kindSk, :e)' : 'kindPk = :k',
        ExpressionAttributeValues: q.enterprise ? { ':k': 'KIND#policy_match', ':e': `${q.enterprise}#` } : { ':k': 'KIND#policy_match' },
      });
  return items.map((i) => strip<PolicyMatchRecord>(i)).filter((m) => !q.enterprise || m.enterprise === q.enterprise);
}

async function listSelfReports(queryAll: QueryAll, workClass: WorkClassId): Promise<SelfReportRecord[]> {
  const items = await queryAll({ KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `SELFREPORT#${workClass}` }, ConsistentRead: true });
  return items.map((i) => strip<SelfReportRecord>(i)).sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
}

/**
 * Only the readers the API needs (`GET /v1/policies/{编号}/matches`, `GET /v1/enterprise-reports`):
 * keeps the rest out of its bundle.
 */
export function createMatchReader({ client, tableName }: { client: DynamoDBClient; tableName: string }): Pick<PolicyStore, 'listMatches' | 'listSelfReports'> {
  const doc = createDocumentClient(client);
  const queryAll: QueryAll = (input) => queryAllPages(doc, tableName, input);
  return { listMatches: (q) => listMatches(queryAll, q), listSelfReports: (c) => listSelfReports(queryAll, c) };
}

export function createPolicyStore({ client, tableName }: { client: DynamoDBClient; tableName: string }): PolicyStore {
  const doc = createDocumentClient(client);
  const TableName = tableName;
  const queryAll = (input: Parameters<typeof queryAllPages>[2]) => queryAllPages(doc, TableName, input);

  async function putNew(item: Item): Promise<boolean> {
    try {
      await doc.send(new PutCommand({ TableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  return {
    async putSelfReport(rec) {
      await doc.send(new PutCommand({ TableName, Item: { ...rec, pk: `SELFREPORT#${rec.workClass}`, sk: `ISSUE#${rec.id}` } }));
    },
    listSelfReports: (c) => listSelfReports(queryAll, c),
    listMatches: (q) => listMatches(queryAll, q),

    async putMatches(recs) {
      await batchWriteAll(
        doc,
        TableName,
        recs.map((m) => ({ ...m, ...matchKeys(m), type: 'policy_match' })),
      );
    },

    async recordFeedback(policy, enterprise, feedback: PolicyFeedbackRecord) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: { pk: `PMATCH#${policy}`, sk: `ENT#${enterprise}` },
            UpdateExpression: 'SET feedback = :f',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':f': feedback },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailed(err)) return false;
        throw err;
      }
    },

    async createMarker(name, at, ttlMs) {
      return putNew({ pk: `MARK#${name}`, sk: 'MARK', at, ...(ttlMs ? { [TABLE_SCHEMA.timeToLiveAttribute]: ttlSeconds(at + ttlMs) } : {}) });
    },

    async hasMarker(name) {
      const res = await doc.send(new GetCommand({ TableName, Key: { pk: `MARK#${name}`, sk: 'MARK' }, ConsistentRead: true }));
      return !!res.Item;
    },

    async getPlanState() {
      const res = await doc.send(new GetCommand({ TableName, Key: PLAN_STATE_KEY, ConsistentRead: true }));
      if (!res.Item) return null;
      return { day: String(res.Item.day), whitelistVersion: Number(res.Item.whitelistVersion), policyVersion: Number(res.Item.policyVersion), at: Number(res.Item.at) };
    },

    async putPlanState(s) {
      await doc.send(new PutCommand({ TableName, Item: { ...PLAN_STATE_KEY, ...s } }));
    },

    async createMail(m) {
      return putNew({ ...m, ...mailKeys(m), type: 'mail' });
    },

    async getMail(key) {
      const res = await doc.send(new GetCommand({ TableName, Key: { pk: `MAIL#${key}`, sk: 'MAIL' }, ConsistentRead: true }));
      return res.Item ? strip<MailItem>(res.Item) : null;
    },

    async listPendingMail() {
      const items = await queryAll({
        IndexName: 'byKind',
        KeyConditionExpression: 'kindPk = :k AND begins_with(kindSk, :s)',
        ExpressionAttributeValues: { ':k': 'KIND#mail', ':s': 'pending#' },
      });
      return items.map((i) => strip<MailItem>(i));
    },

    async markMailSent(key, at) {
      const cur = await this.getMail(key);
      if (!cur || cur.status === 'sent') return;
      const next: MailItem = { ...cur, status: 'sent', sentAt: at };
      await doc.send(new PutCommand({ TableName, Item: { ...next, ...mailKeys(next), type: 'mail' } }));
    },

    async takeSlot(name, day, limit) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: { pk: `COUNTER#${name}#${day}`, sk: 'COUNTER' },
            UpdateExpression: 'ADD #n :one SET #ttl = :ttl',
            ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit',
            ExpressionAttributeNames: { '#n': 'n', '#ttl': TABLE_SCHEMA.timeToLiveAttribute },
            ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': ttlSeconds(endOfShanghaiDay(day) + DAY_MS) },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailed(err)) return false;
        throw err;
      }
    },
  };
}
