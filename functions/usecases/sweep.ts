// The deadline sweep (every 15 minutes; locally on the simulated clock): reminders, 逾期 with a copy to
// the command office, escalation up the 上级单位 chain (domain/sweep.ts), then common-problem batches
// (domain/batches.ts) reported once to the command office.
//
// What it reads: only issues the byDeadline index says are due at or before now (each item carries
// the instant the sweep next needs it), page by page — never a scan of all issues. Each swept issue is
// written with a conditional write on its revision, with the notifications in the same item; a
// concurrent sweep (or action) that wrote first makes us re-read and re-sweep, and the domain sweep
// never repeats a key already recorded in the record's events, so every notification is produced
// once however many sweeps run at the same instant. A lease keeps a second scheduled run from doing
// the same work at all; correctness does not depend on it.
//
// Batches: a batch notification travels in the outbox of the batch's first member issue (the
// dispatcher de-duplicates by key `batch#<id>`), then a BATCH record marks it reported.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createCalendar } from '../../domain/time/calendar.js';
import { batchNotification, findCommonProblems, BATCH_WINDOW_DAYS } from '../../domain/issues/batches.js';
import { findUnit } from '../../domain/issues/lifecycle.js';
import { sweepIssue, type SweepContext } from '../../domain/issues/sweep.js';
import { addDays, shanghaiDate } from '../../domain/time/time.js';
import type { Profile } from '../../domain/rows/types.js';
import { requireEnv } from '../adapters/config.js';
import { createStore, sweepMark } from '../adapters/dynamodb-store.js';
import { logger } from '../adapters/logger.js';
import { systemClock, type Clock, type Store, type StoredIssue } from '../ports.js';

export interface SweepConfig {
  /** Issues per index page (default 100). */
  pageSize?: number;
  /** Lease duration (default 10 min); `0` runs without a lease. */
  leaseMs?: number;
  /** Look for common-problem batches (default true). */
  batches?: boolean;
}

export interface SweepDeps {
  store: Store;
  clock: Clock;
  config?: SweepConfig;
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
}

const MAX_ATTEMPTS = 5;

export function makeSweepHandler(deps: SweepDeps): () => Promise<SweepSummary> {
  const { store, clock } = deps;
  const pageSize = deps.config?.pageSize ?? 100;
  const leaseMs = deps.config?.leaseMs ?? 10 * 60_000;
  const withBatches = deps.config?.batches !== false;

  /** Sweep one issue at `now`; returns the notifications added (0 when unchanged). */
  async function sweepOne(first: StoredIssue, now: number, ctx: SweepContext, summary: SweepSummary): Promise<void> {
    let cur: StoredIssue | null = first;
    for (let attempt = 0; attempt < MAX_ATTEMPTS && cur; attempt++) {
      const res = sweepIssue(cur.record, now, ctx);
      const mark = sweepMark(res.record);
      const unchanged = res.record === cur.record && res.notifications.length === 0;
      if (unchanged && cur.sweep?.mark === mark && cur.sweep.at === res.nextAt) return;
      const next: StoredIssue = {
        ...cur,
        record: res.record,
        revision: cur.revision + 1,
        updatedBy: 'sweep',
        pending: { ...cur.pending, ...Object.fromEntries(res.notifications.map((n) => [n.key, n])) },
        sweep: { at: res.nextAt, mark },
      };
      if (await store.putIssue(next, cur.revision)) {
        summary.written++;
        summary.notifications += res.notifications.length;
        return;
      }
      cur = await store.getIssue(first.record.id);
    }
    if (cur) logger.warn('sweep contended; the next run retries', { issueId: first.record.id });
  }

  async function reportBatches(profile: Profile, now: number, summary: SweepSummary): Promise<void> {
    const today = shanghaiDate(now);
    // Issues numbered in the last two windows: a batch needs members reported within 14 days.
    const recent = await store.listRecentIssues(addDays(today, -(2 * BATCH_WINDOW_DAYS - 1)));
    for (const batch of findCommonProblems(recent.map((i) => i.record), now)) {
      if (await store.getBatch(batch.id)) continue;
      const n = batchNotification(batch, profile);
      if (!n) {
        logger.warn('batch without command office address', { batchId: batch.id });
        continue;
      }
      n.data.unitNames = batch.units.map((u) => findUnit(profile, u)?.name ?? u);
      const via = batch.issueIds[0];
      let queued = false;
      for (let attempt = 0; attempt < MAX_ATTEMPTS && !queued; attempt++) {
        const cur = await store.getIssue(via);
        if (!cur) break;
        if (cur.pending[n.key]) queued = true;
        else queued = await store.putIssue({ ...cur, pending: { ...cur.pending, [n.key]: n }, revision: cur.revision + 1 }, cur.revision);
      }
      if (!queued) continue;
      // Recorded after the notification is queued: a crash in between re-queues the same key next run.
      if (await store.putBatch({ id: batch.id, category: batch.category, issueIds: batch.issueIds, via, reportedAt: now })) {
        summary.batches++;
        summary.notifications++;
      }
    }
  }

  return async () => {
    const summary: SweepSummary = { swept: 0, written: 0, notifications: 0, batches: 0, pages: 0, skipped: false };
    const now = clock.now();
    const owner = randomUUID();
    if (leaseMs > 0 && !(await store.acquireLease('sweep', owner, now, leaseMs))) {
      logger.info('sweep skipped: another run holds the lease');
      return { ...summary, skipped: true };
    }
    try {
      const stored = await store.getProfile();
      if (!stored) return summary;
      const profile = stored.profile;
      const ctx: SweepContext = { profile, calendar: createCalendar(profile.calendarOverrides) };
      let cursor: string | undefined;
      do {
        const page = await store.listIssuesDuePage(now, cursor, pageSize);
        summary.pages++;
        for (const issue of page.issues) {
          summary.swept++;
          await sweepOne(issue, now, ctx, summary);
        }
        cursor = page.cursor;
      } while (cursor);
      if (withBatches) await reportBatches(profile, now, summary);
      logger.info('sweep', { ...summary });
      return summary;
    } finally {
      if (leaseMs > 0) await store.releaseLease('sweep', owner);
    }
  };
}

let wired: (() => Promise<SweepSummary>) | undefined;

/** Default wiring from the environment (AWS; EventBridge Scheduler every 15 minutes), created on the first call. */
export const handler = async (): Promise<SweepSummary> => {
  if (!wired) {
    const client = new DynamoDBClient({ requestHandler: { requestTimeout: 5_000, connectionTimeout: 2_000 } });
    wired = makeSweepHandler({ store: createStore({ client, tableName: requireEnv('TABLE_NAME') }), clock: systemClock });
  }
  return wired();
};
