// The one-click actions of the emailed links, as a table: each entry says how a signed token plus
// the posted form becomes a lifecycle action (domain/lifecycle.ts applyAction). GET only shows a
// confirmation page; POST verifies the token, applies the action and consumes the token's nonce in
// the SAME conditional item write as the state change and the notifications it causes.
//
// Also the command office's actions (改派, 延期, 核实销号, 电话回访, 销号) behind the authenticated API
// (`POST /v1/issues/{id}/actions`): same lifecycle, same single conditional write.
import { createCalendar } from '../../domain/time/calendar.js';
import {
  ALLOWED_FROM,
  applyAction,
  currentAssignment,
  currentIndex,
  type ActionResult,
  type IssueAction,
  type IssueActionType,
  type LifecycleContext,
} from '../../domain/issues/lifecycle.js';
import { dueForSweep, sweepSchedule } from '../../domain/issues/sweep.js';
import type { Profile } from '../../domain/rows/types.js';
import type { IssueRecord, Notification } from '../../domain/issues/types.js';
import { verifyActionToken, type ActionTokenPayload } from './action-token.js';
import { confirmView, messageView, type PageField, type PageResponse, type PageView } from './page-views.js';
import type { Clock, Log, Store, StoredIssue } from '../ports.js';

export interface LinkActionDef {
  /** The lifecycle action it becomes. */
  type: IssueActionType;
  /** Label in the email and on the page. */
  label: string;
  /** false: the link is recognised but the action is not offered (page says so; nothing changes). */
  enabled: boolean;
  fields: Omit<PageField, 'value'>[];
  /** Show the unit's reported result on the confirmation page (follow-up, verification). */
  showResult?: boolean;
  toAction(token: ActionTokenPayload, form: URLSearchParams): IssueAction;
  /** Success message. */
  done(issueId: string): string;
}

const unitActor = (t: ActionTokenPayload) => ({ role: 'unit' as const, unit: t.unit, by: t.recipient });
const formText = (f: URLSearchParams, name: string) => f.get(name) ?? '';

function followUpLink(result: '满意' | '基本满意' | '不满意'): LinkActionDef {
  return {
    type: 'follow_up',
    label: result,
    enabled: true,
    showResult: true,
    fields: [{ name: 'note', label: result === '不满意' ? '不满意的原因（便于重新办理）' : '意见或建议', required: false }],
    toAction: (t, f) => ({ type: 'follow_up', actor: { role: 'enterprise', by: t.recipient }, assignment: t.assignment, result, note: formText(f, 'note') || undefined }),
    done: (id) =>
      result === '不满意'
        ? `感谢反馈。问题 ${id} 将重新交办责任单位办理，办理完毕后会再次回访。`
        : `感谢您的评价（${result}）。问题 ${id} 的回访已记录。`,
  };
}

export const LINK_ACTIONS: Record<string, LinkActionDef> = {
  sign: {
    type: 'sign',
    label: '签收',
    enabled: true,
    fields: [],
    toAction: (t) => ({ type: 'sign', actor: unitActor(t), assignment: t.assignment }),
    done: (id) => `问题 ${id} 已签收。请在办结时限内办理，并通过邮件中的“反馈办理结果”链接反馈。`,
  },
  return: {
    type: 'return',
    label: '退回',
    enabled: true,
    fields: [{ name: 'reason', label: '退回理由（说明为何不属于本单位职责）', required: true }],
    toAction: (t, f) => ({ type: 'return', actor: unitActor(t), assignment: t.assignment, reason: formText(f, 'reason') }),
    done: (id) => `问题 ${id} 已退回指挥部办公室重新分派。`,
  },
  progress: {
    type: 'progress',
    label: '反馈进展',
    enabled: true,
    fields: [{ name: 'note', label: '进展情况', required: true }],
    toAction: (t, f) => ({ type: 'progress', actor: unitActor(t), assignment: t.assignment, note: formText(f, 'note') }),
    done: (id) => `问题 ${id} 的办理进展已记录。办结后请通过“反馈办理结果”链接反馈。`,
  },
  resolve: {
    type: 'resolve',
    label: '反馈办理结果',
    enabled: true,
    fields: [{ name: 'result', label: '办理结果', required: true }],
    toAction: (t, f) => ({ type: 'resolve', actor: unitActor(t), assignment: t.assignment, result: formText(f, 'result') }),
    done: (id) => `问题 ${id} 的办理结果已提交，指挥部将安排回访。`,
  },
  'follow_up:满意': followUpLink('满意'),
  'follow_up:基本满意': followUpLink('基本满意'),
  'follow_up:不满意': followUpLink('不满意'),
  verify_close: {
    type: 'verify_close',
    label: '核实销号',
    enabled: true,
    showResult: true,
    fields: [{ name: 'note', label: '核实情况（选填）', required: false }],
    toAction: (t, f) => ({ type: 'verify_close', actor: { role: 'command', by: t.recipient }, note: formText(f, 'note') || undefined }),
    done: (id) => `问题 ${id} 已核实销号。`,
  },
};

