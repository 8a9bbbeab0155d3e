// 停产停工 and 督查发现 at sync (SPEC §7.3): each stored row gets its system 编号 (TC-/DC-YYYYMMDD-NNN,
// claimed once per row key: a re-sync keeps it) and its 状态, written back with the row. In terms of
// ports; also the registers' rows as reports read them. The mails are registers.ts (not in the api bundle).
//
// The shutdown's approval goes through the command office's decision queue (type `shutdown`, SPEC
// §7.2; issue 13). Until that queue exists here, the approval is the row's own 状态 cell as typed
// (records kept before the system): `shutdownApproval` below is the one place the queue joins.
import { approvalFromCell, findingState, shutdownStatus, type ShutdownApproval } from '../../domain/issues/registers.js';
import type { FindingRow, Profile, ShutdownRow, WhitelistRow } from '../../domain/rows/types.js';
import { registerSections, type RegisterInput, type RegisterSections } from '../../domain/reports/sections/registers.js';
import { createCalendar } from '../../domain/time/calendar.js';
import { shanghaiDate } from '../../domain/time/time.js';
import type { JsonCell, Store } from '../ports.js';

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

/**
 * The command office's answer on a shutdown. The decision queue (type `shutdown`) joins here; until
 * it does, the row's 状态 cell as typed is the record (待审批 when empty).
 */
export async function shutdownApproval(_id: string, cell: JsonCell | undefined): Promise<ShutdownApproval | undefined> {
  return approvalFromCell(cell);
}

export interface RegisterSyncRow {
  /** The row's stored key (the sync result's `id`). */
  key: string;
  value: ShutdownRow | FindingRow;
  cells: Record<string, JsonCell>;
}

/** After the rows are stored: 编号 and 状态 of each 停产停工 / 督查发现 row, by row key. */
export async function registerWriteBacks(
  store: Pick<Store, 'getIssueSource' | 'claimIssueSource' | 'nextSeriesNumber'>,
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
      const status = shutdownStatus(r.value as ShutdownRow, await shutdownApproval(id, r.cells['状态']), today);
      out.set(r.key, { 编号: id, 状态: status });
    } else {
      out.set(r.key, { 编号: id, 状态: findingState(r.value as FindingRow, today, calendar).status });
    }
  }
  return out;
}

/** The registers' current rows with their 编号 (one read per numbered row), for reports and the sweep. */
export async function readRegisters(store: Pick<Store, 'listRows' | 'getIssueSource' | 'getProfile'>, whitelist?: readonly WhitelistRow[]): Promise<RegisterInput> {
  const [shutdowns, spotChecks, findings, wl, profile] = await Promise.all([
    store.listRows('shutdown'),
    store.listRows('spot_check'),
    store.listRows('finding'),
    whitelist ? Promise.resolve(null) : store.listRows('whitelist'),
    store.getProfile(),
  ]);
  const withId = async <R>(kind: 'shutdown' | 'finding', recs: readonly { key: string; value: R }[]) =>
    Promise.all(recs.map(async (r) => {
      const id = await store.getIssueSource(registerSourceKey(kind, r.key));
      return id ? { id, row: r.value } : { row: r.value };
    }));
  return {
    shutdowns: await withId('shutdown', shutdowns),
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

