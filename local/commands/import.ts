// `sibao import FILE… [--api URL] [--as EMAIL] [--class CLASS] [--partial] [--allow-deletions]`:
// pushes the rows of .csv/.xlsx files through the same `POST /v1/sync` the add-on uses, as that
// member, in batches of at most 500, with the header row (the server checks it the same way); then,
// unless --partial, one `POST /v1/sync/manifest` per tab (the files of one class and kind together
// are the whole tab) listing every row's id, so rows no longer in the file are deleted (tombstones).
// The header check (domain/rows/headers.ts) runs on every table first: an unusable header row
// (unknown_header, missing_header) means nothing is sent.
// Prints every rejected row (row, column, Chinese message, code), every deleted id and a summary.
// Exit 0 all accepted, 1 some rejected or a deletion refused (mass_delete), 2 unusable (no API, no
// token, bad files or headers, 401/403).
import { basename, extname } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { KINDS, WORK_CLASSES, type RowKind, type WorkClassId } from '../../domain/rows/kinds.js';
import { shanghaiDateTime } from '../../domain/time/time.js';
import { writeXlsx } from '../../functions/adapters/workbook/xlsx-write.js';
import { annotatedSheets } from '../../functions/usecases/annotate.js';
import {
  ImportPlanError,
  importTables,
  inferWorkClass as inferClass,
  parseWorkClass as parseClass,
  planImport,
  rejections,
  type ImportReport,
  type ManifestReport,
} from '../../functions/usecases/import-tables.js';
import { loadOrCreateDevIssuer } from '../../functions/adapters/dev-issuer.js';
import { boolFlag, parseArgs, stringFlag, UsageError } from '../args.js';
import { argSpecOf, commandHelp } from './spec.js';
import { dataDirOf, readStackInfo } from '../data-dir.js';
import { readAllTables, sectorHint, type Table } from '../files.js';
import { renderTable } from '../format.js';
import { createProgress } from '../progress.js';
import { SyncUnusableError, checkApi, httpSyncPort, type SyncRowResult } from '../sync-client.js';
import { requireEmail, requireIssuerDir } from './token.js';

export const HELP = commandHelp('import');

export const DEFAULT_API = 'http://127.0.0.1:8787';

/** A work class from its id or Chinese name. */
export function parseWorkClass(text: string): WorkClassId {
  return planned(() => parseClass(text));
}

/** The class a table belongs to when --class is not given; undefined when it cannot be told. */
export function inferWorkClass(table: Table): WorkClassId | undefined {
  return inferClass(table, sectorHint(table.file));
}

function planned<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ImportPlanError) throw new UsageError(err.message, err.code);
    throw err;
  }
}

export function resolveApi(flag: string | undefined, dataDir: string): string {
  const api = flag ?? readStackInfo(dataDir)?.api ?? process.env.SIBAO_API ?? DEFAULT_API;
  try {
    const u = new URL(api);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new UsageError(`--api 的取值“${api}”不是有效的 http(s) 地址`, 'api_url');
  }
  return api.replace(/\/+$/, '');
}

interface FileReport {
  file: string;
  sheet?: string;
  kind: RowKind;
  workClass: WorkClassId;
  accepted: number;
  rejected: number;
  rows: SyncRowResult[];
}

