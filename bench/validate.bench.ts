// Benchmark: `sibao validate --json` on 800,000 whitelist rows (CSV, ~1% invalid) against a minimal
// hand-written checker of the same rules (bench/minimal-checker.mjs), both as child processes,
// interleaved, median of 3 runs each, in the same run: wall time and peak RSS (bench/max-rss.mjs).
// Targets (issue 16): time ≤ 2× and peak RSS ≤ 1.5× the minimal checker's. `sibao coverage` on the
// same file is measured beside them (it checks and sums the rows as it reads them). Exits non-zero only
// when a run crashes, not on the ratio. SIBAO_BENCH_ROWS and SIBAO_BENCH_RUNS set the row and run counts.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KINDS } from '../domain/rows/kinds.js';
import { makeUscc, USCC_CHARSET } from '../domain/rows/uscc.js';
import { seededRandom } from '../local/seeded-random.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROWS = Number(process.env.SIBAO_BENCH_ROWS ?? 800_000);
const RUNS = Number(process.env.SIBAO_BENCH_RUNS ?? 3);


/** ROWS rows (written in pieces); codes unique by construction (the row index in base 31); ~1% with one mistake. */
function generate(file: string): { injected: number } {
  const rand = seededRandom(42);
  const towns = ['咸平街道', '高新区', '玉皇庙镇', '四所楼镇', '朱砂镇', '长智镇', '竖岗镇', '冯庄乡', '孙营乡', '大岗李乡', '邸阁乡', '厉庄乡', '练城乡'];
  const sectors = ['工业生产', '商贸流通', '交通运输', '文化旅游'];
  const headers = KINDS.whitelist.headers;
  const fd = openSync(file, 'w');
  let lines: string[] = [`\ufeff${headers.join(',')}`];
  let injected = 0;
  for (let i = 0; i < ROWS; i++) {
    let n = i;
    let tail = '';
    for (let k = 0; k < 6; k++) {
      tail = USCC_CHARSET[n % 31] + tail;
      n = Math.floor(n / 31);
    }
    let code = makeUscc(`91410222MA9${tail}`);
    const status = rand() < 0.85 ? '已纳入' : rand() < 0.5 ? '申报中' : '已移出';
    const row: Record<string, string> = {
      统一社会信用代码: code,
      名称: `通许县第${i}号食品有限公司`,
      所属领域: sectors[i % 4],
      所在乡镇: towns[i % towns.length],
      '产值或投资额（万元）': (rand() * 50_000).toFixed(2),
      员工人数: String(Math.floor(rand() * 900)),
      状态: status,
      纳入日期: status === '申报中' ? '' : `2022-05-${String(1 + (i % 28)).padStart(2, '0')}`,
      移出日期: status === '已移出' ? '2022-06-08' : '',
      移出原因: status === '已移出' ? '企业申请退出' : '',
      联系人: '企业办公室',
      联系电话: `138${String(i).padStart(8, '0')}`,
      联系邮箱: i % 3 === 0 ? `office${i}@enterprise.example` : '',
      关联企业: '',
      备注: '',
    };
    if (rand() < 0.01) {
      injected++;
      const kind = Math.floor(rand() * 5);
      if (kind === 0) code = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
      if (kind === 0) row.统一社会信用代码 = code;
      if (kind === 1) row['产值或投资额（万元）'] = '38600000';
      if (kind === 2) row.联系电话 = '1380000123';
      if (kind === 3) row.纳入日期 = '2022/13/01';
      if (kind === 4) row.名称 = '';
    }
    lines.push(headers.map((h) => row[h]).join(','));
    if (lines.length >= 10_000) {
      writeSync(fd, `${lines.join('\r\n')}\r\n`);
      lines = [];
    }
  }
  if (lines.length > 0) writeSync(fd, `${lines.join('\r\n')}\r\n`);
  closeSync(fd);
  return { injected };
}

const RSS_FILE = join(mkdtempSync(join(tmpdir(), 'sibao-rss-')), 'max-rss');

