// zod schemas of the NORMALISED row of every kind, for the edges: rows read back from the store and
// rows crossing the API. Generated from the one declaration per kind (table.ts, compiled in
// schemas.ts) by one function from column spec to zod, with the rules between fields of rules.ts
// run on top — nothing here restates a column or a rule, and the messages are those of messages.ts.
//
// A value here is already normalised: each field accepts exactly the fixed points of the matching
// normaliser (a date is `YYYY-MM-DD`, a phone `13800000000` or `0371-2345678`, an e-mail lower case,
// a code an upper-case USCC or project code), and a rule that would still change a field (a work
// class given by name instead of id) reports it. Rules that need a context (the profile, the sheet's
// sector, the known codes, today) do not run here: they judge input, not stored rows.
//
// NOT for the validation hot path: validate.ts interprets the compiled table directly and must not
// import this module (performance, and the add-on bundle — zod is ~90 KB; test/unit/row-schemas
// checks that neither reaches it).

import * as z from 'zod';
import { MSG } from './messages.js';
import { codeText, parseDate, parseEmail, parsePeriod, parsePhone, parseUrl } from './normalize.js';
import { applyRules, type Fields, readCode, type RuleSink } from './rules.js';
import { type ColumnSpec, type ColumnType, SCHEMAS } from './schemas.js';
import type { RowKind, RowOf } from './table.js';
import type { ErrorCode } from './types.js';

// ---- value formats not tied to a column (stored records) ------------------------------------------

const ISO_DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/** An ISO calendar day `YYYY-MM-DD` that exists (no 2022-02-30). */
export const isoDateSchema = z
  .string()
  .regex(ISO_DATE_RE, { error: '日期须为 YYYY-MM-DD 格式', abort: true })
  .refine((s) => parseDate(s) === s, { error: '不是有效的日期' });

/** A statistics period `YYYY-MM`. */
export const periodSchema = z.string().regex(PERIOD_RE, { error: '统计期须为 YYYY-MM 格式' });

/** Epoch milliseconds. */
export const epochMs = z.number().int().nonnegative();

export const rowWarningSchema = z.object({
  column: z.string().optional(),
  code: z.string().min(1),
  message: z.string(),
});

// ---- one column → zod ---------------------------------------------------------------------------

/** A check on a value of the right JS type: the message when it is not acceptable. */
type Check<T> = (v: T) => string | undefined;

function checked<S extends z.ZodType>(schema: S, check: Check<z.output<S>>): S {
  return schema.check((ctx) => {
    const message = check(ctx.value);
    if (message !== undefined) ctx.issues.push({ code: 'custom', message, input: ctx.value });
  }) as S;
}

/** A string field; its type error says 必填 when the field is missing. */
const str = (h: string, check: Check<string>) =>
  checked(z.string({ error: (iss) => (iss.input === undefined ? MSG.required(h) : MSG.notNormalised(h, iss.input, undefined)) }), check);

/** The fixed point of a normaliser: `read(v)` must give `v` back. */
const fixed =
  (h: string, read: (s: string) => string | undefined, bad: (h: string, found: unknown) => string): Check<string> =>
  (s) => {
    const n = read(s);
    return n === undefined ? bad(h, s) : n === s ? undefined : MSG.notNormalised(h, s, n);
  };

/** A sink that keeps the first message (a code check reports at most one). */
class FirstMessage implements RuleSink {
  message: string | undefined;
  failed(): boolean {
    return false;
  }
  error(_h: string, _key: string, _code: ErrorCode, message: string): void {
    this.message ??= message;
  }
  warn(): void {}
}

function codeCheck(h: string, key: string): Check<string> {
  return (s) => {
    const sink = new FirstMessage();
    const c = readCode(sink, h, key, s);
    return c === undefined ? sink.message : c === s ? undefined : MSG.notNormalised(h, s, c);
  };
}

const IDENT_RE = /^\S+$/;

/** The check of one string item of a column (a list column checks each item with it). */
function itemCheck(spec: ColumnSpec, type: ColumnType): Check<string> {
  const h = spec.header;
  switch (type) {
    case 'text':
    case 'free': {
      const max = spec.maxLen;
      return (s) =>
        s === '' ? MSG.required(h) : s.trim() !== s ? MSG.notNormalised(h, s, s.trim()) : max !== undefined && s.length > max ? MSG.tooLong(h, s.length, max) : undefined;
    }
    case 'code':
    case 'codes':
      return codeCheck(h, spec.key);
    case 'ident': {
      const empty = spec.default === '';
      return (s) => (s === '' && empty ? undefined : IDENT_RE.test(s) && codeText(s) === s ? undefined : MSG.notNormalised(h, s, undefined));
    }
    case 'enum':
    case 'enumList': {
      const values = spec.values ?? [];
      return (s) => (values.includes(s) ? undefined : MSG.enumValue(h, s, values));
    }
    case 'date':
      return fixed(h, parseDate, MSG.date);
    case 'period':
      return fixed(h, parsePeriod, MSG.period);
    case 'phone':
      return fixed(h, parsePhone, MSG.phone);
    case 'email':
    case 'emails':
      return fixed(h, parseEmail, MSG.email);
    case 'url':
      return fixed(h, parseUrl, MSG.url);
    case 'list':
      return (s) => (s !== '' && s.trim() === s ? undefined : MSG.notNormalised(h, s, s.trim()));
    default:
      throw new Error(`no string check for ${type}`);
  }
}

