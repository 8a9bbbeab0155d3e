// The workbook for the provincial platform (`sibao export`): county IT hands over or uploads what the
// county's command centre holds — the whitelist of every sector, coverage per sector, the problem
// ledger, the policy lists and the policy consultants — with Chinese headers and a 说明 tab.
//
// Format (documented for the receiver in the 说明 tab):
// - one .xlsx workbook, tabs 白名单汇总, 覆盖率, 问题台账, 政策清单, 政策咨询员, 停产停工, 熔断抽查,
//   督查发现, 运行状态 (the registers: their sheet columns plus what the rules say), 说明; row 1 of each data
//   tab is the header, one record per row, no merged cells, no formulas;
// - optionally the same data tabs as CSV files `<tab>.csv` (UTF-8 with BOM, CRLF);
// - numbers are numeric cells (money in 万元, coverage as a fraction shown as a percentage);
// - dates are ISO text `YYYY-MM-DD`, instants ISO text `YYYY-MM-DD HH:mm:ss` in Beijing time
//   (Asia/Shanghai): text, never spreadsheet date serials, so no time zone or 1900/1904 epoch
//   shifts them and CSV and xlsx carry the same characters;
// - formula injection: in the workbook every text cell is a string cell with the Text number format
//   (`@`), so Excel/WPS/Sheets show `=…` as typed and do not evaluate it even after the cell is
//   edited; in CSV (which has no cell types) such a value gets a leading `'` (toSheetText).
//
// Reads go through the Store port: every list is a paginated Query of one index partition (rows of
// one kind, issues), never a scan. exceljs is loaded only when the workbook is written.

import { KINDS, SECTORS, WORK_CLASSES, WORK_CLASS_IDS, type WorkClassId } from '../domain/rows/kinds.js';
import { computeCoverage, type CoverageReport } from '../domain/reports/coverage.js';
import { currentAssignment } from '../domain/issues/lifecycle.js';
import { unitByCodeOrName } from '../domain/rows/profile.js';
import { cleanCell } from '../domain/rows/limits.js';
import { toSheetText } from '../domain/rows/sheet-text.js';
import { shanghaiDateTime, startOfShanghaiDay } from '../domain/time/time.js';
import { createCalendar } from '../domain/time/calendar.js';
import { findingState, fuseItems, isShutdownInForce, isShutdownOverrun, modeInForce, SHUTDOWN_MAX_DAYS, shutdownDays } from '../domain/issues/registers.js';
import type { RegisterInput } from '../domain/reports/sections/registers.js';
import { SCHEMAS } from '../domain/rows/schemas.js';
import { headerNote } from '../domain/rows/header-notes.js';
import { readRegisters } from '../functions/usecases/register-sync.js';
import { writeWorkbookFile } from './files.js';
import { sheetColumnWidth } from './format.js';
import type { Profile } from '../domain/rows/types.js';
import type { ProfileRecord, RowRecord, Store, StoredIssue } from '../functions/ports.js';
import type { HistoryEntry } from '../domain/rows/history.js';

/** How a column's cells are typed and shown. Dates and instants are ISO text (see the header). */
export type ColumnType = 'text' | 'date' | 'datetime' | 'money' | 'integer' | 'percent';

export interface ExportColumn {
  header: string;
  type: ColumnType;
  /** What the column means, in Chinese (listed in the 说明 tab). */
  meaning: string;
}

export type ExportCell = string | number | null;

export interface ExportTab {
  name: string;
  columns: ExportColumn[];
  rows: ExportCell[][];
  /** One line on what the tab holds (说明 tab). */
  about: string;
}

/** The data tabs in workbook order (the 说明 tab comes last). */
export const EXPORT_TABS = ['白名单汇总', '覆盖率', '问题台账', '政策清单', '政策咨询员', '停产停工', '熔断抽查', '督查发现', '运行状态'] as const;
export type ExportTabName = (typeof EXPORT_TABS)[number];
export const README_TAB = '说明';

export interface ExportData {
  profile: Profile;
  whitelist: RowRecord<'whitelist'>[];
  totals: RowRecord<'sector_total'>[];
  issues: StoredIssue[];
  policies: RowRecord<'policy'>[];
  consultants: RowRecord<'consultant'>[];
  /** The seed's registers (SPEC §7.3) with their system 编号. */
  registers: RegisterInput;
  /**
   * The data's own clock: the latest write (updatedAt) among every record read — profile, rows,
   * issues, decisions. The workbook's only instant (说明 数据最后更新, created/modified, zip entry
   * times), so the same data exports as the same bytes (county IT checksums and diffs what they hand out).
   */
  dataAsOf: number;
}

