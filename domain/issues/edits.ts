// Edits of an issue row after it has been routed (SPEC §7.1 "Edits after routing", §7.8): the sheet
// stays the whole truth, and nothing an editor changes is silently dropped.
// - 指定责任单位 changed: a reassignment (改派) at once when the editor has role 审批 in coordination,
//   otherwise a 改派申请 for the command office to decide (returned here, stored by the caller as a
//   pending decision of type `reassign_request`) — except on an enterprise's 紧急 waiting at triage
//   (紧急待核实), whose 分派 must confirm the urgency: the unit is then the 分派 item's suggestion;
// - 超出协调范围 or 重大问题 changed to 是: escalated as at intake — the command units / county
//   leadership copied on the current assignment and mailed (`copy`, reason `escalated`), a late
//   重大问题 resolved within 30 days of the original routing (never shortening a later deadline);
//   是 → 否 is recorded and never de-escalates;
// - 问题描述 changed: recorded as 补充说明 and mailed to the responsible unit;
// - anything else: the row is updated and the explanation says which columns.
// The explanation (the issue's system column 处理说明) says what was done. Pure, like the lifecycle.
import { headerOf } from '../rows/schemas.js';
import type { IssueRow } from '../rows/types.js';
import { addDays, compareDates, shanghaiDate } from '../time/time.js';
import { eventTotal } from './events.js';
import { applyAction, currentIndex, findUnit, isOpen, issueData, mergeWarnings, Outbox, URGENCY_PENDING, type LifecycleContext } from './lifecycle.js';
import { copiedUnits, MAJOR_RESOLVE_CALENDAR_DAYS } from './routing.js';
import type { IssueRecord, Notification } from './types.js';

export interface EditContext extends LifecycleContext {
  /** Email of the member whose sync carries the edit. */
  by: string;
  /** The editor has role 审批 in coordination: a changed 指定责任单位 is applied, not requested. */
  canReassign: boolean;
}

export interface ReassignRequest {
  /** 单位编码 asked for. */
  unit: string;
  unitName: string;
  /** The unit responsible when asked. */
  from: string;
  by: string;
  at: number;
}

export interface EditOutcome {
  record: IssueRecord;
  notifications: Notification[];
  /** 处理说明: what the server did with the edit (Chinese). */
  explanation: string;
  /** A 改派申请 to store as a pending decision (`reassign_request`). */
  reassignRequest?: ReassignRequest;
}

/** Fields compared for "other changes" (everything the flags and the three handled columns are not). */
const HANDLED = new Set(['description', 'assignedUnit', 'major', 'beyondScope']);

