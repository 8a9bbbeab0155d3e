// `sibao validate FILE… [--kind KIND] [--profile PATH] [--json]`: validates rows of .csv/.xlsx
// files without any service. Exit 0 all valid, 1 some invalid, 2 unusable input.

import { KINDS, type RowKind } from '../../domain/rows/kinds.js';
import { MSG } from '../../domain/rows/messages.js';
import type { Profile, RowOf, RowResult } from '../../domain/rows/types.js';
import { validateRows } from '../../domain/rows/validate.js';
import { boolFlag, parseArgs, stringFlag, UsageError } from '../args.js';
import { argSpecOf, commandHelp } from './spec.js';
import { readAllTables, sectorHint, tableLabel, type Table } from '../files.js';
import { renderTable } from '../format.js';

export const HELP = commandHelp('validate');

/** The results of one table, typed by its kind (narrow on `kind` to read the rows' values). */
export type TableResult = { [K in RowKind]: { kind: K; table: Table; results: RowResult<RowOf<K>>[] } }[RowKind];

export interface ValidateOptions {
  profile?: Profile;
}

const codeKey = (v: unknown): string | undefined =>
  typeof v === 'string' || typeof v === 'number' ? String(v).replace(/\s+/g, '').toUpperCase() || undefined : undefined;

/**
 * Validate every table. Whitelist tables go first: their codes are unique across all of them (a
 * code in two files is a `duplicate`), and issue tables are checked against them (`not_on_whitelist`).
 * Results come back in the order of `tables`.
 */
export function validateTables(tables: readonly Table[], opts: ValidateOptions = {}): TableResult[] {
  const out = new Map<Table, RowResult[]>();
  const whitelists = tables.filter((t) => t.kind === 'whitelist');
  const known = new Set<string>();
  const firstSeen = new Map<string, { label: string; row: number }>();
  for (const t of whitelists) {
    const results = validateRows('whitelist', t.rows, { profile: opts.profile, sector: sectorHint(t.file) });
    results.forEach((r, i) => {
      const code = r.value?.code ?? codeKey(t.rows[i]?.values['统一社会信用代码']);
      if (!code) return;
      const key = code.toUpperCase();
      known.add(key);
      const first = firstSeen.get(key);
      if (!first) {
        firstSeen.set(key, { label: tableLabel(t), row: r.row });
      } else if (first.label !== tableLabel(t)) {
        // Duplicates inside one file are the domain's; across files they are found here.
        const column = '统一社会信用代码';
        r.errors.push({ column, code: 'duplicate', message: `${MSG.duplicate(column, code, first.row)}（${first.label}）` });
        r.ok = false;
        delete r.value;
      }
    });
    out.set(t, results);
  }
  for (const t of tables) {
    if (t.kind === 'whitelist') continue;
    const ctx = t.kind === 'issue' && whitelists.length > 0 ? { profile: opts.profile, knownCodes: known } : { profile: opts.profile, sector: sectorHint(t.file) };
    out.set(t, validateRows(t.kind, t.rows, ctx));
  }
  // validateRows(t.kind, …) gave each table the rows of its own kind: the pairing the type states.
  return tables.map((table) => ({ kind: table.kind, table, results: out.get(table)! }) as TableResult);
}

export interface ValidateJson {
  files: {
    file: string;
    sheet?: string;
    kind: RowKind;
    rows: ({ row: number; ok: true; warnings: unknown[] } | { row: number; ok: false; errors: unknown[]; warnings: unknown[] })[];
  }[];
  valid: number;
  invalid: number;
}

export function toJson(results: readonly TableResult[]): ValidateJson {
  let valid = 0;
  let invalid = 0;
  const files = results.map(({ table, results: rows }) => ({
    file: table.file,
    ...(table.sheet ? { sheet: table.sheet } : {}),
    kind: table.kind,
    rows: rows.map((r) => {
      if (r.ok) {
        valid++;
        return { row: r.row, ok: true as const, warnings: r.warnings };
      }
      invalid++;
      return { row: r.row, ok: false as const, errors: r.errors, warnings: r.warnings };
    }),
  }));
  return { files, valid, invalid };
}

/** The human report: per file a table of row, column, Chinese message and code, then a summary. */
export function toText(results: readonly TableResult[]): string {
  const parts: string[] = [];
  let valid = 0;
  let invalid = 0;
  for (const { table, results: rows } of results) {
    const bad = rows.filter((r) => !r.ok).length;
    valid += rows.length - bad;
    invalid += bad;
    const lines: string[][] = [];
    for (const r of rows) {
      for (const e of r.errors) lines.push([String(r.row), e.column, `错误：${e.message}`, String(e.code)]);
      for (const w of r.warnings) lines.push([String(r.row), w.column ?? '', `提示：${w.message}`, w.code]);
    }
    const head = `${tableLabel(table)}（${KINDS[table.kind].tab}）：${rows.length} 行，有效 ${rows.length - bad} 行，无效 ${bad} 行`;
    parts.push(lines.length === 0 ? `${head}  全部通过 ✓` : `${head}\n${renderTable(['行', '列', '说明', '代码'], lines, { right: [0], wrap: [2] })}`);
  }
  parts.push(`共 ${valid + invalid} 行：有效 ${valid} 行，无效 ${invalid} 行`);
  return parts.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, argSpecOf('validate'));
  if (boolFlag(args, 'help')) {
    console.log(HELP);
    return 0;
  }
  if (args.positionals.length === 0) throw new UsageError('请给出要校验的文件，例如：sibao validate 白名单.csv');
  const profilePath = stringFlag(args, 'profile');
  const profileFiles = profilePath ? await import('../profile-files.js') : undefined;
  const loaded = profilePath ? await profileFiles!.loadProfile(profilePath) : undefined;
  if (loaded) {
    const problems = profileFiles!.profileProblemLines(loaded);
    if (problems.length > 0) console.error(`配置 ${loaded.path} 有 ${problems.length} 处问题：\n${problems.map((l) => `  ${l}`).join('\n')}`);
  }
  const tables = await readAllTables(args.positionals, { kind: stringFlag(args, 'kind') });
  const results = validateTables(tables, { profile: loaded?.profile });
  const json = toJson(results);
  if (boolFlag(args, 'json')) process.stdout.write(`${JSON.stringify(json)}\n`);
  else console.log(toText(results));
  return json.invalid > 0 ? 1 : 0;
}
