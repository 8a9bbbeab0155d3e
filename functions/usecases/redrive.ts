// Re-driving what the background jobs set aside (SPEC §7.8 "Set aside": no more automatic retries, an
// alarm, a line on the dashboard, and a command to re-drive it — `sibao redrive`). An item set aside
// is a JobFailure with `setAsideAt` (isolation.ts); re-driving it gives it a fresh retry budget and
// puts it where its job looks:
// - a delivery (`<notificationKey>|<recipient>`: dispatch, digest or daily report, or a register mail
//   of the sweep): the delivery record due now (`failed`, attempts 0), the notification back from the
//   issue's `setAside` into `pending` (the outbox), the failure record deleted; the next dispatcher
//   run (sweep run: the overrun/熔断 mail is due as long as its condition holds) sends it. A 周报 or
//   日报 delivery (`digest#<week>|…`, `daily#<date>|…`) is sent at once with the period's stored mail
//   (stored-report.ts): no scheduled run handles a past week or date again. Still not sent (a
//   transient error), it is set aside again, listed for another re-drive. Serving the period's last
//   recipient makes the period's record `sent` (completeReport);
// - a notification (dispatch, `<notificationKey>`): back into `pending`, the record deleted;
// - a week of the 周报 (digest): the week's stored mail sent now to every recipient not yet served,
//   each through the one delivery path as a recipient's re-drive (redriveWeek); a week never built
//   is built first where the re-drive can (`reports.publishWeek`: the local stack); elsewhere (the
//   deployed table) the record is made due again and the message says whether the week's scheduled
//   runs are still to come (until Friday 23:45) or what to run (`reports.publishHint`);
// - an issue or batch (sweep), a bounce notification (bounce): the record made due now with
//   attempts 0 (a bounce keeps its payload), so the job's next run tries it again.
import { isoWeekRange, shanghaiDateTime } from '../../domain/time/time.js';
import { JOB_LABELS, type Clock, type DigestRecord, type FailureStore, type JobFailure, type JobName, type Log, type Mailer, type Store, type StoredIssue } from '../ports.js';
import { conditionalUpdate } from './conditional-update.js';
import { digestLastRun } from './digest.js';
import { clearFailure, errorText, recordFailure } from './isolation.js';
import { completeReport, reportKey, reportName, reportOf, reportRecipients, resendReport, resendStored, storedMail, type ReportResendDeps, type ResendOutcome } from './stored-report.js';

export { JOB_LABELS };

export interface RedriveDeps {
  store: Pick<Store, 'getIssue' | 'putIssue'> & ReportResendDeps['store'];
  failures: FailureStore;
  clock: Clock;
  log: Log;
  /** The stored 周报/日报 (required to re-drive a recipient or a week of them). */
  reports?: Pick<ReportResendDeps, 'digests' | 'leaseClock' | 'ops'> & {
    /** Sends a re-driven recipient, or a week's, at once; without it they are not re-driven (`needsMailer`). */
    mailer?: Mailer;
    /** Builds and publishes a week never built, mailing nothing (digest.ts publishDigest): where the digest's configuration is at hand. */
    publishWeek?: (week: string, now: number) => Promise<{ rec: DigestRecord; published: boolean }>;
    /** Where a week never built cannot be built here: what to run instead, in Chinese (the deployed stack's digest function). */
    publishHint?: (week: string) => string;
  };
}

export interface RedriveResult {
  job: JobName;
  key: string;
  subject: string;
  /** What was done, in Chinese (the CLI prints it). */
  done: string;
  /** Not re-driven, nothing changed: it is mailed at once, and there is no mailer (`done` says what). */
  needsMailer?: true;
}

/** Items set aside, oldest first. */
export async function listSetAside(deps: Pick<RedriveDeps, 'failures'>): Promise<JobFailure[]> {
  return (await deps.failures.listFailures()).filter((f) => f.setAsideAt !== undefined).sort((a, b) => a.setAsideAt! - b.setAsideAt!);
}

