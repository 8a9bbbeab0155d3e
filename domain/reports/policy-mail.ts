// The mails of 政策找企 (SPEC §7.4): the 政策推送 to an enterprise (its newly matched policies, each
// with its consultants and the four answer links, and the enterprise's own page) and the Monday
// reminder to a unit that has not filed a policy list or a consultant. Escape-by-default HTML with
// inline styles, and a text part that says the same. Pure.
import { FEEDBACK_LINKS, POLICY_FEEDBACK, type PolicyFeedback } from '../issues/catalog.js';
import { html, oneLine } from './html.js';
import { composeMail, SENDER, type RenderedMail } from './mail-templates.js';

export interface PushedConsultant {
  name: string;
  phone?: string;
  email?: string;
}

export interface PushedPolicy {
  /** The policy's key (编号, else its sheet position). */
  key: string;
  name: string;
  issuer?: string;
  level?: string;
  category?: string;
  validUntil?: string;
  applyBy?: string;
  delivery?: string;
  link?: string;
  unitName?: string;
  consultants: PushedConsultant[];
}

export interface PolicyPushData {
  enterpriseCode: string;
  enterpriseName: string;
  date: string;
  policies: PushedPolicy[];
}

export interface PolicyReminderData {
  unit: string;
  unitName: string;
  week: string;
  /** What is missing: 政策清单 (none in force) and/or 政策咨询员. */
  missing: string[];
}

export interface PushLinks {
  /** The signed answer link of one policy and answer. */
  feedback(policyKey: string, answer: PolicyFeedback): string;
  /** The enterprise's own page (`/e/{token}`). */
  page: string;
}

const CELL = 'padding:4px 8px;vertical-align:top;border-bottom:1px solid #eee;';

function detailLines(p: PushedPolicy): [string, string][] {
  const lines: [string, string][] = [];
  if (p.issuer || p.level) lines.push(['发文单位', [p.issuer, p.level && `（${p.level}级）`].filter(Boolean).join('')]);
  if (p.category) lines.push(['政策类别', p.category]);
  if (p.validUntil) lines.push(['有效期至', p.validUntil]);
  if (p.applyBy) lines.push(['申报截止', p.applyBy]);
  if (p.delivery) lines.push(['兑现方式', p.delivery]);
  if (p.unitName) lines.push(['责任单位', p.unitName]);
  return lines;
}

const consultantText = (c: PushedConsultant) => [c.name, c.phone, c.email].filter(Boolean).join('，');

export function renderPolicyPush(d: PolicyPushData, links: PushLinks): RenderedMail {
  const subject = oneLine(`【政策推送】${d.enterpriseName}：${d.policies.length} 项惠企政策可申报`, 150);
  const intro = `${d.enterpriseName}：根据贵企业在白名单中的所属领域、所在乡镇、员工人数和产值，以下 ${d.policies.length} 项惠企政策与贵企业匹配（政策找企、应享尽享）。请点击每项政策下方的按钮告诉我们进展，可多次点击，以最后一次为准。`;
  const block = (p: PushedPolicy, i: number) =>
    html`<div style="margin:12px 0;padding:10px 12px;border:1px solid #ddd;border-radius:6px;"><p style="margin:0 0 6px;font-weight:bold;">${i + 1}. ${p.link ? html`<a href="${p.link}" style="color:#0b5cad;">${p.name}</a>` : p.name}</p><table role="presentation" style="border-collapse:collapse;font-size:14px;">${detailLines(p).map(
      ([l, v]) => html`<tr><td style="${CELL}color:#555;white-space:nowrap;">${l}</td><td style="${CELL}">${v}</td></tr>`,
    )}<tr><td style="${CELL}color:#555;white-space:nowrap;">政策咨询员</td><td style="${CELL}">${
      p.consultants.length === 0 ? '（责任单位尚未指定，可致电指挥部办公室）' : p.consultants.map((c, j) => html`${j > 0 && html`<br>`}${consultantText(c)}`)
    }</td></tr></table><p style="margin:8px 0 0;">${POLICY_FEEDBACK.map(
      (a) =>
        html`<a href="${links.feedback(p.key, a)}" style="display:inline-block;margin:4px 6px 4px 0;padding:8px 14px;background:${FEEDBACK_LINKS[a].colour};color:#fff;text-decoration:none;border-radius:4px;font-size:15px;">${a}</a>`,
    )}</p></div>`;
  const body = html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${subject}</title></head><body style="margin:0;padding:0;background:#f5f5f5;"><div style="max-width:640px;margin:0 auto;padding:16px;font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;font-size:15px;line-height:1.6;color:#111;background:#fff;"><h1 style="margin:0 0 12px;font-size:20px;color:#b00;">政策推送</h1><p style="margin:0 0 12px;">${intro}</p>${d.policies.map(block)}<p style="margin:16px 0 4px;">贵企业的专属页面（可查看已反映问题的办理进度、匹配的政策，并在线反映新的诉求）：<br><a href="${links.page}" style="color:#0b5cad;word-break:break-all;">${links.page}</a></p><p style="margin:20px 0 0;color:#777;font-size:13px;">${SENDER}（本邮件由系统自动发送）</p><p style="margin:4px 0 0;color:#aaa;font-size:11px;">通知编号：push#${d.enterpriseCode}#${d.date}</p></div></body></html>`;
  const text = [
    '【政策推送】',
    '',
    intro,
    ...d.policies.flatMap((p, i) => [
      '',
      `${i + 1}. ${p.name}`,
      ...detailLines(p).map(([l, v]) => `   ${l}：${v}`),
      ...(p.link ? [`   政策原文：${p.link}`] : []),
      `   政策咨询员：${p.consultants.length === 0 ? '（责任单位尚未指定）' : p.consultants.map(consultantText).join('；')}`,
      ...POLICY_FEEDBACK.map((a) => `   ${a}：${links.feedback(p.key, a)}`),
    ]),
    '',
    `贵企业的专属页面：${links.page}`,
    '',
    `${SENDER}（本邮件由系统自动发送）`,
    `通知编号：push#${d.enterpriseCode}#${d.date}`,
  ].join('\n');
  return { subject, html: body.value, text };
}

export function renderPolicyReminder(d: PolicyReminderData): RenderedMail {
  return composeMail(
    {
      subject: `【提醒】${d.unitName}尚未报备${d.missing.join('和')}`,
      heading: '政策清单报备提醒',
      intro: `${d.unitName}：按照“政策找企、应享尽享”机制，各责任单位应报备本单位负责的惠企政策清单并指定政策咨询员。截至本周（${d.week}）贵单位尚未报备：${d.missing.join('、')}。`,
      paragraphs: ['请在本专班表格的「政策清单」「政策咨询员」页签中填写并同步。报备后本提醒自动停止。'],
    },
    { reference: `通知编号：remind#${d.unit}#${d.week}` },
  );
}
