// The dispatcher on the real dynalite + SES emulator: exactly one mail per recipient across
// restarts, crashes and send failures.
import { describe, expect, it } from 'vitest';
import { makeBounceHandler } from '../../functions/handlers/bounce.js';
import type { Mailer } from '../../functions/ports.js';
import { useTestServices } from '../fixtures/local-services.js';
import { IND, issueValues, makeHarness } from './api-helpers.js';

const services = useTestServices();

const recipients = async () => (await services.mails()).map((m) => m.destination.to.join(',')).sort();

describe('dispatch', () => {
  it('sends each mail once after a restart between storing and sending', async () => {
    const h = await makeHarness(services);
    // The API stored the issue and its notifications; the process "dies" before any dispatch.
    await h.sync(IND, 'industry', 'issue', [{ row: 2, values: issueValues() }]);
    expect(await h.store.listOutbox()).toHaveLength(1);
    const restarted = h.dispatcher();
    expect(await restarted()).toEqual({ sent: 2, failed: 0, skipped: 0 });
    expect(await restarted()).toEqual({ sent: 0, failed: 0, skipped: 0 });
    expect(await h.dispatcher()()).toEqual({ sent: 0, failed: 0, skipped: 0 });
    expect(await recipients()).toEqual(['gxj1@county.example', 'gxj2@county.example']);
    expect(await h.store.listOutbox()).toEqual([]);
  });

  it('retries only the recipient whose send failed, after the backoff', async () => {
    const h = await makeHarness(services);
    await h.sync(IND, 'industry', 'issue', [{ row: 2, values: issueValues() }]);
    let calls = 0;
    const failingSecond: Mailer = {
      async send(msg) {
        calls++;
        if (calls === 2) throw Object.assign(new Error('Maximum sending rate exceeded'), { name: 'Throttling' });
        return h.mailer.send(msg);
      },
    };
    expect(await h.dispatcher(failingSecond)()).toEqual({ sent: 1, failed: 1, skipped: 0 });
    expect(await services.mails()).toHaveLength(1);
    const [item] = await h.store.listOutbox();
    const key = Object.keys(item.pending)[0];
    const failedTo = (await recipients()).includes('gxj1@county.example') ? 'gxj2@county.example' : 'gxj1@county.example';
    const rec = await h.store.getDelivery(key, failedTo);
    expect(rec).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: h.clock.t + 60_000 });
    expect(rec?.lastError).toContain('Throttling');

    // Not yet due: nothing is sent, the item stays in the outbox.
    expect(await h.dispatcher()()).toEqual({ sent: 0, failed: 0, skipped: 2 });
    h.clock.t += 61_000;
    expect(await h.dispatcher()()).toEqual({ sent: 1, failed: 0, skipped: 1 });
    expect(await recipients()).toEqual(['gxj1@county.example', 'gxj2@county.example']);
    expect(await h.store.listOutbox()).toEqual([]);
  });

  it('takes over a recipient whose sender died mid-send once its claim lapses', async () => {
    const h = await makeHarness(services);
    await h.sync(IND, 'industry', 'issue', [{ row: 2, values: issueValues() }]);
    let calls = 0;
    const diesOnSecond: Mailer = {
      send(msg) {
        calls++;
        // The process is killed while talking to SES: the promise never settles.
        return calls === 2 ? new Promise(() => {}) : h.mailer.send(msg);
      },
    };
    void h.dispatcher(diesOnSecond)();
    await vi_waitFor(async () => (await services.mails()).length === 1 && calls === 2);
    // A new instance at once: the dead sender's claim still holds.
    expect(await h.dispatcher()()).toEqual({ sent: 0, failed: 0, skipped: 2 });
    h.clock.t += 5 * 60_000 + 1;
    expect(await h.dispatcher()()).toEqual({ sent: 1, failed: 0, skipped: 1 });
    expect(await h.dispatcher()()).toEqual({ sent: 0, failed: 0, skipped: 0 });
    expect(await recipients()).toEqual(['gxj1@county.example', 'gxj2@county.example']);
  });

  it('records a malformed address as rejected instead of sending it', async () => {
    const h = await makeHarness(services);
    await h.sync(IND, 'industry', 'issue', [{ row: 2, values: issueValues() }]);
    const [item] = await h.store.listOutbox();
    const key = Object.keys(item.pending)[0];
    // An address that passed no validation (e.g. from an older profile) must never reach SES.
    item.pending[key] = { ...item.pending[key], to: ['gxj1@county.example', 'bad address@@county'] };
    expect(await h.store.putIssue({ ...item, revision: item.revision + 1 }, item.revision)).toBe(true);
    expect(await h.dispatcher()()).toEqual({ sent: 1, failed: 1, skipped: 0 });
    expect(await recipients()).toEqual(['gxj1@county.example']);
    expect((await h.store.getDelivery(key, 'bad address@@county'))?.status).toBe('rejected');
    expect(await h.store.listOutbox()).toEqual([]);
  });

  it('never mails an address that bounced permanently; a transient bounce does not suppress', async () => {
    const h = await makeHarness(services);
    // SES reported gxj2 as a permanent bounce (SNS → bounce handler), gxj1 only as a transient one.
    const handle = makeBounceHandler({ digests: h.digests, clock: h.clock });
    const sns = (bounceType: string, email: string, id: string) => ({
      Records: [{ EventSource: 'aws:sns', Sns: { MessageId: id, Timestamp: '2022-06-06T01:00:00.000Z', Message: JSON.stringify({
        notificationType: 'Bounce',
        mail: { messageId: `m-${id}` },
        bounce: { bounceType, bounceSubType: 'General', feedbackId: `fb-${id}`, timestamp: '2022-06-06T01:00:00.000Z', bouncedRecipients: [{ emailAddress: email }] },
      }) } }],
    });
    await handle(sns('Permanent', 'GXJ2@county.example', '1') as never);
    await handle(sns('Transient', 'gxj1@county.example', '2') as never);

    await h.sync(IND, 'industry', 'issue', [{ row: 2, values: issueValues() }]);
    const [item] = await h.store.listOutbox();
    const key = Object.keys(item.pending)[0];
    expect(await h.dispatcher()()).toEqual({ sent: 1, failed: 1, skipped: 0 });
    expect(await recipients()).toEqual(['gxj1@county.example']);
    expect(await h.store.getDelivery(key, 'gxj2@county.example')).toMatchObject({ status: 'rejected' });
    // Nothing is retried for the suppressed address, and the issue leaves the outbox.
    expect(await h.dispatcher()()).toEqual({ sent: 0, failed: 0, skipped: 0 });
    expect(await h.store.listOutbox()).toEqual([]);
  });
});

async function vi_waitFor(cond: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not met in time');
}
