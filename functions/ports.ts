// Every port the use cases depend on, declared here and nowhere else: a clock, a log, the store, the
// digest's store, a mailer, an identity verifier, the runtime settings, the outbox metric. Adapters
// (functions/adapters/) implement them; handlers/ and local/ choose which; tests pass real local
// services. Records are plain data so the pure domain can transform them.
import type { IssueStatus, RowKind, WorkClassId } from '../domain/rows/kinds.js';
import type { Profile, ProfileProblem, RowOf, RowWarning } from '../domain/rows/types.js';
import type { IssueRecord, Notification } from '../domain/issues/types.js';
import type { NumberedEvent } from '../domain/issues/events.js';
import type { HistoryEntry } from '../domain/rows/history.js';
import type { DecisionType } from '../domain/issues/catalog.js';
import type { SweepSchedule } from '../domain/issues/sweep.js';
import type { CoverageSnapshot } from '../domain/reports/snapshots.js';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * Structured log lines (Powertools Logger in Lambda: adapters/logger.ts). Log ids, codes and counts;
 * never a bearer token, an action token, a secret or a mail body.
 */
export interface Log {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

/** A short, safe description of an unknown error for a log line: its name and code, never the full object. */
export function errorInfo(err: unknown): { name: string; code?: string; message: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, ...(typeof code === 'string' ? { code } : {}), message: err.message.slice(0, 300) };
  }
  return { name: 'NonError', message: String(err).slice(0, 300) };
}

export interface OutgoingMail {
  /** At most 50 addresses (SES limit); the mailer rejects more. */
  to: string[];
  subject: string;
  html: string;
  text: string;
}

export interface Mailer {
  /** Throws MailError for a message that can never be sent as it is; anything else may succeed later. */
  send(msg: OutgoingMail): Promise<{ messageId: string }>;
}

/** A message the mailer refuses for good (bad address, too many recipients, bad sender). */
export class MailError extends Error {
  constructor(
    readonly code: 'invalid_address' | 'too_many_recipients' | 'invalid_from',
    message: string,
  ) {
    super(message);
    this.name = 'MailError';
  }
}

const EMAIL_RE =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}$/i;

/** An address the mailer accepts: a plain address (no display name), ≤ 254 characters. */
export function isValidEmail(address: string): boolean {
  return address.length <= 254 && EMAIL_RE.test(address);
}

/**
 * Of the given addresses, those never to be mailed again: permanent bounces and complaints as the
 * bounce handler records them (DigestStore.suppressedAmong), lower-cased.
 */
export type SuppressionCheck = (emails: readonly string[]) => Promise<Set<string>>;

export interface IdentityVerifier {
  /** The verified, lower-cased email of a bearer token, or null when the token is not acceptable. */
  verify(bearer: string): Promise<{ email: string } | null>;
}

/** A cell value as it arrives in JSON. */
export type JsonCell = string | number | boolean | null;

/**
 * One stored sheet row of a kind (any kind except issues, see IssueRecord). The store parses `value`
 * with the kind's row check where it reads it (domain/rows/row-check.ts, generated from the row
 * table; the zod edge schemas of row-schemas.ts wrap the same checks): a corrupt item is a
 * StoredDataError, never a mistyped value. `RowRecord` (no argument) is a record of some kind.
 */
export interface RowRecord<K extends RowKind = RowKind> {
  kind: K;
  /** Business key (统一社会信用代码, 单位编码, 邮箱#专班编码 …) or `${spreadsheetId}#${row}`. */
  key: string;
  workClass: WorkClassId;
  spreadsheetId: string;
  /** Sheet row number of the last write (header = 1). */
  row: number;
  /** The cells as sent (system columns dropped). */
  values: Record<string, JsonCell>;
  /** The normalised row of the kind. */
  value: RowOf<K>;
  /** sha256 of the normalised content: an identical resend changes nothing. */
  hash: string;
  /** Content version seen by the sheet: 1 on create, +1 per content change. */
  version: number;
  /** Item revision: +1 on every write (optimistic lock of the store). */
  revision: number;
  updatedAt: number;
  updatedBy: string;
  warnings: RowWarning[];
  /**
   * Random id of the sync call that last wrote the item. A batch create (Store.putNewRows) is
   * unconditional: reading the key back and finding another writeId means another sync's write won.
   */
  writeId?: string;
  /**
   * Tombstone (SPEC §7.1 deletions): set when a manifest deleted the row — it is never erased, lists
   * of live rows skip it, and syncing the row again restores it.
   */
  deletedAt?: number;
  deletedBy?: string;
  /**
   * The history entry of this revision. Written to its own item after the write (Store.putHistory,
   * idempotent); kept here until the next write so a crash in between loses nothing.
   */
  history?: HistoryEntry;
}

/**
 * An issue item: the lifecycle record (domain/lifecycle.ts), the sheet row it came from and its
 * outbox, all in ONE item so a state change and the notifications it causes are one write.
 */
