// The identity upgrade (SPEC §7.8) on a store written by the old key scheme: rows keyed by their
// first uniqueness rule joined by `#` or by `<sheet>#<row>`, the same routing rule loaded from two
// files as two rows, an issue found only by `<sheet>#issue#<row>`. The first sync and manifest of
// the new release through another container: no duplicate issue, no second mail, no mass deletion.
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { FINGERPRINT_PREFIX, fingerprintOf, splitKey } from '../../domain/rows/identity.js';
import type { RowKind } from '../../domain/rows/kinds.js';
import { createDocumentClient } from '../../functions/adapters/dynamodb-store.js';
import { IDENTITY_UPGRADE, upgradeIdentities } from '../../functions/usecases/identity-upgrade.js';
import { useTestServices } from '../fixtures/local-services.js';
import { ADMIN, IND, issueValues, makeHarness, PROFILE_TABS } from './api-helpers.js';

const services = useTestServices();

describe('identity upgrade', () => {
  it('re-keys an old store once: the same issue, no second mail, the doubled rules merged, nothing deleted', async () => {
    const h = await makeHarness(services);
    const doc = createDocumentClient(services.dynamo);
    const created = await h.sync(IND, 'industry', 'issue', [{ row: 2, values: issueValues() }]);
    const id = created.json.results[0].id as string;
    await h.dispatcher()();
    const mails = (await services.mails()).length;
    expect(mails).toBe(2);

    // Rewrite the store as the old release left it.
    const kinds: RowKind[] = ['work_class', 'unit', 'routing_rule', 'member'];
    for (const kind of kinds) {
      for (const r of await h.store.listRows(kind)) {
        const old = r.key.startsWith(FINGERPRINT_PREFIX) ? `${r.spreadsheetId}#${r.row}` : splitKey(r.key).join('#');
        if (old === r.key) continue;
        const { history: _h, ...plain } = r;
        await h.store.putRow({ ...plain, key: old }, null);
        await h.store.deleteRowItem(kind, r.key);
      }
    }
    // The demo's rules loaded twice, from two files.
    const [rule] = await h.store.listRows('routing_rule');
    await h.store.putRow({ ...rule, key: 'sheet-config-2#2', spreadsheetId: 'sheet-config-2', updatedAt: rule.updatedAt - 1 }, null);
    expect((await h.store.listRows('routing_rule')).map((r) => r.key).sort()).toEqual(['sheet-config#2', 'sheet-config-2#2']);
    expect((await h.store.listRows('member')).map((r) => r.key)).toContain(`${IND}#industry`);
    const issue = (await h.store.getIssue(id))!;
    await h.store.claimIssueSource(`sheet-industry#issue#2`, id);
    await h.store.putIssue({ ...issue, sourceKey: 'sheet-industry#issue#2', revision: issue.revision + 1 }, issue.revision);
    await doc.send(new DeleteCommand({ TableName: h.tableName, Key: { pk: `SRC#issue#${fingerprintOf('issue', issue.record.issue)}`, sk: 'SRC' } }));
    await doc.send(new DeleteCommand({ TableName: h.tableName, Key: { pk: `MIGRATION#${IDENTITY_UPGRADE}`, sk: 'MIGRATION' } }));

    // A new container of the new release: the file row comes again, one row lower (a row inserted).
    const next = h.otherContainer();
    const again = await next('POST', '/v1/sync', { as: IND, body: { spreadsheetId: 'import:问题诉求', workClass: 'industry', kind: 'issue', rows: [{ row: 3, values: issueValues() }] } });
    expect(again.status).toBe(200);
    expect(again.json.results[0]).toMatchObject({ ok: true, id, outcome: 'unchanged' });
    expect(await h.store.listIssues({})).toHaveLength(1);
    expect(await h.dispatcher()()).toEqual({ sent: 0, failed: 0, skipped: 0 });
    expect(await services.mails()).toHaveLength(mails);

    // Rows under their new ids; the doubled rule is one (natural keys of one part or without `#`
    // and `%` are the same in both schemes).
    const rules = await h.store.listRows('routing_rule');
    expect(rules).toHaveLength(1);
    expect(rules[0].key.startsWith(FINGERPRINT_PREFIX)).toBe(true);
    expect(await h.store.listRows('member')).toHaveLength(3);

    // The configuration tabs synced and their manifests sent as the add-on does: nothing deleted.
    for (const [kind, rows] of Object.entries(PROFILE_TABS)) {
      const res = await next('POST', '/v1/sync', { as: ADMIN, body: { spreadsheetId: 'sheet-config', workClass: 'coordination', kind, rows } });
      expect(res.json.results.every((r: { outcome: string }) => r.outcome === 'unchanged')).toBe(true);
      const ids = res.json.results.map((r: { id: string }) => r.id);
      const m = await next('POST', '/v1/sync/manifest', { as: ADMIN, body: { spreadsheetId: 'sheet-config', workClass: 'coordination', kind, ids } });
      expect(m.status).toBe(200);
      expect(m.json).toMatchObject({ deleted: 0, refused: [] });
    }
    const issueManifest = await next('POST', '/v1/sync/manifest', { as: IND, body: { spreadsheetId: 'import:问题诉求', workClass: 'industry', kind: 'issue', ids: [id] } });
    expect(issueManifest.json).toMatchObject({ deleted: 0, kept: 1 });

    // Idempotent: the marker says what moved; running again moves nothing.
    const marker = (await h.store.getMigration(IDENTITY_UPGRADE))!;
    expect(marker.counts).toMatchObject({ rowsMoved: 1, rowsMerged: 1, issueAliases: 1 });
    expect(await upgradeIdentities({ store: h.store, clock: h.clock })).toEqual(marker);
    expect(await h.store.listRows('routing_rule')).toHaveLength(1);
  });
});
