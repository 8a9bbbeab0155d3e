// The web front end's items on the one table (layout in table-schema.ts):
//   rate counter          RATE#<key>              RATE                 n, expiresAt (TTL)
//   claimed link          CLAIM#<key>             CLAIM                expiresAt (TTL)
//   upload record         UPLOADS#<email>         <at, 15 digits>#<id> the record
//   annotated workbook    UPLOAD#<id>             BLOB#<nnn>           gzip chunks of ≤ 350 KB
// Counters and claims are conditional writes (no transactions; dynalite has none): a counter is
// incremented only while below its limit, a claim is written only when absent.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchWriteAll, createDocumentClient, queryAllPages } from './dynamodb-store.js';
import { StoreError, type UploadRecord, type WebStore } from '../ports.js';

const CHUNK_BYTES = 350_000;

const isConditionFailure = (err: unknown) => (err as Error)?.name === 'ConditionalCheckFailedException';

function wrap(err: unknown, what: string): never {
  throw new StoreError('unexpected', `${what}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

export function createWebStore({ client, tableName: TableName }: { client: DynamoDBClient; tableName: string }): WebStore {
  const doc = createDocumentClient(client);
  const uploadSk = (at: number, id: string) => `${String(at).padStart(15, '0')}#${id}`;
  return {
    async countEvent(key, limit, expiresAt) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: { pk: `RATE#${key}`, sk: 'RATE' },
            UpdateExpression: 'ADD n :one SET expiresAt = if_not_exists(expiresAt, :exp), #t = :type',
            ConditionExpression: 'attribute_not_exists(n) OR n < :limit',
            ExpressionAttributeNames: { '#t': 'type' },
            ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':exp': expiresAt, ':type': 'rate' },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        return wrap(err, 'countEvent');
      }
    },

    async claimOnce(key, expiresAt) {
      try {
        await doc.send(
          new PutCommand({ TableName, Item: { pk: `CLAIM#${key}`, sk: 'CLAIM', type: 'claim', expiresAt }, ConditionExpression: 'attribute_not_exists(pk)' }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        return wrap(err, 'claimOnce');
      }
    },

    async isClaimed(key) {
      try {
        const out = await doc.send(new GetCommand({ TableName, Key: { pk: `CLAIM#${key}`, sk: 'CLAIM' }, ConsistentRead: true, ProjectionExpression: 'pk' }));
        return out.Item !== undefined;
      } catch (err) {
        return wrap(err, 'isClaimed');
      }
    },

    async putUpload(rec, workbook) {
      const gz = gzipSync(workbook);
      const n = Math.max(1, Math.ceil(gz.length / CHUNK_BYTES));
      const chunks = Array.from({ length: n }, (_, i) => ({
        pk: `UPLOAD#${rec.id}`,
        sk: `BLOB#${String(i).padStart(3, '0')}`,
        type: 'upload_blob',
        data: gz.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES),
      }));
      // The chunks first: a record is listed only once its workbook can be read.
      await batchWriteAll(doc, TableName, chunks);
      await doc.send(new PutCommand({ TableName, Item: { pk: `UPLOADS#${rec.email}`, sk: uploadSk(rec.at, rec.id), type: 'upload', chunks: n, ...rec } }));
    },

    async listUploads(email, limit) {
      const res = await doc.send(
        new QueryCommand({ TableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `UPLOADS#${email}` }, ScanIndexForward: false, Limit: limit }),
      );
      return (res.Items ?? []).map(toRecord);
    },

    async getUpload(email, id) {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return null;
      const items = await queryAllPages(doc, TableName, {
        KeyConditionExpression: 'pk = :p',
        FilterExpression: 'id = :id',
        ExpressionAttributeValues: { ':p': `UPLOADS#${email}`, ':id': id },
      });
      const item = items[0];
      if (!item) return null;
      const chunks = await queryAllPages(doc, TableName, {
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':p': `UPLOAD#${id}`, ':s': 'BLOB#' },
        ConsistentRead: true,
      });
      if (chunks.length !== Number(item.chunks)) return null;
      chunks.sort((a, b) => (String(a.sk) < String(b.sk) ? -1 : 1));
      const workbook = gunzipSync(Buffer.concat(chunks.map((c) => Buffer.from(c.data as Uint8Array))));
      return { record: toRecord(item), workbook };
    },
  };
}

function toRecord(item: Record<string, unknown>): UploadRecord {
  return {
    id: String(item.id),
    email: String(item.email),
    file: String(item.file),
    workClass: item.workClass as UploadRecord['workClass'],
    at: Number(item.at),
    tabs: (item.tabs as UploadRecord['tabs']) ?? [],
    accepted: Number(item.accepted),
    rejected: Number(item.rejected),
  };
}

