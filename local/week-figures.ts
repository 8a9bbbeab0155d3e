// The console's summary of a week: the week's figures model (domain/reports/figures.ts) over what the
// digest and the dashboard read (the digest store's issues of the week), at the stack's clock. So
// `sibao start` prints the digest's and the dashboard's figures, with the same labels.
import { figuresLine, weekFigures, type WeekFigures } from '../domain/reports/figures.js';
import { currentWeekWindow, weekLabel } from '../domain/reports/week.js';
import { hm } from '../domain/reports/report-html.js';
import { stackDigestStore } from './digest-demo.js';
import { displayWidth } from './format.js';
import type { Stack } from './stack.js';

/** The figures of the week the stack's clock is in, counted to that instant. */
export async function stackWeekFigures(stack: Pick<Stack, 'store' | 'clock' | 'dynamo' | 'tableName'>, now = stack.clock.now()): Promise<WeekFigures> {
  const window = currentWeekWindow(now);
  const [profile, records] = await Promise.all([stack.store.getProfile(), stackDigestStore(stack).issuesForWeek(window.week, now)]);
  return weekFigures(records, window, profile?.profile ?? { units: [] });
}

/** Items joined by '，' into lines of at most `width` columns, breaking only between items. */
export function packLines(items: readonly string[], width = 100, indent = '  '): string[] {
  const lines: string[] = [];
  let cur = '';
  items.forEach((item, i) => {
    const piece = i < items.length - 1 ? `${item}，` : item;
    if (cur && displayWidth(indent + cur + piece) > width) {
      lines.push(indent + cur);
      cur = '';
    }
    cur += piece;
  });
  if (cur) lines.push(indent + cur);
  return lines;
}

/** The console lines of the week's figures: a heading, then the figures, each whole, within 100 columns. */
export function weekFiguresLines(f: WeekFigures): string[] {
  return [`本周数字（${weekLabel(f.week)}，截至 ${hm(f.at)}，与周报、看板同一口径）：`, ...packLines(figuresLine(f).split('，'))];
}
