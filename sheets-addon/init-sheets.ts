/// <reference types="google-apps-script" />
// 初始化本表: the class's tabs with the exact headers of domain/rows/kinds.ts (from the row table) — input columns first, then
// the system and sync columns as one contiguous block (existing columns and their order are kept,
// missing ones appended in that order), a note on every header, dropdowns on enum columns, a
// frozen header row, warning-only protection of the system columns and hidden sync columns.
//
// Protection is warning-only on purpose: the add-on writes system columns as whichever staff
// member presses 立即同步 (and the hourly trigger as whoever installed it). A range restricted to
// named editors would make that write-back fail for every other member of the class and need
// the owner to maintain editor lists; a warning stops accidental typing while keeping the sync able to write.

import { CLASS_KINDS, KINDS, type RowKind, type WorkClassId } from '../domain/rows/kinds.js';
import { dropdowns, headerNote, SYNC_COLUMNS } from './columns.js';

export const PROTECTION_DESCRIPTION = '四保调度：系统列（由服务器写回）';
const HEADER_FILL = '#e8f0fe';
const SYSTEM_FILL = '#eeeeee';

export interface InitSummary {
  tabs: { tab: string; created: boolean; added: string[] }[];
  message: string;
}

export function initSheets(ss: GoogleAppsScript.Spreadsheet.Spreadsheet, workClass: WorkClassId): InitSummary {
  const tabs: InitSummary['tabs'] = [];
  for (const kind of CLASS_KINDS[workClass]) tabs.push(initTab(ss, kind));
  const created = tabs.filter((t) => t.created).map((t) => t.tab);
  const message =
    tabs.length === 0
      ? '本专班只读，无需初始化。'
      : `已初始化 ${tabs.length} 张工作表：${tabs.map((t) => t.tab).join('、')}` +
        (created.length ? `（新建：${created.join('、')}）` : '') +
        '。表头已加说明，下拉选项与系统列保护已设置。';
  return { tabs, message };
}

export function initTab(ss: GoogleAppsScript.Spreadsheet.Spreadsheet, kind: RowKind): InitSummary['tabs'][number] {
  const def = KINDS[kind];
  let sheet = ss.getSheetByName(def.tab);
  const created = !sheet;
  if (!sheet) sheet = ss.insertSheet(def.tab);
  const lastCol = sheet.getLastColumn();
  const existing = lastCol > 0 ? (sheet.getRange(1, 1, 1, lastCol).getValues()[0] as unknown[]).map((h) => String(h).trim()) : [];
  // Trailing empty header cells are dropped; other existing headers keep their place.
  while (existing.length > 0 && existing[existing.length - 1] === '') existing.pop();
  const wanted = templateHeaders(kind);
  const added = wanted.filter((h) => !existing.includes(h));
  const headers = [...existing, ...added];
  const width = headers.length;
  const headerRange = sheet.getRange(1, 1, 1, width);
  headerRange.setValues([headers]);
  const oldNotes = headerRange.getNotes()[0];
  headerRange.setNotes([headers.map((h, i) => headerNote(kind, h) || oldNotes[i] || '')]);
  headerRange.setFontWeight('bold');
  headerRange.setBackgrounds([headers.map((h) => (def.system.includes(h) || SYNC_COLUMNS.includes(h as never) ? SYSTEM_FILL : HEADER_FILL))]);
  sheet.setFrozenRows(1);

  const dataRows = Math.max(1, sheet.getMaxRows() - 1);
  for (const d of dropdowns(kind)) {
    const c = headers.indexOf(d.header);
    if (c < 0) continue;
    const rule = SpreadsheetApp.newDataValidation()
      .requireValueInList([...d.values], true)
      .setAllowInvalid(!d.strict)
      .setHelpText(`请从下拉列表选择：${d.values.join('、')}`)
      .build();
    sheet.getRange(2, c + 1, dataRows, 1).setDataValidation(rule);
  }

  // System + sync columns: warning-only protection, one protected range per contiguous block.
  for (const p of sheet.getProtections(SpreadsheetApp.ProtectionType.RANGE)) {
    if (p.getDescription() === PROTECTION_DESCRIPTION) p.remove();
  }
  const owned = headers
    .map((h, i) => (def.system.includes(h) || SYNC_COLUMNS.includes(h as never) ? i + 1 : 0))
    .filter((c) => c > 0);
  for (const [c0, c1] of blocks(owned)) {
    sheet
      .getRange(1, c0, sheet.getMaxRows(), c1 - c0 + 1)
      .protect()
      .setDescription(PROTECTION_DESCRIPTION)
      .setWarningOnly(true);
  }
  // Sync columns hidden (they sit next to each other at the end unless someone moved them).
  for (const h of SYNC_COLUMNS) sheet.hideColumns(headers.indexOf(h) + 1);
  return { tab: def.tab, created, added };
}

/**
 * The column order of a new tab: the columns staff type in (the kind's order), then the system
 * columns, then the hidden sync columns. All product-owned columns are contiguous, so a sync writes
 * them back with ONE setValues per tab (SPEC: column order is free). Tabs made by hand keep their
 * order (编号 first, say); the write-back then uses one setValues per contiguous block.
 */
export function templateHeaders(kind: RowKind): string[] {
  const def = KINDS[kind];
  return [...def.headers.filter((h) => !def.system.includes(h)), ...def.system, ...SYNC_COLUMNS];
}

function blocks(cols: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const c of [...cols].sort((a, b) => a - b)) {
    const b = out[out.length - 1];
    if (b && b[1] === c - 1) b[1] = c;
    else out.push([c, c]);
  }
  return out;
}
