// The dispatcher: sends every pending notification of the outbox index, one message per recipient,
// exactly once per (notification key, recipient). Per recipient: claim a delivery record with a
// conditional write, send, mark sent; failures are recorded with the attempt count and the next
// attempt time (1 min, 5 min, 30 min, 2 h, then every 6 h) and never dropped. A notification leaves
// the item's pending set (and the item the outbox) only when every recipient has it.
import { escapeHtml } from '../../domain/reports/html.js';
import {
  renderAssignmentMail,
  renderBatchMail,
  renderEscalateMail,
  renderExtendMail,
  renderFollowUpMail,
  renderOverdueMail,
  renderReassignedMail,
  renderRemindMail,
  renderVerifyListMail,
  type DeadlineMailInput,
  type MailButton,
  type MailIssue,
  type RenderedMail,
} from '../../domain/reports/mail-templates.js';
import type { Notification } from '../../domain/issues/types.js';
import { newNonce, signActionToken } from './action-token.js';
import { conditionalUpdate } from './conditional-update.js';
import { errorInfo, isValidEmail, MailError, type Clock, type Log, type Mailer, type OutboxMetrics, type Store, type StoredIssue } from '../ports.js';

/** Delay before the next attempt after the n-th failed attempt (1-based). */
/** Default validity of an action link, days. */
export const DEFAULT_ACTION_TOKEN_TTL_DAYS = 14;

export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000];
export const retryDelay = (attempts: number) => RETRY_DELAYS_MS[Math.min(Math.max(attempts, 1), RETRY_DELAYS_MS.length) - 1];

export interface DispatchConfigPart {
  publicBaseUrl: string;
  actionSecrets: string[];
  /** Validity of action links, days (default 14). */
  actionTokenTtlDays?: number;
  /** How long a claim protects a recipient being sent to (default 5 min). */
  leaseMs?: number;
}

export interface DispatchDeps {
  store: Store;
  mailer: Mailer;
  clock: Clock;
  log: Log;
  config: DispatchConfigPart;
  /** Publishes the age of the oldest pending notification after every run (EMF in Lambda). */
  metrics?: OutboxMetrics;
  /**
   * Addresses not to mail: permanent bounces and complaints recorded by the bounce handler
   * (`DigestStore.suppressedAmong`). Keeps the account under SES's bounce/complaint thresholds.
   */
  suppressed?: (emails: readonly string[]) => Promise<Set<string>>;
}

export interface DispatchSummary {
  sent: number;
  failed: number;
  /** Recipients already served, held by another sender, or waiting for their next attempt. */
  skipped: number;
}

/** Link actions of the unit in the assignment mail: 签收, 退回, 反馈进展, 反馈办理结果. */
const UNIT_LINKS = ['sign', 'return', 'progress', 'resolve'] as const;

const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
const opt = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v ?? 0) || 0);

function mailIssue(d: Record<string, unknown>): MailIssue {
  return {
    id: str(d.issueId),
    category: str(d.category),
    description: str(d.description),
    enterpriseName: opt(d.enterpriseName),
    enterpriseCode: opt(d.enterpriseCode),
    sector: opt(d.sector),
    locality: opt(d.locality),
    urgency: str(d.urgency) || '一般',
    major: d.major === true,
    beyondScope: d.beyondScope === true,
    reportedOn: opt(d.reportedOn),
  };
}

type Renderer = (n: Notification, recipient: string, issue: StoredIssue, links: (action: string) => string) => RenderedMail;

const calendarNotes = (issue: StoredIssue) => issue.record.warnings.filter((w) => w.code === 'calendar_unverified').map((w) => w.message);

/** The unit's buttons again on a reminder/overdue notice, while the assignment is the current one. */
function unitButtons(n: Notification, issue: StoredIssue, link: (action: string) => string): MailButton[] | undefined {
  const current = issue.record.assignments.length - 1;
  if (num(n.data.assignment) !== current) return undefined;
  const a = issue.record.assignments[current];
  const out: MailButton[] = [];
  if (a.signedAt === undefined) out.push({ label: '签收', href: link('sign'), color: '#1a7f37' });
  out.push({ label: '反馈进展', href: link('progress'), color: '#6f42c1' });
  out.push({ label: '反馈办理结果', href: link('resolve'), color: '#0b5cad' });
  return out;
}

function deadlineInput(n: Notification, issue: StoredIssue, link: (action: string) => string): DeadlineMailInput {
  const d = n.data;
  return {
    issue: mailIssue(d),
    unitName: str(d.unitName) || str(d.unit),
    deadlineLabel: str(d.deadlineLabel) || '时限',
    date: str(d.date),
    signBy: str(d.signBy),
    resolveBy: str(d.resolveBy),
    links: unitButtons(n, issue, link),
  };
}

