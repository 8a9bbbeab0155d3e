// Runs every bench/*.bench.ts in its own process, one after another, so each measures on a quiet
// machine. A benchmark prints its own report (figures as ratios against a baseline measured in the
// same run). `npm run bench -- NAME` runs only files whose name contains NAME; a group name runs its
// benchmarks (`npm run bench -- issue-16`: the "Must show" lines of issue 16). At the end, the
// lines of every report that state a target or a verdict are repeated together (汇总).
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Groups of benchmarks by name. */
const GROUPS: Record<string, readonly string[]> = {
  // GET /v1/issues at 10,000 vs 100 stored; dispatch of 2,000 mails; validate at 800k rows; Lambda init;
  // the enterprise page /e/ at 10,000 vs 100 stored.
  'issue-16': ['issues-page', 'dispatch', 'validate', 'lambda-init', 'enterprise-page'],
};

const filter = process.argv.slice(2).flatMap((x) => GROUPS[x] ?? [x]);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  .sort();

/** A line that states a target or a verdict. */
const VERDICT = /✓|✗|达标|目标|target/i;

/** Run one benchmark, its output passed through; resolves with its exit code and its verdict lines. */
function runOne(file: string): Promise<{ code: number | null; verdicts: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, file)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      process.stdout.write(chunk);
      text += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, verdicts: text.split('\n').filter((l) => VERDICT.test(l)) }));
  });
}

let failed = 0;
const summary: string[] = [];
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const { code, verdicts } = await runOne(f);
  summary.push(`${f}${code === 0 ? '' : `（失败，退出码 ${code}）`}`, ...verdicts.map((l) => `  ${l.trim()}`));
  if (code !== 0) {
    failed++;
    console.error(`${f} 失败（退出码 ${code}）`);
  }
}
if (files.length > 1) console.log(`\n=== 汇总（同一次运行） ===\n${summary.join('\n')}`);
process.exitCode = failed ? 1 : 0;
