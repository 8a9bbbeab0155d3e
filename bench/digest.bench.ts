// The Friday digest on a county-sized store: what it costs, and that it grows with the week, not
// with history.
//
// In one process: dynalite in memory; a profile (command office, supervision class, 24 units); 5,000
// whitelist rows; 20,000 issues over one year (52 weeks; created, routed, signed, resolved, followed
// up and verified with the real domain/lifecycle, the last weeks' issues still open in every stage);
// 52 weekly coverage snapshots — all written with BatchWriteItem in the exact item format the store
// writes (digest-store.ts rowItemForBulk / issueItemForBulk; checked equal in the integration test).
// Then:
//   A. the digest (dry run: every read, the model, the page and the text) for the last week,
//      timed after one untimed warm-up run (median of 3) and its items read counted (attachReadCounter: items every
//      Query/GetItem/BatchGet returns);
//   baseline: one read of every issue (the history scan the indexes avoid), items and time (after
//   one untimed scan);
//   B. another, older year of 20,000 issues added; the digest again.
// Prints time (target ≤ 2 s), items read with 1 and 2 years of history (target: equal) and the
// ratios. A missed target is printed (✗); the bench exits non-zero only if the digest fails.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createCalendar } from '../domain/time/calendar.js';
import { computeCoverage } from '../domain/reports/coverage.js';
import { ISSUE_CATEGORIES, type RowKind, SECTORS, type Sector } from '../domain/rows/kinds.js';
import { applyAction, createIssueRecord, currentAssignment, type IssueAction } from '../domain/issues/lifecycle.js';
import { routeIssue } from '../domain/issues/routing.js';
import { coverageSnapshot, whitelistValues } from '../domain/reports/snapshots.js';
import { addDays, isoWeek, isoWeekRange, parseInstant, shanghaiDate, startOfShanghaiDay } from '../domain/time/time.js';
import type { IssueRow, Profile, RowOf, SectorTotalRow, WhitelistRow } from '../domain/rows/types.js';
import type { IssueRecord } from '../domain/issues/types.js';
import { runDigest } from '../functions/usecases/digest.js';
import { attachReadCounter, createDigestStore, issueItemForBulk, putItems, rowItemForBulk } from '../functions/adapters/digest-store.js';
import { createStore, ensureTable } from '../functions/adapters/dynamodb-store.js';
import { logger } from '../functions/adapters/logger.js';
import type { RowRecord, StoredIssue } from '../functions/ports.js';
import { syntheticUscc } from './synthetic.js';
import { seededRandom } from '../local/seeded-random.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
logger.setLogLevel('SILENT');

const ROWS = Number(process.env.BENCH_DIGEST_ROWS ?? 5_000);
const ISSUES = Number(process.env.BENCH_DIGEST_ISSUES ?? 20_000);
const TARGET_MS = 2_000;
const WEEK = '2023-W23';
const GENERATED_AT = parseInstant(`${isoWeekRange(WEEK).friday}T17:00`);
const DAY = 86_400_000;
const YEAR_DAYS = 364;

const rand = seededRandom(20230609);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const code = syntheticUscc;

const UNIT_CODES = Array.from({ length: 24 }, (_, i) => `u${String(i + 1).padStart(2, '0')}`);
const profile: Profile = {
  workClasses: [
    { id: 'coordination', name: '综合协调', leadUnit: 'fgw' },
    { id: 'industry', name: '工业生产', leadUnit: 'u01' },
    { id: 'commerce', name: '商贸流通', leadUnit: 'u02' },
    { id: 'transport', name: '交通运输', leadUnit: 'u03' },
    { id: 'culture_tourism', name: '文化旅游', leadUnit: 'u04' },
    { id: 'key_projects', name: '重点项目', leadUnit: 'u05' },
    { id: 'epidemic_support', name: '防疫保障', leadUnit: 'u06' },
    { id: 'supervision', name: '督办督查', leadUnit: 'dcj', email: 'supervision@tongxu.example' },
  ],
  units: [
    { code: 'county', name: '县委县政府', type: '县领导', emails: ['county@tongxu.example'] },
    { code: 'command', name: '指挥部办公室', type: '指挥部', emails: ['command@tongxu.example'], parent: 'county' },
    { code: 'fgw', name: '县发展改革委', type: '县直部门', emails: ['fgw@tongxu.example'], parent: 'command' },
    { code: 'dcj', name: '县委县政府督查局', type: '县直部门', emails: ['dcj@tongxu.example'], parent: 'command' },
    ...UNIT_CODES.map((c, i) => ({ code: c, name: `责任单位${i + 1}`, type: i % 3 === 0 ? ('乡镇' as const) : ('县直部门' as const), emails: [`${c}@tongxu.example`], parent: 'command' })),
  ],
  routingRules: [],
  sectorTargets: SECTORS.map((sector) => ({ sector, target: 0.7, deadline: '2023-12-31' })),
  slaRules: [],
  members: [],
  calendarOverrides: [],
};
const calendar = createCalendar([]);

