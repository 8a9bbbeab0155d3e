// The deadline sweep (every 15 minutes; locally on the simulated clock): reminders, 逾期 with a copy to
// the command office, escalation up the 上级单位 chain (domain/issues/sweep.ts), then common-problem
// batches (domain/issues/batches.ts) reported once to the command office. After its due work, the
// enterprise index's one-time backfill (enterprise-index.ts: once per container, a failure logged,
// retried by the next run, never stopping the sweep).
//
// What it reads: only issues the byDeadline index says are due at or before now (each item carries
// the instant the sweep next needs it), page by page — never a scan of all issues. Each swept issue is
// written with a conditional write on its revision (conditional-update.ts), with the notifications in the same item; a
// concurrent sweep (or action) that wrote first makes us re-read and re-sweep, and the domain sweep
// never repeats a key already recorded in the record's events, so every notification is produced
// once however many sweeps run at the same instant. A lease keeps a second scheduled run from doing
// the same work at all; correctness does not depend on it.
//
// Batches: a batch notification travels in the outbox of the batch's first member issue (the
// dispatcher de-duplicates by key `batch#<id>`), then a BATCH record marks it reported.
//
// Each issue (and each batch) is one item on its own (isolation.ts): up to `concurrency` issues of a
// page at once; one that throws (an unreadable record, an item too large to rewrite) is recorded,
// retried with backoff and set aside after its retries, and never stops the others: every other due
// issue is reminded, marked 逾期 and escalated in the same run.
import { randomUUID } from 'node:crypto';
import { createCalendar } from '../../domain/time/calendar.js';
import { batchNotification, findCommonProblems, BATCH_WINDOW_DAYS } from '../../domain/issues/batches.js';
import { findUnit } from '../../domain/issues/lifecycle.js';
import { sweepIssue, sweepSchedule, type SweepContext } from '../../domain/issues/sweep.js';
import { addDays, shanghaiDate } from '../../domain/time/time.js';
import type { Profile } from '../../domain/rows/types.js';
import { errorInfo, type Clock, type FailureStore, type Log, type OpsMetrics, type Store, type StoredIssue } from '../ports.js';
import { conditionalUpdate } from './conditional-update.js';
import { memoryFailures, openIsolation, pool, type JobIsolation } from './isolation.js';
import { batchDecision, openDecision, sweepDecisions } from './decisions.js';
import { ensureEnterpriseIndex } from './enterprise-index.js';

export interface SweepConfig {
  /** Issues per index page (default 100). */
  pageSize?: number;
  /** Lease duration (default 10 min); `0` runs without a lease. */
  leaseMs?: number;
  /** Look for common-problem batches (default true). */
  batches?: boolean;
  /** Issues of a page swept at once (default 4). */
  concurrency?: number;
}

export interface SweepDeps {
  store: Store;
  clock: Clock;
  log: Log;
  config?: SweepConfig;
  /** Failing issues and batches (default: kept in memory for the process). */
  failures?: FailureStore;
  /** JobItemFailures (EMF in Lambda). */
  ops?: OpsMetrics;
  /** Real time for the run's lease (default the job clock; the local stack passes the system clock). */
  leaseClock?: Clock;
}

export interface SweepSummary {
  /** Issues read from the index and swept. */
  swept: number;
  /** Issues written (state, schedule or outbox changed). */
  written: number;
  /** Notifications added to outboxes (reminders, overdue, escalations, batches). */
  notifications: number;
  /** Batches reported this run. */
  batches: number;
  /** Index pages read. */
  pages: number;
  /** true when another sweep held the lease: nothing was done. */
  skipped: boolean;
  /** Issues or batches that failed this run (recorded; retried later or set aside). Present only when some did. */
  failed?: number;
  /** Issues not swept: waiting for their backoff or set aside. Present only when some were. */
  held?: number;
}

const MAX_ATTEMPTS = 5;

