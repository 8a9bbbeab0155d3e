// The registers' sections as HTML and plain text (the digest's 十一/十二 and the daily report), the
// daily report (日报) page and the register mails: the 3-day overrun to the county leadership and the
// 熔断 notice to the sector class. Escape-by-default (html.ts).

import { SHUTDOWN_MAX_DAYS } from '../issues/registers.js';
import { shanghaiDateTime } from '../time/time.js';
import { html, type SafeHtml } from './html.js';
import type { RenderedMail } from './mail-templates.js';
import { badge, C, codeLine, hm, md, none, NOWRAP, NUM, p, reportPage, sub, table, td, tile } from './report-html.js';
import type { FindingItem, RegisterSections, ShutdownApprovalState, ShutdownItem } from './sections/registers.js';
import type { WeekFigures } from './figures.js';
import { FIGURES, FIGURE_KEYS } from './figures.js';

export const REGISTER_TITLES = { shutdowns: '停产停工及熔断抽查', findings: '督办督查情况' } as const;

/** When the command office decided a shutdown: 6月6日 10:30 (empty while 待审批 or when recorded by import). */
const approvalWhen = (a: ShutdownApprovalState) => (a.at === undefined ? '' : `${md(shanghaiDateTime(a.at).slice(0, 10))} ${shanghaiDateTime(a.at).slice(11, 16)}`);
/** The 审批意见 said with the approval: a 驳回's reason. */
const approvalNote = (a: ShutdownApprovalState) => (a.status === '已驳回' && a.note ? a.note : '');

/** The command office's answer on a shutdown, one line: 待审批 / 已同意（6月6日 10:30） / 已驳回（…）：审批意见. */
export function approvalText(a: ShutdownApprovalState): string {
  const when = approvalWhen(a);
  const note = approvalNote(a);
  return `${a.status}${when && `（${when}）`}${note && `：${note}`}`;
}

const APPROVAL_COLOUR: Record<ShutdownApprovalState['status'], string> = { 待审批: C.amber, 已同意: C.green, 已驳回: C.red };

function approvalCell(a: ShutdownApprovalState): SafeHtml {
  const when = approvalWhen(a);
  const note = approvalNote(a);
  return td(
    html`<span style="color:${APPROVAL_COLOUR[a.status]};font-weight:bold">${a.status}</span>${when && html`<br><span style="color:${C.muted};font-size:12px">${when}</span>`}${
      note && html`<br><span style="font-size:12px">审批意见：${note}</span>`
    }`,
    'min-width:90px',
  );
}

const shutdownRow = (s: ShutdownItem): SafeHtml[] => [
  td(html`${s.enterpriseName}${codeLine(s.enterpriseCode)}`, 'min-width:120px'),
  td(s.sector, NOWRAP),
  td(html`${s.scope}${s.toProvince && html` ${badge('已报省', C.muted, C.soft)}`}`, NOWRAP),
  td(s.reason, NOWRAP),
  td(html`${md(s.startOn)}${s.resumedOn ? html`—${md(s.resumedOn)}` : ''}`, NOWRAP),
  td(html`${s.days} 天${s.overrun && html` ${badge(`超过 ${SHUTDOWN_MAX_DAYS} 天`, '#ffffff', C.red)}`}`, NOWRAP),
  approvalCell(s.approval),
  td(s.id ?? '—', NOWRAP),
];
const SHUTDOWN_HEADERS = ['企业', '领域', '范围', '原因', '起止', ['已停产', NUM] as [string, string], '审批', '编号'];

