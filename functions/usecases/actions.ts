// The actions people take on an issue, as the catalog (domain/issues/catalog.ts) describes them:
// - the one-click links of the mails: GET `/a/{token}` shows the link's confirmation page and never
//   changes state; POST verifies the token, applies the action (domain/issues/lifecycle.ts) and
//   consumes the token's nonce in the SAME conditional item write as the state change and the
//   notifications it causes (the store later drains used nonces to their own items, which the
//   check reads too);
// - the command office's actions (改派, 延期, 核实销号, 电话回访, 销号) behind the authenticated API
//   (`POST /v1/issues/{id}/actions`): the body checked against the catalog's fields, same
//   lifecycle, same single conditional write.
import { unitCell, unitNameOf } from '../../domain/issues/sheet-cells.js';
import { API_ACTIONS, actionDef, actionInput, linkDef, type ActorRole, type IssueActionType, type IssueActor, type LinkDef } from '../../domain/issues/catalog.js';
import { applyAction, currentAssignment, currentIndex, type ActionResult } from '../../domain/issues/lifecycle.js';
import { issueItem, lateState } from '../../domain/reports/sections/issue-item.js';
import { shanghaiDate } from '../../domain/time/time.js';
import type { Profile } from '../../domain/rows/types.js';
import type { IssueRecord } from '../../domain/issues/types.js';
import { verifyActionToken, type ActionTokenPayload } from './action-token.js';
import { confirmView, messageView, type PageResponse, type PageView } from './page-views.js';
import { StoreError, type Clock, type IssueSummarySource, type Log, type ApiStore, type StoredIssue } from '../ports.js';
import { applyChange, lifecycleContext } from './issue-change.js';
import { openDecision, requestDecision, requestId } from './decisions.js';

export interface ActionDeps {
  store: ApiStore;
  clock: Clock;
  log: Log;
  actionSecrets: readonly string[];
  getProfile(): Promise<Profile | null>;
}

export type { PageResponse };

const MAX_ATTEMPTS = 4;

export { applyChange, lifecycleContext };

type Checked = { ok: true; token: ActionTokenPayload; def: LinkDef; issue: StoredIssue } | { ok: false; page: PageResponse };

const gone = (title: string, message: string): PageResponse => ({ statusCode: 410, view: messageView(title, message) });

async function check(deps: ActionDeps, rawToken: string): Promise<Checked> {
  const v = verifyActionToken(rawToken, deps.actionSecrets, deps.clock.now());
  if (!v.ok && v.reason === 'expired') {
    return { ok: false, page: gone('链接已过期', '该办理链接已超过有效期，不能再使用，本次未做任何更改。请联系指挥部办公室，或使用最新通知邮件中的链接。') };
  }
  if (!v.ok) {
    return { ok: false, page: { statusCode: 403, view: messageView('链接无效', '该链接无法验证（可能复制不完整或被修改），本次未做任何更改。请从通知邮件中重新打开完整链接。') } };
  }
  const def = linkDef(v.payload.action);
  if (!def) return { ok: false, page: { statusCode: 403, view: messageView('链接无效', '该链接对应的操作不存在，本次未做任何更改。') } };
  const issue = await deps.store.getIssue(v.payload.issueId);
  if (!issue) return { ok: false, page: { statusCode: 404, view: messageView('问题不存在', `未找到编号为 ${v.payload.issueId} 的问题，请联系指挥部办公室。`) } };
  // Used tokens are in the issue item until it drains them to their own items (USED#<nonce>): an
  // issue never drained has none there.
  const used = issue.usedTokens[v.payload.nonce] !== undefined || (issue.eventsDrained !== undefined && (await deps.store.isTokenUsed(v.payload.nonce)));
  if (used) {
    return { ok: false, page: gone('链接已使用', `该链接已使用过（问题 ${issue.record.id} 已${def.label}），每个链接只能使用一次，无需重复操作。`) };
  }
  const r = issue.record;
  if (r.assignments.length === 0 || v.payload.assignment !== currentIndex(r)) {
    return { ok: false, page: gone('链接已失效', `问题 ${r.id} 已退回、改派或重新办理，该链接对应的交办已结束，不能再${def.label}；请以最新的通知邮件为准。`) };
  }
  if (!actionDef(def.action).from.includes(r.status)) {
    return { ok: false, page: gone(`无需${def.label}`, `问题 ${r.id} 当前状态为「${r.status}」，不能再${def.label}，本次未做任何更改。`) };
  }
  return { ok: true, token: v.payload, def, issue };
}

