// `sibao redrive --table NAME --region R [--from ADDR]`: the deployed stack's set-aside items, re-driven
// from an operator's machine (SPEC §7.8 "Set aside"; the ItemsSetAside alarm tells county IT to do
// this). The real CLI in a child process, a real dynalite standing in for the deployed table and the
// SES emulator for SES, reached the way the AWS SDK reaches any endpoint it is given:
// AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_SES (the SDK's per-service endpoint variables), dummy
// credentials in the environment (the SDK's default chain) — no local stack, no data directory.
import { describe, expect, it } from 'vitest';
import { createFailureStore } from '../../functions/adapters/failure-store.js';
import { makeDispatchHandler } from '../../functions/handlers/dispatch.js';
import type { Mailer } from '../../functions/ports.js';
import { MAX_DELIVERY_ATTEMPTS, RETRY_DELAYS_MS } from '../../functions/usecases/deliver.js';
import { runDailyReport } from '../../functions/usecases/daily-report.js';
import { runDigest } from '../../functions/usecases/digest.js';
import { recordFailure } from '../../functions/usecases/isolation.js';
import { listSetAside } from '../../functions/usecases/redrive.js';
import { reportName } from '../../functions/usecases/stored-report.js';
import { useTestServices } from '../fixtures/local-services.js';
import { ADMIN, BASE, SECRET } from './api-helpers.js';
import { runSibao } from './cli-child.js';
import { at, makeLoopHarness, setAsideDailyReport } from './closed-loop-helpers.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const OFFICE = 'zhb@county.example';
const DAILY_KEY = `daily#2026-06-10|${OFFICE}`;
const WEEK = '2026-W24';
const FROM = 'sibao@mail.county.example';
const services = useTestServices();
const throttled = () => Object.assign(new Error('throttled'), { name: 'Throttling' });

