// Column schemas of every row kind (SPEC §3): for each exact Chinese header, the field of the
// normalised row it fills (domain/types.ts), its type and its rules. The table is data; the one
// interpreter that applies it is domain/validate.ts. Enum look-ups are compiled once, at load.

import {
  CALENDAR_DAY_TYPES,
  INSPECTION_CATEGORIES,
  ISSUE_CATEGORIES,
  KINDS,
  MEMBER_ROLES,
  POLICY_CATEGORIES,
  POLICY_LEVELS,
  REMOVAL_REASONS,
  REMOVAL_REASON_FUSE,
  type RowKind,
  SECTORS,
  SUPPORT_TARGET_TYPES,
  UNIT_TYPES,
  URGENCIES,
  WHITELIST_STATUSES,
  WORK_CLASSES,
  WORK_CLASS_IDS,
} from './kinds.js';
import { toHalfWidth } from './normalize.js';

export type ColumnType =
  /** Trimmed text (names of things, short labels). */
  | 'text'
  /** Free text: kept as typed, flagged `formula_text` when it starts like a formula. */
  | 'free'
  /** A whitelist code: USCC (GB 32100-2015) or project code. */
  | 'code'
  /** A code-like identifier (单位编码): half-width, no inner whitespace. */
  | 'ident'
  | 'enum'
  | 'number'
  | 'integer'
  | 'percent'
  | 'date'
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

export interface ColumnSpec {
  header: string;
  /** Field of the normalised row. */
  key: string;
  type: ColumnType;
  required?: boolean;
  /** enum / enumList: the allowed canonical values. */
  values?: readonly string[];
  /** enum / enumList: other spellings accepted for a canonical value. */
  aliases?: Readonly<Record<string, string>>;
  /** enumList: the word that means every value (全部). */
  all?: string;
  /** number/integer: allow negative values. */
  negative?: boolean;
  /** number: must be > 0 (not only ≥ 0). */
  positive?: boolean;
  /** text/free: maximum length in characters. */
  maxLen?: number;
  /** Value used when the cell is empty. */
  default?: unknown;
  /** list: `,` and `，` also separate items. */
  commas?: boolean;
  /** Compiled: canonical spelling key → canonical value. */
  index?: Map<string, string>;
  /** Compiled: other header spellings looked up when the exact header is absent. */
  altHeaders?: string[];
}

export interface KindSchema {
  kind: RowKind;
  columns: ColumnSpec[];
  /** Column-key sets that must be unique within a batch (the first key's header names the error). */
  unique: (readonly string[])[];
}

const SPACE_G = /\s+/g;
/** The spelling key an enum value is matched by: half-width, no whitespace, lower case. */
export function enumKey(s: string): string {
  return toHalfWidth(s).replace(SPACE_G, '').toLowerCase();
}

const WORK_CLASS_ALIASES: Record<string, string> = Object.fromEntries(
  WORK_CLASSES.flatMap((c) => [
    [c.name, c.id],
    [`${c.name}专班`, c.id],
    [`${c.name}工作专班`, c.id],
  ]),
);

const col = (header: string, key: string, type: ColumnType, rules: Partial<ColumnSpec> = {}): ColumnSpec => ({
  header,
  key,
  type,
  ...rules,
});
const req = { required: true } as const;

const PHONE = col('联系电话', 'phone', 'phone');
const EMAIL = col('联系邮箱', 'email', 'email');
const CONTACT = col('联系人', 'contact', 'free', { maxLen: 50 });

