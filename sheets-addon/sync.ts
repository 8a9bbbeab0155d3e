/// <reference types="google-apps-script" />
// 校验 and 立即同步 over every tab of the work class. Per tab: one read (getDataRange().getValues()),
// local validation with the shared domain, dirty rows posted to `POST {apiUrl}/v1/sync` in batches
// (≤ 500 rows and ≤ 5 MB per UrlFetch), and all write-back after the batches: one setValues per
// block of product-owned columns, marks in one batched setBackgrounds/setNotes. A failed batch keeps
// its rows' dirty marks. Runs under the document lock.
// The header row is checked first (domain/rows/headers.ts, as the server and the CLI check it): a tab
// with a misspelled or missing column is not synced and the summary says why; headers spelled
// differently but equal after folding are read as their column. After a run in which every batch of a
// tab succeeded, the tab's manifest (`POST /v1/sync/manifest`, the ids of all its non-blank rows) lets
// the server delete the rows no longer in the sheet; deletions it refuses (a routed issue) are kept
// for 刷新状态 to restore. A mass deletion the server refuses (409 mass_delete) is put to the user
// (yes/no naming the tab and the count); only a yes resends the manifest with `confirmDeletions`.
// The row's server id is written into the hidden `_标识` and sent with it from then on.

import { checkHeaders } from '../domain/rows/headers.js';
import { rowIdentity } from '../domain/rows/identity.js';
import { CLASS_KINDS, KINDS, type RowKind, type WorkClassId } from '../domain/rows/kinds.js';
import { toSheetText } from '../domain/rows/sheet-text.js';
import type { RowError } from '../domain/rows/types.js';
import { ID_HEADER, SYNC_HEADER, SYNC_STATE, VERSION_HEADER } from './columns.js';
import { applyDecisionTab, type DecisionTabSummary } from './decisions-tab.js';
import { apiCall, identityToken, NO_TOKEN_MESSAGE, utf8Length } from './http.js';
import { type LastSync, loadRefusedDeletions, loadSettings, saveLastSync, saveRefusedDeletions, type Settings, workClassName } from './settings.js';
import {
  applyMarks,
  type CellMark,
  type CellWrites,
  copiedHiddenIds,
  dateFormatterFor,
  hasSyncColumns,
  isBlankRow,
  ownValues,
  readTable,
  type Table,
  writeBack,
} from './table.js';
import { contextFor, marksFor, validateTableRows, whitelistCodes } from './validate-sheet.js';

export const MAX_BATCH_ROWS = 500;
export const MAX_BATCH_BYTES = 5 * 1024 * 1024;

export interface SyncRow {
  row: number;
  values: Record<string, string | number | boolean>;
  version?: number;
}

export interface SyncResult {
  row: number;
  ok: boolean;
  id?: string;
  version?: number;
  errors?: RowError[];
  writeBack?: Record<string, unknown>;
}

export interface TabSummary {
  tab: string;
  kind: RowKind;
  rows: number;
  invalid: number;
  sent: number;
  accepted: number;
  rejected: number;
  pending: number;
  /** Rows deleted on the server by this run's manifest. */
  deleted: number;
}

export interface ManifestAnswer {
  deleted?: number;
  kept?: number;
  refused?: { id: string; code: string; message: string }[];
}

export interface SyncSummary {
  ok: boolean;
  message: string;
  tabs: TabSummary[];
  sent: number;
  accepted: number;
  rejected: number;
  pending: number;
  fetches: number;
  /** 指挥部待办 (coordination, 立即同步 only): the decisions typed in the tab. */
  decisions?: DecisionTabSummary;
}

/** The tabs of the class that exist in the spreadsheet, whitelist first (issues check codes against it). */
function classTables(
  ss: GoogleAppsScript.Spreadsheet.Spreadsheet,
  workClass: WorkClassId,
): { kind: RowKind; sheet: GoogleAppsScript.Spreadsheet.Sheet }[] {
  const kinds = [...CLASS_KINDS[workClass]].sort((a, b) => (a === 'whitelist' ? -1 : b === 'whitelist' ? 1 : 0));
  const out: { kind: RowKind; sheet: GoogleAppsScript.Spreadsheet.Sheet }[] = [];
  for (const kind of kinds) {
    const sheet = ss.getSheetByName(KINDS[kind].tab);
    if (sheet) out.push({ kind, sheet });
  }
  return out;
}

