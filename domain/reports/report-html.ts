// The reports' HTML building blocks, shared by the digest (digest-render.ts) and the dashboard
// (dashboard-render.ts): formatting, tiles, tables, bars, badges, the page frame, and the parts both
// documents show alike (coverage figures, an enterprise cell, the unit-rates table). Pure.
//
// Everything is built with the escape-by-default `html` template (html.ts): a value interpolated
// into a block is escaped unless it is itself built by `html`; there is no escaping by hand here.
// Mail safety: layout tables and inline styles only; no script, no external resource (no images,
// fonts or links to load); charts are table cells with background colours. The one <style> block
// only adds small-screen refinements (clients that drop it still get a readable page). Responsive
// without it: tiles and cards are inline-blocks that wrap, the outer table is width 100% with a
// max-width, and every table wider than a phone scrolls inside its own container, so the page itself
// never scrolls sideways.

import { FIGURES, type FigureKey, type WeekFigures } from './figures.js';
import type { UnitMetrics } from '../issues/unit-rates.js';
import { dayOfWeek, shanghaiDateTime } from '../time/time.js';
import { html, raw, type SafeHtml } from './html.js';
import type { DigestSectorRow } from './sections/coverage.js';
import type { IssueItem } from './sections/issue-item.js';

// ---- formatting ----------------------------------------------------------------------------------

export const FONT = "'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei',Arial,sans-serif";
export const C = {
  text: '#1f2937',
  muted: '#6b7280',
  line: '#e5e7eb',
  soft: '#f9fafb',
  brand: '#b91c1c',
  green: '#15803d',
  greenBg: '#f0fdf4',
  red: '#b91c1c',
  redBg: '#fef2f2',
  amber: '#b45309',
  amberBg: '#fffbeb',
  barOk: '#16a34a',
  barLow: '#ea580c',
  barTrack: '#e5e7eb',
  barRest: '#f3f4f6',
  blue: '#1d4ed8',
  ink: '#111827',
  inkBg: '#f3f4f6',
} as const;

/** 1234567.5 → "1,234,567.5" (up to 2 decimals). */
export function formatNumber(n: number): string {
  const neg = n < 0;
  const [int, frac] = Math.abs(Math.round(n * 100) / 100)
    .toFixed(2)
    .split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const f = frac.replace(/0+$/, '');
  return `${neg ? '-' : ''}${grouped}${f ? `.${f}` : ''}`;
}

/** 0.6843 → "68.4%"; null → "—". */
export function formatPercent(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return `${(Math.round(x * 1000) / 10).toFixed(1)}%`;
}

/** A coverage change in percentage points: "+1.2 个百分点", "持平", "—". */
export function formatPoints(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  const p = Math.round(x * 1000) / 10;
  if (p === 0) return '持平';
  return `${p > 0 ? '+' : '−'}${Math.abs(p).toFixed(1)} 个百分点`;
}

/** 2022-06-10 → 6月10日 */
export function md(date: string | null | undefined): string {
  if (!date) return '—';
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}
/** 2022-06-10 → 2022年6月10日 */
export function ymd(date: string): string {
  return `${date.slice(0, 4)}年${md(date)}`;
}
const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'];
/** Epoch ms → "2022年6月10日（周五）17:00" (Shanghai). */
export function hm(ms: number): string {
  const t = shanghaiDateTime(ms);
  const day = t.slice(0, 10);
  return `${ymd(day)}（周${WEEKDAYS[dayOfWeek(day) - 1]}）${t.slice(11, 16)}`;
}

// ---- blocks ---------------------------------------------------------------------------------------

export function section(title: string, body: SafeHtml): SafeHtml {
  return html`<tr><td class="px" style="padding:22px 24px 6px 24px"><h2 style="margin:0 0 12px 0;padding:0 0 0 10px;border-left:4px solid ${C.brand};font-size:17px;line-height:1.4;font-weight:bold;color:#111827">${title}</h2>${body}</td></tr>`;
}

