// The command office's one decision queue (SPEC §7.2): inspections to approve, units' requests
// (申请延期, 申请上报), common-problem batches to answer. Each is a DecisionRecord (ports.ts) with
// its own outbox; whoever decides first — a signed mail link, `POST /v1/decisions/{id}`, the
// 指挥部待办 tab — wins the conditional write on the record, the others get 409 `already_decided`.
// The decision is written first (with `applied: false` where it has an effect on an issue), then
// its effect is applied with an event carrying the decision id (a no-op when already there), then
// marked applied; the sweep finishes what a crash left (SPEC §7.8 "record intent on one item").
import { createHash } from 'node:crypto';
import {
  DECISION_LABELS,
  DECISION_LINK_PREFIX,
  type DecisionOption,
  decisionOption,
  decisionOptions,
  type DecisionType,
  type IssueAction,
  type MailData,
} from '../../domain/issues/catalog.js';
import { applyAction, commandUnits, currentAssignment, findUnit, triageUnit, unitEmails, URGENCY_PENDING } from '../../domain/issues/lifecycle.js';
import type { IssueRecord, Notification } from '../../domain/issues/types.js';
import { plannedDateReached } from '../../domain/reports/sections/inspections.js';
import { AWAITING_STATUSES } from '../../domain/reports/sections/todo.js';
import { URGENCIES, type UrgencyCheck } from '../../domain/rows/kinds.js';
import type { Profile } from '../../domain/rows/types.js';
import { endOfShanghaiDay, shanghaiDate } from '../../domain/time/time.js';
import type { ApiStore, BatchRecord, Clock, DecisionRecord, Log, StoredIssue } from '../ports.js';
import { applyChange, lifecycleContext } from './issue-change.js';
import { conditionalUpdate } from './conditional-update.js';
import { verifyActionToken, type ActionTokenPayload } from './action-token.js';
import { messageView, type PageResponse, type PageView } from './page-views.js';

export interface DecisionDeps {
  store: ApiStore;
  clock: Clock;
  log: Log;
  getProfile(): Promise<Profile | null>;
}

const MAX_ATTEMPTS = 4;

/** Coordination members with role 审批 and the 联系邮箱 of units of 类型 指挥部: who decides. */
export function commandOfficeEmails(profile: Pick<Profile, 'members' | 'units'>): string[] {
  const members = profile.members.filter((m) => m.workClass === 'coordination' && m.role === '审批').map((m) => m.email.toLowerCase());
  return [...new Set([...members, ...unitEmails(profile, commandUnits(profile))])];
}

/** The mail asking the command office to decide `rec`. */
/** What every decision mail says about the decision. */
function decisionData(rec: DecisionRecord): MailData<'decision'> {
  return {
    decisionId: rec.id,
    decisionType: rec.decisionType,
    subject: rec.subject,
    requesterName: rec.requesterName,
    rows: rec.rows,
    ...(rec.quote ? { quote: rec.quote } : {}),
    ...(rec.decideBy ? { decideBy: rec.decideBy } : {}),
  };
}

const addresses = (list: readonly string[]) => [...new Set(list.map((e) => e.trim().toLowerCase()).filter(Boolean))];

export function decisionMail(rec: DecisionRecord, to: readonly string[], now: number, template: 'decision' | 'decision_remind' = 'decision'): Notification | null {
  const list = addresses(to);
  if (list.length === 0) return null;
  const data = decisionData(rec);
  const key = template === 'decision' ? `${rec.id}#decision` : `${rec.id}#decision_remind#${rec.decideBy ?? ''}`;
  return { key, template, to: list, data, createdAt: now } as Notification;
}

/** Add notifications to a record's outbox. */
export function withPending(rec: DecisionRecord, ns: readonly (Notification | null)[]): DecisionRecord {
  const add = ns.filter((n): n is Notification => n !== null);
  return { ...rec, pending: { ...rec.pending, ...Object.fromEntries(add.map((n) => [n.key, n])) } };
}

/** The fields a new decision starts with besides its own: no flags, nothing pending, no token used, revision 1. */
export function newDecisionRecord(fields: Omit<DecisionRecord, 'flags' | 'pending' | 'usedTokens' | 'updatedAt' | 'revision'>, now: number): DecisionRecord {
  return { ...fields, flags: [], pending: {}, usedTokens: {}, updatedAt: now, revision: 1 };
}

/** An open decision with its mail to the command office pending (the queue's notice). */
export function mailedToOffice(rec: DecisionRecord, profile: Profile, now: number): DecisionRecord {
  return withPending(rec, [decisionMail(rec, commandOfficeEmails(profile), now)]);
}

/** Create a decision unless its id exists (a retry, a second sync): true when this call created it. */
export async function openDecision(store: ApiStore, rec: DecisionRecord): Promise<boolean> {
  return store.putDecision(rec, null);
}

// ---- the queue -----------------------------------------------------------------------------------

export interface DecisionView {
  id: string;
  type: DecisionType;
  typeLabel: string;
  subject: string;
  /** ISO instant it entered the queue. */
  since: string;
  options: string[];
  requester: string;
  requesterName: string;
  status: string;
  ref: string;
  decideBy: string | null;
  /** Past its decide-by day (or, for an inspection, its planned day) without a decision. */
  late: boolean;
  /** An inspection's 计划日期 (ISO day); null for other types. */
  plannedDate: string | null;
  /** An inspection whose 计划日期 came while still 待审批 (the flag of GET /v1/inspections and the digest). */
  plannedReached: boolean;
  rows: { label: string; text: string }[];
  decision: string | null;
  note: string | null;
  decidedAt: string | null;
  decidedBy: string | null;
  /** A triage item that is an enterprise's own 紧急: 紧急待核实 (its 分派 must say urgency: 紧急 or 一般). */
  urgencyCheck?: UrgencyCheck;
}

