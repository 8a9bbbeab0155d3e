// The Friday digest through the real backend: the fixture county week stored in dynalite with the
// real store (every issue through Store.putIssue), the digest job against it, mail through the SES
// emulator, the page route, and SES bounces. Expected figures are computed here from the fixture,
// independently of the job's reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { computeCoverage, countsOn } from '../../domain/reports/coverage.js';
import { buildDigest, digestWindow } from '../../domain/reports/digest.js';
import { isOpen } from '../../domain/issues/lifecycle.js';
import type { RowKind } from '../../domain/rows/kinds.js';
import { addDays, isoWeekRange } from '../../domain/time/time.js';
import type { IssueRecord } from '../../domain/issues/types.js';
import { makeBounceHandler } from '../../functions/handlers/bounce.js';
import { runDigest, digestRecipients, type DigestDeps } from '../../functions/usecases/digest.js';
import { handleDigestRoute } from '../../functions/http/digest-routes.js';
import { attachReadCounter, createDigestStore, issueItemForBulk, rowItemForBulk } from '../../functions/adapters/digest-store.js';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { signDigestView } from '../../functions/usecases/digest-view.js';
import { createDocumentClient, createStore, ensureTable } from '../../functions/adapters/dynamodb-store.js';
import { createIdentityVerifier } from '../../functions/adapters/identity.js';
import { loadOrCreateDevIssuer, type DevIssuer } from '../../functions/adapters/dev-issuer.js';
import { logger } from '../../functions/adapters/logger.js';
import type { DigestStore, RowRecord, Store, StoredIssue } from '../../functions/ports.js';
import { createSesMailer } from '../../functions/adapters/ses-mailer.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as F from '../fixtures/digest-fixture.js';
import { startTestServices, type TestServices } from '../fixtures/local-services.js';
import { asSynced, fixtureIssue, FIXTURE_MEMBER, seedDigestFixture } from '../fixtures/digest-seed.js';

logger.setLogLevel('SILENT');

const SECRET = 'digest-test-secret-0123456789abcdef-0123';
const BASE = 'http://127.0.0.1:9999';
const MEMBER = FIXTURE_MEMBER;

let services: TestServices;
let store: Store;
let digests: DigestStore;
let issuer: DevIssuer;
let deps: DigestDeps;
let ledger: IssueRecord[];
let history: IssueRecord[];
const clock = { t: F.GENERATED_AT, now() { return this.t; } };

const event = (path: string, o: { query?: Record<string, string>; bearer?: string } = {}) =>
  ({
    version: '2.0',
    rawPath: path,
    rawQueryString: new URLSearchParams(o.query ?? {}).toString(),
    queryStringParameters: o.query,
    headers: o.bearer ? { authorization: `Bearer ${o.bearer}` } : {},
    requestContext: { http: { method: 'GET', path } },
  }) as unknown as APIGatewayProxyEventV2;

beforeAll(async () => {
  services = await startTestServices();
  const tableName = `digest-${process.pid}`;
  await ensureTable(services.dynamo, tableName);
  store = createStore({ client: services.dynamo, tableName });
  digests = createDigestStore({ client: services.dynamo, tableName });
  issuer = await loadOrCreateDevIssuer(await mkdtemp(join(tmpdir(), 'sibao-digest-issuer-')));
  const reads = attachReadCounter(services.dynamo);
  deps = {
    store,
    digests,
    mailer: createSesMailer({ client: services.ses, from: '四保指挥部 <noreply@tongxu.example>' }),
    clock,
    config: { countyName: F.COUNTY, publicBaseUrl: BASE, actionSecrets: [SECRET] },
    reads,
    log: logger,
  };

  ({ ledger, history } = await seedDigestFixture(store, digests));
}, 60_000);

afterAll(async () => {
  await services?.stop();
});

