// The embedded services: dynalite (DynamoDB-compatible, LevelDB on disk or in memory) and
// aws-ses-v2-local (SES emulator with a mail viewer), both in this process on 127.0.0.1.
// A port already taken is a clear Chinese error naming the flag that changes it.
import { chmodSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import dynalite from 'dynalite';
import sesLocal from 'aws-ses-v2-local';

export const LOCAL_HOST = '127.0.0.1';
export const LOCAL_REGION = 'us-east-1';
/** Dummy credentials: the local services check only that a signature is present. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export class PortInUseError extends Error {
  readonly code = 'port_in_use';
  constructor(
    readonly port: number,
    readonly what: string,
    readonly flag: string,
  ) {
    super(`端口 ${port} 已被占用，无法启动${what}。请停止占用该端口的程序，或用 ${flag} 指定其他端口（如 ${flag} ${port + 1}）。`);
    this.name = 'PortInUseError';
  }
}

export interface ServicesOptions {
  /** Data directory; dynalite keeps its LevelDB under `<dataDir>/dynamodb` unless `memory`. */
  dataDir: string;
  memory: boolean;
  /** SES emulator + mail viewer port (0 = any free port). */
  sesPort: number;
  /** dynalite port; internal, any free port by default. */
  dynamoPort?: number;
  /** Send through this SES-compatible endpoint instead of starting the emulator (its viewer is `<endpoint>/`). */
  sesEndpoint?: string;
}

export interface LocalServices {
  dynamoEndpoint: string;
  sesEndpoint: string;
  /** The mail viewer page. */
  mailViewerUrl: string;
  /** Where dynalite keeps its data, or null in memory. */
  dynamoPath: string | null;
  stop(): Promise<void>;
}

/** Listen on 127.0.0.1:port; EADDRINUSE becomes PortInUseError. */
export function listen(server: Server, port: number, what: string, flag: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(err.code === 'EADDRINUSE' || err.code === 'EACCES' ? new PortInUseError(port, what, flag) : err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolvePort((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, LOCAL_HOST);
  });
}

/** Close an http.Server, dropping idle keep-alive sockets so it does not linger. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((done, fail) => {
    if (!server.listening) return done();
    server.close((err) => (err ? fail(err) : done()));
    server.closeIdleConnections();
    // Anything still open after a grace period is cut.
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
  });
}

interface RunningDynalite {
  port: number;
  close(): Promise<void>;
}

async function startDynalite(path: string | null, port: number): Promise<RunningDynalite> {
  const db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(path ? { path } : {}) });
  return { port: await listen(db, port, '本地数据库（dynalite）', '--dynamo-port'), close: () => closeServer(db) };
}

async function startSes(port: number): Promise<Server> {
  const start = ((sesLocal as unknown as { default?: typeof sesLocal }).default ?? sesLocal) as typeof sesLocal;
  const server = await start({ host: LOCAL_HOST, port });
  // The emulator resolves even when listen failed (Express 5 hands the error to the callback).
  if (!server.listening) {
    server.close(() => {});
    throw new PortInUseError(port, '邮件模拟服务（SES）与邮件查看页', '--ses-port');
  }
  return server;
}

export async function startServices(opts: ServicesOptions): Promise<LocalServices> {
  let dynamoPath: string | null = null;
  if (!opts.memory) {
    dynamoPath = join(resolve(opts.dataDir), 'dynamodb');
    mkdirSync(dynamoPath, { recursive: true, mode: 0o700 });
    chmodSync(dynamoPath, 0o700); // LevelDB's files are created with the umask: the directory keeps them private
  }
  const db = await startDynalite(dynamoPath, opts.dynamoPort ?? 0);
  const dynamoPort = db.port;
  let ses: Server | null = null;
  const external = opts.sesEndpoint?.replace(/\/+$/, '');
  if (!external) {
    try {
      ses = await startSes(opts.sesPort);
    } catch (err) {
      await db.close();
      throw err;
    }
  }
  const sesEndpoint = external ?? `http://${LOCAL_HOST}:${(ses!.address() as AddressInfo).port}`;
  let stopped: Promise<void> | null = null;
  return {
    dynamoEndpoint: `http://${LOCAL_HOST}:${dynamoPort}`,
    sesEndpoint,
    mailViewerUrl: `${sesEndpoint}/`,
    dynamoPath,
    stop() {
      stopped ??= (async () => {
        if (ses) {
          ses.closeAllConnections();
          await closeServer(ses);
        }
        await db.close(); // dynalite's close also closes LevelDB once pending writes finish
      })();
      return stopped;
    },
  };
}

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 3,
    requestHandler: { requestTimeout: 30_000, connectionTimeout: 5_000 },
  });
}

export function localSesClient(endpoint: string): SESClient {
  return new SESClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 2,
    // The emulator never answers actions it does not know: do not hang on them.
    requestHandler: { requestTimeout: 10_000, connectionTimeout: 5_000 },
  });
}

/** What the SES emulator has received (`GET /store`). */
export interface EmulatedMail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

export async function fetchEmulatedMail(sesEndpoint: string): Promise<EmulatedMail[]> {
  const res = await fetch(`${sesEndpoint}/store`);
  if (!res.ok) throw new Error(`邮件模拟服务返回 ${res.status}`);
  const body = (await res.json()) as { emails: EmulatedMail[] };
  return body.emails;
}
