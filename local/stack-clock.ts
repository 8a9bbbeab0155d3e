// The running stack's clock, for CLI commands that talk to it. `sibao start` runs on a simulated
// clock (local/clock.ts; the demo week is June 2022), so a command that reads the running stack's
// store (`sibao digest`, `sibao export`) must use the stack's "now", not the machine's: its local
// HTTP server answers GET /_local/clock with `{"now": epochMs, "iso": "…+08:00"}`. Local only: the
// Lambda Function URL has no such route (it is answered by the local server before the API handler).
import { shanghaiDateTime } from '../domain/time/time.js';

export const LOCAL_CLOCK_PATH = '/_local/clock';

export interface LocalClockBody {
  now: number;
  iso: string;
}

export function localClockBody(now: number): LocalClockBody {
  return { now, iso: shanghaiDateTime(now) };
}

/**
 * A clock that follows the running stack at `api`: it reads the stack's now once and runs forward
 * with real time from there (as the stack's own clock does). Throws when the stack does not answer.
 */
export async function stackClock(api: string, timeoutMs = 5_000): Promise<{ now(): number; iso(): string }> {
  const res = await fetch(`${api.replace(/\/+$/, '')}${LOCAL_CLOCK_PATH}`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${LOCAL_CLOCK_PATH} 返回 ${res.status}`);
  const body = (await res.json()) as Partial<LocalClockBody>;
  if (typeof body.now !== 'number' || !Number.isFinite(body.now)) throw new Error(`${LOCAL_CLOCK_PATH} 的应答没有 now`);
  const offset = body.now - Date.now();
  const now = () => Date.now() + offset;
  return { now, iso: () => shanghaiDateTime(now()) };
}

/**
 * The clock a command uses: the running stack's when one runs on the data dir (`api` from its
 * stack.json), else the machine's. When the stack does not answer, says so on stderr and uses the
 * machine's clock.
 */
export async function commandClock(api: string | undefined): Promise<{ now(): number; stack: boolean }> {
  if (api) {
    try {
      const c = await stackClock(api);
      return { now: c.now, stack: true };
    } catch (err) {
      process.stderr.write(`注意：无法读取正在运行的本机服务（${api}）的时钟（${(err as Error).message}），改按本机时钟。\n`);
    }
  }
  return { now: Date.now, stack: false };
}