describe('digest read path', () => {
  it('reads open issues, this week’s activity and closed issues due this week — none of the history', async () => {
    const w = digestWindow(F.WEEK, F.GENERATED_AT);
    const expected = new Set(
      ledger
        .filter((r) => isOpen(r.status) || r.updatedAt >= w.from || (!isOpen(r.status) && r.assignments.some((a) => a.resolveBy >= w.monday && a.resolveBy <= w.sunday)))
        .map((r) => r.id),
    );
    const got = await digests.issuesForWeek(F.WEEK, F.GENERATED_AT);
    expect(new Set(got.map((r) => r.id))).toEqual(expected);
    expect(got.some((r) => r.id.startsWith('WT-2021'))).toBe(false);
  });

  it('builds the same figures as the fixture computes on its own', async () => {
    const run = runDigest(deps);
    const res = await run({ week: F.WEEK });
    expect(res.status).toBe('dry_run');
    const m = res.model;
    const w = digestWindow(F.WEEK, F.GENERATED_AT);
    const inW = (t: number | undefined) => t !== undefined && t >= w.from && t <= w.to;
    // Issue counts straight from the ledger.
    expect(m.issues.newIssues).toBe(ledger.filter((r) => inW(r.createdAt)).length);
    expect(m.issues.resolved).toBe(ledger.filter((r) => r.events.some((e) => e.type === 'resolve' && inW(e.at))).length);
    expect(m.issues.escalated).toBe(ledger.filter((r) => r.events.some((e) => e.type === 'escalate' && inW(e.at))).length);
    expect(m.issues.open).toBe(ledger.filter((r) => isOpen(r.status)).length);
    expect(m.issues.newIssues).toBeGreaterThan(0);
    expect(m.issues.open).toBeGreaterThan(0);
    // Whitelist admissions of the week, by date.
    const admitted = new Set(
      F.whitelist.filter((r) => (r.status === '已纳入' || r.status === '已移出') && r.admittedOn && r.admittedOn >= w.monday && r.admittedOn <= w.asOf).map((r) => r.code),
    );
    expect(m.whitelistChanges.admitted.map((a) => a.code).sort()).toEqual([...admitted].sort());
    // Coverage: covered sum of the rows on the whitelist at asOf, per sector, each code once.
    const cov = computeCoverage({ whitelist: F.whitelist, totals: F.totals, targets: F.targets, at: w.asOf });
    const once = new Map<string, (typeof F.whitelist)[number]>();
    for (const r of F.whitelist) if (countsOn(r, w.asOf) && !once.has(r.code.toUpperCase())) once.set(r.code.toUpperCase(), r);
    for (const s of cov.sectors) {
      const covered = [...once.values()].filter((r) => r.sector === s.sector).reduce((n, r) => n + r.value, 0);
      expect(m.coverage.sectors.find((x) => x.sector === s.sector)?.covered).toBeCloseTo(covered, 6);
    }
    expect(m.coverage.previousWeek).toBe('2022-W22');
    // The pure path on the fixture's own input agrees on every issue section.
    // (on the rows the store holds: the epidemic tab as the sync would have stored it)
    const pure = buildDigest({ ...F.digestInput(ledger), epidemicSupport: asSynced('epidemic_support', F.epidemicSupport) });
    expect(m.issues).toEqual(pure.issues);
    expect(m.units).toEqual(pure.units);
    expect(m.overdue).toEqual(pure.overdue);
    expect(m.escalated).toEqual(pure.escalated);
    expect(m.coverage).toEqual(pure.coverage);
    expect(m.epidemic).toEqual(pure.epidemic);
    expect(m.dataQuality.map((d) => d.code)).toEqual(expect.arrayContaining(['duplicate_code', 'value_jump']));
    // Reads grow with the week: the 26 history copies are never read.
    expect(res.issuesRead).toBeLessThanOrEqual(ledger.length);
    expect(res.itemsRead).not.toBeNull();
    // Dry run wrote nothing.
    expect(await digests.getDigest(F.WEEK)).toBeNull();
    expect(res.recipients).toEqual(digestRecipients(F.profile));
    expect(res.recipients).toEqual(['command@tongxu.example', 'dcj@tongxu.example']);
  });
});

describe('bulk item builders (benchmark loads)', () => {
  it('build exactly the items Store.putIssue and Store.putRow write', async () => {
    const doc = createDocumentClient(services.dynamo);
    const TableName = `digest-${process.pid}`;
    for (const r of [ledger[0], ledger[ledger.length - 1], history[0]]) {
      const got = await doc.send(new GetCommand({ TableName, Key: { pk: `ISSUE#${r.id}`, sk: 'ISSUE' } }));
      expect(got.Item).toEqual(issueItemForBulk(fixtureIssue(r)));
    }
    const rows = await store.getRows('whitelist', ['fixture#2']);
    const rowGot = await doc.send(new GetCommand({ TableName, Key: { pk: 'ROW#whitelist#fixture#2', sk: 'ROW' } }));
    expect(rowGot.Item).toEqual(rowItemForBulk(rows.get('fixture#2')!));
  });
});

