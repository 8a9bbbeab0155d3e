// What every Lambda's default wiring shares: the DynamoDB client (with timeouts) and building a
// handler's dependencies once per container (Lambda execution environment).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { errorInfo } from '../ports.js';
import { logger } from './logger.js';

/** The DynamoDB client of a Lambda (region, credentials and endpoint from the environment). */
export function lambdaDynamoClient(): DynamoDBClient {
  return new DynamoDBClient({ requestHandler: { requestTimeout: 5_000, connectionTimeout: 2_000 } });
}

/**
 * A handler's dependencies, built on the first invocation of the container and kept for its life
 * (held at module scope by each handler). A failed build is logged and forgotten, so the next
 * invocation builds again.
 */
export function oncePerContainer<T>(name: string, build: () => T | Promise<T>): () => Promise<T> {
  let wiring: Promise<T> | undefined;
  return () =>
    (wiring ??= (async () => build())().catch((err: unknown) => {
      wiring = undefined;
      logger.error(`${name} configuration failed`, { error: errorInfo(err) });
      throw err;
    }));
}