/** A paragraph: plain text (escaped) or html. */
export function p(text: unknown, style = ''): SafeHtml {
  return html`<p style="margin:0 0 8px 0;font-size:14px;line-height:1.7;color:${C.text};${style}">${text}</p>`;
}
export function none(text = '本周无。'): SafeHtml {
  return p(text, `color:${C.muted}`);
}
export function sub(title: string): SafeHtml {
  return html`<h3 style="margin:14px 0 8px 0;font-size:15px;line-height:1.4;color:#111827">${title}</h3>`;
}
/** A small muted line under a cell's main text (a code, a second figure). */
export function small(text: unknown, color: string = C.muted, style = ''): SafeHtml {
  return html`<div style="font-size:12px;color:${color}${style && `;${style}`}">${text}</div>`;
}
/** A code (USCC …) under a name: small, muted, broken anywhere. */
export const codeLine = (code: string): SafeHtml => small(code, C.muted, 'word-break:break-all');

export function tile(label: string, value: string, note = '', tone: string = C.muted): SafeHtml {
  return html`<div class="tile" style="display:inline-block;vertical-align:top;width:23.4%;min-width:72px;margin:0 1.2% 8px 0;padding:10px 12px;border:1px solid ${C.line};border-radius:6px;background:${C.soft};box-sizing:border-box"><div style="font-size:12px;line-height:1.5;color:${C.muted}">${label}</div><div style="font-size:22px;line-height:1.3;font-weight:bold;color:#111827">${value}</div>${note && html`<div style="font-size:12px;line-height:1.5;color:${tone}">${note}</div>`}</div>`;
}

/** A tile of one of the week's figures (figures.ts): its label and unit, as every report shows it. */
export function figureTile(f: Pick<WeekFigures, 'values'>, key: FigureKey, note = '', tone: string = C.muted): SafeHtml {
  return tile(FIGURES[key].label, `${f.values[key]} ${FIGURES[key].unit}`, note, tone);
}

export function badge(text: string, fg: string, bg: string): SafeHtml {
  return html`<span style="display:inline-block;padding:0 6px;border-radius:3px;font-size:12px;line-height:1.7;color:${fg};background:${bg};white-space:nowrap">${text}</span>`;
}

const TH = `padding:7px 8px;border-bottom:2px solid ${C.line};background:${C.soft};font-size:13px;line-height:1.5;font-weight:bold;color:#374151;text-align:left;white-space:nowrap`;
const TD = `padding:7px 8px;border-bottom:1px solid ${C.line};font-size:13px;line-height:1.6;color:${C.text};vertical-align:top`;
export const NUM = 'text-align:right;white-space:nowrap';
export const NOWRAP = 'white-space:nowrap';

/** A data table that scrolls inside its own container on narrow screens. */
export function table(headers: ReadonlyArray<string | [string, string]>, rows: readonly SafeHtml[][], minWidth = 560): SafeHtml {
  const head = headers.map((h) => (Array.isArray(h) ? html`<th style="${TH};${h[1]}">${h[0]}</th>` : html`<th style="${TH}">${h}</th>`));
  return html`<div class="hint" style="display:none;font-size:12px;line-height:1.6;color:${C.muted};margin:0 0 4px 0">表格较宽，可左右滑动查看</div><div style="width:100%;max-width:100%;overflow-x:auto;-webkit-overflow-scrolling:touch;margin:0 0 8px 0"><table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse;width:100%;min-width:${minWidth}px"><thead><tr>${head}</tr></thead><tbody>${rows.map((r) => html`<tr>${r}</tr>`)}</tbody></table></div>`;
}
/** A table cell: plain text (escaped) or html. */
export const td = (content: unknown, style = ''): SafeHtml => html`<td style="${TD};${style}">${content}</td>`;

