// Importing row tables (CSV files, workbook tabs) into the county's store: the one path shared by
// `sibao import` (over HTTP, as the add-on syncs) and the upload on `/my` (in the web function). It
// plans which class each table is synced as, refuses a tab the class does not keep, sends the rows
// in batches of at most 500 through the sync port, and returns every row's answer per tab — what the
// CLI prints, the result page shows and the annotated workbook is made from.
//
// Every table's header row is checked first (domain/rows/headers.ts): an unusable header means
// nothing is sent. After the last table of a tab (one class and kind; several files may make one
// tab), unless `partial`, the manifest of SPEC §7.1 lists every row's id so rows no longer in the
// tab are deleted (tombstones); the mass-delete guard refuses it whole unless `confirmDeletions`.
import { checkHeaders, renameCells } from '../../domain/rows/headers.js';
import { rowIdentity } from '../../domain/rows/identity.js';
import { CLASS_KINDS, KINDS, SECTOR_CLASS, WORK_CLASSES, type RowKind, type Sector, type WorkClassId } from '../../domain/rows/kinds.js';
import type { Cell, RawRow, RowError } from '../../domain/rows/types.js';
import type { JsonCell } from '../ports.js';

export const MAX_BATCH_ROWS = 500;

/** A table read from a file or a workbook tab (functions/adapters/workbook/tables.ts makes them). */
export interface ImportTable {
  file: string;
  sheet?: string;
  kind: RowKind;
  headers: string[];
  rows: RawRow[];
}

/** One row's answer of the sync (the API's JSON or the use case's result). */
export interface RowOutcome {
  row: number;
  ok: boolean;
  id?: string | null;
  outcome?: string;
  errors?: RowError[];
  warnings?: { column?: string; code: string; message: string }[];
  writeBack?: Record<string, unknown>;
}

export interface SyncBatch {
  spreadsheetId: string;
  workClass: WorkClassId;
  kind: RowKind;
  rows: { row: number; values: Record<string, JsonCell> }[];
  /** The table's header row: the server checks it as headers.ts does here. */
  headers?: string[];
}

/** "These are all the rows of this tab" (SPEC §7.1). */
export interface ManifestBatch {
  spreadsheetId: string;
  workClass: WorkClassId;
  kind: RowKind;
  ids: string[];
  confirmDeletions: boolean;
}

/** The manifest's answer; `applied` false when the mass-delete guard refused it whole (nothing deleted). */
export interface ManifestOutcome {
  applied: boolean;
  deleted: number;
  kept: number;
  deletedIds: string[];
  refused: { id: string; code: string; message: string }[];
  /** The guard's message when not applied. */
  message?: string;
  live?: number;
  wouldDelete?: number;
}

/** How rows reach the sync: `POST /v1/sync` for the CLI, the sync use case in the web function. */
export interface SyncPort {
  sync(batch: SyncBatch): Promise<RowOutcome[]>;
  manifest(batch: ManifestBatch): Promise<ManifestOutcome>;
}

/** A plan that cannot run (unknown class, a tab the class does not keep); nothing was sent. */
export class ImportPlanError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ImportPlanError';
  }
}

export interface PlannedTable {
  table: ImportTable;
  workClass: WorkClassId;
}

export interface TabReport {
  table: ImportTable;
  workClass: WorkClassId;
  results: RowOutcome[];
  accepted: number;
  rejected: number;
  /** Rows the manifest deleted (SPEC §7.1), on the tab's last table; 0 with `partial` or when refused. */
  deleted: number;
}

export interface ManifestReport extends ManifestOutcome {
  workClass: WorkClassId;
  kind: RowKind;
}

export interface ImportReport {
  tabs: TabReport[];
  manifests: ManifestReport[];
  accepted: number;
  rejected: number;
}

const className = (id: string) => WORK_CLASSES.find((c) => c.id === id)?.name ?? id;
export const tableLabel = (t: Pick<ImportTable, 'file' | 'sheet'>) => (t.sheet ? `${t.file}［${t.sheet}］` : t.file);

/** A work class from its id or Chinese name. */
export function parseWorkClass(text: string): WorkClassId {
  const t = text.trim();
  const c = WORK_CLASSES.find((w) => w.id === t || w.name === t || `${w.name}专班` === t);
  if (!c) throw new ImportPlanError('unknown_class', `未知的专班：${text}。可用：${WORK_CLASSES.map((w) => `${w.id}（${w.name}）`).join('、')}`);
  return c.id;
}

/**
 * The class a table belongs to when none is given; undefined when it cannot be told. `hint` is the
 * sector a file or folder name names (tables.ts sectorHint).
 */
export function inferWorkClass(table: ImportTable, hint?: Sector): WorkClassId | undefined {
  if (KINDS[table.kind].config || table.kind === 'inspection') return 'coordination';
  if (table.kind === 'epidemic_support') return 'epidemic_support';
  if (hint) return SECTOR_CLASS[hint];
  const sectors = new Set(table.rows.map((r) => String(r.values['所属领域'] ?? '').trim()).filter(Boolean));
  if (sectors.size === 1) {
    const s = [...sectors][0] as Sector;
    if (SECTOR_CLASS[s]) return SECTOR_CLASS[s];
  }
  return undefined;
}

