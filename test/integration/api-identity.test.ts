// Identity: the dev issuer's key file and the verifier's checks (iss, aud, exp, email_verified).
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

describe('identity verifier with a remote key set', () => {
  it('fetches the JWKS over HTTP once, verifies with it, rejects an unknown key and never throws when it is unreachable', async () => {
    const issuer = await loadOrCreateDevIssuer(await mkdtemp(join(tmpdir(), 'sibao-id-')));
    const stranger = await loadOrCreateDevIssuer(await mkdtemp(join(tmpdir(), 'sibao-id-')));
    let fetches = 0;
    const server = createServer((_req, res) => {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' });
      res.end(JSON.stringify(issuer.jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`;
    try {
      const verifier = createIdentityVerifier({ issuers: [{ iss: issuer.iss, jwks: url }], audience: issuer.aud });
      expect(await verifier.verify(await issuer.issue('A@County.Example'))).toEqual({ email: 'a@county.example' });
      expect(await verifier.verify(await issuer.issue('b@county.example'))).toEqual({ email: 'b@county.example' });
      expect(fetches).toBe(1);
      // Signed by another key (same issuer name): no key of the set verifies it.
      expect(await verifier.verify(await stranger.issue('a@county.example'))).toBeNull();
      // A token with its signature cut off, or with alg none, is refused.
      const [h, p] = (await issuer.issue('a@county.example')).split('.');
      expect(await verifier.verify(`${h}.${p}.`)).toBeNull();
      const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      expect(await verifier.verify(`${none}.${p}.`)).toBeNull();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const down = createIdentityVerifier({ issuers: [{ iss: issuer.iss, jwks: url }], audience: issuer.aud });
    expect(await down.verify(await issuer.issue('a@county.example'))).toBeNull();
  });
});
