// 政策找企 on the local stack (real dynalite, SES emulator, the real handlers): the first run is a
// baseline; admitting an enterprise sends ONE 政策推送 listing exactly its matches with consultants
// and four answer links; a second change the same day sends none (it goes the next day); answers are
// recorded on POST only and a later one replaces an earlier one; `GET /v1/policies/{编号}/matches`;
// the Monday reminder to units that have not filed; the enterprise's page: a new 诉求 is routed and
// mailed, the 11th of the day is refused with a Chinese message, GET never acts.
import { describe, expect, it } from 'vitest';
import { makeDispatchHandler } from '../../functions/handlers/dispatch.js';
import { makePagesHandler } from '../../functions/handlers/pages.js';
import { generateDigest } from '../../functions/usecases/digest.js';
import { makeSweepHandler, type SweepRunSummary } from '../../functions/handlers/sweep.js';
import { useTestServices } from '../fixtures/local-services.js';
import { ADMIN, BASE, ENTERPRISE, IND, issueValues, makeHarness, pageCaller, SECRET, type Harness, type PageCall } from './api-helpers.js';
import type { Mailer } from '../../functions/ports.js';
import { at, parseMail, type Mail } from './closed-loop-helpers.js';

const services = useTestServices();

const CONTACT = 'boss@enterprise.example';

const policy = (row: number, values: Record<string, string | number>) => ({ row, values: { 层级: '县', 政策类别: '财政奖补', 责任单位: 'U-GXJ', ...values } });
const POLICIES = [
  policy(2, { 编号: 'ZC-001', 政策名称: '工业稳产奖补', 适用领域: '工业生产', 最低员工人数: 50 }),
  policy(3, { 编号: 'ZC-002', 政策名称: '商贸消费券', 适用领域: '商贸流通' }),
  policy(4, { 编号: 'ZC-003', 政策名称: '申报已截止的政策', 适用领域: '全部', 申报截止: '2022-06-01' }),
  policy(5, { 编号: 'ZC-004', 政策名称: '城关镇产值奖励', 适用领域: '全部', 适用乡镇: '城关镇', '最低产值（万元）': 500, 有效期至: '2022-12-31' }),
  policy(6, { 编号: 'ZC-005', 政策名称: '员工太少不适用', 适用领域: '全部', 最低员工人数: 51 }),
];
const CONSULTANTS = [
  { row: 2, values: { 单位: 'U-GXJ', 姓名: '政策咨询员（工信局）', 联系电话: '13800009001', 联系邮箱: 'zc@county.example', 负责政策类别: '财政奖补', 公开联系方式: '是' } },
  { row: 3, values: { 单位: 'U-GXJ', 姓名: '金融顾问', 联系电话: '13800009002', 负责政策类别: '金融信贷' } },
];

function whitelist(status: '申报中' | '已纳入', email = CONTACT) {
  return [
    {
      row: 2,
      values: {
        统一社会信用代码: ENTERPRISE,
        名称: '示例机械有限公司',
        所属领域: '工业生产',
        所在乡镇: '城关镇',
        '产值或投资额（万元）': 800,
        员工人数: 50,
        状态: status,
        ...(status === '已纳入' ? { 纳入日期: '2022-06-06' } : {}),
        联系人: '企业办公室',
        联系电话: '13800000000',
        联系邮箱: email,
      },
    },
  ];
}

interface PolicyHarness extends Harness {
  sweep(): Promise<SweepRunSummary>;
  deliver(): Promise<Mail[]>;
  page: PageCall;
}

