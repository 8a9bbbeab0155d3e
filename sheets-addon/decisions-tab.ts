/// <reference types="google-apps-script" />
// 指挥部待办 (SPEC §7.2): the command office's open decisions in the coordination spreadsheet, a
// system tab declared in domain/rows/table.ts (SYSTEM_TAB_TABLE.decision_queue).
// - 刷新状态 rewrites it from `GET /v1/decisions` (one row per open decision, oldest first), keeping
//   what a member typed in 决定 / 意见 for decisions still open.
// - 立即同步 sends each row whose 决定 is filled and not yet done as `POST /v1/decisions/{编号}`
//   `{"decision","note"}` (with 分派单位 as `unit` when 决定 is 分派: a triage item's responsible
//   unit, 单位编码 or 名称; the server answers unknown_unit; and 核实紧急程度 as `urgency`: an
//   enterprise's 紧急 waiting to be confirmed, 紧急 or 一般) and writes 处理结果. The server decides who may: only coordination members
//   with role 审批. For anyone else the first answer is 403: nothing is applied, the rest is not sent,
//   and the sidebar says why in Chinese.

import { SYSTEM_TABS } from '../domain/rows/kinds.js';
import { DECISION_ANSWERS, URGENCIES, URGENCY_CHECKS, type DecisionAnswer } from '../domain/rows/values.js';
import { toSheetText } from '../domain/rows/sheet-text.js';
import { shanghaiDateTime } from '../domain/time/time.js';
import { apiCall } from './http.js';

const DEF = SYSTEM_TABS.decision_queue;
export const DECISION_TAB = DEF.tab;
const SYSTEM_FILL = '#eeeeee';
const INPUT_FILL = '#e8f0fe';
const PROTECTION_DESCRIPTION = '四保调度：指挥部待办（由服务器写入）';
/** The answer of a triage item (待分派): it needs 分派单位, sent as `unit`. */
const ASSIGN: DecisionAnswer = '分派';
/** The 分派 of an enterprise's 紧急 (紧急待核实) says what the office found: sent as `urgency`. */
const URGENCY = '核实紧急程度';
/** 处理结果 of a decision that reached the server (applied, or decided by someone else first): never sent again. */
const DONE_PREFIX = '已';

/** One entry of `GET /v1/decisions` (functions/usecases/decisions.ts DecisionView; the fields read here). */
export interface QueueEntry {
  id: string;
  typeLabel?: string;
  type?: string;
  subject?: string;
  requesterName?: string;
  since?: string;
  decideBy?: string | null;
  late?: boolean;
  options?: string[];
  rows?: { label: string; text: string }[];
}

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

const HEADER_NOTES: Record<string, string> = {
  决定: `请填写：${DECISION_ANSWERS.join('、')}之一（须为本行「可选决定」中的一项）。「立即同步」时提交，仅综合协调专班角色为「审批」的成员可以决定。`,
  分派单位: '「决定」为「分派」时必填：责任单位的单位编码或名称（须在「责任单位」表中）。',
  核实紧急程度: `企业自报“紧急”的待分派事项（事项注明“${URGENCY_CHECKS[0]}”）「分派」时必填：${URGENCIES.join(' 或 ')}。核实为一般的按一般时限交办。`,
  意见: '驳回、不同意须说明理由；答复共性问题时填写答复内容。',
  处理结果: '系统列：「立即同步」提交决定后的结果。',
};

/** The tab with every header of the declaration (existing columns kept, missing ones appended). */
function ensureTab(ss: GoogleAppsScript.Spreadsheet.Spreadsheet): { sheet: Sheet; col: Map<string, number> } {
  let sheet = ss.getSheetByName(DEF.tab);
  const created = !sheet;
  if (!sheet) sheet = ss.insertSheet(DEF.tab);
  const lastCol = sheet.getLastColumn();
  const existing = lastCol > 0 ? (sheet.getRange(1, 1, 1, lastCol).getValues()[0] as unknown[]).map((h) => String(h).trim()) : [];
  while (existing.length > 0 && existing[existing.length - 1] === '') existing.pop();
  const added = DEF.headers.filter((h) => !existing.includes(h));
  const headers = [...existing, ...added];
  if (created || added.length > 0) {
    const head = sheet.getRange(1, 1, 1, headers.length);
    head.setValues([headers]);
    head.setFontWeight('bold');
    head.setBackgrounds([headers.map((h) => (DEF.system.includes(h) ? SYSTEM_FILL : INPUT_FILL))]);
    head.setNotes([headers.map((h) => HEADER_NOTES[h] ?? (DEF.system.includes(h) ? '系统列：由「刷新状态」从服务器写入，请勿修改。' : ''))]);
    sheet.setFrozenRows(1);
    const rows = Math.max(1, sheet.getMaxRows() - 1);
    const rule = SpreadsheetApp.newDataValidation()
      .requireValueInList([...DECISION_ANSWERS], true)
      .setAllowInvalid(false)
      .setHelpText(`请从下拉列表选择：${DECISION_ANSWERS.join('、')}`)
      .build();
    sheet.getRange(2, headers.indexOf('决定') + 1, rows, 1).setDataValidation(rule);
    const urgencyRule = SpreadsheetApp.newDataValidation()
      .requireValueInList([...URGENCIES], true)
      .setAllowInvalid(false)
      .setHelpText(`请从下拉列表选择：${URGENCIES.join('、')}`)
      .build();
    sheet.getRange(2, headers.indexOf(URGENCY) + 1, rows, 1).setDataValidation(urgencyRule);
    for (const p of sheet.getProtections(SpreadsheetApp.ProtectionType.RANGE)) if (p.getDescription() === PROTECTION_DESCRIPTION) p.remove();
    headers.forEach((h, i) => {
      if (DEF.system.includes(h)) sheet!.getRange(1, i + 1, sheet!.getMaxRows(), 1).protect().setDescription(PROTECTION_DESCRIPTION).setWarningOnly(true);
    });
  }
  return { sheet, col: new Map(headers.map((h, i) => [h, i])) };
}

