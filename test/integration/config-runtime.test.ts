// The Lambda default wiring as the CDK stack deploys it: secrets by ARN from a local Secrets Manager,
// no PUBLIC_BASE_URL for the API (it records the Function URL domain of its requests), the
// dispatcher linking to the recorded URL, and the dispatcher's EMF metric — all on a real dynalite
// and the SES emulator.
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as apiHandler } from '../../functions/handlers/api.js';
import { handler as dispatchHandler, makeDispatchHandler } from '../../functions/handlers/dispatch.js';
import { createStore } from '../../functions/adapters/dynamodb-store.js';
import { createOutboxMetrics, OLDEST_PENDING_METRIC } from '../../functions/adapters/metrics.js';
import type { Mailer } from '../../functions/ports.js';
import { baseUrlFromEvent, createRuntimeConfig, PUBLIC_BASE_URL_KEY } from '../../functions/adapters/runtime-config.js';
import { startTestServices, type TestServices } from '../fixtures/local-services.js';
import { startSecretsManagerServer, TEST_CREDENTIALS, type SecretsManagerServer } from '../fixtures/secrets-manager-server.js';
import { BASE, IND, issueValues, makeHarness, SECRET, T0, type Harness } from './api-helpers.js';

const ACTION_ARN = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:sibao/tongxu/action-secret-AbCdEf';
const AUDIENCE_ARN = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:sibao/tongxu/oauth-audience-GhIjKl';
const ACTION_KEYS = `${'n'.repeat(64)},${'o'.repeat(64)}`;
const FN_DOMAIN = 'abcdefghijklmnopqrstuvwxyz012345.lambda-url.ap-northeast-1.on.aws';

let services: TestServices;
let sm: SecretsManagerServer;
let h: Harness;
let tableName: string;
const savedEnv = { ...process.env };

/** A Lambda Function URL event (payload format 2.0). */
function functionUrlEvent(path: string, domain: string | null = FN_DOMAIN): APIGatewayProxyEventV2 {
  const domainName = domain ?? undefined;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: domainName ?? 'unknown' },
    requestContext: {
      accountId: 'anonymous',
      apiId: domainName?.split('.')[0] ?? 'x',
      domainName,
      domainPrefix: domainName?.split('.')[0],
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '06/Jun/2022:01:00:00 +0000',
      timeEpoch: T0,
    },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

/** Runs `fn` while collecting (instead of printing) what is written to stdout, where Lambda's EMF lines go. */
async function captureStdout<T>(fn: () => Promise<T>): Promise<{ result: T | undefined; error: unknown; lines: string[] }> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    done?.();
    return true;
  }) as typeof process.stdout.write;
  try {
    return { result: await fn(), error: undefined, lines };
  } catch (error) {
    return { result: undefined, error, lines };
  } finally {
    process.stdout.write = write;
  }
}

const listTables = async () => (await services.dynamo.send(new ListTablesCommand({}))).TableNames ?? [];

/** A harness on a fresh table, and that table's name. */
async function harnessWithTable(): Promise<{ t: Harness; table: string }> {
  const before = new Set(await listTables());
  const t = await makeHarness(services);
  const added = (await listTables()).filter((n) => !before.has(n));
  expect(added).toHaveLength(1);
  return { t, table: added[0] };
}

const emfLines = (lines: string[]) => lines.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  services = await startTestServices();
  sm = await startSecretsManagerServer({ [ACTION_ARN]: ACTION_KEYS, [AUDIENCE_ARN]: 'demo-client.apps.googleusercontent.example' });
  // A table with the demo profile (synced through the API by the bootstrap admin) and one issue whose
  // two notifications wait in the outbox since T0.
  ({ t: h, table: tableName } = await harnessWithTable());
  await h.sync(IND, 'industry', 'issue', [{ row: 2, values: issueValues() }]);
  // The environment the CDK stack gives the functions (+ local endpoints and dummy credentials).
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    ACTION_SECRET_ARN: ACTION_ARN,
    OAUTH_AUDIENCE_ARN: AUDIENCE_ARN,
    MAIL_FROM: 'sibao@mail.tongxu.example',
    COUNTY: 'tongxu',
    POWERTOOLS_METRICS_NAMESPACE: 'Sibao',
    AWS_LAMBDA_FUNCTION_NAME: 'sibao-tongxu-DispatchFunction',
    AWS_REGION: 'ap-northeast-1',
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: services.dynamoEndpoint,
    AWS_ENDPOINT_URL_SES: services.sesEndpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
  });
  for (const k of ['PUBLIC_BASE_URL', 'ACTION_SECRET', 'OAUTH_AUDIENCE', 'AWS_PROFILE']) delete process.env[k];
});

