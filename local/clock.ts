// The stack's clock. The demo runs on its own time (a June 2022 week) while the machine's clock is
// years later, so every handler reads time from one `SimClock`: it starts at a chosen instant and
// then runs forward in real time; the demo may also set it or jump it ahead (to Friday 17:00, say).
// It satisfies the functions' `Clock { now(): number }` port.
import { parseInstant, shanghaiDateTime } from '../domain/time/time.js';
import { DEMO_START } from './defaults.js';

export interface SimClock {
  /** Simulated epoch milliseconds. */
  now(): number;
  /** Jump to an instant (epoch ms, Date or a text accepted by `parseInstant`); runs on from there. */
  set(instant: number | Date | string): void;
  /** Move forward (or back, with a negative value) by `ms`. */
  advance(ms: number): void;
  /** The current simulated instant as `YYYY-MM-DDTHH:mm:ss+08:00`. */
  iso(): string;
}

export { DEMO_START };

function toMs(instant: number | Date | string): number {
  if (typeof instant === 'string') return parseInstant(instant);
  const ms = instant instanceof Date ? instant.getTime() : instant;
  if (!Number.isFinite(ms)) throw new RangeError(`时钟时刻无效：${String(instant)}`);
  return ms;
}

/**
 * A clock that reads `start` now and advances with real time. `realNow` is injectable so tests
 * can drive real time too; by default it is `Date.now`.
 */
export function createSimClock(start: number | Date | string = DEMO_START, realNow: () => number = Date.now): SimClock {
  let offset = toMs(start) - realNow();
  const clock: SimClock = {
    now: () => realNow() + offset,
    set(instant) {
      offset = toMs(instant) - realNow();
    },
    advance(ms) {
      if (!Number.isFinite(ms)) throw new RangeError(`时钟推进量无效：${String(ms)}`);
      offset += ms;
    },
    iso: () => shanghaiDateTime(clock.now()),
  };
  return clock;
}
