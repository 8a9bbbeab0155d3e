// The send-rate limit of the dispatcher (SPEC §7.6: bounded concurrency under SES's per-second
// quota). Sends start at least 1000/rate ms apart on real time, chained on the instant each send was
// actually let through, so no window of one second ever holds more than `rate` starts, whatever the
// timers' jitter. A mailer wrapped with it keeps the Mailer port. And `createPlaces`: the bound on
// sends in flight.
import type { Mailer } from '../ports.js';

export interface RateLimiter {
  /** Resolves when the next send may start. */
  acquire(): Promise<void>;
}

export interface RateLimiterOptions {
  /** Real time (epoch ms or a monotonic ms counter). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** At most `perSecond` starts in any one-second window; `perSecond` ≤ 0 or not finite: no limit. */
export function createRateLimiter(perSecond: number, opts: RateLimiterOptions = {}): RateLimiter {
  if (!(perSecond > 0) || !Number.isFinite(perSecond)) return { acquire: async () => undefined };
  const now = opts.now ?? (() => performance.now());
  const sleep = opts.sleep ?? defaultSleep;
  const interval = 1000 / perSecond;
  let last = Number.NEGATIVE_INFINITY;
  let chain: Promise<void> = Promise.resolve();
  return {
    acquire() {
      const turn = chain.then(async () => {
        for (;;) {
          const wait = last + interval - now();
          if (wait <= 0) break;
          await sleep(Math.ceil(wait));
        }
        last = now();
      });
      chain = turn;
      return turn;
    },
  };
}

/** The mailer, its sends started under `limiter`. */
export function rateLimitedMailer(mailer: Mailer, limiter: RateLimiter): Mailer {
  return {
    async send(msg) {
      await limiter.acquire();
      return mailer.send(msg);
    },
  };
}

/** At most `n` tasks at once (the dispatcher's sends, each until its `sent` mark lands). */
export interface Places {
  run<T>(fn: () => Promise<T>): Promise<T>;
}

export function createPlaces(n: number): Places {
  let free = Math.max(1, Math.floor(n));
  const waiting: (() => void)[] = [];
  return {
    async run(fn) {
      if (free > 0) free--;
      else await new Promise<void>((r) => waiting.push(r));
      try {
        return await fn();
      } finally {
        // The place passes straight to the next waiting task, or is freed.
        const next = waiting.shift();
        if (next) next();
        else free++;
      }
    },
  };
}
