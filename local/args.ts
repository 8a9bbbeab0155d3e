// A tiny argv parser for the sibao CLI: `--flag`, `--flag value`, `--flag=value`, `-h`, and `--` to
// end options. Unknown flags and missing values are usage errors (exit 2) with a Chinese message.
// A token that looks like a negative number (`-1`) is a positional, not a flag.

/** Raised for bad invocations and unusable input: the CLI prints the message and exits 2. */
export class UsageError extends Error {
  readonly code: string;
  constructor(message: string, code = 'usage') {
    super(message);
    this.name = 'UsageError';
    this.code = code;
  }
}

export type FlagType = 'boolean' | 'string' | 'strings';

export interface ArgSpec {
  /** Flag name without dashes -> type. `strings` may repeat and collects every value. */
  flags: Record<string, FlagType>;
  /** Short aliases, e.g. `{ h: 'help' }`. */
  aliases?: Record<string, string>;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean | string[] | undefined>;
}

const NUMBER_LIKE = /^-\d/;

export function parseArgs(argv: readonly string[], spec: ArgSpec): ParsedArgs {
  const positionals: string[] = [];
  const flags: ParsedArgs['flags'] = {};
  const allFlags: Record<string, FlagType> = { help: 'boolean', ...spec.flags };
  const aliases: Record<string, string> = { h: 'help', ...spec.aliases };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-' || NUMBER_LIKE.test(token)) {
      positionals.push(token);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      name = eq === -1 ? token.slice(2) : token.slice(2, eq);
      inline = eq === -1 ? undefined : token.slice(eq + 1);
    } else {
      const short = token.slice(1);
      name = aliases[short] ?? short;
    }
    const type = allFlags[name];
    if (!type) throw new UsageError(`未知选项：${token}（用 --help 查看可用选项）`, 'unknown_option');
    if (type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`选项 --${name} 不带取值`, 'option_value');
      flags[name] = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new UsageError(`选项 --${name} 缺少取值`, 'option_value');
      }
      value = next;
      i++;
    }
    if (type === 'strings') {
      const list = (flags[name] as string[] | undefined) ?? [];
      list.push(value);
      flags[name] = list;
    } else {
      if (flags[name] !== undefined) throw new UsageError(`选项 --${name} 只能给一次`, 'option_repeated');
      flags[name] = value;
    }
  }
  return { positionals, flags };
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function boolFlag(args: ParsedArgs, name: string): boolean {
  return args.flags[name] === true;
}