/**
 * Row kinds whose writes bump a version (Store.bumpRowsVersion): the whitelist (coverage sums kept
 * per day, the policy push plan) and the policies (the push plan). One read tells a job whether
 * anything it derives from these rows can have changed since it last looked.
 */
export const VERSIONED_KINDS = ['whitelist', 'policy'] as const satisfies readonly RowKind[];
export type VersionedKind = (typeof VERSIONED_KINDS)[number];
export const isVersionedKind = (kind: RowKind): kind is VersionedKind => (VERSIONED_KINDS as readonly RowKind[]).includes(kind);

/** The whitelist's per-sector sums on a day (domain/reports/coverage.ts SectorSums), as of a whitelist version. */
export interface CoverageSumsRecord {
  day: string;
  /** Store.rowsVersion('whitelist') read before the whitelist was read. */
  version: number;
  /** Sector → [万元 in hundredths, rows counted]. */
  sums: Record<string, [number, number]>;
}

export interface StoredIssue {
  record: IssueRecord;
  workClass: WorkClassId;
  spreadsheetId: string;
  /** Sheet row of the last write. */
  row: number;
  /** `${spreadsheetId}#issue#${row}` of the row that created it. */
  sourceKey: string;
  values: Record<string, JsonCell>;
  hash: string;
  /** Content version seen by the sheet (state changes do not bump it). */
  version: number;
  /** Item revision: +1 on every write (optimistic lock). */
  revision: number;
  updatedBy: string;
  /** Notifications not yet delivered to every recipient, by key: while non-empty the item is in the outbox index. */
  pending: Record<string, Notification>;
  /** Nonces of action tokens already used (single use), with the instant of use. */
  usedTokens: Record<string, number>;
  /**
   * Notifications set aside: every recipient not yet final is set aside (DeliveryStatus `set_aside`)
   * or the notification itself failed its retries. Out of the outbox index until re-driven.
   */
  setAside?: Record<string, Notification>;
  /**
   * When the sweep next needs this issue (domain/issues/sweep.ts: dueForSweep, sweepMark, sweepDueAt).
   * Absent or stale: the issue is due for the sweep at once (the sweep sets it).
   */
  sweep?: SweepSchedule;
  /** Events (by sequence number, domain/issues/events.ts) already written to their own items. */
  eventsDrained?: number;
  /** 处理说明: what the server did with the last edit of the routed row (domain/issues/edits.ts). */
  explanation?: string;
  /** Tombstone: only an issue never routed may be deleted by a manifest (SPEC §7.1). */
  deletedAt?: number;
  deletedBy?: string;
  /** The row-history entry of the last content change (see RowRecord.history). */
  history?: HistoryEntry;
}

/** One page of a list read newest first; `next` is the opaque cursor of the following page. */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/** The record of a one-off data migration (the identity upgrade of SPEC §7.8). */
export interface MigrationRecord {
  name: string;
  status: 'done';
  at: number;
  counts: Record<string, number>;
}

/** A common-problem batch (共性问题) once reported: its notification went out with one member issue's outbox. */
export interface BatchRecord {
  id: string;
  category: string;
  issueIds: string[];
  /** The issue whose outbox carried the `batch#<id>` notification. */
  via: string;
  reportedAt: number;
}

/**
 * One item of the command office's decision queue (SPEC §7.2): an inspection to approve, a unit's
 * request (延期, 上报), a batch to answer. The subject's state the decision sets lives here too
 * (an inspection's 状态 and 审批意见), with the item's own outbox, in ONE item: the decision, its
 * mails and the used link tokens are one conditional write; concurrent deciders race on `revision`.
 */
export interface DecisionRecord {
  /** JC-… for an inspection, SQ-… for a unit's request, the batch id for a batch. */
  id: string;
  decisionType: DecisionType;
  /** One line: what is asked. */
  subject: string;
  /** The issue, inspection row key or batch it is about. */
  ref: string;
  /** Who asked: 单位编码 (or the 发起单位 as typed), and its display name. */
  requester: string;
  requesterName: string;
  /** Addresses told the outcome. */
  requesterEmails: string[];
  /** Epoch ms it entered the queue. */
  since: number;
  /** While true it is in the queue. */
  open: boolean;
  /** The subject's state (检查报备 状态: 免审批/待审批/已批准/已驳回; a request: 待审批/已同意/不同意). */
  status: string;
  /** Decide by (ISO date, Shanghai), when the type has a time limit. */
  decideBy?: string;
  /** Type-specific facts (the inspection's columns; the requested date; the level). */
  data: Record<string, string>;
  /** Detail lines shown on mails, pages and the queue. */
  rows: { label: string; text: string }[];
  quote?: string;
  /** The answer (an option label), its note, when and by whom. */
  decision?: string;
  note?: string;
  decidedAt?: number;
  decidedBy?: string;
  /** The decision's effect on its subject is done (an issue extended, escalated …): the sweep finishes it otherwise. */
  applied?: boolean;
  /** Keys of reminders and flags already raised. */
  flags: string[];
  /** Mails not yet delivered to every recipient (the outbox), by key. */
  pending: Record<string, Notification>;
  usedTokens: Record<string, number>;
  updatedAt: number;
  revision: number;
}