/** An inspection record's planned-date flag (sections/inspections.ts): 计划日期 reached while still 待审批. */
export function inspectionPlannedReached(r: Pick<DecisionRecord, 'decisionType' | 'status' | 'data'>, today: string): boolean {
  return r.decisionType === 'inspection' && plannedDateReached({ status: r.status, category: r.data.category, plannedOn: r.data.plannedOn }, today);
}

export function decisionView(r: DecisionRecord, now: number): DecisionView {
  const today = shanghaiDate(now);
  const plannedReached = inspectionPlannedReached(r, today);
  const late = r.open && ((r.decideBy !== undefined && r.decideBy < today) || plannedReached);
  return {
    id: r.id,
    type: r.decisionType,
    typeLabel: DECISION_LABELS[r.decisionType],
    subject: r.subject,
    since: new Date(r.since).toISOString(),
    options: decisionOptions(r.decisionType).map((o) => o.label),
    requester: r.requester,
    requesterName: r.requesterName,
    status: r.status,
    ref: r.ref,
    decideBy: r.decideBy ?? null,
    late,
    plannedDate: r.decisionType === 'inspection' ? (r.data.plannedOn ?? null) : null,
    plannedReached,
    rows: r.rows,
    decision: r.decision ?? null,
    note: r.note ?? null,
    decidedAt: r.decidedAt === undefined ? null : new Date(r.decidedAt).toISOString(),
    decidedBy: r.decidedBy ?? null,
  };
}

/**
 * Issues in 已办结 / 已回访 (waiting for the command office's 核实销号) of every unit of the profile,
 * through the byUnit index (16 queries at a time): reads that grow with the units, not with history.
 */
export async function awaitingIssues(store: Pick<ApiStore, 'listIssues'>, profile: Pick<Profile, 'units'> | null): Promise<IssueRecord[]> {
  const queries = (profile?.units ?? []).flatMap((u) => AWAITING_STATUSES.map((status) => ({ unit: u.code, status })));
  const out: IssueRecord[] = [];
  for (let i = 0; i < queries.length; i += 16) {
    const parts = await Promise.all(queries.slice(i, i + 16).map((q) => store.listIssues(q)));
    for (const list of parts) for (const s of list) out.push(s.record);
  }
  return out;
}

/** The queue's type of an issue waiting for the command office: 待分派 → triage, else 核实销号. */
const issueDecisionType = (r: Pick<IssueRecord, 'status'>): 'triage' | 'verify_close' => (r.status === '待分派' ? 'triage' : 'verify_close');

/** Issues in 待分派 at the triage unit (牵头单位 of coordination): the queue's `triage` items. */
export async function triageIssues(store: Pick<ApiStore, 'listIssues'>, profile: Pick<Profile, 'units' | 'workClasses'> | null): Promise<IssueRecord[]> {
  const unit = profile ? triageUnit(profile) : undefined;
  return unit ? (await store.listIssues({ unit, status: '待分派' })).map((s) => s.record) : [];
}

/**
 * An issue waiting for the command office as a decision of the queue, its id the issue's 编号:
 * `triage` (待分派, answered by 分派 with a unit) or `verify_close` (已办结 / 已回访, 核实销号).
 */
export function verifyDecisionView(r: IssueRecord, profile: Pick<Profile, 'units'> | null): DecisionView {
  const type = issueDecisionType(r);
  const a = r.assignments.length > 0 ? currentAssignment(r) : undefined;
  const unitName = (a && profile?.units.find((u) => u.code === a.unit)?.name) ?? a?.unit ?? '';
  const enterprise = [r.issue.enterpriseName, r.issue.enterpriseCode].filter(Boolean).join(' ') || '（未填写）';
  // Why an enterprise's 紧急 is here (SPEC §7.8): its 分派 confirms or downgrades it.
  const pending = type === 'triage' && r.urgencyCheck === URGENCY_PENDING;
  const suggested = r.issue.assignedUnit?.trim();
  const unitLabel = (code: string) => {
    const name = profile?.units.find((u) => u.code === code)?.name;
    return name ? `${name}（${code}）` : code;
  };
  const rows =
    type === 'triage'
      ? [
          { label: '问题类别', text: r.issue.category },
          { label: '反映企业', text: enterprise },
          { label: '问题描述', text: r.issue.description },
          ...(pending ? [{ label: '紧急程度', text: `${URGENCY_PENDING}：企业自报“紧急”，分派时请核实为 ${URGENCIES.join(' 或 ')}` }] : []),
          { label: '分派单位', text: unitName },
          // The row's 指定责任单位 when it names another unit: what the class suggests (edits.ts).
          ...(suggested && suggested !== a?.unit ? [{ label: '建议责任单位', text: unitLabel(suggested) }] : []),
        ]
      : [
          { label: '问题类别', text: r.issue.category },
          { label: '反映企业', text: enterprise },
          { label: '责任单位', text: unitName },
          { label: '办理结果', text: r.result ?? '' },
          { label: '回访结果', text: r.followUp ?? '待回访' },
        ];
  return {
    id: r.id,
    type,
    typeLabel: DECISION_LABELS[type],
    subject: `${r.id} ${r.issue.category}：${r.issue.enterpriseName || r.issue.enterpriseCode || ''}${pending ? `（${URGENCY_PENDING}）` : ''}`.trim(),
    since: new Date((type === 'triage' ? a?.assignedAt : a?.resolvedAt) ?? r.updatedAt).toISOString(),
    options: decisionOptions(type).map((o) => o.label),
    requester: a?.unit ?? '',
    requesterName: unitName,
    status: r.status,
    ref: r.id,
    decideBy: null,
    late: false,
    plannedDate: null,
    plannedReached: false,
    rows,
    decision: null,
    note: null,
    decidedAt: null,
    decidedBy: null,
    ...(pending ? { urgencyCheck: URGENCY_PENDING } : {}),
  };
}

