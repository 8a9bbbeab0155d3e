// The one catalog of what can be done to an issue and of the mails that ask for it. Everything else
// reads it: the lifecycle (who may act, from which states, which text is required), the mail
// buttons (which links a mail carries, their labels and colours), the confirmation pages behind the
// links (fields, success message), the API's command endpoint (which actions, input limits) and the
// dispatcher (the typed, parsed notifications). Data, zod schemas and the small readers of both.
//
// Adding a mail action: an entry in ACTIONS (its input type follows from its fields), a LINKS entry
// when a mail carries it, the link id in the MAILS entry that carries it, a MAILS entry and its data
// in mailSchemas() when it sends a new mail — all here — then its transition (lifecycle.ts) and its
// template (mail-templates.ts). The compiler refuses a new action without its transition, a new
// mail without its data schema or without its renderer.
import * as z from 'zod/mini';
import { FOLLOW_UP_RESULTS, ISSUE_STATUSES, URGENCIES, URGENCY_CHECKS, type DecisionAnswer, type IssueStatus } from '../rows/kinds.js';
import { stripControlChars } from '../rows/limits.js';

// ---- actions ------------------------------------------------------------------------------------

/** Who acts: a responsible unit (via its signed link), the enterprise (follow-up link), or the command office. */
export type IssueActor =
  | { role: 'unit'; unit: string; by?: string }
  | { role: 'enterprise'; by?: string }
  | { role: 'command'; by?: string };

export type ActorRole = IssueActor['role'];

/** Roles in the order messages name them. */
export const ROLE_ORDER: readonly ActorRole[] = ['unit', 'enterprise', 'command'];

/** Codes of a required free-text field left empty or too long (checked by the lifecycle). */
export type FieldErrorCode = 'reason_required' | 'note_required' | 'result_required';

/** One input of an action: a form field of its confirmation page, a property of the API body. */
export interface ActionField {
  /** Form field and API property; also the property of the lifecycle action. */
  name: string;
  /** Short Chinese name, used in messages (请填写退回理由). */
  label: string;
  /** Added to the label on the page: 退回理由（说明为何不属于本单位职责）. */
  hint?: string;
  required: boolean;
  /** Longest accepted value, characters. */
  max: number;
  /** A closed choice (a select on the page); the lifecycle checks the value. */
  choices?: readonly string[];
  /** A date input on the page (ISO date). */
  date?: boolean;
  /**
   * Free text the lifecycle checks itself (empty or longer than `max` → this code). Fields without
   * a code (a unit, a date, a choice) are checked by their transition with their own codes.
   */
  code?: FieldErrorCode;
}

export interface ActionDef {
  /** Chinese label: buttons, pages, messages. */
  label: string;
  /** Who may take it. */
  by: readonly ActorRole[];
  /** Statuses it may start from (the transition table of SPEC §4). */
  from: readonly IssueStatus[];
  fields: readonly ActionField[];
  /** Offered to the command office through `POST /v1/issues/{id}/actions`. */
  api?: boolean;
}

/** Longest free text accepted in a reason, note or result. */
export const MAX_TEXT = 2000;

const UNSIGNED = ['待分派', '已交办'] as const;
/** What a problem handed up becomes: 超出协调范围 (the county command) or 重大问题 (county leadership too). */
export const ESCALATION_LEVELS = ['超出协调范围', '重大问题'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];
const UNRESOLVED = ['待分派', '已交办', '已签收', '办理中'] as const;
const NOTE = { name: 'note', label: '备注', required: false, max: MAX_TEXT } as const;

