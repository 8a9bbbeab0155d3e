// Sign-in by mail and the member's session for the web front end (SPEC §7.7, §7.8). In terms of
// ports only.
//
// Tokens are `${base64url(JSON payload)}.${base64url(HMAC-SHA256(key, "<purpose>:" + payload))}`,
// signed with the first action secret and verified with any (rotation). The purpose is part of what
// is signed, so a sign-in link never works as a session, a session never as an action link (`/a/`
// tokens have another shape), and the reverse.
// - sign-in link (`login`): the address, 15 minutes, a nonce claimed once with a conditional write;
// - session (`session`): the address, 12 hours, a nonce from which the CSRF token of its forms derives;
// - form token (`form`): a signed expiry for the forms shown before a session exists.
// `POST /login` does the same work for every address (rate counters, a token signed) and mails only
// members; the page answers the same either way.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { renderLoginMail } from '../../domain/reports/login-mail.js';
import { CLASS_KINDS, KINDS, WORK_CLASSES, type WorkClassId } from '../../domain/rows/kinds.js';
import type { Member } from '../../domain/rows/types.js';
import { shanghaiDateTime } from '../../domain/time/time.js';
import { isValidEmail, type Clock, type Log, type Mailer, type Store, type WebStore } from '../ports.js';
import { COMMAND_ROLE, type ProfileCache } from './access.js';
import { deliver, type DeliveryReport } from './deliver.js';
import { signatureMatches } from './signature.js';

export const LOGIN_LINK_MINUTES = 15;
export const SESSION_HOURS = 12;
/** Sign-in requests an hour per address and per client (SPEC §7.8: rate-limited per address and per client). */
export const LOGIN_LIMITS = { perAddress: 5, perClient: 30 } as const;
/** Uploads an hour per member (SPEC §7.7). */
export const UPLOADS_PER_HOUR = 20;

type Purpose = 'login' | 'session' | 'form';

interface Payload {
  /** Address (login, session). */
  e?: string;
  /** Expiry, epoch seconds. */
  x: number;
  /** Nonce. */
  n: string;
}

const mac = (key: string, purpose: Purpose, body: string) => createHmac('sha256', key).update(`${purpose}:${body}`).digest();

export function signWebToken(purpose: Purpose, payload: Payload, secrets: readonly string[]): string {
  if (secrets.length === 0) throw new Error('no action secret configured');
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${mac(secrets[0], purpose, body).toString('base64url')}`;
}

export type WebTokenCheck = { ok: true; payload: Payload } | { ok: false; reason: 'invalid' | 'expired' };

export function verifyWebToken(purpose: Purpose, token: string, secrets: readonly string[], nowMs: number): WebTokenCheck {
  const m = /^([A-Za-z0-9_-]{1,1024})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
  if (!m) return { ok: false, reason: 'invalid' };
  if (!signatureMatches(m[2], secrets, (k) => mac(k, purpose, m[1]))) return { ok: false, reason: 'invalid' };
  let p: Payload;
  try {
    p = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')) as Payload;
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (typeof p?.x !== 'number' || typeof p.n !== 'string' || (p.e !== undefined && typeof p.e !== 'string')) return { ok: false, reason: 'invalid' };
  if (p.x * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, payload: p };
}

const nonce = () => randomBytes(16).toString('base64url');

/** A form token for the pages shown before sign-in (valid one hour). */
export function newFormToken(secrets: readonly string[], nowMs: number): string {
  return signWebToken('form', { x: Math.floor(nowMs / 1000) + 3600, n: nonce() }, secrets);
}

export function checkFormToken(token: string, secrets: readonly string[], nowMs: number): boolean {
  return verifyWebToken('form', token, secrets, nowMs).ok;
}

export interface Session {
  email: string;
  /** Expiry, epoch seconds. */
  exp: number;
  /** The CSRF token of this session's forms. */
  csrf: string;
  /** The claim that ends this session before its expiry (logout). */
  revokeKey: string;
}

function csrfOf(sessionNonce: string, secrets: readonly string[]): string {
  return createHmac('sha256', secrets[0]).update(`csrf:${sessionNonce}`).digest('base64url');
}

/** The session a cookie value carries, or null (absent, tampered, expired). */
export function readSession(cookie: string | undefined, secrets: readonly string[], nowMs: number): Session | null {
  if (!cookie) return null;
  const v = verifyWebToken('session', cookie, secrets, nowMs);
  if (!v.ok || !v.payload.e) return null;
  return { email: v.payload.e, exp: v.payload.x, csrf: csrfOf(v.payload.n, secrets), revokeKey: `logout#${v.payload.n}` };
}

