// Benchmark: the enterprise's own page GET /e/{token} (SPEC §7.4) with 10,000 issues stored against
// 100 (issue 16: reads scale with the question, not with history), through the real pages handler
// behind the local HTTP server on 127.0.0.1.
//
// Two embedded stacks in memory (startStack), the demo profile on each, the same enterprise E on each
// whitelist (synced through the API as the industry editor). Issues are created as the sync creates
// them (syntheticIssues, written with store.putIssue):
//   - small: 100 issues, every 10th one E's (E has 10);
//   - large: 10,000 issues, every 1,000th one E's (E has 10), the rest of 9,990 other enterprises.
// The question is the same in both: E's page (its 10 issues, its policies, its reports left today).
// The issues were reported in the month before the page's day (the page counts today's reports from
// today's issues only: a store whose every issue is dated today would measure that instead).
// A child process (bench/http-load.mjs) sends it with CONCURRENCY keep-alive connections for
// ROUND_MS per round; rounds alternate small/large after one untimed warm-up round each; the ratio is
// of the median rates. The bench fails only when a request fails or E's page does not list its 10.
// Before the rounds, each store's page is read before the enterprise index's one-time backfill (the
// page then reads without the index: one view, then one short load round, reported, not in the
// ratio), the backfill is run as the sweep runs it (ensureEnterpriseIndex, timed), and the page read
// again: the rounds measure the page through the index.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCALITY_UNIT_TYPES } from '../domain/rows/kinds.js';
import { ensureEnterpriseIndex } from '../functions/usecases/enterprise-index.js';
import { enterpriseLink } from '../functions/usecases/link-token.js';
import { createSimClock } from '../local/clock.js';
import { DEFAULT_PROFILE, memberOf, seedProfile } from '../local/demo.js';
import { loadProfile } from '../local/profile-files.js';
import { loadOrCreateActionSecret, startStack, type Stack } from '../local/stack.js';
import { httpLoad, median, putIssues, syntheticIssues, syntheticUscc, type Load } from './synthetic.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const SMALL = 100;
const LARGE = Number(process.env.SIBAO_BENCH_ISSUES ?? 10_000);
const OWN = 10;
const ROUNDS = Number(process.env.SIBAO_BENCH_RUNS ?? 3);
const ROUND_MS = Number(process.env.SIBAO_BENCH_ROUND_MS ?? 2_000);
const CONCURRENCY = 8;
const TARGET = 0.7;
const T0 = Date.parse('2022-06-01T09:00:00+08:00');
/** The issues' first day: 30 days before the page is read (500 a day: 20 days for 10,000), none of them today's. */
const FIRST_DAY = T0 - 30 * 86_400_000;
/** The enterprise whose page is read (outside the synthetic codes of the other issues). */
const E = syntheticUscc(999_999);
const CONTACT = 'office@bench-enterprise.example';

/** The page needs no bearer token: http-load sends a placeholder. */
const load = (url: string, ms = ROUND_MS): Promise<Load> => httpLoad(url, '-', ms, CONCURRENCY);
/** A rate as read: one decimal below 10 per second. */
const rate = (x: number) => x.toFixed(x < 10 ? 1 : 0);

