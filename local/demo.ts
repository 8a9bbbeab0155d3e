// The demo county, loaded the way its people would: county IT puts the configuration in place,
// then each work class's member pushes their class workbook through `POST /v1/sync` with a token of
// their own (from the dev issuer). The dispatcher then mails what the routing decided.
//
// Configuration seeding, as county IT does it: the configuration tabs (工作专班, 责任单位, 路由规则,
// 领域目标, 办理时限, 节假日调整, then 成员 last) go through `POST /v1/sync` as the coordination class.
// On a fresh store no member exists yet, so IT signs in as the bootstrap admin (`BOOTSTRAP_ADMIN`,
// accepted by the API only while no member is configured); once members exist, a coordination
// editor of the stored profile does it. The API stores the rows and rebuilds the profile from them,
// so the coordination class's own workbook later syncs the same rows unchanged. Re-seeding the same
// configuration changes nothing.
//
// `runDemoWeek(stack, ctx)` is the hook for the rest of the demo week (signing, feedback, sweeps,
// the Friday digest): `sibao start --once` calls it after loading and waits for it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLASS_KINDS, KINDS, ROW_KINDS, WORK_CLASSES, type RowKind, type WorkClassId } from '../domain/rows/kinds.js';
import type { Profile } from '../domain/rows/types.js';
import { readTables, type Table } from './files.js';
import type { LoadedProfile } from './profile-files.js';
import { createProgress } from './progress.js';
import { BOOTSTRAP_ADMIN, type DispatchTotals, type Stack } from './stack.js';
import { runDemoDigest } from './digest-demo.js';
import { runDemoWeek as runDemoWeekLoop, type DemoWeekReport } from './demo-week.js';
import { pushRows, type SyncRowResult } from './sync-client.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const EXAMPLES_DIR = join(root, 'examples');
export const DEFAULT_PROFILE = join(EXAMPLES_DIR, 'profile');

export interface Rejection {
  file: string;
  kind: string;
  row: number;
  column: string;
  code: string;
  message: string;
}

export interface ClassLoad {
  workClass: WorkClassId;
  member: string | null;
  files: string[];
  accepted: number;
  rejected: number;
  rejections: Rejection[];
  /** Tabs skipped: not a kind this class may write. */
  skipped: string[];
}

export interface DemoLoad {
  classes: ClassLoad[];
  accepted: number;
  rejected: number;
}

export interface DemoWeekResult {
  /** Path of the Friday digest HTML once the digest step exists. */
  digest: string | null;
  /** Dispatch totals of the week's runs. */
  dispatched: DispatchTotals;
  /** What happened during the week (signings, returns, reopenings, escalations…). */
  week?: DemoWeekReport;
  /** Digest mails delivered (sent directly, not through the dispatcher). */
  digestMails?: number;
}

export interface DemoSummary {
  rows: number;
  issues: number;
  routed: number;
  emailsSent: number;
  digest: string | null;
}


/** Configuration kinds in the order they are pushed: 成员 last, so IT keeps access until then. */
const SEED_ORDER: RowKind[] = ['work_class', 'unit', 'routing_rule', 'sector_target', 'sla_rule', 'calendar_override', 'member'];

export interface SeedResult {
  by: string;
  accepted: number;
  rejected: number;
  rejections: Rejection[];
}

/** County IT's step: push the profile's configuration tabs through the API as the coordination class. */
export async function seedProfile(stack: Stack, loaded: Pick<LoadedProfile, 'tables'>): Promise<SeedResult> {
  const stored = await stack.store.getProfile();
  const by = (stored && stored.profile.members.length > 0 && memberOf(stored.profile, 'coordination')) || BOOTSTRAP_ADMIN;
  const token = await stack.tokenFor(by);
  const result: SeedResult = { by, accepted: 0, rejected: 0, rejections: [] };
  const tables = loaded.tables.filter((t) => SEED_ORDER.includes(t.kind)).sort((a, b) => SEED_ORDER.indexOf(a.kind) - SEED_ORDER.indexOf(b.kind));
  for (const t of tables) {
    const pushed = await pushRows({ api: stack.apiUrl, token, spreadsheetId: 'county-profile', workClass: 'coordination', kind: t.kind, rows: t.rows });
    result.accepted += pushed.accepted;
    result.rejected += pushed.rejected;
    result.rejections.push(...rejectionsOf(basename(t.file), KINDS[t.kind].tab, pushed.results));
  }
  return result;
}

/** The class workbooks (examples/workbooks/<class>.xlsx) or CSV folders (examples/csv/<class>/). */
export function demoSources(examplesDir = EXAMPLES_DIR): { workClass: WorkClassId; files: string[] }[] {
  const out: { workClass: WorkClassId; files: string[] }[] = [];
  const classOf = (name: string) => WORK_CLASSES.find((c) => c.id === name || c.name === name)?.id;
  const workbooks = join(examplesDir, 'workbooks');
  const csv = join(examplesDir, 'csv');
  for (const c of WORK_CLASSES) {
    const files: string[] = [];
    if (existsSync(workbooks)) {
      for (const f of readdirSync(workbooks).sort()) {
        if (extname(f).toLowerCase() === '.xlsx' && classOf(basename(f, extname(f))) === c.id) files.push(join(workbooks, f));
      }
    }
    if (files.length === 0 && existsSync(csv)) {
      for (const d of readdirSync(csv).sort()) {
        const dir = join(csv, d);
        if (classOf(d) !== c.id || !statSync(dir).isDirectory()) continue;
        for (const f of readdirSync(dir).sort()) if (extname(f).toLowerCase() === '.csv') files.push(join(dir, f));
      }
    }
    if (files.length) out.push({ workClass: c.id, files });
  }
  return out;
}