/**
 * The open decisions, oldest first. With the profile, the issues waiting for 核实销号 (type
 * `verify_close`) and those waiting at triage (type `triage`) are in the queue too.
 */
export async function decisionQueue(
  store: ApiStore,
  now: number,
  profile?: Pick<Profile, 'units' | 'workClasses'> | null,
  /** The issues waiting for 核实销号 when the caller has read them already (awaitingIssues). */
  awaitingRead?: Promise<readonly IssueRecord[]>,
): Promise<DecisionView[]> {
  const [open, awaiting, triage] = await Promise.all([
    store.listDecisions({ open: true }),
    awaitingRead ?? (profile ? awaitingIssues(store, profile) : Promise.resolve([])),
    triageIssues(store, profile ?? null),
  ]);
  const seen = new Set<string>();
  const verify = [...awaiting, ...triage].filter((r) => !seen.has(r.id) && seen.add(r.id)).map((r) => verifyDecisionView(r, profile ?? null));
  return [...open.map((r) => decisionView(r, now)), ...verify].sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : a.id < b.id ? -1 : 1));
}

const ISSUE_ID = /^WT-\d{8}-\d{3,}$/;

/**
 * An issue decided from the queue, on the issue's conditional write: 核实销号 (the lifecycle's
 * verify_close) or, at triage, 分派 to `unit` (the command office's 改派, the unit mailed). An issue
 * no longer waiting (销号 or 分派 by someone else, reopened) answers 409 `already_decided`.
 */
async function decideVerify(deps: DecisionDeps, id: string, input: DecideInput, by: string): Promise<DecideOutcome> {
  const found = await deps.store.getIssue(id);
  if (!found) return refuse(404, 'decision_not_found', `未找到待办事项 ${id}`);
  const type = issueDecisionType(found.record);
  const label = String(input.decision ?? '').trim();
  const option = decisionOption(type, label);
  const waiting: readonly string[] = type === 'triage' ? ['待分派'] : AWAITING_STATUSES;
  // The issue moved on since the queue was read (分派 or 销号 by another decider): 409, as a record's decision.
  const moved = !waiting.includes(found.record.status) || (!option && decisionOption(type === 'triage' ? 'verify_close' : 'triage', label));
  if (moved) return refuse(409, 'already_decided', `问题 ${id} 当前状态为「${found.record.status}」，不在${DECISION_LABELS[type]}之列（可能已由他人处理），本次未做更改`);
  if (!option) return refuse(400, 'invalid_decision', `「${DECISION_LABELS[type]}」的决定应为：${decisionOptions(type).map((o) => o.label).join('、')}`);
  const note = typeof input.note === 'string' ? input.note.trim() : '';
  if (note.length > option.note.max) return refuse(400, 'too_long', `${option.note.label}不能超过 ${option.note.max} 字（现有 ${note.length} 字）`);
  const unit = typeof input.unit === 'string' ? input.unit.trim() : '';
  if (type === 'triage' && !unit) return refuse(400, 'unit_required', `${option.label}须填写 unit（责任单位的单位编码）`);
  // An enterprise's 紧急 at triage: the 分派 says what the office found (SPEC §7.8); never assumed.
  const urgency = typeof input.urgency === 'string' ? input.urgency.trim() : '';
  if (type === 'triage' && !urgency && found.record.urgencyCheck === URGENCY_PENDING) {
    return refuse(400, 'urgency_required', `问题 ${id} 是企业自报的紧急诉求，${option.label}须填写 urgency（核实紧急程度：${URGENCIES.join(' 或 ')}）`);
  }
  const profile = await deps.getProfile();
  if (!profile) return refuse(503, 'no_profile', '系统配置尚未就绪');
  const out = await conditionalUpdate<StoredIssue, DecideOutcome>({
    read: () => deps.store.getIssue(id),
    write: (next, rev) => deps.store.putIssue(next, rev),
    attempts: MAX_ATTEMPTS,
    decide(cur) {
      if (!cur) return { done: refuse(404, 'decision_not_found', `未找到待办事项 ${id}`) };
      if (!waiting.includes(cur.record.status)) {
        return { done: refuse(409, 'already_decided', `问题 ${id} 当前状态为「${cur.record.status}」，不在${DECISION_LABELS[type]}之列（可能已由他人处理），本次未做更改`) };
      }
      const now = deps.clock.now();
      const ctx = lifecycleContext(profile, now);
      const actor = { role: 'command' as const, by };
      const action: IssueAction =
        type === 'triage'
          ? { type: 'reassign', actor, unit, ...(urgency ? { urgency } : {}), note: note || '指挥部办公室分派' }
          : { type: 'verify_close', actor, ...(note ? { note } : {}) };
      const res = applyAction(cur.record, action, ctx);
      if (!res.ok) return { done: refuse(INPUT_CODES.has(res.code) ? 400 : 409, res.code, res.message) };
      const { revision: _r, ...next } = applyChange(cur, res.record, res.notifications, ctx, by);
      const view: DecisionView = { ...verifyDecisionView(cur.record, profile), status: res.record.status, decision: option.label, note: note || null, decidedAt: new Date(now).toISOString(), decidedBy: by };
      return { write: next, result: { ok: true, decision: view } };
    },
  });
  if (!out.ok) return refuse(409, 'already_decided', `待办事项 ${id} 正在被同时处理，请刷新后再试`);
  if (out.result.ok) deps.log.info('decision', { id, type, decision: option.label });
  return out.result;
}