afterAll(async () => {
  process.env = savedEnv;
  await sm?.stop();
  await services?.stop();
});

describe('baseUrlFromEvent', () => {
  it('is https://<requestContext.domainName>, and nothing for a missing or malformed domain', () => {
    expect(baseUrlFromEvent(functionUrlEvent('/healthz'))).toBe(`https://${FN_DOMAIN}`);
    expect(baseUrlFromEvent(functionUrlEvent('/healthz', 'Sibao.Tongxu.example:8443'))).toBe('https://sibao.tongxu.example:8443');
    expect(baseUrlFromEvent(functionUrlEvent('/healthz', null))).toBeNull();
    expect(baseUrlFromEvent(functionUrlEvent('/healthz', 'evil.example/path?x='))).toBeNull();
    expect(baseUrlFromEvent(functionUrlEvent('/healthz', 'a b.example'))).toBeNull();
  });
});

describe('default wiring on the deployed environment (no PUBLIC_BASE_URL, secrets by ARN)', () => {
  const runtime = () => createRuntimeConfig({ client: services.dynamo, tableName });

  it('the dispatcher refuses to send before any URL is known, naming PUBLIC_BASE_URL', async () => {
    const from = Date.now();
    const run = await captureStdout(() => dispatchHandler());
    const to = Date.now();
    expect(run.error).toBeInstanceOf(Error);
    expect((run.error as Error).message).toMatch(/PUBLIC_BASE_URL/);
    expect(await services.mails()).toEqual([]);
    expect(await h.store.listOutbox()).toHaveLength(1);
    // The metric still tells how long the notification (created at T0) has been waiting.
    const [metric] = emfLines(run.lines);
    const age = metric[OLDEST_PENDING_METRIC.name] as number;
    expect(age).toBeGreaterThanOrEqual(Math.floor((from - T0) / 1000));
    expect(age).toBeLessThanOrEqual(Math.floor((to - T0) / 1000));
  });

  it('the API serves a Function URL request and records https://<domainName> for the dispatcher', async () => {
    expect(await runtime().getPublicBaseUrl()).toBeNull();
    const res = await apiHandler(functionUrlEvent('/healthz'));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(String(res.body))).toEqual({ ok: true });
    expect(await runtime().getPublicBaseUrl()).toBe(`https://${FN_DOMAIN}`);
    const item = await services.dynamo.send(
      new (await import('@aws-sdk/client-dynamodb')).GetItemCommand({ TableName: tableName, Key: { pk: { S: PUBLIC_BASE_URL_KEY.pk }, sk: { S: 'CONFIG' } } }),
    );
    expect(item.Item?.value?.S).toBe(`https://${FN_DOMAIN}`);
    expect(await apiHandler(functionUrlEvent('/nowhere'))).toMatchObject({ statusCode: 404 });
  });

  it('each secret was read from Secrets Manager once for the container, by both functions together', () => {
    expect([...sm.requests].sort()).toEqual([ACTION_ARN, AUDIENCE_ARN].sort());
    expect(sm.rejected).toBe(0);
  });

  it('the dispatcher links to the recorded URL and publishes the EMF metric on stdout', async () => {
    const run = await captureStdout(() => dispatchHandler());
    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({ sent: 2, failed: 0, skipped: 0 });
    const mails = await services.mails();
    expect(mails.map((m) => m.destination.to.join(',')).sort()).toEqual(['gxj1@county.example', 'gxj2@county.example']);
    for (const m of mails) expect(m.body.text).toContain(`https://${FN_DOMAIN}/a/`);
    // Two EMF lines a run: the outbox's oldest pending age and the set-aside gauge the ItemsSetAside alarm watches.
    const lines = emfLines(run.lines);
    expect(lines).toHaveLength(2);
    const metric = lines.find((l) => OLDEST_PENDING_METRIC.name in l)!;
    expect(lines.find((l) => 'ItemsSetAside' in l)).toEqual({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [{ Namespace: 'Sibao', Dimensions: [['County']], Metrics: [{ Name: 'ItemsSetAside', Unit: 'Count' }] }],
      },
      County: 'tongxu',
      ItemsSetAside: 0,
    });
    expect(metric).toEqual({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [{ Namespace: 'Sibao', Dimensions: [['County']], Metrics: [{ Name: OLDEST_PENDING_METRIC.name, Unit: 'Seconds' }] }],
      },
      County: 'tongxu',
      OldestPendingNotificationAgeSeconds: 0,
    });
    expect(Math.abs((metric._aws as { Timestamp: number }).Timestamp - Date.now())).toBeLessThan(60_000);
    expect(sm.requests).toHaveLength(2);
  });
});

