// `sibao validate FILE… [--kind KIND] [--profile PATH] [--json]`: validates rows of .csv/.xlsx
// files without any service. The header row is checked first (domain/rows/headers.ts, as the server
// and the add-on check it): a misspelled or missing column is a file-level error and that file's rows
// are not validated; headers equal after folding are read as their column; other unknown headers are
// one `extra_column` warning per file. Exit 0 all valid, 1 some invalid (or a file-level error), 2
// unusable input.

import { basename, extname } from 'node:path';
import { checkHeaders, renameCells, type HeaderProblem } from '../../domain/rows/headers.js';
import { KINDS, kindFromName, type RowKind } from '../../domain/rows/kinds.js';
import { MSG } from '../../domain/rows/messages.js';
import type { Profile, RawRow, RowOf, RowResult } from '../../domain/rows/types.js';
import { rowValidator } from '../../domain/rows/validate.js';
import { boolFlag, parseArgs, stringFlag, UsageError } from '../args.js';
import { argSpecOf, commandHelp } from './spec.js';
import { kindFromFileName, openCsv, sectorHint, sheetNames, streamTables, tableLabel, type Table, type TableStream } from '../files.js';
import { renderTable } from '../format.js';

export const HELP = commandHelp('validate');

/** The results of one table, typed by its kind (narrow on `kind` to read the rows' values). */
export type TableResult = { [K in RowKind]: { kind: K; table: Table; results: RowResult<RowOf<K>>[] } }[RowKind];

export interface ValidateOptions {
  profile?: Profile;
}

const codeKey = (v: unknown): string | undefined =>
  typeof v === 'string' || typeof v === 'number' ? String(v).replace(/\s+/g, '').toUpperCase() || undefined : undefined;

type TableRef = Pick<Table, 'file' | 'sheet' | 'kind'>;

/**
 * The checks of one `sibao validate` run across its tables. Whitelist codes are unique across all
 * whitelist tables (a code in a second table is a `duplicate` naming where it was first), and issue
 * rows are checked against every whitelist's codes (`not_on_whitelist`): `known` must hold them all
 * before an issue table is checked. Only what the run needs is kept (a code set costs memory in
 * proportion to the rows).
 */
export class ValidationRun {
  /** Codes of the whitelist rows checked so far (or collected beforehand). */
  readonly known = new Set<string>();
  /** Where each whitelist code was first seen: table number and row (only with several whitelist tables). */
  private readonly firstSeen = new Map<string, number>();
  private readonly labels: string[] = [];

  constructor(
    private readonly opts: ValidateOptions & {
      /** Issue rows are checked against `known` (there are whitelist tables). */
      issuesAgainstWhitelist: boolean;
      /** Keep where codes were first seen (more than one whitelist table). */
      acrossTables: boolean;
    },
  ) {}

  /** The row check of one table, in the order of its rows. `collect`: record whitelist codes only, no duplicate marks. */
  table(t: TableRef, collect = false): (raw: RawRow) => RowResult {
    const { profile } = this.opts;
    if (t.kind !== 'whitelist') {
      const ctx = t.kind === 'issue' && this.opts.issuesAgainstWhitelist ? { profile, knownCodes: this.known } : { profile, sector: sectorHint(t.file) };
      return rowValidator(t.kind, ctx);
    }
    const check = rowValidator('whitelist', { profile, sector: sectorHint(t.file) });
    const tableNo = this.labels.push(tableLabel(t)) - 1;
    const keepKnown = this.opts.issuesAgainstWhitelist;
    const across = this.opts.acrossTables && !collect;
    return (raw) => {
      const r = check(raw);
      const code = r.value?.code ?? codeKey(raw.values['统一社会信用代码']);
      if (!code) return r;
      const key = code.toUpperCase();
      if (keepKnown) this.known.add(key);
      if (!across) return r;
      const first = this.firstSeen.get(key);
      if (first === undefined) this.firstSeen.set(key, tableNo * 2 ** 32 + r.row);
      else if (Math.floor(first / 2 ** 32) !== tableNo) {
        // Duplicates inside one table are the domain's; across tables they are found here.
        const column = '统一社会信用代码';
        const label = this.labels[Math.floor(first / 2 ** 32)];
        r.errors.push({ column, code: 'duplicate', message: `${MSG.duplicate(column, code, first % 2 ** 32)}（${label}）` });
        r.ok = false;
        delete r.value;
      }
      return r;
    };
  }
}

/**
 * Validate every table. Whitelist tables go first: their codes are unique across all of them (a
 * code in two files is a `duplicate`), and issue tables are checked against them (`not_on_whitelist`).
 * Results come back in the order of `tables`.
 */
