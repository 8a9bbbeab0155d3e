// The dashboard's decision queue (SPEC §7.2) in Chromium at 375 px on a REAL local stack (startStack in
// memory, the demo profile, two 其他 inspections synced through POST /v1/sync): the approver's own
// signed link shows each open decision with its answers as signed forms; opening (GET) the page changes
// nothing; the page does not scroll sideways and every button is inside the screen; pressing 批准 posts
// the form and the decision reaches the store; 驳回 without 审批意见 is refused in Chinese. The plain
// read-only link lists the same queue without any form. A 待分派 issue's 分派 form has a select of
// the units (not the triage unit): choosing one and pressing 分派 assigns the issue (已交办 there).
// An inspection whose 计划日期 came while 待审批 carries the badge 计划日期已到; an early one does not.
// An enterprise's own 紧急 (紧急待核实) also needs 核实紧急程度: the form cannot be sent without it;
// 一般 assigns it with the 一般 limits.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboardViewUrl } from '../../functions/usecases/dashboard.js';
import { enterpriseLink } from '../../functions/usecases/link-token.js';
import { DEFAULT_PROFILE, seedProfile } from '../../local/demo.js';
import { loadProfile } from '../../local/profile-files.js';
import { loadOrCreateActionSecret, type Stack } from '../../local/stack.js';
import { makeUscc } from '../../domain/rows/uscc.js';
import { openWatchedPage, scrollWidth } from './browser.js';
import { fitsAndShoot, OUT_DIR, screenshot, usePageEnv } from './page-setup.js';

const APPROVER = 'command-approver@tongxu.example';
let token: string;
let ids: string[];

