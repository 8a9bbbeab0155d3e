// Per-item isolation of the background jobs (SPEC §7.5): dispatch, sweep, digest and bounce handle
// each item on its own. An item that throws is recorded (a JobFailure: attempts, last error, next
// attempt), counted (metric JobItemFailures), retried with backoff (JOB_RETRY_DELAYS_MS on the job's
// clock) and, after MAX_JOB_ATTEMPTS failures, SET ASIDE: no more automatic retries, the alarm on
// ItemsSetAside, a line on the dashboard and `sibao redrive` (usecases/redrive.ts). Every other item
// of the run goes on: a failure is caught where the item is handled and never leaves it.
//
// A job opens its isolation once per run (one Query of its failure items, a handful at most) and
// asks, per item, whether it is ready, waiting for its backoff, or set aside. Success after a failure
// deletes the record. Deliveries keep their own retry state in the delivery record (deliver.ts) and
// record a JobFailure only when they are set aside, so the one list of set-aside items is complete.
import { errorInfo, noMetrics, type Clock, type FailureStore, type JobFailure, type JobName, type Log, type OpsMetrics } from '../ports.js';
import { conditionalUpdate } from './conditional-update.js';

/** Delay before the next attempt after the n-th failure (1-based). */
export const JOB_RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000];
/** The failure that sets an item aside (after JOB_RETRY_DELAYS_MS.length retries). */
export const MAX_JOB_ATTEMPTS = JOB_RETRY_DELAYS_MS.length + 1;
/** No backoff is longer than this: a nextAttemptAt further ahead means the job clock went back. */
export const RETRY_HORIZON_MS = 24 * 3_600_000;

export interface IsolationDeps {
  failures: FailureStore;
  clock: Clock;
  log: Log;
  metrics?: OpsMetrics;
}

export type ItemState = 'ready' | 'waiting' | 'set_aside';

export type ItemOutcome<T> =
  | { status: 'ok'; value: T }
  /** It threw: recorded, retried later or (setAside) not any more. */
  | { status: 'failed'; setAside: boolean; error: string }
  /** Not attempted: waiting for its backoff, or set aside. */
  | { status: 'skipped'; state: Exclude<ItemState, 'ready'> };

export interface JobIsolation {
  readonly job: JobName;
  /** The item's state as recorded when the run began. */
  state(key: string): ItemState;
  /** Run one item in isolation: a throw is recorded and answered as `failed`, never rethrown. */
  run<T>(key: string, subject: string, fn: () => Promise<T>, payload?: unknown): Promise<ItemOutcome<T>>;
  /** Record a failure found without running anything (an unreadable item). */
  fail(key: string, subject: string, error: unknown, payload?: unknown): Promise<{ setAside: boolean }>;
}

/** `Name/code: message` of an error, short, for a failure record. */
export function errorText(err: unknown): string {
  const e = errorInfo(err);
  return `${e.name}${e.code ? `/${e.code}` : ''}: ${e.message}`.slice(0, 500);
}

export function itemState(f: Pick<JobFailure, 'setAsideAt' | 'nextAttemptAt'> | undefined, now: number): ItemState {
  if (!f) return 'ready';
  if (f.setAsideAt !== undefined) return 'set_aside';
  if (f.nextAttemptAt !== undefined && f.nextAttemptAt > now && f.nextAttemptAt <= now + RETRY_HORIZON_MS) return 'waiting';
  return 'ready';
}

/**
 * Record one failure of an item: attempts + 1, the next attempt after the backoff, or set aside
 * (at MAX_JOB_ATTEMPTS, or at once with `setAside`). Returns the record written, or null when the
 * failure could not be recorded (logged: the store itself is failing; the job goes on).
 */
export async function recordFailure(
  deps: IsolationDeps,
  job: JobName,
  key: string,
  f: { subject: string; error: string; payload?: unknown; setAside?: boolean; attempts?: number },
): Promise<JobFailure | null> {
  const now = deps.clock.now();
  try {
    const out = await conditionalUpdate<JobFailure, JobFailure>({
      read: () => deps.failures.getFailure(job, key),
      write: (next, rev) => deps.failures.putFailure(next, rev),
      attempts: 4,
      decide(cur) {
        const attempts = f.attempts ?? (cur?.attempts ?? 0) + 1;
        const aside = f.setAside === true || attempts >= MAX_JOB_ATTEMPTS;
        const next: Omit<JobFailure, 'revision'> = {
          job,
          key,
          subject: f.subject,
          attempts,
          firstAt: cur?.firstAt ?? now,
          lastAt: now,
          lastError: f.error,
          ...(aside ? { setAsideAt: cur?.setAsideAt ?? now } : { nextAttemptAt: now + JOB_RETRY_DELAYS_MS[Math.min(attempts, JOB_RETRY_DELAYS_MS.length) - 1] }),
          ...(f.payload !== undefined ? { payload: f.payload } : cur?.payload !== undefined ? { payload: cur.payload } : {}),
        };
        return { write: next, result: { ...next, revision: (cur?.revision ?? 0) + 1 } };
      },
    });
    if (!out.ok) throw new Error('failure record kept changing');
    const rec = out.result;
    (deps.metrics ?? noMetrics).put('JobItemFailures', 1);
    if (rec.setAsideAt !== undefined) {
      deps.log.error('item set aside', { job, key, subject: rec.subject, attempts: rec.attempts, error: f.error });
    } else {
      deps.log.warn('item failed; retried later', { job, key, subject: rec.subject, attempts: rec.attempts, nextAttemptAt: rec.nextAttemptAt, error: f.error });
    }
    return rec;
  } catch (err) {
    (deps.metrics ?? noMetrics).put('JobItemFailures', 1);
    deps.log.error('item failed and its failure could not be recorded', { job, key, error: f.error, recordError: errorInfo(err) });
    return null;
  }
}

