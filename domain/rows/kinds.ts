// The row kinds of SPEC §3 as the rest of the code reads them: ids, tab names, exact Chinese headers
// and system columns (KINDS), all derived from the one declaration per kind in table.ts; the
// enumerations the columns draw from (values.ts, re-exported here); and which work class may write
// which kind.

import { type KindDecl, ROW_TABLE, type RowKind, SYSTEM_TAB_TABLE, type SystemTab } from './table.js';
import type { WorkClassId } from './values.js';

export * from './values.js';
export type { RowKind, SystemTab };

export interface TabDef {
  /** The tab name (and CSV file name) in Chinese. */
  tab: string;
  /** Every header of the kind, in template order. */
  headers: readonly string[];
  /** Headers written by the product, protected in Sheets and ignored on input. */
  system: readonly string[];
  /** Configuration tabs belong to a profile. */
  config: boolean;
}

export interface KindDef extends TabDef {
  kind: RowKind;
}

function tabDef(d: KindDecl): TabDef {
  return {
    tab: d.tab,
    headers: d.columns.map((c) => c.header),
    system: d.columns.filter((c) => c.system === true).map((c) => c.header),
    config: d.config === true,
  };
}

function kindDef(kind: RowKind, d: KindDecl): KindDef {
  return { kind, ...tabDef(d) };
}

export const KINDS: Record<RowKind, KindDef> = Object.fromEntries(
  (Object.keys(ROW_TABLE) as RowKind[]).map((k) => [k, kindDef(k, ROW_TABLE[k])]),
) as Record<RowKind, KindDef>;

export const ROW_KINDS = Object.keys(KINDS) as RowKind[];

/** The system tabs (table.ts SYSTEM_TAB_TABLE): the add-on writes them from the server; never synced as rows. */
export const SYSTEM_TABS: Record<SystemTab, TabDef> = Object.fromEntries(
  (Object.keys(SYSTEM_TAB_TABLE) as SystemTab[]).map((k) => [k, tabDef(SYSTEM_TAB_TABLE[k])]),
) as Record<SystemTab, TabDef>;
export const CONFIG_KINDS = ROW_KINDS.filter((k) => KINDS[k].config);

/** Which kinds each work class may write (SPEC §3 成员, §7.3). */
const SECTOR_KINDS: readonly RowKind[] = ['whitelist', 'sector_total', 'issue', 'policy', 'consultant', 'shutdown'];
export const CLASS_KINDS: Record<WorkClassId, readonly RowKind[]> = {
  coordination: [...CONFIG_KINDS, 'inspection', 'issue', 'policy', 'consultant'],
  industry: SECTOR_KINDS,
  commerce: SECTOR_KINDS,
  transport: SECTOR_KINDS,
  culture_tourism: SECTOR_KINDS,
  key_projects: SECTOR_KINDS,
  epidemic_support: ['epidemic_support', 'spot_check'],
  // Supervision reads everything and writes its own findings (SPEC §7.3, §7.8).
  supervision: ['finding'],
};

/** Resolve a kind from a kind id or a tab name (`责任单位`, `unit`). */
export function kindFromName(name: string): RowKind | undefined {
  const n = name.trim();
  if ((ROW_KINDS as string[]).includes(n)) return n as RowKind;
  return ROW_KINDS.find((k) => KINDS[k].tab === n);
}

/** Guess the kind of a header row: the kind whose non-system headers it contains most completely. */
export function kindFromHeaders(headers: readonly string[]): RowKind | undefined {
  const set = new Set(headers.map((h) => h.trim()));
  let best: RowKind | undefined;
  let bestScore = 0;
  for (const k of ROW_KINDS) {
    const own = KINDS[k].headers;
    const hits = own.filter((h) => set.has(h)).length;
    const score = hits / own.length;
    if (hits >= 2 && score > bestScore) {
      best = k;
      bestScore = score;
    }
  }
  return bestScore >= 0.5 ? best : undefined;
}
