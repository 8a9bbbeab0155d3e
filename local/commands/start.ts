// `sibao start [--once] [--json] [--data DIR] [--memory] [--profile PATH] [--no-demo]
//              [--clock DATETIME] [--port N] [--ses-port N]`
// Starts the embedded stack (API on 127.0.0.1:8787, SES emulator + mail viewer on 127.0.0.1:8005),
// seeds the county profile, loads the demo county through the API and runs the dispatcher on the
// demo's clock. Without --once it runs until Ctrl-C and then stops cleanly; the on-disk store
// persists, and starting again on the same data dir duplicates neither rows nor mails.
import { WORK_CLASSES } from '../../domain/rows/kinds.js';
import { TimeFormatError } from '../../domain/time/time.js';
import { boolFlag, parseArgs, stringFlag, UsageError } from '../args.js';
import { argSpecOf, commandHelp } from './spec.js';
import { DEMO_START, createSimClock, readSavedClock, type SimClock } from '../clock.js';
import { dataDirOf } from '../data-dir.js';
import { DEFAULT_PROFILE, demoSummary, loadDemo, runDemoWeek, seedProfile, type DemoLoad, type DemoWeekResult, type SeedResult } from '../demo.js';
import type { DemoWeekReport } from '../demo-week.js';
import { packLines, stackWeekFigures, weekFiguresLines } from '../week-figures.js';
import { renderTable } from '../format.js';
import { dashboardViewUrl } from '../../functions/usecases/dashboard.js';
import { DEMO_COUNTY } from '../digest-demo.js';
import { DataDirLockedError } from '../lock.js';
import { loadProfile, profileProblemLines, type LoadedProfile } from '../profile-files.js';
import { PortInUseError } from '../services.js';
import { DEFAULT_API_PORT, DEFAULT_SES_PORT, loadOrCreateActionSecret, startStack, type Stack } from '../stack.js';
import { SyncUnusableError } from '../sync-client.js';

export const HELP = commandHelp('start');

