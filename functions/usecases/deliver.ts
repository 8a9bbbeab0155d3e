// The one delivery path (SPEC §6: every mail a state change calls for is sent exactly once per
// recipient, even when a function is retried or dies midway). In terms of ports only.
//
// Per recipient of one message key: claim its delivery record with a conditional write (refused when
// the record is final — sent, or rejected for good —, set aside, held by another sender or waiting for
// its next attempt: then read to say which); never mail a malformed address or one that bounced
// permanently or complained (recorded rejected: `invalid_address`, `suppressed_address`); compose and
// send; mark it sent. A first send costs a put-if-absent claim, the SES call and its share of a batched
// mark when the caller batches marks (the dispatcher), no read. A send error is permanent (MailError: rejected,
// never retried) or transient (failed, retried after RETRY_DELAYS_MS by attempt: 1 min, 5 min,
// 30 min, 2 h, then every 6 h) until MAX_DELIVERY_ATTEMPTS: then the delivery is SET ASIDE (no more
// automatic attempts; a JobFailure record for the alarm, the dashboard and `sibao redrive`).
//
// The claim is a lease on REAL elapsed time (`leaseClock`, never the simulated clock of the local
// stack): a restart with an earlier clock never strands it; a sender generation newer than the
// claim's takes it over at once (the local stack, which holds its data directory's lock). The
// at-least-once window is the time between SES accepting a message and the `sent` mark landing: a
// crash inside it resends that recipient once. It holds at most one message per send in flight, so
// at most `concurrency` (dispatch.ts) duplicates per crash; see README "Faults" for the measured bound.
// Used by the outbox dispatcher (dispatch.ts) and the weekly digest (digest.ts).
import type { RenderedMail } from '../../domain/reports/mail-templates.js';
import { errorInfo, isValidEmail, MailError, type Clock, type FailureStore, type JobName, type Log, type Mailer, type OpsMetrics, type DeliveryRecord, type SentMark, type Store, type SuppressionCheck } from '../ports.js';
import { pool, RETRY_HORIZON_MS, recordFailure } from './isolation.js';
import type { Places } from './rate-limit.js';

/** Delay before the next attempt after the n-th failed attempt (1-based); the last one repeats. */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000];
export const retryDelay = (attempts: number) => RETRY_DELAYS_MS[Math.min(Math.max(attempts, 1), RETRY_DELAYS_MS.length) - 1];

/** The failed attempt that sets a delivery aside (about 21 hours after the first failure). */
export const MAX_DELIVERY_ATTEMPTS = 8;

/** How long a claim protects a recipient being sent to (real time; longer than a send can take). */
export const DEFAULT_LEASE_MS = 5 * 60_000;

/** Where a set-aside delivery is recorded (the job's JobFailure list). */
export interface SetAsideRecorder {
  failures: FailureStore;
  job: Extract<JobName, 'dispatch' | 'digest' | 'sweep'>;
  /** What people recognise in the list: 编号, week or day. */
  subject: string;
  metrics?: OpsMetrics;
  /** What a re-drive needs besides the key (the issue id of a notification). */
  payload?: unknown;
}

export interface DeliveryDeps {
  store: Pick<Store, 'getDelivery' | 'claimDelivery' | 'markDeliverySent' | 'markDeliveryFailed'>;
  mailer: Mailer;
  /** The job's clock: records, backoff (nextAttemptAt). */
  clock: Clock;
  /**
   * Real elapsed time for the claim's lease. Default: the job clock (they are one in Lambda); the local
   * stack, whose job clock is simulated, passes the system clock.
   */
  leaseClock?: Clock;
  /** Sender generation of the claims (ClaimOptions.generation; default 0). */
  generation?: number;
  /** Addresses never to mail (permanent bounces, complaints); without it nobody is suppressed. */
  suppressed?: SuppressionCheck;
  leaseMs?: number;
  log?: Log;
  /** Records set-aside deliveries; without it they are only marked in the delivery record. */
  setAside?: SetAsideRecorder;
  /** Recipients handled at once (claim, send, mark; default 1: one after another). */
  recipientConcurrency?: number;
  /** Sent marks written together with other senders' (batchedSentMarks); default one write per mark. */
  marks?: SentMarks;
  /** Bounds sends in flight, each with its mark (createPlaces; shared by a run's deliveries). Default: none. */
  places?: Places;
}

