// Lambda `sweep` (EventBridge Scheduler every 15 minutes): the deadline sweep, usecases/sweep.ts, then
// the bounce notifications whose recording failed earlier and are due again (usecases/bounce.ts).
import { requireEnv } from '../adapters/config.js';
import { createDigestStore } from '../adapters/digest-store.js';
import { createFailureStore } from '../adapters/failure-store.js';
import { createOpsMetrics } from '../adapters/metrics.js';
import { createStore } from '../adapters/dynamodb-store.js';
import { lambdaDynamoClient, oncePerContainer } from '../adapters/lambda.js';
import { withLogger, type LogOptional } from '../adapters/logger.js';
import { systemClock, type DigestStore } from '../ports.js';
import { retryFeedback } from '../usecases/bounce.js';
import { runSweep, type SweepDeps, type SweepSummary } from '../usecases/sweep.js';

export function makeSweepHandler(deps: LogOptional<SweepDeps> & { digests?: DigestStore }): () => Promise<SweepSummary> {
  const wired = withLogger(deps);
  const sweep = runSweep(wired);
  const digests = deps.digests;
  if (!digests || !wired.failures) return sweep;
  const bounces = retryFeedback({ digests, failures: wired.failures, clock: wired.clock, log: wired.log, metrics: wired.ops });
  return async () => {
    const summary = await sweep();
    await bounces();
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
  });
});

export const handler = async (): Promise<SweepSummary> => (await wiring())();
