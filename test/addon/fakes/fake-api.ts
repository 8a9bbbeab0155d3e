// Starts fake-api-worker.mjs in a worker thread and talks to its control endpoints.
import { Worker } from 'node:worker_threads';

export interface FakeApi {
  url: string;
  control(c: { failNext?: number[]; allowClass?: string; maxBytes?: number; overdue?: string[]; clearLog?: boolean; reset?: boolean; manifestAnswer?: { status?: number; body: unknown; kind?: string; confirmed?: unknown }; pageCap?: number | null; legacyIssues?: boolean }): Promise<void>;
  requests(): Promise<{ method: string; path: string; bytes: number; rows: number; status: number; auth: string; kind?: string; body?: string; query?: string }[]>;
  stop(): Promise<void>;
}

export async function startFakeApi(opts: { token: string; allowClass?: string; maxBytes?: number }): Promise<FakeApi> {
  const worker = new Worker(new URL('./fake-api-worker.mjs', import.meta.url), { workerData: opts });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { port: number }) => resolve(m.port));
    worker.once('error', reject);
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    async control(c) {
      const r = await fetch(`${url}/__control`, { method: 'POST', body: JSON.stringify(c) });
      if (!r.ok) throw new Error(`control failed: ${r.status}`);
    },
    async requests() {
      const r = await fetch(`${url}/__log`);
      return ((await r.json()) as { requests: Awaited<ReturnType<FakeApi['requests']>> }).requests;
    },
    async stop() {
      await worker.terminate();
    },
  };
}
