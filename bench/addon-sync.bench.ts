// Add-on sync cost: the BUILT bundle (dist/addon/Code.js) in a bare vm with the fake Sheets
// services, syncing pasted rows to a sync API on 127.0.0.1 (test/addon/fakes/fake-api-worker.mjs).
// Measures spreadsheet service calls per sheet and UrlFetch calls for 200 rows (the baseline) and
// 2,000 rows in the same run: calls per sheet must stay constant, fetches must be ⌈rows/500⌉.
import { buildAddon } from '../scripts/build-addon.js';
import { startFakeApi } from '../test/addon/fakes/fake-api.js';
import { createGasEnv } from '../test/addon/fakes/gas-env.js';
import { issueRow, whitelistRow } from '../test/addon/rows.js';

const TOKEN = 'bench-identity-token';

interface Measure {
  kind: string;
  rows: number;
  pasteCalls: number;
  syncCalls: number;
  fetches: number;
  ms: number;
  perMethod: Record<string, number>;
}

async function measure(apiUrl: string, kind: 'whitelist' | 'issue', rows: number, id: string): Promise<Measure> {
  const env = await createGasEnv({ spreadsheetId: id });
  env.services.setIdentityToken(TOKEN);
  try {
    env.run('saveSettings', apiUrl, 'industry');
    env.run('menuInitSheets');
    const tab = kind === 'whitelist' ? '白名单' : '问题诉求';
    const sheet = env.ss.sheet(tab)!;
    for (let i = 0; i < rows; i++) sheet.typeRow(2 + i, kind === 'whitelist' ? whitelistRow(i + 1) : issueRow(i + 1));
    // One paste of all rows: Apps Script fires one onEdit for the pasted range.
    env.log.reset();
    env.run('onEdit', { authMode: 'LIMITED', range: sheet.range(2, 1, rows, sheet.headers().length), source: env.ss.wrapped });
    const pasteCalls = env.log.sheet(tab);
    env.log.reset();
    const t0 = performance.now();
    env.run('menuSync');
    const ms = performance.now() - t0;
    const status = sheet.cell(rows + 1, '_同步');
    if (status !== '已同步') throw new Error(`${tab} row ${rows + 1} not synced: ${String(status)}`);
    return {
      kind,
      rows,
      pasteCalls,
      syncCalls: env.log.sheet(tab),
      fetches: env.log.service('UrlFetchApp'),
      ms,
      perMethod: env.log.snapshot(),
    };
  } finally {
    await env.close();
  }
}

const built = await buildAddon();
const api = await startFakeApi({ token: TOKEN });
try {
  console.log(`bundle dist/addon/Code.js: ${(built.bytes / 1024).toFixed(1)} KB`);
  const results: Measure[] = [];
  let n = 0;
  // Warm-up (JIT, worker start): not reported.
  await measure(api.url, 'whitelist', 200, `bench-warmup-${++n}`);
  for (const kind of ['whitelist', 'issue'] as const) {
    for (const rows of [200, 2000]) {
      await api.control({ reset: true });
      results.push(await measure(api.url, kind, rows, `bench-${kind}-${rows}-${++n}`));
    }
  }
  console.log('\nkind       rows   onEdit(paste) calls/sheet   sync calls/sheet   UrlFetch   ⌈rows/500⌉   sync ms');
  for (const r of results) {
    console.log(
      `${r.kind.padEnd(10)} ${String(r.rows).padStart(5)}   ${String(r.pasteCalls).padStart(24)}   ${String(r.syncCalls).padStart(16)}   ${String(r.fetches).padStart(8)}   ${String(Math.ceil(r.rows / 500)).padStart(10)}   ${r.ms.toFixed(0).padStart(7)}`,
    );
  }
  let failed = false;
  for (const kind of ['whitelist', 'issue']) {
    const [base, big] = results.filter((r) => r.kind === kind);
    console.log(
      `${kind}: 2,000 vs 200 rows — sync calls/sheet ×${(big.syncCalls / base.syncCalls).toFixed(2)}, onEdit calls ×${(big.pasteCalls / base.pasteCalls).toFixed(2)}, UrlFetch ×${(big.fetches / base.fetches).toFixed(2)}, time ×${(big.ms / base.ms).toFixed(2)}`,
    );
    if (big.syncCalls !== base.syncCalls || big.syncCalls > 10) failed = true;
    for (const r of [base, big]) if (r.fetches !== Math.ceil(r.rows / 500)) failed = true;
  }
  const big = results[1];
  console.log('\nwhitelist 2,000 rows, every service call of the sync:', JSON.stringify(big.perMethod));
  if (failed) {
    console.error('预期不成立：每张表的表格服务调用次数应为常数（≤ 10），UrlFetch 次数应为 ⌈行数/500⌉');
    process.exitCode = 1;
  }
} finally {
  await api.stop();
}
