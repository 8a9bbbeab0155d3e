// Generates the demo county (通许县, from the seed notice's attachment 3) under examples/:
//   examples/profile/<tab>.csv          the configuration tabs (units, work classes, routing, …)
//   examples/workbooks/<class>.xlsx     one workbook per work class, built on the templates
//   examples/csv/<class>/<tab>.csv      the same tabs as CSV (for diffs and tests)
//   examples/invalid/*.csv              small files with typical mistakes
//   examples/valid/白名单.csv            a clean whitelist
//   examples/expected-invalid.json      the rows of the workbooks that are meant to be invalid
// Deterministic: a seeded PRNG, no clock (the workbooks' zip entries carry the data's day, 2022-06-01):
// every run writes the same bytes. All data is synthetic; people are roles, mail is *.example.
// Run: npx tsx scripts/make-examples.ts [OUT_DIR]

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLASS_KINDS, KINDS, SECTOR_CLASS, type RowKind, type Sector, type WorkClassId } from '../domain/rows/kinds.js';
import { toSheetText } from '../domain/rows/sheet-text.js';
import type { Cell } from '../domain/rows/types.js';
import { makeUscc, USCC_CHARSET } from '../domain/rows/uscc.js';
import { rewriteZip } from '../functions/adapters/workbook/zip.js';
import { toCsv } from '../local/files.js';
import { addTemplateSheet } from '../local/template.js';
import { seededRandom } from '../local/seeded-random.js';

type Row = Record<string, Cell>;

export interface ExpectedInvalid {
  /** Path relative to examples/. */
  file: string;
  sheet: string;
  row: number;
  column: string;
  code: string;
  why: string;
}

// ---- seeded PRNG ---------------------------------------------------------------------------------

let rand = seededRandom(20220602);
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const round2 = (n: number) => Math.round(n * 100) / 100;
const utcDate = (iso: string) => new Date(`${iso}T00:00:00Z`);
const day = (d: number) => `2022-${d <= 31 ? `05-${String(d).padStart(2, '0')}` : `06-${String(d - 31).padStart(2, '0')}`}`;

// ---- the profile -----------------------------------------------------------------------------------

const MAIL = 'tongxu.example';
const TOWNSHIPS: readonly (readonly [string, string, '乡镇' | '街道' | '园区'])[] = [
  ['xpjd', '咸平街道', '街道'],
  ['gxq', '高新区', '园区'],
  ['yhmz', '玉皇庙镇', '乡镇'],
  ['sslz', '四所楼镇', '乡镇'],
  ['zsz', '朱砂镇', '乡镇'],
  ['czz', '长智镇', '乡镇'],
  ['sgz', '竖岗镇', '乡镇'],
  ['fzx', '冯庄乡', '乡镇'],
  ['syx', '孙营乡', '乡镇'],
  ['dglx', '大岗李乡', '乡镇'],
  ['dgx', '邸阁乡', '乡镇'],
  ['lzx', '厉庄乡', '乡镇'],
  ['lcx', '练城乡', '乡镇'],
];
const TOWN_NAMES = TOWNSHIPS.map((t) => t[1]);

/** County departments named in attachment 3 (plus 人社局 and the power supplier for routing). */
const DEPARTMENTS: readonly (readonly [string, string])[] = [
  ['fgw', '县发展改革委'],
  ['kgj', '县科工局'],
  ['jtj', '县交通运输局'],
  ['swj', '县商务局'],
  ['zsfw', '县招商服务中心'],
  ['wglj', '县文化广电旅游局'],
  ['wjw', '县卫健委'],
  ['dcj', '县委深改办（督查局）'],
  ['sjj', '县政务服务大数据局'],
  ['sfj', '县司法局'],
  ['jrj', '县金融局'],
  ['zjj', '县住房城乡建设局'],
  ['scjgj', '县市场监管局'],
  ['sthjj', '县生态环境局'],
  ['cgj', '县城管局'],
  ['zdxm', '县重点项目建设服务中心'],
  ['yzj', '县邮政管理局'],
  ['swuj', '县税务局'],
  ['gaj', '县公安局'],
  ['czj', '县财政局'],
  ['nyncj', '县农业农村局'],
  ['rsj', '县人力资源社会保障局'],
  ['gdgs', '县供电公司'],
];

function unitRows(): Row[] {
  const rows: Row[] = [
    { 单位编码: 'county', 单位名称: '县委县政府', 类型: '县领导', 联系人: '县政府办公室值班员', 联系邮箱: `county@${MAIL}`, 上级单位: '' },
    { 单位编码: 'command', 单位名称: '指挥部办公室', 类型: '指挥部', 联系人: '指挥部办公室值班员', 联系邮箱: `command@${MAIL}；command-duty@${MAIL}`, 上级单位: 'county' },
  ];
  for (const [code, name] of DEPARTMENTS) {
    rows.push({ 单位编码: code, 单位名称: name, 类型: '县直部门', 联系人: '办公室值班员', 联系邮箱: `${code}@${MAIL}`, 上级单位: 'command' });
  }
  for (const [code, name, type] of TOWNSHIPS) {
    rows.push({ 单位编码: code, 单位名称: name, 类型: type, 联系人: type === '园区' ? '管委会办公室值班员' : '党政办值班员', 联系邮箱: `${code}@${MAIL}`, 上级单位: 'command' });
  }
  return rows;
}

const WORK_CLASS_ROWS: Row[] = [
  { 专班编码: 'coordination', 名称: '综合协调', 牵头单位: 'command', 办公地点: '县政府一楼', 联系邮箱: `coordination@${MAIL}` },
  { 专班编码: 'industry', 名称: '工业生产', 牵头单位: 'kgj', 办公地点: '县科工局', 联系邮箱: `industry@${MAIL}` },
  { 专班编码: 'commerce', 名称: '商贸流通', 牵头单位: 'swj', 办公地点: '县商务局', 联系邮箱: `commerce@${MAIL}` },
  { 专班编码: 'transport', 名称: '交通运输', 牵头单位: 'jtj', 办公地点: '县交通运输局', 联系邮箱: `transport@${MAIL}` },
  { 专班编码: 'culture_tourism', 名称: '文化旅游', 牵头单位: 'wglj', 办公地点: '县文化广电和旅游局', 联系邮箱: `culture-tourism@${MAIL}` },
  { 专班编码: 'key_projects', 名称: '重点项目', 牵头单位: 'zdxm', 办公地点: '县重点办', 联系邮箱: `key-projects@${MAIL}` },
  { 专班编码: 'epidemic_support', 名称: '防疫保障', 牵头单位: 'wjw', 办公地点: '县卫健委', 联系邮箱: `epidemic@${MAIL}` },
  { 专班编码: 'supervision', 名称: '督办督查', 牵头单位: 'dcj', 办公地点: '县委、县政府督查局', 联系邮箱: `supervision@${MAIL}` },
];

const ROUTING_ROWS: Row[] = [
  { 优先级: 10, 问题类别: '', 所属领域: '', 所在乡镇: '', 关键词: '用电；停电；供电；电力', 责任单位: 'gdgs' },
  { 优先级: 20, 问题类别: '物流运输', 所属领域: '', 所在乡镇: '', 关键词: '快递；邮政；寄递', 责任单位: 'yzj' },
  { 优先级: 30, 问题类别: '物流运输', 所属领域: '', 所在乡镇: '', 关键词: '', 责任单位: 'jtj' },
  { 优先级: 40, 问题类别: '用工需求', 所属领域: '', 所在乡镇: '', 关键词: '', 责任单位: 'rsj' },
  { 优先级: 50, 问题类别: '资金融资', 所属领域: '', 所在乡镇: '', 关键词: '', 责任单位: 'jrj' },
  { 优先级: 60, 问题类别: '水电气保障', 所属领域: '', 所在乡镇: '', 关键词: '', 责任单位: 'fgw' },
  { 优先级: 70, 问题类别: '检查执法', 所属领域: '', 所在乡镇: '', 关键词: '', 责任单位: 'scjgj' },
  { 优先级: 80, 问题类别: '政策兑现', 所属领域: '', 所在乡镇: '', 关键词: '退税；留抵；减免', 责任单位: 'swuj' },
  { 优先级: 90, 问题类别: '政策兑现', 所属领域: '', 所在乡镇: '', 关键词: '', 责任单位: 'fgw' },
  { 优先级: 100, 问题类别: '防疫保障', 所属领域: '', 所在乡镇: '', 关键词: '', 责任单位: 'wjw' },
  { 优先级: 110, 问题类别: '其他', 所属领域: '', 所在乡镇: '高新区', 关键词: '', 责任单位: 'gxq' },
];

