// `sibao import` and `sibao token` as child processes against a real embedded stack (in-process,
// dynalite in memory, the demo county profile).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUscc } from '../../domain/rows/uscc.js';
import { createSimClock } from '../../local/clock.js';
import { DEFAULT_PROFILE, seedProfile } from '../../local/demo.js';
import { loadProfile } from '../../local/profile-files.js';
import { startStack, type Stack } from '../../local/stack.js';
import { ROOT, freePort, runSibao } from './cli-child.js';

const INDUSTRY = 'industry-editor@tongxu.example';
const COMMERCE = 'commerce-editor@tongxu.example';
const VALID = join(ROOT, 'examples/valid/白名单.csv');
const DEMO_INDUSTRY = join(ROOT, 'examples/csv/industry/白名单.csv');

let work: string;
let stack: Stack;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sibao-import-'));
  stack = await startStack({ dataDir: work, memory: true, port: 0, sesPort: 0, clock: createSimClock(), dispatchIntervalMs: 0, log: () => {} });
  await seedProfile(stack, await loadProfile(DEFAULT_PROFILE));
});

afterAll(async () => {
  await stack?.stop();
  rmSync(work, { recursive: true, force: true });
});

const importArgs = (...rest: string[]) => ['import', ...rest, '--data', work, '--api', stack.apiUrl];

describe('sibao import', () => {
  it('pushes a valid whitelist through the API as the member: exit 0, rows stored, resend changes nothing', async () => {
    const first = await runSibao(importArgs(VALID, '--as', INDUSTRY, '--class', 'industry'));
    expect(first.stderr).not.toMatch(/错误/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/共 12 行：接受 12 行，拒绝 0 行/);
    const rows = await stack.store.listRows('whitelist', 'industry');
    expect(rows).toHaveLength(12);
    const versions = new Map(rows.map((r) => [r.key, r.version]));

    const again = await runSibao(importArgs(VALID, '--as', INDUSTRY, '--class', '工业生产', '--json'));
    expect(again.code).toBe(0);
    const report = JSON.parse(again.stdout.trim().split('\n').at(-1)!);
    expect(report).toMatchObject({ accepted: 12, rejected: 0 });
    expect(report.files[0]).toMatchObject({ kind: 'whitelist', workClass: 'industry', accepted: 12 });
    const after = await stack.store.listRows('whitelist', 'industry');
    expect(after).toHaveLength(12);
    for (const r of after) expect(r.version).toBe(versions.get(r.key));
  });

  it('prints every rejected row with row, column and Chinese message, and exits 1', async () => {
    const res = await runSibao(importArgs(DEMO_INDUSTRY, '--as', INDUSTRY, '--json'));
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout.trim().split('\n').at(-1)!);
    expect(report.rejected).toBeGreaterThanOrEqual(2);
    expect(report.files[0].workClass).toBe('industry'); // inferred from the folder name
    const bad = report.files[0].rows.filter((r: { ok: boolean }) => !r.ok);
    const row38 = bad.find((r: { row: number }) => r.row === 38);
    expect(row38.errors[0]).toMatchObject({ column: '统一社会信用代码', code: 'uscc_checksum' });
    expect(row38.errors[0].message).toMatch(/[\u4e00-\u9fff]/);

    const text = await runSibao(importArgs(DEMO_INDUSTRY, '--as', INDUSTRY));
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/38\s+统一社会信用代码\s+.+uscc_checksum/);
    expect(text.stdout).toMatch(/39\s+产值或投资额（万元）\s+.+number_range/);
    expect(text.stdout).toMatch(/拒绝 [1-9]\d* 行/);
  });

  it('refuses another class’s tab with 403: exit 2 and a clear message', async () => {
    const res = await runSibao(importArgs(VALID, '--as', COMMERCE, '--class', 'industry'));
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/无权写入（403）/);
  });

  it('exits 2 telling to run npm start when no API answers', async () => {
    const port = await freePort();
    const res = await runSibao(['import', VALID, '--as', INDUSTRY, '--class', 'industry', '--data', work, '--api', `http://127.0.0.1:${port}`]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/无法连接 API/);
    expect(res.stderr).toMatch(/npm start/);
  });

  it('exits 2 on usage errors: no --as, unknown class, no files', async () => {
    const noAs = await runSibao(importArgs(VALID, '--class', 'industry'));
    expect(noAs.code).toBe(2);
    expect(noAs.stderr).toMatch(/--as/);
    const badClass = await runSibao(importArgs(VALID, '--as', INDUSTRY, '--class', 'farming'));
    expect(badClass.code).toBe(2);
    expect(badClass.stderr).toMatch(/未知的专班：farming/);
    const none = await runSibao(['import']);
    expect(none.code).toBe(2);
  });
});