export interface ActionDeps {
  store: Store;
  clock: Clock;
  log: Log;
  actionSecrets: readonly string[];
  getProfile(): Promise<Profile | null>;
}

export type { PageResponse };

const MAX_ATTEMPTS = 4;

export function lifecycleContext(profile: Profile, now: number): LifecycleContext {
  return { now, profile, calendar: createCalendar(profile.calendarOverrides) };
}

/**
 * The stored item after a lifecycle change: new record, its notifications added to the outbox, the
 * sweep schedule recomputed (so the deadline index points at the next reminder/overdue/escalation).
 */
export function applyChange(
  cur: StoredIssue,
  record: IssueRecord,
  notifications: readonly Notification[],
  ctx: LifecycleContext,
  updatedBy: string,
  extra: Partial<StoredIssue> = {},
): StoredIssue {
  return {
    ...cur,
    ...extra,
    record,
    revision: cur.revision + 1,
    updatedBy,
    pending: { ...cur.pending, ...Object.fromEntries(notifications.map((n) => [n.key, n])) },
    sweep: sweepSchedule(record, dueForSweep(record, ctx, Math.max(ctx.now, record.updatedAt))),
  };
}

type Checked = { ok: true; token: ActionTokenPayload; def: LinkActionDef; issue: StoredIssue } | { ok: false; page: PageResponse };

const gone = (title: string, message: string): PageResponse => ({ statusCode: 410, view: messageView(title, message) });

async function check(deps: ActionDeps, rawToken: string): Promise<Checked> {
  const v = verifyActionToken(rawToken, deps.actionSecrets, deps.clock.now());
  if (!v.ok && v.reason === 'expired') {
    return { ok: false, page: gone('链接已过期', '该办理链接已超过有效期，不能再使用，本次未做任何更改。请联系指挥部办公室，或使用最新通知邮件中的链接。') };
  }
  if (!v.ok) {
    return { ok: false, page: { statusCode: 403, view: messageView('链接无效', '该链接无法验证（可能复制不完整或被修改），本次未做任何更改。请从通知邮件中重新打开完整链接。') } };
  }
  const def = LINK_ACTIONS[v.payload.action];
  if (!def) return { ok: false, page: { statusCode: 403, view: messageView('链接无效', '该链接对应的操作不存在，本次未做任何更改。') } };
  const issue = await deps.store.getIssue(v.payload.issueId);
  if (!issue) return { ok: false, page: { statusCode: 404, view: messageView('问题不存在', `未找到编号为 ${v.payload.issueId} 的问题，请联系指挥部办公室。`) } };
  if (issue.usedTokens[v.payload.nonce] !== undefined) {
    return { ok: false, page: gone('链接已使用', `该链接已使用过（问题 ${issue.record.id} 已${def.label}），每个链接只能使用一次，无需重复操作。`) };
  }
  const r = issue.record;
  if (r.assignments.length === 0 || v.payload.assignment !== currentIndex(r)) {
    return { ok: false, page: gone('链接已失效', `问题 ${r.id} 已退回、改派或重新办理，该链接对应的交办已结束，不能再${def.label}；请以最新的通知邮件为准。`) };
  }
  if (!ALLOWED_FROM[def.type].includes(r.status)) {
    return { ok: false, page: gone(`无需${def.label}`, `问题 ${r.id} 当前状态为「${r.status}」，不能再${def.label}，本次未做任何更改。`) };
  }
  return { ok: true, token: v.payload, def, issue };
}