type SyncResults = { results: { ok: boolean; writeBack: Record<string, string> }[] };

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const r = await fetch(`${env.stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: r.status, json: (await r.json()) as T };
}

const openIds = async () => (await api<{ decisions: { id: string }[] }>('GET', '/v1/decisions')).json.decisions.map((d) => d.id);

/** 其他 inspections of the 县市场监督管理局 (rows from `firstRow`), synced through POST /v1/sync: their 编号. */
async function syncInspections(list: { matter: string; plannedOn: string; code: number }[], firstRow = 2): Promise<string[]> {
  const rows = list.map(({ matter, plannedOn, code }, i) => ({
    row: firstRow + i,
    values: { 发起单位: '县市场监督管理局', 被检查企业代码: makeUscc(`91410222MA${String(code).padStart(7, '0')}`), 检查事项: matter, 检查类别: '其他', 计划日期: plannedOn },
  }));
  const synced = await api<SyncResults>('POST', '/v1/sync', { spreadsheetId: 'e2e-coordination', workClass: 'coordination', kind: 'inspection', rows });
  expect(synced.status).toBe(200);
  return synced.json.results.map((r) => r.writeBack['编号']);
}

const env = usePageEnv('decisions', { start: '2022-06-08T10:00+08:00' }, async (stack: Stack) => {
  const seeded = await seedProfile(stack, await loadProfile(DEFAULT_PROFILE));
  expect(seeded.rejected).toBe(0);
  token = await stack.tokenFor(APPROVER);
  ids = await syncInspections([
    { matter: '食品经营许可现场核查（一家企业名称很长很长很长很长很长的有限责任公司仓储物流中心）', plannedOn: '2022-06-15', code: 41 },
    { matter: '特种设备年度检验', plannedOn: '2022-06-15', code: 42 },
  ]);
  expect(ids).toHaveLength(2);
});

describe('dashboard decision queue at 375 px', () => {
  it('the read-only link lists the queue without any form', async () => {
    const url = dashboardViewUrl(env.stack.apiUrl, [loadOrCreateActionSecret(env.stack.dataDir)], env.stack.clock.now());
    const { context, page } = await openWatchedPage(env.browser, { width: 375, height: 740 });
    const res = await page.goto(url, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    expect(res!.headers()['content-security-policy']).toMatch(/form-action 'none'/);
    await expect(page.getByText('待决事项（2 件）').isVisible()).resolves.toBe(true);
    await expect(page.getByText(ids[0]).first().isVisible()).resolves.toBe(true);
    expect(await page.locator('form').count()).toBe(0);
    expect(await page.locator('button').count()).toBe(0);
    await context.close();
  });

  it('the approver’s page: GET never acts, no sideways scroll, buttons on screen; 驳回 without 意见 refused; 批准 decides', async () => {
    const url = dashboardViewUrl(env.stack.apiUrl, [loadOrCreateActionSecret(env.stack.dataDir)], env.stack.clock.now(), 1, APPROVER);
    const { context, page, dialogs } = await openWatchedPage(env.browser, { width: 375, height: 740 });
    const res = await page.goto(url, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    const csp = res!.headers()['content-security-policy'];
    expect(csp).toMatch(/form-action 'self'/);
    expect(csp).toMatch(/default-src 'none'/);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);

    // Two decisions, two answers each; every form posts; opening the page decided nothing.
    expect(await page.locator('form[method="post"]').count()).toBe(4);
    await page.reload({ waitUntil: 'load' });
    expect(await openIds()).toEqual(expect.arrayContaining(ids));

    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    for (const b of await page.getByRole('button').all()) {
      const box = (await b.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(375);
      expect(box.height).toBeGreaterThanOrEqual(32);
    }
    await screenshot(page, join(OUT_DIR, 'dashboard-decisions-375.png'));

    // A card per decision: its forms are inside it.
    const card = (id: string) => page.locator('div', { hasText: id }).filter({ has: page.locator('form') }).last();
    // 驳回 without 审批意见: refused, nothing decided.
    await card(ids[1]).locator('form', { has: page.getByRole('button', { name: '驳回' }) }).getByRole('button').click();
    await page.waitForLoadState('load');
    await expect(page.locator('body').innerText()).resolves.toContain('审批意见');
    expect(await openIds()).toContain(ids[1]);

    // 批准 with a note: decided, written to the store, gone from the queue.
    await page.goto(url, { waitUntil: 'load' });
    const approve = card(ids[0]).locator('form', { has: page.getByRole('button', { name: '批准' }) });
    await approve.locator('textarea').fill('同意，检查时请勿影响正常生产');
    await approve.getByRole('button').click();
    await page.waitForLoadState('load');
    await expect(page.locator('body').innerText()).resolves.toContain('已批准');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    const listed = await api<{ inspections: { id: string; status: string; opinion: string | null; decidedBy: string | null }[] }>('GET', '/v1/inspections?status=已批准');
    expect(listed.json.inspections.find((i) => i.id === ids[0])).toMatchObject({ status: '已批准', opinion: '同意，检查时请勿影响正常生产', decidedBy: APPROVER });
    expect(await openIds()).not.toContain(ids[0]);
    expect(await openIds()).toContain(ids[1]);

    // The page now lists only the other one.
    await page.goto(url, { waitUntil: 'load' });
    await expect(page.getByText('待决事项（1 件）').isVisible()).resolves.toBe(true);
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it('a 待分派 issue: its 分派 form has a select of the units (not the triage unit); choosing one and pressing 分派 assigns it', async () => {
    // No rule, no 所属领域: routed to triage (牵头单位 of 综合协调, command), 待分派.
    const values = { 反映企业代码: makeUscc('91410222MA0000051'), 企业名称: '示例工业企业51有限公司', 所在乡镇: '玉皇庙镇', 问题类别: '原料采购', 问题描述: '原料价格上涨，采购渠道有限', 紧急程度: '一般', 反映日期: '2022-06-08', 联系人: '企业联络员', 联系电话: '13800000000' };
    const synced = await api<SyncResults>('POST', '/v1/sync', { spreadsheetId: 'e2e-coordination', workClass: 'coordination', kind: 'issue', rows: [{ row: 2, values }] });
    expect(synced.status).toBe(200);
    expect(synced.json.results[0]).toMatchObject({ ok: true, writeBack: { 状态: '待分派' } });
    const id = synced.json.results[0].writeBack['编号'];

    const url = dashboardViewUrl(env.stack.apiUrl, [loadOrCreateActionSecret(env.stack.dataDir)], env.stack.clock.now(), 1, APPROVER);
    const { context, page, dialogs } = await openWatchedPage(env.browser, { width: 375, height: 740 });
    await page.goto(url, { waitUntil: 'load' });
    const form = page.locator('div', { hasText: id }).filter({ has: page.locator('form') }).last().locator('form', { has: page.getByRole('button', { name: '分派' }) });
    const select = form.locator('select[name="unit"]');
    const offered = await select.locator('option').evaluateAll((os) => os.map((o) => o.getAttribute('value')));
    expect(offered).toContain('jtj');
    expect(offered).not.toContain('command');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    const box = (await select.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(375);
    expect(await openIds()).toContain(id);

    await select.selectOption('jtj');
    await form.locator('textarea').fill('属交通运输领域');
    await form.getByRole('button').click();
    await page.waitForLoadState('load');
    await expect(page.locator('body').innerText()).resolves.toContain('已分派');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    const atUnit = await api<{ issues: { id: string; status: string }[] }>('GET', '/v1/issues?unit=jtj&status=已交办');
    expect(atUnit.json.issues.find((i) => i.id === id)).toMatchObject({ id, status: '已交办' });
    expect(await openIds()).not.toContain(id);
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it('an inspection whose 计划日期 came while 待审批 carries 计划日期已到 and its planned day; an early one only its planned day', async () => {
    // Today is 2022-06-08: planned today → flagged; ids[1] (planned 06-15, still open) → not.
    const [lateId] = await syncInspections([{ matter: '消防设施检查', plannedOn: '2022-06-08', code: 43 }], 4);
    const flags = await api<{ inspections: { id: string; plannedReached: boolean }[] }>('GET', '/v1/inspections?status=待审批');
    expect(flags.json.inspections.find((i) => i.id === lateId)).toMatchObject({ plannedReached: true });
    expect(flags.json.inspections.find((i) => i.id === ids[1])).toMatchObject({ plannedReached: false });

    const url = dashboardViewUrl(env.stack.apiUrl, [loadOrCreateActionSecret(env.stack.dataDir)], env.stack.clock.now(), 1, APPROVER);
    const { context, page, dialogs } = await openWatchedPage(env.browser, { width: 375, height: 740 });
    await page.goto(url, { waitUntil: 'load' });
    const card = (id: string) => page.locator('div', { hasText: id }).filter({ has: page.locator('form') }).last();
    const late = await card(lateId).innerText();
    const early = await card(ids[1]).innerText();
    expect(late).toContain('计划日期已到');
    expect(late).toContain('计划 6月8日 检查');
    expect(early).not.toContain('计划日期已到');
    expect(early).toContain('计划 6月15日 检查');
    const badge = card(lateId).getByText('计划日期已到', { exact: true });
    await expect(badge.isVisible()).resolves.toBe(true);
    const box = (await badge.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(375);
    await fitsAndShoot(page, 375, 'dashboard-decisions-planned-375');
    expect(await openIds()).toEqual(expect.arrayContaining([lateId, ids[1]]));
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it('an enterprise’s 紧急 (紧急待核实): shown as such; its 分派 form needs 核实紧急程度; 一般 assigns it with the 一般 limits', async () => {
    const code = makeUscc('91410222MA0000061');
    const email = 'contact61@enterprise.example';
    const industry = await env.stack.tokenFor('industry-editor@tongxu.example');
    const wl = await fetch(`${env.stack.apiUrl}/v1/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${industry}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        spreadsheetId: 'e2e-industry',
        workClass: 'industry',
        kind: 'whitelist',
        rows: [{ row: 2, values: { 统一社会信用代码: code, 名称: '示例工业企业61有限公司', 所属领域: '工业生产', 所在乡镇: '玉皇庙镇', '产值或投资额（万元）': 300, 员工人数: 40, 状态: '已纳入', 纳入日期: '2022-06-01', 联系人: '企业联络员', 联系电话: '13800000061', 联系邮箱: email } }],
      }),
    });
    expect(wl.status).toBe(200);
    const link = enterpriseLink(env.stack.apiUrl, code, email, [loadOrCreateActionSecret(env.stack.dataDir)], env.stack.clock.now());
    const sent = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: env.stack.apiUrl }, body: new URLSearchParams({ category: '原料采购', description: '原料断供，明日停产', urgency: '紧急' }) });
    expect(sent.status).toBe(201);
    const id = /编号 (WT-\d{8}-\d{3})/.exec(await sent.text())![1];

    const url = dashboardViewUrl(env.stack.apiUrl, [loadOrCreateActionSecret(env.stack.dataDir)], env.stack.clock.now(), 1, APPROVER);
    const { context, page, dialogs } = await openWatchedPage(env.browser, { width: 375, height: 740 });
    await page.goto(url, { waitUntil: 'load' });
    const body = await page.locator('body').innerText();
    expect(body).toContain('紧急待核实：企业自报紧急，分派时核实');
    const card = page.locator('div', { hasText: id }).filter({ has: page.locator('form') }).last();
    await expect(card.innerText()).resolves.toContain('紧急待核实');
    const form = card.locator('form', { has: page.getByRole('button', { name: '分派' }) });
    const urgency = form.locator('select[name="urgency"]');
    expect(await urgency.locator('option').evaluateAll((os) => os.map((o) => o.getAttribute('value')))).toEqual(['', '一般', '紧急']);
    const box = (await urgency.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(375);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);

    // A unit but no 核实紧急程度: the browser does not send the form (the select is required).
    await form.locator('select[name="unit"]').selectOption('jtj');
    await form.getByRole('button').click();
    expect(await urgency.evaluate((el) => (el as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing)).toBe(true);
    expect(await openIds()).toContain(id);

    await urgency.selectOption('一般');
    await form.getByRole('button').click();
    await page.waitForLoadState('load');
    await expect(page.locator('body').innerText()).resolves.toContain('已分派');
    const detail = await api<{ issue: { status: string; unit: string; signBy: string; feedbackBy: string; resolveBy: string }; events: { note?: string }[] }>('GET', `/v1/issues/${id}`);
    // Wednesday 2022-06-08, 一般 (1/3/7 working days).
    expect(detail.json.issue).toMatchObject({ status: '已交办', unit: 'jtj', signBy: '2022-06-09', feedbackBy: '2022-06-13', resolveBy: '2022-06-17' });
    expect(JSON.stringify(detail.json.events)).toContain('已核实为一般');
    expect(await openIds()).not.toContain(id);
    expect(dialogs).toEqual([]);
    await context.close();
  });
});
