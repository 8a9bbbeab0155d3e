// A workbook uploaded on `/my` (SPEC §7.7): read into tables, synced exactly as `sibao import` does
// (the one import use case, with the sync use case as its port instead of HTTP), and answered with
// the annotated workbook, which is kept for download with the upload's record. In terms of ports.
import { randomBytes } from 'node:crypto';
import type { WorkClassId } from '../../domain/rows/kinds.js';
import { shanghaiDateTime } from '../../domain/time/time.js';
import type { Log, UploadRecord, WebStore } from '../ports.js';
import type { Access, ProfileCache } from './access.js';
import { annotatedSheets, tabNameOf, type AnnotatedSheet } from './annotate.js';
import { importTables, planImport, type ImportReport, type ImportTable, type SyncPort } from './import-tables.js';
import { manifestAsMember, MassDeleteRefused } from './manifest.js';
import { syncAsMember, type SyncDeps } from './sync.js';

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

export async function uploadWorkbook(deps: UploadDeps, input: UploadInput): Promise<UploadResult> {
  const tables = deps.codec.read(input.file, input.bytes);
  const plan = planImport(tables, () => input.workClass);
  const port: SyncPort = {
    async sync(batch) {
      return (await syncAsMember(deps, input.email, batch)).results;
    },
    // No confirmation step on the page yet: a mass deletion is refused and shown as such.
    async manifest(m) {
      try {
        const r = await manifestAsMember(deps, input.email, { ...m, confirmDeletions: false });
        return { applied: true, deleted: r.deleted, kept: r.kept, deletedIds: r.deletedIds, refused: r.refused };
      } catch (err) {
        if (!(err instanceof MassDeleteRefused)) throw err;
        return { applied: false, deleted: 0, kept: err.live, deletedIds: [], refused: err.refused, message: err.message, live: err.live, wouldDelete: err.wouldDelete };
      }
    },
  };
  const report = await importTables(port, plan, { spreadsheetId: (p) => uploadSpreadsheetId(p.workClass) });
  const at = deps.clock.now();
  const workbook = deps.codec.write(annotatedSheets(report, { source: input.file, at: shanghaiDateTime(at), who: input.email }));
  const record: UploadRecord = {
    id: randomBytes(12).toString('base64url'),
    email: input.email,
    file: input.file,
    workClass: input.workClass,
    at,
    tabs: report.tabs.map((t) => ({ tab: tabNameOf(t), kind: t.table.kind, rows: t.results.length, accepted: t.accepted, rejected: t.rejected, deleted: t.deleted })),
    accepted: report.accepted,
    rejected: report.rejected,
  };
  await deps.web.putUpload(record, workbook);
  deps.log?.info('upload', { workClass: input.workClass, tabs: record.tabs.length, accepted: record.accepted, rejected: record.rejected });
  return { record, report };
}