/** Lifecycle refusals of a 分派 that are the request's fault (400), not the issue's state (409). */
const INPUT_CODES: ReadonlySet<string> = new Set(['unknown_unit', 'urgency_required', 'invalid_urgency', 'urgency_not_pending']);

// ---- deciding ------------------------------------------------------------------------------------

export interface DecideInput {
  decision: string;
  note?: string;
  /** 同意 on 延期: another date than the one asked for. */
  date?: string;
  /** 分派 at triage: the 单位编码 of the responsible unit. */
  unit?: string;
  /** 分派 of an enterprise's 紧急 (紧急待核实): the office's finding, 紧急 or 一般. */
  urgency?: string;
  /** Facts recorded with the decision (a batch answer's closeMembers, policy). */
  data?: Record<string, string>;
}

export type DecideOutcome =
  | { ok: true; decision: DecisionView }
  | { ok: false; status: number; code: string; message: string };

const refuse = (status: number, code: string, message: string): DecideOutcome => ({ ok: false, status, code, message });

/** The lifecycle action a granted request applies to its issue (null: the type has no issue effect). */
function effectAction(rec: Pick<DecisionRecord, 'decisionType' | 'data' | 'note' | 'decidedBy'>, date?: string): IssueAction | null {
  const actor = { role: 'command' as const, by: rec.decidedBy ?? 'command' };
  if (rec.decisionType === 'extend_request') {
    const reason = [rec.data.reason, rec.note].filter(Boolean).join('；') || '单位申请延期，指挥部同意';
    return { type: 'extend', actor, resolveBy: date ?? rec.data.date ?? '', reason };
  }
  if (rec.decisionType === 'escalate_request') {
    return { type: 'report_up', actor, level: rec.data.level ?? '', ...(rec.data.reason ? { note: rec.data.reason } : {}) };
  }
  if (rec.decisionType === 'reassign_request') {
    // The command office's 改派 (as edits.ts applies it for a 审批 member): the new unit is mailed.
    const note = [`改派申请（${rec.data.by ?? ''}）经指挥部同意`, rec.note].filter(Boolean).join('；');
    return { type: 'reassign', actor, unit: rec.data.unit ?? '', note };
  }
  return null;
}

/**
 * Apply a decided request's effect to its issue once (the event carries the decision id), then mark
 * the decision applied. Returns a refusal message when the issue no longer allows it.
 */
export async function applyDecisionEffect(deps: DecisionDeps, rec: DecisionRecord): Promise<string | null> {
  const grants = rec.decision ? decisionOption(rec.decisionType, rec.decision)?.grants === true : false;
  const action = grants ? effectAction(rec, rec.data.grantedDate) : null;
  if (action) {
    const profile = await deps.getProfile();
    if (!profile) return '系统配置尚未就绪';
    const out = await conditionalUpdate<StoredIssue, string | null>({
      read: () => deps.store.getIssue(rec.ref),
      write: (next, rev) => deps.store.putIssue(next, rev),
      attempts: MAX_ATTEMPTS,
      decide(cur) {
        if (!cur) return { done: `未找到问题 ${rec.ref}` };
        if (cur.record.events.some((e) => e.ref === rec.id)) return { done: null };
        const ctx = lifecycleContext(profile, deps.clock.now());
        const res = applyAction(cur.record, action, ctx);
        if (!res.ok) return { done: res.message };
        // Every event the action added carries the decision id (a 改派 adds its reassign and assign).
        const events = res.record.events;
        for (let i = cur.record.events.length; i < events.length; i++) events[i] = { ...events[i], ref: rec.id };
        const { revision: _r, ...next } = applyChange(cur, res.record, res.notifications, ctx, rec.decidedBy ?? 'command');
        return { write: next, result: null };
      },
    });
    if (!out.ok) return '该问题正在被同时处理'; // the sweep tries again
    if (out.result) {
      // The issue no longer allows it (closed meanwhile): recorded, not retried.
      deps.log.warn('decision effect not applied', { id: rec.id, problem: out.result });
      await markApplied(deps, rec.id, `effect_refused:${out.result.slice(0, 200)}`);
      return out.result;
    }
  }
  if (rec.data.closeMembers === '是') await closeBatchMembers(deps, rec);
  await markApplied(deps, rec.id);
  return null;
}

async function markApplied(deps: DecisionDeps, id: string, flag?: string): Promise<void> {
  await conditionalUpdate<DecisionRecord, void>({
    read: () => deps.store.getDecision(id),
    write: (next, rev) => deps.store.putDecision(next, rev),
    attempts: MAX_ATTEMPTS,
    decide: (cur) => (!cur || cur.applied !== false ? { done: undefined } : { write: { ...cur, applied: true, flags: flag ? [...cur.flags, flag] : cur.flags }, result: undefined }),
  });
}

/** Close every open member issue of an answered batch (办理结果 = the answer); each sends its 回访 once. */
async function closeBatchMembers(deps: DecisionDeps, rec: DecisionRecord): Promise<void> {
  const profile = await deps.getProfile();
  if (!profile) return;
  const ids = (rec.data.issueIds ?? '').split(',').filter(Boolean);
  for (const id of ids) {
    await conditionalUpdate<StoredIssue, void>({
      read: () => deps.store.getIssue(id),
      write: (next, rev) => deps.store.putIssue(next, rev),
      attempts: MAX_ATTEMPTS,
      decide(cur) {
        if (!cur || cur.record.assignments.length === 0 || cur.record.events.some((e) => e.ref === rec.id)) return { done: undefined };
        const ctx = lifecycleContext(profile, deps.clock.now());
        const res = applyAction(cur.record, { type: 'answer_batch', actor: { role: 'command', by: rec.decidedBy ?? 'command' }, result: rec.note ?? '' }, ctx);
        if (!res.ok) return { done: undefined }; // already resolved or closed: its own 办理结果 stands
        const events = res.record.events;
        events[events.length - 1] = { ...events[events.length - 1], ref: rec.id };
        const { revision: _r, ...next } = applyChange(cur, res.record, res.notifications, ctx, rec.decidedBy ?? 'command');
        return { write: next, result: undefined };
      },
    });
  }
}

