// Shared set-up of the API/dispatch integration tests: real dynalite + SES emulator, the dev issuer,
// a settable clock, and a small inline profile synced through the API by a bootstrap admin.
import { createDigestStore } from '../../functions/adapters/digest-store.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { makeUscc } from '../../domain/rows/uscc.js';
import { makeApiHandler } from '../../functions/handlers/api.js';
import { loadOrCreateDevIssuer, type DevIssuer } from '../../functions/adapters/dev-issuer.js';
import { makeDispatchHandler } from '../../functions/handlers/dispatch.js';
import { createStore, ensureTable } from '../../functions/adapters/dynamodb-store.js';
import { createIdentityVerifier } from '../../functions/adapters/identity.js';
import { logger } from '../../functions/adapters/logger.js';
import type { DigestStore, Mailer, PolicyStore, Store, StoredIssue } from '../../functions/ports.js';
import { createPolicyStore } from '../../functions/adapters/policy-store.js';
import { createSesMailer } from '../../functions/adapters/ses-mailer.js';
import type { TestServices } from '../fixtures/local-services.js';

logger.setLogLevel('SILENT');

export const SECRET = 'test-action-secret-0123456789abcdef-0123';
export const BASE = 'http://127.0.0.1:8787';
export const ADMIN = 'admin@county.example';
export const IND = 'ind@county.example';
export const RO = 'ro@county.example';
export const ENTERPRISE = makeUscc('91410222MA44ABCDE');
/** 2022-06-06 09:00 Asia/Shanghai, a Monday. */
export const T0 = Date.parse('2022-06-06T09:00:00+08:00');

export const PROFILE_TABS = {
  work_class: [
    { row: 2, values: { 专班编码: 'coordination', 名称: '综合协调', 牵头单位: 'U-FGW' } },
    { row: 3, values: { 专班编码: 'industry', 名称: '工业生产', 牵头单位: 'U-GXJ' } },
  ],
  unit: [
    { row: 2, values: { 单位编码: 'U-FGW', 单位名称: '县发展改革委', 类型: '县直部门', 联系邮箱: 'fgw@county.example' } },
    { row: 3, values: { 单位编码: 'U-GXJ', 单位名称: '县工业和信息化局', 类型: '县直部门', 联系邮箱: 'gxj1@county.example；gxj2@county.example' } },
    { row: 4, values: { 单位编码: 'U-ZHB', 单位名称: '县四保指挥部', 类型: '指挥部', 联系邮箱: 'zhb@county.example' } },
    { row: 5, values: { 单位编码: 'U-CGZ', 单位名称: '城关镇', 类型: '乡镇', 联系邮箱: 'cgz@county.example' } },
  ],
  routing_rule: [{ row: 2, values: { 优先级: 1, 问题类别: '原料采购', 责任单位: 'U-GXJ' } }],
  member: [
    { row: 2, values: { 邮箱: ADMIN, 专班编码: 'coordination', 角色: '编辑' } },
    { row: 3, values: { 邮箱: IND, 专班编码: 'industry', 角色: '编辑' } },
    { row: 4, values: { 邮箱: RO, 专班编码: 'industry', 角色: '只读' } },
  ],
} as const;

export function issueValues(over: Record<string, string | number | null> = {}): Record<string, string | number | null> {
  return {
    反映企业代码: ENTERPRISE,
    企业名称: '示例机械有限公司',
    所属领域: '工业生产',
    所在乡镇: '城关镇',
    问题类别: '原料采购',
    问题描述: '钢材<script>alert(1)</script>供应中断 & 运输受阻',
    反映日期: '2022-06-06',
    联系人: '企业办公室',
    联系电话: '13800000000',
    ...over,
  };
}

export interface Harness {
  /** The harness's own table on the shared dynalite. */
  tableName: string;
  store: Store;
  /** 政策找企's store on the same table. */
  policies: PolicyStore;
  clock: { t: number; now(): number };
  issuer: DevIssuer;
  api: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
  mailer: Mailer;
  dispatcher(mailer?: Mailer): () => Promise<{ sent: number; failed: number; skipped: number }>;
  /** The digest's store on the same table (address states from the bounce handler). */
  digests: DigestStore;
  call(method: string, path: string, opts?: { token?: string | null; as?: string; body?: unknown; form?: string; query?: Record<string, string>; base64?: boolean }): Promise<{ status: number; json: any; text: string }>;
  sync(as: string, workClass: string, kind: string, rows: unknown[], spreadsheetId?: string): Promise<{ status: number; json: any; text: string }>;
  /** `call` through another API handler and store on the same table: another Lambda container with its own caches. */
  otherContainer(): Harness['call'];
}

