// The one delivery path (functions/usecases/deliver.ts) on the real dynalite + SES emulator: once per
// recipient, suppressed and malformed addresses final without a send, one retry schedule, and a
// recipient held by another sender counted complete only once that sender has finished.
import { describe, expect, it } from 'vitest';
import { makeBounceHandler } from '../../functions/handlers/bounce.js';
import type { Mailer } from '../../functions/ports.js';
import { deliver, RETRY_DELAYS_MS, type DeliveryDeps } from '../../functions/usecases/deliver.js';
import { useTestServices } from '../fixtures/local-services.js';
import { makeHarness, type Harness } from './api-helpers.js';

const services = useTestServices();

const letter = (to: string) => ({ subject: `测试邮件 ${to}`, html: '<p>正文</p>', text: '正文' });
const sentTo = async () => (await services.mails()).map((m) => m.destination.to.join(',')).sort();

function depsOf(h: Harness, mailer: Mailer = h.mailer): DeliveryDeps {
  return { store: h.store, mailer, clock: h.clock, suppressed: (emails) => h.digests.suppressedAmong(emails) };
}

describe('deliver', () => {
  it('mails each recipient once; a suppressed or malformed address is final without a mail', async () => {
    const h = await makeHarness(services, { withProfile: false });
    const bounce = makeBounceHandler({ digests: h.digests, clock: h.clock });
    await bounce({
      Records: [{ EventSource: 'aws:sns', Sns: { MessageId: 'b1', Timestamp: '2022-06-06T01:00:00.000Z', Message: JSON.stringify({
        notificationType: 'Complaint',
        mail: { messageId: 'm1' },
        complaint: { feedbackId: 'fb-1', timestamp: '2022-06-06T01:00:00.000Z', complainedRecipients: [{ emailAddress: 'gone@county.example' }] },
      }) } }],
    } as never);
    const to = ['a@county.example', 'gone@county.example', 'bad address@@county', 'a@county.example'];

    const first = await deliver(depsOf(h), 'test#1', to, letter);
    expect(first).toEqual({ sent: 1, failed: 0, rejected: 1, suppressed: 1, skipped: 0, complete: true });
    expect(await sentTo()).toEqual(['a@county.example']);
    expect(await h.store.getDelivery('test#1', 'gone@county.example')).toMatchObject({ status: 'rejected', lastError: 'suppressed_address' });
    expect(await h.store.getDelivery('test#1', 'bad address@@county')).toMatchObject({ status: 'rejected' });

    const again = await deliver(depsOf(h), 'test#1', to, letter);
    expect(again).toEqual({ sent: 0, failed: 0, rejected: 0, suppressed: 0, skipped: 3, complete: true });
    expect(await sentTo()).toEqual(['a@county.example']);
  });

  it('retries a transient failure on the one schedule: 1 min, then 5 min', async () => {
    const h = await makeHarness(services, { withProfile: false });
    const down: Mailer = { send: async () => Promise.reject(Object.assign(new Error('Maximum sending rate exceeded'), { name: 'Throttling' })) };
    const t0 = h.clock.t;
    expect(await deliver(depsOf(h, down), 'test#2', ['a@county.example'], letter)).toMatchObject({ failed: 1, complete: false });
    expect(await h.store.getDelivery('test#2', 'a@county.example')).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: t0 + RETRY_DELAYS_MS[0] });
    // Not yet due: nothing is tried.
    expect(await deliver(depsOf(h), 'test#2', ['a@county.example'], letter)).toMatchObject({ sent: 0, skipped: 1, complete: false });
    h.clock.t = t0 + RETRY_DELAYS_MS[0];
    expect(await deliver(depsOf(h, down), 'test#2', ['a@county.example'], letter)).toMatchObject({ failed: 1, complete: false });
    expect(await h.store.getDelivery('test#2', 'a@county.example')).toMatchObject({ attempts: 2, nextAttemptAt: h.clock.t + RETRY_DELAYS_MS[1] });
    h.clock.t += RETRY_DELAYS_MS[1];
    expect(await deliver(depsOf(h), 'test#2', ['a@county.example'], letter)).toMatchObject({ sent: 1, complete: true });
    expect(await sentTo()).toEqual(['a@county.example']);
  });

  it('a recipient another sender holds is complete only once that sender has marked it sent', async () => {
    const h = await makeHarness(services, { withProfile: false });
    // Another sender claimed b@ and has not finished yet.
    expect(await h.store.claimDelivery('test#3', 'b@county.example', h.clock.now(), 60_000)).not.toBeNull();
    const held = await deliver(depsOf(h), 'test#3', ['b@county.example'], letter);
    expect(held).toMatchObject({ sent: 0, skipped: 1, complete: false });
    // It finishes while this run mails a@: the run ends complete.
    const finishesMeanwhile: Mailer = {
      async send(msg) {
        await h.store.markDeliverySent('test#3', 'b@county.example', 'other-sender', h.clock.now());
        return h.mailer.send(msg);
      },
    };
    const run = await deliver(depsOf(h, finishesMeanwhile), 'test#3', ['b@county.example', 'a@county.example'], letter);
    expect(run).toMatchObject({ sent: 1, skipped: 1, complete: true });
    expect(await sentTo()).toEqual(['a@county.example']);
  });
});
