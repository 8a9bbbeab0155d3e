// The embedded stack: the same handlers the cloud runs, wired to local services on one machine.
//   lock (disk only) -> dynalite + SES emulator -> ensureTable -> store -> dev issuer -> identity
//   -> API handler behind the local Function URL server -> dispatcher on a short interval.
// `stop()` stops the interval, waits for the dispatch in flight, then closes the HTTP server, the
// SES emulator and dynalite (LevelDB flushes on close), and releases the lock.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { makeApiHandler } from '../functions/handlers/api.js';
import { dispatchLimits, type ApiConfig, type DispatchConfig } from '../functions/adapters/config.js';
import { loadOrCreateDevIssuer } from '../functions/adapters/dev-issuer.js';
import { createDigestStore } from '../functions/adapters/digest-store.js';
import { createFailureStore } from '../functions/adapters/failure-store.js';
import { memoryOpsMetrics } from '../functions/adapters/metrics.js';
import { createPolicyStore } from '../functions/adapters/policy-store.js';
import { makeDispatchHandler } from '../functions/handlers/dispatch.js';
import { makeWebHandler } from '../functions/handlers/web.js';
import { createWebStore } from '../functions/adapters/web-store.js';
import { WEB_PATHS } from '../functions/http/web-routes.js';
import { makeSweepHandler } from '../functions/handlers/sweep.js';
import { isPagesPath, makePagesHandler } from '../functions/handlers/pages.js';
import type { SweepRunSummary as SweepSummary } from '../functions/handlers/sweep.js';
import { runDailyReport, type DailyReportResult } from '../functions/usecases/daily-report.js';
import { createStore, ensureTable } from '../functions/adapters/dynamodb-store.js';
import { createIdentityVerifier } from '../functions/adapters/identity.js';
import { logger } from '../functions/adapters/logger.js';
import { systemClock, type FailureStore, type OpsMetrics, type Store } from '../functions/ports.js';
import { createSesMailer } from '../functions/adapters/ses-mailer.js';
import { persistClock, type SimClock } from './clock.js';
import { secureDataDir, writeStackInfo } from './data-dir.js';
import { startHttpServer, type ApiHandler } from './http-server.js';
import { acquireDataDirLock, type DataDirLock } from './lock.js';
import { localDynamoClient, localSesClient, startServices, type LocalServices } from './services.js';

export { DEFAULT_API_PORT, DEFAULT_SES_PORT } from './defaults.js';
export const TABLE_NAME = 'sibao';
export const MAIL_FROM = 'noreply@tongxu.example';
/** County IT's identity while the store has no members (the API's bootstrap admin). */
export const BOOTSTRAP_ADMIN = 'county-it@tongxu.example';
const ACTION_SECRET_FILE = 'action-secret';

export interface StackOptions {
  dataDir: string;
  /** dynalite in memory instead of `<dataDir>/dynamodb` (the dev issuer key still lives in dataDir). */
  memory: boolean;
  /** API port (0 = any free port). */
  port: number;
  /** SES emulator + mail viewer port (0 = any free port). */
  sesPort: number;
  clock: SimClock;
  /** Least time `POST /login` takes to answer, ms (default 1500; tests use less). */
  loginAnswerMs?: number;
  /** How often the dispatcher runs; 0 = never on its own (call `dispatchNow`). Default 1000 ms. */
  dispatchIntervalMs?: number;
  /**
   * How often the sweep (reminders, overdue, escalation, batches) runs, in real milliseconds; 0 =
   * never on its own (call `sweepNow`). Default 60 s: the sweep reads only what is due, so running it
   * more often than AWS's 15 minutes costs little and keeps the demo lively.
   */
  sweepIntervalMs?: number;
  tableName?: string;
  /** Emails allowed to sync the configuration tabs while the store has no members (county IT). */
  bootstrapAdmins?: string[];
  /** Where dispatcher errors go (default stderr). */
  log?: (line: string) => void;
  /** County name shown on the dashboard page (GET /v1/dashboard). */
  countyName?: string;
  /** Dispatcher limits (default: DISPATCH_CONCURRENCY / SES_MAX_SEND_RATE from the environment, else 4 and none). */
  dispatch?: { concurrency?: number; maxSendRate?: number; leaseMs?: number };
  /** An SES-compatible endpoint to send through instead of the embedded emulator (SIBAO_SES_ENDPOINT; fault tests). */
  sesEndpoint?: string;
}

