// The closed loop of a routed problem (SPEC §4 "Lifecycle of an issue"): 待分派 → 已交办 → 已签收 →
// 办理中 → 已办结 → 已回访 → 已销号, with 退回 (back to triage), 重新办理 (unsatisfied follow-up),
// 改派, 延期 and 销号. Every function is pure: it takes a record and returns the new record plus the
// notifications the change calls for. Notification keys are deterministic (issue id, assignment index
// and what happened), so computing the same change twice yields the same keys and the dispatcher's
// de-duplication (key + recipient) sends each email once.
//
// Decisions:
// - An issue routed to triage (RouteResult.how = 'triage') starts 待分派 with an assignment to the
//   coordination lead unit (牵头单位 of `coordination`) flagged `triage`; the same happens after 退回.
//   The triage unit may dispatch it (command-office 改派) or take it on itself (sign/progress/resolve).
// - 进展 and 办结 imply 签收: a unit that answers straight from the email is not refused.
// - 不满意 ends the current assignment (endReason `reopened`) and starts a new one on the same unit with
//   fresh deadlines from the follow-up instant (reopenCount + 1).
// - `overdue` and `escalationLevel` describe the CURRENT assignment: a new assignment (退回, 改派,
//   重新办理) resets them; otherwise escalationLevel never decreases. Actions only clear `overdue`
//   (when the missed deadline is met); the sweep sets it, with its notification.
// - Time never runs backwards inside a record: an action's instant is max(ctx.now, record.updatedAt).
// - Who may take an action, from which states, and which of its text fields are required is the
//   action catalog's (catalog.ts); so are the links each mail carries. Here: what each action does.

import { FOLLOW_UP_RESULTS, URGENCIES } from '../rows/kinds.js';
import type { IssueStatus, Urgency, UrgencyCheck } from '../rows/kinds.js';
import { copiedUnits, deadlinesFor, MAJOR_RESOLVE_CALENDAR_DAYS } from './routing.js';
import { addDays, compareDates, endOfShanghaiDay, isIsoDate, shanghaiDate } from '../time/time.js';
import type { IssueRow, Profile, RowWarning, Unit } from '../rows/types.js';
import type { WorkCalendar } from '../time/types.js';
import type { Assignment, IssueEvent, IssueRecord, RouteResult } from './types.js';
import { ESCALATION_LEVELS, MAILS, ROLE_ORDER, actionDef, isActionType, type ActorRole, type FieldErrorCode, type IssueAction, type IssueActionType, type IssueActor, type IssueMailData, type MailData, type Notification, type NotificationOf, type Template } from './catalog.js';

export { ACTION_TYPES } from './catalog.js';
export type { IssueAction, IssueActionType, IssueActor } from './catalog.js';

export type FollowUpResult = (typeof FOLLOW_UP_RESULTS)[number];

/** Statuses in which a unit still owes work: the sweep watches these. */
export const OPEN_STATUSES: readonly IssueStatus[] = ['待分派', '已交办', '已签收', '办理中'];

