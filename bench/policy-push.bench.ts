// The 政策找企 push plan under a growing whitelist (issue 15 left it unmeasured; SPEC §7.6 "reads that
// scale with the question"). The sweep plans pushes every 15 minutes; matching depends only on the
// whitelist, the policies and the day, so a run starts from what the last complete plan saw
// (policy-push.ts): unchanged → three reads; the whitelist written the same day → only the enterprises
// written since; a new day or a policy written → everything.
//   For a whitelist of SMALL and of LARGE admitted enterprises (50 policies; dynalite in its own
//   process, the plan in this one, the real stores), median of RUNS each:
//   - all: a policy written (its version bumped): every enterprise matched with every match read
//     (nothing new to push: the steady state) — what every run did before;
//   - changed: one enterprise's whitelist row written, the same day;
//   - unchanged: the next run.
//   Reported: changed and unchanged against all at LARGE, and each against itself at SMALL (changed and
//   unchanged should not grow with the matches; changed still reads the whitelist), with the
//   DynamoDB calls of each.
import { spawn, type ChildProcess } from 'node:child_process';
import { createStore, ensureTable } from '../functions/adapters/dynamodb-store.js';
import { logger } from '../functions/adapters/logger.js';
import { createPolicyStore } from '../functions/adapters/policy-store.js';
import type { Store } from '../functions/ports.js';
import { planPolicyPushes } from '../functions/usecases/policy-push.js';
import { syncRows } from '../functions/usecases/sync.js';
import { localDynamoClient } from '../local/services.js';
import { BENCH_CONFIG, freePort, syntheticUscc } from './synthetic.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
logger.setLogLevel('SILENT');

const SMALL = 500;
const LARGE = Number(process.env.BENCH_POLICY_WHITELIST ?? 5_000);
const POLICIES = 50;
const RUNS = 5;
const T_SEED = Date.parse('2022-06-06T09:00:00+08:00');
const clock = { t: T_SEED, now() { return this.t; } };



async function seed(store: Store, enterprises: number): Promise<void> {
  let profile = null;
  for (const [kind, rows] of Object.entries(BENCH_CONFIG)) {
    const res = await syncRows({ store, clock }, { email: 'admin@county.example', profile: null }, { spreadsheetId: 'config', workClass: 'coordination', kind: kind as never, rows: rows as never });
    profile = res.profile?.profile ?? profile;
  }
  const policies = Array.from({ length: POLICIES }, (_, i) => ({
    row: 2 + i,
    values: { 编号: `ZC-${String(i + 1).padStart(3, '0')}`, 政策名称: `基准政策 ${i + 1}`, 层级: '县', 政策类别: '财政奖补', 责任单位: 'U-GXJ', 适用领域: i % 2 ? '工业生产' : '全部', 最低员工人数: (i % 5) * 20 },
  }));
  await syncRows({ store, clock }, { email: 'admin@county.example', profile }, { spreadsheetId: 'policy', workClass: 'coordination', kind: 'policy', rows: policies as never });
  for (let i = 0; i < enterprises; i += 500) {
    const rows = Array.from({ length: Math.min(500, enterprises - i) }, (_, k) => ({ row: 2 + i + k, values: whitelistValues(i + k) }));
    const res = await syncRows({ store, clock }, { email: 'ind@county.example', profile }, { spreadsheetId: 'whitelist', workClass: 'industry', kind: 'whitelist', rows: rows as never });
    if (res.results.some((r) => !r.ok)) throw new Error(`seed failed: ${JSON.stringify(res.results.find((r) => !r.ok))}`);
  }
}

const whitelistValues = (i: number) => ({ 统一社会信用代码: syntheticUscc(i), 名称: `示例企业 ${i}`, 所属领域: '工业生产', 所在乡镇: '城关镇', '产值或投资额（万元）': 800, 员工人数: i % 120, 状态: '已纳入', 纳入日期: '2022-06-01', 联系邮箱: `e${i}@enterprise.example` });

