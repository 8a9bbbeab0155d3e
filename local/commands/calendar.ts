// `sibao calendar add-workdays DATE N [--profile PATH]`: the ISO date N working days after DATE on
// the Chinese working-day calendar (Asia/Shanghai). A year neither the national data nor the
// profile's 节假日调整 covers is never guessed: exit 2 with the reason.

import { CalendarError, CalendarUnverifiedError, createCalendar, requireVerified } from '../../domain/time/calendar.js';
import { isIsoDate } from '../../domain/time/time.js';
import { parseDate } from '../../domain/rows/normalize.js';
import { boolFlag, parseArgs, stringFlag, UsageError } from '../args.js';

export const HELP = `用法：sibao calendar add-workdays 日期 N [--profile 配置]

输出 日期 之后第 N 个工作日（YYYY-MM-DD，北京时间）：按国家法定节假日和调休，加上配置中的“节假日调整”。
N 为 0 时：日期本身是工作日则为其本身，否则为下一个工作日。
某年的节假日安排尚未公布或录入时不作猜测，退出码 2。`;

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { flags: { profile: 'string' } });
  const [sub, dateText, nText, ...rest] = args.positionals;
  if (boolFlag(args, 'help') || sub === undefined) {
    console.log(HELP);
    return sub === undefined && !boolFlag(args, 'help') ? 2 : 0;
  }
  if (sub !== 'add-workdays') throw new UsageError(`未知的 calendar 子命令：${sub}（可用：add-workdays）`);
  if (dateText === undefined || nText === undefined) throw new UsageError('用法：sibao calendar add-workdays 日期 N，例如 sibao calendar add-workdays 2022-06-02 3');
  if (rest.length > 0) throw new UsageError(`多余的参数：${rest.join(' ')}`);
  const date = isIsoDate(dateText) ? dateText : parseDate(dateText);
  if (!date) throw new UsageError(`日期「${dateText}」无效，应为 YYYY-MM-DD，如 2022-06-02`, 'date');
  if (!/^-?\d+$/.test(nText.trim())) throw new UsageError(`工作日数「${nText}」应为整数`, 'number');
  const n = Number(nText.trim());
  const profilePath = stringFlag(args, 'profile');
  const overrides = profilePath ? (await (await import('../profile-files.js')).loadProfile(profilePath)).profile.calendarOverrides : [];
  try {
    const calendar = createCalendar(overrides);
    console.log(requireVerified(calendar.addWorkdays(date, n)));
    return 0;
  } catch (err) {
    if (err instanceof CalendarUnverifiedError) throw new UsageError(err.message, err.code);
    if (err instanceof CalendarError) throw new UsageError(err.message, err.code);
    throw err;
  }
}
