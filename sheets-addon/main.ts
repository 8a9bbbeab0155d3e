/// <reference types="google-apps-script" />
// The Apps Script entry: ONLY the global functions Apps Script calls (simple triggers, menu and
// sidebar callbacks, the time-trigger handler). scripts/build-addon.ts bundles this file as an IIFE
// and emits one top-level function stub per export. Everything else lives in ordinary modules.

import { WORK_CLASSES } from '../domain/rows/kinds.js';
import { kindOfTab } from './columns.js';
import { initSheets } from './init-sheets.js';
import {
  backgroundSpreadsheet,
  ensureBackgroundTrigger,
  loadSettings,
  parseApiUrl,
  parseWorkClass,
  saveSettings as storeSettings,
  workClassName,
} from './settings.js';
import { type SidebarState, sidebarState } from './sidebar-state.js';
import { type RowHistory, selectedRowHistory } from './history.js';
import { coverageBoard, refreshStatus } from './status.js';
import { settingsProblem, type SyncSummary, syncSpreadsheet, type ValidateSummary, validateSpreadsheet } from './sync.js';
import type { EditedBlock } from './table.js';
import { handleEdit } from './validate-sheet.js';

const TITLE = '四保调度';

function active(): GoogleAppsScript.Spreadsheet.Spreadsheet {
  return SpreadsheetApp.getActiveSpreadsheet();
}

/** A yes/no question in a dialog (menu and sidebar runs; the background sync has no one to ask). */
function askYesNo(question: string): boolean {
  const ui = SpreadsheetApp.getUi();
  return ui.alert(TITLE, question, ui.ButtonSet.YES_NO) === ui.Button.YES;
}

function notify(ok: boolean, message: string): void {
  if (ok) active().toast(message, TITLE, 8);
  else SpreadsheetApp.getUi().alert(TITLE, message, SpreadsheetApp.getUi().ButtonSet.OK);
}

export function onOpen(_e?: GoogleAppsScript.Events.SheetsOnOpen): void {
  SpreadsheetApp.getUi()
    .createAddonMenu()
    .addItem('初始化本表', 'menuInitSheets')
    .addItem('校验', 'menuValidate')
    .addItem('立即同步', 'menuSync')
    .addItem('刷新状态', 'menuRefresh')
    .addItem('覆盖率看板', 'menuCoverage')
    .addSeparator()
    .addItem('打开侧边栏', 'showSidebar')
    .addItem('设置', 'menuSettings')
    .addToUi();
}

export function onInstall(e?: GoogleAppsScript.Events.AddonOnInstall): void {
  onOpen(e as unknown as GoogleAppsScript.Events.SheetsOnOpen);
}

/** Simple trigger: validates only the edited rows and marks them dirty. No UrlFetch here. */
export function onEdit(e?: GoogleAppsScript.Events.SheetsOnEdit): void {
  if (!e || !e.range) return;
  if (e.authMode === ScriptApp.AuthMode.NONE) return;
  const sheet = e.range.getSheet();
  const kind = kindOfTab(sheet.getName());
  if (!kind) return;
  const { workClass } = loadSettings();
  const lock = LockService.getDocumentLock();
  // Wait for a running sync so its write-back cannot overwrite this edit's dirty mark.
  const locked = lock ? lock.tryLock(20_000) : false;
  try {
    handleEdit(sheet, editedBlock(e.range), workClass, kind);
  } finally {
    if (locked) lock.releaseLock();
  }
}

/**
 * The edited rows and columns. The event's range carries them as plain properties (rowStart,
 * rowEnd, columnStart, columnEnd: no service call); without them, ask the range.
 */
function editedBlock(range: GoogleAppsScript.Spreadsheet.Range): EditedBlock {
  const p = range as unknown as { rowStart?: unknown; rowEnd?: unknown; columnStart?: unknown; columnEnd?: unknown };
  const int = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (int(p.rowStart) && int(p.rowEnd) && int(p.columnStart) && int(p.columnEnd)) {
    return { first: p.rowStart, last: p.rowEnd, range, columnStart: p.columnStart, columnEnd: p.columnEnd };
  }
  return { first: range.getRow(), last: range.getLastRow() };
}

