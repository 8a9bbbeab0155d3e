// The one DynamoDB table (single-table design). CDK (infra/) and ensureTable() both build the table
// from this description, so the cloud and the local server share the key schema.
//
// Items                     pk                          sk          GSI keys carried
//   sheet row               ROW#<kind>#<key>            ROW         kindPk/kindSk
//   issue                   ISSUE#<编号>                 ISSUE       kindPk/kindSk, unitPk/unitSk,
//                                                                    duePk/dueSk (while open),
//                                                                    outboxPk/outboxSk (while pending)
//   issue source alias      SRC#<spreadsheetId>#issue#<row>  SRC     —
//   enterprise's issue      ENTISSUE#<反映企业代码>      <createdAt, 15 digits>#<编号>  —  (a pointer: the
//                            issue item's entPk/entSk name it; /e/ reads the partition, newest first)
//   profile                 PROFILE                     CURRENT     —
//   day counter             COUNTER#ISSUE#<YYYYMMDD>    COUNTER     —
//   delivery (per recipient) DELIVERY#<notificationKey>  <recipient> —  (status sending | sent |
//                            failed | rejected | set_aside; leaseUntil on real time, generation)
//   failing job item         FAIL#<job>#<key>            FAIL        kindPk = KIND#failure, kindSk = <job>#<key>
//                            (adapters/failure-store.ts; usecases/isolation.ts)
//
// Access patterns -> index
//   rows of a kind (optionally of one class)      byKind     kindPk = KIND#<kind>, kindSk = <class>#<key>
//   issues of a unit (optionally by status)       byUnit     unitPk = UNIT#<单位编码>, unitSk = <状态>#<编号>
//   open issues by next sweep instant (the sweep) byDeadline duePk = DUE, dueSk = <UTC ISO instant>#<编号>
//   (the instant from domain/sweep.ts dueForSweep: reminder, deadline end or escalation; see
//   dynamodb-store.ts sweepDueAt)
//   reported common-problem batch    BATCH#<id>  BATCH   —
//   lease (sweep)                    LEASE#<name> LEASE  —
//   items with pending notifications (outbox)     outbox     outboxPk = PENDING, outboxSk = <createdAt>#<编号>
//
// The Friday digest (adapters/digest-store.ts). Issue items also carry (issueDigestKeys below, set
// by the store's issue item builder on EVERY issue write, so actions, the sweep and sync all keep
// them current):
//   open issues + closed issues by the ISO week   byActivity actPk = ACT#OPEN while open, else
//   (Shanghai) of their last change                           ACT#<YYYY-Www of record.updatedAt>;
//                                                             actSk = <UTC ISO updatedAt>#<编号>
//   closed issues by the week of their last       byResolveWeek rwPk = RW#<YYYY-Www of the latest
//   办结时限 (a week's 按期办结率 needs those                     resolveBy>, rwSk = <resolveBy>#<编号>
//   resolved early)
// so the digest of week W reads ACT#OPEN, ACT#W … ACT#<this week> and RW#W: what the week touched,
// never the history. Digest items:
//   digest record (once per week)   DIGEST#<YYYY-Www>  RECORD          —
//   stored page/text/model (gzip)   DIGEST#<YYYY-Www>  BLOB#<run>#<name>#<nnn>  —
//   日报 record and mail (per date)  DIGEST#daily#<YYYY-MM-DD>  RECORD, BLOB#…  —  (usecases/stored-report.ts)
//   weekly coverage snapshot        SNAPSHOT           <YYYY-Www>      —
//   snapshot values (per code)      SNAPVAL#<YYYY-Www> <nnn>           —
//   mail address state (bounces)    ADDR#<email>       ADDR            kindPk = KIND#address, kindSk = <status>#<email>
// The web front end (adapters/web-store.ts): rate counters RATE#<key>/RATE and claimed sign-in links
// CLAIM#<key>/CLAIM (both with expiresAt), uploads UPLOADS#<email>/<at>#<id> and their annotated
// workbooks UPLOAD#<id>/BLOB#<nnn> (gzip chunks; WB#<token>#<nnn> once refused deletions are
// confirmed), and what such a confirmation needs, UPLOAD#<id>/PENDING#<nnn> (with expiresAt).
//
// Time to live: `expiresAt` (epoch SECONDS, TABLE_SCHEMA.timeToLiveAttribute) is set only on items
// that are transient and whose deletion changes nothing: leases (LEASE#…, a day after they lapse:
// an absent lease is a free lease) and day counters (COUNTER#ISSUE#<day>, 90 days after their day:
// only the current Shanghai day is ever counted), and an upload's pending state (after its confirmBy
// the confirmation is refused by the record's date). Nothing relies on the deletion happening (the
// local server ignores TTL; AWS deletes within days). Used action tokens do NOT expire: single use
// is recorded in the issue item itself (`usedTokens`, written with the action's state change), so
// it lives as long as the issue; delivery records are the exactly-once proof of each mail and stay.