function rejectionLines(results: readonly SyncRowResult[]): string[][] {
  return rejections(results).map((e) => [String(e.row), e.column, e.message, e.code]);
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, argSpecOf('import'));
  if (boolFlag(args, 'help')) {
    console.log(HELP);
    return 0;
  }
  if (args.positionals.length === 0) throw new UsageError('请给出要导入的文件，例如：sibao import 白名单.csv --as industry.editor@tongxu.example');
  const json = boolFlag(args, 'json');
  const partial = boolFlag(args, 'partial');
  const allowDeletions = boolFlag(args, 'allow-deletions');
  if (partial && allowDeletions) throw new UsageError('--partial 不删除任何行，不能与 --allow-deletions 同时使用', 'usage');
  const dataDir = dataDirOf(stringFlag(args, 'data'));
  const forcedClass = stringFlag(args, 'class') === undefined ? undefined : parseWorkClass(stringFlag(args, 'class')!);
  const tables = await readAllTables(args.positionals, { kind: stringFlag(args, 'kind') });

  const plan = planned(() => planImport(tables, (t) => forcedClass ?? inferWorkClass(t)));
  const annotate = stringFlag(args, 'annotate');
  if (annotate !== undefined && !/\.xlsx$/i.test(annotate)) throw new UsageError(`--annotate 的输出文件应以 .xlsx 结尾：${annotate}`, 'annotate_path');

  let token = stringFlag(args, 'token') ?? process.env.SIBAO_TOKEN;
  let who = '令牌';
  if (!token) {
    const email = requireEmail(stringFlag(args, 'as'));
    requireIssuerDir(dataDir);
    token = await (await loadOrCreateDevIssuer(dataDir)).issue(email, 3600);
    who = email;
  }
  const api = resolveApi(stringFlag(args, 'api'), dataDir);

  const t0 = Date.now();
  let report: ImportReport;
  try {
    await checkApi(api);
    let progress: ReturnType<typeof createProgress> | undefined;
    let rejectedSoFar = 0;
    let done = 0;
    const finish = () => progress?.finish(`接受 ${done - rejectedSoFar}，拒绝 ${rejectedSoFar}`);
    report = await importTables(httpSyncPort(api, token), plan, {
      spreadsheetId: ({ table }) => `import:${basename(table.file, extname(table.file))}`,
      partial,
      confirmDeletions: allowDeletions,
      onTab: ({ table }) => {
        finish();
        rejectedSoFar = 0;
        done = 0;
        progress = createProgress(`导入 ${basename(table.file)}${table.sheet ? `［${table.sheet}］` : ''}`, table.rows.length);
      },
      onBatch: (_p, rowsDone, batch) => {
        done += batch.length;
        rejectedSoFar += batch.filter((r) => !r.ok).length;
        progress?.update(rowsDone, rejectedSoFar ? `拒绝 ${rejectedSoFar}` : undefined);
      },
    });
    finish();
  } catch (err) {
    if (err instanceof SyncUnusableError) throw new UsageError(err.message, err.code);
    throw err;
  }
  if (annotate !== undefined) {
    const bytes = writeXlsx(annotatedSheets(report, { source: args.positionals.map((f) => basename(f)).join('、'), at: shanghaiDateTime(Date.now()), who }));
    await writeFile(annotate, bytes);
  }
  const reports: FileReport[] = report.tabs.map((t) => ({
    file: t.table.file,
    ...(t.table.sheet ? { sheet: t.table.sheet } : {}),
    kind: t.table.kind,
    workClass: t.workClass,
    accepted: t.accepted,
    rejected: t.rejected,
    rows: t.results as SyncRowResult[],
  }));
  const accepted = reports.reduce((n, r) => n + r.accepted, 0);
  const rejected = reports.reduce((n, r) => n + r.rejected, 0);
  const seconds = (Date.now() - t0) / 1000;
  const manifests: ManifestReport[] = report.manifests;
  const refusedManifests = manifests.filter((m) => !m.applied).length;
  if (json) {
    process.stdout.write(`${JSON.stringify({ api, files: reports, manifests, accepted, rejected, seconds })}\n`);
  } else {
    const parts: string[] = [];
    for (const r of reports) {
      const head = `${r.file}${r.sheet ? `［${r.sheet}］` : ''}（${KINDS[r.kind].tab}，专班 ${WORK_CLASSES.find((c) => c.id === r.workClass)?.name ?? r.workClass}）：${r.accepted + r.rejected} 行，接受 ${r.accepted} 行，拒绝 ${r.rejected} 行`;
      const lines = rejectionLines(r.rows);
      parts.push(lines.length ? `${head}\n${renderTable(['行', '列', '说明', '代码'], lines, { right: [0], wrap: [2] })}` : `${head}\n  全部接受 ✓`);
    }
    for (const m of manifests) parts.push(manifestText(m));
    parts.push(`共 ${accepted + rejected} 行：接受 ${accepted} 行，拒绝 ${rejected} 行；用时 ${seconds.toFixed(1)} 秒（${api}，身份 ${who}）`);
    console.log(parts.join('\n\n'));
  }
  return rejected > 0 || refusedManifests > 0 ? 1 : 0;
}

function manifestText(m: ManifestReport): string {
  const tab = `「${KINDS[m.kind].tab}」（专班 ${WORK_CLASSES.find((c) => c.id === m.workClass)?.name ?? m.workClass}）`;
  const lines: string[] = [];
  if (!m.applied) lines.push(`${tab}未删除任何行：${m.message ?? '大批删除被拒绝'}`);
  else if (m.deleted === 0) lines.push(`${tab}：文件中没有的行 0 行，未删除`);
  else lines.push(`${tab}：删除了文件中没有的 ${m.deleted} 行（保留记录，可恢复），现有 ${m.kept} 行：`, ...m.deletedIds.map((id) => `  ${id}`));
  if (m.refused.length > 0) {
    lines.push(`拒绝删除 ${m.refused.length} 行：`);
    lines.push(renderTable(['标识', '说明', '代码'], m.refused.map((r) => [r.id, r.message, r.code]), { wrap: [1] }));
  }
  return lines.join('\n');
}