/** Every action, by the lifecycle's action type. */
export const ACTIONS = {
  sign: { label: '签收', by: ['unit'], from: UNSIGNED, fields: [] },
  return: {
    label: '退回',
    by: ['unit'],
    from: ['已交办', '已签收', '办理中'],
    fields: [{ name: 'reason', label: '退回理由', hint: '说明为何不属于本单位职责', required: true, max: MAX_TEXT, code: 'reason_required' }],
  },
  progress: {
    label: '反馈进展',
    by: ['unit'],
    from: UNRESOLVED,
    fields: [{ name: 'note', label: '进展情况', required: true, max: MAX_TEXT, code: 'note_required' }],
  },
  resolve: {
    label: '反馈办理结果',
    by: ['unit'],
    from: UNRESOLVED,
    fields: [{ name: 'result', label: '办理结果', required: true, max: MAX_TEXT, code: 'result_required' }],
  },
  /** The enterprise's answer (its link) or the command office's record of a phone visit (API). */
  follow_up: {
    label: '回访',
    by: ['enterprise', 'command'],
    from: ['已办结'],
    fields: [{ name: 'result', label: '回访结果', required: true, max: 20 }, NOTE],
    api: true,
  },
  reassign: {
    label: '改派',
    by: ['command'],
    from: UNRESOLVED,
    // urgency: the command office's finding on an enterprise's 紧急 (SPEC §7.8), required while it waits at triage.
    fields: [{ name: 'unit', label: '改派目标', required: true, max: 200 }, { name: 'urgency', label: '核实紧急程度', required: false, max: 10, choices: URGENCIES }, NOTE],
    api: true,
  },
  extend: {
    label: '延期',
    by: ['command'],
    from: UNRESOLVED,
    fields: [
      { name: 'resolveBy', label: '延期后的办结时限', required: true, max: 40 },
      { name: 'reason', label: '延期理由', required: true, max: MAX_TEXT, code: 'reason_required' },
    ],
    api: true,
  },
  verify_close: { label: '核实销号', by: ['command'], from: ['已办结', '已回访'], fields: [NOTE], api: true },
  /** 同意 on a unit's 申请上报 (or the command office's own call): the escalation of SPEC §7.1. */
  report_up: {
    label: '上报',
    by: ['command'],
    from: UNRESOLVED,
    fields: [{ name: 'level', label: '上报类型', required: true, max: 20, choices: ESCALATION_LEVELS }, NOTE],
  },
  /** The command office's answer to a common-problem batch closes a member issue (办理结果 = the answer). */
  answer_batch: {
    label: '批量答复办结',
    by: ['command'],
    from: UNRESOLVED,
    fields: [{ name: 'result', label: '答复内容', required: true, max: MAX_TEXT, code: 'result_required' }],
  },
  /** The unit asks the command office for a later 办结时限 (a decision, SPEC §7.2). */
  request_extend: {
    label: '申请延期',
    by: ['unit'],
    from: UNRESOLVED,
    fields: [
      { name: 'date', label: '申请延至', hint: '新的办结时限', required: true, max: 40, date: true },
      { name: 'reason', label: '延期理由', required: true, max: MAX_TEXT, code: 'reason_required' },
    ],
  },
  /** The unit hands the problem up (超出协调范围 or 重大问题), for the command office to decide. */
  request_escalate: {
    label: '申请上报',
    by: ['unit'],
    from: UNRESOLVED,
    fields: [
      { name: 'level', label: '上报类型', required: true, max: 20, choices: ESCALATION_LEVELS },
      { name: 'reason', label: '上报理由', required: true, max: MAX_TEXT, code: 'reason_required' },
    ],
  },
  close: { label: '销号', by: ['command'], from: ['已回访'], fields: [NOTE], api: true },
} as const satisfies Record<string, ActionDef>;

export type IssueActionType = keyof typeof ACTIONS;

/** The action types in catalog order. */
export const ACTION_TYPES = Object.keys(ACTIONS) as IssueActionType[];

type FieldOf<T extends IssueActionType> = (typeof ACTIONS)[T]['fields'][number];
type InputOf<T extends IssueActionType> = { [F in FieldOf<T> as F extends { required: true } ? F['name'] : never]: string } & {
  [F in FieldOf<T> as F extends { required: true } ? never : F['name']]?: string;
};

/**
 * A lifecycle action: its type, who acts, the assignment its link belongs to (a later assignment
 * makes the link stale) and its fields' values (required ones as strings, optional ones possibly
 * absent). The input type follows from the catalog's fields.
 */
export type IssueAction = {
  [T in IssueActionType]: { type: T; actor: IssueActor; assignment?: number } & InputOf<T>;
}[IssueActionType];

/** An action's catalog entry, as the general ActionDef. */
export function actionDef(type: IssueActionType): ActionDef {
  return ACTIONS[type];
}

