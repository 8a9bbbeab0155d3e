// `sibao export [--out FILE.xlsx] [--csv DIR] [--data DIR] [--at DATE] [--county NAME] [--json]`
// County IT's export for the provincial 四保 whitelist platform: one .xlsx workbook (tabs 白名单汇总,
// 覆盖率, 问题台账, 政策清单, 政策咨询员, 说明) and optionally the same tabs as CSV files. The format
// is described in local/export.ts and, for the receiver, in the workbook's 说明 tab.
//
// Where the data comes from is exactly what `sibao digest` does (dynalite allows one process per data
// directory): when `sibao start` runs on the data dir, its `stack.json` names its dynalite and this
// command queries it over 127.0.0.1; otherwise it takes the data-dir lock, opens the on-disk store for
// the duration of the command and releases the lock. Nothing is written to the store. "Today" (the
// default --at) and the export instant follow the running stack's clock (local/stack-clock.ts) when
// there is one, else the machine's.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { shanghaiDate, shanghaiDateTime, startOfShanghaiDay } from '../../domain/time/time.js';
import { createStore } from '../../functions/adapters/dynamodb-store.js';
import { logger } from '../../functions/adapters/logger.js';
import { createMatchReader } from '../../functions/adapters/policy-store.js';
import type { PolicyMatchRecord } from '../../functions/ports.js';
import { boolFlag, dateFlag, parseArgs, stringFlag, UsageError } from '../args.js';
import { argSpecOf, commandHelp } from './spec.js';
import { dataDirOf, readStackInfo } from '../data-dir.js';
import { DEMO_COUNTY } from '../digest-demo.js';
import {
  beijingTime,
  buildExportTabs,
  changesTab,
  buildReadmeTab,
  NothingConfiguredError,
  readExportData,
  READ_STEPS,
  tabToCsvRecords,
  writeExportWorkbook,
  type ExportData,
} from '../export.js';
import { toCsv } from '../files.js';
import { createProgress } from '../progress.js';
import { localDynamoClient } from '../services.js';
import { commandClock } from '../stack-clock.js';
import { historyBetween } from '../../functions/usecases/history.js';
import { TABLE_NAME } from '../stack.js';
import { openOfflineServices } from '../offline-services.js';

export const HELP = commandHelp('export');

/** What `--json` prints. */
export interface ExportSummary {
  /** The workbook written, or null with --csv only. */
  file: string | null;
  /** CSV files written (empty without --csv). */
  csv: string[];
  rows: Record<string, number>;
  at: string;
  /** The export instant, ISO with +08:00 (not in the workbook, whose instant is dataAsOf). */
  exportedAt: string;
  /** The data's own clock, ISO with +08:00: the 说明 tab's 数据最后更新, the workbook's created/modified. */
  dataAsOf: string;
  county: string;
  /** 政策找企 (SPEC §7.4): every policy matched to an enterprise, when it was pushed, the enterprise's answer. */
  policyMatches: ExportMatch[];
}

export interface ExportMatch {
  enterprise: string;
  enterpriseName: string;
  policy: string;
  policyName: string | null;
  matchedAt: string;
  /** null: not mailed yet (waiting for the next day's push), or recorded as the first run's baseline. */
  pushedAt: string | null;
  baseline: boolean;
  feedback: { answer: string; at: string } | null;
}

const iso = (ms: number) => shanghaiDateTime(Math.floor(ms / 1000) * 1000);

