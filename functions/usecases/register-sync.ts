// 停产停工 and 督查发现 at sync (SPEC §7.3): each stored row gets its system 编号 (TC-/DC-YYYYMMDD-NNN,
// claimed once per row key: a re-sync keeps it) and its 状态, written back with the row. In terms of
// ports; also the registers' rows as reports read them. The mails are registers.ts (not in the api bundle).
//
// The shutdown's approval goes through the command office's decision queue (type `shutdown`, SPEC
// §7.2/§7.3, "approval as for inspections"): a shutdown's first sync opens a decision whose id is its
// TC- 编号, mailed to the command office with 批准/驳回 and decided there (link, API, 指挥部待办);
// its 状态 (已同意/已驳回, else 待审批) comes back with the row on every later sync. A row that arrives
// already marked 已同意/已驳回 (records kept before the system) is recorded as decided by import.
import { approvalFromCell, findingState, shutdownStatus } from '../../domain/issues/registers.js';
import { SECTOR_CLASS, type Sector, type WorkClassId } from '../../domain/rows/kinds.js';
import type { FindingRow, Profile, ShutdownRow, WhitelistRow } from '../../domain/rows/types.js';
import { registerSections, type RegisterInput, type RegisterSections, type ShutdownApprovalState } from '../../domain/reports/sections/registers.js';
import { createCalendar } from '../../domain/time/calendar.js';
import { shanghaiDate, shanghaiDateTime } from '../../domain/time/time.js';
import { isValidEmail, type ApiStore, type DecisionRecord, type JsonCell, type Store } from '../ports.js';
import { mailedToOffice, newDecisionRecord, openDecision } from './decisions.js';

type Series = 'TC' | 'DC';
const SERIES: Record<'shutdown' | 'finding', Series> = { shutdown: 'TC', finding: 'DC' };
const NUMBER_RE: Record<Series, RegExp> = { TC: /^TC-\d{8}-\d{3,}$/, DC: /^DC-\d{8}-\d{3,}$/ };

/** The source item that holds a register row's 编号, by row key. */
export const registerSourceKey = (kind: 'shutdown' | 'finding', key: string) => `${kind}#${key}`;
const sourceKey = registerSourceKey;

/** A row's 编号: as written back (kept), else the one claimed for its key, else a new one. */
async function numberOf(store: Pick<Store, 'getIssueSource' | 'claimIssueSource' | 'nextSeriesNumber'>, kind: 'shutdown' | 'finding', key: string, given: JsonCell | undefined, now: number): Promise<string> {
  const series = SERIES[kind];
  const source = sourceKey(kind, key);
  const typed = String(given ?? '').trim().toUpperCase();
  const existing = await store.getIssueSource(source);
  if (existing) return existing;
  if (NUMBER_RE[series].test(typed)) return store.claimIssueSource(source, typed);
  const day = shanghaiDate(now);
  const n = await store.nextSeriesNumber(series, day);
  return store.claimIssueSource(source, `${series}-${day.replaceAll('-', '')}-${String(n).padStart(3, '0')}`);
}

export const lower = (xs: readonly string[]) => xs.map((e) => e.trim().toLowerCase()).filter((e) => isValidEmail(e));

/** A sector class: its 联系邮箱, its members with role 编辑 or 审批, and its 牵头单位's 联系邮箱. */
export function classEmails(profile: Pick<Profile, 'units' | 'workClasses' | 'members'>, cls: WorkClassId): string[] {
  const wc = profile.workClasses.find((w) => w.id === cls);
  const lead = profile.units.find((u) => u.code === wc?.leadUnit);
  const members = profile.members.filter((m) => m.workClass === cls && m.role !== '只读').map((m) => m.email);
  return [...new Set(lower([...(wc?.email ? [wc.email] : []), ...members, ...(lead?.emails ?? [])]))].sort();
}

