// Row identity (SPEC §7.1, §7.8): the ONE function that says which row a sheet or file row is,
// whatever its position, for the add-on, the CLI and the server alike. In this order:
//   1. the system 编号 the product wrote back (WT-/JC-/TC-/DC-…),
//   2. the add-on's hidden column `_标识` (it holds the `id` the server answered at the first sync),
//   3. the natural key of the kind (table.ts `identity.natural`, parts in schema order),
//   4. a fingerprint `fp:<hex>`: SHA-256 over the kind and the identifying fields (table.ts
//      `identity.fingerprint`, else every input column).
// Cells are read exactly as their column reads them (validate.ts readCell: trimmed, half-width
// codes, ISO dates, canonical enum values) and nothing else: no profile, no rule between columns, so
// a file computes the same id offline as the server does. Key parts are joined with `#`, each part
// with `%` and `#` percent-encoded, so no two different part lists give the same id; a one-part key
// is the value itself (`91410222…`, `gxq`). `key` in GET /v1/history is this id.
import type { RowKind } from './kinds.js';
import { SCHEMAS, type ColumnSpec } from './schemas.js';
import { sha256Hex } from './sha256.js';
import { ID_COLUMN, ROW_TABLE, SYSTEM_NUMBER_RE } from './table.js';
import type { Cell } from './types.js';
import { readCell } from './validate.js';

export { ID_COLUMN, SYSTEM_NUMBER_RE };

export type IdentitySource = 'number' | 'hidden' | 'natural' | 'fingerprint';

export interface RowIdentity {
  id: string;
  source: IdentitySource;
}


/** Prefix of a fingerprint id. */
export const FINGERPRINT_PREFIX = 'fp:';
/** Hex digits of a fingerprint kept in the id (128 bits). */
const FINGERPRINT_HEX = 32;

/** One normalised field as key text: numbers in JS form, yes/no as 是/否, lists joined by `；`. */
export function keyPart(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (Array.isArray(v)) return v.map(keyPart).join('；');
  return String(v);
}

const escapePart = (s: string) => (s.includes('%') || s.includes('#') ? s.replaceAll('%', '%25').replaceAll('#', '%23') : s);

/** Parts joined into one id (`%` and `#` inside a part percent-encoded): injective. */
export function joinKey(parts: readonly string[]): string {
  return parts.map(escapePart).join('#');
}

/** The parts of an id made by joinKey. */
export function splitKey(id: string): string[] {
  return id.split('#').map((p) => (p.includes('%') ? p.replaceAll('%23', '#').replaceAll('%25', '%') : p));
}

interface IdentityPlan {
  number: string | undefined;
  natural: ColumnSpec[] | undefined;
  fingerprint: ColumnSpec[];
  all: ColumnSpec[];
}

const PLANS = new Map<RowKind, IdentityPlan>();

function planOf(kind: RowKind): IdentityPlan {
  let plan = PLANS.get(kind);
  if (!plan) {
    const decl = ROW_TABLE[kind].identity as { number?: string; natural?: readonly string[]; fingerprint?: readonly string[] };
    const schema = SCHEMAS[kind];
    const byKey = (k: string) => {
      const spec = schema.fields.find((c) => c.key === k);
      if (!spec) throw new Error(`identity of ${kind}: no field ${k}`);
      return spec;
    };
    plan = {
      number: decl.number,
      natural: decl.natural?.map(byKey),
      fingerprint: decl.fingerprint ? decl.fingerprint.map(byKey) : schema.columns,
      all: schema.columns,
    };
    PLANS.set(kind, plan);
  }
  return plan;
}

/** The fields of `specs` read from raw cells by their columns (a cell that fails to read is absent). */
function readFields(specs: readonly ColumnSpec[], values: Record<string, Cell>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    let cell = values[spec.header];
    if (cell === undefined && spec.altHeaders.length > 0) cell = values[spec.altHeaders[0]];
    const v = readCell(spec, cell).value;
    if (v !== undefined) out[spec.key] = v;
  }
  return out;
}

/** The natural key of normalised fields, or undefined when the kind has none or a part is empty. */
export function naturalKeyOf(kind: RowKind, fields: Record<string, unknown>): string | undefined {
  const natural = planOf(kind).natural;
  if (!natural) return undefined;
  const parts: string[] = [];
  for (const spec of natural) {
    const p = keyPart(fields[spec.key]).trim();
    if (p === '') return undefined;
    parts.push(p);
  }
  return joinKey(parts);
}

/** The fingerprint of normalised fields over the kind's fingerprint columns (`all`: every input column). */
export function fingerprintOf(kind: RowKind, fields: Record<string, unknown>, all = false): string {
  const plan = planOf(kind);
  const specs = all ? plan.all : plan.fingerprint;
  const parts = specs.map((s) => keyPart(fields[s.key]));
  return FINGERPRINT_PREFIX + sha256Hex(`${kind}#${joinKey(parts)}`).slice(0, FINGERPRINT_HEX);
}

/** The system 编号 written back into the row, upper-cased, if it is one of this kind's. */
export function systemNumberOf(kind: RowKind, values: Record<string, Cell>): string | undefined {
  const prefix = planOf(kind).number;
  if (!prefix) return undefined;
  const v = values['编号'];
  const t = typeof v === 'string' ? v.trim().toUpperCase() : '';
  return SYSTEM_NUMBER_RE.test(t) && t.startsWith(`${prefix}-`) ? t : undefined;
}

/** The `_标识` cell, if filled. */
export function hiddenIdOf(values: Record<string, Cell>): string | undefined {
  const v = values[ID_COLUMN];
  const t = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
  return t === '' ? undefined : t;
}

/**
 * The identity of a row given its cells by header (raw: as typed in the sheet or file, or as sent to
 * the API). Always an id: a row whose natural key is incomplete (an invalid row) is fingerprinted
 * over every input column, so identical rows still share an id.
 */
export function rowIdentity(kind: RowKind, values: Record<string, Cell>): RowIdentity {
  const number = systemNumberOf(kind, values);
  if (number) return { id: number, source: 'number' };
  const hidden = hiddenIdOf(values);
  if (hidden) return { id: hidden, source: 'hidden' };
  return contentIdentity(kind, values);
}

/** Steps 3 and 4 only: the identity the row's content gives (natural key, else fingerprint). */
export function contentIdentity(kind: RowKind, values: Record<string, Cell>): RowIdentity {
  const plan = planOf(kind);
  if (plan.natural) {
    const key = naturalKeyOf(kind, readFields(plan.natural, values));
    if (key !== undefined) return { id: key, source: 'natural' };
    return { id: fingerprintOf(kind, readFields(plan.all, values), true), source: 'fingerprint' };
  }
  return { id: fingerprintOf(kind, readFields(plan.fingerprint, values)), source: 'fingerprint' };
}

/** Whether the kind is identified by a natural key (else by its 编号 and fingerprint). */
export function hasNaturalKey(kind: RowKind): boolean {
  return planOf(kind).natural !== undefined;
}

/** The fields a fingerprint of the kind reads (field keys), for the within-file `duplicate` check. */
export function fingerprintFields(kind: RowKind): string[] {
  return planOf(kind).fingerprint.map((s) => s.key);
}
