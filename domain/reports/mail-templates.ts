// Email templates (Chinese). One layout with slots (heading, intro, detail rows, notes, quote, list,
// paragraphs, buttons, footer, reference) and, per notification template of the catalog, one
// renderer from its typed data to those slots. The buttons come from the catalog (MAILS[t].links,
// LINKS labels and colours). HTML uses inline styles only (mail clients drop <style>) and is built
// with the escape-by-default `html` template; the text part says the same.
import { html, multiline, oneLine, type SafeHtml } from './html.js';
import { AUDIENCES, AUDIENCE_ROLE, DECISION_LABELS, DECISION_LINK_PREFIX, LINKS, MAILS, actionDef, decisionOptions, type IssueMailData, type LinkId, type MailData, type MailDef, type Notification, type NotificationOf, type Template } from '../issues/catalog.js';
import { currentIndex, URGENCY_PENDING } from '../issues/lifecycle.js';
import type { IssueRecord } from '../issues/types.js';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

export interface MailButton {
  label: string;
  href: string;
  colour: string;
}

/** One label/value line of the detail table; `html` overrides the (escaped) text in the HTML part. */
export interface MailRow {
  label: string;
  text: string;
  html?: SafeHtml;
}

/** What a template fills in; composeMail lays it out. Every value is plain text unless typed SafeHtml. */
export interface MailSlots {
  subject: string;
  /** Big heading of the mail; also the text part's first line (【heading】) unless `headingInText` is false. */
  heading: string;
  headingInText?: boolean;
  /** Addressed opening sentence(s). */
  intro: string;
  rows?: MailRow[];
  /** Notes such as an unverified calendar. */
  notes?: string[];
  /** Free text shown quoted (the problem description). */
  quote?: string;
  /** Numbered items (verification list, batch members). */
  list?: { title: string; items: string[] };
  /** Closing paragraphs. */
  paragraphs?: string[];
  buttons?: MailButton[];
  /** Line above the buttons (default: 请点击下方按钮（…）：). */
  buttonsIntro?: string;
  /** Line below the buttons. */
  buttonsNote?: string;
}

/** Outside the template: the sender in the footer and the reference line under it. */
export interface MailFrame {
  sender?: string;
  /** e.g. `通知编号：WT-20220606-001#assign#0#unit` (how replies and tests tell mails apart). */
  reference?: string;
}

export const SENDER = '四保白名单指挥部办公室';

const TD_LABEL = 'padding:6px 10px;color:#555;white-space:nowrap;vertical-align:top;border-bottom:1px solid #eee;';
const TD_VALUE = 'padding:6px 10px;color:#111;vertical-align:top;border-bottom:1px solid #eee;';


function buttonHtml(b: MailButton): SafeHtml {
  return html`<a href="${b.href}" style="display:inline-block;margin:4px 8px 4px 0;padding:10px 18px;background:${b.colour};color:#fff;text-decoration:none;border-radius:4px;font-size:16px;">${b.label}</a>`;
}

