// The dispatcher's send bounds (rate-limit.ts createPlaces: sends in flight) and its batched sent marks (deliver.ts).
import { describe, expect, it } from 'vitest';
import { batchedSentMarks } from '../../functions/usecases/deliver.js';
import { createPlaces } from '../../functions/usecases/rate-limit.js';
import type { DeliveryRecord, SentMark } from '../../functions/ports.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

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
