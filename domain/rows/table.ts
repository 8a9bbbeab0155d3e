// THE description of every row kind (SPEC §3): one declaration per kind — its tab, whether it is a
// configuration tab, and each column in template order with its exact Chinese header, the field of
// the normalised row it fills, its type and its rules; system columns (编号, 状态 …) are in the list,
// marked `system`. Everything else derives from this table:
// - kinds.ts: KINDS (tabs, headers, system headers), ROW_KINDS, CONFIG_KINDS, RowKind;
// - schemas.ts: the compiled column schemas the validator (validate.ts) interprets;
// - rules.ts: the rules between columns (conditions, date order, references into the profile);
// - row-check.ts: the check of a normalised row at the edges (the store parses every row it reads
//   with it); row-schemas.ts: the same checks as zod schemas (API input, stored records);
// - header-notes.ts: the note and dropdown on every header;
// - the row types below (`RowOf<'whitelist'>`): derived at the type level, so a column added here
//   changes the type every consumer compiles against.
//
// The table is declared with `const` type parameters so that field keys, enum value tuples and the
// required/default flags stay literal types.

import { MSG } from './messages.js';
import {
  CALENDAR_DAY_TYPES,
  DECISION_ANSWERS,
  FOLLOW_UP_RESULTS,
  INSPECTION_CATEGORIES,
  INSPECTION_STATUSES,
  ISSUE_CATEGORIES,
  ISSUE_STATUSES,
  FINDING_STATUSES,
  MEMBER_ROLES,
  OPERATING_MODES,
  POLICY_CATEGORIES,
  POLICY_LEVELS,
  REMOVAL_REASON_FUSE,
  REMOVAL_REASONS,
  SECTORS,
  SHUTDOWN_REASONS,
  SHUTDOWN_SCOPE_WHOLE,
  SHUTDOWN_SCOPES,
  SHUTDOWN_STATUSES,
  SPOT_CHECK_FUSE,
  SPOT_CHECK_RESULTS,
  SUPPORT_TARGET_TYPES,
  UNIT_TYPES,
  URGENCIES,
  WHITELIST_STATUSES,
  WORK_CLASS_IDS,
  WORK_CLASSES,
} from './values.js';

export type ColumnType =
  /** Trimmed text (names of things, short labels). */
  | 'text'
  /** Free text: kept as typed, flagged `formula_text` when it starts like a formula. */
  | 'free'
  /** A whitelist code: USCC (GB 32100-2015) or project code. */
  | 'code'
  /** A code-like identifier (单位编码): half-width. */
  | 'ident'
  | 'enum'
  | 'number'
  | 'integer'
  | 'percent'
  | 'date'
  /** A moment of the county's day, stored as `YYYY-MM-DD HH:mm` (Asia/Shanghai). */
  | 'datetime'
  | 'period'
  | 'yesno'
  | 'phone'
  | 'email'
  /** One or more e-mail addresses separated by `；` `;` `、` `,`. */
  | 'emails'
  | 'url'
  /** A list of text items. */
  | 'list'
  /** A list of enum values, or the `all` word for every value. */
  | 'enumList'
  /** A list of whitelist codes. */
  | 'codes';

/** Required only while another field of the row holds one of some values. */
export interface WhenRule {
  /** The field the condition reads. */
  readonly field: string;
  readonly in: readonly string[];
  /** When the condition does not hold, a filled cell has no effect: warn `status_mismatch`. */
  readonly otherwiseIgnored?: boolean;
  /** A yes/no column that must be 是 (not only filled) while the condition holds. */
  readonly isYes?: boolean;
}

/** An upper bound checked on a number column, with the message that explains it. */
export interface NumberCeiling {
  readonly value: number;
  readonly message: (col: string, found: number) => string;
}

