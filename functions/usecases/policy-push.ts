// 政策找企 (SPEC §7.4, §7.8) in terms of ports:
// - planPolicyPushes (the sweep): match every policy to every admitted whitelist enterprise
//   (domain/issues/policies.ts); a match not seen before, or whose policy changed since it was pushed,
//   is new. Matching depends only on the whitelist, the policies and the day, so each run starts from
//   what the last complete plan saw (PushPlanState: the day and both row versions, Store.rowsVersion):
//   all the same → nothing more is read (three reads every 15 minutes); only the whitelist written
//   since, the same day → only the enterprises whose rows changed since that plan (with an overlap for
//   writes in flight) are matched, with their own matches; otherwise (a new day, a policy written, the
//   first run) every enterprise with every match. Each enterprise with new matches and a 联系邮箱 gets at most one 政策推送 a day: the mail
//   is put in the outbox (a MAIL item created once per enterprise and day — the intent), then its
//   matches are marked pushed. New matches found after the day's push wait for the next day. The very
//   first run records the existing matches as a baseline without mailing.
// - planFilingReminders (the sweep): from 09:00 of the week's first working day, each unit that has
//   not filed a policy in force or a consultant gets one reminder that week.
// - deliverMail (the dispatcher): sends the pending MAIL items through the one delivery path
//   (deliver.ts), signing the answer links and the enterprise page link per recipient.
import { consultantsFor, matchingPolicies } from '../../domain/issues/policies.js';
import { findUnit } from '../../domain/issues/lifecycle.js';
import type { PolicyFeedback } from '../../domain/issues/catalog.js';
import { renderPolicyPush, renderPolicyReminder, type PolicyPushData, type PolicyReminderData, type PushedPolicy } from '../../domain/reports/policy-mail.js';
import { policyFiling } from '../../domain/reports/sections/policy.js';
import { createCalendar } from '../../domain/time/calendar.js';
import { addDays, isoWeek, isoWeekRange, shanghaiDate, startOfShanghaiDay } from '../../domain/time/time.js';
import type { ConsultantRow, PolicyRow, Profile } from '../../domain/rows/types.js';
import { errorInfo, type Clock, type Log, type MailItem, type PolicyMatchRecord, type PolicyStore, type RowRecord, type Store } from '../ports.js';
import { deliver, type DeliveryDeps } from './deliver.js';
import { pool } from './isolation.js';
import { enterpriseLink, signLink, contactEpoch, ENTERPRISE_LINK_DAYS } from './link-token.js';

export interface PolicyPushDeps {
  store: Pick<Store, 'listRows' | 'getProfile' | 'rowsVersion'>;
  policies: PolicyStore;
  clock: Clock;
  log?: Log;
}

export interface PushPlanSummary {
  /** Matches in force now. */
  matches: number;
  /** New matches recorded this run (baseline included). */
  recorded: number;
  /** 政策推送 mails put in the outbox this run. */
  pushes: number;
  /** New matches waiting (the day's push already went, or the enterprise has no address). */
  waiting: number;
  baseline: boolean;
  /**
   * `all`: every admitted enterprise; `changed`: those whose whitelist rows were written since the last
   * complete plan (the counts above are theirs); `unchanged`: nothing was read (counts 0).
   */
  planned: 'all' | 'changed' | 'unchanged';
}

export const BASELINE_MARKER = 'policy-baseline';

/**
 * A whitelist row written this long before the last plan read the versions is still planned again: a
 * sync stamps its rows when it starts and bumps the version after them (an API call ends well within it).
 */
export const PLAN_OVERLAP_MS = 15 * 60_000;

/** Enterprises whose matches are read at once in a `changed` plan. */
const MATCH_READS_IN_FLIGHT = 8;

/** The consultants' contact lines a push carries for a policy. */
export function pushedPolicy(rec: RowRecord<'policy'>, consultants: readonly ConsultantRow[], profile: Profile | null): PushedPolicy {
  const p: PolicyRow = rec.value;
  const unit = p.unit && profile ? findUnit(profile, p.unit) : undefined;
  return {
    key: rec.key,
    name: p.name,
    issuer: p.issuer,
    level: p.level,
    category: p.category,
    validUntil: p.validUntil,
    applyBy: p.applyBy,
    delivery: p.delivery,
    link: p.link,
    unitName: unit?.name ?? p.unit,
    consultants: consultantsFor(p, consultants, profile).map((c) => ({ name: c.name, phone: c.phone, email: c.email })),
  };
}

/**
 * The admitted whitelist enterprises (only those whose rows were written at or after `since`, when
 * given) and, for each, the keys of the policies that apply today.
 */
