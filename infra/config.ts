// Deployment settings of one county, read from CDK context (`-c key=value` or cdk.json "context").
// Invalid values fail the synth with a clear Chinese message and a stable code.

export class InfraConfigError extends Error {
  constructor(
    readonly code: 'context_invalid' | 'context_missing',
    message: string,
  ) {
    super(message);
    this.name = 'InfraConfigError';
  }
}

export interface CountyConfig {
  /** County id, lower-case (stack, secret and resource names): `tongxu`. */
  county: string;
  /** The county's name as people write it, shown in the digest (`通许县`). */
  countyName: string;
  /** AWS region of the stack (must offer SES, Lambda Function URLs and EventBridge Scheduler). */
  region: string;
  /** SES identity: a domain (`mail.county.example`, Easy DKIM) or one address (`office@county.example`). */
  sesIdentity: string;
  /** From address of every mail; defaults to the identity address or `sibao@<domain>`. */
  mailFrom: string;
  /** The add-on's OAuth client id (the `aud` of its Google ID tokens); may be set later in the secret. */
  addonClientId?: string;
  /** Address subscribed to the alarm topic (optional). */
  alarmEmail?: string;
  /** Public base URL when a custom domain fronts the Function URL (optional). */
  publicBaseUrl?: string;
  /** Browser origins allowed by the Function URL's CORS (the add-on calls the API from Apps Script servers). */
  corsAllowOrigins: string[];
  /** Emails allowed to sync configuration tabs while no member is configured (optional). */
  bootstrapAdmins: string[];
  /** Powertools log level. */
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** CloudWatch Logs retention in days. */
  logRetentionDays: number;
  /** SES's sending quota, mails per second: the dispatcher never starts more (context sesMaxSendRate, default 14). */
  sesMaxSendRate: number;
  /** Notifications the dispatcher handles at once (context dispatchConcurrency, default 4). */
  dispatchConcurrency: number;
}

/** Anything that can answer `tryGetContext` (a construct's node). */
export interface ContextSource {
  tryGetContext(key: string): unknown;
}

const COUNTY_RE = /^[a-z][a-z0-9-]{1,30}$/;
const DOMAIN_RE = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
/** Values CloudWatch Logs accepts for retention. */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

