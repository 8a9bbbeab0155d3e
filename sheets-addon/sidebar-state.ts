/// <reference types="google-apps-script" />
// What the sidebar shows: settings, the last sync, per-tab row states and the current validation
// marks (read back from the add-on's own notes, so it shows exactly what the sheet shows).

import { CLASS_KINDS, KINDS, type WorkClassId } from '../domain/rows/kinds.js';
import { SYNC_HEADER, SYNC_STATE } from './columns.js';
import { type LastSync, loadLastSync, loadSettings, workClassName } from './settings.js';
import { currentMarks, isBlankRow, readTable } from './table.js';

export interface SidebarState {
  settings: { apiUrl: string; workClass: string; workClassName: string };
  lastSync: LastSync | null;
  tabs: { tab: string; rows: number; pending: number; synced: number; rejected: number; conflict: number; marked: number }[];
  problems: { tab: string; row: number; column: string; message: string }[];
  problemCount: number;
}

/** The most problems listed in the sidebar (the sheet itself shows all of them). */
export const MAX_PROBLEMS = 50;

export function sidebarState(ss: GoogleAppsScript.Spreadsheet.Spreadsheet): SidebarState {
  const s = loadSettings();
  const state: SidebarState = {
    settings: { apiUrl: s.apiUrl, workClass: s.workClass, workClassName: s.workClass ? workClassName(s.workClass) : '' },
    lastSync: loadLastSync() ?? null,
    tabs: [],
    problems: [],
    problemCount: 0,
  };
  if (!s.workClass) return state;
  for (const kind of CLASS_KINDS[s.workClass as WorkClassId]) {
    const sheet = ss.getSheetByName(KINDS[kind].tab);
    if (!sheet) continue;
    const t = readTable(sheet, kind);
    const notes = t.range.getNotes() as string[][];
    const sc = t.col.get(SYNC_HEADER);
    const tab = { tab: KINDS[kind].tab, rows: 0, pending: 0, synced: 0, rejected: 0, conflict: 0, marked: 0 };
    for (let i = 1; i < t.values.length; i++) {
      if (isBlankRow(t, i)) continue;
      tab.rows++;
      const st = sc === undefined ? '' : String(t.values[i][sc] ?? '').trim();
      if (st === SYNC_STATE.synced) tab.synced++;
      else if (st === SYNC_STATE.rejected) tab.rejected++;
      else if (st === SYNC_STATE.conflict) tab.conflict++;
      else tab.pending++;
    }
    const marks = currentMarks(t, notes);
    tab.marked = new Set(marks.map((m) => m.row)).size;
    state.problemCount += marks.length;
    for (const m of marks) if (state.problems.length < MAX_PROBLEMS) state.problems.push({ tab: tab.tab, ...m });
    state.tabs.push(tab);
  }
  return state;
}