export function validateTables(tables: readonly Table[], opts: ValidateOptions = {}): TableResult[] {
  const whitelists = tables.filter((t) => t.kind === 'whitelist');
  const run = new ValidationRun({ ...opts, issuesAgainstWhitelist: whitelists.length > 0, acrossTables: whitelists.length > 1 });
  const out = new Map<Table, RowResult[]>();
  for (const t of [...whitelists, ...tables.filter((x) => x.kind !== 'whitelist')]) out.set(t, t.rows.map(run.table(t)));
  // run.table(t) checked each table's rows as its own kind: the pairing the type states.
  return tables.map((table) => ({ kind: table.kind, table, results: out.get(table)! }) as TableResult);
}

/** The shape of `sibao validate --json` (written as it goes: rows are never all in memory). */
export interface ValidateJson {
  files: {
    file: string;
    sheet?: string;
    kind: RowKind;
    rows: ({ row: number; ok: true; warnings: unknown[] } | { row: number; ok: false; errors: unknown[]; warnings: unknown[] })[];
    /** File-level header errors (unknown_header, missing_header): the rows were not validated. */
    errors?: { column: string; code: string; message: string }[];
    /** File-level header warnings (extra_column), once per file. */
    warnings?: { column: string; code: string; message: string }[];
  }[];
  valid: number;
  invalid: number;
}

/** A file-level header problem of ValidateJson.files[]. */
const problem = (p: HeaderProblem) => ({ column: p.column, code: p.code, message: p.message });

/** One row of ValidateJson.files[].rows, as JSON text. */
function rowJson(r: RowResult): string {
  const warnings = r.warnings.length === 0 ? '[]' : JSON.stringify(r.warnings);
  return r.ok ? `{"row":${r.row},"ok":true,"warnings":${warnings}}` : `{"row":${r.row},"ok":false,"errors":${JSON.stringify(r.errors)},"warnings":${warnings}}`;
}

/** Text to stdout, waiting when the pipe is full (a slow reader never makes us buffer the report). */
async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
}

/** The head line of a table in the text report. */
const tableHead = (t: TableRef, rows: number, bad: number) => `${tableLabel(t)}（${KINDS[t.kind].tab}）：${rows} 行，有效 ${rows - bad} 行，无效 ${bad} 行`;

/** The kinds of the tables of `files`, in order, as far as names tell (a CSV's header too); undefined when a tab is named by nothing. */
async function plannedKinds(files: readonly string[], kind: string | undefined): Promise<(RowKind | undefined)[]> {
  const out: (RowKind | undefined)[] = [];
  for (const f of files) {
    const ext = extname(f).toLowerCase();
    if (ext === '.xlsx' || ext === '.xlsm') {
      for (const name of await sheetNames(f)) out.push(kind ? kindFromName(kind) : kindFromFileName(name));
    } else if (kind) out.push(kindFromName(kind));
    else {
      const named = kindFromFileName(basename(f, extname(f)));
      // A CSV named by nothing: its header tells (the file is read again when it is checked).
      out.push(named ?? (await openCsv(f).then(async (t) => (await t.close(), t.kind)).catch(() => undefined)));
    }
  }
  return out;
}

/** A table of a checked run: its head, and its rows' results in batches (read them before the next table). */
export interface CheckedTable {
  table: TableRef;
  /** The header check (domain/rows/headers.ts): with errors, the rows are read but not checked (results() yields nothing). */
  header: { errors: HeaderProblem[]; warnings: HeaderProblem[] };
  results(): AsyncGenerator<RowResult[]>;
}

/**
 * The header check of a table being read and the row check under it: rows are read under their
 * columns' names (folded spellings renamed); undefined `check` when the header is unusable.
 */
function headerChecked(t: TableStream, check: () => (raw: RawRow) => RowResult): { header: CheckedTable['header']; check?: (raw: RawRow) => RowResult } {
  const c = checkHeaders(t.kind, t.headers);
  const header = { errors: c.errors, warnings: c.warnings };
  if (c.errors.length > 0) return { header };
  const rowCheck = check();
  if (c.rename.size === 0) return { header, check: rowCheck };
  return { header, check: (raw) => rowCheck({ ...raw, values: renameCells(raw.values, c.rename) }) };
}

/** Read the rest of a table's rows unchecked (the reader moves on to the next table after them). */
async function drain(t: TableStream): Promise<void> {
  for await (const _ of t.rows());
}

/**
 * The tables of `files`, each checked as its rows are read (sibao validate and coverage), so memory
 * stays flat in the row count. When an issue table comes before a whitelist table, the whitelist
 * codes are collected first in a pass that checks the whitelist tables without reporting.
 */
