// The HTTP API behind the Lambda Function URL (the same handler runs locally): thin adapter from
// APIGatewayProxyEventV2 to the use cases (sync.ts, actions.ts, coverage, issue list).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { computeCoverage } from '../../domain/reports/coverage.js';
import { CLASS_KINDS, CONFIG_KINDS, ISSUE_STATUSES, KINDS, WORK_CLASS_IDS, WORK_CLASSES, kindFromName, type IssueStatus, type RowKind, type WorkClassId } from '../../domain/rows/kinds.js';
import { currentAssignment } from '../../domain/issues/lifecycle.js';
import { MetricsPeriodError, rankUnits, unitMetrics } from '../../domain/issues/unit-rates.js';
import { addDays, shanghaiDate, isIsoDate } from '../../domain/time/time.js';
import type { Profile, SectorTotalRow, WhitelistRow } from '../../domain/rows/types.js';
import { COMMAND_ACTIONS, issueSummary, performAction, performCommandAction, showAction, type CommandActionType } from '../usecases/actions.js';
import { resolveApiConfig } from '../adapters/config.js';
import { DASHBOARD_PATH, handleDashboardRoute } from '../http/dashboard-route.js';
import { DIGEST_PATH, handleDigestRoute } from '../http/digest-routes.js';
import { createDigestStore, type DigestStore } from '../adapters/digest-store.js';
import { createStore } from '../adapters/dynamodb-store.js';
import { createIdentityVerifier, GOOGLE_ISSUER } from '../adapters/identity.js';
import { errorInfo, logger } from '../adapters/logger.js';
import { systemClock, type Clock, type IdentityVerifier, type ProfileRecord, type Store } from '../ports.js';
import { createBaseUrlRecorder, createRuntimeConfig } from '../adapters/runtime-config.js';
import { containerSecretReader } from '../adapters/secrets.js';
import { syncRows } from '../usecases/sync.js';

export const MAX_BODY_BYTES = 6 * 1024 * 1024;
export const MAX_ROWS = 500;

export interface ApiDeps {
  store: Store;
  clock: Clock;
  identity: IdentityVerifier;
  config: {
    /**
     * Base URL the action links use (not needed by the API itself; kept for symmetry with dispatch).
     * Absent on AWS without a custom domain: the default wiring derives it from each request.
     */
    publicBaseUrl?: string;
    /** Action-link HMAC keys: verify with any. */
    actionSecrets: string[];
    /** Emails that may sync coordination configuration tabs while no member is configured. */
    bootstrapAdmins?: string[];
    /** Profile cache lifetime, ms (default 30 s). */
    profileTtlMs?: number;
    /** County name on the dashboard page (env COUNTY_NAME on AWS). */
    countyName?: string;
  };
  /** The digest's store: serves `GET /v1/digests/{YYYY-Www}` and `GET /v1/dashboard` when present. */
  digests?: DigestStore;
}

type Result = APIGatewayProxyStructuredResultV2;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-robots-tag': 'noindex',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  // The pages run no script and load nothing: forms post only back to this origin.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
};

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const json = (statusCode: number, body: unknown): Result => ({ statusCode, headers: JSON_HEADERS, body: JSON.stringify(body) });
const html = (statusCode: number, body: string): Result => ({ statusCode, headers: HTML_HEADERS, body });
const errorResult = (e: HttpError): Result => json(e.statusCode, { error: { code: e.code, message: e.message } });

const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const syncBodySchema = z.object({
  spreadsheetId: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  workClass: z.enum(WORK_CLASS_IDS as [WorkClassId, ...WorkClassId[]]),
  kind: z.string().check(z.trim(), z.minLength(1)),
  rows: z.array(
    z.object({
      row: z.int().check(z.gte(2)),
      values: z.record(z.string(), cell),
      version: z.optional(z.int().check(z.gte(1))),
    }),
  ),
});

const commandBodySchema = z.object({
  action: z.enum(COMMAND_ACTIONS as unknown as [CommandActionType, ...CommandActionType[]]),
  unit: z.optional(z.string().check(z.maxLength(200))),
  reason: z.optional(z.string().check(z.maxLength(2000))),
  resolveBy: z.optional(z.string().check(z.maxLength(40))),
  result: z.optional(z.string().check(z.maxLength(20))),
  note: z.optional(z.string().check(z.maxLength(2000))),
});

/** Role of the coordination class that may act for the command office (改派, 延期, 核实销号, 回访, 销号). */
export const COMMAND_ROLE = '审批';

