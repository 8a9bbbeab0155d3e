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
}

export interface DispatchConfig extends AppConfig {
  mailFrom: string;
  configurationSet?: string;
  /** Sends in flight at most (DISPATCH_CONCURRENCY, default 4; twice as many notifications in hand). */
  concurrency?: number;
  /** Sends per second at most: SES's sending quota (SES_MAX_SEND_RATE; unset: no limit). */
  maxSendRate?: number;
  /** Stop taking new notifications after this many ms (DISPATCH_RUN_BUDGET_MS; the Lambda's timeout minus a margin). */
  runBudgetMs?: number;
}

/** A positive number from env `name`, or undefined when unset; throws when set to anything else. */
function positiveNumber(env: Env, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} 应为正数（${name} must be a positive number），收到“${raw}”`);
  return n;
}

/** DISPATCH_CONCURRENCY, SES_MAX_SEND_RATE, DISPATCH_RUN_BUDGET_MS. */
export function dispatchLimits(env: Env = process.env): Pick<DispatchConfig, 'concurrency' | 'maxSendRate' | 'runBudgetMs'> {
  const concurrency = positiveNumber(env, 'DISPATCH_CONCURRENCY');
  const maxSendRate = positiveNumber(env, 'SES_MAX_SEND_RATE');
  const runBudgetMs = positiveNumber(env, 'DISPATCH_RUN_BUDGET_MS');
  return {
    ...(concurrency !== undefined ? { concurrency: Math.floor(concurrency) } : {}),
    ...(maxSendRate !== undefined ? { maxSendRate } : {}),
    ...(runBudgetMs !== undefined ? { runBudgetMs } : {}),
  };
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

function actionTokenTtlDays(env: Env): number {
  const ttl = env.ACTION_TOKEN_TTL_DAYS ? Number(env.ACTION_TOKEN_TTL_DAYS) : 14;
  if (!Number.isFinite(ttl) || ttl <= 0) throw new ConfigError('ACTION_TOKEN_TTL_DAYS 应为正数');
  return ttl;
}

const baseUrl = (v: string) => v.replace(/\/+$/, '');

/** The shared configuration (TABLE_NAME, PUBLIC_BASE_URL, ACTION_SECRET, ACTION_TOKEN_TTL_DAYS), synchronous: no secret ARNs. */
export function loadConfig(env: Env = process.env): AppConfig {
  return {
    tableName: requireEnv('TABLE_NAME', env),
    publicBaseUrl: baseUrl(requireEnv('PUBLIC_BASE_URL', env)),
    actionSecrets: parseActionSecrets(requireEnv('ACTION_SECRET', env)),
    actionTokenTtlDays: actionTokenTtlDays(env),
  };
}

/** The API's configuration: shared + OAUTH_AUDIENCE, BOOTSTRAP_ADMINS. */
export function loadApiConfig(env: Env = process.env): ApiConfig {
  return {
    ...loadConfig(env),
    audience: requireEnv('OAUTH_AUDIENCE', env),
    bootstrapAdmins: list(env.BOOTSTRAP_ADMINS).map((e) => e.toLowerCase()),
  };
}

/** The dispatcher's configuration: shared + MAIL_FROM, SES_CONFIGURATION_SET. */
export function loadDispatchConfig(env: Env = process.env): DispatchConfig {
  return {
    ...loadConfig(env),
    mailFrom: requireEnv('MAIL_FROM', env),
    configurationSet: env.SES_CONFIGURATION_SET?.trim() || undefined,
    ...dispatchLimits(env),
  };
}

// ---- Resolution with Secrets Manager (the Lambda default wiring) ---------------------------------
// Rule for a secret setting X: env `X` if set (local runs, overrides), else the text of the Secrets
// Manager secret whose ARN is in `X_ARN` (what the CDK stack sets), read by the injected reader
// (adapters/secrets.ts: once per container); neither -> a ConfigError naming both variables.

/** Reads one secret's text by ARN (adapters/secrets.ts `containerSecretReader()` in Lambda). */
export type ReadSecret = (arn: string) => Promise<string>;

export interface ConfigSources {
  env?: Env;
  /** Needed only when a setting comes as an `_ARN`. */
  readSecret?: ReadSecret;
}

/** Env `name` if set, else the secret whose ARN is in `${name}_ARN`; throws naming both when neither is set. */
export async function resolveSecretSetting(name: string, src: ConfigSources = {}): Promise<string> {
  const env = src.env ?? process.env;
  const direct = env[name];
  if (direct !== undefined && direct.trim() !== '') return direct.trim();
  const arnName = `${name}_ARN`;
  const arn = env[arnName]?.trim();
  if (!arn) {
    throw new ConfigError(
      `缺少环境变量 ${name} 或 ${arnName}（missing ${name} or ${arnName}: set the value, or the ARN of the Secrets Manager secret holding it）`,
    );
  }
  if (!src.readSecret) throw new ConfigError(`${arnName} 已设置，但没有读取 Secrets Manager 的方法（no secret reader for ${arnName}）`);
  const value = (await src.readSecret(arn)).trim();
  if (!value) throw new ConfigError(`${arnName} 指向的密钥为空（the secret in ${arnName} is empty）`);
  return value;
}

/** Shared settings with the secrets resolved; `publicBaseUrl` only when PUBLIC_BASE_URL is set. */
export interface ResolvedAppConfig extends Omit<AppConfig, 'publicBaseUrl'> {
  publicBaseUrl?: string;
}

/** TABLE_NAME, PUBLIC_BASE_URL (optional), ACTION_SECRET | ACTION_SECRET_ARN, ACTION_TOKEN_TTL_DAYS. */
export async function resolveAppConfig(src: ConfigSources = {}): Promise<ResolvedAppConfig> {
  const env = src.env ?? process.env;
  const tableName = requireEnv('TABLE_NAME', env);
  const ttl = actionTokenTtlDays(env);
  const url = env.PUBLIC_BASE_URL?.trim();
  const actionSecrets = parseActionSecrets(await resolveSecretSetting('ACTION_SECRET', src));
  return { tableName, ...(url ? { publicBaseUrl: baseUrl(url) } : {}), actionSecrets, actionTokenTtlDays: ttl };
}

export interface ResolvedApiConfig extends Omit<ApiConfig, 'publicBaseUrl'> {
  /** Unset: the API derives it from each request (`https://<requestContext.domainName>`). */
  publicBaseUrl?: string;
}