/** The rules a column may carry (all optional). */
export interface ColumnRules {
  readonly required?: boolean;
  /** enum / enumList: the allowed canonical values. */
  readonly values?: readonly string[];
  /** enum / enumList: other spellings accepted for a canonical value. */
  readonly aliases?: Readonly<Record<string, string>>;
  /** enumList: the word that means every value (全部). */
  readonly all?: string;
  /** number/integer: allow negative values. */
  readonly negative?: boolean;
  /** number: must be > 0 (not only ≥ 0). */
  readonly positive?: boolean;
  /** number: inclusive upper bound. */
  readonly max?: NumberCeiling;
  /** text/free: maximum length in characters. */
  readonly maxLen?: number;
  /** Value used when the cell is empty (the field is then always present). */
  readonly default?: string | number | boolean | readonly [];
  /** list: `,` and `，` also separate items. */
  readonly commas?: boolean;
  /** Always present in the normalised row: a rule (rules.ts) fills it when the cell is empty. */
  readonly filled?: boolean;
  /** Required while another field holds one of some values (`conditional_required`). */
  readonly when?: WhenRule;
  /** date: must not be before the date in this other field (`date_order`). */
  readonly notBefore?: string;
  /** date: after today is a warning `future_date` (likely a typo). */
  readonly notAfterToday?: boolean;
  /**
   * A reference resolved against the profile when one is given: `unit` (a 单位编码 or 单位名称,
   * stored as the code), `locality` (a unit of 类型 乡镇/街道/园区, stored as its name), `listed` (a
   * whitelist code: not on the whitelists is a warning `not_on_whitelist`).
   */
  readonly ref?: 'unit' | 'locality' | 'listed';
  /** The sheet's own sector: another sector is an error `wrong_sector`. */
  readonly ownSector?: boolean;
}

/** One column as declared. */
export interface ColumnDecl extends ColumnRules {
  readonly header: string;
  /** Field of the normalised row; absent on a system column the row does not carry. */
  readonly key?: string;
  readonly type: ColumnType;
  /** Written by the product, protected in Sheets and ignored on input. */
  readonly system?: boolean;
}

/** One row kind as declared. */
export interface KindDecl {
  /** The tab name (and CSV file name) in Chinese. */
  readonly tab: string;
  /** Configuration tabs belong to a profile. */
  readonly config?: boolean;
  /** Every column, in template order (system columns included, marked). */
  readonly columns: readonly ColumnDecl[];
  /** Field-key sets that must be unique within a batch (the first key's header names the error). */
  readonly unique?: readonly (readonly string[])[];
  /** A field (not a column) that holds the sheet row number of the row. */
  readonly sheetRow?: string;
  /** How a row of the kind is identified whatever its position (SPEC §7.1; identity.ts computes it). */
  readonly identity: IdentityDecl;
  /**
   * Headers of the second release (SPEC §7) this version does not read yet: known to the header
   * check (never `unknown_header` or `extra_column`), kept with the row like any extra column. A
   * column moves from here into `columns` when its behaviour is built.
   */
  readonly planned?: readonly string[];
}

/** The add-on's hidden column holding the server's id of the row (written at the first sync). */
export const ID_COLUMN = '_标识';

/** A system 编号: `WT-20220606-001` (issues), JC- (inspections), TC- (shutdowns), DC- (findings). */
export const SYSTEM_NUMBER_RE = /^(WT|JC|TC|DC)-\d{8}-\d{3,}$/;

/**
 * The identity order of SPEC §7.8 for one kind: its system 编号 once written back (prefix), then the
 * add-on's hidden `_标识` column, then the natural key, then a fingerprint of identifying fields.
 */
export interface IdentityDecl {
  /** The system 编号 the product assigns (`WT` → WT-YYYYMMDD-NNN), held in the field `id`. */
  readonly number?: 'WT' | 'JC' | 'TC' | 'DC';
  /** Natural key: field keys, in schema order. */
  readonly natural?: readonly string[];
  /** Fields of the fingerprint; absent: every input column of the kind. */
  readonly fingerprint?: readonly string[];
}

/** An input column. */
function col<const H extends string, const K extends string, const T extends ColumnType, const R extends ColumnRules = {}>(
  header: H,
  key: K,
  type: T,
  rules?: R,
): { readonly header: H; readonly key: K; readonly type: T } & R {
  return { header, key, type, ...(rules as R) };
}

/** A system column: written by the product. With a `key` the row carries it (optional). */
function sys<const H extends string, const R extends { readonly key?: string; readonly type?: ColumnType; readonly values?: readonly string[] } = {}>(
  header: H,
  rules?: R,
): { readonly header: H; readonly system: true; readonly type: R extends { readonly type: infer T } ? T : 'text' } & R {
  return { header, system: true, type: 'text', ...(rules as R) } as never;
}

