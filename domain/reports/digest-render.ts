// Rendering of the Friday supervision digest (督办督查周报): one e-mail-safe HTML document (served
// as is at GET /v1/digests/{YYYY-Www}) and a plain-text part. Pure.
//
// Mail safety: layout tables and inline styles only; no script, no external resource (no images,
// fonts or links to load); charts are table cells with background colours, which every mail client
// shows. The one <style> block only adds small-screen refinements (clients that drop it still get a
// readable page). Responsive without it: tiles and cards are inline-blocks that wrap, the outer table
// is width 100% with a max-width, and every table wider than a phone scrolls inside its own
// container (overflow-x:auto), so the page itself never scrolls sideways.
// Every user value (names, codes, descriptions, unit names, messages) goes through escapeHtml.

import type { DigestModel } from './digest.js';
import type { BacklogBucket } from './sections/backlog.js';
import type { DigestSectorRow } from './sections/coverage.js';
import type { IssueItem as DigestItem } from './sections/issue-item.js';
import { weekLabel } from './digest.js';
import { escapeHtml, oneLine } from './html.js';
import type { UnitMetrics } from '../issues/unit-rates.js';
import { dayOfWeek, shanghaiDateTime } from '../time/time.js';

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

const e = escapeHtml;

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
function periodText(m: DigestModel): string {
  return `${ymd(m.window.monday)}（周一）0:00 至 ${hm(m.window.to)}`;
}

export function digestSubject(m: DigestModel): string {
  return oneLine(`【督办督查周报】${m.countyName} ${weekLabel(m.week)}（${md(m.window.monday)}—${md(m.window.sunday)}）`, 200);
}

// ---- HTML building blocks (exported for the dashboard page, dashboard-render.ts) --------------------

const SECTION_TITLES = [
  '一、核心指标',
  '二、白名单覆盖率',
  '三、问题诉求办理情况',
  '四、责任单位办理情况及红黑榜',
  '五、逾期及升级督办事项',
  '六、共性问题（点办理、批处理）',
  '七、白名单变动',
  '八、防疫保障配备缺口',
  '九、政策清单及咨询员报备',
  '十、待审批检查事项',
  '十一、数据质量提示',
] as const;
/** The section headings, in order (the same in the HTML and the text part). */
export const DIGEST_SECTION_TITLES: readonly string[] = SECTION_TITLES;

export function section(title: string, body: string): string {
  return (
    `<tr><td class="px" style="padding:22px 24px 6px 24px">` +
    `<h2 style="margin:0 0 12px 0;padding:0 0 0 10px;border-left:4px solid ${C.brand};font-size:17px;line-height:1.4;font-weight:bold;color:#111827">${e(title)}</h2>` +
    body +
    `</td></tr>`
  );
}

export function p(text: string, style = ''): string {
  return `<p style="margin:0 0 8px 0;font-size:14px;line-height:1.7;color:${C.text};${style}">${text}</p>`;
}
export function none(text = '本周无。'): string {
  return p(e(text), `color:${C.muted}`);
}
export function sub(title: string): string {
  return `<h3 style="margin:14px 0 8px 0;font-size:15px;line-height:1.4;color:#111827">${e(title)}</h3>`;
}

export function tile(label: string, value: string, note = '', tone: string = C.muted): string {
  return (
    `<div class="tile" style="display:inline-block;vertical-align:top;width:23.4%;min-width:72px;margin:0 1.2% 8px 0;padding:10px 12px;border:1px solid ${C.line};border-radius:6px;background:${C.soft};box-sizing:border-box">` +
    `<div style="font-size:12px;line-height:1.5;color:${C.muted}">${e(label)}</div>` +
    `<div style="font-size:22px;line-height:1.3;font-weight:bold;color:#111827">${e(value)}</div>` +
    (note ? `<div style="font-size:12px;line-height:1.5;color:${tone}">${e(note)}</div>` : '') +
    `</div>`
  );
}

export function badge(text: string, fg: string, bg: string): string {
  return `<span style="display:inline-block;padding:0 6px;border-radius:3px;font-size:12px;line-height:1.7;color:${fg};background:${bg};white-space:nowrap">${e(text)}</span>`;
}

const TH = `padding:7px 8px;border-bottom:2px solid ${C.line};background:${C.soft};font-size:13px;line-height:1.5;font-weight:bold;color:#374151;text-align:left;white-space:nowrap`;
const TD = `padding:7px 8px;border-bottom:1px solid ${C.line};font-size:13px;line-height:1.6;color:${C.text};vertical-align:top`;
export const NUM = 'text-align:right;white-space:nowrap';

