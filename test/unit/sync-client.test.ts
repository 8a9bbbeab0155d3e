// `sibao import` prints the API's Chinese message of an error answer, whatever its shape — never
// `[object Object]` (issue 12).
import { describe, expect, it } from 'vitest';
import { errorMessageOf } from '../../local/sync-client.js';

describe('errorMessageOf', () => {
  it('reads the API shape {"error":{"code","message"}}, the local server shape {"error","message"} and plain text', () => {
    expect(errorMessageOf(JSON.stringify({ error: { code: 'forbidden', message: '无权写入该专班的表' } }))).toBe('无权写入该专班的表（forbidden）');
    expect(errorMessageOf(JSON.stringify({ error: 'payload_too_large', message: '请求体超过 6 MB 上限' }))).toBe('请求体超过 6 MB 上限（payload_too_large）');
    expect(errorMessageOf(JSON.stringify({ error: { code: 'busy' } }))).toBe('busy');
    expect(errorMessageOf('Bad Gateway')).toBe('Bad Gateway');
    expect(errorMessageOf(JSON.stringify({ something: 'else' }))).toBe('{"something":"else"}');
    for (const text of [JSON.stringify({ error: {} }), JSON.stringify({ error: { message: 5 } }), 'null', '[]']) expect(errorMessageOf(text)).not.toContain('[object Object]');
  });
});
