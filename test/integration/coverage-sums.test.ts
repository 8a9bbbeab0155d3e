// Coverage from the whitelist's per-sector sums kept per day (queries.ts coverageAt): the whitelist
// is read once per day and whitelist version, not on every request; every whitelist write bumps the
// version, so the answer after any writes — concurrent syncs included — is the one a fresh read of
// the whole whitelist gives. On a real dynalite, through the sync API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coverageAt } from '../../functions/usecases/queries.js';
import { computeCoverage } from '../../domain/reports/coverage.js';
import { makeUscc } from '../../domain/rows/uscc.js';
import { startTestServices, type TestServices } from '../fixtures/local-services.js';
import { IND, makeHarness, type Harness } from './api-helpers.js';

let services: TestServices;
let h: Harness;
const DAY = '2022-06-10';

const code = (i: number) => makeUscc(`91410222MA5${String(i).padStart(6, '0')}`);
const row = (i: number, over: Record<string, unknown> = {}) => ({
  row: i + 2,
  values: {
    统一社会信用代码: code(i),
    名称: `示例企业${i}`,
    所属领域: '工业生产',
    所在乡镇: '城关镇',
    '产值或投资额（万元）': 100 + i,
    状态: i % 5 === 4 ? '申报中' : '已纳入',
    纳入日期: i % 5 === 4 ? '' : i % 7 === 3 ? '2022-06-20' : '2022-05-20',
    联系人: '办公室',
    联系电话: '13800000001',
    ...over,
  },
});

/** Coverage as a fresh read of the whole whitelist computes it. */
async function fresh(day = DAY) {
  const [wl, totals, profile] = await Promise.all([h.store.listRows('whitelist'), h.store.listRows('sector_total'), h.store.getProfile()]);
  return computeCoverage({ whitelist: wl.map((r) => r.value), totals: totals.map((r) => r.value), targets: profile?.profile.sectorTargets ?? [], at: day });
}

beforeAll(async () => {
  services = await startTestServices();
  h = await makeHarness(services);
  const res = await h.sync(IND, 'industry', 'whitelist', Array.from({ length: 30 }, (_, i) => row(i)));
  expect(res.json.results.every((r: { ok: boolean }) => r.ok)).toBe(true);
  await h.sync(IND, 'industry', 'sector_total', [{ row: 2, values: { 所属领域: '工业生产', 统计期: '2022-05', '领域总量（万元）': 20_000 } }]);
}, 60_000);
afterAll(async () => {
  await services?.stop();
});

describe('coverage from kept per-sector sums', () => {
  it('answers as a fresh read, then answers again without reading the whitelist', async () => {
    const getProfile = async () => (await h.store.getProfile())?.profile ?? null;
    const deps = { store: h.store, getProfile, settleMs: 0 };
    const first = await coverageAt(deps, DAY);
    expect(first).toEqual(await fresh());
    expect(first.sectors.find((s) => s.sector === '工业生产')!.count).toBeGreaterThan(15);
    const kept = await h.store.getCoverageSums(DAY);
    expect(kept?.version).toBe((await h.store.rowsVersion('whitelist')).version);

    const listed: string[] = [];
    const watching = { ...deps, store: { ...h.store, listRows: ((kind: never) => (listed.push(kind), h.store.listRows(kind))) as typeof h.store.listRows } };
    expect(await coverageAt(watching, DAY)).toEqual(first);
    expect(listed).toEqual(['sector_total']);
    // Another day is summed on its own (a row admitted on 06-20 counts then).
    expect(await coverageAt(watching, '2022-06-25')).toEqual(await fresh('2022-06-25'));
    expect(listed).toContain('whitelist');
  });

  it('reads the whitelist again after a write, and kept sums follow edits, new rows and concurrent syncs', async () => {
    const getProfile = async () => (await h.store.getProfile())?.profile ?? null;
    const deps = { store: h.store, getProfile, settleMs: 0 };
    await coverageAt(deps, DAY);
    const before = (await h.store.rowsVersion('whitelist')).version;
    const edit = await h.sync(IND, 'industry', 'whitelist', [{ ...row(0, { '产值或投资额（万元）': 5_000 }), version: 1 }]);
    expect(edit.json.results[0]).toMatchObject({ ok: true, outcome: 'updated' });
    expect((await h.store.rowsVersion('whitelist')).version).toBeGreaterThan(before);
    expect(await coverageAt(deps, DAY)).toEqual(await fresh());

    // Two syncs of new rows and coverage reads, all at once; then the kept sums are a fresh read's.
    await Promise.all([
      h.sync(IND, 'industry', 'whitelist', Array.from({ length: 20 }, (_, i) => row(100 + i))),
      coverageAt(deps, DAY),
      h.sync(IND, 'industry', 'whitelist', Array.from({ length: 20 }, (_, i) => row(200 + i))),
      coverageAt(deps, DAY),
      coverageAt(deps, DAY),
    ]);
    const after = await coverageAt(deps, DAY);
    expect(after).toEqual(await fresh());
    expect(after.sectors.find((s) => s.sector === '工业生产')!.count).toBeGreaterThan(45);
    expect(await coverageAt(deps, DAY)).toEqual(after);
  });

  it('right after a whitelist write, sums are answered but not kept until the index has settled', async () => {
    const getProfile = async () => (await h.store.getProfile())?.profile ?? null;
    await h.sync(IND, 'industry', 'whitelist', [row(300)]);
    const v = (await h.store.rowsVersion('whitelist')).version;
    const res = await h.call('GET', '/v1/coverage', { as: IND, query: { at: DAY } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual(JSON.parse(JSON.stringify(await fresh())));
    expect((await h.store.getCoverageSums(DAY))?.version ?? -1).toBeLessThan(v);
    expect(await coverageAt({ store: h.store, getProfile, settleMs: 0 }, DAY)).toEqual(await fresh());
    expect((await h.store.getCoverageSums(DAY))?.version).toBe(v);
  });

  it('a manifest that deletes a whitelist row bumps the version like a sync that wrote: the kept sums stop counting it', async () => {
    const getProfile = async () => (await h.store.getProfile())?.profile ?? null;
    const deps = { store: h.store, getProfile, settleMs: 0 };
    const covered = (r: Awaited<ReturnType<typeof coverageAt>>) => r.sectors.find((s) => s.sector === '工业生产')!.covered;
    const kept = await coverageAt(deps, DAY);
    const v = (await h.store.rowsVersion('whitelist')).version;
    expect((await h.store.getCoverageSums(DAY))?.version).toBe(v);

    const live = await h.store.listRows('whitelist', 'industry');
    const gone = live.find((r) => r.value.status === '已纳入' && r.value.admittedOn! <= DAY)!;
    const res = await h.call('POST', '/v1/sync/manifest', {
      as: IND,
      body: { spreadsheetId: 'sheet-industry', workClass: 'industry', kind: 'whitelist', ids: live.filter((r) => r.key !== gone.key).map((r) => r.key) },
    });
    expect(res.json).toMatchObject({ deleted: 1, deletedIds: [gone.key] });
    expect((await h.store.rowsVersion('whitelist')).version).toBe(v + 1);

    const after = await coverageAt(deps, DAY);
    expect(covered(after)).toBeCloseTo(covered(kept) - gone.value.value, 6);
    expect(after).toEqual(await fresh());
    expect((await h.store.getCoverageSums(DAY))?.version).toBe(v + 1);
  });
});
