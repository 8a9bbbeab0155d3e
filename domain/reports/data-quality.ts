// Data-quality checks for the Friday digest (SPEC §4 "data-quality warnings"). Pure; each check is
// exported on its own and checkDataQuality runs them all. Every warning carries a stable `code`, a
// severity and a Chinese message that names the enterprise (name and code) or the sector.
//
// - covered_exceeds_total / no_total: from the coverage report (a covered sum above the sector total
//   is a data error, never "120%").
// - duplicate_code: one code on more than one whitelist row (across sectors: the class sheets cannot
//   see each other, so only the county-wide view catches it; coverage counts the code once).
// - value_jump: 产值或投资额 changed by more than half (default 50%) against last week's snapshot value
//   of the same code (a previous value of 0 has no ratio and is not compared).
// - back_dated: a row edit whose effective date (纳入日期 / 移出日期) lies more than 7 days before the
//   day of the edit: it silently rewrites past weeks' coverage.
// - calendar_unverified: issues whose deadlines were counted Monday–Friday because the year is not
//   covered by the national calendar or 节假日调整 (buildDigest adds it from the issue warnings).

import type { Sector } from '../rows/kinds.js';
import type { CoverageReport } from './coverage.js';
import { addDays, isIsoDate, shanghaiDate } from '../time/time.js';
import type { WhitelistRow } from '../rows/types.js';

export type DataQualityCode =
  | 'covered_exceeds_total'
  | 'no_total'
  | 'duplicate_code'
  | 'value_jump'
  | 'back_dated'
  | 'calendar_unverified'
  | 'bounced_address';

export interface DataQualityWarning {
  code: DataQualityCode;
  /** `error`: a figure in the digest is wrong because of it; `warning`: needs checking. */
  severity: 'error' | 'warning';
  sector?: Sector;
  /** The enterprise/project code, issue ids or other reference the warning is about. */
  ref?: string;
  /** 名称 of the enterprise/project, when known. */
  name?: string;
  message: string;
}

/** A stored edit of a whitelist row: when it was made and the date it takes effect from. */
export interface RowEdit {
  code: string;
  /** Epoch ms of the edit (sync time). */
  editedAt: number;
  /** `YYYY-MM-DD`: the 纳入日期 or 移出日期 the edit set. */
  effectiveDate: string;
  /** Column the date is in (default 纳入日期). */
  column?: string;
}

export interface DataQualityInput {
  /** Current whitelist rows of every sector. */
  whitelist: readonly WhitelistRow[];
  /** Coverage at the digest day (for covered_exceeds_total / no_total). */
  coverage?: CoverageReport;
  /** Last week's 产值或投资额 per code (CoverageSnapshot.values). */
  previousValues?: Readonly<Record<string, number>>;
  /** Edits of whitelist rows made in the digest week. */
  edits?: readonly RowEdit[];
  /** Relative change above which a value is flagged (default 0.5). */
  jumpRatio?: number;
  /** Days an effective date may precede its edit (default 7). */
  backDateDays?: number;
}

const normCode = (code: string): string => code.trim().toUpperCase();
const label = (name: string | undefined, code: string): string => (name ? `「${name}」（${code}）` : `（${code}）`);

/** Sectors whose whitelist sum exceeds the total, or that have no total. */
export function coverageWarnings(report: CoverageReport): DataQualityWarning[] {
  const out: DataQualityWarning[] = [];
  for (const s of report.sectors) {
    if (s.error === 'covered_exceeds_total') {
      out.push({
        code: 'covered_exceeds_total',
        severity: 'error',
        sector: s.sector,
        ref: s.sector,
        message: `${s.sector}：白名单产值或投资额合计 ${s.covered} 万元超过领域总量 ${s.total} 万元（统计期 ${s.period ?? '—'}），覆盖率无法计算，请核对金额单位或领域总量`,
      });
    } else if (s.error === 'no_total' && s.count > 0) {
      out.push({
        code: 'no_total',
        severity: 'error',
        sector: s.sector,
        ref: s.sector,
        message: `${s.sector}：已有 ${s.count} 家白名单企业（项目），但没有 ${report.at.slice(0, 7)} 及以前统计期的领域总量，覆盖率无法计算，请在「领域总量」中录入`,
      });
    }
  }
  return out;
}

/** Codes that appear on more than one whitelist row. */
export function duplicateCodes(rows: readonly WhitelistRow[]): DataQualityWarning[] {
  const groups = new Map<string, WhitelistRow[]>();
  for (const r of rows) {
    const code = normCode(r.code);
    if (!code) continue;
    const list = groups.get(code) ?? [];
    list.push(r);
    groups.set(code, list);
  }
  const out: DataQualityWarning[] = [];
  for (const [code, list] of groups) {
    if (list.length < 2) continue;
    const sectors = [...new Set(list.map((r) => r.sector))];
    const names = [...new Set(list.map((r) => r.name))];
    const where =
      sectors.length > 1
        ? `同时出现在${sectors.map((s) => `「${s}」`).join('、')}白名单中`
        : `在「${sectors[0]}」白名单中出现 ${list.length} 次`;
    out.push({
      code: 'duplicate_code',
      severity: 'error',
      sector: sectors[0],
      ref: code,
      name: names[0],
      message: `代码 ${code}（${names.join(' / ')}）${where}；覆盖率只计一次，请由相关专班核实后保留一条`,
    });
  }
  return out;
}

