// The note on every header (the rule staff see when they hover a column title, in Chinese) and the
// dropdown values of every enumerated column — ONE source for the `sibao template` workbooks
// (local/template.ts) and the add-on's 初始化本表 (sheets-addon/columns.ts).
//
// Everything a validation rule decides is read from the row table (table.ts, compiled in schemas.ts):
// required, type, enum values, length, bounds, defaults, uniqueness, the conditions under which a
// column is required, the values a system column takes. So a note cannot promise what validation
// rejects; test/unit/header-notes.test.ts runs what the notes say through validateRow. What only
// people need to know (what a column is for, who fills the system columns) is the hand-written
// `ABOUT` text.

import {
  KINDS,
  LOCALITY_UNIT_TYPES,
  type RowKind,
  type Sector,
  WORK_CLASS_IDS,
  WORK_CLASSES,
} from './kinds.js';
import { type ColumnSpec, columnOf, headerOf, SCHEMAS } from './schemas.js';
import { MAX_WAN, ROW_TABLE } from './table.js';
import { SHUTDOWN_MAX_DAYS } from './rules.js';
import { WHOLE_COUNTY } from './values.js';

/** Options of a sheet that belongs to one sector class. */
export interface NoteOptions {
  /** The class's own sector: a whitelist's 所属领域 must be it (validation's `wrong_sector`). */
  sector?: Sector;
}

/** Required when another column of the row holds one of some values. */
export interface Condition {
  header: string;
  values: readonly string[];
  /** The column must then be 是 (not only filled). */
  isYes?: boolean;
}

/** A numeric column's bounds, as validation checks them. */
export interface NumberRule {
  integer: boolean;
  /** Lower bound; absent when negative numbers are allowed. */
  min?: number;
  /** `min` itself is rejected (> min rather than ≥ min). */
  minExclusive: boolean;
  /** Upper bound, inclusive; absent when there is none. */
  max?: number;
}

export interface Dropdown {
  header: string;
  values: readonly string[];
  /** False for list columns (several values in one cell): the dropdown suggests, it must not reject. */
  strict: boolean;
}

/** The facts a note is written from (tests compare them with validation). */
export interface NoteFacts {
  header: string;
  /** Written by the product (KINDS[kind].system). */
  system: boolean;
  required: boolean;
  condition?: Condition;
  /** Values the note lists: the accepted values of an enum column, the values a system column takes. */
  values?: readonly string[];
  number?: NumberRule;
  /** Values quoted in the note as examples: each one passes validation in this column. */
  examples: readonly string[];
}

/** Issue: a 重大问题 is resolved within this many calendar days (routing.ts MAJOR_RESOLVE_CALENDAR_DAYS; the test checks). */
export const NOTE_MAJOR_DAYS = 30;
/** Issue: working days overdue per escalation level (sweep.ts ESCALATION_WORKDAYS; the test checks). */
export const NOTE_ESCALATION_WORKDAYS = 2;

// ---- wording ------------------------------------------------------------------------------------

const DATE_EXAMPLES = ['2022-06-10', '2022/6/10', '2022年6月10日'] as const;
const or = (xs: readonly string[]): string =>
  xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join('、')} 或 ${xs[xs.length - 1]}`;
/** 10000000 → `10,000,000` (integers; no locale data needed in the add-on's V8). */
function group(n: number): string {
  const s = String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${s}` : s;
}

interface TypeHint {
  text: string;
  examples?: readonly string[];
}