/** The shutdown's decision (type `shutdown`), asked by its sector class, one working day to decide. */
function shutdownDecision(id: string, rowKey: string, row: ShutdownRow, legacy: { status?: string; opinion?: string }, profile: Profile | null, now: number): DecisionRecord {
  const cls = SECTOR_CLASS[row.sector as Sector];
  const className = profile?.workClasses.find((w) => w.id === cls)?.name ?? row.sector;
  const enterprise = [row.enterpriseName, row.enterpriseCode].filter(Boolean).join(' ');
  const imported = approvalFromCell(legacy.status);
  const decided = imported === '已同意' || imported === '已驳回' ? imported : undefined;
  const rec = newDecisionRecord(
    {
      id,
      decisionType: 'shutdown',
      subject: `停产停工 ${id}：${enterprise}（${row.scope}）`,
      ref: rowKey,
      requester: cls,
      requesterName: className,
      requesterEmails: profile ? classEmails(profile, cls) : [],
      since: now,
      open: !decided,
      status: decided ?? '待审批',
      data: { enterpriseCode: row.enterpriseCode, sector: row.sector, scope: row.scope, startOn: row.startOn },
      rows: [
        { label: '编号', text: id },
        { label: '企业', text: enterprise },
        { label: '所属领域', text: row.sector },
        { label: '停产范围', text: row.scope },
        { label: '原因', text: row.reason },
        { label: '开始日期', text: row.startOn },
        { label: '预计恢复日期', text: row.expectedOn ?? '' },
        { label: '报省会商', text: row.toProvince ? '是' : '否' },
      ],
    },
    now,
  );
  if (decided) {
    rec.decision = decided === '已同意' ? '批准' : '驳回';
    rec.decidedAt = now;
    rec.decidedBy = 'import';
    if (legacy.opinion) rec.note = legacy.opinion;
  }
  if (!rec.open || !profile) return rec;
  rec.decideBy = createCalendar(profile.calendarOverrides).addWorkdays(shanghaiDate(now), 1).date;
  return mailedToOffice(rec, profile, now);
}

/** The shutdown's decision: the one of its 编号, else opened now (the queue's copy wins over the cell). */
async function shutdownDecisionOf(store: ApiStore, profile: Profile | null, id: string, r: RegisterSyncRow, now: number): Promise<DecisionRecord> {
  const existing = await store.getDecision(id);
  if (existing) return existing;
  const legacy = { status: String(r.cells['状态'] ?? '').trim(), opinion: String(r.cells['审批意见'] ?? '').trim() };
  const fresh = shutdownDecision(id, r.key, r.value as ShutdownRow, legacy, profile, now);
  await openDecision(store, fresh);
  return (await store.getDecision(id)) ?? fresh;
}

export interface RegisterSyncRow {
  /** The row's stored key (the sync result's `id`). */
  key: string;
  value: ShutdownRow | FindingRow;
  cells: Record<string, JsonCell>;
}

/** After the rows are stored: 编号 and 状态 of each 停产停工 / 督查发现 row, by row key. */
export async function registerWriteBacks(
  store: ApiStore,
  profile: Profile | null,
  kind: 'shutdown' | 'finding',
  rows: readonly RegisterSyncRow[],
  now: number,
): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  const today = shanghaiDate(now);
  const calendar = createCalendar(profile?.calendarOverrides ?? []);
  for (const r of rows) {
    const id = await numberOf(store, kind, r.key, r.cells['编号'], now);
    if (kind === 'shutdown') {
      const rec = await shutdownDecisionOf(store, profile, id, r, now);
      out.set(r.key, shutdownWriteBack(id, r.value as ShutdownRow, shutdownApproval(rec), today));
    } else {
      out.set(r.key, { 编号: id, 状态: findingState(r.value as FindingRow, today, calendar).status });
    }
  }
  return out;
}

/**
 * A shutdown's approval: what its decision (type `shutdown`, id = its TC- 编号) holds, the one place
 * that knows it; no decision (a row synced before numbering) is 待审批. The instant is left out for a
 * decision recorded by import (records kept before the system), as on inspections.
 */
