// What the API reads for its members: the issue list (by unit and status, from the byUnit index),
// whitelist coverage on a day (GET /v1/coverage and the dashboard), the three unit rates of a
// period with the ranking (GET /v1/metrics, from the issues the period touched), and a week's stored
// digest page.
import { computeCoverage, type CoverageReport } from '../../domain/reports/coverage.js';
import type { IssueStatus } from '../../domain/rows/kinds.js';
import type { Profile } from '../../domain/rows/types.js';
import { checkPeriod, rankUnits, unitMetrics } from '../../domain/issues/unit-rates.js';
import { addDays, isIsoDate, shanghaiDate } from '../../domain/time/time.js';
import type { DigestStore, ApiStore } from '../ports.js';
import { issueSummary, type IssueSummary } from './actions.js';

export interface QueryDeps {
  store: ApiStore;
  getProfile(): Promise<Profile | null>;
}

/** Issues of a current responsible unit (optionally in one status), or all issues (optionally by status). */
export async function listIssueSummaries(store: ApiStore, q: { unit?: string; status?: IssueStatus }): Promise<IssueSummary[]> {
  return (await store.listIssues(q)).map(({ record }) => issueSummary(record));
}

/** GET /v1/issues: the default and the largest page. */
export const ISSUE_PAGE_DEFAULT = 100;
export const ISSUE_PAGE_MAX = 500;

/**
 * GET /v1/issues: with `limit` or `cursor`, one page from an index (`next` null on the last page);
 * with neither, every issue of the query (older add-on deployments read it whole), `next` null.
 */
export async function issueSummaryPage(
  store: Store,
  q: { unit?: string; status?: IssueStatus; limit?: number; cursor?: string },
): Promise<{ issues: IssueSummary[]; next: string | null }> {
  const { limit, cursor, ...query } = q;
  if (limit === undefined && cursor === undefined) return { issues: await listIssueSummaries(store, query), next: null };
  const page = await store.listIssuesPage({ ...query, limit: limit ?? ISSUE_PAGE_DEFAULT, cursor });
  return { issues: page.issues.map(issueSummary), next: page.next };
}

/** Coverage on `at` from the current whitelist and sector_total rows. */
export async function coverageAt(deps: QueryDeps, at: string): Promise<CoverageReport> {
  const [whitelist, totals, profile] = await Promise.all([deps.store.listRows('whitelist'), deps.store.listRows('sector_total'), deps.getProfile()]);
  return computeCoverage({
    whitelist: whitelist.map((r) => r.value),
    totals: totals.map((r) => r.value),
    targets: profile?.sectorTargets ?? [],
    at,
  });
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