/** A horizontal bar drawn with table cells: `value` filled, a dark 2px marker at `target` (0–1). */
export function bar(value: number, target: number | null, color: string): SafeHtml {
  const v = Math.max(0, Math.min(1, value)) * 100;
  const cell = (w: number, bg: string) =>
    w > 0.05 && html`<td width="${w.toFixed(1)}%" style="width:${w.toFixed(1)}%;height:14px;background:${bg};font-size:1px;line-height:1px">&nbsp;</td>`;
  const marker = html`<td width="2" style="width:2px;height:14px;background:#111827;font-size:1px;line-height:1px">&nbsp;</td>`;
  let cells: unknown[];
  if (target === null) cells = [cell(v, color), cell(100 - v, C.barRest)];
  else {
    const t = Math.max(0, Math.min(1, target)) * 100;
    cells =
      v < t
        ? [cell(v, color), cell(t - v, C.barTrack), marker, cell(100 - t, C.barRest)]
        : [cell(t, color), marker, cell(v - t, color), cell(100 - v, C.barRest)];
  }
  return html`<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse;table-layout:fixed;width:100%"><tr>${cells}</tr></table>`;
}

/** Green up, red down, muted when flat or unknown. */
export function changeColor(x: number | null): string {
  if (x === null || Math.round(x * 1000) === 0) return C.muted;
  return x > 0 ? C.green : C.red;
}

export function rateCell(x: number | null): SafeHtml {
  const color = x === null ? C.muted : x >= 0.9 ? C.green : x < 0.6 ? C.red : C.text;
  return td(html`<span style="color:${color}">${formatPercent(x)}</span>`, NUM);
}

// ---- parts both documents show --------------------------------------------------------------------

/** The bar of a coverage row against its target: green when on track, orange below (none without a figure). */
export function coverageBar(r: Pick<DigestSectorRow, 'coverage' | 'target' | 'onTrack'>): SafeHtml | '' {
  return r.coverage === null ? '' : bar(r.coverage, r.target, r.onTrack ? C.barOk : C.barLow);
}

/** "已覆盖 … / 总量 … 万元｜目标 …｜缺口 … 万元" (and "｜截止 …" when asked), or the row's error message. */
export function coverageFigures(r: DigestSectorRow, withDeadline = false): SafeHtml {
  if (r.error && r.message) return html`<span style="color:${C.red}">${r.message}</span>`;
  return html`已覆盖 ${formatNumber(r.covered)} / 总量 ${r.total === null ? '—' : formatNumber(r.total)} 万元｜目标 ${formatPercent(r.target)}｜缺口 ${r.gap === null ? '—' : formatNumber(r.gap)} 万元${withDeadline && r.deadline ? html`｜截止 ${md(r.deadline)}` : ''}`;
}

/** An issue's enterprise with its 重大 / 紧急 (and, when asked, 逾期) badges. */
export function enterpriseCell(i: IssueItem, options: { overdueBadge?: boolean } = {}): SafeHtml {
  return html`${i.enterpriseName}${i.major && html` ${badge('重大', C.red, C.redBg)}`}${i.urgency === '紧急' && html` ${badge('紧急', C.amber, C.amberBg)}`}${options.overdueBadge && i.overdue && html` ${badge('逾期', '#ffffff', C.red)}`}`;
}

/** The leading columns of an issue list (编号, 反映企业, 问题类别, 责任单位) and their cells. */
export const ISSUE_HEADERS = ['编号', '反映企业', '问题类别', '责任单位'] as const;
/** An issue's 编号, a link to its page (its timeline) when the page gives one. */
export function issueIdCell(id: string, href?: (id: string) => string): SafeHtml {
  return td(href ? html`<a href="${href(id)}" style="color:${C.brand}">${id}</a>` : id, NOWRAP);
}
export function issueCells(i: IssueItem, options: { overdueBadge?: boolean; href?: (id: string) => string } = {}): SafeHtml[] {
  return [issueIdCell(i.id, options.href), td(enterpriseCell(i, options), 'min-width:120px'), td(i.category, NOWRAP), td(i.unitName, 'min-width:90px')];
}
/** The escalation level as a badge, or a dash. */
export const levelCell = (i: IssueItem): SafeHtml => td(i.escalationLevel ? badge(`第 ${i.escalationLevel} 级`, C.red, C.redBg) : '—', NOWRAP);

