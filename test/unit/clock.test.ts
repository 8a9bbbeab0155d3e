import { describe, expect, it } from 'vitest';
import { DEMO_START, createSimClock } from '../../local/clock.js';
import { parseInstant } from '../../domain/time/time.js';

/** A hand-driven stand-in for real time. */
function realTime(startMs = 1_900_000_000_000) {
  let t = startMs;
  return { now: () => t, tick: (ms: number) => (t += ms) };
}

describe('createSimClock', () => {
  it('starts at the given Shanghai time and runs forward with real time', () => {
    const real = realTime();
    const clock = createSimClock('2022-06-06T09:00', real.now);
    expect(clock.iso()).toBe('2022-06-06T09:00:00+08:00');
    real.tick(90_000);
    expect(clock.iso()).toBe('2022-06-06T09:01:30+08:00');
    expect(clock.now()).toBe(parseInstant('2022-06-06T09:01:30+08:00'));
  });

  it('defaults to the demo week: Monday 2022-06-06 09:00 Asia/Shanghai', () => {
    const real = realTime();
    const clock = createSimClock(undefined, real.now);
    expect(clock.now()).toBe(parseInstant(DEMO_START));
    expect(clock.iso()).toBe('2022-06-06T09:00:00+08:00');
  });

  it('can be set to an instant and keeps running from there', () => {
    const real = realTime();
    const clock = createSimClock('2022-06-06T09:00', real.now);
    clock.set('2022-06-10T17:00+08:00');
    expect(clock.iso()).toBe('2022-06-10T17:00:00+08:00');
    real.tick(1_000);
    expect(clock.iso()).toBe('2022-06-10T17:00:01+08:00');
    clock.set(new Date('2022-06-07T01:00:00Z'));
    expect(clock.iso()).toBe('2022-06-07T09:00:00+08:00');
  });

  it('advances by a duration on top of real time', () => {
    const real = realTime();
    const clock = createSimClock('2022-06-06T09:00', real.now);
    clock.advance(24 * 3_600_000);
    real.tick(500);
    expect(clock.iso()).toBe('2022-06-07T09:00:00.500+08:00');
  });

  it('accepts epoch milliseconds and a UTC offset', () => {
    const clock = createSimClock('2022-06-06T01:00Z', realTime().now);
    expect(clock.iso()).toBe('2022-06-06T09:00:00+08:00');
    const fromMs = createSimClock(clock.now(), realTime().now);
    expect(fromMs.now()).toBe(clock.now());
  });

  it('runs on the real Date.now by default', async () => {
    const clock = createSimClock('2022-06-06T09:00');
    const a = clock.now();
    await new Promise((r) => setTimeout(r, 20));
    const b = clock.now();
    expect(b - a).toBeGreaterThanOrEqual(15);
    expect(b - a).toBeLessThan(5_000);
  });

  it('rejects an impossible start or step with a clear error', () => {
    expect(() => createSimClock('2022-02-30T09:00')).toThrow(/不存在/);
    expect(() => createSimClock('next monday')).toThrow(/格式不正确/);
    expect(() => createSimClock(Number.NaN)).toThrow(RangeError);
    expect(() => createSimClock().advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
