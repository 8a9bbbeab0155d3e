// GET /v1/dashboard on the real dynalite with the dev issuer: who may open it (bearer of a
// coordination or supervision member, or the signed view link), and what it shows — an issue synced
// through the API appears in the ledger, turns overdue once the clock passes its sign deadline and
// the sweep runs, and leaves the ledger for the to-do list when resolved.
// Link statuses: tampered or malformed 403, expired 410 (see functions/http/dashboard-route.ts). The
// Friday digest mail carries a signed 实时看板 link that opens the page.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApiHandler } from '../../functions/handlers/api.js';
import { DASHBOARD_PATH, dashboardViewUrl } from '../../functions/usecases/dashboard.js';
import { makeDigestHandler } from '../../functions/handlers/digest.js';
import { signDigestView } from '../../functions/usecases/digest-view.js';
import { createIdentityVerifier } from '../../functions/adapters/identity.js';
import { makeSweepHandler } from '../../functions/handlers/sweep.js';
import { startTestServices, type TestServices } from '../fixtures/local-services.js';
import { ADMIN, BASE, IND, issueValues, makeHarness, SECRET, type Harness } from './api-helpers.js';

const SUP = 'sup@county.example';

let services: TestServices;
let h: Harness;
let dashboard: (o?: { token?: string; sig?: string; method?: string; path?: string }) => Promise<{ status: number; body: string; headers: Record<string, unknown> }>;

