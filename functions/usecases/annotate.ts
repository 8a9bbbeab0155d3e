// The annotated workbook of an import (SPEC §7.7): a first tab 校验结果 summarising the upload, then
// the same tabs and rows as the input at their sheet row numbers, every rejected cell red with a
// comment holding the Chinese message, and the system columns (编号, 状态, 责任单位, 签收时限, 办结时限 …)
// filled from the server's write-back. One model for the web upload and `sibao import --annotate`;
// adapters/workbook/xlsx-write.ts turns it into bytes (values only).
import { KINDS, WORK_CLASSES } from '../../domain/rows/kinds.js';
import { SCHEMAS } from '../../domain/rows/schemas.js';
import type { Cell } from '../../domain/rows/types.js';
import { rejections, type ImportReport, type TabReport } from './import-tables.js';

export type AnnotatedStyle = 'plain' | 'header' | 'error' | 'system';

export interface AnnotatedCell {
  v: string | number;
  style?: AnnotatedStyle;
  comment?: string;
}

export interface AnnotatedSheet {
  name: string;
  rows: Map<number, (AnnotatedCell | null)[]>;
  widths: number[];
  freezeHeader: boolean;
}

export const RESULT_TAB = '校验结果';

export interface AnnotateMeta {
  /** The uploaded file's name. */
  source: string;
  /** When it was synced, Beijing time text. */
  at: string;
  /** Who synced it. */
  who: string;
}

const className = (id: string) => WORK_CLASSES.find((c) => c.id === id)?.name ?? id;

/** Display width in spreadsheet characters (CJK count double). */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.charCodeAt(0) > 0x2e80 ? 2 : 1;
  return w;
}

function cellValue(v: Cell | unknown): string | number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : '';
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return '';
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (v === null || v === undefined) return '';
  // Text stays as typed: the xlsx writer gives formula-looking text Excel's leading-apostrophe form
  // (quotePrefix on a Text cell, SPEC §3), so it is never evaluated and reads back unchanged.
  return String(v);
}

function widthsOf(rows: Map<number, (AnnotatedCell | null)[]>): number[] {
  const w: number[] = [];
  let seen = 0;
  for (const cells of rows.values()) {
    if (seen++ > 300) break;
    cells.forEach((c, i) => {
      if (c) w[i] = Math.max(w[i] ?? 6, Math.min(width(String(c.v)) + 2, 60));
    });
  }
  return Array.from(w, (x) => x ?? 8);
}

/** The tab name of a table in the annotated workbook (its own tab name, else the kind's). */
export const tabNameOf = (t: TabReport) => t.table.sheet ?? KINDS[t.table.kind].tab;

function resultSheet(report: ImportReport, meta: AnnotateMeta): AnnotatedSheet {
  const rows = new Map<number, (AnnotatedCell | null)[]>();
  const h = (v: string): AnnotatedCell => ({ v, style: 'header' });
  let r = 1;
  rows.set(r++, [h('校验结果'), { v: `共 ${report.accepted + report.rejected} 行：接受 ${report.accepted} 行，拒绝 ${report.rejected} 行` }]);
  rows.set(r++, [{ v: '文件' }, { v: meta.source }]);
  rows.set(r++, [{ v: '同步时间' }, { v: meta.at }]);
  rows.set(r++, [{ v: '提交人' }, { v: meta.who }]);
  rows.set(r++, [{ v: '说明' }, { v: '被拒绝的单元格标为红色，鼠标移到单元格上可看到原因（批注）；灰色列（编号、状态、责任单位、时限等）由系统填写。改正后可直接重新上传本工作簿。' }]);
  r++;
  rows.set(r++, ['工作表', '表', '专班', '行数', '接受', '拒绝', '删除'].map(h));
  for (const t of report.tabs) {
    rows.set(r++, [{ v: tabNameOf(t) }, { v: KINDS[t.table.kind].tab }, { v: className(t.workClass) }, { v: t.results.length }, { v: t.accepted }, { v: t.rejected }, { v: t.deleted }]);
  }
  // Deletions the mass-delete guard refused (nothing deleted) or that were confirmed afterwards.
  const said = report.manifests.filter((m) => m.message);
  if (said.length > 0) {
    r++;
    for (const m of said) rows.set(r++, [h(m.applied ? '删除' : '删除未执行'), { v: m.message!, style: m.applied ? 'plain' : 'error' }]);
  }
  const all = report.tabs.flatMap((t) => rejections(t.results).map((e) => ({ tab: tabNameOf(t), ...e })));
  if (all.length > 0) {
    r++;
    rows.set(r++, ['工作表', '行', '列', '说明', '代码'].map(h));
    for (const e of all) rows.set(r++, [{ v: e.tab }, { v: e.row }, { v: e.column }, { v: e.message, style: 'error' }, { v: e.code }]);
  }
  const widths = widthsOf(rows);
  widths[0] = Math.max(widths[0] ?? 0, 12);
  widths[1] = Math.min(Math.max(widths[1] ?? 0, 20), 60);
  return { name: RESULT_TAB, rows, widths, freezeHeader: false };
}

function tabSheet(t: TabReport): AnnotatedSheet {
  const systemHeaders = SCHEMAS[t.table.kind].fields.filter((c) => c.system).map((c) => c.header);
  const extra: string[] = [];
  for (const r of t.results) {
    for (const k of Object.keys(r.writeBack ?? {})) if (!t.table.headers.includes(k) && !extra.includes(k)) extra.push(k);
  }
  extra.sort((a, b) => (systemHeaders.indexOf(a) + 1 || 999) - (systemHeaders.indexOf(b) + 1 || 999));
  const headers = [...t.table.headers, ...extra];
  const isSystem = (h: string) => systemHeaders.includes(h);
  const rows = new Map<number, (AnnotatedCell | null)[]>();
  rows.set(1, headers.map((h) => ({ v: h, style: isSystem(h) ? 'system' : 'header' }) as AnnotatedCell));
  const byRow = new Map(t.results.map((r) => [r.row, r]));
  for (const raw of t.table.rows) {
    const res = byRow.get(raw.row);
    const wb = res?.writeBack ?? {};
    const problems = new Map<string, string[]>();
    if (res && !res.ok) {
      for (const e of rejections([res])) {
        const col = headers.includes(e.column) ? e.column : headers[0];
        problems.set(col, [...(problems.get(col) ?? []), `${e.message}（${e.code}）`]);
      }
    }
    const cells = headers.map((h): AnnotatedCell | null => {
      const v = Object.hasOwn(wb, h) ? cellValue(wb[h]) : cellValue(raw.values[h]);
      const msg = problems.get(h);
      if (msg) return { v, style: 'error', comment: msg.join('\n') };
      if (isSystem(h) && Object.hasOwn(wb, h)) return { v, style: 'system' };
      return v === '' ? null : { v };
    });
    rows.set(raw.row, cells);
  }
  return { name: tabNameOf(t), rows, widths: widthsOf(rows), freezeHeader: true };
}

/** The annotated workbook's tabs: 校验结果 first, then every imported tab. */
export function annotatedSheets(report: ImportReport, meta: AnnotateMeta): AnnotatedSheet[] {
  const sheets = [resultSheet(report, meta)];
  const used = new Set([RESULT_TAB]);
  for (const t of report.tabs) {
    const s = tabSheet(t);
    // Two CSV files of one kind would give one tab name twice: number the later ones.
    let name = s.name.slice(0, 31);
    for (let i = 2; used.has(name); i++) name = `${s.name.slice(0, 28)}(${i})`;
    used.add(name);
    sheets.push({ ...s, name });
  }
  return sheets;
}