function whitelistRows(): WhitelistRow[] {
  const start = addDays(shanghaiDate(GENERATED_AT), -YEAR_DAYS);
  return Array.from({ length: ROWS }, (_, i): WhitelistRow => {
    const admittedOn = addDays(start, Math.floor(rand() * (YEAR_DAYS + 4)));
    const removed = rand() < 0.04;
    return {
      code: code(i),
      name: `示例企业${i + 1}有限公司`,
      sector: SECTORS[i % SECTORS.length],
      locality: `乡镇${(i % 12) + 1}`,
      value: Math.round(200 + rand() * 5_000),
      status: removed ? '已移出' : '已纳入',
      admittedOn,
      ...(removed ? { removedOn: addDays(admittedOn, 7 + Math.floor(rand() * 30)), removalReason: '企业申请退出' as const } : {}),
      partners: [],
    };
  });
}

function rowRecord<K extends RowKind>(kind: K, key: string, value: RowOf<K>, row: number, at: number): RowRecord<K> {
  return { kind, key, workClass: 'industry', spreadsheetId: 'bench', row, values: {}, value, hash: `h${row}`, version: 1, revision: 1, updatedAt: at, updatedBy: 'bench', warnings: [] };
}

const HOURS = (n: number) => n * 3_600_000;

/**
 * `count` issues created over the year ending at `end`, each taken through its lifecycle as far as
 * `actUntil` allows (the generation instant: an older year's issues are long closed by then).
 */
function issues(count: number, end: number, actUntil: number = end): IssueRecord[] {
  const out: IssueRecord[] = [];
  const span = YEAR_DAYS * DAY;
  const perDay = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    // Working hours (09:00–17:00 Shanghai) of a random day of the year.
    const day = addDays(shanghaiDate(end - span), 1 + Math.floor(rand() * YEAR_DAYS));
    const at = startOfShanghaiDay(day) + HOURS(9 + rand() * 8);
    if (at >= end) continue;
    const n = (perDay.get(day) ?? 0) + 1;
    perDay.set(day, n);
    const id = `WT-${day.replaceAll('-', '')}-${String(n).padStart(3, '0')}`;
    const row: IssueRow = {
      enterpriseCode: code(Math.floor(rand() * ROWS)),
      enterpriseName: `示例企业${i}有限公司`,
      sector: pick(SECTORS) as Sector,
      category: pick(ISSUE_CATEGORIES),
      description: '原料供应中断，请求协调运输通行',
      urgency: rand() < 0.1 ? '紧急' : '一般',
      beyondScope: false,
      major: false,
      reportedOn: day,
      assignedUnit: pick(UNIT_CODES),
    };
    let rec = createIssueRecord(id, { ...row, id }, routeIssue(row, profile, at, calendar), at, profile).record;
    const step = (t: number, action: (r: IssueRecord) => IssueAction) => {
      if (t >= actUntil) return false;
      const r = applyAction(rec, action(rec), { now: t, profile, calendar });
      if (r.ok) rec = r.record;
      return r.ok;
    };
    const unit = () => ({ role: 'unit' as const, unit: currentAssignment(rec).unit });
    const signed = at + HOURS(1 + rand() * 40);
    const resolved = signed + HOURS(12 + rand() * 24 * 12);
    if (step(signed, () => ({ type: 'sign', actor: unit() }))) {
      if (rand() < 0.3) step(signed + HOURS(6), () => ({ type: 'progress', actor: unit(), note: '已对接企业' }));
      if (step(resolved, () => ({ type: 'resolve', actor: unit(), result: '已协调解决' }))) {
        const followed = resolved + HOURS(20 + rand() * 40);
        if (step(followed, () => ({ type: 'follow_up', actor: { role: 'enterprise' }, result: rand() < 0.9 ? '满意' : '基本满意' }))) {
          step(followed + HOURS(24 + rand() * 48), () => ({ type: 'verify_close', actor: { role: 'command', by: 'command@tongxu.example' } }));
        }
      }
    }
    out.push(rec);
  }
  return out;
}

const stored = (record: IssueRecord): StoredIssue => ({
  record,
  workClass: 'industry',
  spreadsheetId: 'bench',
  row: 2,
  sourceKey: `bench#issue#${record.id}`,
  values: {},
  hash: record.id,
  version: 1,
  revision: 1,
  updatedBy: 'bench',
  pending: {},
  usedTokens: {},
});

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number) => `${Math.round(ms)} ms`;