/** What a column of each type takes; `examples` are quoted in the note and checked by the test. */
function typeHint(spec: ColumnSpec): TypeHint {
  switch (spec.type) {
    case 'code':
      return {
        text: '企业填 18 位统一社会信用代码（GB 32100-2015，末位为校验码，小写自动转大写），重点项目填项目代码 YYMM-AAAAAA-NN-NN-NNNNNN（4-6-2-2-6 位数字）',
      };
    case 'codes':
      return { text: '企业的统一社会信用代码或项目代码，多个用“；”或“、”分隔' };
    case 'ident':
      return { text: '编码（全角字符自动转为半角）' };
    case 'number':
      return { text: '数字，可带千位分隔符，如 1,234.5', examples: ['1,234.5'] };
    case 'integer':
      return { text: '整数' };
    case 'percent':
      return { text: '比例，大于 0 且不超过 100%，如 70% 或 0.7', examples: ['70%', '0.7'] };
    case 'date':
      return { text: `日期，如 ${or(DATE_EXAMPLES)}`, examples: DATE_EXAMPLES };
    case 'datetime':
      return { text: '日期和时刻，如 2022年6月9日14时 或 2022-06-09 14:00（只写日期表示当日 0 时）', examples: ['2022年6月9日14时', '2022-06-09 14:00'] };
    case 'period':
      return { text: '年月，如 2022-06 或 2022年6月', examples: ['2022-06', '2022年6月'] };
    case 'yesno':
      return { text: '' };
    case 'phone':
      return {
        text: '11 位手机号（1 开头，第二位 3–9）或带区号的固定电话，如 0371-12345678',
        examples: ['0371-12345678', '13900000000'],
      };
    case 'email':
      return { text: '邮箱，如 name@county.example', examples: ['name@county.example'] };
    case 'emails':
      return { text: '一个或多个邮箱，用“；”分隔，如 a@county.example；b@county.example', examples: ['a@county.example；b@county.example'] };
    case 'url':
      return { text: '以 http:// 或 https:// 开头的网址' };
    case 'list':
      return { text: spec.commas ? '多个用“；”“、”或逗号分隔' : '多个用“；”或“、”分隔' };
    case 'enumList':
      return { text: '多个用“；”分隔' };
    default:
      return { text: '' };
  }
}

const LOCALITY = `「责任单位」表中类型为${LOCALITY_UNIT_TYPES.join('、')}的单位名称`;
const UNIT_REF = '「责任单位」表中已登记的单位，填单位编码或单位名称均可';

interface About {
  /** What the column is for, right after 必填/选填. */
  what?: string;
  /** A rule or consequence, at the end. */
  more?: string;
  /** Why the column's ceiling (ColumnRules.max) is there, after the range. */
  ceiling?: string;
  /** Examples quoted in `what`/`more` that validation accepts in this column (checked by the test). */
  examples?: readonly string[];
}

