// SES bounce and complaint notifications (SES configuration set -> SNS topic -> this Lambda).
// Each SNS record wraps one SES notification JSON:
//   { notificationType: 'Bounce', bounce: { bounceType: 'Permanent'|'Transient'|'Undetermined',
//     bouncedRecipients: [{ emailAddress, diagnosticCode? }], timestamp, feedbackId }, mail: {...} }
//   { notificationType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress }], timestamp, feedbackId } }
// Other types (Delivery, …) are ignored. Per address the item ADDR#<email> keeps the status
// (complained > bounced > soft; a permanent bounce or a complaint means "do not mail again"), the
// counts and the last instant; a feedback id already counted is not counted twice (SNS delivers at
// least once). The digest skips suppressed recipients and lists them under 数据质量; the dispatcher can
// skip them with `isSuppressed` (DigestStore.suppressedAmong).
// A record that is not valid JSON or not an SES notification is logged and skipped (never retried:
// it would fail the same way); a store failure throws, so Lambda retries the batch (idempotent).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SNSEvent } from 'aws-lambda';
import { requireEnv } from '../adapters/config.js';
import { createDigestStore, type AddressRecord, type AddressStatus, type DigestStore } from '../adapters/digest-store.js';
import { errorInfo, logger } from '../adapters/logger.js';
import { systemClock, type Clock } from '../ports.js';
import { isValidEmail } from '../adapters/ses-mailer.js';

export interface BounceDeps {
  digests: Pick<DigestStore, 'getAddress' | 'putAddress'>;
  clock: Clock;
}

export interface BounceSummary {
  /** Address updates written. */
  recorded: number;
  /** Addresses whose notification was already counted. */
  duplicates: number;
  /** Records or recipients skipped (not an SES notification, bad address, other type). */
  ignored: number;
}

type Kind = 'permanent' | 'transient' | 'complaint';

interface Parsed {
  kind: Kind;
  emails: string[];
  at: number;
  feedbackId: string;
  type: string;
  diagnostic?: string;
}

const RANK: Record<AddressStatus, number> = { soft: 0, bounced: 1, complained: 2 };
const MAX_SEEN = 20;
const MAX_ATTEMPTS = 5;

/** `"Name" <a@b>` or `a@b` -> `a@b` (lower case), or null when not an address. */
export function addressOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /<([^<>\s]+)>\s*$/.exec(value.trim());
  const email = (m ? m[1] : value).trim().toLowerCase();
  return isValidEmail(email) ? email : null;
}

/** The SES notification inside one SNS message, or null when it is not one we act on. */
export function parseSesNotification(message: string, fallbackId: string, fallbackAt: number): Parsed | null {
  let n: any;
  try {
    n = JSON.parse(message);
  } catch {
    return null;
  }
  const type = n?.notificationType ?? n?.eventType;
  if (type === 'Bounce' && n.bounce) {
    const b = n.bounce;
    const list: any[] = Array.isArray(b.bouncedRecipients) ? b.bouncedRecipients : [];
    const at = Date.parse(b.timestamp ?? '') || fallbackAt;
    return {
      kind: b.bounceType === 'Permanent' ? 'permanent' : 'transient',
      emails: list.map((r) => addressOf(r?.emailAddress)).filter((e): e is string => !!e),
      at,
      feedbackId: String(b.feedbackId ?? fallbackId),
      type: `Bounce/${String(b.bounceType ?? '?')}/${String(b.bounceSubType ?? '?')}`,
      diagnostic: list.find((r) => typeof r?.diagnosticCode === 'string')?.diagnosticCode?.slice(0, 300),
    };
  }
  if (type === 'Complaint' && n.complaint) {
    const c = n.complaint;
    const list: any[] = Array.isArray(c.complainedRecipients) ? c.complainedRecipients : [];
    return {
      kind: 'complaint',
      emails: list.map((r) => addressOf(r?.emailAddress)).filter((e): e is string => !!e),
      at: Date.parse(c.timestamp ?? '') || fallbackAt,
      feedbackId: String(c.feedbackId ?? fallbackId),
      type: `Complaint/${String(c.complaintFeedbackType ?? '?')}`,
    };
  }
  return null;
}

function apply(cur: AddressRecord | null, email: string, p: Parsed): AddressRecord {
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
    revision: base.revision + 1,
  };
}

export function makeBounceHandler(deps: BounceDeps): (event: SNSEvent) => Promise<BounceSummary> {
  const { digests, clock } = deps;
  return async (event) => {
    const out: BounceSummary = { recorded: 0, duplicates: 0, ignored: 0 };
    for (const r of event?.Records ?? []) {
      const sns = r?.Sns;
      const parsed = sns ? parseSesNotification(sns.Message, sns.MessageId ?? '', Date.parse(sns.Timestamp ?? '') || clock.now()) : null;
      if (!parsed) {
        out.ignored++;
        logger.warn('bounce: not an SES bounce/complaint notification', { messageId: sns?.MessageId });
        continue;
      }
      for (const email of new Set(parsed.emails)) {
        let done = false;
        for (let attempt = 0; attempt < MAX_ATTEMPTS && !done; attempt++) {
          const cur = await digests.getAddress(email);
          if (cur?.seen.includes(parsed.feedbackId)) {
            out.duplicates++;
            done = true;
            break;
          }
          const next = apply(cur, email, parsed);
          if (await digests.putAddress(next, cur ? cur.revision : null)) {
            out.recorded++;
            done = true;
          }
        }
        if (!done) throw new Error(`bounce: address record of ${email} kept changing; retry`);
      }
    }
    logger.info('bounce', { ...out });
    return out;
  };
}

let wired: ((event: SNSEvent) => Promise<BounceSummary>) | undefined;

export const handler = async (event: SNSEvent): Promise<BounceSummary> => {
  if (!wired) {
    const client = new DynamoDBClient({ requestHandler: { requestTimeout: 5_000, connectionTimeout: 2_000 } });
    wired = makeBounceHandler({ digests: createDigestStore({ client, tableName: requireEnv('TABLE_NAME') }), clock: systemClock });
  }
  try {
    return await wired(event);
  } catch (err) {
    logger.error('bounce failed', { error: errorInfo(err) });
    throw err;
  }
};