/** Templates the dispatcher can send; a notification of another template waits (logged) until one is added. */
export const RENDERERS: Record<string, Renderer> = {
  assign(n, _recipient, issue, link) {
    const d = n.data;
    const actions = Array.isArray(d.actions) ? (d.actions as string[]) : [...UNIT_LINKS];
    const has = (a: string) => actions.includes(a);
    const reason = str(d.reason);
    return renderAssignmentMail({
      type: 'assign',
      issue: mailIssue(d),
      unitName: str(d.unitName) || str(d.unit),
      responsibleUnitName: str(d.unitName) || str(d.unit),
      signBy: str(d.signBy),
      feedbackBy: str(d.feedbackBy),
      resolveBy: str(d.resolveBy),
      // 反馈进展 is offered with every assignment mail (the lifecycle lists the three SPEC links).
      links: has('sign') && has('return') && has('resolve') ? { sign: link('sign'), return: link('return'), progress: link('progress'), feedback: link('resolve') } : undefined,
      reason: reason === 'returned' || reason === 'reassigned' || reason === 'reopened' ? reason : 'new',
      previousUnitName: opt(d.previousUnitName),
      returnReason: opt(d.returnReason),
      previousResult: opt(d.previousResult),
      notes: calendarNotes(issue),
    });
  },
  copy(n, _recipient, issue) {
    const d = n.data;
    return renderAssignmentMail({
      type: 'copy',
      issue: mailIssue(d),
      unitName: '各相关单位',
      responsibleUnitName: str(d.unitName) || str(d.unit),
      signBy: str(d.signBy),
      feedbackBy: str(d.feedbackBy),
      resolveBy: str(d.resolveBy),
      notes: calendarNotes(issue),
    });
  },
  remind: (n, _r, issue, link) => renderRemindMail(deadlineInput(n, issue, link)),
  overdue: (n, _r, issue, link) => renderOverdueMail(deadlineInput(n, issue, link)),
  escalate(n) {
    const d = n.data;
    return renderEscalateMail({
      issue: mailIssue(d),
      targetName: str(d.targetName) || str(d.target),
      unitName: str(d.unitName) || str(d.unit),
      level: num(d.level),
      since: str(d.since),
      workdaysOverdue: num(d.workdaysOverdue),
      signBy: str(d.signBy),
      resolveBy: str(d.resolveBy),
    });
  },
  follow_up(n, _r, issue, link) {
    const d = n.data;
    return renderFollowUpMail({
      issue: mailIssue(d),
      contactName: issue.record.issue.contact,
      unitName: str(d.unitName) || str(d.unit),
      result: str(d.result),
      links: { satisfied: link('follow_up:满意'), basic: link('follow_up:基本满意'), unsatisfied: link('follow_up:不满意') },
    });
  },
  verify_list(n, _r, issue, link) {
    const d = n.data;
    const actions = Array.isArray(d.actions) ? (d.actions as string[]) : [];
    return renderVerifyListMail({
      issue: mailIssue(d),
      unitName: str(d.unitName) || str(d.unit),
      result: str(d.result),
      followUpByPhone: d.followUpByPhone === true,
      phone: issue.record.issue.phone,
      verifyLink: actions.includes('verify_close') ? link('verify_close') : undefined,
    });
  },
  batch(n) {
    const d = n.data;
    const names = Array.isArray(d.unitNames) ? (d.unitNames as unknown[]).map(str) : Array.isArray(d.units) ? (d.units as unknown[]).map(str) : [];
    return renderBatchMail({
      batchId: str(d.batchId),
      category: str(d.category),
      from: str(d.from),
      to: str(d.to),
      issueIds: Array.isArray(d.issueIds) ? (d.issueIds as unknown[]).map(str) : [],
      enterpriseCount: num(d.enterpriseCount),
      unitNames: names,
    });
  },
  reassigned(n) {
    const d = n.data;
    return renderReassignedMail({ issue: mailIssue(d), unitName: str(d.unitName) || str(d.unit), newUnitName: str(d.newUnitName) || str(d.newUnit) });
  },
  extend(n) {
    const d = n.data;
    return renderExtendMail({ issue: mailIssue(d), unitName: str(d.unitName) || str(d.unit), resolveBy: str(d.resolveBy), reason: str(d.reason), previousResolveBy: opt(d.previousResolveBy) });
  },
};

/** The notification key as a reference line at the end of every mail (also how tests tell mails apart). */
export function withReference(mail: RenderedMail, key: string): RenderedMail {
  const ref = `通知编号：${key}`;
  return {
    ...mail,
    text: `${mail.text}\n${ref}`,
    html: mail.html.replace('</div></body></html>', `<p style="margin:4px 0 0;color:#aaa;font-size:11px;">${escapeHtml(ref)}</p></div></body></html>`),
  };
}