export interface DispatchTotals {
  runs: number;
  sent: number;
  failed: number;
  skipped: number;
}

export interface Stack {
  apiUrl: string;
  mailViewerUrl: string;
  sesEndpoint: string;
  dynamoEndpoint: string;
  dataDir: string;
  tableName: string;
  memory: boolean;
  clock: SimClock;
  store: Store;
  dynamo: DynamoDBClient;
  issuer: Awaited<ReturnType<typeof loadOrCreateDevIssuer>>;
  /** Bearer token of a member (from the local dev issuer). */
  tokenFor(email: string): Promise<string>;
  /** Run the dispatcher once now (serialised with the interval's runs). */
  dispatchNow(): Promise<{ sent: number; failed: number; skipped: number }>;
  /** Dispatch until a run sends and fails nothing (the outbox is empty or only waits for retries). */
  drainOutbox(maxRuns?: number): Promise<DispatchTotals>;
  /** Totals of every dispatch run of this process. */
  readonly dispatched: DispatchTotals;
  /** Run the sweep once now at the stack's clock (serialised with the interval's runs). */
  sweepNow(): Promise<SweepSummary>;
  /** The emergency's daily report (日报) at the stack's clock, as the 17:00 schedule runs it in AWS. */
  dailyReportNow(): Promise<DailyReportResult>;
  /** Failing items of the background jobs and the items set aside (`sibao redrive`). */
  failures: FailureStore;
  /** What the functions would publish as metrics in AWS (totals and last values). */
  metrics: OpsMetrics & { readonly totals: Record<string, number>; readonly last: Record<string, number> };
  stop(): Promise<void>;
}

