// Benchmark: init of each Lambda bundle, i.e. what a cold start pays for our code before the first
// event. Each bundle is built exactly as `npm run build` and the CDK build it (infra/bundle-options.ts),
// written outside the repository (as Lambda's /var/task: no node_modules) and loaded with an
// in-process `import()` in a fresh `node` per sample; wall time (performance.now) and CPU time
// (process.cpuUsage) around that import are compared with the same import of a bare module
// (`export const handler = async () => …`) measured in the same rounds. Rounds are interleaved (every
// case once per round, the order rotated each round, WARMUP untimed rounds first); the report gives
// medians and the ratio of medians against the bare module. Target: ≤ 5× (issue 16).
//
// Two more rows document the decision in infra/README.md ("Bundle size and init time"):
//  - "SDK 外置": the same entry with `@aws-sdk/*` and `@smithy/*` left external, loaded from a folder
//    where the SDK resolves from node_modules — how a bundle that uses the SDK the Lambda runtime ships
//    (/var/runtime/node_modules, CommonJS) would load;
//  - "仅 DynamoDB 客户端": a bundle holding only the DynamoDB document client, built with the same
//    settings — the floor of every function that reads the table at all — and the Node built-ins
//    that client imports (http, https, crypto, stream, …) alone.
// Exits non-zero only when a bundle fails to load.
//
// SIBAO_BENCH_RUNS (default 15) rounds; SIBAO_BENCH_ONLY=api,sweep limits the functions.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { LAMBDA_FUNCTIONS, esbuildOptionsFor } from '../infra/bundle-options.js';
import { renderTable } from '../local/format.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.SIBAO_BENCH_RUNS ?? 15);
const WARMUP = 2;
const TARGET = 5;
const ONLY = process.env.SIBAO_BENCH_ONLY?.split(',').filter(Boolean);
const SDK_EXTERNAL = ['@aws-sdk/*', '@smithy/*', '@aws-crypto/*'];

const PROBE = `
const c0 = process.cpuUsage();
const t0 = performance.now();
const m = await import(process.argv[1]);
const wall = performance.now() - t0;
const c = process.cpuUsage(c0);
if (typeof m.handler !== 'function') throw new Error('no handler export');
console.log(JSON.stringify({ wall, cpu: (c.user + c.system) / 1000 }));`;

interface Case {
  label: string;
  file: string;
  bytes: number;
  /** The function's own bundle (checked against the target). */
  target: boolean;
  wall: number[];
  cpu: number[];
}

async function bundle(options: BuildOptions, outFile: string): Promise<number> {
  const { outdir: _d, outfile: _f, ...rest } = options;
  const out = await build({ ...rest, absWorkingDir: ROOT, write: false, logLevel: 'silent' });
  writeFileSync(outFile, out.outputFiles[0].contents);
  return out.outputFiles[0].contents.length;
}

function sample(c: Case): void {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', PROBE, c.file], {
    cwd: dirname(c.file),
    env: { PATH: process.env.PATH, AWS_REGION: 'ap-northeast-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    encoding: 'utf8',
  });
  const s = JSON.parse(out.trim().split('\n').at(-1)!) as { wall: number; cpu: number };
  c.wall.push(s.wall);
  c.cpu.push(s.cpu);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

