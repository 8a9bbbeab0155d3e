// The POST /v1/sync body check (functions/http/sync-body.ts): the shape the zod schema accepted,
// trimmed, unknown keys dropped, and the first problem named by field path in Chinese.
import { describe, expect, it } from 'vitest';
import { checkManifestBody, checkSyncBody, MAX_MANIFEST_IDS } from '../../functions/http/sync-body.js';

const good = { spreadsheetId: ' sheet-1 ', workClass: 'industry', kind: ' 问题诉求 ', rows: [{ row: 2, values: { 名称: 'x', 数: 3, 是: true, 空: null } }, { row: 3, values: {}, version: 4 }] };

describe('checkSyncBody', () => {
  it('accepts the documented shape, trims the texts and drops unknown keys', () => {
    const r = checkSyncBody({ ...good, extra: 1, rows: [...good.rows.map((x) => ({ ...x, note: 'n' }))] });
    expect(r).toEqual({
      ok: true,
      body: { spreadsheetId: 'sheet-1', workClass: 'industry', kind: '问题诉求', rows: [{ row: 2, values: { 名称: 'x', 数: 3, 是: true, 空: null } }, { row: 3, values: {}, version: 4 }] },
    });
    if (r.ok) expect('version' in r.body.rows[0]).toBe(false);
  });

  it.each([
    [null, '', '应为对象'],
    [[], '', '应为对象'],
    [{ ...good, spreadsheetId: '  ' }, 'spreadsheetId', '不能为空'],
    [{ ...good, spreadsheetId: 'x'.repeat(201) }, 'spreadsheetId', '不能超过 200 个字符'],
    [{ ...good, spreadsheetId: 5 }, 'spreadsheetId', '应为文本'],
    [{ ...good, workClass: 'nope' }, 'workClass', '应为'],
    [{ ...good, kind: '' }, 'kind', '不能为空'],
    [{ ...good, rows: {} }, 'rows', '应为数组'],
    [{ ...good, rows: [5] }, 'rows.0', '应为对象'],
    [{ ...good, rows: [{ row: 1, values: {} }] }, 'rows.0.row', '应为不小于 2 的整数'],
    [{ ...good, rows: [{ row: 2.5, values: {} }] }, 'rows.0.row', '应为不小于 2 的整数'],
    [{ ...good, rows: [{ row: 2, values: [] }] }, 'rows.0.values', '应为对象'],
    [{ ...good, rows: [{ row: 2, values: { a: 1 } }, { row: 3, values: { b: { c: 1 } } }] }, 'rows.1.values.b', '应为文本、数字、布尔值或 null'],
    [{ ...good, rows: [{ row: 2, values: {}, version: 0 }] }, 'rows.0.version', '应为不小于 1 的整数'],
    [{ ...good, rows: [{ row: 2, values: {}, version: '1' }] }, 'rows.0.version', '应为不小于 1 的整数'],
  ])('refuses %j at %s', (body, path, message) => {
    const r = checkSyncBody(body);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.path).toBe(path);
      expect(r.message).toContain(message);
    }
  });

  it('reports the first field in the order of the body (spreadsheetId, workClass, kind, rows)', () => {
    const r = checkSyncBody({ spreadsheetId: '', workClass: 'nope', kind: '', rows: 1 });
    expect(r).toMatchObject({ ok: false, path: 'spreadsheetId' });
  });
});

describe('checkSyncBody headers', () => {
  it('keeps the header row as sent and refuses a malformed one', () => {
    expect(checkSyncBody({ ...good, headers: [' 名称 ', '所属领域'] })).toMatchObject({ ok: true, body: { headers: [' 名称 ', '所属领域'] } });
    expect(checkSyncBody({ ...good, headers: '名称' })).toMatchObject({ ok: false, path: 'headers', message: '应为数组' });
    expect(checkSyncBody({ ...good, headers: ['名称', 3] })).toMatchObject({ ok: false, path: 'headers.1', message: '应为文本' });
    expect(checkSyncBody({ ...good, headers: ['x'.repeat(201)] })).toMatchObject({ ok: false, path: 'headers.0', message: '不能超过 200 个字符' });
    expect(checkSyncBody({ ...good, headers: Array.from({ length: 201 }, (_, i) => `列${i}`) })).toMatchObject({ ok: false, path: 'headers', message: '不能超过 200 项' });
  });
});

describe('checkManifestBody', () => {
  const manifest = { spreadsheetId: 'sheet-1', workClass: 'industry', kind: '白名单', ids: ['a', 'b'] };

  it('accepts the documented shape, drops unknown keys and keeps confirmDeletions when given', () => {
    expect(checkManifestBody({ ...manifest, extra: 1 })).toEqual({ ok: true, body: manifest });
    expect(checkManifestBody({ ...manifest, confirmDeletions: true })).toEqual({ ok: true, body: { ...manifest, confirmDeletions: true } });
  });

  it.each([
    [{ ...manifest, workClass: 'nope' }, 'workClass', '应为'],
    [{ ...manifest, ids: 'a' }, 'ids', '应为数组'],
    [{ ...manifest, ids: ['a', 1] }, 'ids.1', '应为文本'],
    [{ ...manifest, ids: ['x'.repeat(301)] }, 'ids.0', '不能超过 300 个字符'],
    [{ ...manifest, ids: new Array(MAX_MANIFEST_IDS + 1).fill('a') }, 'ids', `不能超过 ${MAX_MANIFEST_IDS} 项`],
    [{ ...manifest, confirmDeletions: 'yes' }, 'confirmDeletions', '应为布尔值'],
  ])('refuses a malformed manifest at %#', (body, path, message) => {
    expect(checkManifestBody(body)).toMatchObject({ ok: false, path, message: expect.stringContaining(message) });
  });
});
