// Template workbooks (`sibao template`): one tab per kind with the exact headers, a note on each
// header explaining its rule, dropdowns for every enumerated column over rows 2..1000, a frozen
// header row and grey system columns. The demo workbooks are built on the same templates.

import type ExcelJSNs from 'exceljs';
import {
  CALENDAR_DAY_TYPES,
  INSPECTION_CATEGORIES,
  ISSUE_CATEGORIES,
  KINDS,
  MEMBER_ROLES,
  POLICY_CATEGORIES,
  POLICY_LEVELS,
  REMOVAL_REASONS,
  SECTORS,
  SUPPORT_TARGET_TYPES,
  UNIT_TYPES,
  URGENCIES,
  WHITELIST_STATUSES,
  WORK_CLASS_IDS,
  YES_NO,
  type RowKind,
  type Sector,
} from '../domain/kinds.js';

/** Data rows covered by dropdowns and number checks. */
export const TEMPLATE_LAST_ROW = 1000;

interface ListRule {
  values: readonly string[];
  /** A free list (several values separated by `；`): the dropdown suggests but does not block. */
  open?: boolean;
}

const PHONE = '手机号 1[3-9] 开头 11 位，或座机 0AAA-NNNNNNN(N)';
const DATE = '日期：2022-06-10、2022/6/10 或 2022年6月10日';

/** A note per header: the rule the product checks, in Chinese. */
const NOTES: Partial<Record<RowKind, Record<string, string>>> = {
  whitelist: {
    统一社会信用代码: '必填。企业：18 位统一社会信用代码（GB 32100-2015，末位为校验码，小写自动转大写）；重点项目：项目代码 YYMM-AAAAAA-NN-NN-NNNNNN。全县唯一。',
    名称: '必填，不超过 100 字。',
    所属领域: '必填：工业生产、商贸流通、交通运输、文化旅游、重点项目之一，且须为本表所属领域。',
    所在乡镇: '必填：责任单位中类型为乡镇、街道或园区的单位名称。',
    '产值或投资额（万元）': '必填，单位万元，≥ 0；超过 10,000,000 视为误填为“元”。',
    员工人数: '整数，≥ 0。',
    状态: '必填：申报中、已纳入、已移出。',
    纳入日期: `状态为已纳入或已移出时必填。${DATE}`,
    移出日期: `状态为已移出时必填。${DATE}`,
    移出原因: '状态为已移出时必填：熔断（防控不力致疫情输入扩散）、企业申请退出、不再符合条件、其他。',
    联系人: '企业联系人（职务或姓名）。',
    联系电话: PHONE,
    联系邮箱: '选填，电子邮箱。',
    关联企业: '选填：上下游企业的代码，用“；”或“、”分隔。',
    备注: '自由填写。',
  },
  sector_total: {
    所属领域: '必填：五个领域之一。',
    统计期: '必填：YYYY-MM，例如 2022-05。覆盖率取不晚于统计日的最新统计期。',
    '总量（万元）': '必填，单位万元，> 0：本领域总产值（投资额），覆盖率的分母。',
    数据来源: '例如 统计局月报。',
    备注: '自由填写。',
  },
  issue: {
    编号: '系统填写（WT-YYYYMMDD-NNN），请勿修改。',
    反映企业代码: '反映问题的企业统一社会信用代码或项目代码；不在白名单中时提示（不报错）。',
    企业名称: '企业（项目）名称。',
    所属领域: '五个领域之一。',
    所在乡镇: '乡镇、街道或园区名称。',
    问题类别: '必填：原料采购、用工需求、物流运输、市场拓展、政策兑现、资金融资、水电气保障、防疫保障、检查执法、其他。',
    问题描述: '必填，不超过 2000 字。',
    紧急程度: '一般（默认）或 紧急。',
    超出协调范围: '是/否（默认否）：是 则同时报县指挥部。',
    重大问题: '是/否（默认否）：是 则同时报县委县政府，30 日内办结。',
    反映日期: `必填。${DATE}`,
    联系人: '企业联系人，用于回访。',
    联系电话: PHONE,
    联系邮箱: '选填，电子邮箱。',
    指定责任单位: '选填：单位编码或单位名称，填写后不再按规则分派。',
    责任单位: '系统填写：分派的责任单位。',
    状态: '系统填写：待分派、已交办、已签收、办理中、已办结、已回访、已销号。',
    签收时限: '系统填写：签收截止日期。',
    办结时限: '系统填写：办结截止日期。',
    办理结果: '系统填写：责任单位反馈的办理结果。',
    回访结果: '系统填写：满意、基本满意、不满意。',
    升级情况: '系统填写：逾期与升级记录。',
  },
  policy: {
    编号: '政策编号（本单位自编）。',
    政策名称: '必填。',
    发文单位: '例如 河南省人民政府办公厅。',
    层级: '国家、省、市、县。',
    政策类别: '留抵退税、税费减免、财政奖补、金融信贷、保供稳价、社会保险、援企稳岗、就业创业、用工保障、水电气。',
    适用领域: '“全部”或领域名称，多个用“；”分隔。',
    最低员工人数: '整数，选填：享受政策的最低员工人数。',
    有效期至: DATE,
    链接: '政策原文网址。',
    责任单位: '落实政策的单位编码或名称。',
  },
  consultant: {
    单位: '必填：所在单位。',
    姓名: '必填：咨询员姓名（或岗位）。',
    联系电话: PHONE,
    联系邮箱: '选填，电子邮箱。',
    负责政策类别: '政策类别，多个用“；”分隔。',
  },
  epidemic_support: {
    对象类型: '必填：工作专班 或 白名单企业。',
    对象: '必填：工作专班名称，或白名单企业代码。',
    防疫人员: '必填：防疫专家或专业防疫人员（岗位）。',
    联系电话: PHONE,
    结对医疗机构: '对象为白名单企业时必填：结对帮扶医疗卫生机构。',
  },
  inspection: {
    编号: '系统填写，请勿修改。',
    发起单位: '必填：发起检查的单位。',
    被检查企业代码: '必填：白名单企业代码。',
    检查事项: '必填：检查内容。',
    检查类别: '必填：疫情防控、安全生产、出入境检验检疫（免审批）或 其他（须指挥部审批）。',
    计划日期: `必填。${DATE}`,
    状态: '系统填写：免审批、待审批、已批准、已驳回。',
    审批意见: '指挥部办公室填写。',
  },
  work_class: {
    专班编码: `必填：${WORK_CLASS_IDS.join('、')}。`,
    名称: '必填：专班名称，例如 工业生产。',
    牵头单位: '必填：牵头单位的单位编码（见 责任单位）。',
    办公地点: '例如 县科工局。',
    联系邮箱: '专班邮箱。',
  },
  unit: {
    单位编码: '必填，唯一：字母、数字、下划线，例如 fgw。',
    单位名称: '必填，例如 县发展改革委。',
    类型: '必填：县直部门、乡镇、街道、园区、指挥部、县领导。',
    联系人: '岗位即可，例如 办公室值班员。',
    联系邮箱: '必填：一个或多个邮箱，用“；”分隔。',
    上级单位: '升级对象的单位编码（逾期两个工作日后抄送）。',
  },
  routing_rule: {
    优先级: '必填整数：数字小的先匹配。',
    问题类别: '空 = 任意类别。',
    所属领域: '空 = 任意领域。',
    所在乡镇: '空 = 任意乡镇。',
    关键词: '空 = 不限；多个用“；”分隔，问题描述包含任一即匹配。',
    责任单位: '必填：单位编码。',
  },
  sector_target: {
    所属领域: '必填：五个领域之一。',
    目标覆盖率: '必填：例如 70% 或 0.7。',
    截止日期: `必填。${DATE}`,
  },
  sla_rule: {
    紧急程度: '必填：一般 或 紧急。',
    '签收时限（工作日）': '必填整数：工作日数（0 = 当日）。',
    '反馈时限（工作日）': '必填整数：工作日数。',
    '办结时限（工作日）': '必填整数：工作日数。',
  },
  member: {
    邮箱: '必填：成员邮箱（Google 账号）。',
    专班编码: `必填：${WORK_CLASS_IDS.join('、')}。`,
    角色: '必填：编辑、审批、只读。',
  },
  calendar_override: {
    日期: `必填。${DATE}`,
    类型: '必填：休息日 或 工作日（调休上班）。',
  },
};