function confirmFor(c: Extract<Checked, { ok: true }>, profile: Profile | null, error?: string, form?: URLSearchParams): PageView {
  const r = c.issue.record;
  const a = currentAssignment(r);
  const unitName = (code: string) => profile?.units.find((u) => u.code === code)?.name ?? code;
  return confirmView({
    actionLabel: c.def.label,
    issueId: r.id,
    category: r.issue.category,
    description: r.issue.description,
    enterprise: [r.issue.enterpriseName, r.issue.enterpriseCode].filter(Boolean).join(' ') || '（未填写）',
    unitName: a ? unitName(a.unit) : '',
    status: r.status,
    signBy: c.def.showResult ? undefined : a?.signBy,
    resolveBy: c.def.showResult ? undefined : a?.resolveBy,
    result: c.def.showResult ? r.result : undefined,
    fields: c.def.fields.map((f) => ({ ...f, value: form?.get(f.name) ?? '' })),
    error,
  });
}

const notOffered = (def: LinkActionDef): PageResponse => ({
  statusCode: 501,
  view: messageView(`暂不支持在线${def.label}`, `在线“${def.label}”功能尚未开通。请直接联系指挥部办公室办理，本次未做任何更改。`),
});

/** GET /a/{token}: show what the link would do. Never changes state. */
export async function showAction(deps: ActionDeps, rawToken: string): Promise<PageResponse> {
  const c = await check(deps, rawToken);
  if (!c.ok) return c.page;
  if (!c.def.enabled) return notOffered(c.def);
  return { statusCode: 200, view: confirmFor(c, await deps.getProfile()) };
}

function refusal(label: string, result: Extract<ActionResult, { ok: false }>): PageResponse | null {
  if (result.code === 'invalid_transition' || result.code === 'stale_assignment') return gone(`无法${label}`, result.message);
  if (result.code === 'forbidden') return { statusCode: 403, view: messageView(`无权${label}`, result.message) };
  return null;
}

/** POST /a/{token}: perform the action once. */
export async function performAction(deps: ActionDeps, rawToken: string, form: URLSearchParams): Promise<PageResponse> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const c = await check(deps, rawToken);
    if (!c.ok) return c.page;
    if (!c.def.enabled) return notOffered(c.def);
    const profile = await deps.getProfile();
    if (!profile) return { statusCode: 503, view: messageView('暂时无法办理', '系统配置尚未就绪，请稍后再试或联系指挥部办公室。') };
    const now = deps.clock.now();
    const ctx = lifecycleContext(profile, now);
    const result = applyAction(c.issue.record, c.def.toAction(c.token, form), ctx);
    if (!result.ok) {
      deps.log.info('action refused', { issueId: c.issue.record.id, action: c.token.action, code: result.code });
      return refusal(c.def.label, result) ?? { statusCode: 400, view: confirmFor(c, profile, result.message, form) };
    }
    const next = applyChange(c.issue, result.record, result.notifications, ctx, `link:${c.token.recipient}`, {
      usedTokens: { ...c.issue.usedTokens, [c.token.nonce]: now },
    });
    if (await deps.store.putIssue(next, c.issue.revision)) {
      deps.log.info('action performed', { issueId: next.record.id, action: c.token.action, unit: c.token.unit });
      return { statusCode: 200, view: messageView(`已${c.def.label}`, c.def.done(next.record.id)) };
    }
    // Someone else wrote the issue meanwhile: check again from the new state.
  }
  return { statusCode: 409, view: messageView('请稍后再试', '该问题正在被同时处理，请稍后重新打开链接。') };
}

// ---- the command office's actions (authenticated API) -------------------------------------------

