// `sibao import FILE… [--api URL] [--as EMAIL] [--class CLASS]`: pushes the rows of .csv/.xlsx files
// through the same `POST /v1/sync` the add-on uses, as that member, in batches of at most 500.
// Prints every rejected row (row, column, Chinese message, code) and a summary.
// Exit 0 all accepted, 1 some rejected, 2 unusable (no API, no token, bad files, 401/403).
import { basename, extname } from 'node:path';
import { CLASS_KINDS, KINDS, SECTOR_CLASS, WORK_CLASSES, type RowKind, type Sector, type WorkClassId } from '../../domain/rows/kinds.js';
import { loadOrCreateDevIssuer } from '../../functions/adapters/dev-issuer.js';
import { boolFlag, parseArgs, stringFlag, UsageError } from '../args.js';
import { argSpecOf, commandHelp } from './spec.js';
import { dataDirOf, readStackInfo } from '../data-dir.js';
import { readAllTables, sectorHint, tableLabel, type Table } from '../files.js';
import { renderTable } from '../format.js';
import { createProgress } from '../progress.js';
import { SyncUnusableError, checkApi, pushRows, type SyncRowResult } from '../sync-client.js';
import { requireEmail, requireIssuerDir } from './token.js';

export const HELP = commandHelp('import');

export const DEFAULT_API = 'http://127.0.0.1:8787';

/** A work class from its id or Chinese name. */
export function parseWorkClass(text: string): WorkClassId {
  const t = text.trim();
  const c = WORK_CLASSES.find((w) => w.id === t || w.name === t || `${w.name}专班` === t);
  if (!c) throw new UsageError(`未知的专班：${text}。可用：${WORK_CLASSES.map((w) => `${w.id}（${w.name}）`).join('、')}`, 'unknown_class');
  return c.id;
}

/** The class a table belongs to when --class is not given; undefined when it cannot be told. */
export function inferWorkClass(table: Table): WorkClassId | undefined {
  if (KINDS[table.kind].config || table.kind === 'inspection') return 'coordination';
  if (table.kind === 'epidemic_support') return 'epidemic_support';
  const hint = sectorHint(table.file);
  if (hint) return SECTOR_CLASS[hint];
  const sectors = new Set(table.rows.map((r) => String(r.values['所属领域'] ?? '').trim()).filter(Boolean));
  if (sectors.size === 1) {
    const s = [...sectors][0] as Sector;
    if (SECTOR_CLASS[s]) return SECTOR_CLASS[s];
  }
  return undefined;
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
  const lines: string[][] = [];
  for (const r of results) {
    if (r.ok) continue;
    const errors = r.errors?.length ? r.errors : [{ column: '', code: 'rejected', message: '服务端拒绝了该行' }];
    for (const e of errors) lines.push([String(r.row), e.column ?? '', e.message, String(e.code)]);
  }
  return lines;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, argSpecOf('import'));
  if (boolFlag(args, 'help')) {
    console.log(HELP);
    return 0;
  }
  if (args.positionals.length === 0) throw new UsageError('请给出要导入的文件，例如：sibao import 白名单.csv --as industry.editor@tongxu.example');
  const json = boolFlag(args, 'json');
  const dataDir = dataDirOf(stringFlag(args, 'data'));
  const forcedClass = stringFlag(args, 'class') === undefined ? undefined : parseWorkClass(stringFlag(args, 'class')!);
  const tables = await readAllTables(args.positionals, { kind: stringFlag(args, 'kind') });

  const plan = tables.map((table) => {
    const workClass = forcedClass ?? inferWorkClass(table);
    if (!workClass) {
      throw new UsageError(`无法判断 ${tableLabel(table)} 属于哪个专班：请用 --class 指定（如 --class industry）`, 'unknown_class');
    }
    if (!CLASS_KINDS[workClass].includes(table.kind)) {
      throw new UsageError(
        `${tableLabel(table)}（${KINDS[table.kind].tab}）不属于专班 ${workClass} 可维护的表；该专班可维护：${
          CLASS_KINDS[workClass].map((k) => KINDS[k].tab).join('、') || '（只读）'
        }`,
        'wrong_class',
      );
    }
    return { table, workClass };
  });

  let token = stringFlag(args, 'token') ?? process.env.SIBAO_TOKEN;
  let who = '令牌';
  if (!token) {
    const email = requireEmail(stringFlag(args, 'as'));
    requireIssuerDir(dataDir);
    token = await (await loadOrCreateDevIssuer(dataDir)).issue(email, 3600);
    who = email;
  }
  const api = resolveApi(stringFlag(args, 'api'), dataDir);

  const reports: FileReport[] = [];
  const t0 = Date.now();
  try {
    await checkApi(api);
    for (const { table, workClass } of plan) {
      const label = `导入 ${basename(table.file)}${table.sheet ? `［${table.sheet}］` : ''}`;
      const progress = createProgress(label, table.rows.length);
      let rejectedSoFar = 0;
      const pushed = await pushRows({
        api,
        token,
        spreadsheetId: `import:${basename(table.file, extname(table.file))}`,
        workClass,
        kind: table.kind,
        rows: table.rows,
        onBatch: (done, batch) => {
          rejectedSoFar += batch.filter((r) => !r.ok).length;
          progress.update(done, rejectedSoFar ? `拒绝 ${rejectedSoFar}` : undefined);
        },
      });
      progress.finish(`接受 ${pushed.accepted}，拒绝 ${pushed.rejected}`);
      reports.push({
        file: table.file,
        ...(table.sheet ? { sheet: table.sheet } : {}),
        kind: table.kind,
        workClass,
        accepted: pushed.accepted,
        rejected: pushed.rejected,
        rows: pushed.results,
      });
    }
  } catch (err) {
    if (err instanceof SyncUnusableError) throw new UsageError(err.message, err.code);
    throw err;
  }
  const accepted = reports.reduce((n, r) => n + r.accepted, 0);
  const rejected = reports.reduce((n, r) => n + r.rejected, 0);
  const seconds = (Date.now() - t0) / 1000;
  if (json) {
    process.stdout.write(`${JSON.stringify({ api, files: reports, accepted, rejected, seconds })}\n`);
  } else {
    const parts: string[] = [];
    for (const r of reports) {
      const head = `${r.file}${r.sheet ? `［${r.sheet}］` : ''}（${KINDS[r.kind].tab}，专班 ${WORK_CLASSES.find((c) => c.id === r.workClass)?.name ?? r.workClass}）：${r.accepted + r.rejected} 行，接受 ${r.accepted} 行，拒绝 ${r.rejected} 行`;
      const lines = rejectionLines(r.rows);
      parts.push(lines.length ? `${head}\n${renderTable(['行', '列', '说明', '代码'], lines, { right: [0], wrap: [2] })}` : `${head}\n  全部接受 ✓`);
    }
    parts.push(`共 ${accepted + rejected} 行：接受 ${accepted} 行，拒绝 ${rejected} 行；用时 ${seconds.toFixed(1)} 秒（${api}，身份 ${who}）`);
    console.log(parts.join('\n\n'));
  }
  return rejected > 0 ? 1 : 0;
}
