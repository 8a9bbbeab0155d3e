// zod schemas of the NORMALISED row of every kind, for the edges (API input, stored records that
// embed a row, tests): generated from the row table by one function from column spec to zod, each
// field and the row checked by row-check.ts — the same checks the store applies to every row it
// reads, with validation's own messages. Nothing here restates a column or a rule.
//
// Built with zod/mini (same engine, a fraction of the size). NOT for the validation hot path:
// validate.ts interprets the compiled table directly and must not import this module (performance,
// and the add-on bundle; test/unit/row-schemas checks that neither reaches zod at all).

import * as z from 'zod/mini';
import { fieldProblems, isPresent, ruleProblems } from './row-check.js';
import type { Fields } from './rules.js';
import { type ColumnSpec, SCHEMAS } from './schemas.js';
import type { RowKind, RowOf } from './table.js';
import { MSG } from './messages.js';

export { MAX_LISTED, StoredDataError, type StoredDataProblem, storedDataError } from './row-check.js';

/** A warning kept with a stored row or record. */
export const rowWarningSchema = z.object({
  column: z.optional(z.string()),
  code: z.string().check(z.minLength(1)),
  message: z.string(),
});

/** The zod schema of one column's field: the field check of row-check.ts, optional unless the table makes it always present. */
export function fieldSchema(spec: ColumnSpec): z.ZodMiniType {
  const s = z.custom().check((ctx) => {
    for (const p of fieldProblems(spec, ctx.value)) ctx.issues.push({ code: 'custom', message: p.message, input: ctx.value, path: p.path });
  });
  return isPresent(spec) ? s : z.optional(s);
}

type UnknownKeys = 'strict' | 'strip';

function buildRowSchema<K extends RowKind>(kind: K, unknownKeys: UnknownKeys): z.ZodMiniType<RowOf<K>> {
  const schema = SCHEMAS[kind];
  const shape: Record<string, z.ZodMiniType> = {};
  for (const c of schema.fields) shape[c.key] = fieldSchema(c);
  if (schema.sheetRow !== undefined) shape[schema.sheetRow] = z.optional(z.int().check(z.positive()));
  const unknown = { error: (iss: { code?: string; keys?: unknown }) => (iss.code === 'unrecognized_keys' ? MSG.unknownField(String(iss.keys)) : undefined) };
  const object = unknownKeys === 'strict' ? z.strictObject(shape, unknown) : z.object(shape);
  return object.check((ctx) => {
    if (ctx.issues.length > 0) return;
    for (const p of ruleProblems(kind, ctx.value as Fields)) ctx.issues.push({ code: 'custom', message: p.message, input: ctx.value, path: p.path });
  }) as unknown as z.ZodMiniType<RowOf<K>>;
}

type RowSchemas = { [K in RowKind]: z.ZodMiniType<RowOf<K>> };

function schemas(unknownKeys: UnknownKeys): RowSchemas {
  const out: Partial<Record<RowKind, z.ZodMiniType>> = {};
  for (const kind of Object.keys(SCHEMAS) as RowKind[]) out[kind] = buildRowSchema(kind, unknownKeys);
  return out as RowSchemas;
}

/** The normalised-row schema of every kind; unknown keys are an error (API input, tests). */
export const ROW_SCHEMAS: RowSchemas = schemas('strict');

/** The same rows inside stored records: unknown keys (a field written by a newer version) are dropped. */
export const STORED_ROW_SCHEMAS: RowSchemas = schemas('strip');

export const whitelistRowSchema = ROW_SCHEMAS.whitelist;
export const sectorTotalRowSchema = ROW_SCHEMAS.sector_total;
export const issueRowSchema = ROW_SCHEMAS.issue;
export const policyRowSchema = ROW_SCHEMAS.policy;
export const consultantRowSchema = ROW_SCHEMAS.consultant;
export const epidemicSupportRowSchema = ROW_SCHEMAS.epidemic_support;
export const inspectionRowSchema = ROW_SCHEMAS.inspection;
export const workClassSchema = ROW_SCHEMAS.work_class;
export const unitSchema = ROW_SCHEMAS.unit;
export const routingRuleSchema = ROW_SCHEMAS.routing_rule;
export const sectorTargetSchema = ROW_SCHEMAS.sector_target;
export const slaRuleSchema = ROW_SCHEMAS.sla_rule;
export const memberSchema = ROW_SCHEMAS.member;
export const calendarOverrideSchema = ROW_SCHEMAS.calendar_override;

/** The problems of a failed parse, by dotted path. */
export function zodProblems(error: z.core.$ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}