function kind<const D extends KindDecl>(d: D): D {
  return d;
}

/** 产值或投资额 above this (万元) was most likely entered in 元. */
export const MAX_WAN = 10_000_000;

const WORK_CLASS_ALIASES: Record<string, string> = Object.fromEntries(
  WORK_CLASSES.flatMap((c) => [
    [c.name, c.id],
    [`${c.name}专班`, c.id],
    [`${c.name}工作专班`, c.id],
  ]),
);

const PHONE = col('联系电话', 'phone', 'phone');
const EMAIL = col('联系邮箱', 'email', 'email');
const CONTACT = col('联系人', 'contact', 'free', { maxLen: 50 });

export const ROW_TABLE = {
  whitelist: kind({
    tab: '白名单',
    columns: [
      col('统一社会信用代码', 'code', 'code', { required: true }),
      col('名称', 'name', 'free', { required: true, maxLen: 100 }),
      col('所属领域', 'sector', 'enum', { required: true, values: SECTORS, ownSector: true }),
      col('所在乡镇', 'locality', 'text', { required: true, maxLen: 50, ref: 'locality' }),
      col('产值或投资额（万元）', 'value', 'number', { required: true, max: { value: MAX_WAN, message: MSG.tooLargeWan } }),
      col('员工人数', 'employees', 'integer'),
      col('状态', 'status', 'enum', { required: true, values: WHITELIST_STATUSES }),
      col('纳入日期', 'admittedOn', 'date', { when: { field: 'status', in: ['已纳入', '已移出'] } }),
      col('移出日期', 'removedOn', 'date', { when: { field: 'status', in: ['已移出'], otherwiseIgnored: true }, notBefore: 'admittedOn' }),
      col('移出原因', 'removalReason', 'enum', {
        values: REMOVAL_REASONS,
        aliases: { 熔断: REMOVAL_REASON_FUSE, '熔断(防控不力致疫情输入扩散)': REMOVAL_REASON_FUSE },
        when: { field: 'status', in: ['已移出'], otherwiseIgnored: true },
      }),
      CONTACT,
      PHONE,
      EMAIL,
      col('关联企业', 'partners', 'codes', { default: [] }),
      col('备注', 'note', 'free', { maxLen: 2000 }),
      // 万人助万企: the cadre who looks after the enterprise, copied on every mail about its issues.
      col('包保干部', 'liaison', 'free', { maxLen: 50 }),
      col('包保干部邮箱', 'liaisonEmail', 'email'),
    ],
    unique: [['code']],
    identity: { natural: ['code'] },
    planned: ['包保干部', '包保干部邮箱'],
  }),
  sector_total: kind({
    tab: '领域总量',
    columns: [
      col('所属领域', 'sector', 'enum', { required: true, values: SECTORS }),
      col('统计期', 'period', 'period', { required: true }),
      col('总量（万元）', 'total', 'number', { required: true, positive: true }),
      col('数据来源', 'source', 'free', { maxLen: 200 }),
      col('备注', 'note', 'free', { maxLen: 2000 }),
    ],
    unique: [['sector', 'period']],
    identity: { natural: ['sector', 'period'] },
  }),
  issue: kind({
    tab: '问题诉求',
    columns: [
      sys('编号', { key: 'id', type: 'ident' }),
      col('反映企业代码', 'enterpriseCode', 'code', { ref: 'listed' }),
      col('企业名称', 'enterpriseName', 'free', { maxLen: 100 }),
      col('所属领域', 'sector', 'enum', { values: SECTORS }),
      col('所在乡镇', 'locality', 'text', { maxLen: 50, ref: 'locality' }),
      col('问题类别', 'category', 'enum', { required: true, values: ISSUE_CATEGORIES }),
      col('问题描述', 'description', 'free', { required: true, maxLen: 2000 }),
      col('紧急程度', 'urgency', 'enum', { values: URGENCIES, default: '一般' }),
      col('超出协调范围', 'beyondScope', 'yesno', { default: false }),
      col('重大问题', 'major', 'yesno', { default: false }),
      col('反映日期', 'reportedOn', 'date', { required: true, notAfterToday: true }),
      CONTACT,
      PHONE,
      EMAIL,
      col('指定责任单位', 'assignedUnit', 'text', { maxLen: 100, ref: 'unit' }),
      sys('责任单位'),
      sys('状态', { values: ISSUE_STATUSES }),
      sys('签收时限'),
      sys('办结时限'),
      sys('办理结果'),
      sys('回访结果', { values: FOLLOW_UP_RESULTS }),
      sys('升级情况'),
      // What the server did with the last edit of a routed issue (SPEC §7.1 edits after routing).
      sys('处理说明'),
    ],
    identity: { number: 'WT', fingerprint: ['enterpriseCode', 'reportedOn', 'description'] },
    planned: ['来源'],
  }),
  policy: kind({
    tab: '政策清单',
    columns: [
      col('编号', 'id', 'ident'),
      col('政策名称', 'name', 'free', { required: true, maxLen: 200 }),
      col('发文单位', 'issuer', 'free', { maxLen: 100 }),
      col('层级', 'level', 'enum', { values: POLICY_LEVELS, aliases: { 国家级: '国家', 省级: '省', 市级: '市', 县级: '县' } }),
      col('政策类别', 'category', 'enum', { values: POLICY_CATEGORIES }),
      col('适用领域', 'sectors', 'enumList', { values: SECTORS, all: '全部', default: [] }),
      col('最低员工人数', 'minEmployees', 'integer'),
      col('有效期至', 'validUntil', 'date'),
      col('链接', 'link', 'url'),
      col('责任单位', 'unit', 'text', { maxLen: 100, ref: 'unit' }),
      // SPEC §7.4: the matching conditions a policy may add (empty: no condition).
      col('适用乡镇', 'localities', 'list'),
      col('最低产值（万元）', 'minValue', 'number', { max: { value: MAX_WAN, message: MSG.tooLargeWan } }),
      col('申报截止', 'applyBy', 'date'),
      col('兑现方式', 'delivery', 'free', { maxLen: 200 }),
    ],
    unique: [['id']],
    // 编号 is the county-wide key (§7.8); a row without one is identified by its fingerprint.
    identity: { natural: ['id'] },
    planned: ['适用乡镇', '最低产值（万元）', '申报截止', '兑现方式'],
  }),
  consultant: kind({
    tab: '政策咨询员',
    columns: [
      col('单位', 'unit', 'text', { required: true, maxLen: 100, ref: 'unit' }),
      col('姓名', 'name', 'free', { required: true, maxLen: 50 }),
      PHONE,
      EMAIL,
      col('负责政策类别', 'categories', 'enumList', { values: POLICY_CATEGORIES, all: '全部', default: [] }),
      // SPEC §7.8: the phone appears on a public page only where this is 是.
      col('公开联系方式', 'public', 'yesno'),
    ],
    unique: [['unit', 'name']],
    identity: { natural: ['unit', 'name'] },
    planned: ['公开联系方式'],
  }),
  epidemic_support: kind({
    tab: '防疫配备',
    columns: [
      col('对象类型', 'targetType', 'enum', { required: true, values: SUPPORT_TARGET_TYPES, aliases: { 专班: '工作专班', 企业: '白名单企业' } }),
      col('对象', 'target', 'text', { required: true, maxLen: 100 }),
      col('防疫人员', 'staff', 'free', { required: true, maxLen: 100 }),
      PHONE,
      col('结对医疗机构', 'medicalInstitution', 'free', { maxLen: 100, when: { field: 'targetType', in: ['白名单企业'] } }),
    ],
    unique: [['targetType', 'target', 'staff']],
    identity: { natural: ['targetType', 'target', 'staff'] },
  }),
  inspection: kind({
    tab: '检查报备',
    columns: [
      sys('编号', { key: 'id', type: 'ident' }),
      col('发起单位', 'initiator', 'text', { required: true, maxLen: 100 }),
      col('被检查企业代码', 'enterpriseCode', 'code', { required: true, ref: 'listed' }),
      col('检查事项', 'matter', 'free', { required: true, maxLen: 500 }),
      col('检查类别', 'category', 'enum', { required: true, values: INSPECTION_CATEGORIES }),
      col('计划日期', 'plannedOn', 'date', { required: true }),
      sys('状态', { key: 'status', type: 'enum', values: INSPECTION_STATUSES }),
      sys('审批意见', { key: 'opinion' }),
      sys('审批时间'),
    ],
    identity: { number: 'JC', fingerprint: ['initiator', 'enterpriseCode', 'matter', 'plannedOn'] },
    planned: ['审批时间'],
  }),
  // ---- the seed's registers (SPEC §7.3; natural keys of §7.8 as `unique`) ----
  shutdown: kind({
    tab: '停产停工',
    columns: [
      sys('编号', { key: 'id', type: 'ident' }),
      col('企业代码', 'enterpriseCode', 'code', { required: true, ref: 'listed' }),
      col('企业名称', 'enterpriseName', 'free', { maxLen: 100 }),
      col('所属领域', 'sector', 'enum', { required: true, values: SECTORS, ownSector: true }),
      col('停产范围', 'scope', 'enum', { required: true, values: SHUTDOWN_SCOPES, aliases: { 全部停产: '全部', 部分停产: '部分', 整体: '全部' } }),
      col('原因', 'reason', 'enum', { required: true, values: SHUTDOWN_REASONS }),
      col('开始日期', 'startOn', 'date', { required: true }),
      col('预计恢复日期', 'expectedOn', 'date', { notBefore: 'startOn' }),
      col('实际恢复日期', 'resumedOn', 'date', { notBefore: 'startOn' }),
      // A whole-enterprise shutdown goes to the province (附件1 四(三)): 全部 requires 是.
      col('报省会商', 'toProvince', 'yesno', { default: false, when: { field: 'scope', in: [SHUTDOWN_SCOPE_WHOLE], isYes: true } }),
      sys('状态', { values: SHUTDOWN_STATUSES }),
      sys('审批意见'),
      sys('审批时间'),
    ],
    unique: [['enterpriseCode', 'startOn']],
    // TC-/DC- 编号 are kept per row key (usecases/register-sync.ts); the key stays the natural one (or
    // the add-on's `_标识`), so a written-back 编号 never makes a second row.
    identity: { natural: ['enterpriseCode', 'startOn'] },
  }),
  spot_check: kind({
    tab: '熔断抽查',
    columns: [
      col('企业代码', 'enterpriseCode', 'code', { required: true, ref: 'listed' }),
      col('抽查日期', 'checkedOn', 'date', { required: true, notAfterToday: true }),
      col('抽查单位', 'checker', 'text', { required: true, maxLen: 100 }),
      col('结果', 'result', 'enum', { required: true, values: SPOT_CHECK_RESULTS }),
      col('说明', 'note', 'free', { maxLen: 2000, when: { field: 'result', in: [SPOT_CHECK_FUSE] } }),
    ],
    unique: [['enterpriseCode', 'checkedOn', 'checker']],
    identity: { natural: ['enterpriseCode', 'checkedOn', 'checker'] },
  }),
  finding: kind({
    tab: '督查发现',
    columns: [
      sys('编号', { key: 'id', type: 'ident' }),
      col('督查日期', 'inspectedOn', 'date', { required: true, notAfterToday: true }),
      col('被督查单位', 'unit', 'text', { required: true, maxLen: 100, ref: 'unit' }),
      col('问题', 'problem', 'free', { required: true, maxLen: 2000 }),
      // A date, or a number of working days from 督查日期 (`5个工作日`): a kind rule in rules.ts.
      col('整改时限', 'deadline', 'text', { required: true, maxLen: 20 }),
      col('整改情况', 'progress', 'free', { maxLen: 2000 }),
      col('整改完成日期', 'rectifiedOn', 'date', { notBefore: 'inspectedOn' }),
      sys('状态', { values: FINDING_STATUSES }),
    ],
    unique: [['inspectedOn', 'unit', 'problem']],
    identity: { natural: ['inspectedOn', 'unit', 'problem'] },
  }),
  work_class: kind({
    tab: '工作专班',
    config: true,
    columns: [
      col('专班编码', 'id', 'enum', { required: true, values: WORK_CLASS_IDS, aliases: WORK_CLASS_ALIASES }),
      col('名称', 'name', 'text', { maxLen: 50, filled: true }),
      // '' when none: the profile keeps a class without a lead unit (and reports it).
      col('牵头单位', 'leadUnit', 'ident', { default: '' }),
      col('办公地点', 'office', 'free', { maxLen: 100 }),
      EMAIL,
    ],
    unique: [['id']],
    identity: { natural: ['id'] },
  }),
  unit: kind({
    tab: '责任单位',
    config: true,
    columns: [
      col('单位编码', 'code', 'ident', { required: true }),
      col('单位名称', 'name', 'text', { required: true, maxLen: 100 }),
      col('类型', 'type', 'enum', { required: true, values: UNIT_TYPES }),
      CONTACT,
      col('联系邮箱', 'emails', 'emails', { default: [] }),
      col('上级单位', 'parent', 'ident'),
    ],
    unique: [['code'], ['name']],
    identity: { natural: ['code'] },
  }),
  routing_rule: kind({
    tab: '路由规则',
    config: true,
    columns: [
      col('优先级', 'priority', 'integer', { required: true, negative: true }),
      col('问题类别', 'category', 'enum', { values: ISSUE_CATEGORIES }),
      col('所属领域', 'sector', 'enum', { values: SECTORS }),
      col('所在乡镇', 'locality', 'text', { maxLen: 50 }),
      col('关键词', 'keywords', 'list', { commas: true, default: [] }),
      col('责任单位', 'unit', 'ident', { required: true }),
    ],
    // Messages name the rule's row. Two rules of one table with the same 优先级 are `duplicate`
    // (SPEC §7.8): the order rules are tried in never depends on where a row sits.
    unique: [['priority']],
    sheetRow: 'row',
    identity: {},
  }),
  sector_target: kind({
    tab: '领域目标',
    config: true,
    columns: [
      col('所属领域', 'sector', 'enum', { required: true, values: SECTORS }),
      col('目标覆盖率', 'target', 'percent', { required: true }),
      col('截止日期', 'deadline', 'date', { required: true }),
    ],
    unique: [['sector', 'deadline']],
    identity: { natural: ['sector', 'deadline'] },
  }),
  sla_rule: kind({
    tab: '办理时限',
    config: true,
    columns: [
      col('紧急程度', 'urgency', 'enum', { required: true, values: URGENCIES }),
      col('签收时限（工作日）', 'signDays', 'integer', { required: true }),
      col('反馈时限（工作日）', 'feedbackDays', 'integer', { required: true }),
      col('办结时限（工作日）', 'resolveDays', 'integer', { required: true }),
    ],
    unique: [['urgency']],
    identity: { natural: ['urgency'] },
  }),
  member: kind({
    tab: '成员',
    config: true,
    columns: [
      col('邮箱', 'email', 'email', { required: true }),
      col('专班编码', 'workClass', 'enum', { required: true, values: WORK_CLASS_IDS, aliases: WORK_CLASS_ALIASES }),
      col('角色', 'role', 'enum', { required: true, values: MEMBER_ROLES }),
    ],
    unique: [['email', 'workClass']],
    identity: { natural: ['email', 'workClass'] },
  }),
  calendar_override: kind({
    tab: '节假日调整',
    config: true,
    columns: [
      col('日期', 'date', 'date', { required: true }),
      col('类型', 'type', 'enum', {
        required: true,
        values: CALENDAR_DAY_TYPES,
        aliases: { 休息: '休息日', 放假: '休息日', 上班: '工作日', 调休上班: '工作日', 班: '工作日', 休: '休息日' },
      }),
    ],
    unique: [['date']],
    identity: { natural: ['date'] },
  }),
  operating_mode: kind({
    tab: '运行状态',
    config: true,
    columns: [
      col('状态', 'mode', 'enum', { required: true, values: OPERATING_MODES, aliases: { 平时: '常态', 正常: '常态', 紧急: '应急', 战时: '应急' } }),
      col('开始时间', 'startAt', 'datetime', { required: true }),
      col('结束时间', 'endAt', 'datetime', { notBefore: 'startAt' }),
      // 全县, or township names (a kind rule in rules.ts checks them; empty means 全县).
      col('范围', 'scope', 'list', { commas: true, filled: true }),
      col('说明', 'note', 'free', { maxLen: 2000 }),
    ],
    unique: [['mode', 'startAt', 'scope']],
    identity: { natural: ['mode', 'startAt', 'scope'] },
  }),
} as const satisfies Record<string, KindDecl>;

