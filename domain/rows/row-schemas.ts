// zod descriptions of the NORMALISED row of every kind (the `value` of an ok RowResult, SPEC §3) and
// of the stored issue record (SPEC §4). They are the single source of truth for those shapes at the
// edges: data read back from the store, data crossing the API. Compile-time checks below make each
// schema's inferred type and the interface in types.ts mutually assignable with the same keys, so the
// two cannot drift apart.
//
// NOT for the validation hot path: domain/validate.ts interprets the column table of schemas.ts and
// must not import this module (performance, and the add-on bundle size — full zod is ~90 KB).
//
// Values here are already normalised: a date is `YYYY-MM-DD`, a phone is `13800000000` or
// `0371-2345678`, an e-mail is lower case, a code is an upper-case USCC or a project code. Each format
// check accepts exactly the fixed points of the matching normaliser in normalize.ts/uscc.ts.

import * as z from 'zod';
import {
  CALENDAR_DAY_TYPES,
  INSPECTION_CATEGORIES,
  INSPECTION_STATUSES,
  ISSUE_CATEGORIES,
  MEMBER_ROLES,
  POLICY_CATEGORIES,
  POLICY_LEVELS,
  REMOVAL_REASONS,
  type RowKind,
  SECTORS,
  SUPPORT_TARGET_TYPES,
  UNIT_TYPES,
  URGENCIES,
  WHITELIST_STATUSES,
  WORK_CLASS_IDS,
  type WorkClassId,
} from './kinds.js';
import { parseDate, parseEmail, parsePhone, parseUrl } from './normalize.js';
import type {
  CalendarOverride,
  ConsultantRow,
  EpidemicSupportRow,
  InspectionRow,
  IssueRow,
  Member,
  PolicyRow,
  RoutingRule,
  RowWarning,
  SectorTarget,
  SectorTotalRow,
  SlaRule,
  Unit,
  WhitelistRow,
  WorkClass,
} from './types.js';
import { checkCode } from './uscc.js';
import { MAX_WAN, type RowTypes } from './validate.js';

// ---- value formats ------------------------------------------------------------------------------

const ISO_DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
const IDENT_RE = /^\S+$/;

/** An ISO calendar day `YYYY-MM-DD` that exists (no 2022-02-30). */
export const isoDateSchema = z
  .string()
  .regex(ISO_DATE_RE, { error: '日期须为 YYYY-MM-DD 格式', abort: true })
  .refine((s) => parseDate(s) === s, { error: '不是有效的日期' });

/** A statistics period `YYYY-MM`. */
export const periodSchema = z.string().regex(PERIOD_RE, { error: '统计期须为 YYYY-MM 格式' });

/** Epoch milliseconds. */
export const epochMs = z.number().int().nonnegative();

const text = (max: number) => z.string().min(1, { error: '不能为空' }).max(max, { error: `不能超过 ${max} 个字符` });
/** A code-like identifier (单位编码、编号): non-empty, no whitespace. */
const ident = z.string().regex(IDENT_RE, { error: '须为不含空格的编码' });
/** A whitelist code: an upper-case USCC with a valid check character, or a project code. */
const wlCode = z.string().refine(
  (s) => {
    const c = checkCode(s);
    return c.ok && c.code === s;
  },
  { error: '须为有效的统一社会信用代码（18 位）或投资项目代码' },
);
const phone = z.string().refine((s) => parsePhone(s) === s, { error: '须为规范的手机号（11 位）或固定电话（区号-号码）' });
const email = z.string().refine((s) => parseEmail(s) === s, { error: '须为规范（小写）的电子邮箱地址' });
const url = z.string().refine((s) => parseUrl(s) === s, { error: '须为 http(s) 链接' });

/**
 * A string drawn from `values`, typed `string`: for fields the interfaces keep as plain strings
 * (移出原因, 层级, 政策类别…) the check is at run time and the inferred type stays `string`.
 */
const oneOf = (values: readonly string[]) =>
  z.string().refine((s) => values.includes(s), { error: `须为以下之一：${values.join('、')}` });

const sector = z.enum(SECTORS);
const workClassId = z.enum(WORK_CLASS_IDS as [WorkClassId, ...WorkClassId[]]);

// ---- normalised rows ----------------------------------------------------------------------------