/** Rows whose 产值或投资额 changed by more than `ratio` of last week's value. */
export function valueJumps(
  rows: readonly WhitelistRow[],
  previous: Readonly<Record<string, number>>,
  ratio = 0.5,
): DataQualityWarning[] {
  const out: DataQualityWarning[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    if (r.status === '已移出') continue;
    const code = normCode(r.code);
    if (seen.has(code)) continue;
    seen.add(code);
    const before = previous[code];
    if (before === undefined || !(before > 0)) continue;
    const change = (r.value - before) / before;
    if (Math.abs(change) <= ratio) continue;
    const pct = `${change > 0 ? '+' : ''}${Math.round(change * 1000) / 10}%`;
    out.push({
      code: 'value_jump',
      severity: 'warning',
      sector: r.sector,
      ref: code,
      name: r.name,
      message: `${label(r.name, code)}产值或投资额由上周 ${before} 万元变为 ${r.value} 万元（${pct}），一周内变动超过 ${Math.round(ratio * 100)}%，请核实是否录入有误（如按元填报）`,
    });
  }
  return out;
}

/** Edits whose effective date lies more than `days` days before the day of the edit. */
export function backDatedEdits(edits: readonly RowEdit[], rows: readonly WhitelistRow[], days = 7): DataQualityWarning[] {
  const byCode = new Map(rows.map((r) => [normCode(r.code), r]));
  const out: DataQualityWarning[] = [];
  for (const e of edits) {
    if (!isIsoDate(e.effectiveDate)) continue;
    const editDay = shanghaiDate(e.editedAt);
    if (e.effectiveDate >= addDays(editDay, -days)) continue;
    const code = normCode(e.code);
    const row = byCode.get(code);
    const column = e.column ?? '纳入日期';
    out.push({
      code: 'back_dated',
      severity: 'warning',
      ...(row ? { sector: row.sector, name: row.name } : {}),
      ref: code,
      message: `${label(row?.name, code)}于 ${editDay} 修改，${column}填为 ${e.effectiveDate}，早于修改日超过 ${days} 天，会改变以往各周的覆盖率，请核实`,
    });
  }
  return out;
}

/** Every check, errors first, then by code and reference. */
export function checkDataQuality(input: DataQualityInput): DataQualityWarning[] {
  const out = [
    ...(input.coverage ? coverageWarnings(input.coverage) : []),
    ...duplicateCodes(input.whitelist),
    ...(input.previousValues ? valueJumps(input.whitelist, input.previousValues, input.jumpRatio) : []),
    ...(input.edits ? backDatedEdits(input.edits, input.whitelist, input.backDateDays) : []),
  ];
  return sortWarnings(out);
}

/** A mail address SES reported as bounced or complained about (functions/bounce.ts records them). */
export interface ProblemAddress {
  email: string;
  /** bounced = permanent bounce, complained = marked as spam, soft = transient bounces only. */
  status: 'bounced' | 'complained' | 'soft';
  count: number;
  /** Shanghai day of the last notification. */
  lastOn: string;
  /** Units whose 联系邮箱 lists the address (names). */
  units?: readonly string[];
}

/** bounced_address: permanent bounces and complaints are no longer mailed; the contact must be fixed. */
export function addressWarnings(list: readonly ProblemAddress[]): DataQualityWarning[] {
  return list
    .filter((a) => a.status !== 'soft')
    .map((a) => {
      const who = a.units && a.units.length ? `（${a.units.join('、')}的联系邮箱）` : '';
      const what = a.status === 'complained' ? `收件人将系统邮件标记为垃圾邮件（${a.count} 次）` : `邮件被永久退回（${a.count} 次）`;
      return {
        code: 'bounced_address' as const,
        severity: 'warning' as const,
        ref: a.email,
        message: `邮箱 ${a.email}${who}${what}，最近一次 ${a.lastOn}；系统已停止向该地址发信，请在「责任单位」或「工作专班」表中更正联系邮箱`,
      };
    });
}

const SEVERITY_ORDER = { error: 0, warning: 1 } as const;

export function sortWarnings(list: readonly DataQualityWarning[]): DataQualityWarning[] {
  return [...list].sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
      ((a.ref ?? '') < (b.ref ?? '') ? -1 : (a.ref ?? '') > (b.ref ?? '') ? 1 : 0),
  );
}
