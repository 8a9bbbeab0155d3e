// The signed view link of a digest page, sent in the digest mail: `?sig=<exp>.<mac>` where mac =
// base64url(HMAC-SHA256(key, "digest-view:<YYYY-Www>:<exp>")), exp in epoch seconds. Signed with the
// first action secret, verified with any (rotation). Whoever holds the mail may open that week's
// page until exp (like the one-click action links); it grants nothing else.
import { createHmac } from 'node:crypto';
import { signatureMatches } from './signature.js';

const mac = (key: string, week: string, exp: number) => createHmac('sha256', key).update(`digest-view:${week}:${exp}`).digest();

export function signDigestView(week: string, exp: number, secrets: readonly string[]): string {
  if (secrets.length === 0) throw new Error('no action secret configured');
  return `${exp}.${mac(secrets[0], week, exp).toString('base64url')}`;
}

export type ViewCheck = { ok: true; exp: number } | { ok: false; reason: 'invalid' | 'expired' };

export function verifyDigestView(week: string, sig: string, secrets: readonly string[], nowMs: number): ViewCheck {
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(sig ?? '');
  if (!m) return { ok: false, reason: 'invalid' };
  const exp = Number(m[1]);
  if (!signatureMatches(m[2], secrets, (k) => mac(k, week, exp))) return { ok: false, reason: 'invalid' };
  if (exp * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, exp };
}