export interface DecisionQuery {
  type?: DecisionType;
  /** Only those in (true) or out of (false) the queue. */
  open?: boolean;
  /** Only decided ones whose effect is not applied yet (the sweep finishes them). */
  unapplied?: boolean;
}

export interface DuePage {
  issues: StoredIssue[];
  /** Opaque cursor of the next page, absent on the last. */
  cursor?: string;
}

/**
 * `set_aside`: the transient failures used up their retries (deliver.ts MAX_DELIVERY_ATTEMPTS); no
 * automatic attempt until re-driven (`sibao redrive`, usecases/redrive.ts).
 */
export type DeliveryStatus = 'sending' | 'sent' | 'failed' | 'rejected' | 'set_aside';

/** Delivery state of one notification to one recipient. */
export interface DeliveryRecord {
  notificationKey: string;
  recipient: string;
  status: DeliveryStatus;
  attempts: number;
  /**
   * While `sending`: the claim expires then, in REAL time (the lease clock, never a simulated one), so
   * a restart with another clock never strands a claim; a crashed sender's claim is taken over.
   */
  leaseUntil?: number;
  /** While `sending`: the sender generation of the claim (see ClaimOptions.generation). */
  generation?: number;
  nextAttemptAt?: number;
  messageId?: string;
  sentAt?: number;
  lastError?: string;
  updatedAt: number;
}

/** A delivery sent under its claim: the record the claim returned, SES's message id, when. */
export interface SentMark {
  claimed: DeliveryRecord;
  messageId: string;
  now: number;
}

export interface ProfileRecord {
  profile: Profile;
  problems: ProfileProblem[];
  updatedAt: number;
  updatedBy: string;
  /** Random per write: equal versions are the same profile (Store.getProfileVersion). */
  version?: string;
}

export interface IssueQuery {
  unit?: string;
  status?: IssueStatus;
}

/** The fields of an issue record a listing answers with (GET /v1/issues): all a page reads. */
export const ISSUE_SUMMARY_FIELDS = ['id', 'status', 'assignments', 'overdue', 'escalationLevel', 'returnCount', 'reopenCount'] as const;
export type IssueSummarySource = Pick<IssueRecord, (typeof ISSUE_SUMMARY_FIELDS)[number]>;

/** One page of issues (GET /v1/issues with `limit` / `cursor`). */
export interface IssuePageQuery extends IssueQuery {
  /** Items the index reads for this page (1–500); a page with a status filter may hold fewer. */
  limit: number;
  /** `next` of the previous page of the same query. */
  cursor?: string;
}

export interface IssuePage {
  /** The listed records, read with only ISSUE_SUMMARY_FIELDS. */
  issues: IssueSummarySource[];
  /** Cursor of the next page; null on the last. */
  next: string | null;
}

/** A cursor that was not issued for this query (or is not a cursor at all). */
export class CursorError extends Error {
  readonly code = 'invalid_cursor';
  constructor() {
    super('分页游标（cursor）无效或不属于本次查询，请从第一页重新读取');
    this.name = 'CursorError';
  }
}

export interface Store {
  getProfile(): Promise<ProfileRecord | null>;
  /** Writes the profile with a new version, then the small version item (in that order). */
  putProfile(rec: ProfileRecord): Promise<void>;
  /**
   * The version of the stored profile, read consistently from a small item of its own: what every
   * request checks before trusting a cached profile (SPEC §7.8 authorisation).
   */
  getProfileVersion(): Promise<string | null>;

  /** Batch read (strongly consistent) of rows of one kind by key. */
  getRows<K extends RowKind>(kind: K, keys: readonly string[]): Promise<Map<string, RowRecord<K>>>;
  /**
   * Batch read (strongly consistent) of only the `writeId` of rows: present keys map to their
   * writeId (null when the item has none); absent keys are missing from the map.
   */
  getRowWriteIds(kind: RowKind, keys: readonly string[]): Promise<Map<string, string | null>>;
  /** Conditional write: `expectedRevision` null = must not exist. false when the condition failed. */
  putRow(rec: RowRecord, expectedRevision: number | null): Promise<boolean>;
  /**
   * Unconditional bulk write of rows believed new (BatchWriteItem, 25 per call, unprocessed items
   * retried). It overwrites whatever is there: callers read the keys back (getRows) and compare
   * `writeId` to learn which write stayed (see dynamodb-store.ts for the race this leaves).
   */
  putNewRows(recs: readonly RowRecord[]): Promise<void>;
  /** Live rows of a kind (of one class); with `deleted`, tombstones too. */
  listRows<K extends RowKind>(kind: K, workClass?: WorkClassId, opts?: { deleted?: boolean }): Promise<RowRecord<K>[]>;
  listRowKeys(kind: RowKind): Promise<string[]>;
  /** Remove a row item for good: only the identity upgrade re-keying a row does this. */
  deleteRowItem(kind: RowKind, key: string): Promise<void>;

