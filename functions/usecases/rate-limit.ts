// The send-rate limit of the dispatcher (SPEC §7.6: bounded concurrency under SES's per-second
// quota): no window of one second, on real time, ever holds more than `rate` send starts. A send
// starts when the `rate`-th start before it is a full second old (a sliding window over the last
// `rate` starts, each taken on the instant it was actually let through), so a late timer or a
// stalled send costs that one start its time, not every later start (sends spaced 1000/rate apart,
// each after the one before, lose the timers' lateness on every send: 0.88 of the rate under load).
// A rate below one a second spaces the starts 1000/rate ms apart. The window is taken SLACK_MS longer
// than a second: what SES counts is when each request reaches it, a few milliseconds after the
// limiter let it through (the SDK's signing, a busy event loop, the network), and those delays vary.
// A mailer wrapped with it keeps the Mailer port. And `createPlaces`: the bound on sends in flight.
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

/** How much longer than a second the window is (2.5 % of the rate): the spread of the sends' way to SES. */
export const SLACK_MS = 25;

/** At most `perSecond` starts in any one-second window; `perSecond` ≤ 0 or not finite: no limit. */
export function createRateLimiter(perSecond: number, opts: RateLimiterOptions = {}): RateLimiter {
  if (!(perSecond > 0) || !Number.isFinite(perSecond)) return { acquire: async () => undefined };
  const now = opts.now ?? (() => performance.now());
  const sleep = opts.sleep ?? defaultSleep;
  // `perWindow` starts in any `windowMs`: the rate's whole part a second, or one per 1000/rate ms.
  const perWindow = Math.max(1, Math.floor(perSecond));
  const windowMs = (perSecond >= 1 ? 1000 : 1000 / perSecond) + SLACK_MS;
  // The last `perWindow` starts, a ring: `starts[oldest]` is the one a new start must be a window after.
  const starts: number[] = [];
  let oldest = 0;
  let chain: Promise<void> = Promise.resolve();
  return {
    acquire() {
      const turn = chain.then(async () => {
        for (;;) {
          const wait = starts.length < perWindow ? 0 : starts[oldest] + windowMs - now();
          if (wait <= 0) break;
          await sleep(Math.ceil(wait));
        }
        const at = now();
        if (starts.length < perWindow) starts.push(at);
        else {
          starts[oldest] = at;
          oldest = (oldest + 1) % perWindow;
        }
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
