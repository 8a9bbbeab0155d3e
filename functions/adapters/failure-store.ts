// The FailureStore port on the one table: a failing item of a background job is the item
// `FAIL#<job>#<key>` / `FAIL`, listed through the byKind index (kindPk = KIND#failure, kindSk =
// <job>#<key>) — a handful of items at most, read once per job run. Written with a conditional put on
// its revision (usecases/isolation.ts decides what it becomes), deleted when the item succeeds. The
// re-drive of a delivery revives its DELIVERY# record here too. The API reads only the list (the
// dashboard's line): createFailureLister keeps the rest out of its bundle.
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FailureStore, JobFailure, JobName } from '../ports.js';
import { createDocumentClient, queryAllPages } from './dynamodb-store.js';

const KEY_ATTRS = ['pk', 'sk', 'type', 'kindPk', 'kindSk'];
const pkOf = (job: JobName, key: string) => `FAIL#${job}#${key}`;

function strip(item: Record<string, unknown> | undefined): JobFailure | null {
  if (!item) return null;
  const out = { ...item };
  for (const k of KEY_ATTRS) delete out[k];
  return out as unknown as JobFailure;
}

/** Only the list of failing items (what the dashboard reads). */
export function createFailureLister({ client, tableName }: { client: DynamoDBClient; tableName: string }): Pick<FailureStore, 'listFailures'> {
  const doc = createDocumentClient(client);
  return {
    async listFailures(job) {
      const items = await queryAllPages(doc, tableName, {
        IndexName: 'byKind',
        KeyConditionExpression: job ? 'kindPk = :p AND begins_with(kindSk, :j)' : 'kindPk = :p',
        ExpressionAttributeValues: job ? { ':p': 'KIND#failure', ':j': `${job}#` } : { ':p': 'KIND#failure' },
      });
      return items.map((i) => strip(i)!);
    },
  };
}

export function createFailureStore({ client, tableName }: { client: DynamoDBClient; tableName: string }): FailureStore {
  const doc = createDocumentClient(client);
  const TableName = tableName;
  return {
    ...createFailureLister({ client, tableName }),
    async getFailure(job, key) {
      const res = await doc.send(new GetCommand({ TableName, Key: { pk: pkOf(job, key), sk: 'FAIL' }, ConsistentRead: true }));
      return strip(res.Item);
    },

    async putFailure(rec, expectedRevision) {
      const Item = { pk: pkOf(rec.job, rec.key), sk: 'FAIL', type: 'failure', kindPk: 'KIND#failure', kindSk: `${rec.job}#${rec.key}`, ...rec };
      try {
        await doc.send(
          new PutCommand(
            expectedRevision === null
              ? { TableName, Item, ConditionExpression: 'attribute_not_exists(pk)' }
              : { TableName, Item, ConditionExpression: '#rev = :rev', ExpressionAttributeNames: { '#rev': 'revision' }, ExpressionAttributeValues: { ':rev': expectedRevision } },
          ),
        );
        return true;
      } catch (err) {
        if ((err as Error)?.name === 'ConditionalCheckFailedException') return false;
        throw err;
      }
    },

    async deleteFailure(job, key) {
      await doc.send(new DeleteCommand({ TableName, Key: { pk: pkOf(job, key), sk: 'FAIL' } }));
    },

    async reviveDelivery(notificationKey, recipient, now) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: { pk: `DELIVERY#${notificationKey}`, sk: recipient },
            UpdateExpression: 'SET #s = :failed, attempts = :zero, nextAttemptAt = :now, updatedAt = :now',
            ConditionExpression: '#s IN (:aside, :failed)',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':failed': 'failed', ':aside': 'set_aside', ':zero': 0, ':now': now },
          }),
        );
        return true;
      } catch (err) {
        if ((err as Error)?.name === 'ConditionalCheckFailedException') return false;
        throw err;
      }
    },
  };
}
