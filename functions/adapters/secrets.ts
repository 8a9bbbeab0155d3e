// Secrets Manager at the edge: the CDK stack gives the functions only the ARN of each secret
// (`ACTION_SECRET_ARN`, `OAUTH_AUDIENCE_ARN`); the handler's default wiring reads each one ONCE per
// container (cold start) and keeps it for the container's life. The local stack never comes here:
// it passes its config objects directly.
//
// The read is Powertools Parameters' SecretsProvider (GetSecretValue through the SDK's Secrets
// Manager client: signing, retries with backoff on throttling and 5xx, the service's error types).
// Its own cache is switched off (maxAge 0): `cachedSecretReader` is the one cache, and it also shares
// a request in flight between concurrent readers, which the provider's cache does not.
import { GetParameterError } from '@aws-lambda-powertools/parameters/errors';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { ConfigError } from './config.js';

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
  /** Default: the SDK's provider chain (in the Lambda bundles: the execution role's credentials in the environment). */
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
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SecretReadError';
  }
}

/** Region of an ARN (`arn:<partition>:secretsmanager:<region>:<account>:secret:<name>`), or undefined. */
export function regionOfArn(secretId: string): string | undefined {
  const parts = secretId.split(':');
  return parts[0] === 'arn' && parts.length >= 7 && parts[3] ? parts[3] : undefined;
}

/** GetSecretValue of the current version: its SecretString. */
export function createSecretsManagerReader(opts: SecretsManagerReaderOptions = {}): SecretReader {
  const env = opts.env ?? process.env;
  const endpoint = opts.endpoint ?? env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? env.AWS_ENDPOINT_URL;
  const providers = new Map<string, SecretsProvider>();
  const providerFor = (region: string) => {
    let p = providers.get(region);
    if (!p) {
      p = new SecretsProvider({
        clientConfig: {
          region,
          ...(endpoint ? { endpoint } : {}),
          ...(opts.credentials ? { credentials: opts.credentials } : {}),
          maxAttempts: Math.max(1, opts.maxAttempts ?? 3),
          requestHandler: { requestTimeout: opts.timeoutMs ?? 3_000, connectionTimeout: opts.timeoutMs ?? 3_000 },
        },
      });
      providers.set(region, p);
    }
    return p;
  };

  return async (secretId) => {
    const region = opts.region ?? regionOfArn(secretId) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) throw new ConfigError(`读取密钥 ${secretId} 需要区域：请使用完整 ARN 或设置 AWS_REGION`);
    let value: unknown;
    try {
      value = await providerFor(region).get(secretId, { maxAge: 0 });
    } catch (err) {
      const cause = err instanceof GetParameterError && err.cause instanceof Error ? err.cause : err;
      const code = cause instanceof Error ? cause.name : 'Error';
      const message = cause instanceof Error ? cause.message : String(cause);
      throw new SecretReadError(code, `读取密钥 ${secretId} 失败：${code}${message ? ` — ${message}` : ''}`, { cause: err });
    }
    if (typeof value !== 'string' || value.trim() === '') {
      throw new ConfigError(`密钥 ${secretId} 没有文本值（SecretString 为空；the secret has no SecretString）`);
    }
    return value;
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
