// Shared shapes of the domain: raw rows in, validated rows and results out, and the county profile.
// Pure types only. Every date is an ISO date string `YYYY-MM-DD` (Asia/Shanghai calendar day);
// every instant is an ISO date-time string with offset, or epoch milliseconds where stated.

import type {
  IssueCategory,
  IssueStatus,
  RowKind,
  Sector,
  UnitType,
  Urgency,
  WorkClassId,
} from './kinds.js';

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

// ---- normalised rows -------------------------------------------------------------------------

export type WhitelistStatus = '申报中' | '已纳入' | '已移出';

export interface WhitelistRow {
  /** USCC (upper-case) or national investment project code. */
  code: string;
  name: string;
  sector: Sector;
  locality: string;
  /** 产值或投资额 in 万元. */
  value: number;
  employees?: number;
  status: WhitelistStatus;
  admittedOn?: string;
  removedOn?: string;
  removalReason?: string;
  contact?: string;
  phone?: string;
  email?: string;
  partners: string[];
  note?: string;
}

export interface SectorTotalRow {
  sector: Sector;
  /** `YYYY-MM` */
  period: string;
  /** 万元 */
  total: number;
  source?: string;
  note?: string;
}

export interface IssueRow {
  /** 编号, assigned by the server (`WT-YYYYMMDD-NNN`); ignored on input. */
  id?: string;
  enterpriseCode?: string;
  enterpriseName?: string;
  sector?: Sector;
  locality?: string;
  category: IssueCategory;
  description: string;
  urgency: Urgency;
  beyondScope: boolean;
  major: boolean;
  reportedOn: string;
  contact?: string;
  phone?: string;
  email?: string;
  /** 指定责任单位: a 单位编码 (or a 单位名称 resolved to its code when a profile is known). */
  assignedUnit?: string;
}

export interface PolicyRow {
  id?: string;
  name: string;
  issuer?: string;
  level?: string;
  category?: string;
  sectors: string[];
  minEmployees?: number;
  validUntil?: string;
  link?: string;
  unit?: string;
}

export interface ConsultantRow {
  unit: string;
  name: string;
  phone?: string;
  email?: string;
  categories: string[];
}

export interface EpidemicSupportRow {
  targetType: '工作专班' | '白名单企业';
  target: string;
  staff: string;
  phone?: string;
  medicalInstitution?: string;
}

export interface InspectionRow {
  id?: string;
  initiator: string;
  enterpriseCode: string;
  matter: string;
  category: string;
  plannedOn: string;
  status?: string;
  opinion?: string;
}

// ---- the profile (configuration tabs) ----------------------------------------------------------

export interface WorkClass {
  id: WorkClassId;
  name: string;
  /** 牵头单位: a 单位编码. */
  leadUnit: string;
  office?: string;
  email?: string;
}

export interface Unit {
  code: string;
  name: string;
  type: UnitType;
  contact?: string;
  emails: string[];
  /** 上级单位: escalation target, a 单位编码. */
  parent?: string;
}

export interface RoutingRule {
  priority: number;
  category?: IssueCategory;
  sector?: Sector;
  locality?: string;
  keywords: string[];
  unit: string;
  /** Sheet row of the rule, for messages. */
  row?: number;
}

export interface SectorTarget {
  sector: Sector;
  /** A fraction, e.g. 0.7. */
  target: number;
  deadline: string;
}

export interface SlaRule {
  urgency: Urgency;
  signDays: number;
  feedbackDays: number;
  resolveDays: number;
}

export interface Member {
  email: string;
  workClass: WorkClassId;
  role: '编辑' | '审批' | '只读';
}

export interface CalendarOverride {
  date: string;
  type: '休息日' | '工作日';
}

export interface Profile {
  workClasses: WorkClass[];
  units: Unit[];
  routingRules: RoutingRule[];
  sectorTargets: SectorTarget[];
  /** Empty means the 13710 default. */
  slaRules: SlaRule[];
  members: Member[];
  calendarOverrides: CalendarOverride[];
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
