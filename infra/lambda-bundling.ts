// The ONE place that turns the esbuild settings of `infra/bundle-options.ts` (the settings
// `npm run build` uses for `dist/functions/<name>.mjs`) into NodejsFunction `bundling` props, so the
// Lambda code CDK deploys is built exactly like the bundles the local stack runs.
//
// NodejsFunction always runs `esbuild --bundle <entry> --platform=node --outfile=<asset>/index.mjs`
// with the local esbuild (no Docker). Every other option is mapped below; an esbuild option that has
// no mapping throws at synth time, so the two builds cannot drift apart silently.
import type { BuildOptions } from 'esbuild';
import { OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { esbuildOptionsFor } from './bundle-options.js';

/** Options that say where the input/output lives or only affect reporting, not the bundle's bytes. */
const LOCATION_OR_REPORTING_KEYS = new Set([
  'entryPoints',
  'outfile',
  'outdir',
  'outbase',
  'outExtension',
  'entryNames',
  'chunkNames',
  'assetNames',
  'write',
  'absWorkingDir',
  'metafile',
  'logLevel',
  'logLimit',
  'color',
]);

export class BundlingMappingError extends Error {
  readonly code = 'bundling_option_unmapped';
  constructor(message: string) {
    super(message);
    this.name = 'BundlingMappingError';
  }
}

type EsbuildArgs = NonNullable<BundlingOptions['esbuildArgs']>;

/** Maps esbuild build options onto NodejsFunction bundling props (throws on anything unmapped). */
export function bundlingFromEsbuild(opts: BuildOptions): BundlingOptions {
  const esbuildArgs: EsbuildArgs = {};
  const out: { -readonly [K in keyof BundlingOptions]: BundlingOptions[K] } = {
    // NodejsFunction externalises `@aws-sdk/*` by default on Node >= 18; the bundles we test locally
    // decide for themselves, so the list is always passed explicitly (empty = bundle everything).
    externalModules: [...(opts.external ?? [])],
    sourceMap: false,
  };
  for (const [key, value] of Object.entries(opts) as [keyof BuildOptions, unknown][]) {
    if (value === undefined || LOCATION_OR_REPORTING_KEYS.has(key)) continue;
    switch (key) {
      case 'bundle':
        if (value !== true) throw new BundlingMappingError('NodejsFunction 总是打包（bundle: true）；bundle-options 中 bundle 不能为 false');
        break;
      case 'platform':
        if (value !== 'node') throw new BundlingMappingError(`NodejsFunction 只支持 platform "node"，得到 "${String(value)}"`);
        break;
      case 'format':
        if (value === 'esm') out.format = OutputFormat.ESM;
        else if (value === 'cjs') out.format = OutputFormat.CJS;
        else throw new BundlingMappingError(`Lambda 不支持 format "${String(value)}"`);
        break;
      case 'minify':
        out.minify = Boolean(value);
        break;
      case 'target':
        out.target = Array.isArray(value) ? value.join(',') : String(value);
        break;
      case 'banner':
      case 'footer': {
        const { js, ...other } = value as Record<string, string>;
        if (Object.keys(other).length) throw new BundlingMappingError(`${key} 只支持 js，得到 ${Object.keys(other).join(', ')}`);
        if (js !== undefined) out[key] = js;
        break;
      }
      case 'external':
        break; // handled above
      case 'mainFields':
        out.mainFields = [...(value as string[])];
        break;
      case 'define':
        out.define = { ...(value as Record<string, string>) };
        break;
      case 'loader':
        out.loader = { ...(value as Record<string, string>) };
        break;
      case 'keepNames':
        out.keepNames = Boolean(value);
        break;
      case 'inject':
        out.inject = [...(value as string[])];
        break;
      case 'tsconfig':
        out.tsconfig = String(value);
        break;
      case 'sourcemap':
        if (value === false) out.sourceMap = false;
        else if (value === true) out.sourceMap = true;
        else {
          out.sourceMap = true;
          out.sourceMapMode = value as SourceMapMode;
        }
        break;
      case 'sourcesContent':
        out.sourcesContent = Boolean(value);
        break;
      case 'legalComments':
        esbuildArgs['--legal-comments'] = String(value);
        break;
      case 'charset':
        esbuildArgs['--charset'] = String(value);
        break;
      case 'conditions':
        esbuildArgs['--conditions'] = (value as string[]).join(',');
        break;
      case 'treeShaking':
        esbuildArgs['--tree-shaking'] = String(value);
        break;
      case 'drop':
        esbuildArgs['--drop'] = [...(value as string[])];
        break;
      case 'pure':
        esbuildArgs['--pure'] = [...(value as string[])];
        break;
      case 'alias':
        esbuildArgs['--alias'] = Object.entries(value as Record<string, string>).map(([from, to]) => `${from}=${to}`);
        break;
      case 'splitting':
        if (value) throw new BundlingMappingError('Lambda 入口是单文件，不能使用 splitting');
        break;
      default:
        throw new BundlingMappingError(
          `esbuild 选项 "${key}" 没有对应的 NodejsFunction 设置：请在 infra/lambda-bundling.ts 中补上映射`,
        );
    }
  }
  if (Object.keys(esbuildArgs).length) out.esbuildArgs = esbuildArgs;
  return out;
}

/** The NodejsFunction bundling props of one Lambda (same settings as `dist/functions/<name>.mjs`). */
export function bundlingFor(name: string): BundlingOptions {
  return bundlingFromEsbuild(esbuildOptionsFor(name) as BuildOptions);
}
