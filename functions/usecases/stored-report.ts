// The reports the digest function mails — the Friday 周报 (digest.ts, key `digest#<week>`) and the
// emergency's 日报 (daily-report.ts, key `daily#<date>`) — are published once per period: the first
// run writes the period's mail as blobs and then creates the period's record (attribute_not_exists);
// every later run of the period (a racing one, a retry, a re-drive) mails THAT stored mail, so all
// recipients of a period get the same report, whenever it reaches them. Records live under
// DIGEST#<id> (table-schema.ts): the week for a 周报, the key `daily#<date>` for a 日报.
//
// A re-drive (redrive.ts) of one recipient of a past period cannot wait for the schedule — the 日报
// runs at 17:00 for today, the 周报 on Friday evenings for the current week — so it sends the stored
// mail to that recipient at once through the one delivery path (deliver.ts: claim, send, mark; once
// per recipient, whoever else runs the period at the same time), and a re-drive of a whole week
// sends it to every recipient not yet served. A re-drive that serves a period's last recipient makes
// the record `sent` (completeReport) as the period's own runs do: no later run of a past period comes.
import { randomUUID } from 'node:crypto';
import type { RenderedMail } from '../../domain/reports/mail-templates.js';
import { REPORT_LABELS, reportOf, type Clock, type DigestRecord, type DigestStore, type FailureStore, type Log, type Mailer, type OpsMetrics, type Store } from '../ports.js';
import { deliver, isFinal, type DeliveryReport } from './deliver.js';

export type ReportKind = keyof typeof REPORT_LABELS;
export { reportOf };

/** The notification key of a period's report: `digest#<week>`, `daily#<date>`. */
export const reportKey = (kind: ReportKind, period: string) => `${kind}#${period}`;

/** How people name one period's report (the JobFailure's subject, messages): `周报 2026-W24`, `日报 2026-06-10`. */
export const reportName = (kind: ReportKind, period: string) => `${REPORT_LABELS[kind]} ${period}`;

/** Id of the record holding a period's stored mail (DIGEST#<id>): the week of a 周报, the key of a 日报. */
export const storedReportId = (kind: ReportKind, period: string) => (kind === 'digest' ? period : reportKey(kind, period));

/** The stored mail's blobs (both reports; the 周报 stores its page and model besides). */
export const MAIL_BLOBS = { html: 'mail_html', text: 'mail_text' } as const;

/**
 * Publish a period once: write this run's blobs, then create the record — unless another run did
 * first: then this run's blobs are deleted and the winner's record is returned.
 */
export async function publishOnce(
  digests: Pick<DigestStore, 'putBlobs' | 'createDigest' | 'deleteBlobs' | 'getDigest'>,
  id: string,
  blobs: Record<string, string>,
  rec: Omit<DigestRecord, 'week' | 'runId' | 'blobs'>,
): Promise<{ rec: DigestRecord; won: boolean }> {
  const runId = randomUUID();
  const written = await digests.putBlobs(id, runId, blobs);
  const candidate: DigestRecord = { ...rec, week: id, runId, blobs: written };
  if (await digests.createDigest(candidate)) return { rec: candidate, won: true };
  await digests.deleteBlobs(id, runId, written);
  const winner = await digests.getDigest(id);
  if (!winner) throw new Error(`${id} 的记录写入冲突后读取不到`);
  return { rec: winner, won: false };
}

/** Who a period's report goes to: its recipients but those suppressed when it was published (the 周报 lists them). */
export const reportRecipients = (rec: Pick<DigestRecord, 'recipients' | 'suppressed'>): string[] => rec.recipients.filter((to) => !rec.suppressed.includes(to));

/** The mail a period's record stores. */
export async function storedMail(digests: Pick<DigestStore, 'getBlob'>, rec: DigestRecord): Promise<RenderedMail> {
  const [html, text] = await Promise.all([digests.getBlob(rec, MAIL_BLOBS.html), digests.getBlob(rec, MAIL_BLOBS.text)]);
  if (html === null || text === null) throw new Error(`${rec.week} 的存储内容不完整（run ${rec.runId}）`);
  return { subject: rec.subject, html, text };
}

