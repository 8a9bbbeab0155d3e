// `sibao redrive [KEY…] [--all] [--job JOB] [--data DIR] [--json]`
// The items the background jobs set aside (SPEC §7.8): without KEY it lists them; with KEY… (or
// --all) it re-drives them (functions/usecases/redrive.ts): a fresh retry budget, back where the job
// looks. A re-driven 周报 or 日报 recipient is sent the period's stored mail at once (the use case), and
// a re-driven week of the 周报 is published and mailed at once: no scheduled run handles a past week or
// date again (the 周报 runs on Friday evenings for the current week, the 日报 at 17:00 for today).
// Where the data comes from: the running stack's dynalite (stack.json), else the on-disk store opened
// under the data directory's lock for the command's duration (as `sibao digest` does).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { shanghaiDateTime } from '../../domain/time/time.js';
import { createDigestStore } from '../../functions/adapters/digest-store.js';
import { createStore, ensureTable } from '../../functions/adapters/dynamodb-store.js';
import { createFailureStore } from '../../functions/adapters/failure-store.js';
import { logger } from '../../functions/adapters/logger.js';
import { createSesMailer } from '../../functions/adapters/ses-mailer.js';
import { jobLabelOf, systemClock, type JobFailure, type JobName, type Mailer } from '../../functions/ports.js';
import { runDigest } from '../../functions/usecases/digest.js';
import { reportName } from '../../functions/usecases/stored-report.js';
import { listSetAside, redrive, type RedriveResult } from '../../functions/usecases/redrive.js';
import { boolFlag, parseArgs, stringFlag, UsageError } from '../args.js';
import { argSpecOf, commandHelp } from './spec.js';
import { dataDirOf, readStackInfo } from '../data-dir.js';
import { DEMO_COUNTY } from '../digest-demo.js';
import { renderTable } from '../format.js';
import { acquireDataDirLock } from '../lock.js';
import { commandClock } from '../stack-clock.js';
import { localDynamoClient, localSesClient, startServices } from '../services.js';
import { DEFAULT_API_PORT, loadOrCreateActionSecret, MAIL_FROM, TABLE_NAME } from '../stack.js';

export const HELP = commandHelp('redrive');

const JOBS: readonly JobName[] = ['dispatch', 'sweep', 'digest', 'bounce'];

function rowOf(f: JobFailure): string[] {
  return [jobLabelOf(f), f.subject, f.key, String(f.attempts), f.setAsideAt ? shanghaiDateTime(f.setAsideAt).slice(0, 16).replace('T', ' ') : '', f.lastError];
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
  const dataDir = dataDirOf(stringFlag(args, 'data'));
  if (!process.env.POWERTOOLS_LOG_LEVEL && !process.env.LOG_LEVEL) logger.setLogLevel('WARN');

  const info = readStackInfo(dataDir);
  const cleanups: Array<() => unknown> = [];
  try {
    let dynamoEndpoint: string;
    let sesEndpoint: string | undefined;
    let tableName = TABLE_NAME;
    if (info?.dynamo) {
      dynamoEndpoint = info.dynamo;
      sesEndpoint = info.ses;
      tableName = info.table ?? TABLE_NAME;
    } else {
      if (!existsSync(join(dataDir, 'dynamodb'))) {
        throw new UsageError(`数据目录 ${dataDir} 中没有本机数据库：请先运行 npm start（或 sibao start --data ${dataDir}）`, 'no_data');
      }
      const lock = acquireDataDirLock(dataDir);
      cleanups.push(() => lock.release());
      const services = await startServices({ dataDir, memory: false, sesPort: 0 });
      cleanups.push(() => services.stop());
      dynamoEndpoint = services.dynamoEndpoint;
      sesEndpoint = services.sesEndpoint;
    }
    const dynamo = localDynamoClient(dynamoEndpoint);
    cleanups.push(() => dynamo.destroy());
    await ensureTable(dynamo, tableName);
    const store = createStore({ client: dynamo, tableName });
    const failures = createFailureStore({ client: dynamo, tableName });
    // The running stack's clock when there is one (a re-driven item is due on the clock its job runs
    // on), else the machine's; the claims' leases are on real time.
    const clock = await commandClock(info?.api);
    const aside = (await listSetAside({ failures })).filter((f) => !job || f.job === job);

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
    const results: RedriveResult[] = [];
    const digests = createDigestStore({ client: dynamo, tableName });
    let mailer: Mailer | undefined;
    if (sesEndpoint) {
      const ses = localSesClient(sesEndpoint);
      cleanups.push(() => ses.destroy());
      mailer = createSesMailer({ client: ses, from: MAIL_FROM });
    }
    const deps = { store, failures, clock, log: logger, ...(mailer ? { reports: { digests, mailer, leaseClock: systemClock } } : {}) };
    for (const f of chosen) results.push(await redrive(deps, f));

    // A re-driven week of the 周报 (its recipients are re-driven one by one, above): published now.
    const weeks = [...new Set(chosen.filter((f) => f.job === 'digest' && !f.key.includes('|')).map((f) => f.key))];
    if (weeks.length && mailer) {
      const send = runDigest({
        log: logger,
        store,
        digests,
        mailer,
        clock,
        failures,
        config: { countyName: DEMO_COUNTY, publicBaseUrl: info?.api ?? `http://127.0.0.1:${DEFAULT_API_PORT}`, actionSecrets: [loadOrCreateActionSecret(dataDir)] },
      });
      for (const week of weeks) {
        const r = await send({ week, send: true });
        results.push({ job: 'digest', key: week, subject: reportName('digest', week), done: `补发 ${r.delivered} 封（${r.status}）` });
      }
    }

    if (json) process.stdout.write(`${JSON.stringify({ redriven: results, missing })}\n`);
    else {
      for (const r of results) process.stdout.write(`${jobLabelOf(r)}［${r.subject}］${r.key}：${r.done}\n`);
      if (chosen.length === 0 && missing.length === 0) process.stdout.write('没有搁置的条目。\n');
      for (const k of missing) process.stderr.write(`未找到键 ${k}（sibao redrive 列出搁置的条目）\n`);
    }
    return missing.length ? 1 : 0;
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}