function readRows(sheet: Sheet): unknown[][] {
  const values = sheet.getDataRange().getValues() as unknown[][];
  return values.slice(1);
}

const cellText = (v: unknown) => String(v ?? '').trim();

/** `YYYY-MM-DD HH:MM` in Shanghai of an ISO instant ('' when absent or unreadable). */
export function localMinute(iso: string | null | undefined): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return '';
  return shanghaiDateTime(iso).slice(0, 16).replace('T', ' ');
}

/** The system columns of one queue entry, by header. */
function entryCells(e: QueueEntry): Record<string, string> {
  const since = localMinute(e.since);
  return {
    编号: e.id,
    事项类型: e.typeLabel ?? e.type ?? '',
    事项: e.subject ?? '',
    提交方: e.requesterName ?? '',
    提交时间: since,
    决定时限: `${e.decideBy ?? ''}${e.late ? '（已逾期）' : ''}`,
    详情: (e.rows ?? []).map((r) => `${r.label}：${r.text}`).join('\n'),
    可选决定: (e.options ?? []).join('、'),
  };
}

/**
 * 刷新状态 of the tab: the server's open decisions. Refused for anyone but a 审批 member (403): the
 * tab is left as it is and the message says so.
 */
export function refreshDecisionTab(ss: GoogleAppsScript.Spreadsheet.Spreadsheet, apiUrl: string, token: string): { ok: boolean; message: string } {
  const ans = apiCall<{ decisions?: QueueEntry[] }>(`${apiUrl}/v1/decisions`, token, 'get');
  if (!ans.ok || !ans.body || !Array.isArray(ans.body.decisions)) {
    const why = ans.status === 403 ? '只有综合协调专班角色为「审批」的成员可以查看和决定待办事项' : (ans.message ?? '服务器返回的待办数据无法识别');
    return { ok: false, message: `「${DEF.tab}」未刷新：${why}` };
  }
  const { sheet, col } = ensureTab(ss);
  const width = col.size;
  const old = readRows(sheet);
  // What members typed for a decision still open is kept (the rest of the row is the server's).
  const typed = new Map<string, { decision: unknown; unit: unknown; urgency: unknown; note: unknown }>();
  for (const r of old) {
    const id = cellText(r[col.get('编号')!]);
    if (id) typed.set(id, { decision: r[col.get('决定')!] ?? '', unit: r[col.get('分派单位')!] ?? '', urgency: r[col.get(URGENCY)!] ?? '', note: r[col.get('意见')!] ?? '' });
  }
  const rows: (string | number)[][] = ans.body.decisions.map((e) => {
    const row: (string | number)[] = new Array<string | number>(width).fill('');
    for (const [h, v] of Object.entries(entryCells(e))) if (col.has(h)) row[col.get(h)!] = toSheetText(v);
    const t = typed.get(e.id);
    if (t) {
      row[col.get('决定')!] = t.decision as string;
      row[col.get('分派单位')!] = t.unit as string;
      row[col.get(URGENCY)!] = t.urgency as string;
      row[col.get('意见')!] = t.note as string;
    }
    return row;
  });
  // Rows of decisions no longer open are blanked (one write covers old and new rows).
  const blank = () => new Array<string | number>(width).fill('');
  while (rows.length < old.length) rows.push(blank());
  if (rows.length > 0) sheet.getRange(2, 1, rows.length, width).setValues(rows);
  const n = ans.body.decisions.length;
  const late = ans.body.decisions.filter((e) => e.late).length;
  return { ok: true, message: n === 0 ? `「${DEF.tab}」：目前没有待决定的事项。` : `「${DEF.tab}」：${n} 项待决定${late ? `（${late} 项已逾期）` : ''}。` };
}