const work = mkdtempSync(join(tmpdir(), 'sibao-bench-enterprise-'));
const stacks: Stack[] = [];
try {
  const loaded = await loadProfile(DEFAULT_PROFILE);
  const profile = loaded.profile;
  const units = profile.units.filter((u) => u.type !== '指挥部' && u.type !== '县领导').map((u) => u.code);
  const locality = profile.units.find((u) => LOCALITY_UNIT_TYPES.includes(u.type))!.name;
  const editor = memberOf(profile, 'industry');
  if (!editor) throw new Error('示例配置中没有工业生产专班的编辑');
  const start = async (name: string) => {
    const dataDir = join(work, name);
    const s = await startStack({ dataDir, memory: true, port: 0, sesPort: 0, clock: createSimClock(T0), dispatchIntervalMs: 0, sweepIntervalMs: 0, log: () => {} });
    stacks.push(s);
    await seedProfile(s, loaded);
    const res = await fetch(`${s.apiUrl}/v1/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await s.tokenFor(editor)}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        spreadsheetId: 'bench-whitelist',
        workClass: 'industry',
        kind: 'whitelist',
        rows: [{ row: 2, values: { 统一社会信用代码: E, 名称: '通许县基准测试自报企业有限公司', 所属领域: '工业生产', 所在乡镇: locality, '产值或投资额（万元）': 800, 员工人数: 50, 状态: '已纳入', 纳入日期: '2022-05-20', 联系人: '企业办公室', 联系电话: '13800000000', 联系邮箱: CONTACT } }],
      }),
    });
    const text = await res.text();
    if (res.status !== 200 || !(JSON.parse(text) as { results: { ok: boolean }[] }).results.every((r) => r.ok)) throw new Error(`白名单同步失败：${text}`);
    return { stack: s, url: enterpriseLink(s.apiUrl, E, CONTACT, [loadOrCreateActionSecret(dataDir)], s.clock.now()) };
  };
  const small = await start('small');
  const large = await start('large');
  const t0 = performance.now();
  const unitOf = (i: number) => units[i % units.length];
  await putIssues(small.stack.store, syntheticIssues(profile, SMALL, { unitOf, prefix: 'S', t0: FIRST_DAY, codeOf: (i) => (i % (SMALL / OWN) === 0 ? E : syntheticUscc(i)) }));
  await putIssues(large.stack.store, syntheticIssues(profile, LARGE, { unitOf, prefix: 'L', t0: FIRST_DAY, codeOf: (i) => (i % (LARGE / OWN) === 0 ? E : syntheticUscc(i)) }));
  console.log(`写入问题：小库 ${SMALL} 件，大库 ${LARGE.toLocaleString('en-US')} 件（企业 E 在两库各有 ${OWN} 件），用时 ${((performance.now() - t0) / 1000).toFixed(1)} 秒`);
  const check = async (name: string, url: string) => {
    const t = performance.now();
    const page = await fetch(url);
    const html = await page.text();
    const listed = /已反映的问题（(\d+)）/.exec(html)?.[1];
    if (page.status !== 200 || listed !== String(OWN)) throw new Error(`${name}企业页面应列出 ${OWN} 件问题，实为 ${listed}（HTTP ${page.status}）`);
    return { ms: performance.now() - t, html };
  };
  for (const [name, s] of [['小库', small], ['大库', large]] as const) {
    const before = await check(name, s.url);
    const unindexed = await load(s.url, 500);
    const t = performance.now();
    // What the first sweep after the release does (usecases/sweep.ts); its due work is not this bench's subject.
    await ensureEnterpriseIndex({ store: s.stack.store, clock: s.stack.clock });
    const backfill = performance.now() - t;
    const after = await check(name, s.url);
    if (after.html !== before.html) throw new Error(`${name}企业页面补建索引前后不同`);
    console.log(`  ${name}：补建索引前首次打开 ${before.ms.toFixed(0)} ms，不经索引 ${rate(unindexed.rps)} 次/秒（p50 ${unindexed.p50.toFixed(1)} ms）；巡查补建索引 ${backfill.toFixed(0)} ms；之后首次打开 ${after.ms.toFixed(0)} ms，页面相同`);
  }

  await load(small.url, 500);
  await load(large.url, 500);
  const a: Load[] = [];
  const b: Load[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(await load(small.url));
    b.push(await load(large.url));
  }
  const ra = median(a.map((x) => x.rps));
  const rb = median(b.map((x) => x.rps));
  const kb = (xs: Load[]) => (median(xs.map((x) => x.bytes / x.requests)) / 1024).toFixed(1);
  console.log(`负载：${CONCURRENCY} 个并发连接，每轮 ${ROUND_MS} ms，小库/大库交替 ${ROUNDS} 轮（各先预热一轮），取中位数`);
  console.log(`企业页面  GET /e/{token}（E 的 ${OWN} 件问题）`);
  console.log(`  ${SMALL} 件：${rate(ra)} 次/秒（p50 ${median(a.map((x) => x.p50)).toFixed(1)} ms，每次应答 ${kb(a)} KB）  [${a.map((x) => rate(x.rps)).join(', ')}]`);
  console.log(`  ${LARGE.toLocaleString('en-US')} 件：${rate(rb)} 次/秒（p50 ${median(b.map((x) => x.p50)).toFixed(1)} ms，每次应答 ${kb(b)} KB）  [${b.map((x) => rate(x.rps)).join(', ')}]`);
  const ratio = rb / ra;
  console.log(`  比值 大库/小库 = ${ratio.toFixed(2)}（目标 ≥ ${TARGET}）${ratio >= TARGET ? ' ✓' : ' ✗ 未达标'}`);
} finally {
  for (const s of stacks) await s.stop();
  rmSync(work, { recursive: true, force: true });
}