const ISSUE_ACTIONS_PATH = /^\/v1\/issues\/(WT-\d{8}-\d{3,})\/actions$/;

const className = (id: string) => WORK_CLASSES.find((c) => c.id === id)?.name ?? id;

function rawBody(event: APIGatewayProxyEventV2): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

function bodyBytes(event: APIGatewayProxyEventV2): number {
  if (!event.body) return 0;
  return event.isBase64Encoded ? Math.floor((event.body.length * 3) / 4) : Buffer.byteLength(event.body, 'utf8');
}

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const h = event.headers ?? {};
  return h[name] ?? Object.entries(h).find(([k]) => k.toLowerCase() === name)?.[1];
}

function bearerOf(event: APIGatewayProxyEventV2): string | null {
  const auth = header(event, 'authorization');
  const m = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  return m ? m[1] : null;
}

export function makeApiHandler(deps: ApiDeps): (event: APIGatewayProxyEventV2) => Promise<Result> {
  const { store, clock, identity } = deps;
  const bootstrapAdmins = (deps.config.bootstrapAdmins ?? []).map((e) => e.trim().toLowerCase());
  const ttl = deps.config.profileTtlMs ?? 30_000;
  let cached: { rec: ProfileRecord | null; at: number } | null = null;

  async function profileRecord(): Promise<ProfileRecord | null> {
    const now = Date.now();
    if (!cached || now - cached.at > ttl) cached = { rec: await store.getProfile(), at: now };
    return cached.rec;
  }
  const getProfile = async (): Promise<Profile | null> => (await profileRecord())?.profile ?? null;

  async function authenticate(event: APIGatewayProxyEventV2): Promise<string> {
    const bearer = bearerOf(event);
    const who = bearer ? await identity.verify(bearer) : null;
    if (!who) throw new HttpError(401, 'unauthorized', '未登录或登录已失效：请求缺少有效的身份令牌（Authorization: Bearer …），请在表格插件中重新授权后再试');
    return who.email;
  }

  /** A member of any class (or a bootstrap admin before members exist) may read. */
  async function authoriseRead(email: string): Promise<void> {
    const members = (await getProfile())?.members ?? [];
    if (members.some((m) => m.email === email)) return;
    if (members.length === 0 && bootstrapAdmins.includes(email)) return;
    throw new HttpError(403, 'not_member', `${email} 不是任何工作专班的成员，无权查看；请联系综合协调专班在「成员」表中登记`);
  }

  async function authoriseWrite(email: string, workClass: WorkClassId, kind: RowKind): Promise<void> {
    const members = (await getProfile())?.members ?? [];
    if (members.length === 0 && bootstrapAdmins.includes(email) && workClass === 'coordination' && CONFIG_KINDS.includes(kind)) return;
    const m = members.find((x) => x.email === email && x.workClass === workClass);
    if (!m) throw new HttpError(403, 'not_member', `${email} 不是「${className(workClass)}」专班的成员，不能同步该专班的表格`);
    if (m.role === '只读') throw new HttpError(403, 'read_only', `${email} 在「${className(workClass)}」专班的角色为只读，不能修改表格`);
    if (!CLASS_KINDS[workClass].includes(kind)) {
      throw new HttpError(403, 'kind_not_allowed', `「${className(workClass)}」专班不负责「${KINDS[kind].tab}」表，不能同步该表`);
    }
  }

  async function sync(event: APIGatewayProxyEventV2): Promise<Result> {
    if (bodyBytes(event) > MAX_BODY_BYTES) throw new HttpError(413, 'payload_too_large', '请求内容超过 6 MB，请分批同步（每次不超过 500 行）');
    const email = await authenticate(event);
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody(event));
    } catch {
      throw new HttpError(400, 'invalid_json', '请求内容不是有效的 JSON');
    }
    const rowsField = (parsed as { rows?: unknown })?.rows;
    if (Array.isArray(rowsField) && rowsField.length > MAX_ROWS) {
      throw new HttpError(400, 'too_many_rows', `一次最多同步 ${MAX_ROWS} 行，本次 ${rowsField.length} 行；请分批同步`);
    }
    const body = syncBodySchema.safeParse(parsed);
    if (!body.success) {
      const issue = body.error.issues[0];
      throw new HttpError(400, 'invalid_request', `请求格式不正确：字段 ${issue.path.join('.') || '(根)'} ${issue.message}`);
    }
    const kind = kindFromName(body.data.kind);
    if (!kind) throw new HttpError(400, 'unknown_kind', `未知的表类型「${body.data.kind}」`);
    await authoriseWrite(email, body.data.workClass, kind);

    const profile = await getProfile();
    const res = await syncRows({ store, clock }, { email, profile }, { ...body.data, kind });
    if (res.profile) cached = { rec: res.profile, at: Date.now() };
    const counts = res.results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.outcome]: (acc[r.outcome] ?? 0) + 1 }), {});
    logger.info('sync', { workClass: body.data.workClass, kind, rows: res.results.length, ...counts });
    return json(200, {
      results: res.results,
      ...(res.profile ? { profile: { problems: res.profile.problems } } : {}),
    });
  }

  async function issues(event: APIGatewayProxyEventV2): Promise<Result> {
    const email = await authenticate(event);
    await authoriseRead(email);
    const q = event.queryStringParameters ?? {};
    const status = q.status?.trim() || undefined;
    if (status && !(ISSUE_STATUSES as readonly string[]).includes(status)) {
      throw new HttpError(400, 'invalid_status', `状态「${status}」无效，应为：${ISSUE_STATUSES.join('、')}`);
    }
    const list = await store.listIssues({ unit: q.unit?.trim() || undefined, status: status as IssueStatus | undefined });
    return json(200, {
      issues: list.map(({ record }) => issueSummary(record)),
    });
  }

  /** Command-office decisions: a coordination member with role 审批. */
  async function authoriseCommand(email: string): Promise<void> {
    const members = (await getProfile())?.members ?? [];
    if (members.some((m) => m.email === email && m.workClass === 'coordination' && m.role === COMMAND_ROLE)) return;
    throw new HttpError(
      403,
      'not_command',
      `${email} 不是综合协调专班（指挥部办公室）角色为「${COMMAND_ROLE}」的成员，不能改派、延期或核实销号；请联系综合协调专班在「成员」表中登记`,
    );
  }

  async function issueAction(event: APIGatewayProxyEventV2, issueId: string): Promise<Result> {
    const email = await authenticate(event);
    await authoriseCommand(email);
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody(event) || 'null');
    } catch {
      throw new HttpError(400, 'invalid_json', '请求内容不是有效的 JSON');
    }
    const body = commandBodySchema.safeParse(parsed);
    if (!body.success) {
      const issue = body.error.issues[0];
      throw new HttpError(
        400,
        'invalid_request',
        `请求格式不正确：字段 ${issue.path.join('.') || '(根)'} ${issue.message}（action 应为 ${COMMAND_ACTIONS.join('、')}）`,
      );
    }
    const res = await performCommandAction({ store, clock, getProfile }, issueId, body.data, email);
    return json(res.statusCode, res.body);
  }

  async function metrics(event: APIGatewayProxyEventV2): Promise<Result> {
    const email = await authenticate(event);
    await authoriseRead(email);
    const q = event.queryStringParameters ?? {};
    const now = clock.now();
    const to = q.to?.trim() || shanghaiDate(now);
    const from = q.from?.trim() || (isIsoDate(to) ? addDays(to, -6) : to);
    const profile = await getProfile();
    const records = (await store.listIssues({})).map((i) => i.record);
    try {
      const units = unitMetrics(records, { from, to, now }, profile ?? { units: [] });
      const ranking = rankUnits(units);
      return json(200, { from, to, units, ranking: { ranked: ranking.ranked, red: ranking.red, black: ranking.black } });
    } catch (err) {
      if (err instanceof MetricsPeriodError) throw new HttpError(400, 'invalid_date', err.message);
      throw err;
    }
  }

  /** Coverage on `at` from the current whitelist and sector_total rows (also the dashboard's). */
  async function coverageAt(at: string) {
    const [whitelist, totals, profile] = await Promise.all([store.listRows('whitelist'), store.listRows('sector_total'), getProfile()]);
    return computeCoverage({
      whitelist: whitelist.map((r) => r.value as WhitelistRow),
      totals: totals.map((r) => r.value as SectorTotalRow),
      targets: profile?.sectorTargets ?? [],
      at,
    });
  }

  async function coverage(event: APIGatewayProxyEventV2): Promise<Result> {
    const email = await authenticate(event);
    await authoriseRead(email);
    const at = event.queryStringParameters?.at?.trim() || shanghaiDate(clock.now());
    if (!isIsoDate(at)) throw new HttpError(400, 'invalid_date', `日期「${at}」无效，应为 YYYY-MM-DD`);
    return json(200, await coverageAt(at));
  }

  const actionDeps = { store, clock, actionSecrets: deps.config.actionSecrets, getProfile };

  return async (event) => {
    const method = event.requestContext?.http?.method?.toUpperCase() ?? 'GET';
    const path = event.rawPath ?? '/';
    const started = Date.now();
    let result: Result;
    try {
      if (path === '/healthz' && method === 'GET') result = json(200, { ok: true });
      else if (path === '/v1/sync') {
        if (method !== 'POST') throw new HttpError(405, 'method_not_allowed', '该地址只接受 POST');
        result = await sync(event);
      } else if (path === '/v1/issues' && method === 'GET') result = await issues(event);
      else if (path === '/v1/coverage' && method === 'GET') result = await coverage(event);
      else if (path === '/v1/metrics' && method === 'GET') result = await metrics(event);
      else if (DIGEST_PATH.test(path) && deps.digests)
        result = (await handleDigestRoute(event, { store, clock, identity, digests: deps.digests, config: deps.config }))!;
      // The command office's dashboard page (functions/dashboard-route.ts does access and reads).
      else if (path === DASHBOARD_PATH && deps.digests)
        result = await handleDashboardRoute(event, { store, clock, identity, digests: deps.digests, config: deps.config, getProfile, coverageAt });
      else if (ISSUE_ACTIONS_PATH.test(path)) {
        if (method !== 'POST') throw new HttpError(405, 'method_not_allowed', '该地址只接受 POST');
        result = await issueAction(event, ISSUE_ACTIONS_PATH.exec(path)![1]);
      }
      else if (path.startsWith('/a/') && path.length > 3) {
        const token = path.slice(3);
        const page =
          method === 'POST'
            ? await performAction(actionDeps, token, new URLSearchParams(rawBody(event)))
            : method === 'GET'
              ? await showAction(actionDeps, token)
              : null;
        if (!page) throw new HttpError(405, 'method_not_allowed', '该地址只接受 GET 或 POST');
        result = html(page.statusCode, page.html);
      } else throw new HttpError(404, 'not_found', `没有这个地址：${method} ${path.startsWith('/a/') ? '/a/…' : path}`);
    } catch (err) {
      if (err instanceof HttpError) result = errorResult(err);
      else {
        logger.error('unexpected error', { error: errorInfo(err) });
        result = errorResult(new HttpError(500, 'internal', '服务器内部错误，请稍后重试；如持续出现请联系县政务服务和大数据局'));
      }
    }
    // Never log the action token in the path.
    logger.info('request', { method, path: path.startsWith('/a/') ? '/a/…' : path, status: result.statusCode, ms: Date.now() - started });
    return result;
  };
}