function confirmFor(c: Extract<Checked, { ok: true }>, profile: Profile | null, now: number, error?: string, form?: URLSearchParams): PageView {
  const r = c.issue.record;
  const a = currentAssignment(r);
  const late = a ? lateState(issueItem(r, { to: now, asOf: shanghaiDate(now) }, profile ?? { units: [] })) : '';
  const unitName = (code: string) => profile?.units.find((u) => u.code === code)?.name ?? code;
  return confirmView({
    link: c.def,
    issueId: r.id,
    category: r.issue.category,
    description: r.issue.description,
    enterprise: [r.issue.enterpriseName, r.issue.enterpriseCode].filter(Boolean).join(' ') || '（未填写）',
    unitName: a ? unitName(a.unit) : '',
    status: r.status,
    ...(late ? { late } : {}),
    signBy: c.def.showResult ? undefined : a?.signBy,
    resolveBy: c.def.showResult ? undefined : a?.resolveBy,
    result: c.def.showResult ? r.result : undefined,
    values: form ? Object.fromEntries(c.def.fields.map((f) => [f.name, form.get(f.name) ?? ''])) : undefined,
    error,
  });
}

/** The actor of a link: the recipient, acting in the role the link is for. */
function linkActor(role: ActorRole, t: ActionTokenPayload): IssueActor {
  return role === 'unit' ? { role, unit: t.unit, by: t.recipient } : { role, by: t.recipient };
}

/** GET /a/{token}: show what the link would do. Never changes state. */
export async function showAction(deps: ActionDeps, rawToken: string): Promise<PageResponse> {
  const c = await check(deps, rawToken);
  if (!c.ok) return c.page;
  return { statusCode: 200, view: confirmFor(c, await deps.getProfile(), deps.clock.now()) };
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
    const profile = await deps.getProfile();
    if (!profile) return { statusCode: 503, view: messageView('暂时无法办理', '系统配置尚未就绪，请稍后再试或联系指挥部办公室。') };
    const now = deps.clock.now();
    const ctx = lifecycleContext(profile, now);
    const action = actionInput(c.def.action, c.def.fields, linkActor(c.def.as, c.token), (name) => form.get(name) ?? undefined, {
      assignment: c.token.assignment,
      preset: c.def.preset,
    });
    const result = applyAction(c.issue.record, action, ctx);
    if (!result.ok) {
      deps.log.info('action refused', { issueId: c.issue.record.id, action: c.token.action, code: result.code });
      return refusal(c.def.label, result) ?? { statusCode: 400, view: confirmFor(c, profile, now, result.message, form) };
    }
    if (action.type === 'request_extend' || action.type === 'request_escalate') {
      // The request becomes a decision for the command office, created before the token is consumed
      // (its id comes from the token's nonce: a retry finds it there).
      const id = requestId(c.issue.record.id, c.token.nonce);
      const fields = action.type === 'request_extend' ? { date: action.date.trim(), reason: action.reason.trim() } : { level: action.level.trim(), reason: action.reason.trim() };
      await openDecision(deps.store, requestDecision(c.issue, action.type, fields, id, profile, c.token.recipient, now));
      const events = result.record.events;
      events[events.length - 1] = { ...events[events.length - 1], ref: `${id}#request` };
    }
    const next = applyChange(c.issue, result.record, result.notifications, ctx, `link:${c.token.recipient}`, {
      usedTokens: { ...c.issue.usedTokens, [c.token.nonce]: now },
    });
    let written: boolean;
    try {
      written = await deps.store.putIssue(next, c.issue.revision);
    } catch (err) {
      if (!(err instanceof StoreError && err.code === 'item_too_large')) throw err;
      deps.log.warn('action refused: issue item too large', { issueId: c.issue.record.id, action: c.token.action });
      return { statusCode: 413, view: messageView(`暂时无法${c.def.label}`, `问题 ${c.issue.record.id} 的记录已超过存储上限，本次未做任何更改。请联系指挥部办公室处理。`) };
    }
    if (written) {
      deps.log.info('action performed', { issueId: next.record.id, action: c.token.action, unit: c.token.unit });
      return { statusCode: 200, view: messageView(`已${c.def.label}`, c.def.done(next.record.id)) };
    }
    // Someone else wrote the issue meanwhile: check again from the new state.
  }
  return { statusCode: 409, view: messageView('请稍后再试', '该问题正在被同时处理，请稍后重新打开链接。') };
}