/** Apply the edit of a routed issue's row (`next`, validated) at ctx.now. */
export function editRoutedIssue(record: IssueRecord, next: IssueRow, ctx: EditContext): EditOutcome {
  const now = Math.max(ctx.now, record.updatedAt);
  const prev = record.issue;
  let rec: IssueRecord = { ...record, assignments: record.assignments.map((a) => ({ ...a, also: [...a.also] })), events: [...record.events] };
  const notifications: Notification[] = [];
  const said: string[] = [];
  let reassignRequest: ReassignRequest | undefined;
  const unitName = (code: string) => findUnit(ctx.profile, code)?.name ?? code;
  const event = (type: string, note: string, unit?: string) =>
    rec.events.push({ at: now, type, actor: ctx.by, ...(unit ? { unit } : {}), note, assignment: currentIndex(rec) });

  // Flags never go back: once escalated, an issue stays escalated.
  const issue: IssueRow = { ...next, major: prev.major || next.major, beyondScope: prev.beyondScope || next.beyondScope };
  rec.issue = issue;

  // ---- 问题描述 → 补充说明 -----------------------------------------------------------------------------
  if (next.description !== prev.description) {
    const ai = currentIndex(rec);
    const a = rec.assignments[ai];
    const key = `${rec.id}#supplement#${eventTotal(rec) + 1}`;
    event('supplement', next.description, a.unit);
    const out = new Outbox(ctx.profile, now);
    out.toUnits(key, 'supplement', [a.unit], { ...issueData(rec, ai, ctx.profile), previousDescription: prev.description, by: ctx.by });
    notifications.push(...out.notifications);
    rec.warnings = mergeWarnings(rec.warnings, out.warnings);
    said.push(out.notifications.length > 0 ? `问题描述的修改已作为补充说明发送「${unitName(a.unit)}」` : `问题描述的修改已作为补充说明记录（「${unitName(a.unit)}」无联系邮箱，未发送）`);
  }

  // ---- 超出协调范围 / 重大问题 → escalation as at intake ---------------------------------------------------
  const raised = (['beyondScope', 'major'] as const).filter((f) => next[f] && !prev[f]);
  const lowered = (['beyondScope', 'major'] as const).filter((f) => !next[f] && prev[f]);
  if (raised.length > 0) {
    const ai = currentIndex(rec);
    const a = rec.assignments[ai];
    const wanted = copiedUnits({ beyondScope: raised.includes('beyondScope'), major: raised.includes('major') }, ctx.profile.units, a.unit);
    const added = wanted.filter((u) => !a.also.includes(u));
    a.also.push(...added);
    const labels = raised.map((f) => headerOf('issue', f));
    let deadlineNote = '';
    if (raised.includes('major')) {
      const routedOn = shanghaiDate(rec.assignments[0].assignedAt);
      const by = ctx.calendar.addWorkdays(addDays(routedOn, MAJOR_RESOLVE_CALENDAR_DAYS), 0).date;
      if (isOpen(rec.status) && compareDates(by, a.resolveBy) > 0) {
        deadlineNote = `，办结时限由 ${a.resolveBy} 调整为 ${by}（自首次分派起 ${MAJOR_RESOLVE_CALENDAR_DAYS} 日）`;
        a.resolveBy = by;
      }
    }
    event('escalate_edit', `${labels.join('、')}改为是${added.length ? `，抄送 ${added.join('、')}` : ''}${deadlineNote}`, a.unit);
    const out = new Outbox(ctx.profile, now);
    if (added.length > 0) {
      const data = { ...issueData(rec, ai, ctx.profile), reason: 'escalated' as const };
      out.toUnits(`${rec.id}#assign#${ai}#copy#${raised.join('+')}`, 'copy', added, data);
    }
    notifications.push(...out.notifications);
    rec.warnings = mergeWarnings(rec.warnings, out.warnings);
    said.push(
      `「${labels.join('」「')}」改为是：已升级${added.length ? `，抄送${added.map((u) => `「${unitName(u)}」`).join('')}` : '（相关单位已在抄送之列）'}${deadlineNote}`,
    );
  }
  if (lowered.length > 0) {
    const labels = lowered.map((f) => headerOf('issue', f));
    event('note', `${labels.join('、')}改为否（不撤销升级）`);
    said.push(`「${labels.join('」「')}」改为否：已记录，不撤销已作出的升级`);
  }

  // ---- 指定责任单位 → 改派 or 改派申请 ---------------------------------------------------------------------
  const wantedUnit = next.assignedUnit?.trim() || undefined;
  const current = rec.assignments[currentIndex(rec)].unit;
  if (wantedUnit !== (prev.assignedUnit?.trim() || undefined)) {
    if (!wantedUnit) said.push('已清空「指定责任单位」，当前责任单位不变');
    else if (wantedUnit === current) said.push(`「指定责任单位」与当前责任单位「${unitName(current)}」相同，无需改派`);
    else if (!isOpen(rec.status)) said.push(`问题已${rec.status}，不再改派至「${unitName(wantedUnit)}」`);
    else if (ctx.canReassign) {
      const res = applyAction(rec, { type: 'reassign', actor: { role: 'command', by: ctx.by }, unit: wantedUnit, note: '表格修改「指定责任单位」' }, { ...ctx, now });
      if (res.ok) {
        rec = res.record;
        notifications.push(...res.notifications);
        said.push(`已改派至「${unitName(wantedUnit)}」，办理时限重新计算`);
      } else said.push(`未能改派至「${unitName(wantedUnit)}」：${res.message}`);
    } else if (rec.urgencyCheck === URGENCY_PENDING) {
      // An enterprise's 紧急 waiting at triage (SPEC §7.8): its 分派 must say what the office found, which
      // a 改派申请's 同意 cannot; the unit asked for stays in the row, shown on the 分派 item as a suggestion.
      event('note', `建议分派至 ${wantedUnit}（企业自报紧急，待指挥部核实）`, current);
      said.push(`问题是企业自报的紧急诉求，须由指挥部办公室分派并核实紧急程度：「${unitName(wantedUnit)}」已作为建议的责任单位转给指挥部办公室，不另提交改派申请`);
    } else {
      reassignRequest = { unit: wantedUnit, unitName: unitName(wantedUnit), from: current, by: ctx.by, at: now };
      event('reassign_request', `申请改派至 ${wantedUnit}`, current);
      said.push(`已提交改派申请（改派至「${unitName(wantedUnit)}」），待指挥部办公室审批；在此之前仍由「${unitName(current)}」办理`);
    }
  }

  // ---- anything else ---------------------------------------------------------------------------------
  const others = (Object.keys({ ...prev, ...next }) as (keyof IssueRow)[]).filter(
    (k) => !HANDLED.has(k) && JSON.stringify(prev[k] ?? null) !== JSON.stringify(next[k] ?? null),
  );
  if (others.length > 0) {
    const headers = others.map((k) => headerOf('issue', k));
    event('edit', `更新${headers.join('、')}`);
    said.push(`已更新「${headers.join('」「')}」${others.includes('urgency') ? '（已分派问题的办理时限不因紧急程度修改而变化）' : ''}`);
  }

  rec.updatedAt = now;
  return { record: rec, notifications, explanation: said.join('；'), ...(reassignRequest ? { reassignRequest } : {}) };
}
