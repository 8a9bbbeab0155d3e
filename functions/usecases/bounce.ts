// What SES tells us about addresses (bounces and complaints, parsed by handlers/bounce.ts from the
// SNS records): per address the item ADDR#<email> keeps the status
// (complained > bounced > soft; a permanent bounce or a complaint means "do not mail again"), the
// counts and the last instant; a feedback id already counted is not counted twice (SNS delivers at
// least once). The digest skips suppressed recipients and lists them under 数据质量; the dispatcher skips
// them too (its `suppressed` dependency: DigestStore.suppressedAmong).
// A store failure throws, so Lambda retries the batch (idempotent: feedback ids already counted are
// skipped).
import type { AddressRecord, AddressStatus, DigestStore } from '../ports.js';
import { conditionalUpdate } from './conditional-update.js';

export interface BounceDeps {
  digests: Pick<DigestStore, 'getAddress' | 'putAddress'>;
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

/** Record each notification on its addresses, once per feedback id and address. */
export async function recordMailFeedback(deps: BounceDeps, feedback: readonly MailFeedback[]): Promise<FeedbackSummary> {
  const { digests } = deps;
  const out: FeedbackSummary = { recorded: 0, duplicates: 0 };
  for (const f of feedback) {
    for (const email of new Set(f.emails)) {
      const res = await conditionalUpdate<AddressRecord, 'recorded' | 'duplicates'>({
        read: () => digests.getAddress(email),
        write: (next, rev) => digests.putAddress(next, rev),
        attempts: MAX_ATTEMPTS,
        decide: (cur) => (cur?.seen.includes(f.feedbackId) ? { done: 'duplicates' } : { write: apply(cur, email, f), result: 'recorded' }),
      });
      if (!res.ok) throw new Error(`bounce: address record of ${email} kept changing; retry`);
      out[res.result]++;
    }
  }
  return out;
}
