// POST /v1/sync/manifest (SPEC §7.1 Deletions, §7.8) on the real dynalite + SES emulator: rows missing
// from a tab's manifest become tombstones (who, when, restorable), the mass-delete guard, the
// refusals, and the configuration effects on the very next request.
import { describe, expect, it } from 'vitest';
import { makeUscc } from '../../domain/rows/uscc.js';
import { generateDigest } from '../../functions/usecases/digest.js';
import { useTestServices } from '../fixtures/local-services.js';
import { ADMIN, BASE, IND, RO, SECRET, issueValues, makeHarness, type Harness } from './api-helpers.js';

const services = useTestServices();

const manifest = (h: Harness, as: string, workClass: string, kind: string, ids: string[], more: Record<string, unknown> = {}) =>
  h.call('POST', '/v1/sync/manifest', { as, body: { spreadsheetId: `sheet-${workClass}`, workClass, kind, ids, ...more } });

const idsOf = (res: { json: { results: { id: string | null }[] } }) => res.json.results.map((r) => r.id!);

const code = (n: number) => makeUscc(`91410222MA45${String(n).padStart(4, '0')}X`);

function whitelistRow(n: number, over: Record<string, unknown> = {}) {
  return {
    row: n + 1,
    values: {
      统一社会信用代码: code(n),
      名称: `企业${n}`,
      所属领域: '工业生产',
      所在乡镇: '城关镇',
      '产值或投资额（万元）': 100,
      状态: '已纳入',
      纳入日期: '2022-05-20',
      联系人: '办公室',
      联系电话: '13800000001',
      ...over,
    },
  };
}

describe('configuration deletions take effect on the next request', () => {
  it('revokes a removed member at once in every container; re-adding the row restores it, and its history says so', async () => {
    const h = await makeHarness(services);
    const other = h.otherContainer();
    // Both containers have read (and cached) the profile with the viewer in it.
    expect((await h.call('GET', '/v1/issues', { as: RO })).status).toBe(200);
    expect((await other('GET', '/v1/issues', { as: RO })).status).toBe(200);

    const members = await h.store.listRows('member');
    const keep = members.filter((m) => m.value.email !== RO).map((m) => m.key);
    const roId = members.find((m) => m.value.email === RO)!.key;
    const res = await manifest(h, ADMIN, 'coordination', 'member', keep);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ deleted: 1, kept: 2, refused: [], deletedIds: [roId] });

    for (const call of [h.call, other]) {
      const denied = await call('GET', '/v1/issues', { as: RO });
      expect(denied.status).toBe(403);
      expect(denied.json.error.message).toContain('不是任何工作专班的成员');
    }
    // Never erased: the tombstone keeps who and when.
    const [tomb] = (await h.store.listRows('member', undefined, { deleted: true })).filter((m) => m.key === roId);
    expect(tomb).toMatchObject({ deletedAt: h.clock.t, deletedBy: ADMIN });

    h.clock.t += 60_000;
    const back = await h.sync(ADMIN, 'coordination', 'member', [{ row: 4, values: { 邮箱: RO, 专班编码: 'industry', 角色: '只读' } }], 'sheet-config');
    expect(back.json.results[0]).toMatchObject({ ok: true, id: roId });
    expect((await other('GET', '/v1/issues', { as: RO })).status).toBe(200);

    const hist = await h.call('GET', '/v1/history', { as: ADMIN, query: { kind: 'member', key: roId } });
    expect(hist.status).toBe(200);
    expect(hist.json.entries.map((e: { op: string }) => e.op)).toEqual(['restore', 'delete', 'create']);
    expect(hist.json.entries[1]).toMatchObject({ by: ADMIN, op: 'delete' });
  });

  it('routes the next issue by the remaining rules once a rule is deleted', async () => {
    const h = await makeHarness(services);
    const rules = await h.sync(ADMIN, 'coordination', 'routing_rule', [
      { row: 2, values: { 优先级: 1, 问题类别: '原料采购', 责任单位: 'U-GXJ' } },
      { row: 3, values: { 优先级: 2, 问题类别: '原料采购', 责任单位: 'U-CGZ' } },
    ], 'sheet-config');
    const [first, second] = idsOf(rules);
    const before = await h.sync(IND, 'industry', 'issue', [{ row: 2, values: issueValues({ 问题描述: '钢材断供' }) }]);
    expect(before.json.results[0].writeBack.责任单位).toBe('县工业和信息化局');

    const res = await manifest(h, ADMIN, 'coordination', 'routing_rule', [second]);
    expect(res.json).toMatchObject({ deleted: 1, kept: 1, deletedIds: [first] });
    const after = await h.sync(IND, 'industry', 'issue', [{ row: 3, values: issueValues({ 问题描述: '煤炭断供' }) }]);
    expect(after.json.results[0].writeBack.责任单位).toBe('城关镇');
    expect((await h.store.getProfile())!.profile.routingRules.map((r) => r.unit)).toEqual(['U-CGZ']);
  });

  it('refuses to delete a unit still in use, and stops applying a deleted SLA rule', async () => {
    const h = await makeHarness(services);
    const units = await h.store.listRows('unit');
    const gxj = units.find((u) => u.value.code === 'U-GXJ')!.key;
    const keep = units.filter((u) => u.value.code === 'U-FGW' || u.value.code === 'U-CGZ').map((u) => u.key);
    // U-GXJ leads the industry class (and U-FGW coordination): it stays. U-ZHB goes.
    const res = await manifest(h, ADMIN, 'coordination', 'unit', keep);
    expect(res.status).toBe(200);
    expect(res.json.deleted).toBe(1);
    expect(res.json.refused).toEqual([expect.objectContaining({ id: gxj, code: 'unit_in_use' })]);
    expect(res.json.refused[0].message).toContain('牵头单位');
    expect((await h.store.getProfile())!.profile.units.map((u) => u.code).sort()).toEqual(['U-CGZ', 'U-FGW', 'U-GXJ']);

    const sla = await h.sync(ADMIN, 'coordination', 'sla_rule', [
      { row: 2, values: { 紧急程度: '一般', '签收时限（工作日）': 3, '反馈时限（工作日）': 5, '办结时限（工作日）': 20 } },
    ], 'sheet-config');
    expect(sla.json.results[0].ok).toBe(true);
    const slow = await h.sync(IND, 'industry', 'issue', [{ row: 2, values: issueValues({ 问题描述: '甲' }) }]);
    expect(slow.json.results[0].writeBack.签收时限).toBe('2022-06-09');
    expect((await manifest(h, ADMIN, 'coordination', 'sla_rule', [])).json.deleted).toBe(1);
    const normal = await h.sync(IND, 'industry', 'issue', [{ row: 3, values: issueValues({ 问题描述: '乙' }) }]);
    // Back to the default SLA (签收 next working day).
    expect(normal.json.results[0].writeBack.签收时限).toBe('2022-06-07');
  });

  it('refuses the last coordination admin and the caller’s own row', async () => {
    const h = await makeHarness(services);
    const res = await manifest(h, ADMIN, 'coordination', 'member', []);
    expect(res.status).toBe(200);
    // ADMIN's own row is refused; the two industry members go.
    expect(res.json.deleted).toBe(2);
    expect(res.json.refused.map((r: { code: string }) => r.code)).toEqual(['last_admin']);
    expect((await h.call('GET', '/v1/issues', { as: ADMIN })).status).toBe(200);
    expect((await h.call('GET', '/v1/issues', { as: IND })).status).toBe(403);
  });
});