export function shutdownsHtml(s: RegisterSections, periodWord = '本周'): SafeHtml {
  const { inForce, overrun, resumed } = s.shutdowns;
  return html`${p(`白名单企业不得随意停产停工；确需停产停工的报指挥部办公室（整体停产报省会商），原则上不超过 ${SHUTDOWN_MAX_DAYS} 天。`)}${sub(`停产停工中 ${inForce.length} 家，其中超过 ${SHUTDOWN_MAX_DAYS} 天 ${overrun.length} 家`)}${
    inForce.length === 0 ? none('目前没有停产停工的白名单企业。') : table(SHUTDOWN_HEADERS, inForce.map(shutdownRow), 720)
  }${sub(`${periodWord}已恢复 ${resumed.length} 家`)}${resumed.length === 0 ? none(`${periodWord}无。`) : table(SHUTDOWN_HEADERS, resumed.map(shutdownRow), 720)}${sub(`熔断待移出白名单 ${s.fusePending.length} 家`)}${
    s.fusePending.length === 0
      ? none('没有待移出的熔断企业。')
      : table(
          ['企业', '领域', '抽查日期', '抽查单位', '说明'],
          s.fusePending.map((f) => [td(html`${f.enterpriseName}${codeLine(f.enterpriseCode)}`, 'min-width:120px'), td(f.sector, NOWRAP), td(md(f.checkedOn), NOWRAP), td(f.checker, NOWRAP), td(f.note ?? '', 'min-width:140px')]),
          600,
        )
  }`;
}

const findingCells = (f: FindingItem): SafeHtml[] => [
  td(f.unitName, 'min-width:90px'),
  td(f.problem, 'min-width:160px'),
  td(md(f.inspectedOn), NOWRAP),
  td(html`${md(f.due)}${f.status === '逾期' && html` ${badge(`逾期 ${f.workdaysOverdue} 个工作日`, '#ffffff', C.red)}`}`, NOWRAP),
  td(f.status === '已整改' ? `已整改（${md(f.rectifiedOn)}）` : f.status, NOWRAP),
  td(f.id ?? '—', NOWRAP),
];

export function findingsHtml(s: RegisterSections, periodWord = '本周'): SafeHtml {
  const f = s.findings;
  return html`${p(`${periodWord}新发现 ${f.found.length} 项，${periodWord}整改完成 ${f.rectified.length} 项，当前逾期未整改 ${f.overdue.length} 项（整改时限按工作日计算）。`)}${
    f.byUnit.length === 0
      ? none('没有督查发现。')
      : table(
          ['被督查单位', [`${periodWord}发现`, NUM], [`${periodWord}整改`, NUM], ['逾期', NUM], ['未整改', NUM]],
          f.byUnit.map((u) => [td(u.unitName, 'min-width:96px'), td(u.found, NUM), td(u.rectified, NUM), td(u.overdue ? html`<span style="color:${C.red}">${u.overdue}</span>` : 0, NUM), td(u.open, NUM)]),
          420,
        )
  }${sub('逾期未整改')}${f.overdue.length === 0 ? none('无。') : table(['被督查单位', '问题', '督查日期', '整改时限', '状态', '编号'], f.overdue.map(findingCells), 640)}${sub(`${periodWord}新发现`)}${
    f.found.length === 0 ? none(`${periodWord}无。`) : table(['被督查单位', '问题', '督查日期', '整改时限', '状态', '编号'], f.found.map(findingCells), 640)
  }`;
}

const shutdownLine = (s: ShutdownItem) =>
  `  ${s.overrun ? '【超期】' : ''}${s.enterpriseName}（${s.enterpriseCode}）｜${s.sector}｜${s.scope}${s.toProvince ? '（已报省）' : ''}｜${s.reason}｜${s.startOn}${s.resumedOn ? ` 至 ${s.resumedOn}` : ' 起'}｜${s.days} 天｜${approvalText(s.approval)}｜${s.id ?? ''}`;
const findingLine = (f: FindingItem) => `  ${f.unitName}｜${f.problem}｜督查 ${f.inspectedOn}｜时限 ${f.due}｜${f.status === '逾期' ? `逾期 ${f.workdaysOverdue} 个工作日` : f.status}｜${f.id ?? ''}`;