const work = mkdtempSync(join(tmpdir(), 'sibao-init-bench-'));
try {
  // As deployed: no node_modules anywhere above the bundle.
  const task = join(work, 'task');
  // SDK left external: resolvable from node_modules, as the runtime's copy would be.
  const runtime = join(work, 'runtime');
  mkdirSync(task);
  mkdirSync(runtime);
  symlinkSync(join(ROOT, 'node_modules'), join(runtime, 'node_modules'), 'dir');

  const bare = join(task, 'bare.mjs');
  writeFileSync(bare, 'export const handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event ?? null) });\n');
  const cases: Case[] = [{ label: '空模块（基线）', file: bare, bytes: 0, target: false, wall: [], cpu: [] }];
  const names = LAMBDA_FUNCTIONS.filter((n) => !ONLY || ONLY.includes(n));
  for (const name of names) {
    const options = esbuildOptionsFor(name);
    const file = join(task, `${name}.mjs`);
    cases.push({ label: `${name}.mjs`, file, bytes: await bundle(options, file), target: true, wall: [], cpu: [] });
    const ext = join(runtime, `${name}.mjs`);
    const bytes = await bundle({ ...options, external: [...(options.external ?? []), ...SDK_EXTERNAL] }, ext);
    cases.push({ label: `${name}.mjs（SDK 外置）`, file: ext, bytes, target: false, wall: [], cpu: [] });
  }
  const floor = join(task, 'dynamodb-only.mjs');
  const floorBytes = await bundle(
    {
      ...esbuildOptionsFor('bounce'),
      entryPoints: undefined,
      stdin: {
        contents: [
          "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
          "import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';",
          'const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
          'const commands = { GetCommand, PutCommand, QueryCommand, UpdateCommand };',
          'export const handler = async (e) => doc.send(new commands[e.command](e.input));',
        ].join('\n'),
        resolveDir: ROOT,
        loader: 'js',
        sourcefile: 'dynamodb-only.js',
      },
    },
    floor,
  );
  cases.push({ label: '仅 DynamoDB 客户端', file: floor, bytes: floorBytes, target: false, wall: [], cpu: [] });
  // The Node built-ins that client imports, alone (part of that floor that no bundling can remove).
  const builtins = join(task, 'builtins-only.mjs');
  const used = [...new Set([...readFileSync(floor, 'utf8').matchAll(/from\s*"(node:[a-z_/]+)"/g)].map((m) => m[1]))].sort();
  writeFileSync(builtins, `${used.map((m, i) => `import * as m${i} from '${m}';`).join('\n')}\nexport const handler = async () => [${used.map((_, i) => `m${i}`).join(', ')}].length;\n`);
  cases.push({ label: `仅其 Node 内置模块（${used.length} 个）`, file: builtins, bytes: 0, target: false, wall: [], cpu: [] });

  console.log(`Lambda 包初始化（新 node 进程内 import() 计时；Node ${process.version}），预热 ${WARMUP} 轮，交替 ${RUNS} 轮取中位数：`);
  for (let round = 0; round < WARMUP + RUNS; round++) {
    const order = cases.map((_, i) => cases[(i + round) % cases.length]);
    for (const c of order) {
      sample(c);
      if (round < WARMUP) {
        c.wall.pop();
        c.cpu.pop();
      }
    }
  }
  const base = cases[0];
  const bw = median(base.wall);
  const bc = median(base.cpu);
  const rows = cases.map((c) => {
    const rw = median(c.wall) / bw;
    const rc = median(c.cpu) / bc;
    const mark = c.target ? (rw <= TARGET ? ' ✓' : ' ✗') : '';
    return [c.label, c.bytes ? kb(c.bytes) : '—', `${median(c.wall).toFixed(1)} ms`, `${median(c.cpu).toFixed(1)} ms`, `${rw.toFixed(1)}×${mark}`, `${rc.toFixed(1)}×`];
  });
  console.log(renderTable(['包', '大小', '墙钟', 'CPU', '墙钟比', 'CPU 比'], rows, { right: [1, 2, 3, 4, 5], indent: '  ' }));
  console.log(`  比值为中位数之比（对空模块）；目标 ≤ ${TARGET}×（✓/✗ 只标各函数的部署包）。`);
  for (const name of names) {
    const own = cases.find((c) => c.label === `${name}.mjs`)!;
    const ext = cases.find((c) => c.label === `${name}.mjs（SDK 外置）`)!;
    console.log(`  ${name}：SDK 外置时 ${kb(ext.bytes)}（少 ${kb(own.bytes - ext.bytes)}），初始化墙钟为打包时的 ${(median(ext.wall) / median(own.wall)).toFixed(1)} 倍`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
