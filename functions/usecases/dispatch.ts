// The dispatcher: every pending notification of the outbox (notifications ride in the issue item of
// the state change that caused them, SPEC §2 "Storage") is parsed (domain/issues/catalog.ts),
// rendered (domain/reports/mail-templates.ts) with its links signed per recipient, and sent through
// the one delivery path (deliver.ts: once per key and recipient, one retry and suppression policy).
// A notification leaves the item's pending set (and the item the outbox) only when every recipient
// is final.
//
// Each notification is one item on its own (isolation.ts). At most `concurrency` sends are in flight,
// each holding its place until its `sent` mark has landed (so a crash can send at most `concurrency`
// mails twice), started under `maxSendRate` per second (rate-limit.ts, SES's quota); twice as many notifications are
// in hand, their recipients at once, so that claims, sent marks and outbox writes of some overlap the
// sends of others instead of leaving a send place idle. Sent marks of the run go in batches
// (deliver.ts batchedSentMarks: one BatchWriteItem for the marks that arrive while one is written);
// claims stay one conditional write per recipient (SPEC §7.8: no transactions). A notification that
// throws (unreadable, unrenderable, an issue item that cannot be rewritten) recorded, retried with
// backoff and set aside after its retries, while every other goes on. A notification whose open
// recipients are all set aside (or that is set aside itself) moves from `pending` to `setAside` in its
// issue item: out of the outbox and its age metric, back with `sibao redrive`. A run stops taking new
// notifications after `runBudgetMs` (the Lambda's timeout); the rest wait for the next minute.
import { DECISION_LINK_PREFIX, parseNotification, type LinkId, type Notification } from '../../domain/issues/catalog.js';
import { renderNotification } from '../../domain/reports/mail-templates.js';
import { newNonce, signActionToken, signDecisionToken } from './action-token.js';
import { conditionalUpdate } from './conditional-update.js';
import { batchedSentMarks, deliver } from './deliver.js';
import { memoryFailures, openIsolation, pool, publishSetAside } from './isolation.js';
import { deliverMail } from './policy-push.js';
import { createPlaces, createRateLimiter, rateLimitedMailer } from './rate-limit.js';
import { errorInfo, type Clock, type FailureStore, type Log, type Mailer, type OpsMetrics, type OutboxMetrics, type PolicyStore, type Store, type StoredIssue, type SuppressionCheck, type DecisionRecord } from '../ports.js';
import { enterprisePageFor } from './link-token.js';

export { RETRY_DELAYS_MS, retryDelay } from './deliver.js';

/** Default validity of an action link, days. */
export const DEFAULT_ACTION_TOKEN_TTL_DAYS = 14;

export interface DispatchConfigPart {
  publicBaseUrl: string;
  actionSecrets: string[];
  /** Validity of action links, days (default 14). */
  actionTokenTtlDays?: number;
  /** How long a claim protects a recipient being sent to (default 5 min, real time). */
  leaseMs?: number;
  /** Base URL of the pages function (`/e/`, `/f/` links); default publicBaseUrl (one server locally). */
  pagesBaseUrl?: string;
  /** Sends in flight at most (default DEFAULT_DISPATCH_CONCURRENCY); twice as many notifications in hand. */
  concurrency?: number;
  /** Sends started per second at most (SES's quota; default: no limit). */
  maxSendRate?: number;
  /** Stop taking new notifications after this many real milliseconds (default: no limit). */
  runBudgetMs?: number;
}

export const DEFAULT_DISPATCH_CONCURRENCY = 4;
/** Notifications in hand per send place: one sending while another is claimed or marked. */
const NOTIFICATIONS_PER_SEND_PLACE = 2;

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
  /** Failing notifications and set-aside deliveries (default: kept in memory for the process). */
  failures?: FailureStore;
  /** JobItemFailures, ItemsSetAside (EMF in Lambda). */
  ops?: OpsMetrics;
  /** Real time for the claims' leases and the run budget (default the job clock; the local stack passes the system clock). */
  leaseClock?: Clock;
  /** Sender generation of the claims (ClaimOptions.generation; the local stack sets one per process). */
  generation?: number;
  /** The mails that are not about an issue (政策推送, reminders: policy-push.ts deliverMail), sent after the outbox. */
  policies?: PolicyStore;
}

export interface DispatchSummary {
  sent: number;
  /** Failed (retried later), rejected for good, or suppressed. */
  failed: number;
  /** Recipients already served, held by another sender, or waiting for their next attempt. */
  skipped: number;
  /** Notifications set aside by this run (present only when some were). */
  setAside?: number;
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

/** A notification that cannot be parsed: thrown inside its isolated item. */
class UnreadableNotification extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableNotification';
  }
}

