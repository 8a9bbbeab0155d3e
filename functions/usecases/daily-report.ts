// The daily report (日报) of 平急转换 (SPEC §7.3, 附件1 一(三)): at 17:00 Asia/Shanghai every day an 应急
// row of 运行状态 is in force, the day's figures and the registers' sections go to the command office
// (units of 类型 指挥部, and members with role 审批 of the coordination class).
//
// The schedule (infra: 17:00 daily) invokes the digest function with `{ "daily": true }`; this use
// case reads the profile first and, when no 应急 row is in force at that instant, returns `no_mode`
// having read nothing else and sent nothing. So the report goes only while a mode is in force, and
// none after it ends, without redeploying the schedule. Once per date: the first run stores the day's
// mail (stored-report.ts: DIGEST#daily#<date>, as the 周报 stores its week's) and every run of the date
// mails that stored mail; the delivery records of the message key `daily#<date>` (deliver.ts) let each
// recipient be mailed once however often it runs. A recipient set aside and re-driven on a later day
// gets the same stored report (redrive.ts), never one rebuilt from later figures.
import { emergenciesAt } from '../../domain/issues/registers.js';
import { countWeek } from '../../domain/reports/figures.js';
import { dailySubject, renderDailyHtml, renderDailyText, type DailyReportModel } from '../../domain/reports/register-render.js';
import { weekBatches } from '../../domain/reports/sections/batches.js';
import { registerSections } from '../../domain/reports/sections/registers.js';
import type { Profile } from '../../domain/rows/types.js';
import { createCalendar } from '../../domain/time/calendar.js';
import { isoWeek, shanghaiDate, startOfShanghaiDay } from '../../domain/time/time.js';
import { isValidEmail, type Clock, type DigestStore, type FailureStore, type Log, type Mailer, type OpsMetrics, type Store, type SuppressionCheck } from '../ports.js';
import { deliver } from './deliver.js';
import { MAIL_BLOBS, publishOnce, reportKey, reportName, reportRecipients, storedMail, storedReportId } from './stored-report.js';
import { readRegisters } from './register-sync.js';

export interface DailyReportDeps {
  store: Store;
  digests: Pick<DigestStore, 'issuesForPeriod' | 'suppressedAmong' | 'getDigest' | 'getBlob' | 'putBlobs' | 'deleteBlobs' | 'createDigest' | 'markDigestSent'>;
  mailer: Mailer;
  clock: Clock;
  log: Log;
  config: { countyName: string };
  leaseClock?: Clock;
  /** Where a delivery set aside after its retries is recorded (the digest job's JobFailure list). */
  failures?: FailureStore;
  ops?: OpsMetrics;
}

export interface DailyReportResult {
  /** `no_mode`: no 应急 row in force now (nothing read beyond the profile, nothing sent). */
  status: 'no_mode' | 'no_profile' | 'sent' | 'incomplete';
  date: string;
  recipients: string[];
  delivered: number;
  failed: number;
  skipped: number;
  /** The report, when this run built it (the date's first run; later runs mail the stored one). */
  model?: DailyReportModel;
}

export const DAILY_REPORT_KEY = (date: string) => reportKey('daily', date);

/** The command office: 联系邮箱 of units of 类型 指挥部 and members with role 审批 of coordination. */
export function commandOfficeEmails(profile: Pick<Profile, 'units' | 'members'>): string[] {
  const out = new Set<string>();
  for (const u of profile.units) if (u.type === '指挥部') for (const e of u.emails) out.add(e.trim().toLowerCase());
  for (const m of profile.members) if (m.workClass === 'coordination' && m.role === '审批') out.add(m.email.trim().toLowerCase());
  return [...out].filter((e) => isValidEmail(e)).sort();
}

/** Build the day's report at `now` (the day's window runs from 00:00 to now). */
export async function buildDailyReport(deps: { store: Store; digests: Pick<DigestStore, 'issuesForPeriod'>; config: DailyReportDeps['config'] }, profile: Profile, now: number): Promise<DailyReportModel> {
  const date = shanghaiDate(now);
  const window = { week: isoWeek(date), monday: date, sunday: date, from: startOfShanghaiDay(date), to: now, asOf: date };
  const [records, registers] = await Promise.all([deps.digests.issuesForPeriod(date, date, now), readRegisters(deps.store)]);
  const { figures } = countWeek(records, window, profile, weekBatches);
  return {
    key: DAILY_REPORT_KEY(date),
    date,
    countyName: deps.config.countyName,
    generatedAt: now,
    figures,
    registers: registerSections(registers, { from: date, to: date, at: now }, profile, createCalendar(profile.calendarOverrides)),
  };
}

export function runDailyReport(deps: DailyReportDeps): () => Promise<DailyReportResult> {
  const { store, clock, log } = deps;
  const suppressed: SuppressionCheck = (emails) => deps.digests.suppressedAmong(emails);
  return async () => {
    const now = clock.now();
    const date = shanghaiDate(now);
    const empty = { date, recipients: [], delivered: 0, failed: 0, skipped: 0 };
    const profileRec = await store.getProfile();
    if (!profileRec) return { status: 'no_profile', ...empty };
    const profile = profileRec.profile;
    if (emergenciesAt(profile.operatingModes, now).length === 0) {
      log.info('daily report: no emergency in force', { date });
      return { status: 'no_mode', ...empty };
    }
    // The date's mail, stored by its first run: later runs (and a re-drive) send the same report.
    const id = storedReportId('daily', date);
    let rec = await deps.digests.getDigest(id);
    let model: DailyReportModel | undefined;
    if (!rec) {
      model = await buildDailyReport(deps, profile, now);
      const subject = dailySubject(model);
      const out = await publishOnce(deps.digests, id, { [MAIL_BLOBS.html]: renderDailyHtml(model), [MAIL_BLOBS.text]: renderDailyText(model) }, {
        status: 'sending',
        generatedAt: now,
        subject,
        recipients: commandOfficeEmails(profile),
        suppressed: [],
        createdAt: now,
      });
      rec = out.rec;
    }
    const mail = await storedMail(deps.digests, rec);
    const recipients = reportRecipients(rec);
    const setAside = deps.failures ? { setAside: { failures: deps.failures, job: 'digest' as const, subject: reportName('daily', date), metrics: deps.ops } } : {};
    const r = await deliver({ store, mailer: deps.mailer, clock, leaseClock: deps.leaseClock, suppressed, log, ...setAside }, DAILY_REPORT_KEY(date), recipients, () => mail);
    if (r.complete && rec.status !== 'sent') await deps.digests.markDigestSent(id, rec.runId, { sentAt: clock.now(), delivered: r.sent, failed: r.failed });
    log.info('daily report', { date, recipients: recipients.length, sent: r.sent, failed: r.failed });
    return { status: r.complete ? 'sent' : 'incomplete', date, recipients, delivered: r.sent, failed: r.failed, skipped: r.skipped, ...(model ? { model } : {}) };
  };
}