const SECTOR_TARGET_ROWS: Row[] = (['工业生产', '商贸流通', '交通运输', '文化旅游', '重点项目'] as const).map((s) => ({
  所属领域: s,
  目标覆盖率: '70%',
  截止日期: utcDate('2022-06-30'),
}));

const SLA_ROWS: Row[] = [
  { 紧急程度: '一般', '签收时限（工作日）': 1, '反馈时限（工作日）': 3, '办结时限（工作日）': 7 },
  { 紧急程度: '紧急', '签收时限（工作日）': 0, '反馈时限（工作日）': 1, '办结时限（工作日）': 1 },
];

const MEMBER_ROWS: Row[] = [
  { 邮箱: `coordination-editor@${MAIL}`, 专班编码: 'coordination', 角色: '编辑' },
  { 邮箱: `command-approver@${MAIL}`, 专班编码: 'coordination', 角色: '审批' },
  ...(['industry', 'commerce', 'transport', 'culture_tourism', 'key_projects'] as const).flatMap((c) => [
    { 邮箱: `${c.replace('_', '-')}-editor@${MAIL}`, 专班编码: c, 角色: '编辑' },
    { 邮箱: `${c.replace('_', '-')}-viewer@${MAIL}`, 专班编码: c, 角色: '只读' },
  ]),
  { 邮箱: `epidemic-editor@${MAIL}`, 专班编码: 'epidemic_support', 角色: '编辑' },
  { 邮箱: `supervision-viewer@${MAIL}`, 专班编码: 'supervision', 角色: '只读' },
  // The supervision class writes its own findings (督查发现, SPEC §7.3).
  { 邮箱: `supervision-editor@${MAIL}`, 专班编码: 'supervision', 角色: '编辑' },
];

/** 运行状态: one emergency day in the demo week (Wednesday), county-wide (附件1 一(三) 平急转换). */
const MODE_ROWS: Row[] = [
  { 状态: '应急', 开始时间: '2022-06-08 00:00', 结束时间: '2022-06-09 00:00', 范围: '全县', 说明: '本县发现输入性病例，启动应急状态（演示）' },
];

/** The county's own adjustments on top of the national calendar: none needed for 2022. */
const CALENDAR_ROWS: Row[] = [];

// ---- enterprises and projects ---------------------------------------------------------------------

const SYLLABLES = ['豫', '通', '兴', '华', '恒', '鑫', '丰', '瑞', '盛', '隆', '泰', '祥', '宏', '昌', '德', '康', '源', '达', '远', '欣', '润', '嘉', '宇', '诚', '信', '和', '禾'];
const TRADES: Record<Sector, readonly string[]> = {
  工业生产: ['食品', '纺织', '机械制造', '新材料', '包装制品', '农产品加工', '木业', '建材', '电子科技', '服装'],
  商贸流通: ['商贸', '超市', '农贸市场', '物资', '连锁', '农资', '医药连锁', '粮油'],
  交通运输: ['物流', '运输', '货运', '仓储', '冷链物流', '客运'],
  文化旅游: ['旅游开发', '文化传媒', '酒店管理', '景区管理', '餐饮管理', '民宿'],
  重点项目: [],
};
const PROJECTS = [
  '食品产业园标准化厂房建设项目',
  '污水处理厂提标改造项目',
  '冷链物流园建设项目',
  '新能源储能设备生产项目',
  '乡村振兴示范区道路提升项目',
  '县人民医院综合楼建设项目',
  '智能仓储中心建设项目',
  '生物降解材料生产线项目',
  '城区供热管网改造项目',
  '电子元器件产业园项目',
  '高标准农田建设项目',
  '文化旅游综合体建设项目',
  '农产品深加工产业园项目',
  '天然气储配站建设项目',
  '现代农业物流中心项目',
  '职业技术学校实训基地项目',
];
const CONTACT_ROLES = ['企业办公室', '行政主管', '安全生产负责人', '综合部', '项目部'];

const usedNames = new Set<string>();
const usedCodes = new Set<string>();
let phoneSeq = 0;
/** Synthetic mobile numbers in one visibly made-up block. */
const phone = () => `1380000${String(++phoneSeq).padStart(4, '0')}`;

function uscc(): string {
  for (;;) {
    let body = '91410222';
    for (let i = 0; i < 9; i++) body += USCC_CHARSET[int(0, USCC_CHARSET.length - 1)];
    const code = makeUscc(body);
    if (!usedCodes.has(code)) {
      usedCodes.add(code);
      return code;
    }
  }
}

function projectCode(seq: number): string {
  return `22${pick(['03', '04', '05'])}-410222-04-01-${String(100000 + seq * 37).padStart(6, '0')}`;
}

function companyName(sector: Sector): string {
  for (;;) {
    const name = `通许县${pick(SYLLABLES)}${pick(SYLLABLES)}${pick(TRADES[sector])}有限公司`;
    if (!usedNames.has(name)) {
      usedNames.add(name);
      return name;
    }
  }
}

interface SectorPlan {
  cls: WorkClassId;
  sector: Sector;
  count: number;
  /** 万元 range of one entry. */
  value: [number, number];
  employees: [number, number];
  /** Coverage the totals are set to on 2022-06-10. */
  coverage: number;
}

const PLANS: SectorPlan[] = [
  { cls: 'industry', sector: '工业生产', count: 36, value: [800, 42000], employees: [20, 900], coverage: 0.764 },
  { cls: 'commerce', sector: '商贸流通', count: 26, value: [300, 18000], employees: [8, 300], coverage: 0.683 },
  { cls: 'transport', sector: '交通运输', count: 16, value: [200, 9000], employees: [10, 260], coverage: 0.536 },
  { cls: 'culture_tourism', sector: '文化旅游', count: 12, value: [100, 5200], employees: [5, 150], coverage: 0.812 },
  { cls: 'key_projects', sector: '重点项目', count: 14, value: [3000, 120000], employees: [30, 600], coverage: 0.708 },
];

/** The day coverage is tuned for; every admission and removal of the demo is on or before it. */
export const DEMO_DAY = '2022-06-10';

function whitelistRows(plan: SectorPlan): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < plan.count; i++) {
    const isProject = plan.sector === '重点项目';
    const code = isProject ? projectCode(rows.length + 1 + PLANS.indexOf(plan) * 50) : uscc();
    const name = isProject ? `${pick(TOWN_NAMES)}${PROJECTS[i % PROJECTS.length]}` : companyName(plan.sector);
    const r = rand();
    const status = i === 0 ? '已纳入' : r < 0.08 ? '申报中' : r < 0.14 ? '已移出' : '已纳入';
    const admitted = status === '申报中' ? '' : day(int(16, 36)); // 2022-05-16 … 2022-06-05
    const removed = status === '已移出' ? day(int(38, 41)) : ''; // 2022-06-07 … 2022-06-10
    const reason = status === '已移出' ? (plan.cls === 'industry' && !rows.some((x) => x.状态 === '已移出') ? '熔断（防控不力致疫情输入扩散）' : pick(['企业申请退出', '不再符合条件'])) : '';
    const value = round2(int(plan.value[0] * 100, plan.value[1] * 100) / 100);
    const partners = rows.length > 3 && rand() < 0.15 ? String(pick(rows).统一社会信用代码) : '';
    rows.push({
      统一社会信用代码: code,
      名称: name,
      所属领域: plan.sector,
      所在乡镇: i % 4 === 0 ? '高新区' : pick(TOWN_NAMES),
      '产值或投资额（万元）': value,
      员工人数: int(plan.employees[0], plan.employees[1]),
      状态: status,
      纳入日期: admitted ? utcDate(admitted) : '',
      移出日期: removed ? utcDate(removed) : '',
      移出原因: reason,
      联系人: pick(CONTACT_ROLES),
      联系电话: rand() < 0.8 ? phone() : `0371-2690${String(int(1000, 9999))}`,
      联系邮箱: rand() < 0.5 ? `office${usedCodes.size}@enterprise.example` : '',
      关联企业: partners,
      备注: status === '申报中' ? '材料补充中' : '',
    });
  }
  return rows;
}

