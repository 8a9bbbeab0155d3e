// 检查报备 approval (SPEC §7.2, seed 要求7): each synced inspection row gets 编号 JC-YYYYMMDD-NNN
// and a decision record holding its 状态. 疫情防控, 安全生产, 出入境检验检疫 → 免审批 at once, no mail;
// 其他 → 待审批 and the approval mail (批准/驳回) to the command office, one working day to decide.
// A row that arrives already marked 已批准/已驳回 (records kept before the system) is recorded as
// decided by import, without mail. The row's write-back carries 编号, 状态, 审批意见, 审批时间.
import { findUnit, unitEmails } from '../../domain/issues/lifecycle.js';
import { createCalendar } from '../../domain/time/calendar.js';
import type { InspectionRow, Profile } from '../../domain/rows/types.js';
import { shanghaiDate, shanghaiDateTime } from '../../domain/time/time.js';
import type { ApiStore, DecisionRecord } from '../ports.js';
import { inspectionPlannedReached, mailedToOffice, newDecisionRecord, openDecision } from './decisions.js';

/** Categories that need no approval (seed 要求7). */
export const EXEMPT_INSPECTION_CATEGORIES: readonly string[] = ['疫情防控', '安全生产', '出入境检验检疫'];
const INSPECTION_ID_RE = /^JC-\d{8}-\d{3,}$/;

/** The system columns of an inspection row, from its decision record. */
export function inspectionWriteBack(rec: DecisionRecord): Record<string, string> {
  return {
    编号: rec.id,
    状态: rec.status,
    审批意见: rec.note ?? '',
    审批时间: rec.decidedAt !== undefined && rec.decidedBy !== 'import' ? shanghaiDateTime(rec.decidedAt).slice(0, 16).replace('T', ' ') : '',
  };
}

function inspectionRecord(id: string, rowKey: string, row: InspectionRow, legacy: { status?: string; opinion?: string }, profile: Profile | null, now: number): DecisionRecord {
  const unit = profile ? findUnit(profile, row.initiator) : undefined;
  const enterprise = row.enterpriseCode;
  const exempt = EXEMPT_INSPECTION_CATEGORIES.includes(row.category);
  const imported = !exempt && (legacy.status === '已批准' || legacy.status === '已驳回');
  const day = shanghaiDate(now);
  const rec = newDecisionRecord(
    {
      id,
      decisionType: 'inspection',
      subject: `检查报备 ${id}：${row.matter}`,
      ref: rowKey,
      requester: unit?.code ?? row.initiator,
      requesterName: unit?.name ?? row.initiator,
      requesterEmails: unit && profile ? unitEmails(profile, [unit.code]) : [],
      since: now,
      open: !exempt && !imported,
      status: exempt ? '免审批' : imported ? legacy.status! : '待审批',
      data: { initiator: row.initiator, enterpriseCode: enterprise, matter: row.matter, category: row.category, plannedOn: row.plannedOn },
      rows: [
        { label: '编号', text: id },
        { label: '发起单位', text: unit?.name ?? row.initiator },
        { label: '被检查企业', text: enterprise },
        { label: '检查事项', text: row.matter },
        { label: '检查类别', text: row.category },
        { label: '计划日期', text: row.plannedOn },
      ],
    },
    now,
  );
  if (imported) {
    rec.decision = legacy.status === '已批准' ? '批准' : '驳回';
    rec.decidedAt = now;
    rec.decidedBy = 'import';
    if (legacy.opinion) rec.note = legacy.opinion;
  }
  if (!rec.open || !profile) return rec;
  rec.decideBy = createCalendar(profile.calendarOverrides).addWorkdays(day, 1).date;
  return mailedToOffice(rec, profile, now);
}

export interface InspectionSyncRow {
  /** The row's stored key (the sync result's `id`). */
  key: string;
  value: InspectionRow;
  /** The cells as sent (a legacy 状态 / 审批意见). */
  cells: Record<string, unknown>;
}

/**
 * After the rows are stored: number each new inspection, create its decision record (with the
 * approval mail when it needs one) and answer the system columns to write back, by row key.
 */
export async function registerInspections(store: ApiStore, profile: Profile | null, rows: readonly InspectionSyncRow[], now: number): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  for (const r of rows) {
    const source = `inspection#${r.key}`;
    const given = String(r.cells['编号'] ?? '').trim().toUpperCase();
    let id = INSPECTION_ID_RE.test(given) ? given : await store.getIssueSource(source);
    if (!id) {
      const day = shanghaiDate(now);
      const n = await store.nextSeriesNumber('JC', day);
      id = await store.claimIssueSource(source, `JC-${day.replaceAll('-', '')}-${String(n).padStart(3, '0')}`);
    }
    let rec = await store.getDecision(id);
    if (!rec) {
      const legacy = { status: String(r.cells['状态'] ?? '').trim(), opinion: String(r.cells['审批意见'] ?? '').trim() };
      const fresh = inspectionRecord(id, r.key, r.value, legacy, profile, now);
      await openDecision(store, fresh);
      rec = (await store.getDecision(id)) ?? fresh;
    }
    out.set(r.key, inspectionWriteBack(rec));
  }
  return out;
}

export interface InspectionSummary {
  id: string;
  status: string;
  unit: string;
  enterprise: string;
  category: string;
  plannedDate: string;
  matter: string;
  opinion: string | null;
  decidedAt: string | null;
  decidedBy: string | null;
  /** 计划日期 reached while still 待审批. */
  plannedReached: boolean;
}

/** `GET /v1/inspections?status=`. */
export async function listInspections(store: Pick<ApiStore, 'listDecisions'>, status: string | undefined, now: number): Promise<InspectionSummary[]> {
  const today = shanghaiDate(now);
  const recs = await store.listDecisions({ type: 'inspection' });
  return recs
    .filter((r) => !status || r.status === status)
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((r) => ({
      id: r.id,
      status: r.status,
      unit: r.requester,
      enterprise: r.data.enterpriseCode ?? '',
      category: r.data.category ?? '',
      plannedDate: r.data.plannedOn ?? '',
      matter: r.data.matter ?? '',
      opinion: r.note ?? null,
      decidedAt: r.decidedAt === undefined ? null : new Date(r.decidedAt).toISOString(),
      decidedBy: r.decidedBy ?? null,
      plannedReached: inspectionPlannedReached(r, today),
    }));
}

/** The status of each inspection row by row key (the digest and the dashboard read 状态 from here). */
export async function inspectionStatusByRow(store: Pick<ApiStore, 'listDecisions'>): Promise<Map<string, { id: string; status: string }>> {
  const recs = await store.listDecisions({ type: 'inspection' });
  return new Map(recs.map((r) => [r.ref, { id: r.id, status: r.status }]));
}
