// The enterprise index's one-time backfill: the enterprise page (`/e/`, usecases/enterprise.ts) reads
// an enterprise's issues through pointer items the store writes with every issue
// (Store.listIssuesOfEnterprise); issues stored before the pointers existed get theirs here, once.
// Lazy, as the identity upgrade (identity-upgrade.ts) but on the page's side: the first page view
// of a container checks the MIGRATION item (then remembers it) and runs the backfill when it is
// absent. Tombstones get their pointer too (a restored issue shows again; the read drops deleted
// ones). Every write is an idempotent put of the same pointer: running it twice, or in two
// containers at once, gives the same result; an issue edited meanwhile is decided by the read (a
// pointer under an older enterprise code is dropped there). Issues are written in batches; a batch
// that fails is written issue by issue, so one bad item does not stop the others; any failure leaves
// the marker unwritten (the next container runs it again) and is logged.
import { errorInfo, type Clock, type Log, type MigrationRecord, type Store, type StoredIssue } from '../ports.js';

export const ENTERPRISE_INDEX = 'enterprise-index-v1';
/** Issues whose pointers are written per call (the store batches them 25 per BatchWriteItem). */
const CHUNK = 100;

export interface EnterpriseIndexDeps {
  store: Pick<Store, 'getMigration' | 'putMigration' | 'listIssues' | 'putEnterprisePointers'>;
  clock: Clock;
  log?: Log;
}

/** Run the backfill unless its marker says it ran; the marker it leaves counts what it did. */
export async function backfillEnterpriseIndex(deps: EnterpriseIndexDeps): Promise<MigrationRecord> {
  const { store } = deps;
  const done = await store.getMigration(ENTERPRISE_INDEX);
  if (done) return done;
  const all = await store.listIssues({}, { deleted: true });
  const indexable = all.filter((s) => typeof s.record?.issue?.enterpriseCode === 'string' && s.record.issue.enterpriseCode !== '');
  const counts: Record<string, number> = { issues: all.length, indexed: 0, skipped: all.length - indexable.length, failed: 0 };
  const one = async (s: StoredIssue) => {
    try {
      await store.putEnterprisePointers([s]);
      counts.indexed++;
    } catch (err) {
      counts.failed++;
      deps.log?.error('enterprise index: issue not indexed', { id: s.record?.id, error: errorInfo(err) });
    }
  };
  for (let i = 0; i < indexable.length; i += CHUNK) {
    const chunk = indexable.slice(i, i + CHUNK);
    try {
      await store.putEnterprisePointers(chunk);
      counts.indexed += chunk.length;
    } catch {
      for (const s of chunk) await one(s);
    }
  }
  if (counts.failed > 0) throw new Error(`企业索引补建未完成：${counts.failed} 件问题未写入（下次打开企业页面时重试）`);
  const rec: MigrationRecord = { name: ENTERPRISE_INDEX, status: 'done', at: deps.clock.now(), counts };
  await store.putMigration(rec);
  deps.log?.info('enterprise index backfill done', counts);
  return rec;
}

const BACKFILLED = new WeakMap<object, Promise<unknown>>();

/**
 * The backfill has run for this store: checked once per container (then remembered), run when it
 * has not. A failure is forgotten, so the next call tries again.
 */
export function ensureEnterpriseIndex(deps: EnterpriseIndexDeps): Promise<unknown> {
  let p = BACKFILLED.get(deps.store);
  if (!p) {
    p = backfillEnterpriseIndex(deps).catch((err: unknown) => {
      BACKFILLED.delete(deps.store);
      throw err;
    });
    BACKFILLED.set(deps.store, p);
  }
  return p;
}