  /** Write history entries to their own items (idempotent: one item per row and revision). */
  putHistory(entries: readonly HistoryEntry[]): Promise<void>;
  /** A row's history entries in their own items, newest first, of revisions before `before` (if given). */
  listHistory(kind: RowKind, key: string, page: { limit: number; before?: number }): Promise<HistoryEntry[]>;
  /** History entries of every row written in [from, to) (epoch ms), oldest first. */
  listHistoryBetween(from: number, to: number): Promise<HistoryEntry[]>;
  /** An issue's events drained to their own items, newest first, of sequence numbers before `before`. */
  listIssueEvents(id: string, page: { limit: number; before?: number }): Promise<NumberedEvent[]>;
  /** Whether an action token's nonce was used (drained out of its issue item). */
  isTokenUsed(nonce: string): Promise<boolean>;
  /** Issues of one class (its 问题诉求 tab), deleted ones excluded. */
  listClassIssues(workClass: WorkClassId): Promise<StoredIssue[]>;

  getMigration(name: string): Promise<MigrationRecord | null>;
  putMigration(rec: MigrationRecord): Promise<void>;

  /** A versioned kind's version (bumpRowsVersion), with the wall-clock instant of the last bump. Read consistently. */
  rowsVersion(kind: VersionedKind): Promise<{ version: number; at: number }>;
  /**
   * After rows of a versioned kind are written or deleted (sync, manifest): what was computed under an
   * older version is stale (coverage sums kept for the day, the policy push plan).
   */
  bumpRowsVersion(kind: VersionedKind): Promise<void>;
  /** The per-sector sums of a day kept by coverage reads (null when none is kept). */
  getCoverageSums(day: string): Promise<CoverageSumsRecord | null>;
  /** Keep a day's sums unless sums of a later whitelist version are already kept (a no-op then). */
  putCoverageSums(rec: CoverageSumsRecord): Promise<void>;

  getIssue(id: string): Promise<StoredIssue | null>;
  /** Conditional write of the whole issue item (state + outbox together). */
  putIssue(rec: StoredIssue, expectedRevision: number | null): Promise<boolean>;
  /** The issue id a sheet row was given, if any. */
  getIssueSource(sourceKey: string): Promise<string | null>;
  /** Claim `sourceKey` for `id` unless already claimed; returns the owning id. */
  claimIssueSource(sourceKey: string, id: string): Promise<string>;
  /** Next number of the day (1, 2, …) from an atomic counter. */
  nextIssueNumber(day: string): Promise<number>;
  /**
   * Issues of a current responsible unit (optionally in one status), or all issues (optionally by
   * status); with `deleted`, tombstones too.
   */
  listIssues(q: IssueQuery, opts?: { deleted?: boolean }): Promise<StoredIssue[]>;
  /**
   * The issues of one enterprise (反映企业代码), newest first, deleted ones excluded: read through its
   * own pointer items (written by putIssue, following an edit of the code), never the whole store.
   * With `indexed: false`, for a store whose backfill has not run (usecases/enterprise-index.ts):
   * without the pointers, the database reading every issue item and answering only this enterprise's.
   */
  listIssuesOfEnterprise(code: string, opts?: { indexed?: boolean }): Promise<StoredIssue[]>;
  /**
   * Write the enterprise pointers of issues stored before pointers existed (idempotent; the one-time
   * backfill in usecases/enterprise-index.ts). Issues without an enterprise code are skipped.
   */
  putEnterprisePointers(issues: readonly StoredIssue[]): Promise<void>;
  /**
   * One page of the same listing from an index: reads at most `limit` items whatever the table
   * holds. Throws CursorError for a cursor it did not issue for this query.
   */
  listIssuesPage(q: IssuePageQuery): Promise<IssuePage>;
  /** Open issues the sweep needs (domain/issues/sweep.ts sweepDueAt) by the end of `date` (ISO, Shanghai). */
  listIssuesDueBy(date: string): Promise<StoredIssue[]>;
  /** One page of open issues the sweep needs at or before `until` (epoch ms), earliest first. */
  listIssuesDuePage(until: number, cursor?: string, limit?: number): Promise<DuePage>;
  /** Issues whose 编号 day (WT-YYYYMMDD-…) is on or after `sinceDay` (ISO), across the classes that keep issues. */
  listRecentIssues(sinceDay: string): Promise<StoredIssue[]>;
  getBatch(id: string): Promise<BatchRecord | null>;
  /** Record a reported batch unless already recorded; false when it exists. */
  putBatch(rec: BatchRecord): Promise<boolean>;
  /** Take (or renew) a named lease until now + ms; false while another owner holds it. */
  acquireLease(name: string, owner: string, now: number, ms: number): Promise<boolean>;
  releaseLease(name: string, owner: string): Promise<void>;
  /** Issues with pending notifications (the outbox). */
  listOutbox(): Promise<StoredIssue[]>;