export const whitelistRowSchema = z
  .strictObject({
    code: wlCode,
    name: text(100),
    sector,
    locality: text(50),
    value: z.number().nonnegative().max(MAX_WAN),
    employees: z.number().int().nonnegative().optional(),
    status: z.enum(WHITELIST_STATUSES),
    admittedOn: isoDateSchema.optional(),
    removedOn: isoDateSchema.optional(),
    removalReason: oneOf(REMOVAL_REASONS).optional(),
    contact: text(50).optional(),
    phone: phone.optional(),
    email: email.optional(),
    partners: z.array(wlCode),
    note: text(2000).optional(),
  })
  .superRefine((r, ctx) => {
    if ((r.status === '已纳入' || r.status === '已移出') && r.admittedOn === undefined) {
      ctx.addIssue({ code: 'custom', path: ['admittedOn'], message: `状态为「${r.status}」时需填写纳入日期` });
    }
    if (r.status === '已移出') {
      if (r.removedOn === undefined) ctx.addIssue({ code: 'custom', path: ['removedOn'], message: '状态为「已移出」时需填写移出日期' });
      if (r.removalReason === undefined) ctx.addIssue({ code: 'custom', path: ['removalReason'], message: '状态为「已移出」时需填写移出原因' });
    }
    if (r.admittedOn !== undefined && r.removedOn !== undefined && r.removedOn < r.admittedOn) {
      ctx.addIssue({ code: 'custom', path: ['removedOn'], message: '移出日期不能早于纳入日期' });
    }
  });

export const sectorTotalRowSchema = z.strictObject({
  sector,
  period: periodSchema,
  total: z.number().positive(),
  source: text(200).optional(),
  note: text(2000).optional(),
});

export const issueRowShape = {
  id: text(50).optional(),
  enterpriseCode: wlCode.optional(),
  enterpriseName: text(100).optional(),
  sector: sector.optional(),
  locality: text(50).optional(),
  category: z.enum(ISSUE_CATEGORIES),
  description: text(2000),
  urgency: z.enum(URGENCIES),
  beyondScope: z.boolean(),
  major: z.boolean(),
  reportedOn: isoDateSchema,
  contact: text(50).optional(),
  phone: phone.optional(),
  email: email.optional(),
  assignedUnit: text(100).optional(),
};
export const issueRowSchema = z.strictObject(issueRowShape);

export const policyRowSchema = z.strictObject({
  id: ident.optional(),
  name: text(200),
  issuer: text(100).optional(),
  level: oneOf(POLICY_LEVELS).optional(),
  category: oneOf(POLICY_CATEGORIES).optional(),
  sectors: z.array(oneOf(SECTORS)),
  minEmployees: z.number().int().nonnegative().optional(),
  validUntil: isoDateSchema.optional(),
  link: url.optional(),
  unit: text(100).optional(),
});

export const consultantRowSchema = z
  .strictObject({
    unit: text(100),
    name: text(50),
    phone: phone.optional(),
    email: email.optional(),
    categories: z.array(oneOf(POLICY_CATEGORIES)),
  })
  .refine((r) => r.phone !== undefined || r.email !== undefined, { path: ['phone'], error: '联系电话和联系邮箱至少填写一项' });

export const epidemicSupportRowSchema = z
  .strictObject({
    targetType: z.enum(SUPPORT_TARGET_TYPES),
    target: text(100),
    staff: text(100),
    phone: phone.optional(),
    medicalInstitution: text(100).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.targetType === '工作专班' && !(WORK_CLASS_IDS as string[]).includes(r.target)) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: `对象类型为「工作专班」时对象须为专班编码：${WORK_CLASS_IDS.join('、')}` });
    }
    if (r.targetType === '白名单企业') {
      const c = checkCode(r.target);
      if (!c.ok || c.code !== r.target) {
        ctx.addIssue({ code: 'custom', path: ['target'], message: '对象类型为「白名单企业」时对象须为有效的统一社会信用代码或项目代码' });
      }
      if (r.medicalInstitution === undefined) {
        ctx.addIssue({ code: 'custom', path: ['medicalInstitution'], message: '对象类型为「白名单企业」时需填写结对医疗机构' });
      }
    }
  });

export const inspectionRowSchema = z.strictObject({
  id: ident.optional(),
  initiator: text(100),
  enterpriseCode: wlCode,
  matter: text(500),
  category: oneOf(INSPECTION_CATEGORIES),
  plannedOn: isoDateSchema,
  status: oneOf(INSPECTION_STATUSES).optional(),
  opinion: text(500).optional(),
});

export const workClassSchema = z.strictObject({
  id: workClassId,
  name: text(50),
  /** '' when none: buildProfile stores a missing or unknown 牵头单位 as '' (and reports it). */
  leadUnit: z.union([ident, z.literal('')]),
  office: text(100).optional(),
  email: email.optional(),
});

export const unitSchema = z.strictObject({
  code: ident,
  name: text(100),
  type: z.enum(UNIT_TYPES),
  contact: text(50).optional(),
  emails: z.array(email),
  parent: ident.optional(),
});

