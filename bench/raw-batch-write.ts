// The import benchmark's baseline, run as its own process like the measured `sibao import`:
// writes the items of a JSON-lines file (DynamoDB JSON, one item a line) to a table with raw
// BatchWriteItem calls, 25 items each, with the same number of calls in flight as the store's bulk
// write (BATCH_WRITES_IN_FLIGHT), retrying UnprocessedItems. No validation, no HTTP API.
// Usage: node --import tsx bench/raw-batch-write.ts ENDPOINT TABLE ITEMS.jsonl
// Prints one JSON line: {"written": N, "seconds": S} (S = the writes alone, after reading the file).
import { readFileSync } from 'node:fs';
import { BatchWriteItemCommand, type AttributeValue, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { BATCH_WRITES_IN_FLIGHT } from '../functions/adapters/dynamodb-store.js';
import { localDynamoClient } from '../local/services.js';

const [endpoint, tableName, file] = process.argv.slice(2);
if (!endpoint || !tableName || !file) throw new Error('usage: raw-batch-write.ts ENDPOINT TABLE ITEMS.jsonl');

const items = readFileSync(file, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Record<string, AttributeValue>);
const client = localDynamoClient(endpoint); // the stack's own client settings

const chunks: WriteRequest[][] = [];
for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })));
let next = 0;
async function worker(): Promise<void> {
  while (next < chunks.length) {
    let requests = chunks[next++];
    while (requests.length > 0) {
      const res = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
      requests = res.UnprocessedItems?.[tableName] ?? [];
    }
  }
}

const t0 = performance.now();
await Promise.all(Array.from({ length: Math.min(BATCH_WRITES_IN_FLIGHT, chunks.length) }, worker));
const seconds = (performance.now() - t0) / 1000;
client.destroy();
console.log(JSON.stringify({ written: items.length, seconds }));
