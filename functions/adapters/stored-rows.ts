// Reading sheet rows and the profile back from the table: every item is PARSED where it enters. The
// row value goes through the row check generated from the row table (domain/rows/row-check.ts, the
// same checks the zod edge schemas of row-schemas.ts wrap), the bookkeeping around it through the
// small envelope check below. Key attributes (pk, sk, kindPk …) and fields this version does not know
// are dropped; a corrupt or foreign item is a StoredDataError naming the item and the paths, never a
// value typed as something it is not. (No zod: it would add ~24 KB to bundles that otherwise have none.)
import { KINDS, ROW_KINDS, type RowKind, WORK_CLASS_IDS } from '../../domain/rows/kinds.js';
import { checkRow, dotted, type Problem, storedDataError } from '../../domain/rows/row-check.js';
import type { Profile, RowOf } from '../../domain/rows/types.js';
import type { ProfileRecord, RowRecord } from '../ports.js';

type Check = (v: unknown) => boolean;
type Item = Record<string, unknown>;

const isString: Check = (v) => typeof v === 'string';
const isKey: Check = (v) => typeof v === 'string' && v !== '';
const isCount: Check = (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isObject = (v: unknown): v is Item => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCell: Check = (v) => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const isWarning: Check = (v) => isObject(v) && isKey(v.code) && isString(v.message) && (v.column === undefined || isString(v.column));
const arrayOf =
  (each: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(each);

/** A field of a stored item: its check and what a good value is, for the message. */
type Field = [key: string, check: Check, what: string, optional?: boolean];

function checkFields(item: Item, fields: readonly Field[], out: Item, problems: Problem[]): void {
  for (const [key, check, what, optional] of fields) {
    const v = item[key];
    if (v === undefined && optional) continue;
    if (check(v)) out[key] = v;
    else problems.push({ path: [key], message: `须为${what}` });
  }
}

/** The bookkeeping around a stored row (RowRecord without kind and value). */
const ENVELOPE: readonly Field[] = [
  ['key', isKey, '非空文本'],
  ['workClass', (v) => (WORK_CLASS_IDS as unknown[]).includes(v), `专班编码（${WORK_CLASS_IDS.join('、')}）`],
  ['spreadsheetId', isString, '文本'],
  ['row', isCount, '行号'],
  ['values', (v) => isObject(v) && Object.values(v).every(isCell), '表头到单元格（文本、数字、是否或空）的对应'],
  ['hash', isKey, '非空文本'],
  ['version', isCount, '非负整数'],
  ['revision', isCount, '非负整数'],
  ['updatedAt', isCount, '时间（毫秒）'],
  ['updatedBy', isString, '文本'],
  ['warnings', arrayOf(isWarning), '警告列表'],
  ['writeId', isString, '文本', true],
];

/** A stored row item of `kind`, parsed; throws StoredDataError when it is not one. */
export function parseRowItem<K extends RowKind>(kind: K, item: unknown): RowRecord<K> {
  const problems: Problem[] = [];
  const out: Item = { kind };
  const it = isObject(item) ? item : {};
  if (it.kind !== kind) problems.push({ path: ['kind'], message: `须为「${kind}」` });
  checkFields(it, ENVELOPE, out, problems);
  const row = checkRow(kind, it.value, 'strip');
  for (const p of row.problems) problems.push({ path: ['value', ...p.path], message: p.message });
  out.value = row.value;
  if (problems.length > 0) {
    const key = typeof it.key === 'string' ? ` ${it.key} ` : '';
    throw storedDataError(`存储的「${KINDS[kind].tab}」行${key}`, dotted(problems));
  }
  // Every field of RowRecord<K> was checked above, the value by the row check of its kind.
  return out as unknown as RowRecord<K>;
}

/** The profile's lists, by the configuration kind of their rows. */
const PROFILE_LISTS: { [K in keyof Profile]: RowKind } = {
  workClasses: 'work_class',
  units: 'unit',
  routingRules: 'routing_rule',
  sectorTargets: 'sector_target',
  slaRules: 'sla_rule',
  members: 'member',
  calendarOverrides: 'calendar_override',
};

const isProblem: Check = (v) =>
  isObject(v) &&
  (ROW_KINDS as unknown[]).includes(v.kind) &&
  isKey(v.code) &&
  isString(v.message) &&
  (v.row === undefined || Number.isInteger(v.row)) &&
  (v.column === undefined || isString(v.column)) &&
  (v.severity === undefined || v.severity === 'error' || v.severity === 'warning');

/** The stored profile item, parsed; throws StoredDataError when it is not one. */
export function parseProfileItem(item: unknown): ProfileRecord {
  const problems: Problem[] = [];
  const it = isObject(item) ? item : {};
  const out: Item = {};
  checkFields(it, [['problems', arrayOf(isProblem), '配置问题列表'], ['updatedAt', isCount, '时间（毫秒）'], ['updatedBy', isString, '文本']], out, problems);
  const stored = isObject(it.profile) ? it.profile : {};
  const profile: Record<string, RowOf<RowKind>[]> = {};
  for (const [list, kind] of Object.entries(PROFILE_LISTS)) {
    const rows = stored[list];
    if (!Array.isArray(rows)) {
      problems.push({ path: ['profile', list], message: `须为「${KINDS[kind].tab}」行的列表` });
      continue;
    }
    profile[list] = rows.map((r, i) => {
      const c = checkRow(kind, r, 'strip');
      for (const p of c.problems) problems.push({ path: ['profile', list, i, ...p.path], message: p.message });
      return c.value as RowOf<RowKind>;
    });
  }
  out.profile = profile;
  if (problems.length > 0) throw storedDataError('存储的配置（profile）', dotted(problems));
  // Every list was checked above with the row check of its configuration kind.
  return out as unknown as ProfileRecord;
}