/** Hand-written explanations, by kind and header: what the column means to staff. */
const ABOUT: Partial<Record<RowKind, Record<string, About>>> = {
  whitelist: {
    所属领域: { more: '须为本表所属领域' },
    所在乡镇: { what: LOCALITY },
    '产值或投资额（万元）': {
      what: '企业的产值或项目的投资额',
      ceiling: `超过 ${group(MAX_WAN)} 万元（${MAX_WAN / 10_000} 亿元）多为误按“元”填写，不予通过，请换算为万元`,
    },
    移出原因: { more: '熔断即防控不力致疫情输入扩散，可简写为“熔断”，在周报中列在最前', examples: ['熔断'] },
    联系人: { what: '企业联系人（职务或姓名）' },
    关联企业: { what: '上下游企业' },
    备注: { what: '自由填写' },
    包保干部: { what: '万人助万企包保干部（选填）' },
    包保干部邮箱: { what: '包保干部的邮箱（选填）', more: '该企业问题的每封通知都抄送此邮箱（不含办理链接）' },
  },
  sector_total: {
    统计期: { more: '覆盖率取不晚于统计日的最新统计期' },
    '总量（万元）': { what: '本领域总产值（投资额），覆盖率的分母' },
    数据来源: { what: '如 统计局月报' },
    备注: { what: '自由填写' },
  },
  issue: {
    编号: { what: '问题编号 WT-YYYYMMDD-NNN' },
    反映企业代码: { what: '反映问题的企业（项目）', more: '不在白名单中时提示，不影响受理' },
    企业名称: { what: '企业（项目）名称' },
    所在乡镇: { what: LOCALITY },
    问题描述: { more: '路由规则按其中的关键词分派' },
    超出协调范围: { more: '填“是”则同时报县指挥部' },
    重大问题: { more: `填“是”则同时报县委县政府，自分派起 ${NOTE_MAJOR_DAYS} 日内办结（遇休息日顺延）` },
    反映日期: { more: '晚于今天时提示核对' },
    联系人: { what: '企业联系人，用于回访' },
    指定责任单位: { what: '直接指定的责任单位', more: `${UNIT_REF}；填写后不再按路由规则分派` },
    责任单位: { what: '分派的责任单位' },
    状态: { what: '办理进度' },
    签收时限: { what: '签收截止日期（按工作日计算）' },
    办结时限: { what: '办结截止日期（按工作日计算）' },
    办理结果: { what: '责任单位反馈的办理结果' },
    回访结果: { what: '回访时企业的评价' },
    升级情况: { what: `逾期与升级记录（每逾期 ${NOTE_ESCALATION_WORKDAYS} 个工作日升级一级，抄送上级单位）` },
    处理说明: { what: '分派后修改本行时系统的处理情况（改派、改派申请、升级、补充说明等）' },
  },
  policy: {
    编号: { what: '政策编号（本单位自编）' },
    发文单位: { what: '如 河南省人民政府办公厅' },
    层级: { examples: ['省级'], more: '也可写 国家级、省级、市级、县级' },
    适用领域: { more: '填“全部”表示所有领域' },
    最低员工人数: { what: '享受政策的最低员工人数' },
    链接: { what: '政策原文网址' },
    责任单位: { what: '落实政策的单位', more: UNIT_REF },
  },
  consultant: {
    单位: { what: '咨询员所在单位', more: UNIT_REF },
    姓名: { what: '咨询员姓名（或岗位）' },
    联系电话: { more: '联系电话和联系邮箱至少填一项' },
    联系邮箱: { more: '联系电话和联系邮箱至少填一项' },
    负责政策类别: { more: '填“全部”表示所有类别' },
  },
  epidemic_support: {
    对象: {
      what: `对象类型为工作专班时填专班名称（如 ${WORK_CLASSES[1].name}），为白名单企业时填企业代码`,
      examples: [WORK_CLASSES[1].name],
    },
    防疫人员: { what: '防疫专家或专业防疫人员（岗位）' },
    结对医疗机构: { what: '结对帮扶的医疗卫生机构' },
  },
  inspection: {
    编号: { what: '检查报备编号' },
    发起单位: { what: '发起检查的单位' },
    被检查企业代码: { what: '被检查的白名单企业（项目）', more: '不在白名单中时提示' },
    检查事项: { what: '检查内容' },
    检查类别: { more: '“其他”类须指挥部审批，其余免审批' },
    状态: { what: '审批进度' },
    审批意见: { what: '指挥部办公室的审批意见（系统填写）' },
    审批时间: { what: '指挥部办公室作出决定的时间（系统填写）' },
  },
  shutdown: {
    编号: { what: '停产停工编号 TC-YYYYMMDD-NNN' },
    企业代码: { what: '停产停工的白名单企业（项目）', more: '不在白名单中时提示' },
    企业名称: { what: '企业（项目）名称' },
    停产范围: { more: '“全部”（整体停产）须报省会商', examples: ['部分'] },
    开始日期: { what: '停产停工开始的日期', more: `原则上不超过 ${SHUTDOWN_MAX_DAYS} 天；开始 ${SHUTDOWN_MAX_DAYS} 天后仍未填实际恢复日期的，报县领导` },
    预计恢复日期: { more: `距开始日期超过 ${SHUTDOWN_MAX_DAYS} 天时提示` },
    实际恢复日期: { what: '复工复产的日期', more: '填写后状态为已恢复' },
    报省会商: { what: '是否已报省指挥部会商' },
    状态: { what: '指挥部办公室审批进度' },
    审批意见: { what: '指挥部办公室的意见' },
    审批时间: { what: '指挥部办公室审批的时间' },
  },
  spot_check: {
    企业代码: { what: '抽查的白名单企业（项目）', more: '不在白名单中时提示' },
    抽查日期: { more: '晚于今天时提示核对' },
    抽查单位: { what: '如 县卫健委' },
    结果: { more: '“熔断”即防控不力致疫情输入扩散：通知所属领域专班将企业移出白名单（移出原因 熔断）' },
    说明: { what: '抽查发现的问题' },
  },
  finding: {
    编号: { what: '督查发现编号 DC-YYYYMMDD-NNN' },
    督查日期: { more: '晚于今天时提示核对' },
    被督查单位: { what: '被督查的责任单位', more: UNIT_REF },
    问题: { what: '督查发现的问题' },
    整改时限: {
      what: '整改截止日期，或从督查日期起算的工作日数',
      more: '如 2022-06-15 或 5个工作日（按工作日计算，遇休息日顺延）；过期未整改为逾期',
      examples: ['2022-06-15', '5个工作日'],
    },
    整改情况: { what: '被督查单位的整改情况' },
    整改完成日期: { what: '整改完成的日期', more: '填写后状态为已整改' },
    状态: { what: '整改进度' },
  },
  operating_mode: {
    状态: { what: '常态或应急（平急转换）', more: '应急期间范围内新问题按“紧急”时限办理，每日 17:00 向指挥部报送日报' },
    开始时间: { what: '进入该状态的时刻' },
    结束时间: { what: '结束的时刻', more: '空 = 仍在执行' },
    范围: { what: `“${WHOLE_COUNTY}”或乡镇（街道、园区）名称`, more: `空 = ${WHOLE_COUNTY}`, examples: [WHOLE_COUNTY] },
  },
  work_class: {
    专班编码: {
      more: `也可填专班名称，如 ${WORK_CLASSES[1].name}`,
      examples: [WORK_CLASSES[1].name],
    },
    名称: { what: '专班名称，空则按专班编码取默认名称' },
    牵头单位: { what: '牵头单位的单位编码（见「责任单位」表）', more: '不填则本专班的问题无法分派' },
    办公地点: { what: '如 县科工局' },
    联系邮箱: { what: '专班邮箱' },
  },
  unit: {
    单位编码: { what: '单位的简短编码，如 fgw', examples: ['fgw'] },
    单位名称: { what: '如 县发展改革委' },
    联系人: { what: '岗位即可，如 办公室值班员' },
    联系邮箱: { more: '没有邮箱的单位收不到分派和催办邮件' },
    上级单位: { what: '逾期升级时抄送的单位编码' },
  },
  routing_rule: {
    优先级: { what: '数字小的规则先匹配', examples: ['-1', '10'] },
    问题类别: { more: '空 = 任意类别' },
    所属领域: { more: '空 = 任意领域' },
    所在乡镇: { more: '空 = 任意乡镇' },
    关键词: { more: '问题描述包含任一关键词即匹配；空 = 不限' },
    责任单位: { what: '分派到的单位编码（见「责任单位」表）' },
  },
  sector_target: {
    截止日期: { what: '达到目标覆盖率的日期' },
  },
  sla_rule: {
    '签收时限（工作日）': { what: '工作日数，0 = 当日', more: '应满足 签收 ≤ 反馈 ≤ 办结', examples: ['0'] },
    '反馈时限（工作日）': { what: '工作日数', more: '应满足 签收 ≤ 反馈 ≤ 办结' },
    '办结时限（工作日）': { what: '工作日数', more: '应满足 签收 ≤ 反馈 ≤ 办结' },
  },
  member: {
    邮箱: { what: '成员的 Google 账号邮箱' },
  },
  calendar_override: {
    日期: { what: '在国家法定节假日安排之外调整的日期' },
    类型: { more: '工作日 = 调休上班' },
  },
};

