// The stack's clock. The demo runs on its own time (a June 2022 week) while the machine's clock is
// years later, so every handler reads time from one `SimClock`: it starts at a chosen instant and
// then runs forward in real time; the demo may also set it or jump it ahead (to Friday 17:00, say).
// It satisfies the functions' `Clock { now(): number }` port.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

// ---- the clock of a data directory ---------------------------------------------------------------
// `sibao start` on an existing data directory resumes its clock where it stopped (SPEC §7.5, §7.8):
// the stack writes `<dataDir>/clock.json` every few seconds and when it stops, atomically (temp file +
// rename, mode 0600); a kill -9 loses at most the last interval. Never with --memory, not when --clock
// is given.

export const CLOCK_FILE = 'clock.json';

interface SavedClock {
  /** Simulated instant, epoch ms. */
  now: number;
  /** Real instant of the save (information only). */
  savedAt: string;
}

/** The simulated instant saved in `dataDir`, or null when there is none (or it is unreadable). */
export function readSavedClock(dataDir: string): number | null {
  try {
    const saved = JSON.parse(readFileSync(join(dataDir, CLOCK_FILE), 'utf8')) as Partial<SavedClock>;
    return typeof saved.now === 'number' && Number.isFinite(saved.now) ? saved.now : null;
  } catch {
    return null;
  }
}

/** Save the clock's instant now. */
export function saveClock(clock: Pick<SimClock, 'now'>, dataDir: string): void {
  const path = join(dataDir, CLOCK_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ now: clock.now(), savedAt: new Date().toISOString() } satisfies SavedClock)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/** Save the clock every `everyMs` (real time) until the returned stop(), which saves once more. */
export function persistClock(clock: Pick<SimClock, 'now'>, dataDir: string, everyMs = 2_000): () => void {
  const save = () => {
    try {
      saveClock(clock, dataDir);
    } catch {
      // A full disk or a removed directory must not stop the stack; the next save tries again.
    }
  };
  save();
  const timer = setInterval(save, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    save();
  };
}