const unbounded: Places = { run: (fn) => fn() };

/** Where a sent mark goes when marks are batched. */
export interface SentMarks {
  /** Resolves once this mark is written; rejects when its batch could not be written. */
  mark(m: SentMark): Promise<void>;
}

/**
 * Sent marks written in batches (group commit): a mark waits only for the batch in flight, if any,
 * and then goes with every mark that arrived meanwhile (at most `max` per write, 25 = BatchWriteItem's
 * limit). The at-least-once window of a mail is its own write plus at most one write before it.
 */
export function batchedSentMarks(store: Pick<Store, 'markDeliveriesSent'>, max = 25): SentMarks {
  const queue: { m: SentMark; resolve: () => void; reject: (err: unknown) => void }[] = [];
  let flushing = false;
  const flush = async () => {
    flushing = true;
    while (queue.length > 0) {
      const batch = queue.splice(0, max);
      try {
        await store.markDeliveriesSent(batch.map((b) => b.m));
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    flushing = false;
  };
  return {
    mark(m) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ m, resolve, reject });
        if (!flushing) void flush();
      });
    },
  };
}

export interface DeliveryReport {
  /** Sent by this call. */
  sent: number;
  /** Failed for now; retried after the backoff. */
  failed: number;
  /** Refused for good: a malformed address, or the mailer's MailError. */
  rejected: number;
  /** Not mailed: the address bounced permanently or complained. */
  suppressed: number;
  /** Already final before this call, held by another sender, or waiting for their next attempt. */
  skipped: number;
  /** Every recipient is final now (sent, rejected or suppressed). */
  complete: boolean;
  /** Recipients set aside (now or before); present only when there are some. */
  setAside?: number;
  /** Present (true) when every recipient not final is set aside: nothing will happen without a re-drive. */
  allAside?: true;
}

/** A delivery nothing more happens to: sent, or refused for good. */
export const isFinal = (status: string | undefined) => status === 'sent' || status === 'rejected';

/** The JobFailure key of one delivery. */
export const deliveryFailureKey = (key: string, recipient: string) => `${key}|${recipient}`;