/** Values a system column takes (declared in the table; the product writes them). */
function systemValues(kind: RowKind, header: string): readonly string[] | undefined {
  const decl: { readonly header: string; readonly values?: readonly string[] }[] = [...ROW_TABLE[kind].columns];
  return decl.find((c) => c.header === header)?.values;
}

/** The condition under which a column is required (ColumnRules.when), with the other column's header. */
function conditionOf(kind: RowKind, spec: ColumnSpec): Condition | undefined {
  if (!spec.when) return undefined;
  const c: Condition = { header: headerOf(kind, spec.when.field), values: spec.when.in };
  if (spec.when.isYes) c.isYes = true;
  return c;
}

// ---- facts --------------------------------------------------------------------------------------

const YES_NO_VALUES = ['是', '否'] as const;

/** The values a column accepts as it lists them: enum values, then the word for all (全部). */
function acceptedValues(spec: ColumnSpec): readonly string[] | undefined {
  if (spec.type === 'yesno') return YES_NO_VALUES;
  if ((spec.type === 'enum' || spec.type === 'enumList') && spec.values) return spec.all ? [...spec.values, spec.all] : spec.values;
  return undefined;
}

function numberRule(spec: ColumnSpec): NumberRule | undefined {
  if (spec.type !== 'number' && spec.type !== 'integer') return undefined;
  return {
    integer: spec.type === 'integer',
    min: spec.negative ? undefined : 0,
    minExclusive: spec.positive === true,
    max: spec.max?.value,
  };
}