function coveredOn(rows: readonly Row[], at: string): number {
  let sum = 0;
  for (const r of rows) {
    const admitted = r.纳入日期 instanceof Date ? r.纳入日期.toISOString().slice(0, 10) : '';
    const removed = r.移出日期 instanceof Date ? r.移出日期.toISOString().slice(0, 10) : '';
    if (!admitted || admitted > at) continue;
    if (r.状态 === '已纳入' || (r.状态 === '已移出' && removed && at < removed)) sum += Number(r['产值或投资额（万元）']);
  }
  return sum;
}

/**
 * Rows with typical mistakes, appended to a sector's whitelist (all 申报中, so coverage is unchanged
 * whatever happens to them). Returns the rows and what each is expected to fail with.
 */
function invalidWhitelistRows(plan: SectorPlan, base: Row): { rows: Row[]; expect: { column: string; code: string; why: string }[] } {
  const mk = (over: Row): Row => ({ ...base, 状态: '申报中', 纳入日期: '', 移出日期: '', 移出原因: '', 关联企业: '', 备注: '演示：错误数据', ...over });
  const bad = (code: string) => {
    // Same first 17 characters, a wrong check character.
    const right = code[17];
    const wrong = USCC_CHARSET[(USCC_CHARSET.indexOf(right) + 7) % USCC_CHARSET.length];
    return code.slice(0, 17) + wrong;
  };
  switch (plan.cls) {
    case 'industry':
      return {
        rows: [
          mk({ 统一社会信用代码: bad(uscc()), 名称: companyName('工业生产') }),
          mk({ 统一社会信用代码: uscc(), 名称: companyName('工业生产'), '产值或投资额（万元）': 38_600_000 }),
        ],
        expect: [
          { column: '统一社会信用代码', code: 'uscc_checksum', why: '校验位错误' },
          { column: '产值或投资额（万元）', code: 'number_range', why: '产值按“元”填写' },
        ],
      };
    case 'commerce':
      return {
        rows: [mk({ 统一社会信用代码: uscc(), 名称: companyName('商贸流通'), 状态: '已移出', 纳入日期: utcDate('2022-05-20'), 移出日期: utcDate('2022-06-08') })],
        expect: [{ column: '移出原因', code: 'conditional_required', why: '已移出但缺少移出原因' }],
      };
    case 'transport':
      return {
        rows: [mk({ 统一社会信用代码: uscc(), 名称: companyName('交通运输'), 联系电话: '1380000123' })],
        expect: [{ column: '联系电话', code: 'phone', why: '手机号少一位' }],
      };
    case 'culture_tourism':
      return {
        rows: [mk({ 统一社会信用代码: uscc(), 名称: companyName('文化旅游'), 状态: '已纳入', 纳入日期: '2022/13/01' })],
        expect: [{ column: '纳入日期', code: 'date', why: '不存在的日期 2022/13/01' }],
      };
    case 'key_projects':
      return {
        rows: [mk({ 统一社会信用代码: '2205-41022-04-01-000123', 名称: '演示错误项目代码建设项目' })],
        expect: [{ column: '统一社会信用代码', code: 'project_code_format', why: '项目代码第二段只有 5 位' }],
      };
    default:
      return { rows: [], expect: [] };
  }
}

function sectorTotalRows(plan: SectorPlan, covered: number): Row[] {
  const may = Math.round(covered / plan.coverage);
  const april = Math.round(may * 0.94);
  return [
    { 所属领域: plan.sector, 统计期: '2022-04', '总量（万元）': april, 数据来源: '县统计局月报', 备注: '' },
    { 所属领域: plan.sector, 统计期: '2022-05', '总量（万元）': may, 数据来源: '县统计局月报', 备注: '6 月覆盖率以此为分母' },
  ];
}

// ---- issues ----------------------------------------------------------------------------------------

interface IssueTemplate {
  category: string;
  text: string;
  urgent?: boolean;
  beyond?: boolean;
  major?: boolean;
  assigned?: string;
}

const ISSUE_TEXT: Record<string, string[]> = {
  原料采购: ['主要原料供应商所在地实行封控，原料库存仅够维持 5 天生产，请求协调异地采购渠道。', '包装材料供应紧张、价格上涨约 20%，请求帮助对接本地供应企业。'],
  用工需求: ['订单增加，一线操作工缺口约 40 人，请求协助开展专场招聘。', '部分外地员工无法返岗，请求协调返岗人员核酸检测和接送。'],
  物流运输: ['运往郑州的成品约 60 吨积压，货车通行证办理慢，请求协调重点物资运输车辆通行证。', '冷链车辆进出高速需重复核酸检测，运输时间延长，请求协调。', '邮政快递网点暂停揽收，电商订单无法发出，请求协调寄递企业恢复揽收。'],
  市场拓展: ['外地展销会取消，请求帮助对接线上销售平台和本地商超。'],
  政策兑现: ['已申请增值税留抵退税，尚未到账，请求协调加快办理。', '去年技改奖补资金尚未兑现，请求协调财政拨付。'],
  资金融资: ['流动资金周转困难，请求协调银行续贷 500 万元。', '项目贷款审批进度慢，请求协调金融机构加快放款。'],
  水电气保障: ['厂区近一周多次停电，影响连续生产，请求协调供电部门检修线路。', '天然气供应压力不足，锅炉无法满负荷运行，请求协调。'],
  防疫保障: ['企业闭环生产需要核酸检测采样点，请求设置厂区采样点。'],
  检查执法: ['一周内接到三个部门的检查通知，请求统筹安排，减少对生产的影响。'],
  其他: ['厂区门前道路施工封闭，员工车辆无法通行，请求协调施工安排。'],
};

function issueRows(plan: SectorPlan | undefined, whitelist: readonly Row[], plansIndex: number): Row[] {
  const templates: IssueTemplate[] = [
    { category: '物流运输', text: '' },
    { category: '水电气保障', text: ISSUE_TEXT.水电气保障[0], urgent: true },
    { category: '用工需求', text: '' },
    { category: '资金融资', text: '', beyond: plansIndex % 2 === 0 },
    { category: '原料采购', text: '', major: plansIndex === 0 },
    { category: '政策兑现', text: ISSUE_TEXT.政策兑现[plansIndex % 2] },
    { category: pick(['检查执法', '防疫保障', '市场拓展', '其他']), text: '' },
  ];
  if (plansIndex === 1) templates.push({ category: '其他', text: '企业希望了解税收优惠申报流程。', assigned: '县税务局' });
  const admitted = whitelist.filter((r) => r.状态 === '已纳入');
  const rows: Row[] = templates.map((t, i) => {
    const ent = admitted[(i * 5 + plansIndex) % admitted.length];
    return {
      编号: '',
      反映企业代码: ent.统一社会信用代码,
      企业名称: ent.名称,
      所属领域: plan?.sector ?? ent.所属领域,
      所在乡镇: ent.所在乡镇,
      问题类别: t.category,
      问题描述: t.text || pick(ISSUE_TEXT[t.category]),
      紧急程度: t.urgent ? '紧急' : '一般',
      超出协调范围: t.beyond ? '是' : '否',
      重大问题: t.major ? '是' : '否',
      反映日期: utcDate(day(int(33, 37))), // 2022-06-02 … 2022-06-06: reported before the demo routes them (Mon 06-06)
      联系人: ent.联系人,
      联系电话: ent.联系电话,
      联系邮箱: ent.联系邮箱,
      指定责任单位: t.assigned ?? '',
    };
  });
  return rows;
}