/** A data table that scrolls inside its own container on narrow screens. */
export function table(headers: ReadonlyArray<string | [string, string]>, rows: string[][], minWidth = 560): string {
  const head = headers
    .map((h) => (Array.isArray(h) ? `<th style="${TH};${h[1]}">${e(h[0])}</th>` : `<th style="${TH}">${e(h)}</th>`))
    .join('');
  const body = rows.map((r) => `<tr>${r.join('')}</tr>`).join('');
  return (
    `<div class="hint" style="display:none;font-size:12px;line-height:1.6;color:${C.muted};margin:0 0 4px 0">表格较宽，可左右滑动查看</div>` +
    `<div style="width:100%;max-width:100%;overflow-x:auto;-webkit-overflow-scrolling:touch;margin:0 0 8px 0">` +
    `<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse;width:100%;min-width:${minWidth}px">` +
    `<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`
  );
}
export const td = (html: string, style = ''): string => `<td style="${TD};${style}">${html}</td>`;

/** A horizontal bar drawn with table cells: `value` filled, a dark 2px marker at `target` (0–1). */
export function bar(value: number, target: number | null, color: string): string {
  const v = Math.max(0, Math.min(1, value)) * 100;
  const cell = (w: number, bg: string) =>
    w > 0.05 ? `<td width="${w.toFixed(1)}%" style="width:${w.toFixed(1)}%;height:14px;background:${bg};font-size:1px;line-height:1px">&nbsp;</td>` : '';
  const marker = `<td width="2" style="width:2px;height:14px;background:#111827;font-size:1px;line-height:1px">&nbsp;</td>`;
  let cells: string;
  if (target === null) cells = cell(v, color) + cell(100 - v, C.barRest);
  else {
    const t = Math.max(0, Math.min(1, target)) * 100;
    cells =
      v < t
        ? cell(v, color) + cell(t - v, C.barTrack) + marker + cell(100 - t, C.barRest)
        : cell(t, color) + marker + cell(v - t, color) + cell(100 - v, C.barRest);
  }
  return `<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse;table-layout:fixed;width:100%"><tr>${cells}</tr></table>`;
}

function changeColor(x: number | null): string {
  if (x === null || Math.round(x * 1000) === 0) return C.muted;
  return x > 0 ? C.green : C.red;
}

export function rateCell(x: number | null): string {
  const color = x === null ? C.muted : x >= 0.9 ? C.green : x < 0.6 ? C.red : C.text;
  return td(`<span style="color:${color}">${e(formatPercent(x))}</span>`, NUM);
}

// ---- sections (HTML) -------------------------------------------------------------------------------

function headlineHtml(m: DigestModel): string {
  const h = m.headline;
  const tone = changeColor(h.overallChange);
  const tiles = [
    tile('全县白名单覆盖率', formatPercent(h.overallCoverage), `目标 ${formatPercent(h.overallTarget)}｜较上周 ${formatPoints(h.overallChange)}`, tone),
    tile('达标领域', `${h.sectorsOnTrack} / ${h.sectorsWithFigure}`, '覆盖率已达目标的领域'),
    tile('白名单企业（项目）', `${h.whitelistCount} 家`, `本周纳入 ${h.admitted}，移出 ${h.removed}${h.fuseRemovals ? `（熔断 ${h.fuseRemovals}）` : ''}`, h.fuseRemovals ? C.red : C.muted),
    tile('本周新增问题', `${h.newIssues} 件`, `办结 ${h.resolved}，销号 ${h.closed}`),
    tile('在办问题', `${h.open} 件`, '截至生成时'),
    tile('逾期未办结', `${h.overdueOpen} 件`, h.overdueOpen ? '请责任单位加快办理' : '无逾期', h.overdueOpen ? C.red : C.green),
    tile('升级督办', `${h.escalatedOpen} 件`, '在办且已升级', h.escalatedOpen ? C.red : C.muted),
    tile('共性问题', `${h.batches} 批`, `数据质量：${h.dataQualityErrors} 错误，${h.dataQualityWarnings} 提示`, h.dataQualityErrors ? C.red : C.muted),
  ];
  return `<div>${tiles.join('')}</div>`;
}

function projectionText(r: DigestSectorRow): string {
  const pj = r.projection;
  if (r.coverage === null) return '覆盖率无法计算，暂不预计';
  if (!r.deadline || !pj) return '未设截止日期';
  if (pj.projected === null) return `截止 ${md(r.deadline)}：暂无覆盖率，无法预计`;
  const trend = pj.trendPerWeek === null ? '仅有本周数据，按当前水平' : `按近 ${pj.basis} 周趋势（每周 ${formatPoints(pj.trendPerWeek)}）`;
  const verdict = pj.onTrack ? '可达标' : '难以达标';
  const need =
    pj.neededPerWeek === null
      ? '已过截止日期'
      : pj.neededPerWeek === 0
        ? '已达目标'
        : `需每周提高 ${formatPoints(pj.neededPerWeek).replace('+', '')}`;
  return `截止 ${md(r.deadline)}（剩 ${pj.weeksLeft} 周）：${trend}预计 ${formatPercent(pj.projected)}，${verdict}；${need}`;
}

