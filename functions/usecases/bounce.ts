// What SES tells us about addresses (bounces and complaints, parsed by handlers/bounce.ts from the
// SNS records): per address the item ADDR#<email> keeps the status
// (complained > bounced > soft; a permanent bounce or a complaint means "do not mail again"), the
// counts and the last instant; a feedback id already counted is not counted twice (SNS delivers at
// least once). The digest skips suppressed recipients and lists them under 数据质量; the dispatcher skips
// them too (its `suppressed` dependency: DigestStore.suppressedAmong).
// Each (notification, address) is one item on its own (isolation.ts): one that fails (a damaged
// address record, throttling beyond retries) is recorded WITH its notification as the payload,
// counted, retried with backoff by the sweep's run (retryFeedback) and set aside after its retries,
// while every other address and notification goes on. Only when the failure cannot even be recorded
// (the store is down) does the handler throw, so Lambda retries the batch (idempotent: feedback ids
// already counted are skipped).
import type { AddressRecord, AddressStatus, Clock, DigestStore, FailureStore, Log, OpsMetrics } from '../ports.js';
import { conditionalUpdate } from './conditional-update.js';
import { errorText, memoryFailures, openIsolation, recordFailure, type IsolationDeps } from './isolation.js';

export interface BounceDeps {
  digests: Pick<DigestStore, 'getAddress' | 'putAddress'>;
  /** Failing addresses (default: kept in memory for the process). */
  failures?: FailureStore;
  clock?: Clock;
  log?: Log;
  metrics?: OpsMetrics;
}

/** One SES bounce or complaint notification. */
export interface MailFeedback {
  kind: 'permanent' | 'transient' | 'complaint';
  emails: string[];
  at: number;
  feedbackId: string;
  /** e.g. Bounce/Permanent/General, Complaint/abuse. */
  type: string;
  diagnostic?: string;
}

export interface FeedbackSummary {
  /** Address updates written. */
  recorded: number;
  /** Addresses whose notification was already counted. */
  duplicates: number;
  /** Addresses whose update failed (recorded; retried later or set aside). Present only when some did. */
  failed?: number;
}

const RANK: Record<AddressStatus, number> = { soft: 0, bounced: 1, complained: 2 };
const MAX_SEEN = 20;
const MAX_ATTEMPTS = 5;

function apply(cur: AddressRecord | null, email: string, p: MailFeedback): Omit<AddressRecord, 'revision'> {
  const base: AddressRecord = cur ?? {
    email,
    status: 'soft',
    permanentBounces: 0,
    transientBounces: 0,
    complaints: 0,
    firstAt: p.at,
    lastAt: p.at,
    lastType: p.type,
    seen: [],
    revision: 0,
  };
  const status: AddressStatus = p.kind === 'complaint' ? 'complained' : p.kind === 'permanent' ? 'bounced' : 'soft';
  return {
    ...base,
    status: RANK[status] > RANK[base.status] ? status : base.status,
    permanentBounces: base.permanentBounces + (p.kind === 'permanent' ? 1 : 0),
    transientBounces: base.transientBounces + (p.kind === 'transient' ? 1 : 0),
    complaints: base.complaints + (p.kind === 'complaint' ? 1 : 0),
    firstAt: Math.min(base.firstAt, p.at),
    lastAt: Math.max(base.lastAt, p.at),
    lastType: p.type,
    ...(p.diagnostic ? { lastDiagnostic: p.diagnostic } : {}),
    seen: [...base.seen, p.feedbackId].slice(-MAX_SEEN),
  };
}

/** The failure key of one notification on one address. */
const itemKey = (f: MailFeedback, email: string) => `${f.feedbackId}|${email}`;

async function recordOne(digests: BounceDeps['digests'], f: MailFeedback, email: string): Promise<'recorded' | 'duplicates'> {
  const res = await conditionalUpdate<AddressRecord, 'recorded' | 'duplicates'>({
    read: () => digests.getAddress(email),
    write: (next, rev) => digests.putAddress(next, rev),
    attempts: MAX_ATTEMPTS,
    decide: (cur) => (cur?.seen.includes(f.feedbackId) ? { done: 'duplicates' } : { write: apply(cur, email, f), result: 'recorded' }),
  });
  if (!res.ok) throw new Error(`bounce: address record of ${email} kept changing; retry`);
  return res.result;
}

const quiet: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };

function isolationDeps(deps: BounceDeps): IsolationDeps {
  return { failures: deps.failures ?? memoryFailures(), clock: deps.clock ?? { now: () => Date.now() }, log: deps.log ?? quiet, metrics: deps.metrics };
}

/** Record each notification on its addresses, once per feedback id and address; each address on its own. */
export async function recordMailFeedback(deps: BounceDeps, feedback: readonly MailFeedback[]): Promise<FeedbackSummary> {
  const { digests } = deps;
  const iso = isolationDeps(deps);
  const out: FeedbackSummary = { recorded: 0, duplicates: 0 };
  for (const f of feedback) {
    for (const email of new Set(f.emails)) {
      try {
        out[await recordOne(digests, f, email)]++;
      } catch (err) {
        const rec = await recordFailure(iso, 'bounce', itemKey(f, email), {
          subject: email,
          error: errorText(err),
          payload: { ...f, emails: [email] },
        });
        // Not even recorded: the store is failing; let Lambda retry the whole notification.
        if (!rec) throw err;
        out.failed = (out.failed ?? 0) + 1;
      }
    }
  }
  return out;
}

/** Bounce notifications whose recording failed before and are due again: retried from their payload. */
export function retryFeedback(deps: BounceDeps & { failures: FailureStore }): () => Promise<FeedbackSummary> {
  return async () => {
    const iso = isolationDeps(deps);
    const isolation = await openIsolation(iso, 'bounce');
    const out: FeedbackSummary = { recorded: 0, duplicates: 0 };
    for (const failure of await deps.failures.listFailures('bounce')) {
      const f = failure.payload as MailFeedback | undefined;
      if (!f || !Array.isArray(f.emails) || f.emails.length !== 1) continue;
      const res = await isolation.run(failure.key, failure.subject, () => recordOne(deps.digests, f, f.emails[0]), f);
      if (res.status === 'ok') out[res.value]++;
      else if (res.status === 'failed') out.failed = (out.failed ?? 0) + 1;
    }
    return out;
  };
}