const SCHEMAS_SRC: Record<RowKind, { columns: ColumnSpec[]; unique?: (readonly string[])[] }> = {
  whitelist: {
    columns: [
      col('统一社会信用代码', 'code', 'code', req),
      col('名称', 'name', 'free', { ...req, maxLen: 100 }),
      col('所属领域', 'sector', 'enum', { ...req, values: SECTORS }),
      col('所在乡镇', 'locality', 'text', { ...req, maxLen: 50 }),
      col('产值或投资额（万元）', 'value', 'number', req),
      col('员工人数', 'employees', 'integer'),
      col('状态', 'status', 'enum', { ...req, values: WHITELIST_STATUSES }),
      col('纳入日期', 'admittedOn', 'date'),
      col('移出日期', 'removedOn', 'date'),
      col('移出原因', 'removalReason', 'enum', {
        values: REMOVAL_REASONS,
        aliases: { 熔断: REMOVAL_REASON_FUSE, '熔断(防控不力致疫情输入扩散)': REMOVAL_REASON_FUSE },
      }),
      CONTACT,
      PHONE,
      EMAIL,
      col('关联企业', 'partners', 'codes', { default: [] }),
      col('备注', 'note', 'free', { maxLen: 2000 }),
    ],
    unique: [['code']],
  },
  sector_total: {
    columns: [
      col('所属领域', 'sector', 'enum', { ...req, values: SECTORS }),
      col('统计期', 'period', 'period', req),
      col('总量（万元）', 'total', 'number', { ...req, positive: true }),
      col('数据来源', 'source', 'free', { maxLen: 200 }),
      col('备注', 'note', 'free', { maxLen: 2000 }),
    ],
    unique: [['sector', 'period']],
  },
  issue: {
    columns: [
      col('反映企业代码', 'enterpriseCode', 'code'),
      col('企业名称', 'enterpriseName', 'free', { maxLen: 100 }),
      col('所属领域', 'sector', 'enum', { values: SECTORS }),
      col('所在乡镇', 'locality', 'text', { maxLen: 50 }),
      col('问题类别', 'category', 'enum', { ...req, values: ISSUE_CATEGORIES }),
      col('问题描述', 'description', 'free', { ...req, maxLen: 2000 }),
      col('紧急程度', 'urgency', 'enum', { values: URGENCIES, default: '一般' }),
      col('超出协调范围', 'beyondScope', 'yesno', { default: false }),
      col('重大问题', 'major', 'yesno', { default: false }),
      col('反映日期', 'reportedOn', 'date', req),
      CONTACT,
      PHONE,
      EMAIL,
      col('指定责任单位', 'assignedUnit', 'text', { maxLen: 100 }),
    ],
  },
  policy: {
    columns: [
      col('编号', 'id', 'ident'),
      col('政策名称', 'name', 'free', { ...req, maxLen: 200 }),
      col('发文单位', 'issuer', 'free', { maxLen: 100 }),
      col('层级', 'level', 'enum', { values: POLICY_LEVELS, aliases: { 国家级: '国家', 省级: '省', 市级: '市', 县级: '县' } }),
      col('政策类别', 'category', 'enum', { values: POLICY_CATEGORIES }),
      col('适用领域', 'sectors', 'enumList', { values: SECTORS, all: '全部', default: [] }),
      col('最低员工人数', 'minEmployees', 'integer'),
      col('有效期至', 'validUntil', 'date'),
      col('链接', 'link', 'url'),
      col('责任单位', 'unit', 'text', { maxLen: 100 }),
    ],
    unique: [['id']],
  },
  consultant: {
    columns: [
      col('单位', 'unit', 'text', { ...req, maxLen: 100 }),
      col('姓名', 'name', 'free', { ...req, maxLen: 50 }),
      PHONE,
      EMAIL,
      col('负责政策类别', 'categories', 'enumList', { values: POLICY_CATEGORIES, all: '全部', default: [] }),
    ],
    unique: [['unit', 'name']],
  },
  epidemic_support: {
    columns: [
      col('对象类型', 'targetType', 'enum', { ...req, values: SUPPORT_TARGET_TYPES, aliases: { 专班: '工作专班', 企业: '白名单企业' } }),
      col('对象', 'target', 'text', { ...req, maxLen: 100 }),
      col('防疫人员', 'staff', 'free', { ...req, maxLen: 100 }),
      PHONE,
      col('结对医疗机构', 'medicalInstitution', 'free', { maxLen: 100 }),
    ],
    unique: [['targetType', 'target', 'staff']],
  },
  inspection: {
    columns: [
      col('发起单位', 'initiator', 'text', { ...req, maxLen: 100 }),
      col('被检查企业代码', 'enterpriseCode', 'code', req),
      col('检查事项', 'matter', 'free', { ...req, maxLen: 500 }),
      col('检查类别', 'category', 'enum', { ...req, values: INSPECTION_CATEGORIES }),
      col('计划日期', 'plannedOn', 'date', req),
      col('审批意见', 'opinion', 'free', { maxLen: 500 }),
    ],
  },
  work_class: {
    columns: [
      col('专班编码', 'id', 'enum', { ...req, values: WORK_CLASS_IDS, aliases: WORK_CLASS_ALIASES }),
      col('名称', 'name', 'text', { maxLen: 50 }),
      col('牵头单位', 'leadUnit', 'ident'),
      col('办公地点', 'office', 'free', { maxLen: 100 }),
      EMAIL,
    ],
    unique: [['id']],
  },
  unit: {
    columns: [
      col('单位编码', 'code', 'ident', req),
      col('单位名称', 'name', 'text', { ...req, maxLen: 100 }),
      col('类型', 'type', 'enum', { ...req, values: UNIT_TYPES }),
      CONTACT,
      col('联系邮箱', 'emails', 'emails', { default: [] }),
      col('上级单位', 'parent', 'ident'),
    ],
    unique: [['code'], ['name']],
  },
  routing_rule: {
    columns: [
      col('优先级', 'priority', 'integer', { ...req, negative: true }),
      col('问题类别', 'category', 'enum', { values: ISSUE_CATEGORIES }),
      col('所属领域', 'sector', 'enum', { values: SECTORS }),
      col('所在乡镇', 'locality', 'text', { maxLen: 50 }),
      col('关键词', 'keywords', 'list', { commas: true, default: [] }),
      col('责任单位', 'unit', 'ident', req),
    ],
  },
  sector_target: {
    columns: [
      col('所属领域', 'sector', 'enum', { ...req, values: SECTORS }),
      col('目标覆盖率', 'target', 'percent', req),
      col('截止日期', 'deadline', 'date', req),
    ],
    unique: [['sector', 'deadline']],
  },
  sla_rule: {
    columns: [
      col('紧急程度', 'urgency', 'enum', { ...req, values: URGENCIES }),
      col('签收时限（工作日）', 'signDays', 'integer', req),
      col('反馈时限（工作日）', 'feedbackDays', 'integer', req),
      col('办结时限（工作日）', 'resolveDays', 'integer', req),
    ],
    unique: [['urgency']],
  },
  member: {
    columns: [
      col('邮箱', 'email', 'email', req),
      col('专班编码', 'workClass', 'enum', { ...req, values: WORK_CLASS_IDS, aliases: WORK_CLASS_ALIASES }),
      col('角色', 'role', 'enum', { ...req, values: MEMBER_ROLES }),
    ],
    unique: [['email', 'workClass']],
  },
  calendar_override: {
    columns: [
      col('日期', 'date', 'date', req),
      col('类型', 'type', 'enum', { ...req, values: CALENDAR_DAY_TYPES, aliases: { 休息: '休息日', 放假: '休息日', 上班: '工作日', 调休上班: '工作日', 班: '工作日', 休: '休息日' } }),
    ],
    unique: [['date']],
  },
};