/** Long lists in a mail are cut here; the rest is in the class's sheet and `sibao digest --json`. */
export const LIST_CAP = 50;
const moreText = (n: number) => `……另有 ${n} 家未列出（完整名单见防疫保障专班表格，或 sibao digest --json）。`;

/** The county line: the target is per sector, so it is met only when every sector meets it. */
function overallText(m: DigestModel): string {
  const below = m.coverage.sectors.filter((s) => s.onTrack === false).map((s) => s.label);
  const unknown = m.coverage.sectors.filter((s) => s.coverage === null).map((s) => s.label);
  const parts: string[] = [];
  if (below.length) parts.push(`未达标领域：${below.join('、')}`);
  if (unknown.length) parts.push(`无法计算：${unknown.join('、')}`);
  return parts.length ? `目标按领域考核，${parts.join('；')}` : '五个领域均已达到目标';
}

function sectorBlock(r: DigestSectorRow, overall = false, overallLine = ''): string {
  const color = r.coverage === null ? C.barTrack : r.onTrack ? C.barOk : C.barLow;
  const head =
    `<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse"><tr>` +
    `<td style="font-size:15px;line-height:1.6;font-weight:bold;color:#111827;padding:0 0 4px 0">${e(r.label)}${overall ? '' : ` <span style="font-weight:normal;font-size:12px;color:${C.muted}">${r.count} 家</span>`}</td>` +
    (r.coverage === null
      ? `<td style="text-align:right;white-space:nowrap;font-size:13px;line-height:1.6;padding:0 0 4px 0;color:${C.red}">无法计算</td></tr></table>`
      : `<td style="text-align:right;white-space:nowrap;font-size:15px;line-height:1.6;padding:0 0 4px 0"><b style="color:${r.onTrack ? C.green : C.amber}">${e(formatPercent(r.coverage))}</b>` +
        ` <span style="font-size:12px;color:${changeColor(r.change)}">${e(formatPoints(r.change))}</span></td></tr></table>`);
  const chart = r.coverage === null ? '' : bar(r.coverage, r.target, color);
  const figures =
    r.error && r.message
      ? `<span style="color:${C.red}">${e(r.message)}</span>`
      : `已覆盖 ${e(formatNumber(r.covered))} / 总量 ${e(r.total === null ? '—' : formatNumber(r.total))} 万元｜目标 ${e(formatPercent(r.target))}｜缺口 ${e(r.gap === null ? '—' : formatNumber(r.gap))} 万元`;
  return (
    `<div style="margin:0 0 14px 0;padding:10px 12px;border:1px solid ${C.line};border-radius:6px${overall ? `;background:${C.soft}` : ''}">` +
    head +
    chart +
    `<div style="font-size:12px;line-height:1.7;color:${C.muted};margin-top:6px">${figures}</div>` +
    (overall
      ? `<div style="font-size:12px;line-height:1.7;color:${r.onTrack === false ? C.amber : C.muted}">${e(overallLine)}</div>`
      : `<div style="font-size:12px;line-height:1.7;color:${r.projection?.onTrack === false ? C.amber : C.muted}">${e(projectionText(r))}</div>`) +
    `</div>`
  );
}

function coverageHtml(m: DigestModel): string {
  const legend = p(
    `统计日 ${e(ymd(m.coverage.at))}；较上周对比 ${e(m.coverage.previousWeek ? weekLabel(m.coverage.previousWeek) : '（无上周快照）')}。条形图中黑色竖线为目标线，绿色为已达标，橙色为未达标。`,
    `font-size:12px;color:${C.muted}`,
  );
  return legend + m.coverage.sectors.map((r) => sectorBlock(r)).join('') + sectorBlock(m.coverage.overall, true, overallText(m));
}

function backlogBars(buckets: readonly BacklogBucket[]): string {
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const rows = buckets
    .map(
      (b) =>
        `<tr><td style="width:72px;padding:3px 8px 3px 0;font-size:13px;color:${C.text};white-space:nowrap">${e(b.label)}</td>` +
        `<td style="padding:3px 0">${bar(b.count / max, null, b.min > 14 ? C.red : b.min > 7 ? C.barLow : C.blue)}</td>` +
        `<td style="width:44px;padding:3px 0 3px 8px;font-size:13px;text-align:right;white-space:nowrap">${b.count} 件</td></tr>`,
    )
    .join('');
  return `<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse;width:100%">${rows}</table>`;
}

