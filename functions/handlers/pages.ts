// Lambda `pages` (its own Function URL, so the API's bundle stays small): the public policy list and
// mechanisms, the enterprise's page and the answers to a pushed policy (http/page-routes.ts) on the
// small router, with the ports built once per container. No bearer route lives here.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { resolveAppConfig } from '../adapters/config.js';
import { createStore } from '../adapters/dynamodb-store.js';
import { lambdaDynamoClient, oncePerContainer } from '../adapters/lambda.js';
import { logger } from '../adapters/logger.js';
import { createPolicyStore } from '../adapters/policy-store.js';
import { containerSecretReader } from '../adapters/secrets.js';
import { systemClock, type Clock, type Log, type PolicyStore, type Store } from '../ports.js';
import { AccessDenied, createProfileCache } from '../usecases/access.js';
import { createRouter } from '../http/router.js';
import { PAGE_LINK_PREFIXES, pageRoutes } from '../http/page-routes.js';

type Result = APIGatewayProxyStructuredResultV2;
type Handler = (event: APIGatewayProxyEventV2) => Promise<Result>;

/** The paths the `pages` function serves (the local server routes them here). */
export const isPagesPath = (path: string): boolean => /^\/(p|e|f)\//.test(path);

export interface PagesDeps {
  store: Store;
  policies: PolicyStore;
  clock: Clock;
  log?: Log;
  config: { actionSecrets: string[]; countyName?: string };
}

const noBearer = async (): Promise<never> => {
  throw new AccessDenied('forbidden', 'not_here', '此地址不接受登录凭据');
};

export function makePagesHandler(deps: PagesDeps): Handler {
  const log = deps.log ?? logger;
  const profiles = createProfileCache(deps.store);
  const routes = pageRoutes({ store: deps.store, policies: deps.policies, clock: deps.clock, log, getProfile: profiles.profile, config: deps.config });
  return createRouter(routes, {
    authenticate: noBearer,
    authorise: { member: noBearer, 'signed-in': noBearer, command: noBearer },
    log,
    redactedPrefixes: PAGE_LINK_PREFIXES,
  });
}

async function wirePages(env: Record<string, string | undefined> = process.env): Promise<Handler> {
  const config = await resolveAppConfig({ env, readSecret: containerSecretReader() });
  const client = lambdaDynamoClient();
  return makePagesHandler({
    store: createStore({ client, tableName: config.tableName }),
    policies: createPolicyStore({ client, tableName: config.tableName }),
    clock: systemClock,
    config: { actionSecrets: config.actionSecrets, countyName: env.COUNTY_NAME },
  });
}

const wiring = oncePerContainer('pages', () => wirePages());

export const handler: Handler = async (event) => (await wiring())(event);
