// Loading a county profile (`--profile PATH`): a directory of configuration files named by tab
// (工作专班.csv, 责任单位.csv, …) or one workbook with those tabs. Missing 办理时限 means the 13710
// default. The tables go through buildProfile; row errors and profile problems come back for the
// CLI to print in Chinese.

import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { CONFIG_KINDS, KINDS, type RowKind } from '../domain/rows/kinds.js';
import { buildProfile } from '../domain/rows/profile.js';
import type { Profile, ProfileProblem, RawRow, RowResult } from '../domain/rows/types.js';
import { UsageError } from './args.js';
import { kindFromFileName, readCsvFile, readXlsxFile, type Table } from './files.js';

export interface LoadedProfile {
  path: string;
  profile: Profile;
  results: Partial<Record<RowKind, RowResult[]>>;
  problems: ProfileProblem[];
  tables: Table[];
}

async function profileTables(path: string): Promise<Table[]> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch {
    throw new UsageError(`找不到配置（--profile）：${path}`, 'file_missing');
  }
  if (!isDir) {
    const ext = extname(path).toLowerCase();
    if (ext !== '.xlsx') throw new UsageError(`配置（--profile）应为一个目录或一个 .xlsx 工作簿：${path}`, 'unsupported_type');
    return readXlsxFile(path, { kinds: CONFIG_KINDS });
  }
  const names = (await readdir(path)).sort();
  const tables: Table[] = [];
  for (const name of names) {
    const ext = extname(name).toLowerCase();
    const file = join(path, name);
    if (ext === '.csv') {
      const kind = kindFromFileName(basename(name, ext));
      if (kind && !CONFIG_KINDS.includes(kind)) continue;
      const t = await readCsvFile(file, kind ? { kind } : {});
      if (CONFIG_KINDS.includes(t.kind)) tables.push(t);
    } else if (ext === '.xlsx' && !name.startsWith('~$')) {
      try {
        tables.push(...(await readXlsxFile(file, { kinds: CONFIG_KINDS })));
      } catch (err) {
        if (err instanceof UsageError && err.code === 'unknown_kind') continue;
        throw err;
      }
    }
  }
  if (tables.length === 0) {
    const expected = CONFIG_KINDS.map((k) => `${KINDS[k].tab}.csv`).join('、');
    throw new UsageError(`配置目录 ${path} 中没有配置表（应有 ${expected}）`, 'no_profile');
  }
  return tables;
}

/** Load and build a profile from a directory or workbook. */
export async function loadProfile(path: string): Promise<LoadedProfile> {
  const tables = await profileTables(path);
  const byKind: Partial<Record<RowKind, RawRow[]>> = {};
  for (const t of tables) (byKind[t.kind] ??= []).push(...t.rows);
  const built = buildProfile(byKind);
  return { path, profile: built.profile, results: built.results, problems: built.problems, tables };
}

/** Chinese lines for every invalid configuration row and every profile problem (deduplicated). */
export function profileProblemLines(loaded: LoadedProfile): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  const add = (kind: RowKind, row: number | undefined, column: string | undefined, code: string, message: string) => {
    const key = `${kind}|${row ?? ''}|${column ?? ''}|${code}|${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    const where = [KINDS[kind]?.tab ?? kind, row ? `第 ${row} 行` : '', column ? `“${column}”` : ''].filter(Boolean).join(' ');
    lines.push(`${where}：${message}（${code}）`);
  };
  for (const kind of Object.keys(loaded.results) as RowKind[]) {
    for (const r of loaded.results[kind] ?? []) {
      for (const e of r.errors) add(kind, r.row, e.column, String(e.code), e.message);
    }
  }
  for (const p of loaded.problems) add(p.kind, p.row, p.column, p.code, p.message);
  return lines;
}
