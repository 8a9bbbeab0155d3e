// Benchmark: GET /v1/issues?unit=X throughput with 100 issues stored against 10,000 (issue 16:
// ≥ 0.7×), through the real API handler behind the local HTTP server on 127.0.0.1.
//
// Two embedded stacks in memory (startStack), the demo profile on each, issues created as the sync
// creates them (routed with the profile, createIssueRecord) and written with store.putIssue:
//   - small: 100 issues, every one assigned to unit X (so X's first page is full in both stores);
//   - large: 10,000 issues assigned round-robin to the county's units, X included (X holds ~1/k).
// The question is the same in both: the first page of X's issues, `?unit=X&limit=100` (the default
// page). A child process (bench/http-load.mjs) sends it with CONCURRENCY keep-alive connections for
// ROUND_MS per round; rounds alternate small/large after one untimed warm-up round each; the ratio is
// of the median rates. For contrast the whole listing `?unit=X` (what older add-ons ask, SPEC §7.8)
// is measured the same way: its answer grows with X's history, by design.
// A miss of the target is printed (✗); the bench fails only when a request fails.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimClock } from '../local/clock.js';
import { DEFAULT_PROFILE, memberOf, seedProfile } from '../local/demo.js';
import { loadProfile } from '../local/profile-files.js';
import { startStack, type Stack } from '../local/stack.js';
import { httpLoad, median, putIssues, syntheticIssues, type Load } from './synthetic.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const SMALL = 100;
const LARGE = Number(process.env.SIBAO_BENCH_ISSUES ?? 10_000);
const ROUNDS = Number(process.env.SIBAO_BENCH_RUNS ?? 3);
const ROUND_MS = Number(process.env.SIBAO_BENCH_ROUND_MS ?? 2_000);
const CONCURRENCY = 8;
const PAGE = 100;
const TARGET = 0.7;
const T0 = Date.parse('2022-06-01T09:00:00+08:00');

const load = (url: string, token: string, ms = ROUND_MS): Promise<Load> => httpLoad(url, token, ms, CONCURRENCY);

const work = mkdtempSync(join(tmpdir(), 'sibao-bench-issues-'));
const stacks: Stack[] = [];
try {
  const loaded = await loadProfile(DEFAULT_PROFILE);
  const profile = loaded.profile;
  const units = profile.units.filter((u) => u.type !== '指挥部' && u.type !== '县领导').map((u) => u.code);
  const X = units[0];
  const start = async (name: string) => {
    const s = await startStack({ dataDir: join(work, name), memory: true, port: 0, sesPort: 0, clock: createSimClock(T0), dispatchIntervalMs: 0, sweepIntervalMs: 0, log: () => {} });
    stacks.push(s);
    await seedProfile(s, loaded);
    return s;
  };
  const small = await start('small');
  const large = await start('large');
  const t0 = performance.now();
  await putIssues(small.store, syntheticIssues(profile, SMALL, { unitOf: () => X, prefix: 'S', t0: T0 }));
  await putIssues(large.store, syntheticIssues(profile, LARGE, { unitOf: (i) => units[i % units.length], prefix: 'L', t0: T0 }));
  const inLarge = (await large.store.listIssues({ unit: X })).length;
  const inSmall = (await small.store.listIssues({ unit: X })).length;
  if (inSmall !== SMALL || inLarge < PAGE) throw new Error(`单位 ${X} 的问题数不对：小库 ${inSmall}，大库 ${inLarge}`);
  const member = memberOf(profile, 'coordination');
  if (!member) throw new Error('示例配置中没有综合协调专班的成员');
  const tokens = { small: await small.tokenFor(member), large: await large.tokenFor(member) };
  console.log(
    `写入问题：小库 ${SMALL} 件（全部属 ${X}），大库 ${LARGE.toLocaleString('en-US')} 件（${units.length} 个单位轮流，${X} 有 ${inLarge} 件），用时 ${((performance.now() - t0) / 1000).toFixed(1)} 秒`,
  );

  const measure = async (label: string, path: string) => {
    const urls = { small: `${small.apiUrl}${path}`, large: `${large.apiUrl}${path}` };
    await load(urls.small, tokens.small, 500);
    await load(urls.large, tokens.large, 500);
    const a: Load[] = [];
    const b: Load[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      a.push(await load(urls.small, tokens.small));
      b.push(await load(urls.large, tokens.large));
    }
    const ra = median(a.map((x) => x.rps));
    const rb = median(b.map((x) => x.rps));
    const kb = (xs: Load[]) => (median(xs.map((x) => x.bytes / x.requests)) / 1024).toFixed(1);
    console.log(`${label}  GET ${path}`);
    console.log(`  ${SMALL} 件：${ra.toFixed(0)} 次/秒（p50 ${median(a.map((x) => x.p50)).toFixed(1)} ms，每次应答 ${kb(a)} KB）  [${a.map((x) => x.rps.toFixed(0)).join(', ')}]`);
    console.log(`  ${LARGE.toLocaleString('en-US')} 件：${rb.toFixed(0)} 次/秒（p50 ${median(b.map((x) => x.p50)).toFixed(1)} ms，每次应答 ${kb(b)} KB）  [${b.map((x) => x.rps.toFixed(0)).join(', ')}]`);
    return rb / ra;
  };

  console.log(`负载：${CONCURRENCY} 个并发连接，每轮 ${ROUND_MS} ms，小库/大库交替 ${ROUNDS} 轮（各先预热一轮），取中位数`);
  const paged = await measure('分页（默认一页 100 件）', `/v1/issues?unit=${encodeURIComponent(X)}&limit=${PAGE}`);
  console.log(`  比值 大库/小库 = ${paged.toFixed(2)}（目标 ≥ ${TARGET}）${paged >= TARGET ? ' ✓' : ' ✗ 未达标'}`);
  const whole = await measure('对照：不分页（旧版插件，应答随该单位的历史增长）', `/v1/issues?unit=${encodeURIComponent(X)}`);
  console.log(`  比值 大库/小库 = ${whole.toFixed(2)}`);
} finally {
  for (const s of stacks) await s.stop();
  rmSync(work, { recursive: true, force: true });
}