describe('publishing once per week', () => {
  it('two concurrent invocations for one week send one mail per recipient; a third sends nothing', async () => {
    await services.clearMails();
    const a = runDigest(deps);
    const b = runDigest(deps);
    const [r1, r2] = await Promise.all([a({ week: F.WEEK, send: true }), b({ week: F.WEEK, send: true })]);
    expect([r1.published, r2.published].filter(Boolean)).toHaveLength(1);
    expect(r1.delivered + r2.delivered).toBe(2);
    const mails = (await services.mails()).filter((x) => x.subject.includes('周报'));
    expect(mails.map((x) => x.destination.to[0]).sort()).toEqual(['command@tongxu.example', 'dcj@tongxu.example']);
    const rec = await digests.getDigest(F.WEEK);
    expect(rec?.status).toBe('sent');
    const again = await a({ week: F.WEEK, send: true });
    expect(again.status).toBe('already_sent');
    expect((await services.mails()).filter((x) => x.subject.includes('周报'))).toHaveLength(2);
    // The week's snapshot is stored for next week's change.
    expect((await digests.snapshotsBefore('2022-W24', 1))[0]?.week).toBe(F.WEEK);
  });

  it('escapes user text in the mail and on the page', async () => {
    const mail = (await services.mails()).find((x) => x.subject.includes('周报'))!;
    const html = mail.body.html ?? '';
    expect(html).not.toContain(F.EVIL_NAME);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;');
    expect(html).not.toContain('<b>原料</b>');
    expect(mail.body.text).toContain(F.EVIL_NAME); // the text part is plain text, as typed
    const link = /在浏览器中查看：(\S+)/.exec(mail.body.text ?? '')![1];
    const url = new URL(link);
    const page = await handleDigestRoute(event(url.pathname, { query: Object.fromEntries(url.searchParams) }), { store, digests, identity: createIdentityVerifier({ issuers: [{ iss: issuer.iss, jwks: issuer.jwks }], audience: issuer.aud }), clock, config: { actionSecrets: [SECRET] } });
    expect(page?.statusCode).toBe(200);
    expect(String(page?.body)).not.toMatch(/<script/i);
    expect(String(page?.body)).toContain('&lt;script&gt;');
    expect(page?.headers?.['content-security-policy']).toContain("default-src 'none'");
  });
});

describe('GET /v1/digests/{week}', () => {
  const routeDeps = () => ({ store, digests, identity: createIdentityVerifier({ issuers: [{ iss: issuer.iss, jwks: issuer.jwks }], audience: issuer.aud }), clock, config: { actionSecrets: [SECRET] } });
  const sig = (week: string, exp = Math.floor(clock.now() / 1000) + 3600) => signDigestView(week, exp, [SECRET]);

  it('answers by access, then existence, in Chinese', async () => {
    const d = routeDeps();
    expect(await handleDigestRoute(event('/v1/issues'), d)).toBeNull();
    expect((await handleDigestRoute(event('/v1/digests/2022-W99'), d))?.statusCode).toBe(400);
    const anon = await handleDigestRoute(event(`/v1/digests/${F.WEEK}`), d);
    expect(anon?.statusCode).toBe(401);
    expect(anon?.body).toContain('需要登录');
    const forged = await handleDigestRoute(event(`/v1/digests/${F.WEEK}`, { query: { sig: sig('2022-W22') } }), d);
    expect(forged?.statusCode).toBe(401);
    const expired = await handleDigestRoute(event(`/v1/digests/${F.WEEK}`, { query: { sig: sig(F.WEEK, Math.floor(clock.now() / 1000) - 1) } }), d);
    expect(expired?.body).toContain('已过期');
    const ok = await handleDigestRoute(event(`/v1/digests/${F.WEEK.toLowerCase()}`, { query: { sig: sig(F.WEEK) } }), d);
    expect(ok?.statusCode).toBe(200);
    expect(ok?.body).toContain('督办督查周报');
    const member = await handleDigestRoute(event(`/v1/digests/${F.WEEK}`, { bearer: await issuer.issue(MEMBER) }), d);
    expect(member?.statusCode).toBe(200);
    expect(member?.body).toBe(ok?.body);
    const stranger = await handleDigestRoute(event(`/v1/digests/${F.WEEK}`, { bearer: await issuer.issue('someone@else.example') }), d);
    expect(stranger?.statusCode).toBe(403);
    const recipient = await handleDigestRoute(event(`/v1/digests/${F.WEEK}`, { bearer: await issuer.issue('dcj@tongxu.example') }), d);
    expect(recipient?.statusCode).toBe(200);
    const missing = await handleDigestRoute(event('/v1/digests/2022-W30', { query: { sig: sig('2022-W30') } }), d);
    expect(missing?.statusCode).toBe(404);
    expect(missing?.body).toContain('周报尚未生成');
    expect(missing?.body).toContain(isoWeekRange('2022-W30').monday);
  });
});

