// The dispatcher: every pending notification of the outbox (notifications ride in the issue item of
// the state change that caused them, SPEC §2 "Storage") is parsed (domain/issues/catalog.ts),
// rendered (domain/reports/mail-templates.ts) with its links signed per recipient, and sent through
// the one delivery path (deliver.ts: once per key and recipient, one retry and suppression policy).
// A notification leaves the item's pending set (and the item the outbox) only when every recipient
// is final.
import { parseNotification, type LinkId, type Notification } from '../../domain/issues/catalog.js';
import { renderNotification } from '../../domain/reports/mail-templates.js';
import { newNonce, signActionToken } from './action-token.js';
import { conditionalUpdate } from './conditional-update.js';
import { deliver } from './deliver.js';
import { errorInfo, type Clock, type Log, type Mailer, type OutboxMetrics, type Store, type StoredIssue, type SuppressionCheck } from '../ports.js';

export { RETRY_DELAYS_MS, retryDelay } from './deliver.js';

/** Default validity of an action link, days. */
export const DEFAULT_ACTION_TOKEN_TTL_DAYS = 14;

export interface DispatchConfigPart {
  publicBaseUrl: string;
  actionSecrets: string[];
  /** Validity of action links, days (default 14). */
  actionTokenTtlDays?: number;
  /** How long a claim protects a recipient being sent to (default 5 min). */
  leaseMs?: number;
}

export interface DispatchDeps {
  store: Store;
  mailer: Mailer;
  clock: Clock;
  log: Log;
  config: DispatchConfigPart;
  /** Publishes the age of the oldest pending notification after every run (EMF in Lambda). */
  metrics?: OutboxMetrics;
  /**
   * Addresses not to mail: permanent bounces and complaints recorded by the bounce handler
   * (`DigestStore.suppressedAmong`). Keeps the account under SES's bounce/complaint thresholds.
   */
  suppressed?: SuppressionCheck;
}

export interface DispatchSummary {
  sent: number;
  /** Failed (retried later), rejected for good, or suppressed. */
  failed: number;
  /** Recipients already served, held by another sender, or waiting for their next attempt. */
  skipped: number;
}

/** Lower-cased, de-duplicated `to` and `cc` of a stored notification. */
export function recipientsOf(n: Pick<Notification, 'to' | 'cc'>): string[] {
  const all = [...(Array.isArray(n.to) ? n.to : []), ...(Array.isArray(n.cc) ? n.cc : [])];
  return [...new Set(all.map((a) => String(a).trim().toLowerCase()).filter(Boolean))];
}

/** The signed `/a/{token}` URL of a catalog link of notification `n` for one recipient. */
function linkSigner(config: DispatchConfigPart, clock: Clock) {
  const ttlSec = Math.round((config.actionTokenTtlDays ?? DEFAULT_ACTION_TOKEN_TTL_DAYS) * 86_400);
  return (issue: StoredIssue, n: Notification, recipient: string) =>
    (action: LinkId): string => {
      // Only issue mails carry links; their data names the unit and the assignment the links act on.
      const d = n.data as { unit?: string; assignment?: number };
      const exp = Math.floor(clock.now() / 1000) + ttlSec;
      const token = signActionToken(
        { issueId: issue.record.id, action, unit: d.unit ?? '', recipient, assignment: d.assignment ?? 0, exp, nonce: newNonce() },
        config.actionSecrets,
      );
      return `${config.publicBaseUrl}/a/${token}`;
    };
}

/** One dispatcher run over the outbox: `runDispatch(deps)()`. */
export function runDispatch(deps: DispatchDeps): () => Promise<DispatchSummary> {
  const { store, clock, config, log } = deps;
  const linkFor = linkSigner(config, clock);
  const delivery = { store, mailer: deps.mailer, clock, log, suppressed: deps.suppressed, leaseMs: config.leaseMs };

  async function complete(issueId: string, key: string): Promise<void> {
    const out = await conditionalUpdate<StoredIssue, void>({
      read: () => store.getIssue(issueId),
      write: (next, rev) => store.putIssue(next, rev),
      attempts: 5,
      decide(cur) {
        if (!cur || !cur.pending[key]) return { done: undefined };
        const { [key]: _sent, ...pending } = cur.pending;
        return { write: { ...cur, pending }, result: undefined };
      },
    });
    if (!out.ok) log.warn('outbox completion contended; will retry next run', { issueId, key });
  }

  const run = async () => {
    const summary: DispatchSummary = { sent: 0, failed: 0, skipped: 0 };
    const items = await store.listOutbox();
    for (const issue of items) {
      for (const stored of Object.values(issue.pending)) {
        const parsed = parseNotification(stored);
        if (!parsed.ok) {
          // Written by a newer version, or damaged: it waits (the oldest-pending alarm watches it).
          log.warn('notification cannot be sent; left pending', { key: stored.key, template: stored.template, reason: parsed.reason, problems: parsed.problems.slice(0, 5) });
          summary.skipped += recipientsOf(stored).length;
          continue;
        }
        const n = parsed.notification;
        const r = await deliver(delivery, n.key, recipientsOf(n), (to) => renderNotification(n, { record: issue.record, link: linkFor(issue, n, to) }));
        summary.sent += r.sent;
        summary.failed += r.failed + r.rejected + r.suppressed;
        summary.skipped += r.skipped;
        if (r.complete) await complete(issue.record.id, n.key);
      }
    }
    log.info('dispatch', { ...summary, items: items.length });
    return summary;
  };
  const metrics = deps.metrics;
  if (!metrics) return run;
  // Measured after the run, also when it failed: what is still waiting is what the alarm watches.
  return async () => {
    try {
      return await run();
    } finally {
      await metrics.publishOldestPendingAge(clock.now()).catch((err) => log.warn('metric not published', { error: errorInfo(err) }));
    }
  };
}
