// The enterprise index's one-time backfill: the enterprise page (`/e/`, usecases/enterprise.ts) reads
// an enterprise's issues through pointer items the store writes with every issue
// (Store.listIssuesOfEnterprise); issues stored before the pointers existed get theirs here, once.
// Started as the identity upgrade (identity-upgrade.ts) is: once per container, a MIGRATION item
// checked (then remembered), a failure forgotten so the next call tries again — but by the sweep
// (usecases/sweep.ts, every 15 minutes), never by a page: on 10,000 issues it takes seconds. Until
// its marker exists the page reads without the pointers (enterpriseIndexReady, then
// Store.listIssuesOfEnterprise with `indexed: false`: the database filters every issue item by
// 反映企业代码 and answers only the enterprise's), the page a store had before the index, right
// whatever the pointers hold; that lasts until the first sweep after the release.
// Tombstones get their pointer too (a restored issue shows again; the read drops deleted ones).
// Every write is an idempotent put of the same pointer: running it twice, or in two containers at
// once, gives the same result; an issue edited meanwhile is decided by the read (a pointer under an
// older enterprise code is dropped there). Issues are written in batches; a batch that fails is
// written issue by issue, so one bad item does not stop the others; any failure leaves the marker
// unwritten (the next sweep runs it again) and is logged.
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
  if (counts.failed > 0) throw new Error(`企业索引补建未完成：${counts.failed} 件问题未写入（下次巡查时重试）`);
  const rec: MigrationRecord = { name: ENTERPRISE_INDEX, status: 'done', at: deps.clock.now(), counts };
  await store.putMigration(rec);
  deps.log?.info('enterprise index backfill done', counts);
  return rec;
}

const BACKFILLED = new WeakMap<object, Promise<unknown>>();
/** Stores whose marker this container has seen (it is never removed). */
const READY = new WeakSet<object>();

/**
 * The backfill has run for this store: checked once per container (then remembered), run when it
 * has not. A failure is forgotten, so the next call tries again. For the sweep, not for a page.
 */
export function ensureEnterpriseIndex(deps: EnterpriseIndexDeps): Promise<unknown> {
  let p = BACKFILLED.get(deps.store);
  if (!p) {
    p = backfillEnterpriseIndex(deps).then(
      (rec) => {
        READY.add(deps.store);
        return rec;
      },
      (err: unknown) => {
        BACKFILLED.delete(deps.store);
        throw err;
      },
    );
    BACKFILLED.set(deps.store, p);
  }
  return p;
}

/**
 * Whether the page may read through the pointers: the marker exists (once seen, remembered for the
 * container; until then one consistent read per page). An unreadable marker counts as absent: the
 * page then reads without the pointers, which is right either way.
 */
export async function enterpriseIndexReady(deps: { store: Pick<Store, 'getMigration'>; log?: Log }): Promise<boolean> {
  if (READY.has(deps.store)) return true;
  try {
    if (!(await deps.store.getMigration(ENTERPRISE_INDEX))) return false;
  } catch (err) {
    deps.log?.warn('enterprise index marker unreadable; the page reads without the index', { error: errorInfo(err) });
    return false;
  }
  READY.add(deps.store);
  return true;
}