export function recipientsOf(n: Notification): string[] {
  return [...new Set([...n.to, ...(n.cc ?? [])].map((a) => a.trim().toLowerCase()).filter(Boolean))];
}

/** One dispatcher run over the outbox: `runDispatch(deps)()`. */
export function runDispatch(deps: DispatchDeps): () => Promise<DispatchSummary> {
  const { store, mailer, clock, config, log } = deps;
  const leaseMs = config.leaseMs ?? 5 * 60_000;
  const ttlSec = Math.round((config.actionTokenTtlDays ?? DEFAULT_ACTION_TOKEN_TTL_DAYS) * 86_400);

  async function complete(issueId: string, key: string): Promise<void> {
    const out = await conditionalUpdate<StoredIssue, void>({
      read: () => store.getIssue(issueId),
      write: (next, rev) => store.putIssue(next, rev),
      attempts: 5,
      decide(cur) {
        if (!cur || !cur.pending[key]) return { done: undefined };
        const { [key]: _sent, ...pending } = cur.pending;
        return { write: { ...cur, pending }, result: undefined };
      },
    });
    if (!out.ok) log.warn('outbox completion contended; will retry next run', { issueId, key });
  }

  async function deliver(issue: StoredIssue, n: Notification, recipient: string, render: Renderer, summary: DispatchSummary): Promise<boolean> {
    const existing = await store.getDelivery(n.key, recipient);
    if (existing && (existing.status === 'sent' || existing.status === 'rejected')) {
      summary.skipped++;
      return true;
    }
    const now = clock.now();
    if (!isValidEmail(recipient)) {
      await store.markDeliveryFailed(n.key, recipient, { error: 'invalid_address', permanent: true }, now);
      log.warn('recipient rejected', { key: n.key, reason: 'invalid_address' });
      summary.failed++;
      return true;
    }
    if (deps.suppressed && (await deps.suppressed([recipient])).has(recipient.toLowerCase())) {
      // Bounced permanently or complained: never mailed again; the digest lists the address.
      await store.markDeliveryFailed(n.key, recipient, { error: 'suppressed_address', permanent: true }, now);
      log.warn('recipient suppressed', { key: n.key, reason: 'suppressed_address' });
      summary.failed++;
      return true;
    }
    const claim = await store.claimDelivery(n.key, recipient, now, leaseMs);
    if (!claim) {
      summary.skipped++;
      return false;
    }
    try {
      const exp = Math.floor(now / 1000) + ttlSec;
      const d = n.data;
      const link = (action: string) =>
        `${config.publicBaseUrl}/a/${signActionToken(
          { issueId: issue.record.id, action, unit: str(d.unit), recipient, assignment: Number(d.assignment ?? 0), exp, nonce: newNonce() },
          config.actionSecrets,
        )}`;
      const mail = withReference(render(n, recipient, issue, link), n.key);
      const res = await mailer.send({ to: [recipient], ...mail });
      await store.markDeliverySent(n.key, recipient, res.messageId, clock.now());
      summary.sent++;
      return true;
    } catch (err) {
      const permanent = err instanceof MailError;
      const info = errorInfo(err);
      await store.markDeliveryFailed(
        n.key,
        recipient,
        { error: `${info.name}${info.code ? `/${info.code}` : ''}: ${info.message}`, permanent, nextAttemptAt: clock.now() + retryDelay(claim.attempts) },
        clock.now(),
      );
      log.warn('send failed', { key: n.key, attempts: claim.attempts, permanent, error: info.name });
      summary.failed++;
      return permanent;
    }
  }

  const run = async () => {
    const summary: DispatchSummary = { sent: 0, failed: 0, skipped: 0 };
    const items = await store.listOutbox();
    for (const issue of items) {
      for (const n of Object.values(issue.pending)) {
        const render = RENDERERS[n.template];
        if (!render) {
          log.warn('no template for notification; left pending', { key: n.key, template: n.template });
          summary.skipped += recipientsOf(n).length;
          continue;
        }
        let allDone = true;
        for (const r of recipientsOf(n)) {
          if (!(await deliver(issue, n, r, render, summary))) allDone = false;
        }
        if (allDone) await complete(issue.record.id, n.key);
      }
    }
    log.info('dispatch', { ...summary, items: items.length });
    return summary;
  };
  const metrics = deps.metrics;
  if (!metrics) return run;
  // Measured after the run, also when it failed: what is still waiting is what the alarm watches.
  return async () => {
    try {
      return await run();
    } finally {
      await metrics.publishOldestPendingAge(clock.now()).catch((err) => log.warn('metric not published', { error: errorInfo(err) }));
    }
  };
}