/** The store reads the export needs (a subset of the Store port). */
export type ExportStore = Pick<Store, 'getProfile' | 'listRows' | 'listIssues' | 'getIssueSource' | 'listDecisions'>;

/** The optional tab of `--since`: every create/update/delete/restore of every row since that day. */
export const CHANGES_TAB = '变更记录';
const CHANGE_OPS: Record<HistoryEntry['op'], string> = { create: '新增', update: '修改', delete: '删除', restore: '恢复' };
const CHANGE_COLUMNS: ExportColumn[] = [
  { header: '时间', type: 'datetime', meaning: '变更时间（北京时间）' },
  { header: '表', type: 'text', meaning: '变更的工作表' },
  { header: '标识', type: 'text', meaning: '行标识（自然键、编号或指纹，即同步返回的 id）' },
  { header: '操作', type: 'text', meaning: '新增、修改、删除或恢复' },
  { header: '操作人', type: 'text', meaning: '同步或删除该行的成员邮箱' },
  { header: '来源', type: 'text', meaning: '来自哪个表格或文件' },
  { header: '变更内容', type: 'text', meaning: '修改的列：原值 → 新值' },
];

/** The 变更记录 tab from history entries (oldest first). */
export function changesTab(entries: readonly HistoryEntry[], since: string): ExportTab {
  const shown = (v: unknown) => (v === null || v === undefined || v === '' ? '（空）' : String(v));
  const rows = entries.map((e): ExportCell[] => [
    beijingTime(e.at),
    KINDS[e.kind].tab,
    e.key,
    CHANGE_OPS[e.op],
    e.by,
    e.source,
    Object.entries(e.changes ?? {}).map(([h, c]) => `${h}：${shown(c.from)} → ${shown(c.to)}`).join('；') || null,
  ]);
  return { name: CHANGES_TAB, columns: CHANGE_COLUMNS, rows, about: `${since} 起每一行的新增、修改、删除和恢复` };
}

/** Raised when the store holds no county configuration: nothing to export. */
export class NothingConfiguredError extends Error {
  readonly code = 'no_profile';
  constructor() {
    super('尚未导入县配置（工作专班、责任单位等），没有可导出的数据：请先运行 sibao start 或同步综合协调专班的配置表');
    this.name = 'NothingConfiguredError';
  }
}

/**
 * Read everything the export needs, one store call at a time (each a paginated Query), reporting
 * each finished step to `onStep` (for progress on stderr).
 */
export async function readExportData(source: ExportStore, onStep: (label: string) => void = () => {}): Promise<ExportData> {
  // Every read goes through `store`, which keeps the latest write it has seen (ExportData.dataAsOf).
  let dataAsOf = 0;
  const seen = <T>(recs: T[], at: (r: T) => number): T[] => {
    for (const r of recs) dataAsOf = Math.max(dataAsOf, at(r));
    return recs;
  };
  const store: ExportStore = {
    getProfile: async () => seen([await source.getProfile()], (p) => p?.updatedAt ?? 0)[0],
    listRows: async (...a) => seen(await source.listRows(...a), (r) => r.updatedAt),
    listIssues: async (...a) => seen(await source.listIssues(...a), (i) => i.record.updatedAt),
    listDecisions: async (...a) => seen(await source.listDecisions(...a), (d) => d.updatedAt),
    getIssueSource: (key) => source.getIssueSource(key),
  };
  const profileRec: ProfileRecord | null = await store.getProfile();
  if (!profileRec) throw new NothingConfiguredError();
  onStep('县配置');
  const whitelist = await store.listRows('whitelist');
  onStep(`白名单 ${whitelist.length} 行`);
  const totals = await store.listRows('sector_total');
  onStep(`领域总量 ${totals.length} 行`);
  const issues = await store.listIssues({});
  onStep(`问题诉求 ${issues.length} 条`);
  const policies = await store.listRows('policy');
  onStep(`政策清单 ${policies.length} 行`);
  const consultants = await store.listRows('consultant');
  onStep(`政策咨询员 ${consultants.length} 行`);
  const registers = await readRegisters(store, whitelist.map((r) => r.value));
  onStep(`台账 停产停工 ${registers.shutdowns.length} 行、熔断抽查 ${registers.spotChecks.length} 行、督查发现 ${registers.findings.length} 行`);
  return { profile: profileRec.profile, whitelist, totals, issues, policies, consultants, registers, dataAsOf };
}