export async function* checkedTables(files: readonly string[], opts: ValidateOptions & { kind?: string }): AsyncGenerator<CheckedTable> {
  const kinds = await plannedKinds(files, opts.kind);
  const whitelists = kinds.filter((k) => k === 'whitelist' || k === undefined).length;
  const firstIssue = kinds.indexOf('issue');
  // Codes are kept only when an issue table may be checked against them (a tab named by nothing may be one).
  const issues = kinds.some((k) => k === 'issue' || k === undefined);
  const run = new ValidationRun({ ...opts, issuesAgainstWhitelist: whitelists > 0 && issues, acrossTables: whitelists > 1 });
  const read = { kind: opts.kind };
  if (firstIssue !== -1 && kinds.slice(firstIssue).some((k) => k === 'whitelist' || k === undefined)) {
    for (const f of files) {
      for await (const t of streamTables(f, read)) {
        if (t.kind !== 'whitelist') continue;
        const { check } = headerChecked(t, () => run.table(t, true));
        if (!check) await drain(t);
        else for await (const batch of t.rows()) for (const raw of batch) check(raw);
      }
    }
  }
  for (const f of files) {
    for await (const t of streamTables(f, read)) {
      const { header, check } = headerChecked(t, () => run.table(t));
      yield {
        table: t,
        header,
        async *results() {
          if (!check) return drain(t);
          for await (const batch of t.rows()) yield batch.map(check);
        },
      };
    }
  }
}

/**
 * `sibao validate`, streaming (checkedTables): rows are reported as they go (JSON) or per table
 * (text: the problem lines only).
 */
async function validateFiles(files: readonly string[], opts: ValidateOptions & { kind?: string; json: boolean }): Promise<{ valid: number; invalid: number; headerErrors: number }> {
  let valid = 0;
  let invalid = 0;
  let tables = 0;
  let headerErrors = 0;
  if (opts.json) await write('{"files":[');
  for await (const { table: t, header, results } of checkedTables(files, opts)) {
    let rows = 0;
    let bad = 0;
    const lines: string[][] = [];
    if (header.errors.length > 0) headerErrors++;
    if (opts.json) {
      const fileLevel = `${header.errors.length > 0 ? `,"errors":${JSON.stringify(header.errors.map(problem))}` : ''}${header.warnings.length > 0 ? `,"warnings":${JSON.stringify(header.warnings.map(problem))}` : ''}`;
      await write(`${tables > 0 ? ',' : ''}{"file":${JSON.stringify(t.file)}${t.sheet ? `,"sheet":${JSON.stringify(t.sheet)}` : ''},"kind":${JSON.stringify(t.kind)}${fileLevel},"rows":[`);
    } else if (header.errors.length > 0) {
      const problems = [...header.errors, ...header.warnings].map((e) => [e.column, e.message, e.code]);
      await write(`${tableLabel(t)}（${KINDS[t.kind].tab}）：表头有误，未校验数据行\n${renderTable(['列', '说明', '代码'], problems, { wrap: [1] })}\n`);
    } else for (const w of header.warnings) lines.push(['表头', w.column, `提示：${w.message}`, w.code]);
    tables++;
    for await (const batch of results()) {
      let text = '';
      for (const r of batch) {
        if (!r.ok) bad++;
        if (opts.json) text += (rows > 0 ? ',' : '') + rowJson(r);
        else {
          for (const e of r.errors) lines.push([String(r.row), e.column, `错误：${e.message}`, String(e.code)]);
          for (const w of r.warnings) lines.push([String(r.row), w.column ?? '', `提示：${w.message}`, w.code]);
        }
        rows++;
      }
      if (opts.json) await write(text);
    }
    valid += rows - bad;
    invalid += bad;
    if (opts.json) await write(']}');
    else if (header.errors.length === 0) {
      const head = tableHead(t, rows, bad);
      await write(`${lines.length === 0 ? `${head}  全部通过 ✓` : `${head}\n${renderTable(['行', '列', '说明', '代码'], lines, { right: [0], wrap: [2] })}`}\n`);
    }
  }
  if (opts.json) await write(`],"valid":${valid},"invalid":${invalid}}\n`);
  else await write(`共 ${valid + invalid} 行：有效 ${valid} 行，无效 ${invalid} 行\n`);
  return { valid, invalid, headerErrors };
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
  const { invalid, headerErrors } = await validateFiles(args.positionals, { profile: loaded?.profile, kind: stringFlag(args, 'kind'), json: boolFlag(args, 'json') });
  return invalid > 0 || headerErrors > 0 ? 1 : 0;
}
