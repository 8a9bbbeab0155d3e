// The Friday supervision digest job (督办督查周报, SPEC §4): Friday 17:00 Asia/Shanghai, one per ISO week.
//
// generateDigest() reads what the week needs (DigestStore: open issues, issues changed this week,
// closed issues due this week; the current whitelist and small tabs; the last 8 snapshots), builds
// the model (domain/reports/digest.ts) and renders the page and the text part.
//
// runDigest(deps)(opts) with `send: false` (the default: a dry run) returns the digest and
// writes nothing. With `send: true` it publishes, exactly once per week:
//   1. if DIGEST#<week> exists and is `sent`: nothing to do (`already_sent`);
//   2. else build, write this run's blobs (page, mail HTML, text, model; gzip), then CREATE the
//      record with attribute_not_exists — BEFORE any mail. One run wins; a loser deletes its blobs.
//      The winner stores the week's coverage snapshot.
//   3. deliver the record's stored mail one message per recipient through the one delivery path
//      (deliver.ts: delivery record `digest#<week>` + recipient, conditional claim, send, mark sent;
//      the same retry and suppression policy as every mail). A racing or later run (after a crash
//      or a failed recipient) resumes step 3 with the SAME stored mail; the claims let every
//      recipient be mailed once. When every recipient is final the record is marked `sent`.
// Recipients: the command office (units of 类型 指挥部: 联系邮箱) and the supervision class (the
// `supervision` 工作专班's 联系邮箱 and its 牵头单位's). Addresses with a permanent bounce or a
// complaint (usecases/bounce.ts) are skipped and listed in the digest's data-quality section.
//
// Why not the outbox: the outbox lives in issue items (a notification rides on the issue write that
// causes it); the digest belongs to no issue and its 100 KB+ body would need a dispatcher renderer
// reading our blobs. It shares the delivery function (deliver.ts) instead of the outbox.
// The scheduled Lambda is handlers/digest.ts: runScheduledDigest() below, every 15 minutes from
// Friday 17:00 (Asia/Shanghai): the week is one isolated item (isolation.ts: a run that throws is
// recorded, retried by the next schedule after its backoff, set aside after its retries), each
// recipient another (deliver.ts), and from Friday 18:00 every run that finds the week not sent
// publishes DigestLate = 1 (the alarm), else 0.
import { computeCoverage, countsOn } from '../../domain/reports/coverage.js';
import { addressWarnings, checkDataQuality, type ProblemAddress, type RowEdit } from '../../domain/reports/data-quality.js';
import { buildDigest, digestWindow, type DigestModel, type WhitelistEntry } from '../../domain/reports/digest.js';
import { DIGEST_SCHEDULE } from '../../domain/reports/week.js';
import { digestSubject, renderDigestHtml, renderDigestText } from '../../domain/reports/digest-render.js';
import { html } from '../../domain/reports/html.js';
import { previousSnapshot, whitelistValues } from '../../domain/reports/snapshots.js';
import { isoWeek, isoWeekRange, shanghaiDate } from '../../domain/time/time.js';
import { inspectionStatusByRow } from './inspections.js';
import type { Profile, WhitelistRow } from '../../domain/rows/types.js';
import { isValidEmail, noMetrics, type Clock, type DigestRecord, type DigestStore, type FailureStore, type Log, type Mailer, type OpsMetrics, type PolicyMatchRecord, type PolicyStore, type ReadCounter, type RowRecord, type Store } from '../ports.js';
import type { OutreachMatch } from '../../domain/reports/sections/policy.js';
import { dashboardViewUrl } from './dashboard.js';
import { signDigestView } from './digest-view.js';
import { whitelistStates } from './whitelist-states.js';
import { deliver } from './deliver.js';
import { readRegisters } from './register-sync.js';
import { memoryFailures, openIsolation } from './isolation.js';
import { MAIL_BLOBS, publishOnce, reportKey, reportName, reportRecipients, storedMail, storedReportId } from './stored-report.js';

