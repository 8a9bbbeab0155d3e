// The header check (SPEC §7.1, §7.8), shared by the add-on (its sidebar refuses to sync the tab),
// the CLI (`sibao validate`: a file-level error, exit 1; `sibao import`: nothing sent, exit 2) and
// the server (`headers` in POST /v1/sync). Given the header row of a tab and its kind:
// - a header equal to a column after folding (spaces and punctuation removed, full-width folded,
//   `(` = `（`, case) IS that column: its cells are read under the column's name (`rename`);
// - `_`-prefixed headers (the add-on's hidden columns) and 序号/行号 are ignored;
// - a header that is not a column but close to an absent one — a known synonym (联系方式 for 联系电话)
//   or, after folding, at edit distance 1 (columns of ≤ 4 characters) or 2 (longer ones) — is the
//   error `unknown_header` naming the column it probably means;
// - a required column that is absent (and not named by an `unknown_header`) is `missing_header`;
// - any other header is kept as an extra column, with the warning `extra_column` (once per file).
// The kind's columns are the table's (table.ts), system columns and the §7 columns still `planned`
// included: every column of the contract is known.
import { KINDS, type RowKind } from './kinds.js';
import { toHalfWidth } from './normalize.js';
import { SCHEMAS } from './schemas.js';
import { ROW_TABLE } from './table.js';

export type HeaderCode = 'unknown_header' | 'missing_header' | 'extra_column';

export interface HeaderProblem {
  /** The header as found (unknown_header, extra_column) or the missing column (missing_header). */
  column: string;
  code: HeaderCode;
  /** Chinese: names the header, what is wrong, what to do. */
  message: string;
  /** unknown_header: the column it probably means. */
  probable?: string;
}

export interface HeaderCheck {
  /** Headers spelled differently from their column (after folding they are equal): found → column. */
  rename: Map<string, string>;
  /** unknown_header and missing_header: the tab or file is unusable (nothing may be sent). */
  errors: HeaderProblem[];
  /** extra_column, once per header. */
  warnings: HeaderProblem[];
}

const FOLD_DROP = /[\s\p{P}\p{S}]/gu;

/** A header folded for comparison: half-width, without spaces and punctuation, lower case. */
export function foldHeader(header: string): string {
  return toHalfWidth(header).replace(FOLD_DROP, '').toLowerCase();
}

/** Headers that are never columns and never reported. */
const IGNORED = new Set(['序号', '行号']);

/**
 * Known synonyms (folded) → the columns they usually mean, in order of preference: the first that is
 * a column of the kind (and not itself one) is the probable column.
 */
const SYNONYMS: Record<string, readonly string[]> = {
  联系方式: ['联系电话'],
  电话: ['联系电话'],
  电话号码: ['联系电话'],
  联系电话号码: ['联系电话'],
  手机: ['联系电话'],
  手机号: ['联系电话'],
  手机号码: ['联系电话'],
  邮箱: ['联系邮箱'],
  电子邮箱: ['联系邮箱', '邮箱'],
  电子邮件: ['联系邮箱', '邮箱'],
  email: ['联系邮箱', '邮箱'],
  负责人: ['联系人'],
  信用代码: ['统一社会信用代码'],
  统一代码: ['统一社会信用代码'],
  社会信用代码: ['统一社会信用代码'],
  企业代码: ['统一社会信用代码', '反映企业代码', '被检查企业代码'],
  企业名称: ['名称'],
  乡镇: ['所在乡镇'],
  所在乡镇街道: ['所在乡镇'],
  领域: ['所属领域'],
  行业: ['所属领域'],
  产值: ['产值或投资额（万元）'],
  投资额: ['产值或投资额（万元）'],
  产值或投资额: ['产值或投资额（万元）'],
  职工人数: ['员工人数'],
  人数: ['员工人数'],
  问题内容: ['问题描述'],
  诉求内容: ['问题描述'],
  责任部门: ['指定责任单位', '责任单位'],
};

