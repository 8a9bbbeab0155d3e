// The command office's dashboard page (指挥部看板), in the digest's visual language: the same tiles,
// bars, tables and colours (digest-render.ts). Pure. No script and nothing external: a wall screen
// reloads it with <meta http-equiv="refresh">. Responsive like the digest: tiles wrap, wide tables
// scroll inside their own box, the page never scrolls sideways at 375 px. Every user value is escaped.

import type { DashboardModel } from './dashboard.js';
import type { DigestSectorRow as DashboardSector } from './sections/coverage.js';
import type { IssueItem as DashboardItem } from './sections/issue-item.js';
import { weekLabel } from './digest.js';
import { badge, bar, C, FONT, formatNumber, formatPercent, hm, md, none, NUM, p, rateCell, section, sub, table, td, tile } from './digest-render.js';
import { escapeHtml as e } from './html.js';

/** The section headings, in order. */
export const DASHBOARD_SECTION_TITLES = ['一、核心指标', '二、白名单覆盖率', '三、指挥部办公室待办', '四、在办问题台账', '五、本周责任单位办理情况'] as const;

/** Seconds between reloads on a wall screen. */
export const DASHBOARD_REFRESH_SECONDS = 300;

const nowrap = 'white-space:nowrap';
const small = (text: string, color: string = C.muted) => `<div style="font-size:12px;color:${color}">${text}</div>`;

function enterprise(i: DashboardItem): string {
  return (
    e(i.enterpriseName) +
    (i.major ? ` ${badge('重大', C.red, C.redBg)}` : '') +
    (i.urgency === '紧急' ? ` ${badge('紧急', C.amber, C.amberBg)}` : '') +
    (i.overdue ? ` ${badge('逾期', '#ffffff', C.red)}` : '')
  );
}

function headline(m: DashboardModel): string {
  const h = m.headline;
  return [
    tile('全县白名单覆盖率', formatPercent(h.overallCoverage), `目标 ${formatPercent(h.overallTarget)}`, m.coverage.overall.onTrack ? C.green : C.amber),
    tile('达标领域', `${h.sectorsOnTrack} / ${h.sectorsWithFigure}`, '覆盖率已达目标的领域'),
    tile('在办问题', `${h.open} 件`, `本周新增 ${h.newThisWeek} 件`),
    tile('逾期未办结', `${h.overdue} 件`, h.overdue ? '请督促责任单位' : '无逾期', h.overdue ? C.red : C.green),
    tile('升级督办', `${h.escalated} 件`, '在办且已升级', h.escalated ? C.red : C.muted),
    tile('待核实销号', `${h.awaiting} 件`, '已办结、已回访', h.awaiting ? C.amber : C.muted),
    tile('待分派', `${h.triage} 件`, '需指挥部办公室交办', h.triage ? C.amber : C.muted),
    tile('统计日', md(m.today), weekLabel(m.week)),
  ].join('');
}

function sectorBlock(s: DashboardSector | DashboardModel['coverage']['overall'], overall: boolean): string {
  const ok = s.onTrack === true;
  const value =
    s.coverage === null
      ? `<span style="color:${C.red}">无法计算</span>`
      : `<b style="color:${ok ? C.green : C.amber}">${e(formatPercent(s.coverage))}</b>`;
  const figures =
    'message' in s && s.message
      ? `<span style="color:${C.red}">${e(s.message)}</span>`
      : `已覆盖 ${e(formatNumber(s.covered))} / 总量 ${e(s.total === null ? '—' : formatNumber(s.total))} 万元｜目标 ${e(formatPercent(s.target))}｜缺口 ${e(s.gap === null ? '—' : formatNumber(s.gap))} 万元` +
        (!overall && s.deadline ? `｜截止 ${e(md(s.deadline))}` : '');
  return (
    `<div style="margin:0 0 12px 0;padding:10px 12px;border:1px solid ${C.line};border-radius:6px${overall ? `;background:${C.soft}` : ''}">` +
    `<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse"><tr>` +
    `<td style="font-size:15px;line-height:1.6;font-weight:bold;color:${C.ink};padding:0 0 4px 0">${e(s.label)} <span style="font-weight:normal;font-size:12px;color:${C.muted}">${s.count} 家</span></td>` +
    `<td style="text-align:right;${nowrap};font-size:15px;padding:0 0 4px 0">${value}</td></tr></table>` +
    (s.coverage === null ? '' : bar(s.coverage, s.target, ok ? C.barOk : C.barLow)) +
    `<div style="font-size:12px;line-height:1.7;color:${C.muted};margin-top:6px">${figures}</div></div>`
  );
}

