// The web front end's items on the one table (layout in table-schema.ts):
//   rate counter          RATE#<key>              RATE                 n, expiresAt (TTL)
//   claimed link          CLAIM#<key>             CLAIM                expiresAt (TTL)
//   upload record         UPLOADS#<email>         <at, 15 digits>#<id> the record; `blob` names its workbook's chunks
//   annotated workbook    UPLOAD#<id>             BLOB#<nnn>           gzip chunks of ≤ 350 KB
//   … after a confirmation UPLOAD#<id>            WB#<token>#<nnn>     the same, replacing BLOB#
//   pending state         UPLOAD#<id>             PENDING#<nnn>        gzip chunks, expiresAt (TTL): what confirming a refused deletion needs
// Counters and claims are conditional writes (no transactions; dynalite has none): a counter is
// incremented only while below its limit, a claim is written only when absent, a confirmation is
// recorded only on a record without one (its workbook's chunks are written first, under a fresh
// token, so a losing concurrent confirmation never overwrites the winner's).
import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchWriteAll, createDocumentClient, queryAllPages } from './dynamodb-store.js';
import { StoreError, type UploadRecord, type WebStore } from '../ports.js';

const CHUNK_BYTES = 350_000;
/** Sort-key prefix of the first annotated workbook's chunks (records without `blob`). */
const FIRST_BLOB = 'BLOB#';
const PENDING = 'PENDING#';

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

    async putUpload(rec, workbook, pending) {
      // The chunks first: a record is listed only once its workbook (and pending state) can be read.
      const chunks = await putChunks(rec.id, FIRST_BLOB, workbook);
      const pendingChunks = pending ? await putChunks(rec.id, PENDING, pending.state, pending.expiresAt) : undefined;
      await doc.send(new PutCommand({ TableName, Item: { pk: `UPLOADS#${rec.email}`, sk: uploadSk(rec.at, rec.id), type: 'upload', chunks, pendingChunks, ...rec } }));
    },

    async listUploads(email, limit) {
      const res = await doc.send(
        new QueryCommand({ TableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `UPLOADS#${email}` }, ScanIndexForward: false, Limit: limit }),
      );
      return (res.Items ?? []).map(toRecord);
    },

    async getUpload(email, id) {
      const item = await findRecord(email, id);
      if (!item) return null;
      const workbook = await readChunks(id, typeof item.blob === 'string' ? item.blob : FIRST_BLOB, Number(item.chunks));
      return workbook ? { record: toRecord(item), workbook } : null;
    },

    async getPending(email, id) {
      const item = await findRecord(email, id);
      if (!item) return null;
      const state = item.pendingChunks ? await readChunks(id, PENDING, Number(item.pendingChunks)) : null;
      return { record: toRecord(item), state };
    },

    async confirmUpload(rec, workbook) {
      const Key = { pk: `UPLOADS#${rec.email}`, sk: uploadSk(rec.at, rec.id) };
      const old = (await doc.send(new GetCommand({ TableName, Key, ConsistentRead: true }))).Item;
      if (!old || old.confirmedAt !== undefined) return false;
      const blob = `WB#${randomBytes(9).toString('base64url')}#`;
      const chunks = await putChunks(rec.id, blob, workbook);
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: { ...Key, type: 'upload', chunks, blob, ...rec },
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(confirmedAt)',
          }),
        );
      } catch (err) {
        await deleteChunks(rec.id, blob, chunks);
        if (isConditionFailure(err)) return false;
        return wrap(err, 'confirmUpload');
      }
      // What the record no longer points to: the previous workbook and the pending state.
      await deleteChunks(rec.id, typeof old.blob === 'string' ? old.blob : FIRST_BLOB, Number(old.chunks));
      if (old.pendingChunks) await deleteChunks(rec.id, PENDING, Number(old.pendingChunks));
      return true;
    },
  };

  async function findRecord(email: string, id: string): Promise<Record<string, unknown> | null> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return null;
    const items = await queryAllPages(doc, TableName, {
      KeyConditionExpression: 'pk = :p',
      FilterExpression: 'id = :id',
      ExpressionAttributeValues: { ':p': `UPLOADS#${email}`, ':id': id },
      ConsistentRead: true,
    });
    return items[0] ?? null;
  }

  /** Write `bytes` gzipped as chunks `<prefix><nnn>` of UPLOAD#<id>; their count. */
  async function putChunks(id: string, prefix: string, bytes: Buffer, expiresAt?: number): Promise<number> {
    const gz = gzipSync(bytes);
    const n = Math.max(1, Math.ceil(gz.length / CHUNK_BYTES));
    const items = Array.from({ length: n }, (_, i) => ({
      pk: `UPLOAD#${id}`,
      sk: `${prefix}${String(i).padStart(3, '0')}`,
      type: 'upload_blob',
      data: gz.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES),
      ...(expiresAt !== undefined ? { expiresAt } : {}),
    }));
    await batchWriteAll(doc, TableName, items);
    return n;
  }

  /** The bytes of `count` chunks `<prefix><nnn>`; null when some are missing (expired). */
  async function readChunks(id: string, prefix: string, count: number): Promise<Buffer | null> {
    const chunks = await queryAllPages(doc, TableName, {
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':p': `UPLOAD#${id}`, ':s': prefix },
      ConsistentRead: true,
    });
    if (chunks.length !== count) return null;
    chunks.sort((a, b) => (String(a.sk) < String(b.sk) ? -1 : 1));
    return gunzipSync(Buffer.concat(chunks.map((c) => Buffer.from(c.data as Uint8Array))));
  }

  async function deleteChunks(id: string, prefix: string, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await doc.send(new DeleteCommand({ TableName, Key: { pk: `UPLOAD#${id}`, sk: `${prefix}${String(i).padStart(3, '0')}` } }));
    }
  }
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
    ...(Array.isArray(item.massDelete) ? { massDelete: item.massDelete as NonNullable<UploadRecord['massDelete']> } : {}),
    ...(item.confirmBy !== undefined ? { confirmBy: Number(item.confirmBy) } : {}),
    ...(item.confirmedAt !== undefined ? { confirmedAt: Number(item.confirmedAt) } : {}),
  };
}

