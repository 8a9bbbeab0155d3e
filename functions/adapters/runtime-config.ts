// Settings the running system learns about itself and keeps in the table, beside the store's items.
//
// The public base URL: on AWS the API is reached through its Lambda Function URL, which cannot be
// in the API's own environment (a CloudFormation cycle). When PUBLIC_BASE_URL is unset the API
// takes `https://<requestContext.domainName>` from the requests it serves and records it in ONE
// item; a function that makes links (the dispatcher) uses PUBLIC_BASE_URL when set, else that item.
//
//   item   pk = CONFIG#PUBLIC_BASE_URL   sk = CONFIG   { value, recordedAt (epoch ms) }
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { errorInfo, type RuntimeConfig } from '../ports.js';
import { ConfigError } from './config.js';
import { createDocumentClient } from './dynamodb-store.js';
import { logger } from './logger.js';

export const PUBLIC_BASE_URL_KEY = { pk: 'CONFIG#PUBLIC_BASE_URL', sk: 'CONFIG' } as const;

export interface RuntimeConfigOptions {
  client: DynamoDBClient;
  tableName: string;
}

export function createRuntimeConfig({ client, tableName }: RuntimeConfigOptions): RuntimeConfig {
  const doc: DynamoDBDocumentClient = createDocumentClient(client);
  return {
    async getPublicBaseUrl() {
      const res = await doc.send(new GetCommand({ TableName: tableName, Key: PUBLIC_BASE_URL_KEY, ConsistentRead: true }));
      const value = res.Item?.value;
      return typeof value === 'string' && value ? value : null;
    },
    async putPublicBaseUrl(url, at) {
      await doc.send(new PutCommand({ TableName: tableName, Item: { ...PUBLIC_BASE_URL_KEY, type: 'config', value: url, recordedAt: at } }));
    },
  };
}

/** A DNS host name, optionally with a port: what `requestContext.domainName` of a Function URL holds. */
const HOST = /^(?=.{1,253}(?::\d{1,5})?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::\d{1,5})?$/i;

/** `https://<requestContext.domainName>` of a Function URL event, or null when absent or not a host name. */
export function baseUrlFromEvent(event: APIGatewayProxyEventV2): string | null {
  const domain = event.requestContext?.domainName?.trim();
  return domain && HOST.test(domain) ? `https://${domain.toLowerCase()}` : null;
}

export interface BaseUrlRecorder {
  /** The base URL of this request; recorded in the table the first time it is seen (per container). */
  observe(event: APIGatewayProxyEventV2): Promise<string | null>;
}

/**
 * Records the base URL the API observes. One write per container (and again only if the URL it
 * sees changes); a failed write is logged and retried on the next request, never fails the request.
 */
export function createBaseUrlRecorder(rc: RuntimeConfig, now: () => number = Date.now): BaseUrlRecorder {
  let recorded: string | null = null;
  return {
    async observe(event) {
      const url = baseUrlFromEvent(event);
      if (url && url !== recorded) {
        try {
          await rc.putPublicBaseUrl(url, now());
          recorded = url;
          logger.info('public base URL recorded', { publicBaseUrl: url });
        } catch (err) {
          logger.warn('could not record the public base URL; retrying on the next request', { error: errorInfo(err) });
        }
      }
      return url;
    },
  };
}

/** PUBLIC_BASE_URL when configured, else the URL the API recorded; a clear error when there is neither. */
export async function resolvePublicBaseUrl(configured: string | undefined, rc: RuntimeConfig): Promise<string> {
  if (configured) return configured;
  const recorded = await rc.getPublicBaseUrl();
  if (recorded) return recorded;
  throw new ConfigError(
    '缺少 PUBLIC_BASE_URL，API 也尚未记录自己的地址：请设置 PUBLIC_BASE_URL，或先访问一次 API（如 <ApiUrl>/healthz）' +
      '（PUBLIC_BASE_URL is unset and the API has not recorded its URL yet: set it, or make one request to the API）',
  );
}
