// Lambda `api` behind the Function URL (the same handler runs locally): the route table of
// http/routes.ts on the small router of http/router.ts, with the ports built once per container.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { requireEnv, resolveApiConfig } from '../adapters/config.js';
import { createFailureLister } from '../adapters/failure-store.js';
import { createDigestReader } from '../adapters/digest-store.js';
import { createApiStore } from '../adapters/dynamodb-store.js';
import { createIdentityVerifier, GOOGLE_ISSUER } from '../adapters/identity.js';
import { lambdaDynamoClient, oncePerContainer } from '../adapters/lambda.js';
import { createLogMetrics, logger } from '../adapters/logger.js';
import { createBaseUrlRecorder, createRuntimeConfig } from '../adapters/runtime-config.js';
import { containerSecretReader } from '../adapters/secrets.js';
import { createMatchReader } from '../adapters/policy-store.js';
import { systemClock, type Clock, type DigestReader, type FailureStore, type IdentityVerifier, type Log, type OpsMetrics, type ApiStore, type PolicyStore } from '../ports.js';
import { createAccess, createProfileCache } from '../usecases/access.js';
import { createRouter } from '../http/router.js';
import { ACTION_LINK_PREFIX, apiRoutes } from '../http/routes.js';

type Result = APIGatewayProxyStructuredResultV2;
type Handler = (event: APIGatewayProxyEventV2) => Promise<Result>;

export interface ApiDeps {
  store: ApiStore;
  clock: Clock;
  identity: IdentityVerifier;
  log?: Log;
  config: {
    /**
     * Base URL the action links use (not needed by the API itself; kept for symmetry with dispatch).
     * Absent on AWS without a custom domain: the default wiring derives it from each request.
     */
    publicBaseUrl?: string;
    /** Action-link HMAC keys: verify with any. */
    actionSecrets: string[];
    /** Emails that may sync coordination configuration tabs while no member is configured. */
    bootstrapAdmins?: string[];
    /** County name on the dashboard page (env COUNTY_NAME on AWS). */
    countyName?: string;
  };
  /** The digest's store: serves `GET /v1/digests/{YYYY-Www}` and `GET /v1/dashboard` when present. */
  digests?: DigestReader;
  /** Counts unexpected errors (ApiUnexpectedErrors: the alarm; the Lambda itself succeeds). */
  metrics?: OpsMetrics;
  /** The background jobs' set-aside items (a line on the dashboard). */
  failures?: Pick<FailureStore, 'listFailures'>;
  /** 政策找企's store: serves `GET /v1/policies/{编号}/matches` when present. */
  policies?: Pick<PolicyStore, 'listMatches' | 'listSelfReports'>;
}

export function makeApiHandler(deps: ApiDeps): Handler {
  const log = deps.log ?? logger;
  const profiles = createProfileCache(deps.store);
  const access = createAccess({ identity: deps.identity, profiles, bootstrapAdmins: deps.config.bootstrapAdmins, actionSecrets: deps.config.actionSecrets });
  const routes = apiRoutes({ store: deps.store, clock: deps.clock, log, identity: deps.identity, access, profiles, digests: deps.digests, failures: deps.failures, metrics: deps.metrics, policies: deps.policies, config: deps.config });
  return createRouter(routes, {
    authenticate: access.authenticate,
    authorise: { member: access.authoriseRead, 'signed-in': async () => undefined, command: access.authoriseCommand },
    log,
    redactedPrefixes: [ACTION_LINK_PREFIX],
    metrics: deps.metrics,
  });
}

/**
 * Default wiring from the environment (AWS): ACTION_SECRET and OAUTH_AUDIENCE from env or from
 * Secrets Manager (`*_ARN`, read once per container). Without PUBLIC_BASE_URL the API's base URL is
 * `https://<requestContext.domainName>` of the Function URL, recorded in the table for the
 * dispatcher (adapters/runtime-config.ts).
 */
async function wireApi(env: Record<string, string | undefined> = process.env): Promise<Handler> {
  const config = await resolveApiConfig({ env, readSecret: containerSecretReader() });
  const client = lambdaDynamoClient();
  const api = makeApiHandler({
    store: createApiStore({ client, tableName: config.tableName }),
    clock: systemClock,
    identity: createIdentityVerifier({ issuers: [GOOGLE_ISSUER], audience: config.audience }),
    config: { ...config, countyName: env.COUNTY_NAME },
    digests: createDigestReader({ client, tableName: config.tableName }),
    failures: createFailureLister({ client, tableName: config.tableName }),
    // A log line per datapoint, made a metric by a log metric filter (keeps Powertools Metrics out of this bundle).
    metrics: createLogMetrics(requireEnv('COUNTY', env)),
    policies: createMatchReader({ client, tableName: config.tableName }),
  });
  if (config.publicBaseUrl) return api;
  const recorder = createBaseUrlRecorder(createRuntimeConfig({ client, tableName: config.tableName }));
  return async (event) => {
    await recorder.observe(event);
    return api(event);
  };
}

const wiring = oncePerContainer('api', () => wireApi());

export const handler: Handler = async (event) => (await wiring())(event);
