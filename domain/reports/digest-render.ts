// Rendering of the Friday supervision digest (督办督查周报): one e-mail-safe HTML document (served
// as is at GET /v1/digests/{YYYY-Www}) and a plain-text part. Pure.
//
// One function per section, over that section's model (sections/*.ts); the blocks, the page frame
// and what the dashboard shows alike are in report-html.ts. Every user value (names, codes,
// descriptions, unit names, messages) is interpolated into the escape-by-default `html` template
// (html.ts): nothing is escaped by hand, and only trusted constants are marked raw.

import { findingsHtml, findingsText, REGISTER_TITLES, shutdownsHtml, shutdownsText } from './register-render.js';
import type { DigestModel } from './digest.js';
import { oneLine, html, type SafeHtml } from './html.js';
import { FIGURES, figureText, figuresLine, outreachLine, overdueDifference } from './figures.js';
import { badge, C, figureTile, changeColor, codeLine, coverageBar, coverageFigures, enterpriseCell, ISSUE_HEADERS, issueCells, levelCell, bar, formatNumber, formatPercent, formatPoints, hm, md, none, NOWRAP, NUM, p, RATES_NOTE, reportPage, small, sub, table, td, tile, unitRatesTable, ymd } from './report-html.js';
import type { BacklogBucket } from './sections/backlog.js';
import type { DigestSectorRow } from './sections/coverage.js';
import type { WhitelistChanges } from './sections/whitelist-changes.js';
import type { UnitRates } from './sections/units.js';
import { weekLabel } from './week.js';

function periodText(m: DigestModel): string {
  return `${ymd(m.window.monday)}（周一）0:00 至 ${hm(m.window.to)}`;
}

export function digestSubject(m: DigestModel): string {
  return oneLine(`【督办督查周报】${m.countyName} ${weekLabel(m.week)}（${md(m.window.monday)}—${md(m.window.sunday)}）`, 200);
}

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
  `十一、${REGISTER_TITLES.shutdowns}`,
  `十二、${REGISTER_TITLES.findings}`,
  '十三、数据质量提示',
] as const;
/** The section headings, in order (the same in the HTML and the text part). */
export const DIGEST_SECTION_TITLES: readonly string[] = SECTION_TITLES;

/** Long lists in a mail are cut here; the rest is in the class's sheet and `sibao digest --json`. */
export const LIST_CAP = 50;
const moreText = (n: number) => `……另有 ${n} 家未列出（完整名单见防疫保障专班表格，或 sibao digest --json）。`;

// ---- sections (HTML) -------------------------------------------------------------------------------