function issuesHtml(m: DigestModel): string {
  const s = m.issues;
  const tiles = [
    tile('新增', `${s.newIssues} 件`),
    tile('办结', `${s.resolved} 件`),
    tile('销号', `${s.closed} 件`),
    tile('新增逾期', `${s.overdue} 件`, '', C.red),
    tile('升级督办', `${s.escalated} 件`),
    tile('退回 / 重办', `${s.returned} / ${s.reopened}`),
  ].join('');
  const fu = s.followUps;
  const follow = p(
    fu.total === 0
      ? '本周无回访记录。'
      : `本周回访 ${fu.total} 次：满意 ${fu.satisfied}，基本满意 ${fu.basicallySatisfied}，不满意 <b style="color:${fu.unsatisfied ? C.red : C.text}">${fu.unsatisfied}</b>（不满意的已重新交办）。`,
  );
  const cats = s.newByCategory.length ? p(`本周新增按类别：${s.newByCategory.map((c) => `${e(c.category)} ${c.count}`).join('，')}。`) : '';
  const status = p(`在办 ${s.open} 件：${s.openByStatus.map((x) => `${e(x.status)} ${x.count}`).join('，')}。`);
  return `<div>${tiles}</div>` + follow + cats + sub('在办问题按已历时长（自反映日期）') + status + backlogBars(s.backlogByAge);
}

function unitsHtml(m: DigestModel): string {
  const rows = m.units.rows.map((u: UnitMetrics) => [
    td(e(u.unitName), 'min-width:96px'),
    td(String(u.issues), NUM),
    td(String(u.assigned), NUM),
    rateCell(u.signRate),
    rateCell(u.onTimeRate),
    rateCell(u.satisfactionRate),
    td(String(u.returned), NUM),
    td(String(u.reopened), NUM),
  ]);
  const tableHtml =
    rows.length === 0
      ? none('本周没有责任单位办理记录。')
      : table(
          ['责任单位', ['问题数', NUM], ['交办', NUM], ['签收及时率', NUM], ['按期办结率', NUM], ['满意率', NUM], ['退回', NUM], ['重办', NUM]],
          rows,
          600,
        );
  const list = (title: string, fg: string, bg: string, units: DigestModel['units']['ranking']['red']) =>
    `<div style="display:inline-block;vertical-align:top;width:100%;max-width:356px;margin:0 8px 8px 0;border:1px solid ${fg};border-radius:6px;background:${bg};box-sizing:border-box">` +
    `<div style="padding:6px 12px;background:${fg};color:#ffffff;font-size:14px;font-weight:bold;border-radius:5px 5px 0 0">${e(title)}</div>` +
    `<div style="padding:8px 12px">` +
    (units.length === 0
      ? `<div style="font-size:13px;color:${C.muted}">本周无符合条件的单位</div>`
      : units
          .map(
            (u) =>
              `<div style="font-size:14px;line-height:1.8;color:${C.text}"><b style="color:${fg}">${u.rank}</b>　${e(u.unitName)}` +
              `<span style="color:${C.muted};font-size:12px">（综合得分 ${e(formatPercent(u.score))}，${u.issues} 件）</span></div>`,
          )
          .join('')) +
    `</div></div>`;
  return (
    tableHtml +
    p(`签收及时率 = 按时签收 / 交办；按期办结率 = 按期办结 / 到期；满意率 = （满意 + 基本满意）/ 回访。红黑榜仅统计本周问题数不少于 ${m.units.minIssues} 件的单位，综合得分为三率平均。`, `font-size:12px;color:${C.muted}`) +
    `<div>${list('红榜（表扬）', C.red, C.redBg, m.units.ranking.red)}${list('黑榜（通报）', C.ink, C.inkBg, m.units.ranking.black)}</div>`
  );
}

function itemEnterprise(i: DigestItem): string {
  return `${e(i.enterpriseName)}${i.major ? ` ${badge('重大', C.red, C.redBg)}` : ''}${i.urgency === '紧急' ? ` ${badge('紧急', C.amber, C.amberBg)}` : ''}`;
}

function overdueHtml(m: DigestModel): string {
  const overdue = m.overdue.length
    ? table(
        ['编号', '反映企业', '问题类别', '责任单位', '逾期时限', ['逾期天数', NUM], '升级'],
        m.overdue.map((i) => [
          td(e(i.id), 'white-space:nowrap'),
          td(itemEnterprise(i), 'min-width:120px'),
          td(e(i.category), 'white-space:nowrap'),
          td(e(i.unitName), 'min-width:90px'),
          td(i.missed ? `${i.missed.kind === 'sign' ? '签收' : '办结'} ${e(md(i.missed.date))}` : '—', 'white-space:nowrap'),
          td(`<b style="color:${C.red}">${i.daysOverdue}</b>`, NUM),
          td(i.escalationLevel ? badge(`第 ${i.escalationLevel} 级`, C.red, C.redBg) : '—', 'white-space:nowrap'),
        ]),
        640,
      )
    : none('目前没有逾期未办结的问题。');
  const escalated = m.escalated.length
    ? table(
        ['编号', '反映企业', '责任单位', '升级至', ['级别', NUM], '当前状态'],
        m.escalated.map((i) => [
          td(e(i.id), 'white-space:nowrap'),
          td(itemEnterprise(i), 'min-width:120px'),
          td(e(i.unitName), 'min-width:90px'),
          td(e(i.escalatedToName ?? '—'), 'min-width:90px'),
          td(String(i.escalationLevel), NUM),
          td(e(i.status), 'white-space:nowrap'),
        ]),
        600,
      )
    : none('本周没有升级督办的问题。');
  return sub(`逾期未办结（${m.overdue.length} 件）`) + overdue + sub(`升级督办（${m.escalated.length} 件）`) + escalated;
}