/** One dispatcher run over the outbox: `runDispatch(deps)()`. */
export function runDispatch(deps: DispatchDeps): () => Promise<DispatchSummary> {
  const { store, clock, config, log } = deps;
  const leaseClock = deps.leaseClock ?? clock;
  const linkFor = linkSigner(config, clock);
  const failures = deps.failures ?? memoryFailures();
  const limiter = createRateLimiter(config.maxSendRate ?? 0);
  const concurrency = Math.max(1, Math.floor(config.concurrency ?? DEFAULT_DISPATCH_CONCURRENCY));
  const mailer = config.maxSendRate ? rateLimitedMailer(deps.mailer, limiter) : deps.mailer;
  const isolationDeps = { failures, clock, log, metrics: deps.ops };
  const pageFor = enterprisePageFor({ store, clock, config: { publicBaseUrl: config.pagesBaseUrl ?? config.publicBaseUrl, actionSecrets: config.actionSecrets } });

  /**
   * Move notification `key` of an issue out of `pending` (done, or into `setAside`): a conditional write
   * on the item as the outbox read it, re-read and decided again when another write came first.
   */
  async function moveNotification(issueId: string, key: string, to: 'done' | 'aside', current?: StoredIssue): Promise<void> {
    const out = await conditionalUpdate<StoredIssue, void>({
      read: () => store.getIssue(issueId),
      write: (next, rev) => store.putIssue(next, rev),
      ...(current ? { current } : {}),
      attempts: 5,
      decide(cur) {
        if (!cur || !cur.pending[key]) return { done: undefined };
        const { [key]: n, ...pending } = cur.pending;
        if (to === 'done') return { write: { ...cur, pending }, result: undefined };
        return { write: { ...cur, pending, setAside: { ...(cur.setAside ?? {}), [key]: n } }, result: undefined };
      },
    });
    if (!out.ok) log.warn('outbox update contended; will retry next run', { issueId, key, to });
  }

  /** The 包保干部邮箱 of an enterprise's whitelist row (read once per run). */
  const liaisonCache = new Map<string, Promise<string[]>>();
  function liaisonsOf(code: string | null | undefined): Promise<string[]> {
    if (!code) return Promise.resolve([]);
    const key = code.trim().toUpperCase();
    let found = liaisonCache.get(key);
    if (!found) {
      found = store
        .getRows('whitelist', [key])
        .then((rows) => {
          const email = rows.get(key)?.value.liaisonEmail;
          return email && email.trim() ? [email.trim().toLowerCase()] : [];
        })
        .catch(() => []);
      liaisonCache.set(key, found);
    }
    return found;
  }

  const run = async () => {
    liaisonCache.clear();
    const summary: DispatchSummary = { sent: 0, failed: 0, skipped: 0 };
    const started = leaseClock.now();
    const overBudget = () => config.runBudgetMs !== undefined && leaseClock.now() - started > config.runBudgetMs;
    const isolation = await openIsolation(isolationDeps, 'dispatch');
    const marks = batchedSentMarks(store);
    const places = createPlaces(concurrency);
    const items = await store.listOutbox();
    const units = items.flatMap((issue) => Object.values(issue.pending).map((stored) => ({ issue, stored })));
    let setAside = 0;
    let deferred = 0;
    await pool(units, NOTIFICATIONS_PER_SEND_PLACE * concurrency, async ({ issue, stored }) => {
      const id = issue.record?.id ?? '?';
      const key = String(stored?.key ?? '');
      const recipients = recipientsOf(stored ?? {});
      if (overBudget()) {
        deferred++;
        return;
      }
      const out = await isolation.run(key, id, async () => {
        const parsed = parseNotification(stored);
        // Written by a newer version, or damaged: retried (a newer dispatcher may be deploying), then set aside.
        if (!parsed.ok) throw new UnreadableNotification(`${parsed.reason}: ${parsed.problems.slice(0, 3).join('; ')}`);
        const n = parsed.notification;
        const page = n.template === 'follow_up' ? await pageFor(issue.record.issue.enterpriseCode) : undefined;
        // 包保干部 (SPEC §7.2): copied on every mail about the enterprise's issue, without links.
        const liaisons = n.template === 'batch' ? [] : (await liaisonsOf(issue.record?.issue?.enterpriseCode)).filter((e) => !recipientsOf(n).includes(e));
        const r = await deliver(
          {
            store,
            mailer,
            clock,
            leaseClock,
            generation: deps.generation,
            log,
            suppressed: deps.suppressed,
            leaseMs: config.leaseMs,
            recipientConcurrency: concurrency,
            marks,
            places,
            setAside: { failures, job: 'dispatch', subject: id, metrics: deps.ops, payload: { issueId: id } },
          },
          n.key,
          [...recipientsOf(n), ...liaisons],
          (to) => renderNotification(n, { record: issue.record, link: linkFor(issue, n, to), recipient: to, copyOnly: liaisons.includes(to), enterprisePage: liaisons.includes(to) ? undefined : page }),
        );
        if (r.complete) await moveNotification(id, n.key, 'done', issue);
        else if (r.allAside) {
          await moveNotification(id, n.key, 'aside', issue);
          setAside++;
        }
        return r;
      }, { issueId: id });
      if (out.status === 'ok') {
        const r = out.value;
        summary.sent += r.sent;
        summary.failed += r.failed + r.rejected + r.suppressed;
        summary.skipped += r.skipped;
        return;
      }
      if (out.status === 'skipped') {
        summary.skipped += recipients.length;
        return;
      }
      summary.failed += recipients.length;
      if (out.setAside) {
        setAside++;
        await moveNotification(id, key, 'aside').catch((err) => log.error('set-aside notification not moved out of the outbox', { issueId: id, key, error: errorInfo(err) }));
      }
    });
    if (setAside) summary.setAside = setAside;
    const delivery = { store, mailer, clock, leaseClock, generation: deps.generation, log, suppressed: deps.suppressed, leaseMs: config.leaseMs };
    await dispatchDecisions(deps, { ...delivery, places, marks, recipientConcurrency: concurrency }, summary, {
      itemConcurrency: NOTIFICATIONS_PER_SEND_PLACE * concurrency,
      overBudget,
      deferred: () => void deferred++,
    });
    // The mails that are not about an issue (政策推送 fan-out, reminders): the same sends in flight, rate
    // and run budget as the outbox's.
    if (deps.policies) {
      const b = await deliverMail({ ...delivery, places, marks, recipientConcurrency: concurrency, itemConcurrency: NOTIFICATIONS_PER_SEND_PLACE * concurrency, overBudget, policies: deps.policies, config });
      summary.sent += b.sent;
      summary.failed += b.failed;
      summary.skipped += b.skipped;
      deferred += b.deferred;
    }
    log.info('dispatch', { ...summary, items: items.length, notifications: units.length, ...(deferred ? { deferred } : {}) });
    return summary;
  };
  const metrics = deps.metrics;
  // Measured after the run, also when it failed: what is still waiting is what the alarms watch.
  return async () => {
    try {
      return await run();
    } finally {
      if (metrics) await metrics.publishOldestPendingAge(clock.now()).catch((err) => log.warn('metric not published', { error: errorInfo(err) }));
      if (deps.ops) await publishSetAside({ failures, log, metrics: deps.ops });
    }
  };
}

