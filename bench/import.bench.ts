// `sibao import` through the local API versus writing the same items straight to dynalite.
//
// In one process: start the embedded stack in memory, seed the demo profile, generate N valid
// whitelist rows (industry sector), then
//   A. run `node bin/sibao.mjs import FILE --as <industry editor>` as a child process (the real CLI:
//      CSV read, batches of 500 over HTTP, token check, server-side validation, one consistent
//      BatchGetItem per 100 keys, new rows created with BatchWriteItem — BATCH_WRITES_IN_FLIGHT calls
//      at once — and their writeIds read back; see functions/adapters/dynamodb-store.ts);
//   B. take exactly the items A stored (Scan) and write them to a fresh table of the same dynalite
//      from another child process (bench/raw-batch-write.ts): raw BatchWriteItem, 25 items per call,
//      the same BATCH_WRITES_IN_FLIGHT calls in flight — same items, same sizes, no validation, no API.
// Both are warmed up first, untimed: a smaller import of other rows through A, and B writing those
// rows into its table, so the server side (dynalite, the API) is past JIT and both tables start at the
// same size. Prints both rates and A/B (target ≥ 0.3), end to end (child start included) and by each
// child's own write time. A miss of the target is printed (✗), not an exit code: the bench fails only
// when the import itself fails or stores the wrong rows.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { LOCALITY_UNIT_TYPES } from '../domain/rows/kinds.js';
import { BATCH_WRITES_IN_FLIGHT, ensureTable } from '../functions/adapters/dynamodb-store.js';
import { createSimClock } from '../local/clock.js';
import { DEFAULT_PROFILE, memberOf, seedProfile } from '../local/demo.js';
import { csvField } from '../local/files.js';
import { loadProfile } from '../local/profile-files.js';
import { startStack } from '../local/stack.js';
import { syntheticUscc } from './synthetic.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 5_000);
const WARMUP_ROWS = Math.min(1_000, ROWS);
const TARGET = 0.3;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

type Item = Record<string, AttributeValue>;

const code = syntheticUscc;

