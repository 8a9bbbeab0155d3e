// The local/test identity issuer: an ES256 key pair kept in `<dataDir>/dev-issuer.json` (mode 600),
// issuing ID tokens shaped like Google's (email, email_verified). Never used in AWS.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JSONWebKeySet, type JWK } from 'jose';

export const DEV_ISSUER = 'https://sibao.local/dev-issuer';
export const DEV_AUDIENCE = 'sibao-local-addon';

/** Claims a test may bend to probe the verifier (a token minted in the future, for another audience…). */
export interface DevTokenOverrides {
  /** Issued-at, epoch seconds (default now). */
  iat?: number;
  aud?: string;
  email_verified?: boolean;
}

export interface DevIssuer {
  issue(email: string, ttlSec?: number, overrides?: DevTokenOverrides): Promise<string>;
  jwks: JSONWebKeySet;
  iss: string;
  aud: string;
}

interface DevIssuerFile {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

async function readKeyFile(path: string): Promise<DevIssuerFile | null> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as DevIssuerFile;
    if (parsed?.privateJwk?.kty === 'EC' && parsed.publicJwk && parsed.kid) return parsed;
    throw new Error(`${path} 不是有效的开发签发密钥文件，请删除后重试`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export async function loadOrCreateDevIssuer(dataDir: string): Promise<DevIssuer> {
  const path = join(dataDir, 'dev-issuer.json');
  let file = await readKeyFile(path);
  if (!file) {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = `dev-${Date.now().toString(36)}`;
    file = { kid, privateJwk: await exportJWK(privateKey), publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
    await mkdir(dataDir, { recursive: true });
    await writeFile(path, JSON.stringify(file, null, 2), { mode: 0o600 });
    await chmod(path, 0o600);
  }
  const key = await importJWK(file.privateJwk, 'ES256');
  const { kid } = file;
  return {
    iss: DEV_ISSUER,
    aud: DEV_AUDIENCE,
    jwks: { keys: [file.publicJwk] },
    async issue(email, ttlSec = 3600, o = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ email: email.trim().toLowerCase(), email_verified: o.email_verified ?? true })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .setIssuer(DEV_ISSUER)
        .setAudience(o.aud ?? DEV_AUDIENCE)
        .setSubject(email.trim().toLowerCase())
        .setIssuedAt(o.iat ?? now)
        .setExpirationTime(now + ttlSec)
        .sign(key);
    },
  };
}
