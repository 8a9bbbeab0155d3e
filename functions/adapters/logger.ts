// One structured JSON logger for every function, created at module scope (Powertools): the Log port
// of the Lambda wiring. Never log a bearer token, an action token, a secret or a mail body; log ids,
// codes and counts.
import { Logger } from '@aws-lambda-powertools/logger';
import type { Log, OpsMetrics } from '../ports.js';

export const logger = new Logger({ serviceName: 'sibao' });

/** Use-case dependencies with the log optional: the handlers' factories default it to `logger`. */
export type LogOptional<T extends { log: Log }> = Omit<T, 'log'> & { log?: Log };

export function withLogger<T extends { log?: Log }>(deps: T): T & { log: Log } {
  return { ...deps, log: deps.log ?? logger };
}

/** The field of a metric log line; infra/ turns these lines into metrics with a log metric filter. */
export const METRIC_LOG_FIELD = 'metric';

/**
 * The OpsMetrics port as structured log lines `{"metric": <name>, "value": n, "county": …}` that a
 * CloudWatch Logs metric filter (infra/sibao-stack.ts LOG_METRICS) turns into the metric: the API's
 * way, which keeps Powertools Metrics (~19 KB) out of its bundle. The line is written whatever the
 * log level.
 */
export function createLogMetrics(county: string, log: Pick<Logger, 'warn'> = logger): OpsMetrics {
  return {
    put(name, value) {
      log.warn('metric', { [METRIC_LOG_FIELD]: name, value, county });
    },
  };
}
