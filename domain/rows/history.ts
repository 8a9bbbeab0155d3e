// The history of a row (SPEC §7.1 History): every create, update, delete and restore of every row is
// one entry — who, when, through what, and which cells changed (by Chinese header, as sheet text).
// Entries are keyed by the row's identity (identity.ts) and the item revision that made them, so
// writing one twice changes nothing. Pure: the store keeps them in their own items.
import { keyPart } from './identity.js';
import type { RowKind } from './kinds.js';
import { SCHEMAS } from './schemas.js';

export type HistoryOp = 'create' | 'update' | 'delete' | 'restore';

export interface HistoryChange {
  from: string | null;
  to: string | null;
}

export interface HistoryEntry {
  kind: RowKind;
  /** The row's id (identity.ts): natural key, 编号 or `fp:<hex>`. */
  key: string;
  /** The item revision the entry belongs to (one entry per revision). */
  revision: number;
  /** Epoch ms. */
  at: number;
  /** Email of the member (or `system`, `sweep`, `link:<email>`). */
  by: string;
  /** Through what: the spreadsheet or file (`import:白名单`), `manifest:<…>`, `migration`. */
  source: string;
  op: HistoryOp;
  /** Cells that changed, by header (sheet text; null = empty). */
  changes: Record<string, HistoryChange>;
}

/** What the history compares of a row: its normalised fields and its extra cells as sent. */
export interface RowContent {
  value: object;
  /** Cells by header as sent (only the non-contract ones are compared from here). */
  values: Readonly<Record<string, string | number | boolean | null>>;
}

const text = (v: unknown): string | null => {
  const t = keyPart(v).trim();
  return t === '' ? null : t;
};

/**
 * The cells that differ between two versions of a row, by header: the kind's input columns from the
 * normalised fields (so 2022/6/6 → 2022-06-06 is no change), any other column from its cell.
 * `before` null: every filled cell of `after` (a create); `after` null: none (a delete says so itself).
 */
export function rowChanges(kind: RowKind, before: RowContent | null, after: RowContent | null): Record<string, HistoryChange> {
  const out: Record<string, HistoryChange> = {};
  if (!after) return out;
  const known = new Set<string>();
  const b = (before?.value ?? {}) as Record<string, unknown>;
  const a = after.value as Record<string, unknown>;
  for (const c of SCHEMAS[kind].columns) {
    known.add(c.header);
    const from = before ? text(b[c.key]) : null;
    const to = text(a[c.key]);
    if (from !== to) out[c.header] = { from, to };
  }
  for (const h of SCHEMAS[kind].fields) known.add(h.header);
  const extras = new Set([...Object.keys(before?.values ?? {}), ...Object.keys(after.values)]);
  for (const h of extras) {
    if (known.has(h) || h.startsWith('_')) continue;
    const from = before ? text(before.values[h]) : null;
    const to = text(after.values[h]);
    if (from !== to) out[h] = { from, to };
  }
  return out;
}