export async function currentMatches(deps: Pick<PolicyPushDeps, 'store' | 'clock'>, since?: number) {
  const [whitelist, policyRows, consultantRows, profile] = await Promise.all([
    deps.store.listRows('whitelist'),
    deps.store.listRows('policy'),
    deps.store.listRows('consultant'),
    deps.store.getProfile(),
  ]);
  const today = shanghaiDate(deps.clock.now());
  const keyed = policyRows.map((r) => ({ key: r.key, policy: r.value }));
  const enterprises = whitelist.filter((w) => w.value.status === '已纳入' && (since === undefined || w.updatedAt >= since)).map((w) => ({ rec: w, policies: matchingPolicies(keyed, w.value, today) }));
  return { today, enterprises, policyRows, consultants: consultantRows.map((c) => c.value), profile: profile?.profile ?? null };
}

export async function planPolicyPushes(deps: PolicyPushDeps): Promise<PushPlanSummary> {
  const { policies, clock } = deps;
  const now = clock.now();
  // The versions are read before the rows (each write bumps its kind's version after its rows): a
  // plan complete under these versions saw every row written before them.
  const [whitelistV, policyV, last] = await Promise.all([deps.store.rowsVersion('whitelist'), deps.store.rowsVersion('policy'), policies.getPlanState()]);
  const state = { day: shanghaiDate(now), whitelistVersion: whitelistV.version, policyVersion: policyV.version, at: now };
  const sameDay = !!last && last.day === state.day && last.policyVersion === state.policyVersion;
  if (sameDay && last.whitelistVersion === state.whitelistVersion) {
    const summary: PushPlanSummary = { matches: 0, recorded: 0, pushes: 0, waiting: 0, baseline: false, planned: 'unchanged' };
    deps.log?.info('policy push plan', { ...summary });
    return summary;
  }
  const since = sameDay ? last.at - PLAN_OVERLAP_MS : undefined;
  const { today, enterprises, policyRows, consultants, profile } = await currentMatches(deps, since);
  const byPolicy = new Map(policyRows.map((r) => [r.key, r]));
  const existing = new Map<string, PolicyMatchRecord>();
  const add = (ms: readonly PolicyMatchRecord[]) => ms.forEach((m) => existing.set(`${m.enterprise}#${m.policy}`, m));
  if (since === undefined) add(await policies.listMatches());
  else await pool(enterprises, MATCH_READS_IN_FLIGHT, async ({ rec }) => add(await policies.listMatches({ enterprise: rec.value.code })));
  const baseline = !(await policies.hasMarker(BASELINE_MARKER));
  const summary: PushPlanSummary = { matches: 0, recorded: 0, pushes: 0, waiting: 0, baseline, planned: since === undefined ? 'all' : 'changed' };
  const writes: PolicyMatchRecord[] = [];

  for (const { rec, policies: keys } of enterprises) {
    const code = rec.value.code;
    summary.matches += keys.length;
    /** Matches new to this enterprise, or whose policy changed since its push. */
    const fresh: PolicyMatchRecord[] = [];
    for (const key of keys) {
      const hash = byPolicy.get(key)!.hash;
      const cur = existing.get(`${code}#${key}`);
      if (cur && cur.pushedAt !== null && cur.policyHash === hash) continue;
      if (cur && cur.pushedAt === null && !baseline) {
        fresh.push({ ...cur, policyHash: hash });
        continue;
      }
      fresh.push({ policy: key, enterprise: code, enterpriseName: rec.value.name, matchedAt: cur?.matchedAt ?? now, pushedAt: null, policyHash: hash, ...(cur?.feedback ? { feedback: cur.feedback } : {}) });
    }
    if (fresh.length === 0) continue;
    if (baseline) {
      for (const m of fresh) writes.push({ ...m, pushedAt: now, baseline: true });
      summary.recorded += fresh.length;
      continue;
    }
    const email = rec.value.email?.trim().toLowerCase();
    const pushKey = `push#${code}#${today}`;
    const todays = await policies.getMail(pushKey);
    if (!todays && email) {
      const data: PolicyPushData = {
        enterpriseCode: code,
        enterpriseName: rec.value.name,
        date: today,
        policies: fresh.map((m) => pushedPolicy(byPolicy.get(m.policy)!, consultants, profile)),
      };
      const created = await policies.createMail({ key: pushKey, template: 'policy_push', to: [email], data, createdAt: now, status: 'pending' });
      if (created) summary.pushes++;
    }
    // The day's push (just created, or created by an earlier run that stopped before marking) lists
    // what it pushed: those matches are pushed; any others wait for tomorrow.
    const pushed = new Set(((await policies.getMail(pushKey))?.data as PolicyPushData | undefined)?.policies.map((p) => p.key) ?? []);
    for (const m of fresh) {
      const isNew = !existing.has(`${code}#${m.policy}`);
      if (pushed.has(m.policy)) writes.push({ ...m, pushedAt: now });
      else {
        summary.waiting++;
        if (isNew) writes.push(m);
      }
      if (isNew) summary.recorded++;
    }
  }
  if (writes.length > 0) await policies.putMatches(writes);
  if (baseline) await policies.createMarker(BASELINE_MARKER, now);
  // Complete: the next run starts from here. (A run that stops before this line leaves the older
  // state: the next one plans at least as much again, and planning is idempotent.)
  await policies.putPlanState(state);
  deps.log?.info('policy push plan', { ...summary });
  return summary;
}

