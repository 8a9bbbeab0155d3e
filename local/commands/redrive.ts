// `sibao redrive [KEY…] [--all] [--job JOB] [--data DIR] [--json]`
// The items the background jobs set aside (SPEC §7.8): without KEY it lists them; with KEY… (or
// --all) it re-drives them (functions/usecases/redrive.ts): a fresh retry budget, back where the job
// looks. A re-driven 周报 or 日报 recipient is sent the period's stored mail at once, and a re-driven
// week of the 周报 its stored digest to every recipient not yet served (the use case): no scheduled
// run handles a past week or date again (the 周报 runs on Friday evenings for the current week, the
// 日报 at 17:00 for today). A week never built is built here first (the local stack has the digest's
// configuration).
// Where the data comes from: the running stack's dynalite (stack.json), else the on-disk store opened
// under the data directory's lock for the command's duration (as `sibao digest` does); with --table,
// the deployed stack's table (its TableName output) in --region, with the operator's AWS credentials
// (the SDK's default chain), SES in that region from --from (its MailFrom output) and the real clock:
// no local service, no data directory. A week never built is not built there (that needs the digest
// function's configuration: county name, action key, base URL): the message says whether the week's
// Friday runs are still to come or how to invoke the function.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { join } from 'node:path';
import { shanghaiDateTime } from '../../domain/time/time.js';
import { createDigestStore } from '../../functions/adapters/digest-store.js';
import { createStore, ensureTable } from '../../functions/adapters/dynamodb-store.js';
import { createFailureStore } from '../../functions/adapters/failure-store.js';
import { logger } from '../../functions/adapters/logger.js';
import { createSesClient, createSesMailer } from '../../functions/adapters/ses-mailer.js';
import { errorInfo, jobLabelOf, MailError, systemClock, type Clock, type JobFailure, type JobName, type Mailer } from '../../functions/ports.js';
import { publishDigest } from '../../functions/usecases/digest.js';
import { listSetAside, redrive, type RedriveDeps, type RedriveResult } from '../../functions/usecases/redrive.js';
import { boolFlag, parseArgs, stringFlag, UsageError } from '../args.js';
import { argSpecOf, commandHelp } from './spec.js';
import { dataDirOf, readStackInfo } from '../data-dir.js';
import { DEMO_COUNTY } from '../digest-demo.js';
import { renderTable } from '../format.js';
import { commandClock } from '../stack-clock.js';
import { localDynamoClient, localSesClient } from '../services.js';
import { DEFAULT_API_PORT, loadOrCreateActionSecret, MAIL_FROM, TABLE_NAME } from '../stack.js';
import { openOfflineServices } from '../offline-services.js';

export const HELP = commandHelp('redrive');

const JOBS: readonly JobName[] = ['dispatch', 'sweep', 'digest', 'bounce'];

function rowOf(f: JobFailure): string[] {
  return [jobLabelOf(f), f.subject, f.key, String(f.attempts), f.setAsideAt ? shanghaiDateTime(f.setAsideAt).slice(0, 16).replace('T', ' ') : '', f.lastError];
}

/** Where the command reads and re-drives: the local stack's store or the deployed table. */
interface Target {
  dynamo: DynamoDBClient;
  tableName: string;
  clock: Clock;
  /** Sends a re-driven 周报/日报 recipient or week (none in the cloud without --from). */
  mailer?: Mailer;
  /** Why a 周报/日报 recipient or week cannot be re-driven without a mailer, and what to do. */
  noMailer: string;
  /** How a week of the 周报 never built is built (RedriveDeps.reports): here, or what to run. */
  weeks: Pick<NonNullable<RedriveDeps['reports']>, 'publishWeek' | 'publishHint'>;
}