/** Steps readExportData reports (for a progress total). */
export const READ_STEPS = 7;

// ---- building the tabs ---------------------------------------------------------------------------

export interface ExportMeta {
  /** The county the data belongs to. */
  county: string;
  /** Where the data was read from (for the 说明 tab). */
  source: string;
  /** Coverage day, `YYYY-MM-DD` (Asia/Shanghai). */
  at: string;
  /** The data's own clock (ExportData.dataAsOf, or later with the 变更记录 tab), epoch ms. */
  dataAsOf: number;
}

/** `YYYY-MM-DD HH:mm:ss`, Beijing time. */
export function beijingTime(ms: number): string {
  return shanghaiDateTime(Math.floor(ms / 1000) * 1000).slice(0, 19).replace('T', ' ');
}

const yesNo = (b: boolean | undefined): string => (b ? '是' : '否');
const orNull = <T>(v: T | undefined | null): T | null => (v === undefined ? null : v);
const list = (xs: readonly string[] | undefined): string => (xs ?? []).join('；');

function workClassName(profile: Profile, id: WorkClassId): string {
  return profile.workClasses.find((w) => w.id === id)?.name ?? WORK_CLASSES.find((w) => w.id === id)?.name ?? id;
}

/** A unit's name from its code or name; the text itself when the profile does not know it. */
function unitName(profile: Profile, text: string | undefined): string {
  if (!text) return '';
  return unitByCodeOrName(profile, text)?.name ?? text;
}
function unitCode(profile: Profile, text: string | undefined): string {
  if (!text) return '';
  return unitByCodeOrName(profile, text)?.code ?? '';
}

/** Sheet order: by work class (the eight classes' order), then spreadsheet, then sheet row. */
function bySheet(a: RowRecord | StoredIssue, b: RowRecord | StoredIssue): number {
  const c = WORK_CLASS_IDS.indexOf(a.workClass) - WORK_CLASS_IDS.indexOf(b.workClass);
  if (c !== 0) return c;
  if (a.spreadsheetId !== b.spreadsheetId) return a.spreadsheetId < b.spreadsheetId ? -1 : 1;
  return a.row - b.row;
}

const WL = KINDS.whitelist.headers;
const WHITELIST_COLUMNS: ExportColumn[] = [
  { header: WL[0], type: 'text', meaning: '企业的 18 位统一社会信用代码，或重点项目的全国投资项目代码（全县唯一）' },
  { header: WL[1], type: 'text', meaning: '企业（项目）名称' },
  { header: WL[2], type: 'text', meaning: '工业生产、商贸流通、交通运输、文化旅游、重点项目之一' },
  { header: WL[3], type: 'text', meaning: '所在乡镇、街道或园区' },
  { header: WL[4], type: 'money', meaning: '年产值（重点项目为投资额），单位万元' },
  { header: WL[5], type: 'integer', meaning: '员工人数（人）' },
  { header: WL[6], type: 'text', meaning: '申报中、已纳入、已移出' },
  { header: WL[7], type: 'date', meaning: '纳入白名单的日期' },
  { header: WL[8], type: 'date', meaning: '移出白名单的日期' },
  { header: WL[9], type: 'text', meaning: '移出原因（熔断、企业申请退出、不再符合条件、其他）' },
  { header: WL[10], type: 'text', meaning: '企业联系人（岗位或姓名）' },
  { header: WL[11], type: 'text', meaning: '企业联系电话' },
  { header: WL[12], type: 'text', meaning: '企业联系邮箱' },
  { header: WL[13], type: 'text', meaning: '上下游关联企业的代码，用“；”分隔' },
  { header: WL[14], type: 'text', meaning: '备注' },
  { header: '所属专班', type: 'text', meaning: '维护该行的工作专班' },
  { header: '最后更新时间', type: 'datetime', meaning: '该行最后一次入库的时间（北京时间）' },
  { header: '版本', type: 'integer', meaning: '内容版本：首次入库为 1，内容每修改一次加 1' },
];

