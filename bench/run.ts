// Runs every bench/*.bench.ts in its own process, one after another, so each measures on a quiet
// machine. A benchmark prints its own report (figures as ratios against a baseline measured in the
// same run). `npm run bench -- NAME` runs only files whose name contains NAME.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  .sort();
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, f)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`${f} 失败（退出码 ${r.status}）`);
  }
}
process.exitCode = failed ? 1 : 0;