describe('whitelist deletions', () => {
  it('counts a deleted row out of coverage from its deletion day and lists it in the digest with who deleted it', async () => {
    const h = await makeHarness(services);
    await h.sync(IND, 'industry', 'sector_total', [{ row: 2, values: { 所属领域: '工业生产', 统计期: '2022-05', '总量（万元）': 1000 } }]);
    const wl = await h.sync(IND, 'industry', 'whitelist', [whitelistRow(1), whitelistRow(2), whitelistRow(3)]);
    const ids = idsOf(wl);
    const covered = async (at: string) => {
      const res = await h.call('GET', '/v1/coverage', { as: IND, query: { at } });
      return res.json.sectors.find((s: { sector: string }) => s.sector === '工业生产').covered;
    };
    expect(await covered('2022-06-06')).toBe(300);

    h.clock.t = Date.parse('2022-06-08T10:00:00+08:00'); // Wednesday
    const res = await manifest(h, IND, 'industry', 'whitelist', [ids[0], ids[2]]);
    expect(res.json).toMatchObject({ deleted: 1, kept: 2, deletedIds: [ids[1]] });
    expect(await covered('2022-06-07')).toBe(300);
    expect(await covered('2022-06-08')).toBe(200);
    expect(await covered('2022-06-09')).toBe(200);

    const digest = await generateDigest(
      { store: h.store, digests: h.digests, config: { countyName: '示例县', publicBaseUrl: BASE, actionSecrets: [SECRET] } },
      '2022-W23',
      Date.parse('2022-06-10T17:00:00+08:00'),
    );
    expect(digest.model.whitelistChanges.removed).toEqual([expect.objectContaining({ code: code(2), date: '2022-06-08', deletedBy: IND })]);
    expect(digest.text).toContain(`从表格中删除（${IND}）`);
    expect(digest.html).toContain(`从表格中删除（${IND}）`);
  });

  it('refuses a mass deletion whole with 409, then applies it with confirmDeletions; a re-added row is restored', async () => {
    const h = await makeHarness(services);
    const wl = await h.sync(IND, 'industry', 'whitelist', Array.from({ length: 10 }, (_, i) => whitelistRow(i + 1)));
    const ids = idsOf(wl);
    const keep = ids.slice(0, 3);

    const refused = await manifest(h, IND, 'industry', 'whitelist', keep);
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ error: { code: 'mass_delete' }, live: 10, wouldDelete: 7, deleted: 0 });
    expect(refused.json.error.message).toContain('--allow-deletions');
    expect(await h.store.listRows('whitelist')).toHaveLength(10);

    // Five rows is not a mass deletion, whatever the share.
    const five = await manifest(h, IND, 'industry', 'whitelist', ids.slice(0, 5));
    expect(five.json).toMatchObject({ deleted: 5, kept: 5 });
    const confirmed = await manifest(h, IND, 'industry', 'whitelist', ids.slice(0, 2), { confirmDeletions: true });
    expect(confirmed.status).toBe(200);
    expect(confirmed.json).toMatchObject({ deleted: 3, kept: 2 });
    expect((await h.store.listRows('whitelist')).map((r) => r.key).sort()).toEqual(ids.slice(0, 2).sort());
    expect(await h.store.listRows('whitelist', undefined, { deleted: true })).toHaveLength(10);

    const back = await h.sync(IND, 'industry', 'whitelist', [whitelistRow(9)]);
    expect(back.json.results[0]).toMatchObject({ ok: true, id: ids[8] });
    expect(await h.store.listRows('whitelist')).toHaveLength(3);
    // A class's manifest never touches another class's rows, and a read-only member may not send one.
    expect((await manifest(h, RO, 'industry', 'whitelist', [])).status).toBe(403);
  });
});