export function shutdownApproval(rec: DecisionRecord | null | undefined): ShutdownApprovalState {
  const status = approvalFromCell(rec?.status) ?? '待审批';
  const out: ShutdownApprovalState = { status };
  if (!rec || status === '待审批') return out;
  if (rec.decidedAt !== undefined && rec.decidedBy !== 'import') out.at = rec.decidedAt;
  if (rec.note) out.note = rec.note;
  return out;
}

/**
 * The system columns of a 停产停工 row, written back at sync and on 刷新状态 (GET /v1/shutdowns):
 * 编号; 状态 is 已恢复 once resumed, else the approval; 审批意见 and 审批时间 as for inspections.
 */
export function shutdownWriteBack(id: string, row: Pick<ShutdownRow, 'resumedOn'>, approval: ShutdownApprovalState, today: string): Record<string, string> {
  return {
    编号: id,
    状态: shutdownStatus(row, approval.status, today),
    审批意见: approval.note ?? '',
    审批时间: approval.at === undefined ? '' : shanghaiDateTime(approval.at).slice(0, 16).replace('T', ' '),
  };
}

/** Each stored 停产停工 row with its 编号 (one read per row) and its approval (one query for all). */
export async function readShutdowns(store: Pick<Store, 'listRows' | 'getIssueSource' | 'listDecisions'>): Promise<{ key: string; id?: string; row: ShutdownRow; approval: ShutdownApprovalState }[]> {
  const [rows, decisions] = await Promise.all([store.listRows('shutdown'), store.listDecisions({ type: 'shutdown' })]);
  const byId = new Map(decisions.map((d) => [d.id, d]));
  return Promise.all(
    rows.map(async ({ key, value: row }) => {
      const id = await store.getIssueSource(registerSourceKey('shutdown', key));
      return id ? { key, id, row, approval: shutdownApproval(byId.get(id)) } : { key, row, approval: shutdownApproval(null) };
    }),
  );
}

/** `GET /v1/shutdowns?workClass=`: the numbered 停产停工 rows of a sector class with their system columns now (刷新状态). */
export async function shutdownStates(store: Pick<Store, 'listRows' | 'getIssueSource' | 'listDecisions'>, workClass: WorkClassId | undefined, now: number): Promise<{ id: string; values: Record<string, string> }[]> {
  const today = shanghaiDate(now);
  return (await readShutdowns(store))
    .filter((s): s is typeof s & { id: string } => s.id !== undefined && (!workClass || SECTOR_CLASS[s.row.sector as Sector] === workClass))
    .map((s) => ({ id: s.id, values: shutdownWriteBack(s.id, s.row, s.approval, today) }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The registers' current rows with their 编号 (one read per numbered row) and approvals, for reports and the sweep. */
export async function readRegisters(store: Pick<Store, 'listRows' | 'getIssueSource' | 'getProfile' | 'listDecisions'>, whitelist?: readonly WhitelistRow[]): Promise<RegisterInput> {
  const [shutdowns, spotChecks, findings, wl, profile] = await Promise.all([
    readShutdowns(store),
    store.listRows('spot_check'),
    store.listRows('finding'),
    whitelist ? Promise.resolve(null) : store.listRows('whitelist'),
    store.getProfile(),
  ]);
  const withId = async <R>(kind: 'finding', recs: readonly { key: string; value: R }[]) =>
    Promise.all(recs.map(async (r) => {
      const id = await store.getIssueSource(registerSourceKey(kind, r.key));
      return id ? { id, row: r.value } : { row: r.value };
    }));
  return {
    shutdowns: shutdowns.map(({ id, row, approval }) => (id ? { id, row, approval } : { row, approval })),
    spotChecks: spotChecks.map((r) => r.value),
    findings: await withId('finding', findings),
    whitelist: whitelist ?? wl!.map((r) => r.value),
    modes: profile?.profile.operatingModes ?? [],
  };
}

/** The registers' sections on the Shanghai day of `now` (the sweep's and the dashboard's view). */
export function registersToday(input: RegisterInput, profile: Profile, now: number): RegisterSections {
  const today = shanghaiDate(now);
  return registerSections(input, { from: today, to: today, at: now }, profile, createCalendar(profile.calendarOverrides));
}

