// Synthetic data and small helpers shared by the benchmarks.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeUscc, USCC_CHARSET } from '../domain/rows/uscc.js';
import { createIssueRecord } from '../domain/issues/lifecycle.js';
import { routeIssue } from '../domain/issues/routing.js';
import { ISSUE_CATEGORIES, LOCALITY_UNIT_TYPES, SECTORS } from '../domain/rows/kinds.js';
import type { IssueRow, Profile } from '../domain/rows/types.js';
import { createCalendar } from '../domain/time/calendar.js';
import type { Store, StoredIssue } from '../functions/ports.js';

/** A valid, distinct USCC for each i: 91 (enterprise) + 410222 (Tongxu county) + i + 1 in 9 base-31 characters + check. */
export function syntheticUscc(i: number): string {
  let n = i + 1;
  let body = '';
  for (let k = 0; k < 9; k++) {
    body = USCC_CHARSET[n % 31] + body;
    n = Math.floor(n / 31);
  }
  return makeUscc(`91410222${body}`);
}

/** A free TCP port on 127.0.0.1 (for a service started as its own process). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * The configuration tabs of a small county, synced by the coordination class: two classes, three units
 * (the industry bureau with two addresses: two recipients per issue), one industry editor.
 */
export const BENCH_CONFIG = {
  work_class: [
    { row: 2, values: { 专班编码: 'coordination', 名称: '综合协调', 牵头单位: 'U-FGW' } },
    { row: 3, values: { 专班编码: 'industry', 名称: '工业生产', 牵头单位: 'U-GXJ' } },
  ],
  unit: [
    { row: 2, values: { 单位编码: 'U-FGW', 单位名称: '县发展改革委', 类型: '县直部门', 联系邮箱: 'fgw@county.example' } },
    { row: 3, values: { 单位编码: 'U-GXJ', 单位名称: '县工业和信息化局', 类型: '县直部门', 联系邮箱: 'gxj1@county.example；gxj2@county.example' } },
    { row: 4, values: { 单位编码: 'U-CGZ', 单位名称: '城关镇', 类型: '乡镇', 联系邮箱: 'cgz@county.example' } },
  ],
  member: [{ row: 2, values: { 邮箱: 'ind@county.example', 专班编码: 'industry', 角色: '编辑' } }],
} as const;

export interface SyntheticIssueOptions {
  /** The responsible unit (单位编码) issue i is assigned to. */
  unitOf(i: number): string;
  /** Appended to each 编号 (two stores' ids stay apart). */
  prefix: string;
  /** Epoch ms of the first day; 500 issues a day from there. */
  t0: number;
  /** 反映企业代码 of issue i; default syntheticUscc(i). */
  codeOf?(i: number): string;
}

/** Issue records as the sync stores them: routed with the profile to the given unit, 500 a day. */
export function syntheticIssues(profile: Profile, count: number, o: SyntheticIssueOptions): StoredIssue[] {
  const calendar = createCalendar(profile.calendarOverrides);
  const localities = profile.units.filter((u) => LOCALITY_UNIT_TYPES.includes(u.type)).map((u) => u.name);
  const codeOf = o.codeOf ?? syntheticUscc;
  const out: StoredIssue[] = [];
  for (let i = 0; i < count; i++) {
    const day = new Date(o.t0 + Math.floor(i / 500) * 86_400_000);
    const ymd = day.toISOString().slice(0, 10);
    const id = `WT-${ymd.replaceAll('-', '')}-${String((i % 500) + 1).padStart(3, '0')}${o.prefix}`;
    const row: IssueRow = {
      enterpriseCode: codeOf(i),
      enterpriseName: `通许县基准测试企业${i + 1}有限公司`,
      sector: SECTORS[i % SECTORS.length],
      locality: localities[i % localities.length],
      category: ISSUE_CATEGORIES[i % ISSUE_CATEGORIES.length],
      description: `第 ${i + 1} 个问题：原料供应中断，需要协调运输和资金`,
      urgency: '一般',
      beyondScope: false,
      major: false,
      reportedOn: ymd,
      contact: '企业办公室',
      phone: `138${String(i).padStart(8, '0')}`,
      assignedUnit: o.unitOf(i),
    };
    const at = day.getTime();
    const { record, notifications } = createIssueRecord(id, row, routeIssue(row, profile, at, calendar), at, profile);
    out.push({
      record,
      workClass: 'industry',
      spreadsheetId: 'bench',
      row: i + 2,
      sourceKey: `bench#issue#${i + 2}`,
      values: {},
      hash: `h${i}`,
      version: 1,
      revision: 1,
      updatedBy: 'bench@tongxu.example',
      pending: Object.fromEntries(notifications.map((n) => [n.key, n])),
      usedTokens: {},
    });
  }
  return out;
}

/** Write new issues through the store (16 at a time), as the sync's create does. */
export async function putIssues(store: Pick<Store, 'putIssue'>, list: readonly StoredIssue[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const rec = list[next++];
      if (!(await store.putIssue(rec, null))) throw new Error(`问题 ${rec.record.id} 写入失败`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

/** One round of bench/http-load.mjs: requests, failures, rate per second, p50 latency (ms), bytes read. */
export interface Load {
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  bytes: number;
}

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

/**
 * GET `url` for `ms` with `concurrency` keep-alive connections from a child process (bench/http-load.mjs,
 * so the server under test keeps its CPU), with `token` as the bearer token; rejects when a request failed.
 */
export function httpLoad(url: string, token: string, ms: number, concurrency: number): Promise<Load> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(BENCH_DIR, 'http-load.mjs'), url, token, String(ms), String(concurrency)], { cwd: resolve(BENCH_DIR, '..') });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', fail);
    child.on('exit', (code) => {
      if (code !== 0) return fail(new Error(`负载进程退出码 ${code}：${err}`));
      const r = JSON.parse(out.trim()) as Load;
      if (r.errors > 0) return fail(new Error(`${r.errors} 个请求失败：${err}`));
      done(r);
    });
  });
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