/** 09:00 Shanghai of the week's first working day (the Monday reminder's moment), epoch ms. */
export function reminderMoment(week: string, profile: Pick<Profile, 'calendarOverrides'> | null): number {
  const cal = createCalendar(profile?.calendarOverrides ?? []);
  let day = isoWeekRange(week).monday;
  for (let i = 0; i < 7 && !cal.isWorkday(day); i++) day = addDays(day, 1);
  return startOfShanghaiDay(day) + 9 * 3_600_000;
}

/** Put the week's filing reminders in the outbox (once per unit and week, from 09:00 of its first working day). */
export async function planFilingReminders(deps: PolicyPushDeps): Promise<number> {
  const now = deps.clock.now();
  const today = shanghaiDate(now);
  const week = isoWeek(today);
  const profileRec = await deps.store.getProfile();
  const profile = profileRec?.profile ?? null;
  if (!profile || now < reminderMoment(week, profile)) return 0;
  const [policyRows, consultantRows] = await Promise.all([deps.store.listRows('policy'), deps.store.listRows('consultant')]);
  const filing = policyFiling(
    policyRows.map((r) => r.value),
    consultantRows.map((r) => r.value),
    today,
    profile,
  );
  let n = 0;
  for (const gap of filing.gaps) {
    const unit = findUnit(profile, gap.unit);
    const to = (unit?.emails ?? []).map((e) => e.trim().toLowerCase()).filter(Boolean);
    if (to.length === 0) continue;
    const missing = [...(gap.policies === 0 ? ['政策清单'] : []), ...(gap.consultants === 0 ? ['政策咨询员'] : [])];
    const data: PolicyReminderData = { unit: gap.unit, unitName: gap.unitName, week, missing };
    if (await deps.policies.createMail({ key: `remind#${gap.unit}#${week}`, template: 'policy_reminder', to, data, createdAt: now, status: 'pending' })) n++;
  }
  if (n > 0) deps.log?.info('policy filing reminders', { week, units: n });
  return n;
}

export interface MailDeliveryDeps extends Omit<DeliveryDeps, 'store'> {
  store: DeliveryDeps['store'] & Pick<Store, 'listRows'>;
  policies: PolicyStore;
  config: { publicBaseUrl: string; actionSecrets: string[]; pagesBaseUrl?: string };
  /** Mail items in hand at once (default 1; the dispatcher: as many as its notifications). */
  itemConcurrency?: number;
  /** True once the run must stop taking new items (the dispatcher's run budget): the rest wait for the next run. */
  overBudget?: () => boolean;
}

/**
 * Send the pending MAIL items (pushes, reminders) once per recipient; mark each sent when complete.
 * Each item on its own: one that throws (a store error) is logged, counted failed and tried again next
 * run. `deferred`: items left for the next run by the run budget.
 */
export async function deliverMail(deps: MailDeliveryDeps): Promise<{ sent: number; failed: number; skipped: number; deferred: number }> {
  const out = { sent: 0, failed: 0, skipped: 0, deferred: 0 };
  const pending = await deps.policies.listPendingMail();
  await pool(pending, deps.itemConcurrency ?? 1, async (m) => {
    if (deps.overBudget?.()) {
      out.deferred++;
      return;
    }
    try {
      const compose = composerFor(deps, m);
      const r = await deliver(deps, m.key, m.to, compose);
      out.sent += r.sent;
      out.failed += r.failed + r.rejected + r.suppressed;
      out.skipped += r.skipped;
      if (r.complete) await deps.policies.markMailSent(m.key, deps.clock.now());
    } catch (err) {
      out.failed += m.to.length;
      deps.log?.error('mail item not delivered; retried next run', { key: m.key, error: errorInfo(err) });
    }
  });
  return out;
}

function composerFor(deps: MailDeliveryDeps, m: MailItem) {
  const { clock } = deps;
  const config = { ...deps.config, publicBaseUrl: deps.config.pagesBaseUrl ?? deps.config.publicBaseUrl };
  if (m.template === 'policy_reminder') return () => renderPolicyReminder(m.data as PolicyReminderData);
  const d = m.data as PolicyPushData;
  return (to: string) => {
    const now = clock.now();
    const exp = Math.floor(now / 1000) + ENTERPRISE_LINK_DAYS * 86_400;
    const epoch = contactEpoch(to);
    return renderPolicyPush(d, {
      page: enterpriseLink(config.publicBaseUrl, d.enterpriseCode, to, config.actionSecrets, now),
      feedback: (policy: string, answer: PolicyFeedback) =>
        `${config.publicBaseUrl}/f/${signLink('f', { code: d.enterpriseCode, epoch, exp, policy, answer, recipient: to }, config.actionSecrets)}`,
    });
  };
}
