// The web front end's routes (SPEC §7.7, §7.8): sign-in by mail (`/login`, `/login/{token}`), the
// member's page `/my`, the upload and its annotated workbook, the confirmation of a mass deletion the
// upload's manifest was refused, logout. Every page is HTML (errors too), sent `no-store`,
// `noindex`, `referrer-policy: no-referrer`. Every form POST needs a CSRF token and an Origin of this
// site; the session cookie is read on `/my*` only (this table serves nothing else). `POST /login`
// answers in at least `loginAnswerMs` whatever the address, so its timing does not tell members from
// others.
import { WORK_CLASS_IDS, type WorkClassId } from '../../domain/rows/kinds.js';
import type { Clock, Log, Mailer, Store, WebStore } from '../ports.js';
import { AccessDenied, type Access, type ProfileCache } from '../usecases/access.js';
import { dashboardViewUrl } from '../usecases/dashboard.js';
import { ImportPlanError } from '../usecases/import-tables.js';
import { CONFIRM_HOURS, confirmUploadDeletions, uploadWorkbook, type WorkbookCodec } from '../usecases/upload.js';
import {
  checkCsrf,
  checkFormToken,
  checkLoginLink,
  confirmLogin,
  countUpload,
  isApprover,
  memberRows,
  myClasses,
  newFormToken,
  readSession,
  requestLogin,
  SESSION_HOURS,
  type Session,
} from '../usecases/web-session.js';
import { boundaryOf, MultipartError, parseMultipart } from './multipart.js';
import type { ApiEvent, Result, Route } from './router.js';
import { alreadyConfirmedPage, confirmLoginPage, loginPage, loginSentPage, messagePage, myPage, UPLOAD_SCRIPT_HASH, uploadResultPage } from './web-pages.js';

/** Largest workbook accepted on the page (SPEC §7.8: 4 MB, which fits Lambda's 6 MB request once encoded). */
export const MAX_UPLOAD_BYTES = 4 * 1024 * 1024;
/** The request around it (multipart headers and fields). */
const MAX_UPLOAD_REQUEST_BYTES = MAX_UPLOAD_BYTES + 64 * 1024;

/** Declared types a browser may send for each file type (some send octet-stream, WPS sends zip or ms-excel). */
const ALLOWED_TYPES: Record<'xlsx' | 'csv', readonly string[]> = {
  xlsx: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream', 'application/zip', 'application/x-zip-compressed', ''],
  csv: ['text/csv', 'text/plain', 'application/csv', 'text/comma-separated-values', 'application/vnd.ms-excel', 'application/octet-stream', ''],
};

export const WEB_PATHS = /^\/(login|my)(\/|$)/;

export interface WebRouteDeps {
  store: Store;
  web: WebStore;
  mailer: Mailer;
  clock: Clock;
  log: Log;
  access: Access;
  profiles: ProfileCache;
  codec: WorkbookCodec;
  config: {
    actionSecrets: string[];
    bootstrapAdmins?: string[];
    countyName?: string;
    /** Base URL of these pages (sign-in links, the Origin check, the cookie's Secure flag). */
    webBaseUrl: string;
    /** Base URL of the API (the dashboard's signed link); default the web base URL. */
    apiBaseUrl?: string;
    /** Least time `POST /login` takes to answer, ms (same timing shape for members and others). */
    loginAnswerMs?: number;
  };
  /** Real time for the answer floor (not the service clock). */
  sleep?: (ms: number) => Promise<void>;
}