function whitelistTab(d: ExportData): ExportTab {
  const recs = [...d.whitelist].sort((a, b) => {
    const sa = SECTORS.indexOf(a.value.sector);
    const sb = SECTORS.indexOf(b.value.sector);
    return sa !== sb ? sa - sb : bySheet(a, b);
  });
  const rows = recs.map((r): ExportCell[] => {
    const w = r.value;
    return [
      w.code,
      w.name,
      w.sector,
      w.locality,
      w.value,
      orNull(w.employees),
      w.status,
      orNull(w.admittedOn),
      orNull(w.removedOn),
      orNull(w.removalReason),
      orNull(w.contact),
      orNull(w.phone),
      orNull(w.email),
      list(w.partners),
      orNull(w.note),
      workClassName(d.profile, r.workClass),
      beijingTime(r.updatedAt),
      r.version,
    ];
  });
  return { name: '白名单汇总', columns: WHITELIST_COLUMNS, rows, about: '五个领域白名单的全部企业（项目），含申报中、已纳入和已移出，按领域排列' };
}

const COVERAGE_COLUMNS: ExportColumn[] = [
  { header: '所属领域', type: 'text', meaning: '领域；“合计”为五个领域之和' },
  { header: '统计日', type: 'date', meaning: '覆盖率的统计日期' },
  { header: '纳入企业数', type: 'integer', meaning: '统计日在白名单上（已纳入、尚未移出）的企业（项目）数' },
  { header: '覆盖产值（万元）', type: 'money', meaning: '这些企业（项目）的产值或投资额之和，万元' },
  { header: '领域总量（万元）', type: 'money', meaning: '统计日适用的领域总量（不晚于统计日的最新统计期），万元' },
  { header: '总量统计期', type: 'text', meaning: '所用领域总量的统计期（YYYY-MM）' },
  { header: '覆盖率', type: 'percent', meaning: '覆盖产值 ÷ 领域总量（小数，显示为百分比）；数据有误时为空，见“说明”列' },
  { header: '目标覆盖率', type: 'percent', meaning: '领域目标覆盖率（未设置时为 70%）' },
  { header: '缺口（万元）', type: 'money', meaning: '达到目标还差的产值：max(0, 目标 × 总量 − 覆盖产值)，万元' },
  { header: '目标截止日期', type: 'date', meaning: '领域目标的截止日期' },
  { header: '是否达标', type: 'text', meaning: '覆盖率 ≥ 目标覆盖率 为“是”' },
  { header: '说明', type: 'text', meaning: '无法计算覆盖率的原因（如缺少领域总量、覆盖产值超过总量）' },
];

function coverageTab(report: CoverageReport): ExportTab {
  const onTrack = (b: boolean | null) => (b === null ? null : yesNo(b));
  const rows: ExportCell[][] = report.sectors.map((s) => [
    s.sector,
    report.at,
    s.count,
    s.covered,
    s.total,
    s.period,
    s.coverage,
    s.target,
    s.gap,
    s.deadline,
    onTrack(s.onTrack),
    s.error ? (s.message ?? s.error) : null,
  ]);
  const o = report.overall;
  rows.push([
    '合计',
    report.at,
    o.count,
    o.covered,
    o.total,
    null,
    o.coverage,
    o.target,
    o.gap,
    null,
    onTrack(o.onTrack),
    o.error ? '部分领域数据有误，合计覆盖率只计算数据完整的领域' : null,
  ]);
  return { name: '覆盖率', columns: COVERAGE_COLUMNS, rows, about: `各领域及合计的白名单覆盖率（统计日 ${report.at}）` };
}

