// Reading sheet rows and the profile back from the table: every item is PARSED where it enters. The
// row value goes through the row check generated from the row table (domain/rows/row-check.ts, the
// same checks the zod edge schemas of row-schemas.ts wrap), the bookkeeping around it through the
// small envelope check below. Key attributes (pk, sk, kindPk …) and fields this version does not know
// are dropped; a corrupt or foreign item is a StoredDataError naming the item and the paths, never a
// value typed as something it is not. (No zod here: it would add ~24 KB to bundles that have none.)
import { KINDS, type RowKind, WORK_CLASS_IDS } from '../../domain/rows/kinds.js';
import { checkRow, dotted, type Problem, storedDataError } from '../../domain/rows/row-check.js';
import type { ProfileRecord, RowRecord } from '../ports.js';

type Item = Record<string, unknown>;

const isObject = (v: unknown): v is Item => typeof v === 'object' && v !== null && !Array.isArray(v);
const CHECKS: Record<string, (v: unknown) => boolean> = {
  s: (v) => typeof v === 'string',
  n: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0,
  w: (v) => (WORK_CLASS_IDS as unknown[]).includes(v),
  // the cells as sent: text, number, yes/no or empty
  c: (v) => isObject(v) && Object.values(v).every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x)),
  a: Array.isArray,
  o: isObject,
  // warnings: { column?, code, message }
  W: (v) => Array.isArray(v) && v.every((x) => isObject(x) && typeof x.code === 'string' && typeof x.message === 'string'),
};

/** The fields `spec` names (`key:check`, `?` optional), compiled once. */
const fields = (spec: string) => spec.split(' ').map((f) => f.split(':'));
const ENVELOPE = fields(
  'key:s workClass:w spreadsheetId:s row:n values:c hash:s version:n revision:n updatedAt:n updatedBy:s warnings:W writeId:s? deletedAt:n? deletedBy:s? history:o?',
);
const PROFILE = fields('problems:a updatedAt:n updatedBy:s version:s?');

/** Copy the fields from `item` to `out`; a bad one is a problem. */
function copyFields(item: Item, spec: string[][], out: Item, problems: Problem[]): void {
  for (const [key, c] of spec) {
    const v = item[key];
    if (v === undefined && c.endsWith('?')) continue;
    if (CHECKS[c[0]](v)) out[key] = v;
    else problems.push({ path: [key], message: `存储的值「${String(v)}」类型不对` });
  }
}

/** A stored row item of `kind`, parsed; throws StoredDataError when it is not one. */
export function parseRowItem<K extends RowKind>(kind: K, item: unknown): RowRecord<K> {
  const it = isObject(item) ? item : {};
  const problems: Problem[] = it.kind === kind ? [] : [{ path: ['kind'], message: `应为「${kind}」` }];
  const out: Item = { kind };
  copyFields(it, ENVELOPE, out, problems);
  const row = checkRow(kind, it.value);
  for (const p of row.problems) problems.push({ path: ['value', ...p.path], message: p.message });
  out.value = row.value;
  if (problems.length > 0) throw storedDataError(`存储的「${KINDS[kind].tab}」行 ${String(it.key)} `, dotted(problems));
  // Every field of RowRecord<K> was checked above, the value by the row check of its kind.
  return out as unknown as RowRecord<K>;
}

/** The profile's lists, by the configuration kind of their rows. */
const PROFILE_LISTS: [list: string, kind: RowKind][] = [
  ['workClasses', 'work_class'],
  ['units', 'unit'],
  ['routingRules', 'routing_rule'],
  ['sectorTargets', 'sector_target'],
  ['slaRules', 'sla_rule'],
  ['members', 'member'],
  ['calendarOverrides', 'calendar_override'],
  ['operatingModes', 'operating_mode'],
];
/** Lists a profile stored before their tab existed may lack (read as empty). */
const OPTIONAL_LISTS = new Set(['operatingModes']);

/** The stored profile item, parsed; throws StoredDataError when it is not one. */
export function parseProfileItem(item: unknown): ProfileRecord {
  const it = isObject(item) ? item : {};
  const problems: Problem[] = [];
  const out: Item = {};
  copyFields(it, PROFILE, out, problems);
  const stored = isObject(it.profile) ? it.profile : {};
  const profile: Item = {};
  for (const [list, kind] of PROFILE_LISTS) {
    const rows: unknown = stored[list] ?? (OPTIONAL_LISTS.has(list) ? [] : undefined);
    if (!Array.isArray(rows)) problems.push({ path: ['profile', list], message: `应为「${KINDS[kind].tab}」行的列表` });
    else
      profile[list] = rows.map((r, i) => {
        const c = checkRow(kind, r);
        for (const p of c.problems) problems.push({ path: ['profile', list, i, ...p.path], message: p.message });
        return c.value;
      });
  }
  out.profile = profile;
  if (problems.length > 0) throw storedDataError('存储的配置（profile）', dotted(problems));
  // Every list was checked above with the row check of its configuration kind.
  return out as unknown as ProfileRecord;
}
