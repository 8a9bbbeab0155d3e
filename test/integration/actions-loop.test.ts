// Action links beyond signing: concurrent double submission, stale and already-done links on GET,
// forged action names, and the command-office route's method and identity checks.
import { describe, expect, it } from 'vitest';
import { newNonce, signActionToken } from '../../functions/usecases/action-token.js';
import { useTestServices } from '../fixtures/local-services.js';
import { BASE, SECRET } from './api-helpers.js';
import { at, makeLoopHarness } from './closed-loop-helpers.js';

const services = useTestServices();

describe('action links (closed loop)', () => {
  it('two simultaneous POSTs of one link act once: one 200, one 410', async () => {
    const h = await makeLoopHarness(services);
    const [id] = await h.report([{}]);
    const links = (await h.deliver())[0].links;
    h.clock.t = at('2022-06-06T10:00');
    const results = await Promise.all([h.post(links['反馈进展'], { note: '推进中' }), h.post(links['反馈进展'], { note: '推进中' })]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 410]);
    const rec = (await h.store.getIssue(id))!.record;
    expect(rec.events.filter((e) => e.type === 'progress')).toHaveLength(1);
  });

  it('a GET on a link whose action no longer applies says why and changes nothing', async () => {
    const h = await makeLoopHarness(services);
    const [id] = await h.report([{}]);
    const [a, b] = await h.deliver();
    expect((await h.post(a.links['签收'])).status).toBe(200);
    const before = await h.store.getIssue(id);
    const done = await h.get(b.links['签收']);
    expect(done.status).toBe(410);
    expect(done.text).toContain('当前状态为「已签收」');
    // 反馈进展 still applies after signing: the page is offered.
    expect((await h.get(b.links['反馈进展'])).status).toBe(200);
    expect((await h.post(a.links['退回'], { reason: '非本单位职责' })).status).toBe(200);
    const stale = await h.get(b.links['反馈进展']);
    expect(stale.status).toBe(410);
    expect(stale.text).toContain('链接已失效');
    expect((await h.store.getIssue(id))!.revision).toBe(before!.revision + 1);
  });

  it('refuses a signed link for an action that does not exist, and an enterprise link before 已办结', async () => {
    const h = await makeLoopHarness(services);
    const [id] = await h.report([{}]);
    const exp = Math.floor(h.clock.t / 1000) + 3600;
    const forged = signActionToken({ issueId: id, action: 'delete_everything', unit: 'U-GXJ', recipient: 'x@county.example', assignment: 0, exp, nonce: newNonce() }, [SECRET]);
    expect((await h.post(`${BASE}/a/${forged}`)).status).toBe(403);
    const early = signActionToken({ issueId: id, action: 'follow_up:满意', unit: 'U-GXJ', recipient: 'contact@enterprise.example', assignment: 0, exp, nonce: newNonce() }, [SECRET]);
    const res = await h.post(`${BASE}/a/${early}`);
    expect(res.status).toBe(410);
    expect((await h.store.getIssue(id))!.record.status).toBe('已交办');
  });

  it('the command route accepts only POST with a bearer of a coordination 审批 member', async () => {
    const h = await makeLoopHarness(services);
    const [id] = await h.report([{}]);
    expect((await h.call('GET', `/v1/issues/${id}/actions`, { as: 'approver@county.example' })).status).toBe(405);
    expect((await h.command(id, { action: 'verify_close' }, 'admin@county.example')).status).toBe(403);
    expect((await h.command('WT-20990101-001', { action: 'verify_close' })).status).toBe(404);
    const bad = await h.call('POST', `/v1/issues/${id}/actions`, { as: 'approver@county.example', body: 'not json' as unknown as object });
    expect(bad.status).toBe(400);
  });
});