/** The local stack: stack.json's dynalite, else the data directory's store under its lock. */
async function localTarget(dataDir: string, cleanups: Array<() => unknown>): Promise<Target> {
  const info = readStackInfo(dataDir);
  let dynamoEndpoint: string;
  let sesEndpoint: string | undefined;
  let tableName = TABLE_NAME;
  if (info?.dynamo) {
    dynamoEndpoint = info.dynamo;
    sesEndpoint = info.ses;
    tableName = info.table ?? TABLE_NAME;
  } else {
    ({ dynamoEndpoint, sesEndpoint } = await openOfflineServices(dataDir, cleanups));
  }
  const dynamo = localDynamoClient(dynamoEndpoint);
  cleanups.push(() => dynamo.destroy());
  await ensureTable(dynamo, tableName);
  // The running stack's clock when there is one (a re-driven item is due on the clock its job runs
  // on), else the machine's; the claims' leases are on real time.
  const clock = await commandClock(info?.api);
  let mailer: Mailer | undefined;
  if (sesEndpoint) {
    const ses = localSesClient(sesEndpoint);
    cleanups.push(() => ses.destroy());
    mailer = createSesMailer({ client: ses, from: MAIL_FROM });
  }
  return {
    dynamo,
    tableName,
    clock,
    mailer,
    noMailer: '本机堆栈没有 SES 模拟器（stack.json 中无 ses）：用 sibao start 重新启动后再试',
    // A week never built is built here (and mailed by the re-drive): no scheduled run handles a past week again.
    weeks: {
      publishWeek: (week, now) =>
        publishDigest(
          {
            log: logger,
            store: createStore({ client: dynamo, tableName }),
            digests: createDigestStore({ client: dynamo, tableName }),
            config: { countyName: DEMO_COUNTY, publicBaseUrl: info?.api ?? `http://127.0.0.1:${DEFAULT_API_PORT}`, actionSecrets: [loadOrCreateActionSecret(dataDir)] },
          },
          week,
          now,
        ),
    },
  };
}

/** The deployed stack: its table in `region` (else the SDK's region chain), the operator's credentials, the real clock. */
async function cloudTarget(tableName: string, region: string | undefined, from: string | undefined, cleanups: Array<() => unknown>): Promise<Target> {
  const dynamo = new DynamoDBClient({ ...(region ? { region } : {}), maxAttempts: 3, requestHandler: { requestTimeout: 10_000, connectionTimeout: 5_000 } });
  cleanups.push(() => dynamo.destroy());
  let resolved: string;
  try {
    resolved = await dynamo.config.region();
  } catch {
    throw new UsageError('未能确定 AWS 区域：用 --region 指明堆栈所在的区域（或设置 AWS_REGION）', 'no_region');
  }
  let mailer: Mailer | undefined;
  if (from !== undefined) {
    const ses = createSesClient({ region: resolved });
    cleanups.push(() => ses.destroy());
    try {
      mailer = createSesMailer({ client: ses, from });
    } catch (err) {
      if (err instanceof MailError) throw new UsageError(`--from：${err.message}`, 'invalid_from');
      throw err;
    }
  }
  return {
    dynamo,
    tableName,
    clock: systemClock,
    mailer,
    noMailer: '需要发件地址：加 --from 地址（堆栈输出 MailFrom）',
    weeks: {
      publishHint: (week) =>
        '调用 digest 函数（堆栈输出 DigestFunctionName）生成并发送：' +
        `aws lambda invoke --region ${resolved} --function-name <DigestFunctionName> --cli-binary-format raw-in-base64-out --payload '{"week":"${week}","send":true}' 结果.json`,
    },
  };
}