function numberCheck(spec: ColumnSpec): Check<number> {
  const h = spec.header;
  return (n) => {
    if (!Number.isFinite(n)) return MSG.number(h, n);
    if (spec.type === 'integer' && !Number.isInteger(n)) return MSG.integer(h, n);
    if (spec.type === 'percent') return n > 0 && n <= 1 ? undefined : MSG.percentRange(h, n);
    if (spec.positive && n <= 0) return MSG.positive(h, n);
    if (n < 0 && !spec.negative) return MSG.notNegative(h, n);
    if (spec.max !== undefined && n > spec.max.value) return spec.max.message(h, n);
    return undefined;
  };
}

/** The zod schema of one column's field (required or optional as the table says). */
export function fieldSchema(spec: ColumnSpec, present: boolean): z.ZodType {
  const h = spec.header;
  let s: z.ZodType;
  switch (spec.type) {
    case 'number':
    case 'integer':
    case 'percent':
      s = checked(z.number({ error: (iss) => (iss.input === undefined ? MSG.required(h) : MSG.number(h, iss.input)) }), numberCheck(spec));
      break;
    case 'yesno':
      s = z.boolean({ error: (iss) => (iss.input === undefined ? MSG.required(h) : MSG.enumValue(h, iss.input, ['是', '否'])) });
      break;
    case 'emails':
    case 'list':
    case 'enumList':
    case 'codes':
      s = z.array(str(h, itemCheck(spec, spec.type)), { error: (iss) => (iss.input === undefined ? MSG.required(h) : MSG.notNormalised(h, iss.input, undefined)) });
      break;
    default:
      s = str(h, itemCheck(spec, spec.type));
  }
  return present ? s : s.optional();
}

/** Whether a column's field is always in the row (the type-level `Present` of table.ts); a system field (编号 …) never is. */
const isPresent = (c: ColumnSpec): boolean => !c.system && (c.required || c.filled || c.default !== undefined);

// ---- one kind → zod ---------------------------------------------------------------------------------

/** Collects what the rules report, by field. */
class EdgeSink implements RuleSink {
  readonly issues: { key: string; message: string }[] = [];
  failed(): boolean {
    return false;
  }
  error(_h: string, key: string, _code: ErrorCode, message: string): void {
    this.issues.push({ key, message });
  }
  warn(): void {}
}

type UnknownKeys = 'strict' | 'strip';

function buildRowSchema<K extends RowKind>(kind: K, unknownKeys: UnknownKeys): z.ZodType<RowOf<K>> {
  const schema = SCHEMAS[kind];
  const shape: Record<string, z.ZodType> = {};
  const headers = new Map<string, string>();
  for (const c of schema.fields) {
    shape[c.key] = fieldSchema(c, isPresent(c));
    headers.set(c.key, c.header);
  }
  if (schema.sheetRow !== undefined) shape[schema.sheetRow] = z.number().int().positive().optional();
  const unknown = { error: (iss: { code?: string; keys?: unknown }) => (iss.code === 'unrecognized_keys' ? MSG.unknownField(String(iss.keys)) : undefined) };
  const object = unknownKeys === 'strict' ? z.strictObject(shape, unknown) : z.object(shape);
  return object.check((ctx) => {
    if (ctx.issues.length > 0) return;
    // The rules of rules.ts on a copy: what they report is an issue, and so is a field they change.
    const row = ctx.value as Fields;
    const copy: Fields = { ...row };
    const sink = new EdgeSink();
    applyRules(kind, copy, sink, undefined);
    for (const i of sink.issues) ctx.issues.push({ code: 'custom', message: i.message, input: row[i.key], path: [i.key] });
    for (const key of Object.keys(copy)) {
      if (copy[key] !== row[key] && !sink.issues.some((i) => i.key === key)) {
        ctx.issues.push({ code: 'custom', message: MSG.notNormalised(headers.get(key) ?? key, row[key], copy[key]), input: row[key], path: [key] });
      }
    }
  }) as unknown as z.ZodType<RowOf<K>>;
}

type RowSchemas = { [K in RowKind]: z.ZodType<RowOf<K>> };

function schemas(unknownKeys: UnknownKeys): RowSchemas {
  const out: Partial<Record<RowKind, z.ZodType>> = {};
  for (const kind of Object.keys(SCHEMAS) as RowKind[]) out[kind] = buildRowSchema(kind, unknownKeys);
  return out as RowSchemas;
}

/** The normalised-row schema of every kind; unknown keys are an error (API input, tests). */
export const ROW_SCHEMAS: RowSchemas = schemas('strict');

/** The same rows read back from the store: unknown keys (a field written by a newer version) are dropped. */
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

// ---- reading stored data ----------------------------------------------------------------------------

export interface StoredDataProblem {
  /** Dotted path inside the record, e.g. `assignments.0.signBy` (empty for the record itself). */
  path: string;
  message: string;
}

/** Data read back from the store does not have the stored shape (corrupt or foreign item). */
export class StoredDataError extends Error {
  readonly code = 'stored_data_invalid';
  constructor(
    message: string,
    /** Every problem found, by path. */
    readonly problems: StoredDataProblem[],
  ) {
    super(message);
    this.name = 'StoredDataError';
  }
}

export const MAX_LISTED = 5;

/** The problems of a failed parse, by dotted path. */
export function zodProblems(error: z.ZodError): StoredDataProblem[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** `what` 格式不正确，共 N 处：path：message；…  (at most MAX_LISTED listed). */
export function storedDataError(what: string, problems: StoredDataProblem[]): StoredDataError {
  const listed = problems
    .slice(0, MAX_LISTED)
    .map((p) => `${p.path || '（记录本身）'}：${p.message}`)
    .join('；');
  const more = problems.length > MAX_LISTED ? `；另有 ${problems.length - MAX_LISTED} 处` : '';
  return new StoredDataError(`${what}格式不正确，共 ${problems.length} 处：${listed}${more}`, problems);
}