const SECTOR_LIST: ListRule = { values: SECTORS };

/** Dropdown lists per kind and header. */
const LISTS: Partial<Record<RowKind, Record<string, ListRule>>> = {
  whitelist: { 所属领域: SECTOR_LIST, 状态: { values: WHITELIST_STATUSES }, 移出原因: { values: REMOVAL_REASONS } },
  sector_total: { 所属领域: SECTOR_LIST },
  issue: {
    所属领域: SECTOR_LIST,
    问题类别: { values: ISSUE_CATEGORIES },
    紧急程度: { values: URGENCIES },
    超出协调范围: { values: YES_NO },
    重大问题: { values: YES_NO },
  },
  policy: {
    层级: { values: POLICY_LEVELS },
    政策类别: { values: POLICY_CATEGORIES },
    适用领域: { values: ['全部', ...SECTORS], open: true },
  },
  consultant: { 负责政策类别: { values: POLICY_CATEGORIES, open: true } },
  epidemic_support: { 对象类型: { values: SUPPORT_TARGET_TYPES } },
  inspection: { 检查类别: { values: INSPECTION_CATEGORIES } },
  work_class: { 专班编码: { values: WORK_CLASS_IDS } },
  unit: { 类型: { values: UNIT_TYPES } },
  routing_rule: { 问题类别: { values: ISSUE_CATEGORIES }, 所属领域: SECTOR_LIST },
  sector_target: { 所属领域: SECTOR_LIST },
  sla_rule: { 紧急程度: { values: URGENCIES } },
  member: { 专班编码: { values: WORK_CLASS_IDS }, 角色: { values: MEMBER_ROLES } },
  calendar_override: { 类型: { values: CALENDAR_DAY_TYPES } },
};