async function setUp(): Promise<PolicyHarness> {
  const h = await makeHarness(services);
  const ok = async (res: Promise<{ status: number; json: any; text: string }>) => {
    const r = await res;
    if (r.status !== 200 || !r.json.results.every((x: { ok: boolean }) => x.ok)) throw new Error(r.text);
  };
  await ok(h.sync(ADMIN, 'coordination', 'policy', POLICIES, 'sheet-policy'));
  await ok(h.sync(ADMIN, 'coordination', 'consultant', CONSULTANTS, 'sheet-policy'));
  await ok(h.sync(IND, 'industry', 'whitelist', whitelist('申报中')));
  const sweep = makeSweepHandler({ store: h.store, clock: h.clock, policies: h.policies, config: { leaseMs: 0 } });
  const dispatch = makeDispatchHandler({ store: h.store, mailer: h.mailer, clock: h.clock, config: { publicBaseUrl: BASE, actionSecrets: [SECRET] }, policies: h.policies });
  const pages = makePagesHandler({ store: h.store, policies: h.policies, clock: h.clock, config: { actionSecrets: [SECRET] } });
  let seen = (await services.mails()).length;
  return {
    ...h,
    sweep,
    async deliver() {
      await dispatch();
      const all = (await services.mails()).map(parseMail);
      const fresh = all.slice(seen);
      seen = all.length;
      return fresh;
    },
    page: pageCaller(pages),
  };
}

/** The 政策推送 mails among the delivered (the Monday reminders also go on a Monday). */
const pushes = (mails: Mail[]) => mails.filter((m) => m.key.startsWith('push#'));

/** The answer links of a push mail, by policy name then answer. */
function answerLinks(m: Mail): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let current = '';
  for (const line of m.text.split('\n')) {
    const title = /^\d+\. (.+)$/.exec(line);
    if (title) current = title[1];
    const link = /^ {3}(已了解|申请中|已兑现|不适用)：(http\S+)$/.exec(line);
    if (link) (out[current] ??= {})[link[1]] = link[2];
  }
  return out;
}