  getDecision(id: string): Promise<DecisionRecord | null>;
  /** Conditional write on `revision` (null = must not exist); false when the condition failed. */
  putDecision(rec: DecisionRecord, expectedRevision: number | null): Promise<boolean>;
  listDecisions(q: DecisionQuery): Promise<DecisionRecord[]>;
  /** Decisions with pending notifications (their outbox). */
  listDecisionOutbox(): Promise<DecisionRecord[]>;
  /** Next number of the day in a series (`JC` inspections, `SQ` requests, `TC` shutdowns, `DC` findings) from an atomic counter. */
  nextSeriesNumber(series: string, day: string): Promise<number>;

  getDelivery(notificationKey: string, recipient: string): Promise<DeliveryRecord | null>;
  /**
   * Take the right to send: absent, failed and due, or a lapsed claim. null when not claimable now.
   * `now` is the job's clock (nextAttemptAt); the lease is on `opts.leaseNow` (real time; default `now`).
   */
  claimDelivery(notificationKey: string, recipient: string, now: number, leaseMs: number, opts?: ClaimOptions): Promise<DeliveryRecord | null>;
  markDeliverySent(notificationKey: string, recipient: string, messageId: string, now: number): Promise<void>;
  /**
   * Mark many claimed deliveries sent at once (BatchWriteItem, 25 per call, unprocessed items retried):
   * each record is written as claimed, `sent` with its message id, the lease and next attempt dropped.
   * Unconditional, as markDeliverySent: the mail is out, whatever happened to the record since.
   */
  markDeliveriesSent(marks: readonly SentMark[]): Promise<void>;
  /** permanent: `rejected`; setAside: `set_aside` (no automatic retry); else `failed` until nextAttemptAt. */
  markDeliveryFailed(
    notificationKey: string,
    recipient: string,
    f: { error: string; nextAttemptAt?: number; permanent: boolean; setAside?: boolean },
    now: number,
  ): Promise<void>;
}

/** The Store methods only the background jobs use (sweep's due lists, job leases, the outbox and deliveries). */
export type JobStoreMethod =
  | 'listIssuesDueBy'
  | 'listIssuesDuePage'
  | 'acquireLease'
  | 'releaseLease'
  | 'listOutbox'
  | 'listDecisionOutbox'
  | 'getDelivery'
  | 'claimDelivery'
  | 'markDeliverySent'
  | 'markDeliveriesSent'
  | 'markDeliveryFailed';
/** What the API reads and writes (its bundle leaves the jobs' methods out: adapters createApiStore). */
export type ApiStore = Omit<Store, JobStoreMethod>;

export interface ClaimOptions {
  /** Real-time instant the lease is measured on (epoch ms); default the `now` argument. */
  leaseNow?: number;
  /**
   * The sender generation: a claim held by an older generation is taken over at once. The local stack
   * starts a new generation per process (it holds the data directory's lock, so an older claim's
   * sender is dead); AWS leaves it 0 and relies on the lease alone.
   */
  generation?: number;
  /**
   * A `failed` delivery whose nextAttemptAt lies beyond this instant is due now: the job clock went
   * back (a stack started with an earlier --clock), and no backoff is longer than the horizon.
   */
  retryHorizon?: number;
}

/**
 * A store failure: `item_too_large` (the item would pass DynamoDB's 400 KB: the input was too big),
 * `throttled` (throttling beyond the SDK's retries), else unexpected (network, …).
 */
export class StoreError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

const THROTTLING = new Set(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'Throttling', 'TooManyRequestsException']);

/** A service said "slow down" beyond its client's retries (DynamoDB, SES): worth trying again later. */
export function isThrottling(err: unknown): boolean {
  if (err instanceof StoreError) return err.code === 'throttled';
  return THROTTLING.has((err as Error)?.name);
}

// ---- the Friday digest's store (adapters/digest-store.ts) ---------------------------------------

export type DigestStatus = 'sending' | 'sent';

export interface DigestRecord {
  week: string;
  /** Id of the run that won the record: its blobs are the stored page, text and model. */
  runId: string;
  status: DigestStatus;
  generatedAt: number;
  subject: string;
  recipients: string[];
  /** Recipients not mailed because their address bounced permanently or complained. */
  suppressed: string[];
  /** Blob name -> number of chunks. */
  blobs: Record<string, number>;
  createdAt: number;
  sentAt?: number;
  /** Deliveries at the time the record was marked sent. */
  delivered?: number;
  failed?: number;
}

export type AddressStatus = 'bounced' | 'complained' | 'soft';

export interface AddressRecord {
  email: string;
  /** bounced (permanent) and complained are not mailed again; soft (transient) is only reported. */
  status: AddressStatus;
  permanentBounces: number;
  transientBounces: number;
  complaints: number;
  firstAt: number;
  lastAt: number;
  lastType: string;
  lastDiagnostic?: string;
  /** Feedback ids already counted (SNS may deliver a message twice); the last 20. */
  seen: string[];
  revision: number;
}