/** Which class each table is synced as; refuses (before anything is sent) a tab the class does not keep or an unusable header row. */
export function planImport(tables: readonly ImportTable[], classOf: (t: ImportTable) => WorkClassId | undefined): PlannedTable[] {
  const plan = tables.map((table) => {
    const workClass = classOf(table);
    if (!workClass) throw new ImportPlanError('unknown_class', `无法判断 ${tableLabel(table)} 属于哪个专班：请用 --class 指定（如 --class industry）`);
    if (!CLASS_KINDS[workClass].includes(table.kind)) {
      throw new ImportPlanError(
        'wrong_class',
        `${tableLabel(table)}（${KINDS[table.kind].tab}）不属于专班 ${workClass} 可维护的表；该专班可维护：${
          CLASS_KINDS[workClass].map((k) => KINDS[k].tab).join('、') || '（只读）'
        }`,
      );
    }
    return { table, workClass };
  });
  checkImportHeaders(tables);
  return plan;
}

/** Refuses (before anything is sent) tables whose header row is unusable (unknown_header, missing_header). */
export function checkImportHeaders(tables: readonly ImportTable[]): void {
  const out: string[] = [];
  for (const t of tables) {
    for (const e of checkHeaders(t.kind, t.headers).errors) out.push(`${tableLabel(t)}：${e.message}（${e.code}）`);
  }
  if (out.length > 0) throw new ImportPlanError('unusable_header', `表头有误，未提交任何内容：\n${out.map((l) => `  ${l}`).join('\n')}`);
}

/** The ids of a table's rows: the server's answer where it stored the row, else the row's own identity. */
function rowIds(table: ImportTable, results: readonly RowOutcome[]): string[] {
  const rename = checkHeaders(table.kind, table.headers).rename;
  return table.rows.map((row, i) => {
    const id = results[i]?.row === row.row ? results[i].id : undefined;
    return typeof id === 'string' && id !== '' ? id : rowIdentity(table.kind, renameCells(row.values, rename)).id;
  });
}

/** A cell as JSON: xlsx dates (UTC midnight by convention) become `YYYY-MM-DD`. */
export function jsonCell(cell: Cell): JsonCell {
  if (cell === undefined || cell === null) return null;
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return null;
    const iso = cell.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  return cell;
}

export interface ImportOptions {
  /** The spreadsheet id rows are recorded under (identity of rows without a natural key). */
  spreadsheetId(p: PlannedTable): string;
  batchSize?: number;
  /** Called before a tab's first batch. */
  onTab?: (p: PlannedTable) => void;
  /** Called after each batch with the tab's rows done so far and the batch's answers. */
  onBatch?: (p: PlannedTable, done: number, results: readonly RowOutcome[]) => void;
  /** Only add and update: no manifest, nothing deleted. */
  partial?: boolean;
  /** Confirms a mass deletion (otherwise the guard refuses the manifest whole). */
  confirmDeletions?: boolean;
}

/** Sync every planned table, tab by tab, in batches; every row's answer comes back. */
export async function importTables(port: SyncPort, plan: readonly PlannedTable[], opts: ImportOptions): Promise<ImportReport> {
  const size = Math.min(opts.batchSize ?? MAX_BATCH_ROWS, MAX_BATCH_ROWS);
  const tabs: TabReport[] = [];
  const manifests: ManifestReport[] = [];
  const tabKey = (p: PlannedTable) => `${p.workClass}#${p.table.kind}`;
  const lastOfTab = new Map(plan.map((p, i) => [tabKey(p), i]));
  /** The ids of each tab so far and the spreadsheet id of its first table. */
  const ids = new Map<string, { spreadsheetId: string; ids: string[] }>();
  for (const [index, p] of plan.entries()) {
    opts.onTab?.(p);
    const results: RowOutcome[] = [];
    const rows = p.table.rows;
    for (let i = 0; i < rows.length; i += size) {
      const batch = rows.slice(i, i + size).map((r) => ({
        row: r.row,
        values: Object.fromEntries(Object.entries(r.values).map(([k, v]) => [k, jsonCell(v)])),
      }));
      const answer = await port.sync({ spreadsheetId: opts.spreadsheetId(p), workClass: p.workClass, kind: p.table.kind, rows: batch, headers: p.table.headers });
      results.push(...answer);
      opts.onBatch?.(p, Math.min(i + size, rows.length), answer);
    }
    const accepted = results.filter((r) => r.ok).length;
    const tab = ids.get(tabKey(p)) ?? { spreadsheetId: opts.spreadsheetId(p), ids: [] };
    tab.ids.push(...rowIds(p.table, results));
    ids.set(tabKey(p), tab);
    let deleted = 0;
    if (!opts.partial && lastOfTab.get(tabKey(p)) === index) {
      // afterTab: the manifest, once the tab's every table is synced.
      const answer = await port.manifest({
        spreadsheetId: tab.spreadsheetId,
        workClass: p.workClass,
        kind: p.table.kind,
        ids: [...new Set(tab.ids)],
        confirmDeletions: opts.confirmDeletions ?? false,
      });
      manifests.push({ workClass: p.workClass, kind: p.table.kind, ...answer });
      deleted = answer.deleted;
    }
    tabs.push({ table: p.table, workClass: p.workClass, results, accepted, rejected: results.length - accepted, deleted });
  }
  return { tabs, manifests, accepted: tabs.reduce((n, t) => n + t.accepted, 0), rejected: tabs.reduce((n, t) => n + t.rejected, 0) };
}

/** Every rejection of a tab as (row, column, message, code), in row order. */
export function rejections(results: readonly RowOutcome[]): { row: number; column: string; message: string; code: string }[] {
  const out: { row: number; column: string; message: string; code: string }[] = [];
  for (const r of results) {
    if (r.ok) continue;
    const errors = r.errors?.length ? r.errors : [{ column: '', code: 'rejected', message: '服务端拒绝了该行' }];
    for (const e of errors) out.push({ row: r.row, column: e.column ?? '', message: e.message, code: String(e.code) });
  }
  return out;
}
