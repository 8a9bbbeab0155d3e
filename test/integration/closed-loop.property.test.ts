// Property, through the real handlers on dynalite + the SES emulator: random sequences of link
// clicks (GET and POST, valid, repeated, tampered, expired), command-office actions and sweeps at
// increasing simulated times never leave SPEC §4's states, never change anything on GET or with a
// bad token, and the emulator never receives two mails with the same (notification key, recipient).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUE_STATUSES } from '../../domain/rows/kinds.js';
import { newNonce, signActionToken } from '../../functions/usecases/action-token.js';
import type { StoredIssue } from '../../functions/ports.js';
import { startTestServices, type TestServices } from '../fixtures/local-services.js';
import { BASE, SECRET, T0 } from './api-helpers.js';
import { duplicates, makeLoopHarness, type LoopHarness } from './closed-loop-helpers.js';

let services: TestServices;
beforeAll(async () => {
  services = await startTestServices();
});
afterAll(async () => {
  await services?.stop();
});

const FORM_TEXT = fc.constantFrom('', '  ', '已协调解决', '非本单位职责', '正在推进<b>中</b>');

type Step =
  | { kind: 'post'; link: number; text: string; twice: boolean }
  | { kind: 'get'; link: number }
  | { kind: 'tamper'; link: number }
  | { kind: 'expired'; link: number }
  | { kind: 'sweep'; advanceMin: number }
  | { kind: 'command'; issue: number; action: 'reassign' | 'extend' | 'verify_close' | 'follow_up'; unit: string; result: string };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('post' as const), link: fc.nat(), text: FORM_TEXT, twice: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('get' as const), link: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tamper' as const), link: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expired' as const), link: fc.nat() }) },
  // up to ~3 days forward
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('sweep' as const), advanceMin: fc.integer({ min: 0, max: 3 * 24 * 60 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('command' as const),
      issue: fc.nat(),
      action: fc.constantFrom('reassign' as const, 'extend' as const, 'verify_close' as const, 'follow_up' as const),
      unit: fc.constantFrom('U-GXJ', 'U-CGZ', 'U-FGW'),
      result: fc.constantFrom('满意', '不满意'),
    }),
  },
);

const OK_STATUSES = new Set([200, 400, 403, 409, 410]);

function checkRecord(s: StoredIssue, closedBefore: boolean): void {
  const r = s.record;
  expect(ISSUE_STATUSES).toContain(r.status);
  if (closedBefore) expect(r.status).toBe('已销号');
  const last = r.assignments.length - 1;
  r.assignments.forEach((a, i) => (i < last ? expect(a.endedAt).toBeTypeOf('number') : expect(a.endedAt).toBeUndefined()));
  const cur = r.assignments[last];
  if (r.status === '待分派') expect(cur.triage).toBe(true);
  if (r.status === '已签收' || r.status === '办理中') expect(cur.signedAt).toBeTypeOf('number');
  if (r.status === '已办结' || r.status === '已回访') expect(cur.resolvedAt).toBeTypeOf('number');
  expect(r.escalationLevel).toBeGreaterThanOrEqual(0);
  expect(r.escalationLevel).toBeLessThanOrEqual(2); // every unit's chain: 指挥部 -> 县领导
}

async function snapshot(h: LoopHarness, ids: string[]): Promise<(StoredIssue | null)[]> {
  return Promise.all(ids.map((id) => h.store.getIssue(id)));
}

describe('closed loop property', () => {
  it('random actions and sweeps stay within SPEC §4 and never mail a (key, recipient) twice', { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 4, maxLength: 16 }), async (steps) => {
        await services.clearMails();
        const h = await makeLoopHarness(services);
        const ids = await h.report([{}, {}]);
        const links: string[] = [];
        const collect = async () => {
          for (const m of await h.deliver()) links.push(...Object.values(m.links));
        };
        await collect();
        let t = T0;
        const closed = new Set<string>();
        const pick = (n: number) => links[n % links.length];

        for (const step of steps) {
          const before = await snapshot(h, ids);
          if (step.kind === 'post') {
            const form = { reason: step.text, note: step.text, result: step.text };
            const first = await h.post(pick(step.link), form);
            expect(OK_STATUSES).toContain(first.status);
            if (step.twice) {
              const second = await h.post(pick(step.link), form);
              if (first.status === 200) expect(second.status).toBe(410);
            }
          } else if (step.kind === 'get') {
            expect(OK_STATUSES).toContain((await h.get(pick(step.link))).status);
            expect(await snapshot(h, ids)).toEqual(before);
          } else if (step.kind === 'tamper') {
            const url = pick(step.link);
            const tampered = url.slice(0, -2) + (url.endsWith('AA') ? 'BB' : 'AA');
            expect((await h.post(tampered, { reason: 'x', note: 'x', result: 'x' })).status).toBe(403);
            expect(await snapshot(h, ids)).toEqual(before);
          } else if (step.kind === 'expired') {
            const token = pick(step.link).slice(`${BASE}/a/`.length);
            const payload = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
            const expired = signActionToken(
              { issueId: payload.i, action: payload.a, unit: payload.u, recipient: payload.r, assignment: payload.s, exp: Math.floor(t / 1000) - 1, nonce: newNonce() },
              [SECRET],
            );
            expect((await h.post(`${BASE}/a/${expired}`, { reason: 'x', note: 'x', result: 'x' })).status).toBe(410);
            expect(await snapshot(h, ids)).toEqual(before);
          } else if (step.kind === 'sweep') {
            t += step.advanceMin * 60_000;
            h.clock.t = t;
            const s = await h.sweep()();
            expect(s.skipped).toBe(false);
            // The same instant again adds nothing.
            expect((await h.sweep()()).notifications).toBe(0);
          } else {
            const id = ids[step.issue % ids.length];
            const body =
              step.action === 'reassign'
                ? { action: 'reassign', unit: step.unit }
                : step.action === 'extend'
                  ? { action: 'extend', resolveBy: '2022-07-29', reason: '需协调' }
                  : step.action === 'follow_up'
                    ? { action: 'follow_up', result: step.result }
                    : { action: 'verify_close' };
            const res = await h.command(id, body);
            expect([200, 400, 409]).toContain(res.status);
          }
          await collect();
          const after = await snapshot(h, ids);
          after.forEach((s, i) => {
            checkRecord(s!, closed.has(ids[i]));
            if (s!.record.status === '已销号') closed.add(ids[i]);
          });
        }
        await collect();
        expect(duplicates(await h.allMails())).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });
});
