// The `sibao` command line: dispatches the first argument to local/commands/<name>.ts, loaded lazily
// so that `sibao validate` never loads the embedded stack (and nothing loads exceljs unless an .xlsx
// is written: workbooks are read by the upload's own reader). Help (top-level and per command)
// comes from the table in commands/spec.ts without loading any command module. Usage errors print
// in Chinese and exit 2.

import { UsageError } from './args.js';
import { COMMAND_SPECS, commandHelp, isCommand, topHelp } from './commands/spec.js';

/** The top-level help (generated from the command table in commands/spec.ts). */
export const HELP = topHelp();

/** True when argv asks for help (`--help`/`-h` before any `--`). */
function asksHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

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
  redrive: () => import('./commands/redrive.js' as string) as Promise<CommandModule>,
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
    if (name === 'help' && rest[0] && isCommand(rest[0])) return main([rest[0], '--help']);
    console.log(HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    console.log('sibao 0.1.0');
    return 0;
  }
  const load = loaders[name];
  if (!load || !isCommand(name)) {
    console.error(`未知命令：${name}。可用命令：${COMMAND_SPECS.map((c) => c.name).join('、')}（sibao --help 查看说明）`);
    return 2;
  }
  // A command's help comes from the table: its module (and the stack behind it) is not loaded.
  if (asksHelp(rest)) {
    console.log(commandHelp(name));
    return 0;
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