interface NumberRule {
  type: 'whole' | 'decimal';
  min: number;
  max: number;
}
const NUMBERS: Record<string, NumberRule> = {
  '产值或投资额（万元）': { type: 'decimal', min: 0, max: 10_000_000 },
  员工人数: { type: 'whole', min: 0, max: 10_000_000 },
  '总量（万元）': { type: 'decimal', min: 0, max: 1_000_000_000 },
  最低员工人数: { type: 'whole', min: 0, max: 10_000_000 },
  优先级: { type: 'whole', min: -1_000_000, max: 1_000_000 },
  '签收时限（工作日）': { type: 'whole', min: 0, max: 365 },
  '反馈时限（工作日）': { type: 'whole', min: 0, max: 365 },
  '办结时限（工作日）': { type: 'whole', min: 0, max: 365 },
};
const DATE_HEADERS = new Set(['纳入日期', '移出日期', '反映日期', '有效期至', '计划日期', '截止日期', '日期', '签收时限', '办结时限']);
/** Code columns are text, so Excel keeps leading zeros and long digit strings. */
const TEXT_HEADERS = new Set(['统一社会信用代码', '反映企业代码', '被检查企业代码', '关联企业', '联系电话', '统计期', '编号', '单位编码', '专班编码']);

/** The enumerated values a header offers (for other surfaces: the add-on, docs). */
export function headerList(kind: RowKind, header: string): readonly string[] | undefined {
  return LISTS[kind]?.[header]?.values;
}

/** The note on a header. */
export function headerNote(kind: RowKind, header: string): string {
  return NOTES[kind]?.[header] ?? '';
}

const GREY = 'FFD9D9D9';
const HEADER_FILL = 'FFDDEBF7';

function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

export interface TemplateOptions {
  /** A sector class's own sector: 所属领域 dropdowns offer only it. */
  sector?: Sector;
}

/** Add one kind's template tab to a workbook; returns the worksheet. */
export function addTemplateSheet(wb: ExcelJSNs.Workbook, kind: RowKind, opts: TemplateOptions = {}): ExcelJSNs.Worksheet {
  const def = KINDS[kind];
  const ws = wb.addWorksheet(def.tab, { views: [{ state: 'frozen', ySplit: 1 }] });
  const system = new Set(def.system);
  ws.columns = def.headers.map((h) => ({
    header: h,
    key: h,
    width: Math.min(40, Math.max(12, [...h].length * 2 + 4)),
  }));
  const headerRow = ws.getRow(1);
  headerRow.font = { bold: true };
  def.headers.forEach((h, i) => {
    const col = i + 1;
    const letter = columnLetter(col);
    const cell = headerRow.getCell(col);
    const note = headerNote(kind, h);
    if (note) cell.note = note;
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: system.has(h) ? GREY : HEADER_FILL } };
    const column = ws.getColumn(col);
    if (system.has(h)) {
      column.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: GREY } };
      column.font = { color: { argb: 'FF595959' } };
      return; // system columns are written by the product: no dropdowns
    }
    if (TEXT_HEADERS.has(h)) column.numFmt = '@';
    if (DATE_HEADERS.has(h)) column.numFmt = 'yyyy-mm-dd';
    const range = `${letter}2:${letter}${TEMPLATE_LAST_ROW}`;
    const list = LISTS[kind]?.[h];
    const dvs = (ws as unknown as { dataValidations: { add(address: string, v: ExcelJSNs.DataValidation): void } }).dataValidations;
    if (list) {
      const values = h === '所属领域' && opts.sector ? [opts.sector] : list.values;
      dvs.add(range, {
        type: 'list',
        allowBlank: true,
        formulae: [`"${values.join(',')}"`],
        showErrorMessage: true,
        errorStyle: list.open ? 'information' : 'stop',
        errorTitle: h,
        error: list.open ? `建议从列表中选择；多个值用“；”分隔。` : `请从列表中选择：${values.join('、')}`,
        showInputMessage: false,
      });
      return;
    }
    const num = NUMBERS[h];
    if (num) {
      dvs.add(range, {
        type: num.type,
        operator: 'between',
        allowBlank: true,
        formulae: [num.min, num.max],
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: h,
        error: note || `请输入 ${num.min} 到 ${num.max} 之间的${num.type === 'whole' ? '整数' : '数字'}`,
      });
    }
  });
  return ws;
}

/** A template workbook with one tab per kind. */
export async function buildTemplateWorkbook(kinds: readonly RowKind[], opts: TemplateOptions = {}): Promise<ExcelJSNs.Workbook> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'sibao';
  const fixed = new Date(Date.UTC(2022, 4, 20));
  wb.created = fixed;
  wb.modified = fixed;
  for (const kind of kinds) addTemplateSheet(wb, kind, opts);
  return wb;
}

/** Write a template workbook to a file. */
export async function writeTemplate(kinds: readonly RowKind[], out: string, opts: TemplateOptions = {}): Promise<void> {
  const wb = await buildTemplateWorkbook(kinds, opts);
  await wb.xlsx.writeFile(out);
}
