// GET /v1/dashboard: the command office's live dashboard page (指挥部看板, domain/dashboard.ts).
//
// Access: the page names units, enterprises and their problems. Either
//   - a signed view link `?sig=<exp>.<mac>`: the digest's view-link HMAC (digest-view.ts) over the
//     subject `dashboard` instead of a week (a digest link never signs `dashboard`: weeks are
//     YYYY-Www), made with the first action secret and valid DASHBOARD_LINK_DAYS (30) days — for the
//     wall screen and the digest mail; or
//   - `Authorization: Bearer <ID token>` of a member of the coordination (综合协调, the command
//     office) or supervision (督办督查) class, any role, or a bootstrap admin while no member exists.
// No credentials: 401. A valid bearer of anyone else: 403. A tampered or malformed link: 403. An
// expired link: 410 (Gone: the link was good and has lapsed; ask for a new one). A bad link with a
// good bearer is decided by the bearer. Every answer is a Chinese HTML page with the digest page's
// strict headers (no script, nothing external).
//
// Reads (none grows with history): the profile; coverage from the current whitelist/sector_total
// rows (the GET /v1/coverage code path, passed in); the digest store's reads of the current week
// (byActivity ACT#OPEN + ACT#<this week> + byResolveWeek RW#<this week>); and the 已办结 / 已回访
// issues of each unit of the profile through the byUnit index (unitPk = UNIT#<code>, unitSk begins
// with the status) — issues of a unit no longer in the profile are not listed there.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { CoverageReport } from '../../domain/reports/coverage.js';
import { AWAITING_STATUSES, buildDashboard } from '../../domain/reports/dashboard.js';
import { renderDashboardHtml } from '../../domain/reports/dashboard-render.js';
import { escapeHtml } from '../../domain/reports/html.js';
import { isoWeek, shanghaiDate } from '../../domain/time/time.js';
import type { Profile } from '../../domain/rows/types.js';
import type { IssueRecord } from '../../domain/issues/types.js';
import { DIGEST_PAGE_HEADERS } from './digest-routes.js';
import type { DigestStore } from '../adapters/digest-store.js';
import { signDigestView, verifyDigestView } from './digest-view.js';
import type { Clock, IdentityVerifier, Store } from '../ports.js';

export const DASHBOARD_PATH = '/v1/dashboard';
/** Validity of a signed dashboard link, days. */
export const DASHBOARD_LINK_DAYS = 30;
const SUBJECT = 'dashboard';
/** Classes whose members may open the dashboard with their bearer. */
const VIEWER_CLASSES = ['coordination', 'supervision'];

/** The dashboard's URL signed until `now` + ttlDays. */
export function dashboardViewUrl(baseUrl: string, secrets: readonly string[], now: number, ttlDays = DASHBOARD_LINK_DAYS): string {
  const exp = Math.floor(now / 1000) + ttlDays * 86_400;
  return `${baseUrl.replace(/\/+$/, '')}${DASHBOARD_PATH}?sig=${signDigestView(SUBJECT, exp, secrets)}`;
}

export interface DashboardRouteDeps {
  store: Store;
  digests: DigestStore;
  identity: IdentityVerifier;
  clock: Clock;
  config: { actionSecrets: string[]; bootstrapAdmins?: string[]; countyName?: string };
  getProfile(): Promise<Profile | null>;
  /** Coverage on a day from the current rows (GET /v1/coverage). */
  coverageAt(at: string): Promise<CoverageReport>;
}

type Result = APIGatewayProxyStructuredResultV2;

function page(statusCode: number, title: string, message: string): Result {
  const body =
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(title)}</title></head><body style="font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',Arial,sans-serif;color:#1f2937;max-width:640px;margin:48px auto;padding:0 16px">` +
    `<h1 style="font-size:20px">${escapeHtml(title)}</h1><p style="line-height:1.7">${escapeHtml(message)}</p></body></html>`;
  return { statusCode, headers: DIGEST_PAGE_HEADERS, body };
}

/** Who may see the page: null when allowed, else the answer to give. */
async function access(event: APIGatewayProxyEventV2, deps: DashboardRouteDeps): Promise<Result | null> {
  const sig = event.queryStringParameters?.sig;
  const auth = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
  const bearer = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth)?.[1] : undefined;
  if (sig) {
    const v = verifyDigestView(SUBJECT, sig, deps.config.actionSecrets, deps.clock.now());
    if (v.ok) return null;
    if (!bearer) {
      return v.reason === 'expired'
        ? page(410, '看板链接已过期', `该看板链接已过有效期（${DASHBOARD_LINK_DAYS} 天）。请使用本周督办督查周报邮件中的新链接，或联系综合协调专班重新获取。`)
        : page(403, '看板链接无效', '该看板链接无效或不完整，请从周报邮件或综合协调专班提供的地址重新打开。');
    }
  }
  if (!bearer) return page(401, '需要登录', '查看指挥部看板需要签名链接，或以综合协调专班、督办督查专班成员身份登录（Authorization: Bearer …）。');
  const who = await deps.identity.verify(bearer);
  if (!who) return page(401, '未登录或登录已失效', '身份令牌无效或已过期，请在表格插件中重新授权后再试。');
  const members = (await deps.getProfile())?.members ?? [];
  const admins = (deps.config.bootstrapAdmins ?? []).map((x) => x.trim().toLowerCase());
  if (members.some((m) => m.email === who.email && VIEWER_CLASSES.includes(m.workClass))) return null;
  if (members.length === 0 && admins.includes(who.email)) return null;
  return page(403, '无权查看', `${who.email} 不是综合协调专班（指挥部办公室）或督办督查专班的成员，无权查看指挥部看板。`);
}

/** 已办结 / 已回访 issues of every unit of the profile (byUnit index, 8 units at a time). */
async function awaitingIssues(store: Store, profile: Profile | null): Promise<IssueRecord[]> {
  const queries = (profile?.units ?? []).flatMap((u) => AWAITING_STATUSES.map((status) => ({ unit: u.code, status })));
  const out: IssueRecord[] = [];
  for (let i = 0; i < queries.length; i += 16) {
    const parts = await Promise.all(queries.slice(i, i + 16).map((q) => store.listIssues(q)));
    for (const list of parts) for (const s of list) out.push(s.record);
  }
  return out;
}

export async function handleDashboardRoute(event: APIGatewayProxyEventV2, deps: DashboardRouteDeps): Promise<Result> {
  const method = event.requestContext?.http?.method?.toUpperCase() ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') return page(405, '不支持的请求', '该地址只接受 GET。');
  const denied = await access(event, deps);
  if (denied) return denied;

  const now = deps.clock.now();
  const today = shanghaiDate(now);
  const profile = await deps.getProfile();
  const [coverage, week, awaiting] = await Promise.all([
    deps.coverageAt(today),
    deps.digests.issuesForWeek(isoWeek(today), now),
    awaitingIssues(deps.store, profile),
  ]);
  const model = buildDashboard({
    now,
    countyName: deps.config.countyName,
    profile: profile ?? { units: [], workClasses: [] },
    coverage,
    openIssues: week,
    recentIssues: week,
    awaitingIssues: awaiting,
  });
  return { statusCode: 200, headers: DIGEST_PAGE_HEADERS, body: method === 'HEAD' ? '' : renderDashboardHtml(model) };
}