describe('OldestPendingNotificationAgeSeconds on the outbox (injected metrics dep)', () => {
  it('reports the age of the oldest pending notification after each run, 0 once all are sent', async () => {
    const { t, table: table2 } = await harnessWithTable();
    const metrics = createOutboxMetrics({ client: services.dynamo, tableName: table2, county: 'tongxu' });
    const down: Mailer = {
      async send() {
        throw Object.assign(new Error('Maximum sending rate exceeded'), { name: 'Throttling' });
      },
    };
    // Each run's EMF lines as Powertools Metrics writes them on stdout, with the real time around it.
    const published: { metric: Record<string, unknown>; from: number; to: number }[] = [];
    const dispatcher = (mailer: Mailer) => async () => {
      const from = Date.now();
      const run = await captureStdout(() => makeDispatchHandler({ store: t.store, mailer, clock: t.clock, config: { publicBaseUrl: BASE, actionSecrets: [SECRET] }, metrics })());
      const to = Date.now();
      for (const metric of emfLines(run.lines)) published.push({ metric, from, to });
      if (run.error) throw run.error;
      return run.result!;
    };

    // Nothing pending yet.
    await dispatcher(down)();
    // Issue A at T0, issue B 5 minutes later; SES is down for both.
    await t.sync(IND, 'industry', 'issue', [{ row: 2, values: issueValues() }]);
    t.clock.t = T0 + 300_000;
    // Another problem (SPEC §7.8: 反映企业代码 + 反映日期 + 问题描述 identify an issue row).
    await t.sync(IND, 'industry', 'issue', [{ row: 3, values: issueValues({ 企业名称: '另一家机械有限公司', 问题描述: '另一家的钢材断供' }) }]);
    t.clock.t = T0 + 754_321;
    expect(await dispatcher(down)()).toMatchObject({ sent: 0, failed: 4 });
    // After the retry delay SES is back: everything is sent.
    t.clock.t = T0 + 754_321 + 61_000;
    expect(await dispatcher(t.mailer)()).toMatchObject({ sent: 4, failed: 0 });

    // The age is measured on the dispatcher's clock; the line's Timestamp is the instant Powertools
    // publishes it (real time).
    expect(published.map((p) => p.metric[OLDEST_PENDING_METRIC.name])).toEqual([0, 754, 0]);
    for (const p of published) {
      const at = (p.metric._aws as { Timestamp: number }).Timestamp;
      expect(at).toBeGreaterThanOrEqual(p.from);
      expect(at).toBeLessThanOrEqual(p.to);
    }
    expect(published.every((p) => p.metric.County === 'tongxu')).toBe(true);
  });

  it('is published even when the run fails', async () => {
    const { t, table: table3 } = await harnessWithTable();
    await t.sync(IND, 'industry', 'issue', [{ row: 2, values: issueValues() }]);
    const metrics = createOutboxMetrics({ client: services.dynamo, tableName: table3, county: 'tongxu' });
    // The dispatcher's own store points at a table that does not exist: its run fails.
    const broken = createStore({ client: services.dynamo, tableName: `${table3}-missing` });
    t.clock.t = T0 + 42_000;
    const run = await captureStdout(() => makeDispatchHandler({ store: broken, mailer: t.mailer, clock: t.clock, config: { publicBaseUrl: BASE, actionSecrets: [SECRET] }, metrics })());
    expect(run.error).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(emfLines(run.lines).map((m) => m[OLDEST_PENDING_METRIC.name])).toEqual([42]);
  });
});
