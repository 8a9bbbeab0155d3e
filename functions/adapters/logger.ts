// One structured JSON logger for every function, created at module scope (Powertools): the Log port
// of the Lambda wiring. Never log a bearer token, an action token, a secret or a mail body; log ids,
// codes and counts.
import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../ports.js';

export const logger = new Logger({ serviceName: 'sibao' });

/** Use-case dependencies with the log optional: the handlers' factories default it to `logger`. */
export type LogOptional<T extends { log: Log }> = Omit<T, 'log'> & { log?: Log };

export function withLogger<T extends { log?: Log }>(deps: T): T & { log: Log } {
  return { ...deps, log: deps.log ?? logger };
}