/** One run: wall ms and peak RSS in MB. */
function timeRun(label: string, args: string[], out: number): { ms: number; mb: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', './bench/max-rss.mjs', ...args], {
    cwd: ROOT,
    stdio: ['ignore', out, 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, SIBAO_MAX_RSS_FILE: RSS_FILE },
  });
  const ms = performance.now() - t0;
  // validate exits 1 when some rows are invalid (expected here); anything else is a crash.
  if (r.status !== 0 && r.status !== 1) {
    console.error(`${label} 运行失败（退出码 ${r.status}）：${r.stderr?.toString().slice(0, 2000)}`);
    process.exit(2);
  }
  return { ms, mb: Number(readFileSync(RSS_FILE, 'utf8')) / 1024 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'sibao-bench-'));
try {
  const file = join(dir, '白名单.csv');
  const { injected } = generate(file);
  const devNull = openSync('/dev/null', 'w');
  const sibaoArgs = ['bin/sibao.mjs', 'validate', file, '--json'];
  const minimalArgs = ['bench/minimal-checker.mjs', file];

  // One untimed run of each to compare what they found (and warm the file cache).
  const outFile = join(dir, 'out.json');
  const fd = openSync(outFile, 'w');
  timeRun('sibao validate', sibaoArgs, fd);
  closeSync(fd);
  const sibao = JSON.parse(readFileSync(outFile, 'utf8')) as { valid: number; invalid: number };
  const minimal = JSON.parse(spawnSync(process.execPath, minimalArgs, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }).stdout.toString()) as { valid: number; invalid: number };

  const a: { ms: number; mb: number }[] = [];
  const b: { ms: number; mb: number }[] = [];
  const c: { ms: number; mb: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(timeRun('sibao validate', sibaoArgs, devNull));
    b.push(timeRun('minimal checker', minimalArgs, devNull));
    c.push(timeRun('sibao coverage', ['bin/sibao.mjs', 'coverage', file, '--at', '2022-06-30', '--json'], devNull));
  }
  closeSync(devNull);
  const ms = (xs: typeof a) => median(xs.map((x) => x.ms));
  const mb = (xs: typeof a) => median(xs.map((x) => x.mb));
  const timeRatio = ms(a) / ms(b);
  const rssRatio = mb(a) / mb(b);
  const rate = (t: number) => Math.round(ROWS / (t / 1000)).toLocaleString('en-US');
  const runs = (xs: typeof a) => xs.map((x) => `${x.ms.toFixed(0)} ms/${x.mb.toFixed(0)} MB`).join(', ');
  console.log(`白名单 ${ROWS.toLocaleString('en-US')} 行（注入错误 ${injected} 行），交替各运行 ${RUNS} 次取中位数：`);
  console.log(`  sibao validate --json   ${ms(a).toFixed(0)} ms  （${rate(ms(a))} 行/秒）  峰值内存 ${mb(a).toFixed(0)} MB  有效 ${sibao.valid}，无效 ${sibao.invalid}  [${runs(a)}]`);
  console.log(`  最小校验脚本（基线）    ${ms(b).toFixed(0)} ms  （${rate(ms(b))} 行/秒）  峰值内存 ${mb(b).toFixed(0)} MB  有效 ${minimal.valid}，无效 ${minimal.invalid}  [${runs(b)}]`);
  console.log(`  时间比值 ${timeRatio.toFixed(2)}×（目标 ≤ 2×）${timeRatio <= 2 ? '  达标' : '  未达标'}`);
  console.log(`  峰值内存比值 ${rssRatio.toFixed(2)}×（目标 ≤ 1.5×）${rssRatio <= 1.5 ? '  达标' : '  未达标'}`);
  console.log(`  sibao coverage（同一文件，逐行校验并累加）${ms(c).toFixed(0)} ms，峰值内存 ${mb(c).toFixed(0)} MB：对基线 时间 ${(ms(c) / ms(b)).toFixed(2)}×，内存 ${(mb(c) / mb(b)).toFixed(2)}×  [${runs(c)}]`);
  if (sibao.invalid !== minimal.invalid) console.log(`  注意：两者判定的无效行数不同（${sibao.invalid} 对 ${minimal.invalid}）`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  rmSync(dirname(RSS_FILE), { recursive: true, force: true });
}
