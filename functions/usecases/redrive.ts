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
//   transient error), it is set aside again, listed for another re-drive;
// - a notification (dispatch, `<notificationKey>`): back into `pending`, the record deleted;
// - an issue or batch (sweep), a week (digest), a bounce notification (bounce): the record made due
//   now with attempts 0 (a bounce keeps its payload), so the job's next run tries it again.
import { JOB_LABELS, type Clock, type FailureStore, type JobFailure, type JobName, type Log, type Store, type StoredIssue } from '../ports.js';
import { conditionalUpdate } from './conditional-update.js';
import { clearFailure, recordFailure } from './isolation.js';
import { reportName, reportOf, resendReport, type ReportResendDeps } from './stored-report.js';

export { JOB_LABELS };

export interface RedriveDeps {
  store: Pick<Store, 'getIssue' | 'putIssue'> & ReportResendDeps['store'];
  failures: FailureStore;
  clock: Clock;
  log: Log;
  /** What sends a re-driven 周报/日报 delivery at once (required to re-drive one). */
  reports?: Pick<ReportResendDeps, 'digests' | 'mailer' | 'leaseClock' | 'ops'>;
}

export interface RedriveResult {
  job: JobName;
  key: string;
  subject: string;
  /** What was done, in Chinese (the CLI prints it). */
  done: string;
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

/** Re-drive one failing item (set aside or still retried: it is tried at the job's next run). */
export async function redrive(deps: RedriveDeps, f: JobFailure): Promise<RedriveResult> {
  const now = deps.clock.now();
  const base = { job: f.job, key: f.key, subject: f.subject };
  const sep = f.key.lastIndexOf('|');
  // A delivery `<key>|<recipient>`: the dispatcher's and the digest's, and the sweep's register mails
  // (the sweep's own items, issues and `batch#…`, are never keyed with an address).
  const report = reportDeliveryOf(f);
  if (report) return redriveReport(deps, f, report, report.recipient);
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
  const { setAsideAt: _aside, nextAttemptAt: _next, revision, ...rest } = f;
  const ok = await deps.failures.putFailure({ ...rest, attempts: 0, nextAttemptAt: now, revision: revision + 1 }, revision);
  if (!ok) throw new Error(`${f.job} ${f.key} 的失败记录正被修改，请稍后重试`);
  deps.log.info('redrive', { job: f.job, key: f.key });
  return { ...base, done: `已恢复自动重试（${JOB_LABELS[f.job]}任务下次运行时处理）` };
}

/**
 * A 周报/日报 recipient: revived and sent the period's stored mail now (once: a recipient mailed
 * before, or by a racing run, is not mailed again); a transient failure sets it aside again.
 */
async function redriveReport(deps: RedriveDeps, f: JobFailure, report: NonNullable<ReturnType<typeof reportOf>>, recipient: string): Promise<RedriveResult> {
  if (!deps.reports) throw new Error(`重新处理${report.label}的投递需要发信配置（RedriveDeps.reports）`);
  const base = { job: f.job, key: f.key, subject: f.subject };
  const what = `${recipient} 的${reportName(report.kind, report.period)}`;
  const key = f.key.slice(0, f.key.lastIndexOf('|'));
  const revived = await deps.failures.reviveDelivery(key, recipient, deps.clock.now());
  const out = await resendReport({ ...deps.reports, store: deps.store, clock: deps.clock, log: deps.log, failures: deps.failures }, report.kind, report.period, recipient);
  deps.log.info('redrive', { job: f.job, key: f.key, revived, outcome: out.status });
  if (out.status === 'failed') {
    await recordFailure(deps, f.job, f.key, { subject: f.subject, error: out.detail, setAside: true, attempts: f.attempts });
    return { ...base, done: `${what} 补发失败（${out.detail}），仍为搁置：排除原因后再次重新处理` };
  }
  // Another run holds it: its outcome is unknown here, so the item stays listed (a later re-drive says).
  if (out.status === 'held') return { ...base, done: `${what} 未补发（${out.detail}），仍在搁置列表中：稍后再次重新处理可确认` };
  await clearFailure(deps, f.job, f.key);
  if (out.status === 'sent') return { ...base, done: `${what} 已补发` };
  if (out.status === 'refused') return { ...base, done: `${what} 不可投递（${out.detail}），不再发送` };
  return { ...base, done: `${what} 未重复发送（${out.detail}）` };
}
