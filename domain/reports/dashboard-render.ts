// The command office's dashboard page (指挥部看板), in the digest's visual language: the same tiles,
// bars, tables, colours and page frame (report-html.ts). Pure. No script and nothing external: a
// wall screen reloads it with <meta http-equiv="refresh">. Responsive like the digest: tiles wrap,
// wide tables scroll inside their own box, the page never scrolls sideways at 375 px. Every user
// value goes through the escape-by-default `html` template (html.ts).

import { shutdownsHtml } from './register-render.js';
import type { DashboardDecision, DashboardModel } from './dashboard.js';
import { html, type SafeHtml } from './html.js';
import { figureText, figuresLine, overdueDifference } from './figures.js';
import { badge, C, figureTile, coverageBar, coverageFigures, enterpriseCell, ISSUE_HEADERS, issueCells, issueIdCell, levelCell, formatPercent, hm, md, none, NOWRAP, NUM, p, RATES_NOTE, reportPage, small, sub, table, td, tile, unitRatesTable } from './report-html.js';
import type { DigestSectorRow } from './sections/coverage.js';
import type { IssueItem } from './sections/issue-item.js';
import { weekLabel } from './week.js';

/** The section headings, in order. */
export const DASHBOARD_SECTION_TITLES = ['一、核心指标', '二、白名单覆盖率', '三、指挥部办公室待办', '四、在办问题台账', '五、本周责任单位办理情况', '六、停产停工、熔断及督查'] as const;

/** Seconds between reloads on a wall screen. */
export const DASHBOARD_REFRESH_SECONDS = 300;

const enterprise = (i: IssueItem): SafeHtml => enterpriseCell(i, { overdueBadge: true });

function headline(m: DashboardModel): SafeHtml {
  const h = m.headline;
  const f = m.figures;
  return html`${[
    tile('全县白名单覆盖率', formatPercent(h.overallCoverage), `目标 ${formatPercent(h.overallTarget)}`, m.coverage.overall.onTrack ? C.green : C.amber),
    tile('达标领域', `${h.sectorsOnTrack} / ${h.sectorsWithFigure}`, '覆盖率已达目标的领域'),
    figureTile(f, 'open', `${figureText(f, 'newIssues')}，${figureText(f, 'resolved')}`),
    figureTile(f, 'overdueNow', [figureText(f, 'newlyOverdue'), overdueDifference(f)].filter(Boolean).join('，'), h.overdue ? C.red : C.green),
    figureTile(f, 'escalatedNow', `在办且已升级；${figureText(f, 'escalatedThisWeek')}`, h.escalated ? C.red : C.muted),
    tile('待核实销号', `${h.awaiting} 件`, '已办结、已回访', h.awaiting ? C.amber : C.muted),
    tile('待分派', `${h.triage} 件`, '需指挥部办公室交办', h.triage ? C.amber : C.muted),
    tile('统计日', md(m.today), weekLabel(m.week)),
  ]}${p(`本周至今：${figuresLine(f)}。`, `font-size:12px;color:${C.muted}`)}`;
}

function sectorBlock(s: DigestSectorRow, overall: boolean): SafeHtml {
  const value =
    s.coverage === null
      ? html`<span style="color:${C.red}">无法计算</span>`
      : html`<b style="color:${s.onTrack === true ? C.green : C.amber}">${formatPercent(s.coverage)}</b>`;
  return html`<div style="margin:0 0 12px 0;padding:10px 12px;border:1px solid ${C.line};border-radius:6px${overall && `;background:${C.soft}`}"><table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse"><tr><td style="font-size:15px;line-height:1.6;font-weight:bold;color:${C.ink};padding:0 0 4px 0">${s.label} <span style="font-weight:normal;font-size:12px;color:${C.muted}">${s.count} 家</span></td><td style="text-align:right;${NOWRAP};font-size:15px;padding:0 0 4px 0">${value}</td></tr></table>${coverageBar(s)}<div style="font-size:12px;line-height:1.7;color:${C.muted};margin-top:6px">${coverageFigures(s, !overall)}</div></div>`;
}

function coverage(m: DashboardModel): SafeHtml {
  return html`${p(`统计日 ${md(m.coverage.at)}。条形图中黑色竖线为目标线，绿色为已达标，橙色为未达标。`, `font-size:12px;color:${C.muted}`)}${m.coverage.sectors.map((s) =>
    sectorBlock(s, false),
  )}${sectorBlock(m.coverage.overall, true)}`;
}

const more = (shown: number, total: number) =>
  total > shown && p(`……另有 ${total - shown} 件未列出（完整清单见综合协调专班表格或 GET /v1/issues）。`, `font-size:12px;color:${C.muted}`);