/**
 * The decisions' outbox (usecases/decisions.ts): same parse, render and delivery path; the answer
 * links are signed for the decision (`decide:<label>`), one token per recipient and answer. Each
 * notification on its own (one that throws — a store error — is logged, counted failed and tried
 * again next run), as many in hand as the outbox's, none taken after the run budget.
 */
async function dispatchDecisions(
  deps: DispatchDeps,
  delivery: Parameters<typeof deliver>[0],
  summary: DispatchSummary,
  run: { itemConcurrency: number; overBudget: () => boolean; deferred: () => void },
): Promise<void> {
  const { store, clock, config, log } = deps;
  const ttlSec = Math.round((config.actionTokenTtlDays ?? DEFAULT_ACTION_TOKEN_TTL_DAYS) * 86_400);
  const units = (await store.listDecisionOutbox()).flatMap((rec) => Object.values(rec.pending).map((stored) => ({ rec, stored })));
  await pool(units, run.itemConcurrency, async ({ rec, stored }) => {
    if (run.overBudget()) {
      run.deferred();
      return;
    }
    const parsed = parseNotification(stored);
    if (!parsed.ok) {
      log.warn('notification cannot be sent; left pending', { key: stored.key, template: stored.template, reason: parsed.reason });
      summary.skipped += recipientsOf(stored).length;
      return;
    }
    const n = parsed.notification;
    const link = (to: string) => (action: string) =>
      `${config.publicBaseUrl}/a/${signDecisionToken(rec.id, action.slice(DECISION_LINK_PREFIX.length), to, Math.floor(clock.now() / 1000) + ttlSec, config.actionSecrets)}`;
    try {
      const r = await deliver(delivery, n.key, recipientsOf(n), (to) => renderNotification(n, { link: link(to) }));
      summary.sent += r.sent;
      summary.failed += r.failed + r.rejected + r.suppressed;
      summary.skipped += r.skipped;
      if (!r.complete) return;
      const done = await conditionalUpdate<DecisionRecord, void>({
        read: () => store.getDecision(rec.id),
        write: (next, rev) => store.putDecision(next, rev),
        attempts: 5,
        decide(cur) {
          if (!cur || !cur.pending[n.key]) return { done: undefined };
          const { [n.key]: _sent, ...pending } = cur.pending;
          return { write: { ...cur, pending }, result: undefined };
        },
      });
      if (!done.ok) log.warn('decision outbox completion contended; will retry next run', { id: rec.id, key: n.key });
    } catch (err) {
      summary.failed += recipientsOf(n).length;
      log.error('decision notification not delivered; retried next run', { id: rec.id, key: n.key, error: errorInfo(err) });
    }
  });
}
