// Lambda `web` behind its own Function URL (the same handler runs locally on the API's server for
// `/login*` and `/my*`): the member's sign-in by mail, `/my` and the workbook upload (SPEC §7.7).
// Separate from `api` so the upload's workbook reading and writing stay out of the API's bundle.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { requireEnv, resolveAppConfig } from '../adapters/config.js';
import { createStore } from '../adapters/dynamodb-store.js';
import { lambdaDynamoClient, oncePerContainer } from '../adapters/lambda.js';
import { logger } from '../adapters/logger.js';
import { baseUrlFromEvent, createRuntimeConfig } from '../adapters/runtime-config.js';
import { containerSecretReader } from '../adapters/secrets.js';
import { createSesClient, createSesMailer } from '../adapters/ses-mailer.js';
import { createWebStore } from '../adapters/web-store.js';
import { tablesFromBytes } from '../adapters/workbook/tables.js';
import { writeXlsx } from '../adapters/workbook/xlsx-write.js';
import { WorkbookError } from '../adapters/workbook/zip.js';
import { systemClock, type Clock, type Log, type Mailer, type Store, type WebStore } from '../ports.js';
import { createAccess, createProfileCache } from '../usecases/access.js';
import { ImportPlanError } from '../usecases/import-tables.js';
import type { WorkbookCodec } from '../usecases/upload.js';
import { createRouter } from '../http/router.js';
import { createWebRoutes, type WebRouteDeps } from '../http/web-routes.js';

type Result = APIGatewayProxyStructuredResultV2;
type Handler = (event: APIGatewayProxyEventV2) => Promise<Result>;

/** Workbooks read under the upload limits (zip index checked first, inflation capped) and written values-only. */
export const workbookCodec: WorkbookCodec = {
  read(file, bytes) {
    try {
      return tablesFromBytes(file, bytes);
    } catch (err) {
      if (err instanceof WorkbookError) throw new ImportPlanError(err.code, err.message);
      throw err;
    }
  },
  write: (sheets) => writeXlsx(sheets),
};

export interface WebDeps {
  store: Store;
  web: WebStore;
  mailer: Mailer;
  clock: Clock;
  log?: Log;
  config: WebRouteDeps['config'] & { profileTtlMs?: number };
  sleep?: (ms: number) => Promise<void>;
}

export function makeWebHandler(deps: WebDeps): Handler {
  const log = deps.log ?? logger;
  const profiles = createProfileCache(deps.store);
  // No bearer is accepted here: the session cookie is the credential (web-routes.ts).
  const access = createAccess({ identity: { verify: async () => null }, profiles, bootstrapAdmins: deps.config.bootstrapAdmins, actionSecrets: deps.config.actionSecrets });
  const routes = createWebRoutes({ ...deps, log, access, profiles, codec: workbookCodec });
  return createRouter(routes, {
    authenticate: access.authenticate,
    authorise: { member: access.authoriseRead, 'signed-in': async () => undefined, command: access.authoriseCommand },
    log,
    redactedPrefixes: ['/login/'],
  });
}

/**
 * Default wiring from the environment (AWS): TABLE_NAME, ACTION_SECRET(_ARN), MAIL_FROM,
 * SES_CONFIGURATION_SET, BOOTSTRAP_ADMINS, COUNTY_NAME; WEB_BASE_URL, else this function's own URL
 * (`https://<requestContext.domainName>`); the API's URL (the dashboard link) from PUBLIC_BASE_URL or
 * the one the API recorded.
 */
async function wireWeb(env: Record<string, string | undefined> = process.env): Promise<Handler> {
  const config = await resolveAppConfig({ env, readSecret: containerSecretReader() });
  const client = lambdaDynamoClient();
  const runtime = createRuntimeConfig({ client, tableName: config.tableName });
  const handlers = new Map<string, Handler>();
  return async (event) => {
    const webBaseUrl = env.WEB_BASE_URL?.trim() || baseUrlFromEvent(event) || '';
    let h = handlers.get(webBaseUrl);
    if (!h) {
      if (!webBaseUrl) throw new Error('WEB_BASE_URL is unset and the request names no host');
      if (handlers.size >= 4) handlers.clear();
      h = makeWebHandler({
        store: createStore({ client, tableName: config.tableName }),
        web: createWebStore({ client, tableName: config.tableName }),
        mailer: createSesMailer({ client: createSesClient(), from: requireEnv('MAIL_FROM', env), configurationSet: env.SES_CONFIGURATION_SET?.trim() || undefined }),
        clock: systemClock,
        config: {
          actionSecrets: config.actionSecrets,
          bootstrapAdmins: (env.BOOTSTRAP_ADMINS ?? '').split(',').map((e) => e.trim().toLowerCase()).filter(Boolean),
          countyName: env.COUNTY_NAME,
          webBaseUrl,
          apiBaseUrl: config.publicBaseUrl ?? (await runtime.getPublicBaseUrl()) ?? undefined,
        },
      });
      handlers.set(webBaseUrl, h);
    }
    return h(event);
  };
}

const wiring = oncePerContainer('web', () => wireWeb());

export const handler: Handler = async (event) => (await wiring())(event);
