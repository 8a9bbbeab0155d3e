// POST /v1/sync and the read endpoints on the real dynalite + SES emulator, with the dev issuer.
import { describe, expect, it } from 'vitest';
import { makeUscc } from '../../domain/rows/uscc.js';
import { useTestServices } from '../fixtures/local-services.js';
import { ADMIN, IND, RO, issueValues, linksOf, makeHarness, PROFILE_TABS, type Harness } from './api-helpers.js';

const services = useTestServices();

describe('bootstrap and authorisation', () => {
  it('lets only a bootstrap admin write configuration before members exist, then members rule', async () => {
    const h = await makeHarness(services, { withProfile: false });
    const stranger = await h.sync('someone@county.example', 'coordination', 'unit', [...PROFILE_TABS.unit]);
    expect(stranger.status).toBe(403);
    expect(stranger.json.error.code).toBe('not_member');
    expect(await h.store.getProfile()).toBeNull();

    const admin = await h.sync(ADMIN, 'coordination', '责任单位', [...PROFILE_TABS.unit]);
    expect(admin.status).toBe(200);
    expect(admin.json.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, true, true, true]);
    expect((await h.store.getProfile())?.profile.units.map((u) => u.code)).toEqual(['U-FGW', 'U-GXJ', 'U-ZHB', 'U-CGZ']);
  });

  it('answers 401 and stores nothing without a valid token', async () => {
    const h = await makeHarness(services);
    const rows = [{ row: 2, values: issueValues() }];
    const none = await h.call('POST', '/v1/sync', { token: null, body: { spreadsheetId: 's', workClass: 'industry', kind: 'issue', rows } });
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe('unauthorized');
    expect(none.json.error.message).toMatch(/身份令牌/);
    const garbage = await h.call('POST', '/v1/sync', { token: 'not.a.jwt', body: { spreadsheetId: 's', workClass: 'industry', kind: 'issue', rows } });
    expect(garbage.status).toBe(401);
    const expired = await h.call('POST', '/v1/sync', { token: await h.issuer.issue(IND, -300), body: { spreadsheetId: 's', workClass: 'industry', kind: 'issue', rows } });
    expect(expired.status).toBe(401);
    expect(await h.store.listIssues({})).toEqual([]);
    expect((await h.call('GET', '/v1/issues', { token: null })).status).toBe(401);
  });

  it('answers 403 for a foreign class tab, a class the member is not in, and a read-only member', async () => {
    const h = await makeHarness(services);
    const unitRows = [{ row: 9, values: { 单位编码: 'U-NEW', 单位名称: '新单位', 类型: '县直部门' } }];
    const foreignTab = await h.sync(IND, 'industry', 'unit', unitRows);
    expect(foreignTab.status).toBe(403);
    expect(foreignTab.json.error.code).toBe('kind_not_allowed');
    const otherClass = await h.sync(IND, 'coordination', 'unit', unitRows);
    expect(otherClass.status).toBe(403);
    expect(otherClass.json.error.code).toBe('not_member');
    const readOnly = await h.sync(RO, 'industry', 'issue', [{ row: 2, values: issueValues() }]);
    expect(readOnly.status).toBe(403);
    expect(readOnly.json.error.code).toBe('read_only');
    expect((await h.store.getProfile())?.profile.units.some((u) => u.code === 'U-NEW')).toBe(false);
    expect(await h.store.listIssues({})).toEqual([]);
  });
});

