// Email templates (Chinese): pure functions from data to { subject, html, text }. HTML uses inline
// styles only (mail clients drop <style>); every user value is escaped; the text part says the same.
import { escapeHtml, escapeMultiline, oneLine } from './html.js';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

export interface MailIssue {
  id: string;
  category: string;
  description: string;
  enterpriseName?: string;
  enterpriseCode?: string;
  sector?: string;
  locality?: string;
  urgency: string;
  major: boolean;
  beyondScope: boolean;
  reportedOn?: string;
  contact?: string;
  phone?: string;
}

export interface AssignmentMailInput {
  /** `assign`: to the responsible unit, with action links; `copy`: to a copied unit, for information. */
  type: 'assign' | 'copy';
  issue: MailIssue;
  /** The unit this mail is addressed to. */
  unitName: string;
  /** The responsible unit (differs from unitName in a copy). */
  responsibleUnitName: string;
  signBy: string;
  feedbackBy: string;
  resolveBy: string;
  /** The action links (assign only): 签收, 退回, 反馈办理结果, and 反馈进展 when given. */
  links?: { sign: string; return: string; feedback: string; progress?: string };
  /** Why the unit receives it: a fresh issue, or one returned/reassigned/reopened (重新办理). */
  reason?: 'new' | 'returned' | 'reassigned' | 'reopened';
  /** Context for returned/reassigned/reopened: previous unit, return reason, previous result. */
  previousUnitName?: string;
  returnReason?: string;
  previousResult?: string;
  /** Notes such as an unverified calendar, already in Chinese. */
  notes?: string[];
  /** Sender name shown in the footer. */
  senderName?: string;
}

const SENDER = '四保白名单指挥部办公室';

function enterpriseLabel(i: MailIssue): string {
  if (i.enterpriseName && i.enterpriseCode) return `${i.enterpriseName}（${i.enterpriseCode}）`;
  return i.enterpriseName || i.enterpriseCode || '（未填写）';
}

function flags(i: MailIssue): string[] {
  const out: string[] = [];
  if (i.urgency === '紧急') out.push('紧急');
  if (i.major) out.push('重大问题');
  if (i.beyondScope) out.push('超出协调范围');
  return out;
}

const TD_LABEL = 'padding:6px 10px;color:#555;white-space:nowrap;vertical-align:top;border-bottom:1px solid #eee;';
const TD_VALUE = 'padding:6px 10px;color:#111;vertical-align:top;border-bottom:1px solid #eee;';

function row(label: string, valueHtml: string): string {
  return `<tr><td style="${TD_LABEL}">${escapeHtml(label)}</td><td style="${TD_VALUE}">${valueHtml}</td></tr>`;
}

function button(label: string, href: string, color: string): string {
  return (
    `<a href="${escapeHtml(href)}" style="display:inline-block;margin:4px 8px 4px 0;padding:10px 18px;` +
    `background:${color};color:#fff;text-decoration:none;border-radius:4px;font-size:16px;">${escapeHtml(label)}</a>`
  );
}

