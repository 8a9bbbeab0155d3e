// The console's summary of a week: the week's figures model (domain/reports/figures.ts) over what the
// digest and the dashboard read (the digest store's issues of the week), at the stack's clock. So
// `sibao start` prints the digest's and the dashboard's figures, with the same labels.
import { figuresLine, outreachLine, weekFigures, type WeekFigures } from '../domain/reports/figures.js';
import { currentWeekWindow, weekLabel } from '../domain/reports/week.js';
import { hm } from '../domain/reports/report-html.js';
import { stackDigestStore } from './digest-demo.js';
import { createMatchReader } from '../functions/adapters/policy-store.js';
import { outreachMatches } from '../functions/usecases/digest.js';
import { displayWidth } from './format.js';
import type { Stack } from './stack.js';

/** The figures of the week the stack's clock is in, counted to that instant. */
export async function stackWeekFigures(stack: Pick<Stack, 'store' | 'clock' | 'dynamo' | 'tableName'>, now = stack.clock.now()): Promise<WeekFigures> {
  const window = currentWeekWindow(now);
  const [profile, records, matches, policies] = await Promise.all([
    stack.store.getProfile(),
    stackDigestStore(stack).issuesForWeek(window.week, now),
    createMatchReader({ client: stack.dynamo, tableName: stack.tableName }).listMatches(),
    stack.store.listRows('policy'),
  ]);
  return weekFigures(records, window, profile?.profile ?? { units: [] }, outreachMatches(matches, policies));
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
  const outreach = outreachLine(f);
  return [
    `本周数字（${weekLabel(f.week)}，截至 ${hm(f.at)}，与周报、看板同一口径）：`,
    ...packLines(figuresLine(f).split('，')),
    ...(outreach ? packLines(outreach.split('，')) : []),
  ];
}