// ---- policies, consultants, epidemic support, inspections --------------------------------------------

interface PolicyDef {
  name: string;
  issuer: string;
  level: '国家' | '省' | '市' | '县';
  /** '' where the document is not one of the benefit categories (still worth listing). */
  category: string;
  sectors: string;
  minEmployees?: number;
  /** 有效期至; '' for documents without an end date. */
  until: string;
}

/** The 2022 relief policies the county's units list (titles and issuers as the documents read). */
const POLICY_CATALOG = {
  // national
  liudi: { name: '关于进一步加大增值税期末留抵退税政策实施力度的公告', issuer: '财政部 税务总局', level: '国家', category: '留抵退税', sectors: '全部', until: '' },
  liushui: { name: '关于进一步实施小微企业“六税两费”减免政策的公告', issuer: '财政部 税务总局', level: '国家', category: '税费减免', sectors: '全部', until: '2024-12-31' },
  huanjiao: { name: '关于制造业中小微企业继续延缓缴纳部分税费有关事项的公告', issuer: '国家税务总局 财政部', level: '国家', category: '税费减免', sectors: '工业生产', until: '2022-12-31' },
  yitaozi: { name: '扎实稳住经济的一揽子政策措施', issuer: '国务院', level: '国家', category: '财政奖补', sectors: '全部', until: '2022-12-31' },
  fuwuye: { name: '关于促进服务业领域困难行业恢复发展的若干政策', issuer: '国家发展改革委 财政部 人力资源社会保障部 人民银行 税务总局', level: '国家', category: '税费减免', sectors: '商贸流通；交通运输；文化旅游', until: '2022-12-31' },
  wengang: { name: '关于做好失业保险稳岗位提技能防失业工作的通知', issuer: '人力资源社会保障部 财政部 国家税务总局', level: '国家', category: '援企稳岗', sectors: '全部', until: '2022-12-31' },
  huanjiaoShebao: { name: '关于扩大阶段性缓缴社会保险费政策实施范围等问题的通知', issuer: '人力资源社会保障部 国家发展改革委 财政部 税务总局', level: '国家', category: '社会保险', sectors: '工业生产；商贸流通；交通运输；文化旅游', until: '2022-12-31' },
  jinrong: { name: '关于做好疫情防控和经济社会发展金融服务的通知', issuer: '中国人民银行 国家外汇管理局', level: '国家', category: '金融信贷', sectors: '全部', until: '' },
  qianfei: { name: '关于对中小微企业和个体工商户实行用水用电用气“欠费不停供”的通知', issuer: '国家发展改革委', level: '国家', category: '水电气', sectors: '全部', until: '2022-12-31' },
  caigou: { name: '关于进一步加大政府采购支持中小企业力度的通知', issuer: '财政部', level: '国家', category: '财政奖补', sectors: '全部', until: '' },
  huoche: { name: '关于阶段性减免收费公路货车通行费有关事项的通知', issuer: '交通运输部 财政部', level: '国家', category: '税费减免', sectors: '交通运输', until: '2022-12-31' },
  baozhengjin: { name: '关于加大旅游服务质量保证金暂退工作力度的通知', issuer: '文化和旅游部办公厅', level: '国家', category: '财政奖补', sectors: '文化旅游', until: '2023-03-31' },
  // provincial
  henanWenzeng: { name: '河南省进一步稳定经济增长若干政策措施', issuer: '河南省人民政府', level: '省', category: '财政奖补', sectors: '全部', until: '2022-12-31' },
  henanYitaozi: { name: '河南省扎实稳住经济一揽子政策措施实施方案', issuer: '河南省人民政府', level: '省', category: '财政奖补', sectors: '全部', until: '2022-12-31' },
  henanGongye: { name: '关于支持工业企业稳产达产增产的若干措施', issuer: '河南省工业和信息化厅', level: '省', category: '财政奖补', sectors: '工业生产', minEmployees: 20, until: '2022-12-31' },
  henanXiaofei: { name: '河南省促进消费恢复提振若干措施', issuer: '河南省人民政府办公厅', level: '省', category: '保供稳价', sectors: '商贸流通；文化旅游', until: '2022-12-31' },
  henanWuliu: { name: '货车司机和物流企业纾困帮扶措施', issuer: '河南省交通运输厅', level: '省', category: '保供稳价', sectors: '交通运输', until: '2022-12-31' },
  henanWenlv: { name: '河南省文旅企业纾困帮扶十条措施', issuer: '河南省文化和旅游厅', level: '省', category: '税费减免', sectors: '文化旅游', until: '2022-12-31' },
  henanJianzhu: { name: '关于支持建筑业企业纾困发展的若干措施', issuer: '河南省住房和城乡建设厅', level: '省', category: '金融信贷', sectors: '重点项目', until: '2022-12-31' },
  henanShichang: { name: '支持市场主体纾困解难若干措施', issuer: '河南省市场监督管理局', level: '省', category: '税费减免', sectors: '全部', until: '2022-12-31' },
  henanMianshen: { name: '惠企政策“免申即享”工作方案', issuer: '河南省人民政府办公厅', level: '省', category: '财政奖补', sectors: '全部', until: '' },
  henanBuchufa: { name: '涉企轻微违法行为不予行政处罚清单', issuer: '河南省司法厅', level: '省', category: '', sectors: '全部', until: '' },
  henanTongxing: { name: '重点物资运输车辆通行证办理服务措施', issuer: '河南省公安厅 河南省交通运输厅', level: '省', category: '保供稳价', sectors: '交通运输；工业生产', until: '2022-12-31' },
  henanNongchanpin: { name: '支持农产品加工企业稳产保供若干措施', issuer: '河南省农业农村厅', level: '省', category: '保供稳价', sectors: '工业生产；商贸流通', until: '2022-12-31' },
  henanShebao: { name: '关于阶段性缓缴社会保险费的通知', issuer: '河南省人力资源和社会保障厅', level: '省', category: '社会保险', sectors: '工业生产；商贸流通；交通运输；文化旅游', until: '2022-12-31' },
  henanHuanping: { name: '关于做好环评审批服务保障企业复工复产的通知', issuer: '河南省生态环境厅', level: '省', category: '', sectors: '工业生产；重点项目', until: '2022-12-31' },
  henanDianli: { name: '小微企业用电报装“三零”服务措施', issuer: '国网河南省电力公司', level: '省', category: '水电气', sectors: '全部', until: '' },
  henanFangyi: { name: '企业闭环生产疫情防控工作指引', issuer: '河南省卫生健康委员会', level: '省', category: '', sectors: '全部', until: '2022-12-31' },
  // city
  kaifengTiexi: { name: '开封市小微企业普惠贷款贴息办法', issuer: '开封市人民政府办公室', level: '市', category: '金融信贷', sectors: '工业生产；商贸流通', until: '2022-12-31' },
  kaifengWenzeng: { name: '开封市稳定经济增长若干措施', issuer: '开封市人民政府', level: '市', category: '财政奖补', sectors: '全部', until: '2022-12-31' },
  kaifengLiugong: { name: '关于做好一次性留工培训补助发放工作的通知', issuer: '开封市人力资源和社会保障局', level: '市', category: '援企稳岗', sectors: '全部', until: '2022-12-31' },
  kaifengJigai: { name: '开封市工业企业技术改造奖补办法', issuer: '开封市人民政府', level: '市', category: '财政奖补', sectors: '工业生产', minEmployees: 50, until: '2023-12-31' },
  kaifengXiaofeiquan: { name: '开封市消费券发放实施方案', issuer: '开封市商务局', level: '市', category: '财政奖补', sectors: '商贸流通；文化旅游', until: '2022-09-30' },
  kaifengZhongdian: { name: '开封市重点项目要素保障若干措施', issuer: '开封市人民政府', level: '市', category: '财政奖补', sectors: '重点项目', until: '2022-12-31' },
  // county
  txShuidianqi: { name: '通许县重点项目用水用电用气保障办法', issuer: '通许县人民政府办公室', level: '县', category: '水电气', sectors: '重点项目；工业生产', until: '2022-12-31' },
  txJiuye: { name: '通许县支持企业吸纳就业补贴办法', issuer: '通许县人民政府', level: '县', category: '就业创业', sectors: '全部', minEmployees: 20, until: '2022-12-31' },
  txWenjingji: { name: '通许县稳经济保增长若干措施', issuer: '通许县人民政府', level: '县', category: '财政奖补', sectors: '全部', until: '2022-12-31' },
  txZhida: { name: '通许县惠企资金直达快享办法', issuer: '通许县人民政府', level: '县', category: '财政奖补', sectors: '全部', until: '' },
  txZhaoshang: { name: '通许县招商引资优惠政策（试行）', issuer: '通许县人民政府', level: '县', category: '财政奖补', sectors: '工业生产；重点项目', until: '2023-12-31' },
  txHesuan: { name: '通许县重点企业核酸检测费用补助办法', issuer: '通许县人民政府办公室', level: '县', category: '财政奖补', sectors: '全部', until: '2022-12-31' },
  txGetihu: { name: '通许县支持个体工商户纾困发展若干措施', issuer: '通许县人民政府', level: '县', category: '税费减免', sectors: '商贸流通；文化旅游', until: '2022-12-31' },
  txWaibai: { name: '通许县临时外摆经营管理措施', issuer: '通许县城市管理局', level: '县', category: '', sectors: '商贸流通', until: '2022-10-31' },
  txGaoxinqu: { name: '通许县高新区入驻企业扶持办法', issuer: '通许县人民政府', level: '县', category: '财政奖补', sectors: '工业生产', until: '2023-12-31' },
  txYonggong: { name: '通许县重点企业用工保障服务措施', issuer: '通许县人民政府办公室', level: '县', category: '用工保障', sectors: '工业生产；重点项目', until: '2022-12-31' },
  txDucha: { name: '通许县惠企政策落实督查办法', issuer: '中共通许县委办公室 通许县人民政府办公室', level: '县', category: '', sectors: '全部', until: '' },
  /** Expired before the demo week (2022-05-31): filed, but no longer counts. */
  txChunji: { name: '通许县春季稳就业专项行动方案', issuer: '通许县人民政府办公室', level: '县', category: '就业创业', sectors: '全部', until: '2022-05-31' },
} satisfies Record<string, PolicyDef>;
type PolicyKey = keyof typeof POLICY_CATALOG;

