// The demo week on the embedded stack (local/stack.ts, in memory, free ports), driven through the
// real HTTP endpoints: signings, a return and reassignment, a reopen, overdue and escalation.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimClock, DEMO_START } from '../../local/clock.js';
import { DEFAULT_PROFILE, loadDemo, seedProfile } from '../../local/demo.js';
import { runDemoWeek } from '../../local/demo-week.js';
import { loadProfile } from '../../local/profile-files.js';
import { startStack, type Stack } from '../../local/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    dataDir: await mkdtemp(join(tmpdir(), 'sibao-demo-week-')),
    memory: true,
    port: 0,
    sesPort: 0,
    clock: createSimClock(DEMO_START),
    dispatchIntervalMs: 0,
    log: () => {},
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe('demo week', () => {
  it('runs a week of the closed loop on the simulated clock', { timeout: 120_000 }, async () => {
    const loaded = await loadProfile(DEFAULT_PROFILE);
    await seedProfile(stack, loaded);
    await loadDemo(stack, loaded.profile, { quiet: true });
    const lines: string[] = [];
    const week = await runDemoWeek({ stack, profile: loaded.profile, log: (l) => lines.push(l) });

    expect(week.signed).toBeGreaterThan(5);
    expect(week.returned).toBe(1);
    expect(week.reassigned).toBeGreaterThanOrEqual(1);
    expect(week.progress).toBeGreaterThan(0);
    expect(week.resolved).toBeGreaterThan(3);
    expect(week.followUps).toMatchObject({ 不满意: 1 });
    expect(week.followUps.满意).toBeGreaterThanOrEqual(1);
    expect(week.reopened).toBe(1);
    expect(week.verified).toBeGreaterThanOrEqual(1);
    expect(week.overdue).toBeGreaterThanOrEqual(2);
    expect(week.escalations).toBeGreaterThanOrEqual(2);
    expect(week.batches).toBeGreaterThanOrEqual(1);
    // 政策找企: Tuesday's county policy is pushed (once per enterprise) and answered on Wednesday.
    expect(week.pushes).toBeGreaterThanOrEqual(2);
    expect(week.policyAnswers).toBeGreaterThanOrEqual(2);
    // One of each of the command office's decisions (SPEC §7.2).
    expect(week.decisions).toEqual({ approved: 1, refused: 1, exempt: 3, extended: 1, escalated: 1, batchesAnswered: week.batches });
    const extended = (await stack.store.getIssue(week.roles.extended!))!.record;
    expect(extended.assignments.at(-1)!.resolveBy).toBe('2022-06-24');
    const escalated = (await stack.store.getIssue(week.roles.escalated!))!.record;
    expect(escalated.events.some((e) => e.type === 'report_up')).toBe(true);
    const decided = await stack.store.listDecisions({ type: 'inspection' });
    expect(decided.map((d) => d.status).sort()).toEqual(['免审批', '免审批', '免审批', '已批准', '已驳回']);
    // Ends on Friday 17:00 (the clock runs on in real time while the last steps run).
    expect(week.endedAt - Date.parse('2022-06-10T17:00:00+08:00')).toBeGreaterThanOrEqual(0);
    expect(week.endedAt - Date.parse('2022-06-10T17:00:00+08:00')).toBeLessThan(60_000);

    const returned = (await stack.store.getIssue(week.roles.returned!))!.record;
    expect(returned.returnCount).toBe(1);
    expect(returned.assignments.length).toBeGreaterThanOrEqual(3);
    for (const id of week.roles.overdue) {
      const rec = (await stack.store.getIssue(id))!.record;
      expect(rec.overdue).toBe(true);
      expect(rec.escalationLevel).toBe(1);
    }
    const reopened = (await stack.store.getIssue(week.roles.reopened!))!.record;
    expect(reopened.reopenCount).toBe(1);

    // Every (notification, recipient) mailed once.
    const res = await fetch(`${stack.sesEndpoint}/store`);
    const mails = ((await res.json()) as { emails: { destination: { to: string[] }; body: { text?: string } }[] }).emails;
    const keys = mails.map((m) => `${/^通知编号：(\S+)$/m.exec(m.body.text ?? '')?.[1]}→${m.destination.to.join(',')}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(lines.at(-1)).toContain('周五 17:00');
  });
});