describe('sibao redrive --table (the deployed stack)', () => {
  it('lists what was set aside, re-drives a dispatch item and a 日报 recipient, refuses the 日报 without --from', async () => {
    const h = await makeLoopHarness(services);
    const failures = createFailureStore({ client: services.dynamo, tableName: h.tableName });
    // A 日报 recipient refused at every attempt of 2026-06-10 (as report-redrive.test.ts).
    h.clock.t = at('2026-06-08T09:00');
    await h.sync(ADMIN, 'coordination', 'operating_mode', [{ row: 2, values: { 状态: '应急', 开始时间: '2026-06-09 00:00', 结束时间: '2026-06-12 00:00', 范围: '全县' } }], 'sheet-config');
    const refusingOffice: Mailer = {
      async send(msg) {
        if (msg.to.includes(OFFICE)) throw throttled();
        return h.mailer.send(msg);
      },
    };
    const daily = runDailyReport({ store: h.store, digests: h.digests, clock: h.clock, log: silent, config: { countyName: '演示县' }, failures, mailer: refusingOffice });
    await setAsideDailyReport(h, daily);
    // An assignment mail SES refuses at every attempt: the dispatcher sets it aside.
    h.clock.t = at('2026-06-12T09:00');
    const [issueId] = await h.report([{ 问题描述: '用工短缺（6月12日）' }]);
    const dispatch = makeDispatchHandler({
      store: h.store,
      mailer: { send: async () => Promise.reject(throttled()) },
      clock: h.clock,
      config: { publicBaseUrl: BASE, actionSecrets: [SECRET] },
      failures,
      log: silent,
    });
    for (let run = 0; run < MAX_DELIVERY_ATTEMPTS + 2; run++) {
      await dispatch();
      h.clock.t += RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1];
    }
    const issue = (await h.store.getIssue(issueId))!;
    const [notification] = Object.keys(issue.setAside ?? {});
    expect(notification).toBeDefined();
    expect(issue.pending[notification]).toBeUndefined();
    const dispatchItem = (await listSetAside({ failures })).find((f) => f.job === 'dispatch' && f.key.startsWith(`${notification}|`))!;
    expect(dispatchItem).toBeDefined();
    // A week of the 周报 set aside by its job (isolation.ts, as runScheduledDigest records it).
    await recordFailure({ failures, clock: h.clock, log: silent }, 'digest', WEEK, { subject: reportName('digest', WEEK), error: 'boom', setAside: true, attempts: 3 });

    await services.clearMails();
    const env = {
      AWS_ENDPOINT_URL_DYNAMODB: services.dynamoEndpoint,
      AWS_ENDPOINT_URL_SES: services.sesEndpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const cloud = (...args: string[]) => runSibao(['redrive', ...args, '--table', h.tableName, '--region', 'us-east-1'], env);
    const officeMails = async () => (await services.mails()).filter((m) => m.destination.to.includes(OFFICE) && m.subject.includes('【应急日报】演示县 2026-06-10'));

    // The list: each item set aside (the table shows them; --json gives the keys whole).
    const before = (await listSetAside({ failures })).map((f) => f.key);
    expect(before).toEqual(expect.arrayContaining([DAILY_KEY, dispatchItem.key, WEEK]));
    const table = await cloud();
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain(`搁置的条目 ${before.length} 个`);
    expect(table.stdout).toContain(`日报 2026-06-10 → ${OFFICE}`);
    const list = await cloud('--json');
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { setAside: { key: string }[] }).setAside.map((f) => f.key)).toEqual(before);

    // Without --from: the dispatch item is re-driven (back in the outbox, record gone); the 日报
    // recipient is refused in Chinese naming the flag (exit 2), still set aside, nobody mailed.
    const noFrom = await cloud(dispatchItem.key, DAILY_KEY);
    expect(noFrom.code, noFrom.stderr).toBe(2);
    expect(noFrom.stderr).toContain(`错误：${DAILY_KEY} 未重新处理`);
    expect(noFrom.stderr).toContain('--from');
    expect(noFrom.stderr).toContain('MailFrom');
    expect(noFrom.stdout).toContain(`${dispatchItem.key}：`);
    expect(noFrom.stdout).toContain('通知已放回发件队列');
    expect((await h.store.getIssue(issueId))!.pending[notification]).toBeDefined();
    expect((await h.store.listOutbox()).map((o) => Object.keys(o.pending)).flat()).toContain(notification);
    expect(await failures.getFailure('dispatch', dispatchItem.key)).toBeNull();
    expect((await listSetAside({ failures })).map((f) => f.key)).toEqual(before.filter((k) => k !== dispatchItem.key));
    expect(await services.mails()).toEqual([]);

    // With --from: mailed at once through SES, once, from that address, with the date's report.
    const sent = await cloud(DAILY_KEY, '--from', FROM);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toContain(`${OFFICE} 的日报 2026-06-10 已补发`);
    const got = await officeMails();
    expect(got).toHaveLength(1);
    expect(got[0].from).toContain(FROM);
    expect(await services.mails()).toHaveLength(1);
    expect(await failures.getFailure('digest', DAILY_KEY)).toBeNull();

    // A week of the 周报 never built, long past: no scheduled run comes for it, so none is promised;
    // no longer set aside (the function skips a week set aside) and left to the digest function, said how.
    const week = await cloud(WEEK);
    expect(week.code, week.stderr).toBe(0);
    expect(week.stdout).toContain(`${WEEK}：周报 ${WEEK} 尚未生成，定时任务不会再处理该周（其最后一次运行在 2026-06-12 23:45）：已解除搁置，请立即调用 digest 函数`);
    expect(week.stdout).not.toContain('自动重试');
    expect(week.stdout.trim().split('\n')).toHaveLength(1);
    expect(week.stdout).toContain('aws lambda invoke');
    expect(week.stdout).toContain(`{"week":"${WEEK}","send":true}`);
    expect(week.stdout).toContain('DigestFunctionName');
    const retried = await failures.getFailure('digest', WEEK);
    expect(retried).toMatchObject({ attempts: 0 });
    expect(retried!.setAsideAt).toBeUndefined();
    expect((await listSetAside({ failures })).map((f) => f.key)).toEqual(before.filter((k) => k !== dispatchItem.key && k !== DAILY_KEY && k !== WEEK));
    expect(await services.mails()).toHaveLength(1);
  }, 120_000);

  it('re-drives a week of the 周报 that was published and cut short: its stored digest to each recipient not yet served, once; refused without --from', async () => {
    const h = await makeLoopHarness(services);
    await h.sync(ADMIN, 'coordination', 'work_class', [{ row: 5, values: { 专班编码: 'supervision', 名称: '督办督查', 牵头单位: 'U-FGW' } }], 'sheet-config');
    const failures = createFailureStore({ client: services.dynamo, tableName: h.tableName });
    // Friday: published, the lead unit mailed, the office refused; then the week's runs die till it is set aside.
    h.clock.t = at('2026-06-12T17:00');
    const refusingOffice: Mailer = {
      async send(msg) {
        if (msg.to.includes(OFFICE)) throw throttled();
        return h.mailer.send(msg);
      },
    };
    const config = { countyName: '演示县', publicBaseUrl: BASE, actionSecrets: [SECRET] };
    expect(await runDigest({ store: h.store, digests: h.digests, clock: h.clock, log: silent, config, failures, mailer: refusingOffice })({ week: WEEK, send: true })).toMatchObject({ status: 'incomplete', delivered: 1 });
    await recordFailure({ failures, clock: h.clock, log: silent }, 'digest', WEEK, { subject: reportName('digest', WEEK), error: 'Task timed out', setAside: true, attempts: 5 });
    await services.clearMails();
    const env = { AWS_ENDPOINT_URL_DYNAMODB: services.dynamoEndpoint, AWS_ENDPOINT_URL_SES: services.sesEndpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_EC2_METADATA_DISABLED: 'true' };
    const cloud = (...args: string[]) => runSibao(['redrive', ...args, '--table', h.tableName, '--region', 'us-east-1'], env);

    // Without --from: refused (exit 2), nothing changed, nobody mailed.
    const noFrom = await cloud(WEEK);
    expect(noFrom.code, noFrom.stderr).toBe(2);
    expect(noFrom.stderr).toContain(`错误：${WEEK} 未重新处理：周报 ${WEEK} 重新处理时立即补发给未发送的收件人，需要发件地址：加 --from`);
    expect(await services.mails()).toEqual([]);
    expect((await listSetAside({ failures })).map((f) => f.key)).toEqual([WEEK]);

    const sent = await cloud(WEEK, '--from', FROM);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout.trim()).toBe(`周报［周报 ${WEEK}］${WEEK}：周报 ${WEEK} 已补发 1 封（${OFFICE}）；该周已全部发送`);
    const mails = await services.mails();
    expect(mails.map((m) => m.destination.to)).toEqual([[OFFICE]]);
    expect(mails[0].from).toContain(FROM);
    expect((await h.digests.getDigest(WEEK))!.status).toBe('sent');
    expect(await listSetAside({ failures })).toEqual([]);
    // Nothing left: the key is gone, and nobody is mailed again.
    expect((await cloud(WEEK, '--from', FROM)).code).toBe(1);
    expect(await services.mails()).toHaveLength(1);
  }, 120_000);

  it('refuses --table with --data, and --from or --region without --table (exit 2, in Chinese)', async () => {
    const both = await runSibao(['redrive', '--table', 'sibao-tongxu-Table', '--data', '.sibao-nowhere']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('错误：--table（已部署堆栈的表）与 --data（本机数据目录）不能同时使用');
    const fromOnly = await runSibao(['redrive', '--from', FROM]);
    expect(fromOnly.code).toBe(2);
    expect(fromOnly.stderr).toContain('错误：--from 只与 --table（已部署堆栈的表）同用');
    const noRegion = await runSibao(['redrive', '--table', 'sibao-tongxu-Table'], { AWS_REGION: '', AWS_DEFAULT_REGION: '', AWS_CONFIG_FILE: '/nonexistent', AWS_PROFILE: '' });
    expect(noRegion.code).toBe(2);
    expect(noRegion.stderr).toContain('未能确定 AWS 区域：用 --region');
  });
});