export interface DigestStore {
  /**
   * The issues the digest of `week` needs (DigestInput.issues): open now, closed and changed since the
   * week's Monday (partitions ACT#week … ACT#<week of now>), closed with the last 办结时限 in the week.
   */
  issuesForWeek(week: string, now: number): Promise<IssueRecord[]>;
  /**
   * The issues whose activity may fall in the Shanghai days `from`–`to` (GET /v1/metrics): open now,
   * closed and changed since the week of `from` (ACT#<week of from> … ACT#<week of now>), closed with
   * the last 办结时限 in the period's weeks (RW#…). Never the history before the period.
   */
  issuesForPeriod(from: string, to: string, now: number): Promise<IssueRecord[]>;
  /** Stored snapshots of weeks before `week`, newest first, at most `limit` (values not included). */
  snapshotsBefore(week: string, limit?: number): Promise<CoverageSnapshot[]>;
  /** The per-code values stored with a week's snapshot. */
  snapshotValues(week: string): Promise<Record<string, number> | undefined>;
  putSnapshot(s: CoverageSnapshot): Promise<void>;

  getDigest(week: string): Promise<DigestRecord | null>;
  /** Write the run's blobs (gzip, chunked). Returns the chunk count of each. */
  putBlobs(week: string, runId: string, blobs: Record<string, string>): Promise<Record<string, number>>;
  getBlob(rec: Pick<DigestRecord, 'week' | 'runId' | 'blobs'>, name: string): Promise<string | null>;
  deleteBlobs(week: string, runId: string, blobs: Record<string, number>): Promise<void>;
  /** Create the week's record unless one exists: false when another run already holds the week. */
  createDigest(rec: DigestRecord): Promise<boolean>;
  markDigestSent(week: string, runId: string, f: { sentAt: number; delivered: number; failed: number }): Promise<void>;

  getAddress(email: string): Promise<AddressRecord | null>;
  /** Conditional write on `revision` (null = must not exist); false when the condition failed. */
  putAddress(rec: AddressRecord, expectedRevision: number | null): Promise<boolean>;
  /** Addresses with a permanent bounce or a complaint (and, with `withSoft`, transient bounces). */
  listProblemAddresses(withSoft?: boolean): Promise<AddressRecord[]>;
  /** Addresses that must not be mailed (permanent bounce or complaint), among `emails`. */
  suppressedAmong(emails: readonly string[]): Promise<Set<string>>;
}

/** The digest reads the API needs (the dashboard's week, a stored digest page). */
export type DigestReader = Pick<DigestStore, 'issuesForWeek' | 'issuesForPeriod' | 'getDigest' | 'getBlob'>;

/** Items read from the table (adapters/digest-store.ts attachReadCounter): the digest's itemsRead. */
export interface ReadCounter {
  /** Items returned by Query / GetItem / BatchGetItem since the counter was made or reset. */
  readonly items: number;
  /** Items examined (Query ScannedCount; equal to items without a filter). */
  readonly scanned: number;
  readonly calls: number;
  reset(): void;
}

// ---- what the running system learns about itself (adapters/runtime-config.ts) -------------------

export interface RuntimeConfig {
  /** The base URL the API recorded, or null before its first request. */
  getPublicBaseUrl(): Promise<string | null>;
  putPublicBaseUrl(url: string, at: number): Promise<void>;
}

// ---- the dispatcher's health metric (adapters/metrics.ts) ----------------------------------------

export interface OutboxMetrics {
  /** Measures the oldest pending notification at `now`, publishes the metric, returns the age in seconds. */
  publishOldestPendingAge(now: number): Promise<number>;
}

// ---- operational metrics the alarms watch (adapters/metrics.ts; infra/ names the alarms) ----------

export type OpsMetricName =
  /** An API request answered 5xx by an unexpected error (the Lambda itself succeeds). */
  | 'ApiUnexpectedErrors'
  /** A background job's item failed (it is retried with backoff). */
  | 'JobItemFailures'
  /** Items set aside now (gauge, published by every dispatcher run and whenever an item is set aside). */
  | 'ItemsSetAside'
  /** 1 when the week's digest is not sent at or after Friday 18:00 Asia/Shanghai, else 0. */
  | 'DigestLate';

export interface OpsMetrics {
  /** One datapoint (Count, or the gauge's value), dimension County. Never throws. */
  put(name: OpsMetricName, value: number): void;
}

export const noMetrics: OpsMetrics = { put: () => undefined };

// ---- background jobs: failing items, backoff and the items set aside (usecases/isolation.ts) ------

export type JobName = 'dispatch' | 'sweep' | 'digest' | 'bounce';

/**
 * The reports the digest job mails, as people name them, by the prefix of their notification key:
 * `digest#<YYYY-Www>` (the Friday digest), `daily#<YYYY-MM-DD>` (the emergency's daily report).
 */