function coverage(m: DashboardModel): string {
  return (
    p(`统计日 ${e(md(m.coverage.at))}。条形图中黑色竖线为目标线，绿色为已达标，橙色为未达标。`, `font-size:12px;color:${C.muted}`) +
    m.coverage.sectors.map((s) => sectorBlock(s, false)).join('') +
    sectorBlock(m.coverage.overall, true)
  );
}

const more = (shown: number, total: number) => (total > shown ? p(`……另有 ${total - shown} 件未列出（完整清单见综合协调专班表格或 GET /v1/issues）。`, `font-size:12px;color:${C.muted}`) : '');

function todo(m: DashboardModel): string {
  const v = m.todo.verify;
  const verify = v.length
    ? table(
        ['编号', '反映企业', '责任单位', '状态', '办结日期', '回访结果', ['已等待', NUM]],
        v.map((i) => [
          td(e(i.id), nowrap),
          td(enterprise(i), 'min-width:120px'),
          td(e(i.unitName), 'min-width:90px'),
          td(i.status === '已回访' ? badge('可销号', C.green, C.greenBg) : e(i.status), nowrap),
          td(e(md(i.resolvedOn)), nowrap),
          td(e(i.followUp ?? '待回访'), nowrap),
          td(`${i.daysWaiting ?? 0} 天`, NUM),
        ]),
        620,
      ) + more(v.length, m.headline.awaiting)
    : none('目前没有等待核实销号的问题。');
  const t = m.todo.triage;
  const triage = t.length
    ? table(
        ['编号', '反映企业', '问题类别', '反映日期', ['已历', NUM], '说明'],
        t.map((i) => [
          td(e(i.id), nowrap),
          td(enterprise(i), 'min-width:120px'),
          td(e(i.category), nowrap),
          td(e(md(i.reportedOn)), nowrap),
          td(`${i.daysOpen} 天`, NUM),
          td(i.returnedBy ? `${e(i.returnedBy)} 退回${i.returnReason ? `：${e(i.returnReason)}` : ''}` : '未匹配到责任单位', 'min-width:120px'),
        ]),
        600,
      ) + more(t.length, m.headline.triage)
    : none('目前没有待分派的问题。');
  return (
    sub(`待核实销号（${m.headline.awaiting} 件）`) +
    p('已办结的问题待企业回访或由指挥部办公室核实销号；已回访（满意、基本满意）的可直接销号。', `font-size:12px;color:${C.muted}`) +
    verify +
    sub(`待分派（${m.headline.triage} 件）`) +
    triage
  );
}

function ledger(m: DashboardModel): string {
  return m.ledger
    .map((g) => {
      const head = sub(`${g.status}（${g.count} 件${g.overdue ? `，逾期 ${g.overdue}` : ''}${g.escalated ? `，升级 ${g.escalated}` : ''}）`);
      if (g.count === 0) return head + none('无。');
      return (
        head +
        table(
          ['编号', '反映企业', '问题类别', '责任单位', '时限', ['已历 / 逾期', NUM], '升级'],
          g.items.map((i) => [
            td(e(i.id), nowrap),
            td(enterprise(i), 'min-width:120px'),
            td(e(i.category), nowrap),
            td(e(i.unitName), 'min-width:90px'),
            td(`${i.deadline.kind === 'sign' ? '签收' : '办结'} ${e(md(i.deadline.date))}`, `${nowrap}${i.overdue ? `;color:${C.red}` : ''}`),
            td(`${i.daysOpen} 天${i.overdue ? small(`逾期 ${i.daysOverdue} 天`, C.red) : ''}`, NUM),
            td(i.escalationLevel ? badge(`第 ${i.escalationLevel} 级`, C.red, C.redBg) : '—', nowrap),
          ]),
          660,
        ) +
        more(g.items.length, g.count)
      );
    })
    .join('');
}