/** The one layout of every mail: slots in, subject + HTML + text out. */
export function composeMail(s: MailSlots, frame: MailFrame = {}): RenderedMail {
  const sender = frame.sender ?? SENDER;
  const subject = oneLine(s.subject, 150);
  const rows = s.rows ?? [];
  const buttons = s.buttons ?? [];
  const buttonsIntro = s.buttonsIntro ?? '请点击下方按钮（打开后需再次确认，不会误操作）：';
  const body = html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${subject}</title></head><body style="margin:0;padding:0;background:#f5f5f5;"><div style="max-width:640px;margin:0 auto;padding:16px;font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;font-size:15px;line-height:1.6;color:#111;background:#fff;"><h1 style="margin:0 0 12px;font-size:20px;color:#b00;">${s.heading}</h1><p style="margin:0 0 12px;">${multiline(s.intro)}</p>${
    rows.length > 0 &&
    html`<table role="presentation" style="width:100%;border-collapse:collapse;font-size:15px;">${rows.map(
      (r) => html`<tr><td style="${TD_LABEL}">${r.label}</td><td style="${TD_VALUE}">${r.html ?? multiline(r.text)}</td></tr>`,
    )}</table>`
  }${(s.notes ?? []).map((n) => html`<p style="margin:8px 0;color:#a15c00;font-size:14px;">${n}</p>`)}${
    s.quote && html`<p style="margin:12px 0;background:#fafafa;border-left:3px solid #ccc;padding:8px 10px;">${multiline(s.quote)}</p>`
  }${
    s.list &&
    html`<p style="margin:16px 0 4px;font-weight:bold;">${s.list.title}</p><ol style="margin:0 0 12px;padding-left:22px;">${s.list.items.map(
      (i) => html`<li style="margin:2px 0;">${i}</li>`,
    )}</ol>`
  }${(s.paragraphs ?? []).map((p) => html`<p style="margin:10px 0;">${multiline(p)}</p>`)}${
    buttons.length > 0 &&
    html`<p style="margin:16px 0 4px;font-size:15px;">${buttonsIntro}</p><p style="margin:0 0 12px;">${buttons.map(buttonHtml)}</p>${
      s.buttonsNote && html`<p style="margin:0;color:#777;font-size:13px;">${s.buttonsNote}</p>`
    }`
  }<p style="margin:20px 0 0;color:#777;font-size:13px;">${sender}（本邮件由系统自动发送）</p>${
    frame.reference && html`<p style="margin:4px 0 0;color:#aaa;font-size:11px;">${frame.reference}</p>`
  }</div></body></html>`;
  const text = [
    ...(s.headingInText === false ? [] : [`【${s.heading}】`, '']),
    s.intro,
    '',
    ...rows.map((r) => `${r.label}：${r.text}`),
    ...(s.notes ?? []),
    ...(s.quote ? ['', s.quote] : []),
    ...(s.list ? ['', s.list.title, ...s.list.items.map((x, i) => `${i + 1}. ${x}`)] : []),
    ...(s.paragraphs?.length ? ['', ...s.paragraphs] : []),
    ...(buttons.length > 0 ? ['', '办理链接（打开后需再次确认）：', ...buttons.map((b) => `${b.label}：${b.href}`), ...(s.buttonsNote ? [s.buttonsNote] : [])] : []),
    '',
    `${sender}（本邮件由系统自动发送）`,
    ...(frame.reference ? [frame.reference] : []),
  ];
  return { subject, html: body.value, text: text.join('\n') };
}

// ---- the templates ------------------------------------------------------------------------------

/** What a renderer gets besides the notification: the issue as it is now, and the mail's buttons. */
export interface RenderContext {
  /** The issue the notification rides on (contact, phone, calendar notes); absent for a batch alone. */
  record?: IssueRecord;
  /** The catalog's links of this mail, signed for the recipient. */
  buttons: MailButton[];
  /** The enterprise's own page, on mails to an enterprise. */
  enterprisePage?: string;
}

export type Renderer<T extends Template> = (n: NotificationOf<T>, ctx: RenderContext) => MailSlots;

const row = (label: string, text: string, h?: SafeHtml): MailRow => (h ? { label, text, html: h } : { label, text });
const deadline = (date: string) => `${date} 24:00 前`;

function enterpriseLabel(d: IssueMailData): string {
  if (d.enterpriseName && d.enterpriseCode) return `${d.enterpriseName}（${d.enterpriseCode}）`;
  return d.enterpriseName || d.enterpriseCode || '（未填写）';
}

function flags(d: IssueMailData): string[] {
  const out: string[] = [];
  if (d.urgency === '紧急') out.push(d.urgencyCheck === URGENCY_PENDING ? '紧急（企业自报，待指挥部核实）' : '紧急');
  if (d.major) out.push('重大问题');
  if (d.beyondScope) out.push('超出协调范围');
  return out;
}

/** 编号, 问题类别, 标注, 反映企业, 责任单位: the head of every notice about one issue. */
function issueRows(d: IssueMailData, responsible: string): MailRow[] {
  const tag = flags(d);
  return [
    row('编号', d.issueId),
    row('问题类别', d.category),
    ...(tag.length ? [row('标注', tag.join('、'))] : []),
    row('反映企业', enterpriseLabel(d)),
    row('责任单位', responsible),
  ];
}

const calendarNotes = (ctx: RenderContext) => (ctx.record?.warnings ?? []).filter((w) => w.code === 'calendar_unverified').map((w) => w.message);

/** 问题交办 (to the responsible unit, with its links) or 问题抄送 (to a copied unit, for information). */
function assignment(n: NotificationOf<'assign'> | NotificationOf<'copy'>, ctx: RenderContext): MailSlots {
  const d = n.data;
  const copy = n.template === 'copy';
  const tag = flags(d);
  const tagText = tag.length ? `【${tag.join('·')}】` : '';
  const verb = copy
    ? '问题抄送'
    : ({ reopened: '重新办理', returned: '退回待分派', reassigned: '问题改派', new: '问题交办', escalated: '问题交办' } as const)[d.reason];
  const previous = d.previousUnitName ?? '原责任单位';
  const context =
    d.reason === 'returned'
      ? `该问题已被${previous}退回（理由：${d.returnReason ?? '未填写'}），请重新分派或自行办理。`
      : d.reason === 'reassigned'
        ? `该问题由${previous}改派至贵单位，办理时限自改派时起重新计算。`
        : d.reason === 'reopened'
          ? `企业对上次办理结果不满意${d.previousResult ? `（上次结果：${d.previousResult}）` : ''}，请重新办理，时限自即日起重新计算。`
          : '';
  return {
    subject: `【四保】${verb}${tagText} ${d.issueId}：${d.category} — ${enterpriseLabel(d)}`,
    heading: `${verb}${tagText}`,
    // The subject already says it, tags included.
    headingInText: false,
    intro: copy
      ? d.reason === 'escalated'
        ? `各相关单位：${d.unitName}办理中的以下问题已标注为${tag.join('、') || '升级事项'}，现抄送贵单位知悉并协调推进。`
        : `各相关单位：以下问题已交由${d.unitName}办理，现抄送贵单位知悉并协调推进。`
      : `${d.unitName}：${context}现将以下企业反映的问题交由贵单位办理，请在签收时限内签收，并在办结时限内反馈办理结果。`,
    rows: [
      row('编号', d.issueId, html`<strong>${d.issueId}</strong>`),
      row('问题类别', d.category),
      ...(tag.length ? [row('标注', tag.join('、'), html`<span style="color:#c0392b;font-weight:bold;">${tag.join('、')}</span>`)] : []),
      row('反映企业', enterpriseLabel(d)),
      ...(d.sector ? [row('所属领域', d.sector)] : []),
      ...(d.locality ? [row('所在乡镇', d.locality)] : []),
      ...(d.reportedOn ? [row('反映日期', d.reportedOn)] : []),
      row('问题描述', d.description),
      row('责任单位', d.unitName),
      row('签收时限', deadline(d.signBy)),
      row('反馈时限', deadline(d.feedbackBy)),
      row('办结时限', deadline(d.resolveBy)),
    ],
    notes: calendarNotes(ctx),
    buttons: ctx.buttons,
    buttonsIntro: '请点击下方按钮办理（打开后需再次确认，不会误操作）：',
    buttonsNote: '“退回”仅用于不属于本单位职责的问题，须填写理由。链接仅限本单位使用，请勿转发。',
  };
}

/** 时限提醒 (one working day before a deadline) and 逾期 (a deadline day ended unmet). */
function deadlineNotice(n: NotificationOf<'remind'> | NotificationOf<'overdue'>, ctx: RenderContext): MailSlots {
  const d = n.data;
  const overdue = n.template === 'overdue';
  return {
    subject: overdue
      ? `【四保】逾期通知 ${d.issueId}：${d.deadlineLabel} ${d.date} 已过 — ${d.category}`
      : `【四保】时限提醒 ${d.issueId}：${d.deadlineLabel} ${d.date} 到期 — ${d.category}`,
    heading: overdue ? '逾期通知' : '时限提醒',
    intro: overdue
      ? `${d.unitName}：问题 ${d.issueId} 的${d.deadlineLabel}（${d.date} 24:00）已过，现已标记为逾期并抄送指挥部办公室。逾期满两个工作日将升级至上级单位督办。`
      : `${d.unitName}：问题 ${d.issueId} 的${d.deadlineLabel}为 ${d.date} 24:00，距到期不足一个工作日，请抓紧办理。`,
    rows: [...issueRows(d, d.unitName), row('签收时限', deadline(d.signBy)), row('办结时限', deadline(d.resolveBy))],
    quote: d.description,
    buttons: ctx.buttons,
  };
}

/** How the command office acts on what a copy reports: its own decisions, never the unit's links. */
const COMMAND_ACTS = '如需改派或延期，请在指挥部看板或“指挥部待办”中决定；本邮件仅供知悉，不含责任单位的办理链接。';

/** What an escalated issue is late on and what to ask for: 签收 while unsigned, else 办结. */
function lateOf(d: MailData<'escalate'>): { what: string; ask: string; press(unit: string): string } {
  const unsigned = (d.status === '已交办' || d.status === '待分派') && d.signBy === d.since;
  return unsigned
    ? {
        what: '签收时限',
        ask: `立即签收，并在办结时限（${d.resolveBy} 24:00）前反馈办理结果`,
        press: (unit) => `督促${unit}立即签收并按时办结`,
      }
    : {
        what: '办结时限',
        ask: '尽快办结并反馈办理结果',
        press: (unit) => `督促${unit}尽快办结并反馈办理结果`,
      };
}

/** Every template's renderer: a template the catalog adds without one here does not compile. */
export const RENDERERS: { [T in Template]: Renderer<T> } = {
  assign: assignment,
  copy: assignment,
  remind: deadlineNotice,
  overdue: deadlineNotice,
  overdue_copy: ({ data: d }) => ({
    subject: `【四保】逾期抄送 ${d.issueId}：${d.unitName}${d.deadlineLabel} ${d.date} 已过 — ${d.category}`,
    heading: '逾期抄送',
    intro: `指挥部办公室：${d.unitName}未在${d.deadlineLabel}（${d.date} 24:00）前${d.deadline === 'sign' ? '签收' : '办结'}问题 ${d.issueId}，已标记为逾期并已通知该单位。逾期满两个工作日将自动升级至上级单位督办。`,
    rows: [...issueRows(d, d.unitName), row('签收时限', deadline(d.signBy)), row('办结时限', deadline(d.resolveBy))],
    quote: d.description,
    paragraphs: [COMMAND_ACTS],
  }),
  /** 升级督办: to the unit one level up, asking it to press the late unit (no links: it is not the one to act). */
  escalate: ({ data: d }) => {
    const late = lateOf(d);
    return {
      subject: `【四保】升级督办（第 ${d.level} 级）${d.issueId}：${d.unitName}逾期 ${d.workdaysOverdue} 个工作日 — ${d.category}`,
      heading: `升级督办（第 ${d.level} 级）`,
      intro: `${d.targetName}：${d.unitName}办理的问题 ${d.issueId}，${late.what}（${d.since} 24:00）已过，已逾期 ${d.workdaysOverdue} 个工作日，按规定升级至贵单位督办。`,
      rows: [...issueRows(d, d.unitName), row('逾期事项', `${late.what} ${d.since}`), row('已逾期', `${d.workdaysOverdue} 个工作日`), row('督办事项', late.press(d.unitName))],
      quote: d.description,
      paragraphs: [`请督促${d.unitName}${late.ask}。办理链接已另行发给${d.unitName}；逾期继续超过两个工作日将再升级一级。`],
    };
  },
  /** 升级督办告知: to the late unit: what is late, by how much, who now presses, and its own links. */
  escalate_unit: ({ data: d }, ctx) => {
    const late = lateOf(d);
    return {
      subject: `【四保】已升级督办 ${d.issueId}：${late.what}已过 ${d.workdaysOverdue} 个工作日 — ${d.category}`,
      heading: `已升级督办（第 ${d.level} 级）`,
      intro: `${d.unitName}：贵单位办理的问题 ${d.issueId}，${late.what}（${d.since} 24:00）已过，已逾期 ${d.workdaysOverdue} 个工作日，现已升级至${d.targetName}督办。请${late.ask}。`,
      rows: [...issueRows(d, d.unitName), row('逾期事项', `${late.what} ${d.since}`), row('已逾期', `${d.workdaysOverdue} 个工作日`), row('督办单位', d.targetName), row('办结时限', deadline(d.resolveBy))],
      quote: d.description,
      buttons: ctx.buttons,
      buttonsNote: '链接仅限本单位使用，请勿转发。',
    };
  },
  /** 升级督办抄送: to the command office (when it is not the upper unit): what happened. */
  escalate_copy: ({ data: d }) => {
    const late = lateOf(d);
    return {
      subject: `【四保】升级督办抄送 ${d.issueId}：${d.unitName}逾期 ${d.workdaysOverdue} 个工作日，已升级至${d.targetName}`,
      heading: `升级督办抄送（第 ${d.level} 级）`,
      intro: `指挥部办公室：${d.unitName}办理的问题 ${d.issueId}，${late.what}（${d.since} 24:00）已过，已逾期 ${d.workdaysOverdue} 个工作日，已升级至${d.targetName}督办，并已通知${d.unitName}。`,
      rows: [...issueRows(d, d.unitName), row('逾期事项', `${late.what} ${d.since}`), row('督办单位', d.targetName), row('办结时限', deadline(d.resolveBy))],
      quote: d.description,
      paragraphs: [COMMAND_ACTS],
    };
  },
  /** 回访: to the enterprise contact after 已办结, with the three follow-up answers. */
  follow_up: ({ data: d }, ctx) => ({
    subject: `【四保】办理结果回访 ${d.issueId}：${d.category}`,
    heading: '办理结果回访',
    intro: `${d.enterpriseName || ctx.record?.issue.contact || '企业负责同志'}：贵单位反映的问题已由${d.unitName}办理完毕。请对办理结果作出评价；如不满意，问题将重新办理。`,
    rows: [row('编号', d.issueId), row('问题类别', d.category), row('办理单位', d.unitName), row('办理结果', d.result)],
    quote: d.description,
    buttons: ctx.buttons,
    buttonsNote: '每个链接只能使用一次；选择“不满意”可填写原因。',
    paragraphs: ctx.enterprisePage ? [`贵企业的专属页面（查看问题办理进度、匹配的惠企政策，在线反映新的诉求）：${ctx.enterprisePage}`] : undefined,
  }),
  /** 待核实销号: to the command office when an issue is resolved (follow-up pending or by phone). */
  verify_list: ({ data: d }, ctx) => {
    const phone = ctx.record?.issue.phone;
    return {
      subject: `【四保】待核实销号 ${d.issueId}：${d.unitName}已办结 — ${d.category}`,
      heading: '待核实销号',
      intro: `指挥部办公室：${d.unitName}已反馈问题 ${d.issueId} 的办理结果，列入待核实销号清单。${
        d.followUpByPhone ? '企业未登记邮箱，请电话回访后核实销号。' : '已向企业发送回访邮件；企业评价满意或基本满意后可销号，也可经核实直接销号。'
      }`,
      rows: [...issueRows(d, d.unitName), row('办理结果', d.result), ...(d.followUpByPhone && phone ? [row('企业电话', phone)] : [])],
      quote: d.description,
      buttons: ctx.buttons,
      buttonsNote: '核实销号后问题即告办结销号，不再计入待办。',
    };
  },
  /**
   * 共性问题: three or more enterprises with the same problem within 14 days, for a policy answer. The
   * count is the batch's members (any status), as the digest counts them; dates are the members'
   * first and last 反映日期 (older notifications: the detection window).
   */
  batch: ({ data: d }) => {
    const first = d.firstReported ?? d.from;
    const last = d.lastReported ?? d.to;
    const open = d.openCount === undefined ? '' : `，其中 ${d.openCount} 件在办`;
    return {
      subject: `【四保】共性问题提示：${d.category}（${d.enterpriseCount} 家企业，反映日期 ${first} 至 ${last}）`,
      heading: '共性问题（点办理、批处理）',
      intro: `指挥部办公室：${first} 至 ${last}，${d.enterpriseCount} 家企业反映了「${d.category}」类问题（${d.issueIds.length} 件${open}），已构成共性问题，建议研究出台统一的政策措施，批量解决。`,
      rows: [
        row('批次', d.batchId),
        row('问题类别', d.category),
        row('涉及企业', `${d.enterpriseCount} 家`),
        row('反映日期', `${first} 至 ${last}`),
        row('涉及问题', `${d.issueIds.length} 件${open}`),
        row('涉及责任单位', (d.unitNames ?? d.units).join('、') || '（无）'),
      ],
      list: { title: '涉及问题编号', items: d.issueIds },
    };
  },
  /** 上报: the units a 上报 added (指挥部 for 超出协调范围, 县领导 for 重大问题), copied from now on. */
  reported_up: ({ data: d }) => ({
    subject: `【四保】问题上报（${d.level}）${d.issueId}：${d.category}`,
    heading: `问题上报（${d.level}）`,
    intro: `经指挥部办公室同意，${d.unitName}办理的问题 ${d.issueId} 作为「${d.level}」上报，请贵单位掌握并协调解决。${d.level === '重大问题' ? '重大问题须在交办后 30 日内办结。' : ''}`,
    rows: [...issueRows(d, d.unitName), row('办结时限', deadline(d.resolveBy)), ...(d.note ? [row('说明', d.note)] : [])],
    quote: d.description,
  }),
  decision: (n, ctx) => decisionAsk(n.data, ctx, false),
  decision_remind: (n, ctx) => decisionAsk(n.data, ctx, true),
  /** 审批结果: to who asked (发起单位, the requesting unit). */
  decision_result: ({ data: d }) => ({
    subject: `【四保】${DECISION_LABELS[d.decisionType]}结果：${d.outcome} — ${d.subject}`,
    heading: `${DECISION_LABELS[d.decisionType]}：${d.outcome}`,
    intro: `${d.requesterName}：指挥部办公室对「${d.subject}」的决定为「${d.outcome}」。`,
    rows: [...d.rows.map((r) => row(r.label, r.text)), row('决定', d.outcome), ...(d.note ? [row('意见', d.note)] : [])],
    quote: d.quote,
  }),
  /** 改派告知: to the unit whose assignment ended by 改派. */
  reassigned: ({ data: d }) => ({
    subject: `【四保】改派告知 ${d.issueId}：已改由${d.newUnitName}办理`,
    heading: '改派告知',
    intro: `${d.unitName}：经指挥部办公室协调，问题 ${d.issueId} 已改由${d.newUnitName}办理，贵单位此前的交办记录予以保留，原邮件中的办理链接已失效。`,
    rows: [row('编号', d.issueId), row('问题类别', d.category), row('反映企业', enterpriseLabel(d)), row('新责任单位', d.newUnitName)],
  }),
  /** 补充说明: the problem's description changed in the sheet after routing. */
  supplement: ({ data: d }) => ({
    subject: `【四保】补充说明 ${d.issueId}：${d.category} — ${enterpriseLabel(d)}`,
    heading: '补充说明',
    intro: `${d.unitName}：反映企业所在专班（${d.by}）补充了问题 ${d.issueId} 的问题描述，请结合补充内容继续办理，办理时限不变。`,
    rows: [...issueRows(d, d.unitName), row('签收时限', deadline(d.signBy)), row('办结时限', deadline(d.resolveBy)), row('原问题描述', d.previousDescription)],
    quote: d.description,
  }),
  /** 延期: the command office extended the 办结时限. */
  extend: ({ data: d }) => ({
    subject: `【四保】办结时限延期 ${d.issueId}：延至 ${d.resolveBy}`,
    heading: '办结时限延期',
    intro: `${d.unitName}：经指挥部办公室同意，问题 ${d.issueId} 的办结时限延至 ${d.resolveBy} 24:00。`,
    rows: [
      row('编号', d.issueId),
      row('问题类别', d.category),
      ...(d.previousResolveBy ? [row('原办结时限', d.previousResolveBy)] : []),
      row('新办结时限', deadline(d.resolveBy)),
      row('延期理由', d.reason),
    ],
  }),
};

/** 待审批 / 审批提醒: to the command office, with the decision's answers as buttons. */
function decisionAsk(d: MailData<'decision'>, ctx: RenderContext, reminder: boolean): MailSlots {
  const what = DECISION_LABELS[d.decisionType];
  return {
    subject: `【四保】${reminder ? '审批提醒：' : ''}${what} ${d.subject}`,
    heading: reminder ? `${what}（待决定，提醒）` : what,
    intro: `指挥部办公室：${d.requesterName}提交的「${d.subject}」等待决定${d.decideBy ? `，请于 ${d.decideBy} 前审批` : ''}。${reminder ? '该事项尚未决定，特此提醒。' : ''}`,
    rows: d.rows.map((r) => row(r.label, r.text)),
    quote: d.quote,
    buttons: ctx.buttons,
    buttonsNote: '每个链接只能使用一次；已由他人决定的事项不会重复办理。',
  };
}

// ---- rendering a notification -------------------------------------------------------------------

export interface MailContext {
  /** The issue the notification rides on, as it is when the mail is sent. */
  record?: IssueRecord;
  /** The signed URL of one of the catalog's links (or a decision answer `decide:<label>`), for this recipient. */
  link(id: LinkId | `${typeof DECISION_LINK_PREFIX}${string}`): string;
  /** The address this copy is for: a `cc` address (a copy of an older notification) gets no links. */
  recipient?: string;
  sender?: string;
  /** The enterprise's own page (`/e/{token}`): every mail to an enterprise carries it (SPEC §7.4). */
  enterprisePage?: string;
  /** A copy for information (包保干部): the mail without any action link. */
  copyOnly?: boolean;
}

/**
 * The buttons of a mail: its catalog links, labelled and coloured by the catalog. A `live` mail
 * (reminder) offers them only while its assignment is the current one, and only those the issue's
 * current status allows.
 */
export function mailButtons(n: Notification, ctx: Pick<MailContext, 'record' | 'link' | 'recipient' | 'copyOnly'>): MailButton[] {
  if (ctx.copyOnly) return [];
  const def: MailDef = MAILS[n.template];
  // Links are the reader's own actions: only those of the mail's audience, never for a cc'd address.
  const role = AUDIENCE_ROLE[AUDIENCES[n.template]];
  if (role === null || isCopy(n, ctx.recipient)) return [];
  if (def.decision) {
    const d = n.data as MailData<'decision'>;
    return decisionOptions(d.decisionType).map((o) => ({ label: o.label, href: ctx.link(`${DECISION_LINK_PREFIX}${o.label}`), colour: o.colour }));
  }
  let ids = def.links.filter((id) => LINKS[id].as === role);
  if (def.live) {
    const r = ctx.record;
    if (!r || (n.data as IssueMailData).assignment !== currentIndex(r)) return [];
    ids = ids.filter((id) => actionDef(LINKS[id].action).from.includes(r.status));
  }
  return ids.map((id) => ({ label: LINKS[id].label, href: ctx.link(id), colour: LINKS[id].colour }));
}

/** Whether `recipient` gets this mail as a `cc` copy (no links of any kind: SPEC §7.8). */
function isCopy(n: Notification, recipient: string | undefined): boolean {
  return recipient !== undefined && (n.cc ?? []).some((a) => a.trim().toLowerCase() === recipient.trim().toLowerCase());
}

function slotsOf<T extends Template>(n: NotificationOf<T>, ctx: RenderContext): MailSlots {
  const render: Renderer<T> = RENDERERS[n.template];
  return render(n, ctx);
}

/** The mail of a notification: its template's slots, the catalog's buttons, the reference line. */
export function renderNotification(n: Notification, ctx: MailContext): RenderedMail {
  // The enterprise's page is the enterprise's link: never in a copy (包保干部).
  const enterprisePage = isCopy(n, ctx.recipient) ? undefined : ctx.enterprisePage;
  const slots = slotsOf(n, { record: ctx.record, buttons: mailButtons(n, ctx), enterprisePage });
  return composeMail(slots, { sender: ctx.sender, reference: `通知编号：${n.key}` });
}