/** Levenshtein distance over code points, stopping early above `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > max) return max + 1;
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
      if (cur[j] < best) best = cur[j];
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[y.length];
}

interface KindHeaders {
  /** Every known column (input, system and planned), by folded form. */
  byFold: Map<string, string>;
  /** Columns a near miss may mean: the input columns and the planned ones. */
  candidates: { header: string; fold: string }[];
  required: string[];
}

const CACHE = new Map<RowKind, KindHeaders>();

function kindHeaders(kind: RowKind): KindHeaders {
  let k = CACHE.get(kind);
  if (!k) {
    const planned: readonly string[] = (ROW_TABLE[kind] as { planned?: readonly string[] }).planned ?? [];
    const known = [...KINDS[kind].headers, ...planned];
    const system = new Set(KINDS[kind].system);
    k = {
      byFold: new Map(known.map((h) => [foldHeader(h), h])),
      candidates: known.filter((h) => !system.has(h)).map((header) => ({ header, fold: foldHeader(header) })),
      required: SCHEMAS[kind].columns.filter((c) => c.required).map((c) => c.header),
    };
    CACHE.set(kind, k);
  }
  return k;
}

/** Whether a header is one the check ignores (hidden add-on columns, row numbers, empty). */
export function isIgnoredHeader(header: string): boolean {
  const t = header.trim();
  return t === '' || t.startsWith('_') || IGNORED.has(foldHeader(t));
}

/** Check the header row of a tab of `kind` (order free; duplicates and empty headers ignored). */
export function checkHeaders(kind: RowKind, headers: readonly string[]): HeaderCheck {
  const k = kindHeaders(kind);
  const tab = KINDS[kind].tab;
  const rename = new Map<string, string>();
  const present = new Set<string>();
  const unknown: string[] = [];
  for (const raw of headers) {
    const h = String(raw ?? '').trim();
    if (isIgnoredHeader(h)) continue;
    const column = k.byFold.get(foldHeader(h));
    if (column === undefined) {
      if (!unknown.includes(h)) unknown.push(h);
      continue;
    }
    present.add(column);
    if (column !== h) rename.set(h, column);
  }
  const errors: HeaderProblem[] = [];
  const warnings: HeaderProblem[] = [];
  const claimed = new Set<string>();
  for (const h of unknown) {
    const probable = probableColumn(k, h, present, claimed);
    if (probable) {
      claimed.add(probable);
      errors.push({
        column: h,
        code: 'unknown_header',
        probable,
        message: `表头「${h}」不是「${tab}」的列，可能是「${probable}」：请将表头改为「${probable}」（否则该列数据不会被读取），改正后再同步`,
      });
    } else {
      warnings.push({ column: h, code: 'extra_column', message: `表头「${h}」不是「${tab}」的列，作为附加列保留，不参与校验` });
    }
  }
  for (const col of k.required) {
    if (present.has(col) || claimed.has(col)) continue;
    errors.push({ column: col, code: 'missing_header', message: `缺少必填列「${col}」：请在第 1 行（表头）加上「${col}」列后再同步` });
  }
  return { rename, errors, warnings };
}

function probableColumn(k: KindHeaders, header: string, present: ReadonlySet<string>, claimed: ReadonlySet<string>): string | undefined {
  const fold = foldHeader(header);
  const free = (col: string) => !present.has(col) && !claimed.has(col) && k.candidates.some((c) => c.header === col);
  for (const target of SYNONYMS[fold] ?? []) if (free(target)) return target;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of k.candidates) {
    if (!free(c.header)) continue;
    const max = [...c.fold].length <= 4 ? 1 : 2;
    const d = editDistance(fold, c.fold, max);
    if (d <= max && d < bestDistance) {
      best = c.header;
      bestDistance = d;
    }
  }
  return best;
}

/** The cells of a row under their columns' names (headers spelled differently renamed). */
export function renameCells<V>(values: Record<string, V>, rename: ReadonlyMap<string, string>): Record<string, V> {
  if (rename.size === 0) return values;
  const out: Record<string, V> = {};
  for (const [h, v] of Object.entries(values)) {
    const to = rename.get(h) ?? h;
    // The column's own spelling wins over a variant in the same row.
    if (to !== h && Object.hasOwn(values, to)) continue;
    out[to] = v;
  }
  return out;
}