/** The secret that signs one-click action links: kept in the data dir so links survive restarts. */
export function loadOrCreateActionSecret(dataDir: string): string {
  const path = join(dataDir, ACTION_SECRET_FILE);
  if (existsSync(path)) {
    const secret = readFileSync(path, 'utf8').trim();
    if (secret.length >= 32) return secret;
  }
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return secret;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const dataDir = resolve(opts.dataDir);
  secureDataDir(dataDir);
  const tableName = opts.tableName ?? TABLE_NAME;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // The functions log one JSON line per request and dispatch run, as in Lambda. On a terminal that
  // buries the report: warnings and errors only, unless a log level is set in the environment.
  if (!process.env.POWERTOOLS_LOG_LEVEL && !process.env.AWS_LAMBDA_LOG_LEVEL && !process.env.LOG_LEVEL) logger.setLogLevel('WARN');
  const cleanups: (() => unknown)[] = [];
  const undo = async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  };

  try {
    // dynalite on disk allows one process per directory; in memory nothing is shared but the key.
    let lock: DataDirLock | undefined;
    if (!opts.memory) {
      lock = acquireDataDirLock(dataDir);
      cleanups.push(() => lock!.release());
    }
    const services: LocalServices = await startServices({ dataDir, memory: opts.memory, sesPort: opts.sesPort, sesEndpoint: opts.sesEndpoint });
    cleanups.push(() => services.stop());

    const dynamo = localDynamoClient(services.dynamoEndpoint);
    cleanups.push(() => dynamo.destroy());
    await ensureTable(dynamo, tableName);
    const store = createStore({ client: dynamo, tableName });
    const ses = localSesClient(services.sesEndpoint);
    cleanups.push(() => ses.destroy());
    const mailer = createSesMailer({ client: ses, from: MAIL_FROM });

    const issuer = await loadOrCreateDevIssuer(dataDir);
    const identity = createIdentityVerifier({ issuers: [{ iss: issuer.iss, jwks: issuer.jwks }], audience: issuer.aud });
    const actionSecret = loadOrCreateActionSecret(dataDir);

    // The public base URL (mail links) is only known once the server listens: wire the handler after.
    let api: ApiHandler | undefined;
    const http = await startHttpServer(
      (event) => (api ? api(event) : Promise.resolve({ statusCode: 503, body: JSON.stringify({ error: 'starting', message: '服务正在启动，请稍后重试' }) })), { port: opts.port, now: () => opts.clock.now() });
    cleanups.push(() => http.close());
    const publicBaseUrl = http.url;
    const shared = { tableName, publicBaseUrl, actionSecrets: [actionSecret], actionTokenTtlDays: 14 };
    const apiConfig: ApiConfig = { ...shared, audience: issuer.aud, bootstrapAdmins: opts.bootstrapAdmins ?? [BOOTSTRAP_ADMIN] };
    const dispatchConfig: DispatchConfig = { ...shared, mailFrom: MAIL_FROM, ...dispatchLimits(process.env), ...(opts.dispatch ?? {}) };
    const digests = createDigestStore({ client: dynamo, tableName });
    const failures = createFailureStore({ client: dynamo, tableName });
    const metrics = memoryOpsMetrics();
    // The web front end (sign-in by mail, /my, uploads) on the same server, as its own function in AWS.
    const webHandler = makeWebHandler({
      store,
      web: createWebStore({ client: dynamo, tableName }),
      mailer,
      clock: opts.clock,
      config: {
        actionSecrets: [actionSecret],
        bootstrapAdmins: apiConfig.bootstrapAdmins,
        countyName: opts.countyName,
        webBaseUrl: publicBaseUrl,
        profileTtlMs: 1_000,
        loginAnswerMs: opts.loginAnswerMs,
      },
    }) as ApiHandler;
    const policies = createPolicyStore({ client: dynamo, tableName });
    const apiHandler = makeApiHandler({ store, clock: opts.clock, identity, config: { ...apiConfig, countyName: opts.countyName }, digests, metrics, failures, policies }) as ApiHandler;
    // The `pages` function (public pages, the enterprise's page) has its own Function URL on AWS;
    // locally the one server routes its prefixes to it.
    const pages = makePagesHandler({ store, policies, clock: opts.clock, config: { actionSecrets: [actionSecret], countyName: opts.countyName } }) as ApiHandler;
    // One server locally; three Function URLs on AWS (api, web, pages).
    api = (event) => {
      const path = event.rawPath ?? '';
      if (WEB_PATHS.test(path)) return webHandler(event);
      if (isPagesPath(path)) return pages(event);
      return apiHandler(event);
    };
    // The jobs run on the simulated clock; their claims and leases on real time. This process holds
    // the data directory's lock, so a claim of an earlier process (an older generation) is orphaned.
    const generation = Date.now();
    const dispatch = makeDispatchHandler({
      store,
      mailer,
      clock: opts.clock,
      leaseClock: systemClock,
      generation,
      config: dispatchConfig,
      failures,
      ops: metrics,
      suppressed: (emails) => digests.suppressedAmong(emails),
      policies,
    });

    const dispatched: DispatchTotals = { runs: 0, sent: 0, failed: 0, skipped: 0 };
    let inFlight: Promise<{ sent: number; failed: number; skipped: number }> | null = null;
    const dispatchNow = async () => {
      while (inFlight) await inFlight.catch(() => undefined);
      inFlight = (async () => {
        const r = await dispatch();
        dispatched.runs++;
        dispatched.sent += r.sent;
        dispatched.failed += r.failed;
        dispatched.skipped += r.skipped;
        return r;
      })();
      try {
        return await inFlight;
      } finally {
        inFlight = null;
      }
    };
    let lastError = '';
    const interval = opts.dispatchIntervalMs ?? 1_000;
    const timer =
      interval > 0
        ? setInterval(() => {
            if (inFlight) return;
            dispatchNow().catch((err: unknown) => {
              const text = (err as Error)?.message ?? String(err);
              if (text !== lastError) log(`邮件发送任务出错：${text}`);
              lastError = text;
            });
          }, interval)
        : undefined;
    timer?.unref();
    cleanups.push(async () => {
      if (timer) clearInterval(timer);
      if (inFlight) await inFlight.catch(() => undefined);
    });

    // The sweep, as EventBridge Scheduler runs it in AWS (every 15 min), on the stack's clock.
    const sweep = makeSweepHandler({ store, clock: opts.clock, leaseClock: systemClock, failures, ops: metrics, digests, policies, mailer });
    let sweeping: Promise<SweepSummary> | null = null;
    const sweepNow = async (): Promise<SweepSummary> => {
      while (sweeping) await sweeping.catch(() => undefined);
      sweeping = sweep();
      try {
        return await sweeping;
      } finally {
        sweeping = null;
      }
    };
    const sweepInterval = opts.sweepIntervalMs ?? 60_000;
    const sweepTimer =
      sweepInterval > 0
        ? setInterval(() => {
            if (sweeping) return;
            sweepNow().catch((err: unknown) => log(`巡查任务（提醒、逾期、升级）出错：${(err as Error)?.message ?? String(err)}`));
          }, sweepInterval)
        : undefined;
    sweepTimer?.unref();
    cleanups.push(async () => {
      if (sweepTimer) clearInterval(sweepTimer);
      if (sweeping) await (sweeping as Promise<SweepSummary>).catch(() => undefined);
    });

    // The clock of an on-disk data directory survives the process (`sibao start` resumes it).
    if (!opts.memory) cleanups.push(persistClock(opts.clock, dataDir));

    const removeInfo = writeStackInfo(dataDir, {
      pid: process.pid,
      api: http.url,
      mail: services.mailViewerUrl,
      memory: opts.memory,
      startedAt: new Date().toISOString(),
      dynamo: services.dynamoEndpoint,
      ses: services.sesEndpoint,
      table: tableName,
    });
    cleanups.push(removeInfo);

    let stopping: Promise<void> | null = null;
    return {
      apiUrl: http.url,
      mailViewerUrl: services.mailViewerUrl,
      sesEndpoint: services.sesEndpoint,
      dynamoEndpoint: services.dynamoEndpoint,
      dataDir,
      tableName,
      memory: opts.memory,
      clock: opts.clock,
      store,
      dynamo,
      issuer,
      tokenFor: (email) => issuer.issue(email, 3600),
      dispatchNow,
      async drainOutbox(maxRuns = 50) {
        const totals: DispatchTotals = { runs: 0, sent: 0, failed: 0, skipped: 0 };
        for (let i = 0; i < maxRuns; i++) {
          const r = await dispatchNow();
          totals.runs++;
          totals.sent += r.sent;
          totals.failed += r.failed;
          totals.skipped += r.skipped;
          if (r.sent === 0 && r.failed === 0) break;
        }
        return totals;
      },
      dispatched,
      sweepNow,
      dailyReportNow: runDailyReport({
        store,
        digests,
        mailer,
        clock: opts.clock,
        leaseClock: systemClock,
        log: { info: () => undefined, warn: (m) => log(`日报：${m}`), error: (m) => log(`日报出错：${m}`) },
        config: { countyName: opts.countyName ?? '本县' },
        failures,
        ops: metrics,
      }),
      failures,
      metrics,
      stop() {
        stopping ??= undo();
        return stopping;
      },
    };
  } catch (err) {
    await undo();
    throw err;
  }
}