function units(m: DashboardModel): string {
  const intro = p(`统计期 ${e(md(m.units.from))} 至 ${e(md(m.units.to))}（本周截至目前）。签收及时率 = 按时签收 / 交办；按期办结率 = 按期办结 / 到期；满意率 = （满意 + 基本满意）/ 回访。`, `font-size:12px;color:${C.muted}`);
  if (m.units.rows.length === 0) return intro + none('本周尚无责任单位办理记录。');
  return (
    intro +
    table(
      ['责任单位', ['问题数', NUM], ['交办', NUM], ['签收及时率', NUM], ['按期办结率', NUM], ['满意率', NUM], ['退回', NUM], ['重办', NUM]],
      m.units.rows.map((u) => [
        td(e(u.unitName), 'min-width:96px'),
        td(String(u.issues), NUM),
        td(String(u.assigned), NUM),
        rateCell(u.signRate),
        rateCell(u.onTimeRate),
        rateCell(u.satisfactionRate),
        td(String(u.returned), NUM),
        td(String(u.reopened), NUM),
      ]),
      600,
    )
  );
}

export function renderDashboardHtml(m: DashboardModel): string {
  const bodies = [headline(m), coverage(m), todo(m), ledger(m), units(m)];
  const sections = bodies.map((b, i) => section(DASHBOARD_SECTION_TITLES[i], b)).join('');
  return (
    `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta http-equiv="refresh" content="${DASHBOARD_REFRESH_SECONDS}">` +
    `<meta name="color-scheme" content="light only"><title>${e(m.title)}</title>` +
    `<style>@media (max-width:520px){.px{padding-left:14px !important;padding-right:14px !important}.hd{font-size:21px !important}.wrap{padding:0 !important}.tile{width:48% !important;margin-right:2% !important}.hint{display:block !important}}</style>` +
    `</head><body style="margin:0;padding:0;background:#eef0f3;font-family:${FONT};color:${C.text};-webkit-text-size-adjust:100%">` +
    `<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse;table-layout:fixed;background:#eef0f3"><tr><td class="wrap" align="center" style="padding:16px 8px">` +
    `<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse;table-layout:fixed;width:100%;max-width:1100px;background:#ffffff;border-top:6px solid ${C.brand};text-align:left">` +
    `<tr><td class="px" style="padding:22px 24px 16px 24px;border-bottom:2px solid ${C.brand}">` +
    `<div style="font-size:13px;line-height:1.6;color:${C.brand};letter-spacing:1px">${e(m.countyName)}常态化疫情防控下经济运行调度机制指挥部 · 指挥部办公室</div>` +
    `<h1 class="hd" style="margin:6px 0 6px 0;font-size:26px;line-height:1.35;font-weight:bold;color:${C.brand}">“四保”白名单指挥部看板</h1>` +
    `<div style="font-size:14px;line-height:1.7;color:${C.text}">数据截至 ${e(hm(m.generatedAt))}</div>` +
    `<div style="font-size:12px;line-height:1.7;color:${C.muted}">实时数据，每 ${DASHBOARD_REFRESH_SECONDS / 60} 分钟自动刷新｜仅供指挥部办公室、督办督查专班使用，请勿转发链接</div>` +
    `</td></tr>` +
    sections +
    `<tr><td class="px" style="padding:18px 24px 22px 24px;border-top:1px solid ${C.line};font-size:12px;line-height:1.7;color:${C.muted}">` +
    `本看板根据各工作专班共享表格和问题诉求办理记录实时生成；每周五 17:00 的督办督查周报为正式报送版本。数据如有出入，请以各专班核实后的表格为准。` +
    `</td></tr></table></td></tr></table></body></html>`
  );
}