describe('SES bounces', () => {
  const sns = (message: unknown, id: string) => ({
    Records: [{ EventSource: 'aws:sns', Sns: { MessageId: id, Timestamp: '2022-06-13T02:00:00.000Z', Message: typeof message === 'string' ? message : JSON.stringify(message) } }],
  });
  const bounce = (type: string, email: string, feedbackId: string) => ({
    notificationType: 'Bounce',
    bounce: { bounceType: type, bounceSubType: 'General', feedbackId, timestamp: '2022-06-13T02:00:00.000Z', bouncedRecipients: [{ emailAddress: `"督查局" <${email}>`, diagnosticCode: 'smtp; 550 5.1.1 user unknown' }] },
    mail: { messageId: 'x' },
  });

  it('records permanent bounces once per notification; the next digest skips and reports the address', async () => {
    const handle = makeBounceHandler({ digests, clock });
    const first = await handle(sns(bounce('Permanent', 'DCJ@tongxu.example', 'fb-1'), 'm1') as never);
    expect(first).toEqual({ recorded: 1, duplicates: 0, ignored: 0 });
    const dup = await handle(sns(bounce('Permanent', 'dcj@tongxu.example', 'fb-1'), 'm1') as never);
    expect(dup.duplicates).toBe(1);
    await handle(sns(bounce('Transient', 'command@tongxu.example', 'fb-2'), 'm2') as never);
    const junk = await handle(sns('not json', 'm3') as never);
    expect(junk.ignored).toBe(1);
    const complaint = await handle(sns({ notificationType: 'Complaint', complaint: { feedbackId: 'fb-3', timestamp: '2022-06-13T03:00:00Z', complainedRecipients: [{ emailAddress: 'fgw@tongxu.example' }] } }, 'm4') as never);
    expect(complaint.recorded).toBe(1);

    const addr = await digests.getAddress('dcj@tongxu.example');
    expect(addr).toMatchObject({ status: 'bounced', permanentBounces: 1 });
    expect((await digests.getAddress('command@tongxu.example'))?.status).toBe('soft');
    expect([...(await digests.suppressedAmong(['dcj@tongxu.example', 'command@tongxu.example', 'fgw@tongxu.example']))].sort()).toEqual(['dcj@tongxu.example', 'fgw@tongxu.example']);

    await services.clearMails();
    clock.t = Date.parse('2022-06-17T17:00:00+08:00');
    const res = await runDigest(deps)({ send: true });
    expect(res.week).toBe('2022-W24');
    expect(res.suppressed).toEqual(['dcj@tongxu.example']);
    expect(res.delivered).toBe(1);
    expect((await services.mails()).map((m) => m.destination.to[0])).toEqual(['command@tongxu.example']);
    const dq = res.model.dataQuality.filter((d) => d.code === 'bounced_address');
    expect(dq.map((d) => d.ref).sort()).toEqual(['dcj@tongxu.example', 'fgw@tongxu.example']);
    expect(dq.find((d) => d.ref === 'dcj@tongxu.example')?.message).toContain('县委县政府督查局');
    expect(res.model.coverage.previousWeek).toBe(F.WEEK);
  });
});