export function shutdownsText(s: RegisterSections, periodWord = '本周'): string[] {
  const { inForce, overrun, resumed } = s.shutdowns;
  const out = [`停产停工中 ${inForce.length} 家，其中超过 ${SHUTDOWN_MAX_DAYS} 天 ${overrun.length} 家：`];
  if (inForce.length === 0) out.push('  无');
  out.push(...inForce.map(shutdownLine), `${periodWord}已恢复 ${resumed.length} 家：`);
  if (resumed.length === 0) out.push('  无');
  out.push(...resumed.map(shutdownLine), `熔断待移出白名单 ${s.fusePending.length} 家：`);
  if (s.fusePending.length === 0) out.push('  无');
  for (const f of s.fusePending) out.push(`  ${f.enterpriseName}（${f.enterpriseCode}）｜${f.sector}｜${f.checkedOn}｜${f.checker}｜${f.note ?? ''}`);
  return out;
}

export function findingsText(s: RegisterSections, periodWord = '本周'): string[] {
  const f = s.findings;
  const out = [`${periodWord}新发现 ${f.found.length} 项，${periodWord}整改完成 ${f.rectified.length} 项，当前逾期未整改 ${f.overdue.length} 项。`];
  for (const u of f.byUnit) out.push(`  ${u.unitName}｜${periodWord}发现 ${u.found}｜${periodWord}整改 ${u.rectified}｜逾期 ${u.overdue}｜未整改 ${u.open}`);
  out.push('逾期未整改：');
  if (f.overdue.length === 0) out.push('  无');
  out.push(...f.overdue.map(findingLine));
  return out;
}

// ---- the daily report (日报) ----------------------------------------------------------------------

export interface DailyReportModel {
  key: string;
  date: string;
  countyName: string;
  generatedAt: number;
  /** The day's figures (figures.ts over the day's window: 00:00 to the report). */
  figures: WeekFigures;
  registers: RegisterSections;
}

export const DAILY_SECTION_TITLES = ['一、运行状态', '二、今日问题诉求', '三、停产停工及熔断抽查', '四、督办督查情况'] as const;

/** The week's figure labels said of one day: 本周新增 → 今日新增. */
const dayLabel = (label: string) => label.replace('本周', '今日');

function modeHtml(m: DailyReportModel): SafeHtml {
  const mode = m.registers.mode;
  return p(html`${badge(mode.mode, '#ffffff', mode.mode === '应急' ? C.red : C.green)} ${mode.since ? `自 ${mode.since} 起` : ''}｜范围：${mode.scope.join('、')}${mode.note ? `｜${mode.note}` : ''}`);
}

export function renderDailyHtml(m: DailyReportModel): string {
  const f = m.figures;
  const tiles = html`<div>${FIGURE_KEYS.filter((k) => f.values[k] !== null).map((k) => tile(dayLabel(FIGURES[k].label), `${f.values[k]} ${FIGURES[k].unit}`))}</div>`;
  return reportPage({
    title: `${m.countyName}应急状态日报（${m.date}）`,
    maxWidth: 800,
    countyName: m.countyName,
    office: '指挥部办公室',
    heading: '应急状态日报',
    lines: [`${m.date}（截至 ${hm(m.generatedAt)}）`, '报送：指挥部办公室、指挥部各成员单位'],
    sections: [
      [DAILY_SECTION_TITLES[0], modeHtml(m)],
      [DAILY_SECTION_TITLES[1], tiles],
      [DAILY_SECTION_TITLES[2], shutdownsHtml(m.registers, '今日')],
      [DAILY_SECTION_TITLES[3], findingsHtml(m.registers, '今日')],
    ],
    footer: `应急状态期间，本日报由系统每日 17:00 根据各工作专班共享表格自动生成（通知编号：${m.key}）。`,
  });
}

