// The items that keep rows and issues small (SPEC §7.1 History, §7.8): history entries, drained issue
// events and used action tokens each in their own item, plus the command office's pending decisions
// and the migration markers. Part of the Store (dynamodb-store.ts spreads these in).
//
// Items                       pk                            sk                 GSI keys carried
//   row history entry         HIST#<kind>#<key>             REV#<revision:10>  kindPk = HISTORY#<YYYY-MM of at, Shanghai>,
//                                                                               kindSk = <UTC ISO at>#<kind>#<key>#<revision>
//   issue event (drained)     ISSUE#<编号>                   EVT#<seq:10>       —
//   used action token         USED#<nonce>                  USED               —
//   decision                  DECISION#<id>                 DECISION           kindPk = KIND#decision, kindSk = <status>#<since:15>#<id>
//   migration marker          MIGRATION#<name>              MIGRATION          —
// Every write here is idempotent (same key, same content), so a retried drain changes nothing.
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NumberedEvent } from '../../domain/issues/events.js';
import type { HistoryEntry } from '../../domain/rows/history.js';
import type { RowKind } from '../../domain/rows/kinds.js';
import { shanghaiDate } from '../../domain/time/time.js';
import type { MigrationRecord, Store } from '../ports.js';

type Item = Record<string, unknown>;

export type BatchPut = (items: readonly Item[]) => Promise<void>;
export type QueryAll = (input: Record<string, unknown>) => Promise<Item[]>;

const pad = (n: number, w = 10) => String(n).padStart(w, '0');

export const historyPk = (kind: RowKind, key: string) => `HIST#${kind}#${key}`;

export function historyItem(e: HistoryEntry): Item {
  return {
    pk: historyPk(e.kind, e.key),
    sk: `REV#${pad(e.revision)}`,
    type: 'history',
    kindPk: `HISTORY#${shanghaiDate(e.at).slice(0, 7)}`,
    kindSk: `${new Date(e.at).toISOString()}#${e.kind}#${e.key}#${pad(e.revision)}`,
    ...e,
  };
}

export function eventItem(issueId: string, e: NumberedEvent): Item {
  // `type` is the event's own type (the item has no other).
  return { pk: `ISSUE#${issueId}`, sk: `EVT#${pad(e.seq)}`, issueId, ...e };
}

export function usedTokenItem(issueId: string, nonce: string, at: number): Item {
  return { pk: `USED#${nonce}`, sk: 'USED', type: 'used_token', issueId, at };
}

const HISTORY_FIELDS = ['kind', 'key', 'revision', 'at', 'by', 'source', 'op', 'changes'] as const;
const pick = <T>(item: Item, fields: readonly string[]): T => Object.fromEntries(fields.filter((f) => item[f] !== undefined).map((f) => [f, item[f]])) as T;
const EVENT_FIELDS = ['seq', 'at', 'type', 'actor', 'unit', 'note', 'assignment', 'key'] as const;
type HistoryStore = Pick<
  Store,
  'putHistory' | 'listHistory' | 'listHistoryBetween' | 'listIssueEvents' | 'isTokenUsed' | 'getMigration' | 'putMigration'
>;

export function createHistoryStore(doc: DynamoDBDocumentClient, TableName: string, batchPut: BatchPut, queryAll: QueryAll): HistoryStore {
  /** Up to `limit` items of partition `pk` with sort keys `<prefix><n>` for n < before, newest first. */
  async function newest<T>(pk: string, prefix: string, limit: number, before: number | undefined, map: (i: Item) => T): Promise<T[]> {
    const res = await doc.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :p AND sk BETWEEN :a AND :b',
        ExpressionAttributeValues: { ':p': pk, ':a': `${prefix}`, ':b': before === undefined ? `${prefix}~` : `${prefix}${pad(Math.max(0, before - 1))}` },
        Limit: Math.max(1, Math.min(limit, 1000)),
        ScanIndexForward: false,
        ConsistentRead: true,
      }),
    );
    return ((res.Items ?? []) as Item[]).map(map);
  }

  return {
    async putHistory(entries) {
      if (entries.length > 0) await batchPut(entries.map(historyItem));
    },

    listHistory(kind, key, { limit, before }) {
      return newest(historyPk(kind, key), 'REV#', limit, before, (i) => pick<HistoryEntry>(i, HISTORY_FIELDS));
    },

    async listHistoryBetween(from, to) {
      const out: HistoryEntry[] = [];
      const months: string[] = [];
      for (let m = shanghaiDate(from).slice(0, 7); m <= shanghaiDate(to).slice(0, 7); ) {
        months.push(m);
        const [y, mo] = m.split('-').map(Number);
        m = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
      }
      for (const month of months) {
        const items = await queryAll({
          IndexName: 'byKind',
          KeyConditionExpression: 'kindPk = :p AND kindSk BETWEEN :a AND :b',
          ExpressionAttributeValues: { ':p': `HISTORY#${month}`, ':a': new Date(from).toISOString(), ':b': `${new Date(to).toISOString()}` },
        });
        for (const i of items) {
          const e = pick<HistoryEntry>(i, HISTORY_FIELDS);
          if (e.at >= from && e.at < to) out.push(e);
        }
      }
      return out.sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : a.revision - b.revision));
    },

    listIssueEvents(id, { limit, before }) {
      return newest(`ISSUE#${id}`, 'EVT#', limit, before, (i) => pick<NumberedEvent>(i, EVENT_FIELDS));
    },

    async isTokenUsed(nonce) {
      const res = await doc.send(new GetCommand({ TableName, Key: { pk: `USED#${nonce}`, sk: 'USED' }, ConsistentRead: true, ProjectionExpression: 'pk' }));
      return res.Item !== undefined;
    },

    async getMigration(name) {
      const res = await doc.send(new GetCommand({ TableName, Key: { pk: `MIGRATION#${name}`, sk: 'MIGRATION' }, ConsistentRead: true }));
      if (!res.Item) return null;
      const { pk: _pk, sk: _sk, type: _t, ...rec } = res.Item as Item;
      return rec as unknown as MigrationRecord;
    },

    async putMigration(rec) {
      await doc.send(new PutCommand({ TableName, Item: { pk: `MIGRATION#${rec.name}`, sk: 'MIGRATION', type: 'migration', ...rec } }));
    },
  };
}