describe('sibao import: the file is the whole tab', () => {
  // The valid whitelist as the commerce class's (12 rows, codes of their own), written to files with
  // rows left out.
  const lines = readFileSync(VALID, 'utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\n')
    .map((l, i) => (i === 0 ? l : l.replace('工业生产', '商贸流通').replace(/^[^,]+/, makeUscc(`91410222MA46${String(i).padStart(5, '0')}`))));
  const [header, ...rows] = lines;
  const codeOf = (line: string) => line.split(',')[0];
  const file = (name: string, body: readonly string[], head = header) => {
    const path = join(work, name);
    writeFileSync(path, `${[head, ...body].join('\n')}\n`);
    return path;
  };
  const commerce = (...rest: string[]) => importArgs(...rest, '--as', COMMERCE, '--class', 'commerce');
  const live = async () => (await stack.store.listRows('whitelist', 'commerce')).map((r) => r.key).sort();

  it('deletes what the file no longer has and prints it; refuses a mass deletion until --allow-deletions; --partial deletes nothing', async () => {
    const all = await runSibao(commerce(file('白名单-全部.csv', rows)));
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/文件中没有的行 0 行，未删除/);
    expect(await live()).toHaveLength(12);

    // Two rows gone from the file, the others reversed: those two are deleted, by id.
    const fewer = await runSibao(commerce(file('白名单-少两行.csv', rows.slice(2).reverse())));
    expect(fewer.code).toBe(0);
    expect(fewer.stdout).toMatch(/删除了文件中没有的 2 行（保留记录，可恢复），现有 10 行/);
    for (const gone of rows.slice(0, 2)) expect(fewer.stdout).toContain(codeOf(gone));
    expect(await live()).toEqual(rows.slice(2).map(codeOf).sort());

    // 7 of 10 would go: refused whole, exit 1, nothing deleted.
    const three = file('白名单-三行.csv', rows.slice(2, 5));
    const refused = await runSibao(commerce(three, '--json'));
    expect(refused.code).toBe(1);
    const report = JSON.parse(refused.stdout.trim().split('\n').at(-1)!);
    expect(report.manifests).toEqual([expect.objectContaining({ kind: 'whitelist', workClass: 'commerce', applied: false, deleted: 0 })]);
    expect(report.manifests[0].message).toContain('--allow-deletions');
    expect(await live()).toHaveLength(10);

    const partial = await runSibao(commerce(three, '--partial'));
    expect(partial.code).toBe(0);
    expect(partial.stdout).not.toMatch(/删除/);
    expect(await live()).toHaveLength(10);

    const confirmed = await runSibao(commerce(three, '--allow-deletions', '--json'));
    expect(confirmed.code).toBe(0);
    const done = JSON.parse(confirmed.stdout.trim().split('\n').at(-1)!);
    expect(done.manifests[0]).toMatchObject({ applied: true, deleted: 7, kept: 3 });
    expect(done.manifests[0].deletedIds.sort()).toEqual(rows.slice(5).map(codeOf).sort());
    expect(await live()).toEqual(rows.slice(2, 5).map(codeOf).sort());

    // Re-importing the whole file restores the deleted rows (same ids, no new rows).
    const back = await runSibao(commerce(file('白名单-全部.csv', rows)));
    expect(back.code).toBe(0);
    expect(await live()).toEqual(rows.map(codeOf).sort());
    expect(await stack.store.listRows('whitelist', 'commerce', { deleted: true })).toHaveLength(12);
  }, 120_000);

  it('sends nothing when a header is misspelled (联系方式 for 联系电话): exit 2 naming the column', async () => {
    const before = await stack.store.listRows('whitelist', 'commerce');
    const bad = file('白名单-表头.csv', rows.slice(0, 1).map((l) => l.replace('通许县', '改名后的')), header.replace('联系电话', '联系方式'));
    const res = await runSibao(commerce(bad));
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/表头有误，未提交任何内容/);
    expect(res.stderr).toMatch(/联系方式.*联系电话.*unknown_header/);
    const after = await stack.store.listRows('whitelist', 'commerce');
    expect(after.map((r) => [r.key, r.version])).toEqual(before.map((r) => [r.key, r.version]));
  });
});

describe('sibao token', () => {
  it('prints a bearer token of the local dev issuer that the API accepts', async () => {
    const res = await runSibao(['token', '--as', INDUSTRY, '--data', work]);
    expect(res.code).toBe(0);
    const token = res.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    const api = await fetch(`${stack.apiUrl}/v1/issues`, { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).toBe(200);
    const anonymous = await fetch(`${stack.apiUrl}/v1/issues`);
    expect(anonymous.status).toBe(401);
  });

  it('exits 2 with a clear message when the stack never ran in that data dir', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'sibao-token-'));
    try {
      const res = await runSibao(['token', '--as', INDUSTRY, '--data', empty]);
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/从未在这里运行过/);
      expect(res.stderr).toMatch(/npm start/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
