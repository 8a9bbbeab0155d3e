// The POST /v1/sync body check (functions/http/sync-body.ts): the shape the zod schema accepted,
// trimmed, unknown keys dropped, and the first problem named by field path in Chinese.
import { describe, expect, it } from 'vitest';
import { checkSyncBody } from '../../functions/http/sync-body.js';

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