function headlineHtml(m: DigestModel): SafeHtml {
  const h = m.headline;
  return html`<div>${[
    tile('全县白名单覆盖率', formatPercent(h.overallCoverage), `目标 ${formatPercent(h.overallTarget)}｜较上周 ${formatPoints(h.overallChange)}`, changeColor(h.overallChange)),
    tile('达标领域', `${h.sectorsOnTrack} / ${h.sectorsWithFigure}`, '覆盖率已达目标的领域'),
    tile('白名单企业（项目）', `${h.whitelistCount} 家`, `本周纳入 ${h.admitted}，移出 ${h.removed}${h.fuseRemovals ? `（熔断 ${h.fuseRemovals}）` : ''}`, h.fuseRemovals ? C.red : C.muted),
    figureTile(m.figures, 'newIssues', `${figureText(m.figures, 'resolved')}，${figureText(m.figures, 'closed')}`),
    figureTile(m.figures, 'open', '截至生成时'),
    figureTile(
      m.figures,
      'overdueNow',
      [figureText(m.figures, 'newlyOverdue'), overdueDifference(m.figures)].filter(Boolean).join('，'),
      h.overdueOpen ? C.red : C.green,
    ),
    figureTile(m.figures, 'escalatedNow', `在办且已升级；${figureText(m.figures, 'escalatedThisWeek')}`, h.escalatedOpen ? C.red : C.muted),
    tile('共性问题', `${h.batches} 批`, `数据质量：${h.dataQualityErrors} 错误，${h.dataQualityWarnings} 提示`, h.dataQualityErrors ? C.red : C.muted),
  ]}</div>`;
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

/** The county line: the target is per sector, so it is met only when every sector meets it. */
function overallText(m: DigestModel): string {
  const below = m.coverage.sectors.filter((s) => s.onTrack === false).map((s) => s.label);
  const unknown = m.coverage.sectors.filter((s) => s.coverage === null).map((s) => s.label);
  const parts: string[] = [];
  if (below.length) parts.push(`未达标领域：${below.join('、')}`);
  if (unknown.length) parts.push(`无法计算：${unknown.join('、')}`);
  return parts.length ? `目标按领域考核，${parts.join('；')}` : '五个领域均已达到目标';
}

function sectorBlock(r: DigestSectorRow, overall = false, overallLine = ''): SafeHtml {
  const value =
    r.coverage === null
      ? html`<td style="text-align:right;white-space:nowrap;font-size:13px;line-height:1.6;padding:0 0 4px 0;color:${C.red}">无法计算</td>`
      : html`<td style="text-align:right;white-space:nowrap;font-size:15px;line-height:1.6;padding:0 0 4px 0"><b style="color:${r.onTrack ? C.green : C.amber}">${formatPercent(r.coverage)}</b> <span style="font-size:12px;color:${changeColor(r.change)}">${formatPoints(r.change)}</span></td>`;
  const [line, tone] = overall ? [overallLine, r.onTrack === false] : [projectionText(r), r.projection?.onTrack === false];
  return html`<div style="margin:0 0 14px 0;padding:10px 12px;border:1px solid ${C.line};border-radius:6px${overall && `;background:${C.soft}`}"><table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse"><tr><td style="font-size:15px;line-height:1.6;font-weight:bold;color:#111827;padding:0 0 4px 0">${r.label}${!overall && html` <span style="font-weight:normal;font-size:12px;color:${C.muted}">${r.count} 家</span>`}</td>${value}</tr></table>${coverageBar(r)}<div style="font-size:12px;line-height:1.7;color:${C.muted};margin-top:6px">${coverageFigures(r)}</div><div style="font-size:12px;line-height:1.7;color:${tone ? C.amber : C.muted}">${line}</div></div>`;
}

function coverageHtml(m: DigestModel): SafeHtml {
  const legend = p(
    `统计日 ${ymd(m.coverage.at)}；较上周对比 ${m.coverage.previousWeek ? weekLabel(m.coverage.previousWeek) : '（无上周快照）'}。条形图中黑色竖线为目标线，绿色为已达标，橙色为未达标。`,
    `font-size:12px;color:${C.muted}`,
  );
  return html`${legend}${m.coverage.sectors.map((r) => sectorBlock(r))}${sectorBlock(m.coverage.overall, true, overallText(m))}`;
}

function backlogBars(buckets: readonly BacklogBucket[]): SafeHtml {
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const rows = buckets.map(
    (b) =>
      html`<tr><td style="width:72px;padding:3px 8px 3px 0;font-size:13px;color:${C.text};white-space:nowrap">${b.label}</td><td style="padding:3px 0">${bar(b.count / max, null, b.min > 14 ? C.red : b.min > 7 ? C.barLow : C.blue)}</td><td style="width:44px;padding:3px 0 3px 8px;font-size:13px;text-align:right;white-space:nowrap">${b.count} 件</td></tr>`,
  );
  return html`<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse;width:100%">${rows}</table>`;
}

function issuesHtml(m: DigestModel): SafeHtml {
  const s = m.issues;
  const f = m.figures;
  const tiles = [
    figureTile(f, 'newIssues'),
    figureTile(f, 'resolved', '一件多次办结计一件'),
    figureTile(f, 'closed'),
    figureTile(f, 'newlyOverdue', overdueDifference(f) || `${figureText(f, 'overdueNow')}`, C.red),
    figureTile(f, 'escalatedThisWeek'),
    tile(`${FIGURES.returned.label} / ${FIGURES.reopened.label}`, `${s.returned} / ${s.reopened}`),
  ];
  const fu = s.followUps;
  const follow = p(
    fu.total === 0
      ? '本周无回访记录。'
      : html`本周回访 ${fu.total} 次：满意 ${fu.satisfied}，基本满意 ${fu.basicallySatisfied}，不满意 <b style="color:${fu.unsatisfied ? C.red : C.text}">${fu.unsatisfied}</b>（不满意的已重新交办）。`,
  );
  const cats = s.newByCategory.length > 0 && p(`本周新增按类别：${s.newByCategory.map((c) => `${c.category} ${c.count}`).join('，')}。`);
  const status = p(`在办 ${s.open} 件：${s.openByStatus.map((x) => `${x.status} ${x.count}`).join('，')}。`);
  return html`<div>${tiles}</div>${follow}${cats}${sub('在办问题按已历时长（自反映日期）')}${status}${backlogBars(s.backlogByAge)}`;
}

function rankingCard(title: string, fg: string, bg: string, units: UnitRates['ranking']['red']): SafeHtml {
  const body =
    units.length === 0
      ? html`<div style="font-size:13px;color:${C.muted}">本周无符合条件的单位</div>`
      : units.map(
          (u) =>
            html`<div style="font-size:14px;line-height:1.8;color:${C.text}"><b style="color:${fg}">${u.rank}</b>　${u.unitName}<span style="color:${C.muted};font-size:12px">（综合得分 ${formatPercent(u.score)}，${u.issues} 件）</span></div>`,
        );
  return html`<div style="display:inline-block;vertical-align:top;width:100%;max-width:356px;margin:0 8px 8px 0;border:1px solid ${fg};border-radius:6px;background:${bg};box-sizing:border-box"><div style="padding:6px 12px;background:${fg};color:#ffffff;font-size:14px;font-weight:bold;border-radius:5px 5px 0 0">${title}</div><div style="padding:8px 12px">${body}</div></div>`;
}

function unitsHtml(m: DigestModel): SafeHtml {
  const u = m.units;
  return html`${u.rows.length === 0 ? none('本周没有责任单位办理记录。') : unitRatesTable(u.rows)}${p(
    `${RATES_NOTE}红黑榜仅统计本周问题数不少于 ${u.minIssues} 件的单位，综合得分为三率平均。`,
    `font-size:12px;color:${C.muted}`,
  )}<div>${rankingCard('红榜（表扬）', C.red, C.redBg, u.ranking.red)}${rankingCard('黑榜（通报）', C.ink, C.inkBg, u.ranking.black)}</div>`;
}

function overdueHtml(m: DigestModel): SafeHtml {
  const overdue = m.overdue.length
    ? table(
        [...ISSUE_HEADERS, '逾期时限', ['逾期天数', NUM], '升级'],
        m.overdue.map((i) => [
          ...issueCells(i),
          td(i.missed ? `${i.missed.kind === 'sign' ? '签收' : '办结'} ${md(i.missed.date)}` : '—', NOWRAP),
          td(html`<b style="color:${C.red}">${i.daysOverdue}</b>`, NUM),
          levelCell(i),
        ]),
        640,
      )
    : none('目前没有逾期未办结的问题。');
  const escalated = m.escalated.length
    ? table(
        ['编号', '反映企业', '责任单位', '升级至', ['级别', NUM], '当前状态'],
        m.escalated.map((i) => [
          td(i.id, NOWRAP),
          td(enterpriseCell(i), 'min-width:120px'),
          td(i.unitName, 'min-width:90px'),
          td(i.escalatedToName ?? '—', 'min-width:90px'),
          td(i.escalationLevel, NUM),
          td(i.status, NOWRAP),
        ]),
        600,
      )
    : none('本周没有升级督办的问题。');
  return html`${sub(`${FIGURES.overdueNow.label}未办结（${m.overdue.length} 件）`)}${overdue}${sub(`升级督办：在办或本周升级（${m.escalated.length} 件）`)}${escalated}`;
}

/** `4 家企业反映，共 4 件（3 件在办）`: the batch's members, as its mail counts them. */
function batchCount(b: DigestModel['batches'][number]): string {
  return `${b.memberEnterprises} 家企业反映，共 ${b.memberIds.length} 件（${b.openMembers} 件在办）`;
}

function batchesHtml(m: DigestModel): SafeHtml {
  if (m.batches.length === 0) return none('本周未发现共性问题（同类问题 14 天内来自 3 家及以上企业）。');
  return html`${m.batches.map(
    (b) =>
      html`<div style="margin:0 0 10px 0;padding:10px 12px;border-left:4px solid ${C.amber};background:${C.amberBg}"><div style="font-size:14px;line-height:1.6;font-weight:bold;color:#111827">${b.category}：${batchCount(b)}${b.newThisWeek && html` ${badge('本周新增', C.amber, '#ffffff')}`}</div><div style="font-size:13px;line-height:1.7;color:${C.text}">反映日期 ${md(b.firstReported)}—${md(b.lastReported)}；企业：${b.enterpriseNames.join('、')}</div><div style="font-size:13px;line-height:1.7;color:${C.text}">责任单位：${b.unitNames.join('、')}；编号：${b.memberIds.join('、')}</div>${
        b.answer
          ? html`<div style="font-size:13px;line-height:1.7;color:${C.text}">已答复（${md(b.answer.on)}${b.answer.closedMembers ? '，成员问题已一并办结' : ''}）：${b.answer.answer}</div>`
          : html`<div style="font-size:12px;line-height:1.7;color:${C.muted}">未答复：建议指挥部办公室研究出台政策性解决办法（点办理、批处理）。</div>`
      }</div>`,
  )}`;
}

function whitelistHtml(m: DigestModel): SafeHtml {
  const { admitted, removed } = m.whitelistChanges;
  const rowsOf = (list: WhitelistChanges['removed'], withReason: boolean) =>
    list.map((r) => [
      td(r.sector, NOWRAP),
      td(html`${r.name}${codeLine(r.code)}`, 'min-width:140px'),
      td(r.locality, NOWRAP),
      td(formatNumber(r.value), NUM),
      td(md(r.date), NOWRAP),
      ...(withReason ? [td(r.fuse ? html`${badge('熔断', '#ffffff', C.red)} ${r.reason ?? ''}` : (r.reason ?? '—'), 'min-width:120px')] : []),
    ]);
  const removedHtml = removed.length
    ? table(['领域', '名称 / 代码', '乡镇', ['产值或投资额（万元）', NUM], '移出日期', '移出原因'], rowsOf(removed, true), 640)
    : none('本周没有移出。');
  const admittedHtml = admitted.length
    ? table(['领域', '名称 / 代码', '乡镇', ['产值或投资额（万元）', NUM], '纳入日期'], rowsOf(admitted, false), 560)
    : none('本周没有新纳入。');
  return html`${sub(`移出（${removed.length} 家，熔断在前）`)}${removedHtml}${sub(`新纳入（${admitted.length} 家）`)}${admittedHtml}`;
}

function epidemicHtml(m: DigestModel): SafeHtml {
  const g = m.epidemic;
  const summary = p(
    html`工作专班防疫专家 <b>${g.classesCovered} / ${g.classesRequired}</b>；白名单企业（项目）防疫人员及结对医疗机构 <b>${g.enterprisesCovered} / ${g.enterprisesRequired}</b>（要求全覆盖）。`,
  );
  const classes = g.classesMissing.length
    ? p(html`未配备防疫专家的工作专班：<span style="color:${C.red}">${g.classesMissing.join('、')}</span>`)
    : p('每个工作专班均已配备防疫专家。', `color:${C.green}`);
  const shown = g.enterprisesMissing.slice(0, LIST_CAP);
  const more = g.enterprisesMissing.length - shown.length;
  const ents = g.enterprisesMissing.length
    ? html`${table(
        ['领域', '企业（项目）', '缺少'],
        shown.map((x) => [
          td(x.sector, NOWRAP),
          td(html`${x.name}${codeLine(x.code)}`, 'min-width:140px'),
          td(x.missing.map((w, i) => html`${i > 0 && ' '}${badge(w, C.red, C.redBg)}`)),
        ]),
        320,
      )}${more > 0 && p(moreText(more), `font-size:12px;color:${C.muted}`)}`
    : p('全部白名单企业（项目）均已配备防疫人员和结对医疗机构。', `color:${C.green}`);
  return html`${summary}${classes}${ents}`;
}

/** 政策找企: the week's model's figures, then pushes and answers by category. */
function outreachHtml(m: DigestModel): SafeHtml | false {
  const o = m.outreach;
  if (!o) return false;
  const title = html`<div style="margin:12px 0 6px 0;font-size:14px;font-weight:bold;color:${C.text}">政策找企</div>`;
  if (o.rows.length === 0) return html`${title}${p('尚无政策推送到白名单企业。')}`;
  return html`${title}${p(`${outreachLine(m.figures)}。`)}${table(
    ['政策类别', '累计推送', '本周推送', '申请中', '已兑现'],
    [...o.rows, o.total].map((r) => [td(r.category, NOWRAP), td(r.pushed), td(r.pushedThisWeek), td(r.applying), td(r.delivered)]),
    360,
  )}`;
}

function outreachText(m: DigestModel): string[] {
  const o = m.outreach;
  if (!o) return [];
  if (o.rows.length === 0) return ['政策找企：尚无政策推送到白名单企业。'];
  return [`政策找企：${outreachLine(m.figures)}`, ...[...o.rows, o.total].map((r) => `  ${r.category}｜累计推送 ${r.pushed}｜本周推送 ${r.pushedThisWeek}｜申请中 ${r.applying}｜已兑现 ${r.delivered}`)];
}

function policyHtml(m: DigestModel): SafeHtml {
  return html`${filingHtml(m)}${outreachHtml(m)}`;
}

function filingHtml(m: DigestModel): SafeHtml {
  const gaps = m.policy.gaps;
  const intro = p(`应报备单位 ${m.policy.required} 个，其中 ${gaps.length} 个尚未完整报备政策清单或惠企政策咨询员。`);
  if (gaps.length === 0) return intro;
  const mark = (n: number, extra: SafeHtml | false = false) =>
    n > 0 ? html`<span style="color:${C.green}">已报 ${n}</span>` : html`${badge('未报备', C.red, C.redBg)}${extra}`;
  return html`${intro}${table(
    ['单位', '类型', '政策清单', '政策咨询员'],
    gaps.map((g) => [
      td(g.unitName, 'min-width:100px'),
      td(g.type, NOWRAP),
      td(mark(g.policies, g.expiredPolicies > 0 && small(`${g.expiredPolicies} 项已过期`))),
      td(mark(g.consultants)),
    ]),
    320,
  )}`;
}

function inspectionsHtml(m: DigestModel): SafeHtml {
  if (m.inspections.length === 0) return none('目前没有等待审批的检查事项。');
  return html`${p('除疫情防控、安全生产、出入境检验检疫外的检查，须经指挥部审批同意后方可进行。')}${table(
    ['计划日期', '发起单位', '被检查企业', '检查事项', '编号'],
    m.inspections.map((i) => [
      td(html`${md(i.plannedOn)}${i.due && html` ${badge('已到期', C.red, C.redBg)}`}`, NOWRAP),
      td(i.initiatorName, 'min-width:80px'),
      td(html`${i.enterpriseName ?? ''}${codeLine(i.enterpriseCode)}`, 'min-width:120px'),
      td(i.matter, 'min-width:140px'),
      td(i.id ?? '—', NOWRAP),
    ]),
    600,
  )}`;
}

function dataQualityHtml(m: DigestModel): SafeHtml {
  if (m.dataQuality.length === 0) return none('本周未发现数据质量问题。');
  return html`${m.dataQuality.map(
    (w) =>
      html`<div style="margin:0 0 6px 0;font-size:13px;line-height:1.7;color:${C.text}">${w.severity === 'error' ? badge('错误', '#ffffff', C.red) : badge('提示', C.amber, C.amberBg)} ${w.message}</div>`,
  )}`;
}

// ---- document -------------------------------------------------------------------------------------

export function renderDigestHtml(m: DigestModel): string {
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
    shutdownsHtml(m.registers),
    findingsHtml(m.registers),
    dataQualityHtml(m),
  ];
  return reportPage({
    title: `${m.title}（${weekLabel(m.week)}）`,
    maxWidth: 800,
    countyName: m.countyName,
    office: '督办督查专班',
    heading: '“四保”白名单督办督查周报',
    lines: [`${weekLabel(m.week)}（${md(m.window.monday)}—${md(m.window.sunday)}）`, `统计期间：${periodText(m)}｜报送：指挥部办公室、督办督查专班`],
    sections: bodies.map((b, i) => [SECTION_TITLES[i], b] as const),
    footer: `本周报由系统于 ${hm(m.generatedAt)} 根据各工作专班共享表格自动生成，每周五 17:00 报送指挥部办公室和督办督查专班。数据如有出入，请以各专班核实后的表格为准，并在表格中更正。`,
  });
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
    `问题诉求：${figuresLine(m.figures, ['newIssues', 'resolved', 'closed', 'open', 'overdueNow', 'escalatedNow'])}`,
    `${figureText(m.figures, 'batches')}；数据质量：错误 ${h.dataQualityErrors}，提示 ${h.dataQualityWarnings}`,
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
    figuresLine(m.figures, ['newIssues', 'resolved', 'closed', 'newlyOverdue', 'overdueNow', 'escalatedThisWeek', 'returned', 'reopened']),
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
  out.push(`${FIGURES.overdueNow.label}未办结 ${m.overdue.length} 件：`);
  if (m.overdue.length === 0) out.push('  无');
  for (const i of m.overdue) {
    out.push(
      `  ${i.id} ${i.enterpriseName}｜${i.category}｜${i.unitName}｜${i.missed ? `${i.missed.kind === 'sign' ? '签收' : '办结'}时限 ${i.missed.date}` : ''}｜逾期 ${i.daysOverdue} 天${i.escalationLevel ? `｜已升级第 ${i.escalationLevel} 级` : ''}`,
    );
  }
  out.push(`升级督办（在办或本周升级）${m.escalated.length} 件：`);
  if (m.escalated.length === 0) out.push('  无');
  for (const i of m.escalated) out.push(`  ${i.id} ${i.enterpriseName}｜${i.unitName} → ${i.escalatedToName ?? '—'}（第 ${i.escalationLevel} 级）｜${i.status}`);

  head(5);
  if (m.batches.length === 0) out.push('本周未发现共性问题。');
  for (const b of m.batches) {
    out.push(
      `${b.category}：${batchCount(b)}，反映日期 ${b.firstReported} 至 ${b.lastReported}${b.newThisWeek ? '［本周新增］' : ''}`,
      `  企业：${b.enterpriseNames.join('、')}`,
      `  责任单位：${b.unitNames.join('、')}；编号：${b.memberIds.join('、')}`,
      b.answer ? `  已答复（${b.answer.on}${b.answer.closedMembers ? '，成员问题已一并办结' : ''}）：${b.answer.answer}` : '  未答复',
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
  out.push(...outreachText(m));

  head(9);
  if (m.inspections.length === 0) out.push('目前没有等待审批的检查事项。');
  for (const i of m.inspections) {
    out.push(`  ${i.plannedOn}${i.due ? '［已到期］' : ''}｜${i.initiatorName}｜${i.enterpriseName ?? ''}（${i.enterpriseCode}）｜${i.matter}｜${i.id ?? ''}`);
  }

  head(10);
  out.push(...shutdownsText(m.registers));

  head(11);
  out.push(...findingsText(m.registers));

  head(12);
  if (m.dataQuality.length === 0) out.push('本周未发现数据质量问题。');
  for (const w of m.dataQuality) out.push(`  [${w.severity === 'error' ? '错误' : '提示'}] ${w.message}`);

  out.push('', `本周报由系统于 ${hm(m.generatedAt)} 自动生成。`);
  return out.join('\n') + '\n';
}
