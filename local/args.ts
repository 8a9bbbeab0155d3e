// A tiny argv parser for the sibao CLI: `--flag`, `--flag value`, `--flag=value`, `-h`, and `--` to
// end options. Unknown flags and missing values are usage errors (exit 2) with a Chinese message.
// A token that looks like a negative number (`-1`) is a positional, not a flag.

import { parseDate, toHalfWidth } from '../domain/rows/normalize.js';
import { parseInstant } from '../domain/time/time.js';

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

// ---- dates in flags (--at, --clock) -----------------------------------------------------------------
// The same forms cells accept (domain/rows/normalize.ts `parseDate`: 2022-06-10, 2022/6/10,
// 2022.6.10, 2022年6月10日, 20220610, full-width digits), a spreadsheet serial (44722), and for
// instants a time after the date (2022/6/10 9:30, 2022年6月10日 9时30分) or any ISO form with an
// offset that `parseInstant` reads.

const DATE_FORMS = '2022-06-10、2022/6/10、2022年6月10日';
const SERIAL_RE = /^\d{5}(?:\.\d+)?$/;
/** A date part, then a time: `9:30`, `09:30:15`, `9时30分`, `9点`; separated by space or `T`, or right after 日/号. */
const DATE_TIME_RE = /^(.+?)(?:[T\s]+|(?<=[日号]))(\d{1,2})(?::(\d{1,2})(?::(\d{1,2}))?|[时点](?:(\d{1,2})分?)?)$/;

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** A calendar day from a flag's text, in any form a cell accepts; undefined when it is none. */
export function dateOfText(text: string): string | undefined {
  const t = toHalfWidth(text).trim();
  if (SERIAL_RE.test(t)) return parseDate(Number(t));
  return parseDate(t);
}

/** A date flag (`--at 日期`) as an ISO day; `fallback` when absent; a usage error in Chinese when malformed. */
export function dateFlag(text: string | undefined, flag: string, fallback: () => string): string {
  if (text === undefined) return fallback();
  const date = dateOfText(text);
  if (!date) throw new UsageError(`--${flag}：日期「${text}」无效，应为 ${DATE_FORMS} 这样的真实日期`, 'date');
  return date;
}

/** Epoch ms of an instant flag (`route --at 时间`): a date (start of that Shanghai day) or a date and a time. */
export function instantOfText(text: string): number | undefined {
  const t = toHalfWidth(text).trim();
  try {
    return parseInstant(t);
  } catch {
    // not ISO: try the cell forms below
  }
  if (SERIAL_RE.test(t)) {
    const serial = Number(t);
    const date = parseDate(serial);
    return date === undefined ? undefined : parseInstant(date) + Math.round((serial % 1) * 86_400) * 1000;
  }
  // A time after the date first: parseDate alone would read `2022/6/10 9:30` as the day and drop the time.
  const m = DATE_TIME_RE.exec(t);
  const day = m ? parseDate(m[1].trim()) : undefined;
  if (m && day) {
    const [h, mi, s] = [m[2], m[3] ?? m[5] ?? '0', m[4] ?? '0'].map(Number);
    try {
      return parseInstant(`${day}T${pad2(h)}:${pad2(mi)}:${pad2(s)}`);
    } catch {
      return undefined; // 25:00, 9:75 …
    }
  }
  const date = parseDate(t);
  return date === undefined ? undefined : parseInstant(date);
}

/** An instant flag as epoch ms; `fallback` when absent; a usage error in Chinese when malformed. */
export function instantFlag(text: string | undefined, flag: string, fallback: () => number): number {
  if (text === undefined) return fallback();
  const at = instantOfText(text);
  if (at === undefined) {
    throw new UsageError(`--${flag}：时间「${text}」无效，应为日期（${DATE_FORMS}）或日期加时间（2022-06-10T09:30、2022/6/10 9:30）`, 'date');
  }
  return at;
}
