// The routes of the `pages` function (handlers/pages.ts), kept out of the API's bundle: the public
// 惠企政策清单 (`/p/policies`, `/p/policies.json`) and 工作机制 (`/p/mechanisms`), cacheable and
// without login; the enterprise's page `/e/{token}` (GET shows, POST reports a new 诉求); the answer
// page of a pushed policy `/f/{token}` (GET shows, POST records). Link pages are `no-store`,
// `noindex`, `no-referrer`; their tokens are never logged.
import type { Clock, Log, PolicyStore, Store } from '../ports.js';
import type { Profile } from '../../domain/rows/types.js';
import { recordFeedback, reportFromEnterprise, showEnterprise, showFeedback, type EnterpriseAnswer, type EnterpriseDeps } from '../usecases/enterprise.js';
import { FILTER_CHOICES, mechanisms, publicPolicies, type PolicyFilters } from '../usecases/public-views.js';
import { enterprisePage, feedbackPage, mechanismsPage, pagesMessage, policiesPage } from './public-pages.js';
import { html, rawBody, type ApiEvent, type Result, type Route } from './router.js';

export const PAGE_LINK_PREFIXES = ['/e/', '/f/'] as const;

/** Public pages: cacheable by browsers and proxies for five minutes. */
const PUBLIC_HEADERS = {
  'cache-control': 'public, max-age=300',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
};

const publicHtml = (body: string): Result => ({ statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8', ...PUBLIC_HEADERS }, body });
const publicJson = (body: unknown): Result => ({ statusCode: 200, headers: { 'content-type': 'application/json; charset=utf-8', ...PUBLIC_HEADERS }, body: JSON.stringify(body) });

export interface PageRouteDeps {
  store: Store;
  policies: PolicyStore;
  clock: Clock;
  log: Log;
  getProfile(): Promise<Profile | null>;
  config: { actionSecrets: string[]; countyName?: string };
}

function filters(event: ApiEvent): PolicyFilters {
  const q = event.queryStringParameters ?? {};
  const pick = <K extends keyof PolicyFilters>(k: K) => {
    const v = q[k]?.trim();
    return v && (FILTER_CHOICES[k] as readonly string[]).includes(v) ? v : undefined;
  };
  return { sector: pick('sector'), category: pick('category'), level: pick('level') };
}

/** A form POST from another origin is refused (the token in the path is the form's secret too). */
function foreignOrigin(event: ApiEvent): boolean {
  const h = event.headers ?? {};
  const origin = h.origin ?? h.Origin;
  if (!origin || origin === 'null') return false;
  const host = h.host ?? h.Host ?? event.requestContext?.domainName;
  try {
    return !!host && new URL(origin).host !== host;
  } catch {
    return true;
  }
}

function enterpriseResult(a: EnterpriseAnswer, token: string): Result {
  if (!a.ok) return html(a.statusCode, pagesMessage(a.title, a.message));
  return html(a.statusCode ?? 200, enterprisePage(a.view, token, { created: a.created, error: a.error }));
}

export function pageRoutes(deps: PageRouteDeps): Route[] {
  const { store, policies, clock, log, getProfile } = deps;
  const public_ = { store, clock, getProfile, countyName: deps.config.countyName };
  const ent: EnterpriseDeps = { store, policies, clock, log, getProfile, actionSecrets: deps.config.actionSecrets };
  return [
    { methods: ['GET'], path: '/p/policies', auth: 'public', handle: async (req) => publicHtml(policiesPage(await publicPolicies(public_, filters(req.event)), filters(req.event))) },
    { methods: ['GET'], path: '/p/policies.json', auth: 'public', handle: async (req) => publicJson(await publicPolicies(public_, filters(req.event))) },
    { methods: ['GET'], path: '/p/mechanisms', auth: 'public', handle: async () => publicHtml(mechanismsPage(await mechanisms(public_))) },
    {
      methods: ['GET', 'POST'],
      path: /^\/e\/([A-Za-z0-9_.-]+)$/,
      auth: 'action-link',
      onlyMethodsMessage: '该地址只接受 GET 或 POST',
      maxBody: { bytes: 32_000, message: '提交内容过长' },
      async handle(req) {
        const token = req.params[0];
        if (req.method === 'GET') return enterpriseResult(await showEnterprise(ent, token), token);
        if (foreignOrigin(req.event)) return html(403, pagesMessage('无法提交', '请在企业专属页面上提交。'));
        return enterpriseResult(await reportFromEnterprise(ent, token, new URLSearchParams(rawBody(req.event))), token);
      },
    },
    {
      methods: ['GET', 'POST'],
      path: /^\/f\/([A-Za-z0-9_.-]+)$/,
      auth: 'action-link',
      onlyMethodsMessage: '该地址只接受 GET 或 POST',
      async handle(req) {
        const token = req.params[0];
        if (req.method === 'POST' && foreignOrigin(req.event)) return html(403, pagesMessage('无法提交', '请在邮件链接打开的页面上提交。'));
        const a = req.method === 'POST' ? await recordFeedback(ent, token) : await showFeedback(ent, token);
        return a.ok ? html(a.statusCode, feedbackPage(a)) : html(a.statusCode, pagesMessage(a.title, a.message));
      },
    },
  ];
}
