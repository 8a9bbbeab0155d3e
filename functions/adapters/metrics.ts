// The dispatcher's health metric (the OutboxMetrics port), written by Powertools Metrics in CloudWatch
// Embedded Metric Format: one JSON line on stdout per run, which CloudWatch Logs turns into the
// metric Sibao/OldestPendingNotificationAgeSeconds (dimension County) — no PutMetricData permission.
// The alarm in infra/ fires when the age stays above 15 minutes or when the datapoints stop (missing
// data is breaching). Powertools adds a `service` dimension by default; it is cleared so the metric
// keeps the one dimension the alarm watches. The line's Timestamp is the instant of publishing.
//
// The oldest pending notification is one Query on the outbox index (sorted by the creation instant
// of each item's oldest pending notification, `outboxSk = <ms, 15 digits>#<编号>`), Limit 1.
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricUnit } from '@aws-lambda-powertools/metrics/types';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OpsMetrics, OpsMetricName, OutboxMetrics } from '../ports.js';
import { createDocumentClient } from './dynamodb-store.js';

export const OLDEST_PENDING_METRIC = {
  namespace: 'Sibao',
  name: 'OldestPendingNotificationAgeSeconds',
  dimension: 'County',
  unit: 'Seconds',
} as const;

export interface Datapoint {
  /** Dimension name -> value; all of them form one dimension set. */
  dimensions: Record<string, string>;
  name: string;
  unit: MetricUnit;
  value: number;
}

/** Publishes one datapoint at a time as its own EMF line on stdout (Powertools Metrics). */
export function createMetricPublisher(namespace: string): (p: Datapoint) => void {
  const metrics = new Metrics({ namespace });
  metrics.clearDefaultDimensions();
  return (p) => {
    metrics.addDimensions(p.dimensions);
    metrics.addMetric(p.name, p.unit, p.value);
    metrics.publishStoredMetrics();
  };
}

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

export interface OutboxMetricsOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Value of the County dimension (env COUNTY on AWS). */
  county: string;
  /** Default `Sibao` (env POWERTOOLS_METRICS_NAMESPACE on AWS). */
  namespace?: string;
}

export function createOutboxMetrics(opts: OutboxMetricsOptions): OutboxMetrics {
  const publish = createMetricPublisher(opts.namespace ?? OLDEST_PENDING_METRIC.namespace);
  const doc = createDocumentClient(opts.client);
  return {
    async publishOldestPendingAge(now) {
      const value = ageSeconds(await oldestPendingCreatedAt(doc, opts.tableName), now);
      publish({ dimensions: { [OLDEST_PENDING_METRIC.dimension]: opts.county }, name: OLDEST_PENDING_METRIC.name, unit: OLDEST_PENDING_METRIC.unit, value });
      return value;
    },
  };
}

/** Units of the operational metrics (ports.ts OpsMetricName); infra/ alarms on each. */
export const OPS_METRIC_UNITS = {
  ApiUnexpectedErrors: 'Count',
  JobItemFailures: 'Count',
  ItemsSetAside: 'Count',
  DigestLate: 'Count',
} as const satisfies Record<OpsMetricName, MetricUnit>;

/**
 * The OpsMetrics port as EMF lines (Powertools Metrics), dimension County, namespace Sibao: one line
 * per datapoint, published at once (a Lambda that ends right after still has it in its log). A
 * metric that cannot be written is dropped with a warning on stderr: metrics never fail a request.
 */
export function createOpsMetrics(opts: { county: string; namespace?: string }): OpsMetrics {
  const publish = createMetricPublisher(opts.namespace ?? OLDEST_PENDING_METRIC.namespace);
  return {
    put(name, value) {
      try {
        publish({ dimensions: { [OLDEST_PENDING_METRIC.dimension]: opts.county }, name, unit: OPS_METRIC_UNITS[name] as MetricUnit, value });
      } catch (err) {
        process.stderr.write(`metric ${name} not published: ${(err as Error)?.message}\n`);
      }
    },
  };
}

/** OpsMetrics kept in memory (the local stack and tests): totals and last values by name. */
export function memoryOpsMetrics(): OpsMetrics & { readonly totals: Record<string, number>; readonly last: Record<string, number> } {
  const totals: Record<string, number> = {};
  const last: Record<string, number> = {};
  return {
    totals,
    last,
    put(name, value) {
      totals[name] = (totals[name] ?? 0) + value;
      last[name] = value;
    },
  };
}