beforeAll(async () => {
  services = await startTestServices();
  h = await makeHarness(services);
  // A supervision member (read-only): the class needs its 工作专班 row first.
  const cls = await h.sync(ADMIN, 'coordination', 'work_class', [{ row: 4, values: { 专班编码: 'supervision', 名称: '督办督查', 牵头单位: 'U-FGW' } }], 'sheet-config');
  const added = await h.sync(ADMIN, 'coordination', 'member', [{ row: 5, values: { 邮箱: SUP, 专班编码: 'supervision', 角色: '只读' } }], 'sheet-config');
  expect([cls.json.results[0].ok, added.json.results[0].ok]).toEqual([true, true]);
  expect((await h.store.getProfile())?.profile.members.map((m) => m.email)).toContain(SUP);
  // The harness's API has no digest store; the dashboard needs one: the same wiring with it.
  const api = makeApiHandler({
    store: h.store,
    clock: h.clock,
    identity: createIdentityVerifier({ issuers: [{ iss: h.issuer.iss, jwks: h.issuer.jwks }], audience: h.issuer.aud }),
    config: { publicBaseUrl: BASE, actionSecrets: [SECRET], bootstrapAdmins: [ADMIN], countyName: '示例县' },
    digests: h.digests,
  });
  dashboard = async (o = {}) => {
    const event = {
      version: '2.0',
      rawPath: o.path ?? DASHBOARD_PATH,
      rawQueryString: o.sig ? `sig=${o.sig}` : '',
      queryStringParameters: o.sig ? { sig: o.sig } : undefined,
      headers: o.token ? { authorization: `Bearer ${o.token}` } : {},
      requestContext: { http: { method: o.method ?? 'GET', path: o.path ?? DASHBOARD_PATH } },
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    const res = await api(event);
    return { status: res.statusCode ?? 0, body: String(res.body ?? ''), headers: res.headers ?? {} };
  };
}, 60_000);

afterAll(async () => {
  await services?.stop();
});

const sigOf = (url: string) => new URL(url).searchParams.get('sig')!;
/** The table row of the page that holds `id`. */
const rowOf = (html: string, id: string) => html.match(new RegExp(`<tr>(?:(?!</tr>).)*${id}(?:(?!</tr>).)*</tr>`))?.[0];

describe('GET /v1/dashboard: access', () => {
  it('answers 401 in Chinese without credentials, with the strict page headers', async () => {
    const res = await dashboard();
    expect(res.status).toBe(401);
    expect(res.body).toContain('需要登录');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });

  it('answers 401 for an invalid bearer and 403 for an industry editor', async () => {
    expect((await dashboard({ token: 'not.a.jwt' })).status).toBe(401);
    const res = await dashboard({ token: await h.issuer.issue(IND) });
    expect(res.status).toBe(403);
    expect(res.body).toContain('无权查看');
    expect(res.body).toContain(IND);
  });

  it('answers 200 for a coordination member and a supervision member', async () => {
    for (const who of [ADMIN, SUP]) {
      const res = await dashboard({ token: await h.issuer.issue(who) });
      expect([who, res.status]).toEqual([who, 200]);
      expect(res.body).toContain('示例县“四保”白名单指挥部看板');
      expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    }
    const head = await dashboard({ token: await h.issuer.issue(ADMIN), method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await dashboard({ token: await h.issuer.issue(ADMIN), method: 'POST' })).status).toBe(405);
  });

  it('answers 200 with a valid signed link, 403 with a tampered one, 410 with an expired one', async () => {
    const url = dashboardViewUrl(BASE, [SECRET], h.clock.now());
    expect(url.startsWith(`${BASE}/v1/dashboard?sig=`)).toBe(true);
    const sig = sigOf(url);
    const ok = await dashboard({ sig });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('一、核心指标');

    const flipped = sig.slice(0, -1) + (sig.endsWith('A') ? 'B' : 'A');
    expect((await dashboard({ sig: flipped })).status).toBe(403);
    const laterExp = `${Number(sig.split('.')[0]) + 86_400}.${sig.split('.')[1]}`;
    expect((await dashboard({ sig: laterExp })).status).toBe(403);
    expect((await dashboard({ sig: 'garbage' })).status).toBe(403);
    // A digest view link (bound to a week) does not open the dashboard.
    const exp = Math.floor(h.clock.now() / 1000) + 3600;
    expect((await dashboard({ sig: signDigestView('2022-W23', exp, [SECRET]) })).status).toBe(403);
    // Signed with another key.
    expect((await dashboard({ sig: sigOf(dashboardViewUrl(BASE, ['another-secret-0123456789abcdef0123'], h.clock.now())) })).status).toBe(403);

    const saved = h.clock.t;
    try {
      h.clock.t = saved + 31 * 86_400_000;
      const expired = await dashboard({ sig });
      expect(expired.status).toBe(410);
      expect(expired.body).toContain('看板链接已过期');
      // A bad link with a good bearer: the bearer decides.
      expect((await dashboard({ sig, token: await h.issuer.issue(ADMIN) })).status).toBe(200);
    } finally {
      h.clock.t = saved;
    }
  });
});

describe('GET /v1/dashboard: content', () => {
  it('lists an issue synced through the API, shows it overdue after its deadline and a sweep, then as awaiting verification', async () => {
    const synced = await h.sync(IND, 'industry', 'issue', [{ row: 2, values: issueValues({ 企业名称: '示例看板机械有限公司' }) }]);
    expect(synced.status).toBe(200);
    const id: string = synced.json.results[0].id;
    expect(id).toMatch(/^WT-20220606-\d{3}$/);
    const token = await h.issuer.issue(ADMIN);

    // Monday: assigned to 县工业和信息化局 (routing rule 原料采购), sign by Tuesday 06-07.
    let page = (await dashboard({ token })).body;
    let row = rowOf(page, id);
    expect(row).toBeDefined();
    expect(row).toContain('示例看板机械有限公司');
    expect(row).toContain('县工业和信息化局');
    expect(row).toContain('签收 6月7日');
    expect(row).not.toContain('逾期');
    expect(page).toContain('已交办（1 件）');
    // The description's markup never reaches the page unescaped.
    expect(page).not.toMatch(/<script/i);

    // Wednesday 09:00: the sign deadline has passed; the sweep marks it overdue.
    h.clock.t = Date.parse('2022-06-08T09:00:00+08:00');
    const swept = await makeSweepHandler({ store: h.store, clock: h.clock })();
    expect(swept.swept).toBeGreaterThan(0);
    expect((await h.store.getIssue(id))?.record.overdue).toBe(true);
    page = (await dashboard({ token })).body;
    row = rowOf(page, id);
    expect(row).toContain('逾期');
    expect(row).toContain('逾期 1 天');
    expect(page).toContain('已交办（1 件，逾期 1）');
    expect(page).toMatch(/当前逾期<\/div><div[^>]*>1 件/);

    // Resolved (as the unit's link would leave it): off the open ledger, on the to-do list (byUnit).
    const stored = (await h.store.getIssue(id))!;
    const rec = structuredClone(stored.record);
    const a = rec.assignments[rec.assignments.length - 1];
    a.signedAt = h.clock.t;
    a.resolvedAt = h.clock.t;
    rec.status = '已办结';
    rec.overdue = false;
    rec.updatedAt = h.clock.t;
    expect(await h.store.putIssue({ ...stored, record: rec }, stored.revision)).toBe(true);
    // A week later, so the issue is not in this week's activity partition: only byUnit finds it.
    h.clock.t = Date.parse('2022-06-14T10:00:00+08:00');
    page = (await dashboard({ token })).body;
    expect(page).toContain('已交办（0 件）');
    expect(page).toContain('待核实销号（1 件）');
    row = rowOf(page, id);
    expect(row).toContain('待回访');
    expect(row).toContain('6 天');
  });
});

describe('GET /v1/dashboard/issues/{id}: the issue page with its timeline', () => {
  it('links each issue of the dashboard to its page, which lists every event newest first, with the same access', async () => {
    const synced = await h.sync(IND, 'industry', 'issue', [{ row: 9, values: issueValues({ 企业名称: '时间线机械有限公司', 问题描述: '焦炭断供' }) }]);
    const id: string = synced.json.results[0].id;
    // An edit after routing: 问题描述 changed → 补充说明 to the unit.
    const edited = await h.sync(IND, 'industry', 'issue', [{ row: 9, version: 1, values: { ...issueValues({ 企业名称: '时间线机械有限公司', 问题描述: '焦炭断供，<b>已停产</b>' }), 编号: id } }]);
    expect(edited.json.results[0].writeBack.处理说明).toContain('补充说明');

    const sig = sigOf(dashboardViewUrl(BASE, [SECRET], h.clock.now()));
    const board = await dashboard({ sig });
    const href = `/v1/dashboard/issues/${id}?sig=${encodeURIComponent(sig)}`;
    expect(board.body).toContain(`href="${href.replaceAll('&', '&amp;')}"`);

    const page = await dashboard({ sig, path: `/v1/dashboard/issues/${id}` });
    expect(page.status).toBe(200);
    expect(page.body).toContain('办理经过');
    const timeline = page.body.slice(page.body.indexOf('办理经过'), page.body.indexOf('问题信息'));
    // Newest first: the 补充说明 before the 交办.
    expect(timeline.indexOf('补充说明')).toBeGreaterThan(-1);
    expect(timeline.indexOf('补充说明')).toBeLessThan(timeline.indexOf('交办'));
    expect(page.body).toContain('&lt;b&gt;已停产&lt;/b&gt;');
    expect(page.body).not.toContain('<b>已停产</b>');
    expect(page.body).toContain('时间线机械有限公司');

    expect((await dashboard({ path: `/v1/dashboard/issues/${id}` })).status).toBe(401);
    expect((await dashboard({ token: await h.issuer.issue(IND), path: `/v1/dashboard/issues/${id}` })).status).toBe(403);
    expect((await dashboard({ token: await h.issuer.issue(ADMIN), path: `/v1/dashboard/issues/${id}` })).status).toBe(200);
    expect((await dashboard({ sig, path: '/v1/dashboard/issues/WT-20220606-999' })).status).toBe(404);
  });
});

describe('the digest mail links the dashboard', () => {
  it('carries a signed 实时看板 link (text and HTML part) that opens the page', async () => {
    h.clock.t = Date.parse('2022-06-17T17:00:00+08:00');
    await services.clearMails();
    const run = makeDigestHandler({
      store: h.store,
      digests: h.digests,
      mailer: h.mailer,
      clock: h.clock,
      config: { countyName: '示例县', publicBaseUrl: BASE, actionSecrets: [SECRET] },
    });
    const res = await run({ week: '2022-W24', send: true });
    expect(res.delivered).toBeGreaterThan(0);
    const mail = (await services.mails()).find((m) => m.subject.includes('督办督查周报'))!;
    const link = /^实时看板：(\S+)$/m.exec(mail.body.text ?? '')?.[1];
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:8787\/v1\/dashboard\?sig=\d+\.[A-Za-z0-9_-]{43}$/);
    expect(mail.body.html).toContain(`实时看板：<a href="${link}"`);
    const page = await dashboard({ sig: sigOf(link!) });
    expect(page.status).toBe(200);
    expect(page.body).toContain('四、在办问题台账');
  });
});