function batchesHtml(m: DigestModel): string {
  if (m.batches.length === 0) return none('本周未发现共性问题（同类问题 14 天内来自 3 家及以上企业）。');
  return m.batches
    .map(
      (b) =>
        `<div style="margin:0 0 10px 0;padding:10px 12px;border-left:4px solid ${C.amber};background:${C.amberBg}">` +
        `<div style="font-size:14px;line-height:1.6;font-weight:bold;color:#111827">${e(b.category)}：${b.enterprises.length} 家企业，${b.issueIds.length} 件${b.newThisWeek ? ` ${badge('本周新增', C.amber, '#ffffff')}` : ''}</div>` +
        `<div style="font-size:13px;line-height:1.7;color:${C.text}">反映时间 ${e(md(b.from))}—${e(md(b.to))}；企业：${b.enterpriseNames.map(e).join('、')}</div>` +
        `<div style="font-size:13px;line-height:1.7;color:${C.text}">责任单位：${b.unitNames.map(e).join('、')}；编号：${b.issueIds.map(e).join('、')}</div>` +
        `<div style="font-size:12px;line-height:1.7;color:${C.muted}">建议指挥部办公室研究出台政策性解决办法（点办理、批处理）。</div></div>`,
    )
    .join('');
}

function whitelistHtml(m: DigestModel): string {
  const { admitted, removed } = m.whitelistChanges;
  const rowsOf = (list: typeof removed, withReason: boolean) =>
    list.map((r) => {
      const cells = [
        td(e(r.sector), 'white-space:nowrap'),
        td(`${e(r.name)}<div style="font-size:12px;color:${C.muted};word-break:break-all">${e(r.code)}</div>`, 'min-width:140px'),
        td(e(r.locality), 'white-space:nowrap'),
        td(e(formatNumber(r.value)), NUM),
        td(e(md(r.date)), 'white-space:nowrap'),
      ];
      if (withReason) cells.push(td(r.fuse ? `${badge('熔断', '#ffffff', C.red)} ${e(r.reason ?? '')}` : e(r.reason ?? '—'), 'min-width:120px'));
      return cells;
    });
  const removedHtml = removed.length
    ? table(['领域', '名称 / 代码', '乡镇', ['产值或投资额（万元）', NUM], '移出日期', '移出原因'], rowsOf(removed, true), 640)
    : none('本周没有移出。');
  const admittedHtml = admitted.length
    ? table(['领域', '名称 / 代码', '乡镇', ['产值或投资额（万元）', NUM], '纳入日期'], rowsOf(admitted, false), 560)
    : none('本周没有新纳入。');
  return sub(`移出（${removed.length} 家，熔断在前）`) + removedHtml + sub(`新纳入（${admitted.length} 家）`) + admittedHtml;
}

function epidemicHtml(m: DigestModel): string {
  const g = m.epidemic;
  const summary = p(
    `工作专班防疫专家 <b>${g.classesCovered} / ${g.classesRequired}</b>；白名单企业（项目）防疫人员及结对医疗机构 <b>${g.enterprisesCovered} / ${g.enterprisesRequired}</b>（要求全覆盖）。`,
  );
  const classes = g.classesMissing.length
    ? p(`未配备防疫专家的工作专班：<span style="color:${C.red}">${g.classesMissing.map(e).join('、')}</span>`)
    : p('每个工作专班均已配备防疫专家。', `color:${C.green}`);
  const shown = g.enterprisesMissing.slice(0, LIST_CAP);
  const more = g.enterprisesMissing.length - shown.length;
  const ents = g.enterprisesMissing.length
    ? table(
        ['领域', '企业（项目）', '缺少'],
        shown.map((x) => [
          td(e(x.sector), 'white-space:nowrap'),
          td(`${e(x.name)}<div style="font-size:12px;color:${C.muted};word-break:break-all">${e(x.code)}</div>`, 'min-width:140px'),
          td(x.missing.map((w) => badge(w, C.red, C.redBg)).join(' ')),
        ]),
        320,
      ) + (more > 0 ? p(moreText(more), `font-size:12px;color:${C.muted}`) : '')
    : p('全部白名单企业（项目）均已配备防疫人员和结对医疗机构。', `color:${C.green}`);
  return summary + classes + ents;
}

