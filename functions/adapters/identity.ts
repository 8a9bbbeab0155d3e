// Bearer ID-token verification with node:crypto: a compact JWS signed RS256 (Google) or ES256 (the dev
// issuer) by a key of the issuer's JWKS, then `iss`, `aud`, `exp`/`nbf` (with a clock tolerance), `iat`
// not more than 5 minutes ahead (MAX_FUTURE_IAT_SEC: a token minted in the future is forged or from a
// broken clock) and `email_verified`. Google's JWKS in AWS is fetched lazily and cached (the response's max-age, at
// least 5 and at most 60 minutes), refetched at most every 30 s when a token names an unknown key;
// the dev issuer's key set locally and in tests. Returns the lower-cased email or null — never why to
// the caller. (Written on node:crypto instead of jose to keep the api bundle under 400 KB: jose was
// ~19 KB of it; the checks are the ones jwtVerify made.)
import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { GOOGLE_ISSUERS, GOOGLE_JWKS_URL } from './config.js';
import { logger } from './logger.js';
import type { Clock, IdentityVerifier } from '../ports.js';

/** A public JSON Web Key (the members this verifier reads; others are passed to node:crypto). */
export interface PublicJwk {
  kty?: string;
  kid?: string;
  alg?: string;
  use?: string;
  crv?: string;
  [member: string]: unknown;
}

export interface JwkSet {
  keys: PublicJwk[];
}

export interface IssuerConfig {
  /** Accepted `iss` value(s). */
  iss: string | string[];
  /** A remote JWKS URL or a key set. */
  jwks: string | JwkSet;
}

export interface IdentityOptions {
  issuers: IssuerConfig[];
  audience: string;
  /** Clock for `exp`/`nbf`; real time by default (ID tokens are real-world artefacts). */
  clock?: Clock;
  /** Allowed clock skew in seconds. */
  clockToleranceSec?: number;
}

/** Google as the issuer of Apps Script identity tokens (ScriptApp.getIdentityToken()). */
export const GOOGLE_ISSUER: IssuerConfig = { iss: GOOGLE_ISSUERS, jwks: GOOGLE_JWKS_URL };

/** How far ahead of our clock a token's `iat` may be (SPEC §7.5: more than 5 minutes is 401). */
export const MAX_FUTURE_IAT_SEC = 300;

/** The signature algorithms accepted (never `none`, never a shared-secret HS*). */
const ALGORITHMS: Readonly<Record<string, { kty: string; crv?: string }>> = { RS256: { kty: 'RSA' }, ES256: { kty: 'EC', crv: 'P-256' } };

class Rejected extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

type KeyLookup = (kid: string | undefined, alg: string) => Promise<KeyObject>;

/** The key of a set that may verify a token with header `kid`/`alg`. */
function pickKey(set: JwkSet, kid: string | undefined, alg: string): PublicJwk | undefined {
  const spec = ALGORITHMS[alg];
  const fits = (k: PublicJwk) => k.kty === spec.kty && (k.alg === undefined || k.alg === alg) && (k.use === undefined || k.use === 'sig') && (spec.crv === undefined || k.crv === spec.crv);
  const candidates = (set.keys ?? []).filter((k) => fits(k) && (kid === undefined || k.kid === kid));
  return kid === undefined && candidates.length !== 1 ? undefined : candidates[0];
}

const keyObjects = new WeakMap<PublicJwk, KeyObject>();
function keyObject(jwk: PublicJwk): KeyObject {
  let k = keyObjects.get(jwk);
  if (!k) {
    k = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    keyObjects.set(jwk, k);
  }
  return k;
}

function localKeys(set: JwkSet): KeyLookup {
  return async (kid, alg) => {
    const jwk = pickKey(set, kid, alg);
    if (!jwk) throw new Rejected('no_matching_key');
    return keyObject(jwk);
  };
}

const MIN_CACHE_MS = 5 * 60_000;
const MAX_CACHE_MS = 60 * 60_000;
const COOLDOWN_MS = 30_000;
const FETCH_TIMEOUT_MS = 5_000;