describe('政策推送', () => {
  it('baseline first, then one push listing exactly the matches on admission; a second change the same day waits for the next day', async () => {
    const h = await setUp();
    h.clock.t = at('2022-06-06T10:00');
    const first = await h.sweep();
    expect(first.policy).toMatchObject({ baseline: true, pushes: 0 });
    expect(pushes(await h.deliver())).toEqual([]);

    // Admitted: the next sweep pushes exactly its matches.
    const res = await h.sync(IND, 'industry', 'whitelist', whitelist('已纳入'));
    expect(res.json.results[0].ok).toBe(true);
    expect((await h.sweep()).policy).toMatchObject({ baseline: false, pushes: 1, matches: 2 });
    const mails = pushes(await h.deliver());
    expect(mails).toHaveLength(1);
    const push = mails[0];
    expect(push.to).toBe(CONTACT);
    expect(push.subject).toContain('政策推送');
    expect(push.key).toBe(`push#${ENTERPRISE}#2022-06-06`);
    const links = answerLinks(push);
    expect(Object.keys(links).sort()).toEqual(['城关镇产值奖励', '工业稳产奖补']);
    for (const l of Object.values(links)) expect(Object.keys(l)).toEqual(['已了解', '申请中', '已兑现', '不适用']);
    expect(push.text).toContain('政策咨询员（工信局），13800009001，zc@county.example');
    expect(push.text).not.toContain('金融顾问');
    expect(push.text).toMatch(/专属页面：http:\/\/127\.0\.0\.1:8787\/e\/e\./);
    for (const absent of ['商贸消费券', '申报已截止的政策', '员工太少不适用']) expect(push.text).not.toContain(absent);

    // Sweeps again and a new matching policy the same day: no second mail today.
    expect((await h.sweep()).policy?.pushes).toBe(0);
    await h.sync(ADMIN, 'coordination', 'policy', [policy(7, { 编号: 'ZC-006', 政策名称: '当天新增的政策', 适用领域: '工业生产' })], 'sheet-policy');
    h.clock.t = at('2022-06-06T15:00');
    expect((await h.sweep()).policy).toMatchObject({ pushes: 0, waiting: 1 });
    expect(pushes(await h.deliver())).toEqual([]);
    const waiting = await h.call('GET', '/v1/policies/ZC-006/matches', { as: ADMIN });
    expect(waiting.status).toBe(200);
    expect(waiting.json).toEqual({ policy: 'ZC-006', matches: [{ enterprise: ENTERPRISE, enterpriseName: '示例机械有限公司', pushedAt: null, feedback: null }] });

    // The next day: one push with only the new policy.
    h.clock.t = at('2022-06-07T09:00');
    expect((await h.sweep()).policy?.pushes).toBe(1);
    const next = pushes(await h.deliver());
    expect(next).toHaveLength(1);
    expect(Object.keys(answerLinks(next[0]))).toEqual(['当天新增的政策']);
    expect((await h.sweep()).policy?.pushes).toBe(0);
    expect(pushes(await h.deliver())).toEqual([]);
  });

  it('answers: GET shows a page and records nothing, POST records, a later answer replaces an earlier one', async () => {
    const h = await setUp();
    h.clock.t = at('2022-06-06T10:00');
    await h.sweep();
    await h.sync(IND, 'industry', 'whitelist', whitelist('已纳入'));
    await h.sweep();
    const [push] = pushes(await h.deliver());
    const links = answerLinks(push)['工业稳产奖补'];

    const shown = await h.page('GET', links['申请中']);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('确认反馈：申请中');
    expect(shown.headers['cache-control']).toBe('no-store');
    const before = await h.call('GET', '/v1/policies/ZC-001/matches', { as: IND });
    expect(before.json.matches[0].feedback).toBeNull();
    expect(before.json.matches[0].pushedAt).toBe(new Date(at('2022-06-06T10:00')).toISOString());

    expect((await h.page('POST', links['申请中'], {})).text).toContain('申请中');
    const applied = await h.call('GET', '/v1/policies/ZC-001/matches', { as: IND });
    expect(applied.json.matches[0].feedback.answer).toBe('申请中');

    h.clock.t = at('2022-06-20T10:00');
    const replaced = await h.page('POST', links['已兑现'], {});
    expect(replaced.status).toBe(200);
    expect(replaced.text).toContain('此前的反馈「申请中」已被替换');
    const after = await h.call('GET', '/v1/policies/ZC-001/matches', { as: IND });
    expect(after.json.matches).toEqual([{ enterprise: ENTERPRISE, enterpriseName: '示例机械有限公司', pushedAt: expect.any(String), feedback: { answer: '已兑现', at: new Date(at('2022-06-20T10:00')).toISOString() } }]);

    const digest = await generateDigest({ store: h.store, digests: h.digests, policies: h.policies, config: { countyName: '示例县', publicBaseUrl: BASE, actionSecrets: [SECRET] } }, '2022-W25', h.clock.now());
    // The digest's 政策找企 part: the week's model (figures.ts) counts the pushes and answers by category.
    expect(digest.model.outreach?.rows).toEqual([{ category: '财政奖补', pushed: 2, pushedThisWeek: 0, applying: 0, delivered: 1, answeredThisWeek: 1 }]);
    expect(digest.model.figures.outreach).toEqual({ policyPushed: 0, policyAnswered: 1, policyApplying: 0, policyDelivered: 1 });
    expect(digest.text).toContain('政策找企：本周政策推送 0 项，本周企业反馈 1 条，政策申请中 0 项，政策已兑现 1 项');
    expect(digest.text).toContain('财政奖补｜累计推送 2｜本周推送 0｜申请中 0｜已兑现 1');
    expect(digest.html).toContain('政策找企');
    expect(digest.html).toContain('本周政策推送 0 项');

    // A tampered link and a bearer-less matches request are refused.
    expect((await h.page('POST', `${links['已了解']}x`, {})).status).toBe(404);
    expect((await h.call('GET', '/v1/policies/ZC-001/matches')).status).toBe(401);
  });

  it('the Monday reminder goes once a week to each unit that has not filed a policy or a consultant', async () => {
    const h = await setUp();
    h.clock.t = at('2022-06-06T08:30'); // Monday before 09:00
    expect((await h.sweep()).policy?.reminders).toBe(0);
    h.clock.t = at('2022-06-06T09:05');
    const s = await h.sweep();
    // U-FGW and 城关镇 filed nothing; U-GXJ has policies and a consultant.
    expect(s.policy?.reminders).toBe(2);
    const mails = await h.deliver();
    expect(mails.map((m) => m.to).sort()).toEqual(['cgz@county.example', 'fgw@county.example']);
    expect(mails.find((m) => m.to === 'fgw@county.example')!.text).toContain('政策清单、政策咨询员');
    h.clock.t = at('2022-06-07T09:05');
    expect((await h.sweep()).policy?.reminders).toBe(0);
    expect(await h.deliver()).toEqual([]);
    h.clock.t = at('2022-06-13T09:05');
    expect((await h.sweep()).policy?.reminders).toBe(2);
  });

  it('a sweep whose deadline step fails on the store still plans the Monday reminders, then fails the run for the alarm', async () => {
    const h = await setUp();
    h.clock.t = at('2022-06-06T09:05');
    const store = { ...h.store, listIssuesDuePage: () => Promise.reject(new Error('DynamoDB 暂时不可用')) };
    const sweep = makeSweepHandler({ store, clock: h.clock, policies: h.policies, config: { leaseMs: 0 } });
    await expect(sweep()).rejects.toThrow('DynamoDB 暂时不可用');
    const mails = await h.deliver();
    expect(mails.map((m) => m.to).sort()).toEqual(['cgz@county.example', 'fgw@county.example']);
  });

  it('pushes and reminders are sent under the dispatcher\'s send rate and run budget together with the issue mails (SES\'s quota is one for all)', async () => {
    const h = await setUp();
    const rate = 3;
    // 8 reminders to 2 addresses each and 2 issues (2 unit addresses each): 20 mails at 3 a second.
    for (let i = 0; i < 8; i++) {
      await h.policies.createMail({ key: `remind#U-T${i}#2022-W23`, template: 'policy_reminder', to: [`t${i}a@county.example`, `t${i}b@county.example`], data: { unit: `U-T${i}`, unitName: `测试单位${i}`, week: '2022-W23', missing: ['政策清单'] }, createdAt: h.clock.now(), status: 'pending' });
    }
    const issues = await h.sync(IND, 'industry', 'issue', [2, 3].map((row) => ({ row, values: issueValues({ 问题描述: `限速测试 ${row}` }) })));
    expect(issues.status, issues.text).toBe(200);
    const starts: number[] = [];
    const stamped: Mailer = {
      send(msg) {
        starts.push(performance.now());
        return h.mailer.send(msg);
      },
    };
    // A run past its budget takes no new item, these mails included: they wait for the next run.
    const late = makeDispatchHandler({ store: h.store, mailer: stamped, clock: h.clock, config: { publicBaseUrl: BASE, actionSecrets: [SECRET], runBudgetMs: -1 }, policies: h.policies });
    expect(await late()).toMatchObject({ sent: 0, failed: 0 });
    expect(await h.policies.listPendingMail()).toHaveLength(8);
    const dispatch = makeDispatchHandler({ store: h.store, mailer: stamped, clock: h.clock, config: { publicBaseUrl: BASE, actionSecrets: [SECRET], maxSendRate: rate }, policies: h.policies });
    const summary = await dispatch();
    expect(summary).toMatchObject({ sent: 20, failed: 0 });
    expect(starts).toHaveLength(20);
    let most = 0;
    for (let i = 0, j = 0; i < starts.length; i++) {
      while (starts[i] - starts[j] >= 1000) j++;
      most = Math.max(most, i - j + 1);
    }
    expect(most).toBeLessThanOrEqual(rate);
    expect(await h.policies.listPendingMail()).toEqual([]);
  });
});

