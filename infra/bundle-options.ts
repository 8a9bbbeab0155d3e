// The one place the Lambda bundling settings live: scripts/build-functions.ts and the CDK app both
// call esbuildOptionsFor(name). Decision: the AWS SDK v3 clients are BUNDLED, not left external to
// the copy the nodejs22.x runtime ships. Measured (`npm run bench -- lambda-init`, figures in
// infra/README.md "Why the AWS SDK is bundled"): leaving `@aws-sdk/*` + `@smithy/*` external saves
// 177–231 KB per bundle but makes init 3.5–4.6× slower (the runtime's copy is CommonJS, one file per
// package, whole clients), and the deployed code would run whatever SDK version the runtime carries,
// not the tested one (nor the two aliases below). Bundled, minified and tree-shaken, each bundle stays
// under 400 KB; test/infra/lambda-bundling.test.ts loads each one where no node_modules exist.
// CJS dependencies inside an ESM bundle need `require`: the banner provides it.
// CDK's NodejsFunction: pass the same alias through `esbuildArgs` (`--alias:<pkg>=<path>`).
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

/** Lambda entries that exist (functions/handlers/<name>.ts exporting `handler`). */
export const LAMBDA_FUNCTIONS: string[] = ['api', 'dispatch', 'sweep', 'digest', 'bounce', 'web', 'pages'];

export const BUNDLE_BANNER =
  "import { createRequire as __sibaoCreateRequire } from 'node:module'; const require = __sibaoCreateRequire(import.meta.url);";

/** Absolute path of the env-only credential provider that replaces the SDK's default chain in bundles. */
export const LAMBDA_CREDENTIALS_MODULE = fileURLToPath(new URL('../functions/adapters/lambda-credentials.ts', import.meta.url));

/** Absolute path of the Map-based EndpointCache that replaces the SDK's mnemonist-based one in bundles. */
export const ENDPOINT_CACHE_MODULE = fileURLToPath(new URL('../functions/adapters/endpoint-cache.ts', import.meta.url));

/** Modules the SDK imports lazily (dynamic import) for features these functions never use. */
export const SDK_UNUSED_LAZY_MODULES = ['@smithy/core/event-streams'] as const;

export function esbuildOptionsFor(name: string): BuildOptions {
  if (!LAMBDA_FUNCTIONS.includes(name)) throw new Error(`unknown Lambda function "${name}" (known: ${LAMBDA_FUNCTIONS.join(', ')})`);
  return {
    entryPoints: [`functions/handlers/${name}.ts`],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    sourcemap: false,
    treeShaking: true,
    legalComments: 'none',
    // Chinese text (messages, pages) as UTF-8, not \uXXXX escapes: ~18 KB less in the api bundle.
    charset: 'utf8',
    // ESM builds of dependencies first (zod, jose, the SDK's dist-es).
    mainFields: ['module', 'main'],
    conditions: ['module', 'import'],
    banner: { js: BUNDLE_BANNER },
    // Lambda supplies credentials in the environment: skip the SDK's full provider chain.
    // The DynamoDB client's endpoint-discovery cache, never read (no command attaches discovery): a
    // Map instead of mnemonist's LRU.
    alias: { '@aws-sdk/credential-provider-node': LAMBDA_CREDENTIALS_MODULE, '@aws-sdk/endpoint-cache': ENDPOINT_CACHE_MODULE },
    // The SDK loads its event-stream codec with a dynamic import() only for operations that stream
    // events; DynamoDB, SES and Secrets Manager have none, so the import is never evaluated and the
    // codec (~11 KB minified) stays out of the bundles.
    external: [...SDK_UNUSED_LAZY_MODULES],
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  };
}