function remoteKeys(url: string): KeyLookup {
  let cached: { set: JwkSet; fetchedAt: number; maxAge: number } | undefined;
  let inFlight: Promise<JwkSet> | undefined;
  const load = (): Promise<JwkSet> => {
    inFlight ??= (async () => {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
        if (!res.ok) throw new Rejected('jwks_unavailable');
        const set = (await res.json()) as JwkSet;
        if (!set || !Array.isArray(set.keys)) throw new Rejected('jwks_invalid');
        const age = Number(/max-age=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1] ?? 0) * 1000;
        cached = { set, fetchedAt: Date.now(), maxAge: Math.min(MAX_CACHE_MS, Math.max(MIN_CACHE_MS, age)) };
        return set;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };
  return async (kid, alg) => {
    const now = Date.now();
    let set = cached && now - cached.fetchedAt < cached.maxAge ? cached.set : await load();
    let jwk = pickKey(set, kid, alg);
    // A key rotated in since the last fetch: fetch again, at most every COOLDOWN_MS.
    if (!jwk && cached && now - cached.fetchedAt >= COOLDOWN_MS) {
      set = await load();
      jwk = pickKey(set, kid, alg);
    }
    if (!jwk) throw new Rejected('no_matching_key');
    return keyObject(jwk);
  };
}

function decodePart(part: string): Record<string, unknown> {
  const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
  return v as Record<string, unknown>;
}

export function createIdentityVerifier(opts: IdentityOptions): IdentityVerifier {
  const entries = opts.issuers.map((i) => ({
    iss: Array.isArray(i.iss) ? i.iss : [i.iss],
    keys: typeof i.jwks === 'string' ? remoteKeys(i.jwks) : localKeys(i.jwks),
  }));
  const tolerance = opts.clockToleranceSec ?? 30;
  const reject = (reason: string) => {
    logger.info('identity rejected', { reason });
    return null;
  };
  return {
    async verify(bearer) {
      const token = bearer.trim();
      const parts = token.split('.');
      if (!token || parts.length !== 3) return null;
      let header: Record<string, unknown>;
      let payload: Record<string, unknown>;
      try {
        header = decodePart(parts[0]);
        payload = decodePart(parts[1]);
      } catch {
        return reject('malformed');
      }
      const iss = payload.iss;
      const entry = entries.find((e) => typeof iss === 'string' && e.iss.includes(iss));
      if (!entry) return reject('unknown_issuer');
      const alg = header.alg;
      if (typeof alg !== 'string' || !(alg in ALGORITHMS) || header.crit !== undefined) return reject('ERR_JOSE_ALG_NOT_ALLOWED');
      try {
        const key = await entry.keys(typeof header.kid === 'string' ? header.kid : undefined, alg);
        const signature = Buffer.from(parts[2], 'base64url');
        const signed = Buffer.from(`${parts[0]}.${parts[1]}`, 'utf8');
        const ok = verifySignature('sha256', signed, alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key, signature);
        if (!ok) return reject('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
      } catch (err) {
        return reject(err instanceof Rejected ? err.code : 'invalid');
      }
      const now = Math.floor((opts.clock ? opts.clock.now() : Date.now()) / 1000);
      const aud = payload.aud;
      if (!(aud === opts.audience || (Array.isArray(aud) && aud.includes(opts.audience)))) return reject('ERR_JWT_CLAIM_VALIDATION_FAILED');
      if (typeof payload.exp !== 'number' || payload.exp <= now - tolerance) return reject('ERR_JWT_EXPIRED');
      if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > now + tolerance)) return reject('ERR_JWT_CLAIM_VALIDATION_FAILED');
      if (payload.iat !== undefined && typeof payload.iat !== 'number') return reject('ERR_JWT_CLAIM_VALIDATION_FAILED');
      if (typeof payload.iat === 'number' && payload.iat > now + MAX_FUTURE_IAT_SEC) return reject('iat_in_future');
      const verified = payload.email_verified === true || payload.email_verified === 'true';
      if (!verified || typeof payload.email !== 'string' || !payload.email.includes('@')) return reject('email_not_verified');
      return { email: payload.email.trim().toLowerCase() };
    },
  };
}
