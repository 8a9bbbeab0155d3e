// The one DynamoDB table (single-table design). CDK (infra/) and ensureTable() both build the table
// from this description, so the cloud and the local server share the key schema.
//
// Items                     pk                          sk          GSI keys carried
//   sheet row               ROW#<kind>#<key>            ROW         kindPk/kindSk
//   issue                   ISSUE#<编号>                 ISSUE       kindPk/kindSk, unitPk/unitSk,
//                                                                    duePk/dueSk (while open),
//                                                                    outboxPk/outboxSk (while pending)
//   issue source alias      SRC#<spreadsheetId>#issue#<row>  SRC     —
//   profile                 PROFILE                     CURRENT     —
//   day counter             COUNTER#ISSUE#<YYYYMMDD>    COUNTER     —
//   delivery (per recipient) DELIVERY#<notificationKey>  <recipient> —
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
  /** All indexes project ALL attributes (items are small; the readers need the whole item). */
  globalSecondaryIndexes: [
    { indexName: 'byKind', partitionKey: 'kindPk', sortKey: 'kindSk' },
    { indexName: 'byUnit', partitionKey: 'unitPk', sortKey: 'unitSk' },
    { indexName: 'byDeadline', partitionKey: 'duePk', sortKey: 'dueSk' },
    { indexName: 'outbox', partitionKey: 'outboxPk', sortKey: 'outboxSk' },
  ] as const satisfies readonly IndexSchema[],
} as const;

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