export const REPORT_LABELS = { digest: '周报', daily: '日报' } as const;

/** The report a notification key names (`digest#<week>`, `daily#<date>`), or null for any other key. */
export function reportOf(notificationKey: string): { kind: keyof typeof REPORT_LABELS; period: string; label: string } | null {
  const m = /^(digest|daily)#(.+)$/.exec(notificationKey);
  if (!m) return null;
  const kind = m[1] as keyof typeof REPORT_LABELS;
  return { kind, period: m[2], label: REPORT_LABELS[kind] };
}

/** The jobs as people name them (the dashboard's line, `sibao redrive`). */
export const JOB_LABELS: Record<JobName, string> = { dispatch: '发信', sweep: '巡查', digest: REPORT_LABELS.digest, bounce: '退信记录' };

/** The job of a failing item as people name it: a 日报's delivery is the 日报's (the digest job sends it). */
export const jobLabelOf = (f: { job: JobName; key: string }): string => (f.job === 'digest' ? (reportOf(f.key.split('|')[0])?.label ?? JOB_LABELS.digest) : JOB_LABELS[f.job]);

/**
 * One failing item of a background job: recorded on its first failure, deleted when it succeeds,
 * set aside (no more automatic retries; an alarm, a dashboard line, `sibao redrive`) after its retries.
 */
export interface JobFailure {
  job: JobName;
  /**
   * The item within its job: an issue id (sweep), a notification key (dispatch), a delivery
   * `<notificationKey>|<recipient>` (dispatch, digest), a week (digest), a feedback id (bounce).
   */
  key: string;
  /** What people recognise: 编号, week, address. */
  subject: string;
  attempts: number;
  firstAt: number;
  lastAt: number;
  /** Name, code and a short message of the last error (never a token or a mail body). */
  lastError: string;
  /** The next automatic attempt (job clock); absent once set aside. */
  nextAttemptAt?: number;
  /** When it was set aside; absent while it is still retried. */
  setAsideAt?: number;
  /** What a retry needs that lives nowhere else (a bounce notification). */
  payload?: unknown;
  revision: number;
}

export interface FailureStore {
  getFailure(job: JobName, key: string): Promise<JobFailure | null>;
  /** Conditional write on `revision` (null = must not exist); false when the condition failed. */
  putFailure(rec: JobFailure, expectedRevision: number | null): Promise<boolean>;
  deleteFailure(job: JobName, key: string): Promise<void>;
  /** Failing items of one job (or of every job), retried and set aside. */
  listFailures(job?: JobName): Promise<JobFailure[]>;
  /**
   * A set-aside (or failed) delivery record made due again at `now` with a fresh retry budget (the
   * re-drive of a delivery); false when it is neither.
   */
  reviveDelivery(notificationKey: string, recipient: string, now: number): Promise<boolean>;
}

// ---- the web front end's store (sign-in by mail, uploads; adapters/web-store.ts) ------------------

/** One workbook upload on `/my` (SPEC §7.7): what the page lists under 最近上传. */
export interface UploadRecord {
  id: string;
  email: string;
  /** The uploaded file's name. */
  file: string;
  workClass: WorkClassId;
  at: number;
  tabs: { tab: string; kind: RowKind; rows: number; accepted: number; rejected: number; deleted: number }[];
  accepted: number;
  rejected: number;
  /** Tabs whose deletions the mass-delete guard refused (nothing deleted), for the member to confirm. */
  massDelete?: { tab: string; kind: RowKind; live: number; wouldDelete: number }[];
  /** Until when (epoch ms) the refused deletions may be confirmed (WebStore keeps what that needs until then). */
  confirmBy?: number;
  /** When the member confirmed them (set once). */
  confirmedAt?: number;
}

export interface WebStore {
  /**
   * Count one event under `key` (one counter item per rate window, expiring at `expiresAt`, epoch
   * seconds) with a conditional increment: false, and nothing counted, once `limit` were counted.
   */
  countEvent(key: string, limit: number, expiresAt: number): Promise<boolean>;
  /** Claim `key` once with a conditional write (single-use sign-in links); false when claimed before. */
  claimOnce(key: string, expiresAt: number): Promise<boolean>;
  /** Whether `key` was claimed (a consistent read: a logged-out session is refused at once everywhere). */
  isClaimed(key: string): Promise<boolean>;
  /**
   * Record an upload and its annotated workbook (chunked: a workbook may pass one item's 400 KB), and,
   * when the upload has deletions to confirm, what confirming needs (`pending.state`, chunked too, kept
   * until `pending.expiresAt`, epoch seconds).
   */
  putUpload(rec: UploadRecord, workbook: Buffer, pending?: { state: Buffer; expiresAt: number }): Promise<void>;
  /** An upload of that member with its pending state (null state once expired or gone); null for another member's or an unknown id. */
  getPending(email: string, id: string): Promise<{ record: UploadRecord; state: Buffer | null } | null>;
  /**
   * Record the confirmation of an upload's deletions: its new record (with `confirmedAt`) and
   * annotated workbook replace the old ones, once — false (nothing changed) when it was confirmed before.
   */
  confirmUpload(rec: UploadRecord, workbook: Buffer): Promise<boolean>;
  /** The member's latest uploads, newest first. */
  listUploads(email: string, limit: number): Promise<UploadRecord[]>;
  /** An upload of that member with its annotated workbook; null for another member's or an unknown id. */
  getUpload(email: string, id: string): Promise<{ record: UploadRecord; workbook: Buffer } | null>;
}

