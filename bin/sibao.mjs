#!/usr/bin/env node
// Entry of the `sibao` CLI. Runs the TypeScript sources through tsx's loader so a clean clone works
// after `npm ci` without a build step.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../local/cli.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