export function checkCsrf(session: Session, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

// ---- members --------------------------------------------------------------------------------------

export interface LoginDeps {
  store: Pick<Store, 'getDelivery' | 'claimDelivery' | 'markDeliverySent' | 'markDeliveryFailed'>;
  web: WebStore;
  mailer: Mailer;
  clock: Clock;
  profiles: ProfileCache;
  log?: Log;
  secrets: readonly string[];
  /** Emails that may sign in while 成员 is empty (SPEC §7.8). */
  bootstrapAdmins?: readonly string[];
  /** Base URL of the web pages (the sign-in link's origin). */
  baseUrl: string;
  countyName?: string;
}

/** The member rows of an address (a bootstrap admin while 成员 is empty: coordination, 审批). */
export async function memberRows(deps: Pick<LoginDeps, 'profiles' | 'bootstrapAdmins'>, email: string): Promise<Member[]> {
  const members = (await deps.profiles.profile())?.members ?? [];
  const mine = members.filter((m) => m.email === email);
  if (mine.length > 0) return mine;
  if (members.length === 0 && (deps.bootstrapAdmins ?? []).some((a) => a.trim().toLowerCase() === email)) {
    return [{ email, workClass: 'coordination', role: COMMAND_ROLE } as Member];
  }
  return [];
}

/** A Shanghai calendar hour (`2022-06-10T09`): the rate windows. */
const hourWindow = (nowMs: number) => shanghaiDateTime(nowMs).slice(0, 13);
/** A window's counter expires a day after it starts (TTL; nothing depends on the deletion). */
const windowExpiry = (nowMs: number) => Math.floor(nowMs / 1000) + 86_400;

export type LoginRequestResult = { status: 'answered'; delivery?: DeliveryReport } | { status: 'limited' };

export function normaliseEmail(text: string): string {
  return text.trim().toLowerCase();
}

/**
 * `POST /login`: count the request per address and per client; for a member, sign a link and mail
 * it through the one delivery path (once per link). A malformed address or a non-member gets the
 * same answer and no mail.
 */
export async function requestLogin(deps: LoginDeps, input: { email: string; client: string }): Promise<LoginRequestResult> {
  const now = deps.clock.now();
  const email = normaliseEmail(input.email);
  const window = hourWindow(now);
  // Both counters always: the work does not depend on membership.
  const byAddress = await deps.web.countEvent(`login-addr#${email.slice(0, 200)}#${window}`, LOGIN_LIMITS.perAddress, windowExpiry(now));
  const byClient = await deps.web.countEvent(`login-client#${input.client.slice(0, 100)}#${window}`, LOGIN_LIMITS.perClient, windowExpiry(now));
  if (!byAddress || !byClient) return { status: 'limited' };
  const n = nonce();
  const token = signWebToken('login', { e: email, x: Math.floor(now / 1000) + LOGIN_LINK_MINUTES * 60, n }, deps.secrets);
  const rows = isValidEmail(email) ? await memberRows(deps, email) : [];
  if (rows.length === 0) {
    deps.log?.info('login requested', { member: false });
    return { status: 'answered' };
  }
  const link = `${deps.baseUrl.replace(/\/+$/, '')}/login/${token}`;
  const delivery = await deliver({ store: deps.store, mailer: deps.mailer, clock: deps.clock, log: deps.log }, `login#${n}`, [email], () =>
    renderLoginMail({ link, minutes: LOGIN_LINK_MINUTES, countyName: deps.countyName }),
  );
  deps.log?.info('login requested', { member: true, sent: delivery.sent });
  return { status: 'answered', delivery };
}

export type LinkCheck = { ok: true; email: string } | { ok: false; reason: 'invalid' | 'expired' };

/** `GET /login/{token}`: whether the link is good (nothing is consumed: a GET never acts). */
export function checkLoginLink(deps: Pick<LoginDeps, 'secrets' | 'clock'>, token: string): LinkCheck {
  const v = verifyWebToken('login', token, deps.secrets, deps.clock.now());
  if (!v.ok || !v.payload.e) return { ok: false, reason: v.ok ? 'invalid' : v.reason };
  return { ok: true, email: v.payload.e };
}

export type ConfirmResult =
  | { ok: true; email: string; cookie: string; maxAgeSeconds: number }
  | { ok: false; reason: 'invalid' | 'expired' | 'used' | 'not_member' };

/** `POST /login/{token}`: claim the link once, then open a 12-hour session for a current member. */
export async function confirmLogin(deps: Pick<LoginDeps, 'secrets' | 'clock' | 'web' | 'profiles' | 'bootstrapAdmins' | 'log'>, token: string): Promise<ConfirmResult> {
  const now = deps.clock.now();
  const v = verifyWebToken('login', token, deps.secrets, now);
  if (!v.ok || !v.payload.e) return { ok: false, reason: v.ok ? 'invalid' : v.reason };
  const email = v.payload.e;
  if (!(await deps.web.claimOnce(`login#${v.payload.n}`, v.payload.x + 86_400))) return { ok: false, reason: 'used' };
  if ((await memberRows(deps, email)).length === 0) return { ok: false, reason: 'not_member' };
  const maxAgeSeconds = SESSION_HOURS * 3600;
  const cookie = signWebToken('session', { e: email, x: Math.floor(now / 1000) + maxAgeSeconds, n: nonce() }, deps.secrets);
  deps.log?.info('signed in', {});
  return { ok: true, email, cookie, maxAgeSeconds };
}

// ---- what `/my` shows -----------------------------------------------------------------------------

export interface MyClass {
  id: WorkClassId;
  name: string;
  role: string;
  /** Tabs the class keeps (its workbook's tabs). */
  tabs: string[];
  /** May upload (not 只读, and the class keeps tabs). */
  canUpload: boolean;
}

export function myClasses(rows: readonly Member[]): MyClass[] {
  return rows.map((m) => {
    const id = m.workClass as WorkClassId;
    const tabs = CLASS_KINDS[id].map((k) => KINDS[k].tab);
    return { id, name: WORK_CLASSES.find((c) => c.id === id)?.name ?? id, role: m.role, tabs, canUpload: m.role !== '只读' && tabs.length > 0 };
  });
}

/** Whether the member may see the command office's dashboard and decisions (审批 of coordination). */
export const isApprover = (rows: readonly Member[]) => rows.some((m) => m.workClass === 'coordination' && m.role === COMMAND_ROLE);

/** Count an upload in the member's hour; false past UPLOADS_PER_HOUR. */
export function countUpload(deps: { web: WebStore; clock: Clock }, email: string): Promise<boolean> {
  const now = deps.clock.now();
  return deps.web.countEvent(`upload#${email}#${hourWindow(now)}`, UPLOADS_PER_HOUR, windowExpiry(now));
}
