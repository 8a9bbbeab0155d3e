/// <reference types="google-apps-script" />
// The sidebar's 本行历史: the history of the selected row (`GET /v1/history?kind&key`, SPEC §7.1), its
// key computed by the one identity function of domain/rows/identity.ts from the row's cells (the 编号
// of an issue row once written back). One read of the tab, one request.
import { rowIdentity } from '../domain/rows/identity.js';
import { KINDS } from '../domain/rows/kinds.js';
import { kindOfTab } from './columns.js';
import { apiCall, identityToken, NO_TOKEN_MESSAGE } from './http.js';
import { loadSettings } from './settings.js';
import { copiedHiddenIds, dateFormatterFor, isBlankRow, ownValues, readTable } from './table.js';

export interface RowHistoryEntry {
  at: string;
  by: string;
  op: 'create' | 'update' | 'delete' | 'restore';
  changes: Record<string, { from?: unknown; to?: unknown }>;
}

export interface RowHistory {
  ok: boolean;
  message: string;
  tab?: string;
  row?: number;
  entries: RowHistoryEntry[];
}

/** The newest entries shown (the API pages the rest). */
export const SIDEBAR_HISTORY = 50;

export function selectedRowHistory(ss: GoogleAppsScript.Spreadsheet.Spreadsheet): RowHistory {
  const settings = loadSettings();
  if (!settings.apiUrl) return { ok: false, message: '尚未设置 API 地址：请打开 扩展程序 → 四保调度 → 设置。', entries: [] };
  const sheet = ss.getActiveSheet();
  const kind = kindOfTab(sheet.getName());
  const row = ss.getActiveRange()?.getRow() ?? 0;
  if (!kind || row < 2) return { ok: false, message: '请先在本专班的工作表中选中一行数据，再查看本行历史。', entries: [] };
  const t = readTable(sheet, kind);
  const i = row - t.base + 1;
  if (i < 1 || i >= t.values.length || isBlankRow(t, i)) return { ok: false, message: `第 ${row} 行是空行。`, tab: KINDS[kind].tab, row, entries: [] };
  const token = identityToken();
  if (!token) return { ok: false, message: NO_TOKEN_MESSAGE, entries: [] };
  const key = rowIdentity(kind, ownValues(t, i, copiedHiddenIds(t), dateFormatterFor(ss.getSpreadsheetTimeZone()))).id;
  const url = `${settings.apiUrl}/v1/history?kind=${encodeURIComponent(kind)}&key=${encodeURIComponent(key)}&limit=${SIDEBAR_HISTORY}`;
  const ans = apiCall<{ entries?: RowHistoryEntry[] }>(url, token, 'get');
  if (ans.status === 404) return { ok: true, message: `「${KINDS[kind].tab}」第 ${row} 行尚无历史记录（尚未同步）。`, tab: KINDS[kind].tab, row, entries: [] };
  if (!ans.ok || !ans.body || !Array.isArray(ans.body.entries)) return { ok: false, message: ans.message ?? '服务器返回的历史记录无法识别', entries: [] };
  return { ok: true, message: `「${KINDS[kind].tab}」第 ${row} 行的历史（最新在前）。`, tab: KINDS[kind].tab, row, entries: ans.body.entries };
}