/** The matches with their answers, ordered by enterprise then policy. */
export function exportMatches(matches: readonly PolicyMatchRecord[], policies: ExportData['policies']): ExportMatch[] {
  const names = new Map(policies.map((p) => [p.key, p.value.name]));
  return [...matches]
    .sort((a, b) => (a.enterprise === b.enterprise ? (a.policy < b.policy ? -1 : 1) : a.enterprise < b.enterprise ? -1 : 1))
    .map((m) => ({
      enterprise: m.enterprise,
      enterpriseName: m.enterpriseName,
      policy: m.policy,
      policyName: names.get(m.policy) ?? null,
      matchedAt: iso(m.matchedAt),
      pushedAt: m.pushedAt === null || m.baseline ? null : iso(m.pushedAt),
      baseline: m.baseline === true,
      feedback: m.feedback ? { answer: m.feedback.answer, at: iso(m.feedback.at) } : null,
    }));
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, argSpecOf('export'));
  if (boolFlag(args, 'help')) {
    console.log(HELP);
    return 0;
  }
  if (args.positionals.length) throw new UsageError(`sibao export 不接受参数：${args.positionals.join(' ')}`);
  const dataDir = dataDirOf(stringFlag(args, 'data'));
  const info = readStackInfo(dataDir);
  // The running stack's clock when there is one (the demo lives in June 2022), else the machine's.
  const now = (await commandClock(info?.api)).now();
  const at = dateFlag(stringFlag(args, 'at'), 'at', () => shanghaiDate(now));
  const sinceFlag = stringFlag(args, 'since');
  const since = sinceFlag === undefined ? undefined : dateFlag(sinceFlag, 'since', () => at);
  const json = boolFlag(args, 'json');
  const csvDir = stringFlag(args, 'csv');
  const outFlag = stringFlag(args, 'out');
  const out = outFlag ?? (csvDir ? undefined : `四保白名单导出-${at}.xlsx`);
  if (out !== undefined && !/\.xlsx$/i.test(out)) throw new UsageError(`--out 应为 .xlsx 文件，收到“${out}”`, 'out');
  const county = (stringFlag(args, 'county') ?? DEMO_COUNTY).trim() || DEMO_COUNTY;
  if (!process.env.POWERTOOLS_LOG_LEVEL && !process.env.LOG_LEVEL) logger.setLogLevel('WARN');

  const cleanups: Array<() => unknown> = [];
  try {
    let dynamoEndpoint: string;
    let tableName = TABLE_NAME;
    let source: string;
    if (info?.dynamo) {
      dynamoEndpoint = info.dynamo;
      tableName = info.table ?? TABLE_NAME;
      source = `正在运行的本机服务（${info.api}）`;
    } else {
      ({ dynamoEndpoint } = await openOfflineServices(dataDir, cleanups));
      source = `本机数据目录 ${dataDir}`;
    }
    const dynamo = localDynamoClient(dynamoEndpoint);
    cleanups.push(() => dynamo.destroy());
    const store = createStore({ client: dynamo, tableName });

    const progress = createProgress('导出', READ_STEPS + (out ? 1 : 0) + (csvDir ? 1 : 0), { unit: '步' });
    let step = 0;
    let data: ExportData;
    try {
      data = await readExportData(store, (label) => progress.update(++step, `已读取${label}`));
    } catch (err) {
      if (err instanceof NothingConfiguredError) throw new UsageError(err.message, err.code);
      if ((err as Error).name === 'ResourceNotFoundException') {
        throw new UsageError(`数据目录 ${dataDir} 的数据库中还没有数据表：请先运行 sibao start --data ${dataDir} 载入县配置和数据`, 'no_profile');
      }
      throw err;
    }
    const tabs = buildExportTabs(data, at);
    // The workbook's instant is the data's own (the latest write it shows), never this run's clock:
    // the same data and options give the same bytes.
    let dataAsOf = data.dataAsOf;
    // --since: the 变更记录 tab, every change of every row from that day up to now (a deletion too).
    if (since !== undefined) {
      const changes = await historyBetween(store, startOfShanghaiDay(since), now + 1);
      for (const e of changes) dataAsOf = Math.max(dataAsOf, e.at);
      tabs.push(changesTab(changes, since));
    }
    const readme = buildReadmeTab(tabs, { county, source, at, dataAsOf });

    let file: string | null = null;
    if (out) {
      file = resolve(out);
      try {
        await writeExportWorkbook(tabs, readme, file, dataAsOf);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new UsageError(`无法写入 ${file}：${(err as Error).message}`, 'write');
        throw err;
      }
      progress.update(++step, `已写入 ${file}`);
    }
    const csv: string[] = [];
    if (csvDir) {
      const dir = resolve(csvDir);
      try {
        mkdirSync(dir, { recursive: true });
        for (const t of tabs) {
          const path = join(dir, `${t.name}.csv`);
          writeFileSync(path, toCsv(tabToCsvRecords(t)));
          csv.push(path);
        }
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR' || code === 'EEXIST') throw new UsageError(`无法写入 CSV 目录 ${dir}：${(err as Error).message}`, 'write');
        throw err;
      }
      progress.update(++step, `已写入 ${csv.length} 个 CSV 文件`);
    }
    progress.finish('完成');

    const rows = Object.fromEntries(tabs.map((t) => [t.name, t.rows.length]));
    const policyMatches = exportMatches(await createMatchReader({ client: dynamo, tableName }).listMatches(), data.policies);
    const summary: ExportSummary = { file, csv, rows, at, exportedAt: iso(now), dataAsOf: iso(dataAsOf), county, policyMatches };
    if (json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      const counts = tabs.map((t) => `${t.name} ${t.rows.length} 行`).join('，');
      process.stdout.write(
        `已导出 ${county} 的数据（覆盖率统计日 ${at}，数据最后更新 ${beijingTime(dataAsOf)}，导出时间 ${beijingTime(now)} 北京时间）：${counts}\n` +
          (file ? `  工作簿：${file}\n` : '') +
          (csv.length ? `  CSV：${csv.join('、')}\n` : ''),
      );
    }
    return 0;
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}
