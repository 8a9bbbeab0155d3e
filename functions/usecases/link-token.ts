// Signed links that carry their purpose (SPEC §7.8): `/e/{token}` (the enterprise's page) and
// `/f/{token}` (an answer to a pushed policy). The token is `<purpose>.<body>.<mac>` with the MAC over
// `<purpose>.<body>`, so a token of one purpose never verifies as another, and never as an `/a/`
// action token (two parts, MAC over the body alone) nor the reverse. Sign with the first key, verify
// with any (rotation).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock, Store } from '../ports.js';

export type LinkPurpose = 'e' | 'f';

/** The enterprise's page: its code and the epoch of its contact address (a new address ends old links). */
export interface EnterpriseLink {
  code: string;
  epoch: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

/** An answer link of a pushed policy (the answer itself is chosen on the page it opens). */
export interface FeedbackLink extends EnterpriseLink {
  policy: string;
  answer: string;
  recipient: string;
}

/** Days an `/e/` link stays valid (SPEC §7.4). */
export const ENTERPRISE_LINK_DAYS = 90;

const B64URL = /^[A-Za-z0-9_-]+$/;
const mac = (key: string, data: string) => createHmac('sha256', key).update(data).digest();

/** The per-enterprise epoch: changes when 联系邮箱 changes (derived, so nothing is stored). */
export function contactEpoch(email: string | undefined): string {
  return createHash('sha256')
    .update((email ?? '').trim().toLowerCase())
    .digest('base64url')
    .slice(0, 10);
}

export function signLink(purpose: 'e', payload: EnterpriseLink, secrets: readonly string[]): string;
export function signLink(purpose: 'f', payload: FeedbackLink, secrets: readonly string[]): string;
export function signLink(purpose: LinkPurpose, payload: EnterpriseLink | FeedbackLink, secrets: readonly string[]): string {
  if (secrets.length === 0) throw new Error('no action secret configured');
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${purpose}.${body}.${mac(secrets[0], `${purpose}.${body}`).toString('base64url')}`;
}

export type LinkCheck<T> = { ok: true; payload: T } | { ok: false; reason: 'invalid' | 'expired' };

function verify(purpose: LinkPurpose, token: string, secrets: readonly string[], nowMs: number): LinkCheck<Record<string, unknown>> {
  const parts = token.split('.');
  if (token.length > 2048 || parts.length !== 3 || parts[0] !== purpose || !B64URL.test(parts[1]) || !B64URL.test(parts[2])) return { ok: false, reason: 'invalid' };
  const given = Buffer.from(parts[2], 'base64url');
  const signed = `${purpose}.${parts[1]}`;
  const good = secrets.some((k) => {
    const want = mac(k, signed);
    return want.length === given.length && timingSafeEqual(want, given);
  });
  if (!good) return { ok: false, reason: 'invalid' };
  let p: Record<string, unknown>;
  try {
    p = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (!p || typeof p.code !== 'string' || typeof p.epoch !== 'string' || typeof p.exp !== 'number') return { ok: false, reason: 'invalid' };
  if (p.exp * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, payload: p };
}

export function verifyEnterpriseLink(token: string, secrets: readonly string[], nowMs: number): LinkCheck<EnterpriseLink> {
  const r = verify('e', token, secrets, nowMs);
  return r.ok ? { ok: true, payload: { code: r.payload.code as string, epoch: r.payload.epoch as string, exp: r.payload.exp as number } } : r;
}

export function verifyFeedbackLink(token: string, secrets: readonly string[], nowMs: number): LinkCheck<FeedbackLink> {
  const r = verify('f', token, secrets, nowMs);
  if (!r.ok) return r;
  const p = r.payload;
  if (typeof p.policy !== 'string' || typeof p.answer !== 'string' || typeof p.recipient !== 'string') return { ok: false, reason: 'invalid' };
  return { ok: true, payload: p as unknown as FeedbackLink };
}

/** The `/e/` link of an enterprise for its current contact address. */
export function enterpriseLink(baseUrl: string, code: string, email: string | undefined, secrets: readonly string[], nowMs: number): string {
  const exp = Math.floor(nowMs / 1000) + ENTERPRISE_LINK_DAYS * 86_400;
  return `${baseUrl}/e/${signLink('e', { code, epoch: contactEpoch(email), exp }, secrets)}`;
}

/**
 * The `/e/` link of a whitelist enterprise (by code), signed for the 联系邮箱 of its whitelist row,
 * or undefined when the code is not on a whitelist (mails to an enterprise carry it: SPEC §7.4).
 */
export function enterprisePageFor(deps: { store: Pick<Store, 'getRows'>; clock: Clock; config: { publicBaseUrl: string; actionSecrets: string[] } }) {
  return async (code: string | undefined): Promise<string | undefined> => {
    if (!code) return undefined;
    const row = (await deps.store.getRows('whitelist', [code])).get(code)?.value;
    return row ? enterpriseLink(deps.config.publicBaseUrl, code, row.email, deps.config.actionSecrets, deps.clock.now()) : undefined;
  };
}