/** The mail that hands an issue to its responsible unit (`assign`) or copies another unit (`copy`). */
export function renderAssignmentMail(m: AssignmentMailInput): RenderedMail {
  const i = m.issue;
  const sender = m.senderName ?? SENDER;
  const tag = flags(i);
  const tagText = tag.length ? `【${tag.join('·')}】` : '';
  const verb =
    m.type === 'copy'
      ? '问题抄送'
      : m.reason === 'reopened'
        ? '重新办理'
        : m.reason === 'returned'
          ? '退回待分派'
          : m.reason === 'reassigned'
            ? '问题改派'
            : '问题交办';
  const subject = oneLine(`【四保】${verb}${tagText} ${i.id}：${i.category} — ${enterpriseLabel(i)}`, 150);

  const context =
    m.reason === 'returned'
      ? `该问题已被${m.previousUnitName ?? '原责任单位'}退回（理由：${m.returnReason ?? '未填写'}），请重新分派或自行办理。`
      : m.reason === 'reassigned'
        ? `该问题由${m.previousUnitName ?? '原责任单位'}改派至贵单位，办理时限自改派时起重新计算。`
        : m.reason === 'reopened'
          ? `企业对上次办理结果不满意${m.previousResult ? `（上次结果：${m.previousResult}）` : ''}，请重新办理，时限自即日起重新计算。`
          : '';
  const intro =
    m.type === 'assign'
      ? `${m.unitName}：${context}现将以下企业反映的问题交由贵单位办理，请在签收时限内签收，并在办结时限内反馈办理结果。`
      : `${m.unitName}：以下问题已交由${m.responsibleUnitName}办理，现抄送贵单位知悉并协调推进。`;

  const table = [
    row('编号', `<strong>${escapeHtml(i.id)}</strong>`),
    row('问题类别', escapeHtml(i.category)),
    ...(tag.length ? [row('标注', `<span style="color:#c0392b;font-weight:bold;">${escapeHtml(tag.join('、'))}</span>`)] : []),
    row('反映企业', escapeHtml(enterpriseLabel(i))),
    ...(i.sector ? [row('所属领域', escapeHtml(i.sector))] : []),
    ...(i.locality ? [row('所在乡镇', escapeHtml(i.locality))] : []),
    ...(i.reportedOn ? [row('反映日期', escapeHtml(i.reportedOn))] : []),
    row('问题描述', escapeMultiline(i.description)),
    ...(i.contact || i.phone ? [row('企业联系人', escapeHtml([i.contact, i.phone].filter(Boolean).join(' ')))] : []),
    row('责任单位', escapeHtml(m.responsibleUnitName)),
    row('签收时限', `${escapeHtml(m.signBy)} 24:00 前`),
    row('反馈时限', `${escapeHtml(m.feedbackBy)} 24:00 前`),
    row('办结时限', `${escapeHtml(m.resolveBy)} 24:00 前`),
  ].join('');

  const notes = (m.notes ?? []).map((n) => `<p style="margin:8px 0;color:#a15c00;font-size:14px;">${escapeHtml(n)}</p>`).join('');
  const actions =
    m.type === 'assign' && m.links
      ? `<p style="margin:16px 0 4px;font-size:15px;">请点击下方按钮办理（打开后需再次确认，不会误操作）：</p>` +
        `<p style="margin:0 0 12px;">${button('签收', m.links.sign, '#1a7f37')}${button('退回', m.links.return, '#9a6700')}` +
        `${m.links.progress ? button('反馈进展', m.links.progress, '#6f42c1') : ''}${button('反馈办理结果', m.links.feedback, '#0b5cad')}</p>` +
        `<p style="margin:0;color:#777;font-size:13px;">“退回”仅用于不属于本单位职责的问题，须填写理由。链接仅限本单位使用，请勿转发。</p>`
      : '';

  const html =
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(subject)}</title></head>` +
    `<body style="margin:0;padding:0;background:#f5f5f5;">` +
    `<div style="max-width:640px;margin:0 auto;padding:16px;font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;font-size:15px;line-height:1.6;color:#111;background:#fff;">` +
    `<h1 style="margin:0 0 12px;font-size:20px;color:#b00;">${escapeHtml(verb)}${escapeHtml(tagText)}</h1>` +
    `<p style="margin:0 0 12px;">${escapeHtml(intro)}</p>` +
    `<table role="presentation" style="width:100%;border-collapse:collapse;font-size:15px;">${table}</table>` +
    notes +
    actions +
    `<p style="margin:20px 0 0;color:#777;font-size:13px;">${escapeHtml(sender)}（本邮件由系统自动发送）</p>` +
    `</div></body></html>`;

  const lines = [
    intro,
    '',
    `编号：${i.id}`,
    `问题类别：${i.category}`,
    ...(tag.length ? [`标注：${tag.join('、')}`] : []),
    `反映企业：${enterpriseLabel(i)}`,
    ...(i.sector ? [`所属领域：${i.sector}`] : []),
    ...(i.locality ? [`所在乡镇：${i.locality}`] : []),
    ...(i.reportedOn ? [`反映日期：${i.reportedOn}`] : []),
    `问题描述：${i.description}`,
    ...(i.contact || i.phone ? [`企业联系人：${[i.contact, i.phone].filter(Boolean).join(' ')}`] : []),
    `责任单位：${m.responsibleUnitName}`,
    `签收时限：${m.signBy} 24:00 前`,
    `反馈时限：${m.feedbackBy} 24:00 前`,
    `办结时限：${m.resolveBy} 24:00 前`,
    ...(m.notes ?? []),
    ...(m.type === 'assign' && m.links
      ? [
          '',
          '办理链接（打开后需再次确认）：',
          `签收：${m.links.sign}`,
          `退回：${m.links.return}`,
          ...(m.links.progress ? [`反馈进展：${m.links.progress}`] : []),
          `反馈办理结果：${m.links.feedback}`,
        ]
      : []),
    '',
    `${sender}（本邮件由系统自动发送）`,
  ];
  return { subject, html, text: lines.join('\n') };
}

// ---- the closed loop: reminders, overdue, escalation, follow-up, verification, batches -------------

export interface MailButton {
  label: string;
  href: string;
  color?: string;
}

export interface NoticeMailInput {
  subject: string;
  /** Big heading of the mail. */
  heading: string;
  /** Addressed opening sentence(s). */
  intro: string;
  /** Label/value rows (values are plain text, escaped here). */
  rows: [string, string][];
  /** Free text block shown quoted (the problem description), multi-line. */
  quote?: string;
  /** Closing paragraphs (plain text). */
  paragraphs?: string[];
  buttons?: MailButton[];
  buttonsNote?: string;
  /** Plain-text lines listing items (verification list, batch members). */
  list?: { title: string; items: string[] };
  senderName?: string;
}

/** The shared shape of every notice: heading, intro, a detail table, optional list and buttons. */
export function renderNoticeMail(m: NoticeMailInput): RenderedMail {
  const sender = m.senderName ?? SENDER;
  const subject = oneLine(m.subject, 150);
  const table = m.rows.map(([k, v]) => row(k, escapeMultiline(v))).join('');
  const quote = m.quote
    ? `<p style="margin:12px 0;background:#fafafa;border-left:3px solid #ccc;padding:8px 10px;">${escapeMultiline(m.quote)}</p>`
    : '';
  const list = m.list
    ? `<p style="margin:16px 0 4px;font-weight:bold;">${escapeHtml(m.list.title)}</p><ol style="margin:0 0 12px;padding-left:22px;">` +
      m.list.items.map((i) => `<li style="margin:2px 0;">${escapeHtml(i)}</li>`).join('') +
      `</ol>`
    : '';
  const paragraphs = (m.paragraphs ?? []).map((p) => `<p style="margin:10px 0;">${escapeMultiline(p)}</p>`).join('');
  const buttons =
    m.buttons && m.buttons.length > 0
      ? `<p style="margin:16px 0 4px;font-size:15px;">请点击下方按钮（打开后需再次确认，不会误操作）：</p>` +
        `<p style="margin:0 0 12px;">${m.buttons.map((b) => button(b.label, b.href, b.color ?? '#0b5cad')).join('')}</p>` +
        (m.buttonsNote ? `<p style="margin:0;color:#777;font-size:13px;">${escapeHtml(m.buttonsNote)}</p>` : '')
      : '';
  const html =
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(subject)}</title></head>` +
    `<body style="margin:0;padding:0;background:#f5f5f5;">` +
    `<div style="max-width:640px;margin:0 auto;padding:16px;font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;font-size:15px;line-height:1.6;color:#111;background:#fff;">` +
    `<h1 style="margin:0 0 12px;font-size:20px;color:#b00;">${escapeHtml(m.heading)}</h1>` +
    `<p style="margin:0 0 12px;">${escapeMultiline(m.intro)}</p>` +
    (table ? `<table role="presentation" style="width:100%;border-collapse:collapse;font-size:15px;">${table}</table>` : '') +
    quote +
    list +
    paragraphs +
    buttons +
    `<p style="margin:20px 0 0;color:#777;font-size:13px;">${escapeHtml(sender)}（本邮件由系统自动发送）</p>` +
    `</div></body></html>`;
  const lines = [
    `【${m.heading}】`,
    '',
    m.intro,
    '',
    ...m.rows.map(([k, v]) => `${k}：${v}`),
    ...(m.quote ? ['', m.quote] : []),
    ...(m.list ? ['', `${m.list.title}`, ...m.list.items.map((x, i) => `${i + 1}. ${x}`)] : []),
    ...(m.paragraphs?.length ? ['', ...m.paragraphs] : []),
    ...(m.buttons?.length ? ['', '办理链接（打开后需再次确认）：', ...m.buttons.map((b) => `${b.label}：${b.href}`)] : []),
    ...(m.buttonsNote && m.buttons?.length ? [m.buttonsNote] : []),
    '',
    `${sender}（本邮件由系统自动发送）`,
  ];
  return { subject, html, text: lines.join('\n') };
}

