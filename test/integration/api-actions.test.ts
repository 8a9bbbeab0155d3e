// The one-click action links: GET never changes state, POST signs once, tampered/expired refused.
import { describe, expect, it } from 'vitest';
import { newNonce, signActionToken } from '../../functions/usecases/action-token.js';
import { useTestServices } from '../fixtures/local-services.js';
import { IND, issueValues, linksOf, makeHarness, SECRET, BASE, type Harness } from './api-helpers.js';

const services = useTestServices();

async function routedWithLinks(): Promise<{ h: Harness; links: Record<string, string>[] }> {
  const h = await makeHarness(services);
  await h.sync(IND, 'industry', 'issue', [{ row: 2, values: issueValues() }]);
  await h.dispatcher()();
  const links = (await services.mails()).map((m) => linksOf(m.body.text ?? ''));
  return { h, links };
}

const pathOf = (url: string) => url.slice(BASE.length);

describe('action links', () => {
  it('shows a confirmation page on GET and changes nothing', async () => {
    const { h, links } = await routedWithLinks();
    const before = await h.store.getIssue('WT-20220606-001');
    const page = await h.call('GET', pathOf(links[0]['签收']));
    expect(page.status).toBe(200);
    expect(page.text).toContain('确认签收');
    expect(page.text).toContain('<form method="post">');
    expect(page.text).toContain('&lt;script&gt;');
    expect(page.text).not.toContain('<script>');
    await h.call('GET', pathOf(links[0]['签收']));
    const after = await h.store.getIssue('WT-20220606-001');
    expect(after).toEqual(before);
  });

  it('signs once on POST; a second POST and the other recipient\'s link answer 410', async () => {
    const { h, links } = await routedWithLinks();
    const first = await h.call('POST', pathOf(links[0]['签收']), { form: '' });
    expect(first.status).toBe(200);
    expect(first.text).toContain('已签收');
    const stored = await h.store.getIssue('WT-20220606-001');
    expect(stored?.record.status).toBe('已签收');
    expect(stored?.record.assignments[0].signedAt).toBe(h.clock.t);
    expect(Object.keys(stored?.usedTokens ?? {})).toHaveLength(1);

    const again = await h.call('POST', pathOf(links[0]['签收']), { form: '' });
    expect(again.status).toBe(410);
    expect(again.text).toContain('已使用');
    const other = await h.call('POST', pathOf(links[1]['签收']), { form: '' });
    expect(other.status).toBe(410);
    expect((await h.store.getIssue('WT-20220606-001'))?.revision).toBe(stored?.revision);

    const listed = await h.call('GET', '/v1/issues', { as: IND, query: { unit: 'U-GXJ', status: '已签收' } });
    expect(listed.json.issues.map((i: { id: string }) => i.id)).toEqual(['WT-20220606-001']);
  });

  it('refuses a tampered link with 403 and an expired one with 410, changing nothing', async () => {
    const { h, links } = await routedWithLinks();
    const url = links[0]['签收'];
    const [body, sig] = pathOf(url).slice(3).split('.');
    const flipped = sig[0] === 'A' ? `B${sig.slice(1)}` : `A${sig.slice(1)}`;
    const tampered = await h.call('POST', `/a/${body}.${flipped}`, { form: '' });
    expect(tampered.status).toBe(403);
    expect(tampered.text).toContain('链接无效');
    const forged = signActionToken(
      { issueId: 'WT-20220606-001', action: 'sign', unit: 'U-GXJ', recipient: 'x@county.example', assignment: 0, exp: Math.floor(h.clock.t / 1000) + 3600, nonce: newNonce() },
      ['another-secret-that-is-long-enough-0123456789'],
    );
    expect((await h.call('POST', `/a/${forged}`, { form: '' })).status).toBe(403);

    const expiredToken = signActionToken(
      { issueId: 'WT-20220606-001', action: 'sign', unit: 'U-GXJ', recipient: 'gxj1@county.example', assignment: 0, exp: Math.floor(h.clock.t / 1000) - 1, nonce: newNonce() },
      [SECRET],
    );
    const expired = await h.call('POST', `/a/${expiredToken}`, { form: '' });
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('过期');
    expect((await h.call('GET', `/a/${expiredToken}`)).status).toBe(410);
    expect((await h.store.getIssue('WT-20220606-001'))?.record.status).toBe('已交办');
  });

  it('verifies links signed with a rotated-out key that is still listed', async () => {
    const { h } = await routedWithLinks();
    const oldKey = 'old-action-secret-0123456789abcdef-0123';
    const token = signActionToken(
      { issueId: 'WT-20220606-001', action: 'sign', unit: 'U-GXJ', recipient: 'gxj1@county.example', assignment: 0, exp: Math.floor(h.clock.t / 1000) + 3600, nonce: newNonce() },
      [oldKey],
    );
    const { makeApiHandler } = await import('../../functions/handlers/api.js');
    const { createIdentityVerifier } = await import('../../functions/adapters/identity.js');
    const api = makeApiHandler({
      store: h.store,
      clock: h.clock,
      identity: createIdentityVerifier({ issuers: [{ iss: h.issuer.iss, jwks: h.issuer.jwks }], audience: h.issuer.aud }),
      config: { publicBaseUrl: BASE, actionSecrets: [SECRET, oldKey] },
    });
    const res = await api({ rawPath: `/a/${token}`, requestContext: { http: { method: 'GET' } }, headers: {} } as never);
    expect(res.statusCode).toBe(200);
  });
});