// ---- the command office's actions (authenticated API) -------------------------------------------

/** Actions the command office may take through the API (the catalog's `api` actions). */
export const COMMAND_ACTIONS = API_ACTIONS;

export interface CommandActionInput {
  action: IssueActionType;
  /** The action's fields (catalog), as sent: 改派 unit, 延期 resolveBy + reason, 回访 result, note… */
  values: Record<string, string>;
}

/**
 * Check an API body against the catalog: `action` one of the API actions, each of its fields absent
 * or a string within the field's length. Whether a required field is filled, a unit known or a date
 * valid is the lifecycle's to say (with its own codes).
 */
export function parseCommandInput(body: unknown): { ok: true; input: CommandActionInput } | { ok: false; message: string } {
  const expected = `action 应为 ${API_ACTIONS.join('、')}`;
  const bad = (what: string) => ({ ok: false as const, message: `请求格式不正确：${what}（${expected}）` });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return bad('请求内容应为 JSON 对象');
  const b = body as Record<string, unknown>;
  const action = API_ACTIONS.find((a) => a === b.action);
  if (!action) return bad(`字段 action 的取值「${String(b.action ?? '')}」无效`);
  const values: Record<string, string> = {};
  for (const f of actionDef(action).fields) {
    const v = b[f.name];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length > f.max) return bad(`字段 ${f.name}（${f.label}）应为不超过 ${f.max} 字的文本`);
    values[f.name] = v;
  }
  return { ok: true, input: { action, values } };
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
  /** 责任单位 as the sheet shows it (domain/issues/sheet-cells.ts): names when the profile was given. */
  unitText: string;
  signBy: string | null;
  feedbackBy: string | null;
  resolveBy: string | null;
  overdue: boolean;
  escalationLevel: number;
  returnCount: number;
  reopenCount: number;
  assignments: number;
}

export function issueSummary(r: IssueSummarySource, nameOf: (code: string) => string = (code) => code): IssueSummary {
  const a = r.assignments.length > 0 ? currentAssignment(r) : undefined;
  return {
    id: r.id,
    status: r.status,
    unit: a?.unit ?? null,
    also: a?.also ?? [],
    unitText: unitCell(a, nameOf),
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

const STATUS_OF: Record<string, number> = {
  invalid_transition: 409,
  stale_assignment: 409,
  forbidden: 403,
  no_triage_unit: 409,
};

/** Apply a command-office action (an API body, checked here) to an issue; the caller has authorised `email`. */
export async function performCommandAction(
  deps: Pick<ActionDeps, 'store' | 'clock' | 'log' | 'getProfile'>,
  issueId: string,
  body: unknown,
  email: string,
): Promise<CommandResult> {
  const err = (statusCode: number, code: string, message: string): CommandResult => ({ statusCode, body: { error: { code, message } } });
  const parsed = parseCommandInput(body);
  if (!parsed.ok) return err(400, 'invalid_request', parsed.message);
  const { input } = parsed;
  const action = actionInput(input.action, actionDef(input.action).fields, { role: 'command', by: email }, (name) => input.values[name]);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const cur = await deps.store.getIssue(issueId);
    if (!cur) return err(404, 'issue_not_found', `未找到编号为 ${issueId} 的问题`);
    if (cur.record.assignments.length === 0) return err(409, 'not_routed', `问题 ${issueId} 尚未分派（配置未就绪），不能操作`);
    const profile = await deps.getProfile();
    if (!profile) return err(503, 'no_profile', '系统配置尚未就绪，请先导入责任单位等配置');
    const ctx = lifecycleContext(profile, deps.clock.now());
    const result = applyAction(cur.record, action, ctx);
    if (!result.ok) return err(STATUS_OF[result.code] ?? 400, result.code, result.message);
    const next = applyChange(cur, result.record, result.notifications, ctx, email);
    if (await deps.store.putIssue(next, cur.revision)) {
      deps.log.info('command action', { issueId, action: input.action });
      return { statusCode: 200, body: { ok: true, issue: issueSummary(next.record, unitNameOf(profile)) } };
    }
  }
  return err(409, 'conflict', '该问题正在被同时处理，请稍后重试');
}