/** Move notification `key` of an issue from `setAside` back into `pending`; false when it is in neither. */
async function backToOutbox(deps: RedriveDeps, issueId: string, key: string): Promise<boolean> {
  const out = await conditionalUpdate<StoredIssue, boolean>({
    read: () => deps.store.getIssue(issueId),
    write: (next, rev) => deps.store.putIssue(next, rev),
    attempts: 5,
    decide(cur) {
      if (!cur) return { done: false };
      if (cur.pending[key]) return { done: true };
      const n = cur.setAside?.[key];
      if (!n) return { done: false };
      const { [key]: _back, ...rest } = cur.setAside!;
      return { write: { ...cur, pending: { ...cur.pending, [key]: n }, setAside: rest }, result: true };
    },
  });
  return out.ok && out.result;
}

/** The 周报/日报 delivery a failure names (`digest#<week>|<to>`, `daily#<date>|<to>` of the digest job): re-driving it mails at once (`reports`). */
export function reportDeliveryOf(f: JobFailure): (NonNullable<ReturnType<typeof reportOf>> & { recipient: string }) | null {
  const sep = f.key.lastIndexOf('|');
  if (f.job !== 'digest' || sep <= 0) return null;
  const report = reportOf(f.key.slice(0, sep));
  return report ? { ...report, recipient: f.key.slice(sep + 1) } : null;
}

const issueOf = (f: JobFailure): string | undefined => {
  const p = f.payload as { issueId?: unknown } | undefined;
  return typeof p?.issueId === 'string' ? p.issueId : undefined;
};

/** The item's failure record made due now with a fresh retry budget (no longer set aside): its job's next run tries it. */
async function dueAgain(deps: RedriveDeps, f: JobFailure): Promise<void> {
  const { setAsideAt: _aside, nextAttemptAt: _next, revision, ...rest } = f;
  const ok = await deps.failures.putFailure({ ...rest, attempts: 0, nextAttemptAt: deps.clock.now(), revision: revision + 1 }, revision);
  if (!ok) throw new Error(`${f.job} ${f.key} 的失败记录正被修改，请稍后重试`);
}

/** Re-drive one failing item (set aside or still retried: it is tried at the job's next run). */
export async function redrive(deps: RedriveDeps, f: JobFailure): Promise<RedriveResult> {
  const now = deps.clock.now();
  const base = { job: f.job, key: f.key, subject: f.subject };
  const sep = f.key.lastIndexOf('|');
  // A delivery `<key>|<recipient>`: the dispatcher's and the digest's, and the sweep's register mails
  // (the sweep's own items, issues and `batch#…`, are never keyed with an address).
  const report = reportDeliveryOf(f);
  if (report) return redriveReport(deps, f, report, report.recipient);
  const week = weekOf(f);
  if (week) return redriveWeek(deps, f, week);
  if ((f.job === 'dispatch' || f.job === 'digest' || (f.job === 'sweep' && f.key.includes('@', sep))) && sep > 0) {
    const key = f.key.slice(0, sep);
    const recipient = f.key.slice(sep + 1);
    const revived = await deps.failures.reviveDelivery(key, recipient, now);
    const issueId = issueOf(f);
    const back = issueId ? await backToOutbox(deps, issueId, key) : false;
    await clearFailure(deps, f.job, f.key);
    deps.log.info('redrive', { job: f.job, key: f.key, revived, back });
    return { ...base, done: `${recipient} 的投递已恢复为待发送${back ? '，通知已放回发件队列' : ''}${f.job === 'dispatch' ? '' : `（下次${JOB_LABELS[f.job]}任务运行时发送）`}` };
  }
  if (f.job === 'dispatch') {
    const issueId = issueOf(f);
    const back = issueId ? await backToOutbox(deps, issueId, f.key) : false;
    await clearFailure(deps, f.job, f.key);
    deps.log.info('redrive', { job: f.job, key: f.key, back });
    return { ...base, done: back ? '通知已放回发件队列' : '失败记录已清除（该通知已不在搁置列表中）' };
  }
  await dueAgain(deps, f);
  deps.log.info('redrive', { job: f.job, key: f.key });
  return { ...base, done: `已恢复自动重试（${JOB_LABELS[f.job]}任务下次运行时处理）` };
}

