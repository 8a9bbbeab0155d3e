// Common problems (点办理、批处理, SPEC §4): three or more OPEN issues in the same 问题类别 from
// different enterprises reported within 14 days form a batch (共性问题), reported once to the command
// office for a policy answer.
//
// Windows and stable keys. Per category, every issue (open or not) reported on or before today is a
// candidate anchor; scanning anchors in date order, the first window [anchor, anchor + 13 days] whose
// OPEN issues come from at least 3 different enterprises is a batch, and the scan resumes after that
// window. The batch id is `CB-<anchor>-<category>`: it depends on the anchor day only, not on the
// members, so a batch that grows (a fourth enterprise reports the same problem) keeps its id, and its
// notification key `batch#<id>` is de-duplicated by the dispatcher: it is reported once.
// Why stable: a newly reported issue (reported today, after every other) cannot make an earlier window
// qualify first — that window would already contain every member of the existing batch; closing an
// issue only removes members (the anchor stays a candidate because closed issues anchor too), so the
// batch either keeps its id or dissolves. Only a back-dated report can move an anchor.
// Callers should pass the whole ledger (closed issues anchor windows); passing open issues only works,
// with anchors then moving when an anchor issue is resolved.

import { commandUnits, currentAssignment, isOpen, unitEmails } from './lifecycle.js';
import type { IssueCategory } from '../rows/kinds.js';
import { addDays, isIsoDate, shanghaiDate } from '../time/time.js';
import type { IssueRow, Profile } from '../rows/types.js';
import type { IssueRecord, NotificationOf } from './types.js';

export const BATCH_WINDOW_DAYS = 14;
export const BATCH_MIN_ENTERPRISES = 3;

export interface CommonProblemBatch {
  /** `CB-<from>-<category>`, stable while the batch exists. */
  id: string;
  category: IssueCategory;
  /** The window: anchor day and anchor + 13 days (ISO dates). */
  from: string;
  to: string;
  /** Open issues of the window with an identifiable enterprise, by 反映日期 then 编号. */
  issueIds: string[];
  /** Distinct enterprise keys (统一社会信用代码, else `name:<企业名称>`). */
  enterprises: string[];
  /** Current responsible units of the member issues, de-duplicated. */
  units: string[];
  foundAt: number;
}

function normName(name: string): string {
  return name.replace(/\s+/g, '').trim();
}

/** Enterprise identity: its code (upper-cased), else its name mapped to a code seen elsewhere, else `name:<name>`. */
export function enterpriseKey(issue: IssueRow, codeByName: ReadonlyMap<string, string> = new Map()): string | undefined {
  const code = issue.enterpriseCode?.trim().toUpperCase();
  if (code) return code;
  const name = issue.enterpriseName ? normName(issue.enterpriseName) : '';
  if (!name) return undefined;
  return codeByName.get(name) ?? `name:${name}`;
}

/** Batches of common problems among `records` as of `now` (issues reported after today are ignored). */
export function findCommonProblems(records: readonly IssueRecord[], now: number): CommonProblemBatch[] {
  const today = shanghaiDate(now);
  const codeByName = new Map<string, string>();
  for (const r of records) {
    const code = r.issue.enterpriseCode?.trim().toUpperCase();
    const name = r.issue.enterpriseName ? normName(r.issue.enterpriseName) : '';
    if (code && name && !codeByName.has(name)) codeByName.set(name, code);
  }

  const byCategory = new Map<IssueCategory, IssueRecord[]>();
  for (const r of records) {
    const d = r.issue.reportedOn;
    if (!isIsoDate(d) || d > today) continue;
    const list = byCategory.get(r.issue.category) ?? [];
    list.push(r);
    byCategory.set(r.issue.category, list);
  }

  const batches: CommonProblemBatch[] = [];
  for (const [category, list] of byCategory) {
    list.sort((a, b) => (a.issue.reportedOn < b.issue.reportedOn ? -1 : a.issue.reportedOn > b.issue.reportedOn ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const anchors = [...new Set(list.map((r) => r.issue.reportedOn))];
    let resumeAfter = '';
    for (const from of anchors) {
      if (from <= resumeAfter) continue;
      const to = addDays(from, BATCH_WINDOW_DAYS - 1);
      const members = list.filter(
        (r) => r.issue.reportedOn >= from && r.issue.reportedOn <= to && isOpen(r.status) && enterpriseKey(r.issue, codeByName),
      );
      const enterprises = [...new Set(members.map((r) => enterpriseKey(r.issue, codeByName)!))];
      if (enterprises.length < BATCH_MIN_ENTERPRISES) continue;
      batches.push({
        id: `CB-${from}-${category}`,
        category,
        from,
        to,
        issueIds: members.map((r) => r.id),
        enterprises,
        units: [...new Set(members.map((r) => currentAssignment(r).unit))],
        foundAt: now,
      });
      resumeAfter = to;
    }
  }
  return batches.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.id < b.id ? -1 : 1));
}

/**
 * The report of a batch to the command office (every 指挥部 unit). Key `batch#<id>`: the same for a
 * batch that grows, so it is sent once. null when the command office has no address.
 */
export function batchNotification(batch: CommonProblemBatch, profile: Pick<Profile, 'units'>): NotificationOf<'batch'> | null {
  const to = unitEmails(profile, commandUnits(profile));
  if (to.length === 0) return null;
  return {
    key: `batch#${batch.id}`,
    template: 'batch',
    to,
    data: {
      batchId: batch.id,
      category: batch.category,
      from: batch.from,
      to: batch.to,
      issueIds: [...batch.issueIds],
      enterpriseCount: batch.enterprises.length,
      units: [...batch.units],
    },
    createdAt: batch.foundAt,
  };
}
