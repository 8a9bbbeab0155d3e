// Lambda `bounce`: SES bounce and complaint notifications (SES configuration set -> SNS topic -> this
// Lambda), recorded per address by usecases/bounce.ts. Each SNS record wraps one SES notification:
//   { notificationType: 'Bounce', bounce: { bounceType: 'Permanent'|'Transient'|'Undetermined',
//     bouncedRecipients: [{ emailAddress, diagnosticCode? }], timestamp, feedbackId }, mail: {...} }
//   { notificationType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress }], timestamp, feedbackId } }
// Other types (Delivery, …) are ignored. A record that is not valid JSON or not an SES notification
// is logged and skipped (never retried: it would fail the same way); an address whose update fails is
// recorded and retried by the sweep (usecases/bounce.ts); only a store that cannot record even that
// throws, so Lambda retries the batch (the use case is idempotent).
import type { SNSEvent } from 'aws-lambda';
import { requireEnv } from '../adapters/config.js';
import { createDigestStore } from '../adapters/digest-store.js';
import { createFailureStore } from '../adapters/failure-store.js';
import { lambdaDynamoClient, oncePerContainer } from '../adapters/lambda.js';
import { createOpsMetrics } from '../adapters/metrics.js';
import { logger, withLogger } from '../adapters/logger.js';
import { errorInfo, isValidEmail, systemClock, type Clock, type Log } from '../ports.js';
import { recordMailFeedback, type BounceDeps, type FeedbackSummary, type MailFeedback } from '../usecases/bounce.js';

export interface BounceSummary extends FeedbackSummary {
  /** Records or recipients skipped (not an SES notification, bad address, other type). */
  ignored: number;
}

/** `"Name" <a@b>` or `a@b` -> `a@b` (lower case), or null when not an address. */
export function addressOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /<([^<>\s]+)>\s*$/.exec(value.trim());
  const email = (m ? m[1] : value).trim().toLowerCase();
  return isValidEmail(email) ? email : null;
}

/** The SES notification inside one SNS message, or null when it is not one we act on. */
export function parseSesNotification(message: string, fallbackId: string, fallbackAt: number): MailFeedback | null {
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

export function makeBounceHandler(deps: BounceDeps & { clock: Clock; log?: Log }): (event: SNSEvent) => Promise<BounceSummary> {
  const wired = withLogger(deps);
  const { clock, log } = wired;
  return async (event) => {
    const feedback: MailFeedback[] = [];
    let ignored = 0;
    for (const r of event?.Records ?? []) {
      const sns = r?.Sns;
      const parsed = sns ? parseSesNotification(sns.Message, sns.MessageId ?? '', Date.parse(sns.Timestamp ?? '') || clock.now()) : null;
      if (!parsed) {
        ignored++;
        log.warn('bounce: not an SES bounce/complaint notification', { messageId: sns?.MessageId });
        continue;
      }
      feedback.push(parsed);
    }
    const out: BounceSummary = { ...(await recordMailFeedback(wired, feedback)), ignored };
    log.info('bounce', { ...out });
    return out;
  };
}

const wiring = oncePerContainer('bounce', () => {
  const client = lambdaDynamoClient();
  const tableName = requireEnv('TABLE_NAME');
  return makeBounceHandler({
    digests: createDigestStore({ client, tableName }),
    failures: createFailureStore({ client, tableName }),
    metrics: createOpsMetrics({ county: requireEnv('COUNTY'), namespace: process.env.POWERTOOLS_METRICS_NAMESPACE?.trim() || undefined }),
    clock: systemClock,
  });
});

export const handler = async (event: SNSEvent): Promise<BounceSummary> => {
  const run = await wiring();
  try {
    return await run(event);
  } catch (err) {
    logger.error('bounce failed', { error: errorInfo(err) });
    throw err;
  }
};