/** The member who keeps a class's spreadsheet: an editor (编辑) first, else an approver. */
export function memberOf(profile: Profile, workClass: WorkClassId): string | null {
  const ms = profile.members.filter((m) => m.workClass === workClass && m.role !== '只读');
  return (ms.find((m) => m.role === '编辑') ?? ms[0])?.email ?? null;
}

const kindOrder = (t: Table) => ROW_KINDS.indexOf(t.kind);

/** Push every class's workbook through the API as that class's member, with progress on stderr. */
export async function loadDemo(
  stack: Stack,
  profile: Profile,
  opts: { examplesDir?: string; quiet?: boolean } = {},
): Promise<DemoLoad> {
  const classes: ClassLoad[] = [];
  for (const source of demoSources(opts.examplesDir)) {
    const load: ClassLoad = { workClass: source.workClass, member: memberOf(profile, source.workClass), files: source.files, accepted: 0, rejected: 0, rejections: [], skipped: [] };
    classes.push(load);
    if (!load.member) {
      if (!opts.quiet) process.stderr.write(`跳过专班 ${source.workClass}：配置“成员”表中没有该专班的编辑成员\n`);
      continue;
    }
    const tables: Table[] = [];
    for (const file of source.files) tables.push(...(await readTables(file)));
    tables.sort((a, b) => kindOrder(a) - kindOrder(b));
    const writable = tables.filter((t) => {
      const ok = CLASS_KINDS[source.workClass].includes(t.kind);
      if (!ok) load.skipped.push(`${basename(t.file)}［${t.sheet ?? KINDS[t.kind].tab}］`);
      return ok;
    });
    const total = writable.reduce((n, t) => n + t.rows.length, 0);
    const name = WORK_CLASSES.find((c) => c.id === source.workClass)!.name;
    const progress = createProgress(`载入 ${name}`, total, { quiet: opts.quiet });
    const token = await stack.tokenFor(load.member);
    let done = 0;
    for (const t of writable) {
      const pushed = await pushRows({
        api: stack.apiUrl,
        token,
        spreadsheetId: `demo:${source.workClass}`,
        workClass: source.workClass,
        kind: t.kind,
        rows: t.rows,
        onBatch: (n) => progress.update(done + n, KINDS[t.kind].tab),
      });
      done += t.rows.length;
      load.accepted += pushed.accepted;
      load.rejected += pushed.rejected;
      load.rejections.push(...rejectionsOf(basename(t.file), KINDS[t.kind].tab, pushed.results));
    }
    progress.finish(`接受 ${load.accepted}，拒绝 ${load.rejected}`);
  }
  return {
    classes,
    accepted: classes.reduce((n, c) => n + c.accepted, 0),
    rejected: classes.reduce((n, c) => n + c.rejected, 0),
  };
}

function rejectionsOf(file: string, kind: string, results: readonly SyncRowResult[]): Rejection[] {
  const out: Rejection[] = [];
  for (const r of results) {
    if (r.ok) continue;
    for (const e of r.errors ?? []) out.push({ file, kind, row: r.row, column: e.column, code: String(e.code), message: e.message });
  }
  return out;
}

/**
 * The rest of the demo week after loading. For now: mail everything the routing queued. Later
 * steps (units signing through their links, feedback, the 15-minute sweep on the simulated clock,
 * the Friday 17:00 digest) extend this function and set `digest`.
 */
export async function runDemoWeek(
  stack: Stack,
  ctx: { profile: Profile; load: DemoLoad; log?: (line: string) => void },
): Promise<DemoWeekResult> {
  const before = { ...stack.dispatched };
  // Routing mails first, then the week: signings, feedback, a return, a reopen, overdue escalations.
  await stack.drainOutbox();
  const week = await runDemoWeekLoop({ stack, profile: ctx.profile, log: ctx.log });
  await stack.drainOutbox();
  const dispatched: DispatchTotals = {
    runs: stack.dispatched.runs - before.runs,
    sent: stack.dispatched.sent - before.sent,
    failed: stack.dispatched.failed - before.failed,
    skipped: stack.dispatched.skipped - before.skipped,
  };
  // Friday 17:00: the supervision digest of the demo week, sent once and kept as a page.
  const digest = await runDemoDigest(stack);
  ctx.log?.(`本周督办督查周报（${digest.week}）：${digest.path}；在线查看 ${digest.url}`);
  return { digest: digest.path, dispatched, week, digestMails: digest.delivered };
}

/** The figures of `start --once --json`. `emailsSent` counts mails this process sent. */
export async function demoSummary(stack: Stack, load: DemoLoad | null, week: DemoWeekResult | null): Promise<DemoSummary> {
  const issues = await stack.store.listIssues({});
  return {
    rows: load?.accepted ?? 0,
    issues: issues.length,
    routed: issues.filter((i) => i.record.assignments.length > 0).length,
    // Every mail this process sent: the dispatcher's and the Friday digest's.
    emailsSent: stack.dispatched.sent + (week?.digestMails ?? 0),
    digest: week?.digest ?? null,
  };
}