/** The outcome mail to who asked. */
function resultMail(rec: DecisionRecord, now: number): Notification | null {
  const to = addresses(rec.requesterEmails);
  if (to.length === 0 || !rec.decision) return null;
  const data: MailData<'decision_result'> = { ...decisionData(rec), outcome: rec.decision, ...(rec.note ? { note: rec.note } : {}) };
  return { key: `${rec.id}#decision_result`, template: 'decision_result', to, data, createdAt: now } as Notification;
}

/**
 * Decide one open decision as `by` (already authorised, or the holder of a signed link whose nonce
 * is `nonce`). 409 `already_decided` when another decider won.
 */
export async function decide(deps: DecisionDeps, id: string, input: DecideInput, by: string, nonce?: string): Promise<DecideOutcome> {
  const now = deps.clock.now();
  if (input.urgency !== undefined && input.urgency.trim() && !(URGENCIES as readonly string[]).includes(input.urgency.trim())) {
    return refuse(400, 'invalid_urgency', `核实紧急程度（urgency）「${input.urgency}」无效，应为 ${URGENCIES.join(' 或 ')}`);
  }
  let first = await deps.store.getDecision(id);
  if (!first && ISSUE_ID.test(id)) return decideVerify(deps, id, input, by);
  if (!first) return refuse(404, 'decision_not_found', `未找到待办事项 ${id}`);
  const option = decisionOption(first.decisionType, String(input.decision ?? '').trim());
  if (!option) {
    return refuse(400, 'invalid_decision', `「${DECISION_LABELS[first.decisionType]}」的决定应为：${decisionOptions(first.decisionType).map((o) => o.label).join('、')}`);
  }
  const note = typeof input.note === 'string' ? input.note.trim() : '';
  if (option.note.required && !note) return refuse(400, option.note.code ?? 'note_required', `${option.label}须填写${option.note.label}`);
  if (note.length > option.note.max) return refuse(400, 'too_long', `${option.note.label}不能超过 ${option.note.max} 字（现有 ${note.length} 字）`);
  const date = typeof input.date === 'string' && input.date.trim() ? input.date.trim() : undefined;

  // A granted request must be possible on its issue now: checked before anything is written.
  if (option.grants) {
    const action = effectAction({ ...first, note, decidedBy: by }, date);
    if (action) {
      const issue = await deps.store.getIssue(first.ref);
      const profile = await deps.getProfile();
      if (!issue || !profile) return refuse(409, 'subject_gone', `未找到问题 ${first.ref} 或系统配置未就绪`);
      if (!issue.record.events.some((e) => e.ref === id)) {
        const res = applyAction(issue.record, action, lifecycleContext(profile, now));
        if (!res.ok) return refuse(409, res.code, res.message);
      }
    }
  }

  const out = await conditionalUpdate<DecisionRecord, DecideOutcome>({
    read: () => deps.store.getDecision(id),
    write: (next, rev) => deps.store.putDecision(next, rev),
    current: first,
    attempts: MAX_ATTEMPTS,
    decide(cur) {
      if (!cur) return { done: refuse(404, 'decision_not_found', `未找到待办事项 ${id}`) };
      if (nonce && cur.usedTokens[nonce] !== undefined) return { done: refuse(410, 'link_used', '该链接已使用过，每个链接只能使用一次') };
      if (!cur.open) {
        return { done: refuse(409, 'already_decided', `${DECISION_LABELS[cur.decisionType]} ${cur.id} 已由 ${cur.decidedBy ?? '他人'} 决定（${cur.decision ?? cur.status}），本次未做更改`) };
      }
      const data: Record<string, string> = { ...cur.data, ...(input.data ?? {}), ...(date ? { grantedDate: date } : {}) };
      const hasEffect = option.grants && (effectAction(cur) !== null || data.closeMembers === '是');
      let next: DecisionRecord = {
        ...cur,
        open: false,
        status: option.status,
        decision: option.label,
        ...(note ? { note } : {}),
        decidedAt: now,
        decidedBy: by,
        data,
        updatedAt: now,
        ...(hasEffect ? { applied: false } : {}),
        usedTokens: nonce ? { ...cur.usedTokens, [nonce]: now } : cur.usedTokens,
      };
      next = withPending(next, [resultMail(next, now)]);
      const { revision: _r, ...write } = next;
      return { write, result: { ok: true, decision: decisionView(next, now) } };
    },
  });
  if (!out.ok) return refuse(409, 'already_decided', `待办事项 ${id} 正在被同时处理，请刷新后再试`);
  if (out.result.ok) {
    first = await deps.store.getDecision(id);
    if (first && first.applied === false) await applyDecisionEffect(deps, first);
    deps.log.info('decision', { id, type: out.result.decision.type, decision: out.result.decision.decision });
  }
  return out.result;
}

/** Body of `POST /v1/decisions/{id}`: `{"decision","note"?,"date"?}`. */
export function parseDecideBody(body: unknown): { ok: true; input: DecideInput } | { ok: false; message: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, message: '请求内容应为 JSON 对象：{"decision","note"?,"date"?,"unit"?,"urgency"?}' };
  const b = body as Record<string, unknown>;
  if (typeof b.decision !== 'string' || !b.decision.trim()) return { ok: false, message: '请填写 decision（如 批准、驳回、同意、不同意）' };
  const fields = ['note', 'date', 'unit', 'urgency'] as const;
  for (const k of fields) {
    if (b[k] !== undefined && (typeof b[k] !== 'string' || (b[k] as string).length > 2000)) return { ok: false, message: `字段 ${k} 应为不超过 2000 字的文本` };
  }
  const given = Object.fromEntries(fields.filter((k) => typeof b[k] === 'string').map((k) => [k, b[k] as string]));
  return { ok: true, input: { decision: b.decision, ...given } };
}