export function isActionType(value: unknown): value is IssueActionType {
  return typeof value === 'string' && Object.hasOwn(ACTIONS, value);
}

/** The API's actions, in catalog order. */
export const API_ACTIONS = ACTION_TYPES.filter((t) => actionDef(t).api === true);

// ---- mail links ---------------------------------------------------------------------------------

export interface LinkDef {
  /** The action it takes. */
  action: IssueActionType;
  /** Button and page label (default: the action's). */
  label: string;
  /** Who the link is for (the actor of the action it takes). */
  as: ActorRole;
  /** Fields of its confirmation page (default: the action's). */
  fields: readonly ActionField[];
  /** Values fixed by the link (the follow-up result of 满意, …). */
  preset?: Readonly<Record<string, string>>;
  /** Button colour in the mail. */
  colour: string;
  /** A cautionary action (退回, 不满意): its confirm button takes its colour instead of green. */
  caution?: boolean;
  /** Show the unit's reported result on the page instead of the deadlines (follow-up, verification). */
  showResult?: boolean;
  /** Success page text. */
  done(issueId: string): string;
}

const GREEN = '#1a7f37';
const BLUE = '#0b5cad';

function link(action: IssueActionType, d: Omit<LinkDef, 'action' | 'label' | 'as' | 'fields'> & Partial<Pick<LinkDef, 'label' | 'as' | 'fields'>>): LinkDef {
  const a = actionDef(action);
  return { action, label: a.label, as: a.by[0], fields: a.fields, ...d };
}

function followUpLink(result: (typeof FOLLOW_UP_RESULTS)[number], colour: string): LinkDef {
  const unhappy = result === '不满意';
  return link('follow_up', {
    label: result,
    as: 'enterprise',
    preset: { result },
    fields: [unhappy ? { name: 'note', label: '不满意的原因', hint: '便于重新办理', required: false, max: MAX_TEXT } : { name: 'note', label: '意见或建议', required: false, max: MAX_TEXT }],
    colour,
    caution: unhappy,
    showResult: true,
    done: (id) => (unhappy ? `感谢反馈。问题 ${id} 将重新交办责任单位办理，办理完毕后会再次回访。` : `感谢您的评价（${result}）。问题 ${id} 的回访已记录。`),
  });
}

/** The actions a mail can carry as a signed link (`/a/{token}`), by link id (the token's `action`). */
export const LINKS = {
  sign: link('sign', { colour: GREEN, done: (id) => `问题 ${id} 已签收。请在办结时限内办理，并通过邮件中的“反馈办理结果”链接反馈。` }),
  return: link('return', { colour: '#9a6700', caution: true, done: (id) => `问题 ${id} 已退回指挥部办公室重新分派。` }),
  progress: link('progress', { colour: '#6f42c1', done: (id) => `问题 ${id} 的办理进展已记录。办结后请通过“反馈办理结果”链接反馈。` }),
  resolve: link('resolve', { colour: BLUE, done: (id) => `问题 ${id} 的办理结果已提交，指挥部将安排回访。` }),
  'follow_up:满意': followUpLink('满意', GREEN),
  'follow_up:基本满意': followUpLink('基本满意', BLUE),
  'follow_up:不满意': followUpLink('不满意', '#b00020'),
  request_extend: link('request_extend', { colour: '#57606a', done: (id) => `问题 ${id} 的延期申请已提交指挥部办公室，审批结果将以邮件告知。` }),
  request_escalate: link('request_escalate', { colour: '#57606a', done: (id) => `问题 ${id} 的上报申请已提交指挥部办公室，审批结果将以邮件告知。` }),
  verify_close: link('verify_close', {
    fields: [{ name: 'note', label: '核实情况', hint: '选填', required: false, max: MAX_TEXT }],
    colour: GREEN,
    showResult: true,
    done: (id) => `问题 ${id} 已核实销号。`,
  }),
} satisfies Record<string, LinkDef>;

export type LinkId = keyof typeof LINKS;

export function linkDef(id: string): LinkDef | undefined {
  return Object.hasOwn(LINKS, id) ? LINKS[id as LinkId] : undefined;
}

/**
 * The lifecycle action a link or an API call asks for: the action's fields taken from `input`
 * (a required field missing becomes '' so the lifecycle names it; an empty optional one is absent),
 * then the link's preset values.
 */