/** Actions the command office may take through the API. */
export const COMMAND_ACTIONS = ['reassign', 'extend', 'verify_close', 'follow_up', 'close'] as const;
export type CommandActionType = (typeof COMMAND_ACTIONS)[number];

export interface CommandActionInput {
  action: CommandActionType;
  /** 改派: the new unit (单位编码 or 单位名称). */
  unit?: string;
  /** 延期: reason (required). */
  reason?: string;
  /** 延期: new 办结时限 (YYYY-MM-DD). */
  resolveBy?: string;
  /** 电话回访: 满意 / 基本满意 / 不满意. */
  result?: string;
  note?: string;
}

export interface CommandResult {
  statusCode: number;
  body: { ok: true; issue: IssueSummary } | { error: { code: string; message: string } };
}

export interface IssueSummary {
  id: string;
  status: string;
  unit: string | null;
  also: string[];
  signBy: string | null;
  feedbackBy: string | null;
  resolveBy: string | null;
  overdue: boolean;
  escalationLevel: number;
  returnCount: number;
  reopenCount: number;
  assignments: number;
}

export function issueSummary(r: IssueRecord): IssueSummary {
  const a = r.assignments.length > 0 ? currentAssignment(r) : undefined;
  return {
    id: r.id,
    status: r.status,
    unit: a?.unit ?? null,
    also: a?.also ?? [],
    signBy: a?.signBy ?? null,
    feedbackBy: a?.feedbackBy ?? null,
    resolveBy: a?.resolveBy ?? null,
    overdue: r.overdue,
    escalationLevel: r.escalationLevel,
    returnCount: r.returnCount,
    reopenCount: r.reopenCount,
    assignments: r.assignments.length,
  };
}

function commandAction(input: CommandActionInput, email: string): IssueAction {
  const actor = { role: 'command' as const, by: email };
  switch (input.action) {
    case 'reassign':
      return { type: 'reassign', actor, unit: input.unit ?? '', note: input.note };
    case 'extend':
      return { type: 'extend', actor, resolveBy: input.resolveBy ?? '', reason: input.reason ?? '' };
    case 'follow_up':
      return { type: 'follow_up', actor, result: input.result ?? '', note: input.note };
    case 'verify_close':
      return { type: 'verify_close', actor, note: input.note };
    case 'close':
      return { type: 'close', actor, note: input.note };
  }
}

const STATUS_OF: Record<string, number> = {
  invalid_transition: 409,
  stale_assignment: 409,
  forbidden: 403,
  no_triage_unit: 409,
};

/** Apply a command-office action to an issue (the caller has authorised `email`). */
export async function performCommandAction(
  deps: Pick<ActionDeps, 'store' | 'clock' | 'log' | 'getProfile'>,
  issueId: string,
  input: CommandActionInput,
  email: string,
): Promise<CommandResult> {
  const err = (statusCode: number, code: string, message: string): CommandResult => ({ statusCode, body: { error: { code, message } } });
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const cur = await deps.store.getIssue(issueId);
    if (!cur) return err(404, 'issue_not_found', `未找到编号为 ${issueId} 的问题`);
    if (cur.record.assignments.length === 0) return err(409, 'not_routed', `问题 ${issueId} 尚未分派（配置未就绪），不能操作`);
    const profile = await deps.getProfile();
    if (!profile) return err(503, 'no_profile', '系统配置尚未就绪，请先导入责任单位等配置');
    const ctx = lifecycleContext(profile, deps.clock.now());
    const result = applyAction(cur.record, commandAction(input, email), ctx);
    if (!result.ok) return err(STATUS_OF[result.code] ?? 400, result.code, result.message);
    const next = applyChange(cur, result.record, result.notifications, ctx, email);
    if (await deps.store.putIssue(next, cur.revision)) {
      deps.log.info('command action', { issueId, action: input.action });
      return { statusCode: 200, body: { ok: true, issue: issueSummary(next.record) } };
    }
  }
  return err(409, 'conflict', '该问题正在被同时处理，请稍后重试');
}