// ---- unit requests (申请延期, 申请上报) ------------------------------------------------------------

/** Id of the request a link's nonce makes: the same link always makes the same request. */
export function requestId(issueId: string, nonce: string): string {
  return `SQ-${issueId.replace(/^WT-/, '')}-${createHash('sha256').update(nonce).digest('hex').slice(0, 6).toUpperCase()}`;
}

/** The decision a unit's 申请延期 / 申请上报 asks for (created before the link's token is consumed). */
export function requestDecision(
  issue: StoredIssue,
  kind: 'request_extend' | 'request_escalate',
  fields: { date?: string; level?: string; reason: string },
  id: string,
  profile: Profile,
  by: string,
  now: number,
): DecisionRecord {
  const r = issue.record;
  const a = currentAssignment(r);
  const unit = findUnit(profile, a.unit);
  const unitName = unit?.name ?? a.unit;
  const type: DecisionType = kind === 'request_extend' ? 'extend_request' : 'escalate_request';
  const subject = kind === 'request_extend' ? `${r.id} 申请办结时限延至 ${fields.date}` : `${r.id} 申请上报（${fields.level}）`;
  const rows = [
    { label: '问题编号', text: r.id },
    { label: '问题类别', text: r.issue.category },
    { label: '反映企业', text: [r.issue.enterpriseName, r.issue.enterpriseCode].filter(Boolean).join(' ') || '（未填写）' },
    { label: '责任单位', text: unitName },
    { label: '当前办结时限', text: a.resolveBy },
    ...(kind === 'request_extend' ? [{ label: '申请延至', text: fields.date ?? '' }] : [{ label: '上报类型', text: fields.level ?? '' }]),
    { label: kind === 'request_extend' ? '延期理由' : '上报理由', text: fields.reason },
    { label: '申请人', text: by },
  ];
  const rec = newDecisionRecord(
    {
      id,
      decisionType: type,
      subject,
      ref: r.id,
      requester: a.unit,
      requesterName: unitName,
      requesterEmails: unitEmails(profile, [a.unit]),
      since: now,
      open: true,
      status: '待审批',
      data: { reason: fields.reason, ...(fields.date ? { date: fields.date } : {}), ...(fields.level ? { level: fields.level } : {}) },
      rows,
      quote: r.issue.description,
    },
    now,
  );
  return mailedToOffice(rec, profile, now);
}

/**
 * A 改派申请 (an edit of a routed issue's 指定责任单位 by someone who may not reassign, edits.ts)
 * as an item of the queue, mailed to the command office: 同意 applies the 改派 (effectAction),
 * 不同意 (with a reason) leaves the unit; the editor who asked gets the decision_result mail.
 */
export function reassignRequestDecision(
  r: IssueRecord,
  ask: { unit: string; unitName: string; from: string; by: string; at: number },
  id: string,
  profile: Profile,
  now: number,
): DecisionRecord {
  const fromName = findUnit(profile, ask.from)?.name ?? ask.from;
  const rec = newDecisionRecord(
    {
      id,
      decisionType: 'reassign_request',
      subject: `${r.id} 申请改派至「${ask.unitName}」`,
      ref: r.id,
      requester: ask.from,
      requesterName: fromName,
      requesterEmails: [ask.by.trim().toLowerCase()],
      since: ask.at,
      open: true,
      status: '待审批',
      data: { unit: ask.unit, from: ask.from, by: ask.by },
      rows: [
        { label: '问题编号', text: r.id },
        { label: '问题类别', text: r.issue.category },
        { label: '反映企业', text: [r.issue.enterpriseName, r.issue.enterpriseCode].filter(Boolean).join(' ') || '（未填写）' },
        { label: '当前责任单位', text: fromName },
        { label: '申请改派至', text: ask.unitName },
        { label: '申请人', text: ask.by },
      ],
      quote: r.issue.description,
    },
    now,
  );
  return mailedToOffice(rec, profile, now);
}

// ---- the sweep's part ----------------------------------------------------------------------------

/** 09:00 Shanghai of an ISO day. */
const nineOf = (day: string) => endOfShanghaiDay(day) - 15 * 3_600_000;

/**
 * Reminders (09:00 of the decide-by day, once), the planned-date flag of inspections (once), and the
 * effects a crash left unapplied.
 */
export async function sweepDecisions(deps: DecisionDeps): Promise<{ reminded: number; flagged: number; applied: number }> {
  const now = deps.clock.now();
  const today = shanghaiDate(now);
  const summary = { reminded: 0, flagged: 0, applied: 0 };
  const profile = await deps.getProfile();
  if (!profile) return summary;
  for (const rec of await deps.store.listDecisions({ open: true })) {
    const remind = rec.decideBy !== undefined && now >= nineOf(rec.decideBy) && !rec.flags.includes(`remind#${rec.decideBy}`);
    const due = inspectionPlannedReached(rec, today) && !rec.flags.includes('planned_reached');
    if (!remind && !due) continue;
    const out = await conditionalUpdate<DecisionRecord, void>({
      read: () => deps.store.getDecision(rec.id),
      write: (next, rev) => deps.store.putDecision(next, rev),
      current: rec,
      attempts: MAX_ATTEMPTS,
      decide(cur) {
        if (!cur || !cur.open) return { done: undefined };
        const flags = [...cur.flags];
        let next = cur;
        if (remind && !flags.includes(`remind#${cur.decideBy}`)) {
          flags.push(`remind#${cur.decideBy}`);
          next = withPending(next, [decisionMail(cur, commandOfficeEmails(profile), now, 'decision_remind')]);
        }
        if (due && !flags.includes('planned_reached')) flags.push('planned_reached');
        const { revision: _r, ...write } = { ...next, flags, updatedAt: now };
        return { write, result: undefined };
      },
    });
    if (out.ok) {
      if (remind) summary.reminded++;
      if (due) summary.flagged++;
    }
  }
  for (const rec of await deps.store.listDecisions({ unapplied: true })) {
    if (rec.applied === false && !(await applyDecisionEffect(deps, rec))) summary.applied++;
  }
  return summary;
}