const ISSUE_COLUMNS: ExportColumn[] = [
  { header: '编号', type: 'text', meaning: '问题编号（WT-YYYYMMDD-NNN）' },
  { header: '反映企业代码', type: 'text', meaning: '反映问题的企业统一社会信用代码或项目代码' },
  { header: '企业名称', type: 'text', meaning: '反映问题的企业（项目）名称' },
  { header: '所属领域', type: 'text', meaning: '企业所属领域' },
  { header: '问题类别', type: 'text', meaning: '原料采购、用工需求、物流运输等十类之一' },
  { header: '问题描述', type: 'text', meaning: '企业反映的问题' },
  { header: '紧急程度', type: 'text', meaning: '一般 或 紧急' },
  { header: '反映日期', type: 'date', meaning: '企业反映问题的日期' },
  { header: '责任单位', type: 'text', meaning: '当前责任单位的名称（改派后为新单位）' },
  { header: '状态', type: 'text', meaning: '待分派、已交办、已签收、办理中、已办结、已回访、已销号' },
  { header: '签收时限', type: 'date', meaning: '当前责任单位的签收截止日（当日 24 时）' },
  { header: '办结时限', type: 'date', meaning: '当前责任单位的办结截止日（当日 24 时）' },
  { header: '是否逾期', type: 'text', meaning: '是：已超过签收、反馈或办结时限仍未完成' },
  { header: '升级级别', type: 'integer', meaning: '0 未升级；1 已报上级单位；2 再上一级' },
  { header: '退回次数', type: 'integer', meaning: '责任单位以“不属本单位职责”退回的次数' },
  { header: '重办次数', type: 'integer', meaning: '企业回访不满意后重新办理的次数' },
  { header: '回访结果', type: 'text', meaning: '满意、基本满意、不满意（未回访为空）' },
  { header: '责任单位编码', type: 'text', meaning: '当前责任单位的单位编码' },
  { header: '协办单位', type: 'text', meaning: '同时抄送的单位（超出协调范围报县指挥部、重大问题报县领导），用“；”分隔' },
  { header: '办理结果', type: 'text', meaning: '责任单位反馈的办理结果' },
  { header: '所属专班', type: 'text', meaning: '登记该问题的工作专班' },
  { header: '最后更新时间', type: 'datetime', meaning: '该问题最后一次状态变化的时间（北京时间）' },
];

function issueTab(d: ExportData): ExportTab {
  const recs = [...d.issues].sort((a, b) => (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0));
  const rows = recs.map((s): ExportCell[] => {
    const r = s.record;
    const i = r.issue;
    const a = r.assignments.length > 0 ? currentAssignment(r) : undefined;
    return [
      r.id,
      orNull(i.enterpriseCode),
      orNull(i.enterpriseName),
      orNull(i.sector),
      i.category,
      i.description,
      i.urgency,
      i.reportedOn,
      a ? unitName(d.profile, a.unit) : null,
      r.status,
      a ? a.signBy : null,
      a ? a.resolveBy : null,
      yesNo(r.overdue),
      r.escalationLevel,
      r.returnCount,
      r.reopenCount,
      orNull(r.followUp),
      a ? a.unit : null,
      a ? a.also.map((u) => unitName(d.profile, u)).join('；') : null,
      orNull(r.result),
      workClassName(d.profile, s.workClass),
      beijingTime(r.updatedAt),
    ];
  });
  return { name: '问题台账', columns: ISSUE_COLUMNS, rows, about: '全部问题诉求及其办理情况，按编号排列' };
}

const PL = KINDS.policy.headers;
const POLICY_COLUMNS: ExportColumn[] = [
  { header: PL[0], type: 'text', meaning: '政策编号（报备单位自编）' },
  { header: PL[1], type: 'text', meaning: '政策名称' },
  { header: PL[2], type: 'text', meaning: '发文单位' },
  { header: PL[3], type: 'text', meaning: '国家、省、市、县' },
  { header: PL[4], type: 'text', meaning: '留抵退税、税费减免、财政奖补等十类之一' },
  { header: PL[5], type: 'text', meaning: '适用的领域（“全部”或领域名称，用“；”分隔）' },
  { header: PL[6], type: 'integer', meaning: '享受政策的最低员工人数' },
  { header: PL[7], type: 'date', meaning: '政策有效期截止日' },
  { header: PL[8], type: 'text', meaning: '政策原文网址' },
  { header: PL[9], type: 'text', meaning: '负责落实政策的单位名称' },
  { header: '责任单位编码', type: 'text', meaning: '负责落实政策的单位编码（配置中找不到时为空）' },
  { header: '所属专班', type: 'text', meaning: '报备该政策的工作专班' },
];

