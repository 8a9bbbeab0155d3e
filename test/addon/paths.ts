// Every add-on path that touches a class tab, run on the BUILT bundle in the fake services, with the
// spreadsheet service calls counted on that tab. Shared by test/addon/addon.test.ts (asserts the
// counts at 2,000 rows) and bench/addon-sync.bench.ts (prints them at 200 and 2,000 rows).
//   paste       onEdit of one pasted block of new, valid whole rows
//   paste+marks onEdit of a second pasted block (input columns only), every 10th row invalid
//   sync        立即同步 of the first block (no mark changes)
//   sync+marks  立即同步 of the second block: new 编号 written back, server rejections marked
//   校验         校验 of all rows, nothing changed
//   校验+marks   校验 after the invalid rows were fixed without an onEdit (marks cleared)
//   刷新状态      刷新状态 with every 10th issue overdue (issue tab only)
// Each step checks it did what it should, so a count is never the count of a path that failed.
import { KINDS } from '../../domain/rows/kinds.js';
import type { FakeApi } from './fakes/fake-api.js';
import type { GasEnv } from './fakes/gas-env.js';
import { issueRow, whitelistRow } from './rows.js';

export const PATHS = ['paste', 'paste+marks', 'sync', 'sync+marks', '校验', '校验+marks', '刷新状态'] as const;
export type Path = (typeof PATHS)[number];
/** `issue/编号首列`: a 问题诉求 tab made by hand before the add-on, 编号 in column A. */
export type Layout = 'whitelist' | 'issue' | 'issue/编号首列';

export interface PathCounts {
  layout: Layout;
  rows: number;
  calls: Partial<Record<Path, number>>;
  /** UrlFetch calls and rows sent by the two syncs. */
  fetches: { sync: number; syncSent: number; marks: number; marksSent: number };
  syncMs: number;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`path scenario did not do what it should: ${what}`);
}

/** Run every path on a fresh env (settings not yet saved) against `api`. */
export async function measurePaths(env: GasEnv, api: FakeApi, layout: Layout, rows: number): Promise<PathCounts> {
  const kind = layout === 'whitelist' ? 'whitelist' : 'issue';
  const tab = KINDS[kind].tab;
  const row = (i: number, extra: Record<string, unknown> = {}) => (kind === 'whitelist' ? { ...whitelistRow(i), ...extra } : issueRow(i, extra));
  const reject = kind === 'whitelist' ? { 备注: '请复核 #reject' } : { 问题描述: '请复核 #reject' };
  const calls: PathCounts['calls'] = {};
  const count = (path: Path, act: () => void) => {
    env.log.reset();
    act();
    calls[path] = env.log.sheet(tab);
  };
  const syncRequests = async () => (await api.requests()).filter((r) => r.path === '/v1/sync');
  const sent = (reqs: { rows: number }[]) => reqs.reduce((n, r) => n + r.rows, 0);

  env.run('saveSettings', api.url, 'industry');
  if (layout === 'issue/编号首列') {
    const s = env.ss.addSheet(tab);
    [...KINDS.issue.headers, '_版本', '_同步'].forEach((h, c) => s.type(1, c + 1, h));
  }
  env.run('menuInitSheets');
  const sheet = env.ss.sheet(tab)!;
  const width = sheet.headers().length;
  for (let i = 0; i < rows; i++) sheet.typeRow(2 + i, row(i + 1));
  // One paste of all rows: Apps Script fires one onEdit for the pasted range.
  count('paste', () => env.run('onEdit', { authMode: 'LIMITED', range: sheet.eventRange(2, 1, rows, width), source: env.ss.wrapped }));
  check(sheet.cell(rows + 1, '_同步') === '待同步', 'paste marks rows 待同步');

  await api.control({ clearLog: true });
  const t0 = performance.now();
  count('sync', () => env.run('menuSync'));
  const syncMs = performance.now() - t0;
  check(sheet.cell(rows + 1, '_同步') === '已同步', 'sync writes 已同步 back');
  const syncReqs = await syncRequests();

  count('校验', () => env.run('menuValidate'));
  check(sheet.noteAt(2, '联系电话') === '', '校验 of valid rows marks nothing');

  if (kind === 'issue') {
    const overdue: string[] = [];
    for (let i = 0; i < rows; i += 10) overdue.push(String(sheet.cell(2 + i, '编号')));
    await api.control({ overdue });
    count('刷新状态', () => env.run('menuRefresh'));
    check(sheet.cell(2, '升级情况') === '逾期，已升级 1 级' && sheet.cell(3, '升级情况') === '', '刷新状态 writes 升级情况');
  }

  // A second block pasted below, input columns only (as copied from another file): every 10th row
  // has a bad phone (marked at once), every 10th + 5 is rejected by the server.
  const inputCols = KINDS[kind].headers.filter((h) => !KINDS[kind].system.includes(h));
  const headers = sheet.headers();
  const cols = inputCols.map((h) => headers.indexOf(h) + 1);
  const c0 = Math.min(...cols);
  const c1 = Math.max(...cols);
  const top = rows + 2;
  for (let i = 0; i < rows; i++) sheet.typeRow(top + i, row(rows + i + 1, i % 10 === 0 ? { 联系电话: '12345' } : i % 10 === 5 ? reject : {}));
  count('paste+marks', () => env.run('onEdit', { authMode: 'LIMITED', range: sheet.eventRange(top, c0, rows, c1 - c0 + 1), source: env.ss.wrapped }));
  check(sheet.noteAt(top, '联系电话').includes('不是有效电话号码') && sheet.noteAt(top + 1, '联系电话') === '', 'paste marks exactly the bad phones');

  await api.control({ clearLog: true });
  count('sync+marks', () => env.run('menuSync'));
  const rejectCol = Object.keys(reject)[0];
  check(sheet.noteAt(top + 5, rejectCol).includes('服务器复核未通过') && sheet.cell(top + 5, '_同步') === '未通过', 'server rejection marked');
  check(sheet.cell(top + 1, '_同步') === '已同步' && sheet.cell(top, '_同步') === '待同步', 'accepted rows written back, invalid ones kept dirty');
  if (kind === 'issue') check(String(sheet.cell(top + 1, '编号')).startsWith('WT-'), 'new 编号 written back');
  const marksReqs = await syncRequests();

  // The bad phones fixed without an onEdit (another script, say): 校验 clears their marks.
  for (let i = 0; i < rows; i += 10) sheet.typeRow(top + i, { 联系电话: '13800000000' });
  count('校验+marks', () => env.run('menuValidate'));
  check(sheet.noteAt(top, '联系电话') === '' && sheet.backgroundAt(top, '联系电话') === '#ffffff', '校验 clears fixed marks');

  return {
    layout,
    rows,
    calls,
    fetches: { sync: syncReqs.length, syncSent: sent(syncReqs), marks: marksReqs.length, marksSent: sent(marksReqs) },
    syncMs,
  };
}
