// Lambda `dispatch` (EventBridge Scheduler every minute): sends the outbox, usecases/dispatch.ts.
import { requireEnv, resolveDispatchConfig } from '../adapters/config.js';
import { createDigestStore } from '../adapters/digest-store.js';
import { createStore } from '../adapters/dynamodb-store.js';
import { lambdaDynamoClient, oncePerContainer } from '../adapters/lambda.js';
import { withLogger, type LogOptional } from '../adapters/logger.js';
import { createFailureStore } from '../adapters/failure-store.js';
import { createOpsMetrics, createOutboxMetrics } from '../adapters/metrics.js';
import { createRuntimeConfig, resolvePublicBaseUrl } from '../adapters/runtime-config.js';
import { containerSecretReader } from '../adapters/secrets.js';
import { createSesClient, createSesMailer } from '../adapters/ses-mailer.js';
import { createPolicyStore } from '../adapters/policy-store.js';
import { systemClock } from '../ports.js';
import { runDispatch, type DispatchDeps, type DispatchSummary } from '../usecases/dispatch.js';

/** The issue outbox, then (given the policy store) the mails that are not about an issue (政策推送, reminders). */
export function makeDispatchHandler(deps: LogOptional<DispatchDeps>): () => Promise<DispatchSummary> {
  return runDispatch(withLogger(deps));
}

/**
 * Default wiring from the environment (AWS): secrets from Secrets Manager (once per container),
 * PUBLIC_BASE_URL or else the URL the API recorded (read on each run until found, then kept), the
 * EMF metric when running in Lambda (AWS_LAMBDA_FUNCTION_NAME).
 */
async function wireDispatch(env: Record<string, string | undefined> = process.env): Promise<() => Promise<DispatchSummary>> {
  const config = await resolveDispatchConfig({ env, readSecret: containerSecretReader() });
  const client = lambdaDynamoClient();
  const namespace = env.POWERTOOLS_METRICS_NAMESPACE?.trim() || undefined;
  const inLambda = !!env.AWS_LAMBDA_FUNCTION_NAME;
  const metrics = inLambda ? createOutboxMetrics({ client, tableName: config.tableName, county: requireEnv('COUNTY', env), namespace }) : undefined;
  const ops = inLambda ? createOpsMetrics({ county: requireEnv('COUNTY', env), namespace }) : undefined;
  const digests = createDigestStore({ client, tableName: config.tableName });
  const withBaseUrl = (publicBaseUrl: string) =>
    makeDispatchHandler({
      store: createStore({ client, tableName: config.tableName }),
      mailer: createSesMailer({ client: createSesClient(), from: config.mailFrom, configurationSet: config.configurationSet }),
      clock: systemClock,
      config: { ...config, publicBaseUrl, pagesBaseUrl: env.PAGES_BASE_URL?.trim().replace(/\/+$/, '') || undefined },
      metrics,
      ops,
      failures: createFailureStore({ client, tableName: config.tableName }),
      suppressed: (emails) => digests.suppressedAmong(emails),
      policies: createPolicyStore({ client, tableName: config.tableName }),
    });
  if (config.publicBaseUrl) return withBaseUrl(config.publicBaseUrl);
  const runtime = createRuntimeConfig({ client, tableName: config.tableName });
  let known: (() => Promise<DispatchSummary>) | undefined;
  return async () => {
    if (!known) {
      try {
        known = withBaseUrl(await resolvePublicBaseUrl(undefined, runtime));
      } catch (err) {
        // Nothing can be sent without links; the metric still reports what waits.
        await metrics?.publishOldestPendingAge(systemClock.now()).catch(() => undefined);
        throw err;
      }
    }
    return known();
  };
}

const wiring = oncePerContainer('dispatch', () => wireDispatch());

export const handler = async (): Promise<DispatchSummary> => (await wiring())();