import type { IssueStatus } from '../../domain/rows/kinds.js';
import { isOpen } from '../../domain/issues/lifecycle.js';
import { isIsoDate, isoWeek, shanghaiDate } from '../../domain/time/time.js';

export interface IndexSchema {
  indexName: string;
  partitionKey: string;
  sortKey: string;
}

export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Every key attribute is a string. */
  attributeType: 'S',
  billingMode: 'PAY_PER_REQUEST',
  /** Epoch seconds after which DynamoDB may delete the item (see the header for which items carry it). */
  timeToLiveAttribute: 'expiresAt',
  /** All indexes project ALL attributes (items are small; the readers need the whole item). */
  globalSecondaryIndexes: [
    { indexName: 'byKind', partitionKey: 'kindPk', sortKey: 'kindSk' },
    { indexName: 'byUnit', partitionKey: 'unitPk', sortKey: 'unitSk' },
    { indexName: 'byDeadline', partitionKey: 'duePk', sortKey: 'dueSk' },
    { indexName: 'outbox', partitionKey: 'outboxPk', sortKey: 'outboxSk' },
    { indexName: 'byActivity', partitionKey: 'actPk', sortKey: 'actSk' },
    { indexName: 'byResolveWeek', partitionKey: 'rwPk', sortKey: 'rwSk' },
  ] as const satisfies readonly IndexSchema[],
} as const;

/** `expiresAt` of a transient item: `ms` (epoch milliseconds) as whole epoch seconds, rounded up. */
export const ttlSeconds = (ms: number): number => Math.ceil(ms / 1000);

/** Index attributes of issue items for the digest: strip them when reading an item back. */
export const DIGEST_INDEX_ATTRS = ['actPk', 'actSk', 'rwPk', 'rwSk'] as const;

/** The byActivity partition of open issues. */
export const ACTIVITY_OPEN = 'ACT#OPEN';

/** Minimal view of an issue record the digest keys depend on. */
export interface DigestKeySource {
  id: string;
  status: IssueStatus;
  updatedAt: number;
  assignments: ReadonlyArray<{ resolveBy: string }>;
}

/**
 * The digest index attributes of an issue item (see the header). Absent keys are `undefined` (the
 * document client drops them), so a stale key read back from an item never survives a rewrite.
 */
export function issueDigestKeys(r: DigestKeySource): Record<(typeof DIGEST_INDEX_ATTRS)[number], string | undefined> {
  const open = isOpen(r.status);
  const at = new Date(r.updatedAt).toISOString();
  let lastResolve: string | undefined;
  for (const a of r.assignments) if (a.resolveBy && (!lastResolve || a.resolveBy > lastResolve)) lastResolve = a.resolveBy;
  return {
    actPk: open ? ACTIVITY_OPEN : `ACT#${isoWeek(shanghaiDate(r.updatedAt))}`,
    actSk: `${at}#${r.id}`,
    rwPk: !open && lastResolve && isIsoDate(lastResolve) ? `RW#${isoWeek(lastResolve)}` : undefined,
    rwSk: !open && lastResolve && isIsoDate(lastResolve) ? `${lastResolve}#${r.id}` : undefined,
  };
}

export type IndexName = (typeof TABLE_SCHEMA.globalSecondaryIndexes)[number]['indexName'];

/** The CreateTable input for the SDK (local server and tests). */
export function createTableInput(tableName: string) {
  const keyAttrs = new Set<string>([TABLE_SCHEMA.partitionKey, TABLE_SCHEMA.sortKey]);
  for (const g of TABLE_SCHEMA.globalSecondaryIndexes) {
    keyAttrs.add(g.partitionKey);
    keyAttrs.add(g.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: TABLE_SCHEMA.billingMode,
    AttributeDefinitions: [...keyAttrs].map((AttributeName) => ({ AttributeName, AttributeType: TABLE_SCHEMA.attributeType })),
    KeySchema: [
      { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: TABLE_SCHEMA.globalSecondaryIndexes.map((g) => ({
      IndexName: g.indexName,
      KeySchema: [
        { AttributeName: g.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: g.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}
