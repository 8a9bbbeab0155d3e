// The compiled column schemas of every row kind: the declaration of table.ts, compiled once at load
// into the shape the validator (validate.ts) interprets — every column the same shape (monomorphic
// reads in the hot loop), enum look-ups indexed, alternative header spellings listed.

import { type ColumnDecl, type ColumnType, type KindDecl, type NumberCeiling, ROW_TABLE, type RowKind, type WhenRule } from './table.js';
import { toHalfWidth } from './normalize.js';

export type { ColumnType };

/** A compiled input column: every rule of the declaration, present (same shape for every column). */
export interface ColumnSpec {
  header: string;
  /** Field of the normalised row. */
  key: string;
  type: ColumnType;
  /** A system column (written by the product, never read from input). */
  system: boolean;
  required: boolean;
  values: readonly string[] | undefined;
  aliases: Readonly<Record<string, string>> | undefined;
  all: string | undefined;
  negative: boolean;
  positive: boolean;
  max: NumberCeiling | undefined;
  maxLen: number | undefined;
  default: ColumnDecl['default'];
  commas: boolean;
  filled: boolean;
  when: WhenRule | undefined;
  notBefore: string | undefined;
  notAfterToday: boolean;
  ref: ColumnDecl['ref'];
  ownSector: boolean;
  /** Canonical spelling key → canonical value (enum / enumList). */
  index: Map<string, string> | undefined;
  /** Other header spellings looked up when the exact header is absent. */
  altHeaders: string[];
}

export interface KindSchema {
  kind: RowKind;
  /** The input columns (system columns excluded), in template order. */
  columns: ColumnSpec[];
  /** Every column that fills a field, in template order: the input columns and the system columns the row carries (编号 …). */
  fields: ColumnSpec[];
  /** Field-key sets that must be unique within a batch (the first key's header names the error). */
  unique: (readonly string[])[];
  /** A field that holds the sheet row number, if the kind keeps one. */
  sheetRow: string | undefined;
  /**
   * Kinds identified by a fingerprint (no natural key): the fields it reads. Two rows of one batch
   * with equal values there (and no 编号 telling them apart) are the same row: `duplicate`.
   */
  identical: string[] | undefined;
}

const SPACE_G = /\s+/g;
/** The spelling key an enum value is matched by: half-width, no whitespace, lower case. */
export function enumKey(s: string): string {
  return toHalfWidth(s).replace(SPACE_G, '').toLowerCase();
}

function compileColumn(src: ColumnDecl): ColumnSpec {
  let index: Map<string, string> | undefined;
  if (src.values) {
    index = new Map<string, string>();
    for (const v of src.values) index.set(enumKey(v), v);
    for (const [alias, v] of Object.entries(src.aliases ?? {})) index.set(enumKey(alias), v);
  }
  const half = toHalfWidth(src.header);
  return {
    header: src.header,
    key: src.key!,
    type: src.type,
    system: src.system === true,
    required: src.required === true,
    values: src.values,
    aliases: src.aliases,
    all: src.all,
    negative: src.negative === true,
    positive: src.positive === true,
    max: src.max,
    maxLen: src.maxLen,
    default: src.default,
    commas: src.commas === true,
    filled: src.filled === true,
    when: src.when,
    notBefore: src.notBefore,
    notAfterToday: src.notAfterToday === true,
    ref: src.ref,
    ownSector: src.ownSector === true,
    index,
    altHeaders: half !== src.header ? [half] : [],
  };
}

function compileKind(kind: RowKind): KindSchema {
  const decl: KindDecl = ROW_TABLE[kind];
  // (test/unit/row-table.test.ts checks the declarations: unique headers and fields, known field names.)
  const fields = decl.columns.flatMap((c) => (c.key === undefined ? [] : [compileColumn(c)]));
  const columns = fields.filter((c) => !c.system);
  const id = decl.identity;
  const identical = id.natural ? undefined : id.fingerprint ? [...id.fingerprint] : columns.map((c) => c.key);
  return { kind, columns, fields, unique: [...(decl.unique ?? [])], sheetRow: decl.sheetRow, identical };
}

/** The compiled schema of every kind. */
export const SCHEMAS: Record<RowKind, KindSchema> = Object.fromEntries(
  (Object.keys(ROW_TABLE) as RowKind[]).map((kind) => [kind, compileKind(kind)]),
) as Record<RowKind, KindSchema>;

/** The column spec of a header in a kind. */
export function columnOf(kind: RowKind, header: string): ColumnSpec | undefined {
  return SCHEMAS[kind].columns.find((c) => c.header === header);
}

/** The header of a field of a kind's normalised row. */
export function headerOf(kind: RowKind, key: string): string {
  const c = SCHEMAS[kind].columns.find((x) => x.key === key);
  if (!c) throw new Error(`no column for ${kind}.${key}`);
  return c.header;
}

/** Match a text against an enum column's values (any width, spacing or case); undefined if none. */
export function matchEnum(spec: ColumnSpec, text: string): string | undefined {
  const index = spec.index;
  if (!index) return undefined;
  return index.get(text) ?? index.get(enumKey(text));
}