/** The facts of one header; undefined for a header the kind does not have. */
export function noteFacts(kind: RowKind, header: string): NoteFacts | undefined {
  const def = KINDS[kind];
  if (!def.headers.includes(header)) return undefined;
  const about = ABOUT[kind]?.[header];
  if (def.system.includes(header)) {
    return { header, system: true, required: false, values: systemValues(kind, header), examples: [] };
  }
  const spec = columnOf(kind, header);
  if (!spec) return undefined;
  return {
    header,
    system: false,
    required: spec.required === true,
    condition: conditionOf(kind, spec),
    values: acceptedValues(spec),
    number: numberRule(spec),
    examples: [...(typeHint(spec).examples ?? []), ...(about?.examples ?? [])],
  };
}

/** `0 到 10,000,000` / `≥ 0` / `> 0`; empty when there is no bound. */
export function rangeText(rule: NumberRule): string {
  if (rule.min !== undefined && rule.max !== undefined) return `${group(rule.min)} 到 ${group(rule.max)}`;
  if (rule.max !== undefined) return `≤ ${group(rule.max)}`;
  if (rule.min !== undefined) return `${rule.minExclusive ? '>' : '≥'} ${group(rule.min)}`;
  return '';
}

function uniqueText(kind: RowKind, spec: ColumnSpec): string {
  const schema = SCHEMAS[kind];
  for (const keys of schema.unique) {
    if (keys[0] !== spec.key) continue;
    if (keys.length === 1) return '表内不可重复';
    const headers = keys.map((k) => schema.columns.find((c) => c.key === k)!.header);
    return `「${headers.join('」+「')}」的组合表内不可重复`;
  }
  return '';
}

function defaultText(spec: ColumnSpec): string {
  if (typeof spec.default === 'boolean') return `空 = ${spec.default ? '是' : '否'}`;
  if ((typeof spec.default === 'string' && spec.default !== '') || typeof spec.default === 'number') return `空 = ${spec.default}`;
  return '';
}

function sentences(parts: readonly (string | undefined)[]): string {
  return parts
    .filter((p): p is string => !!p)
    .map((p) => `${p.replace(/[。；，\s]+$/, '')}。`)
    .join('');
}

