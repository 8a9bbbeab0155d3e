// The row kinds of SPEC §3: ids, tab names, exact Chinese headers, system columns and the enums the
// columns draw from. This file is the single source of the sheet contract: validation, templates,
// the add-on and the API all read their column names from here.

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

export type RowKind =
  | 'whitelist'
  | 'sector_total'
  | 'issue'
  | 'policy'
  | 'consultant'
  | 'epidemic_support'
  | 'inspection'
  | 'work_class'
  | 'unit'
  | 'routing_rule'
  | 'sector_target'
  | 'sla_rule'
  | 'member'
  | 'calendar_override';

export interface KindDef {
  kind: RowKind;
  /** The tab name (and CSV file name) in Chinese. */
  tab: string;
  /** Every header of the kind, in template order. */
  headers: readonly string[];
  /** Headers written by the product, protected in Sheets and ignored on input. */
  system: readonly string[];
  /** Configuration tabs belong to a profile. */
  config: boolean;
}

const def = (
  kind: RowKind,
  tab: string,
  headers: readonly string[],
  system: readonly string[] = [],
  config = false,
): KindDef => ({ kind, tab, headers, system, config });

export const KINDS: Record<RowKind, KindDef> = {
  whitelist: def('whitelist', '白名单', [
    '统一社会信用代码',
    '名称',
    '所属领域',
    '所在乡镇',
    '产值或投资额（万元）',
    '员工人数',
    '状态',
    '纳入日期',
    '移出日期',
    '移出原因',
    '联系人',
    '联系电话',
    '联系邮箱',
    '关联企业',
    '备注',
  ]),
  sector_total: def('sector_total', '领域总量', ['所属领域', '统计期', '总量（万元）', '数据来源', '备注']),
  issue: def(
    'issue',
    '问题诉求',
    [
      '编号',
      '反映企业代码',
      '企业名称',
      '所属领域',
      '所在乡镇',
      '问题类别',
      '问题描述',
      '紧急程度',
      '超出协调范围',
      '重大问题',
      '反映日期',
      '联系人',
      '联系电话',
      '联系邮箱',
      '指定责任单位',
      '责任单位',
      '状态',
      '签收时限',
      '办结时限',
      '办理结果',
      '回访结果',
      '升级情况',
    ],
    ['编号', '责任单位', '状态', '签收时限', '办结时限', '办理结果', '回访结果', '升级情况'],
  ),
  policy: def('policy', '政策清单', [
    '编号',
    '政策名称',
    '发文单位',
    '层级',
    '政策类别',
    '适用领域',
    '最低员工人数',
    '有效期至',
    '链接',
    '责任单位',
  ]),
  consultant: def('consultant', '政策咨询员', ['单位', '姓名', '联系电话', '联系邮箱', '负责政策类别']),
  epidemic_support: def('epidemic_support', '防疫配备', ['对象类型', '对象', '防疫人员', '联系电话', '结对医疗机构']),
  inspection: def(
    'inspection',
    '检查报备',
    ['编号', '发起单位', '被检查企业代码', '检查事项', '检查类别', '计划日期', '状态', '审批意见'],
    ['编号', '状态'],
  ),
  work_class: def('work_class', '工作专班', ['专班编码', '名称', '牵头单位', '办公地点', '联系邮箱'], [], true),
  unit: def('unit', '责任单位', ['单位编码', '单位名称', '类型', '联系人', '联系邮箱', '上级单位'], [], true),
  routing_rule: def(
    'routing_rule',
    '路由规则',
    ['优先级', '问题类别', '所属领域', '所在乡镇', '关键词', '责任单位'],
    [],
    true,
  ),
  sector_target: def('sector_target', '领域目标', ['所属领域', '目标覆盖率', '截止日期'], [], true),
  sla_rule: def(
    'sla_rule',
    '办理时限',
    ['紧急程度', '签收时限（工作日）', '反馈时限（工作日）', '办结时限（工作日）'],
    [],
    true,
  ),
  member: def('member', '成员', ['邮箱', '专班编码', '角色'], [], true),
  calendar_override: def('calendar_override', '节假日调整', ['日期', '类型'], [], true),
};

export const ROW_KINDS = Object.keys(KINDS) as RowKind[];
export const CONFIG_KINDS = ROW_KINDS.filter((k) => KINDS[k].config);

/** Which kinds each work class may write (SPEC §3 成员). Supervision only reads. */
export const CLASS_KINDS: Record<WorkClassId, readonly RowKind[]> = {
  coordination: [...CONFIG_KINDS, 'inspection', 'issue', 'policy', 'consultant'],
  industry: ['whitelist', 'sector_total', 'issue', 'policy', 'consultant'],
  commerce: ['whitelist', 'sector_total', 'issue', 'policy', 'consultant'],
  transport: ['whitelist', 'sector_total', 'issue', 'policy', 'consultant'],
  culture_tourism: ['whitelist', 'sector_total', 'issue', 'policy', 'consultant'],
  key_projects: ['whitelist', 'sector_total', 'issue', 'policy', 'consultant'],
  epidemic_support: ['epidemic_support'],
  supervision: [],
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