function policyTab(d: ExportData): ExportTab {
  const rows = [...d.policies].sort(bySheet).map((r): ExportCell[] => {
    const p = r.value;
    return [
      orNull(p.id),
      p.name,
      orNull(p.issuer),
      orNull(p.level),
      orNull(p.category),
      list(p.sectors),
      orNull(p.minEmployees),
      orNull(p.validUntil),
      orNull(p.link),
      unitName(d.profile, p.unit) || null,
      unitCode(d.profile, p.unit) || null,
      workClassName(d.profile, r.workClass),
    ];
  });
  return { name: '政策清单', columns: POLICY_COLUMNS, rows, about: '各专班、各单位报备的惠企政策清单' };
}

const CN = KINDS.consultant.headers;
const CONSULTANT_COLUMNS: ExportColumn[] = [
  { header: CN[0], type: 'text', meaning: '咨询员所在单位的名称' },
  { header: CN[1], type: 'text', meaning: '政策咨询员（姓名或岗位）' },
  { header: CN[2], type: 'text', meaning: '联系电话' },
  { header: CN[3], type: 'text', meaning: '联系邮箱' },
  { header: CN[4], type: 'text', meaning: '负责解答的政策类别，用“；”分隔' },
  { header: '单位编码', type: 'text', meaning: '所在单位的单位编码（配置中找不到时为空）' },
  { header: '所属专班', type: 'text', meaning: '登记该咨询员的工作专班' },
];

function consultantTab(d: ExportData): ExportTab {
  const rows = [...d.consultants].sort(bySheet).map((r): ExportCell[] => {
    const c = r.value;
    return [
      unitName(d.profile, c.unit),
      c.name,
      orNull(c.phone),
      orNull(c.email),
      list(c.categories),
      unitCode(d.profile, c.unit) || null,
      workClassName(d.profile, r.workClass),
    ];
  });
  return { name: '政策咨询员', columns: CONSULTANT_COLUMNS, rows, about: '各单位的政策咨询员' };
}

// ---- the seed's registers: each tab is the kind's own columns (as in the sheet) plus what the rules say ----

/** A register row's input columns, as the sheet has them (lists joined by “；”, yes/no as 是/否). */
function inputCells(kind: 'shutdown' | 'spot_check' | 'finding' | 'operating_mode', row: object): { columns: ExportColumn[]; cells: ExportCell[] } {
  const specs = SCHEMAS[kind].columns;
  const v = row as Record<string, unknown>;
  return {
    columns: specs.map((c) => ({ header: c.header, type: c.type === 'date' ? 'date' : 'text', meaning: headerNote(kind, c.header) })),
    cells: specs.map((c) => {
      const x = v[c.key];
      if (x === undefined || x === null) return null;
      if (Array.isArray(x)) return x.join('；');
      if (typeof x === 'boolean') return yesNo(x);
      return typeof x === 'number' ? x : String(x);
    }),
  };
}

function registerTab(name: ExportTabName, kind: 'shutdown' | 'spot_check' | 'finding' | 'operating_mode', rows: readonly { id?: string; row: object; extra: ExportCell[] }[], extra: ExportColumn[], about: string, numbered: boolean): ExportTab {
  const head = inputCells(kind, {}).columns;
  const idCol: ExportColumn[] = numbered ? [{ header: '编号', type: 'text', meaning: '系统编号' }] : [];
  return {
    name,
    columns: [...idCol, ...head, ...extra],
    rows: rows.map((r) => [...(numbered ? [r.id ?? null] : []), ...inputCells(kind, r.row).cells, ...r.extra]),
    about,
  };
}