function policyHtml(m: DigestModel): string {
  const gaps = m.policy.gaps;
  const intro = p(`应报备单位 ${m.policy.required} 个，其中 ${gaps.length} 个尚未完整报备政策清单或惠企政策咨询员。`);
  if (gaps.length === 0) return intro;
  const mark = (n: number, extra = '') =>
    n > 0 ? `<span style="color:${C.green}">已报 ${n}</span>` : `${badge('未报备', C.red, C.redBg)}${extra}`;
  return (
    intro +
    table(
      ['单位', '类型', '政策清单', '政策咨询员'],
      gaps.map((g) => [
        td(e(g.unitName), 'min-width:100px'),
        td(e(g.type), 'white-space:nowrap'),
        td(mark(g.policies, g.expiredPolicies ? `<div style="font-size:12px;color:${C.muted}">${g.expiredPolicies} 项已过期</div>` : '')),
        td(mark(g.consultants)),
      ]),
      320,
    )
  );
}

function inspectionsHtml(m: DigestModel): string {
  if (m.inspections.length === 0) return none('目前没有等待审批的检查事项。');
  return (
    p('除疫情防控、安全生产、出入境检验检疫外的检查，须经指挥部审批同意后方可进行。') +
    table(
      ['计划日期', '发起单位', '被检查企业', '检查事项', '编号'],
      m.inspections.map((i) => [
        td(`${e(md(i.plannedOn))}${i.due ? ` ${badge('已到期', C.red, C.redBg)}` : ''}`, 'white-space:nowrap'),
        td(e(i.initiatorName), 'min-width:80px'),
        td(`${e(i.enterpriseName ?? '')}<div style="font-size:12px;color:${C.muted};word-break:break-all">${e(i.enterpriseCode)}</div>`, 'min-width:120px'),
        td(e(i.matter), 'min-width:140px'),
        td(e(i.id ?? '—'), 'white-space:nowrap'),
      ]),
      600,
    )
  );
}

function dataQualityHtml(m: DigestModel): string {
  if (m.dataQuality.length === 0) return none('本周未发现数据质量问题。');
  return m.dataQuality
    .map(
      (w) =>
        `<div style="margin:0 0 6px 0;font-size:13px;line-height:1.7;color:${C.text}">` +
        `${w.severity === 'error' ? badge('错误', '#ffffff', C.red) : badge('提示', C.amber, C.amberBg)} ${e(w.message)}</div>`,
    )
    .join('');
}

// ---- document -------------------------------------------------------------------------------------

export function renderDigestHtml(m: DigestModel): string {
  const title = `${m.title}（${weekLabel(m.week)}）`;
  const bodies = [
    headlineHtml(m),
    coverageHtml(m),
    issuesHtml(m),
    unitsHtml(m),
    overdueHtml(m),
    batchesHtml(m),
    whitelistHtml(m),
    epidemicHtml(m),
    policyHtml(m),
    inspectionsHtml(m),
    dataQualityHtml(m),
  ];
  const sections = bodies.map((b, i) => section(SECTION_TITLES[i], b)).join('');
  return (
    `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="color-scheme" content="light only">` +
    `<title>${e(title)}</title>` +
    `<style>@media (max-width:520px){.px{padding-left:14px !important;padding-right:14px !important}.hd{font-size:21px !important}.wrap{padding:0 !important}.tile{width:48% !important;margin-right:2% !important}.hint{display:block !important}}</style>` +
    `</head>` +
    `<body style="margin:0;padding:0;background:#eef0f3;font-family:${FONT};color:${C.text};-webkit-text-size-adjust:100%">` +
    `<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse;table-layout:fixed;background:#eef0f3"><tr>` +
    `<td class="wrap" align="center" style="padding:16px 8px">` +
    `<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse;table-layout:fixed;width:100%;max-width:800px;background:#ffffff;border-top:6px solid ${C.brand};text-align:left">` +
    `<tr><td class="px" style="padding:22px 24px 16px 24px;border-bottom:2px solid ${C.brand}">` +
    `<div style="font-size:13px;line-height:1.6;color:${C.brand};letter-spacing:1px">${e(m.countyName)}常态化疫情防控下经济运行调度机制指挥部 · 督办督查专班</div>` +
    `<h1 class="hd" style="margin:6px 0 6px 0;font-size:26px;line-height:1.35;font-weight:bold;color:${C.brand}">“四保”白名单督办督查周报</h1>` +
    `<div style="font-size:14px;line-height:1.7;color:${C.text}">${e(weekLabel(m.week))}（${e(md(m.window.monday))}—${e(md(m.window.sunday))}）</div>` +
    `<div style="font-size:12px;line-height:1.7;color:${C.muted}">统计期间：${e(periodText(m))}｜报送：指挥部办公室、督办督查专班</div>` +
    `</td></tr>` +
    sections +
    `<tr><td class="px" style="padding:18px 24px 22px 24px;border-top:1px solid ${C.line};font-size:12px;line-height:1.7;color:${C.muted}">` +
    `本周报由系统于 ${e(hm(m.generatedAt))} 根据各工作专班共享表格自动生成，每周五 17:00 报送指挥部办公室和督办督查专班。数据如有出入，请以各专班核实后的表格为准，并在表格中更正。` +
    `</td></tr></table></td></tr></table></body></html>`
  );
}