type Handler = (event: APIGatewayProxyEventV2) => Promise<Result>;
let wiring: Promise<Handler> | undefined;

/**
 * Default wiring from the environment (AWS), created on the first call: ACTION_SECRET and
 * OAUTH_AUDIENCE from env or from Secrets Manager (`*_ARN`, read once per container). Without
 * PUBLIC_BASE_URL the API's base URL is `https://<requestContext.domainName>` of the Function URL,
 * recorded in the table for the dispatcher (functions/runtime-config.ts).
 */
async function wireApi(env: Record<string, string | undefined> = process.env): Promise<Handler> {
  const config = await resolveApiConfig({ env, readSecret: containerSecretReader() });
  const client = new DynamoDBClient({ requestHandler: { requestTimeout: 5_000, connectionTimeout: 2_000 } });
  const api = makeApiHandler({
    store: createStore({ client, tableName: config.tableName }),
    clock: systemClock,
    identity: createIdentityVerifier({ issuers: [GOOGLE_ISSUER], audience: config.audience }),
    config: { ...config, countyName: env.COUNTY_NAME },
    digests: createDigestStore({ client, tableName: config.tableName }),
  });
  if (config.publicBaseUrl) return api;
  const recorder = createBaseUrlRecorder(createRuntimeConfig({ client, tableName: config.tableName }));
  return async (event) => {
    await recorder.observe(event);
    return api(event);
  };
}

export const handler = async (event: APIGatewayProxyEventV2): Promise<Result> => {
  wiring ??= wireApi().catch((err: unknown) => {
    wiring = undefined;
    logger.error('api configuration failed', { error: errorInfo(err) });
    throw err;
  });
  return (await wiring)(event);
};
