// What the API reads for its members: the issue list (by unit and status, from the byUnit index),
// whitelist coverage on a day (GET /v1/coverage and the dashboard), the three unit rates of a
// period with the ranking (GET /v1/metrics, from the issues the period touched), and a week's stored
// digest page.
import { CoverageTally, coverageFromSums, type CoverageReport, type SectorSums } from '../../domain/reports/coverage.js';
import type { IssueStatus, Sector } from '../../domain/rows/kinds.js';
import type { Profile } from '../../domain/rows/types.js';
import { checkPeriod, rankUnits, unitMetrics } from '../../domain/issues/unit-rates.js';
import { addDays, isIsoDate, shanghaiDate } from '../../domain/time/time.js';
import type { ApiStore, CoverageSumsRecord, DigestStore } from '../ports.js';
import { unitNameOf } from '../../domain/issues/sheet-cells.js';
import { issueSummary, type IssueSummary } from './actions.js';
import { whitelistStates } from './whitelist-states.js';

export interface QueryDeps {
  store: ApiStore;
  getProfile(): Promise<Profile | null>;
}

/** Issues of a current responsible unit (optionally in one status), or all issues (optionally by status). */
export async function listIssueSummaries(store: ApiStore, q: { unit?: string; status?: IssueStatus }, profile: Pick<Profile, 'units'> | null = null): Promise<IssueSummary[]> {
  const nameOf = unitNameOf(profile);
  return (await store.listIssues(q)).map(({ record }) => issueSummary(record, nameOf));
}

/** GET /v1/issues: the default and the largest page. */
export const ISSUE_PAGE_DEFAULT = 100;
export const ISSUE_PAGE_MAX = 500;

/**
 * GET /v1/issues: with `limit` or `cursor`, one page from an index (`next` null on the last page);
 * with neither, every issue of the query (older add-on deployments read it whole), `next` null.
 */
export async function issueSummaryPage(
  store: ApiStore,
  q: { unit?: string; status?: IssueStatus; limit?: number; cursor?: string },
  profile: Pick<Profile, 'units'> | null = null,
): Promise<{ issues: IssueSummary[]; next: string | null }> {
  const { limit, cursor, ...query } = q;
  if (limit === undefined && cursor === undefined) return { issues: await listIssueSummaries(store, query, profile), next: null };
  const page = await store.listIssuesPage({ ...query, limit: limit ?? ISSUE_PAGE_DEFAULT, cursor });
  const nameOf = unitNameOf(profile);
  return { issues: page.issues.map((r) => issueSummary(r, nameOf)), next: page.next };
}

/**
 * Whitelist reads settle in the byKind index within about a second of the write: sums taken sooner
 * after a whitelist write are answered but not kept (a kept sum never misses a written row).
 */
export const COVERAGE_SETTLE_MS = 2_000;

/**
 * Coverage on `at` from the whitelist's per-sector sums of that day and the sector_total rows. The
 * sums are kept per day and whitelist version (Store.getCoverageSums): the whitelist is read only
 * when it was written since the day's sums were kept (consistent under concurrent syncs: the version
 * is read before the whitelist, and each write bumps it after the row, so sums kept under a version
 * hold every row written before that version's bump; a later write makes them stale, never wrong).
 */
export async function coverageAt(deps: QueryDeps & { settleMs?: number }, at: string): Promise<CoverageReport> {
  const day = shanghaiDate(at);
  const [version, kept, totals, profile] = await Promise.all([
    deps.store.rowsVersion('whitelist'),
    deps.store.getCoverageSums(day),
    deps.store.listRows('sector_total'),
    deps.getProfile(),
  ]);
  let sums: SectorSums;
  if (kept && kept.version === version.version) sums = sumsOf(kept.sums);
  else {
    // Deleted rows too, each counting up to its deletion day (whitelist-states.ts); a manifest that
    // deletes or restores whitelist rows bumps the version like a sync that wrote.
    const tally = new CoverageTally(day);
    for (const row of (await whitelistStates(deps.store)).states) tally.add(row);
    sums = tally;
    // Wall time on purpose: how long the index has had to settle, not the business clock.
    if (Date.now() - version.at >= (deps.settleMs ?? COVERAGE_SETTLE_MS)) {
      await deps.store.putCoverageSums({ day, version: version.version, sums: recordOf(tally) });
    }
  }
  return coverageFromSums(sums, { totals: totals.map((r) => r.value), targets: profile?.sectorTargets ?? [], at });
}

const recordOf = (s: SectorSums): CoverageSumsRecord['sums'] =>
  Object.fromEntries([...s.coveredCents].map(([sector, cents]) => [sector, [cents, s.counts.get(sector) ?? 0]]));

function sumsOf(rec: CoverageSumsRecord['sums']): SectorSums {
  const out: SectorSums = { coveredCents: new Map(), counts: new Map() };
  for (const [sector, [cents, count]] of Object.entries(rec)) {
    out.coveredCents.set(sector as Sector, cents);
    out.counts.set(sector as Sector, count);
  }
  return out;
}

/**
 * The unit rates of `from`–`to` (default: the 7 days up to today, Shanghai) and the ranking, from
 * the issues the period may have touched (DigestStore.issuesForPeriod; every issue only without a
 * digest store). Throws MetricsPeriodError (domain/issues/unit-rates.ts) for a malformed or
 * reversed period, before anything is read.
 */
export async function unitRates(deps: QueryDeps & { digests?: Pick<DigestStore, 'issuesForPeriod'> }, period: { from?: string; to?: string }, now: number) {
  const to = period.to || shanghaiDate(now);
  const from = period.from || (isIsoDate(to) ? addDays(to, -6) : to);
  checkPeriod(from, to);
  const [profile, records] = await Promise.all([
    deps.getProfile(),
    deps.digests ? deps.digests.issuesForPeriod(from, to, now) : deps.store.listIssues({}).then((l) => l.map((i) => i.record)),
  ]);
  const units = unitMetrics(records, { from, to, now }, profile ?? { units: [] });
  const ranking = rankUnits(units);
  return { from, to, units, ranking: { ranked: ranking.ranked, red: ranking.red, black: ranking.black } };
}

/** The page of a week's published digest, or null before it is generated. */
export async function storedDigestPage(digests: Pick<DigestStore, 'getDigest' | 'getBlob'>, week: string): Promise<string | null> {
  const rec = await digests.getDigest(week);
  return rec ? digests.getBlob(rec, 'page') : null;
}
