// Sections of the seed's registers (SPEC §7.3), shared by the Friday digest, the daily report (日报)
// and the dashboard: 停产停工 (in force, overrun, resumed in the period), 熔断 not yet removed, and
// 督办督查情况 — the supervision class's findings, new / rectified / overdue, by unit (seed 要求10).
// Pure; the rules are domain/issues/registers.ts.

import { findingState, fuseItems, isShutdownInForce, isShutdownOverrun, modeNow, shutdownDays, type FindingStatus, type ModeNow, type ShutdownApproval } from '../../issues/registers.js';
import type { FindingRow, OperatingModeRow, Profile, ShutdownRow, SpotCheckRow, WhitelistRow } from '../../rows/types.js';
import type { WorkCalendar } from '../../time/types.js';
import { unitNameOf } from '../week.js';

/**
 * A shutdown's approval as the command office's decision queue holds it (type `shutdown`, the
 * decision whose id is the TC- 编号): 待审批 until decided; when decided, at what instant (absent for a
 * decision recorded by import) and with which 审批意见.
 */
export interface ShutdownApprovalState {
  status: ShutdownApproval;
  at?: number;
  note?: string;
}

/** What the registers' sections are built from: the current rows, with their system 编号 when written. */
export interface RegisterInput {
  /** `approval` from the shutdown's decision (absent: none opened yet, 待审批). */
  shutdowns: readonly { id?: string; row: ShutdownRow; approval?: ShutdownApprovalState }[];
  spotChecks: readonly SpotCheckRow[];
  findings: readonly { id?: string; row: FindingRow }[];
  /** The whitelist rows (names, and whether a 熔断 enterprise has been removed). */
  whitelist: readonly WhitelistRow[];
  modes?: readonly OperatingModeRow[];
}

export interface ShutdownItem {
  id?: string;
  enterpriseCode: string;
  enterpriseName: string;
  sector: string;
  scope: string;
  reason: string;
  startOn: string;
  expectedOn?: string;
  resumedOn?: string;
  toProvince: boolean;
  /** Calendar days since 开始日期 (to 实际恢复日期 once resumed). */
  days: number;
  overrun: boolean;
  approval: ShutdownApprovalState;
}

export interface FuseEntry {
  enterpriseCode: string;
  enterpriseName: string;
  sector: string;
  checkedOn: string;
  checker: string;
  note?: string;
}

export interface FindingItem {
  id?: string;
  unit: string;
  unitName: string;
  inspectedOn: string;
  problem: string;
  due: string;
  status: FindingStatus;
  workdaysOverdue: number;
  rectifiedOn?: string;
  progress?: string;
}

export interface FindingUnitRow {
  unit: string;
  unitName: string;
  /** Found in the period. */
  found: number;
  /** Rectified in the period. */
  rectified: number;
  /** Overdue at the period's end. */
  overdue: number;
  /** Still open (整改中 or 逾期) at the period's end. */
  open: number;
}

export interface RegisterSections {
  shutdowns: { inForce: ShutdownItem[]; overrun: ShutdownItem[]; resumed: ShutdownItem[] };
  /** 熔断 results whose enterprise is still on its whitelist. */
  fusePending: FuseEntry[];
  findings: { found: FindingItem[]; rectified: FindingItem[]; overdue: FindingItem[]; byUnit: FindingUnitRow[] };
  mode: ModeNow;
}

/** The period: Shanghai days `from`..`to` inclusive (a week up to its as-of day, or one day), and the instant. */
export interface RegisterPeriod {
  from: string;
  to: string;
  at: number;
}

const PENDING: ShutdownApprovalState = { status: '待审批' };

