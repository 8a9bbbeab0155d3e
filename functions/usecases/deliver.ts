// The one delivery path (SPEC §6: every mail a state change calls for is sent exactly once per
// recipient, even when a function is retried or dies midway). In terms of ports only.
//
// Per recipient of one message key: skip it when its delivery record is final (sent, or rejected for
// good); never mail a malformed address or one that bounced permanently or complained (recorded
// rejected: `invalid_address`, `suppressed_address`); claim the delivery record with a conditional
// write (a crashed sender's claim lapses after `leaseMs`); compose and send; mark it sent. A send
// error is permanent (MailError: rejected, never retried) or transient (failed, retried after
// RETRY_DELAYS_MS by attempt: 1 min, 5 min, 30 min, 2 h, then every 6 h; never dropped).
// Used by the outbox dispatcher (dispatch.ts) and the weekly digest (digest.ts).
import type { RenderedMail } from '../../domain/reports/mail-templates.js';
import { errorInfo, isValidEmail, MailError, type Clock, type Log, type Mailer, type Store, type SuppressionCheck } from '../ports.js';

/** Delay before the next attempt after the n-th failed attempt (1-based); the last one repeats. */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000];
export const retryDelay = (attempts: number) => RETRY_DELAYS_MS[Math.min(Math.max(attempts, 1), RETRY_DELAYS_MS.length) - 1];

/** How long a claim protects a recipient being sent to. */
export const DEFAULT_LEASE_MS = 5 * 60_000;

export interface DeliveryDeps {
  store: Pick<Store, 'getDelivery' | 'claimDelivery' | 'markDeliverySent' | 'markDeliveryFailed'>;
  mailer: Mailer;
  clock: Clock;
  /** Addresses never to mail (permanent bounces, complaints); without it nobody is suppressed. */
  suppressed?: SuppressionCheck;
  leaseMs?: number;
  log?: Log;
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
}

const isFinal = (status: string | undefined) => status === 'sent' || status === 'rejected';

/** Send one message (`key`) to each recipient, once. `compose` makes the message for one recipient. */
export async function deliver(
  deps: DeliveryDeps,
  key: string,
  recipients: readonly string[],
  compose: (recipient: string) => RenderedMail | Promise<RenderedMail>,
): Promise<DeliveryReport> {
  const { store, mailer, clock } = deps;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const report: DeliveryReport = { sent: 0, failed: 0, rejected: 0, suppressed: 0, skipped: 0, complete: true };
  const open: string[] = [];
  for (const r of new Set(recipients)) {
    if (isFinal((await store.getDelivery(key, r))?.status)) report.skipped++;
    else open.push(r);
  }
  const blocked = open.length > 0 && deps.suppressed ? await deps.suppressed(open) : new Set<string>();
  /** Held by another sender: final only if that sender finished meanwhile. */
  const held: string[] = [];
  for (const to of open) {
    if (!isValidEmail(to)) {
      // Never reaches the mailer (an address from an older profile that passed no validation).
      await store.markDeliveryFailed(key, to, { error: 'invalid_address', permanent: true }, clock.now());
      deps.log?.warn('recipient rejected', { key, reason: 'invalid_address' });
      report.rejected++;
      continue;
    }
    if (blocked.has(to.toLowerCase())) {
      await store.markDeliveryFailed(key, to, { error: 'suppressed_address', permanent: true }, clock.now());
      deps.log?.warn('recipient suppressed', { key, reason: 'suppressed_address' });
      report.suppressed++;
      continue;
    }
    const claim = await store.claimDelivery(key, to, clock.now(), leaseMs);
    if (!claim) {
      report.skipped++;
      held.push(to);
      continue;
    }
    try {
      const mail = await compose(to);
      const res = await mailer.send({ to: [to], subject: mail.subject, html: mail.html, text: mail.text });
      await store.markDeliverySent(key, to, res.messageId, clock.now());
      report.sent++;
    } catch (err) {
      const permanent = err instanceof MailError;
      const e = errorInfo(err);
      const error = `${e.name}${e.code ? `/${e.code}` : ''}: ${e.message}`;
      await store.markDeliveryFailed(key, to, { error, permanent, nextAttemptAt: clock.now() + retryDelay(claim.attempts) }, clock.now());
      deps.log?.warn('send failed', { key, attempts: claim.attempts, permanent, error: e.name });
      if (permanent) report.rejected++;
      else {
        report.failed++;
        report.complete = false;
      }
    }
  }
  for (const to of held) {
    if (!isFinal((await store.getDelivery(key, to))?.status)) report.complete = false;
  }
  return report;
}