function portFlag(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--${name} 应为 0 到 65535 之间的整数，收到“${value}”`, 'number');
  return n;
}

function clockFlag(value: string | undefined, resumeFrom: number | null): SimClock {
  try {
    return createSimClock(value ?? resumeFrom ?? DEMO_START);
  } catch (err) {
    if (err instanceof TimeFormatError) throw new UsageError(`--clock：${err.message}`, 'date');
    throw err;
  }
}

/**
 * What the demo did, as actions (clicks and runs, not the week's figures: 提交办理结果 counts a
 * reopened issue's second result too). The figures follow from the week's model (printFigures).
 */
function printWeek(w: DemoWeekReport, out: (line: string) => void): void {
  out('示例周操作（点击和运行的次数，不是本周数字）：');
  const items = [
    `签收 ${w.signed} 次`,
    `退回 ${w.returned} 次（指挥部改派 ${w.reassigned} 次）`,
    `反馈进展 ${w.progress} 次`,
    `提交办理结果 ${w.resolved} 次`,
    `回访答复 满意 ${w.followUps['满意']}、基本满意 ${w.followUps['基本满意']}、不满意 ${w.followUps['不满意']}`,
    `核实销号 ${w.verified} 次`,
    `巡查 ${w.sweeps} 次`,
    `政策推送 ${w.pushes} 封`,
    `企业答复政策 ${w.policyAnswers} 次`,
  ];
  for (const line of packLines(items)) out(line);
  const d = w.decisions;
  out('指挥部决定（待办队列）：');
  const decided = [
    `检查报备 批准 ${d.approved}、驳回 ${d.refused}（免审批 ${d.exempt}）`,
    `延期申请 同意 ${d.extended}`,
    `上报申请 同意 ${d.escalated}`,
    `共性问题 答复 ${d.batchesAnswered} 批`,
  ];
  for (const line of packLines(decided)) out(line);
}

/** The week's figures at the stack's clock (the digest's and the dashboard's model). */
async function printFigures(stack: Stack, out: (line: string) => void): Promise<void> {
  for (const line of weekFiguresLines(await stackWeekFigures(stack))) out(line);
}

/** A work class's Chinese name (综合协调, 工业生产 …) for the console. */
function className(id: string): string {
  return WORK_CLASSES.find((c) => c.id === id)?.name ?? id;
}

function printLoad(load: DemoLoad, out: (line: string) => void): void {
  const rows = load.classes.map((c) => [className(c.workClass), c.member ?? '（无成员，跳过）', String(c.accepted), String(c.rejected)]);
  out(renderTable(['专班', '提交成员', '接受行', '拒绝行'], rows, { right: [2, 3] }));
  const rejections = load.classes.flatMap((c) => c.rejections);
  if (rejections.length) {
    out(`\n被拒绝的行（服务端校验，共 ${rejections.length} 处）：`);
    const shown = rejections.slice(0, 20);
    // One small table per file and tab, so the message column has room to wrap within 100 columns.
    const groups = new Map<string, typeof shown>();
    for (const r of shown) {
      const key = `${r.file}［${r.kind}］`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const [file, rs] of groups) {
      out(file);
      out(renderTable(['行', '列', '说明', '代码'], rs.map((r) => [String(r.row), r.column, r.message, r.code]), { right: [0], wrap: [2], indent: '  ' }));
    }
    if (rejections.length > shown.length) out(`……另有 ${rejections.length - shown.length} 处`);
  }
  for (const c of load.classes) if (c.skipped.length) out(`专班 ${className(c.workClass)} 无权维护、已跳过：${c.skipped.join('、')}`);
}

/** Resolve on SIGINT/SIGTERM (the listeners are removed afterwards). */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolveSignal(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, argSpecOf('start'));
  if (boolFlag(args, 'help')) {
    console.log(HELP);
    return 0;
  }
  if (args.positionals.length) throw new UsageError(`sibao start 不接受参数：${args.positionals.join(' ')}`);
  const once = boolFlag(args, 'once');
  const json = boolFlag(args, 'json');
  const demo = !boolFlag(args, 'no-demo');
  const memory = boolFlag(args, 'memory');
  const dataDir = dataDirOf(stringFlag(args, 'data'));
  const port = portFlag(stringFlag(args, 'port'), 'port', DEFAULT_API_PORT);
  const sesPort = portFlag(stringFlag(args, 'ses-port'), 'ses-port', DEFAULT_SES_PORT);
  // An on-disk data directory resumes its clock where it stopped, unless --clock says otherwise.
  const resumeFrom = memory || stringFlag(args, 'clock') !== undefined ? null : readSavedClock(dataDir);
  const clock = clockFlag(stringFlag(args, 'clock'), resumeFrom);
  // With --json the human report goes to stderr so stdout ends with the JSON line alone.
  const out = (line: string) => (json ? process.stderr.write(`${line}\n`) : process.stdout.write(`${line}\n`));

  const profilePath = stringFlag(args, 'profile') ?? (demo ? DEFAULT_PROFILE : undefined);
  let loaded: LoadedProfile | undefined;
  if (profilePath) {
    loaded = await loadProfile(profilePath);
    const problems = profileProblemLines(loaded);
    if (problems.length) process.stderr.write(`配置 ${loaded.path} 有 ${problems.length} 处问题：\n${problems.map((l) => `  ${l}`).join('\n')}\n`);
  }

  const t0 = Date.now();
  let stack: Stack;
  try {
    const sesEndpoint = process.env.SIBAO_SES_ENDPOINT?.trim() || undefined;
    stack = await startStack({ dataDir, memory, port, sesPort, clock, ...(sesEndpoint ? { sesEndpoint } : {}), ...(demo ? { countyName: DEMO_COUNTY } : {}) });
  } catch (err) {
    if (err instanceof PortInUseError || err instanceof DataDirLockedError) throw new UsageError(err.message, err.code);
    throw err;
  }
  try {
    out(`sibao 本机服务已启动（${((Date.now() - t0) / 1000).toFixed(1)} 秒）`);
    out(`  API：          ${stack.apiUrl}`);
    out(`  邮件查看页：   ${stack.mailViewerUrl}`);
    out(`  惠企政策公示： ${stack.apiUrl}/p/policies  （工作机制：${stack.apiUrl}/p/mechanisms）`);
    out(`  指挥部看板：   ${dashboardViewUrl(stack.apiUrl, [loadOrCreateActionSecret(stack.dataDir)], clock.now())}  （签名链接，30 天内有效）`);
    out(`  数据：         ${memory ? '内存（退出即丢弃）' : `${stack.dataDir}`}`);
    out(`  模拟时钟：     ${clock.iso()}（Asia/Shanghai，随真实时间前进${resumeFrom !== null ? '；从上次停止处继续' : ''}）`);
    out(`  获取令牌：     npx sibao token --as <成员邮箱>${stringFlag(args, 'data') ? ` --data ${stack.dataDir}` : ''}`);

    if (loaded) {
      let seed: SeedResult;
      try {
        seed = await seedProfile(stack, loaded);
      } catch (err) {
        if (err instanceof SyncUnusableError) throw new UsageError(`写入县配置失败：${err.message}`, err.code);
        throw err;
      }
      const p = (await stack.store.getProfile())?.profile ?? loaded.profile;
      out(
        `已通过 API 写入县配置 ${loaded.path}（身份 ${seed.by}）：接受 ${seed.accepted} 行，拒绝 ${seed.rejected} 行；` +
          `专班 ${p.workClasses.length} 个，责任单位 ${p.units.length} 个，路由规则 ${p.routingRules.length} 条，成员 ${p.members.length} 人`,
      );
      for (const r of seed.rejections.slice(0, 20)) out(`  ${r.file}［${r.kind}］第 ${r.row} 行 ${r.column}：${r.message}（${r.code}）`);
    } else if (!(await stack.store.getProfile())) {
      out('提示：尚无县配置（用 --profile 指定），在写入配置前任何成员都无法提交数据。');
    }

    let load: DemoLoad | null = null;
    let week: DemoWeekResult | null = null;
    if (demo && loaded) {
      try {
        load = await loadDemo(stack, loaded.profile, { quiet: false });
      } catch (err) {
        if (err instanceof SyncUnusableError) throw new UsageError(`载入示例数据失败：${err.message}`, err.code);
        throw err;
      }
      printLoad(load, out);
    }
    if (demo && loaded && load) {
      // The demo week acts on the demo's issues once per data directory: a restart on the same
      // (on-disk) store keeps what happened and sends nothing twice.
      const issues = await stack.store.listIssues({});
      const alreadyRun = issues.some((i) => i.record.events.some((e) => e.type === 'sign'));
      if (alreadyRun) {
        out('示例周已在此数据目录运行过：保留原有办理记录，不再重复。');
        await stack.drainOutbox();
      } else {
        out('开始模拟示例周（2022-06-06 周一至 06-10 周五 17:00）：签收、反馈、退回、重办、逾期升级……');
        week = await runDemoWeek(stack, { profile: loaded.profile, load, log: (line) => out(`  ${line}`) });
        if (week.week) printWeek(week.week, out);
      }
    } else {
      await stack.drainOutbox();
    }
    if (demo && loaded) await printFigures(stack, out);
    const summary = await demoSummary(stack, load, week);
    out(
      `汇总：载入 ${summary.rows} 行${load ? `（拒绝 ${load.rejected} 行）` : ''}；问题诉求 ${summary.issues} 条，已分派 ${summary.routed} 条；` +
        `本次发送邮件 ${summary.emailsSent} 封${summary.digest ? `；周报 ${summary.digest}` : ''}；用时 ${((Date.now() - t0) / 1000).toFixed(1)} 秒`,
    );
    if (once) {
      if (json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      return 0;
    }
    out(`在邮件查看页 ${stack.mailViewerUrl} 查看发出的邮件。按 Ctrl-C 停止。`);
    const sig = await untilSignal();
    out(`收到 ${sig}，正在停止……`);
    return 0;
  } finally {
    await stack.stop();
    if (!once) out(memory ? '已停止。' : `已停止，数据保存在 ${stack.dataDir}。`);
  }
}
