// The enumerations of the sheet contract (SPEC §3, §4): work classes, sectors, and the value lists
// enum columns draw from. Plain data with no imports: the row table (table.ts) and everything else
// read them from here (kinds.ts re-exports them).

export const WORK_CLASSES = [
  { id: 'coordination', name: '综合协调' },
  { id: 'industry', name: '工业生产' },
  { id: 'commerce', name: '商贸流通' },
  { id: 'transport', name: '交通运输' },
  { id: 'culture_tourism', name: '文化旅游' },
  { id: 'key_projects', name: '重点项目' },
  { id: 'epidemic_support', name: '防疫保障' },
  { id: 'supervision', name: '督办督查' },
] as const;
export type WorkClassId = (typeof WORK_CLASSES)[number]['id'];
export const WORK_CLASS_IDS = WORK_CLASSES.map((c) => c.id) as WorkClassId[];

/** The five sectors that own a whitelist, with the work class that leads each. */
export const SECTORS = ['工业生产', '商贸流通', '交通运输', '文化旅游', '重点项目'] as const;
export type Sector = (typeof SECTORS)[number];
export const SECTOR_CLASS: Record<Sector, WorkClassId> = {
  工业生产: 'industry',
  商贸流通: 'commerce',
  交通运输: 'transport',
  文化旅游: 'culture_tourism',
  重点项目: 'key_projects',
};
export const CLASS_SECTOR: Partial<Record<WorkClassId, Sector>> = Object.fromEntries(
  Object.entries(SECTOR_CLASS).map(([s, c]) => [c, s]),
) as Partial<Record<WorkClassId, Sector>>;

export const WHITELIST_STATUSES = ['申报中', '已纳入', '已移出'] as const;
export const REMOVAL_REASONS = ['熔断（防控不力致疫情输入扩散）', '企业申请退出', '不再符合条件', '其他'] as const;
/** The circuit-breaker removal (熔断): listed first in the digest. */
export const REMOVAL_REASON_FUSE = REMOVAL_REASONS[0];
export const ISSUE_CATEGORIES = [
  '原料采购',
  '用工需求',
  '物流运输',
  '市场拓展',
  '政策兑现',
  '资金融资',
  '水电气保障',
  '防疫保障',
  '检查执法',
  '其他',
] as const;
export type IssueCategory = (typeof ISSUE_CATEGORIES)[number];
export const URGENCIES = ['一般', '紧急'] as const;
export type Urgency = (typeof URGENCIES)[number];
/**
 * An enterprise's own 紧急 (来源 企业自报) is confirmed at triage (SPEC §7.8): 紧急待核实 while it waits
 * there, then what the command office's 分派 found. The words are shown as they are.
 */
export const URGENCY_CHECKS = ['紧急待核实', '已核实为紧急', '已核实为一般'] as const;
export type UrgencyCheck = (typeof URGENCY_CHECKS)[number];
export const YES_NO = ['是', '否'] as const;
export const POLICY_LEVELS = ['国家', '省', '市', '县'] as const;
export const POLICY_CATEGORIES = [
  '留抵退税',
  '税费减免',
  '财政奖补',
  '金融信贷',
  '保供稳价',
  '社会保险',
  '援企稳岗',
  '就业创业',
  '用工保障',
  '水电气',
] as const;
export const SUPPORT_TARGET_TYPES = ['工作专班', '白名单企业'] as const;
export const INSPECTION_CATEGORIES = ['疫情防控', '安全生产', '出入境检验检疫', '其他'] as const;
export const INSPECTION_STATUSES = ['免审批', '待审批', '已批准', '已驳回'] as const;
/** The command office's answers to a decision (domain/issues/catalog.ts DECISION_OPTIONS uses these labels). */
export const DECISION_ANSWERS = ['批准', '驳回', '同意', '不同意', '答复', '核实销号', '分派'] as const;
export type DecisionAnswer = (typeof DECISION_ANSWERS)[number];
export const UNIT_TYPES = ['县直部门', '乡镇', '街道', '园区', '指挥部', '县领导'] as const;
export type UnitType = (typeof UNIT_TYPES)[number];
/** Unit types a whitelist row's 所在乡镇 may name. */
export const LOCALITY_UNIT_TYPES: readonly UnitType[] = ['乡镇', '街道', '园区'];
export const MEMBER_ROLES = ['编辑', '审批', '只读'] as const;
export const CALENDAR_DAY_TYPES = ['休息日', '工作日'] as const;

/** Issue lifecycle (SPEC §4). */
export const ISSUE_STATUSES = ['待分派', '已交办', '已签收', '办理中', '已办结', '已回访', '已销号'] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];
export const FOLLOW_UP_RESULTS = ['满意', '基本满意', '不满意'] as const;

// ---- the seed's registers (SPEC §7.3) ----------------------------------------------------------------

/** 停产停工: 停产范围; a whole-enterprise shutdown (全部) must go to the province (报省会商). */
export const SHUTDOWN_SCOPES = ['全部', '部分'] as const;
export const SHUTDOWN_SCOPE_WHOLE = SHUTDOWN_SCOPES[0];
export const SHUTDOWN_REASONS = ['疫情', '安全', '环保', '其他'] as const;
/** 停产停工 状态 (system): the command office's approval, then 已恢复 once 实际恢复日期 is filled. */
export const SHUTDOWN_STATUSES = ['待审批', '已同意', '已驳回', '已恢复'] as const;
/** 熔断抽查 结果: 熔断 removes the enterprise from the whitelist (附件1 四(三)). */
export const SPOT_CHECK_RESULTS = ['合格', '整改', '熔断'] as const;
export const SPOT_CHECK_FUSE = SPOT_CHECK_RESULTS[2];
/** 督查发现 状态 (system). */
export const FINDING_STATUSES = ['整改中', '已整改', '逾期'] as const;
/** 运行状态 状态 (平急转换, 附件1 一(三)). */
export const OPERATING_MODES = ['常态', '应急'] as const;
export const MODE_EMERGENCY = OPERATING_MODES[1];
/** 运行状态 范围: the whole county, else township names. */
export const WHOLE_COUNTY = '全县';