function issueRows(i: MailIssue, responsibleUnitName: string): [string, string][] {
  return [
    ['编号', i.id],
    ['问题类别', i.category],
    ...(flags(i).length ? ([['标注', flags(i).join('、')]] as [string, string][]) : []),
    ['反映企业', enterpriseLabel(i)],
    ['责任单位', responsibleUnitName],
  ];
}

export type DeadlineKindLabel = '签收时限' | '反馈时限' | '办结时限';

export interface DeadlineMailInput {
  issue: MailIssue;
  unitName: string;
  deadlineLabel: string;
  /** The deadline day (ISO). */
  date: string;
  signBy: string;
  resolveBy: string;
  /** The unit's links (reminders and overdue notices carry them again so the unit can act at once). */
  links?: MailButton[];
}

/** 时限提醒: one working day before a deadline. */
export function renderRemindMail(m: DeadlineMailInput): RenderedMail {
  const i = m.issue;
  return renderNoticeMail({
    subject: `【四保】时限提醒 ${i.id}：${m.deadlineLabel} ${m.date} 到期 — ${i.category}`,
    heading: '时限提醒',
    intro: `${m.unitName}：问题 ${i.id} 的${m.deadlineLabel}为 ${m.date} 24:00，距到期不足一个工作日，请抓紧办理。`,
    rows: [...issueRows(i, m.unitName), ['签收时限', `${m.signBy} 24:00 前`], ['办结时限', `${m.resolveBy} 24:00 前`]],
    quote: i.description,
    buttons: m.links,
  });
}

