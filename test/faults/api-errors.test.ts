// An API backend failure answers 5xx while the Lambda itself succeeds, so the function's Errors metric
// cannot see it: the router counts it (ApiUnexpectedErrors, the alarm in infra/). What must hold: an
// unexpected error is 500 with a Chinese message and counted; throttling beyond retries is 503 and
// counted; an item the store refuses as too large is the caller's input (413), not counted; a sync row
// that fails alone is answered on its row (`not_saved`, counted) and the other rows are stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityVerifier } from '../../functions/adapters/identity.js';
import { memoryOpsMetrics } from '../../functions/adapters/metrics.js';
import { makeApiHandler } from '../../functions/handlers/api.js';
import { StoreError, type Store } from '../../functions/ports.js';
import { startTestServices, type TestServices } from '../fixtures/local-services.js';
import { ADMIN, BASE, IND, issueValues, makeHarness, SECRET, type Harness } from '../integration/api-helpers.js';

let services: TestServices;
let h: Harness;
beforeAll(async () => {
  services = await startTestServices();
  h = await makeHarness(services);
  const approver = { row: 9, values: { 邮箱: APPROVER, 专班编码: 'coordination', 角色: '审批' } };
  expect((await h.sync(ADMIN, 'coordination', 'member', [approver], 'sheet-config')).status).toBe(200);
});

const APPROVER = 'approver@county.example';
afterAll(async () => {
  await services?.stop();
});

function apiWith(store: Store) {
  const metrics = memoryOpsMetrics();
  const api = makeApiHandler({
    store,
    clock: h.clock,
    identity: createIdentityVerifier({ issuers: [{ iss: h.issuer.iss, jwks: h.issuer.jwks }], audience: h.issuer.aud }),
    config: { publicBaseUrl: BASE, actionSecrets: [SECRET] },
    metrics,
  });
  const call = async (method: string, path: string, body?: unknown, as = IND) => {
    const token = await h.issuer.issue(as);
    const res = await api({
      version: '2.0',
      rawPath: path,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      requestContext: { http: { method, path } },
      ...(body ? { body: JSON.stringify(body) } : {}),
      isBase64Encoded: false,
    } as never);
    return { status: res.statusCode ?? 0, json: JSON.parse(String(res.body)) };
  };
  return { metrics, call };
}

describe('unexpected API errors are counted for the alarm', () => {
  it('500 with a Chinese message, counted; 503 for throttling, counted; 413 for an item too large, not counted', async () => {
    const boom = apiWith({ ...h.store, listIssues: async () => Promise.reject(new TypeError('cannot read properties of undefined')) });
    const a = await boom.call('GET', '/v1/issues');
    expect(a.status).toBe(500);
    expect(a.json.error.message).toMatch(/服务器内部错误/);
    expect(a.json.error.message).not.toMatch(/TypeError|undefined/);
    expect(boom.metrics.totals.ApiUnexpectedErrors).toBe(1);

    const slow = apiWith({ ...h.store, listIssues: async () => Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })) });
    const b = await slow.call('GET', '/v1/issues');
    expect(b.status).toBe(503);
    expect(b.json.error.message).toMatch(/服务繁忙/);
    expect(slow.metrics.totals.ApiUnexpectedErrors).toBe(1);

    const [issue] = (await h.sync(IND, 'industry', 'issue', [{ row: 2, values: issueValues() }])).json.results;
    const full = apiWith({ ...h.store, putIssue: async () => Promise.reject(new StoreError('item_too_large', 'too large')) });
    const c = await full.call('POST', `/v1/issues/${issue.id}/actions`, { action: 'extend', resolveBy: '2022-07-01', reason: '等待设备到货' }, APPROVER);
    expect(c.status).toBe(413);
    expect(c.json.error).toMatchObject({ code: 'item_too_large' });
    expect(c.json.error.message).toMatch(/存储上限/);
    expect(full.metrics.totals.ApiUnexpectedErrors).toBeUndefined();
  });

  it('a sync row whose write fails alone is answered not_saved (counted); the other rows of the batch are stored', async () => {
    let calls = 0;
    const flaky: Store = {
      ...h.store,
      async putIssue(rec, rev) {
        // The issue item keeps the row once, in the record (its values hold only extra columns).
        if (rec.record.issue.description === '写入失败的行' && calls++ < 10) throw new Error('socket hang up');
        return h.store.putIssue(rec, rev);
      },
    };
    const api = apiWith(flaky);
    const res = await api.call('POST', '/v1/sync', {
      spreadsheetId: 'sheet-flaky',
      workClass: 'industry',
      kind: 'issue',
      rows: [
        { row: 2, values: issueValues({ 问题描述: '正常的行一' }) },
        { row: 3, values: issueValues({ 问题描述: '写入失败的行' }) },
        { row: 4, values: issueValues({ 问题描述: '正常的行二' }) },
      ],
    });
    expect(res.status).toBe(200);
    const [r1, r2, r3] = res.json.results;
    expect(r1.ok && r3.ok).toBe(true);
    expect(r2).toMatchObject({ ok: false, errors: [{ code: 'not_saved' }] });
    expect(r2.errors[0].message).toMatch(/本批其他行不受影响/);
    expect(api.metrics.totals.ApiUnexpectedErrors).toBe(1);
  });
});
