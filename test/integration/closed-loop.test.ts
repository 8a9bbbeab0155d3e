// The closed loop end to end through the real handlers (API, dispatcher, sweep) on dynalite and the
// SES emulator, on a simulated clock: assign -> sign -> progress -> result -> follow-up -> close, and
// the unhappy paths (退回 and 改派, 不满意 -> 重新办理, overdue -> escalation twice up the chain).
import { describe, expect, it } from 'vitest';
import { useTestServices } from '../fixtures/local-services.js';
import { IND, T0 } from './api-helpers.js';
import { APPROVER, at, CONTACT, duplicates, makeLoopHarness } from './closed-loop-helpers.js';

const services = useTestServices();

const GXJ = ['gxj1@county.example', 'gxj2@county.example'];

describe('closed loop: the happy path', () => {
  it('assign -> sign -> progress -> result -> follow-up -> verify and close, each link acting once', async () => {
    const h = await makeLoopHarness(services);
    const [id] = await h.report([{}]);
    expect(id).toBe('WT-20220606-001');

    const assigned = await h.deliver();
    expect(assigned.map((m) => m.to).sort()).toEqual(GXJ);
    const links = assigned.find((m) => m.to === GXJ[0])!.links;
    expect(Object.keys(links)).toEqual(['签收', '退回', '反馈进展', '反馈办理结果', '申请延期', '申请上报']);
    expect(assigned[0].key).toBe(`${id}#assign#0#unit`);

    // Mail scanners open every link: nothing changes.
    const untouched = await h.store.getIssue(id);
    for (const url of Object.values(links)) expect((await h.get(url)).status).toBe(200);
    expect(await h.store.getIssue(id)).toEqual(untouched);

    h.clock.t = at('2022-06-06T10:00');
    expect((await h.post(links['签收'])).status).toBe(200);
    const second = await h.post(links['签收']);
    expect(second.status).toBe(410);
    expect(second.text).toContain('已使用');

    h.clock.t = at('2022-06-07T15:00');
    const progress = await h.post(links['反馈进展'], { note: '已联系两家本地钢材供应商' });
    expect(progress.status).toBe(200);
    expect((await h.store.getIssue(id))?.record.status).toBe('办理中');

    const missing = await h.post(links['反馈办理结果'], { result: '  ' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('请填写办理结果');
    expect((await h.store.getIssue(id))?.record.status).toBe('办理中');
    // A refused submission does not use the link up.
    expect((await h.post(links['反馈办理结果'], { result: '已协调本地供应商供货 200 吨' })).status).toBe(200);
    const resolved = await h.store.getIssue(id);
    expect(resolved?.record.status).toBe('已办结');
    expect(resolved?.record.result).toBe('已协调本地供应商供货 200 吨');

    const afterResult = await h.deliver();
    const followUp = afterResult.find((m) => m.to === CONTACT)!;
    expect(followUp.subject).toContain('回访');
    expect(followUp.text).toContain('已协调本地供应商供货 200 吨');
    expect(Object.keys(followUp.links)).toEqual(['满意', '基本满意', '不满意']);
    const verify = afterResult.find((m) => m.to === 'zhb@county.example')!;
    expect(verify.subject).toContain('待核实销号');
    expect(Object.keys(verify.links)).toEqual(['核实销号']);

    h.clock.t = at('2022-06-08T09:00');
    const page = await h.get(followUp.links['满意']);
    expect(page.text).toContain('已协调本地供应商供货 200 吨');
    expect((await h.post(followUp.links['满意'], { note: '很及时' })).status).toBe(200);
    expect((await h.store.getIssue(id))?.record.status).toBe('已回访');
    // The other answers of the same mail are spent with it.
    expect((await h.post(followUp.links['不满意'])).status).toBe(410);

    expect((await h.post(verify.links['核实销号'], { note: '电话核实无误' })).status).toBe(200);
    const closed = await h.store.getIssue(id);
    expect(closed?.record.status).toBe('已销号');
    expect(closed?.record.followUp).toBe('满意');

    // Nothing else is owed: no mail, nothing for the sweep, even two weeks later.
    expect(await h.deliver()).toEqual([]);
    h.clock.t = at('2022-06-30T09:00');
    const swept = await h.sweep()();
    expect(swept.notifications).toBe(0);
    expect(await h.deliver()).toEqual([]);
    expect(duplicates(await h.allMails())).toEqual([]);
  });
});

describe('closed loop: unhappy paths', () => {
  it('退回 goes back to triage with its reason; 改派 starts the new unit clock and keeps the old record', async () => {
    const h = await makeLoopHarness(services);
    const [id] = await h.report([{}]);
    const links = (await h.deliver()).find((m) => m.to === GXJ[0])!.links;

    h.clock.t = at('2022-06-07T10:00');
    const noReason = await h.post(links['退回']);
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('请填写退回理由');
    expect((await h.post(links['退回'], { reason: '钢材供应属商务部门职责' })).status).toBe(200);
    const returned = (await h.store.getIssue(id))!.record;
    expect(returned.status).toBe('待分派');
    expect(returned.returnCount).toBe(1);
    expect(returned.assignments.map((a) => [a.unit, a.endReason ?? null, a.triage === true])).toEqual([
      ['U-GXJ', 'returned', false],
      ['U-FGW', null, true],
    ]);
    const triageMail = await h.deliver();
    expect(triageMail.map((m) => m.to)).toEqual(['fgw@county.example']);
    expect(triageMail[0].subject).toContain('退回待分派');
    expect(triageMail[0].text).toContain('钢材供应属商务部门职责');
    // The returned unit's other links are stale now.
    expect((await h.post(links['签收'])).status).toBe(410);

    // Only the command office's approvers may reassign.
    expect((await h.command(id, { action: 'reassign', unit: 'U-CGZ' }, IND)).status).toBe(403);
    expect((await h.call('POST', `/v1/issues/${id}/actions`, { token: null, body: { action: 'reassign', unit: 'U-CGZ' } })).status).toBe(401);
    expect((await h.command(id, { action: 'reassign', unit: 'U-NOPE' })).json.error.code).toBe('unknown_unit');
    expect((await h.command(id, { action: 'fly' })).status).toBe(400);

    h.clock.t = at('2022-06-09T09:00');
    const re = await h.command(id, { action: 'reassign', unit: '城关镇', note: '属地协调' });
    expect(re.status).toBe(200);
    expect(re.json.issue).toMatchObject({ status: '已交办', unit: 'U-CGZ', signBy: '2022-06-10', resolveBy: '2022-06-20' });
    const rec = (await h.store.getIssue(id))!.record;
    // Each unit keeps its own clock: GXJ's from T0, CGZ's from the reassignment.
    expect(rec.assignments[0]).toMatchObject({ unit: 'U-GXJ', assignedAt: T0, signBy: '2022-06-07', resolveBy: '2022-06-15', endReason: 'returned' });
    expect(rec.assignments[2]).toMatchObject({ unit: 'U-CGZ', assignedAt: at('2022-06-09T09:00'), signBy: '2022-06-10' });
    const mails = await h.deliver();
    expect(mails.map((m) => [m.to, m.subject.slice(0, 8)]).sort()).toEqual([
      ['cgz@county.example', '【四保】问题改派'],
      ['fgw@county.example', '【四保】改派告知'],
    ]);

    // GXJ's old, passed deadlines do not make the issue overdue: the current clock is CGZ's.
    h.clock.t = at('2022-06-10T12:00');
    const s = await h.sweep()();
    expect(s.notifications).toBe(0);
    expect((await h.store.getIssue(id))!.record.overdue).toBe(false);
    const cgzLinks = mails.find((m) => m.to === 'cgz@county.example')!.links;
    expect((await h.post(cgzLinks['签收'])).status).toBe(200);
  });

  it('不满意 reopens the issue as 重新办理 on the same unit, counted, with a fresh clock', async () => {
    const h = await makeLoopHarness(services);
    const [id] = await h.report([{}]);
    const links = (await h.deliver()).find((m) => m.to === GXJ[0])!.links;
    h.clock.t = at('2022-06-08T10:00');
    expect((await h.post(links['反馈办理结果'], { result: '已发函协调' })).status).toBe(200);
    const after = await h.deliver();
    const followUp = after.find((m) => m.to === CONTACT)!;
    const verify = after.find((m) => m.to === 'zhb@county.example')!;

    h.clock.t = at('2022-06-09T10:00');
    expect((await h.post(followUp.links['不满意'], { note: '问题仍未解决' })).status).toBe(200);
    const rec = (await h.store.getIssue(id))!.record;
    expect(rec.status).toBe('已交办');
    expect(rec.reopenCount).toBe(1);
    expect(rec.assignments).toHaveLength(2);
    expect(rec.assignments[0]).toMatchObject({ endReason: 'reopened', followUp: '不满意' });
    expect(rec.assignments[1]).toMatchObject({ unit: 'U-GXJ', assignedAt: at('2022-06-09T10:00'), signBy: '2022-06-10' });
    // The verification link belonged to the ended assignment.
    expect((await h.post(verify.links['核实销号'])).status).toBe(410);
    expect((await h.store.getIssue(id))!.record.status).toBe('已交办');

    const reopened = await h.deliver();
    expect(reopened.map((m) => m.to).sort()).toEqual(GXJ);
    expect(reopened[0].subject).toContain('重新办理');
    expect(reopened[0].key).toBe(`${id}#assign#1#unit`);
    expect(reopened[0].text).toContain('已发函协调');
  });

  it('marks overdue with a copy to the command office and escalates twice up the chain, each mail once', async () => {
    const h = await makeLoopHarness(services);
    const [id] = await h.report([{}]);
    await h.deliver();
    const sweep = h.sweep();
    const run = async (local: string) => {
      h.clock.t = at(local);
      const s = await sweep();
      return { s, mails: await h.deliver() };
    };

    // 签收时限 2022-06-07 (Tue): nothing before it ends.
    expect((await run('2022-06-07T12:00')).mails).toEqual([]);
    const overdue = await run('2022-06-08T00:05');
    expect(overdue.mails.map((m) => m.to).sort()).toEqual([...GXJ, 'zhb@county.example'].sort());
    // One mail per reader: the unit's notice, and the command office's own copy (no unit links).
    expect(new Set(overdue.mails.map((m) => m.key))).toEqual(new Set([`${id}#overdue#sign#0#2022-06-07`, `${id}#overdue#sign#0#2022-06-07#command`]));
    for (const m of overdue.mails) expect(m.key.endsWith('#command')).toBe(m.to === 'zhb@county.example');
    expect(overdue.mails[0].subject).toContain('逾期');
    expect(overdue.mails.find((m) => m.to === 'zhb@county.example')!.links).toEqual({});
    // The same instant again: nothing twice.
    const again = await run('2022-06-08T00:05');
    expect(again.s).toMatchObject({ notifications: 0, written: 0 });
    expect(again.mails).toEqual([]);

    // 反馈时限 2022-06-09: reminded at 09:00 on the working day before.
    const remind = await run('2022-06-08T09:05');
    expect(remind.mails.map((m) => m.key)).toEqual([`${id}#remind#feedback#0#2022-06-09`, `${id}#remind#feedback#0#2022-06-09`]);

    // Two working days overdue (06-08, 06-09 end) -> level 1: the unit's 上级单位, 指挥部.
    expect((await run('2022-06-09T23:50')).mails).toEqual([]);
    const level1 = await run('2022-06-10T00:05');
    // The upper unit (here the command office) gets the 督办; the late unit its own notice with links.
    expect(level1.mails.filter((m) => m.key.startsWith(`${id}#escalate#0#1`)).map((m) => m.to).sort()).toEqual([...GXJ, 'zhb@county.example'].sort());
    const upper = level1.mails.find((m) => m.key === `${id}#escalate#0#1`)!;
    expect(upper.to).toBe('zhb@county.example');
    expect(upper.subject).toContain('升级督办（第 1 级）');
    expect(upper.links).toEqual({});
    for (const m of level1.mails.filter((x) => GXJ.includes(x.to))) {
      expect(m.key).toBe(`${id}#escalate#0#1#unit`);
      expect(Object.keys(m.links)).toContain('签收');
    }

    // Four working days (over the weekend: 06-10, 06-13) -> level 2: 县委县政府.
    expect((await run('2022-06-13T18:00')).mails).toEqual([]);
    const level2 = await run('2022-06-14T00:05');
    const lead = level2.mails.filter((m) => m.to === 'lead@county.example');
    expect(lead.map((m) => m.key)).toEqual([`${id}#escalate#0#2`]);
    expect(lead[0].text).toContain('县委县政府');

    // The top of the chain: later sweeps add only the resolve deadline's notices, each once.
    for (const t of ['2022-06-14T09:05', '2022-06-16T00:05', '2022-06-20T00:05', '2022-06-20T00:05']) await run(t);
    const listed = await h.call('GET', '/v1/issues', { as: IND, query: { unit: 'U-GXJ' } });
    expect(listed.json.issues[0]).toMatchObject({ id, overdue: true, escalationLevel: 2 });
    const all = await h.allMails();
    expect(duplicates(all)).toEqual([]);
    // Level 1: 指挥部 (督办) + the unit's two addresses (its notice); level 2: 县领导 (督办) + 指挥部 (copy)
    // + the unit's two addresses.
    expect(all.filter((m) => m.key.includes('#escalate#')).length).toBe(3 + 4);
    expect(all.some((m) => m.key === `${id}#overdue#resolve#0#2022-06-15`)).toBe(true);

    // Signing late clears nothing of the history but stops the sign-deadline chase.
    const links = all.find((m) => m.key === `${id}#assign#0#unit`)!.links;
    expect((await h.post(links['签收'])).status).toBe(200);
  });

  it('延期 moves the resolve deadline with a reason and tells the unit', async () => {
    const h = await makeLoopHarness(services);
    const [id] = await h.report([{}]);
    await h.deliver();
    h.clock.t = at('2022-06-10T10:00');
    const noReason = await h.command(id, { action: 'extend', resolveBy: '2022-06-24' });
    expect(noReason).toMatchObject({ status: 400, json: { error: { code: 'reason_required' } } });
    expect((await h.command(id, { action: 'extend', resolveBy: '2022-06-01', reason: 'x' })).json.error.code).toBe('invalid_date');
    const ok = await h.command(id, { action: 'extend', resolveBy: '2022-06-24', reason: '需协调外地供应商' });
    expect(ok).toMatchObject({ status: 200, json: { issue: { resolveBy: '2022-06-24' } } });
    const mails = await h.deliver();
    expect(mails.map((m) => m.to).sort()).toEqual(GXJ);
    expect(mails[0].subject).toContain('延期');
    expect(mails[0].text).toContain('需协调外地供应商');
    // No resolve-deadline notice on the old date.
    h.clock.t = at('2022-06-16T09:00');
    await h.sweep()();
    expect((await h.deliver()).some((m) => m.key.includes('#resolve#'))).toBe(false);
    expect((await h.command(id, { action: 'verify_close' })).status).toBe(409);
  });
});

describe('unit rates', () => {
  it('reports per-unit rates for a period and ranks only units with at least 3 issues', async () => {
    const h = await makeLoopHarness(services);
    const ids = await h.report([{}, {}, {}, {}]);
    const assign = await h.deliver();
    const linksOf = (id: string) => assign.find((m) => m.key === `${id}#assign#0#unit` && m.to === GXJ[0])!.links;
    h.clock.t = at('2022-06-06T15:00');
    for (const id of ids.slice(0, 3)) expect((await h.post(linksOf(id)['签收'])).status).toBe(200);
    h.clock.t = at('2022-06-08T10:00');
    expect((await h.post(linksOf(ids[0])['反馈办理结果'], { result: '已解决' })).status).toBe(200);
    expect((await h.post(linksOf(ids[1])['退回'], { reason: '非本单位职责' })).status).toBe(200);
    expect((await h.command(ids[3], { action: 'reassign', unit: 'U-CGZ' })).status).toBe(200);
    const fu = (await h.deliver()).find((m) => m.to === CONTACT)!;
    expect((await h.post(fu.links['基本满意'])).status).toBe(200);

    h.clock.t = at('2022-06-30T12:00');
    const res = await h.call('GET', '/v1/metrics', { as: IND, query: { from: '2022-06-06', to: '2022-06-30' } });
    expect(res.status).toBe(200);
    const gxj = res.json.units.find((u: { unit: string }) => u.unit === 'U-GXJ');
    expect(gxj).toMatchObject({ issues: 4, assigned: 4, signedOnTime: 3, signRate: 0.75, followUps: 1, satisfied: 1, satisfactionRate: 1, returned: 1, reopened: 0 });
    const cgz = res.json.units.find((u: { unit: string }) => u.unit === 'U-CGZ');
    expect(cgz).toMatchObject({ issues: 1, assigned: 1 });
    expect(res.json.ranking.ranked.map((u: { unit: string }) => u.unit)).toEqual(['U-GXJ']);

    const bad = await h.call('GET', '/v1/metrics', { as: IND, query: { from: '2022-06-30', to: '2022-06-01' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain('晚于');
    expect((await h.call('GET', '/v1/metrics', { token: null })).status).toBe(401);
  });
});
