// Add-on spreadsheet cost: the BUILT bundle (dist/addon/Code.js) in a bare vm with the fake Sheets
// services (every call counted), syncing to a sync API on 127.0.0.1 (test/addon/fakes/fake-api-worker.mjs).
// For each tab layout, at 200 rows (the baseline) and 2,000 rows in the same run, it counts the
// spreadsheet service calls on that tab for every path of test/addon/paths.ts (onEdit paste, sync,
// 校验, 刷新状态, with and without mark changes). Expectations, all counts (nothing timed):
// the same count at 2,000 rows as at 200; ≤ 10 per path for the 初始化本表 layout; UrlFetch =
// ⌈rows sent/500⌉. `issue/编号首列` (a tab made by hand, 编号 in column A: two write-back blocks) is
// reported and held to the constant-count rule only. Sync time is printed for information.
import { buildAddon } from '../scripts/build-addon.js';
import { startFakeApi } from '../test/addon/fakes/fake-api.js';
import { createGasEnv } from '../test/addon/fakes/gas-env.js';
import { type Layout, measurePaths, PATHS, type PathCounts } from '../test/addon/paths.js';

const TOKEN = 'bench-identity-token';
const LIMIT = 10;
const LAYOUTS: Layout[] = ['whitelist', 'issue', 'issue/编号首列'];

const built = await buildAddon();
const api = await startFakeApi({ token: TOKEN });
try {
  console.log(`bundle dist/addon/Code.js: ${(built.bytes / 1024).toFixed(1)} KB`);
  const run = async (layout: Layout, rows: number, id: string): Promise<PathCounts> => {
    await api.control({ reset: true });
    const env = await createGasEnv({ spreadsheetId: id });
    env.services.setIdentityToken(TOKEN);
    try {
      return await measurePaths(env, api, layout, rows);
    } finally {
      await env.close();
    }
  };
  let n = 0;
  await run('whitelist', 200, `bench-warmup-${++n}`); // JIT, worker start: not reported
  const results: PathCounts[] = [];
  for (const layout of LAYOUTS) for (const rows of [200, 2000]) results.push(await run(layout, rows, `bench-${++n}`));

  console.log('\nspreadsheet service calls on the tab, per path');
  console.log(`${'tab'.padEnd(16)} ${'rows'.padStart(5)}  ${PATHS.map((p) => p.padStart(11)).join(' ')}   UrlFetch/⌈sent/500⌉ (sync; sync+marks)   sync ms`);
  for (const r of results) {
    const cells = PATHS.map((p) => String(r.calls[p] ?? '—').padStart(11)).join(' ');
    const f = `${r.fetches.sync}/${Math.ceil(r.fetches.syncSent / 500)}; ${r.fetches.marks}/${Math.ceil(r.fetches.marksSent / 500)}`;
    console.log(`${r.layout.padEnd(16)} ${String(r.rows).padStart(5)}  ${cells}   ${f.padStart(38)}   ${r.syncMs.toFixed(0).padStart(7)}`);
  }
  const problems: string[] = [];
  for (const layout of LAYOUTS) {
    const [base, big] = results.filter((r) => r.layout === layout);
    const ratios = PATHS.filter((p) => base.calls[p] !== undefined)
      .map((p) => `${p} ×${((big.calls[p] ?? 0) / (base.calls[p] || 1)).toFixed(2)}`)
      .join(', ');
    console.log(`${layout}: 2,000 vs 200 rows — calls ${ratios}; UrlFetch ×${(big.fetches.sync / base.fetches.sync).toFixed(2)}; sync time ×${(big.syncMs / base.syncMs).toFixed(2)}`);
    for (const p of PATHS) {
      if (base.calls[p] !== big.calls[p]) problems.push(`${layout} ${p}: ${base.calls[p]} calls at 200 rows, ${big.calls[p]} at 2,000`);
      for (const r of [base, big]) {
        if (layout !== 'issue/编号首列' && (r.calls[p] ?? 0) > LIMIT) problems.push(`${layout} ${p} at ${r.rows} rows: ${r.calls[p]} calls > ${LIMIT}`);
      }
    }
    for (const r of [base, big]) {
      if (r.fetches.syncSent !== r.rows || r.fetches.sync !== Math.ceil(r.rows / 500)) problems.push(`${layout} ${r.rows}: ${r.fetches.sync} UrlFetch for ${r.fetches.syncSent} rows`);
      if (r.fetches.marks !== Math.ceil(r.fetches.marksSent / 500)) problems.push(`${layout} ${r.rows}: ${r.fetches.marks} UrlFetch for ${r.fetches.marksSent} rows`);
    }
  }
  if (problems.length > 0) {
    console.error(`\n预期不成立：每张表每条路径的表格服务调用次数应为常数且 ≤ ${LIMIT}，UrlFetch 次数应为 ⌈行数/500⌉\n${problems.join('\n')}`);
    process.exitCode = 1;
  }
} finally {
  await api.stop();
}
