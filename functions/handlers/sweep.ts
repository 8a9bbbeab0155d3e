// Lambda `sweep` (EventBridge Scheduler every 15 minutes): the deadline sweep, usecases/sweep.ts, then
// the registers' mails (usecases/registers.ts: the 3-day shutdown overrun to the county leadership,
// 熔断 to the sector class; each once, through the delivery path and the SES mailer), then
// the bounce notifications whose recording failed earlier and are due again (usecases/bounce.ts).
import { requireEnv } from '../adapters/config.js';
import { createDigestStore } from '../adapters/digest-store.js';
import { createFailureStore } from '../adapters/failure-store.js';
import { createOpsMetrics } from '../adapters/metrics.js';
import { createStore } from '../adapters/dynamodb-store.js';
import { lambdaDynamoClient, oncePerContainer } from '../adapters/lambda.js';
import { withLogger, type LogOptional } from '../adapters/logger.js';
import { systemClock, type DigestStore, type Mailer, type PolicyStore } from '../ports.js';
import { createSesClient, createSesMailer } from '../adapters/ses-mailer.js';
import { retryFeedback } from '../usecases/bounce.js';
import { jobSteps } from '../usecases/isolation.js';
import { createPolicyStore } from '../adapters/policy-store.js';
import { planFilingReminders, planPolicyPushes, type PushPlanSummary } from '../usecases/policy-push.js';
import { runSweep, type SweepDeps, type SweepSummary } from '../usecases/sweep.js';
import { sweepRegisters, type RegisterSweepSummary } from '../usecases/registers.js';

/** The sweep's summary, with the registers' mails and what 政策找企 planned when the handler has their deps. */
export type SweepRunSummary = SweepSummary & { registers?: RegisterSweepSummary; policy?: PushPlanSummary & { reminders: number } };

/**
 * The deadline sweep, then (given the mailer) the registers' mails, then the bounce retries (given the
 * digest and failure stores), then (given the policy store) the day's 政策推送 and the Monday filing
 * reminders.
 */
export function makeSweepHandler(deps: LogOptional<SweepDeps> & { digests?: DigestStore; policies?: PolicyStore; mailer?: Mailer }): () => Promise<SweepRunSummary> {
  const wired = withLogger(deps);
  const sweep = runSweep(wired);
  const digests = deps.digests;
  const registers = deps.mailer
    ? sweepRegisters({
        store: wired.store,
        mailer: deps.mailer,
        clock: wired.clock,
        leaseClock: wired.leaseClock,
        log: wired.log,
        suppressed: digests ? (emails) => digests.suppressedAmong(emails) : undefined,
        failures: wired.failures,
        ops: wired.ops,
      })
    : undefined;
  const bounces = digests && wired.failures ? retryFeedback({ digests, failures: wired.failures, clock: wired.clock, log: wired.log, metrics: wired.ops }) : undefined;
  const policies = deps.policies;
  if (!registers && !bounces && !policies) return sweep;
  return async () => {
    // Each step on its own (isolation.ts jobSteps): one that throws is logged, the others still run,
    // and the run then fails with the first error.
    const { step, finish } = jobSteps(wired.log, 'sweep');
    const summary: SweepRunSummary = (await step('deadlines', sweep)) ?? { swept: 0, written: 0, notifications: 0, batches: 0, pages: 0, skipped: false };
    // A run that found the lease held leaves the registers to the run holding it.
    if (registers && !summary.skipped) summary.registers = await step('registers', registers);
    if (bounces) await step('bounces', bounces);
    if (policies) {
      const pd = { store: wired.store, policies, clock: wired.clock, log: wired.log };
      const plan = await step('policy pushes', () => planPolicyPushes(pd));
      const reminders = await step('filing reminders', () => planFilingReminders(pd));
      if (plan) summary.policy = { ...plan, reminders: reminders ?? 0 };
    }
    finish();
    return summary;
  };
}

const wiring = oncePerContainer('sweep', () => {
  const client = lambdaDynamoClient();
  const tableName = requireEnv('TABLE_NAME');
  return makeSweepHandler({
    store: createStore({ client, tableName }),
    digests: createDigestStore({ client, tableName }),
    failures: createFailureStore({ client, tableName }),
    ops: createOpsMetrics({ county: requireEnv('COUNTY'), namespace: process.env.POWERTOOLS_METRICS_NAMESPACE?.trim() || undefined }),
    clock: systemClock,
    policies: createPolicyStore({ client, tableName }),
    mailer: createSesMailer({ client: createSesClient(), from: requireEnv('MAIL_FROM'), configurationSet: process.env.SES_CONFIGURATION_SET?.trim() || undefined }),
  });
});

export const handler = async (): Promise<SweepRunSummary> => (await wiring())();