export interface ReportResendDeps {
  store: Pick<Store, 'getDelivery' | 'claimDelivery' | 'markDeliverySent' | 'markDeliveryFailed'>;
  digests: Pick<DigestStore, 'getDigest' | 'getBlob' | 'suppressedAmong' | 'markDigestSent'>;
  mailer: Mailer;
  clock: Clock;
  /** Real time for the claim (default the clock). */
  leaseClock?: Clock;
  log: Log;
  failures: FailureStore;
  ops?: OpsMetrics;
}

/**
 * `sent` now; `already`: mailed before; `held`: being mailed by a racing run (its outcome unknown
 * here); `refused`: final without a mail (a permanent SES refusal, a bounced or complained address);
 * `failed`: not sent (a transient error, or no stored mail), still undelivered.
 */
export type ResendOutcome = { status: 'sent' } | { status: 'already' | 'held' | 'refused' | 'failed'; detail: string };

/** Why a period cannot be re-sent: nothing stored. */
export const noStoredMail = (kind: ReportKind, period: string) => `${reportName(kind, period)} 没有存储的邮件内容（该期在保存邮件之前生成）`;

/**
 * Send a period's stored report to one recipient now, through the one delivery path (once per
 * recipient: a recipient already mailed, or held by a racing run, is not mailed again).
 */
export async function resendReport(deps: ReportResendDeps, kind: ReportKind, period: string, recipient: string): Promise<ResendOutcome> {
  const rec = await deps.digests.getDigest(storedReportId(kind, period));
  if (!rec) return { status: 'failed', detail: noStoredMail(kind, period) };
  return resendStored(deps, kind, period, await storedMail(deps.digests, rec), recipient);
}

/** resendReport with the period's stored mail at hand (a week's re-drive sends it to each recipient). */
export async function resendStored(deps: ReportResendDeps, kind: ReportKind, period: string, mail: RenderedMail, recipient: string): Promise<ResendOutcome> {
  const key = reportKey(kind, period);
  const r: DeliveryReport = await deliver(
    {
      store: deps.store,
      mailer: deps.mailer,
      clock: deps.clock,
      leaseClock: deps.leaseClock,
      log: deps.log,
      suppressed: (emails) => deps.digests.suppressedAmong(emails),
      setAside: { failures: deps.failures, job: 'digest', subject: reportName(kind, period), metrics: deps.ops },
    },
    key,
    [recipient],
    () => mail,
  );
  if (r.sent > 0) return { status: 'sent' };
  const d = await deps.store.getDelivery(key, recipient);
  if (r.failed > 0) return { status: 'failed', detail: d?.lastError ?? '发送失败' };
  if (r.rejected > 0 || r.suppressed > 0 || d?.status === 'rejected') return { status: 'refused', detail: d?.lastError ?? '地址不可投递' };
  if (d?.status === 'sent') return { status: 'already', detail: '已发送过' };
  return { status: 'held', detail: d?.status === 'sending' ? '另一任务正在发送' : `投递状态 ${d?.status ?? '无记录'}` };
}

/**
 * The period's record made `sent` once every recipient's delivery is final (sent, or refused for
 * good): the write is conditional on the record's run (DigestStore.markDigestSent), never a
 * transaction; a racing run marking it too writes the same state. True when the period is complete.
 */
export async function completeReport(deps: Pick<ReportResendDeps, 'store' | 'digests' | 'clock'>, kind: ReportKind, period: string): Promise<boolean> {
  const id = storedReportId(kind, period);
  const rec = await deps.digests.getDigest(id);
  if (!rec) return false;
  if (rec.status === 'sent') return true;
  const key = reportKey(kind, period);
  const states = await Promise.all(reportRecipients(rec).map(async (to) => (await deps.store.getDelivery(key, to))?.status));
  if (!states.every(isFinal)) return false;
  await deps.digests.markDigestSent(id, rec.runId, { sentAt: deps.clock.now(), delivered: states.filter((st) => st === 'sent').length, failed: states.filter((st) => st === 'rejected').length });
  return true;
}
