// The seed's registers on the server (SPEC §7.3), in terms of ports:
// - at sync (register-sync.ts, kept small for the api bundle): 停产停工 and 督查发现 rows get their
//   system 编号 (TC-/DC-YYYYMMDD-NNN, claimed once per row key) and 状态 written back;
// - readRegisters: the rows the digest, the daily report, the dashboard and the sweep read;
// - sweepRegisters (run by the sweep after its deadline work): the 3-day overrun mail to the county
//   leadership (units of 类型 县领导) and the 熔断 mail to the enterprise's sector class, each sent
//   ONCE per recipient through the one delivery path (deliver.ts: a delivery record per message key
//   and recipient), however often the sweep runs; a message whose every recipient is final is marked
//   (SRC#mail#<key>) so later runs skip it without touching its delivery records.
import { fuseMail, overrunMail } from '../../domain/reports/register-render.js';
import { WORK_CLASSES } from '../../domain/rows/kinds.js';
import type { Profile } from '../../domain/rows/types.js';
import { errorInfo, type Clock, type FailureStore, type Log, type Mailer, type OpsMetrics, type Store, type SuppressionCheck } from '../ports.js';
import { classEmails, lower, readRegisters, registersToday } from './register-sync.js';
import { deliver } from './deliver.js';

export { classEmails };

/** County leadership: the 联系邮箱 of units of 类型 县领导. */
export function leadershipEmails(profile: Pick<Profile, 'units'>): string[] {
  return [...new Set(lower(profile.units.filter((u) => u.type === '县领导').flatMap((u) => u.emails)))].sort();
}

export interface RegisterSweepDeps {
  store: Store;
  mailer: Mailer;
  clock: Clock;
  log: Log;
  /** Real time for the recipients' claims (default the job clock). */
  leaseClock?: Clock;
  suppressed?: SuppressionCheck;
  /** Where a delivery set aside after its retries is recorded (the sweep's JobFailure list: alarm, dashboard, `sibao redrive`). */
  failures?: FailureStore;
  ops?: OpsMetrics;
}

export interface RegisterSweepSummary {
  /** Overrun shutdowns and pending 熔断 found today. */
  overrun: number;
  fusePending: number;
  /** Mails sent by this run. */
  sent: number;
  failed: number;
}

/** Message keys of the register mails (stable per state change: once per shutdown, once per 熔断 check). */
export const OVERRUN_KEY = (id: string) => `${id}#overrun`;
export const FUSE_KEY = (code: string, checkedOn: string, checker: string) => `fuse#${code}#${checkedOn}#${checker}`;

/** The overrun and 熔断 mails due now, each sent once per recipient. */
export function sweepRegisters(deps: RegisterSweepDeps): () => Promise<RegisterSweepSummary> {
  const { store, clock, log } = deps;
  const delivery = { store, mailer: deps.mailer, clock, leaseClock: deps.leaseClock, suppressed: deps.suppressed, log };
  return async () => {
    const summary: RegisterSweepSummary = { overrun: 0, fusePending: 0, sent: 0, failed: 0 };
    const rec = await store.getProfile();
    if (!rec) return summary;
    const profile = rec.profile;
    const now = clock.now();
    const s = registersToday(await readRegisters(store), profile, now);
    summary.overrun = s.shutdowns.overrun.length;
    summary.fusePending = s.fusePending.length;
    /** `subject`: what people recognise in the set-aside list (the TC- 编号, the enterprise). */
    const send = async (key: string, subject: string, to: readonly string[], mail: Parameters<typeof deliver>[3]) => {
      const marker = `mail#${key}`;
      if (to.length === 0) {
        log.warn('register mail without recipients', { key });
        return;
      }
      // Each mail on its own: a store error is logged and counted, the next run tries it again.
      try {
        if (await store.getIssueSource(marker)) return;
        const setAside = deps.failures ? { setAside: { failures: deps.failures, job: 'sweep' as const, subject, metrics: deps.ops } } : {};
        const r = await deliver({ ...delivery, ...setAside }, key, to, mail);
        summary.sent += r.sent;
        summary.failed += r.failed;
        if (r.complete) await store.claimIssueSource(marker, 'sent');
      } catch (err) {
        summary.failed += to.length;
        log.error('register mail not delivered; retried next run', { key, error: errorInfo(err) });
      }
    };
    for (const item of s.shutdowns.overrun) {
      // A shutdown row is numbered at sync; one synced before numbering is keyed by its code and start.
      const key = OVERRUN_KEY(item.id ?? `shutdown#${item.enterpriseCode}#${item.startOn}`);
      await send(key, `停产停工超期 ${item.id ?? item.enterpriseCode}（${item.enterpriseName}）`, leadershipEmails(profile), () => overrunMail(item, key));
    }
    const byCode = new Map(s.fusePending.map((f) => [f.enterpriseCode, f]));
    for (const f of byCode.values()) {
      const cls = WORK_CLASSES.find((c) => c.name === f.sector)?.id;
      if (!cls) continue;
      const key = FUSE_KEY(f.enterpriseCode, f.checkedOn, f.checker);
      await send(key, `熔断移出 ${f.enterpriseName}（${f.enterpriseCode}，${f.checkedOn}）`, classEmails(profile, cls), () => fuseMail(f, f.sector, key));
    }
    if (summary.overrun + summary.fusePending > 0) log.info('sweep registers', { ...summary });
    return summary;
  };
}
