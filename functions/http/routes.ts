// The API's routes as one table: method, path, who may call it, and what answers. Each handler
// parses the request, calls a use case and renders what it returns (JSON, or a page for the links and
// the digest/dashboard pages). handlers/api.ts builds the table once per container with its ports.
import { INSPECTION_STATUSES, ISSUE_STATUSES, kindFromName, WORK_CLASS_IDS, type IssueStatus, type RowKind, type WorkClassId } from '../../domain/rows/kinds.js';
import { MetricsPeriodError } from '../../domain/issues/unit-rates.js';
import { isIsoDate, shanghaiDate } from '../../domain/time/time.js';
import { CursorError, type Clock, type DigestReader, type FailureStore, type IdentityVerifier, type Log, type OpsMetrics, type ApiStore, type PolicyStore } from '../ports.js';
import type { Access, ProfileCache } from '../usecases/access.js';
import { performAction, performCommandAction, showAction, type ActionDeps } from '../usecases/actions.js';
import { DASHBOARD_PATH, dashboardModel } from '../usecases/dashboard.js';
import { coverageAt, ISSUE_PAGE_MAX, issueSummaryPage, unitRates } from '../usecases/queries.js';
import { issueDetail, issuePageModel, pageSize, parseCursor, rowHistory } from '../usecases/history.js';
import { manifestAsMember, MassDeleteRefused } from '../usecases/manifest.js';
import { HeaderRefused, issueWriteBack, syncAsMember } from '../usecases/sync.js';
import { answerBatch, decide, decisionQueue, parseBatchAnswer, parseDecideBody, performDecisionLink, showDecisionLink, type DecisionDeps } from '../usecases/decisions.js';
import { listInspections } from '../usecases/inspections.js';
import { shutdownStates } from '../usecases/register-sync.js';
import { isDecisionToken } from '../usecases/action-token.js';
import { renderPageView } from './action-pages.js';
import { DASHBOARD_ISSUE_PATH, handleDashboardRoute, handleIssuePageRoute } from './dashboard-route.js';
import { DIGEST_PATH, handleDigestRoute } from './digest-routes.js';
import { html, HttpError, json, rawBody, type Route } from './router.js';
import { checkManifestBody, checkSyncBody } from './sync-body.js';

export const MAX_BODY_BYTES = 6 * 1024 * 1024;
export const MAX_ROWS = 500;
export { MAX_MANIFEST_IDS } from './sync-body.js';

/** The signed one-click action links of the mails: `/a/<token>` (the token is never logged). */
export const ACTION_LINK_PREFIX = '/a/';
const ACTION_LINK_PATH = /^\/a\/([\s\S]+)$/;
const ISSUE_ACTIONS_PATH = /^\/v1\/issues\/(WT-\d{8}-\d{3,})\/actions$/;
const ISSUE_PATH = /^\/v1\/issues\/(WT-\d{8}-\d{3,})$/;
const DECISION_PATH = /^\/v1\/decisions\/([^/]{1,200})$/;
const BATCH_ANSWER_PATH = /^\/v1\/batches\/([^/]{1,300})\/answer$/;

/** A path parameter, percent-decoded (a bad encoding is 400). */
function decodedParam(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    throw new HttpError(400, 'invalid_path', '地址格式不正确');
  }
}

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
  /** Serves `GET /v1/policies/{编号}/matches` and `GET /v1/enterprise-reports` when present. */
  policies?: Pick<PolicyStore, 'listMatches' | 'listSelfReports'>;
  config: { actionSecrets: string[]; bootstrapAdmins?: string[]; countyName?: string };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', '请求内容不是有效的 JSON');
  }
}

/** The checked body, or 400 invalid_request naming the field in Chinese. */
function bodyOf<T>(checked: { ok: true; body: T } | { ok: false; path: string; message: string }): T {
  if (!checked.ok) throw new HttpError(400, 'invalid_request', `请求格式不正确：字段 ${checked.path || '(根)'} ${checked.message}`);
  return checked.body;
}

function kindOf(text: string): RowKind {
  const kind = kindFromName(text);
  if (!kind) throw new HttpError(400, 'unknown_kind', `未知的表类型「${text}」`);
  return kind;
}