export function actionInput(
  type: IssueActionType,
  fields: readonly ActionField[],
  actor: IssueActor,
  input: (name: string) => string | undefined,
  extra: { assignment?: number; preset?: Readonly<Record<string, string>> } = {},
): IssueAction {
  const out: Record<string, unknown> = { type, actor };
  if (extra.assignment !== undefined) out.assignment = extra.assignment;
  for (const f of fields) {
    // Free text from a form or the API, without control characters (SPEC §7.5, rows/limits.ts).
    const raw = input(f.name);
    const v = raw === undefined ? undefined : stripControlChars(raw);
    if (f.required) out[f.name] = v ?? '';
    else if (v) out[f.name] = v;
  }
  Object.assign(out, extra.preset);
  // The keys are the catalog's fields of `type`, which is what IssueAction is made of.
  return out as IssueAction;
}

// ---- the command office's decisions (SPEC §7.2) ------------------------------------------------

/** Every kind of decision the command office's one queue holds. */
export const DECISION_TYPES = ['triage', 'reassign_request', 'extend_request', 'escalate_request', 'inspection', 'verify_close', 'batch', 'shutdown'] as const;
export type DecisionType = (typeof DECISION_TYPES)[number];

export const DECISION_LABELS: Record<DecisionType, string> = {
  triage: '待分派',
  reassign_request: '改派申请',
  extend_request: '延期申请',
  escalate_request: '上报申请',
  inspection: '检查报备审批',
  verify_close: '核实销号',
  batch: '共性问题答复',
  shutdown: '停产停工审批',
};

/** One answer to a decision: its button, whether it grants what was asked, its note field. */
export interface DecisionOption {
  label: DecisionAnswer;
  grants: boolean;
  colour: string;
  caution?: boolean;
  /** The note field of its form (审批意见, 意见, 答复内容). */
  note: ActionField;
  /** The state the subject is in after this answer (状态 of an inspection, of a request). */
  status: string;
}

const APPROVE_NOTE = { name: 'note', label: '审批意见', hint: '选填', required: false, max: 500 } as const;
const REFUSE_NOTE = { name: 'note', label: '审批意见', hint: '驳回须说明理由', required: true, max: 500, code: 'note_required' } as const;
const AGREE: DecisionOption = { label: '同意', grants: true, colour: GREEN, note: { name: 'note', label: '意见', hint: '选填', required: false, max: MAX_TEXT }, status: '已同意' };
const DISAGREE: DecisionOption = {
  label: '不同意',
  grants: false,
  colour: '#b00020',
  caution: true,
  note: { name: 'note', label: '意见', hint: '说明理由', required: true, max: MAX_TEXT, code: 'note_required' },
  status: '不同意',
};

/** The answers of each decision type that mails offer as signed links (`decide:<label>`). */
export const DECISION_OPTIONS: Partial<Record<DecisionType, readonly DecisionOption[]>> = {
  inspection: [
    { label: '批准', grants: true, colour: GREEN, note: APPROVE_NOTE, status: '已批准' },
    { label: '驳回', grants: false, colour: '#b00020', caution: true, note: REFUSE_NOTE, status: '已驳回' },
  ],
  // 停产停工 (SPEC §7.3 "approval as for inspections"): 批准/驳回, its 状态 of SHUTDOWN_STATUSES.
  shutdown: [
    { label: '批准', grants: true, colour: GREEN, note: APPROVE_NOTE, status: '已同意' },
    { label: '驳回', grants: false, colour: '#b00020', caution: true, note: REFUSE_NOTE, status: '已驳回' },
  ],
  extend_request: [AGREE, DISAGREE],
  escalate_request: [AGREE, DISAGREE],
  // 改派申请 (an edit of 指定责任单位, edits.ts): 同意 applies the command office's 改派.
  reassign_request: [AGREE, DISAGREE],
  batch: [{ label: '答复', grants: true, colour: BLUE, note: { name: 'note', label: '答复内容', required: true, max: MAX_TEXT, code: 'note_required' }, status: '已答复' }],
  // An issue in 待分派 waits at triage; 分派 (with `unit`) applies the command office's 改派.
  triage: [{ label: '分派', grants: true, colour: BLUE, note: { name: 'note', label: '分派说明', hint: '选填', required: false, max: MAX_TEXT }, status: '已交办' }],
  // An issue in 已办结 / 已回访 waits for the command office; the answer applies the lifecycle's verify_close.
  verify_close: [{ label: '核实销号', grants: true, colour: GREEN, note: { name: 'note', label: '核实情况', hint: '选填', required: false, max: MAX_TEXT }, status: '已销号' }],
};