export function menuInitSheets(): void {
  const s = loadSettings();
  if (!s.workClass) return notify(false, '请先在「设置」中选择本表所属的工作专班。');
  notify(true, initSheets(active(), s.workClass).message);
}

export function menuValidate(): void {
  const r = validateSpreadsheet(active());
  notify(r.ok, r.message);
}

export function menuSync(): void {
  const r = syncSpreadsheet(active(), { confirm: askYesNo });
  notify(r.ok, r.message);
}

export function menuRefresh(): void {
  const r = refreshStatus(active());
  notify(r.ok, r.message);
}

export function menuCoverage(): void {
  const r = coverageBoard(active());
  notify(r.ok, r.message);
}

export function menuSettings(): void {
  const ui = SpreadsheetApp.getUi();
  const cur = loadSettings();
  const a = ui.prompt(TITLE, `API 地址（当前：${cur.apiUrl || '未设置'}）`, ui.ButtonSet.OK_CANCEL);
  if (a.getSelectedButton() !== ui.Button.OK) return;
  const classes = WORK_CLASSES.map((c) => `${c.id} ${c.name}`).join('\n');
  const b = ui.prompt(TITLE, `本表所属工作专班（当前：${cur.workClass ? workClassName(cur.workClass) : '未设置'}）\n可填编码或名称：\n${classes}`, ui.ButtonSet.OK_CANCEL);
  if (b.getSelectedButton() !== ui.Button.OK) return;
  const r = saveSettings(a.getResponseText() || cur.apiUrl, b.getResponseText() || cur.workClass);
  notify(r.ok, r.message);
}

export function showSidebar(): void {
  const html = HtmlService.createHtmlOutputFromFile('sidebar').setTitle(TITLE);
  SpreadsheetApp.getUi().showSidebar(html);
}

// ---- sidebar callbacks (google.script.run) -------------------------------------------------------

export function getSidebarState(): SidebarState {
  return sidebarState(active());
}

export function sidebarValidate(): { result: ValidateSummary; state: SidebarState } {
  const result = validateSpreadsheet(active());
  return { result, state: sidebarState(active()) };
}

export function sidebarSync(): { result: SyncSummary; state: SidebarState } {
  const result = syncSpreadsheet(active(), { confirm: askYesNo });
  return { result, state: sidebarState(active()) };
}

export function sidebarRefresh(): { result: { ok: boolean; message: string }; state: SidebarState } {
  const result = refreshStatus(active());
  return { result, state: sidebarState(active()) };
}

/** The sidebar's 本行历史: the selected row's history from the server. */
export function sidebarHistory(): RowHistory {
  return selectedRowHistory(active());
}

/** Save API URL and class (menu and sidebar); installs the hourly background sync. */
export function saveSettings(apiUrl: string, workClass: string): { ok: boolean; message: string } {
  const url = parseApiUrl(String(apiUrl ?? ''));
  if ('error' in url) return { ok: false, message: url.error };
  const wc = parseWorkClass(String(workClass ?? ''));
  if (!wc) return { ok: false, message: `工作专班「${workClass}」无效，应为：${WORK_CLASSES.map((c) => `${c.id}（${c.name}）`).join('、')}` };
  storeSettings({ apiUrl: url.url, workClass: wc });
  const problem = settingsProblem({ apiUrl: url.url, workClass: wc });
  const installed = problem ? false : ensureBackgroundTrigger(active());
  return {
    ok: true,
    message: `已保存：${workClassName(wc)}，${url.url}。` + (installed ? '已开启每小时后台同步。' : '') + (problem ? problem : ''),
  };
}

/** Hourly time trigger (the most an editor add-on may run). No UI: the result goes to the sidebar. */
export function syncInBackground(e?: GoogleAppsScript.Events.TimeDriven): void {
  const ss = backgroundSpreadsheet(e?.triggerUid);
  if (!ss) return;
  syncSpreadsheet(ss, { background: true });
}