/**
 * The note on a header cell: the rule validation applies, in Chinese. Every header of every kind has
 * one; a header the kind does not have gets ''.
 */
export function headerNote(kind: RowKind, header: string, opts: NoteOptions = {}): string {
  const facts = noteFacts(kind, header);
  if (!facts) return '';
  const about = ABOUT[kind]?.[header] ?? {};
  if (facts.system) {
    return sentences([
      about.what ? `系统填写：${about.what}` : '系统填写',
      facts.values ? `可能的值：${facts.values.join('、')}` : undefined,
      about.more,
      '录入时忽略，请勿修改',
    ]);
  }
  const spec = columnOf(kind, header)!;
  const c = facts.condition;
  const need = facts.required ? '必填' : c ? `「${c.header}」为${c.values.join('或')}时${c.isYes ? '必填“是”' : '必填'}` : '选填';
  const unit = /（万元）$/.test(header) ? '单位：万元' : '';
  const values = facts.values;
  // Only a column marked ownSector is checked against the sheet's sector (`wrong_sector`).
  const ownSector = spec.ownSector ? opts.sector : undefined;
  let valueText: string | undefined;
  if (ownSector) valueText = `本表只能填：${ownSector}`;
  else if (spec.values === WORK_CLASS_IDS) {
    valueText = `可选：${WORK_CLASSES.map((w) => `${w.id}（${w.name}）`).join('、')}`;
  } else if (values) valueText = `可选：${values.join('、')}`;
  let rangeRule: string | undefined;
  const num = facts.number;
  if (num) {
    const r = rangeText(num);
    rangeRule = num.integer ? `整数${r ? `，${r}` : '，可为负数'}` : r;
    if (num.max !== undefined && about.ceiling) rangeRule += `；${about.ceiling}`;
  }
  const hint = spec.type === 'integer' ? '' : typeHint(spec).text;
  return sentences([
    about.what ? `${need}：${about.what}` : need,
    unit,
    hint,
    valueText,
    rangeRule,
    spec.maxLen !== undefined ? `不超过 ${spec.maxLen} 字` : undefined,
    uniqueText(kind, spec),
    defaultText(spec),
    spec.notBefore !== undefined ? `不得早于${headerOf(kind, spec.notBefore)}` : undefined,
    ownSector ? undefined : about.more,
  ]);
}

// ---- dropdowns ----------------------------------------------------------------------------------

/**
 * The dropdown values of a header: an enum column's accepted values (a sector class's whitelist
 * offers only its own sector), 是/否, or a list column's values plus 全部. Undefined for columns
 * without a dropdown (free input and system columns).
 */
export function enumValues(kind: RowKind, header: string, opts: NoteOptions = {}): readonly string[] | undefined {
  return dropdownOf(kind, header, opts)?.values;
}

/** The dropdown of one header, or undefined. */
export function dropdownOf(kind: RowKind, header: string, opts: NoteOptions = {}): Dropdown | undefined {
  if (KINDS[kind].system.includes(header)) return undefined;
  const spec = columnOf(kind, header);
  if (!spec) return undefined;
  let values = acceptedValues(spec);
  if (!values) return undefined;
  // Only a column marked ownSector is checked against the sheet's sector (`wrong_sector`).
  if (spec.ownSector && opts.sector) values = [opts.sector];
  return { header, values, strict: spec.type !== 'enumList' };
}

/** Every dropdown of a kind, in column order. */
export function dropdowns(kind: RowKind, opts: NoteOptions = {}): Dropdown[] {
  const out: Dropdown[] = [];
  for (const h of KINDS[kind].headers) {
    const d = dropdownOf(kind, h, opts);
    if (d) out.push(d);
  }
  return out;
}

/** The numeric bounds of a header, or undefined for a non-numeric column. */
export function numberRuleOf(kind: RowKind, header: string): NumberRule | undefined {
  return noteFacts(kind, header)?.number;
}