/** 逾期: a deadline day ended unmet; the command office is copied. */
export function renderOverdueMail(m: DeadlineMailInput): RenderedMail {
  const i = m.issue;
  return renderNoticeMail({
    subject: `【四保】逾期通知 ${i.id}：${m.deadlineLabel} ${m.date} 已过 — ${i.category}`,
    heading: '逾期通知',
    intro: `${m.unitName}：问题 ${i.id} 的${m.deadlineLabel}（${m.date} 24:00）已过，现已标记为逾期并抄送指挥部办公室。逾期满两个工作日将升级至上级单位督办。`,
    rows: [...issueRows(i, m.unitName), ['签收时限', `${m.signBy} 24:00 前`], ['办结时限', `${m.resolveBy} 24:00 前`]],
    quote: i.description,
    buttons: m.links,
  });
}

export interface EscalateMailInput {
  issue: MailIssue;
  /** The unit the issue is escalated to (上级单位). */
  targetName: string;
  unitName: string;
  level: number;
  /** The first missed deadline day. */
  since: string;
  workdaysOverdue: number;
  signBy: string;
  resolveBy: string;
}

/** 升级督办: two working days overdue per level, to the next unit up (command office and the unit copied). */
export function renderEscalateMail(m: EscalateMailInput): RenderedMail {
  const i = m.issue;
  return renderNoticeMail({
    subject: `【四保】升级督办（第 ${m.level} 级）${i.id}：${m.unitName}逾期 ${m.workdaysOverdue} 个工作日 — ${i.category}`,
    heading: `升级督办（第 ${m.level} 级）`,
    intro: `${m.targetName}：${m.unitName}办理的问题 ${i.id} 自 ${m.since} 时限到期后已逾期 ${m.workdaysOverdue} 个工作日，按规定升级至贵单位督办，请督促办理。`,
    rows: [...issueRows(i, m.unitName), ['签收时限', `${m.signBy} 24:00 前`], ['办结时限', `${m.resolveBy} 24:00 前`], ['逾期起算', m.since]],
    quote: i.description,
  });
}

export interface FollowUpMailInput {
  issue: MailIssue;
  contactName?: string;
  unitName: string;
  result: string;
  /** 满意, 基本满意, 不满意 links. */
  links: { satisfied: string; basic: string; unsatisfied: string };
}

/** 回访: to the enterprise contact after 已办结, with the three follow-up answers. */
export function renderFollowUpMail(m: FollowUpMailInput): RenderedMail {
  const i = m.issue;
  const who = i.enterpriseName || m.contactName || '企业负责同志';
  return renderNoticeMail({
    subject: `【四保】办理结果回访 ${i.id}：${i.category}`,
    heading: '办理结果回访',
    intro: `${who}：贵单位反映的问题已由${m.unitName}办理完毕。请对办理结果作出评价；如不满意，问题将重新办理。`,
    rows: [['编号', i.id], ['问题类别', i.category], ['办理单位', m.unitName], ['办理结果', m.result]],
    quote: i.description,
    buttons: [
      { label: '满意', href: m.links.satisfied, color: '#1a7f37' },
      { label: '基本满意', href: m.links.basic, color: '#0b5cad' },
      { label: '不满意', href: m.links.unsatisfied, color: '#b00020' },
    ],
    buttonsNote: '每个链接只能使用一次；选择“不满意”可填写原因。',
  });
}

