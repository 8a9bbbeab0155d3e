import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { checkCode, isProjectCode, isValidUscc, makeUscc, USCC_CHARSET, usccCheckChar } from '../../domain/rows/uscc.js';

const charsetChar = fc.constantFrom(...USCC_CHARSET.split(''));
const first17 = fc.array(charsetChar, { minLength: 17, maxLength: 17 }).map((a) => a.join(''));
const validCode = first17.map(makeUscc);

describe('USCC (GB 32100-2015)', () => {
  it('accepts the standard example and a published code', () => {
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
    expect(isValidUscc('91440300708461136T')).toBe(true);
    expect(usccCheckChar('91350100M000100Y4')).toBe('3');
  });

  it('accepts lower case and upper-cases it', () => {
    expect(isValidUscc('91350100m000100y43')).toBe(true);
    expect(checkCode(' 91350100m000100y43 ')).toEqual({ ok: true, code: '91350100M000100Y43', type: 'uscc' });
    expect(checkCode('９１３５０１００Ｍ０００１００Ｙ４３')).toMatchObject({ ok: true, code: '91350100M000100Y43' });
  });

  it.each([
    ['91350100M000100Y4', 'uscc_format'],
    ['91350100M000100Y433', 'uscc_format'],
    ['91350100M000100I43', 'uscc_format'],
    ['91350100M000100Y4O', 'uscc_format'],
    ['91350100M000100Y44', 'uscc_checksum'],
    ['2206-410222-04-01-12345', 'project_code_format'],
    ['2213-410222-04-01-123456', 'project_code_format'],
    ['22-06-410222-04-01-123456', 'project_code_format'],
  ])('%s → %s', (code, error) => {
    expect(checkCode(code)).toMatchObject({ ok: false, error });
  });

  it('names the expected check character', () => {
    expect(checkCode('91350100M000100Y44')).toMatchObject({ error: 'uscc_checksum', expected: '3' });
  });

  test.prop([validCode])('generated codes pass', (code) => {
    expect(isValidUscc(code)).toBe(true);
    expect(checkCode(code)).toEqual({ ok: true, code, type: 'uscc' });
    expect(checkCode(code.toLowerCase())).toEqual({ ok: true, code, type: 'uscc' });
  });

  test.prop([validCode, fc.nat(17), charsetChar])(
    'changing any one character (body or check character) to another charset character fails the checksum',
    (code, pos, ch) => {
      fc.pre(code[pos] !== ch);
      const changed = code.slice(0, pos) + ch + code.slice(pos + 1);
      expect(isValidUscc(changed)).toBe(false);
      expect(checkCode(changed)).toMatchObject({ ok: false, error: 'uscc_checksum' });
    },
  );

  test.prop([validCode, fc.nat(17), fc.constantFrom('I', 'O', 'S', 'V', 'Z', '*', '中')])(
    'a character outside the charset is a format error',
    (code, pos, ch) => {
      const changed = code.slice(0, pos) + ch + code.slice(pos + 1);
      expect(isValidUscc(changed)).toBe(false);
      expect(checkCode(changed)).toMatchObject({ ok: false, error: 'uscc_format' });
    },
  );

  it('makeUscc rejects a bad prefix', () => {
    expect(() => makeUscc('91350100M000100I4')).toThrow(RangeError);
    expect(() => makeUscc('123')).toThrow(RangeError);
  });
});

describe('project codes', () => {
  it.each([['2206-410222-04-01-123456'], ['2112-410222-89-05-000001']])('%s is a project code', (code) => {
    expect(isProjectCode(code)).toBe(true);
    expect(checkCode(code)).toEqual({ ok: true, code, type: 'project' });
  });
  it('accepts full-width dashes and the 20 digits without dashes', () => {
    expect(checkCode('2206－410222－04－01－123456')).toMatchObject({ ok: true, code: '2206-410222-04-01-123456' });
    expect(checkCode('22064102220401123456')).toMatchObject({ ok: true, code: '2206-410222-04-01-123456' });
  });
  it.each([['2206-410222-04-01'], ['2200-410222-04-01-123456'], ['2206-41022A-04-01-123456'], ['2206410222-04-01-123456']])('%s is not', (code) => {
    expect(isProjectCode(code)).toBe(false);
  });
});
