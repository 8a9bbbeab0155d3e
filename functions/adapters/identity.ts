// Bearer ID-token verification with jose: signature against the issuer's JWKS, `iss`, `aud`, `exp`,
// `iat` not more than 5 minutes ahead (MAX_FUTURE_IAT_SEC: a token minted in the future is forged or
// from a broken clock), and `email_verified`. Google's JWKS in AWS (fetched lazily and cached by jose); the dev issuer's
// key set locally and in tests. Returns the lower-cased email or null — never why to the caller.
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { GOOGLE_ISSUERS, GOOGLE_JWKS_URL } from './config.js';
import { logger } from './logger.js';
import type { Clock, IdentityVerifier } from '../ports.js';

export interface IssuerConfig {
  /** Accepted `iss` value(s). */
  iss: string | string[];
  /** A remote JWKS URL or a key set. */
  jwks: string | JSONWebKeySet;
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

export function createIdentityVerifier(opts: IdentityOptions): IdentityVerifier {
  const entries = opts.issuers.map((i) => ({
    iss: Array.isArray(i.iss) ? i.iss : [i.iss],
    keys: (typeof i.jwks === 'string' ? createRemoteJWKSet(new URL(i.jwks)) : createLocalJWKSet(i.jwks)) as JWTVerifyGetKey,
  }));
  return {
    async verify(bearer) {
      const token = bearer.trim();
      if (!token || token.split('.').length !== 3) return null;
      let iss: string | undefined;
      try {
        iss = decodeJwt(token).iss;
      } catch {
        logger.info('identity rejected', { reason: 'malformed' });
        return null;
      }
      const entry = entries.find((e) => iss !== undefined && e.iss.includes(iss));
      if (!entry) {
        logger.info('identity rejected', { reason: 'unknown_issuer' });
        return null;
      }
      try {
        const { payload } = await jwtVerify(token, entry.keys, {
          issuer: entry.iss,
          audience: opts.audience,
          requiredClaims: ['exp', 'email'],
          clockTolerance: opts.clockToleranceSec ?? 30,
          ...(opts.clock ? { currentDate: new Date(opts.clock.now()) } : {}),
        });
        const nowSec = (opts.clock ?? { now: () => Date.now() }).now() / 1000;
        if (typeof payload.iat === 'number' && payload.iat > nowSec + MAX_FUTURE_IAT_SEC) {
          logger.info('identity rejected', { reason: 'iat_in_future' });
          return null;
        }
        const verified = payload.email_verified === true || payload.email_verified === 'true';
        if (!verified || typeof payload.email !== 'string' || !payload.email.includes('@')) {
          logger.info('identity rejected', { reason: 'email_not_verified' });
          return null;
        }
        return { email: payload.email.trim().toLowerCase() };
      } catch (err) {
        logger.info('identity rejected', { reason: (err as { code?: string }).code ?? 'invalid' });
        return null;
      }
    },
  };
}
