// `sibao import` through the local API versus writing the same items straight to dynalite.
//
// In one process: start the embedded stack in memory, seed the demo profile, generate N valid
// whitelist rows (industry sector), then
//   A. run `node bin/sibao.mjs import FILE --as <industry editor>` as a child process (the real CLI:
//      CSV read, batches of 500 over HTTP, token check, server-side validation, one consistent
//      BatchGetItem per 100 keys, new rows created with BatchWriteItem and their writeIds read back;
//      see functions/dynamodb-store.ts for why and for the race that leaves);
//   B. take exactly the items A stored (Scan) and write them to a fresh table of the same dynalite
//      with BatchWriteItem, 25 per request — same items, same sizes, no validation, no HTTP API.
// Prints both rates and A/B (target ≥ 0.3). A is measured end to end (child start included) and
// also by the import's own push time. A miss of the target is printed (✗), not an exit code: the
// bench fails only when the import itself fails or stores the wrong rows.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchWriteItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { USCC_CHARSET, makeUscc } from '../domain/rows/uscc.js';
import { LOCALITY_UNIT_TYPES } from '../domain/rows/kinds.js';
import { ensureTable } from '../functions/adapters/dynamodb-store.js';
import { createSimClock } from '../local/clock.js';
import { DEFAULT_PROFILE, memberOf, seedProfile } from '../local/demo.js';
import { csvField } from '../local/files.js';
import { loadProfile } from '../local/profile-files.js';
import { startStack } from '../local/stack.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 5_000);
const TARGET = 0.3;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

type Item = Record<string, AttributeValue>;

function code(i: number): string {
  // 91 (enterprise) + 410222 (Tongxu county) + 9 characters of a running number + check.
  let n = i + 1;
  let body = '';
  for (let k = 0; k < 9; k++) {
    body = USCC_CHARSET[n % 31] + body;
    n = Math.floor(n / 31);
  }
  return makeUscc(`91410222${body}`);
}

function whitelistCsv(rows: number, localities: readonly string[]): string {
  const header = ['统一社会信用代码', '名称', '所属领域', '所在乡镇', '产值或投资额（万元）', '员工人数', '状态', '纳入日期', '联系人', '联系电话', '联系邮箱', '备注'];
  const lines = [header.join(',')];
  for (let i = 0; i < rows; i++) {
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

function runImport(args: string[]): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(root, 'bin/sibao.mjs'), 'import', ...args], {
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

async function batchWrite(stack: Awaited<ReturnType<typeof startStack>>, tableName: string, items: readonly Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length) {
      const res = await stack.dynamo.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
      requests = (res.UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
  }
}

const work = mkdtempSync(join(tmpdir(), 'sibao-bench-import-'));
const stack = await startStack({ dataDir: work, memory: true, port: 0, sesPort: 0, clock: createSimClock(), dispatchIntervalMs: 0, log: () => {} });
try {
  const loaded = await loadProfile(DEFAULT_PROFILE);
  await seedProfile(stack, loaded);
  const member = memberOf(loaded.profile, 'industry');
  if (!member) throw new Error('示例配置中没有工业生产专班的编辑成员');
  const localities = loaded.profile.units.filter((u) => LOCALITY_UNIT_TYPES.includes(u.type)).map((u) => u.name);
  const file = join(work, 'industry-白名单.csv');
  writeFileSync(file, whitelistCsv(ROWS, localities));

  // A. the real CLI through the API.
  const imp = await runImport([file, '--as', member, '--data', work, '--api', stack.apiUrl, '--json']);
  if (imp.code !== 0) throw new Error(`sibao import 退出码 ${imp.code}\n${imp.stderr.slice(-2000)}\n${imp.stdout.slice(-2000)}`);
  const report = JSON.parse(imp.stdout.trim().split('\n').at(-1)!) as { accepted: number; rejected: number; seconds: number };
  if (report.accepted !== ROWS) throw new Error(`只接受了 ${report.accepted}/${ROWS} 行`);

  // B. the same stored items, straight to dynalite with BatchWriteItem.
  const stored = (await scanAll(stack, stack.tableName)).filter((it) => it.pk?.S?.startsWith('ROW#whitelist#'));
  if (stored.length !== ROWS) throw new Error(`表中找到 ${stored.length} 行白名单，应为 ${ROWS}`);
  const bytes = stored.reduce((n, it) => n + JSON.stringify(it).length, 0);
  const baselineTable = 'bench-baseline';
  await ensureTable(stack.dynamo, baselineTable);
  const t0 = performance.now();
  await batchWrite(stack, baselineTable, stored);
  const baseMs = performance.now() - t0;
  const copied = await scanAll(stack, baselineTable);
  if (copied.length !== ROWS) throw new Error(`基线表只有 ${copied.length} 行`);

  const rate = (ms: number) => ROWS / (ms / 1000);
  const endToEnd = rate(imp.ms);
  const pushOnly = rate(report.seconds * 1000);
  const baseline = rate(baseMs);
  const ratio = endToEnd / baseline;
  console.log(`行数 ${ROWS}，每项平均 ${(bytes / ROWS).toFixed(0)} 字节（DynamoDB JSON）`);
  console.log(`A  sibao import（子进程，经本机 API，500 行/批）：${(imp.ms / 1000).toFixed(2)} 秒，${endToEnd.toFixed(0)} 行/秒（不含进程启动：${pushOnly.toFixed(0)} 行/秒）`);
  console.log(`B  直接 BatchWriteItem（25 项/批，同样的项）：   ${(baseMs / 1000).toFixed(2)} 秒，${baseline.toFixed(0)} 行/秒`);
  console.log(`比值 A/B = ${ratio.toFixed(2)}（不含进程启动 ${(pushOnly / baseline).toFixed(2)}；目标 ≥ ${TARGET}）${ratio >= TARGET ? ' ✓' : ' ✗ 未达目标'}`);
} finally {
  await stack.stop();
  rmSync(work, { recursive: true, force: true });
}
