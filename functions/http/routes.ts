// The API's routes as one table: method, path, who may call it, and what answers. Each handler
// parses the request, calls a use case and renders what it returns (JSON, or a page for the links and
// the digest/dashboard pages). handlers/api.ts builds the table once per container with its ports.
import { ISSUE_STATUSES, kindFromName, type IssueStatus } from '../../domain/rows/kinds.js';
import { MetricsPeriodError } from '../../domain/issues/unit-rates.js';
import { isIsoDate, shanghaiDate } from '../../domain/time/time.js';
import { CursorError, type Clock, type DigestReader, type FailureStore, type IdentityVerifier, type Log, type OpsMetrics, type ApiStore } from '../ports.js';
import type { Access, ProfileCache } from '../usecases/access.js';
import { performAction, performCommandAction, showAction, type ActionDeps } from '../usecases/actions.js';
import { DASHBOARD_PATH, dashboardModel } from '../usecases/dashboard.js';
import { coverageAt, ISSUE_PAGE_MAX, issueSummaryPage, unitRates } from '../usecases/queries.js';
import { syncAsMember } from '../usecases/sync.js';
import { renderPageView } from './action-pages.js';
import { handleDashboardRoute } from './dashboard-route.js';
import { DIGEST_PATH, handleDigestRoute } from './digest-routes.js';
import { html, HttpError, json, rawBody, type Route } from './router.js';
import { checkSyncBody } from './sync-body.js';

export const MAX_BODY_BYTES = 6 * 1024 * 1024;
export const MAX_ROWS = 500;

/** The signed one-click action links of the mails: `/a/<token>` (the token is never logged). */
export const ACTION_LINK_PREFIX = '/a/';
const ACTION_LINK_PATH = /^\/a\/([\s\S]+)$/;
const ISSUE_ACTIONS_PATH = /^\/v1\/issues\/(WT-\d{8}-\d{3,})\/actions$/;

export interface ApiRouteDeps {
  store: ApiStore;
  clock: Clock;
  log: Log;
  identity: IdentityVerifier;
  access: Access;
  profiles: ProfileCache;
  /** Serves `GET /v1/digests/{YYYY-Www}` and `GET /v1/dashboard` when present. */
  digests?: DigestReader;
  /** The background jobs' set-aside items, a line on the dashboard. */
  failures?: Pick<FailureStore, 'listFailures'>;
  /** Counts a sync row that failed unexpectedly (ApiUnexpectedErrors). */
  metrics?: OpsMetrics;
  config: { actionSecrets: string[]; bootstrapAdmins?: string[]; countyName?: string };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', '请求内容不是有效的 JSON');
  }
}