export function renderDailyText(m: DailyReportModel): string {
  const mode = m.registers.mode;
  const f = m.figures;
  const out = [`${m.countyName}应急状态日报`, `${m.date}（截至 ${hm(m.generatedAt)}）`, `通知编号：${m.key}`];
  out.push('', DAILY_SECTION_TITLES[0], `${mode.mode}${mode.since ? `，自 ${mode.since} 起` : ''}｜范围：${mode.scope.join('、')}${mode.note ? `｜${mode.note}` : ''}`);
  out.push('', DAILY_SECTION_TITLES[1], FIGURE_KEYS.filter((k) => f.values[k] !== null).map((k) => `${dayLabel(FIGURES[k].label)} ${f.values[k]} ${FIGURES[k].unit}`).join('，'));
  out.push('', DAILY_SECTION_TITLES[2], ...shutdownsText(m.registers, '今日'));
  out.push('', DAILY_SECTION_TITLES[3], ...findingsText(m.registers, '今日'));
  return out.join('\n') + '\n';
}

export function dailySubject(m: DailyReportModel): string {
  const s = m.registers.shutdowns;
  return `【应急日报】${m.countyName} ${m.date}：今日新增问题 ${m.figures.values.newIssues} 件，停产停工 ${s.inForce.length} 家（超期 ${s.overrun.length}），逾期督查事项 ${m.registers.findings.overdue.length} 项`;
}

// ---- register mails ----------------------------------------------------------------------------------

function mailPage(title: string, body: SafeHtml): string {
  return html`<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:Arial,sans-serif;font-size:14px;line-height:1.7;color:#1f2937">${body}</body></html>`.toString();
}

/** To the county leadership: a shutdown still not resumed more than 3 days after it began (附件2 三(七)). */
export function overrunMail(s: ShutdownItem, key: string): RenderedMail {
  const subject = `【停产停工超期】${s.enterpriseName} 停产已 ${s.days} 天，超过 ${SHUTDOWN_MAX_DAYS} 天`;
  const lines = [
    '县委、县政府领导：',
    `白名单企业 ${s.enterpriseName}（${s.enterpriseCode}，${s.sector}）自 ${s.startOn} 起${s.scope === '全部' ? '整体' : '部分'}停产停工（原因：${s.reason}），至今 ${s.days} 天仍未恢复，超过“原则上不超过 ${SHUTDOWN_MAX_DAYS} 天”的要求。`,
    `预计恢复日期：${s.expectedOn ?? '未填写'}；报省会商：${s.toProvince ? '是' : '否'}；编号：${s.id ?? '—'}。`,
    '请督促所属领域工作专班和属地尽快协调复工复产；恢复后请在「停产停工」表中填写实际恢复日期。',
  ];
  return {
    subject,
    html: mailPage(subject, html`${lines.map((l) => html`<p>${l}</p>`)}<p style="color:#6b7280;font-size:12px">通知编号：${key}</p>`),
    text: `${lines.join('\n')}\n\n通知编号：${key}\n`,
  };
}

/** To the sector class: remove an enterprise found 熔断 in a spot check (附件1 四(三)). */
export function fuseMail(f: { enterpriseCode: string; enterpriseName: string; sector: string; checkedOn: string; checker: string; note?: string }, className: string, key: string): RenderedMail {
  const subject = `【熔断】请将 ${f.enterpriseName} 移出${f.sector}白名单`;
  const lines = [
    `${className}工作专班：`,
    `${f.checker} ${f.checkedOn} 抽查发现白名单企业 ${f.enterpriseName}（${f.enterpriseCode}）防控不力致疫情输入扩散，结果为“熔断”${f.note ? `：${f.note}` : ''}。`,
    '请在本专班「白名单」表中将该企业状态改为“已移出”，移出原因填“熔断（防控不力致疫情输入扩散）”，并填写移出日期。移出前，指挥部看板和周报将持续列出该企业。',
  ];
  return {
    subject,
    html: mailPage(subject, html`${lines.map((l) => html`<p>${l}</p>`)}<p style="color:#6b7280;font-size:12px">通知编号：${key}</p>`),
    text: `${lines.join('\n')}\n\n通知编号：${key}\n`,
  };
}