// ---- the signed answer links of the decision mails (`/a/{token}`, action `decide:<label>`) -------

/** What a decision link's page shows of its matter: a decision record, or an issue of the queue (triage, 核实销号). */
type LinkSubject = Pick<DecisionRecord, 'id' | 'decisionType' | 'subject' | 'rows' | 'requesterName' | 'quote'> & { urgencyCheck?: UrgencyCheck };
type LinkCheck = { ok: true; token: ActionTokenPayload; rec: LinkSubject; option: DecisionOption; units: readonly string[] } | { ok: false; page: PageResponse };

/** The units a triage item may be 分派 to (names, the profile's order): every unit but the triage unit. */
export function assignableUnits(profile: Pick<Profile, 'units' | 'workClasses'>): { code: string; name: string }[] {
  const triage = triageUnit(profile);
  return profile.units.filter((u) => u.code !== triage).map((u) => ({ code: u.code, name: u.name }));
}

/** An issue waiting in the queue (its id an issue's 编号) as the subject of a link, or a page saying why not. */
async function issueLinkSubject(deps: DecisionDeps, id: string, profile: Profile | null): Promise<LinkSubject | PageResponse> {
  const found = await deps.store.getIssue(id);
  if (!found) return { statusCode: 404, view: messageView('事项不存在', `未找到待办事项 ${id}。`) };
  const type = issueDecisionType(found.record);
  const waiting: readonly string[] = type === 'triage' ? ['待分派'] : AWAITING_STATUSES;
  if (!waiting.includes(found.record.status)) {
    return { statusCode: 409, view: messageView('已经决定', `问题 ${id} 当前状态为「${found.record.status}」，可能已由他人处理。本次未做任何更改。`) };
  }
  const v = verifyDecisionView(found.record, profile);
  return { id, decisionType: type, subject: v.subject, rows: v.rows, requesterName: v.requesterName, ...(v.urgencyCheck ? { urgencyCheck: v.urgencyCheck } : {}) };
}

async function checkLink(deps: DecisionDeps, secrets: readonly string[], raw: string): Promise<LinkCheck> {
  const v = verifyActionToken(raw, secrets, deps.clock.now());
  if (!v.ok && v.reason === 'expired') return { ok: false, page: { statusCode: 410, view: messageView('链接已过期', '该审批链接已过期，未做任何更改。') } };
  if (!v.ok) return { ok: false, page: { statusCode: 403, view: messageView('链接无效', '该链接无法验证，未做任何更改。') } };
  const stored = await deps.store.getDecision(v.payload.issueId);
  let rec: LinkSubject;
  if (stored) {
    if (stored.usedTokens[v.payload.nonce] !== undefined) return { ok: false, page: { statusCode: 410, view: messageView('链接已使用', `该链接已使用过（${stored.decision ?? stored.status}）。`) } };
    if (!stored.open) {
      return { ok: false, page: { statusCode: 409, view: messageView('已经决定', `「${stored.subject}」已由 ${stored.decidedBy ?? '他人'} 决定：${stored.decision ?? stored.status}。本次未做任何更改。`) } };
    }
    rec = stored;
  } else if (ISSUE_ID.test(v.payload.issueId)) {
    // An issue of the queue (the dashboard's forms): decided once by its own conditional write.
    const subject = await issueLinkSubject(deps, v.payload.issueId, await deps.getProfile());
    if ('statusCode' in subject) return { ok: false, page: subject };
    rec = subject;
  } else {
    return { ok: false, page: { statusCode: 404, view: messageView('事项不存在', `未找到待办事项 ${v.payload.issueId}。`) } };
  }
  const option = decisionOption(rec.decisionType, v.payload.action.slice(DECISION_LINK_PREFIX.length));
  if (!option) return { ok: false, page: { statusCode: 403, view: messageView('链接无效', '该链接对应的决定不存在。') } };
  // The decider must still be a 审批 member or a current 指挥部 address (SPEC §7.8).
  const profile = await deps.getProfile();
  if (!profile || !commandOfficeEmails(profile).includes(v.payload.recipient.toLowerCase())) {
    return { ok: false, page: { statusCode: 403, view: messageView('无权决定', `${v.payload.recipient} 已不是审批人员。`) } };
  }
  const units = rec.decisionType === 'triage' ? assignableUnits(profile).map((u) => u.name) : [];
  return { ok: true, token: v.payload, rec, option, units };
}

/** 分派 of a triage item: the responsible unit (the form's select; the API's `unit`). */
export const UNIT_FIELD = { name: 'unit', label: '分派单位', required: true, max: 100 } as const;
/** 分派 of an enterprise's 紧急 (紧急待核实): the office's finding (the form's select; the API's `urgency`). */
export const URGENCY_FIELD = { name: 'urgency', label: '核实紧急程度', required: true, max: 10, choices: URGENCIES } as const;