export class DigestError extends Error {
  constructor(
    readonly code: 'no_profile' | 'week' | 'no_recipients',
    message: string,
  ) {
    super(message);
    this.name = 'DigestError';
  }
}

export interface DigestConfig {
  /** e.g. 通许县 (env COUNTY_NAME). */
  countyName: string;
  /** Base URL of the API (the page link in the mail), without a trailing slash. */
  publicBaseUrl: string;
  /** HMAC keys of the view link: sign with the first. */
  actionSecrets: string[];
  /** Validity of the view link in the mail, days (default 90). */
  viewLinkTtlDays?: number;
  /** Claim lease of one recipient's send (default 5 min). */
  leaseMs?: number;
}

export interface DigestDeps {
  store: Store;
  digests: DigestStore;
  mailer: Mailer;
  clock: Clock;
  log: Log;
  config: DigestConfig;
  /** Counts items read (attachReadCounter on the client); reported as itemsRead. */
  reads?: ReadCounter;
  /** Failing weeks and set-aside recipients (default: kept in memory for the process). */
  failures?: FailureStore;
  /** JobItemFailures, DigestLate (EMF in Lambda). */
  ops?: OpsMetrics;
  /** Real time for the recipients' claims (default the job clock). */
  leaseClock?: Clock;
  /** 政策找企's matches: the digest's 政策找企 part (section 九) when present. */
  policies?: Pick<PolicyStore, 'listMatches'>;
}

export interface DigestRunOptions {
  /** ISO week `YYYY-Www` (default: the week of now, Asia/Shanghai). */
  week?: string;
  /** Publish and mail (default false: dry run, nothing written). */
  send?: boolean;
}

export type DigestRunStatus = 'dry_run' | 'sent' | 'incomplete' | 'already_sent';

export interface DigestResult {
  week: string;
  status: DigestRunStatus;
  /** True when this invocation published the digest (won the week's record). */
  published: boolean;
  subject: string;
  recipients: string[];
  /** Recipients skipped for a permanent bounce or complaint. */
  suppressed: string[];
  /** Mails this invocation sent / failed; recipients another run served or holds. */
  delivered: number;
  failed: number;
  skipped: number;
  /** Items read from the table by this invocation (null without a counter). */
  itemsRead: number | null;
  /** Issues the model was built from. */
  issuesRead: number;
  /** The page (as GET /v1/digests/{week} serves it), the text part and the model of this run. */
  html: string;
  text: string;
  model: DigestModel;
  /** Signed link to the page (in the mail). */
  viewUrl: string;
}

export const DIGEST_NOTIFICATION = (week: string) => reportKey('digest', week);
const DEFAULT_VIEW_TTL_DAYS = 90;
const SNAPSHOTS_READ = 8;