describe('the push plan reads what changed since the last plan', () => {
  it('unchanged: no row or match read; a whitelist write the same day: only that enterprise; a policy write, a deletion or a new day: everything', async () => {
    const h = await setUp();
    const scans: string[] = [];
    const store = { ...h.store, listRows: ((kind: string) => (scans.push(kind), h.store.listRows(kind as never))) as typeof h.store.listRows };
    const matchReads: string[] = [];
    const policies = { ...h.policies, listMatches: (q?: { policy?: string; enterprise?: string }) => (matchReads.push(q?.enterprise ?? 'all'), h.policies.listMatches(q)) };
    const sweep = makeSweepHandler({ store, clock: h.clock, policies, config: { leaseMs: 0 } });
    const whitelistScans = () => scans.filter((k) => k === 'whitelist').length;
    h.clock.t = at('2022-06-06T10:00');

    expect((await sweep()).policy).toMatchObject({ baseline: true, planned: 'all' });
    expect([whitelistScans(), matchReads]).toEqual([1, ['all']]);
    // Nothing changed: the plan stops after the versions.
    expect((await sweep()).policy).toMatchObject({ planned: 'unchanged', pushes: 0 });
    expect([whitelistScans(), matchReads]).toEqual([1, ['all']]);

    // Admitted (the whitelist written, same day): only that enterprise, with its own matches.
    await h.sync(IND, 'industry', 'whitelist', whitelist('已纳入'));
    expect((await sweep()).policy).toMatchObject({ planned: 'changed', pushes: 1, matches: 2 });
    expect([whitelistScans(), matchReads]).toEqual([2, ['all', ENTERPRISE]]);
    expect(pushes(await h.deliver())).toHaveLength(1);
    expect((await sweep()).policy?.planned).toBe('unchanged');
    // A consultant's new phone changes no match: still nothing to plan.
    await h.sync(ADMIN, 'coordination', 'consultant', [{ row: 2, values: { ...CONSULTANTS[0].values, 联系电话: '13800009009' } }], 'sheet-policy');
    expect((await sweep()).policy?.planned).toBe('unchanged');
    // A later whitelist write the same day that changes no match pushes nothing more.
    await h.sync(IND, 'industry', 'whitelist', whitelist('已纳入', 'office@enterprise.example'));
    expect((await sweep()).policy).toMatchObject({ planned: 'changed', pushes: 0, matches: 2 });
    expect(whitelistScans()).toBe(3);

    // A new policy the same day: every enterprise (it waits for tomorrow's push).
    await h.sync(ADMIN, 'coordination', 'policy', [policy(7, { 编号: 'ZC-006', 政策名称: '当天新增的政策', 适用领域: '工业生产' })], 'sheet-policy');
    expect((await sweep()).policy).toMatchObject({ planned: 'all', pushes: 0, waiting: 1 });
    expect(matchReads.at(-1)).toBe('all');
    // The next day with no write: everything again (matching depends on the day); the waiting match pushed.
    h.clock.t = at('2022-06-07T09:00');
    expect((await sweep()).policy).toMatchObject({ planned: 'all', pushes: 1 });
    expect((await sweep()).policy?.planned).toBe('unchanged');

    // A policy deleted by the class's manifest moves the policies' version too.
    const ids = (await h.store.listRowKeys('policy')).filter((k) => k !== 'ZC-002');
    const del = await h.call('POST', '/v1/sync/manifest', { as: ADMIN, body: { spreadsheetId: 'sheet-policy', workClass: 'coordination', kind: 'policy', ids } });
    expect(del.status).toBe(200);
    expect(del.json.deleted).toBe(1);
    expect((await sweep()).policy?.planned).toBe('all');
    expect(pushes(await h.deliver())).toHaveLength(1);
  });
});