export function isOpen(status: IssueStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

export interface LifecycleContext {
  now: number;
  profile: Profile;
  calendar: WorkCalendar;
}

export type LifecycleErrorCode =
  | FieldErrorCode
  | 'invalid_transition'
  | 'forbidden'
  | 'stale_assignment'
  | 'invalid_follow_up'
  | 'unknown_unit'
  | 'same_unit'
  | 'invalid_date'
  | 'invalid_level'
  | 'no_triage_unit'
  /** 改派 of an issue whose 紧急 waits to be confirmed, without urgency (紧急 or 一般). */
  | 'urgency_required'
  /** urgency other than 紧急 / 一般. */
  | 'invalid_urgency'
  /** urgency on the 改派 of an issue with no 紧急 to confirm. */
  | 'urgency_not_pending'
  /** A field without its own code (a note, a unit, a date) longer than the catalog's `max`. */
  | 'too_long'
  | 'too_many_assignments';

/**
 * Assignments one issue may have (退回, 改派 and 重新办理 each start one). The issue item keeps them
 * all (unit rates read every assignment), so their number is bounded like everything in the item
 * (SPEC §7.8): beyond it the command office must close the issue and open a new one.
 */
export const MAX_ASSIGNMENTS = 30;

export type ActionResult =
  | { ok: true; record: IssueRecord; notifications: Notification[] }
  | { ok: false; code: LifecycleErrorCode; message: string };

export interface Change {
  record: IssueRecord;
  notifications: Notification[];
}

// ---- profile roles ------------------------------------------------------------------------------

export function findUnit(profile: Pick<Profile, 'units'>, ref: string | undefined): Unit | undefined {
  if (!ref) return undefined;
  const key = ref.trim();
  return profile.units.find((u) => u.code === key) ?? profile.units.find((u) => u.name.trim() === key);
}

/** 单位编码 of the triage unit: 牵头单位 of the coordination class. */
export function triageUnit(profile: Pick<Profile, 'units' | 'workClasses'>): string | undefined {
  const lead = profile.workClasses.find((c) => c.id === 'coordination')?.leadUnit;
  if (!lead || !lead.trim()) return undefined;
  return findUnit(profile, lead)?.code ?? lead.trim();
}

/** The command office: every unit of 类型 指挥部. */
export function commandUnits(profile: Pick<Profile, 'units'>): string[] {
  return profile.units.filter((u) => u.type === '指挥部').map((u) => u.code);
}

/** Lower-cased, de-duplicated addresses of the given units. */
export function unitEmails(profile: Pick<Profile, 'units'>, units: readonly string[]): string[] {
  const out: string[] = [];
  for (const code of units) {
    for (const e of findUnit(profile, code)?.emails ?? []) {
      const email = e.trim().toLowerCase();
      if (email && !out.includes(email)) out.push(email);
    }
  }
  return out;
}

/** 上级单位 chain above a unit, nearest first; stops at the top, at an unknown code or at a cycle. */
export function escalationChain(profile: Pick<Profile, 'units'>, unit: string): string[] {
  const chain: string[] = [];
  const seen = new Set<string>([unit]);
  let cur = findUnit(profile, unit);
  while (cur?.parent && cur.parent.trim()) {
    const parent = findUnit(profile, cur.parent);
    if (!parent || seen.has(parent.code)) break;
    chain.push(parent.code);
    seen.add(parent.code);
    cur = parent;
  }
  return chain;
}

function unitName(profile: Pick<Profile, 'units'>, code: string): string {
  return findUnit(profile, code)?.name ?? code;
}

// ---- record helpers -----------------------------------------------------------------------------

/** Index of the current assignment: the last one, which never has endedAt while the record lives. */
export function currentIndex(record: Pick<IssueRecord, 'assignments'>): number {
  return record.assignments.length - 1;
}

export function currentAssignment(record: Pick<IssueRecord, 'assignments'>): Assignment {
  return record.assignments[currentIndex(record)];
}

/** Whether a deadline day (end of that Shanghai day) has passed at `now`. */
export function deadlinePassed(date: string, now: number): boolean {
  return now > endOfShanghaiDay(date);
}

/** The unmet sign/resolve deadlines of an assignment that have passed at `now` (what makes it 逾期). */
export function missedDeadlines(a: Assignment, now: number): Array<{ kind: 'sign' | 'resolve'; date: string }> {
  const out: Array<{ kind: 'sign' | 'resolve'; date: string }> = [];
  if (a.signedAt === undefined && deadlinePassed(a.signBy, now)) out.push({ kind: 'sign', date: a.signBy });
  if (a.resolvedAt === undefined && deadlinePassed(a.resolveBy, now)) out.push({ kind: 'resolve', date: a.resolveBy });
  return out;
}

function copyRecord(r: IssueRecord): IssueRecord {
  return {
    ...r,
    assignments: r.assignments.map((a) => ({ ...a, also: [...a.also] })),
    events: [...r.events],
    warnings: [...r.warnings],
  };
}

export function mergeWarnings(into: RowWarning[], more: readonly RowWarning[]): RowWarning[] {
  const out = [...into];
  for (const w of more) {
    if (!out.some((o) => o.code === w.code && o.column === w.column && o.message === w.message)) out.push(w);
  }
  return out;
}

function actorLabel(actor: IssueActor): string {
  if (actor.by) return actor.by;
  if (actor.role === 'unit') return `unit:${actor.unit}`;
  return actor.role;
}

// ---- notifications ------------------------------------------------------------------------------

/** Collects notifications; a notification without any address is dropped with a warning. */
export class Outbox {
  readonly notifications: Notification[] = [];
  readonly warnings: RowWarning[] = [];
  constructor(
    private readonly profile: Pick<Profile, 'units'>,
    private readonly now: number,
  ) {}

  /** To the given units' addresses (cc: units' addresses not already in `to`). */
  toUnits<T extends Template>(key: string, template: T, units: readonly string[], data: MailData<T>, ccUnits: readonly string[] = []): void {
    const to = unitEmails(this.profile, units);
    if (to.length === 0) {
      for (const u of units) {
        this.warnings.push({
          code: 'unit_without_email',
          column: '责任单位',
          message: `责任单位「${unitName(this.profile, u)}」没有登记联系邮箱，「${MAILS[template].label}」通知无法发送，请在责任单位表中补充`,
        });
      }
      return;
    }
    const cc = unitEmails(this.profile, ccUnits).filter((e) => !to.includes(e));
    this.push(key, template, to, data, cc);
  }

  toAddresses<T extends Template>(key: string, template: T, to: readonly string[], data: MailData<T>): void {
    const list = [...new Set(to.map((e) => e.trim().toLowerCase()).filter((e) => e.length > 0))];
    if (list.length > 0) this.push(key, template, list, data, []);
  }

  private push<T extends Template>(key: string, template: T, to: string[], data: MailData<T>, cc: string[]): void {
    const n: NotificationOf<T> = { key, template, to, data, createdAt: this.now, ...(cc.length > 0 ? { cc } : {}) };
    // A NotificationOf<T> is one of the union's members; TypeScript cannot see it for a generic T.
    this.notifications.push(n as Notification);
  }
}

/** The data every issue notification carries (JSON-serialisable). */
export function issueData(record: IssueRecord, index: number, profile: Pick<Profile, 'units'>): IssueMailData {
  const a = record.assignments[index];
  const i = record.issue;
  return {
    issueId: record.id,
    assignment: index,
    unit: a.unit,
    unitName: unitName(profile, a.unit),
    also: [...a.also],
    status: record.status,
    category: i.category,
    description: i.description,
    enterpriseCode: i.enterpriseCode ?? null,
    enterpriseName: i.enterpriseName ?? null,
    sector: i.sector ?? null,
    locality: i.locality ?? null,
    // The urgency in force: an enterprise's 紧急 found 一般 at triage is mailed as 一般.
    urgency: effectiveUrgency(record),
    major: i.major,
    beyondScope: i.beyondScope,
    reportedOn: i.reportedOn,
    signBy: a.signBy,
    feedbackBy: a.feedbackBy,
    resolveBy: a.resolveBy,
    triage: a.triage === true,
    ...(record.urgencyCheck ? { urgencyCheck: record.urgencyCheck } : {}),
  };
}

type AssignExtra = Omit<MailData<'assign'>, keyof IssueMailData>;

/** The assignment email to the unit (its links: MAILS.assign) and the copy to the `also` units. */
function announceAssignment(out: Outbox, record: IssueRecord, index: number, profile: Pick<Profile, 'units'>, extra: AssignExtra): void {
  const a = record.assignments[index];
  const data = { ...issueData(record, index, profile), ...extra };
  out.toUnits(`${record.id}#assign#${index}#unit`, 'assign', [a.unit], data);
  const also = a.also.filter((u) => u !== a.unit);
  if (also.length > 0) out.toUnits(`${record.id}#assign#${index}#copy`, 'copy', also, data);
}

// ---- create -------------------------------------------------------------------------------------

/**
 * Whether the issue has been routed to a responsible unit (ever): an issue only waiting at the
 * coordination office's triage (待分派, never assigned to a unit) has not. A routed issue is never
 * deleted by a manifest (SPEC §7.1 `issue_in_progress`).
 */
export function hasBeenRouted(record: Pick<IssueRecord, 'assignments'>): boolean {
  return record.assignments.some((a) => !a.triage);
}

/** An enterprise's 紧急 waiting for the command office (SPEC §7.8). */
export const URGENCY_PENDING: UrgencyCheck = '紧急待核实';

/** The event that records the urgency check: 紧急待核实 at intake, the finding on 分派. */
export function urgencyEvent(at: number, check: UrgencyCheck, actor = 'system', assignment = 0): IssueEvent {
  return { at, type: 'urgency_check', actor, note: check, assignment };
}

/**
 * The urgency whose limits a new assignment gets: 一般 once the command office found an enterprise's
 * 紧急 to be 一般 (the row keeps what the enterprise said), else the row's 紧急程度.
 */
export function effectiveUrgency(record: Pick<IssueRecord, 'issue' | 'urgencyCheck'>): Urgency {
  return record.urgencyCheck === '已核实为一般' ? '一般' : record.issue.urgency;
}

/**
 * The record of a freshly routed issue: 已交办 to the routed unit, or 待分派 with a triage assignment
 * to the coordination lead when routing fell through to triage (or, with `urgencyToConfirm`, when an
 * enterprise's 紧急 waits there: the record says 紧急待核实). Notifications: `assign` to the unit
 * (with the links of MAILS.assign) and `copy` to the `also` units.
 */
export function createIssueRecord(id: string, issue: IssueRow, route: RouteResult, now: number, profile: Profile, opts: { urgencyToConfirm?: boolean } = {}): Change {
  const triage = route.how === 'triage';
  const assignment: Assignment = {
    unit: route.unit,
    also: route.also.filter((u) => u !== route.unit),
    assignedAt: now,
    signBy: route.signBy,
    feedbackBy: route.feedbackBy,
    resolveBy: route.resolveBy,
  };
  if (triage) assignment.triage = true;
  const record: IssueRecord = {
    id,
    status: triage ? '待分派' : '已交办',
    issue,
    assignments: [assignment],
    events: [{ at: now, type: 'assign', actor: 'system', unit: route.unit, note: route.how, assignment: 0 }],
    overdue: false,
    escalationLevel: 0,
    returnCount: 0,
    reopenCount: 0,
    warnings: [...route.warnings],
    createdAt: now,
    updatedAt: now,
  };
  if (opts.urgencyToConfirm && triage) {
    record.urgencyCheck = URGENCY_PENDING;
    record.events.push(urgencyEvent(now, URGENCY_PENDING));
  }
  const out = new Outbox(profile, now);
  announceAssignment(out, record, 0, profile, { reason: 'new', how: route.how });
  record.warnings = mergeWarnings(record.warnings, out.warnings);
  return { record, notifications: out.notifications };
}

// ---- actions ------------------------------------------------------------------------------------

function fail(code: LifecycleErrorCode, message: string): ActionResult {
  return { ok: false, code, message };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * Every field of the action within the catalog's `max` (a note on a follow-up link as much as a
 * reason: nothing longer is stored, SPEC §7.5), and the free-text fields the catalog marks as checked
 * here present.
 */
function checkFields(action: IssueAction): ActionResult | null {
  const def = actionDef(action.type);
  for (const f of def.fields) {
    const t = text((action as Record<string, unknown>)[f.name]);
    if (t.length > f.max) return fail(f.code ?? 'too_long', `${f.label}不能超过 ${f.max} 字（现有 ${t.length} 字）`);
    if (!f.code) continue;
    if (!t && f.required) return fail(f.code, `请填写${f.label}`);
  }
  return null;
}

/** Start a new assignment (after 退回, 改派 or 重新办理) with deadlines counted from `now`. */
function startAssignment(
  rec: IssueRecord,
  unit: string,
  also: string[],
  now: number,
  ctx: LifecycleContext,
  triage: boolean,
): Assignment {
  const d = deadlinesFor(effectiveUrgency(rec), rec.issue.major, shanghaiDate(now), ctx.profile, ctx.calendar);
  const a: Assignment = {
    unit,
    also: also.filter((u) => u !== unit),
    assignedAt: now,
    signBy: d.signBy,
    feedbackBy: d.feedbackBy,
    resolveBy: d.resolveBy,
  };
  if (triage) a.triage = true;
  rec.assignments.push(a);
  rec.warnings = mergeWarnings(rec.warnings, d.warnings);
  rec.overdue = false;
  rec.escalationLevel = 0;
  return a;
}

/**
 * Apply one action at ctx.now. Checks, in order: the link's assignment is current (`stale_assignment`),
 * the actor may do it (`forbidden`), the status allows it (`invalid_transition`), then the input
 * (`reason_required`, `result_required`, …). A refusal changes nothing.
 */
export function applyAction(record: IssueRecord, action: IssueAction, ctx: LifecycleContext): ActionResult {
  const type = action.type;
  if (!isActionType(type)) return fail('invalid_transition', `未知的操作「${String(type)}」`);
  const def = actionDef(type);
  const now = Math.max(ctx.now, record.updatedAt);
  const ai = currentIndex(record);
  const cur = record.assignments[ai];
  const label = def.label;

  if (action.assignment !== undefined && action.assignment !== ai) {
    return fail('stale_assignment', `该链接对应的交办已结束（问题已退回、改派或重新办理），不能再${label}；请以最新的交办通知为准`);
  }
  const actor = action.actor;
  if (!actor || !def.by.includes(actor.role)) {
    return fail('forbidden', `无权${label}：该操作只能由${roleLabel(def.by)}执行`);
  }
  if (actor.role === 'unit' && actor.unit !== cur.unit) {
    return fail('forbidden', `无权${label}：问题 ${record.id} 当前由「${unitName(ctx.profile, cur.unit)}」办理`);
  }
  if (!def.from.includes(record.status)) {
    return fail('invalid_transition', `问题 ${record.id} 当前状态为「${record.status}」，不能${label}`);
  }
  if (type === 'return' && cur.triage) {
    return fail('invalid_transition', `问题 ${record.id} 尚在分派环节（待分派），分派单位不能退回，请改派给责任单位`);
  }
  const refused = checkFields(action);
  if (refused) return refused;
  const startsAssignment = type === 'return' || type === 'reassign' || (type === 'follow_up' && text((action as { result?: string }).result) === '不满意');
  if (startsAssignment && record.assignments.length >= MAX_ASSIGNMENTS) {
    return fail(
      'too_many_assignments',
      `问题 ${record.id} 已交办 ${record.assignments.length} 次，达到上限 ${MAX_ASSIGNMENTS} 次，不能再${label}；请指挥部办公室核实销号后另行登记`,
    );
  }

  const rec = copyRecord(record);
  rec.updatedAt = now;
  const a = rec.assignments[ai];
  const out = new Outbox(ctx.profile, now);
  const event: IssueEvent = { at: now, type, actor: actorLabel(actor), unit: a.unit, assignment: ai };

  switch (action.type) {
    case 'sign': {
      a.signedAt = now;
      rec.status = '已签收';
      break;
    }
    case 'return': {
      const reason = text(action.reason);
      const triage = triageUnit(ctx.profile);
      if (!triage) return fail('no_triage_unit', '无法退回：「工作专班」表中综合协调专班（coordination）没有登记牵头单位');
      a.endedAt = now;
      a.endReason = 'returned';
      a.returnReason = reason;
      event.note = reason;
      rec.returnCount += 1;
      const next = startAssignment(rec, triage, a.also, now, ctx, true);
      rec.status = '待分派';
      rec.events.push(event);
      rec.events.push({ at: now, type: 'assign', actor: 'system', unit: next.unit, note: 'returned', assignment: ai + 1 });
      announceAssignment(out, rec, ai + 1, ctx.profile, { reason: 'returned', returnReason: reason, previousUnit: a.unit, previousUnitName: unitName(ctx.profile, a.unit) });
      return done(rec, out);
    }
    case 'progress': {
      const note = text(action.note);
      if (a.signedAt === undefined) a.signedAt = now;
      if (a.feedbackAt === undefined) a.feedbackAt = now;
      event.note = note;
      rec.status = '办理中';
      break;
    }
    case 'resolve':
    case 'answer_batch': {
      const result = text(action.result);
      if (a.signedAt === undefined) a.signedAt = now;
      a.resolvedAt = now;
      rec.result = result;
      delete rec.followUp;
      event.note = result;
      rec.status = '已办结';
      const data = { ...issueData(rec, ai, ctx.profile), result };
      const email = rec.issue.email;
      if (email && email.trim()) {
        out.toAddresses(`${rec.id}#follow_up#${ai}`, 'follow_up', [email], data);
      }
      out.toUnits(`${rec.id}#verify_list#${ai}`, 'verify_list', commandUnits(ctx.profile), { ...data, followUpByPhone: !(email && email.trim()) });
      break;
    }
    case 'follow_up': {
      const result = text(action.result);
      if (!(FOLLOW_UP_RESULTS as readonly string[]).includes(result)) {
        return fail('invalid_follow_up', `回访结果「${result}」无效，应为 满意、基本满意 或 不满意`);
      }
      const fu = result as FollowUpResult;
      a.followUp = fu;
      a.followUpAt = now;
      rec.followUp = fu;
      event.note = action.note ? `${fu}：${text(action.note)}` : fu;
      if (fu !== '不满意') {
        rec.status = '已回访';
        break;
      }
      a.endedAt = now;
      a.endReason = 'reopened';
      rec.reopenCount += 1;
      rec.events.push(event);
      const next = startAssignment(rec, a.unit, a.also, now, ctx, a.triage === true);
      rec.status = next.triage ? '待分派' : '已交办';
      rec.events.push({ at: now, type: 'reopen', actor: 'system', unit: next.unit, note: '不满意，重新办理', assignment: ai + 1 });
      announceAssignment(out, rec, ai + 1, ctx.profile, { reason: 'reopened', previousResult: rec.result ?? null });
      return done(rec, out);
    }
    case 'reassign': {
      const target = findUnit(ctx.profile, action.unit);
      if (!target) return fail('unknown_unit', `改派目标「${text(action.unit)}」不在「责任单位」表中`);
      if (target.code === a.unit) return fail('same_unit', `问题 ${rec.id} 已由「${target.name}」办理，无需改派`);
      const checked = checkUrgency(rec, text(action.urgency));
      if (!checked.ok) return checked;
      a.endedAt = now;
      a.endReason = 'reassigned';
      event.note = action.note ? `→ ${target.code}：${text(action.note)}` : `→ ${target.code}`;
      if (checked.check) {
        // The command office's finding on an enterprise's 紧急, before the new unit's limits are counted.
        rec.urgencyCheck = checked.check;
        rec.events.push(urgencyEvent(now, checked.check, event.actor, ai));
      }
      rec.events.push(event);
      const next = startAssignment(rec, target.code, a.also, now, ctx, false);
      rec.status = '已交办';
      rec.events.push({ at: now, type: 'assign', actor: 'system', unit: next.unit, note: 'reassigned', assignment: ai + 1 });
      announceAssignment(out, rec, ai + 1, ctx.profile, { reason: 'reassigned', previousUnit: a.unit, previousUnitName: unitName(ctx.profile, a.unit) });
      out.toUnits(`${rec.id}#reassigned#${ai}`, 'reassigned', [a.unit], {
        ...issueData(rec, ai, ctx.profile),
        newUnit: target.code,
        newUnitName: target.name,
      });
      return done(rec, out);
    }
    case 'extend': {
      const reason = text(action.reason);
      const date = text(action.resolveBy);
      const bad = laterDate(date, a.resolveBy, now, '延期后的办结时限');
      if (bad) return bad;
      if (a.extendedFrom === undefined) a.extendedFrom = a.resolveBy;
      const previousResolveBy = a.resolveBy;
      event.note = `${previousResolveBy} → ${date}：${reason}`;
      a.resolveBy = date;
      out.toUnits(`${rec.id}#extend#${ai}#${date}`, 'extend', [a.unit], { ...issueData(rec, ai, ctx.profile), reason, previousResolveBy });
      break;
    }
    case 'request_extend': {
      const date = text(action.date);
      const bad = laterDate(date, a.resolveBy, now, '申请延至的日期');
      if (bad) return bad;
      event.note = `申请延至 ${date}：${text(action.reason)}`;
      break;
    }
    case 'request_escalate': {
      const level = text(action.level);
      if (!isLevel(level)) return fail('invalid_level', `上报类型应为${ESCALATION_LEVELS.join('或')}`);
      event.note = `申请上报（${level}）：${text(action.reason)}`;
      break;
    }
    case 'report_up': {
      const level = text(action.level);
      if (!isLevel(level)) return fail('invalid_level', `上报类型应为${ESCALATION_LEVELS.join('或')}`);
      const issue = { ...rec.issue };
      if (level === '重大问题') issue.major = true;
      else issue.beyondScope = true;
      rec.issue = issue;
      const added = copiedUnits(issue, ctx.profile.units, a.unit).filter((u) => !a.also.includes(u));
      a.also = [...a.also, ...added];
      if (issue.major) {
        // 30 calendar days from the original routing; never shortens a later deadline (SPEC §7.8).
        const routedOn = shanghaiDate((rec.assignments.find((x) => !x.triage) ?? rec.assignments[0]).assignedAt);
        const by = ctx.calendar.addWorkdays(addDays(routedOn, MAJOR_RESOLVE_CALENDAR_DAYS), 0).date;
        if (compareDates(by, a.resolveBy) > 0) a.resolveBy = by;
      }
      const note = action.note ? text(action.note) : undefined;
      event.note = note ? `${level}：${note}` : level;
      if (added.length > 0) out.toUnits(`${rec.id}#reported_up#${ai}#${level}`, 'reported_up', added, { ...issueData(rec, ai, ctx.profile), level, ...(note ? { note } : {}) });
      break;
    }
    case 'verify_close':
    case 'close': {
      if (action.note) event.note = text(action.note);
      rec.status = '已销号';
      break;
    }
    default: {
      // A catalog action without its transition here does not compile.
      const unhandled: never = action;
      return fail('invalid_transition', `未知的操作「${String((unhandled as IssueAction).type)}」`);
    }
  }
  rec.events.push(event);
  return done(rec, out);
}

/**
 * The urgency a 改派 states (SPEC §7.8): required, 紧急 or 一般, while an enterprise's 紧急 waits to be
 * confirmed (the finding to record); refused on any other issue (its 紧急程度 is the row's).
 */
function checkUrgency(rec: IssueRecord, urgency: string): { ok: true; check?: UrgencyCheck } | Extract<ActionResult, { ok: false }> {
  const pending = rec.urgencyCheck === URGENCY_PENDING;
  if (!urgency) {
    return pending ? { ok: false, code: 'urgency_required', message: `问题 ${rec.id} 是企业自报的紧急诉求，分派时须核实紧急程度：${URGENCIES.join(' 或 ')}` } : { ok: true };
  }
  if (!(URGENCIES as readonly string[]).includes(urgency)) return { ok: false, code: 'invalid_urgency', message: `核实紧急程度「${urgency}」无效，应为 ${URGENCIES.join(' 或 ')}` };
  if (!pending) return { ok: false, code: 'urgency_not_pending', message: `问题 ${rec.id} 没有待核实的紧急程度（不是企业自报的紧急诉求，或已核实），分派时无需填写核实紧急程度` };
  return { ok: true, check: urgency === '紧急' ? '已核实为紧急' : '已核实为一般' };
}

/** A requested or granted 办结时限: a date, later than the current one, not passed. */
function laterDate(date: string, current: string, now: number, what: string): ActionResult | null {
  if (!isIsoDate(date)) return fail('invalid_date', `${what}「${date}」不是有效日期（YYYY-MM-DD）`);
  if (compareDates(date, current) <= 0) return fail('invalid_date', `${what} ${date} 应晚于当前办结时限 ${current}`);
  if (deadlinePassed(date, now)) return fail('invalid_date', `${what} ${date} 已经过去`);
  return null;
}

function isLevel(level: string): level is (typeof ESCALATION_LEVELS)[number] {
  return (ESCALATION_LEVELS as readonly string[]).includes(level);
}

function done(rec: IssueRecord, out: Outbox): ActionResult {
  const a = currentAssignment(rec);
  rec.overdue = rec.overdue && isOpen(rec.status) && missedDeadlines(a, rec.updatedAt).length > 0;
  rec.warnings = mergeWarnings(rec.warnings, out.warnings);
  return { ok: true, record: rec, notifications: out.notifications };
}

function roleLabel(roles: readonly ActorRole[]): string {
  const names = { unit: '当前责任单位', enterprise: '反映企业', command: '指挥部办公室' } as const;
  return ROLE_ORDER.filter((r) => roles.includes(r))
    .map((r) => names[r])
    .join('或');
}
