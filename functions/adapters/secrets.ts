// Secrets Manager at the edge: the CDK stack gives the functions only the ARN of each secret
// (`ACTION_SECRET_ARN`, `OAUTH_AUDIENCE_ARN`); the handler's default wiring reads each one ONCE per
// container (cold start) and keeps it for the container's life. The local stack never comes here:
// it passes its config objects directly.
//
// Why not `@aws-sdk/client-secrets-manager`: it adds ~14 KB to a bundle (measured: api 375 -> 389
// KB, and past the 400 KB budget once the digest routes join the API). The one call we need is a
// single signed POST of the JSON protocol (`X-Amz-Target: secretsmanager.GetSecretValue`), made here
// with node:crypto (Signature Version 4) and the runtime's fetch. The integration test checks the
// requests against AWS's own signer and the same local server against the real SDK client.
import { createHash, createHmac } from 'node:crypto';
import { ConfigError } from './config.js';
import { defaultProvider } from './lambda-credentials.js';

/** Reads the text value of one secret by ARN (or name). */
export type SecretReader = (secretId: string) => Promise<string>;

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SecretsManagerReaderOptions {
  /** Base URL of the service; default AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL, else the regional endpoint. */
  endpoint?: string;
  /** Region; default the ARN's region, else AWS_REGION. */
  region?: string;
  /** Default: the execution role's credentials in the environment (what Lambda provides). */
  credentials?: () => Promise<AwsCredentials>;
  /** Per-attempt timeout, ms (default 3 s). */
  timeoutMs?: number;
  /** Attempts on throttling, 5xx and network errors (default 3). */
  maxAttempts?: number;
  env?: Record<string, string | undefined>;
}

/** A secret that could not be read; `code` is the service's error type (e.g. ResourceNotFoundException, AccessDeniedException). */
export class SecretReadError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'SecretReadError';
  }
}

const SERVICE = 'secretsmanager';
const TARGET = 'secretsmanager.GetSecretValue';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** Region of an ARN (`arn:<partition>:secretsmanager:<region>:<account>:secret:<name>`), or undefined. */
export function regionOfArn(secretId: string): string | undefined {
  const parts = secretId.split(':');
  return parts[0] === 'arn' && parts.length >= 7 && parts[3] ? parts[3] : undefined;
}

/** The regional endpoint (aws, aws-cn partitions). */
export function defaultEndpoint(region: string): string {
  return `https://${SERVICE}.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}

/**
 * Signature Version 4 headers of a POST to `url` with `body` at `date` (ISO basic format
 * `YYYYMMDDTHHMMSSZ`): content-type, host, x-amz-date, x-amz-security-token (with a session), x-amz-target.
 */
export function signedHeaders(url: URL, body: string, creds: AwsCredentials, region: string, date: Date): Record<string, string> {
  const amzDate = date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    'content-type': CONTENT_TYPE,
    host: url.host,
    'x-amz-date': amzDate,
    ...(creds.sessionToken ? { 'x-amz-security-token': creds.sessionToken } : {}),
    'x-amz-target': TARGET,
  };
  const names = Object.keys(headers).sort();
  const canonical = ['POST', url.pathname || '/', '', ...names.map((n) => `${n}:${headers[n].trim()}`), '', names.join(';'), sha256Hex(body)].join('\n');
  const scope = `${day}/${region}/${SERVICE}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, day), region), SERVICE), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  const { host: _host, ...sent } = headers; // fetch sets Host itself (the same value)
  return { ...sent, authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
}

const RETRYABLE_TYPES = new Set(['ThrottlingException', 'InternalServiceError', 'RequestTimeout', 'ServiceUnavailable']);

/** GetSecretValue over the service's JSON protocol: the SecretString of the current version. */
export function createSecretsManagerReader(opts: SecretsManagerReaderOptions = {}): SecretReader {
  const env = opts.env ?? process.env;
  const credentials = opts.credentials ?? defaultProvider();
  const timeoutMs = opts.timeoutMs ?? 3_000;
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 3);

  async function attempt(secretId: string): Promise<string> {
    const region = opts.region ?? regionOfArn(secretId) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) throw new ConfigError(`读取密钥 ${secretId} 需要区域：请使用完整 ARN 或设置 AWS_REGION`);
    const base = opts.endpoint ?? env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? env.AWS_ENDPOINT_URL ?? defaultEndpoint(region);
    const url = new URL(base.replace(/\/+$/, '') + '/');
    const body = JSON.stringify({ SecretId: secretId });
    const headers = signedHeaders(url, body, await credentials(), region, new Date());
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new SecretReadError('NetworkError', `读取密钥 ${secretId} 失败：无法连接 ${url.origin}（${(err as Error).message}）`, true);
    }
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = {};
    }
    if (!res.ok) {
      const type = String(res.headers.get('x-amzn-errortype') ?? parsed.__type ?? `HTTP${res.status}`)
        .split(':')[0]
        .split('#')
        .pop()!;
      const message = String(parsed.message ?? parsed.Message ?? '');
      throw new SecretReadError(type, `读取密钥 ${secretId} 失败：${type}${message ? ` — ${message}` : ''}`, res.status >= 500 || RETRYABLE_TYPES.has(type));
    }
    const value = parsed.SecretString;
    if (typeof value !== 'string' || value.trim() === '') {
      throw new ConfigError(`密钥 ${secretId} 没有文本值（SecretString 为空；the secret has no SecretString）`);
    }
    return value;
  }

  return async (secretId) => {
    for (let n = 1; ; n++) {
      try {
        return await attempt(secretId);
      } catch (err) {
        if (!(err instanceof SecretReadError && err.retryable) || n >= maxAttempts) throw err;
        await new Promise((r) => setTimeout(r, 100 * 2 ** (n - 1)));
      }
    }
  };
}

/**
 * Each secret id is read at most once: concurrent callers share the request in flight, later ones
 * get the value. A failed read is forgotten, so the next attempt (next invocation) reads again.
 */
export function cachedSecretReader(read: SecretReader): SecretReader {
  const cache = new Map<string, Promise<string>>();
  return (secretId) => {
    let p = cache.get(secretId);
    if (!p) {
      p = read(secretId);
      cache.set(secretId, p);
      p.catch(() => cache.delete(secretId));
    }
    return p;
  };
}

let containerReader: SecretReader | undefined;

/** The reader of this container (Lambda execution environment): one Secrets Manager read per secret for its whole life. */
export function containerSecretReader(): SecretReader {
  containerReader ??= cachedSecretReader(createSecretsManagerReader());
  return containerReader;
}