function registerTabs(d: ExportData, at: string): ExportTab[] {
  const r = d.registers;
  const calendar = createCalendar(d.profile.calendarOverrides);
  const fuse = new Map(fuseItems(r.spotChecks, r.whitelist).map((f) => [f.check, f.pending]));
  const now = startOfShanghaiDay(at) + 17 * 3_600_000;
  return [
    registerTab(
      '停产停工',
      'shutdown',
      r.shutdowns.map((s) => ({ id: s.id, row: s.row, extra: [isShutdownInForce(s.row, at) ? '停产中' : s.row.startOn > at ? '未开始' : '已恢复', shutdownDays(s.row, at), yesNo(isShutdownOverrun(s.row, at))] })),
      [
        { header: '停产状态', type: 'text', meaning: '统计日：停产中、已恢复或未开始（审批状态以指挥部办公室的决定为准）' },
        { header: '已停产天数', type: 'integer', meaning: '开始日期至统计日（已恢复的至实际恢复日期）的自然日数' },
        { header: `超过${SHUTDOWN_MAX_DAYS}天`, type: 'text', meaning: `统计日仍未恢复且距开始日期超过 ${SHUTDOWN_MAX_DAYS} 个自然日` },
      ],
      '白名单企业停产停工台账（附件2 三(七)：原则上不超过 3 天）',
      true,
    ),
    registerTab(
      '熔断抽查',
      'spot_check',
      r.spotChecks.map((c) => ({ row: c, extra: [c.result === '熔断' ? yesNo(fuse.get(c)) : null] })),
      [{ header: '待移出白名单', type: 'text', meaning: '结果为熔断、企业仍在白名单中（尚未以“熔断”原因移出）' }],
      '防疫保障专班的熔断抽查记录（附件1 四(三)）',
      false,
    ),
    registerTab(
      '督查发现',
      'finding',
      r.findings.map((f) => {
        const st = findingState(f.row, at, calendar);
        return { id: f.id, row: f.row, extra: [st.due, st.status, st.workdaysOverdue] };
      }),
      [
        { header: '整改截止日', type: 'date', meaning: '整改时限换算的日期（按工作日计算，遇休息日顺延）' },
        { header: '状态', type: 'text', meaning: '统计日：整改中、已整改或逾期' },
        { header: '逾期工作日', type: 'integer', meaning: '统计日超过整改截止日的工作日数' },
      ],
      '督办督查专班的督查发现及整改情况（要求10）',
      true,
    ),
    registerTab(
      '运行状态',
      'operating_mode',
      (d.profile.operatingModes ?? []).map((m) => ({ row: m, extra: [yesNo(modeInForce(m, now))] })),
      [{ header: '统计日17时执行中', type: 'text', meaning: '统计日 17:00 该行是否在执行（平急转换）' }],
      '平急转换：常态、应急及其范围（附件1 一(三)）',
      false,
    ),
  ];
}

/** The data tabs, in workbook order. */
export function buildExportTabs(d: ExportData, at: string): ExportTab[] {
  const coverage = computeCoverage({
    // Sheet order: a duplicated code counts once, the first row's (as the digest does).
    whitelist: [...d.whitelist].sort(bySheet).map((r) => r.value),
    totals: d.totals.map((r) => r.value),
    targets: d.profile.sectorTargets,
    at,
  });
  // Text stored before the limits existed may hold control characters: the xlsx format cannot carry
  // most of them, so both files get the text without them and agree cell for cell (limits.ts).
  return [whitelistTab(d), coverageTab(coverage), issueTab(d), policyTab(d), consultantTab(d), ...registerTabs(d, at)].map((t) => ({ ...t, rows: t.rows.map((r) => r.map(cleanCell)) }));
}

const TYPE_TEXT: Record<ColumnType, string> = {
  text: '文本',
  date: '日期（文本 YYYY-MM-DD）',
  datetime: '时间（文本 YYYY-MM-DD HH:mm:ss，北京时间）',
  money: '数值（万元）',
  integer: '整数',
  percent: '数值（小数，显示为百分比）',
};

/** The 说明 tab: source, the data's instant, row counts, format rules and every column's meaning. */
export function buildReadmeTab(tabs: readonly ExportTab[], meta: ExportMeta): ExportTab {
  const rows: ExportCell[][] = [
    ['来源县', meta.county, '数据所属的县（区）'],
    ['数据最后更新', beijingTime(meta.dataAsOf), '所导出记录的最后写入时间，北京时间（Asia/Shanghai）；同样的数据导出的文件逐字节相同'],
    ['覆盖率统计日', meta.at, '“覆盖率”表按该日计算'],
    ['数据来源', meta.source, 'sibao 四保白名单企业（项目）调度系统'],
    ...tabs.map((t): ExportCell[] => [`行数：${t.name}`, t.rows.length, t.about]),
    ['格式', '每个数据表第 1 行为列名，每行一条记录；无合并单元格、无公式', '加 --csv 导出时另有同名 CSV 文件（UTF-8 带 BOM），数据相同'],
    ['日期与时间', '日期为文本 YYYY-MM-DD；时间为文本 YYYY-MM-DD HH:mm:ss（北京时间）', '不使用 Excel 日期序列值'],
    ['数值', '金额单位万元；覆盖率为小数（0.7 即 70%）；空单元格表示无数据', ''],
    ['以 = + - @ 开头的文本', '本工作簿中按文本保存（单元格格式为“文本”），不会被当作公式计算', 'CSV 文件中这类文本前加英文单引号 \''],
    [null, null, null],
    ['工作表 / 列名', '类型', '含义'],
  ];
  for (const t of tabs) {
    for (const c of t.columns) rows.push([`${t.name} / ${c.header}`, TYPE_TEXT[c.type], c.meaning]);
  }
  return {
    name: README_TAB,
    columns: [
      { header: '项目', type: 'text', meaning: '' },
      { header: '内容', type: 'text', meaning: '' },
      { header: '说明', type: 'text', meaning: '' },
    ],
    rows,
    about: '导出说明',
  };
}