async function main(): Promise<void> {
  const db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
  const port = await listen(db);
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    requestHandler: { requestTimeout: 60_000, connectionTimeout: 5_000 },
  });
  const tableName = 'sibao-digest-bench';
  await ensureTable(client, tableName);
  const store = createStore({ client, tableName });
  const digests = createDigestStore({ client, tableName });
  const reads = attachReadCounter(client);

  let t = Date.now();
  await store.putProfile({ profile, problems: [], updatedAt: GENERATED_AT - 400 * DAY, updatedBy: 'bench' });
  const whitelist = whitelistRows();
  const totals: SectorTotalRow[] = SECTORS.map((sector): SectorTotalRow => ({ sector, period: '2023-01', total: (ROWS / SECTORS.length) * 2_600 * 1.2 }));
  const rowItems = [
    ...whitelist.map((w, i) => rowItemForBulk(rowRecord('whitelist', w.code, w, i + 2, parseInstant(w.admittedOn!)))),
    ...totals.map((s, i) => rowItemForBulk(rowRecord('sector_total', `${s.sector}#${s.period}`, s, i + 2, GENERATED_AT - 200 * DAY))),
  ];
  await putItems(client, tableName, rowItems);
  const year1 = issues(ISSUES, GENERATED_AT);
  const built1 = Date.now() - t;
  t = Date.now();
  await putItems(client, tableName, year1.map((r) => issueItemForBulk(stored(r))));
  // 52 weekly snapshots before the digest week.
  for (let k = 52; k >= 1; k--) {
    const friday = addDays(isoWeekRange(WEEK).friday, -7 * k);
    const cov = computeCoverage({ whitelist, totals, targets: profile.sectorTargets, at: friday });
    await digests.putSnapshot(coverageSnapshot(cov, isoWeek(friday), whitelistValues(whitelist)));
  }
  const loaded1 = Date.now() - t;
  const open1 = year1.filter((r) => ['待分派', '已交办', '已签收', '办理中'].includes(r.status)).length;
  console.log(`县域数据：白名单 ${ROWS} 行，问题 ${year1.length} 件（一年，在办 ${open1} 件），周快照 52 个；生成 ${fmt(built1)}，写入 ${fmt(loaded1)}`);

  const run = runDigest({
    log: logger,
    store,
    digests,
    mailer: { send: () => Promise.reject(new Error('the bench does not send')) },
    clock: { now: () => GENERATED_AT },
    config: { countyName: '通许县', publicBaseUrl: 'http://127.0.0.1:8787', actionSecrets: ['bench-secret-0123456789abcdef-0123456789'] },
    reads,
  });

  async function measure(label: string) {
    const times: number[] = [];
    let res: Awaited<ReturnType<typeof run>> | undefined;
    await run({ week: WEEK }); // warm-up: JIT and dynalite's first reads, not timed
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      res = await run({ week: WEEK });
      times.push(performance.now() - t0);
    }
    const r = res!;
    console.log(
      `${label}：周报（读取+建模+渲染）中位 ${fmt(median(times))}，读取 ${r.itemsRead} 项（其中问题 ${r.issuesRead} 件），页面 ${Math.round(r.html.length / 1024)} KB`,
    );
    return { ms: median(times), items: r.itemsRead ?? 0, issues: r.issuesRead, model: r.model };
  }

  async function historyScan() {
    await store.listIssues({}); // warm-up, not timed
    reads.reset();
    const t0 = performance.now();
    const all = await store.listIssues({});
    const ms = performance.now() - t0;
    return { ms, items: reads.items, n: all.length };
  }

  const a = await measure('A 一年历史');
  const scanA = await historyScan();
  console.log(`  基线：读全部问题（历史扫描）${scanA.n} 件，${scanA.items} 项，${fmt(scanA.ms)}`);

  t = Date.now();
  const older = issues(ISSUES, GENERATED_AT - YEAR_DAYS * DAY, GENERATED_AT);
  await putItems(client, tableName, older.map((r) => issueItemForBulk(stored(r))));
  console.log(`再写入更早一年的问题 ${older.length} 件（${fmt(Date.now() - t)}）`);

  const b = await measure('B 两年历史');
  const scanB = await historyScan();
  console.log(`  基线：读全部问题（历史扫描）${scanB.n} 件，${scanB.items} 项，${fmt(scanB.ms)}`);

  const same = a.items === b.items && a.issues === b.issues && JSON.stringify(a.model.issues) === JSON.stringify(b.model.issues);
  console.log('');
  console.log(`耗时：${fmt(b.ms)}（目标 ≤ ${TARGET_MS} ms）${b.ms <= TARGET_MS ? '✓' : '✗'}`);
  console.log(`读取项数：一年历史 ${a.items}，两年历史 ${b.items}（目标：相同，随本周活动而非历史增长）${same ? '✓' : '✗'}`);
  console.log(`耗时比 B/A = ${(b.ms / a.ms).toFixed(2)}；读取比 B/A = ${(b.items / a.items).toFixed(2)}；历史扫描读取比 B/A = ${(scanB.items / scanA.items).toFixed(2)}`);
  console.log(`周报读取 / 历史扫描读取（两年）= ${(b.items / scanB.items).toFixed(3)}（其中白名单 ${ROWS} 行为当前状态，每周都需读取）`);

  client.destroy();
  await new Promise<void>((resolve) => db.close(() => resolve()));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