/**
 * A 周报/日报 recipient: revived and sent the period's stored mail now (once: a recipient mailed
 * before, or by a racing run, is not mailed again); a transient failure sets it aside again.
 */
async function redriveReport(deps: RedriveDeps, f: JobFailure, report: NonNullable<ReturnType<typeof reportOf>>, recipient: string): Promise<RedriveResult> {
  const base = { job: f.job, key: f.key, subject: f.subject };
  if (!deps.reports?.mailer) return { ...base, needsMailer: true, done: `${report.label}的收件人重新处理时立即补发` };
  const what = `${recipient} 的${reportName(report.kind, report.period)}`;
  const key = f.key.slice(0, f.key.lastIndexOf('|'));
  const revived = await deps.failures.reviveDelivery(key, recipient, deps.clock.now());
  const out = await resendReport(resendDeps(deps, deps.reports.mailer), report.kind, report.period, recipient);
  deps.log.info('redrive', { job: f.job, key: f.key, revived, outcome: out.status });
  if (out.status === 'failed') {
    await recordFailure(deps, f.job, f.key, { subject: f.subject, error: out.detail, setAside: true, attempts: f.attempts });
    return { ...base, done: `${what} 补发失败（${out.detail}），仍为搁置：排除原因后再次重新处理` };
  }
  // Another run holds it: its outcome is unknown here, so the item stays listed (a later re-drive says).
  if (out.status === 'held') return { ...base, done: `${what} 未补发（${out.detail}），仍在搁置列表中：稍后再次重新处理可确认` };
  await clearFailure(deps, f.job, f.key);
  // Final now: the period's record is `sent` if this was its last recipient.
  await completeReport(resendDeps(deps, deps.reports.mailer), report.kind, report.period);
  if (out.status === 'sent') return { ...base, done: `${what} 已补发` };
  if (out.status === 'refused') return { ...base, done: `${what} 不可投递（${out.detail}），不再发送` };
  return { ...base, done: `${what} 未重复发送（${out.detail}）` };
}

/** The week a failure of the digest job names (`YYYY-Www`, the scheduled run's item), or null. */
function weekOf(f: JobFailure): string | null {
  if (f.job !== 'digest' || f.key.includes('|') || reportOf(f.key)) return null;
  try {
    isoWeekRange(f.key);
    return f.key;
  } catch {
    return null;
  }
}

const resendDeps = (deps: RedriveDeps, mailer: Mailer): ReportResendDeps => ({ ...deps.reports!, mailer, store: deps.store, clock: deps.clock, log: deps.log, failures: deps.failures });

/** `YYYY-MM-DD HH:mm` in Shanghai. */
const minuteOf = (t: number) => shanghaiDateTime(t).slice(0, 16).replace('T', ' ');

/**
 * A week of the 周报: its stored mail sent now to every recipient not yet served, one by one through
 * the one delivery path as a recipient's re-drive (revived, claimed, sent, marked: a recipient mailed
 * before, or by a racing run, is not mailed again; one still failing is set aside under its own key),
 * and the record made `sent` when the week is complete. Never built: built here when `publishWeek`
 * can, else the week is made due again and the message says what will happen.
 */
