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
//
// Members and counts. A batch's members are every issue of its window with an identifiable
// enterprise, whatever its status now (`memberIds`, `memberEnterprises`): the enterprises that
// reported the problem. Resolving one does not make the problem fewer enterprises' problem, so the
// batch mail (sent when the batch is found) and a later report count the same members; `issueIds` /
// `enterprises` are the OPEN members, the ones that make the window a batch. `firstReported` and
// `lastReported` are the members' first and last 反映日期 (never after today).
// A weekly report passes `openSince` (the week's Monday 00:00): an issue counts as open when it is
// open now or its current assignment was resolved at or after that instant, so a batch that was live
// during the week (and was mailed) is still the week's batch after its members are resolved.

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
  /** Distinct enterprise keys of the open issues (统一社会信用代码, else `name:<企业名称>`). */
  enterprises: string[];
  /** Every issue of the window with an identifiable enterprise, any status, by 反映日期 then 编号. */
  memberIds: string[];
  /** Distinct enterprises among memberIds: the batch's real size. */
  memberEnterprises: number;
  /** First and last 反映日期 of the members (ISO dates, ≤ today). */
  firstReported: string;
  lastReported: string;
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

/** Open now, or (with `openSince`) its current assignment resolved at or after that instant. */
function openFor(r: IssueRecord, openSince: number | undefined): boolean {
  if (isOpen(r.status)) return true;
  if (openSince === undefined) return false;
  const resolvedAt = r.assignments.length > 0 ? currentAssignment(r).resolvedAt : undefined;
  return resolvedAt !== undefined && resolvedAt >= openSince;
}

/**
 * Batches of common problems among `records` as of `now` (issues reported after today are ignored).
 * `openSince`: count issues resolved since that instant as open (a week's report; see the header).
 */
export function findCommonProblems(records: readonly IssueRecord[], now: number, opts: { openSince?: number } = {}): CommonProblemBatch[] {
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
      const all = list.filter((r) => r.issue.reportedOn >= from && r.issue.reportedOn <= to && enterpriseKey(r.issue, codeByName));
      const members = all.filter((r) => openFor(r, opts.openSince));
      const enterprises = [...new Set(members.map((r) => enterpriseKey(r.issue, codeByName)!))];
      if (enterprises.length < BATCH_MIN_ENTERPRISES) continue;
      batches.push({
        id: `CB-${from}-${category}`,
        category,
        from,
        to,
        issueIds: members.map((r) => r.id),
        enterprises,
        memberIds: all.map((r) => r.id),
        memberEnterprises: new Set(all.map((r) => enterpriseKey(r.issue, codeByName))).size,
        firstReported: all[0].issue.reportedOn,
        lastReported: all[all.length - 1].issue.reportedOn,
        // An issue not routed yet (no assignment: stored before the configuration) has no unit to list.
        units: [...new Set(members.flatMap((r) => (r.assignments.length > 0 ? [currentAssignment(r).unit] : [])))],
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
      issueIds: [...batch.memberIds],
      enterpriseCount: batch.memberEnterprises,
      firstReported: batch.firstReported,
      lastReported: batch.lastReported,
      openCount: batch.issueIds.length,
      units: [...batch.units],
    },
    createdAt: batch.foundAt,
  };
}
