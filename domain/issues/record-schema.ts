// zod description of the stored issue record (SPEC §4): checked where it is read back from the store.
// Stored shapes strip unknown keys instead of rejecting them, so a record written by a newer version
// still reads. Compile-time checks make each schema and its interface in types.ts agree.

import * as z from 'zod';
import { FOLLOW_UP_RESULTS, ISSUE_STATUSES, URGENCY_CHECKS } from '../rows/kinds.js';
import { parseDate } from '../rows/normalize.js';
import { MAX_LISTED, rowWarningSchema, STORED_ROW_SCHEMAS, StoredDataError, zodProblems } from '../rows/row-schemas.js';
import type { IssueRow } from '../rows/types.js';
import type { Assignment, IssueEvent, IssueRecord } from './types.js';

const followUp = z.enum(FOLLOW_UP_RESULTS);

/** An ISO calendar day `YYYY-MM-DD` that exists (no 2022-02-30). */
export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: '日期须为 YYYY-MM-DD 格式', abort: true })
  .refine((s) => parseDate(s) === s, { error: '不是有效的日期' });

/** Epoch milliseconds. */
export const epochMs = z.number().int().nonnegative();


export const assignmentSchema = z.object({
  unit: z.string().min(1),
  also: z.array(z.string().min(1)),
  assignedAt: epochMs,
  signBy: isoDateSchema,
  feedbackBy: isoDateSchema,
  resolveBy: isoDateSchema,
  signedAt: epochMs.optional(),
  resolvedAt: epochMs.optional(),
  endedAt: epochMs.optional(),
  endReason: z.enum(['returned', 'reassigned', 'reopened']).optional(),
  returnReason: z.string().optional(),
  triage: z.boolean().optional(),
  feedbackAt: epochMs.optional(),
  followUp: followUp.optional(),
  followUpAt: epochMs.optional(),
  extendedFrom: isoDateSchema.optional(),
});

export const issueEventSchema = z.object({
  at: epochMs,
  type: z.string().min(1),
  actor: z.string().optional(),
  unit: z.string().optional(),
  note: z.string().optional(),
  assignment: z.number().int().nonnegative().optional(),
  key: z.string().optional(),
  ref: z.string().optional(),
});

/** Notifications are typed by template; their schema lives with the union in catalog.ts. */
export { notificationSchema } from './catalog.js';

/** The issue row inside a stored record: the issue row's fields, unknown keys stripped. */
export const storedIssueRowSchema = STORED_ROW_SCHEMAS.issue;

export const issueRecordSchema = z.object({
  id: z.string().min(1),
  status: z.enum(ISSUE_STATUSES),
  issue: storedIssueRowSchema,
  assignments: z.array(assignmentSchema),
  events: z.array(issueEventSchema),
  archivedEvents: z.number().int().nonnegative().optional(),
  sent: z.object({ assignment: z.number().int().nonnegative(), keys: z.array(z.string()) }).optional(),
  overdue: z.boolean(),
  escalationLevel: z.number().int().nonnegative(),
  returnCount: z.number().int().nonnegative(),
  reopenCount: z.number().int().nonnegative(),
  followUp: followUp.optional(),
  result: z.string().optional(),
  urgencyCheck: z.enum(URGENCY_CHECKS).optional(),
  warnings: z.array(rowWarningSchema),
  createdAt: epochMs,
  updatedAt: epochMs,
});

/**
 * Check a stored issue record read back from the store and return it typed; unknown keys are dropped.
 * Throws StoredDataError (code `stored_data_invalid`) naming the id (when readable) and the paths.
 */
export function parseStoredIssue(data: unknown): IssueRecord {
  const res = issueRecordSchema.safeParse(data);
  if (res.success) return res.data;
  const problems = zodProblems(res.error);
  const id = typeof data === 'object' && data !== null && typeof (data as { id?: unknown }).id === 'string' ? (data as { id: string }).id : undefined;
  const listed = problems
    .slice(0, MAX_LISTED)
    .map((p) => `${p.path || '（记录本身）'}：${p.message}`)
    .join('；');
  const more = problems.length > MAX_LISTED ? `；另有 ${problems.length - MAX_LISTED} 处` : '';
  throw new StoredDataError(`存储的问题记录${id ? ` ${id} ` : ''}格式不正确，共 ${problems.length} 处：${listed}${more}`, problems);
}


type Eq<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Same<A, B> = Eq<A, B> extends true ? Eq<keyof A, keyof B> : false;
/** Fails to compile unless T is `true`. */
type Assert<T extends true> = T;

/** Type-level only (no run-time code): every schema agrees with its interface. */
export type RecordTypeChecks = [
  Assert<Same<z.infer<typeof storedIssueRowSchema>, IssueRow>>,
  Assert<Same<z.infer<typeof assignmentSchema>, Assignment>>,
  Assert<Same<z.infer<typeof issueEventSchema>, IssueEvent>>,
  Assert<Same<z.infer<typeof issueRecordSchema>, IssueRecord>>,
];