// ---- 政策找企 and the enterprise's page (adapters/policy-store.ts, SPEC §7.4) ----------------------

/** The answer an enterprise gave to a pushed policy (a later answer replaces an earlier one). */
export interface PolicyFeedbackRecord {
  answer: string;
  at: number;
  /** The address the answering link was sent to. */
  by: string;
}

/** One policy matched to one enterprise: when it matched, when it was pushed, the answer. */
export interface PolicyMatchRecord {
  /** The policy's key (编号, else its sheet position). */
  policy: string;
  /** 统一社会信用代码 of the enterprise. */
  enterprise: string;
  enterpriseName: string;
  matchedAt: number;
  /** When a push listed it; null while it waits (the day's push already went, or no address). */
  pushedAt: number | null;
  /** Content hash of the policy row when last pushed: a changed policy is pushed again. */
  policyHash: string;
  /** Recorded by the first run as the baseline, never mailed (SPEC §7.8). */
  baseline?: boolean;
  feedback?: PolicyFeedbackRecord;
}

/** A mail that is not about an issue (政策推送, the Monday filing reminder): the outbox item carries it. */
export interface MailItem {
  /** Delivery key (push#<code>#<date>, remind#<unit>#<week>): once per key and recipient. */
  key: string;
  template: 'policy_push' | 'policy_reminder';
  to: string[];
  /** Template data (domain/reports/policy-mail.ts), JSON. */
  data: unknown;
  createdAt: number;
  status: 'pending' | 'sent';
  sentAt?: number;
}

/**
 * An issue an enterprise reported on its page (来源 企业自报), kept for its class's 问题诉求 tab:
 * 刷新状态 appends the ones the tab does not hold yet (by 编号; SPEC §7.8).
 */
export interface SelfReportRecord {
  id: string;
  workClass: WorkClassId;
  at: number;
  /** The tab's input columns (header → sheet value) and 来源. */
  values: Record<string, string | number>;
}

/** The 来源 of an issue an enterprise reported on its own page (SPEC §7.4). */
export const SELF_REPORTED = '企业自报';

/** An issue an enterprise reported on its page: never deleted by a class's manifest (SPEC §7.8). */
export function isSelfReported(s: Pick<StoredIssue, 'values'>): boolean {
  return s.values['来源'] === SELF_REPORTED;
}

/** The inputs of a complete push plan: the day and the row versions it read (before the rows), and when. */
export interface PushPlanState {
  day: string;
  whitelistVersion: number;
  policyVersion: number;
  /** The job clock when the versions were read. */
  at: number;
}

export interface PolicyStore {
  /** Record an enterprise's report for its class's tab (idempotent by id). */
  putSelfReport(rec: SelfReportRecord): Promise<void>;
  /** The class's enterprise reports, oldest first (one query on the class's partition). */
  listSelfReports(workClass: WorkClassId): Promise<SelfReportRecord[]>;
  /** Every match, or those of one policy, or those of one enterprise. */
  listMatches(q?: { policy?: string; enterprise?: string }): Promise<PolicyMatchRecord[]>;
  putMatches(recs: readonly PolicyMatchRecord[]): Promise<void>;
  /** Record an answer on an existing match; false when there is no such match. */
  recordFeedback(policy: string, enterprise: string, feedback: PolicyFeedbackRecord): Promise<boolean>;
  /** Create a named once-only marker (baseline, a day's push, a week's reminder); false when it exists. */
  createMarker(name: string, at: number, ttlMs?: number): Promise<boolean>;
  hasMarker(name: string): Promise<boolean>;
  /** What the last complete push plan saw (policy-push.ts), or null before the first. Read consistently. */
  getPlanState(): Promise<PushPlanState | null>;
  putPlanState(s: PushPlanState): Promise<void>;
  /** Put a mail in the outbox unless one with its key exists; false when it exists. */
  createMail(m: MailItem): Promise<boolean>;
  getMail(key: string): Promise<MailItem | null>;
  listPendingMail(): Promise<MailItem[]>;
  markMailSent(key: string, at: number): Promise<void>;
  /**
   * Take one of `limit` slots of a counter over one Shanghai day (a conditional increment; the item
   * expires after the day): false when the limit is reached.
   */
  takeSlot(name: string, day: string, limit: number): Promise<boolean>;
}