const splitEmails = (v: string | undefined): string[] =>
  (v ?? '')
    .split(/[\s,;，；、]+/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

/** The command office (units of 类型 指挥部) and the supervision class (its 联系邮箱 and its 牵头单位's). */
export function digestRecipients(profile: Pick<Profile, 'units' | 'workClasses'>): string[] {
  const out = new Set<string>();
  for (const u of profile.units) if (u.type === '指挥部') for (const e of u.emails) out.add(e.trim().toLowerCase());
  const sup = profile.workClasses.find((w) => w.id === 'supervision');
  if (sup) {
    for (const e of splitEmails(sup.email)) out.add(e);
    const lead = profile.units.find((u) => u.code === sup.leadUnit);
    for (const e of lead?.emails ?? []) out.add(e.trim().toLowerCase());
  }
  return [...out].filter((e) => isValidEmail(e)).sort();
}

function problemAddresses(list: Awaited<ReturnType<DigestStore['listProblemAddresses']>>, profile: Profile): ProblemAddress[] {
  return list.map((a) => {
    const units = profile.units.filter((u) => u.emails.some((e) => e.trim().toLowerCase() === a.email)).map((u) => u.name);
    for (const w of profile.workClasses) if (splitEmails(w.email).includes(a.email)) units.push(`${w.name}专班`);
    return {
      email: a.email,
      status: a.status,
      count: a.status === 'complained' ? a.complaints : a.status === 'bounced' ? a.permanentBounces : a.transientBounces,
      lastOn: shanghaiDate(a.lastAt),
      units,
    };
  });
}

/** Edits of this week that (re)admitted or removed a row, for the back-dating check. */
function weekEdits(rows: readonly { value: WhitelistRow; updatedAt: number; version: number }[], from: number, to: number, previous: Record<string, number>): RowEdit[] {
  const out: RowEdit[] = [];
  for (const r of rows) {
    if (r.updatedAt < from || r.updatedAt > to) continue;
    const w = r.value;
    const code = w.code.trim().toUpperCase();
    const wasOn = previous ? code in previous : false;
    if (w.status === '已移出' && w.removedOn && wasOn) out.push({ code: w.code, editedAt: r.updatedAt, effectiveDate: w.removedOn, column: '移出日期' });
    else if (w.status === '已纳入' && w.admittedOn && !wasOn) out.push({ code: w.code, editedAt: r.updatedAt, effectiveDate: w.admittedOn, column: '纳入日期' });
  }
  return out;
}

/**
 * Each match with its policy's category, when it was mailed, and the enterprise's answer: what the
 * week's model (domain/reports/figures.ts) counts 政策找企 from (the digest, the console).
 */
export function outreachMatches(matches: readonly PolicyMatchRecord[], policies: readonly RowRecord<'policy'>[]): OutreachMatch[] {
  const category = new Map(policies.map((p) => [p.key, p.value.category ?? '']));
  return matches
    .filter((m) => category.has(m.policy))
    .map((m) => ({
      category: category.get(m.policy)!,
      // A baseline match was recorded, never mailed.
      pushedAt: m.baseline ? null : m.pushedAt,
      ...(m.feedback ? { answer: m.feedback.answer, answeredAt: m.feedback.at } : {}),
    }));
}

/** Read what the week needs and build the model, the page and the text part. Writes nothing. */
export async function generateDigest(
  deps: Pick<DigestDeps, 'store' | 'digests' | 'config' | 'policies'>,
  week: string,
  now: number,
): Promise<{ model: DigestModel; html: string; text: string; issuesRead: number; profile: Profile }> {
  const { store, digests } = deps;
  const matches = deps.policies?.listMatches();
  const window = digestWindow(week, now);
  const [profileRec, whitelistRead, totals, epidemic, policies, consultants, inspections, issues, snapshots, addresses, inspectionStates, batchDecisions] = await Promise.all([
    store.getProfile(),
    whitelistStates(store),
    store.listRows('sector_total'),
    store.listRows('epidemic_support'),
    store.listRows('policy'),
    store.listRows('consultant'),
    store.listRows('inspection'),
    digests.issuesForWeek(week, now),
    digests.snapshotsBefore(week, SNAPSHOTS_READ),
    digests.listProblemAddresses(),
    inspectionStatusByRow(store),
    store.listDecisions({ type: 'batch' }),
  ]);
  if (!profileRec) throw new DigestError('no_profile', '尚未导入县配置（工作专班、责任单位等），无法生成周报；请先同步配置表');
  const profile = profileRec.profile;
  // Sheet order (whitelistStates sorts): a duplicated code counts once, the first row's.
  const whitelistRecs = whitelistRead.live;
  const whitelist = whitelistRecs.map((r) => r.value);
  const registers = await readRegisters(store, whitelist);
  // Deleted rows count up to their deletion day and are listed among the week's removals.
  const states = whitelistRead.states;
  const coverage = computeCoverage({ whitelist: states, totals: totals.map((r) => r.value), targets: profile.sectorTargets, at: window.asOf });
  const previous = previousSnapshot(snapshots, week);
  const previousValues = previous ? await digests.snapshotValues(previous.week) : undefined;
  const admittedWhitelist: WhitelistEntry[] = states
    .filter((r) => countsOn(r, window.asOf))
    .map((r) => ({ code: r.code, name: r.name, sector: r.sector, locality: r.locality }));
  // Without last week's values there is no baseline: a first load is not an edit of past weeks.
  const edits = !previousValues ? [] : weekEdits(
    whitelistRecs.map((r) => ({ value: r.value, updatedAt: r.updatedAt, version: r.version })),
    window.from,
    window.to,
    previousValues,
  );
  const model = buildDigest({
    week,
    generatedAt: now,
    countyName: deps.config.countyName,
    profile,
    coverage,
    snapshots,
    issues,
    whitelistChanges: states,
    admittedWhitelist,
    epidemicSupport: epidemic.map((r) => r.value),
    policies: policies.map((r) => r.value),
    consultants: consultants.map((r) => r.value),
    // 状态 is the decision's (a row imported as 已批准 is not 待审批).
    inspections: inspections.map((r) => {
      const state = inspectionStates.get(r.key);
      return state ? { ...r.value, id: state.id, status: state.status as typeof r.value.status } : r.value;
    }),
    ...(matches ? { policyMatches: outreachMatches(await matches, policies) } : {}),
    batchAnswers: new Map(
      batchDecisions
        .filter((d) => !d.open && d.note)
        .map((d) => [d.id, { answer: d.note!, on: shanghaiDate(d.decidedAt ?? d.updatedAt), closedMembers: d.data.closeMembers === '是' }]),
    ),
    registers,
    dataQuality: [
      ...checkDataQuality({ whitelist, coverage, previousValues, edits }),
      ...addressWarnings(problemAddresses(addresses, profile)),
    ],
    values: whitelistValues(whitelist),
  });
  return { model, html: renderDigestHtml(model), text: renderDigestText(model), issuesRead: issues.length, profile };
}

/** The page's URL with a view signature valid `ttlDays` from `now`. */
export function digestViewUrl(config: Pick<DigestConfig, 'publicBaseUrl' | 'actionSecrets' | 'viewLinkTtlDays'>, week: string, now: number): string {
  const exp = Math.floor(now / 1000) + (config.viewLinkTtlDays ?? DEFAULT_VIEW_TTL_DAYS) * 86_400;
  return `${config.publicBaseUrl}/v1/digests/${week}?sig=${signDigestView(week, exp, config.actionSecrets)}`;
}

/** The mail body: the page with a "view in the browser" line (and the live dashboard's link) on top. */
export function mailParts(page: string, text: string, viewUrl: string, dashboardUrl?: string): { html: string; text: string } {
  const banner = html`<div style="max-width:960px;margin:0 auto;padding:8px 12px;font-size:13px;color:#6b7280;font-family:Arial,sans-serif">邮件显示不全时，请<a href="${viewUrl}" style="color:#1d4ed8">在浏览器中查看本周报</a>（链接仅供收件人使用，请勿转发）。${
    dashboardUrl && html`<br>实时看板：<a href="${dashboardUrl}" style="color:#1d4ed8">${dashboardUrl}</a>`
  }</div>`;
  // The digest page (domain/reports/digest-render.ts) has no banner slot: the banner goes after <body>.
  const m = /<body[^>]*>/i.exec(page);
  const mailHtml = m ? `${page.slice(0, m.index + m[0].length)}${banner}${page.slice(m.index + m[0].length)}` : `${banner}${page}`;
  return { html: mailHtml, text: `在浏览器中查看：${viewUrl}\n${dashboardUrl ? `实时看板：${dashboardUrl}\n` : ''}\n${text}` };
}

/**
 * The week's record: the stored one, else built and published now (publishOnce: one run wins the
 * week; the winner stores the week's coverage snapshot). Mails nothing: runDigest delivers it, and so
 * does a re-drive of the week (redrive.ts) that finds it never built.
 */
export async function publishDigest(
  deps: Pick<DigestDeps, 'store' | 'digests' | 'config' | 'policies' | 'log'>,
  week: string,
  now: number,
): Promise<{ rec: DigestRecord; published: boolean; built: Awaited<ReturnType<typeof generateDigest>> | null }> {
  const { digests, config, log } = deps;
  const existing = await digests.getDigest(week);
  if (existing) return { rec: existing, published: false, built: null };
  const built = await generateDigest(deps, week, now);
  const recipients = digestRecipients(built.profile);
  if (recipients.length === 0) {
    throw new DigestError('no_recipients', '没有周报收件人：请在「责任单位」中为类型为“指挥部”的单位、在「工作专班」中为督办督查专班填写联系邮箱');
  }
  const viewUrl = digestViewUrl(config, week, now);
  const mail = mailParts(built.html, built.text, viewUrl, dashboardViewUrl(config.publicBaseUrl, config.actionSecrets, now));
  const out = await publishOnce(
    digests,
    storedReportId('digest', week),
    { page: built.html, [MAIL_BLOBS.html]: mail.html, [MAIL_BLOBS.text]: mail.text, model: JSON.stringify(built.model), view_url: viewUrl },
    {
      status: 'sending',
      generatedAt: now,
      subject: digestSubject(built.model),
      recipients,
      suppressed: [...(await digests.suppressedAmong(recipients))].sort(),
      createdAt: now,
    },
  );
  if (out.won) {
    await digests.putSnapshot(built.model.snapshot);
    log.info('digest published', { week, runId: out.rec.runId, recipients: recipients.length, suppressed: out.rec.suppressed.length });
  }
  return { rec: out.rec, published: out.won, built };
}

/** The week's digest: built (dry run) or published and mailed: `runDigest(deps)({ week, send })`. */
export function runDigest(deps: DigestDeps): (opts?: DigestRunOptions) => Promise<DigestResult> {
  const { store, digests, mailer, clock, config, log } = deps;
  const failures = deps.failures ?? memoryFailures();

  /** Mail the stored digest through the one delivery path (deliver.ts): same retry and suppression policy as every mail. */
  async function send(rec: DigestRecord): Promise<{ delivered: number; failed: number; skipped: number; complete: boolean }> {
    const mail = await storedMail(digests, rec);
    const r = await deliver(
      {
        store,
        mailer,
        clock,
        leaseClock: deps.leaseClock,
        log,
        leaseMs: config.leaseMs,
        suppressed: (emails) => digests.suppressedAmong(emails),
        setAside: { failures, job: 'digest', subject: reportName('digest', rec.week), metrics: deps.ops },
      },
      DIGEST_NOTIFICATION(rec.week),
      // Suppressed when published: left out of this week's mailing (the digest lists them).
      reportRecipients(rec),
      () => mail,
    );
    return { delivered: r.sent, failed: r.failed + r.rejected, skipped: r.skipped, complete: r.complete };
  }

  return async (opts = {}) => {
    const now = clock.now();
    const week = opts.week ?? isoWeek(shanghaiDate(now));
    try {
      isoWeekRange(week);
    } catch (err) {
      throw new DigestError('week', (err as Error).message);
    }
    const before = deps.reads?.items ?? 0;
    const itemsRead = () => (deps.reads ? deps.reads.items - before : null);

    if (!opts.send) {
      const g = await generateDigest(deps, week, now);
      const recipients = digestRecipients(g.profile);
      return {
        week,
        status: 'dry_run',
        published: false,
        subject: digestSubject(g.model),
        recipients,
        suppressed: [...(await digests.suppressedAmong(recipients))],
        delivered: 0,
        failed: 0,
        skipped: 0,
        itemsRead: itemsRead(),
        issuesRead: g.issuesRead,
        html: g.html,
        text: g.text,
        model: g.model,
        viewUrl: digestViewUrl(config, week, now),
      };
    }

    const { rec, published, built } = await publishDigest(deps, week, now);

    const stored = async () => {
      const [page, text, model, viewUrl] = await Promise.all(['page', MAIL_BLOBS.text, 'model', 'view_url'].map((n) => digests.getBlob(rec, n)));
      return { html: page ?? '', text: text ?? '', model: JSON.parse(model ?? 'null') as DigestModel, viewUrl: viewUrl ?? '' };
    };

    if (rec.status === 'sent') {
      const s = await stored();
      return {
        week,
        status: 'already_sent',
        published: false,
        subject: rec.subject,
        recipients: rec.recipients,
        suppressed: rec.suppressed,
        delivered: 0,
        failed: 0,
        skipped: rec.recipients.length - rec.suppressed.length,
        itemsRead: itemsRead(),
        issuesRead: 0,
        ...s,
      };
    }

    const d = await send(rec);
    if (d.complete) await digests.markDigestSent(week, rec.runId, { sentAt: clock.now(), delivered: d.delivered, failed: d.failed });
    const s = published && built ? { html: built.html, text: (await digests.getBlob(rec, MAIL_BLOBS.text)) ?? built.text, model: built.model, viewUrl: (await digests.getBlob(rec, 'view_url')) ?? '' } : await stored();
    return {
      week,
      status: d.complete ? 'sent' : 'incomplete',
      published,
      subject: rec.subject,
      recipients: rec.recipients,
      suppressed: rec.suppressed,
      ...d,
      itemsRead: itemsRead(),
      issuesRead: built?.issuesRead ?? 0,
      ...s,
    };
  };
}

/** Friday 18:00 Asia/Shanghai of an ISO week: the digest must be sent by then. */
export function digestDeadline(week: string): number {
  return Date.parse(`${isoWeekRange(week).friday}T18:00:00+08:00`);
}

/**
 * The week's last scheduled run, Friday 23:45 Asia/Shanghai (DIGEST_SCHEDULE: every 15 minutes from
 * 17:00): after it no schedule handles the week again.
 */
export function digestLastRun(week: string): number {
  const { toHour, everyMinutes } = DIGEST_SCHEDULE;
  const minute = 60 - everyMinutes;
  return Date.parse(`${isoWeekRange(week).friday}T${String(toHour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+08:00`);
}

/** What a scheduled run answers: the run without its page, text and model, and whether the week is late. */
export type ScheduledDigestResult = Omit<DigestResult, 'html' | 'text' | 'model' | 'status'> & {
  /** `failed`: this run threw (recorded, retried later); `waiting`: an earlier failure's backoff; `set_aside`: no more automatic retries. */
  status: DigestRunStatus | 'failed' | 'waiting' | 'set_aside';
  /** Not sent at or after Friday 18:00 Asia/Shanghai (DigestLate = 1). */
  late: boolean;
  error?: string;
};

/**
 * The scheduled run (handlers/digest.ts): publish and mail the week's digest, the week isolated as
 * one item. Never throws for the week's own failure (recorded and retried by the next schedule); the
 * DigestLate metric says whether the week is still not sent at or after Friday 18:00.
 */
export function runScheduledDigest(deps: DigestDeps): (opts?: { week?: string }) => Promise<ScheduledDigestResult> {
  const failures = deps.failures ?? memoryFailures();
  const ops = deps.ops ?? noMetrics;
  const send = runDigest({ ...deps, failures });
  return async (opts = {}) => {
    const now = deps.clock.now();
    const week = opts.week ?? isoWeek(shanghaiDate(now));
    const isolation = await openIsolation({ failures, clock: deps.clock, log: deps.log, metrics: deps.ops }, 'digest');
    const out = await isolation.run(week, reportName('digest', week), () => send({ week, send: true }));
    const sent = out.status === 'ok' && (out.value.status === 'sent' || out.value.status === 'already_sent');
    const late = !sent && now >= digestDeadline(week);
    ops.put('DigestLate', late ? 1 : 0);
    if (late) deps.log.error('digest not sent by Friday 18:00', { week, status: out.status === 'ok' ? out.value.status : out.status });
    if (out.status === 'ok') {
      const { html: _h, text: _t, model: _m, ...summary } = out.value;
      return { ...summary, late };
    }
    const none = { week, published: false, subject: '', recipients: [], suppressed: [], delivered: 0, failed: 0, skipped: 0, itemsRead: null, issuesRead: 0, viewUrl: '', late };
    if (out.status === 'failed') return { ...none, status: out.setAside ? 'set_aside' : 'failed', error: out.error };
    return { ...none, status: out.state };
  };
}
