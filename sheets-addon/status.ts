/// <reference types="google-apps-script" />
// 刷新状态 (system columns of the issue tab from `GET /v1/issues`, page by page; issue rows deleted
// from the sheet whose deletion the server refused are appended back from `GET /v1/issues/{id}`) and
// 覆盖率看板 (a tab with the coverage table from `GET /v1/coverage` and a native column chart).

import { escalationCell, unitCell } from '../domain/issues/sheet-cells.js';
import { KINDS } from '../domain/rows/kinds.js';
import { toSheetText } from '../domain/rows/sheet-text.js';
import { localMinute, refreshDecisionTab } from './decisions-tab.js';
import { apiCall, identityToken, NO_TOKEN_MESSAGE } from './http.js';
import { ID_HEADER, SYNC_HEADER, SYNC_STATE, VERSION_HEADER } from './columns.js';
import { loadRefusedDeletions, loadSettings, saveRefusedDeletions } from './settings.js';
import { type CellWrites, isBlankRow, readTable, type Table, writeBack } from './table.js';

export interface IssueStatus {
  id: string;
  status?: string;
  unit?: string;
  also?: string[];
  /** 责任单位 as the server's write-back shows it (unit names); absent from servers before it. */
  unitText?: string;
  signBy?: string;
  feedbackBy?: string;
  resolveBy?: string;
  overdue?: boolean;
  escalationLevel?: number;
}


/** Issues per `GET /v1/issues` page (the server's largest page). */
export const ISSUE_PAGE = 500;
/** Pages read at most in one 刷新状态 (250,000 issues): a bound on the UrlFetch calls of one run. */
export const MAX_ISSUE_PAGES = 500;

/**
 * Every issue the server lists, page by page (`limit` + `cursor`, following `next` until null): each
 * call reads one page from an index, whatever the history. A server without pages answers the whole
 * list without `next`, which ends the loop at once.
 */