function headers(script = false): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-robots-tag': 'noindex',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'${
      script ? `; script-src ${UPLOAD_SCRIPT_HASH}; connect-src 'self'` : ''
    }`,
  };
}

const htmlPage = (statusCode: number, body: string, opts: { script?: boolean; cookies?: string[] } = {}): Result => ({
  statusCode,
  headers: headers(opts.script),
  body,
  ...(opts.cookies ? { cookies: opts.cookies } : {}),
});

const redirect = (location: string, cookies?: string[]): Result => ({
  statusCode: 303,
  headers: { ...headers(), location },
  body: '',
  ...(cookies ? { cookies } : {}),
});

function header(event: ApiEvent, name: string): string | undefined {
  const h = event.headers ?? {};
  return h[name] ?? Object.entries(h).find(([k]) => k.toLowerCase() === name)?.[1];
}

function bodyBuffer(event: ApiEvent): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

export function createWebRoutes(deps: WebRouteDeps): Route[] {
  const { clock, log } = deps;
  const secrets = deps.config.actionSecrets;
  const base = deps.config.webBaseUrl.replace(/\/+$/, '');
  const origin = new URL(base).origin;
  const secure = base.startsWith('https:');
  const cookieName = secure ? '__Host-sibao' : 'sibao';
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const loginDeps = {
    store: deps.store,
    web: deps.web,
    mailer: deps.mailer,
    clock,
    profiles: deps.profiles,
    log,
    secrets,
    bootstrapAdmins: deps.config.bootstrapAdmins,
    baseUrl: base,
    countyName: deps.config.countyName,
  };

  const uploadDeps = { store: deps.store, clock, access: deps.access, profiles: deps.profiles, web: deps.web, codec: deps.codec, log };

  const sessionCookie = (value: string, maxAge: number) =>
    `${cookieName}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;

  function cookieOf(event: ApiEvent): string | undefined {
    const all = [...(event.cookies ?? []), ...(header(event, 'cookie')?.split(';') ?? [])];
    for (const c of all) {
      const i = c.indexOf('=');
      if (i > 0 && c.slice(0, i).trim() === cookieName) return c.slice(i + 1).trim();
    }
    return undefined;
  }

  /**
   * A form POST from this site. The pages send `referrer-policy: no-referrer` (SPEC §7.8), under which
   * browsers send `Origin: null` on form posts; they also send `Sec-Fetch-Site`, which says
   * `same-origin` only for our own pages (a sandboxed frame elsewhere says `cross-site`). So: a real
   * Origin must be ours; else Sec-Fetch-Site must be same-origin; else (old browsers, scripts) the
   * Referer, if any, must be ours.
   */
  function sameOrigin(event: ApiEvent): boolean {
    const o = header(event, 'origin');
    if (o && o !== 'null') return o === origin;
    const site = header(event, 'sec-fetch-site');
    if (site) return site === 'same-origin';
    if (o === 'null') return false;
    const r = header(event, 'referer');
    if (!r) return false;
    try {
      return new URL(r).origin === origin;
    } catch {
      return false;
    }
  }

  const forbidden = () => htmlPage(403, messagePage('请求被拒绝', '该请求不是从本系统的页面提交的（来源或表单校验不符）。请回到页面刷新后重试。', { href: '/my', label: '返回' }));

  async function session(event: ApiEvent): Promise<{ session: Session; rows: Awaited<ReturnType<typeof memberRows>> } | null> {
    const s = readSession(cookieOf(event), secrets, clock.now());
    if (!s || (await deps.web.isClaimed(s.revokeKey))) return null;
    const rows = await memberRows(deps, s.email);
    return rows.length ? { session: s, rows } : null;
  }

  const toLogin = () => redirect('/login');

  async function myView(email: string, rows: Awaited<ReturnType<typeof memberRows>>, csrf: string, selectedId?: string, notice?: string) {
    const classes = myClasses(rows);
    const selected = classes.find((c) => c.id === selectedId && c.canUpload);
    return myPage({
      email,
      classes,
      selected,
      uploads: await deps.web.listUploads(email, 10),
      csrf,
      // The approver's own link: the dashboard carries the decision queue's signed forms for them.
      dashboardUrl: isApprover(rows) ? dashboardViewUrl(deps.config.apiBaseUrl ?? base, secrets, clock.now(), SESSION_HOURS / 24, email) : undefined,
      maxMb: MAX_UPLOAD_BYTES / 1024 / 1024,
      notice,
      now: clock.now(),
    });
  }

  return [
    {
      methods: ['GET', 'POST'],
      path: '/login',
      auth: 'session',
      onlyMethodsMessage: '该地址只接受 GET 或 POST',
      async handle(req) {
        if (req.method === 'GET') return htmlPage(200, loginPage({ formToken: newFormToken(secrets, clock.now()) }));
        const started = Date.now();
        const form = new URLSearchParams(bodyBuffer(req.event).toString('utf8'));
        if (!sameOrigin(req.event) || !checkFormToken(form.get('csrf') ?? '', secrets, clock.now())) return forbidden();
        const email = (form.get('email') ?? '').trim();
        if (!email || email.length > 254) {
          return htmlPage(400, loginPage({ formToken: newFormToken(secrets, clock.now()), error: '请填写邮箱' }));
        }
        const client = req.event.requestContext?.http?.sourceIp ?? 'unknown';
        const res = await requestLogin(loginDeps, { email, client });
        const floor = deps.config.loginAnswerMs ?? 1_500;
        const left = floor - (Date.now() - started);
        if (left > 0) await sleep(left);
        if (res.status === 'limited') {
          return htmlPage(429, messagePage('请求过于频繁', '登录请求过于频繁，请一小时后再试。', { href: '/login', label: '返回登录页' }));
        }
        return htmlPage(200, loginSentPage());
      },
    },
    {
      methods: ['GET', 'POST'],
      path: /^\/login\/([A-Za-z0-9_.-]{1,2048})$/,
      auth: 'session',
      onlyMethodsMessage: '该地址只接受 GET 或 POST',
      async handle(req) {
        const token = req.params[0];
        const problem = (reason: string) => {
          const text: Record<string, [number, string]> = {
            invalid: [400, '登录链接无效（可能复制不完整）。请重新获取登录链接。'],
            expired: [410, '登录链接已过期（15 分钟内有效）。请重新获取登录链接。'],
            used: [409, '该登录链接已经使用过（每个链接只能使用一次）。请重新获取登录链接。'],
            not_member: [403, '该邮箱已不在“成员”表中，不能登录。请联系综合协调专班。'],
          };
          const [status, message] = text[reason] ?? text.invalid;
          return htmlPage(status, messagePage('无法登录', message, { href: '/login', label: '重新获取登录链接' }));
        };
        if (req.method === 'GET') {
          const v = checkLoginLink({ secrets, clock }, token);
          return v.ok ? htmlPage(200, confirmLoginPage({ formToken: newFormToken(secrets, clock.now()) })) : problem(v.reason);
        }
        const form = new URLSearchParams(bodyBuffer(req.event).toString('utf8'));
        if (!sameOrigin(req.event) || !checkFormToken(form.get('csrf') ?? '', secrets, clock.now())) return forbidden();
        const res = await confirmLogin(loginDeps, token);
        if (!res.ok) return problem(res.reason);
        return redirect('/my', [sessionCookie(res.cookie, res.maxAgeSeconds)]);
      },
    },
    {
      methods: ['GET'],
      path: '/my',
      auth: 'session',
      onlyMethodsMessage: '该地址只接受 GET',
      async handle(req) {
        const s = await session(req.event);
        if (!s) return toLogin();
        const selected = req.event.queryStringParameters?.class;
        return htmlPage(200, await myView(s.session.email, s.rows, s.session.csrf, selected), { script: true });
      },
    },
    {
      methods: ['POST'],
      path: '/my/logout',
      auth: 'session',
      onlyMethodsMessage: '该地址只接受 POST',
      async handle(req) {
        const s = readSession(cookieOf(req.event), secrets, clock.now());
        const form = new URLSearchParams(bodyBuffer(req.event).toString('utf8'));
        if (s && (!sameOrigin(req.event) || !checkCsrf(s, form.get('csrf') ?? undefined))) return forbidden();
        // The cookie is cleared, and the session itself ends (a copy of the cookie no longer works).
        if (s) await deps.web.claimOnce(s.revokeKey, s.exp + 86_400);
        return redirect('/login', [sessionCookie('', 0)]);
      },
    },
    {
      methods: ['POST'],
      path: '/my/upload',
      auth: 'session',
      onlyMethodsMessage: '该地址只接受 POST',
      async handle(req) {
        const tooLarge = () =>
          htmlPage(413, messagePage('上传未完成', `文件超过 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB，网页上传不接受；请拆分后上传，或交县政务服务和大数据局用 sibao import 导入。`, { href: '/my', label: '返回我的工作台' }));
        if ((req.event.body?.length ?? 0) > (req.event.isBase64Encoded ? (MAX_UPLOAD_REQUEST_BYTES * 4) / 3 + 4 : MAX_UPLOAD_REQUEST_BYTES)) return tooLarge();
        const s = await session(req.event);
        if (!s) return htmlPage(401, messagePage('请先登录', '登录已失效（12 小时）或尚未登录，请重新登录后再上传。', { href: '/login', label: '登录' }));
        const { email } = s.session;
        const fail = (status: number, message: string) => htmlPage(status, messagePage('上传未完成', message, { href: '/my', label: '返回我的工作台' }));
        if (!sameOrigin(req.event)) return forbidden();
        const boundary = boundaryOf(header(req.event, 'content-type'));
        if (!boundary) return fail(415, '请通过页面上的上传表单提交文件（multipart/form-data）。');
        let form;
        try {
          form = parseMultipart(bodyBuffer(req.event), boundary);
        } catch (err) {
          if (err instanceof MultipartError) return fail(400, err.message);
          throw err;
        }
        if (!checkCsrf(s.session, form.fields.csrf)) return forbidden();
        const file = form.files.file;
        if (!file || file.bytes.length === 0) return fail(400, '没有选择文件，或文件是空的。');
        if (file.bytes.length > MAX_UPLOAD_BYTES) return tooLarge();
        const name = file.filename || 'upload';
        const lower = name.toLowerCase();
        const type = lower.endsWith('.xlsx') ? 'xlsx' : lower.endsWith('.csv') ? 'csv' : undefined;
        if (!type) return fail(415, `只接受 .xlsx 工作簿或单个工作表的 .csv 文件；“${name}”不是。旧版 .xls 请另存为 .xlsx。`);
        const zip = file.bytes.readUInt32LE(0) === 0x04034b50;
        const ole = file.bytes.length >= 4 && file.bytes.readUInt32LE(0) === 0xe011cfd0;
        if (!ALLOWED_TYPES[type].includes(file.contentType.split(';')[0].trim()) || (type === 'xlsx' && !zip) || (type === 'csv' && (zip || ole))) {
          return fail(415, `“${name}”的内容与文件类型不符（${type === 'xlsx' ? '不是 .xlsx 工作簿' : '不是文本 CSV'}）；请用 Excel 或 WPS 另存后再上传。`);
        }
        const classId = (form.fields.class ?? '').trim();
        const mine = myClasses(s.rows).filter((c) => c.canUpload);
        const target = mine.find((c) => c.id === classId) ?? (mine.length === 1 ? mine[0] : undefined);
        if (!target || !(WORK_CLASS_IDS as readonly string[]).includes(target.id)) return fail(403, '请选择您可以维护的专班（只读角色不能上传）。');
        if (!(await countUpload(deps, email))) return fail(429, '一小时内最多上传 20 次，请稍后再试。');
        try {
          const res = await uploadWorkbook(
            uploadDeps,
            { email, workClass: target.id as WorkClassId, file: name, bytes: file.bytes },
          );
          return htmlPage(200, uploadResultPage({ ...res, csrf: s.session.csrf, now: clock.now() }));
        } catch (err) {
          if (err instanceof ImportPlanError) return fail(422, err.message);
          if (err instanceof AccessDenied) return fail(403, err.message);
          throw err;
        }
      },
    },
    {
      // The member confirms the deletions the mass-delete guard refused in one of their uploads
      // (SPEC §7.7: the page asks). POST only, with the session's CSRF token and from this site; not
      // counted as an upload; a second confirmation changes nothing.
      methods: ['POST'],
      path: /^\/my\/uploads\/([A-Za-z0-9_-]{1,64})\/confirm$/,
      auth: 'session',
      onlyMethodsMessage: '该地址只接受 POST（请在上传结果页点击“确认删除”）',
      async handle(req) {
        const s = await session(req.event);
        if (!s) return htmlPage(401, messagePage('请先登录', '登录已失效（12 小时）或尚未登录，请重新登录后再确认。', { href: '/login', label: '登录' }));
        const form = new URLSearchParams(bodyBuffer(req.event).toString('utf8'));
        if (!sameOrigin(req.event) || !checkCsrf(s.session, form.get('csrf') ?? undefined)) return forbidden();
        const back = { href: '/my', label: '返回我的工作台' };
        let res;
        try {
          res = await confirmUploadDeletions(uploadDeps, { email: s.session.email, id: req.params[0] });
        } catch (err) {
          if (err instanceof AccessDenied) return htmlPage(403, messagePage('未删除任何行', err.message, back));
          throw err;
        }
        switch (res.status) {
          case 'confirmed':
            return htmlPage(200, uploadResultPage({ record: res.record, report: res.report, csrf: s.session.csrf, now: clock.now(), title: '删除已确认' }));
          case 'already':
            return htmlPage(200, alreadyConfirmedPage(res.record));
          case 'expired':
            return htmlPage(410, messagePage('确认已过期', `确认期限（上传后 ${CONFIRM_HOURS} 小时）已过，未删除任何行。如仍要删除，请重新上传该文件后确认。`, back));
          case 'none':
            return htmlPage(409, messagePage('无需确认', '这次上传没有待确认的删除。', back));
          case 'not_found':
            return htmlPage(404, messagePage('找不到该上传', '没有这次上传（或它属于其他成员），未删除任何行。', back));
        }
      },
    },
    {
      methods: ['GET'],
      path: /^\/my\/uploads\/([A-Za-z0-9_-]{1,64})\.xlsx$/,
      auth: 'session',
      onlyMethodsMessage: '该地址只接受 GET',
      async handle(req) {
        const s = await session(req.event);
        if (!s) return toLogin();
        const found = await deps.web.getUpload(s.session.email, req.params[0]);
        if (!found) return htmlPage(404, messagePage('找不到该文件', '没有这次上传的批注工作簿（或它属于其他成员）。', { href: '/my', label: '返回我的工作台' }));
        const stem = found.record.file.replace(/\.(xlsx|csv)$/i, '');
        const filename = `${stem}-校验结果.xlsx`;
        return {
          statusCode: 200,
          headers: {
            'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            'content-disposition': `attachment; filename="annotated.xlsx"; filename*=UTF-8''${encodeURIComponent(filename)}`,
            'cache-control': 'no-store',
            'x-robots-tag': 'noindex',
            'referrer-policy': 'no-referrer',
            'x-content-type-options': 'nosniff',
          },
          body: found.workbook.toString('base64'),
          isBase64Encoded: true,
        };
      },
    },
  ];
}

