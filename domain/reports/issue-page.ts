// An issue's page from the dashboard (SPEC §7.1 History: "a timeline on the dashboard's issue
// view"): the row as the sheet holds it and every event, newest first, in the dashboard's visual
// language (report-html.ts). Pure; every user value goes through the escape-by-default template.

import { html } from './html.js';
import { C, hm, none, NOWRAP, p, reportPage, table, td } from './report-html.js';

export interface IssuePageEvent {
  /** `YYYY-MM-DD HH:mm` (Shanghai). */
  at: string;
  /** Chinese name of the event. */
  label: string;
  by: string;
  unit?: string;
  note?: string;
}

export interface IssuePageModel {
  countyName: string;
  generatedAt: number;
  id: string;
  status: string;
  deleted: boolean;
  /** The row's cells by header, as the sheet shows them (system columns included). */
  values: Readonly<Record<string, string | number | boolean | null>>;
  /** Newest first. */
  events: readonly IssuePageEvent[];
  /** Events older than those shown (a later page of GET /v1/issues/{id}). */
  more: boolean;
  /** The dashboard's address with the same access. */
  backHref?: string;
}

export function renderIssuePageHtml(m: IssuePageModel): string {
  const cells = Object.entries(m.values).filter(([, v]) => v !== null && v !== '');
  const info = table(['列', '内容'], cells.map(([k, v]) => [td(k, `${NOWRAP};color:${C.muted}`), td(String(v), 'min-width:240px')]), 420);
  const timeline = m.events.length
    ? table(
        ['时间', '事项', '办理人', '单位', '说明'],
        m.events.map((e) => [td(e.at, NOWRAP), td(e.label, NOWRAP), td(e.by, 'word-break:break-all'), td(e.unit ?? '—', NOWRAP), td(e.note ?? '', 'min-width:200px')]),
        640,
      )
    : none('尚无办理记录。');
  const older = m.more && p('更早的记录未列出（完整记录见 GET /v1/issues/{编号}?cursor=…）。', `font-size:12px;color:${C.muted}`);
  const back = m.backHref && p(html`<a href="${m.backHref}" style="color:${C.brand}">返回指挥部看板</a>`);
  return reportPage({
    title: `问题 ${m.id}`,
    maxWidth: 960,
    countyName: m.countyName,
    office: '指挥部办公室',
    heading: `问题 ${m.id}：${m.deleted ? '已删除' : m.status}`,
    lines: [`数据截至 ${hm(m.generatedAt)}`, '仅供指挥部办公室、督办督查专班使用，请勿转发链接'],
    sections: [
      ['一、办理经过（最新在前）', html`${timeline}${older}${back}`],
      ['二、问题信息', info],
    ],
    footer: '办理经过来自问题的事件记录：交办、签收、退回、反馈、延期、改派、升级、补充说明等每一步都有记录。',
  });
}
