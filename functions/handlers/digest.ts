// Lambda `digest` (EventBridge Scheduler, every 15 minutes from Friday 17:00 Asia/Shanghai): the
// week's supervision digest, usecases/digest.ts. The event may carry `{ "week"?: "YYYY-Www",
// "send"?: boolean }`; without `send` the environment decides: DIGEST_SEND=true sends, anything else
// is a dry run that only logs the headline. The CDK schedule passes `{ "send": true }` in production:
// runScheduledDigest (the week isolated, DigestLate from Friday 18:00). A run whose week failed throws
// after recording it, so the function's Errors alarm sees it too.
import { requireEnv, resolveAppConfig } from '../adapters/config.js';
import { attachReadCounter, createDigestStore } from '../adapters/digest-store.js';
import { createMatchReader } from '../adapters/policy-store.js';
import { createStore } from '../adapters/dynamodb-store.js';
import { lambdaDynamoClient, oncePerContainer } from '../adapters/lambda.js';
import { withLogger, type LogOptional } from '../adapters/logger.js';
import { createRuntimeConfig, resolvePublicBaseUrl } from '../adapters/runtime-config.js';
import { containerSecretReader } from '../adapters/secrets.js';
import { createSesClient, createSesMailer } from '../adapters/ses-mailer.js';
import { createFailureStore } from '../adapters/failure-store.js';
import { createOpsMetrics } from '../adapters/metrics.js';
import { systemClock } from '../ports.js';
import { runDigest, runScheduledDigest, type DigestDeps, type DigestResult, type ScheduledDigestResult } from '../usecases/digest.js';
import { runDailyReport, type DailyReportResult } from '../usecases/daily-report.js';

export interface DigestEvent {
  week?: string;
  send?: boolean;
  /** The daily report (日报) of an emergency: the 17:00 schedule sets it (usecases/daily-report.ts). */
  daily?: boolean;
}

/** What the Lambda returns: the run without the page, the text and the model. */
export type DigestSummary = Omit<DigestResult, 'html' | 'text' | 'model'> | ScheduledDigestResult | Omit<DailyReportResult, 'model'>;

export function makeDigestHandler(deps: LogOptional<DigestDeps>, env: Record<string, string | undefined> = process.env): (event?: DigestEvent) => Promise<DigestSummary> {
  const wired = withLogger(deps);
  const dryRun = runDigest(wired);
  const scheduled = runScheduledDigest(wired);
  const daily = runDailyReport({ ...wired, config: { countyName: wired.config.countyName } });
  return async (event = {}) => {
    if (event?.daily === true) {
      // Sends only while an 应急 row of 运行状态 is in force; otherwise returns `no_mode` at once.
      const { model: _m, ...res } = await daily();
      if (res.status === 'incomplete') wired.log.warn('daily report incomplete', { ...res });
      return res;
    }
    const send = typeof event?.send === 'boolean' ? event.send : env.DIGEST_SEND?.trim().toLowerCase() === 'true';
    const week = event?.week ? { week: event.week } : {};
    if (send) {
      const res = await scheduled(week);
      wired.log.info('digest', { ...res });
      if (res.status === 'failed' || res.status === 'set_aside') throw new Error(`周报 ${res.week} 本次未能发布或发送（${res.status}）：${res.error ?? ''}`);
      return res;
    }
    const res = await dryRun({ ...week, send: false });
    const { html: _h, text: _t, model, ...summary } = res;
    wired.log.info('digest', { ...summary, headline: model?.headline });
    return summary;
  };
}

/**
 * Default wiring from the environment (AWS): ACTION_SECRET from env or Secrets Manager
 * (`ACTION_SECRET_ARN`, read once per container), COUNTY_NAME, MAIL_FROM; the public base URL from
 * PUBLIC_BASE_URL or, without it, the one the API recorded from its Function URL.
 */
async function wireDigest(env: Record<string, string | undefined> = process.env): Promise<(event?: DigestEvent) => Promise<DigestSummary>> {
  const config = await resolveAppConfig({ env, readSecret: containerSecretReader() });
  const client = lambdaDynamoClient();
  const publicBaseUrl = await resolvePublicBaseUrl(config.publicBaseUrl, createRuntimeConfig({ client, tableName: config.tableName }));
  const reads = attachReadCounter(client);
  return makeDigestHandler(
    {
      store: createStore({ client, tableName: config.tableName }),
      digests: createDigestStore({ client, tableName: config.tableName }),
      policies: createMatchReader({ client, tableName: config.tableName }),
      mailer: createSesMailer({ client: createSesClient(), from: requireEnv('MAIL_FROM', env), configurationSet: env.SES_CONFIGURATION_SET?.trim() || undefined }),
      clock: systemClock,
      config: { countyName: requireEnv('COUNTY_NAME', env), publicBaseUrl, actionSecrets: config.actionSecrets },
      reads,
      failures: createFailureStore({ client, tableName: config.tableName }),
      ops: createOpsMetrics({ county: requireEnv('COUNTY', env), namespace: env.POWERTOOLS_METRICS_NAMESPACE?.trim() || undefined }),
    },
    env,
  );
}

const wiring = oncePerContainer('digest', () => wireDigest());

export const handler = async (event: DigestEvent = {}): Promise<DigestSummary> => (await wiring())(event);