/** The cloud's first read: a missing table or missing credentials said in Chinese (exit 2). */
function cloudReadError(err: unknown, tableName: string): never {
  const { name, message } = errorInfo(err);
  if (name === 'ResourceNotFoundException') throw new UsageError(`没有表 ${tableName}：--table 应为堆栈输出 TableName 的值，--region 为堆栈所在区域`, 'no_table');
  if (name === 'CredentialsProviderError') throw new UsageError(`未能取得 AWS 凭证（${message}）：设置 AWS_PROFILE 或 AWS_ACCESS_KEY_ID 等`, 'no_credentials');
  throw err;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, argSpecOf('redrive'));
  if (boolFlag(args, 'help')) {
    console.log(HELP);
    return 0;
  }
  const job = stringFlag(args, 'job') as JobName | undefined;
  if (job !== undefined && !JOBS.includes(job)) throw new UsageError(`--job 应为 ${JOBS.join('、')}，收到“${job}”`, 'enum');
  const all = boolFlag(args, 'all');
  const json = boolFlag(args, 'json');
  const keys = args.positionals;
  if (all && keys.length) throw new UsageError('--all 与键不能同时使用');
  const table = stringFlag(args, 'table');
  const region = stringFlag(args, 'region');
  const from = stringFlag(args, 'from');
  if (table !== undefined) {
    if (stringFlag(args, 'data') !== undefined) throw new UsageError('--table（已部署堆栈的表）与 --data（本机数据目录）不能同时使用');
    if (!table.trim()) throw new UsageError('--table 需要表名（堆栈输出 TableName）');
  } else if (region !== undefined || from !== undefined) {
    throw new UsageError(`${region !== undefined ? '--region' : '--from'} 只与 --table（已部署堆栈的表）同用`);
  }
  if (!process.env.POWERTOOLS_LOG_LEVEL && !process.env.LOG_LEVEL) logger.setLogLevel('WARN');

  const cleanups: Array<() => unknown> = [];
  try {
    const target = table !== undefined ? await cloudTarget(table.trim(), region, from, cleanups) : await localTarget(dataDirOf(stringFlag(args, 'data')), cleanups);
    const { dynamo, tableName, clock, mailer } = target;
    const store = createStore({ client: dynamo, tableName });
    const failures = createFailureStore({ client: dynamo, tableName });
    let listed: JobFailure[];
    try {
      listed = await listSetAside({ failures });
    } catch (err) {
      if (table !== undefined) cloudReadError(err, tableName);
      throw err;
    }
    const aside = listed.filter((f) => !job || f.job === job);

    if (!all && keys.length === 0) {
      if (json) process.stdout.write(`${JSON.stringify({ setAside: aside })}\n`);
      else if (aside.length === 0) process.stdout.write('没有搁置的条目。\n');
      else {
        process.stdout.write(`搁置的条目 ${aside.length} 个（sibao redrive 键… 重新处理）：\n`);
        process.stdout.write(`${renderTable(['任务', '对象', '键', '尝试', '搁置时间', '最后错误'], aside.map(rowOf), { right: [3], maxCell: 60 })}\n`);
      }
      return 0;
    }

    const chosen: JobFailure[] = [];
    const missing: string[] = [];
    if (all) chosen.push(...aside);
    for (const key of keys) {
      const found = (await failures.listFailures(job)).filter((f) => f.key === key);
      if (found.length === 0) missing.push(key);
      else if (found.length > 1) throw new UsageError(`键 ${key} 同时属于 ${found.map((f) => f.job).join('、')} 任务：请用 --job 指明`);
      else chosen.push(found[0]);
    }
    // A 周报/日报 recipient or week is mailed by the re-drive itself: without a mailer (the cloud
    // without --from) it is refused (needsMailer: nothing changed), the others still re-driven.
    const deps: RedriveDeps = { store, failures, clock, log: logger, reports: { digests: createDigestStore({ client: dynamo, tableName }), leaseClock: systemClock, ...(mailer ? { mailer } : {}), ...target.weeks } };
    const outcomes: RedriveResult[] = [];
    for (const f of chosen) outcomes.push(await redrive(deps, f));
    const results = outcomes.filter((r) => !r.needsMailer);
    const refused = outcomes.filter((r) => r.needsMailer);

    if (json) process.stdout.write(`${JSON.stringify({ redriven: results, missing, refused: refused.map((f) => f.key) })}\n`);
    else {
      for (const r of results) process.stdout.write(`${jobLabelOf(r)}［${r.subject}］${r.key}：${r.done}\n`);
      if (chosen.length === 0 && missing.length === 0) process.stdout.write('没有搁置的条目。\n');
      for (const k of missing) process.stderr.write(`未找到键 ${k}（sibao redrive 列出搁置的条目）\n`);
    }
    for (const r of refused) process.stderr.write(`错误：${r.key} 未重新处理：${r.done}，${target.noMailer}\n`);
    return refused.length ? 2 : missing.length ? 1 : 0;
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}