describe('the enterprise page /e/{token}', () => {
  async function admitted() {
    const h = await setUp();
    h.clock.t = at('2022-06-06T10:00');
    await h.sweep();
    await h.sync(IND, 'industry', 'whitelist', whitelist('已纳入'));
    await h.sweep();
    const [push] = pushes(await h.deliver());
    const page = /专属页面：(\S+)/.exec(push.text)![1];
    return { h, page };
  }

  it('shows its matched policies; GET never acts; a new 诉求 is routed and mailed; the 11th of the day is refused in Chinese', async () => {
    const { h, page } = await admitted();
    const shown = await h.page('GET', page);
    expect(shown.status).toBe(200);
    expect(shown.headers['cache-control']).toBe('no-store');
    expect(shown.headers['x-robots-tag']).toBe('noindex');
    expect(shown.headers['referrer-policy']).toBe('no-referrer');
    expect(shown.text).toContain('示例机械有限公司');
    expect(shown.text).toContain('工业稳产奖补');
    expect(shown.text).toContain('已反映的问题（0）');
    expect(await h.store.listIssues({})).toHaveLength(0);

    const sent = await h.page('POST', page, { category: '原料采购', description: '钢材<b>供应</b>中断', urgency: '一般' });
    expect(sent.status).toBe(201);
    const id = /编号 (WT-\d{8}-\d{3})/.exec(sent.text)![1];
    const stored = await h.store.getIssue(id);
    expect(stored!.values['来源']).toBe('企业自报');
    expect(stored!.workClass).toBe('industry');
    expect(stored!.record.status).toBe('已交办');
    expect(stored!.record.assignments[0].unit).toBe('U-GXJ');
    // Not the class tab's to delete: a manifest of the class's 问题诉求 without it leaves it alone.
    const manifest = await h.call('POST', '/v1/sync/manifest', { as: IND, body: { spreadsheetId: 'sheet-industry', workClass: 'industry', kind: 'issue', ids: [] } });
    expect(manifest.status, manifest.text).toBe(200);
    expect(manifest.json.deleted).toBe(0);
    expect(JSON.stringify(manifest.json)).not.toContain(stored!.record.id);
    expect((await h.store.getIssue(stored!.record.id))?.record.status).toBe('已交办');
    expect(sent.text).not.toContain('<b>供应</b>');
    const assigned = await h.deliver();
    expect(assigned.map((m) => m.to).sort()).toEqual(['gxj1@county.example', 'gxj2@county.example']);
    expect(assigned[0].text).toContain('钢材<b>供应</b>中断');

    // The page lists it with its deadlines.
    const again = await h.page('GET', page);
    expect(again.text).toContain(id);
    expect(again.text).toContain('企业自报');
    expect(again.text).toContain('办结时限');

    for (let i = 2; i <= 10; i++) expect((await h.page('POST', page, { category: '其他', description: `第 ${i} 条`, urgency: '一般' })).status).toBe(201);
    const eleventh = await h.page('POST', page, { category: '其他', description: '第 11 条', urgency: '一般' });
    expect(eleventh.status).toBe(429);
    expect(eleventh.text).toContain('已达每日上限');
    expect((await h.store.listIssues({})).length).toBe(10);
    // The next day the limit starts again.
    h.clock.t = at('2022-06-07T09:00');
    expect((await h.page('POST', page, { category: '其他', description: '次日', urgency: '一般' })).status).toBe(201);
  });

  it('the 回访 mail of an issue it reported carries its page link', async () => {
    const { h, page } = await admitted();
    const sent = await h.page('POST', page, { category: '原料采购', description: '缺钢材', urgency: '一般' });
    const id = /编号 (WT-\d{8}-\d{3})/.exec(sent.text)![1];
    const [assign] = await h.deliver();
    const resolve = assign.links['反馈办理结果'];
    const r = await h.call('POST', resolve.slice(BASE.length), { form: new URLSearchParams({ result: '已协调供货' }).toString() });
    expect(r.status).toBe(200);
    const followUp = (await h.deliver()).find((m) => m.to === CONTACT)!;
    expect(followUp.key).toContain(`${id}#follow_up`);
    const link = /专属页面[^：]*：(http\S+)/.exec(followUp.text)![1];
    expect(link).toMatch(/\/e\/e\./);
    expect((await h.page('GET', link)).text).toContain(id);
  });

  it('refuses bad input, a foreign origin, a tampered token, and an old link after the contact address changed', async () => {
    const { h, page } = await admitted();
    const bad = await h.page('POST', page, { category: '不存在', description: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('请选择问题类别');
    expect((await h.page('POST', page, { category: '其他', description: 'x' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await h.page('GET', `${page}A`)).status).toBe(404);
    // An /a/ action-link style token never opens the page.
    expect((await h.page('GET', page.replace('/e/e.', '/e/f.'))).status).toBe(404);
    await h.sync(IND, 'industry', 'whitelist', whitelist('已纳入', 'new-boss@enterprise.example'));
    const old = await h.page('GET', page);
    expect(old.status).toBe(404);
    expect(old.text).toContain('联系邮箱已变更');
    expect(await h.store.listIssues({})).toHaveLength(0);
  });
});

describe('public pages /p/', () => {
  const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
  async function withHostilePolicies() {
    const h = await setUp();
    const hostile = [
      policy(8, {
        编号: 'ZC-X1',
        政策名称: `=HYPERLINK("http://evil.example")${HOSTILE}`,
        发文单位: `'><svg onload=alert(3)>`,
        适用领域: '全部',
        适用乡镇: `城关镇；${HOSTILE}`,
        兑现方式: `</section><a href="javascript:alert(4)">点我</a>`,
        链接: 'https://gov.example/zc?a=1&b=2',
      }),
    ];
    const r = await h.sync(ADMIN, 'coordination', 'policy', hostile, 'sheet-policy');
    expect(r.json.results[0].ok).toBe(true);
    const c = await h.sync(ADMIN, 'coordination', 'consultant', [{ row: 4, values: { 单位: 'U-GXJ', 姓名: '咨<b onclick=x>询员', 联系电话: '13800009003', 联系邮箱: 'hostile@county.example', 负责政策类别: '全部', 公开联系方式: '是' } }], 'sheet-policy');
    expect(c.json.results[0].ok).toBe(true);
    return h;
  }

  it('no login, cacheable, no email address on any /p/ page, and no cell can inject markup', async () => {
    const h = await withHostilePolicies();
    for (const path of ['/p/policies', '/p/policies.json', '/p/mechanisms', '/p/policies?sector=工业生产&category=财政奖补&level=县']) {
      const r = await h.page('GET', path);
      expect(r.status, path).toBe(200);
      expect(r.headers['cache-control'], path).toBe('public, max-age=300');
      // Not one address of a person (the consultants', units' and enterprises' mail are all stored).
      expect(r.text, path).not.toMatch(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/);
      expect(r.text, path).not.toContain('@');
    }
    const page = (await h.page('GET', '/p/policies')).text;
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<svg');
    expect(page).not.toMatch(/href="javascript:/i);
    expect(page).not.toMatch(/<a [^>]*onerror|onload=alert\(3\)>/);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('href="https://gov.example/zc?a=1&amp;b=2"');
    expect(page).toContain('咨&lt;b onclick=x&gt;询员 13800009003');
    expect(page).not.toContain('<b onclick');
    // The public phone only where 公开联系方式 is 是.
    expect(page).toContain('13800009001');
    expect(page).not.toContain('13800009002');
    const json = JSON.parse((await h.page('GET', '/p/policies.json')).text);
    expect(json).toMatchObject({ county: expect.any(String), updatedAt: expect.any(String) });
    const x1 = json.policies.find((p: { 编号?: string }) => p.编号 === 'ZC-X1');
    expect(x1.政策名称).toContain('<script>');
    expect(x1.consultants.map((c: { 姓名: string }) => c.姓名)).toContain('咨<b onclick=x>询员');
    for (const c of json.policies.flatMap((p: { consultants: object[] }) => p.consultants)) expect(Object.keys(c).sort()).toEqual(expect.arrayContaining(['单位', '姓名']));
  });

  it('filters by sector, category and level; ignores unknown filter values; lists only policies in force', async () => {
    const h = await withHostilePolicies();
    h.clock.t = at('2022-06-06T10:00');
    const names = async (q: string) => JSON.parse((await h.page('GET', `/p/policies.json${q}`)).text).policies.map((p: { 政策名称: string }) => p.政策名称);
    const all = await names('');
    expect(all).toHaveLength(6);
    expect(await names('?sector=商贸流通')).not.toContain('工业稳产奖补');
    expect(await names('?sector=商贸流通')).toContain('商贸消费券');
    expect(await names('?category=金融信贷')).toEqual([]);
    expect(await names('?level=<script>')).toHaveLength(6);
    h.clock.t = at('2023-01-01T10:00');
    expect(await names('')).not.toContain('城关镇产值奖励');
    const html = (await h.page('GET', '/p/policies?sector=商贸流通')).text;
    expect(html).toContain('<option value="商贸流通" selected>');
    expect(html).toContain('name="viewport" content="width=device-width,initial-scale=1"');
  });

  it('the mechanisms page names the classes, the time limits in force and the escalation path', async () => {
    const h = await setUp();
    const r = (await h.page('GET', '/p/mechanisms')).text;
    expect(r).toContain('综合协调');
    expect(r).toContain('牵头单位：县发展改革委');
    expect(r).toContain('签收 1 天，反馈 3 天，办结 7 天');
    expect(r).toContain('逾期升级');
  });
});