const POLICY_SITE: Record<PolicyDef['level'], string> = { 国家: 'www.gov.example', 省: 'www.henan.example', 市: 'www.kaifeng.example', 县: `www.${MAIL}` };

/** One unit's filing: the policies it is 责任单位 for and how many consultants it has named. */
interface Filing {
  unit: string;
  book: WorkClassId;
  policies: readonly PolicyKey[];
  consultants: 0 | 1 | 2;
}

/** Township policy lists: the county's measures plus one they push locally. */
const TOWN_EXTRA: readonly PolicyKey[] = ['txJiuye', 'kaifengTiexi', 'qianfei'];

/**
 * Who files what, and where (each unit's filing sits in one workbook). Every unit of 类型 县直部门,
 * 乡镇, 街道 or 园区 files a current policy and a consultant, except the deliberate gaps in POLICY_GAPS.
 */
const FILINGS: readonly Filing[] = [
  { unit: 'kgj', book: 'industry', policies: ['henanGongye', 'kaifengJigai', 'txYonggong'], consultants: 2 },
  { unit: 'sthjj', book: 'industry', policies: ['henanHuanping'], consultants: 1 },
  { unit: 'swj', book: 'commerce', policies: ['henanXiaofei', 'kaifengXiaofeiquan', 'txGetihu'], consultants: 2 },
  { unit: 'scjgj', book: 'commerce', policies: ['henanShichang'], consultants: 1 },
  { unit: 'cgj', book: 'commerce', policies: ['txWaibai'], consultants: 1 },
  { unit: 'jtj', book: 'transport', policies: ['henanWuliu', 'huoche'], consultants: 2 },
  { unit: 'gaj', book: 'transport', policies: ['henanTongxing'], consultants: 1 },
  { unit: 'yzj', book: 'transport', policies: [], consultants: 1 },
  { unit: 'wglj', book: 'culture_tourism', policies: ['henanWenlv', 'baozhengjin'], consultants: 2 },
  { unit: 'zdxm', book: 'key_projects', policies: ['kaifengZhongdian', 'txShuidianqi'], consultants: 2 },
  { unit: 'zjj', book: 'key_projects', policies: ['henanJianzhu'], consultants: 1 },
  { unit: 'fgw', book: 'coordination', policies: ['yitaozi', 'henanWenzeng', 'henanYitaozi', 'fuwuye'], consultants: 2 },
  { unit: 'zsfw', book: 'coordination', policies: ['txZhaoshang'], consultants: 0 },
  { unit: 'wjw', book: 'coordination', policies: ['henanFangyi', 'txHesuan'], consultants: 1 },
  { unit: 'dcj', book: 'coordination', policies: ['txDucha'], consultants: 1 },
  { unit: 'sjj', book: 'coordination', policies: ['henanMianshen'], consultants: 1 },
  { unit: 'sfj', book: 'coordination', policies: ['henanBuchufa'], consultants: 1 },
  { unit: 'jrj', book: 'coordination', policies: ['jinrong', 'kaifengTiexi'], consultants: 2 },
  { unit: 'swuj', book: 'coordination', policies: ['liudi', 'liushui', 'huanjiao'], consultants: 2 },
  { unit: 'czj', book: 'coordination', policies: ['txZhida', 'caigou', 'kaifengWenzeng'], consultants: 1 },
  { unit: 'nyncj', book: 'coordination', policies: ['henanNongchanpin'], consultants: 1 },
  { unit: 'rsj', book: 'coordination', policies: ['wengang', 'henanShebao', 'kaifengLiugong', 'txJiuye', 'txChunji'], consultants: 2 },
  { unit: 'gdgs', book: 'coordination', policies: ['qianfei', 'henanDianli'], consultants: 1 },
  { unit: 'command', book: 'coordination', policies: [], consultants: 1 },
  { unit: 'xpjd', book: 'coordination', policies: ['txWenjingji', 'txGetihu'], consultants: 1 },
  { unit: 'gxq', book: 'coordination', policies: ['txGaoxinqu', 'txZhaoshang'], consultants: 2 },
  ...(['yhmz', 'sslz', 'zsz', 'czz', 'sgz', 'fzx', 'syx', 'dglx'] as const).map(
    (unit, i): Filing => ({ unit, book: 'coordination', policies: ['txWenjingji', TOWN_EXTRA[i % TOWN_EXTRA.length]], consultants: 1 }),
  ),
  { unit: 'dgx', book: 'coordination', policies: [], consultants: 1 },
  { unit: 'lzx', book: 'coordination', policies: ['txWenjingji', 'txJiuye'], consultants: 0 },
  { unit: 'lcx', book: 'coordination', policies: ['txChunji'], consultants: 1 },
];

/** The gaps the digest's section 九 is meant to list (checked against FILINGS when building). */
const POLICY_GAPS: Record<string, string> = {
  zsfw: '未配备政策咨询员',
  yzj: '未报备政策清单',
  dgx: '未报备政策清单',
  lzx: '未配备政策咨询员',
  lcx: '政策清单均已过期',
};