/**
 * System tabs: written by the add-on from the server, never synced as rows, declared with the same
 * column helpers (system columns are the server's; the others are typed by staff and sent as
 * something else than a row). 指挥部待办 (SPEC §7.2): the open decisions of `GET /v1/decisions`,
 * written by 刷新状态; 决定 and 意见, typed by a member with role 审批, are applied on 立即同步
 * (`POST /v1/decisions/{编号}`), and 处理结果 says what became of them.
 */
export const SYSTEM_TAB_TABLE = {
  decision_queue: kind({
    tab: '指挥部待办',
    columns: [
      sys('编号', { key: 'id', type: 'ident' }),
      sys('事项类型', { key: 'typeLabel' }),
      sys('事项', { key: 'subject' }),
      sys('提交方', { key: 'requesterName' }),
      sys('提交时间', { key: 'since' }),
      sys('决定时限', { key: 'decideBy' }),
      sys('详情', { key: 'details' }),
      sys('可选决定', { key: 'options' }),
      col('决定', 'decision', 'enum', { values: DECISION_ANSWERS }),
      // 分派 of a triage item: the responsible unit (单位编码 or 名称), sent as `unit`.
      col('分派单位', 'unit', 'text', { maxLen: 100, ref: 'unit' }),
      // 分派 of an enterprise's 紧急 (紧急待核实, SPEC §7.8): the office's finding, sent as `urgency`.
      col('核实紧急程度', 'urgency', 'enum', { values: URGENCIES }),
      col('意见', 'note', 'free', { maxLen: 2000 }),
      sys('处理结果', { key: 'result' }),
    ],
    // A row is the decision of its 编号 (the queue's id); never synced, so no other identity.
    identity: { natural: ['id'] },
  }),
} as const satisfies Record<string, KindDecl>;