/** One sweep run at the clock's now: `runSweep(deps)()`. */
export function runSweep(deps: SweepDeps): () => Promise<SweepSummary> {
  const { store, clock, log } = deps;
  const pageSize = deps.config?.pageSize ?? 100;
  const leaseMs = deps.config?.leaseMs ?? 10 * 60_000;
  const withBatches = deps.config?.batches !== false;
  const concurrency = Math.max(1, Math.floor(deps.config?.concurrency ?? 4));
  const failures = deps.failures ?? memoryFailures();
  const issueOps = (id: string) => ({ read: () => store.getIssue(id), write: (next: StoredIssue, rev: number | null) => store.putIssue(next, rev) });

  /** Sweep one issue at `now` (a concurrent writer makes it read and sweep again). */
  async function sweepOne(first: StoredIssue, now: number, ctx: SweepContext, summary: SweepSummary): Promise<void> {
    const out = await conditionalUpdate<StoredIssue, { notifications: number } | null>({
      ...issueOps(first.record.id),
      current: first,
      attempts: MAX_ATTEMPTS,
      decide(cur) {
        if (!cur) return { done: null };
        const res = sweepIssue(cur.record, now, ctx);
        const sweep = sweepSchedule(res.record, res.nextAt);
        const unchanged = res.record === cur.record && res.notifications.length === 0;
        if (unchanged && cur.sweep?.mark === sweep.mark && cur.sweep.at === sweep.at) return { done: null };
        const pending = { ...cur.pending, ...Object.fromEntries(res.notifications.map((n) => [n.key, n])) };
        return { write: { ...cur, record: res.record, updatedBy: 'sweep', pending, sweep }, result: { notifications: res.notifications.length } };
      },
    });
    if (out.ok && out.result) {
      summary.written++;
      summary.notifications += out.result.notifications;
    }
    if (!out.ok && out.current) log.warn('sweep contended; the next run retries', { issueId: first.record.id });
  }

  const countFailure = (summary: SweepSummary) => {
    summary.failed = (summary.failed ?? 0) + 1;
  };

  async function reportBatches(profile: Profile, now: number, summary: SweepSummary, isolation: JobIsolation): Promise<void> {
    const today = shanghaiDate(now);
    // Issues numbered in the last two windows: a batch needs members reported within 14 days.
    const recent = await store.listRecentIssues(addDays(today, -(2 * BATCH_WINDOW_DAYS - 1)));
    // An unreadable member record is left out here (the issue itself is isolated when swept).
    const records = recent.map((i) => i.record).filter((r) => r && typeof r.id === 'string' && r.issue && Array.isArray(r.assignments));
    let batches: ReturnType<typeof findCommonProblems>;
    try {
      batches = findCommonProblems(records, now);
    } catch (err) {
      // A record this version cannot group: the batches wait, the issues' own deadlines were swept.
      log.error('common problems not found; retried next run', { error: errorInfo(err) });
      countFailure(summary);
      return;
    }
    for (const batch of batches) {
      const out = await isolation.run(`batch#${batch.id}`, `共性问题 ${batch.category}`, () => reportBatch(batch, profile, now, summary));
      if (out.status === 'failed') countFailure(summary);
    }
  }

  async function reportBatch(batch: ReturnType<typeof findCommonProblems>[number], profile: Profile, now: number, summary: SweepSummary): Promise<void> {
    if (await store.getBatch(batch.id)) return;
    const n = batchNotification(batch, profile);
    if (!n) {
      log.warn('batch without command office address', { batchId: batch.id });
      return;
    }
    n.data.unitNames = batch.units.map((u) => findUnit(profile, u)?.name ?? u);
    const via = batch.issueIds[0];
    const queued = await conditionalUpdate<StoredIssue, boolean>({
      ...issueOps(via),
      attempts: MAX_ATTEMPTS,
      decide: (cur) => (!cur ? { done: false } : cur.pending[n.key] ? { done: true } : { write: { ...cur, pending: { ...cur.pending, [n.key]: n } }, result: true }),
    });
    if (!queued.ok || !queued.result) return;
    // Recorded after the notification is queued: a crash in between re-queues the same key next run.
    const rec = { id: batch.id, category: batch.category, issueIds: batch.issueIds, via, reportedAt: now };
    // The batch waits in the command office's queue for its answer (usecases/decisions.ts).
    if (!(await store.getDecision(batch.id))) await openDecision(store, batchDecision(rec, profile, now));
    if (await store.putBatch(rec)) {
      summary.batches++;
      summary.notifications++;
    }
  }

  /** The enterprise index's backfill, once (its marker): a failure is logged, the next run retries. */
  const indexEnterprises = () =>
    ensureEnterpriseIndex({ store, clock, log }).catch((err: unknown) => log.error('enterprise index backfill failed; the next sweep retries', { error: errorInfo(err) }));

  return async () => {
    const summary: SweepSummary = { swept: 0, written: 0, notifications: 0, batches: 0, pages: 0, skipped: false };
    const now = clock.now();
    const owner = randomUUID();
    if (leaseMs > 0 && !(await store.acquireLease('sweep', owner, (deps.leaseClock ?? clock).now(), leaseMs))) {
      log.info('sweep skipped: another run holds the lease');
      return { ...summary, skipped: true };
    }
    try {
      const stored = await store.getProfile();
      if (!stored) return summary;
      const profile = stored.profile;
      const ctx: SweepContext = { profile, calendar: createCalendar(profile.calendarOverrides) };
      const isolation = await openIsolation({ failures, clock, log, metrics: deps.ops }, 'sweep');
      let cursor: string | undefined;
      do {
        const page = await store.listIssuesDuePage(now, cursor, pageSize);
        summary.pages++;
        await pool(page.issues, concurrency, async (issue) => {
          const id = String(issue.record?.id ?? issue.sourceKey ?? '?');
          const out = await isolation.run(id, id, () => sweepOne(issue, now, ctx, summary));
          if (out.status === 'ok') summary.swept++;
          else if (out.status === 'failed') countFailure(summary);
          else summary.held = (summary.held ?? 0) + 1;
        });
        cursor = page.cursor;
      } while (cursor);
      if (withBatches) await reportBatches(profile, now, summary, isolation);
      const decisions = await sweepDecisions({ store, clock, log, getProfile: async () => profile });
      if (decisions.reminded + decisions.flagged + decisions.applied > 0) log.info('sweep decisions', decisions);
      log.info('sweep', { ...summary });
      return summary;
    } finally {
      // Whatever the due work did (it needs no profile, and never throws).
      await indexEnterprises();
      if (leaseMs > 0) await store.releaseLease('sweep', owner);
    }
  };
}