describe('issue rows', () => {
  it('refuses a routed issue (issue_in_progress) and deletes one never routed; GET /v1/issues/{id} gives the row back', async () => {
    const h = await makeHarness(services);
    const res = await h.sync(IND, 'industry', 'issue', [
      { row: 2, values: issueValues() },
      // No rule for 用工 and no 指定责任单位: stored, waiting for the command office.
      { row: 3, values: issueValues({ 问题类别: '用工需求', 所属领域: '交通运输', 问题描述: '缺少熟练工' }) },
    ]);
    const [routed, waiting] = idsOf(res);
    expect(res.json.results[1].writeBack.状态).toBe('待分派');
    await h.dispatcher()();
    const mailsBefore = (await services.mails()).length;

    const m = await manifest(h, IND, 'industry', 'issue', []);
    expect(m.status).toBe(200);
    expect(m.json).toMatchObject({ deleted: 1, kept: 1, deletedIds: [waiting] });
    expect(m.json.refused).toEqual([expect.objectContaining({ id: routed, code: 'issue_in_progress' })]);
    expect(m.json.refused[0].message).toContain('刷新状态');

    const detail = await h.call('GET', `/v1/issues/${routed}`, { as: IND });
    expect(detail.status).toBe(200);
    expect(detail.json.issue).toMatchObject({ id: routed, deleted: false, row: 2 });
    expect(detail.json.issue.values).toMatchObject({ 编号: routed, 问题描述: issueValues().问题描述, 反映企业代码: issueValues().反映企业代码, 责任单位: '县工业和信息化局' });
    expect(detail.json.events.map((e: { type: string }) => e.type)).toContain('assign');
    expect((await h.call('GET', `/v1/issues/${waiting}`, { as: IND })).json.issue.deleted).toBe(true);
    expect((await h.store.listIssues({})).map((s) => s.record.id)).toEqual([routed]);

    // The same rows synced again (the add-on restoring them): nothing new, no mail.
    const again = await h.sync(IND, 'industry', 'issue', [{ row: 2, values: { ...issueValues(), 编号: routed } }]);
    expect(again.json.results[0]).toMatchObject({ ok: true, id: routed, outcome: 'unchanged' });
    expect(await h.dispatcher()()).toEqual({ sent: 0, failed: 0, skipped: 0 });
    expect(await services.mails()).toHaveLength(mailsBefore);
  });

  it('creates nothing and mails nothing when the same file comes reversed, with a row inserted on top', async () => {
    const h = await makeHarness(services);
    const rows = ['甲', '乙', '丙'].map((d, i) => ({ row: i + 2, values: issueValues({ 问题描述: `${d}：钢材断供` }) }));
    const first = await h.sync(IND, 'industry', 'issue', rows);
    expect(first.json.results.map((r: { outcome: string }) => r.outcome)).toEqual(['created', 'created', 'created']);
    await h.dispatcher()();
    const mails = (await services.mails()).length;

    const reversed = [{ values: issueValues({ 问题描述: '丁：新问题' }) }, ...[...rows].reverse()].map((r, i) => ({ row: i + 2, values: r.values }));
    const again = await h.sync(IND, 'industry', 'issue', reversed);
    expect(again.json.results.map((r: { outcome: string }) => r.outcome)).toEqual(['created', 'unchanged', 'unchanged', 'unchanged']);
    expect(again.json.results.slice(1).map((r: { id: string }) => r.id)).toEqual(idsOf(first).reverse());
    await h.dispatcher()();
    // Only the new row's unit mails (two addresses of U-GXJ).
    expect((await services.mails()).length - mails).toBe(2);
    expect(await h.store.listIssues({})).toHaveLength(4);

    // Routing rules from two files are the same rules: nothing doubles.
    const rules = [{ row: 2, values: { 优先级: 1, 问题类别: '原料采购', 责任单位: 'U-GXJ' } }];
    await h.sync(ADMIN, 'coordination', 'routing_rule', rules, 'sheet-other');
    expect(await h.store.listRows('routing_rule')).toHaveLength(1);
  });
});
