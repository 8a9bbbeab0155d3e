// Reading sheet rows and the profile back from the table: every item is PARSED where it enters, with
// the kind's edge schema (domain/rows/row-schemas.ts, generated from the row table) for the row and a
// small envelope schema for the bookkeeping around it. Key attributes (pk, sk, kindPk …) and fields
// this version does not know are dropped; a corrupt or foreign item is a StoredDataError naming the
// item and the paths, never a value typed as something it is not.
import * as z from 'zod';
import { KINDS, ROW_KINDS, type RowKind, WORK_CLASS_IDS, type WorkClassId } from '../../domain/rows/kinds.js';
import { rowWarningSchema, STORED_ROW_SCHEMAS, storedDataError, zodProblems } from '../../domain/rows/row-schemas.js';
import type { JsonCell, ProfileRecord, RowRecord } from '../ports.js';

const workClassId = z.enum(WORK_CLASS_IDS as [WorkClassId, ...WorkClassId[]]);
const isCell = (v: unknown): v is JsonCell => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
/** The cells as sent, by header: one check over the object (a record schema per cell costs more than the row itself). */
const cells = z.custom<Record<string, JsonCell>>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isCell),
  { error: '单元格（values）须为表头到文本、数字、是否或空的对应' },
);
const count = z.number().int().nonnegative();

/** The bookkeeping around a stored row (RowRecord without kind and value). */
const ENVELOPE = {
  key: z.string().min(1),
  workClass: workClassId,
  spreadsheetId: z.string(),
  row: count,
  values: cells,
  hash: z.string().min(1),
  version: count,
  revision: count,
  updatedAt: count,
  updatedBy: z.string(),
  warnings: z.array(rowWarningSchema),
  writeId: z.string().optional(),
};

function recordSchema<K extends RowKind>(kind: K): z.ZodType<RowRecord<K>> {
  return z.object({ kind: z.literal(kind), ...ENVELOPE, value: STORED_ROW_SCHEMAS[kind] }) as unknown as z.ZodType<RowRecord<K>>;
}

const RECORD_SCHEMAS = Object.fromEntries(ROW_KINDS.map((k) => [k, recordSchema(k)])) as { [K in RowKind]: z.ZodType<RowRecord<K>> };

/** A stored row item of `kind`, parsed; throws StoredDataError when it is not one. */
export function parseRowItem<K extends RowKind>(kind: K, item: unknown): RowRecord<K> {
  const res = (RECORD_SCHEMAS[kind] as z.ZodType<RowRecord<K>>).safeParse(item);
  if (res.success) return res.data;
  const key = typeof item === 'object' && item !== null && typeof (item as { key?: unknown }).key === 'string' ? (item as { key: string }).key : '';
  throw storedDataError(`存储的「${KINDS[kind].tab}」行${key ? ` ${key} ` : ''}`, zodProblems(res.error));
}

const profileSchema = z.object({
  profile: z.object({
    workClasses: z.array(STORED_ROW_SCHEMAS.work_class),
    units: z.array(STORED_ROW_SCHEMAS.unit),
    routingRules: z.array(STORED_ROW_SCHEMAS.routing_rule),
    sectorTargets: z.array(STORED_ROW_SCHEMAS.sector_target),
    slaRules: z.array(STORED_ROW_SCHEMAS.sla_rule),
    members: z.array(STORED_ROW_SCHEMAS.member),
    calendarOverrides: z.array(STORED_ROW_SCHEMAS.calendar_override),
  }),
  problems: z.array(
    z.object({
      kind: z.enum(ROW_KINDS as [RowKind, ...RowKind[]]),
      row: z.number().int().optional(),
      column: z.string().optional(),
      code: z.string().min(1),
      message: z.string(),
      severity: z.enum(['error', 'warning']).optional(),
    }),
  ),
  updatedAt: count,
  updatedBy: z.string(),
});

/** The stored profile item, parsed; throws StoredDataError when it is not one. */
export function parseProfileItem(item: unknown): ProfileRecord {
  const res = profileSchema.safeParse(item);
  if (res.success) return res.data;
  throw storedDataError('存储的配置（profile）', zodProblems(res.error));
}