/** Send one message (`key`) to each recipient, once. `compose` makes the message for one recipient. */
export async function deliver(
  deps: DeliveryDeps,
  key: string,
  recipients: readonly string[],
  compose: (recipient: string) => RenderedMail | Promise<RenderedMail>,
): Promise<DeliveryReport> {
  const { store, mailer, clock } = deps;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const leaseClock = deps.leaseClock ?? clock;
  const report: DeliveryReport = { sent: 0, failed: 0, rejected: 0, suppressed: 0, skipped: 0, complete: true };
  let aside = 0;
  /** Recipients that will be tried again without a re-drive (failed, held, waiting). */
  let live = 0;
  const unique = [...new Set(recipients)];
  const blocked = unique.length > 0 && deps.suppressed ? await deps.suppressed(unique) : new Set<string>();
  /** Held by another sender or waiting for its next attempt: final only if that sender finished meanwhile. */
  const held: string[] = [];
  const one = async (to: string): Promise<void> => {
    // Claim first (one conditional write; nothing to read on the common path of a first send); a
    // refused claim is read to say why: final, set aside, held by another sender or not yet due.
    const now = clock.now();
    const claim = await store.claimDelivery(key, to, now, leaseMs, {
      leaseNow: leaseClock.now(),
      generation: deps.generation ?? 0,
      retryHorizon: now + RETRY_HORIZON_MS,
    });
    if (!claim) {
      const status = (await store.getDelivery(key, to))?.status;
      if (status === 'set_aside') aside++;
      else {
        report.skipped++;
        if (!isFinal(status)) held.push(to);
      }
      return;
    }
    if (!isValidEmail(to)) {
      // Never reaches the mailer (an address from an older profile that passed no validation).
      await store.markDeliveryFailed(key, to, { error: 'invalid_address', permanent: true }, clock.now());
      deps.log?.warn('recipient rejected', { key, reason: 'invalid_address' });
      report.rejected++;
      return;
    }
    if (blocked.has(to.toLowerCase())) {
      await store.markDeliveryFailed(key, to, { error: 'suppressed_address', permanent: true }, clock.now());
      deps.log?.warn('recipient suppressed', { key, reason: 'suppressed_address' });
      report.suppressed++;
      return;
    }
    try {
      const mail = await compose(to);
      // A send holds its place until its mark has landed: answered but unmarked mails (what a crash
      // can send twice) are never more than the places.
      await (deps.places ?? unbounded).run(async () => {
        const res = await mailer.send({ to: [to], subject: mail.subject, html: mail.html, text: mail.text });
        // The at-least-once window closes here: nothing but this write between SES's answer and the
        // mark, tried hard (the mail is out: a failed mark would only let it go out again).
        await markSent(deps, claim, res.messageId);
      });
      report.sent++;
    } catch (err) {
      if (err instanceof MarkNotWritten) {
        // Sent, but the record still says `sending`: when its lease lapses it is sent again (the
        // at-least-once window). Nothing else to do here.
        deps.log?.error('sent but not marked; the lease will let it be sent again', { key, error: errorInfo(err.cause).name });
        report.sent++;
        report.complete = false;
        live++;
        return;
      }
      const permanent = err instanceof MailError;
      const e = errorInfo(err);
      const error = `${e.name}${e.code ? `/${e.code}` : ''}: ${e.message}`;
      const setAside = !permanent && claim.attempts >= MAX_DELIVERY_ATTEMPTS;
      await store.markDeliveryFailed(key, to, { error, permanent, setAside, nextAttemptAt: clock.now() + retryDelay(claim.attempts) }, clock.now());
      deps.log?.warn('send failed', { key, attempts: claim.attempts, permanent, setAside, error: e.name });
      if (permanent) report.rejected++;
      else {
        report.failed++;
        report.complete = false;
        if (setAside) {
          aside++;
          if (deps.setAside) {
            const r = deps.setAside;
            await recordFailure({ failures: r.failures, clock, log: deps.log ?? silentLog, metrics: r.metrics }, r.job, deliveryFailureKey(key, to), {
              subject: `${r.subject} → ${to}`,
              error,
              setAside: true,
              attempts: claim.attempts,
              ...(r.payload !== undefined ? { payload: r.payload } : {}),
            });
          }
        } else live++;
      }
    }
  };
  await pool(unique, Math.max(1, Math.floor(deps.recipientConcurrency ?? 1)), one);
  for (const to of held) {
    if (!isFinal((await store.getDelivery(key, to))?.status)) {
      report.complete = false;
      live++;
    }
  }
  if (aside > 0) {
    report.complete = false;
    report.setAside = aside;
    if (live === 0) report.allAside = true;
  }
  return report;
}

/** The mail went out but its `sent` mark could not be written. */
class MarkNotWritten extends Error {
  constructor(cause: unknown) {
    super('sent; mark not written', { cause });
  }
}

/** Marks written after a send: attempts (each with the SDK's own retries), 50 ms doubling between them. */
const MARK_ATTEMPTS = 6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function markSent(deps: DeliveryDeps, claimed: DeliveryRecord, messageId: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const now = deps.clock.now();
      if (deps.marks) await deps.marks.mark({ claimed, messageId, now });
      else await deps.store.markDeliverySent(claimed.notificationKey, claimed.recipient, messageId, now);
      return;
    } catch (err) {
      if (attempt >= MARK_ATTEMPTS) throw new MarkNotWritten(err);
      await sleep(50 * 2 ** (attempt - 1));
    }
  }
}

const silentLog: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };
