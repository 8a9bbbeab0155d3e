// One minified ESM bundle per Lambda, `dist/functions/<name>.mjs`, with exactly the esbuild settings
// the CDK app uses (`infra/bundle-options.ts` is the one place they live).
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { LAMBDA_FUNCTIONS, esbuildOptionsFor } from '../infra/bundle-options.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface BuiltFunction {
  name: string;
  file: string;
  bytes: number;
}

export async function buildFunctions(outDir = join(root, 'dist', 'functions')): Promise<BuiltFunction[]> {
  mkdirSync(outDir, { recursive: true });
  const built: BuiltFunction[] = [];
  for (const name of LAMBDA_FUNCTIONS) {
    const base = esbuildOptionsFor(name) as BuildOptions;
    const file = join(outDir, `${name}.mjs`);
    const { outdir: _outdir, outfile: _outfile, ...rest } = base;
    const result = await build({
      absWorkingDir: root,
      entryPoints: [join(root, 'functions', 'handlers', `${name}.ts`)],
      ...rest,
      outfile: file,
      write: true,
      logLevel: 'warning',
    });
    if (result.errors.length) throw new Error(`构建 ${name} 失败：${result.errors.map((e) => e.text).join('；')}`);
    built.push({ name, file, bytes: statSync(file).size });
  }
  return built;
}

// `tsx scripts/build-functions.ts` builds just the functions.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const f of await buildFunctions()) console.log(`dist/functions/${f.name}.mjs  ${(f.bytes / 1024).toFixed(1)} KB`);
}