export type SystemTab = keyof typeof SYSTEM_TAB_TABLE;

// ---- row types, derived -------------------------------------------------------------------------

type Table = typeof ROW_TABLE;

/** A row kind id (`whitelist`, `unit` …). */
export type RowKind = keyof Table;

type ColumnOf<K extends RowKind> = Table[K]['columns'][number];
/** The columns of a kind that fill a field of its row. */
type FieldColumn<K extends RowKind> = Extract<ColumnOf<K>, { readonly key: string }>;

/** The value type a column gives its field. */
type ValueOf<C> = C extends { readonly type: 'enum'; readonly values: readonly (infer V)[] }
  ? V
  : C extends { readonly type: 'enumList'; readonly values: readonly (infer V)[] }
    ? V[]
    : C extends { readonly type: 'number' | 'integer' | 'percent' }
      ? number
      : C extends { readonly type: 'yesno' }
        ? boolean
        : C extends { readonly type: 'emails' | 'list' | 'codes' }
          ? string[]
          : string;

/** Whether a column's field is always present: required, defaulted or filled (never a system column). */
type Present<C> = C extends { readonly system: true }
  ? false
  : C extends { readonly required: true } | { readonly filled: true } | { readonly default: unknown }
    ? true
    : false;

type SheetRowField<K extends RowKind> = Table[K] extends { readonly sheetRow: infer F extends string } ? { [P in F]?: number } : unknown;

type Flat<T> = { [P in keyof T]: T[P] } & {};

type BuildRow<K extends RowKind> = Flat<
  { [C in FieldColumn<K> as Present<C> extends true ? C['key'] : never]: ValueOf<C> } & {
    [C in FieldColumn<K> as Present<C> extends true ? never : C['key']]?: ValueOf<C>;
  } & SheetRowField<K>
>;

/** The normalised row type of every kind (RowResult.value when ok; RowRecord.value when stored). */
export type RowTypes = { [K in RowKind]: BuildRow<K> };

/** The normalised row of a kind; of a union of kinds, the union of their rows. */
export type RowOf<K extends RowKind> = RowTypes[K];