/** Link ids of the decision answers (the token's `action`): `decide:批准`. */
export const DECISION_LINK_PREFIX = 'decide:';

export function decisionOptions(type: DecisionType): readonly DecisionOption[] {
  return DECISION_OPTIONS[type] ?? [];
}

export function decisionOption(type: DecisionType, label: string): DecisionOption | undefined {
  return decisionOptions(type).find((o) => o.label === label);
}

export function isDecisionType(value: unknown): value is DecisionType {
  return typeof value === 'string' && (DECISION_TYPES as readonly string[]).includes(value);
}

// ---- mails --------------------------------------------------------------------------------------

/**
 * The data of each template, as zod schemas. Built on first use (parseNotification): bundles that
 * only create notifications (API, sweep) carry their types, not zod's code.
 */
function mailSchemas() {
  const text = z.string();
  const optText = z.optional(z.string());
  const nullText = z.nullable(z.string());
  /** What every issue mail says about the issue and the assignment it concerns (lifecycle issueData). */
  const issue = z.object({
    issueId: text,
    /** Index of the assignment the mail concerns (the links' assignment). */
    assignment: z.number(),
    unit: text,
    unitName: text,
    also: z.array(text),
    status: z.enum(ISSUE_STATUSES),
    category: text,
    description: text,
    enterpriseCode: nullText,
    enterpriseName: nullText,
    sector: nullText,
    locality: nullText,
    urgency: text,
    major: z.boolean(),
    beyondScope: z.boolean(),
    reportedOn: text,
    signBy: text,
    feedbackBy: text,
    resolveBy: text,
    triage: z.boolean(),
    /** An enterprise's 紧急 still to be confirmed at triage (absent in mails written before it existed). */
    urgencyCheck: z.optional(z.enum(URGENCY_CHECKS)),
  });
  const assignment = z.extend(issue, {
    /**
     * Why the unit receives it: a fresh issue, or one returned, reassigned or reopened (重新办理);
     * `escalated`: a copy because the issue was marked 重大问题 / 超出协调范围 after routing.
     */
    reason: z.enum(['new', 'returned', 'reassigned', 'reopened', 'escalated']),
    /** How routing chose the unit (new issues). */
    how: optText,
    returnReason: optText,
    previousUnit: optText,
    previousUnitName: optText,
    previousResult: z.optional(nullText),
  });
  const decision = z.object({
    decisionId: text,
    decisionType: z.enum(DECISION_TYPES),
    /** What is asked, one line (检查报备 JC-… ：事项). */
    subject: text,
    requesterName: text,
    rows: z.array(z.object({ label: text, text: text })),
    quote: optText,
    /** Decide by (ISO date), when the type has a time limit. */
    decideBy: optText,
  });
  const deadline = z.extend(issue, { deadline: z.enum(['sign', 'feedback', 'resolve']), deadlineLabel: text, date: text });
  const result = z.extend(issue, { result: text });
  const escalation = z.extend(issue, { level: z.number(), target: text, targetName: text, since: text, workdaysOverdue: z.number() });
  return {
    issue,
    assign: assignment,
    copy: assignment,
    reassigned: z.extend(issue, { newUnit: text, newUnitName: text }),
    extend: z.extend(issue, { reason: text, previousResolveBy: optText }),
    remind: deadline,
    overdue: deadline,
    overdue_copy: deadline,
    escalate: escalation,
    escalate_unit: escalation,
    escalate_copy: escalation,
    follow_up: result,
    verify_list: z.extend(result, { followUpByPhone: z.boolean() }),
    /** 补充说明: the sheet's 问题描述 changed after routing (edits.ts); `description` is the new one. */
    supplement: z.extend(issue, { previousDescription: text, by: text }),
    /** Copy to the units a 上报 added (指挥部, 县领导). */
    reported_up: z.extend(issue, { level: text, note: optText }),
    /** A decision for the command office (its answers: DECISION_OPTIONS of its type). */
    decision: decision,
    decision_remind: decision,
    /** The decision, to who asked (发起单位, the requesting unit). */
    decision_result: z.extend(decision, { outcome: text, note: optText }),
    batch: z.object({
      batchId: text,
      category: text,
      from: text,
      to: text,
      /** Every member issue (any status) and the distinct enterprises among them. */
      issueIds: z.array(text),
      enterpriseCount: z.number(),
      /** First and last 反映日期 of the members, and how many are open (absent in older notifications). */
      firstReported: optText,
      lastReported: optText,
      openCount: z.optional(z.number()),
      /** 单位编码 of the member issues' current units, and their names (set by the sweep). */
      units: z.array(text),
      unitNames: z.optional(z.array(text)),
    }),
  };
}

