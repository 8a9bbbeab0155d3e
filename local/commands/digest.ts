// `sibao digest [--week YYYY-Www] [--out FILE] [--json] [--send] [--data DIR] [--county NAME]`
// Builds the Friday digest from the local store (dry run: nothing is written); with --send it
// publishes it once for the week (a second --send for the same week sends nothing).
//
// Where the data comes from (the simplest correct way with dynalite's one-process-per-directory
// rule): when `sibao start` runs on the data dir, its `stack.json` names its dynalite and SES
// emulator, and this command talks to them over 127.0.0.1 (mail shows in the running mail viewer).
// Otherwise it takes the data-dir lock itself, opens the on-disk store for the duration of the
// command (with a temporary SES emulator for --send), and releases the lock. The view link in the
// mail points at the stack's API (http://127.0.0.1:8787 when none runs).
// The generation instant is now on the running stack's clock (GET /_local/clock, local/stack-clock.ts)
// when `sibao start` runs on the data dir, else on the machine's clock: for a past week the window is
// the whole week.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isoWeek, isoWeekRange, shanghaiDate, TimeFormatError } from '../../domain/time/time.js';
import { DigestError, runDigest as digestRun } from '../../functions/usecases/digest.js';
import { createDigestStore } from '../../functions/adapters/digest-store.js';
import { createMatchReader } from '../../functions/adapters/policy-store.js';
import { createStore, ensureTable } from '../../functions/adapters/dynamodb-store.js';
import { logger } from '../../functions/adapters/logger.js';
import { createSesMailer } from '../../functions/adapters/ses-mailer.js';
import { DigestInputError } from '../../domain/reports/digest.js';
import { boolFlag, parseArgs, stringFlag, UsageError } from '../args.js';
import { argSpecOf, commandHelp } from './spec.js';
import { dataDirOf, readStackInfo } from '../data-dir.js';
import { DEMO_COUNTY } from '../digest-demo.js';
import { commandClock } from '../stack-clock.js';
import { localDynamoClient, localSesClient } from '../services.js';
import { DEFAULT_API_PORT, loadOrCreateActionSecret, MAIL_FROM, TABLE_NAME } from '../stack.js';
import { openOfflineServices } from '../offline-services.js';

export const HELP = commandHelp('digest');

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, argSpecOf('digest'));
  if (boolFlag(args, 'help')) {
    console.log(HELP);
    return 0;
  }
  if (args.positionals.length) throw new UsageError(`sibao digest 不接受参数：${args.positionals.join(' ')}`);
  const dataDir = dataDirOf(stringFlag(args, 'data'));
  const info = readStackInfo(dataDir);
  // The running stack's clock when there is one (the demo lives in June 2022), else the machine's.
  const clock = await commandClock(info?.api);
  const week = (stringFlag(args, 'week') ?? isoWeek(shanghaiDate(clock.now()))).trim().toUpperCase();
  try {
    isoWeekRange(week);
  } catch (err) {
    if (err instanceof TimeFormatError) throw new UsageError(`--week：${err.message}`, 'week');
    throw err;
  }
  const send = boolFlag(args, 'send');
  const json = boolFlag(args, 'json');
  const out = stringFlag(args, 'out');
  if (!process.env.POWERTOOLS_LOG_LEVEL && !process.env.LOG_LEVEL) logger.setLogLevel('WARN');

  const cleanups: Array<() => unknown> = [];
  try {
    let dynamoEndpoint: string;
    let sesEndpoint: string;
    let tableName = TABLE_NAME;
    let apiUrl = `http://127.0.0.1:${DEFAULT_API_PORT}`;
    if (info?.dynamo && info.ses) {
      dynamoEndpoint = info.dynamo;
      sesEndpoint = info.ses;
      tableName = info.table ?? TABLE_NAME;
      apiUrl = info.api;
    } else {
      ({ dynamoEndpoint, sesEndpoint } = await openOfflineServices(dataDir, cleanups));
      if (send) process.stderr.write('注意：sibao start 未在运行，邮件发到临时的邮件模拟服务，命令结束后不可查看；发送记录照常保存。\n');
    }
    const dynamo = localDynamoClient(dynamoEndpoint);
    cleanups.push(() => dynamo.destroy());
    await ensureTable(dynamo, tableName);
    const ses = localSesClient(sesEndpoint);
    cleanups.push(() => ses.destroy());
    const runDigest = digestRun({
      log: logger,
      store: createStore({ client: dynamo, tableName }),
      digests: createDigestStore({ client: dynamo, tableName }),
      policies: createMatchReader({ client: dynamo, tableName }),
      mailer: createSesMailer({ client: ses, from: MAIL_FROM }),
      clock,
      config: { countyName: stringFlag(args, 'county') ?? DEMO_COUNTY, publicBaseUrl: apiUrl, actionSecrets: [loadOrCreateActionSecret(dataDir)] },
    });
    let res;
    try {
      res = await runDigest({ week, send });
    } catch (err) {
      if (err instanceof DigestError || err instanceof DigestInputError) throw new UsageError(err.message, err.code);
      throw err;
    }
    if (out) writeFileSync(out, res.html);
    if (json) process.stdout.write(`${JSON.stringify(res.model, null, 2)}\n`);
    else process.stdout.write(`${res.text}\n`);
    const what =
      res.status === 'dry_run'
        ? `未发送（试运行；加 --send 发送给 ${res.recipients.join('、') || '（无收件人）'}）`
        : res.status === 'already_sent'
          ? '本周周报此前已发送，本次未重复发送'
          : `已发送 ${res.delivered} 封${res.failed ? `，失败 ${res.failed} 封（再次运行 --send 会重试）` : ''}${res.suppressed.length ? `；已跳过退信地址 ${res.suppressed.join('、')}` : ''}`;
    process.stderr.write(`${week} 周报：${what}${out ? `；网页已写入 ${out}` : ''}${res.status !== 'dry_run' && info ? `；在线查看 ${res.viewUrl}` : ''}\n`);
    return 0;
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}
