// A small router over a route table (routes.ts): refuse a malformed path (bad percent-encoding: 400),
// find the route of the path, answer 405 or 404 for another method, check the body size, authorise by
// the route's kind, run its handler, turn errors into JSON answers, and log one line per request
// (never an action token: paths under a redacted prefix are logged as `<prefix>…`).
// No input produces a 500: an item too large for the store is 413, throttling beyond retries 503; an
// unexpected error is 500 and counted (ApiUnexpectedErrors, the alarm), since the Lambda itself
// succeeds. Every answer carries `x-content-type-options: nosniff`.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorInfo, isThrottling, noMetrics, StoreError, type Log, type OpsMetrics } from '../ports.js';
import { AccessDenied } from '../usecases/access.js';

export type Result = APIGatewayProxyStructuredResultV2;
export type ApiEvent = APIGatewayProxyEventV2;

/** Headers every answer carries, whatever produced it. */
export const COMMON_HEADERS = { 'x-content-type-options': 'nosniff' } as const;
const JSON_HEADERS = { ...COMMON_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
const HTML_HEADERS = {
  ...COMMON_HEADERS,
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-robots-tag': 'noindex',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  // The pages run no script and load nothing: forms post only back to this origin.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
};

/** An answer with a status, a stable code and a Chinese message: `{"error":{"code","message"}}`. */
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

export const json = (statusCode: number, body: unknown): Result => ({ statusCode, headers: JSON_HEADERS, body: JSON.stringify(body) });
export const html = (statusCode: number, body: string): Result => ({ statusCode, headers: HTML_HEADERS, body });
const errorResult = (e: HttpError): Result => json(e.statusCode, { error: { code: e.code, message: e.message } });

export function rawBody(event: ApiEvent): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

function bodyBytes(event: ApiEvent): number {
  if (!event.body) return 0;
  return event.isBase64Encoded ? Math.floor((event.body.length * 3) / 4) : Buffer.byteLength(event.body, 'utf8');
}

function header(event: ApiEvent, name: string): string | undefined {
  const h = event.headers ?? {};
  return h[name] ?? Object.entries(h).find(([k]) => k.toLowerCase() === name)?.[1];
}

/** The token of `Authorization: Bearer <token>`, or null. */
export function bearerOf(event: ApiEvent): string | null {
  const auth = header(event, 'authorization');
  const m = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  return m ? m[1] : null;
}

/**
 * How a route is authorised. The router checks the bearer kinds before the handler runs; the link
 * kinds carry their credential in the request and are checked by the use case behind the route.
 */
export type AuthKind =
  /** No credentials (the health check). */
  | 'public'
  /** Bearer of a member of any class (or a bootstrap admin while no member exists). */
  | 'member'
  /** Bearer of anyone known; the handler authorises with the request (a sync: the class and the tab). */
  | 'signed-in'
  /** Bearer of a command-office member (综合协调专班, role 审批). */
  | 'command'
  /** The signed single-use action token in the path. */
  | 'action-link'
  /** A signed view link (`?sig=`) or a member's bearer; the page renders its own refusals. */
  | 'view-link'
  /** The web front end's session cookie (or a sign-in link), checked by the page itself (web-routes.ts). */
  | 'session';

export interface RouteRequest {
  event: ApiEvent;
  method: string;
  path: string;
  /** The path pattern's capture groups. */
  params: string[];
  /** The verified email for the bearer kinds, else null. */
  email: string | null;
}

export interface Route {
  /** Methods served; 'any': the handler answers every method itself. */
  methods: readonly string[] | 'any';
  /** The exact path, or a pattern whose groups become `params`. */
  path: string | RegExp;
  auth: AuthKind;
  /** Another method on this path: 405 with this message (absent: 404, as for an unknown address). */
  onlyMethodsMessage?: string;
  /** Larger bodies are refused with 413 and this message before anything else is checked. */
  maxBody?: { bytes: number; message: string };
  handle(req: RouteRequest): Promise<Result>;
}

export interface RouterDeps {
  /** The verified email of a bearer token; throws AccessDenied. */
  authenticate(bearer: string | null): Promise<string>;
  /** The check after authentication of each bearer kind (throws AccessDenied). */
  authorise: Record<'member' | 'signed-in' | 'command', (email: string) => Promise<void>>;
  log: Log;
  /** Path prefixes whose rest is a secret (action tokens): logged and echoed as `<prefix>…`. */
  redactedPrefixes?: readonly string[];
  /** Counts unexpected errors (ApiUnexpectedErrors). */
  metrics?: OpsMetrics;
}

/** Whether every `%` of the path starts a valid UTF-8 percent-encoding. */
export function wellEncodedPath(path: string): boolean {
  if (!path.includes('%')) return true;
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/** A result with the common headers added (handlers that build their own headers). */
function withCommonHeaders(r: Result): Result {
  const headers = r.headers ?? {};
  if (headers['x-content-type-options'] !== undefined) return r;
  return { ...r, headers: { ...headers, ...COMMON_HEADERS } };
}

function match(route: Route, path: string): string[] | null {
  if (typeof route.path === 'string') return route.path === path ? [] : null;
  const m = route.path.exec(path);
  return m ? m.slice(1) : null;
}

export function createRouter(routes: readonly Route[], deps: RouterDeps): (event: ApiEvent) => Promise<Result> {
  const redact = (path: string) => {
    const prefix = deps.redactedPrefixes?.find((p) => path.startsWith(p));
    return prefix ? `${prefix}…` : path;
  };

  async function dispatch(event: ApiEvent, method: string, path: string): Promise<Result> {
    if (!wellEncodedPath(path)) throw new HttpError(400, 'bad_path', '地址格式不正确（含有无效的百分号编码），请检查链接是否完整');
    let found: { route: Route; params: string[] } | undefined;
    for (const route of routes) {
      const params = match(route, path);
      if (params) {
        found = { route, params };
        break;
      }
    }
    const { route, params } = found ?? {};
    if (!route || !params) throw new HttpError(404, 'not_found', `没有这个地址：${method} ${redact(path)}`);
    if (route.methods !== 'any' && !route.methods.includes(method)) {
      if (route.onlyMethodsMessage) throw new HttpError(405, 'method_not_allowed', route.onlyMethodsMessage);
      throw new HttpError(404, 'not_found', `没有这个地址：${method} ${redact(path)}`);
    }
    if (route.maxBody && bodyBytes(event) > route.maxBody.bytes) throw new HttpError(413, 'payload_too_large', route.maxBody.message);
    let email: string | null = null;
    if (route.auth === 'member' || route.auth === 'signed-in' || route.auth === 'command') {
      email = await deps.authenticate(bearerOf(event));
      await deps.authorise[route.auth](email);
    }
    return route.handle({ event, method, path, params, email });
  }

  return async (event) => {
    const method = event.requestContext?.http?.method?.toUpperCase() ?? 'GET';
    const path = event.rawPath ?? '/';
    const started = Date.now();
    let result: Result;
    try {
      result = withCommonHeaders(await dispatch(event, method, path));
    } catch (err) {
      if (err instanceof AccessDenied) result = errorResult(new HttpError(err.reason === 'unauthenticated' ? 401 : 403, err.code, err.message));
      else if (err instanceof HttpError) result = errorResult(err);
      else if (err instanceof StoreError && err.code === 'item_too_large') {
        deps.log.warn('item too large', { path: redact(path) });
        result = errorResult(new HttpError(413, 'item_too_large', '该记录的内容已超过存储上限（单条 400 KB），本次未做任何更改；请精简填写的文字后重试，或联系指挥部办公室'));
      } else {
        (deps.metrics ?? noMetrics).put('ApiUnexpectedErrors', 1);
        if (isThrottling(err)) {
          deps.log.error('store throttled', { error: errorInfo(err) });
          result = errorResult(new HttpError(503, 'busy', '服务繁忙，本次请求未完成，请稍后重试'));
        } else {
          deps.log.error('unexpected error', { error: errorInfo(err) });
          result = errorResult(new HttpError(500, 'internal', '服务器内部错误，请稍后重试；如持续出现请联系县政务服务和大数据局'));
        }
      }
    }
    deps.log.info('request', { method, path: redact(path), status: result.statusCode, ms: Date.now() - started });
    return result;
  };
}
