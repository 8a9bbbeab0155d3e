// Benchmark: how long the `sibao` CLI takes to start, as whole processes, against `node -e 0` (the
// floor: starting Node itself) measured in the same run. Each command runs WARMUP times untimed (the
// tsx transform cache and the page cache fill), then RUNS times interleaved with the baseline
// (A B A B …, so drift in the machine's speed hits both); the report gives median wall and CPU time
// and the median of the pairwise ratios. A heavy import at start-up (exceljs, the AWS SDK) shows as
// a ratio well above the others, and in the list under the table: the packages whose code the command
// loaded (recorded by a module-load hook, bench/import-trace.mjs; CommonJS files required from inside a
// package are not seen, its entry point is). Exits non-zero only when a command fails.
//
// SIBAO_BENCH_ROOT=/path/to/other/checkout times that checkout's bin/sibao.mjs instead (before/after).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTable } from '../local/format.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(process.env.SIBAO_BENCH_ROOT ?? join(HERE, '..'));
const RUNS = Number(process.env.SIBAO_BENCH_RUNS ?? 15);
const WARMUP = 3;
const BIN = join(ROOT, 'bin/sibao.mjs');

interface Case {
  label: string;
  args: string[];
}

const CASES: Case[] = [
  { label: 'sibao --help', args: [BIN, '--help'] },
  { label: 'sibao calendar add-workdays 2022-06-02 3', args: [BIN, 'calendar', 'add-workdays', '2022-06-02', '3'] },
  { label: 'sibao start --help', args: [BIN, 'start', '--help'] },
  { label: 'sibao export --help', args: [BIN, 'export', '--help'] },
  { label: 'sibao validate examples/valid/白名单.csv', args: [BIN, 'validate', join(ROOT, 'examples/valid/白名单.csv')] },
  // What the TypeScript loader alone costs: no sibao code at all.
  { label: '（仅 tsx 加载器：register()）', args: ['-e', "import('tsx/esm/api').then((m) => m.register())"] },
];
const BASELINE: Case = { label: 'node -e 0（基线）', args: ['-e', '0'] };

/** CPU seconds (user + system) of this process's reaped children so far (Linux: /proc/self/stat). */
function childCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the command name start at field 3 (state); cutime and cstime are fields 16 and 17.
    const ticks = Number(fields[16 - 3]) + Number(fields[17 - 3]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

interface Sample {
  wall: number;
  cpu: number | null;
}

function runOnce(c: Case, env: NodeJS.ProcessEnv = {}): Sample {
  const cpu0 = childCpuMs();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, c.args, {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
  });
  const wall = performance.now() - t0;
  const cpu1 = childCpuMs();
  if (r.status !== 0) {
    console.error(`${c.label} 运行失败（退出码 ${r.status}）：${r.stderr?.toString().slice(0, 2000)}`);
    process.exit(2);
  }
  return { wall, cpu: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Packages (and local folders) whose modules a command loaded, from the import-trace hook's log. */
function loadedPackages(c: Case, dir: string): string[] {
  const log = join(dir, `trace-${Math.random().toString(36).slice(2)}.txt`);
  const traced: Case = { ...c, args: ['--import', join(HERE, 'import-trace.mjs'), ...c.args] };
  runOnce(traced, { SIBAO_IMPORT_TRACE: log });
  let urls: string[];
  try {
    urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
  const names = new Set<string>();
  for (const u of urls) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u);
    if (m) names.add(m[1]);
  }
  return [...names].sort();
}

/** The TypeScript loader itself (every command pays for it; its own line shows how much). */
const LOADER = new Set(['tsx', 'esbuild', 'get-tsconfig', 'resolve-pkg-maps']);

const dir = mkdtempSync(join(tmpdir(), 'sibao-cli-bench-'));
try {
  console.log(`CLI 启动时间（整个进程，${ROOT === resolve(HERE, '..') ? '本仓库' : ROOT} 的 bin/sibao.mjs），各预热 ${WARMUP} 次，再与基线交替运行 ${RUNS} 次取中位数：`);
  for (let i = 0; i < WARMUP; i++) runOnce(BASELINE);
  const rows: string[][] = [];
  const loaded: string[] = [];
  let baseWall: number[] = [];
  let baseCpu: number[] = [];
  for (const c of CASES) {
    for (let i = 0; i < WARMUP; i++) runOnce(c);
    const a: Sample[] = [];
    const b: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      a.push(runOnce(c));
      b.push(runOnce(BASELINE));
    }
    baseWall = baseWall.concat(b.map((s) => s.wall));
    if (b.every((s) => s.cpu !== null)) baseCpu = baseCpu.concat(b.map((s) => s.cpu!));
    const ratioWall = median(a.map((s, i) => s.wall / b[i].wall));
    const hasCpu = a.every((s, i) => s.cpu !== null && b[i].cpu !== null && b[i].cpu! > 0);
    const ratioCpu = hasCpu ? median(a.map((s, i) => s.cpu! / b[i].cpu!)) : null;
    const packages = loadedPackages(c, dir).filter((p) => !LOADER.has(p));
    rows.push([
      c.label,
      `${median(a.map((s) => s.wall)).toFixed(0)} ms`,
      hasCpu ? `${median(a.map((s) => s.cpu!)).toFixed(0)} ms` : '—',
      `${ratioWall.toFixed(2)}×`,
      ratioCpu === null ? '—' : `${ratioCpu.toFixed(2)}×`,
    ]);
    loaded.push(`  ${c.label}：${packages.length ? packages.join('、') : '（无）'}`);
  }
  rows.push([BASELINE.label, `${median(baseWall).toFixed(0)} ms`, baseCpu.length ? `${median(baseCpu).toFixed(0)} ms` : '—', '1×', '1×']);
  console.log(renderTable(['命令', '墙钟', 'CPU', '墙钟比', 'CPU 比'], rows, { right: [1, 2, 3, 4], indent: '  ' }));
  console.log('  比值为与同一轮 node -e 0 的逐对比值的中位数；CPU 为子进程的用户态 + 内核态时间（Linux，10 ms 精度）。');
  console.log('启动时载入的包（tsx 加载器以外；CommonJS 包内部 require 的文件不计，包的入口计）：');
  for (const l of loaded) console.log(l);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