/** The per-unit table: 问题数, 交办, the three rates, 退回, 重办. */
export function unitRatesTable(rows: readonly UnitMetrics[]): SafeHtml {
  return table(
    ['责任单位', ['问题数', NUM], ['交办', NUM], ['签收及时率', NUM], ['按期办结率', NUM], ['满意率', NUM], ['退回', NUM], ['重办', NUM]],
    rows.map((u) => [
      td(u.unitName, 'min-width:96px'),
      td(u.issues, NUM),
      td(u.assigned, NUM),
      rateCell(u.signRate),
      rateCell(u.onTimeRate),
      rateCell(u.satisfactionRate),
      td(u.returned, NUM),
      td(u.reopened, NUM),
    ]),
    600,
  );
}

export const RATES_NOTE = '签收及时率 = 按时签收 / 交办；按期办结率 = 按期办结 / 到期；满意率 = （满意 + 基本满意）/ 回访。';

// ---- the page -------------------------------------------------------------------------------------

const FONT_CSS = raw(FONT); // a trusted constant (its quotes stay quotes inside the style attribute)

export interface ReportPage {
  title: string;
  /** Seconds between reloads (a wall screen); none for a mail. */
  refreshSeconds?: number;
  /** Max width of the sheet, px. */
  maxWidth: number;
  /** The line above the heading: `<county>常态化疫情防控下经济运行调度机制指挥部 · <office>`. */
  countyName: string;
  office: string;
  heading: string;
  /** Under the heading: one line in body size, one small muted line. */
  lines: [unknown, unknown];
  /** A full-width row under the heading that needs attention now (the dashboard's set-aside line). */
  alert?: SafeHtml | false;
  sections: ReadonlyArray<readonly [string, SafeHtml]>;
  footer: string;
}

export function reportPage(d: ReportPage): string {
  return html`<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${d.refreshSeconds !== undefined && html`<meta http-equiv="refresh" content="${d.refreshSeconds}">`}<meta name="color-scheme" content="light only"><title>${d.title}</title><style>@media (max-width:520px){.px{padding-left:14px !important;padding-right:14px !important}.hd{font-size:21px !important}.wrap{padding:0 !important}.tile{width:48% !important;margin-right:2% !important}.hint{display:block !important}}</style></head><body style="margin:0;padding:0;background:#eef0f3;font-family:${FONT_CSS};color:${C.text};-webkit-text-size-adjust:100%"><table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse;table-layout:fixed;background:#eef0f3"><tr><td class="wrap" align="center" style="padding:16px 8px"><table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse;table-layout:fixed;width:100%;max-width:${d.maxWidth}px;background:#ffffff;border-top:6px solid ${C.brand};text-align:left"><tr><td class="px" style="padding:22px 24px 16px 24px;border-bottom:2px solid ${C.brand}"><div style="font-size:13px;line-height:1.6;color:${C.brand};letter-spacing:1px">${d.countyName}常态化疫情防控下经济运行调度机制指挥部 · ${d.office}</div><h1 class="hd" style="margin:6px 0 6px 0;font-size:26px;line-height:1.35;font-weight:bold;color:${C.brand}">${d.heading}</h1><div style="font-size:14px;line-height:1.7;color:${C.text}">${d.lines[0]}</div><div style="font-size:12px;line-height:1.7;color:${C.muted}">${d.lines[1]}</div></td></tr>${d.alert}${d.sections.map(([title, body]) => section(title, body))}<tr><td class="px" style="padding:18px 24px 22px 24px;border-top:1px solid ${C.line};font-size:12px;line-height:1.7;color:${C.muted}">${d.footer}</td></tr></table></td></tr></table></body></html>`.toString();
}