/** One answer of a decision: a signed form (POST decides) with its note field, or nothing for a viewer who may not decide. */
function decisionForm(o: DashboardDecision['options'][number]): SafeHtml | false {
  if (o.action === undefined) return false;
  const hint = o.note.hint ?? (o.note.required ? '必填' : '选填');
  const choose = (o.choose ?? []).map(
    (s) =>
      html`<label style="display:block;font-size:12px;line-height:1.6;color:${C.muted}">${o.label}：${s.label}（必填）<select name="${s.name}" required style="display:block;width:100%;max-width:100%;box-sizing:border-box;margin:2px 0 6px 0;padding:6px 8px;font-size:14px;line-height:1.5;border:1px solid ${C.line};border-radius:4px;background:#ffffff;font-family:inherit"><option value="">请选择</option>${s.choices.map(
        (c) => html`<option value="${c.value}">${c.text}</option>`,
      )}</select></label>`,
  );
  return html`<form method="post" action="${o.action}" style="margin:10px 0 0 0">${choose}<label style="display:block;font-size:12px;line-height:1.6;color:${C.muted}">${o.label}：${o.note.label}（${hint}）<textarea name="${o.note.name}" rows="2" maxlength="${o.note.max}" style="display:block;width:100%;box-sizing:border-box;margin:2px 0 6px 0;padding:6px 8px;font-size:14px;line-height:1.5;border:1px solid ${C.line};border-radius:4px;font-family:inherit"></textarea></label><button type="submit" style="min-width:96px;padding:8px 16px;font-size:15px;line-height:1.4;color:#ffffff;background:${o.colour};border:0;border-radius:4px">${o.label}</button></form>`;
}

function decisionCard(d: DashboardDecision, canDecide: boolean): SafeHtml {
  const edge = d.late ? C.red : C.amber;
  return html`<div style="margin:0 0 12px 0;padding:10px 12px;border:1px solid ${C.line};border-left:4px solid ${edge};border-radius:6px;word-break:break-word"><div style="font-size:14px;line-height:1.6;font-weight:bold;color:#111827">${badge(d.typeLabel, C.text, C.soft)} ${d.subject}${d.plannedReached ? html` ${badge('计划日期已到', C.red, C.redBg)}` : d.late && html` ${badge('已逾期', C.red, C.redBg)}`}</div><div style="font-size:12px;line-height:1.7;color:${C.muted}">${d.id} · ${d.requesterName} · ${hm(d.since)} 提交${d.decideBy && `，请于 ${md(d.decideBy)} 前决定`}${d.plannedDate && `，计划 ${md(d.plannedDate)} 检查`}</div>${d.rows.map(
    (r) => html`<div style="font-size:13px;line-height:1.7;color:${C.text}"><span style="color:${C.muted}">${r.label}：</span>${r.text}</div>`,
  )}${
    canDecide
      ? d.options.map((o) => decisionForm(o))
      : small(`可选决定：${d.options.map((o) => o.label).join('、')}（由审批人员通过审批邮件、表格「指挥部待办」或登录后的看板决定）`)
  }</div>`;
}

function decisions(m: DashboardModel): SafeHtml {
  const list = m.decisions;
  const body = list.length
    ? html`${m.canDecide && p('点击按钮即提交决定（每项只能决定一次，先提交者生效）；打开或刷新本页不会办理任何事项。', `font-size:12px;color:${C.muted}`)}${list.map((d) =>
        decisionCard(d, m.canDecide),
      )}${more(list.length, m.headline.decisions)}`
    : none('目前没有待决定的事项。');
  return html`${sub(`待决事项（${m.headline.decisions} 件）`)}${body}`;
}

function todo(m: DashboardModel, href?: IssueHref): SafeHtml {
  const v = m.todo.verify;
  const verify = v.length
    ? html`${table(
        ['编号', '反映企业', '责任单位', '状态', '办结日期', '回访结果', ['已等待', NUM]],
        v.map((i) => [
          issueIdCell(i.id, href),
          td(enterprise(i), 'min-width:120px'),
          td(i.unitName, 'min-width:90px'),
          td(i.status === '已回访' ? badge('可销号', C.green, C.greenBg) : i.status, NOWRAP),
          td(md(i.resolvedOn), NOWRAP),
          td(i.followUp ?? '待回访', NOWRAP),
          td(`${i.daysWaiting ?? 0} 天`, NUM),
        ]),
        620,
      )}${more(v.length, m.headline.awaiting)}`
    : none('目前没有等待核实销号的问题。');
  const t = m.todo.triage;
  const triage = t.length
    ? html`${table(
        ['编号', '反映企业', '问题类别', '反映日期', ['已历', NUM], '说明'],
        t.map((i) => [
          issueIdCell(i.id, href),
          td(enterprise(i), 'min-width:120px'),
          td(i.category, NOWRAP),
          td(md(i.reportedOn), NOWRAP),
          td(`${i.daysOpen} 天`, NUM),
          td(i.urgencyCheck === '紧急待核实' ? '紧急待核实：企业自报紧急，分派时核实' : i.returnedBy ? `${i.returnedBy} 退回${i.returnReason ? `：${i.returnReason}` : ''}` : '未匹配到责任单位', 'min-width:120px'),
        ]),
        600,
      )}${more(t.length, m.headline.triage)}`
    : none('目前没有待分派的问题。');
  return html`${sub(`待核实销号（${m.headline.awaiting} 件）`)}${p(
    '已办结的问题待企业回访或由指挥部办公室核实销号；已回访（满意、基本满意）的可直接销号。',
    `font-size:12px;color:${C.muted}`,
  )}${verify}${sub(`待分派（${m.headline.triage} 件）`)}${triage}${decisions(m)}`;
}

