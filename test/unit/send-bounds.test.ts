// The dispatcher's send bounds (rate-limit.ts: the send rate, createPlaces: sends in flight) and its batched sent marks (deliver.ts).
import { describe, expect, it } from 'vitest';
import { batchedSentMarks } from '../../functions/usecases/deliver.js';
import { createPlaces, createRateLimiter, SLACK_MS } from '../../functions/usecases/rate-limit.js';
import type { DeliveryRecord, SentMark } from '../../functions/ports.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

/**
 * A simulated clock whose timers fire late, as on a loaded machine: `sleep(ms)` advances the clock by
 * ms plus a lateness drawn from `late` (seeded), and every started send is stamped on it.
 */
function lateClock(late: () => number) {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms + late();
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

/** The most starts in any window of `windowMs` (half-open, as SES counts a second). */
function mostInWindow(starts: number[], windowMs = 1000): number {
  let most = 0;
  for (let i = 0, j = 0; i < starts.length; i++) {
    while (starts[i] - starts[j] >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

function seeded(seed: number) {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('createRateLimiter', () => {
  async function run(rate: number, n: number, late: () => number, stallEvery = 0) {
    const clock = lateClock(late);
    const limiter = createRateLimiter(rate, clock);
    const starts: number[] = [];
    for (let i = 0; i < n; i++) {
      await limiter.acquire();
      starts.push(clock.now());
      // Now and then the sender itself stalls (a slow send holding every place).
      if (stallEvery && i % stallEvery === stallEvery - 1) clock.advance(300);
    }
    return starts;
  }

  it('never starts more than the rate in any one-second window (nor in one SLACK_MS longer), with late timers and stalls', async () => {
    const random = seeded(7);
    for (const rate of [1, 14, 80, 250]) {
      const starts = await run(rate, rate * 10, () => Math.floor(random() * 4), 37);
      expect(mostInWindow(starts), `rate ${rate}`).toBeLessThanOrEqual(rate);
      // With room to spare for the sends' way to SES: also in any window SLACK_MS longer than a second.
      expect(mostInWindow(starts, 1000 + SLACK_MS), `rate ${rate}`).toBeLessThanOrEqual(rate);
    }
  });

  it('uses the whole rate although every timer fires late (the lateness costs one start, not every later one)', async () => {
    const random = seeded(11);
    const rate = 80;
    const starts = await run(rate, rate * 20, () => 1 + Math.floor(random() * 3));
    // 1,600 starts: the first 80 at once, then 80 a second — 19 seconds plus at most the lateness of the last waits.
    const seconds = (starts.at(-1)! - starts[0]) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(19);
    expect(rate * 19 / seconds).toBeGreaterThan(0.95 * rate);
    // Spacing each start 1000/rate after the one before would lose 1–3 ms on each of them: 0.8–0.93 of the rate.
    expect(mostInWindow(starts)).toBe(rate);
  });

  it('a rate below one a second spaces the starts 1000/rate ms apart; none or a bad rate is no limit', async () => {
    const starts = await run(0.5, 5, () => 1);
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(2000);
    for (const rate of [0, -3, Number.NaN, Number.POSITIVE_INFINITY]) {
      const unlimited = await run(rate, 50, () => 1000);
      expect(unlimited.at(-1)).toBe(0);
    }
  });
});

describe('createPlaces', () => {
  it('never runs more than n tasks at once, passes every answer through, and frees a place on a failure', async () => {
    let inFlight = 0;
    let most = 0;
    const places = createPlaces(3);
    const task = (i: number) => async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await tick();
      inFlight--;
      if (i === 4) throw new Error('refused');
      return i * 10;
    };
    const out = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => places.run(task(i))));
    expect(most).toBe(3);
    expect(out.filter((o) => o.status === 'rejected')).toHaveLength(1);
    expect(out.map((o, i) => (o.status === 'fulfilled' ? o.value : -i))).toEqual(Array.from({ length: 20 }, (_, i) => (i === 4 ? -4 : i * 10)));
  });
});

describe('batchedSentMarks', () => {
  const mark = (i: number): SentMark => ({ claimed: { notificationKey: 'k', recipient: `r${i}`, status: 'sending', attempts: 1, updatedAt: 0 } as DeliveryRecord, messageId: `m${i}`, now: i });

  it('writes the first mark at once and every mark that arrives meanwhile with the next write, at most max per write', async () => {
    const writes: string[][] = [];
    let release: () => void = () => undefined;
    const store = {
      async markDeliveriesSent(ms: readonly SentMark[]) {
        writes.push(ms.map((x) => x.messageId));
        await new Promise<void>((r) => (release = r));
      },
    };
    const marks = batchedSentMarks(store, 2);
    const done: number[] = [];
    const ps = [0, 1, 2, 3, 4].map((i) => marks.mark(mark(i)).then(() => done.push(i)));
    await tick();
    expect(writes).toEqual([['m0']]);
    release();
    await tick();
    expect(done).toEqual([0]);
    expect(writes).toEqual([['m0'], ['m1', 'm2']]);
    release();
    await tick();
    release();
    await Promise.all(ps);
    expect(writes).toEqual([['m0'], ['m1', 'm2'], ['m3', 'm4']]);
    expect(done).toEqual([0, 1, 2, 3, 4]);
  });

  it('rejects every mark of a batch that could not be written, and goes on with the next', async () => {
    let n = 0;
    const store = {
      async markDeliveriesSent() {
        if (n++ === 0) throw new Error('throttled');
        await tick();
      },
    };
    const marks = batchedSentMarks(store);
    const first = marks.mark(mark(0));
    const second = marks.mark(mark(1));
    await expect(first).rejects.toThrow('throttled');
    await expect(second).resolves.toBeUndefined();
  });
});
