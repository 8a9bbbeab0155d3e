// `sibao coverage FILE… [--at DATE] [--profile PATH] [--json]`: whitelist coverage per sector from
// whitelist + sector_total (+ sector_target) rows. Invalid rows are left out and counted on stderr.
// Whitelist rows are checked and summed as they are read (memory flat in the row count).

import { CoverageTally, coverageFromSums, type CoverageReport } from '../../domain/reports/coverage.js';
import { shanghaiDate } from '../../domain/time/time.js';
import type { SectorTarget, SectorTotalRow, WhitelistRow } from '../../domain/rows/types.js';
import { boolFlag, dateFlag, parseArgs, stringFlag, UsageError } from '../args.js';
import { argSpecOf, commandHelp } from './spec.js';
import { formatAmount, formatPercent, renderTable } from '../format.js';
import { checkedTables } from './validate.js';
import { tableLabel } from '../files.js';

export const HELP = commandHelp('coverage');

export function renderCoverage(report: CoverageReport): string {
  const rows = report.sectors.map((s) => [
    s.sector,
    formatAmount(s.covered),
    formatAmount(s.total),
    formatPercent(s.coverage),
    formatPercent(s.target, 0),
    formatAmount(s.gap),
    String(s.count),
    s.error ? (s.message ?? s.error) : s.onTrack ? '已达标' : '未达标',
  ]);
  const o = report.overall;
  rows.push([
    '合计',
    formatAmount(o.covered),
    formatAmount(o.total),
    formatPercent(o.coverage),
    formatPercent(o.target, 0),
    formatAmount(o.gap),
    String(o.count),
    o.error === 'incomplete' ? '部分领域无法计算' : o.onTrack ? '已达标' : '未达标',
  ]);
  return `白名单覆盖率（统计日 ${report.at}，金额单位：万元）\n${renderTable(
    ['领域', '已纳入', '领域总量', '覆盖率', '目标', '缺口', '企业数', '情况'],
    rows,
    { right: [1, 2, 3, 4, 5, 6], wrap: [7] },
  )}`;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, argSpecOf('coverage'));
  if (boolFlag(args, 'help')) {
    console.log(HELP);
    return 0;
  }
  if (args.positionals.length === 0) throw new UsageError('请给出白名单和领域总量文件，例如：sibao coverage 白名单.csv 领域总量.csv');
  const at = dateFlag(stringFlag(args, 'at'), 'at', () => shanghaiDate(Date.now()));
  const profilePath = stringFlag(args, 'profile');
  const profile = profilePath ? (await (await import('../profile-files.js')).loadProfile(profilePath)).profile : undefined;
  // Duplicate codes are the check's (validation marks them): the tally need not keep the codes again.
  const tally = new CoverageTally(at, { dedupe: false });
  const totals: SectorTotalRow[] = [];
  const targets: SectorTarget[] = [];
  let skipped = 0;
  let whitelists = 0;
  for await (const { table, header, results } of checkedTables(args.positionals, { profile })) {
    if (table.kind === 'whitelist') whitelists++;
    // An unusable header: the table is not counted (sibao validate shows the same problems).
    for (const e of header.errors) console.error(`${tableLabel(table)}：表头有误，未计入：${e.message}（${e.code}）`);
    for await (const batch of results()) {
      for (const r of batch) {
        if (!r.ok || r.value === undefined) {
          skipped++;
          continue;
        }
        // The check gave each table's rows the values of its own kind.
        if (table.kind === 'whitelist') tally.add(r.value as WhitelistRow);
        else if (table.kind === 'sector_total') totals.push(r.value as SectorTotalRow);
        else if (table.kind === 'sector_target') targets.push(r.value as SectorTarget);
      }
    }
  }
  if (whitelists === 0) throw new UsageError('没有白名单数据：请给出白名单文件（或含“白名单”工作表的工作簿）');
  const report = coverageFromSums(tally, { totals, targets: targets.length > 0 ? targets : profile?.sectorTargets, at });
  if (boolFlag(args, 'json')) process.stdout.write(`${JSON.stringify(report)}\n`);
  else console.log(renderCoverage(report));
  if (skipped > 0) console.error(`\n已跳过 ${skipped} 行无效数据（用 sibao validate 查看原因）`);
  return 0;
}