export interface VerifyListMailInput {
  issue: MailIssue;
  unitName: string;
  result: string;
  /** The enterprise has no email: the follow-up is by phone. */
  followUpByPhone: boolean;
  phone?: string;
  verifyLink?: string;
}

/** 待核实销号: to the command office when an issue is resolved (follow-up pending or by phone). */
export function renderVerifyListMail(m: VerifyListMailInput): RenderedMail {
  const i = m.issue;
  return renderNoticeMail({
    subject: `【四保】待核实销号 ${i.id}：${m.unitName}已办结 — ${i.category}`,
    heading: '待核实销号',
    intro: `指挥部办公室：${m.unitName}已反馈问题 ${i.id} 的办理结果，列入待核实销号清单。${
      m.followUpByPhone ? '企业未登记邮箱，请电话回访后核实销号。' : '已向企业发送回访邮件；企业评价满意或基本满意后可销号，也可经核实直接销号。'
    }`,
    rows: [...issueRows(i, m.unitName), ['办理结果', m.result], ...(m.followUpByPhone && m.phone ? ([['企业电话', m.phone]] as [string, string][]) : [])],
    quote: i.description,
    buttons: m.verifyLink ? [{ label: '核实销号', href: m.verifyLink, color: '#1a7f37' }] : [],
    buttonsNote: '核实销号后问题即告办结销号，不再计入待办。',
  });
}

export interface BatchMailInput {
  batchId: string;
  category: string;
  from: string;
  to: string;
  issueIds: string[];
  enterpriseCount: number;
  unitNames: string[];
}

/** 共性问题: three or more enterprises with the same problem within 14 days, for a policy answer. */
export function renderBatchMail(m: BatchMailInput): RenderedMail {
  return renderNoticeMail({
    subject: `【四保】共性问题提示：${m.category}（${m.enterpriseCount} 家企业，${m.from} 起）`,
    heading: '共性问题（点办理、批处理）',
    intro: `指挥部办公室：${m.from} 至 ${m.to} 期间，${m.enterpriseCount} 家企业反映了「${m.category}」类问题，已构成共性问题，建议研究出台统一的政策措施，批量解决。`,
    rows: [
      ['批次', m.batchId],
      ['问题类别', m.category],
      ['涉及企业', `${m.enterpriseCount} 家`],
      ['涉及责任单位', m.unitNames.join('、') || '（无）'],
    ],
    list: { title: '涉及问题编号', items: m.issueIds },
  });
}

export interface ReassignedMailInput {
  issue: MailIssue;
  unitName: string;
  newUnitName: string;
}

/** 改派告知: to the unit whose assignment ended by 改派. */
export function renderReassignedMail(m: ReassignedMailInput): RenderedMail {
  const i = m.issue;
  return renderNoticeMail({
    subject: `【四保】改派告知 ${i.id}：已改由${m.newUnitName}办理`,
    heading: '改派告知',
    intro: `${m.unitName}：经指挥部办公室协调，问题 ${i.id} 已改由${m.newUnitName}办理，贵单位此前的交办记录予以保留，原邮件中的办理链接已失效。`,
    rows: [['编号', i.id], ['问题类别', i.category], ['反映企业', enterpriseLabel(i)], ['新责任单位', m.newUnitName]],
  });
}

export interface ExtendMailInput {
  issue: MailIssue;
  unitName: string;
  /** The deadline before this extension and the new one. */
  previousResolveBy?: string;
  resolveBy: string;
  reason: string;
}

/** 延期: the command office extended the 办结时限. */
export function renderExtendMail(m: ExtendMailInput): RenderedMail {
  const i = m.issue;
  return renderNoticeMail({
    subject: `【四保】办结时限延期 ${i.id}：延至 ${m.resolveBy}`,
    heading: '办结时限延期',
    intro: `${m.unitName}：经指挥部办公室同意，问题 ${i.id} 的办结时限延至 ${m.resolveBy} 24:00。`,
    rows: [
      ['编号', i.id],
      ['问题类别', i.category],
      ...(m.previousResolveBy ? ([['原办结时限', m.previousResolveBy]] as [string, string][]) : []),
      ['新办结时限', `${m.resolveBy} 24:00 前`],
      ['延期理由', m.reason],
    ],
  });
}
