// Enterprise and project codes of the whitelist (SPEC §3 白名单):
// - the unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters over a 31-character
//   alphabet, the last one a check character;
// - the national investment project code (投资项目代码) `YYMM-AAAAAA-NN-NN-NNNNNN`.

import { toHalfWidth } from './normalize.js';

export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
export const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** Character code → value in the charset, -1 if not in it. */
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < USCC_CHARSET.length; i++) VALUE[USCC_CHARSET.charCodeAt(i)] = i;

function charValue(code: number): number {
  return code < 128 ? VALUE[code] : -1;
}

/** The check character for the first 17 characters (upper case), or undefined if they are malformed. */
export function usccCheckChar(first17: string): string | undefined {
  if (first17.length !== 17) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = charValue(first17.charCodeAt(i));
    if (v < 0) return undefined;
    sum += v * USCC_WEIGHTS[i];
  }
  return USCC_CHARSET[(31 - (sum % 31)) % 31];
}

/** A full code from 17 characters plus their check character (for demo and benchmark data). */
export function makeUscc(first17: string): string {
  const up = first17.toUpperCase();
  const c = usccCheckChar(up);
  if (c === undefined) throw new RangeError(`makeUscc: not 17 characters of ${USCC_CHARSET}: ${first17}`);
  return up + c;
}

/** Whether `code` (any case) is a valid USCC. */
export function isValidUscc(code: string): boolean {
  return code.length === 18 && usccCheckChar(code.slice(0, 17).toUpperCase()) === code[17].toUpperCase();
}

const PROJECT_RE = /^\d{2}(0[1-9]|1[0-2])-\d{6}-\d{2}-\d{2}-\d{6}$/;
const PROJECT_BARE_RE = /^\d{2}(0[1-9]|1[0-2])\d{16}$/;

/** Whether `code` is a national investment project code `YYMM-AAAAAA-NN-NN-NNNNNN` (MM 01–12). */
export function isProjectCode(code: string): boolean {
  return PROJECT_RE.test(code);
}

export type CodeCheck =
  | { ok: true; code: string; type: 'uscc' | 'project' }
  | { ok: false; code: string; error: 'uscc_format' | 'uscc_checksum' | 'project_code_format'; expected?: string };

const WHITESPACE = /\s/;
const WHITESPACE_G = /\s+/g;

/**
 * Read a whitelist code: trims, converts full-width characters and dashes, upper-cases, and decides:
 * a code with dashes (or 20 digits) is a project code, anything else a USCC. On failure tells which
 * rule failed; for `uscc_checksum`, `expected` is the right check character.
 */
export function checkCode(text: string): CodeCheck {
  if (text.length === 18) {
    // Fast path: an upper-case USCC as typed (the common case), without copying the string.
    let sum = 0;
    let i = 0;
    for (; i < 17; i++) {
      const v = charValue(text.charCodeAt(i));
      if (v < 0) break;
      sum += v * USCC_WEIGHTS[i];
    }
    if (i === 17 && text.charCodeAt(17) === USCC_CHARSET.charCodeAt((31 - (sum % 31)) % 31)) {
      return { ok: true, code: text, type: 'uscc' };
    }
  }
  let code = toHalfWidth(text);
  if (WHITESPACE.test(code)) code = code.replace(WHITESPACE_G, '');
  code = code.toUpperCase();
  if (code.indexOf('-') >= 0) {
    return PROJECT_RE.test(code)
      ? { ok: true, code, type: 'project' }
      : { ok: false, code, error: 'project_code_format' };
  }
  if (code.length === 20 && PROJECT_BARE_RE.test(code)) {
    const dashed = `${code.slice(0, 4)}-${code.slice(4, 10)}-${code.slice(10, 12)}-${code.slice(12, 14)}-${code.slice(14)}`;
    return { ok: true, code: dashed, type: 'project' };
  }
  if (code.length !== 18 || charValue(code.charCodeAt(17)) < 0) return { ok: false, code, error: 'uscc_format' };
  const expected = usccCheckChar(code.slice(0, 17));
  if (expected === undefined) return { ok: false, code, error: 'uscc_format' };
  return expected === code[17]
    ? { ok: true, code, type: 'uscc' }
    : { ok: false, code, error: 'uscc_checksum', expected };
}

/** The characters of `code` that are not in the USCC charset (for messages). */
export function usccBadChars(code: string): string[] {
  const bad: string[] = [];
  for (const ch of code) if (charValue(ch.charCodeAt(0)) < 0 && !bad.includes(ch)) bad.push(ch);
  return bad;
}
