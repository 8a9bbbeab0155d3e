// Worker thread doing the HTTP request of a synchronous UrlFetchApp.fetch: the main thread blocks
// in Atomics.wait on the shared buffer until this thread writes the answer and notifies.
// Layout of the buffer: Int32 [0] state (0 waiting, 1 done, 2 error), Int32 [1] byte length, then bytes.
import http from 'node:http';
import { parentPort } from 'node:worker_threads';

parentPort.on('message', ({ sab, url, method, headers, body }) => {
  const ctl = new Int32Array(sab, 0, 2);
  const data = new Uint8Array(sab, 8);
  const finish = (state, obj) => {
    const bytes = Buffer.from(JSON.stringify(obj), 'utf8');
    if (bytes.length > data.length) {
      const err = Buffer.from(JSON.stringify({ error: `response too large for the fake (${bytes.length} bytes)` }));
      data.set(err);
      Atomics.store(ctl, 1, err.length);
      Atomics.store(ctl, 0, 2);
    } else {
      data.set(bytes);
      Atomics.store(ctl, 1, bytes.length);
      Atomics.store(ctl, 0, state);
    }
    Atomics.notify(ctl, 0);
  };
  const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
  const req = http.request(url, { method, headers: { ...headers, ...(payload ? { 'content-length': String(payload.length) } : {}) } }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => finish(1, { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    res.on('error', (e) => finish(2, { error: String(e) }));
  });
  req.setTimeout(60_000, () => req.destroy(new Error('timeout')));
  req.on('error', (e) => finish(2, { error: String(e && e.message ? e.message : e) }));
  req.end(payload);
});