async function redriveWeek(deps: RedriveDeps, f: JobFailure, week: string): Promise<RedriveResult> {
  const base = { job: f.job, key: f.key, subject: f.subject };
  const name = reportName('digest', week);
  const r = deps.reports;
  if (!r) throw new Error(`重新处理${name}需要周报的存储（RedriveDeps.reports）`);
  let rec = await r.digests.getDigest(week);
  if (!rec && !r.publishWeek) return weekUnbuilt(deps, f, week);
  if (!r.mailer) return { ...base, needsMailer: true, done: `${name} 重新处理时立即${rec ? '' : '生成并'}补发给未发送的收件人` };
  let built = false;
  if (!rec) {
    try {
      ({ rec, published: built } = await r.publishWeek!(week, deps.clock.now()));
    } catch (err) {
      const error = errorText(err);
      await recordFailure(deps, f.job, f.key, { subject: f.subject, error, setAside: true, attempts: f.attempts });
      deps.log.info('redrive', { job: f.job, key: f.key, outcome: 'build_failed' });
      return { ...base, done: `${name} 生成失败（${error}），仍为搁置：排除原因后再次重新处理` };
    }
  }
  const key = reportKey('digest', week);
  const send = resendDeps(deps, r.mailer);
  const mail = await storedMail(r.digests, rec);
  const recipients = reportRecipients(rec);
  const listed = new Map((await deps.failures.listFailures('digest')).filter((x) => x.key.startsWith(`${key}|`)).map((x) => [x.key, x]));
  const by: Record<ResendOutcome['status'], string[]> = { sent: [], already: [], held: [], refused: [], failed: [] };
  for (const to of recipients) {
    const item = `${key}|${to}`;
    await deps.failures.reviveDelivery(key, to, deps.clock.now());
    const out = await resendStored(send, 'digest', week, mail, to);
    by[out.status].push(out.status === 'failed' || out.status === 'refused' ? `${to}（${out.detail}）` : to);
    if (out.status === 'failed') await recordFailure(deps, f.job, item, { subject: `${name} → ${to}`, error: out.detail, setAside: true });
    else if (out.status !== 'held' && listed.has(item)) await clearFailure(deps, f.job, item);
  }
  const complete = await completeReport(send, 'digest', week);
  // A recipient a racing run held is final once the week is complete (that run sent it); else its
  // outcome is unknown here, so the week stays listed (a later re-drive says).
  const heldOpen = complete ? [] : by.held;
  if (heldOpen.length === 0) await clearFailure(deps, f.job, f.key);
  deps.log.info('redrive', { job: f.job, key: f.key, built, complete, ...Object.fromEntries(Object.entries(by).map(([k, v]) => [k, v.length])) });
  if (!built && by.sent.length + by.failed.length + by.held.length === 0) {
    const refused = by.refused.length ? `，${by.refused.length} 位不可投递` : '';
    return { ...base, done: `${name} 没有未发送的收件人（${by.already.length} 位均已发送过${refused}），未重复发送` };
  }
  const parts = [
    ...(built ? ['已生成并发布'] : []),
    ...(by.sent.length ? [`已补发 ${by.sent.length} 封（${by.sent.join('、')}）`] : []),
    ...(by.refused.length ? [`不可投递，不再发送：${by.refused.join('、')}`] : []),
    ...(by.failed.length ? [`补发失败，已搁置（排除原因后再次重新处理）：${by.failed.join('、')}`] : []),
    ...(by.held.length ? [complete ? `另一任务已发送：${by.held.join('、')}` : `另一任务正在发送，仍在搁置列表中（稍后再次重新处理可确认）：${by.held.join('、')}`] : []),
  ];
  return { ...base, done: `${name} ${parts.join('；')}；${complete ? '该周已全部发送' : '该周尚未全部发送'}` };
}

/**
 * A week never built where the re-drive cannot build it: made due again (a scheduled run or an
 * invocation of the function for the week then builds it; a set-aside week would be skipped), and
 * said whether the week's scheduled runs are still to come or what to run.
 */
async function weekUnbuilt(deps: RedriveDeps, f: JobFailure, week: string): Promise<RedriveResult> {
  const now = deps.clock.now();
  const name = reportName('digest', week);
  await dueAgain(deps, f);
  deps.log.info('redrive', { job: f.job, key: f.key, outcome: 'unbuilt' });
  const last = digestLastRun(week);
  const base = { job: f.job, key: f.key, subject: f.subject };
  if (now < last) return { ...base, done: `${name} 尚未生成：已恢复自动重试（定时任务运行至 ${minuteOf(last)}，下次运行时生成并发送）` };
  const todo = deps.reports?.publishHint?.(week) ?? `用 sibao digest --week ${week} --send 生成并发送`;
  return { ...base, done: `${name} 尚未生成，定时任务不会再处理该周（其最后一次运行在 ${minuteOf(last)}）：已解除搁置，请立即${todo}` };
}