// ---- plain text -----------------------------------------------------------------------------------

/** A 20-character bar: `#` filled, `-` empty, `|` at the target. */
function textBar(value: number, target: number): string {
  const n = 20;
  const v = Math.round(Math.max(0, Math.min(1, value)) * n);
  const t = Math.min(n - 1, Math.round(Math.max(0, Math.min(1, target)) * n));
  let s = '';
  for (let i = 0; i < n; i++) s += i === t ? '|' : i < v ? '#' : '-';
  return `[${s}]`;
}

export function renderDigestText(m: DigestModel): string {
  const out: string[] = [];
  const h = m.headline;
  const head = (i: number) => {
    out.push('', SECTION_TITLES[i], '-'.repeat(24));
  };
  out.push(`${m.countyName}“四保”白名单督办督查周报`, `${weekLabel(m.week)}（${md(m.window.monday)}—${md(m.window.sunday)}）`, `统计期间：${periodText(m)}`);

  head(0);
  out.push(
    `全县白名单覆盖率：${formatPercent(h.overallCoverage)}（目标 ${formatPercent(h.overallTarget)}，较上周 ${formatPoints(h.overallChange)}）`,
    `达标领域：${h.sectorsOnTrack} / ${h.sectorsWithFigure}`,
    `白名单企业（项目）：${h.whitelistCount} 家；本周纳入 ${h.admitted}，移出 ${h.removed}（熔断 ${h.fuseRemovals}）`,
    `问题诉求：本周新增 ${h.newIssues}，办结 ${h.resolved}，销号 ${h.closed}；在办 ${h.open}，逾期 ${h.overdueOpen}，升级督办 ${h.escalatedOpen}`,
    `共性问题：${h.batches} 批；数据质量：错误 ${h.dataQualityErrors}，提示 ${h.dataQualityWarnings}`,
  );

  head(1);
  for (const r of [...m.coverage.sectors, m.coverage.overall]) {
    if (r.coverage === null) {
      out.push(`${r.label}：—  ${r.message ?? '无法计算覆盖率'}`);
      continue;
    }
    out.push(
      `${r.label}：${formatPercent(r.coverage)} ${textBar(r.coverage, r.target)} 目标 ${formatPercent(r.target)}，较上周 ${formatPoints(r.change)}`,
      `  已覆盖 ${formatNumber(r.covered)} / 总量 ${r.total === null ? '—' : formatNumber(r.total)} 万元，缺口 ${r.gap === null ? '—' : formatNumber(r.gap)} 万元`,
      `  ${r === m.coverage.overall ? overallText(m) : projectionText(r)}`,
    );
  }

  head(2);
  const s = m.issues;
  out.push(
    `本周新增 ${s.newIssues}，办结 ${s.resolved}，销号 ${s.closed}，新增逾期 ${s.overdue}，升级督办 ${s.escalated}，退回 ${s.returned}，重新办理 ${s.reopened}`,
    `回访 ${s.followUps.total} 次：满意 ${s.followUps.satisfied}，基本满意 ${s.followUps.basicallySatisfied}，不满意 ${s.followUps.unsatisfied}`,
  );
  if (s.newByCategory.length) out.push(`新增按类别：${s.newByCategory.map((c) => `${c.category} ${c.count}`).join('，')}`);
  out.push(`在办 ${s.open} 件：${s.openByStatus.map((x) => `${x.status} ${x.count}`).join('，')}`);
  out.push(`按已历时长：${s.backlogByAge.map((b) => `${b.label} ${b.count}`).join('，')}`);

  head(3);
  if (m.units.rows.length === 0) out.push('本周没有责任单位办理记录。');
  for (const u of m.units.rows) {
    out.push(
      `${u.unitName}：问题 ${u.issues}，交办 ${u.assigned}，签收及时率 ${formatPercent(u.signRate)}，按期办结率 ${formatPercent(u.onTimeRate)}，满意率 ${formatPercent(u.satisfactionRate)}，退回 ${u.returned}，重办 ${u.reopened}`,
    );
  }
  const rank = (list: DigestModel['units']['ranking']['red']) =>
    list.length ? list.map((u) => `${u.rank}. ${u.unitName}（${formatPercent(u.score)}，${u.issues} 件）`).join('；') : '无';
  out.push(`红榜（本周问题数不少于 ${m.units.minIssues} 件）：${rank(m.units.ranking.red)}`, `黑榜：${rank(m.units.ranking.black)}`);

  head(4);
  out.push(`逾期未办结 ${m.overdue.length} 件：`);
  if (m.overdue.length === 0) out.push('  无');
  for (const i of m.overdue) {
    out.push(
      `  ${i.id} ${i.enterpriseName}｜${i.category}｜${i.unitName}｜${i.missed ? `${i.missed.kind === 'sign' ? '签收' : '办结'}时限 ${i.missed.date}` : ''}｜逾期 ${i.daysOverdue} 天${i.escalationLevel ? `｜已升级第 ${i.escalationLevel} 级` : ''}`,
    );
  }
  out.push(`升级督办 ${m.escalated.length} 件：`);
  if (m.escalated.length === 0) out.push('  无');
  for (const i of m.escalated) out.push(`  ${i.id} ${i.enterpriseName}｜${i.unitName} → ${i.escalatedToName ?? '—'}（第 ${i.escalationLevel} 级）｜${i.status}`);

  head(5);
  if (m.batches.length === 0) out.push('本周未发现共性问题。');
  for (const b of m.batches) {
    out.push(
      `${b.category}：${b.enterprises.length} 家企业 ${b.issueIds.length} 件（${b.from} 至 ${b.to}）${b.newThisWeek ? '［本周新增］' : ''}`,
      `  企业：${b.enterpriseNames.join('、')}`,
      `  责任单位：${b.unitNames.join('、')}；编号：${b.issueIds.join('、')}`,
    );
  }

  head(6);
  const { admitted, removed } = m.whitelistChanges;
  out.push(`移出 ${removed.length} 家（熔断在前）：`);
  if (removed.length === 0) out.push('  无');
  for (const r of removed) out.push(`  ${r.fuse ? '【熔断】' : ''}${r.sector}｜${r.name}（${r.code}）｜${r.locality}｜${formatNumber(r.value)} 万元｜${r.date}｜${r.reason ?? ''}`);
  out.push(`新纳入 ${admitted.length} 家：`);
  if (admitted.length === 0) out.push('  无');
  for (const r of admitted) out.push(`  ${r.sector}｜${r.name}（${r.code}）｜${r.locality}｜${formatNumber(r.value)} 万元｜${r.date}`);

  head(7);
  const g = m.epidemic;
  out.push(
    `工作专班防疫专家 ${g.classesCovered} / ${g.classesRequired}；白名单企业（项目）防疫人员及结对医疗机构 ${g.enterprisesCovered} / ${g.enterprisesRequired}`,
  );
  if (g.classesMissing.length) out.push(`未配备防疫专家的工作专班：${g.classesMissing.join('、')}`);
  for (const x of g.enterprisesMissing.slice(0, LIST_CAP)) out.push(`  ${x.sector}｜${x.name}（${x.code}）｜缺少：${x.missing.join('、')}`);
  if (g.enterprisesMissing.length > LIST_CAP) out.push(`  ${moreText(g.enterprisesMissing.length - LIST_CAP)}`);

  head(8);
  out.push(`应报备单位 ${m.policy.required} 个，未完整报备 ${m.policy.gaps.length} 个：`);
  for (const x of m.policy.gaps) {
    out.push(`  ${x.unitName}（${x.type}）｜政策清单 ${x.policies > 0 ? `已报 ${x.policies}` : '未报备'}${x.expiredPolicies ? `（${x.expiredPolicies} 项已过期）` : ''}｜政策咨询员 ${x.consultants > 0 ? `已报 ${x.consultants}` : '未报备'}`);
  }

  head(9);
  if (m.inspections.length === 0) out.push('目前没有等待审批的检查事项。');
  for (const i of m.inspections) {
    out.push(`  ${i.plannedOn}${i.due ? '［已到期］' : ''}｜${i.initiatorName}｜${i.enterpriseName ?? ''}（${i.enterpriseCode}）｜${i.matter}｜${i.id ?? ''}`);
  }

  head(10);
  if (m.dataQuality.length === 0) out.push('本周未发现数据质量问题。');
  for (const w of m.dataQuality) out.push(`  [${w.severity === 'error' ? '错误' : '提示'}] ${w.message}`);

  out.push('', `本周报由系统于 ${hm(m.generatedAt)} 自动生成。`);
  return out.join('\n') + '\n';
}
