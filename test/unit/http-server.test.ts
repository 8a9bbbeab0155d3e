import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpServer, type LocalHttpServer } from '../../local/http-server.js';
import { PortInUseError } from '../../local/services.js';

const servers: LocalHttpServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** A handler that records the events it gets and echoes a chosen answer. */
function recorder(answer: (e: APIGatewayProxyEventV2) => unknown = () => ({ statusCode: 200, body: '{"ok":true}' })) {
  const events: APIGatewayProxyEventV2[] = [];
  const handler = async (e: APIGatewayProxyEventV2) => {
    events.push(e);
    return answer(e) as never;
  };
  return { events, handler };
}

describe('local Function URL server', () => {
  it('turns a request into a payload-2.0 event with lower-cased headers, query and body', async () => {
    const { events, handler } = recorder();
    const s = await startHttpServer(handler, { port: 0, now: () => 1_654_477_200_000 });
    servers.push(s);
    const res = await fetch(`${s.url}/v1/sync?a=1&b=x%20y&a=2`, {
      method: 'POST',
      headers: { Authorization: 'Bearer abc', 'Content-Type': 'application/json', 'X-Custom': 'V' },
      body: JSON.stringify({ 名称: '测试' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    const e = events[0];
    expect(e.version).toBe('2.0');
    expect(e.rawPath).toBe('/v1/sync');
    expect(e.rawQueryString).toBe('a=1&b=x%20y&a=2');
    expect(e.queryStringParameters).toEqual({ a: '1,2', b: 'x y' });
    expect(e.headers.authorization).toBe('Bearer abc');
    expect(e.headers['x-custom']).toBe('V');
    expect(e.requestContext.http.method).toBe('POST');
    expect(e.requestContext.http.path).toBe('/v1/sync');
    expect(e.requestContext.timeEpoch).toBe(1_654_477_200_000);
    expect(e.isBase64Encoded).toBe(false);
    expect(JSON.parse(e.body!)).toEqual({ 名称: '测试' });
  });

  it('base64-encodes binary bodies and passes form posts as text', async () => {
    const { events, handler } = recorder();
    const s = await startHttpServer(handler, { port: 0 });
    servers.push(s);
    await fetch(`${s.url}/bin`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([0, 255, 1]) });
    await fetch(`${s.url}/a/tok`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'reason=%E4%B8%8D%E6%98%AF' });
    expect(events[0].isBase64Encoded).toBe(true);
    expect(Buffer.from(events[0].body!, 'base64')).toEqual(Buffer.from([0, 255, 1]));
    expect(events[1].isBase64Encoded).toBe(false);
    expect(events[1].body).toBe('reason=%E4%B8%8D%E6%98%AF');
    expect(events[1].body).not.toBeUndefined();
  });

  it('writes status, headers, cookies and base64 bodies of the result back', async () => {
    const { handler } = recorder((e) =>
      e.rawPath === '/html'
        ? { statusCode: 410, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: '<p>链接已使用</p>', cookies: ['a=1'] }
        : { statusCode: 200, headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from([1, 2, 3]).toString('base64'), isBase64Encoded: true },
    );
    const s = await startHttpServer(handler, { port: 0 });
    servers.push(s);
    const html = await fetch(`${s.url}/html`);
    expect(html.status).toBe(410);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('set-cookie')).toBe('a=1');
    expect(await html.text()).toBe('<p>链接已使用</p>');
    const bin = await fetch(`${s.url}/bin`);
    expect(Buffer.from(await bin.arrayBuffer())).toEqual(Buffer.from([1, 2, 3]));
  });

  it('refuses a request above the size cap with 413 and never calls the handler', async () => {
    const { events, handler } = recorder();
    const s = await startHttpServer(handler, { port: 0, maxRequestBytes: 1024 });
    servers.push(s);
    const res = await fetch(`${s.url}/v1/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toBe('payload_too_large');
    expect(events).toHaveLength(0);
  });

  it('answers 500 with a Chinese message when the handler throws', async () => {
    const errors: unknown[] = [];
    const s = await startHttpServer(
      async () => {
        throw new Error('boom');
      },
      { port: 0, onError: (err) => errors.push(err) },
    );
    servers.push(s);
    const res = await fetch(`${s.url}/x`);
    expect(res.status).toBe(500);
    expect(((await res.json()) as { message: string }).message).toMatch(/服务器内部错误/);
    expect((errors[0] as Error).message).toBe('boom');
  });

  it('names the --port flag when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const { handler } = recorder();
      const err = await startHttpServer(handler, { port }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PortInUseError);
      expect((err as Error).message).toContain(`端口 ${port} 已被占用`);
      expect((err as Error).message).toContain('--port');
    } finally {
      blocker.close();
    }
  });
});
