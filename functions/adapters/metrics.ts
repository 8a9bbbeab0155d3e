// The dispatcher's health metric in CloudWatch Embedded Metric Format: one JSON line on stdout per
// run, which CloudWatch Logs turns into the metric Sibao/OldestPendingNotificationAgeSeconds
// (dimension County) — no PutMetricData permission, no extra package. The alarm in infra/ fires when
// the age stays above 15 minutes or when the datapoints stop (missing data is breaching).
//
// The oldest pending notification is one Query on the outbox index (sorted by the creation instant
// of each item's oldest pending notification, `outboxSk = <ms, 15 digits>#<编号>`), Limit 1.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from './dynamodb-store.js';

export const OLDEST_PENDING_METRIC = {
  namespace: 'Sibao',
  name: 'OldestPendingNotificationAgeSeconds',
  dimension: 'County',
  unit: 'Seconds',
} as const;

export interface EmfDatapoint {
  namespace: string;
  /** Dimension name -> value; all of them form one dimension set. */
  dimensions: Record<string, string>;
  name: string;
  unit: string;
  value: number;
  /** Epoch ms. */
  timestamp: number;
}

/** One EMF log line (no trailing newline). */
export function emfLine(p: EmfDatapoint): string {
  return JSON.stringify({
    _aws: {
      Timestamp: p.timestamp,
      CloudWatchMetrics: [{ Namespace: p.namespace, Dimensions: [Object.keys(p.dimensions)], Metrics: [{ Name: p.name, Unit: p.unit }] }],
    },
    ...p.dimensions,
    [p.name]: p.value,
  });
}

/** Where EMF lines go: stdout in Lambda; tests and the local stack pass their own. */
export type MetricWriter = (line: string) => void;
export const stdoutWriter: MetricWriter = (line) => {
  process.stdout.write(`${line}\n`);
};

/** Creation instant (epoch ms) of the oldest pending notification, or null when the outbox is empty. */
export async function oldestPendingCreatedAt(doc: DynamoDBDocumentClient, tableName: string): Promise<number | null> {
  const res = await doc.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: 'outbox',
      KeyConditionExpression: 'outboxPk = :p',
      ExpressionAttributeValues: { ':p': 'PENDING' },
      ScanIndexForward: true,
      Limit: 1,
      ProjectionExpression: 'outboxSk',
    }),
  );
  const sk = res.Items?.[0]?.outboxSk;
  if (typeof sk !== 'string') return null;
  const at = Number(sk.split('#')[0]);
  return Number.isFinite(at) ? at : null;
}

/** Whole seconds from `createdAt` to `now`; 0 when nothing is pending (or the clock is behind). */
export function ageSeconds(createdAt: number | null, now: number): number {
  return createdAt === null ? 0 : Math.max(0, Math.floor((now - createdAt) / 1000));
}

export interface OutboxMetrics {
  /** Measures the oldest pending notification at `now`, writes the EMF line, returns the age in seconds. */
  publishOldestPendingAge(now: number): Promise<number>;
}

export interface OutboxMetricsOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Value of the County dimension (env COUNTY on AWS). */
  county: string;
  /** Default `Sibao` (env POWERTOOLS_METRICS_NAMESPACE on AWS). */
  namespace?: string;
  write?: MetricWriter;
}

export function createOutboxMetrics(opts: OutboxMetricsOptions): OutboxMetrics {
  const write = opts.write ?? stdoutWriter;
  const namespace = opts.namespace ?? OLDEST_PENDING_METRIC.namespace;
  const doc = createDocumentClient(opts.client);
  return {
    async publishOldestPendingAge(now) {
      const value = ageSeconds(await oldestPendingCreatedAt(doc, opts.tableName), now);
      write(
        emfLine({
          namespace,
          dimensions: { [OLDEST_PENDING_METRIC.dimension]: opts.county },
          name: OLDEST_PENDING_METRIC.name,
          unit: OLDEST_PENDING_METRIC.unit,
          value,
          timestamp: now,
        }),
      );
      return value;
    },
  };
}
