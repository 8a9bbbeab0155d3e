// Shared shapes of the domain: raw rows in, validated rows and results out, and the county profile.
// Pure types only; the normalised row types are derived from the row table (table.ts). Every date is an ISO date string `YYYY-MM-DD` (Asia/Shanghai calendar day);
// every instant is an ISO date-time string with offset, or epoch milliseconds where stated.

import type { RowKind, RowOf, RowTypes } from './table.js';

/** A cell as it comes from CSV (string), xlsx (string/number/boolean/Date) or Sheets getValues(). */
export type Cell = string | number | boolean | Date | null | undefined;

/** A raw row: `row` is the sheet row number (header = 1), values keyed by header text. */
export interface RawRow {
  row: number;
  values: Record<string, Cell>;
}

/** Stable error codes (SPEC §5). Extend with care: checks outside the repo use these. */
export type ErrorCode =
  | 'required'
  | 'uscc_checksum'
  | 'uscc_format'
  | 'project_code_format'
  | 'enum'
  | 'number'
  | 'number_range'
  | 'date'
  | 'phone'
  | 'email'
  | 'duplicate'
  | 'conditional_required'
  | 'too_long'
  | 'unknown_reference'
  | 'wrong_sector'
  | 'date_order'
  | 'url';

export interface RowError {
  column: string;
  code: ErrorCode | string;
  /** Chinese, names the column, says what is wrong and what is expected. */
  message: string;
}

export interface RowWarning {
  column?: string;
  /** e.g. `not_on_whitelist`, `calendar_unverified`, `formula_text`. */
  code: string;
  message: string;
}

export interface RowResult<T = unknown> {
  row: number;
  ok: boolean;
  errors: RowError[];
  warnings: RowWarning[];
  /** The normalised row when ok. */
  value?: T;
}

// ---- normalised rows: derived from the one declaration per kind (table.ts) ------------------------

export type { RowKind, RowOf, RowTypes };

export type WhitelistRow = RowOf<'whitelist'>;
/**
 * A whitelist row as coverage and the digest see it: a row deleted from the sheet (a tombstone,
 * SPEC §7.1) keeps counting up to the day before its deletion and is listed as removed on that day.
 */
export type WhitelistState = WhitelistRow & { deletedOn?: string; deletedBy?: string };
export type WhitelistStatus = WhitelistRow['status'];
export type SectorTotalRow = RowOf<'sector_total'>;
export type IssueRow = RowOf<'issue'>;
export type PolicyRow = RowOf<'policy'>;
export type ConsultantRow = RowOf<'consultant'>;
export type EpidemicSupportRow = RowOf<'epidemic_support'>;
export type InspectionRow = RowOf<'inspection'>;
export type ShutdownRow = RowOf<'shutdown'>;
export type SpotCheckRow = RowOf<'spot_check'>;
export type FindingRow = RowOf<'finding'>;
export type OperatingModeRow = RowOf<'operating_mode'>;

// ---- the profile (configuration tabs) ----------------------------------------------------------

export type WorkClass = RowOf<'work_class'>;
export type Unit = RowOf<'unit'>;
export type RoutingRule = RowOf<'routing_rule'>;
export type SectorTarget = RowOf<'sector_target'>;
export type SlaRule = RowOf<'sla_rule'>;
export type Member = RowOf<'member'>;
export type CalendarOverride = RowOf<'calendar_override'>;

export interface Profile {
  workClasses: WorkClass[];
  units: Unit[];
  routingRules: RoutingRule[];
  sectorTargets: SectorTarget[];
  /** Empty means the 13710 default. */
  slaRules: SlaRule[];
  members: Member[];
  calendarOverrides: CalendarOverride[];
  /** 运行状态 (平急转换): absent in profiles built before the tab existed, which means 常态. */
  operatingModes?: OperatingModeRow[];
}

/** A problem with the profile as a whole (unknown reference, missing lead unit, cycle…). */
export interface ProfileProblem {
  kind: RowKind;
  row?: number;
  column?: string;
  code: string;
  message: string;
  /** `error`: the profile cannot route correctly; `warning`: works, but something is missing. */
  severity?: 'error' | 'warning';
}