export const routingRuleSchema = z.strictObject({
  priority: z.number().int(),
  category: z.enum(ISSUE_CATEGORIES).optional(),
  sector: sector.optional(),
  locality: text(50).optional(),
  keywords: z.array(z.string().min(1)),
  unit: ident,
  row: z.number().int().positive().optional(),
});

export const sectorTargetSchema = z.strictObject({
  sector,
  target: z.number().gt(0, { error: '目标覆盖率须大于 0' }).lte(1, { error: '目标覆盖率不能超过 100%' }),
  deadline: isoDateSchema,
});

export const slaRuleSchema = z
  .strictObject({
    urgency: z.enum(URGENCIES),
    signDays: z.number().int().nonnegative(),
    feedbackDays: z.number().int().nonnegative(),
    resolveDays: z.number().int().nonnegative(),
  })
  .refine((r) => r.signDays <= r.feedbackDays && r.feedbackDays <= r.resolveDays, {
    path: ['feedbackDays'],
    error: '时限须满足 签收 ≤ 反馈 ≤ 办结',
  });

export const memberSchema = z.strictObject({
  email,
  workClass: workClassId,
  role: z.enum(MEMBER_ROLES),
});

export const calendarOverrideSchema = z.strictObject({
  date: isoDateSchema,
  type: z.enum(CALENDAR_DAY_TYPES),
});

/** The normalised-row schema of every kind. */
export const ROW_SCHEMAS: { [K in RowKind]: z.ZodType<RowTypes[K]> } = {
  whitelist: whitelistRowSchema,
  sector_total: sectorTotalRowSchema,
  issue: issueRowSchema,
  policy: policyRowSchema,
  consultant: consultantRowSchema,
  epidemic_support: epidemicSupportRowSchema,
  inspection: inspectionRowSchema,
  work_class: workClassSchema,
  unit: unitSchema,
  routing_rule: routingRuleSchema,
  sector_target: sectorTargetSchema,
  sla_rule: slaRuleSchema,
  member: memberSchema,
  calendar_override: calendarOverrideSchema,
};

export const rowWarningSchema = z.object({
  column: z.string().optional(),
  code: z.string().min(1),
  message: z.string(),
});

// ---- reading stored data ----------------------------------------------------------------------------

export interface StoredDataProblem {
  /** Dotted path inside the record, e.g. `assignments.0.signBy` (empty for the record itself). */
  path: string;
  message: string;
}

/** Data read back from the store does not have the stored shape (corrupt or foreign item). */
export class StoredDataError extends Error {
  readonly code = 'stored_data_invalid';
  constructor(
    message: string,
    /** Every problem found, by path. */
    readonly problems: StoredDataProblem[],
  ) {
    super(message);
    this.name = 'StoredDataError';
  }
}

export const MAX_LISTED = 5;

/** The problems of a failed parse, by dotted path. */
export function zodProblems(error: z.ZodError): StoredDataProblem[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

// ---- compile-time agreement with types.ts -----------------------------------------------------------
// Eq: mutually assignable (catches missing/extra required fields, optional vs required, wrong types);
// plus the same key set (catches an optional field present on one side only). A drift fails `tsc`.

type Eq<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Same<A, B> = Eq<A, B> extends true ? Eq<keyof A, keyof B> : false;
/** Fails to compile unless T is `true`. */
type Assert<T extends true> = T;

/** Type-level only (no run-time code): every schema agrees with its interface. */
export type SchemaTypeChecks = [
  Assert<Same<z.infer<typeof whitelistRowSchema>, WhitelistRow>>,
  Assert<Same<z.infer<typeof sectorTotalRowSchema>, SectorTotalRow>>,
  Assert<Same<z.infer<typeof issueRowSchema>, IssueRow>>,
  Assert<Same<z.infer<typeof policyRowSchema>, PolicyRow>>,
  Assert<Same<z.infer<typeof consultantRowSchema>, ConsultantRow>>,
  Assert<Same<z.infer<typeof epidemicSupportRowSchema>, EpidemicSupportRow>>,
  Assert<Same<z.infer<typeof inspectionRowSchema>, InspectionRow>>,
  Assert<Same<z.infer<typeof workClassSchema>, WorkClass>>,
  Assert<Same<z.infer<typeof unitSchema>, Unit>>,
  Assert<Same<z.infer<typeof routingRuleSchema>, RoutingRule>>,
  Assert<Same<z.infer<typeof sectorTargetSchema>, SectorTarget>>,
  Assert<Same<z.infer<typeof slaRuleSchema>, SlaRule>>,
  Assert<Same<z.infer<typeof memberSchema>, Member>>,
  Assert<Same<z.infer<typeof calendarOverrideSchema>, CalendarOverride>>,
  Assert<Same<z.infer<typeof rowWarningSchema>, RowWarning>>,
];