function ledger(m: DashboardModel, href?: IssueHref): SafeHtml {
  return html`${m.ledger.map((g) => {
    const head = sub(`${g.status}（${g.count} 件${g.overdue ? `，逾期 ${g.overdue}` : ''}${g.escalated ? `，升级 ${g.escalated}` : ''}）`);
    if (g.count === 0) return html`${head}${none('无。')}`;
    return html`${head}${table(
      [...ISSUE_HEADERS, '时限', ['已历 / 逾期', NUM], '升级'],
      g.items.map((i) => [
        ...issueCells(i, { overdueBadge: true, href }),
        td(`${i.deadline.kind === 'sign' ? '签收' : '办结'} ${md(i.deadline.date)}`, `${NOWRAP}${i.overdue ? `;color:${C.red}` : ''}`),
        td(html`${i.daysOpen} 天${i.overdue && small(`逾期 ${i.daysOverdue} 天`, C.red)}`, NUM),
        levelCell(i),
      ]),
      660,
    )}${more(g.items.length, g.count)}`;
  })}`;
}

function units(m: DashboardModel): SafeHtml {
  const intro = p(`统计期 ${md(m.units.from)} 至 ${md(m.units.to)}（本周截至目前）。${RATES_NOTE}`, `font-size:12px;color:${C.muted}`);
  return html`${intro}${m.units.rows.length === 0 ? none('本周尚无责任单位办理记录。') : unitRatesTable(m.units.rows)}`;
}

/** The line that says what the background jobs set aside (nothing when there is none). */
function setAsideLine(m: DashboardModel): SafeHtml | false {
  const a = m.setAside;
  if (!a || a.count === 0) return false;
  const shown = a.items.map((i, n) => html`${n > 0 && '；'}${i.job}「${i.subject}」（${hm(i.since)} 起）`);
  return html`<tr><td class="px" style="padding:12px 24px;background:#fdecea;border-bottom:1px solid ${C.line};font-size:14px;line-height:1.7;color:${C.red}"><b>后台任务搁置 ${a.count} 项</b>：多次重试仍失败，已停止自动重试并告警。${shown}${a.count > a.items.length && ' 等'}。<span style="color:${C.text}">请县政务服务和大数据局排除原因后运行 sibao redrive 重新处理。</span></td></tr>`;
}

/** 运行状态 under the heading: 应急 in red with its start and scope, else 常态 (since when, if known). */
export function modeText(m: DashboardModel): SafeHtml {
  const mode = m.registers?.mode;
  if (!mode) return html``;
  const since = mode.since ? `，自 ${mode.since} 起` : '';
  return mode.mode === '应急'
    ? html`｜运行状态：${badge('应急', '#ffffff', C.red)}（${mode.scope.join('、')}${since}）`
    : html`｜运行状态：常态${since}`;
}

function registers(m: DashboardModel): SafeHtml {
  if (!m.registers) return none('尚无停产停工、熔断抽查和督查发现记录。');
  const f = m.registers.findings;
  return html`${shutdownsHtml(m.registers, '今日')}${p(`督查发现：当前逾期未整改 ${f.overdue.length} 项，未整改 ${f.byUnit.reduce((n, u) => n + u.open, 0)} 项。`)}`;
}

/** The link of an issue's page (its timeline) from the dashboard, carrying the page's own access. */
export type IssueHref = (id: string) => string;

export function renderDashboardHtml(m: DashboardModel, opts: { issueHref?: IssueHref } = {}): string {
  const bodies = [headline(m), coverage(m), todo(m, opts.issueHref), ledger(m, opts.issueHref), units(m), registers(m)];
  return reportPage({
    title: m.title,
    // A page with decision forms does not reload itself (a reload would drop what is being typed).
    refreshSeconds: m.canDecide ? undefined : DASHBOARD_REFRESH_SECONDS,
    maxWidth: 1100,
    countyName: m.countyName,
    office: '指挥部办公室',
    heading: '“四保”白名单指挥部看板',
    lines: [html`数据截至 ${hm(m.generatedAt)}${modeText(m)}`, `${m.canDecide ? '实时数据，请手动刷新' : `实时数据，每 ${DASHBOARD_REFRESH_SECONDS / 60} 分钟自动刷新`}｜仅供指挥部办公室、督办督查专班使用，请勿转发链接`],
    alert: setAsideLine(m),
    sections: bodies.map((b, i) => [DASHBOARD_SECTION_TITLES[i], b] as const),
    footer: '本看板根据各工作专班共享表格和问题诉求办理记录实时生成；每周五 17:00 的督办督查周报为正式报送版本。数据如有出入，请以各专班核实后的表格为准。',
  });
}
