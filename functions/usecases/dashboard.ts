// The command office's live dashboard (指挥部看板, domain/reports/dashboard.ts): its model and its
// signed link (the digest's view-link HMAC over the subject `dashboard`: a digest link never signs
// `dashboard`, weeks are YYYY-Www).
//
// Reads (none grows with history): the profile; coverage from the current whitelist/sector_total
// rows (the GET /v1/coverage code path); the digest store's reads of the current week (byActivity
// ACT#OPEN + ACT#<this week> + byResolveWeek RW#<this week>); and the 已办结 / 已回访 issues of each
// unit of the profile through the byUnit index (unitPk = UNIT#<code>, unitSk begins with the status)
// — issues of a unit no longer in the profile are not listed there.
import { buildDashboard, type DashboardModel } from '../../domain/reports/dashboard.js';
import { AWAITING_STATUSES } from '../../domain/reports/sections/todo.js';
import { isoWeek, shanghaiDate } from '../../domain/time/time.js';
import type { Profile } from '../../domain/rows/types.js';
import type { IssueRecord } from '../../domain/issues/types.js';
import { JOB_LABELS, type DigestStore, type FailureStore, type ApiStore } from '../ports.js';
import { signDigestView } from './digest-view.js';
import { coverageAt } from './queries.js';
import { readRegisters, registersToday } from './register-sync.js';

export const DASHBOARD_PATH = '/v1/dashboard';
/** Validity of a signed dashboard link, days. */
export const DASHBOARD_LINK_DAYS = 30;
/** What a dashboard link signs instead of a week. */
export const DASHBOARD_SUBJECT = 'dashboard';

/** The dashboard's URL signed until `now` + ttlDays. */
export function dashboardViewUrl(baseUrl: string, secrets: readonly string[], now: number, ttlDays = DASHBOARD_LINK_DAYS): string {
  const exp = Math.floor(now / 1000) + ttlDays * 86_400;
  return `${baseUrl.replace(/\/+$/, '')}${DASHBOARD_PATH}?sig=${signDigestView(DASHBOARD_SUBJECT, exp, secrets)}`;
}

export interface DashboardDeps {
  store: ApiStore;
  digests: Pick<DigestStore, 'issuesForWeek'>;
  getProfile(): Promise<Profile | null>;
  countyName?: string;
  /** The background jobs' failing items: those set aside make a line on the page. */
  failures?: Pick<FailureStore, 'listFailures'>;
}

const SET_ASIDE_SHOWN = 5;

async function setAsideOf(failures: DashboardDeps['failures']): Promise<DashboardModel['setAside'] | undefined> {
  if (!failures) return undefined;
  const aside = (await failures.listFailures()).filter((f) => f.setAsideAt !== undefined).sort((a, b) => a.setAsideAt! - b.setAsideAt!);
  return { count: aside.length, items: aside.slice(0, SET_ASIDE_SHOWN).map((f) => ({ job: JOB_LABELS[f.job], subject: f.subject, since: f.setAsideAt! })) };
}

/** 已办结 / 已回访 issues of every unit of the profile (byUnit index, 8 units at a time). */
async function awaitingIssues(store: ApiStore, profile: Profile | null): Promise<IssueRecord[]> {
  const queries = (profile?.units ?? []).flatMap((u) => AWAITING_STATUSES.map((status) => ({ unit: u.code, status })));
  const out: IssueRecord[] = [];
  for (let i = 0; i < queries.length; i += 16) {
    const parts = await Promise.all(queries.slice(i, i + 16).map((q) => store.listIssues(q)));
    for (const list of parts) for (const s of list) out.push(s.record);
  }
  return out;
}

/** The dashboard at `now`. */
export async function dashboardModel(deps: DashboardDeps, now: number): Promise<DashboardModel> {
  const today = shanghaiDate(now);
  const profile = await deps.getProfile();
  const [coverage, week, awaiting, setAside, registers] = await Promise.all([
    coverageAt(deps, today),
    deps.digests.issuesForWeek(isoWeek(today), now),
    awaitingIssues(deps.store, profile),
    setAsideOf(deps.failures),
    readRegisters(deps.store),
  ]);
  return buildDashboard({
    now,
    countyName: deps.countyName,
    profile: profile ?? { units: [], workClasses: [] },
    coverage,
    openIssues: week,
    recentIssues: week,
    awaitingIssues: awaiting,
    ...(setAside ? { setAside } : {}),
    ...(profile ? { registers: registersToday(registers, profile, now) } : {}),
  });
}