/** DynamoDB calls made by this process (counted on the client). */
const counted = { n: 0 };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(dynamo: ReturnType<typeof localDynamoClient>, table: string, enterprises: number) {
  clock.t = T_SEED;
  await ensureTable(dynamo, table);
  const store = createStore({ client: dynamo, tableName: table });
  const policies = createPolicyStore({ client: dynamo, tableName: table });
  const t0 = performance.now();
  await seed(store, enterprises);
  const seeded = performance.now() - t0;
  // The plans an hour after the whitelist was filed, the same day.
  clock.t = T_SEED + 3_600_000;
  const deps = { store, policies, clock };
  const baseline = await planPolicyPushes(deps);
  if (!baseline.baseline) throw new Error('expected the baseline run');
  const times = { all: [] as number[], changed: [] as number[], unchanged: [] as number[] };
  const calls = { all: 0, changed: 0, unchanged: 0 };
  let matches = 0;
  const timed = async (planned: keyof typeof times) => {
    const before = counted.n;
    const t = performance.now();
    const r = await planPolicyPushes(deps);
    times[planned].push(performance.now() - t);
    calls[planned] = counted.n - before;
    if (r.planned !== planned || r.pushes !== 0) throw new Error(`expected a plan of ${planned}: ${JSON.stringify(r)}`);
    return r;
  };
  for (let r = 0; r < RUNS; r++) {
    await store.bumpRowsVersion('policy');
    matches = (await timed('all')).matches;
    // One enterprise's row written (its 员工人数 unchanged in matching terms: nothing new to push).
    const code = syntheticUscc(r);
    await syncRows({ store, clock }, { email: 'ind@county.example', profile: (await store.getProfile())!.profile }, { spreadsheetId: 'whitelist', workClass: 'industry', kind: 'whitelist', rows: [{ row: 2 + r, values: { ...whitelistValues(r), 联系人: `联系人 ${r}-${Date.now()}` } }] as never });
    clock.t += 60_000;
    await timed('changed');
    await timed('unchanged');
  }
  return { enterprises, seeded, matches, calls, all: median(times.all), changed: median(times.changed), unchanged: median(times.unchanged) };
}

async function main(): Promise<void> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['-e', `require('dynalite')({createTableMs:0}).listen(${port},'127.0.0.1')`], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 200; i++) {
      try {
        await fetch(`http://127.0.0.1:${port}`);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const dynamo = localDynamoClient(`http://127.0.0.1:${port}`);
    dynamo.middlewareStack.add((next) => async (args) => {
      counted.n++;
      return next(args);
    }, { step: 'initialize', name: 'countCalls' });
    const small = await measure(dynamo, 'bench-small', SMALL);
    const large = await measure(dynamo, 'bench-large', LARGE);
    dynamo.destroy();
    const n = (x: number) => x.toLocaleString('en');
    console.log(`政策推送计划（每 15 分钟一次的清扫），${POLICIES} 条政策，各 ${RUNS} 轮取中位数：`);
    for (const m of [small, large]) {
      console.log(`  白名单 ${n(m.enterprises)} 家（写入 ${(m.seeded / 1000).toFixed(1)} 秒，匹配 ${n(m.matches)} 条）：`);
      console.log(`    全部（政策有改动或新的一天）${m.all.toFixed(0)} ms（${n(m.calls.all)} 次数据库调用）；仅改动的企业（同日白名单有写入）${m.changed.toFixed(0)} ms（${n(m.calls.changed)} 次）；未变化 ${m.unchanged.toFixed(1)} ms（${m.calls.unchanged} 次）`);
    }
    console.log(`  ${n(LARGE)} 家时：仅改动的企业 / 全部 = ${(large.changed / large.all).toFixed(3)}；未变化 / 全部 = ${(large.unchanged / large.all).toFixed(4)}`);
    console.log(`  ${n(LARGE)} 家 / ${n(SMALL)} 家：全部 ${(large.all / small.all).toFixed(1)}×，仅改动的企业 ${(large.changed / small.changed).toFixed(1)}×（读白名单，不读全部匹配），未变化 ${(large.unchanged / small.unchanged).toFixed(1)}×（数据库调用 ${small.calls.unchanged} → ${large.calls.unchanged}）`);
  } finally {
    child.kill();
  }
}

await main();
