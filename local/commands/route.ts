// `sibao route FILE… --profile PATH [--at DATETIME] [--json]`: routes issue rows with the profile's
// routing rules and prints the responsible unit, the units copied and the deadlines.

import { CalendarError, createCalendar } from '../../domain/time/calendar.js';
import { RoutingError, routeIssue } from '../../domain/issues/routing.js';
import { shanghaiDateTime } from '../../domain/time/time.js';
import type { RowError, RowWarning } from '../../domain/rows/types.js';
import { basename } from 'node:path';
import { boolFlag, instantFlag, parseArgs, stringFlag, UsageError } from '../args.js';
import { argSpecOf, commandHelp } from './spec.js';
import { readAllTables, tableLabel } from '../files.js';
import { renderTable } from '../format.js';
import { loadProfile, profileProblemLines } from '../profile-files.js';
import { validateTables } from './validate.js';

export const HELP = commandHelp('route');

export interface RoutedJson {
  file: string;
  row: number;
  unit: string;
  also: string[];
  how: string;
  signBy: string;
  feedbackBy: string;
  resolveBy: string;
  warnings?: RowWarning[];
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, argSpecOf('route'));
  if (boolFlag(args, 'help')) {
    console.log(HELP);
    return 0;
  }
  if (args.positionals.length === 0) throw new UsageError('请给出问题诉求文件，例如：sibao route 问题诉求.csv --profile examples/profile');
  const profilePath = stringFlag(args, 'profile');
  if (!profilePath) throw new UsageError('route 需要县配置：请加 --profile 配置目录（如 examples/profile）');
  const at = instantFlag(stringFlag(args, 'at'), 'at', Date.now);
  const loaded = await loadProfile(profilePath);
  const problems = profileProblemLines(loaded);
  if (problems.length > 0) console.error(`配置 ${loaded.path} 有 ${problems.length} 处问题：\n${problems.map((l) => `  ${l}`).join('\n')}`);
  let calendar;
  try {
    calendar = createCalendar(loaded.profile.calendarOverrides);
  } catch (err) {
    if (err instanceof CalendarError) throw new UsageError(err.message, 'calendar');
    throw err;
  }
  const tables = await readAllTables(args.positionals);
  if (!tables.some((t) => t.kind === 'issue')) throw new UsageError('没有问题诉求数据：请给出问题诉求文件（或含“问题诉求”工作表的工作簿）');
  const results = validateTables(tables, { profile: loaded.profile });
  const issues: RoutedJson[] = [];
  const invalid: { file: string; row: number; errors: RowError[] }[] = [];
  for (const tr of results) {
    if (tr.kind !== 'issue') continue;
    const { table, results: rows } = tr;
    for (const r of rows) {
      if (!r.ok || r.value === undefined) {
        invalid.push({ file: tableLabel(table), row: r.row, errors: r.errors });
        continue;
      }
      try {
        const routed = routeIssue(r.value, loaded.profile, at, calendar);
        const warnings = [...r.warnings, ...routed.warnings];
        issues.push({
          file: tableLabel(table),
          row: r.row,
          unit: routed.unit,
          also: routed.also,
          how: routed.how,
          signBy: routed.signBy,
          feedbackBy: routed.feedbackBy,
          resolveBy: routed.resolveBy,
          ...(warnings.length > 0 ? { warnings } : {}),
        });
      } catch (err) {
        if (!(err instanceof RoutingError)) throw err;
        invalid.push({ file: tableLabel(table), row: r.row, errors: [{ column: err.column ?? '指定责任单位', code: err.code, message: err.message }] });
      }
    }
  }
  if (boolFlag(args, 'json')) {
    process.stdout.write(`${JSON.stringify({ at: shanghaiDateTime(at), issues, ...(invalid.length > 0 ? { invalid } : {}) })}\n`);
    return 0;
  }
  const names = new Map(loaded.profile.units.map((u) => [u.code, u.name]));
  const unitName = (code: string) => names.get(code) ?? code;
  const HOW: Record<string, string> = { manual: '指定', rule: '规则', sector_lead: '领域牵头', triage: '综合协调' };
  const manyFiles = new Set(issues.map((i) => i.file)).size > 1;
  const lines = issues.map((i) => [
    ...(manyFiles ? [basename(i.file)] : []),
    String(i.row),
    unitName(i.unit),
    i.also.map(unitName).join('、'),
    HOW[i.how] ?? i.how,
    i.signBy,
    i.feedbackBy,
    i.resolveBy,
    (i.warnings ?? []).map((w) => w.message).join('；'),
  ]);
  console.log(`问题分派（分派时间 ${shanghaiDateTime(at)}，北京时间）`);
  const headers = ['行', '责任单位', '抄送', '依据', '签收时限', '反馈时限', '办结时限', '提示'];
  console.log(renderTable(manyFiles ? ['文件', ...headers] : headers, lines, { right: [manyFiles ? 1 : 0], wrap: manyFiles ? [3, 8] : [2, 7] }));
  if (invalid.length > 0) {
    console.log(`\n未分派 ${invalid.length} 行（数据有误）：`);
    console.log(
      renderTable(
        ['文件', '行', '列', '说明', '代码'],
        invalid.flatMap((x) => x.errors.map((e) => [x.file, String(x.row), e.column, e.message, String(e.code)])),
        { right: [1], wrap: [3] },
      ),
    );
  }
  console.log(`\n共 ${issues.length + invalid.length} 条：已分派 ${issues.length} 条，未分派 ${invalid.length} 条`);
  return 0;
}