/** Sector policies a sector class lists besides its units' own (责任单位 is a county department). */
const SECTOR_EXTRAS: Partial<Record<WorkClassId, readonly (readonly [PolicyKey, string])[]>> = {
  industry: [['liudi', 'swuj'], ['huanjiao', 'swuj'], ['wengang', 'rsj']],
  commerce: [['liushui', 'swuj'], ['kaifengTiexi', 'jrj']],
  transport: [['huanjiaoShebao', 'rsj'], ['qianfei', 'gdgs']],
  culture_tourism: [['fuwuye', 'fgw'], ['wengang', 'rsj']],
  key_projects: [['yitaozi', 'fgw'], ['jinrong', 'jrj']],
};

let consultantSeq = 0;
/** Consultant phones: the same made-up block as the enterprises, numbered from 9001. */
const consultantPhone = () => `1380000${String(9000 + ++consultantSeq)}`;

function unitName(code: string): string {
  const u = unitRows().find((r) => r.单位编码 === code);
  if (!u) throw new Error(`make-examples: unknown unit ${code}`);
  return String(u.单位名称);
}

/** The post a consultant is named by: 县财政局 -> 财政局, 县委深改办（督查局） -> 督查局. */
function shortName(code: string): string {
  const name = unitName(code);
  const inner = /（(.+)）$/.exec(name);
  return inner ? inner[1] : name.replace(/^县(?!委)/, '');
}