function decisionPage(c: Extract<LinkCheck, { ok: true }>, error?: string, form?: URLSearchParams): PageView {
  const urgency = c.rec.urgencyCheck === URGENCY_PENDING;
  return {
    kind: 'decision',
    decision: {
      title: c.rec.subject,
      rows: [{ label: '事项类型', text: DECISION_LABELS[c.rec.decisionType] }, ...c.rec.rows, { label: '提交单位', text: c.rec.requesterName }],
      ...(c.rec.quote ? { quote: c.rec.quote } : {}),
      option: { label: c.option.label, colour: c.option.colour, caution: c.option.caution, note: c.option.note },
      ...(c.units.length > 0 ? { fields: [{ ...UNIT_FIELD, choices: c.units }, ...(urgency ? [URGENCY_FIELD] : [])] } : {}),
      ...(form
        ? {
            values: {
              [c.option.note.name]: form.get(c.option.note.name) ?? '',
              ...(c.units.length > 0 ? { unit: form.get('unit') ?? '' } : {}),
              ...(urgency ? { urgency: form.get(URGENCY_FIELD.name) ?? '' } : {}),
            },
          }
        : {}),
      ...(error ? { error } : {}),
    },
  };
}

/** GET: what the answer would do. Never changes state. */
export async function showDecisionLink(deps: DecisionDeps, secrets: readonly string[], raw: string): Promise<PageResponse> {
  const c = await checkLink(deps, secrets, raw);
  return c.ok ? { statusCode: 200, view: decisionPage(c) } : c.page;
}

/** POST: decide once with the link's answer. */
export async function performDecisionLink(deps: DecisionDeps, secrets: readonly string[], raw: string, form: URLSearchParams): Promise<PageResponse> {
  const c = await checkLink(deps, secrets, raw);
  if (!c.ok) return c.page;
  const unit = form.get(UNIT_FIELD.name);
  const urgency = form.get(URGENCY_FIELD.name);
  const res = await decide(deps, c.rec.id, { decision: c.option.label, note: form.get('note') ?? '', ...(unit ? { unit } : {}), ...(urgency ? { urgency } : {}) }, c.token.recipient, c.token.nonce);
  if (res.ok) return { statusCode: 200, view: messageView(`已${c.option.label}`, `「${c.rec.subject}」：${c.option.label}。决定已记录，并已通知${c.rec.requesterName}。`) };
  if (res.status === 400) return { statusCode: 400, view: decisionPage(c, res.message, form) };
  return { statusCode: res.status, view: messageView(res.code === 'already_decided' ? '已经决定' : '未能办理', res.message) };
}

// ---- common-problem batches (点办理、批处理) --------------------------------------------------------

/** The decision record of a reported batch (opened by the sweep when it reports the batch). */
export function batchDecision(batch: BatchRecord, profile: Pick<Profile, 'units'> | null, now: number): DecisionRecord {
  const office = profile ? commandUnits(profile) : [];
  return newDecisionRecord({
    id: batch.id,
    decisionType: 'batch',
    subject: `共性问题 ${batch.category}（${batch.issueIds.length} 个问题）`,
    ref: batch.id,
    requester: office[0] ?? 'system',
    requesterName: '共性问题（系统发现）',
    requesterEmails: [],
    since: batch.reportedAt || now,
    open: true,
    status: '待答复',
    data: { category: batch.category, issueIds: batch.issueIds.join(',') },
    rows: [
      { label: '批次', text: batch.id },
      { label: '问题类别', text: batch.category },
      { label: '涉及问题', text: batch.issueIds.join('、') },
    ],
  }, now);
}

export interface BatchAnswerInput {
  answer: string;
  policy?: string;
  closeMembers?: boolean;
}

export function parseBatchAnswer(body: unknown): { ok: true; input: BatchAnswerInput } | { ok: false; message: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, message: '请求内容应为 JSON 对象：{"answer","policy"?,"closeMembers"?}' };
  const b = body as Record<string, unknown>;
  if (typeof b.answer !== 'string' || !b.answer.trim()) return { ok: false, message: '请填写 answer（答复内容）' };
  if (b.answer.length > 2000) return { ok: false, message: '答复内容不能超过 2000 字' };
  if (b.policy !== undefined && (typeof b.policy !== 'string' || b.policy.length > 200)) return { ok: false, message: '字段 policy 应为不超过 200 字的政策编号或名称' };
  if (b.closeMembers !== undefined && typeof b.closeMembers !== 'boolean') return { ok: false, message: '字段 closeMembers 应为 true 或 false' };
  return { ok: true, input: { answer: b.answer.trim(), ...(typeof b.policy === 'string' && b.policy.trim() ? { policy: b.policy.trim() } : {}), ...(b.closeMembers ? { closeMembers: true } : {}) } };
}

/**
 * `POST /v1/batches/{id}/answer`: answer a reported batch once. With `closeMembers` the intent is
 * recorded on the batch's decision and every open member issue is closed with the answer as its
 * 办理结果 (each enterprise gets its 回访 mail once; the sweep finishes what a crash left).
 */
export async function answerBatch(deps: DecisionDeps, batchId: string, input: BatchAnswerInput, by: string): Promise<DecideOutcome> {
  const batch = await deps.store.getBatch(batchId);
  if (!batch) return refuse(404, 'batch_not_found', `未找到共性问题批次 ${batchId}`);
  if (!(await deps.store.getDecision(batchId))) await openDecision(deps.store, batchDecision(batch, await deps.getProfile(), deps.clock.now()));
  // The intent (closeMembers) is written with the answer, in the decision's one conditional write.
  const data = { ...(input.closeMembers ? { closeMembers: '是' } : {}), ...(input.policy ? { policy: input.policy } : {}) };
  const note = input.policy ? `${input.answer}（政策：${input.policy}）` : input.answer;
  return decide(deps, batchId, { decision: '答复', note, data }, by);
}
