// Signed one-click action links: `${base64url(payload)}.${base64url(HMAC-SHA256(payload))}`.
// Sign with the first key, verify with any (key rotation). Single use is enforced by the issue
// item (its `usedTokens` set), not here.
import { createHmac, randomBytes } from 'node:crypto';
import { signatureMatches } from './signature.js';

export interface ActionTokenPayload {
  issueId: string;
  /** A link id of the action catalog (domain/issues/catalog.ts LINKS). */
  action: string;
  /** 单位编码 the link was sent to. */
  unit: string;
  recipient: string;
  /** Index of the assignment the link belongs to (a later assignment makes it stale). */
  assignment: number;
  /** Expiry, epoch seconds. */
  exp: number;
  nonce: string;
}

interface Compact {
  i: string;
  a: string;
  u: string;
  r: string;
  s: number;
  e: number;
  n: string;
}

export type TokenCheck =
  | { ok: true; payload: ActionTokenPayload }
  | { ok: false; reason: 'invalid' | 'expired'; payload?: ActionTokenPayload };

const mac = (key: string, data: string) => createHmac('sha256', key).update(data).digest();

export function newNonce(): string {
  return randomBytes(12).toString('base64url');
}

export function signActionToken(payload: ActionTokenPayload, secrets: readonly string[]): string {
  if (secrets.length === 0) throw new Error('no action secret configured');
  const c: Compact = { i: payload.issueId, a: payload.action, u: payload.unit, r: payload.recipient, s: payload.assignment, e: payload.exp, n: payload.nonce };
  const body = Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
  return `${body}.${mac(secrets[0], body).toString('base64url')}`;
}

const B64URL = /^[A-Za-z0-9_-]+$/;

export function verifyActionToken(token: string, secrets: readonly string[], nowMs: number): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 2 || !B64URL.test(parts[0]) || !B64URL.test(parts[1]) || token.length > 2048) {
    return { ok: false, reason: 'invalid' };
  }
  const [body, sig] = parts;
  if (!signatureMatches(sig, secrets, (k) => mac(k, body))) return { ok: false, reason: 'invalid' };
  let c: Compact;
  try {
    c = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Compact;
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (
    typeof c?.i !== 'string' ||
    typeof c.a !== 'string' ||
    typeof c.u !== 'string' ||
    typeof c.r !== 'string' ||
    typeof c.e !== 'number' ||
    typeof c.s !== 'number' ||
    typeof c.n !== 'string'
  ) {
    return { ok: false, reason: 'invalid' };
  }
  const payload: ActionTokenPayload = { issueId: c.i, action: c.a, unit: c.u, recipient: c.r, assignment: c.s, exp: c.e, nonce: c.n };
  if (c.e * 1000 <= nowMs) return { ok: false, reason: 'expired', payload };
  return { ok: true, payload };
}

/** Prefix of a decision answer's action (domain/issues/catalog.ts DECISION_LINK_PREFIX). */
const DECIDE = 'decide:';

/** The signed token of one answer to a decision (`decide:<answer>`, the decision's id in place of an issue's). */
export function signDecisionToken(decisionId: string, answer: string, recipient: string, exp: number, secrets: readonly string[]): string {
  return signActionToken({ issueId: decisionId, action: `${DECIDE}${answer}`, unit: '', recipient, assignment: 0, exp, nonce: newNonce() }, secrets);
}

/**
 * Whether a token (signed or not: this only routes it) names a decision answer (`decide:…`); the
 * handler it goes to verifies it.
 */
export function isDecisionToken(token: string): boolean {
  const body = token.split('.')[0];
  if (!body || !B64URL.test(body) || token.length > 2048) return false;
  try {
    const c = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<Compact>;
    return typeof c?.a === 'string' && c.a.startsWith(DECIDE);
  } catch {
    return false;
  }
}