/** Forget an item's failure (it succeeded, or it is re-driven). Logged, never thrown. */
export async function clearFailure(deps: Pick<IsolationDeps, 'failures' | 'log'>, job: JobName, key: string): Promise<void> {
  try {
    await deps.failures.deleteFailure(job, key);
  } catch (err) {
    deps.log.warn('failure record not cleared', { job, key, error: errorInfo(err) });
  }
}

/** The job's isolation for one run (reads its failure records once). */
export async function openIsolation(deps: IsolationDeps, job: JobName): Promise<JobIsolation> {
  let known = new Map<string, JobFailure>();
  try {
    known = new Map((await deps.failures.listFailures(job)).map((f) => [f.key, f]));
  } catch (err) {
    // Without the list every item is tried: isolation still holds, only the backoff is not honoured.
    deps.log.warn('failure records not read; every item is tried', { job, error: errorInfo(err) });
  }
  const fail = async (key: string, subject: string, error: unknown, payload?: unknown) => {
    const rec = await recordFailure(deps, job, key, { subject, error: errorText(error), payload });
    if (rec) known.set(key, rec);
    return { setAside: rec?.setAsideAt !== undefined };
  };
  return {
    job,
    state: (key) => itemState(known.get(key), deps.clock.now()),
    fail,
    async run(key, subject, fn, payload) {
      const state = itemState(known.get(key), deps.clock.now());
      if (state !== 'ready') return { status: 'skipped', state };
      try {
        const value = await fn();
        if (known.has(key)) {
          known.delete(key);
          await clearFailure(deps, job, key);
        }
        return { status: 'ok', value };
      } catch (err) {
        const error = errorText(err);
        const { setAside } = await fail(key, subject, err, payload);
        return { status: 'failed', setAside, error };
      }
    },
  };
}

/** Publish how many items are set aside now (the ItemsSetAside gauge the alarm watches). */
export async function publishSetAside(deps: Pick<IsolationDeps, 'failures' | 'log' | 'metrics'>): Promise<number | null> {
  try {
    const n = (await deps.failures.listFailures()).filter((f) => f.setAsideAt !== undefined).length;
    (deps.metrics ?? noMetrics).put('ItemsSetAside', n);
    return n;
  } catch (err) {
    deps.log.warn('set-aside count not published', { error: errorInfo(err) });
    return null;
  }
}

/**
 * The steps of one job run, each on its own: `step` runs one and, when it throws, logs it and answers
 * undefined so the next step still runs; `finish` then throws the first error (the Errors alarm, the
 * scheduler's retry), or does nothing when every step went through.
 */
export function jobSteps(log: Log, job: JobName): { step<T>(name: string, fn: () => Promise<T>): Promise<T | undefined>; finish(): void } {
  let first: unknown;
  let failed = false;
  return {
    async step(name, fn) {
      try {
        return await fn();
      } catch (err) {
        log.error('job step failed; the others go on', { job, step: name, error: errorInfo(err) });
        if (!failed) first = err;
        failed = true;
        return undefined;
      }
    },
    finish() {
      if (failed) throw first;
    },
  };
}

/** Run `fn` over `items` with at most `n` in flight (each call isolated by the caller). */
export async function pool<T>(items: readonly T[], n: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
}

/**
 * A FailureStore kept in memory: the default of a job given none (tests, one-off CLI runs). Items
 * are still isolated and retried within the process; nothing survives it.
 */
export function memoryFailures(): FailureStore {
  const items = new Map<string, JobFailure>();
  const id = (job: JobName, key: string) => `${job}#${key}`;
  return {
    getFailure: async (job, key) => structuredClone(items.get(id(job, key)) ?? null),
    async putFailure(rec, expected) {
      const cur = items.get(id(rec.job, rec.key));
      if (expected === null ? cur !== undefined : cur?.revision !== expected) return false;
      items.set(id(rec.job, rec.key), structuredClone(rec));
      return true;
    },
    deleteFailure: async (job, key) => void items.delete(id(job, key)),
    // No delivery records live here: nothing set aside to revive.
    reviveDelivery: async () => false,
    listFailures: async (job) => [...items.values()].filter((f) => !job || f.job === job).map((f) => structuredClone(f)),
  };
}
