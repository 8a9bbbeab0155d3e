// A workbook uploaded on `/my` (SPEC §7.7): read into tables, synced exactly as `sibao import` does
// (the one import use case, with the sync use case as its port instead of HTTP), and answered with
// the annotated workbook, which is kept for download with the upload's record. In terms of ports.
//
// A tab whose manifest the mass-delete guard refuses (SPEC §7.1: nothing deleted) is put to the
// member: the record lists it, and what confirming needs — the import's report and each refused
// manifest with the ids it would have deleted — is kept with the upload for CONFIRM_HOURS. The
// confirmation deletes exactly those rows (never one added since), once, without the file again, and
// replaces the annotated workbook with one that says so.
import { randomBytes } from 'node:crypto';
import { KINDS, type WorkClassId } from '../../domain/rows/kinds.js';
import { shanghaiDateTime } from '../../domain/time/time.js';
import type { Log, UploadRecord, WebStore } from '../ports.js';
import type { Access, ProfileCache } from './access.js';
import { annotatedSheets, tabNameOf, type AnnotatedSheet } from './annotate.js';
import { importTables, jsonCell, planImport, type ImportReport, type ImportTable, type ManifestBatch, type SyncPort } from './import-tables.js';
import { manifestAsMember, massDeleteMessage, MassDeleteRefused } from './manifest.js';
import { syncAsMember, type SyncDeps } from './sync.js';

/** How long an upload's refused deletions may be confirmed on the page. */
export const CONFIRM_HOURS = 24;

/** Reading and writing workbooks (adapters/workbook); read throws ImportPlanError for unusable files. */
export interface WorkbookCodec {
  read(file: string, bytes: Buffer): ImportTable[];
  write(sheets: AnnotatedSheet[]): Buffer;
}

export interface UploadDeps extends SyncDeps {
  access: Pick<Access, 'authoriseWrite'>;
  profiles: ProfileCache;
  web: WebStore;
  codec: WorkbookCodec;
  log?: Log;
}

export interface UploadInput {
  email: string;
  workClass: WorkClassId;
  file: string;
  bytes: Buffer;
}

export interface UploadResult {
  record: UploadRecord;
  report: ImportReport;
}

/** The spreadsheet id of a class's uploads: rows keep their identity from one upload to the next. */
export const uploadSpreadsheetId = (workClass: WorkClassId) => `upload:${workClass}`;

/** What confirming an upload's refused deletions needs (kept with the upload as JSON). */
interface PendingState {
  report: ImportReport;
  refused: { batch: ManifestBatch; doomed: string[] }[];
}

function encodeState(state: PendingState): Buffer {
  // Cells as JSON (dates as `YYYY-MM-DD`, as the sync and the annotated workbook show them).
  const tabs = state.report.tabs.map((t) => ({
    ...t,
    table: { ...t.table, rows: t.table.rows.map((r) => ({ row: r.row, values: Object.fromEntries(Object.entries(r.values).map(([k, v]) => [k, jsonCell(v)])) })) },
  }));
  return Buffer.from(JSON.stringify({ report: { ...state.report, tabs }, refused: state.refused }), 'utf8');
}

const decodeState = (bytes: Buffer): PendingState => JSON.parse(bytes.toString('utf8')) as PendingState;

const sameTab = (a: { workClass: string; kind: string }, b: { workClass: string; kind: string }) => a.workClass === b.workClass && a.kind === b.kind;

/** The tab report that carries a manifest's counts: the last table of its class and kind. */
const tabOfManifest = (report: ImportReport, m: { workClass: string; kind: string }) => [...report.tabs].reverse().find((t) => sameTab({ workClass: t.workClass, kind: t.table.kind }, m));

const recordTabs = (report: ImportReport): UploadRecord['tabs'] =>
  report.tabs.map((t) => ({ tab: tabNameOf(t), kind: t.table.kind, rows: t.results.length, accepted: t.accepted, rejected: t.rejected, deleted: t.deleted }));

const annotate = (deps: UploadDeps, report: ImportReport, record: UploadRecord) =>
  deps.codec.write(annotatedSheets(report, { source: record.file, at: shanghaiDateTime(record.at), who: record.email }));