export function listIssues(apiUrl: string, token: string): { ok: true; byId: Map<string, IssueStatus> } | { ok: false; message: string } {
  const byId = new Map<string, IssueStatus>();
  let cursor: string | null = null;
  for (let page = 0; page < MAX_ISSUE_PAGES; page++) {
    const query: string = `limit=${ISSUE_PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const ans = apiCall<{ issues?: IssueStatus[]; next?: string | null }>(`${apiUrl}/v1/issues?${query}`, token, 'get');
    if (!ans.ok || !ans.body) return { ok: false, message: ans.message ?? '服务器无回应' };
    for (const i of ans.body.issues ?? []) byId.set(i.id, i);
    cursor = typeof ans.body.next === 'string' && ans.body.next ? ans.body.next : null;
    if (!cursor) return { ok: true, byId };
  }
  return { ok: false, message: `服务器上的问题超过 ${ISSUE_PAGE * MAX_ISSUE_PAGES} 条，本次未能读完，请联系县大数据局` };
}

/** An issue an enterprise reported on its page: its 编号 and the tab's values (GET /v1/enterprise-reports). */
export interface EnterpriseReport {
  id: string;
  values: Record<string, string | number>;
}

/**
 * The class's 企业自报 issues. A server without the route (404) or a failed read yields none: 刷新状态
 * still refreshes the statuses, and the next run appends them.
 */
export function listEnterpriseReports(apiUrl: string, token: string, workClass: string): EnterpriseReport[] {
  if (!workClass) return [];
  const ans = apiCall<{ issues?: EnterpriseReport[] }>(`${apiUrl}/v1/enterprise-reports?workClass=${encodeURIComponent(workClass)}`, token, 'get');
  return ans.ok && ans.body && Array.isArray(ans.body.issues) ? ans.body.issues.filter((r) => typeof r?.id === 'string' && r.values && typeof r.values === 'object') : [];
}

/** The system columns 刷新状态 writes for an issue the server lists. */
function statusCells(s: IssueStatus): Record<string, string | number> {
  const w: Record<string, string | number> = {};
  if (s.status !== undefined) w['状态'] = toSheetText(s.status);
  // The same cells as the server's write-back (domain/issues/sheet-cells.ts): a refresh never rewrites a sync's.
  if (s.unitText !== undefined) w['责任单位'] = toSheetText(s.unitText);
  else if (s.unit) w['责任单位'] = toSheetText(unitCell({ unit: s.unit, also: s.also ?? [] }, (code) => code));
  if (s.signBy !== undefined) w['签收时限'] = toSheetText(s.signBy);
  if (s.resolveBy !== undefined) w['办结时限'] = toSheetText(s.resolveBy);
  w['升级情况'] = toSheetText(escalationCell({ overdue: s.overdue === true, escalationLevel: s.escalationLevel ?? 0 }));
  return w;
}

export function refreshStatus(ss: GoogleAppsScript.Spreadsheet.Spreadsheet): { ok: boolean; message: string; updated: number } {
  const settings = loadSettings();
  if (!settings.apiUrl) return { ok: false, message: '尚未设置 API 地址：请打开 扩展程序 → 四保调度 → 设置。', updated: 0 };
  const sheet = ss.getSheetByName(KINDS.issue.tab);
  if (!sheet) return { ok: false, message: `本表没有「${KINDS.issue.tab}」工作表。`, updated: 0 };
  const token = identityToken();
  if (!token) return { ok: false, message: NO_TOKEN_MESSAGE, updated: 0 };
  const listed = listIssues(settings.apiUrl, token);
  if (!listed.ok) return { ok: false, message: listed.message, updated: 0 };
  const byId = listed.byId;
  const reports = listEnterpriseReports(settings.apiUrl, token, settings.workClass);
  const lock = LockService.getDocumentLock() ?? LockService.getScriptLock();
  if (!lock.tryLock(20_000)) return { ok: false, message: '另一次同步正在进行，请稍后再试。', updated: 0 };
  try {
    const t = readTable(sheet, 'issue');
    const idCol = t.col.get('编号');
    if (idCol === undefined) return { ok: false, message: `「${KINDS.issue.tab}」缺少「编号」列：请先运行「初始化本表」。`, updated: 0 };
    const writes: CellWrites = new Map();
    const inTab = new Set<string>();
    for (let i = 1; i < t.values.length; i++) {
      const id = String(t.values[i][idCol] ?? '').trim();
      if (id) inTab.add(id);
      const s = byId.get(id);
      if (!s) continue;
      writes.set(i, statusCells(s));
    }
    writeBack(t, writes);
    const restored = restoreRefused(t, idCol, settings.apiUrl, token);
    const more = restored.length > 0 ? `已恢复 ${restored.length} 条删除被拒绝的问题行（${restored.join('、')}）。` : '';
    for (const id of restored) inTab.add(id);
    const added = appendEnterpriseReports(t, reports, inTab, byId, restored.length);
    const addedText = added > 0 ? `新增企业自报问题 ${added} 条（来源：企业自报，企业通过专属页面反映，已按规则交办）；` : '';
    const message = `${addedText}已刷新 ${writes.size} 条问题的状态（服务器共 ${byId.size} 条）。${more}`;
    // A sector class's 停产停工 tab: the command office's approval, without waiting for the next sync.
    if (settings.workClass !== 'coordination') {
      const shutdowns = refreshShutdowns(ss, settings.apiUrl, token, settings.workClass);
      return { ok: shutdowns.ok, message: [message, shutdowns.message].filter(Boolean).join('\n'), updated: writes.size + added };
    }
    const inspections = refreshInspections(ss, settings.apiUrl, token);
    const queue = refreshDecisionTab(ss, settings.apiUrl, token);
    return { ok: queue.ok && inspections.ok, message: [message, inspections.message, queue.message].filter(Boolean).join('\n'), updated: writes.size + added };
  } finally {
    lock.releaseLock();
  }
}

/** The sheet row below the last non-blank row (the data range may end in blank rows). */
function appendRow(t: Table): number {
  let last = t.values.length - 1;
  while (last >= 1 && isBlankRow(t, last)) last--;
  return t.base + last;
}

interface IssueDetailDto {
  issue?: { id: string; version?: number; deleted?: boolean; values?: Record<string, string | number | boolean | null> };
}

/** Append back the refused rows not in the sheet (one setValues for all of them); returns their ids. */
function restoreRefused(t: ReturnType<typeof readTable>, idCol: number, apiUrl: string, token: string): string[] {
  const wanted = loadRefusedDeletions();
  if (wanted.length === 0) return [];
  const present = new Set<string>();
  for (let i = 1; i < t.values.length; i++) present.add(String(t.values[i][idCol] ?? '').trim());
  const rows: (string | number)[][] = [];
  const restored: string[] = [];
  const keep: string[] = [];
  for (const id of wanted) {
    if (present.has(id)) continue;
    const ans = apiCall<IssueDetailDto>(`${apiUrl}/v1/issues/${encodeURIComponent(id)}`, token, 'get');
    const issue = ans.ok ? ans.body?.issue : undefined;
    if (!issue?.values) {
      keep.push(id);
      continue;
    }
    if (issue.deleted) continue;
    rows.push(
      t.headers.map((h) => {
        if (h === VERSION_HEADER) return issue.version ?? '';
        if (h === SYNC_HEADER) return SYNC_STATE.synced;
        if (h === ID_HEADER) return issue.id ?? id;
        const v = issue.values![h];
        return v === null || v === undefined ? '' : toSheetText(v);
      }),
    );
    restored.push(id);
  }
  if (rows.length > 0) t.sheet.getRange(appendRow(t), 1, rows.length, t.headers.length).setValues(rows);
  saveRefusedDeletions(keep);
  return restored;
}

/**
 * Append, below the last row (and the rows restoreRefused appended), the enterprise reports the
 * tab does not hold (by 编号) and the issue list knows: their values (text through toSheetText, so a description cannot become a formula), the
 * status columns, and 已同步 so the add-on does not send them back. One setValues call.
 */
function appendEnterpriseReports(t: Table, reports: readonly EnterpriseReport[], inTab: ReadonlySet<string>, byId: ReadonlyMap<string, IssueStatus>, appendedBefore: number): number {
  const fresh = reports.filter((r) => !inTab.has(r.id) && byId.has(r.id));
  if (fresh.length === 0) return 0;
  const rows = fresh.map((r) => {
    const cells: Record<string, string | number> = { ...r.values, ...statusCells(byId.get(r.id)!), 编号: r.id, [ID_HEADER]: r.id, [SYNC_HEADER]: SYNC_STATE.synced };
    return t.headers.map((h) => {
      const v = h === '' ? undefined : cells[h];
      return v === undefined ? '' : typeof v === 'number' ? v : toSheetText(v);
    });
  });
  t.sheet.getRange(appendRow(t) + appendedBefore, 1, rows.length, t.headers.length).setValues(rows);
  return rows.length;
}

interface InspectionDto {
  id: string;
  status?: string;
  opinion?: string | null;
  decidedAt?: string | null;
  decidedBy?: string | null;
}

/** 检查报备: 状态, 审批意见 and 审批时间 from `GET /v1/inspections` (the command office's decisions). */
function refreshInspections(ss: GoogleAppsScript.Spreadsheet.Spreadsheet, apiUrl: string, token: string): { ok: boolean; message: string } {
  const sheet = ss.getSheetByName(KINDS.inspection.tab);
  if (!sheet) return { ok: true, message: '' };
  const ans = apiCall<{ inspections?: InspectionDto[] }>(`${apiUrl}/v1/inspections`, token, 'get');
  if (!ans.ok || !ans.body || !Array.isArray(ans.body.inspections)) return { ok: false, message: `「${KINDS.inspection.tab}」未刷新：${ans.message ?? '服务器返回的数据无法识别'}` };
  const byId = new Map(ans.body.inspections.map((i) => [i.id, i]));
  const t = readTable(sheet, 'inspection');
  const idCol = t.col.get('编号');
  if (idCol === undefined) return { ok: true, message: '' };
  const writes: CellWrites = new Map();
  for (let i = 1; i < t.values.length; i++) {
    const s = byId.get(String(t.values[i][idCol] ?? '').trim());
    if (!s) continue;
    writes.set(i, {
      ...(s.status !== undefined ? { 状态: toSheetText(s.status) } : {}),
      审批意见: toSheetText(s.opinion ?? ''),
      审批时间: s.decidedBy === 'import' ? '' : localMinute(s.decidedAt),
    });
  }
  writeBack(t, writes);
  return { ok: true, message: writes.size ? `已刷新 ${writes.size} 条检查报备的审批状态。` : '' };
}

/**
 * 停产停工: 状态, 审批意见 and 审批时间 by 编号 from `GET /v1/shutdowns` (the columns a sync writes
 * back, computed by the server the same way), in one writeBack. A tab without numbered rows asks
 * nothing; a server without the route (404) leaves the tab to the next sync.
 */
function refreshShutdowns(ss: GoogleAppsScript.Spreadsheet.Spreadsheet, apiUrl: string, token: string, workClass: string): { ok: boolean; message: string } {
  const sheet = ss.getSheetByName(KINDS.shutdown.tab);
  if (!sheet) return { ok: true, message: '' };
  const t = readTable(sheet, 'shutdown');
  const idCol = t.col.get('编号');
  if (idCol === undefined) return { ok: true, message: '' };
  const rows = new Map<string, number>();
  for (let i = 1; i < t.values.length; i++) {
    const id = String(t.values[i][idCol] ?? '').trim();
    if (id) rows.set(id, i);
  }
  if (rows.size === 0) return { ok: true, message: '' };
  const ans = apiCall<{ shutdowns?: { id: string; values?: Record<string, string> }[] }>(`${apiUrl}/v1/shutdowns?workClass=${encodeURIComponent(workClass)}`, token, 'get');
  if (!ans.ok && ans.status === 404) return { ok: true, message: '' };
  if (!ans.ok || !ans.body || !Array.isArray(ans.body.shutdowns)) return { ok: false, message: `「${KINDS.shutdown.tab}」未刷新：${ans.message ?? '服务器返回的数据无法识别'}` };
  // Only the tab's system columns (never one staff type in), 编号 being the key.
  const system = new Set<string>(KINDS.shutdown.system.filter((h) => h !== '编号'));
  const writes: CellWrites = new Map();
  for (const s of ans.body.shutdowns) {
    const i = rows.get(s?.id);
    if (i === undefined || !s.values || typeof s.values !== 'object') continue;
    writes.set(i, Object.fromEntries(Object.entries(s.values).filter(([h]) => system.has(h)).map(([h, v]) => [h, toSheetText(String(v ?? ''))])));
  }
  writeBack(t, writes);
  return { ok: true, message: writes.size ? `已刷新 ${writes.size} 条停产停工的审批状态。` : '' };
}

// ---- 覆盖率看板 -------------------------------------------------------------------------------------

export const BOARD_TAB = '覆盖率看板';

interface SectorCoverageDto {
  sector: string;
  covered: number;
  total: number | null;
  coverage: number | null;
  target: number;
  gap: number | null;
  count: number;
  error: string | null;
  message?: string;
  deadline?: string | null;
}

interface CoverageDto {
  at: string;
  sectors: SectorCoverageDto[];
  overall: { covered: number; total: number; coverage: number | null; target: number; gap: number; count: number };
}

const BOARD_HEADERS = ['所属领域', '已纳入（万元）', '总量（万元）', '覆盖率', '目标覆盖率', '缺口（万元）', '企业数', '截止日期', '说明'];

const ERROR_TEXT: Record<string, string> = {
  no_total: '缺少领域总量',
  covered_exceeds_total: '已纳入超过总量（数据错误）',
};

export function coverageBoard(ss: GoogleAppsScript.Spreadsheet.Spreadsheet): { ok: boolean; message: string } {
  const settings = loadSettings();
  if (!settings.apiUrl) return { ok: false, message: '尚未设置 API 地址：请打开 扩展程序 → 四保调度 → 设置。' };
  const token = identityToken();
  if (!token) return { ok: false, message: NO_TOKEN_MESSAGE };
  const ans = apiCall<CoverageDto>(`${settings.apiUrl}/v1/coverage`, token, 'get');
  if (!ans.ok || !ans.body || !Array.isArray(ans.body.sectors)) return { ok: false, message: ans.message ?? '服务器返回的覆盖率数据无法识别' };
  const c = ans.body;
  const rows: (string | number)[][] = [BOARD_HEADERS];
  for (const s of c.sectors) {
    rows.push([
      s.sector,
      s.covered,
      s.total ?? '',
      s.coverage ?? '',
      s.target,
      s.gap ?? '',
      s.count,
      s.deadline ?? '',
      s.error ? toSheetText(s.message ?? ERROR_TEXT[s.error] ?? s.error) : '',
    ]);
  }
  const o = c.overall;
  rows.push(['合计', o.covered, o.total, o.coverage ?? '', o.target, o.gap, o.count, '', '']);
  let sheet = ss.getSheetByName(BOARD_TAB);
  if (!sheet) sheet = ss.insertSheet(BOARD_TAB);
  sheet.clear();
  for (const chart of sheet.getCharts()) sheet.removeChart(chart);
  sheet.getRange(1, 1, rows.length, BOARD_HEADERS.length).setValues(rows);
  sheet.getRange(1, 1, 1, BOARD_HEADERS.length).setFontWeight('bold');
  sheet.getRange(2, 4, rows.length - 1, 2).setNumberFormat('0.0%');
  sheet.setFrozenRows(1);
  sheet.getRange(rows.length + 2, 1).setValue(`统计日期：${c.at}（数据来自服务器，每次打开看板时刷新）`);
  const sectorRows = c.sectors.length + 1;
  const chart = sheet
    .newChart()
    .setChartType(Charts.ChartType.COLUMN)
    .addRange(sheet.getRange(1, 1, sectorRows, 1))
    .addRange(sheet.getRange(1, 4, sectorRows, 2))
    .setOption('title', `白名单覆盖率（${c.at}）`)
    .setOption('vAxis.format', 'percent')
    .setPosition(rows.length + 4, 1, 0, 0)
    .build();
  sheet.insertChart(chart);
  const pct = o.coverage === null ? '—' : `${(o.coverage * 100).toFixed(1)}%`;
  return { ok: true, message: `覆盖率看板已更新（${c.at}）：总体覆盖率 ${pct}，目标 ${(o.target * 100).toFixed(0)}%。` };
}