function whitelistCsv(rows: number, localities: readonly string[], first = 0): string {
  const header = ['统一社会信用代码', '名称', '所属领域', '所在乡镇', '产值或投资额（万元）', '员工人数', '状态', '纳入日期', '联系人', '联系电话', '联系邮箱', '备注'];
  const lines = [header.join(',')];
  for (let i = first; i < first + rows; i++) {
    lines.push(
      [
        code(i),
        `通许县基准测试企业${i + 1}有限公司`,
        '工业生产',
        localities[i % localities.length],
        String(100 + (i % 9000) + 0.5),
        String(10 + (i % 900)),
        i % 3 === 0 ? '申报中' : '已纳入',
        i % 3 === 0 ? '' : '2022-05-20',
        '行政主管',
        `138${String(i).padStart(8, '0')}`,
        `office${i + 1}@enterprise.example`,
        '基准测试数据',
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

interface ChildRun {
  code: number;
  stdout: string;
  stderr: string;
  /** From spawn to exit: child start included. */
  ms: number;
}

function runChild(args: string[]): Promise<ChildRun> {
  const t0 = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('exit', (c) => done({ code: c ?? -1, stdout, stderr, ms: performance.now() - t0 }));
  });
}

const lastJson = <T>(out: string) => JSON.parse(out.trim().split('\n').at(-1)!) as T;

async function scanAll(stack: Awaited<ReturnType<typeof startStack>>, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await stack.dynamo.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey as Item | undefined;
  } while (start);
  return items;
}

const work = mkdtempSync(join(tmpdir(), 'sibao-bench-import-'));
const stack = await startStack({ dataDir: work, memory: true, port: 0, sesPort: 0, clock: createSimClock(), dispatchIntervalMs: 0, log: () => {} });
try {
  const loaded = await loadProfile(DEFAULT_PROFILE);
  await seedProfile(stack, loaded);
  const member = memberOf(loaded.profile, 'industry');
  if (!member) throw new Error('示例配置中没有工业生产专班的编辑成员');
  const localities = loaded.profile.units.filter((u) => LOCALITY_UNIT_TYPES.includes(u.type)).map((u) => u.name);
  const importFile = async (name: string, rows: number, first: number) => {
    const file = join(work, `${name}-白名单.csv`);
    writeFileSync(file, whitelistCsv(rows, localities, first));
    const run = await runChild([join(root, 'bin/sibao.mjs'), 'import', file, '--as', member, '--data', work, '--api', stack.apiUrl, '--json']);
    if (run.code !== 0) throw new Error(`sibao import 退出码 ${run.code}\n${run.stderr.slice(-2000)}\n${run.stdout.slice(-2000)}`);
    const report = lastJson<{ accepted: number; rejected: number; seconds: number }>(run.stdout);
    if (report.accepted !== rows) throw new Error(`只接受了 ${report.accepted}/${rows} 行`);
    return { ms: run.ms, seconds: report.seconds };
  };
  const whitelistItems = async (table: string) => (await scanAll(stack, table)).filter((it) => it.pk?.S?.startsWith('ROW#whitelist#'));
  const baselineTable = 'bench-baseline';
  await ensureTable(stack.dynamo, baselineTable);
  const rawWrite = async (name: string, items: readonly Item[]) => {
    const file = join(work, `${name}.jsonl`);
    writeFileSync(file, items.map((it) => JSON.stringify(it)).join('\n'));
    const run = await runChild(['--import', 'tsx', join(root, 'bench/raw-batch-write.ts'), stack.dynamoEndpoint, baselineTable, file]);
    if (run.code !== 0) throw new Error(`基线写入退出码 ${run.code}\n${run.stderr.slice(-2000)}`);
    const report = lastJson<{ written: number; seconds: number }>(run.stdout);
    if (report.written !== items.length) throw new Error(`基线只写入 ${report.written}/${items.length} 项`);
    return { ms: run.ms, seconds: report.seconds };
  };

  // Warm-up (untimed): other rows through A, then the same items through B.
  await importFile('warmup-industry', WARMUP_ROWS, ROWS);
  const warm = await whitelistItems(stack.tableName);
  if (warm.length !== WARMUP_ROWS) throw new Error(`预热后表中有 ${warm.length} 行白名单，应为 ${WARMUP_ROWS}`);
  await rawWrite('warmup', warm);
  const warmKeys = new Set(warm.map((it) => `${it.pk.S}|${it.sk.S}`));

  // A. the real CLI through the API.
  const a = await importFile('industry', ROWS, 0);

  // B. exactly the items A stored, straight to dynalite from another process.
  const stored = (await whitelistItems(stack.tableName)).filter((it) => !warmKeys.has(`${it.pk.S}|${it.sk.S}`));
  if (stored.length !== ROWS) throw new Error(`表中找到 ${stored.length} 行新白名单，应为 ${ROWS}`);
  const bytes = stored.reduce((n, it) => n + JSON.stringify(it).length, 0);
  const b = await rawWrite('baseline', stored);
  const copied = await whitelistItems(baselineTable);
  if (copied.length !== WARMUP_ROWS + ROWS) throw new Error(`基线表有 ${copied.length} 行，应为 ${WARMUP_ROWS + ROWS}`);

  const rate = (ms: number) => ROWS / (ms / 1000);
  const ratio = rate(a.ms) / rate(b.ms);
  const writeRatio = rate(a.seconds * 1000) / rate(b.seconds * 1000);
  console.log(`行数 ${ROWS}，每项平均 ${(bytes / ROWS).toFixed(0)} 字节（DynamoDB JSON）；预热 ${WARMUP_ROWS} 行（不计时）；同时在途的 BatchWriteItem 调用 ${BATCH_WRITES_IN_FLIGHT} 个`);
  console.log(`A  sibao import（子进程，经本机 API，500 行/批）：${(a.ms / 1000).toFixed(2)} 秒，${rate(a.ms).toFixed(0)} 行/秒（不含进程启动：${rate(a.seconds * 1000).toFixed(0)} 行/秒）`);
  console.log(`B  直接 BatchWriteItem（子进程，25 项/批，同样的项）：${(b.ms / 1000).toFixed(2)} 秒，${rate(b.ms).toFixed(0)} 行/秒（不含进程启动：${rate(b.seconds * 1000).toFixed(0)} 行/秒）`);
  console.log(`比值 A/B = ${ratio.toFixed(2)}（不含进程启动 ${writeRatio.toFixed(2)}；目标 ≥ ${TARGET}）${ratio >= TARGET ? ' ✓' : ' ✗ 未达目标'}`);
} finally {
  await stack.stop();
  rmSync(work, { recursive: true, force: true });
}