// ---- writing -------------------------------------------------------------------------------------

const NUM_FMT: Record<ColumnType, string> = {
  text: '@',
  date: '@',
  datetime: '@',
  money: '#,##0.00',
  integer: '0',
  percent: '0.00%',
};

const HEADER_FILL = 'FFDDEBF7';

/** The widest a column gets (in characters); longer text wraps within its cell. */
export const MAX_COLUMN_WIDTH = 60;

/** What Excel shows in a cell (its number format applied), to size the column to it. */
export function shownText(v: ExportCell, type: ColumnType): string {
  const x = xlsxValue(v, type);
  if (x === null) return '';
  if (typeof x === 'string') return x;
  if (type === 'money') return x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  if (type === 'percent') return `${(x * 100).toFixed(2)}%`;
  return String(x);
}

/** A text cell's value for the workbook: the exact text (typed as a string cell). */
function xlsxValue(v: ExportCell, type: ColumnType): string | number | null {
  if (v === null || v === '') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (type === 'money' || type === 'integer' || type === 'percent') {
    const n = Number(v);
    return Number.isFinite(n) ? n : v;
  }
  return v;
}

/**
 * Write the tabs (data tabs then 说明) to an .xlsx file. Text cells are string cells with the Text
 * format `@`; numbers are numeric cells; the header row is frozen and filterable. The workbook's
 * created/modified and its zip entries carry `dataAsOf` (the data's clock, not the clock of the
 * run): the same tabs are the same bytes.
 */
export async function writeExportWorkbook(tabs: readonly ExportTab[], readme: ExportTab, file: string, dataAsOf: number): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'sibao';
  for (const t of [...tabs, readme]) {
    const ws = wb.addWorksheet(t.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    const isReadme = t === readme;
    // Widths fit the content (CJK counts double), within [8, MAX_COLUMN_WIDTH]; a column whose text
    // is longer wraps it, so no name or note is clipped.
    ws.columns = t.columns.map((c, i) => {
      const fit = sheetColumnWidth(c.header, t.rows.map((r) => shownText(r[i], c.type)), { max: MAX_COLUMN_WIDTH, headerExtra: isReadme ? 2 : 4 });
      return {
        header: c.header,
        key: `c${i}`,
        width: fit.width,
        style: { numFmt: NUM_FMT[c.type], ...(fit.wraps ? { alignment: { wrapText: true, vertical: 'top' as const } } : {}) },
      };
    });
    const header = ws.getRow(1);
    header.font = { bold: true };
    t.columns.forEach((c, i) => {
      const cell = header.getCell(i + 1);
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
      if (!isReadme && c.meaning) cell.note = c.meaning;
    });
    for (const r of t.rows) {
      const row = ws.addRow(r.map((v, i) => xlsxValue(v, t.columns[i].type)));
      if (isReadme && r[0] === '工作表 / 列名') row.font = { bold: true };
    }
    if (!isReadme && t.columns.length > 0) {
      ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: t.columns.length } };
    }
  }
  await writeWorkbookFile(wb, file, new Date(dataAsOf));
}

/** One CSV cell: numbers as digits, text through toSheetText (a leading `'` before `=`, `+`, `-`, `@`). */
function csvValue(v: ExportCell): string {
  if (v === null) return '';
  const safe = toSheetText(v);
  return typeof safe === 'number' ? String(safe) : safe;
}

/** The CSV text of one tab (header + rows). */
export function tabToCsvRecords(t: ExportTab): string[][] {
  return [t.columns.map((c) => c.header), ...t.rows.map((r) => r.map(csvValue))];
}
