// The local stand-in for a Lambda Function URL: a node:http server on 127.0.0.1 that turns each
// request into an APIGatewayProxyEventV2 (payload format 2.0, as Function URLs send it), calls the
// same handler the cloud runs and writes the structured result back.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { LOCAL_HOST, closeServer, listen } from './services.js';
import { LOCAL_CLOCK_PATH, localClockBody } from './stack-clock.js';

export type ApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;

/** Lambda's synchronous invocation payload limit: a Function URL refuses bigger requests. */
export const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

export interface HttpServerOptions {
  port: number;
  /** Request body cap in bytes (default 6 MB, as on Lambda). */
  maxRequestBytes?: number;
  /** Clock for requestContext.timeEpoch (the handler reads its own clock for decisions). */
  now?: () => number;
  /** Called with unexpected handler errors (default: stderr). */
  onError?: (err: unknown, event: APIGatewayProxyEventV2) => void;
}

export interface LocalHttpServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

class PayloadTooLargeError extends Error {}

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript)|[^;]*\+(json|xml))/i;

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      reject(new PayloadTooLargeError());
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > max) {
        tooLarge = true;
        reject(new PayloadTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!tooLarge) resolveBody(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** Build the Function URL event of a request (exported for tests and other adapters). */
export function toEvent(req: IncomingMessage, body: Buffer, now: number): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', `http://${LOCAL_HOST}`);
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    const value = req.rawHeaders[i + 1];
    if (name === 'cookie') {
      cookies.push(...value.split(';').map((c) => c.trim()).filter(Boolean));
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const rawQueryString = url.search.startsWith('?') ? url.search.slice(1) : '';
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const method = (req.method ?? 'GET').toUpperCase();
  const contentType = headers['content-type'] ?? '';
  const isText = body.length === 0 || contentType === '' || TEXT_TYPES.test(contentType);
  const sourceIp = req.socket.remoteAddress ?? LOCAL_HOST;
  const time = new Date(now);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: headers.host ?? LOCAL_HOST,
      domainPrefix: (headers.host ?? LOCAL_HOST).split('.')[0],
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: time.toISOString(),
      timeEpoch: now,
    },
    ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'x-content-type-options': 'nosniff' });
  res.end(text);
}

/** Request headers larger than Node accepts (16 KB by default): the answer, in Chinese, before the socket closes. */
// The local server's own answers (before the handler) keep its `{error, message}` shape.
const HEADERS_TOO_LARGE = JSON.stringify({ error: 'headers_too_large', message: '请求头过大（超过 16 KB），服务器未处理该请求；请检查 Cookie 或 Authorization 等请求头是否异常' });

/** A raw HTTP answer on a socket the parser gave up on (Node's clientError), with `connection: close`. */
function rawAnswer(status: number, reason: string, body: string): string {
  return (
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\nx-content-type-options: nosniff\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );
}

/** Write a handler result back as Function URLs do (a bare string or object means 200 JSON). */
export function writeResult(res: ServerResponse, result: APIGatewayProxyResultV2, head: boolean): void {
  const structured: APIGatewayProxyStructuredResultV2 =
    typeof result === 'object' && result !== null && 'statusCode' in result
      ? (result as APIGatewayProxyStructuredResultV2)
      : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: typeof result === 'string' ? result : JSON.stringify(result) };
  const body = structured.body === undefined ? Buffer.alloc(0) : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
  const headers: Record<string, string | number | string[]> = {};
  for (const [k, v] of Object.entries(structured.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  if (headers['content-type'] === undefined && body.length) headers['content-type'] = 'application/json';
  headers['content-length'] = body.length;
  headers['x-content-type-options'] ??= 'nosniff';
  res.writeHead(structured.statusCode ?? 200, headers);
  res.end(head ? undefined : body);
}

export async function startHttpServer(handler: ApiHandler, opts: HttpServerOptions): Promise<LocalHttpServer> {
  const max = opts.maxRequestBytes ?? MAX_REQUEST_BYTES;
  const now = opts.now ?? Date.now;
  const onError =
    opts.onError ??
    ((err: unknown, event: APIGatewayProxyEventV2) => {
      process.stderr.write(`API 处理 ${event.requestContext.http.method} ${event.rawPath} 时出错：${(err as Error)?.stack ?? String(err)}\n`);
    });
  const server = createServer(async (req, res) => {
    let body: Buffer;
    try {
      body = await readBody(req, max);
    } catch (err) {
      if (err instanceof PayloadTooLargeError) {
        res.setHeader('connection', 'close');
        sendJson(res, 413, { error: 'payload_too_large', message: `请求体超过 ${Math.floor(max / 1024 / 1024)} MB 上限，请分批提交（每批不超过 500 行）` });
      } else {
        sendJson(res, 400, { error: 'bad_request', message: '请求读取失败' });
      }
      return;
    }
    // Local only: the stack's (simulated) clock for CLI commands (local/stack-clock.ts).
    if (opts.now && req.method === 'GET' && req.url === LOCAL_CLOCK_PATH) {
      sendJson(res, 200, localClockBody(now()));
      return;
    }
    const event = toEvent(req, body, now());
    try {
      const result = await handler(event);
      writeResult(res, result, event.requestContext.http.method === 'HEAD');
    } catch (err) {
      onError(err, event);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal', message: '服务器内部错误，请查看 sibao start 的终端输出' });
      else res.end();
    }
  });
  // Longer than a client keeps an idle connection (undici: 4 s), so the client, not the server, ends
  // it: a server closing an idle socket while the client reuses it answers ECONNRESET, which happened
  // whenever this process's event loop was blocked (in-process tests on a loaded machine).
  server.keepAliveTimeout = 65_000;
  // Malformed requests never reach the handler: answer them in Chinese instead of Node's bare 400/431.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || (err as { code?: string }).code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const body = tooLarge ? HEADERS_TOO_LARGE : JSON.stringify({ error: 'bad_request', message: '请求格式不正确，服务器无法解析' });
    socket.end(rawAnswer(tooLarge ? 431 : 400, tooLarge ? 'Request Header Fields Too Large' : 'Bad Request', body));
  });
  const port = await listen(server, opts.port, ' API 服务', '--port');
  return {
    url: `http://${LOCAL_HOST}:${port}`,
    port,
    server,
    close: () => closeServer(server),
  };
}