function str(src: ContextSource, key: string): string | undefined {
  const v = src.tryGetContext(key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') {
    throw new InfraConfigError('context_invalid', `上下文 ${key} 应为字符串（context ${key} must be a string）`);
  }
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

function list(src: ContextSource, key: string): string[] {
  const v = src.tryGetContext(key);
  if (v === undefined || v === null || v === '') return [];
  const items = Array.isArray(v) ? v.map(String) : String(v).split(',');
  return items.map((s) => s.trim()).filter(Boolean);
}

function required(src: ContextSource, key: string): string {
  const v = str(src, key);
  if (v === undefined) {
    throw new InfraConfigError('context_missing', `缺少上下文 ${key}：用 -c ${key}=… 传入或写入 cdk.json 的 context（missing context ${key}）`);
  }
  return v;
}

/** Reads and validates the county's deployment settings. */
export function readCountyConfig(src: ContextSource): CountyConfig {
  const county = required(src, 'county').toLowerCase();
  if (!COUNTY_RE.test(county)) {
    throw new InfraConfigError('context_invalid', `上下文 county「${county}」无效：只允许小写字母、数字和连字符，以字母开头，2–31 个字符`);
  }
  const region = required(src, 'region');
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new InfraConfigError('context_invalid', `上下文 region「${region}」不是 AWS 区域名`);

  const sesIdentity = required(src, 'sesIdentity').toLowerCase();
  const isEmail = sesIdentity.includes('@');
  if (isEmail ? !EMAIL_RE.test(sesIdentity) : !DOMAIN_RE.test(sesIdentity)) {
    throw new InfraConfigError('context_invalid', `上下文 sesIdentity「${sesIdentity}」既不是域名也不是邮箱地址`);
  }
  const mailFrom = (str(src, 'mailFrom') ?? (isEmail ? sesIdentity : `sibao@${sesIdentity}`)).toLowerCase();
  if (!EMAIL_RE.test(mailFrom)) throw new InfraConfigError('context_invalid', `上下文 mailFrom「${mailFrom}」不是邮箱地址`);
  if (isEmail ? mailFrom !== sesIdentity : !mailFrom.endsWith(`@${sesIdentity}`)) {
    throw new InfraConfigError('context_invalid', `上下文 mailFrom「${mailFrom}」不属于 SES 身份「${sesIdentity}」，SES 会拒绝发送`);
  }

  const alarmEmail = str(src, 'alarmEmail');
  if (alarmEmail !== undefined && !EMAIL_RE.test(alarmEmail)) {
    throw new InfraConfigError('context_invalid', `上下文 alarmEmail「${alarmEmail}」不是邮箱地址`);
  }
  const publicBaseUrl = str(src, 'publicBaseUrl')?.replace(/\/+$/, '');
  if (publicBaseUrl !== undefined && !/^https:\/\/[^\s/]+/.test(publicBaseUrl)) {
    throw new InfraConfigError('context_invalid', `上下文 publicBaseUrl「${publicBaseUrl}」应以 https:// 开头`);
  }
  const corsAllowOrigins = list(src, 'corsAllowOrigins');
  for (const o of corsAllowOrigins) {
    if (o === '*' || !/^https:\/\/[^\s/*]+$/.test(o)) {
      throw new InfraConfigError('context_invalid', `上下文 corsAllowOrigins 中「${o}」无效：只允许具体的 https 源，不允许 *`);
    }
  }
  const bootstrapAdmins = list(src, 'bootstrapAdmins').map((e) => e.toLowerCase());
  for (const e of bootstrapAdmins) {
    if (!EMAIL_RE.test(e)) throw new InfraConfigError('context_invalid', `上下文 bootstrapAdmins 中「${e}」不是邮箱地址`);
  }
  const logLevel = (str(src, 'logLevel') ?? 'INFO').toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new InfraConfigError('context_invalid', `上下文 logLevel「${logLevel}」应为 ${LOG_LEVELS.join('/')}`);
  }
  const logRetentionDays = Number(str(src, 'logRetentionDays') ?? 90);
  if (!RETENTION_DAYS.includes(logRetentionDays)) {
    throw new InfraConfigError('context_invalid', `上下文 logRetentionDays「${logRetentionDays}」应为 CloudWatch 支持的天数之一：${RETENTION_DAYS.join(', ')}`);
  }
  const countyName = str(src, 'countyName') ?? county;
  const sesMaxSendRate = Number(str(src, 'sesMaxSendRate') ?? 14);
  if (!Number.isFinite(sesMaxSendRate) || sesMaxSendRate <= 0) {
    throw new InfraConfigError('context_invalid', `上下文 sesMaxSendRate「${str(src, 'sesMaxSendRate')}」应为正数（SES 每秒发信配额，沙盒为 1）`);
  }
  const dispatchConcurrency = Number(str(src, 'dispatchConcurrency') ?? 4);
  if (!Number.isInteger(dispatchConcurrency) || dispatchConcurrency < 1 || dispatchConcurrency > 32) {
    throw new InfraConfigError('context_invalid', `上下文 dispatchConcurrency「${str(src, 'dispatchConcurrency')}」应为 1 到 32 的整数`);
  }
  return {
    county,
    countyName,
    region,
    sesIdentity,
    mailFrom,
    addonClientId: str(src, 'addonClientId'),
    alarmEmail,
    publicBaseUrl,
    corsAllowOrigins: corsAllowOrigins.length ? corsAllowOrigins : ['https://script.google.com'],
    bootstrapAdmins,
    logLevel: logLevel as CountyConfig['logLevel'],
    logRetentionDays,
    sesMaxSendRate,
    dispatchConcurrency,
  };
}