export function apiRoutes(deps: ApiRouteDeps): Route[] {
  const { store, clock, log, access, profiles } = deps;
  const getProfile = profiles.profile;
  const actionDeps: ActionDeps = { store, clock, log, actionSecrets: deps.config.actionSecrets, getProfile };
  const query = (req: { event: { queryStringParameters?: Record<string, string | undefined> } }, name: string) =>
    req.event.queryStringParameters?.[name]?.trim() || undefined;

  const routes: Route[] = [
    { methods: ['GET'], path: '/healthz', auth: 'public', handle: async () => json(200, { ok: true }) },

    {
      methods: ['POST'],
      path: '/v1/sync',
      auth: 'signed-in',
      onlyMethodsMessage: '该地址只接受 POST',
      maxBody: { bytes: MAX_BODY_BYTES, message: '请求内容超过 6 MB，请分批同步（每次不超过 500 行）' },
      async handle(req) {
        const parsed = parseJson(rawBody(req.event));
        const rowsField = (parsed as { rows?: unknown })?.rows;
        if (Array.isArray(rowsField) && rowsField.length > MAX_ROWS) {
          throw new HttpError(400, 'too_many_rows', `一次最多同步 ${MAX_ROWS} 行，本次 ${rowsField.length} 行；请分批同步`);
        }
        const checked = checkSyncBody(parsed);
        if (!checked.ok) throw new HttpError(400, 'invalid_request', `请求格式不正确：字段 ${checked.path || '(根)'} ${checked.message}`);
        const body = checked.body;
        const kind = kindFromName(body.kind);
        if (!kind) throw new HttpError(400, 'unknown_kind', `未知的表类型「${body.kind}」`);
        const res = await syncAsMember({ store, clock, access, profiles, log, metrics: deps.metrics }, req.email!, { ...body, kind });
        const counts = res.results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.outcome]: (acc[r.outcome] ?? 0) + 1 }), {});
        log.info('sync', { workClass: body.workClass, kind, rows: res.results.length, ...counts });
        return json(200, { results: res.results, ...(res.profile ? { profile: { problems: res.profile.problems } } : {}) });
      },
    },

    {
      methods: ['GET'],
      path: '/v1/issues',
      auth: 'member',
      async handle(req) {
        const status = query(req, 'status');
        if (status && !(ISSUE_STATUSES as readonly string[]).includes(status)) {
          throw new HttpError(400, 'invalid_status', `状态「${status}」无效，应为：${ISSUE_STATUSES.join('、')}`);
        }
        const limitText = query(req, 'limit');
        let limit: number | undefined;
        if (limitText !== undefined) {
          limit = /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
          if (!(limit >= 1 && limit <= ISSUE_PAGE_MAX)) throw new HttpError(400, 'invalid_limit', `每页条数 limit「${limitText}」无效，应为 1–${ISSUE_PAGE_MAX} 的整数`);
        }
        try {
          return json(200, await issueSummaryPage(store, { unit: query(req, 'unit'), status: status as IssueStatus | undefined, limit, cursor: query(req, 'cursor') }));
        } catch (err) {
          if (err instanceof CursorError) throw new HttpError(400, err.code, err.message);
          throw err;
        }
      },
    },

    {
      methods: ['GET'],
      path: '/v1/coverage',
      auth: 'member',
      async handle(req) {
        const at = query(req, 'at') ?? shanghaiDate(clock.now());
        if (!isIsoDate(at)) throw new HttpError(400, 'invalid_date', `日期「${at}」无效，应为 YYYY-MM-DD`);
        return json(200, await coverageAt({ store, getProfile }, at));
      },
    },

    {
      methods: ['GET'],
      path: '/v1/metrics',
      auth: 'member',
      async handle(req) {
        try {
          return json(200, await unitRates({ store, getProfile, digests: deps.digests }, { from: query(req, 'from'), to: query(req, 'to') }, clock.now()));
        } catch (err) {
          if (err instanceof MetricsPeriodError) throw new HttpError(400, 'invalid_date', err.message);
          throw err;
        }
      },
    },

    {
      methods: ['POST'],
      path: ISSUE_ACTIONS_PATH,
      auth: 'command',
      onlyMethodsMessage: '该地址只接受 POST',
      async handle(req) {
        // The use case checks the body against the action catalog.
        const res = await performCommandAction(actionDeps, req.params[0], parseJson(rawBody(req.event) || 'null'), req.email!);
        return json(res.statusCode, res.body);
      },
    },

    {
      methods: ['GET', 'POST'],
      path: ACTION_LINK_PATH,
      auth: 'action-link',
      onlyMethodsMessage: '该地址只接受 GET 或 POST',
      async handle(req) {
        const token = req.params[0];
        const page = req.method === 'POST' ? await performAction(actionDeps, token, new URLSearchParams(rawBody(req.event))) : await showAction(actionDeps, token);
        return html(page.statusCode, renderPageView(page.view));
      },
    },
  ];

  const digests = deps.digests;
  if (digests) {
    routes.push(
      // The week's stored digest page and the command office's dashboard: they answer every method
      // (405 pages) and their own refusals as pages.
      { methods: 'any', path: DIGEST_PATH, auth: 'view-link', handle: async (req) => (await handleDigestRoute(req.event, { store, digests, identity: deps.identity, clock, config: deps.config }))! },
      {
        methods: 'any',
        path: DASHBOARD_PATH,
        auth: 'view-link',
        handle: (req) => handleDashboardRoute(req.event, { access, clock, model: (now) => dashboardModel({ store, digests, getProfile, countyName: deps.config.countyName, failures: deps.failures }, now) }),
      },
    );
  }
  return routes;
}
