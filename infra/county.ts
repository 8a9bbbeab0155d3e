// Builds a county's stack from the app's context (shared by infra/app.ts and the tests).
import type { App } from 'aws-cdk-lib';
import { readCountyConfig, type CountyConfig } from './config.js';
import { SibaoStack } from './sibao-stack.js';

/** The stack name of a county: `sibao-tongxu`. */
export function stackNameFor(config: CountyConfig): string {
  return `sibao-${config.county}`;
}

/** Adds the county's stack (settings from the app's context) and returns it. */
export function addCountyStack(app: App, opts: { entryRoot?: string; account?: string } = {}): SibaoStack {
  const config = readCountyConfig(app.node);
  return new SibaoStack(app, stackNameFor(config), {
    config,
    entryRoot: opts.entryRoot,
    env: { account: opts.account ?? process.env.CDK_DEFAULT_ACCOUNT, region: config.region },
    description: `sibao 四保白名单调度 (${config.county})`,
  });
}