/** The API's configuration: shared + OAUTH_AUDIENCE | OAUTH_AUDIENCE_ARN, BOOTSTRAP_ADMINS. */
export async function resolveApiConfig(src: ConfigSources = {}): Promise<ResolvedApiConfig> {
  const env = src.env ?? process.env;
  const [app, audience] = await Promise.all([resolveAppConfig(src), resolveSecretSetting('OAUTH_AUDIENCE', src)]);
  return { ...app, audience, bootstrapAdmins: list(env.BOOTSTRAP_ADMINS).map((e) => e.toLowerCase()) };
}

export interface ResolvedDispatchConfig extends Omit<DispatchConfig, 'publicBaseUrl'> {
  /** Unset: the base URL the API recorded (adapters/runtime-config.ts). */
  publicBaseUrl?: string;
}

/** The dispatcher's configuration: shared + MAIL_FROM, SES_CONFIGURATION_SET. */
export async function resolveDispatchConfig(src: ConfigSources = {}): Promise<ResolvedDispatchConfig> {
  const env = src.env ?? process.env;
  const mailFrom = requireEnv('MAIL_FROM', env);
  return { ...(await resolveAppConfig(src)), mailFrom, configurationSet: env.SES_CONFIGURATION_SET?.trim() || undefined, ...dispatchLimits(env) };
}