function shutdownItem(id: string | undefined, r: ShutdownRow, approval: ShutdownApprovalState | undefined, names: Map<string, string>, today: string): ShutdownItem {
  const item: ShutdownItem = {
    enterpriseCode: r.enterpriseCode,
    enterpriseName: r.enterpriseName ?? names.get(r.enterpriseCode) ?? r.enterpriseCode,
    sector: r.sector,
    scope: r.scope,
    reason: r.reason,
    startOn: r.startOn,
    toProvince: r.toProvince,
    days: shutdownDays(r, today),
    overrun: isShutdownOverrun(r, today),
    approval: approval ?? PENDING,
  };
  if (id) item.id = id;
  if (r.expectedOn) item.expectedOn = r.expectedOn;
  if (r.resumedOn) item.resumedOn = r.resumedOn;
  return item;
}

const byStart = (a: ShutdownItem, b: ShutdownItem) => (a.startOn < b.startOn ? -1 : a.startOn > b.startOn ? 1 : a.enterpriseCode < b.enterpriseCode ? -1 : 1);
const byDay = (a: FindingItem, b: FindingItem) => (a.inspectedOn < b.inspectedOn ? -1 : a.inspectedOn > b.inspectedOn ? 1 : (a.id ?? '') < (b.id ?? '') ? -1 : 1);

export function registerSections(input: RegisterInput, period: RegisterPeriod, profile: Pick<Profile, 'units'>, calendar: WorkCalendar): RegisterSections {
  const today = period.to;
  const names = new Map(input.whitelist.map((w) => [w.code, w.name]));
  const shutdowns = input.shutdowns.map((s) => shutdownItem(s.id, s.row, s.approval, names, today));
  const inForce = shutdowns.filter((s) => isShutdownInForce(s, today)).sort(byStart);
  const resumed = shutdowns.filter((s) => s.resumedOn !== undefined && s.resumedOn >= period.from && s.resumedOn <= today).sort(byStart);

  const fusePending = fuseItems(input.spotChecks, input.whitelist)
    .filter((f) => f.pending && f.check.checkedOn <= today)
    .map((f): FuseEntry => {
      const e: FuseEntry = {
        enterpriseCode: f.check.enterpriseCode,
        enterpriseName: f.whitelist?.name ?? f.check.enterpriseCode,
        sector: f.whitelist?.sector ?? '',
        checkedOn: f.check.checkedOn,
        checker: f.check.checker,
      };
      if (f.check.note) e.note = f.check.note;
      return e;
    });

  const findings = input.findings
    .filter((f) => f.row.inspectedOn <= today)
    .map(({ id, row }): FindingItem => {
      const st = findingState(row, today, calendar);
      const item: FindingItem = { unit: row.unit, unitName: unitNameOf(profile, row.unit), inspectedOn: row.inspectedOn, problem: row.problem, due: st.due, status: st.status, workdaysOverdue: st.workdaysOverdue };
      if (id) item.id = id;
      if (row.rectifiedOn && st.status === '已整改') item.rectifiedOn = row.rectifiedOn;
      if (row.progress) item.progress = row.progress;
      return item;
    })
    .sort(byDay);
  const found = findings.filter((f) => f.inspectedOn >= period.from);
  const rectified = findings.filter((f) => f.rectifiedOn !== undefined && f.rectifiedOn >= period.from);
  const overdue = findings.filter((f) => f.status === '逾期');
  const units = new Map<string, FindingUnitRow>();
  const rowOf = (f: FindingItem) => {
    let u = units.get(f.unit);
    if (!u) units.set(f.unit, (u = { unit: f.unit, unitName: f.unitName, found: 0, rectified: 0, overdue: 0, open: 0 }));
    return u;
  };
  for (const f of found) rowOf(f).found++;
  for (const f of rectified) rowOf(f).rectified++;
  for (const f of findings) {
    if (f.status === '逾期') rowOf(f).overdue++;
    if (f.status !== '已整改') rowOf(f).open++;
  }
  const byUnit = [...units.values()].sort((a, b) => b.overdue - a.overdue || b.open - a.open || (a.unitName < b.unitName ? -1 : 1));

  return {
    shutdowns: { inForce, overrun: inForce.filter((s) => s.overrun), resumed },
    fusePending,
    findings: { found, rectified, overdue, byUnit },
    mode: modeNow(input.modes, period.at),
  };
}