function policyRow(id: string, key: PolicyKey, unit: string): Row {
  const p: PolicyDef = POLICY_CATALOG[key];
  return {
    编号: id,
    政策名称: p.name,
    发文单位: p.issuer,
    层级: p.level,
    政策类别: p.category,
    适用领域: p.sectors,
    最低员工人数: p.minEmployees ?? '',
    有效期至: p.until ? utcDate(p.until) : '',
    链接: `https://${POLICY_SITE[p.level]}/zhengce/2022/${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
    责任单位: unitName(unit),
  };
}

/** The policy and consultant rows of one work class's workbook. */
function filingRows(cls: WorkClassId, sector: Sector | undefined): { policy: Row[]; consultant: Row[] } {
  const policy: Row[] = [];
  const consultant: Row[] = [];
  for (const f of FILINGS.filter((x) => x.book === cls)) {
    const prefix = f.unit.toUpperCase();
    f.policies.forEach((key, i) => policy.push(policyRow(`${prefix}-ZC-${String(i + 1).padStart(3, '0')}`, key, f.unit)));
    const cats = [...new Set(f.policies.filter((k) => POLICY_CATALOG[k].until !== '2022-05-31').map((k) => POLICY_CATALOG[k].category).filter(Boolean))];
    const share = (n: number) => (cats.length > 1 && f.consultants > 1 ? cats.filter((_, j) => j % f.consultants === n) : cats);
    for (let n = 0; n < f.consultants; n++) {
      const mine = share(n);
      consultant.push({
        单位: unitName(f.unit),
        姓名: `政策咨询员（${shortName(f.unit)}${n ? '·B 岗' : ''}）`,
        联系电话: consultantPhone(),
        联系邮箱: `${f.unit}-zc${n ? n + 1 : ''}@${MAIL}`,
        负责政策类别: (mine.length ? mine : ['财政奖补', '税费减免']).join('；'),
        // The first consultant of a unit agrees to a public phone (SPEC §7.8 公开联系方式).
        公开联系方式: n === 0 ? '是' : '否',
      });
    }
  }
  const prefix = cls.toUpperCase().replace('_', '');
  (SECTOR_EXTRAS[cls] ?? []).forEach(([key, unit], i) => {
    const p: PolicyDef = POLICY_CATALOG[key];
    if (sector && p.sectors !== '全部' && !p.sectors.includes(sector)) throw new Error(`make-examples: ${key} does not apply to ${sector}`);
    policy.push(policyRow(`${prefix}-ZC-${String(i + 1).padStart(3, '0')}`, key, unit));
  });
  return { policy, consultant };
}

/** Check FILINGS against the digest's rule and return the units it leaves incomplete, as text. */
function policyGaps(asOf: string): string[] {
  const required = unitRows().filter((u) => ['县直部门', '乡镇', '街道', '园区'].includes(String(u.类型)));
  const gaps: string[] = [];
  for (const u of required) {
    const code = String(u.单位编码);
    const f = FILINGS.find((x) => x.unit === code);
    const current = (f?.policies ?? []).filter((k) => !POLICY_CATALOG[k].until || POLICY_CATALOG[k].until >= asOf).length;
    const complete = current > 0 && (f?.consultants ?? 0) > 0;
    if (complete === code in POLICY_GAPS) throw new Error(`make-examples: ${code} ${complete ? 'is complete but listed as a gap' : 'is an unplanned gap'}`);
    if (!complete) gaps.push(`${u.单位名称}：${POLICY_GAPS[code]}`);
  }
  return gaps;
}

const HOSPITALS = ['通许县人民医院', '通许县中医院', '通许县妇幼保健院', '玉皇庙镇卫生院', '竖岗镇卫生院', '咸平街道社区卫生服务中心'];

function epidemicRows(allWhitelist: readonly Row[]): { rows: Row[]; gaps: string[] } {
  const rows: Row[] = [];
  const gaps: string[] = [];
  for (const wc of WORK_CLASS_ROWS) {
    if (wc.专班编码 === 'culture_tourism') {
      gaps.push(`工作专班 ${wc.名称}`);
      continue;
    }
    rows.push({ 对象类型: '工作专班', 对象: wc.名称, 防疫人员: '县疾控中心防疫专家', 联系电话: phone(), 结对医疗机构: '' });
  }
  const admitted = allWhitelist.filter((r) => r.状态 === '已纳入');
  admitted.forEach((r, i) => {
    if (i === 3 || i === admitted.length - 2) {
      gaps.push(`白名单企业 ${r.统一社会信用代码}`);
      return;
    }
    rows.push({ 对象类型: '白名单企业', 对象: r.统一社会信用代码, 防疫人员: '企业专职防疫员', 联系电话: phone(), 结对医疗机构: pick(HOSPITALS) });
  });
  return { rows, gaps };
}

// ---- the seed's registers (SPEC §7.3): fixed rows, no PRNG (the rest of the demo stays as it was) ----

const admittedOf = (rows: readonly Row[], sector: Sector) => rows.filter((r) => r.状态 === '已纳入' && r.所属领域 === sector);

/**
 * 停产停工 of the industry class: one shutdown from Monday that is still not resumed on Friday (more
 * than 3 days: overrun), one whole-enterprise shutdown reported to the province and resumed on
 * Thursday. 状态 as recorded before the system (the command office's decision queue takes over).
 */
function shutdownRows(allWhitelist: readonly Row[]): Row[] {
  const [, , a, , , b] = admittedOf(allWhitelist, '工业生产');
  const row = (w: Row, over: Row): Row => ({ 编号: '', 企业代码: w.统一社会信用代码, 企业名称: w.名称, 所属领域: '工业生产', 实际恢复日期: '', 状态: '', 审批意见: '', 审批时间: '', ...over });
  return [
    row(a, { 停产范围: '部分', 原因: '疫情', 开始日期: utcDate('2022-06-06'), 预计恢复日期: utcDate('2022-06-08'), 报省会商: '否', 状态: '已同意' }),
    row(b, { 停产范围: '全部', 原因: '安全', 开始日期: utcDate('2022-06-07'), 预计恢复日期: utcDate('2022-06-09'), 实际恢复日期: utcDate('2022-06-09'), 报省会商: '是', 状态: '已同意' }),
  ];
}

/** 熔断抽查 of the epidemic-support class: 合格, 整改, and one 熔断 of a commerce enterprise (still on its whitelist). */
function spotCheckRows(allWhitelist: readonly Row[]): Row[] {
  const industry = admittedOf(allWhitelist, '工业生产');
  const commerce = admittedOf(allWhitelist, '商贸流通');
  return [
    { 企业代码: industry[0].统一社会信用代码, 抽查日期: utcDate('2022-06-02'), 抽查单位: '县卫健委', 结果: '合格', 说明: '' },
    { 企业代码: industry[1].统一社会信用代码, 抽查日期: utcDate('2022-06-02'), 抽查单位: '县疾控中心', 结果: '整改', 说明: '员工进出登记不全，限期整改' },
    { 企业代码: commerce[1].统一社会信用代码, 抽查日期: utcDate('2022-06-06'), 抽查单位: '县卫健委', 结果: '熔断', 说明: '未落实员工核酸检测和进出管控，致疫情输入' },
  ];
}

/** 督查发现 of the supervision class: one left overdue (2 working days from Thursday 06-02), one rectified on Wednesday. */
function findingRows(): Row[] {
  return [
    { 编号: '', 督查日期: utcDate('2022-06-02'), 被督查单位: '县商务局', 问题: '白名单企业诉求台账未按日更新', 整改时限: '2个工作日', 整改情况: '', 整改完成日期: '', 状态: '' },
    { 编号: '', 督查日期: utcDate('2022-06-06'), 被督查单位: '玉皇庙镇', 问题: '包联企业防疫物资保障联络人未明确', 整改时限: utcDate('2022-06-08'), 整改情况: '已明确专人负责并公示', 整改完成日期: utcDate('2022-06-08'), 状态: '' },
  ];
}

function inspectionRows(allWhitelist: readonly Row[]): Row[] {
  const admitted = allWhitelist.filter((r) => r.状态 === '已纳入');
  const items: [string, string, string][] = [
    ['县卫健委', '疫情防控措施落实情况检查', '疫情防控'],
    ['县应急管理局', '有限空间作业安全检查', '安全生产'],
    ['县市场监管局', '食品生产许可条件现场核查', '其他'],
    ['县生态环境局', '废气排放在线监测设施检查', '其他'],
    ['玉皇庙镇', '消防通道和安全出口检查', '安全生产'],
  ];
  return items.map(([who, what, cat], i) => ({
    编号: '',
    发起单位: who,
    被检查企业代码: admitted[(i * 7) % admitted.length].统一社会信用代码,
    检查事项: what,
    检查类别: cat,
    计划日期: utcDate(day(42 + i)), // 2022-06-11 …
    状态: '',
    审批意见: '',
    审批时间: '',
  }));
}

// ---- writing -------------------------------------------------------------------------------------

function csvText(kind: RowKind, rows: readonly Row[]): string {
  const headers = KINDS[kind].headers;
  const cell = (v: Cell): string => {
    if (v === null || v === undefined) return '';
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    return String(toSheetText(v));
  };
  return toCsv([headers as string[], ...rows.map((r) => headers.map((h) => cell(r[h])))]);
}

interface Workbook {
  cls: WorkClassId;
  sheets: Partial<Record<RowKind, Row[]>>;
}

async function writeWorkbook(dir: string, book: Workbook, sector: Sector | undefined): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'sibao make-examples';
  const at = new Date(Date.UTC(2022, 5, 1));
  wb.created = at;
  wb.modified = at;
  for (const kind of CLASS_KINDS[book.cls]) {
    const rows = book.sheets[kind];
    if (!rows) continue;
    const ws = addTemplateSheet(wb, kind, { sector });
    for (const r of rows) ws.addRow(KINDS[kind].headers.map((h) => (r[h] === '' ? null : (r[h] ?? null))));
  }
  // exceljs (JSZip) stamps the clock into every zip entry: rewritten with the workbook's own time, so
  // the same workbook is the same bytes on every run.
  await writeFile(join(dir, 'workbooks', `${book.cls}.xlsx`), rewriteZip(Buffer.from(await wb.xlsx.writeBuffer()), { modified: at }));
  const csvDir = join(dir, 'csv', book.cls);
  await mkdir(csvDir, { recursive: true });
  for (const kind of CLASS_KINDS[book.cls]) {
    const rows = book.sheets[kind];
    if (rows) await writeFile(join(csvDir, `${KINDS[kind].tab}.csv`), csvText(kind, rows));
  }
}

/** Build every table of the demo (pure, deterministic). */
export function buildDemo() {
  rand = seededRandom(20220602);
  usedNames.clear();
  usedCodes.clear();
  phoneSeq = 0;
  consultantSeq = 0;
  const policyGapList = policyGaps(DEMO_DAY);
  const profile: Partial<Record<RowKind, Row[]>> = {
    work_class: WORK_CLASS_ROWS,
    unit: unitRows(),
    routing_rule: ROUTING_ROWS,
    sector_target: SECTOR_TARGET_ROWS,
    sla_rule: SLA_ROWS,
    member: MEMBER_ROWS,
    calendar_override: CALENDAR_ROWS,
    operating_mode: MODE_ROWS,
  };
  const books: Workbook[] = [];
  const expected: ExpectedInvalid[] = [];
  const allWhitelist: Row[] = [];
  const coverage: Record<string, { covered: number; total: number }> = {};
  PLANS.forEach((plan, pi) => {
    const good = whitelistRows(plan);
    allWhitelist.push(...good);
    const covered = coveredOn(good, DEMO_DAY);
    const totals = sectorTotalRows(plan, covered);
    coverage[plan.sector] = { covered, total: Number(totals[1]['总量（万元）']) };
    const { rows: badRows, expect } = invalidWhitelistRows(plan, good[good.length - 1]);
    const whitelist = [...good, ...badRows];
    badRows.forEach((_, i) => {
      const row = good.length + i + 2;
      for (const file of [`workbooks/${plan.cls}.xlsx`, `csv/${plan.cls}/白名单.csv`]) {
        expected.push({ file, sheet: '白名单', row, ...expect[i] });
      }
    });
    books.push({
      cls: plan.cls,
      sheets: {
        whitelist,
        sector_total: totals,
        issue: issueRows(plan, good, pi),
        ...filingRows(plan.cls, plan.sector),
      },
    });
  });
  // An issue from an enterprise not on any whitelist: accepted with the not_on_whitelist warning.
  const outsider: Row = { ...books[0].sheets.issue![0], 反映企业代码: uscc(), 企业名称: '通许县某某农机维修有限公司', 所属领域: '工业生产', 所在乡镇: '朱砂镇', 问题类别: '其他', 问题描述: '企业尚未纳入白名单，反映园区道路维修影响车辆进出。', 指定责任单位: '' };
  const epidemic = epidemicRows(allWhitelist);
  books.push({
    cls: 'coordination',
    sheets: {
      ...profile,
      inspection: inspectionRows(allWhitelist),
      issue: [outsider, { ...books[2].sheets.issue![3], 问题类别: '其他', 问题描述: '多个乡镇反映跨县运输车辆通行规则不一致，请求指挥部统一协调。', 超出协调范围: '是', 所在乡镇: '高新区' }],
      ...filingRows('coordination', undefined),
    },
  });
  books.push({ cls: 'epidemic_support', sheets: { epidemic_support: epidemic.rows, spot_check: spotCheckRows(allWhitelist) } });
  books.find((b) => b.cls === 'industry')!.sheets.shutdown = shutdownRows(allWhitelist);
  books.push({ cls: 'supervision', sheets: { finding: findingRows() } });
  return { profile, books, expected, coverage, epidemicGaps: epidemic.gaps, policyGaps: policyGapList, allWhitelist };
}

// ---- the small teaching files ---------------------------------------------------------------------

function invalidFiles(valid: readonly Row[]): { files: Record<string, string>; expected: Omit<ExpectedInvalid, 'sheet'>[] } {
  const base = valid.slice(0, 4);
  const wl: Row[] = [
    base[0],
    { ...base[1], 统一社会信用代码: `${String(base[1].统一社会信用代码).slice(0, 17)}${String(base[1].统一社会信用代码)[17] === '0' ? '1' : '0'}` },
    { ...base[2], '产值或投资额（万元）': 52_000_000, 备注: '按元填写了' },
    { ...base[3], 状态: '已移出', 移出日期: utcDate('2022-06-09'), 移出原因: '' },
    { ...valid[4], 联系电话: '1234567' },
    { ...valid[5], 状态: '已纳入', 纳入日期: '2022/13/01' },
    { ...valid[6], 统一社会信用代码: base[0].统一社会信用代码 },
  ];
  const expected: Omit<ExpectedInvalid, 'sheet'>[] = [
    { file: 'invalid/白名单.csv', row: 3, column: '统一社会信用代码', code: 'uscc_checksum', why: '校验位错误' },
    { file: 'invalid/白名单.csv', row: 4, column: '产值或投资额（万元）', code: 'number_range', why: '万元误填为元' },
    { file: 'invalid/白名单.csv', row: 5, column: '移出原因', code: 'conditional_required', why: '已移出缺少移出原因' },
    { file: 'invalid/白名单.csv', row: 6, column: '联系电话', code: 'phone', why: '电话号码位数不对' },
    { file: 'invalid/白名单.csv', row: 7, column: '纳入日期', code: 'date', why: '2022/13/01 不存在' },
    { file: 'invalid/白名单.csv', row: 8, column: '统一社会信用代码', code: 'duplicate', why: '与第 2 行重复' },
  ];
  const issues: Row[] = [
    { 反映企业代码: base[0].统一社会信用代码, 企业名称: base[0].名称, 所属领域: '工业生产', 所在乡镇: base[0].所在乡镇, 问题类别: '物流运输', 问题描述: '成品运输受阻，请求协调通行证。', 反映日期: '2022-06-08', 联系电话: base[0].联系电话 },
    { 反映企业代码: base[1].统一社会信用代码, 企业名称: base[1].名称, 所属领域: '工业生产', 所在乡镇: base[1].所在乡镇, 问题类别: '缺电', 问题描述: '厂区停电。', 反映日期: '2022-06-08', 联系电话: base[1].联系电话 },
    { 反映企业代码: base[2].统一社会信用代码, 企业名称: base[2].名称, 所属领域: '工业生产', 所在乡镇: base[2].所在乡镇, 问题类别: '用工需求', 问题描述: '', 反映日期: '2022-06-31', 联系电话: base[2].联系电话 },
  ];
  expected.push(
    { file: 'invalid/问题诉求.csv', row: 3, column: '问题类别', code: 'enum', why: '不在问题类别列表中' },
    { file: 'invalid/问题诉求.csv', row: 4, column: '问题描述', code: 'required', why: '问题描述为空' },
    { file: 'invalid/问题诉求.csv', row: 4, column: '反映日期', code: 'date', why: '6 月没有 31 日' },
  );
  const totals: Row[] = [
    { 所属领域: '工业生产', 统计期: '2022-05', '总量（万元）': 1_250_000, 数据来源: '县统计局月报' },
    { 所属领域: '工业', 统计期: '2022年5月', '总量（万元）': 80_000, 数据来源: '县统计局月报' },
    { 所属领域: '商贸流通', 统计期: '2022-5月份', '总量（万元）': 0, 数据来源: '县统计局月报' },
  ];
  expected.push(
    { file: 'invalid/领域总量.csv', row: 3, column: '所属领域', code: 'enum', why: '“工业”应为“工业生产”' },
    { file: 'invalid/领域总量.csv', row: 4, column: '统计期', code: 'date', why: '统计期写法不对' },
    { file: 'invalid/领域总量.csv', row: 4, column: '总量（万元）', code: 'number_range', why: '总量应大于 0' },
  );
  return {
    files: {
      'invalid/白名单.csv': csvText('whitelist', wl),
      'invalid/问题诉求.csv': csvText('issue', issues),
      'invalid/领域总量.csv': csvText('sector_total', totals),
      'valid/白名单.csv': csvText('whitelist', valid.slice(0, 12)),
    },
    expected,
  };
}

const README = `# 示例县：通许县（合成数据）

依据《关于成立通许县常态化疫情防控下经济运行调度机制指挥部的通知》（附件 3）构建的演示数据。
所有企业、项目、电话和邮箱均为虚构；联系人只写岗位，不含真实姓名。由 \`npx tsx scripts/make-examples.ts\` 生成，请勿手工修改。

- \`profile/\`：县配置（工作专班、责任单位、路由规则、领域目标、办理时限、成员、节假日调整、运行状态：演示周的周三为全县应急状态）。
- \`workbooks/<专班>.xlsx\`：各工作专班的工作簿（白名单、领域总量、问题诉求、政策清单、政策咨询员等），
  每个领域的白名单末尾有几行故意写错的数据（见 \`expected-invalid.json\`）。
- 政策清单、政策咨询员：县直部门、乡镇、街道、园区按“谁负责、谁报备”填写（县直部门和乡镇多在综合协调专班的工作簿里，
  各领域牵头部门在本专班工作簿里）；故意留了几个缺口（未配备咨询员、未报政策清单、政策均已过期），
  周报第九部分会列出它们（见 \`expected-invalid.json\` 的 \`policyGaps\`）。
- 台账：工业生产专班的「停产停工」（一家周一起停产、周五仍未恢复，超过 3 天；一家整体停产已报省会商、周四恢复），
  防疫保障专班的「熔断抽查」（一家商贸企业熔断，待商贸流通专班移出白名单），督办督查专班的「督查发现」（一项逾期、一项已整改）。
- \`csv/<专班>/<表名>.csv\`：同样的数据，CSV 格式。
- \`invalid/\`：常见错误示例；\`valid/白名单.csv\`：全部正确的白名单。

试一试：

\`\`\`
npx sibao validate examples/invalid/白名单.csv          # 列出每行错误，退出码 1
npx sibao validate examples/valid/白名单.csv            # 全部通过，退出码 0
npx sibao coverage examples/workbooks/industry.xlsx examples/workbooks/commerce.xlsx --at 2022-06-10
npx sibao route examples/workbooks/industry.xlsx --profile examples/profile --at 2022-06-10T09:00
npx sibao calendar add-workdays 2022-06-02 1             # 端午节：2022-06-06
\`\`\`
`;

export async function makeExamples(outDir: string): Promise<void> {
  const demo = buildDemo();
  for (const sub of ['profile', 'workbooks', 'csv', 'invalid', 'valid']) {
    await rm(join(outDir, sub), { recursive: true, force: true });
    await mkdir(join(outDir, sub), { recursive: true });
  }
  for (const [kind, rows] of Object.entries(demo.profile) as [RowKind, Row[]][]) {
    await writeFile(join(outDir, 'profile', `${KINDS[kind].tab}.csv`), csvText(kind, rows));
  }
  for (const book of demo.books) {
    const sector = (Object.entries(SECTOR_CLASS) as [Sector, WorkClassId][]).find(([, c]) => c === book.cls)?.[0];
    await writeWorkbook(outDir, book, sector);
  }
  const small = invalidFiles(demo.allWhitelist.filter((r) => r.所属领域 === '工业生产' && r.状态 === '已纳入'));
  for (const [name, text] of Object.entries(small.files)) await writeFile(join(outDir, name), text);
  const expected = [...demo.expected, ...small.expected.map((e) => ({ ...e, sheet: '' }))];
  await writeFile(
    join(outDir, 'expected-invalid.json'),
    `${JSON.stringify({ note: '演示数据中故意写错的行（由 scripts/make-examples.ts 生成）', demoDay: DEMO_DAY, coverage: demo.coverage, epidemicGaps: demo.epidemicGaps, policyGaps: demo.policyGaps, invalid: expected }, null, 2)}\n`,
  );
  await writeFile(join(outDir, 'README.md'), README);
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const here = dirname(fileURLToPath(import.meta.url));
  const out = resolve(process.argv[2] ?? join(here, '..', 'examples'));
  await makeExamples(out);
  console.log(`示例县已生成：${out}`);
}
