// `sibao calendar add-workdays DATE N [--profile PATH]`: the ISO date N working days after DATE on
// the Chinese working-day calendar (Asia/Shanghai). A year neither the national data nor the
// profile's 节假日调整 covers is never guessed: exit 2 with the reason.

import { CalendarError, CalendarUnverifiedError, createCalendar, requireVerified } from '../../domain/time/calendar.js';
import { boolFlag, dateOfText, parseArgs, stringFlag, UsageError } from '../args.js';
import { argSpecOf, commandHelp } from './spec.js';

export const HELP = commandHelp('calendar');

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, argSpecOf('calendar'));
  const [sub, dateText, nText, ...rest] = args.positionals;
  if (boolFlag(args, 'help') || sub === undefined) {
    console.log(HELP);
    return sub === undefined && !boolFlag(args, 'help') ? 2 : 0;
  }
  if (sub !== 'add-workdays') throw new UsageError(`未知的 calendar 子命令：${sub}（可用：add-workdays）`);
  if (dateText === undefined || nText === undefined) throw new UsageError('用法：sibao calendar add-workdays 日期 N，例如 sibao calendar add-workdays 2022-06-02 3');
  if (rest.length > 0) throw new UsageError(`多余的参数：${rest.join(' ')}`);
  const date = dateOfText(dateText);
  if (!date) throw new UsageError(`日期「${dateText}」无效，应为 2022-06-02、2022/6/2 或 2022年6月2日 这样的真实日期`, 'date');
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
