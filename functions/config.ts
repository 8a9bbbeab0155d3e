// Configuration from the environment: fail fast on anything missing, never `process.env.X || ''`.

export class ConfigError extends Error {
  readonly code = 'config_missing';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** The value of a required environment variable; throws a clear error when it is missing or empty. */
export function requireEnv(name: string, env: Env = process.env): string {
  const v = env[name];
  if (v === undefined || v.trim() === '') throw new ConfigError(`缺少环境变量 ${name}（missing environment variable ${name}）`);
  return v.trim();
}

const list = (v: string | undefined): string[] =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];
export const GOOGLE_JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';

/** Settings every function shares. */
export interface AppConfig {
  tableName: string;
  /** Base URL of the API as mails link to it, without a trailing slash. */
  publicBaseUrl: string;
  /** Action-link HMAC keys: sign with the first, verify with any (rotation). */
  actionSecrets: string[];
  /** Validity of an action link, in days. */
  actionTokenTtlDays: number;
}

export interface ApiConfig extends AppConfig {
  /** Expected `aud` of ID tokens: the add-on's OAuth client id. */
  audience: string;
  /** Emails allowed to sync the coordination configuration tabs while no member is configured. */
  bootstrapAdmins: string[];
  /** How long the API keeps the profile cached, in ms. */
  profileTtlMs: number;
}

export interface DispatchConfig extends AppConfig {
  mailFrom: string;
  configurationSet?: string;
}

/** Parse the comma-separated ACTION_SECRET list (each key ≥ 32 characters). */
export function parseActionSecrets(value: string): string[] {
  const secrets = list(value);
  if (secrets.length === 0) throw new ConfigError('ACTION_SECRET 为空');
  for (const s of secrets) {
    if (s.length < 32) throw new ConfigError('ACTION_SECRET 的每个密钥至少 32 个字符（用逗号分隔多个密钥以轮换，第一个用于签发）');
  }
  return secrets;
}

/** The shared configuration (TABLE_NAME, PUBLIC_BASE_URL, ACTION_SECRET, ACTION_TOKEN_TTL_DAYS). */
export function loadConfig(env: Env = process.env): AppConfig {
  const ttl = env.ACTION_TOKEN_TTL_DAYS ? Number(env.ACTION_TOKEN_TTL_DAYS) : 14;
  if (!Number.isFinite(ttl) || ttl <= 0) throw new ConfigError('ACTION_TOKEN_TTL_DAYS 应为正数');
  return {
    tableName: requireEnv('TABLE_NAME', env),
    publicBaseUrl: requireEnv('PUBLIC_BASE_URL', env).replace(/\/+$/, ''),
    actionSecrets: parseActionSecrets(requireEnv('ACTION_SECRET', env)),
    actionTokenTtlDays: ttl,
  };
}

/** The API's configuration: shared + OAUTH_AUDIENCE, BOOTSTRAP_ADMINS. */
export function loadApiConfig(env: Env = process.env): ApiConfig {
  return {
    ...loadConfig(env),
    audience: requireEnv('OAUTH_AUDIENCE', env),
    bootstrapAdmins: list(env.BOOTSTRAP_ADMINS).map((e) => e.toLowerCase()),
    profileTtlMs: 30_000,
  };
}

/** The dispatcher's configuration: shared + MAIL_FROM, SES_CONFIGURATION_SET. */
export function loadDispatchConfig(env: Env = process.env): DispatchConfig {
  return {
    ...loadConfig(env),
    mailFrom: requireEnv('MAIL_FROM', env),
    configurationSet: env.SES_CONFIGURATION_SET?.trim() || undefined,
  };
}
