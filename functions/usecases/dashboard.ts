// The command office's live dashboard (指挥部看板, domain/reports/dashboard.ts): its model and its
// signed link (the digest's view-link HMAC over the subject `dashboard`: a digest link never signs
// `dashboard`, weeks are YYYY-Www).
//
// Reads (none grows with history): the profile; coverage from the current whitelist/sector_total
// rows (the GET /v1/coverage code path); the digest store's reads of the current week (byActivity
// ACT#OPEN + ACT#<this week> + byResolveWeek RW#<this week>); and the 已办结 / 已回访 issues of each
// unit of the profile through the byUnit index (unitPk = UNIT#<code>, unitSk begins with the status)
// — issues of a unit no longer in the profile are not listed there.
import { buildDashboard, type DashboardDecision, type DashboardModel } from '../../domain/reports/dashboard.js';
import { decisionOptions } from '../../domain/issues/catalog.js';
import { isoWeek, shanghaiDate } from '../../domain/time/time.js';
import type { Profile } from '../../domain/rows/types.js';
import type { IssueRecord } from '../../domain/issues/types.js';
import { jobLabelOf, type DigestStore, type FailureStore, type ApiStore } from '../ports.js';
import { signDigestView } from './digest-view.js';
import { signDecisionToken } from './action-token.js';
import { assignableUnits, awaitingIssues, decisionQueue, type DecisionView, UNIT_FIELD, URGENCY_FIELD } from './decisions.js';
import { coverageAt } from './queries.js';
import { readRegisters, registersToday } from './register-sync.js';

export const DASHBOARD_PATH = '/v1/dashboard';
/** Validity of a signed dashboard link, days. */
export const DASHBOARD_LINK_DAYS = 30;
/** What a dashboard link signs instead of a week. */
export const DASHBOARD_SUBJECT = 'dashboard';

/** Validity of the signed decision forms on a decider's dashboard page, seconds. */
export const DASHBOARD_FORM_TTL_SECONDS = 86_400;

/** What a dashboard link signs: `dashboard`, or `dashboard:<email>` for a link that names its viewer (`as`). */
export function dashboardSubject(as?: string): string {
  return as ? `${DASHBOARD_SUBJECT}:${as.trim().toLowerCase()}` : DASHBOARD_SUBJECT;
}

/**
 * The dashboard's URL signed until `now` + ttlDays. With `as` (a member's email) the link names its
 * viewer: when that member has role 审批, the page carries the decision queue's signed forms.
 */
export function dashboardViewUrl(baseUrl: string, secrets: readonly string[], now: number, ttlDays = DASHBOARD_LINK_DAYS, as?: string): string {
  const exp = Math.floor(now / 1000) + ttlDays * 86_400;
  const who = as ? `&as=${encodeURIComponent(as.trim().toLowerCase())}` : '';
  return `${baseUrl.replace(/\/+$/, '')}${DASHBOARD_PATH}?sig=${signDigestView(dashboardSubject(as), exp, secrets)}${who}`;
}

export interface DashboardDeps {
  store: ApiStore;
  digests: Pick<DigestStore, 'issuesForWeek'>;
  getProfile(): Promise<Profile | null>;
  countyName?: string;
  /** The background jobs' failing items: those set aside make a line on the page. */
  failures?: Pick<FailureStore, 'listFailures'>;
}

/** Who looks at the page: a 审批 member (`decider`) gets the queue's answers as signed forms. */
export interface DashboardViewer {
  decider?: string;
  /** Keys of the signed forms (the action links' keys). */
  secrets?: readonly string[];
}

/**
 * One decision of the queue as the dashboard lists it: `units` are the choices of a triage item's
 * 分派, `action(label)` the signed form target of an answer (undefined for a viewer who may not decide).
 */
export function dashboardDecision(d: DecisionView, units: readonly { value: string; text: string }[], action: (label: string) => string | undefined): DashboardDecision {
  return {
    id: d.id,
    typeLabel: d.typeLabel,
    subject: d.subject,
    requesterName: d.requesterName,
    since: Date.parse(d.since),
    decideBy: d.decideBy,
    late: d.late,
    ...(d.plannedDate ? { plannedDate: d.plannedDate, plannedReached: d.plannedReached } : {}),
    rows: d.rows,
    options: decisionOptions(d.type).map((o) => {
      const target = action(o.label);
      return {
        label: o.label,
        colour: o.colour,
        ...(o.caution ? { caution: true } : {}),
        note: { name: o.note.name, label: o.note.label, ...(o.note.hint ? { hint: o.note.hint } : {}), required: o.note.required, max: o.note.max },
        ...(d.type === 'triage'
          ? {
              choose: [
                { name: UNIT_FIELD.name, label: UNIT_FIELD.label, choices: units },
                // An enterprise's 紧急 (紧急待核实): the 分派 says what the office found, no default.
                ...(d.urgencyCheck ? [{ name: URGENCY_FIELD.name, label: URGENCY_FIELD.label, choices: URGENCY_FIELD.choices.map((u) => ({ value: u, text: u })) }] : []),
              ],
            }
          : {}),
        ...(target ? { action: target } : {}),
      };
    }),
  };
}

/** The open decisions, each answer a signed form for the decider (`../a/<token>` from /v1/dashboard). */
async function queueOf(store: ApiStore, now: number, viewer: DashboardViewer, profile: Profile | null, awaiting: Promise<readonly IssueRecord[]>): Promise<DashboardDecision[]> {
  const exp = Math.floor(now / 1000) + DASHBOARD_FORM_TTL_SECONDS;
  const decider = viewer.decider && viewer.secrets?.length ? viewer.decider : undefined;
  const units = profile ? assignableUnits(profile).map((u) => ({ value: u.code, text: u.name })) : [];
  return (await decisionQueue(store, now, profile, awaiting)).map((d) =>
    dashboardDecision(d, units, (label) => (decider ? `../a/${signDecisionToken(d.id, label, decider, exp, viewer.secrets!)}` : undefined)),
  );
}

const SET_ASIDE_SHOWN = 5;

async function setAsideOf(failures: DashboardDeps['failures']): Promise<DashboardModel['setAside'] | undefined> {
  if (!failures) return undefined;
  const aside = (await failures.listFailures()).filter((f) => f.setAsideAt !== undefined).sort((a, b) => a.setAsideAt! - b.setAsideAt!);
  return { count: aside.length, items: aside.slice(0, SET_ASIDE_SHOWN).map((f) => ({ job: jobLabelOf(f), subject: f.subject, since: f.setAsideAt! })) };
}

/** The dashboard at `now`. */
export async function dashboardModel(deps: DashboardDeps, now: number, viewer: DashboardViewer = {}): Promise<DashboardModel> {
  const today = shanghaiDate(now);
  const profile = await deps.getProfile();
  const awaitingRead = awaitingIssues(deps.store, profile);
  const [coverage, week, awaiting, setAside, decisions, registers] = await Promise.all([
    coverageAt(deps, today),
    deps.digests.issuesForWeek(isoWeek(today), now),
    awaitingRead,
    setAsideOf(deps.failures),
    queueOf(deps.store, now, viewer, profile, awaitingRead),
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
    decisions,
    ...(profile ? { registers: registersToday(registers, profile, now) } : {}),
  });
}