type MailSchemas = ReturnType<typeof mailSchemas>;

export type IssueMailData = z.output<MailSchemas['issue']>;

/**
 * Who a mail is written for. A mail speaks to one reader: the responsible unit (`unit`), other units
 * copied for information (`copied`), the unit one level up asked to press for action (`upper`, 督办),
 * the command office (`command`) or the enterprise (`enterprise`). Its links are that reader's own
 * actions (catalog test: every link's `as` is the audience's role; `copied` and `upper` get none), so
 * a command-office copy never carries a unit's 签收/反馈 links.
 */
export type MailAudience = 'unit' | 'copied' | 'upper' | 'command' | 'enterprise';

/** The actor role whose links a mail of this audience may carry (null: no links). */
export const AUDIENCE_ROLE: { readonly [A in MailAudience]: ActorRole | null } = {
  unit: 'unit',
  copied: null,
  upper: null,
  command: 'command',
  enterprise: 'enterprise',
};

export interface MailDef {
  /** Chinese name (in warnings: 「交办」通知无法发送). */
  label: string;
  /** The links the mail carries, in button order. */
  links: readonly LinkId[];
  /**
   * Links re-checked against the issue when the mail is sent (reminders): none once the mail's
   * assignment has ended, and only the actions its current status allows.
   */
  live?: boolean;
  /** Carries the answers of its decision (DECISION_OPTIONS of data.decisionType) as `decide:` links. */
  decision?: boolean;
}

const UNIT_WORK = ['sign', 'progress', 'resolve'] as const;

/** Every mail a state change can call for, by template (its data: mailSchemas). */
export const MAILS = {
  assign: { label: '交办', links: ['sign', 'return', 'progress', 'resolve', 'request_extend', 'request_escalate'] },
  copy: { label: '抄送', links: [] },
  reassigned: { label: '改派告知', links: [] },
  extend: { label: '延期', links: [] },
  remind: { label: '时限提醒', links: UNIT_WORK, live: true },
  overdue: { label: '逾期', links: UNIT_WORK, live: true },
  overdue_copy: { label: '逾期抄送', links: [] },
  escalate: { label: '升级督办', links: [] },
  escalate_unit: { label: '升级督办告知', links: UNIT_WORK, live: true },
  escalate_copy: { label: '升级督办抄送', links: [] },
  follow_up: { label: '回访', links: ['follow_up:满意', 'follow_up:基本满意', 'follow_up:不满意'] },
  verify_list: { label: '待核实销号', links: ['verify_close'] },
  batch: { label: '共性问题', links: [] },
  supplement: { label: '补充说明', links: [] },
  reported_up: { label: '上报', links: [] },
  decision: { label: '待审批', links: [], decision: true },
  decision_remind: { label: '审批提醒', links: [], decision: true },
  decision_result: { label: '审批结果', links: [] },
} as const satisfies { [T in Exclude<keyof MailSchemas, 'issue'>]: MailDef };

export type Template = keyof typeof MAILS;

/**
 * The one reader each mail is written for (see MailAudience); its links are that reader's own. Kept
 * beside MAILS rather than in it so that bundles which only create notifications (the API) do not
 * carry it; a template without an audience does not compile.
 */
