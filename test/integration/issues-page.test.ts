// GET /v1/issues with `limit` / `cursor` on a real dynalite: one page from an index per request,
// every issue exactly once across the pages, `next` null on the last; without limit and cursor the
// whole listing (older add-ons); bad limits and foreign cursors refused in Chinese.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, at, create, issue, unit } from '../unit/lifecycle-fixtures.js';
import { startTestServices, type TestServices } from '../fixtures/local-services.js';
import { makeHarness, RO, storedIssue, type Harness } from './api-helpers.js';

let services: TestServices;
let h: Harness;

/** 23 issues: 13 to GXJ (7 of them signed, 2 of those resolved), 10 to SWJ (商贸流通). */
async function seed(): Promise<Map<string, { unit: string; status: string }>> {
  const expected = new Map<string, { unit: string; status: string }>();
  for (let n = 0; n < 23; n++) {
    const id = `WT-20220601-${String(n + 1).padStart(3, '0')}`;
    const commerce = n % 7 === 3 || n >= 16;
    let rec = create(id, issue(commerce ? { sector: '商贸流通', category: '物流运输' } : {}), at('2022-06-01T10:00')).record;
    const u = rec.assignments[rec.assignments.length - 1].unit;
    if (!commerce && n % 2 === 0) rec = act(rec, { type: 'sign', actor: unit('GXJ') }, at('2022-06-01T11:00')).record;
    if (!commerce && n % 4 === 0) rec = act(rec, { type: 'resolve', actor: unit('GXJ'), result: '已协调供应' }, at('2022-06-02T11:00')).record;
    expect(await h.store.putIssue(storedIssue(rec, n), null)).toBe(true);
    expected.set(id, { unit: u, status: rec.status });
  }
  return expected;
}

async function allPages(query: Record<string, string>, limit: number): Promise<{ ids: string[]; pages: number; items: { id: string }[] }> {
  const ids: string[] = [];
  const items: { id: string }[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await h.call('GET', '/v1/issues', { as: RO, query: { ...query, limit: String(limit), ...(cursor ? { cursor } : {}) } });
    expect(res.status, res.text).toBe(200);
    expect(res.json.issues.length).toBeLessThanOrEqual(limit);
    ids.push(...res.json.issues.map((i: { id: string }) => i.id));
    items.push(...res.json.issues);
    cursor = res.json.next;
    pages++;
    expect(pages).toBeLessThan(50);
  } while (cursor);
  return { ids, pages, items };
}

let expected: Map<string, { unit: string; status: string }>;
beforeAll(async () => {
  services = await startTestServices();
  h = await makeHarness(services);
  expected = await seed();
}, 60_000);
afterAll(async () => {
  await services?.stop();
});

const idsWhere = (f: (e: { unit: string; status: string }) => boolean) => [...expected].filter(([, e]) => f(e)).map(([id]) => id).sort();

describe('GET /v1/issues pages', () => {
  it('the seed has both units and three statuses', () => {
    expect(new Set([...expected.values()].map((e) => e.unit))).toEqual(new Set(['GXJ', 'SWJ']));
    expect(new Set([...expected.values()].map((e) => e.status))).toEqual(new Set(['已交办', '已签收', '已办结']));
  });

  it('pages through a unit: each issue once, at most `limit` a page, next null at the end', async () => {
    const { ids, pages } = await allPages({ unit: 'GXJ' }, 4);
    expect(ids.length).toBe(new Set(ids).size);
    expect(ids.sort()).toEqual(idsWhere((e) => e.unit === 'GXJ'));
    expect(pages).toBeGreaterThanOrEqual(4);
    const signed = await allPages({ unit: 'GXJ', status: '已签收' }, 2);
    expect(signed.ids.sort()).toEqual(idsWhere((e) => e.unit === 'GXJ' && e.status === '已签收'));
  });

  it('pages through every issue and through a status across units (open and closed)', async () => {
    const paged = await allPages({}, 5);
    expect(paged.ids.sort()).toEqual([...expected.keys()].sort());
    // A page reads only the summary's fields: the summaries equal those of the whole listing.
    const whole = await h.call('GET', '/v1/issues', { as: RO });
    const byId = (xs: { id: string }[]) => [...xs].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(byId(paged.items)).toEqual(byId(whole.json.issues));
    expect(whole.json.issues.find((i: { status: string }) => i.status === '已办结')).toMatchObject({ unit: 'GXJ', resolveBy: expect.any(String), assignments: 1 });
    expect((await allPages({ status: '已交办' }, 3)).ids.sort()).toEqual(idsWhere((e) => e.status === '已交办'));
    expect((await allPages({ status: '已办结' }, 3)).ids.sort()).toEqual(idsWhere((e) => e.status === '已办结'));
  });

  it('answers the whole listing without limit and cursor, and the default page with a cursor only', async () => {
    const whole = await h.call('GET', '/v1/issues', { as: RO, query: { unit: 'SWJ' } });
    expect(whole.json.next).toBeNull();
    expect(whole.json.issues.map((i: { id: string }) => i.id).sort()).toEqual(idsWhere((e) => e.unit === 'SWJ'));
    const first = await h.call('GET', '/v1/issues', { as: RO, query: { limit: '20' } });
    expect(first.json.issues).toHaveLength(20);
    const rest = await h.call('GET', '/v1/issues', { as: RO, query: { cursor: first.json.next } });
    expect(rest.status).toBe(200);
    expect(rest.json.issues).toHaveLength(3);
    expect(rest.json.next).toBeNull();
    expect(rest.json.issues[0]).toMatchObject({ id: expect.stringMatching(/^WT-/), status: expect.any(String), unit: expect.any(String) });
  });

  it('refuses a bad limit and a cursor of another query, in Chinese', async () => {
    for (const limit of ['0', '501', 'ten', '-1', '2.5']) {
      const res = await h.call('GET', '/v1/issues', { as: RO, query: { limit } });
      expect(res.status, limit).toBe(400);
      expect(res.json.error.code).toBe('invalid_limit');
      expect(res.json.error.message).toContain('1–500');
    }
    const page = await h.call('GET', '/v1/issues', { as: RO, query: { unit: 'GXJ', limit: '2' } });
    expect(page.json.next).toEqual(expect.any(String));
    for (const [query, cursor] of [
      [{ unit: 'SWJ' }, page.json.next],
      [{ unit: 'GXJ', status: '已签收' }, page.json.next],
      [{}, page.json.next],
      [{ unit: 'GXJ' }, 'garbage'],
      [{ unit: 'GXJ' }, Buffer.from(JSON.stringify({ q: 'x', k: [] })).toString('base64url')],
    ] as const) {
      const res = await h.call('GET', '/v1/issues', { as: RO, query: { ...query, limit: '2', cursor } });
      expect(res.status).toBe(400);
      expect(res.json.error).toMatchObject({ code: 'invalid_cursor', message: expect.stringContaining('游标') });
    }
  });
});
