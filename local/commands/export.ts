// `sibao export [--out FILE.xlsx] [--csv DIR] [--data DIR] [--at DATE] [--county NAME] [--json]`
// County IT's export for the provincial 四保 whitelist platform: one .xlsx workbook (tabs 白名单汇总,
// 覆盖率, 问题台账, 政策清单, 政策咨询员, 说明) and optionally the same tabs as CSV files. The format
// is described in local/export.ts and, for the receiver, in the workbook's 说明 tab.
//
// Where the data comes from is exactly what `sibao digest` does (dynalite allows one process per data
// directory): when `sibao start` runs on the data dir, its `stack.json` names its dynalite and this
// command queries it over 127.0.0.1; otherwise it takes the data-dir lock, opens the on-disk store for
// the duration of the command and releases the lock. Nothing is written to the store.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { shanghaiDate, shanghaiDateTime, TimeFormatError } from '../../domain/time/time.js';
import { createStore } from '../../functions/adapters/dynamodb-store.js';
import { logger } from '../../functions/adapters/logger.js';
import { boolFlag, parseArgs, stringFlag, UsageError } from '../args.js';
import { dataDirOf, readStackInfo } from '../data-dir.js';
import { DEMO_COUNTY } from '../digest-demo.js';
import {
  buildExportTabs,
  buildReadmeTab,
  NothingConfiguredError,
  readExportData,
  READ_STEPS,
  tabToCsvRecords,
  writeExportWorkbook,
  type ExportData,
} from '../export.js';
import { toCsv } from '../files.js';
import { acquireDataDirLock, DataDirLockedError } from '../lock.js';
import { createProgress } from '../progress.js';
import { localDynamoClient, startServices } from '../services.js';
import { TABLE_NAME } from '../stack.js';

export const HELP = `用法：sibao export [--out 文件.xlsx] [--csv 目录] [--data 目录] [--at 日期] [--county 县名] [--json]

导出本机数据，供对接省、市“四保”白名单企业（项目）运行调度平台（上传或移交）。
工作簿含以下工作表（第 1 行为中文列名）：
  白名单汇总  五个领域的全部白名单企业（项目），含所属专班、最后更新时间、版本
  覆盖率      各领域及合计的覆盖率（统计日见 --at）
  问题台账    全部问题诉求：责任单位、状态、时限、逾期、升级、退回、重办、回访
  政策清单    各单位报备的政策（责任单位为单位名称）
  政策咨询员  各单位的政策咨询员
  说明        来源县、导出时间（北京时间）、各表行数和每一列的含义
日期写为文本 YYYY-MM-DD，时间写为文本 YYYY-MM-DD HH:mm:ss（北京时间）；数值保持为数值；
以 = + - @ 开头的文本按文本保存，不会被当作公式（CSV 中前加 '）。
  --out     工作簿文件（默认 四保白名单导出-<统计日>.xlsx；只给 --csv 时不写工作簿）
  --csv     同时（或只）把五个数据表写成该目录下的 CSV 文件（UTF-8 带 BOM），如 白名单汇总.csv
  --data    数据目录（默认 .sibao）；sibao start 正在该目录运行时直接读取它的数据库
  --at      覆盖率统计日 YYYY-MM-DD（默认今天，北京时间）
  --county  来源县名（默认 ${DEMO_COUNTY}）
  --json    输出摘要 {"file","csv","rows":{各表行数},"at","exportedAt","county"}
退出码：0 成功；2 用法错误、没有数据目录或数据库、尚无县配置、数据目录被占用。`;

/** What `--json` prints. */
export interface ExportSummary {
  /** The workbook written, or null with --csv only. */
  file: string | null;
  /** CSV files written (empty without --csv). */
  csv: string[];
  rows: Record<string, number>;
  at: string;
  /** The export instant, ISO with +08:00. */
  exportedAt: string;
  county: string;
}

function parseAt(text: string | undefined, now: number): string {
  if (text === undefined) return shanghaiDate(now);
  try {
    return shanghaiDate(text.trim());
  } catch (err) {
    if (err instanceof TimeFormatError) throw new UsageError(`--at：${err.message}（应为 YYYY-MM-DD）`, 'date');
    throw err;
  }
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { flags: { out: 'string', csv: 'string', data: 'string', at: 'string', county: 'string', json: 'boolean' } });
  if (boolFlag(args, 'help')) {
    console.log(HELP);
    return 0;
  }
  if (args.positionals.length) throw new UsageError(`sibao export 不接受参数：${args.positionals.join(' ')}`);
  const now = Date.now();
  const at = parseAt(stringFlag(args, 'at'), now);
  const json = boolFlag(args, 'json');
  const csvDir = stringFlag(args, 'csv');
  const outFlag = stringFlag(args, 'out');
  const out = outFlag ?? (csvDir ? undefined : `四保白名单导出-${at}.xlsx`);
  if (out !== undefined && !/\.xlsx$/i.test(out)) throw new UsageError(`--out 应为 .xlsx 文件，收到“${out}”`, 'out');
  const county = (stringFlag(args, 'county') ?? DEMO_COUNTY).trim() || DEMO_COUNTY;
  const dataDir = dataDirOf(stringFlag(args, 'data'));
  if (!process.env.POWERTOOLS_LOG_LEVEL && !process.env.LOG_LEVEL) logger.setLogLevel('WARN');

  const info = readStackInfo(dataDir);
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
      if (!existsSync(dataDir)) {
        throw new UsageError(`数据目录 ${dataDir} 不存在：请先运行 npm start（或 sibao start --data ${dataDir}）载入数据，或用 --data 指定数据目录`, 'no_data');
      }
      if (!existsSync(join(dataDir, 'dynamodb'))) {
        throw new UsageError(`数据目录 ${dataDir} 中没有本机数据库：请先运行 npm start（或 sibao start --data ${dataDir}）载入数据`, 'no_data');
      }
      try {
        const lock = acquireDataDirLock(dataDir);
        cleanups.push(() => lock.release());
      } catch (err) {
        if (err instanceof DataDirLockedError) throw new UsageError(err.message, err.code);
        throw err;
      }
      const services = await startServices({ dataDir, memory: false, sesPort: 0 });
      cleanups.push(() => services.stop());
      dynamoEndpoint = services.dynamoEndpoint;
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
    const readme = buildReadmeTab(tabs, { county, source, at, exportedAt: now });

    let file: string | null = null;
    if (out) {
      file = resolve(out);
      try {
        await writeExportWorkbook(tabs, readme, file, now);
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
    const summary: ExportSummary = { file, csv, rows, at, exportedAt: shanghaiDateTime(Math.floor(now / 1000) * 1000), county };
    if (json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      const counts = tabs.map((t) => `${t.name} ${t.rows.length} 行`).join('，');
      process.stdout.write(
        `已导出 ${county} 的数据（覆盖率统计日 ${at}，导出时间 ${readme.rows[1][1]} 北京时间）：${counts}\n` +
          (file ? `  工作簿：${file}\n` : '') +
          (csv.length ? `  CSV：${csv.join('、')}\n` : ''),
      );
    }
    return 0;
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}