export async function uploadWorkbook(deps: UploadDeps, input: UploadInput): Promise<UploadResult> {
  const tables = deps.codec.read(input.file, input.bytes);
  const plan = planImport(tables, () => input.workClass);
  const refused: PendingState['refused'] = [];
  const port: SyncPort = {
    async sync(batch) {
      return (await syncAsMember(deps, input.email, batch)).results;
    },
    // A mass deletion is refused (nothing deleted) and kept for the member to confirm on the page.
    async manifest(m) {
      try {
        const r = await manifestAsMember(deps, input.email, { ...m, confirmDeletions: false });
        return { applied: true, deleted: r.deleted, kept: r.kept, deletedIds: r.deletedIds, refused: r.refused };
      } catch (err) {
        if (!(err instanceof MassDeleteRefused)) throw err;
        refused.push({ batch: m, doomed: err.doomed });
        const message = massDeleteMessage(err.tab, err.live, err.wouldDelete, `确认要删除时，请在网页的上传结果或“最近上传”中点击“确认删除”（${CONFIRM_HOURS} 小时内有效，无需重新选择文件）。`);
        return { applied: false, deleted: 0, kept: err.live, deletedIds: [], refused: err.refused, message, live: err.live, wouldDelete: err.wouldDelete };
      }
    },
  };
  const report = await importTables(port, plan, { spreadsheetId: (p) => uploadSpreadsheetId(p.workClass) });
  const at = deps.clock.now();
  const record: UploadRecord = {
    id: randomBytes(12).toString('base64url'),
    email: input.email,
    file: input.file,
    workClass: input.workClass,
    at,
    tabs: recordTabs(report),
    accepted: report.accepted,
    rejected: report.rejected,
  };
  let pending: { state: Buffer; expiresAt: number } | undefined;
  if (refused.length > 0) {
    record.massDelete = report.manifests
      .filter((m) => !m.applied)
      .map((m) => {
        const tab = tabOfManifest(report, m);
        return { tab: tab ? tabNameOf(tab) : KINDS[m.kind].tab, kind: m.kind, live: m.live ?? 0, wouldDelete: m.wouldDelete ?? 0 };
      });
    record.confirmBy = at + CONFIRM_HOURS * 3_600_000;
    pending = { state: encodeState({ report, refused }), expiresAt: Math.ceil(record.confirmBy / 1000) };
  }
  await deps.web.putUpload(record, annotate(deps, report, record), pending);
  deps.log?.info('upload', { workClass: input.workClass, tabs: record.tabs.length, accepted: record.accepted, rejected: record.rejected, massDelete: refused.length });
  return { record, report };
}

export type ConfirmOutcome =
  /** Deleted now: the record and report say how many. */
  | { status: 'confirmed'; record: UploadRecord; report: ImportReport }
  /** Confirmed before (nothing changed now), past CONFIRM_HOURS, or nothing to confirm. */
  | { status: 'already' | 'expired' | 'none'; record: UploadRecord }
  /** No such upload of this member. */
  | { status: 'not_found' };

/**
 * The member confirms the deletions the guard refused in their upload `id`: each refused manifest
 * is sent again with `confirmDeletions`, deleting only the rows it would have deleted then; the
 * record and the annotated workbook are replaced, once. Only the uploader's own uploads are found.
 */
export async function confirmUploadDeletions(deps: UploadDeps, input: { email: string; id: string }): Promise<ConfirmOutcome> {
  const found = await deps.web.getPending(input.email, input.id);
  if (!found) return { status: 'not_found' };
  const { record } = found;
  if (record.confirmedAt !== undefined) return { status: 'already', record };
  if (!record.massDelete?.length) return { status: 'none', record };
  const now = deps.clock.now();
  if (!found.state || now > (record.confirmBy ?? 0)) return { status: 'expired', record };
  const { report, refused } = decodeState(found.state);
  for (const p of refused) {
    const r = await manifestAsMember(deps, input.email, { ...p.batch, confirmDeletions: true, only: p.doomed });
    const kept = r.refused.length > 0 ? `；${r.refused.length} 行不能删除（如：${r.refused[0].message}）` : '';
    const gone = p.doomed.length - r.deleted - r.refused.length;
    const message =
      `「${KINDS[p.batch.kind].tab}」经 ${input.email} 于 ${shanghaiDateTime(now).slice(0, 16).replace('T', ' ')} 确认，删除 ${r.deleted} 行` +
      `${gone > 0 ? `（另有 ${gone} 行此前已删除）` : ''}${kept}。删除的行在服务器保留记录，重新上传含该行的表格即可恢复。`;
    const i = report.manifests.findIndex((m) => sameTab(m, p.batch));
    report.manifests[i] = { ...report.manifests[i], applied: true, deleted: r.deleted, kept: r.kept, deletedIds: r.deletedIds, refused: r.refused, message };
    const tab = tabOfManifest(report, p.batch);
    if (tab) tab.deleted = r.deleted;
  }
  const confirmed: UploadRecord = { ...record, tabs: recordTabs(report), confirmedAt: now };
  if (!(await deps.web.confirmUpload(confirmed, annotate(deps, report, confirmed)))) {
    return { status: 'already', record: (await deps.web.getPending(input.email, input.id))?.record ?? record };
  }
  deps.log?.info('upload deletions confirmed', { workClass: record.workClass, deleted: report.manifests.reduce((n, m) => n + m.deleted, 0) });
  return { status: 'confirmed', record: confirmed, report };
}