/** An issue record as the sync stores it (row n of the industry class's sheet), for tests that seed the store directly. */
export const storedIssue = (record: StoredIssue['record'], n: number): StoredIssue => ({
  record,
  workClass: 'industry',
  spreadsheetId: 'sheet-industry',
  row: n + 2,
  sourceKey: `sheet-industry#issue#${n + 2}`,
  values: {},
  hash: `h${n}`,
  version: 1,
  revision: 1,
  updatedBy: 'ind@county.example',
  pending: {},
  usedTokens: {},
});

let tableSeq = 0;

export async function makeHarness(services: TestServices, opts: { withProfile?: boolean; /** The API serves the digest store's reads (digests, dashboard, metrics by period), as deployed. */ digestReads?: boolean } = {}): Promise<Harness> {
  const tableName = `sibao-test-${process.pid}-${++tableSeq}`;
  await ensureTable(services.dynamo, tableName);
  const store = createStore({ client: services.dynamo, tableName });
  const clock = { t: T0, now() { return this.t; } };
  const issuer = await loadOrCreateDevIssuer(await mkdtemp(join(tmpdir(), 'sibao-issuer-')));
  const identity = createIdentityVerifier({ issuers: [{ iss: issuer.iss, jwks: issuer.jwks }], audience: issuer.aud });
  const config = { publicBaseUrl: BASE, actionSecrets: [SECRET], bootstrapAdmins: [ADMIN] };
  const policies = createPolicyStore({ client: services.dynamo, tableName });
  const digests = createDigestStore({ client: services.dynamo, tableName });
  const api = makeApiHandler({ store, clock, identity, config, policies, ...(opts.digestReads ? { digests } : {}) });
  const mailer = createSesMailer({ client: services.ses, from: '四保指挥部 <noreply@county.example>' });
  const dispatcher = (m: Mailer = mailer) =>
    makeDispatchHandler({ store, mailer: m, clock, config, suppressed: (emails) => digests.suppressedAmong(emails) });

  const callWith = (api: Harness['api']): Harness['call'] => async (method, path, o = {}) => {
    const token = o.token === undefined ? (o.as ? await issuer.issue(o.as) : null) : o.token;
    const raw = o.form ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: path,
      rawQueryString: new URLSearchParams(o.query ?? {}).toString(),
      queryStringParameters: o.query,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(o.form !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : { 'content-type': 'application/json' }),
      },
      requestContext: { http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' } },
      body: raw === undefined ? undefined : o.base64 ? Buffer.from(raw, 'utf8').toString('base64') : raw,
      isBase64Encoded: o.base64 === true,
    } as unknown as APIGatewayProxyEventV2;
    const res = await api(event);
    const text = String(res.body ?? '');
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    return { status: res.statusCode ?? 0, json: parsed, text };
  };
  const call = callWith(api);
  const otherContainer = () => callWith(makeApiHandler({ store: createStore({ client: services.dynamo, tableName }), clock, identity, config }));
  const sync: Harness['sync'] = (as, workClass, kind, rows, spreadsheetId = `sheet-${workClass}`) =>
    call('POST', '/v1/sync', { as, body: { spreadsheetId, workClass, kind, rows } });

  const h: Harness = { tableName, store, policies, clock, issuer, api, mailer, dispatcher, digests, call, sync, otherContainer };
  if (opts.withProfile !== false) {
    for (const [kind, rows] of Object.entries(PROFILE_TABS)) {
      const res = await sync(ADMIN, 'coordination', kind, rows as unknown as unknown[], 'sheet-config');
      if (res.status !== 200 || !res.json.results.every((r: { ok: boolean }) => r.ok)) {
        throw new Error(`profile sync failed for ${kind}: ${res.text}`);
      }
    }
  }
  return h;
}

/** The action links of a mail's plain-text part, by label. */
export function linksOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^(签收|退回|反馈办理结果)：(\S+)$/gm)) out[m[1]] = m[2];
  return out;
}

/** A page call (`/e/`, `/f/`, `/p/` …) through the pages handler, as API Gateway would pass it; `url` may be a full link. */
export type PageCall = (method: string, url: string, form?: Record<string, string>, headers?: Record<string, string>) => Promise<{ status: number; text: string; headers: Record<string, string> }>;

export function pageCaller(pages: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>): PageCall {
  return async (method, url, form, headers = {}) => {
    const path = url.startsWith(BASE) ? url.slice(BASE.length) : url;
    const [rawPath, qs = ''] = path.split('?');
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const event = {
      version: '2.0',
      rawPath,
      rawQueryString: qs,
      queryStringParameters: qs ? Object.fromEntries(new URLSearchParams(qs)) : undefined,
      headers: { host: '127.0.0.1:8787', ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...headers },
      requestContext: { http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' } },
      body,
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    const res = await pages(event);
    return { status: res.statusCode ?? 0, text: String(res.body ?? ''), headers: (res.headers ?? {}) as Record<string, string> };
  };
}
