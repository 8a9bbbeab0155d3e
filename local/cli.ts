// The `sibao` command line: dispatches the first argument to local/commands/<name>.ts, loaded lazily
// so that `sibao validate` never loads the embedded stack (and nothing loads exceljs unless an .xlsx
// is read or written). Usage errors print in Chinese and exit 2.

import { UsageError } from './args.js';

interface CommandInfo {
  /** Module under local/commands/. */
  module: string;
  usage: string;
  summary: string;
}

/** The commands of SPEC §5, in help order. */
export const COMMANDS: Record<string, CommandInfo> = {
  validate: { module: 'validate', usage: 'validate 文件… [--kind 类型] [--profile 配置] [--json]', summary: '离线校验 .csv/.xlsx 数据行（0 全部有效，1 有无效行，2 输入无法使用）' },
  coverage: { module: 'coverage', usage: 'coverage 文件… [--at 日期] [--json]', summary: '按领域计算白名单覆盖率（对照 70% 目标）' },
  route: { module: 'route', usage: 'route 文件… --profile 配置 [--at 时间] [--json]', summary: '按路由规则分派问题诉求，给出责任单位和时限' },
  calendar: { module: 'calendar', usage: 'calendar add-workdays 日期 N [--profile 配置]', summary: '日期之后第 N 个工作日（含法定节假日和调休）' },
  start: {
    module: 'start',
    usage: 'start [--once] [--json] [--data 目录] [--memory] [--profile 配置] [--no-demo] [--clock 时间] [--port N] [--ses-port N]',
    summary: '在本机启动完整服务（API、邮件模拟、定时任务）并载入示例县',
  },
  import: { module: 'import', usage: 'import 文件… [--api 地址] [--as 邮箱] [--class 专班]', summary: '以成员身份通过 API 导入数据行' },
  token: { module: 'token', usage: 'token --as 邮箱', summary: '从本机开发签发者获取令牌（仅本机服务）' },
  digest: { module: 'digest', usage: 'digest [--week YYYY-Www] [--out 文件] [--json] [--send]', summary: '生成（加 --send 则发送）督办督查周报' },
  export: { module: 'export', usage: 'export [--out 文件.xlsx] [--csv 目录] [--data 目录] [--at 日期] [--json]', summary: '导出白名单、覆盖率、问题台账、政策清单和咨询员（.xlsx/CSV），供对接省、市平台' },
  template: { module: 'template', usage: 'template (--kind 类型 | --class 专班) --out 文件.xlsx', summary: '生成带表头批注和下拉选项的空白模板' },
};

export const HELP = `sibao：四保白名单企业（项目）调度工具

用法：sibao <命令> [参数]

${Object.values(COMMANDS)
  .map((c) => `  ${c.usage}\n      ${c.summary}`)
  .join('\n')}

每个命令加 --help 查看详细说明，例如：sibao validate --help
示例县的数据在 examples/ 中：sibao validate examples/invalid/白名单.csv`;

interface CommandModule {
  run(args: string[]): Promise<number>;
}

const loaders: Record<string, () => Promise<CommandModule>> = {
  validate: () => import('./commands/validate.js'),
  coverage: () => import('./commands/coverage.js'),
  route: () => import('./commands/route.js'),
  calendar: () => import('./commands/calendar.js'),
  template: () => import('./commands/template.js'),
  start: () => import('./commands/start.js' as string) as Promise<CommandModule>,
  import: () => import('./commands/import.js' as string) as Promise<CommandModule>,
  token: () => import('./commands/token.js' as string) as Promise<CommandModule>,
  digest: () => import('./commands/digest.js' as string) as Promise<CommandModule>,
  export: () => import('./commands/export.js'),
};

let pipeGuard = false;
/** `sibao … | head` closes stdout early: stop quietly instead of crashing with EPIPE. */
function quietOnClosedPipe(): void {
  if (pipeGuard) return;
  pipeGuard = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

/** Run the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  quietOnClosedPipe();
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    if (name === 'help' && rest[0] && COMMANDS[rest[0]]) return main([rest[0], '--help']);
    console.log(HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    console.log('sibao 0.1.0');
    return 0;
  }
  const load = loaders[name];
  if (!load) {
    console.error(`未知命令：${name}。可用命令：${Object.keys(COMMANDS).join('、')}（sibao --help 查看说明）`);
    return 2;
  }
  try {
    let mod: CommandModule;
    try {
      mod = await load();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(`commands/${name}`)) {
        console.error(`命令 ${name} 在此版本中尚不可用`);
        return 2;
      }
      throw err;
    }
    return await mod.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`错误：${err.message}`);
      return 2;
    }
    throw err;
  }
}
