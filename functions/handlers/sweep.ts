// Lambda `sweep` (EventBridge Scheduler every 15 minutes): the deadline sweep, usecases/sweep.ts.
import { requireEnv } from '../adapters/config.js';
import { createStore } from '../adapters/dynamodb-store.js';
import { lambdaDynamoClient, oncePerContainer } from '../adapters/lambda.js';
import { withLogger, type LogOptional } from '../adapters/logger.js';
import { systemClock } from '../ports.js';
import { runSweep, type SweepDeps, type SweepSummary } from '../usecases/sweep.js';

export function makeSweepHandler(deps: LogOptional<SweepDeps>): () => Promise<SweepSummary> {
  return runSweep(withLogger(deps));
}

const wiring = oncePerContainer('sweep', () =>
  makeSweepHandler({ store: createStore({ client: lambdaDynamoClient(), tableName: requireEnv('TABLE_NAME') }), clock: systemClock }),
);

export const handler = async (): Promise<SweepSummary> => (await wiring())();
