// GET /v1/dashboard: the command office's live dashboard page (指挥部看板, domain/reports/dashboard.ts;
// its model and signed link: usecases/dashboard.ts; who may see it: usecases/access.ts viewDashboard).
//
// Access: the page names units, enterprises and their problems. Either
//   - a signed view link `?sig=<exp>.<mac>`: the digest's view-link HMAC (usecases/digest-view.ts) over the
//     subject `dashboard` instead of a week (a digest link never signs `dashboard`: weeks are
//     YYYY-Www), made with the first action secret and valid DASHBOARD_LINK_DAYS (30) days — for the
//     wall screen and the digest mail; or
//   - `Authorization: Bearer <ID token>` of a member of the coordination (综合协调, the command
//     office) or supervision (督办督查) class, any role, or a bootstrap admin while no member exists.
// No credentials: 401. A valid bearer of anyone else: 403. A tampered or malformed link: 403. An
// expired link: 410 (Gone: the link was good and has lapsed; ask for a new one). A bad link with a
// good bearer is decided by the bearer. Every answer is a Chinese HTML page with the digest page's
// strict headers (no script, nothing external).
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { DashboardModel } from '../../domain/reports/dashboard.js';
import { renderDashboardHtml } from '../../domain/reports/dashboard-render.js';
import { renderIssuePageHtml, type IssuePageModel } from '../../domain/reports/issue-page.js';
import { DIGEST_PAGE_HEADERS, noticePage } from './digest-routes.js';
import type { DashboardViewer } from '../usecases/dashboard.js';
import { bearerOf } from './router.js';
import type { Clock } from '../ports.js';
import type { Access } from '../usecases/access.js';
import { DASHBOARD_LINK_DAYS, dashboardSubject } from '../usecases/dashboard.js';

export interface DashboardRouteDeps {
  access: Pick<Access, 'viewDashboard' | 'isCommand'>;
  clock: Clock;
  /** Keys of the decision forms a 审批 viewer gets. */
  actionSecrets?: readonly string[];
  /** The dashboard's model at `now` (usecases/dashboard.ts dashboardModel) for this viewer. */
  model(now: number, viewer: DashboardViewer): Promise<DashboardModel>;
}

/** The page with decision forms: they post back to this origin (`/a/<token>`), nothing else changes. */
const DECIDER_PAGE_HEADERS = {
  ...DIGEST_PAGE_HEADERS,
  'content-security-policy': DIGEST_PAGE_HEADERS['content-security-policy'].replace("form-action 'none'", "form-action 'self'"),
};

type Result = APIGatewayProxyStructuredResultV2;

/** Who may see the page: the viewer when allowed (a bearer's, or the one a signed link names), else the answer to give. */
async function access(event: APIGatewayProxyEventV2, deps: Pick<DashboardRouteDeps, 'access' | 'clock'>): Promise<{ viewer: string | undefined } | Result> {
  const as = event.queryStringParameters?.as?.trim().toLowerCase() || undefined;
  const v = await deps.access.viewDashboard({ sig: event.queryStringParameters?.sig, bearer: bearerOf(event), now: deps.clock.now(), as }, dashboardSubject(as));
  if (v.ok) return { viewer: v.email };
  switch (v.reason) {
    case 'link_expired':
      return noticePage(410, '看板链接已过期', `该看板链接已过有效期（${DASHBOARD_LINK_DAYS} 天）。请使用本周督办督查周报邮件中的新链接，或联系综合协调专班重新获取。`);
    case 'link_invalid':
      return noticePage(403, '看板链接无效', '该看板链接无效或不完整，请从周报邮件或综合协调专班提供的地址重新打开。');
    case 'login_required':
      return noticePage(401, '需要登录', '查看指挥部看板需要签名链接，或以综合协调专班、督办督查专班成员身份登录（Authorization: Bearer …）。');
    case 'identity_invalid':
      return noticePage(401, '未登录或登录已失效', '身份令牌无效或已过期，请在表格插件中重新授权后再试。');
    case 'not_allowed':
      return noticePage(403, '无权查看', `${v.email} 不是综合协调专班（指挥部办公室）或督办督查专班的成员，无权查看指挥部看板。`);
  }
}

/** `?sig=` of the request, carried by the links between the dashboard and its issue pages. */
const sigQuery = (event: APIGatewayProxyEventV2) => {
  const sig = event.queryStringParameters?.sig;
  const as = event.queryStringParameters?.as;
  return sig ? `?sig=${encodeURIComponent(sig)}${as ? `&as=${encodeURIComponent(as)}` : ''}` : '';
};

export async function handleDashboardRoute(event: APIGatewayProxyEventV2, deps: DashboardRouteDeps): Promise<Result> {
  const method = event.requestContext?.http?.method?.toUpperCase() ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') return noticePage(405, '不支持的请求', '该地址只接受 GET。');
  const allowed = await access(event, deps);
  if (!('viewer' in allowed)) return allowed;
  // Decision buttons need a 审批 member (re-checked on each request; the POST checks again).
  const decider = allowed.viewer && deps.actionSecrets?.length && (await deps.access.isCommand(allowed.viewer)) ? allowed.viewer : undefined;
  const model = await deps.model(deps.clock.now(), decider ? { decider, secrets: deps.actionSecrets } : {});
  const q = sigQuery(event);
  return {
    statusCode: 200,
    headers: model.canDecide ? DECIDER_PAGE_HEADERS : DIGEST_PAGE_HEADERS,
    body: method === 'HEAD' ? '' : renderDashboardHtml(model, { issueHref: (id) => `${DASHBOARD_ISSUE_PREFIX}${id}${q}` }),
  };
}

/** The dashboard's issue pages: `/v1/dashboard/issues/{编号}`, with the dashboard's access. */
export const DASHBOARD_ISSUE_PREFIX = '/v1/dashboard/issues/';
export const DASHBOARD_ISSUE_PATH = /^\/v1\/dashboard\/issues\/(WT-\d{8}-\d{3,})$/;

export async function handleIssuePageRoute(
  event: APIGatewayProxyEventV2,
  id: string,
  deps: Omit<DashboardRouteDeps, 'model'> & { page(id: string, now: number, backHref: string): Promise<IssuePageModel | null> },
): Promise<Result> {
  const method = event.requestContext?.http?.method?.toUpperCase() ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') return noticePage(405, '不支持的请求', '该地址只接受 GET。');
  const allowed = await access(event, deps);
  if (!('viewer' in allowed)) return allowed;
  const model = await deps.page(id, deps.clock.now(), `/v1/dashboard${sigQuery(event)}`);
  if (!model) return noticePage(404, '问题不存在', `未找到编号为 ${id} 的问题。`);
  return { statusCode: 200, headers: DIGEST_PAGE_HEADERS, body: method === 'HEAD' ? '' : renderIssuePageHtml(model) };
}