/**
 * Every compiled column has the same shape (all fields present, same order), so the validation loop
 * reads them monomorphically.
 */
function compileColumn(src: ColumnSpec): ColumnSpec {
  let index: Map<string, string> | undefined;
  if (src.values) {
    index = new Map<string, string>();
    for (const v of src.values) index.set(enumKey(v), v);
    for (const [alias, v] of Object.entries(src.aliases ?? {})) index.set(enumKey(alias), v);
  }
  const half = toHalfWidth(src.header);
  return {
    header: src.header,
    key: src.key,
    type: src.type,
    required: src.required === true,
    values: src.values,
    aliases: src.aliases,
    all: src.all,
    negative: src.negative === true,
    positive: src.positive === true,
    maxLen: src.maxLen,
    default: src.default,
    commas: src.commas === true,
    index,
    altHeaders: half !== src.header ? [half] : [],
  };
}

/** The compiled schema of every kind. */
export const SCHEMAS: Record<RowKind, KindSchema> = Object.fromEntries(
  (Object.keys(SCHEMAS_SRC) as RowKind[]).map((kind) => {
    const src = SCHEMAS_SRC[kind];
    const columns = src.columns.map(compileColumn);
    for (const c of columns) {
      if (!KINDS[kind].headers.includes(c.header)) throw new Error(`schema ${kind}: unknown header ${c.header}`);
      if (KINDS[kind].system.includes(c.header)) throw new Error(`schema ${kind}: system header ${c.header}`);
    }
    return [kind, { kind, columns, unique: src.unique ?? [] }];
  }),
) as Record<RowKind, KindSchema>;

/** The column spec of a header in a kind. */
export function columnOf(kind: RowKind, header: string): ColumnSpec | undefined {
  return SCHEMAS[kind].columns.find((c) => c.header === header);
}

/** The header of a field of a kind's normalised row. */
export function headerOf(kind: RowKind, key: string): string {
  const c = SCHEMAS[kind].columns.find((x) => x.key === key);
  if (!c) throw new Error(`no column for ${kind}.${key}`);
  return c.header;
}

/** Match a text against an enum column's values (any width, spacing or case); undefined if none. */
export function matchEnum(spec: ColumnSpec, text: string): string | undefined {
  const index = spec.index;
  if (!index) return undefined;
  return index.get(text) ?? index.get(enumKey(text));
}
