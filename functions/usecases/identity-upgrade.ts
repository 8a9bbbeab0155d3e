// The identity upgrade (SPEC §7.8): stored rows and issues re-keyed to the identities of
// domain/rows/identity.ts, once, before any sync or manifest is accepted, so that the first sync of
// the new release creates no duplicate issue, sends no second mail and deletes nothing.
// - Rows stored under an older key (the first uniqueness rule joined by `#`, or `<sheet>#<row>` for
//   kinds without one) move to the id their stored cells give now. Two old items with the same new
//   id (the demo's routing rules loaded from two files) become one: the one already under the new
//   id, else the most recently written.
// - Every issue gets the alias of its fingerprint (`SRC#issue#fp:…` → its 编号) unless another issue
//   already holds it, so a file row without 编号 finds its issue.
// Every step is a conditional or idempotent write: running it twice, or in two containers at once,
// gives the same result. A MIGRATION item records that it is done; each container checks it once.
import { fingerprintOf, rowIdentity } from '../../domain/rows/identity.js';
import { ROW_KINDS } from '../../domain/rows/kinds.js';
import type { Clock, Log, MigrationRecord, RowRecord, ApiStore } from '../ports.js';

export const IDENTITY_UPGRADE = 'identity-v1';

export interface UpgradeDeps {
  store: ApiStore;
  clock: Clock;
  log?: Log;
}

/** Run the upgrade (idempotent); the marker it leaves says what was moved. */
export async function upgradeIdentities(deps: UpgradeDeps): Promise<MigrationRecord> {
  const { store } = deps;
  const done = await store.getMigration(IDENTITY_UPGRADE);
  if (done) return done;
  const counts: Record<string, number> = { rowsMoved: 0, rowsMerged: 0, issueAliases: 0 };
  for (const kind of ROW_KINDS) {
    if (kind === 'issue') continue;
    const rows = await store.listRows(kind, undefined, { deleted: true });
    const byId = new Map<string, RowRecord[]>();
    for (const rec of rows) {
      const id = rowIdentity(kind, rec.values).id;
      if (id === rec.key) continue;
      byId.set(id, [...(byId.get(id) ?? []), rec]);
    }
    if (byId.size === 0) continue;
    const existing = await store.getRows(kind, [...byId.keys()]);
    for (const [id, olds] of byId) {
      // The most recently written old item moves (unless the new id is taken); the others merge into it.
      const winner = existing.has(id) ? undefined : [...olds].sort((a, b) => b.updatedAt - a.updatedAt)[0];
      if (winner) {
        const moved: RowRecord = { ...winner, key: id };
        delete moved.history;
        // Conditional on absence: a concurrent upgrade that moved it first wins, same content.
        await store.putRow(moved, null);
        counts.rowsMoved++;
      }
      for (const old of olds) {
        await store.deleteRowItem(kind, old.key);
        if (old !== winner) counts.rowsMerged++;
      }
    }
  }
  for (const s of await store.listIssues({})) {
    const alias = `issue#${fingerprintOf('issue', s.record.issue)}`;
    if ((await store.claimIssueSource(alias, s.record.id)) === s.record.id) counts.issueAliases++;
  }
  const rec: MigrationRecord = { name: IDENTITY_UPGRADE, status: 'done', at: deps.clock.now(), counts };
  await store.putMigration(rec);
  deps.log?.info('identity upgrade done', counts);
  return rec;
}

const UPGRADED = new WeakMap<ApiStore, Promise<unknown>>();

/**
 * The upgrade has run for this store: checked once per container (then remembered), run when it
 * has not. Sync and manifest call this before anything else.
 */
export function ensureIdentityUpgrade(deps: UpgradeDeps): Promise<unknown> {
  let p = UPGRADED.get(deps.store);
  if (!p) {
    p = upgradeIdentities(deps).catch((err: unknown) => {
      UPGRADED.delete(deps.store);
      throw err;
    });
    UPGRADED.set(deps.store, p);
  }
  return p;
}