export function apiRoutes(deps: ApiRouteDeps): Route[] {
  const { store, clock, log, access, profiles } = deps;
  const getProfile = profiles.profile;
  const actionDeps: ActionDeps = { store, clock, log, actionSecrets: deps.config.actionSecrets, getProfile };
  const decisionDeps: DecisionDeps = { store, clock, log, getProfile };
  const query = (req: { event: { queryStringParameters?: Record<string, string | undefined> } }, name: string) =>
    req.event.queryStringParameters?.[name]?.trim() || undefined;
  /** `?limit=&cursor=` of the history lists (newest first). */
  const pagingOf = (req: { event: { queryStringParameters?: Record<string, string | undefined> } }) => {
    const limit = pageSize(query(req, 'limit'));
    if (limit === null) throw new HttpError(400, 'invalid_limit', 'limit 应为 1 到 500 之间的整数');
    const before = parseCursor(query(req, 'cursor'));
    if (before === null) throw new HttpError(400, 'invalid_cursor', '分页游标（cursor）无效，请使用上一页返回的 next');
    return { limit, ...(before === undefined ? {} : { before }) };
  };
  /** `workClass=` (required unless `required` is false): a 工作专班 id, else 400. */
  const workClassParam = (req: Parameters<typeof query>[0], required = true): WorkClassId | undefined => {
    const workClass = query(req, 'workClass');
    if (!workClass && !required) return undefined;
    if (!workClass || !(WORK_CLASS_IDS as readonly string[]).includes(workClass)) {
      throw new HttpError(400, 'invalid_work_class', `工作专班 workClass「${workClass ?? ''}」无效，应为：${WORK_CLASS_IDS.join('、')}`);
    }
    return workClass as WorkClassId;
  };

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
        const body = bodyOf(checkSyncBody(parsed));
        const kind = kindOf(body.kind);
        let res;
        try {
          res = await syncAsMember({ store, clock, access, profiles, log, metrics: deps.metrics }, req.email!, { ...body, kind });
        } catch (err) {
          // The header row makes the tab unusable: nothing stored, every header problem named.
          if (err instanceof HeaderRefused) return json(400, { error: { code: err.code, message: err.message }, errors: err.problems });
          throw err;
        }
        const counts = res.results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.outcome]: (acc[r.outcome] ?? 0) + 1 }), {});
        log.info('sync', { workClass: body.workClass, kind, rows: res.results.length, ...counts });
        return json(200, {
          results: res.results,
          ...(res.profile ? { profile: { problems: res.profile.problems } } : {}),
          ...(res.warnings ? { warnings: res.warnings } : {}),
        });
      },
    },

    {
      methods: ['POST'],
      path: '/v1/sync/manifest',
      auth: 'signed-in',
      onlyMethodsMessage: '该地址只接受 POST',
      maxBody: { bytes: MAX_BODY_BYTES, message: '请求内容超过 6 MB' },
      async handle(req) {
        const body = bodyOf(checkManifestBody(parseJson(rawBody(req.event))));
        const kind = kindOf(body.kind);
        try {
          const res = await manifestAsMember({ store, clock, access, profiles }, req.email!, { ...body, kind });
          log.info('manifest', { workClass: body.workClass, kind, ids: body.ids.length, deleted: res.deleted, refused: res.refused.length });
          return json(200, {
            deleted: res.deleted,
            kept: res.kept,
            refused: res.refused,
            deletedIds: res.deletedIds,
            ...(res.profile ? { profile: { problems: res.profile.problems } } : {}),
          });
        } catch (err) {
          if (err instanceof MassDeleteRefused) {
            log.info('manifest refused', { workClass: body.workClass, kind, live: err.live, wouldDelete: err.wouldDelete });
            return json(409, { error: { code: err.code, message: err.message }, live: err.live, wouldDelete: err.wouldDelete, deleted: 0, kept: err.live, refused: err.refused });
          }
          throw err;
        }
      },
    },

    {
      methods: ['GET'],
      path: '/v1/history',
      auth: 'signed-in',
      async handle(req) {
        const kindText = query(req, 'kind');
        const key = req.event.queryStringParameters?.key;
        if (!kindText || !key) throw new HttpError(400, 'invalid_request', '请给出 kind（表类型）和 key（行标识，即同步返回的 id）');
        const kind = kindOf(kindText);
        await access.authoriseReadKind(req.email!, kind);
        const page = pagingOf(req);
        const res = await rowHistory(store, kind, key, page);
        if (!res) throw new HttpError(404, 'not_found', `「${kindText}」中没有标识为「${key}」的行`);
        return json(200, res);
      },
    },

    {
      methods: ['GET'],
      path: ISSUE_PATH,
      auth: 'member',
      async handle(req) {
        const profile = await getProfile();
        const res = await issueDetail(store, req.params[0], pagingOf(req), (s) => issueWriteBack(s, profile));
        if (!res) throw new HttpError(404, 'issue_not_found', `未找到编号为 ${req.params[0]} 的问题`);
        return json(200, res);
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
          return json(200, await issueSummaryPage(store, { unit: query(req, 'unit'), status: status as IssueStatus | undefined, limit, cursor: query(req, 'cursor') }, await getProfile()));
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
      methods: ['GET'],
      path: '/v1/decisions',
      auth: 'command',
      handle: async () => json(200, { decisions: await decisionQueue(store, clock.now(), await getProfile()) }),
    },

    {
      methods: ['POST'],
      path: DECISION_PATH,
      auth: 'command',
      onlyMethodsMessage: '该地址只接受 POST',
      async handle(req) {
        const body = parseDecideBody(parseJson(rawBody(req.event) || 'null'));
        if (!body.ok) throw new HttpError(400, 'invalid_request', body.message);
        const res = await decide(decisionDeps, decodedParam(req.params[0]), body.input, req.email!);
        return res.ok ? json(200, { ok: true, decision: res.decision }) : json(res.status, { error: { code: res.code, message: res.message } });
      },
    },

    {
      methods: ['POST'],
      path: BATCH_ANSWER_PATH,
      auth: 'command',
      onlyMethodsMessage: '该地址只接受 POST',
      async handle(req) {
        const body = parseBatchAnswer(parseJson(rawBody(req.event) || 'null'));
        if (!body.ok) throw new HttpError(400, 'invalid_request', body.message);
        const res = await answerBatch(decisionDeps, decodedParam(req.params[0]), body.input, req.email!);
        return res.ok ? json(200, { ok: true, decision: res.decision }) : json(res.status, { error: { code: res.code, message: res.message } });
      },
    },

    {
      methods: ['GET'],
      path: '/v1/inspections',
      auth: 'member',
      async handle(req) {
        const status = query(req, 'status');
        if (status && !(INSPECTION_STATUSES as readonly string[]).includes(status)) {
          throw new HttpError(400, 'invalid_status', `状态「${status}」无效，应为：${INSPECTION_STATUSES.join('、')}`);
        }
        return json(200, { inspections: await listInspections(store, status, clock.now()) });
      },
    },

    {
      // 刷新状态 of a sector class: its 停产停工 rows' system columns (状态, 审批意见, 审批时间) by 编号.
      methods: ['GET'],
      path: '/v1/shutdowns',
      auth: 'member',
      async handle(req) {
        return json(200, { shutdowns: await shutdownStates(store, workClassParam(req, false), clock.now()) });
      },
    },

    {
      methods: ['GET', 'POST'],
      path: ACTION_LINK_PATH,
      auth: 'action-link',
      onlyMethodsMessage: '该地址只接受 GET 或 POST',
      async handle(req) {
        const token = req.params[0];
        if (isDecisionToken(token)) {
          const secrets = deps.config.actionSecrets;
          const page =
            req.method === 'POST'
              ? await performDecisionLink(decisionDeps, secrets, token, new URLSearchParams(rawBody(req.event)))
              : await showDecisionLink(decisionDeps, secrets, token);
          return html(page.statusCode, renderPageView(page.view));
        }
        const page = req.method === 'POST' ? await performAction(actionDeps, token, new URLSearchParams(rawBody(req.event))) : await showAction(actionDeps, token);
        return html(page.statusCode, renderPageView(page.view));
      },
    },
  ];

  const policies = deps.policies;
  if (policies) {
    // The class's 企业自报 issues with their tab values: 刷新状态 appends those its tab lacks (by 编号).
    routes.push({
      methods: ['GET'],
      path: '/v1/enterprise-reports',
      auth: 'member',
      async handle(req) {
        const workClass = workClassParam(req)!;
        const reports = await policies.listSelfReports(workClass);
        return json(200, { workClass, issues: reports.map((r) => ({ id: r.id, values: r.values })) });
      },
    });
    routes.push({
      methods: ['GET'],
      path: /^\/v1\/policies\/([^/]+)\/matches$/,
      auth: 'member',
      async handle(req) {
        const policy = decodeURIComponent(req.params[0]);
        const matches = await policies.listMatches({ policy });
        return json(200, {
          policy,
          matches: matches.map((m) => ({ enterprise: m.enterprise, enterpriseName: m.enterpriseName, pushedAt: m.pushedAt === null || m.baseline ? null : new Date(m.pushedAt).toISOString(), feedback: m.feedback ? { answer: m.feedback.answer, at: new Date(m.feedback.at).toISOString() } : null })),
        });
      },
    });
  }

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
        handle: (req) =>
          handleDashboardRoute(req.event, {
            access,
            clock,
            actionSecrets: deps.config.actionSecrets,
            model: (now, viewer) => dashboardModel({ store, digests, getProfile, countyName: deps.config.countyName, failures: deps.failures }, now, viewer),
          }),
      },
      {
        methods: 'any',
        path: DASHBOARD_ISSUE_PATH,
        auth: 'view-link',
        handle: (req) =>
          handleIssuePageRoute(req.event, req.params[0], {
            access,
            clock,
            page: async (id, now, backHref) => {
              const profile = await getProfile();
              return issuePageModel(store, id, (s) => issueWriteBack(s, profile), { countyName: deps.config.countyName ?? '', now, backHref });
            },
          }),
      },
    );
  }
  return routes;
}