export function settingsProblem(s: Settings): string | undefined {
  if (!s.workClass) return '尚未设置本表所属的工作专班：请打开 扩展程序 → 四保调度 → 设置。';
  if (CLASS_KINDS[s.workClass].length === 0) return `「${workClassName(s.workClass)}」专班只读，没有需要同步的表。`;
  return undefined;
}

// ---- 校验 ---------------------------------------------------------------------------------------------

export interface ValidateSummary {
  ok: boolean;
  message: string;
  tabs: { tab: string; rows: number; invalid: number; warnings: number }[];
}

/** Validate every row of every class tab; mark bad cells, clear fixed ones. */
export function validateSpreadsheet(ss: GoogleAppsScript.Spreadsheet.Spreadsheet): ValidateSummary {
  const settings = loadSettings();
  const problem = settingsProblem(settings);
  if (problem) return { ok: false, message: problem, tabs: [] };
  const workClass = settings.workClass as WorkClassId;
  const fmt = dateFormatterFor(ss.getSpreadsheetTimeZone());
  let codes: Set<string> | undefined;
  const tabs: ValidateSummary['tabs'] = [];
  for (const { kind, sheet } of classTables(ss, workClass)) {
    const t = readTable(sheet, kind);
    const indexes: number[] = [];
    for (let i = 1; i < t.values.length; i++) indexes.push(i);
    const results = validateTableRows(t, indexes, contextFor(workClass, kind, codes), fmt);
    if (kind === 'whitelist') codes = whitelistCodes(t);
    applyMarks(t, marksFor(indexes, results));
    let invalid = 0;
    let warnings = 0;
    for (const r of results.values()) {
      if (!r.ok) invalid++;
      warnings += r.warnings.length;
    }
    tabs.push({ tab: KINDS[kind].tab, rows: results.size, invalid, warnings });
  }
  if (tabs.length === 0) return { ok: false, message: '本表还没有本专班的工作表：请先运行「初始化本表」。', tabs };
  const bad = tabs.reduce((n, t) => n + t.invalid, 0);
  const rows = tabs.reduce((n, t) => n + t.rows, 0);
  const message =
    bad === 0
      ? `校验完成：${rows} 行全部通过。`
      : `校验完成：${rows} 行中 ${bad} 行有误，已用红色标出，请将鼠标移到红色单元格查看说明。` +
        tabs.filter((t) => t.invalid > 0).map((t) => `「${t.tab}」${t.invalid} 行`).join('，');
  return { ok: bad === 0, message, tabs };
}

// ---- 立即同步 ------------------------------------------------------------------------------------------

function isPending(t: Table, i: number): boolean {
  const s = String(t.values[i][t.col.get(SYNC_HEADER)!] ?? '').trim();
  if (s === SYNC_STATE.dirty) return true;
  return s === '' && !isBlankRow(t, i);
}

const CONFLICT_CODES = new Set(['conflict', 'version_conflict', 'stale_version']);

