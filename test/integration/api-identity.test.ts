// Identity: the dev issuer's key file and the verifier's checks (iss, aud, exp, email_verified).
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadOrCreateDevIssuer } from '../../functions/adapters/dev-issuer.js';
import { createIdentityVerifier } from '../../functions/adapters/identity.js';
import { logger } from '../../functions/adapters/logger.js';

logger.setLogLevel('SILENT');

describe('dev issuer and identity verifier', () => {
  it('keeps one key pair in a 600 file and verifies its tokens, lower-casing the email', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sibao-id-'));
    const issuer = await loadOrCreateDevIssuer(dir);
    expect((await stat(join(dir, 'dev-issuer.json'))).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateDevIssuer(dir);
    expect(again.jwks).toEqual(issuer.jwks);
    const verifier = createIdentityVerifier({ issuers: [{ iss: issuer.iss, jwks: issuer.jwks }], audience: issuer.aud });
    expect(await verifier.verify(await again.issue('Staff@County.Example'))).toEqual({ email: 'staff@county.example' });
  });

  it('rejects a wrong audience, a wrong issuer, an expired token and an unverified email', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sibao-id-'));
    const issuer = await loadOrCreateDevIssuer(dir);
    const good = createIdentityVerifier({ issuers: [{ iss: issuer.iss, jwks: issuer.jwks }], audience: issuer.aud });
    const otherAud = createIdentityVerifier({ issuers: [{ iss: issuer.iss, jwks: issuer.jwks }], audience: 'another-client-id' });
    const otherIss = createIdentityVerifier({ issuers: [{ iss: 'https://accounts.google.com', jwks: issuer.jwks }], audience: issuer.aud });
    const token = await issuer.issue('a@county.example');
    expect(await otherAud.verify(token)).toBeNull();
    expect(await otherIss.verify(token)).toBeNull();
    expect(await good.verify(await issuer.issue('a@county.example', -120))).toBeNull();

    const file = JSON.parse(await readFile(join(dir, 'dev-issuer.json'), 'utf8'));
    const key = await importJWK(file.privateJwk, 'ES256');
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: file.kid }).setIssuer(issuer.iss).setAudience(issuer.aud).setIssuedAt(now).setExpirationTime(now + 600).sign(key);
    expect(await good.verify(await sign({ email: 'a@county.example', email_verified: false }))).toBeNull();
    expect(await good.verify(await sign({ email: 'a@county.example' }))).toBeNull();
    expect(await good.verify(await sign({ email: 'a@county.example', email_verified: true }))).toEqual({ email: 'a@county.example' });
    // A token signed by another key with the same kid and claims.
    const stranger = await loadOrCreateDevIssuer(await mkdtemp(join(tmpdir(), 'sibao-id-')));
    expect(await good.verify(await stranger.issue('a@county.example'))).toBeNull();
  });
});
