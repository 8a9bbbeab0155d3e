// GET /v1/digests/{YYYY-Www}: the stored digest page (exactly the HTML the week's run published).
//
// Access: the page names units, enterprises and their problems, so it is not public. Either
//   - the signed view link from the digest mail (`?sig=<exp>.<mac>`, usecases/digest-view.ts): mail clients
//     and browsers cannot send a bearer header, and the recipients are who the page is for; or
//   - `Authorization: Bearer <ID token>` of a member of any work class (as GET /v1/issues), a
//     recipient of that week's digest, or a bootstrap admin while no member exists.
// The week's format is checked first (400), then access (401 / 403), then existence (404): nobody
// learns which weeks exist without access. Every answer is an HTML page in Chinese with a strict
// Content-Security-Policy (no script, nothing external: the page needs only inline styles).
// Who may see it is decided by usecases/access.ts (viewDigest); this file renders the answers.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { weekLabel } from '../../domain/reports/digest.js';
import { html } from '../../domain/reports/html.js';
import { isoWeekRange } from '../../domain/time/time.js';
import type { Clock, DigestReader, IdentityVerifier, ApiStore } from '../ports.js';
import { createAccess, createProfileCache } from '../usecases/access.js';
import { bearerOf } from './router.js';
import { storedDigestPage } from '../usecases/queries.js';

export interface DigestRouteDeps {
  store: ApiStore;
  digests: DigestReader;
  identity: IdentityVerifier;
  clock: Clock;
  config: { actionSecrets: string[]; bootstrapAdmins?: string[] };
}

type Result = APIGatewayProxyStructuredResultV2;

export const DIGEST_PATH = /^\/v1\/digests\/([^/]+)$/;

export const DIGEST_PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'private, no-store',
  'x-robots-tag': 'noindex',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/** A short Chinese answer page (errors, access) with the report pages' strict headers. */
export function noticePage(statusCode: number, title: string, message: string): Result {
  const body = html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title></head><body style="font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',Arial,sans-serif;color:#1f2937;max-width:640px;margin:48px auto;padding:0 16px"><h1 style="font-size:20px">${title}</h1><p style="line-height:1.7">${message}</p></body></html>`;
  return { statusCode, headers: DIGEST_PAGE_HEADERS, body: body.toString() };
}

/** The digest page route; null when the path is not `/v1/digests/…` (the caller answers 404). */
export async function handleDigestRoute(event: APIGatewayProxyEventV2, deps: DigestRouteDeps): Promise<Result | null> {
  const m = DIGEST_PATH.exec(event.rawPath ?? '');
  if (!m) return null;
  const method = event.requestContext?.http?.method?.toUpperCase() ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') return noticePage(405, '不支持的请求', '该地址只接受 GET。');
  const week = decodeURIComponent(m[1]).trim().toUpperCase();
  try {
    isoWeekRange(week);
  } catch (err) {
    return noticePage(400, '周次格式不正确', `${(err as Error).message}。地址应为 /v1/digests/YYYY-Www，例如 /v1/digests/2022-W23。`);
  }
  const label = weekLabel(week);

  // The profile as stored now (no cache): membership decides who sees named enterprises.
  const access = createAccess({ identity: deps.identity, profiles: createProfileCache(deps.store), bootstrapAdmins: deps.config.bootstrapAdmins, actionSecrets: deps.config.actionSecrets });
  const v = await access.viewDigest({ sig: event.queryStringParameters?.sig, bearer: bearerOf(event), now: deps.clock.now() }, week, async (email) =>
    !!(await deps.digests.getDigest(week))?.recipients.includes(email),
  );
  if (!v.ok) {
    switch (v.reason) {
      case 'link_expired':
        return noticePage(401, '链接已过期', `该周报链接（${label}）已过有效期。请使用表格插件登录后查看，或联系综合协调专班。`);
      case 'link_invalid':
        return noticePage(401, '链接无效', `该周报链接（${label}）无效或不完整，请从周报邮件中重新打开。`);
      case 'identity_invalid':
        return noticePage(401, '未登录或登录已失效', '身份令牌无效或已过期，请在表格插件中重新授权后再试。');
      case 'not_allowed':
        return noticePage(403, '无权查看', `${v.email} 不是任何工作专班的成员，也不是该周报的收件人，无权查看${label}周报。`);
      case 'login_required':
        return noticePage(401, '需要登录', `查看${label}周报需要周报邮件中的链接，或以工作专班成员身份登录（Authorization: Bearer …）。`);
    }
  }

  const html = await storedDigestPage(deps.digests, week);
  if (html === null) {
    return noticePage(404, '周报尚未生成', `${label}（${isoWeekRange(week).monday} 至 ${isoWeekRange(week).sunday}）的督办督查周报尚未生成。周报于每周五 17:00 生成并发送。`);
  }
  return { statusCode: 200, headers: DIGEST_PAGE_HEADERS, body: method === 'HEAD' ? '' : html };
}
