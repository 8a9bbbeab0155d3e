// GET /v1/metrics?from=&to= reads only the issues the period may have touched (DigestStore
// issuesForPeriod: open now, changed since the week of `from`, last 办结时限 in the period's weeks),
// and answers exactly what the rates over every stored issue answer, for weeks, a month, a day,
// the whole span and a period after all activity; on a real dynalite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unitRates } from '../../functions/usecases/queries.js';
import { isOpen } from '../../domain/issues/lifecycle.js';
import { addDays, shanghaiDate } from '../../domain/time/time.js';
import { act, at, create, enterprise, issue, unit } from '../unit/lifecycle-fixtures.js';
import { startTestServices, type TestServices } from '../fixtures/local-services.js';
import { makeHarness, RO, storedIssue, type Harness } from './api-helpers.js';

let services: TestServices;
let h: Harness;
// After every action of the seed (the last resolve is 40 days after the last issue).
const NOW = at('2022-09-30T12:00');

/** 48 issues, one every 2½ days from 2022-04-04: signed on time or late, resolved early or late, followed up, returned, reopened. */
async function seed(): Promise<void> {
  for (let n = 0; n < 48; n++) {
    const day = addDays('2022-04-04', Math.floor(n * 2.5));
    const t = (d: number, hh = '10:00') => at(`${addDays(day, d)}T${hh}`);
    const commerce = n % 3 === 1;
    const u = commerce ? 'SWJ' : 'GXJ';
    let rec = create(`WT-${day.replace(/-/g, '')}-${String(n + 1).padStart(3, '0')}`, issue(commerce ? { sector: '商贸流通', category: '物流运输', reportedOn: day } : { reportedOn: day }), t(0)).record;
    if (n % 11 === 5) {
      rec = act(rec, { type: 'return', actor: unit(u), reason: '非本单位职责' }, t(0, '15:00')).record;
    } else if (n % 9 !== 4) {
      rec = act(rec, { type: 'sign', actor: unit(u) }, n % 4 === 0 ? t(3) : t(0, '14:00')).record;
      if (n % 6 !== 5) {
        rec = act(rec, { type: 'resolve', actor: unit(u), result: '已协调解决' }, n % 7 === 0 ? t(40) : t(2)).record;
        if (n % 2 === 0) rec = act(rec, { type: 'follow_up', actor: enterprise, result: n % 8 === 0 ? '不满意' : '满意' }, n % 7 === 0 ? t(41) : t(3)).record;
      }
    }
    expect(await h.store.putIssue(storedIssue(rec, n), null)).toBe(true);
  }
}

beforeAll(async () => {
  services = await startTestServices();
  h = await makeHarness(services, { digestReads: true });
  h.clock.t = NOW;
  await seed();
}, 60_000);
afterAll(async () => {
  await services?.stop();
});

/** The rates over every stored issue (no digest store: the listing of all issues), with the API's profile. */
const everyIssue = () => ({ store: h.store, getProfile: async () => (await h.store.getProfile())?.profile ?? null });

describe('GET /v1/metrics over a period', () => {
  const periods = [
    ['2022-04-04', '2022-04-10'],
    ['2022-05-09', '2022-05-15'],
    ['2022-06-13', '2022-06-19'],
    ['2022-05-01', '2022-05-31'],
    ['2022-06-07', '2022-06-07'],
    ['2022-04-01', '2022-08-15'],
    ['2022-08-08', '2022-08-14'],
  ] as const;

  it.each(periods)('%s – %s: the same rates as over every stored issue', async (from, to) => {
    const all = await unitRates(everyIssue(), { from, to }, NOW);
    const res = await h.call('GET', '/v1/metrics', { as: RO, query: { from, to } });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual(JSON.parse(JSON.stringify(all)));
  });

  it('the seed gives the periods activity, and a recent period reads only part of the history', async () => {
    for (const [from, to] of periods.slice(0, 6)) {
      expect((await unitRates(everyIssue(), { from, to }, NOW)).units.length, `${from}–${to}`).toBeGreaterThan(0);
    }
    const everything = (await h.store.listIssues({})).map((i) => i.record);
    expect(everything).toHaveLength(48);
    // Read: open now, or changed since the period's first Monday, or last 办结时限 in the period's week.
    const from = '2022-06-13';
    const expected = everything.filter(
      (r) => isOpen(r.status) || shanghaiDate(r.updatedAt) >= from || r.assignments.some((a) => a.resolveBy >= from && a.resolveBy <= '2022-06-19'),
    );
    const recent = await h.digests.issuesForPeriod(from, '2022-06-19', NOW);
    expect(recent.map((r) => r.id).sort()).toEqual(expected.map((r) => r.id).sort());
    expect(recent.length).toBeLessThan(everything.length - 10);
  });

  it('refuses a malformed or reversed period in Chinese', async () => {
    const bad = await h.call('GET', '/v1/metrics', { as: RO, query: { from: '2022-06-30', to: '2022-06-01' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain('晚于');
    expect((await h.call('GET', '/v1/metrics', { as: RO, query: { from: '2022-6-1', to: '2022-06-30' } })).status).toBe(400);
  });
});