describe('sync of issues', () => {
  it('routes a new issue, writes back the system columns and mails every unit address the three links', async () => {
    const h = await makeHarness(services);
    const res = await h.sync(IND, 'industry', 'issue', [{ row: 2, values: issueValues() }]);
    expect(res.status).toBe(200);
    const [r] = res.json.results;
    expect(r).toMatchObject({ row: 2, ok: true, id: 'WT-20220606-001', version: 1, errors: [] });
    expect(r.writeBack).toMatchObject({ 编号: 'WT-20220606-001', 责任单位: '县工业和信息化局', 状态: '已交办', 签收时限: '2022-06-07', 办结时限: '2022-06-15' });

    const summary = await h.dispatcher()();
    expect(summary).toEqual({ sent: 2, failed: 0, skipped: 0 });
    const mails = await services.mails();
    expect(mails.map((m) => m.destination.to).sort()).toEqual([['gxj1@county.example'], ['gxj2@county.example']]);
    for (const m of mails) {
      expect(m.subject).toContain('WT-20220606-001');
      expect(m.subject).toContain('原料采购');
      expect(m.body.html).toContain('&lt;script&gt;');
      expect(m.body.html).not.toContain('<script>');
      expect(m.body.html).toContain('示例机械有限公司');
      const links = linksOf(m.body.text ?? '');
      expect(Object.keys(links).sort()).toEqual(['反馈办理结果', '签收', '退回'].sort());
      for (const url of Object.values(links)) {
        expect(url.startsWith('http://127.0.0.1:8787/a/')).toBe(true);
        expect(m.body.html).toContain(url);
      }
      for (const label of ['>签收<', '>退回<', '>反馈办理结果<']) expect(m.body.html).toContain(label);
    }
    expect(await h.store.listOutbox()).toEqual([]);
  });

  it('copies the command units when 超出协调范围, without action links', async () => {
    const h = await makeHarness(services);
    const res = await h.sync(IND, 'industry', 'issue', [{ row: 2, values: issueValues({ 超出协调范围: '是' }) }]);
    expect(res.json.results[0].ok).toBe(true);
    expect(await h.dispatcher()()).toEqual({ sent: 3, failed: 0, skipped: 0 });
    const copy = (await services.mails()).find((m) => m.destination.to[0] === 'zhb@county.example');
    expect(copy?.subject).toContain('问题抄送');
    expect(linksOf(copy?.body.text ?? '')).toEqual({});
  });

  it('changes nothing and sends nothing when the same rows come again', async () => {
    const h = await makeHarness(services);
    const first = await h.sync(IND, 'industry', 'issue', [{ row: 2, values: issueValues() }]);
    await h.dispatcher()();
    const again = await h.sync(IND, 'industry', 'issue', [{ row: 2, values: issueValues() }]);
    expect(again.json.results[0]).toMatchObject({ ok: true, id: first.json.results[0].id, version: 1, outcome: 'unchanged' });
    // With the written-back 编号 and version, as the add-on sends it.
    const withId = await h.sync(IND, 'industry', 'issue', [{ row: 2, version: 1, values: { ...issueValues(), 编号: 'WT-20220606-001', 状态: '已交办' } }]);
    expect(withId.json.results[0]).toMatchObject({ ok: true, id: 'WT-20220606-001', version: 1, outcome: 'unchanged' });
    expect(await h.dispatcher()()).toEqual({ sent: 0, failed: 0, skipped: 0 });
    expect(await services.mails()).toHaveLength(2);
    expect(await h.store.listIssues({})).toHaveLength(1);
  });

  it('reports a stale version as a conflict and keeps the stored row', async () => {
    const h = await makeHarness(services);
    await h.sync(IND, 'industry', 'issue', [{ row: 2, values: issueValues() }]);
    const edit = await h.sync(IND, 'industry', 'issue', [{ row: 2, version: 1, values: issueValues({ 编号: 'WT-20220606-001', 问题描述: '钢材供应中断（已补充）' }) }]);
    expect(edit.json.results[0]).toMatchObject({ ok: true, version: 2, outcome: 'updated' });
    const stale = await h.sync(IND, 'industry', 'issue', [{ row: 2, version: 1, values: issueValues({ 编号: 'WT-20220606-001', 问题描述: '另一份旧表格的修改' }) }]);
    expect(stale.json.results[0]).toMatchObject({ ok: false, version: 2, outcome: 'conflict' });
    expect(stale.json.results[0].errors[0].code).toBe('version_conflict');
    const stored = await h.store.getIssue('WT-20220606-001');
    expect(stored?.record.issue.description).toBe('钢材供应中断（已补充）');
    expect(stored?.version).toBe(2);
  });

  it('keeps the valid rows of a mixed whitelist batch and names the invalid ones', async () => {
    const h = await makeHarness(services);
    const good = (code: string, row: number) => ({
      row,
      values: { 统一社会信用代码: code, 名称: `示例企业${row}`, 所属领域: '工业生产', 所在乡镇: '城关镇', '产值或投资额（万元）': 1200, 状态: '已纳入', 纳入日期: '2022-05-20', 联系人: '办公室', 联系电话: '13800000001' },
    });
    const bad = { row: 3, values: { ...good(ENTERPRISE_BAD, 3).values } };
    const res = await h.sync(IND, 'industry', 'whitelist', [good(makeUscc('91410222MA44ABCD1'), 2), bad, good(makeUscc('91410222MA44ABCD2'), 4)]);
    expect(res.status).toBe(200);
    const [a, b, c] = res.json.results;
    expect(a).toMatchObject({ ok: true, version: 1 });
    expect(c).toMatchObject({ ok: true, version: 1 });
    expect(b.ok).toBe(false);
    expect(b.errors[0]).toMatchObject({ column: '统一社会信用代码', code: 'uscc_checksum' });
    expect((await h.store.listRows('whitelist')).map((r) => r.row).sort()).toEqual([2, 4]);

    const cov = await h.call('GET', '/v1/coverage', { as: IND, query: { at: '2022-06-10' } });
    expect(cov.status).toBe(200);
    const ind = cov.json.sectors.find((s: { sector: string }) => s.sector === '工业生产');
    expect(ind.covered).toBe(2400);
    expect(ind.error).toBe('no_total');
  });

  it('lists issues by unit and status', async () => {
    const h = await makeHarness(services);
    await h.sync(IND, 'industry', 'issue', [
      { row: 2, values: issueValues() },
      { row: 3, values: issueValues({ 问题类别: '用工需求', 问题描述: '缺少技术工人' }) },
    ]);
    const all = await h.call('GET', '/v1/issues', { as: RO });
    expect(all.status).toBe(200);
    expect(all.json.issues).toHaveLength(2);
    const gxj = await h.call('GET', '/v1/issues', { as: RO, query: { unit: 'U-GXJ', status: '已交办' } });
    // Both route to U-GXJ: the rule for 原料采购, the sector lead for the other.
    expect(gxj.json.issues.map((i: { id: string }) => i.id).sort()).toEqual(['WT-20220606-001', 'WT-20220606-002']);
    expect(gxj.json.issues[0]).toMatchObject({ status: '已交办', unit: 'U-GXJ', also: [], overdue: false, escalationLevel: 0, signBy: '2022-06-07' });
    const none = await h.call('GET', '/v1/issues', { as: RO, query: { unit: 'U-GXJ', status: '已签收' } });
    expect(none.json.issues).toEqual([]);
    expect((await h.call('GET', '/v1/issues', { as: 'nobody@county.example' })).status).toBe(403);
  });

  it('enforces the limits with Chinese messages and accepts base64 bodies', async () => {
    const h = await makeHarness(services);
    const many = Array.from({ length: 501 }, (_, i) => ({ row: i + 2, values: issueValues() }));
    const tooMany = await h.sync(IND, 'industry', 'issue', many);
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error).toMatchObject({ code: 'too_many_rows' });
    expect(tooMany.json.error.message).toContain('500');
    const huge = await h.call('POST', '/v1/sync', { as: IND, body: { spreadsheetId: 's', workClass: 'industry', kind: 'issue', rows: [], pad: 'x'.repeat(6 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    const badRow = await h.call('POST', '/v1/sync', { as: IND, body: { spreadsheetId: 's', workClass: 'industry', kind: 'issue', rows: [{ row: 1, values: issueValues() }] } });
    expect(badRow.status).toBe(400);
    expect(badRow.json.error).toMatchObject({ code: 'invalid_request', message: '请求格式不正确：字段 rows.0.row 应为不小于 2 的整数' });
    const b64 = await h.call('POST', '/v1/sync', { as: IND, base64: true, body: { spreadsheetId: 's', workClass: 'industry', kind: '问题诉求', rows: [{ row: 2, values: issueValues() }] } });
    expect(b64.status).toBe(200);
    expect(b64.json.results[0].ok).toBe(true);
    const health = await h.call('GET', '/healthz');
    expect(health).toMatchObject({ status: 200, json: { ok: true } });
    expect((await h.call('GET', '/nope')).json.error.code).toBe('not_found');
  });
});

const ENTERPRISE_BAD = (() => {
  const c = makeUscc('91410222MA44ABCD3');
  const last = c[17] === '0' ? '1' : '0';
  return c.slice(0, 17) + last;
})();