export const AUDIENCES: { readonly [T in Template]: MailAudience } = {
  assign: 'unit',
  copy: 'copied',
  reassigned: 'unit',
  extend: 'unit',
  remind: 'unit',
  overdue: 'unit',
  overdue_copy: 'command',
  escalate: 'upper',
  escalate_unit: 'unit',
  escalate_copy: 'command',
  follow_up: 'enterprise',
  verify_list: 'command',
  batch: 'command',
  supplement: 'unit',
  reported_up: 'copied',
  decision: 'command',
  decision_remind: 'command',
  decision_result: 'unit',
};
export const TEMPLATES = Object.keys(MAILS) as Template[];

export type MailData<T extends Template> = z.output<MailSchemas[T]>;

/** A notification a state change calls for; sent by the dispatcher exactly once per recipient. */
export interface NotificationOf<T extends Template> {
  /** De-duplication key, stable for the state change that caused it (e.g. `WT-20220606-001#assign#1#unit`). */
  key: string;
  template: T;
  to: string[];
  cc?: string[];
  /** Template data, JSON-serialisable. */
  data: MailData<T>;
  createdAt: number;
}

export type Notification = { [T in Template]: NotificationOf<T> }[Template];

function buildNotificationSchema(): z.ZodMiniType<Notification> {
  const data = mailSchemas();
  const address = z.string().check(z.minLength(1));
  const variants = TEMPLATES.map((t) =>
    z.object({
      key: z.string().check(z.minLength(1)),
      template: z.literal(t),
      to: z.array(address),
      cc: z.optional(z.array(address)),
      data: data[t],
      createdAt: z.number().check(z.int(), z.nonnegative()),
    }),
  );
  // Each variant is NotificationOf<t> for its t: together, Notification.
  return z.discriminatedUnion('template', variants as [(typeof variants)[number], ...(typeof variants)[number][]]) as unknown as z.ZodMiniType<Notification>;
}

/** The stored notification, checked where it is read back (the dispatcher); unknown keys are dropped. */
export const notificationSchema = /* @__PURE__ */ buildNotificationSchema();

/** Parse a stored notification: typed, or why it cannot be sent (unknown template, bad data). */
export function parseNotification(value: unknown): { ok: true; notification: Notification } | { ok: false; reason: 'unknown_template' | 'invalid_data'; problems: string[] } {
  const t = (value as { template?: unknown } | null)?.template;
  if (typeof t !== 'string' || !Object.hasOwn(MAILS, t)) return { ok: false, reason: 'unknown_template', problems: [`template ${String(t)}`] };
  const res = notificationSchema.safeParse(value);
  if (res.success) return { ok: true, notification: res.data };
  return { ok: false, reason: 'invalid_data', problems: res.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`) };
}

// ---- 政策推送: the enterprise's answers to a pushed policy (SPEC §7.4) ------------------------------

/** The answers, in button order. A signed `/f/` link per policy and answer; a later answer replaces an earlier one. */
export const POLICY_FEEDBACK = ['已了解', '申请中', '已兑现', '不适用'] as const;
export type PolicyFeedback = (typeof POLICY_FEEDBACK)[number];

export interface FeedbackLinkDef {
  colour: string;
  /** Success page text. */
  done(policyName: string): string;
}

export const FEEDBACK_LINKS: Record<PolicyFeedback, FeedbackLinkDef> = {
  已了解: { colour: BLUE, done: (p) => `已记录：您已了解「${p}」。如需申报，可联系邮件中的政策咨询员。` },
  申请中: { colour: '#6f42c1', done: (p) => `已记录：「${p}」申请中。兑现后请再点一次“已兑现”。` },
  已兑现: { colour: GREEN, done: (p) => `已记录：「${p}」已兑现。感谢反馈。` },
  不适用: { colour: '#9a6700', done: (p) => `已记录：「${p}」对贵企业不适用。` },
};

export function isPolicyFeedback(v: unknown): v is PolicyFeedback {
  return typeof v === 'string' && (POLICY_FEEDBACK as readonly string[]).includes(v);
}

/** The mails that are not about an issue, by template (usecases/policy-push.ts sends them). */
export const STANDALONE_MAILS = {
  policy_push: { label: '政策推送' },
  policy_reminder: { label: '政策清单报备提醒' },
} as const;
