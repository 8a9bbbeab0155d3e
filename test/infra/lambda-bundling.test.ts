// The NodejsFunction bundling props are the esbuild settings of infra/bundle-options.ts (the ones
// `npm run build` uses): field by field, and byte for byte on the bundles CDK really builds.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { build, type BuildOptions } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_FUNCTIONS, SDK_UNUSED_LAZY_MODULES, esbuildOptionsFor } from '../../infra/bundle-options.js';
import { addCountyStack } from '../../infra/county.js';
import { BundlingMappingError, bundlingFor, bundlingFromEsbuild } from '../../infra/lambda-bundling.js';
import { REPO_ROOT, type SibaoStack } from '../../infra/sibao-stack.js';

describe('bundlingFor(name) maps esbuildOptionsFor(name)', () => {
  it.each(LAMBDA_FUNCTIONS)('%s', (name) => {
    const o = esbuildOptionsFor(name) as BuildOptions;
    const b = bundlingFor(name);
    expect(o.bundle).toBe(true);
    expect(o.platform).toBe('node');
    expect(b.format).toBe(o.format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS);
    expect(b.minify).toBe(Boolean(o.minify));
    expect(b.target).toBe([o.target].flat().join(','));
    expect(b.banner).toBe(o.banner?.js);
    expect(b.footer).toBe(o.footer?.js);
    expect(b.externalModules).toEqual(o.external ?? []);
    expect(b.mainFields).toEqual(o.mainFields);
    expect(b.define).toEqual(o.define);
    expect(b.sourceMap).toBe(Boolean(o.sourcemap));
    const args = b.esbuildArgs ?? {};
    expect(args['--alias']).toEqual(o.alias ? Object.entries(o.alias).map(([k, v]) => `${k}=${v}`) : undefined);
    expect(args['--conditions']).toBe(o.conditions?.join(','));
    expect(args['--legal-comments']).toBe(o.legalComments);
    expect(args['--tree-shaking']).toBe(o.treeShaking === undefined ? undefined : String(o.treeShaking));
  });

  it('the Lambda bundles are ESM, minified, for Node 22', () => {
    for (const name of LAMBDA_FUNCTIONS) {
      expect(bundlingFor(name)).toMatchObject({ format: OutputFormat.ESM, minify: true });
      expect(bundlingFor(name).target).toMatch(/^node2[2-9]/);
    }
  });

  it('maps esbuild-only options to esbuildArgs and refuses what it cannot map', () => {
    expect(
      bundlingFromEsbuild({
        bundle: true,
        platform: 'node',
        format: 'esm',
        legalComments: 'none',
        conditions: ['module', 'import'],
        drop: ['debugger'],
        alias: { a: '/x/b.ts' },
        outExtension: { '.js': '.mjs' },
      }),
    ).toMatchObject({
      esbuildArgs: { '--legal-comments': 'none', '--conditions': 'module,import', '--drop': ['debugger'], '--alias': ['a=/x/b.ts'] },
      externalModules: [],
    });
    expect(() => bundlingFromEsbuild({ platform: 'browser' })).toThrow(BundlingMappingError);
    expect(() => bundlingFromEsbuild({ jsx: 'automatic' })).toThrow(/jsx.*infra\/lambda-bundling\.ts/);
    expect(() => bundlingFromEsbuild({ banner: { css: '/* x */' } })).toThrow(BundlingMappingError);
  });
});

describe('the assets CDK bundles equal dist/functions/<name>.mjs', () => {
  let outdir: string;
  let assetOf: (name: string) => string;

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'sibao-cdk-'));
    const app = new App({
      outdir,
      builtinCloudFormationValidation: false, // only the assets matter here (cdk synth validates)
      context: { county: 'tongxu', region: 'ap-northeast-1', sesIdentity: 'mail.tongxu.example' },
    });
    const stack: SibaoStack = addCountyStack(app, { account: '123456789012' });
    app.synth();
    const resources = JSON.parse(readFileSync(join(outdir, `${stack.artifactId}.template.json`), 'utf8')).Resources;
    assetOf = (name) => {
      const logicalId = stack.getLogicalId(stack.functions[name as keyof typeof stack.functions].node.defaultChild as never);
      const key: string = resources[logicalId].Properties.Code.S3Key;
      return join(outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
    };
  }, 120_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it.each(LAMBDA_FUNCTIONS)('%s', async (name) => {
    const { outdir: _d, outfile: _f, ...rest } = esbuildOptionsFor(name) as BuildOptions;
    const local = await build({
      absWorkingDir: REPO_ROOT,
      entryPoints: [join(REPO_ROOT, 'functions', 'handlers', `${name}.ts`)],
      ...rest,
      outfile: join(outdir, 'local', `${name}.mjs`),
      write: false,
      metafile: false,
      logLevel: 'silent',
    });
    const fromCdk = readFileSync(assetOf(name), 'utf8');
    expect(fromCdk.length).toBeGreaterThan(1000);
    expect(fromCdk).toBe(local.outputFiles[0].text);
  });
});

describe('each bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sibao-bundle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // The byte budget is a guard against a dependency pulled in by mistake, not the measure of cost:
  // init time is (`npm run bench -- lambda-init`, as a ratio to a bare module). 512 KB keeps a cold
  // start near the ~250 KB figure in STACK.md (100–250 ms), far from 1.5 MB (~1 s), and leaves room
  // for the second release's features with their libraries (jose, the SES client) rather than
  // hand-written replacements.
  const BUNDLE_BUDGET_BYTES = 512 * 1024;
  it.each(LAMBDA_FUNCTIONS)('%s stays within the 512 KB budget and loads on its own; what is left external is only imported lazily', async (name) => {
    const { outdir: _d, outfile: _f, ...rest } = esbuildOptionsFor(name) as BuildOptions;
    const out = await build({ absWorkingDir: REPO_ROOT, entryPoints: [join(REPO_ROOT, 'functions', 'handlers', `${name}.ts`)], ...rest, write: false, logLevel: 'silent' });
    const code = out.outputFiles[0].text;
    expect(Buffer.byteLength(code, 'utf8')).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES);
    for (const m of SDK_UNUSED_LAZY_MODULES) {
      // Never a static import (it would be resolved at load, where no node_modules exist).
      expect(code).not.toMatch(new RegExp(`(?:from|import)\\s*"${m}"`));
    }
    // Loaded by a bare Node outside the repository (no node_modules to fall back on), it exports its handler.
    const file = join(dir, `${name}.mjs`);
    writeFileSync(file, code);
    const exported = execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(file)}); console.log(typeof m.handler)`], {
      cwd: dir,
      env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      encoding: 'utf8',
    });
    expect(exported.trim()).toBe('function');
  });
});