/** Split rows into batches of ≤ maxRows rows and ≤ maxBytes of JSON body. */
export function batchRows(envelopeBytes: number, rows: SyncRow[], maxRows = MAX_BATCH_ROWS, maxBytes = MAX_BATCH_BYTES): SyncRow[][] {
  const out: SyncRow[][] = [];
  let cur: SyncRow[] = [];
  let bytes = envelopeBytes;
  for (const r of rows) {
    const b = utf8Length(JSON.stringify(r)) + 1;
    if (cur.length > 0 && (cur.length >= maxRows || bytes + b > maxBytes)) {
      out.push(cur);
      cur = [];
      bytes = envelopeBytes;
    }
    cur.push(r);
    bytes += b;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** Sync every dirty row of the class's tabs. Never throws for HTTP failures: see the summary. */
export interface SyncOptions {
  /** The hourly trigger: no one to ask. */
  background?: boolean;
  /**
   * Asks the user a yes/no question (Ui alert); without it (background) a mass deletion the server
   * refused is left undone and the summary says so.
   */
  confirm?: (question: string) => boolean;
}

export function syncSpreadsheet(ss: GoogleAppsScript.Spreadsheet.Spreadsheet, opts: SyncOptions = {}): SyncSummary {
  const empty = (ok: boolean, message: string): SyncSummary => ({
    ok,
    message,
    tabs: [],
    sent: 0,
    accepted: 0,
    rejected: 0,
    pending: 0,
    fetches: 0,
  });
  const settings = loadSettings();
  const problem = settingsProblem(settings) ?? (settings.apiUrl ? undefined : '尚未设置 API 地址：请打开 扩展程序 → 四保调度 → 设置。');
  if (problem) return record(empty(false, problem), opts);
  const workClass = settings.workClass as WorkClassId;
  const lock = LockService.getDocumentLock() ?? LockService.getScriptLock();
  if (!lock.tryLock(20_000)) return record(empty(false, '另一次同步正在进行，请稍后再试。'), opts);
  try {
    const token = identityToken();
    if (!token) return record(empty(false, NO_TOKEN_MESSAGE), opts);
    const fmt = dateFormatterFor(ss.getSpreadsheetTimeZone());
    const spreadsheetId = ss.getId();
    const summary = empty(true, '');
    const failures: string[] = [];
    /** What the manifests did (deleted rows, refusals). */
    const notes: string[] = [];
    const refusedIds: string[] = [];
    let stop = false;
    let codes: Set<string> | undefined;
    for (const { kind, sheet } of classTables(ss, workClass)) {
      const t = readTable(sheet, kind);
      const tab: TabSummary = { tab: KINDS[kind].tab, kind, rows: t.values.length - 1, invalid: 0, sent: 0, accepted: 0, rejected: 0, pending: 0, deleted: 0 };
      summary.tabs.push(tab);
      const headerCheck = checkHeaders(kind, t.headers);
      if (headerCheck.errors.length > 0) {
        failures.push(`「${tab.tab}」表头有误，本表未同步：${headerCheck.errors.map((e) => e.message).join('；')}`);
        continue;
      }
      // A header spelled differently (spaces, full-width, brackets) is read as its column.
      for (const [raw, column] of headerCheck.rename) if (!t.col.has(column)) t.col.set(column, t.col.get(raw)!);
      const ctx = contextFor(workClass, kind, codes);
      if (kind === 'whitelist') codes = whitelistCodes(t);
      if (!hasSyncColumns(t)) {
        failures.push(`「${tab.tab}」缺少同步列（${VERSION_HEADER}、${SYNC_HEADER}）：请先运行「初始化本表」。`);
        continue;
      }
      const pending: number[] = [];
      for (let i = 1; i < t.values.length; i++) if (isPending(t, i)) pending.push(i);
      tab.pending = pending.length;
      /** Server ids of the rows accepted in this run, by row index. */
      const ids = new Map<number, string>();
      let complete = !stop;

      // Local validation first: rows the server would reject are not sent, and are marked at once.
      const results = validateTableRows(t, pending, ctx, fmt);
      const marks: Map<number, CellMark[]> = marksFor(pending, results);
      const writes: CellWrites = new Map();
      const toSend: SyncRow[] = [];
      const vcol = t.col.get(VERSION_HEADER)!;
      const copies = copiedHiddenIds(t);
      for (const i of pending) {
        const r = results.get(i);
        if (!r) continue;
        if (!r.ok) {
          tab.invalid++;
          continue;
        }
        const v = t.values[i][vcol];
        const row: SyncRow = { row: t.base + i - 1, values: ownValues(t, i, copies, fmt) };
        if (typeof v === 'number' && Number.isFinite(v)) row.version = v;
        toSend.push(row);
      }
      if (!stop && toSend.length > 0) {
        const envelope = JSON.stringify({ spreadsheetId, workClass, kind, headers: t.headers, rows: [] });
        const url = `${settings.apiUrl}/v1/sync`;
        for (const batch of batchRows(utf8Length(envelope), toSend)) {
          const body = JSON.stringify({ spreadsheetId, workClass, kind, headers: t.headers, rows: batch });
          summary.fetches++;
          const ans = apiCall<{ results?: SyncResult[] }>(url, token, 'post', body);
          if (!ans.ok || !ans.body || !Array.isArray(ans.body.results)) {
            complete = false;
            failures.push(`「${tab.tab}」${batch.length} 行未同步：${ans.message ?? '服务器返回的结果缺少 results'}`);
            if (ans.status === 401 || ans.status === 403 || ans.status === 0 || ans.status >= 500) {
              stop = true;
              break;
            }
            continue;
          }
          tab.sent += batch.length;
          for (const res of ans.body.results) {
            const i = res.row - t.base + 1;
            if (i < 1 || i >= t.values.length) continue;
            if (res.ok) {
              tab.accepted++;
              if (res.id) ids.set(i, res.id);
              const w: Record<string, string | number> = {};
              for (const [h, val] of Object.entries(res.writeBack ?? {})) if (t.col.has(h)) w[h] = toSheetText(val);
              if (typeof res.version === 'number') w[VERSION_HEADER] = res.version;
              // The server's id in the hidden `_标识`: the next edit of this row is an update of it.
              if (res.id) w[ID_HEADER] = res.id;
              w[SYNC_HEADER] = SYNC_STATE.synced;
              writes.set(i, w);
              marks.set(i, []);
            } else {
              tab.rejected++;
              const errors = res.errors ?? [];
              const conflict = errors.some((e) => CONFLICT_CODES.has(e.code));
              writes.set(i, { [SYNC_HEADER]: conflict ? SYNC_STATE.conflict : SYNC_STATE.rejected });
              marks.set(
                i,
                errors.map((e) => ({ column: e.column || KINDS[kind].headers[0], message: e.message || e.code })),
              );
            }
          }
        }
      }
      writeBack(t, writes);
      applyMarks(t, marks);
      tab.pending = pending.length - tab.accepted - tab.rejected;
      if (complete && !stop) {
        const manifestUrl = `${settings.apiUrl}/v1/sync/manifest`;
        const manifest = { spreadsheetId, workClass, kind, ids: tabIds(t, ids, fmt) };
        let m = sendManifest(manifestUrl, token, manifest);
        summary.fetches++;
        if (!m.ok && m.mass) {
          // The mass-delete guard (409 mass_delete): the user decides; nothing is deleted unless they say yes.
          const question = massDeleteQuestion(tab.tab, m.mass);
          if (opts.confirm?.(question)) {
            m = sendManifest(manifestUrl, token, { ...manifest, confirmDeletions: true });
            summary.fetches++;
          } else {
            notes.push(
              opts.confirm
                ? `「${tab.tab}」未删除任何行：您选择了不删除，服务器上不在表格中的 ${m.mass.wouldDelete} 行仍保留。`
                : `「${tab.tab}」未删除任何行：有 ${m.mass.wouldDelete} 行已不在表格中，数量较多，需在菜单「立即同步」中确认后才会删除。`,
            );
            m = { ok: true, deleted: 0, refused: [] };
          }
        }
        if (!m.ok) {
          failures.push(`「${tab.tab}」${m.message}`);
        } else {
          tab.deleted = m.deleted;
          if (m.deleted > 0) notes.push(`「${tab.tab}」删除 ${m.deleted} 行（服务器保留记录，重新填写即可恢复）。`);
          if (m.refused.length > 0) {
            notes.push(`「${tab.tab}」${m.refused.length} 行不能删除：${m.refused.map((r) => r.message).join('；')}`);
            if (kind === 'issue') refusedIds.push(...m.refused.map((r) => r.id));
          }
        }
      }
    }
    if (refusedIds.length > 0) saveRefusedDeletions([...loadRefusedDeletions(), ...refusedIds]);
    // Decisions typed in 指挥部待办 are applied by whoever presses 立即同步, never by the background run.
    let decisionsOk = true;
    if (workClass === 'coordination' && !opts.background && !stop) {
      const d = applyDecisionTab(ss, settings.apiUrl, token);
      if (d.pending > 0 || d.lines.length > 0) {
        summary.decisions = d;
        summary.fetches += d.sent + (d.forbidden ? 1 : 0);
        decisionsOk = !d.forbidden && d.refused === 0 && d.applied === d.pending;
      }
    }
    for (const tab of summary.tabs) {
      summary.sent += tab.sent;
      summary.accepted += tab.accepted;
      summary.rejected += tab.rejected;
      summary.pending += tab.pending;
    }
    const invalid = summary.tabs.reduce((n, x) => n + x.invalid, 0);
    const parts: string[] = [];
    if (summary.sent === 0 && failures.length === 0 && invalid === 0) {
      if (!summary.decisions) parts.push('没有需要同步的行。');
    }
    else parts.push(`同步完成：提交 ${summary.sent} 行，成功 ${summary.accepted} 行，服务器退回 ${summary.rejected} 行。`);
    if (invalid > 0) parts.push(`${invalid} 行本地校验未通过，未提交（已标红）。`);
    parts.push(...notes, ...failures, ...(summary.decisions?.lines ?? []));
    summary.ok = failures.length === 0 && summary.rejected === 0 && invalid === 0 && decisionsOk;
    summary.message = parts.join('\n');
    return record(summary, opts);
  } finally {
    lock.releaseLock();
  }
}

/** The ids of every non-blank row of a tab: the server's answer of this run, else the row's own identity (`_标识` first). */
function tabIds(t: Table, accepted: ReadonlyMap<number, string>, fmt?: (d: Date) => string): string[] {
  const out: string[] = [];
  const copies = copiedHiddenIds(t);
  for (let i = 1; i < t.values.length; i++) {
    if (isBlankRow(t, i)) continue;
    out.push(accepted.get(i) ?? rowIdentity(t.kind, ownValues(t, i, copies, fmt)).id);
  }
  return out;
}

/** What the mass-delete guard counted (409 `mass_delete`). */
export interface MassDelete {
  live: number;
  wouldDelete: number;
}

/** The yes/no question of a mass deletion: the tab and how many rows go. */
export function massDeleteQuestion(tab: string, m: MassDelete): string {
  return (
    `「${tab}」中有 ${m.wouldDelete} 行已不在表格中（服务器现有 ${m.live} 行），同步将把它们从服务器删除。\n` +
    '删除的行在服务器保留记录，重新填写即可恢复。\n确认删除这 ' + `${m.wouldDelete} 行吗？选择「否」则不删除任何行。`
  );
}

function sendManifest(
  url: string,
  token: string,
  body: { spreadsheetId: string; workClass: WorkClassId; kind: RowKind; ids: string[]; confirmDeletions?: true },
): { ok: true; deleted: number; refused: NonNullable<ManifestAnswer['refused']> } | { ok: false; message: string; mass?: MassDelete } {
  const ans = apiCall<ManifestAnswer>(url, token, 'post', JSON.stringify(body));
  if (!ans.ok || !ans.body) {
    const r = ans.refusal;
    const mass = ans.status === 409 && r?.error?.code === 'mass_delete' && typeof r.live === 'number' && typeof r.wouldDelete === 'number' ? { live: r.live, wouldDelete: r.wouldDelete } : undefined;
    return { ok: false, message: ans.message ?? '删除同步失败', ...(mass ? { mass } : {}) };
  }
  return { ok: true, deleted: ans.body.deleted ?? 0, refused: ans.body.refused ?? [] };
}

function record(s: SyncSummary, opts: { background?: boolean }): SyncSummary {
  const last: LastSync = {
    at: new Date().toISOString(),
    ok: s.ok,
    message: s.message,
    sent: s.sent,
    accepted: s.accepted,
    rejected: s.rejected,
    pending: s.pending,
  };
  if (opts.background) last.background = true;
  saveLastSync(last);
  return s;
}