export interface DecisionTabSummary {
  /** Rows with a 决定 to send. */
  pending: number;
  sent: number;
  applied: number;
  /** Refused by the server or locally (the row's 处理结果 says why). */
  refused: number;
  /** Nothing sent: the caller may not decide (403). */
  forbidden: boolean;
  /** Chinese lines for the sidebar / toast. */
  lines: string[];
}

/** 立即同步 of the tab: send every typed decision not yet done; 处理结果 says what became of it. */
export function applyDecisionTab(ss: GoogleAppsScript.Spreadsheet.Spreadsheet, apiUrl: string, token: string): DecisionTabSummary {
  const out: DecisionTabSummary = { pending: 0, sent: 0, applied: 0, refused: 0, forbidden: false, lines: [] };
  const sheet = ss.getSheetByName(DEF.tab);
  if (!sheet || sheet.getLastRow() < 2) return out;
  const values = sheet.getDataRange().getValues() as unknown[][];
  const col = new Map((values[0] ?? []).map((h, i) => [cellText(h), i]));
  const [c, cDecision, cNote, cResult, cOptions, cUnit, cUrgency] = ['编号', '决定', '意见', '处理结果', '可选决定', '分派单位', URGENCY].map((h) => col.get(h));
  if (c === undefined || cDecision === undefined || cResult === undefined) {
    out.lines.push(`「${DEF.tab}」缺少「编号」「决定」或「处理结果」列：请先「刷新状态」。`);
    return out;
  }
  const results = values.map((r) => r[cResult] ?? '');
  const todo: number[] = [];
  for (let i = 1; i < values.length; i++) {
    const r = values[i];
    if (cellText(r[c]) && cellText(r[cDecision]) && !cellText(r[cResult]).startsWith(DONE_PREFIX)) todo.push(i);
  }
  out.pending = todo.length;
  for (const i of todo) {
    const r = values[i];
    const id = cellText(r[c]);
    const decision = cellText(r[cDecision]);
    const note = cNote === undefined ? '' : cellText(r[cNote]);
    const options = cOptions === undefined ? [] : cellText(r[cOptions]).split('、').filter(Boolean);
    if (options.length > 0 && !options.includes(decision)) {
      results[i] = `未提交：「${decision}」不是本事项的可选决定（${options.join('、')}）`;
      out.refused++;
      continue;
    }
    const unit = decision === ASSIGN && cUnit !== undefined ? cellText(r[cUnit]) : '';
    if (decision === ASSIGN && !unit) {
      results[i] = `未提交：「${ASSIGN}」须填写「分派单位」（责任单位的单位编码或名称）`;
      out.refused++;
      continue;
    }
    // 核实紧急程度 of an enterprise's 紧急: the server requires it on that 分派 (urgency_required) and
    // refuses it elsewhere; its message lands in 处理结果.
    const urgency = decision === ASSIGN && cUrgency !== undefined ? cellText(r[cUrgency]) : '';
    const ans = apiCall<{ decision?: { decision?: string; decidedAt?: string | null } }>(
      `${apiUrl}/v1/decisions/${encodeURIComponent(id)}`,
      token,
      'post',
      JSON.stringify({ decision, ...(unit ? { unit } : {}), ...(urgency ? { urgency } : {}), ...(note ? { note } : {}) }),
    );
    if (ans.status === 403) {
      // Not a 审批 member: nothing was applied; nothing more is sent.
      out.forbidden = true;
      out.lines.push(`「${DEF.tab}」中的 ${todo.length} 项决定未提交，未做任何更改：只有综合协调专班角色为「审批」的成员可以决定。${ans.message ? `（${ans.message}）` : ''}`);
      return out;
    }
    out.sent++;
    if (ans.ok) {
      out.applied++;
      const at = localMinute(ans.body?.decision?.decidedAt);
      results[i] = `已${decision}${at ? `（${at}）` : ''}`;
    } else if (ans.status === 409 && /already_decided|已由/.test(ans.message ?? '')) {
      out.refused++;
      results[i] = `已由他人决定：${ans.message ?? ''}`;
    } else {
      out.refused++;
      results[i] = `未通过：${ans.message ?? `请求失败（${ans.status}）`}`;
      if (ans.status === 0 || ans.status === 401 || ans.status >= 500) {
        out.lines.push(`「${DEF.tab}」：${ans.message ?? '服务器无回应'}`);
        break;
      }
    }
  }
  sheet.getRange(2, cResult + 1, values.length - 1, 1).setValues(results.slice(1).map((v) => [toSheetText(String(v))]));
  if (out.pending > 0) {
    out.lines.unshift(
      `「${DEF.tab}」：提交 ${out.sent} 项决定，已生效 ${out.applied} 项${out.refused ? `，${out.refused} 项未通过（见「处理结果」列）` : ''}。`,
    );
  }
  return out;
}
