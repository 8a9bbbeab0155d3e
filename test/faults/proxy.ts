// A small HTTP proxy on 127.0.0.1 for the fault tests: it sits in front of a real local service (the
// SES emulator, dynalite) and, per request, either forwards it or answers a fault itself without
// forwarding (throttling, 5xx) — so what the service received is exactly what was forwarded.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
export { seededRandom as seeded } from '../../local/seeded-random.js';

export interface ProxiedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type Fault = { status: number; headers?: Record<string, string>; body: string };

export interface FaultProxy {
  url: string;
  /** Requests forwarded to the service (with the status it answered). */
  forwarded: { req: ProxiedRequest; status: number }[];
  /** Requests answered with a fault. */
  faulted: ProxiedRequest[];
  /** Replace the decision (null: forward). */
  setFault(decide: ((req: ProxiedRequest) => Fault | null) | null): void;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string, decide: ((req: ProxiedRequest) => Fault | null) | null = null): Promise<FaultProxy> {
  const to = new URL(target);
  const forwarded: FaultProxy['forwarded'] = [];
  const faulted: ProxiedRequest[] = [];
  let current = decide;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const p: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) };
      const fault = current?.(p) ?? null;
      if (fault) {
        faulted.push(p);
        res.writeHead(fault.status, { 'content-type': 'text/xml', ...fault.headers, 'content-length': Buffer.byteLength(fault.body) });
        res.end(fault.body);
        return;
      }
      const up = request(
        { host: to.hostname, port: to.port, method: p.method, path: p.path, headers: { ...req.headers, host: to.host } },
        (r) => {
          const out: Buffer[] = [];
          r.on('data', (c: Buffer) => out.push(c));
          r.on('end', () => {
            forwarded.push({ req: p, status: r.statusCode ?? 0 });
            res.writeHead(r.statusCode ?? 502, r.headers);
            res.end(Buffer.concat(out));
          });
        },
      );
      up.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      up.end(p.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    faulted,
    setFault: (d) => {
      current = d;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** What SES answers when the sending rate is exceeded (Query API XML, HTTP 400). */
export const SES_THROTTLING: Fault = {
  status: 400,
  body: '<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Maximum sending rate exceeded.</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>',
};

/** A server error of SES (HTTP 503). */
export const SES_UNAVAILABLE: Fault = {
  status: 503,
  body: '<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>Service unavailable.</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>',
};

/** What DynamoDB answers when a request is throttled (JSON 1.0, HTTP 400). */
export const DYNAMO_THROTTLING: Fault = {
  status: 400,
  headers: { 'content-type': 'application/x-amz-json-1.0' },
  body: JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' }),
};

/** The SES action of a request (Query API form body), e.g. SendEmail. */
export function sesAction(req: ProxiedRequest): string | null {
  return new URLSearchParams(req.body.toString('utf8')).get('Action');
}

