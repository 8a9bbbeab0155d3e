// Every signed link and cookie accepts only the canonical spelling of its signature: base64url's last
// character of a 32-byte MAC carries two spare bits, so four spellings decode to the same bytes.
import { describe, expect, it } from 'vitest';
import { signActionToken, verifyActionToken } from '../../functions/usecases/action-token.js';
import { signDigestView, verifyDigestView } from '../../functions/usecases/digest-view.js';
import { signatureMatches } from '../../functions/usecases/signature.js';
import { signWebToken, verifyWebToken } from '../../functions/usecases/web-session.js';

const SECRETS = ['a-test-secret-of-enough-length-0123456789'];
const NOW = Date.UTC(2022, 5, 10);
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The other spellings of a 43-character base64url MAC: same first 42, last char differing only in its 2 spare bits. */
function respellings(token: string): string[] {
  const last = B64.indexOf(token.at(-1)!);
  return [0, 1, 2, 3].map((low) => B64[(last & ~3) | low]).filter((c) => c !== token.at(-1)).map((c) => token.slice(0, -1) + c);
}

describe('signatures', () => {
  it('the respellings decode to the same bytes (why the check exists)', () => {
    const sig = 'x'.repeat(42) + 'A';
    for (const other of respellings(sig)) expect(Buffer.from(other, 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
    expect(respellings(sig)).toHaveLength(3);
  });

  it('signatureMatches takes the canonical spelling only', () => {
    const mac = () => Buffer.alloc(32, 7);
    const sig = mac().toString('base64url');
    expect(signatureMatches(sig, SECRETS, mac)).toBe(true);
    for (const other of respellings(sig)) expect(signatureMatches(other, SECRETS, mac)).toBe(false);
  });

  it('action links, digest views, sign-in links and sessions refuse every respelling', () => {
    for (let n = 0; n < 20; n++) {
      const action = signActionToken({ issueId: 'WT-20220610-001', action: 'sign', unit: 'U1', recipient: 'unit@example.example', assignment: 0, exp: NOW / 1000 + 3600, nonce: `n${n}` }, SECRETS);
      expect(verifyActionToken(action, SECRETS, NOW).ok).toBe(true);
      for (const t of respellings(action)) expect(verifyActionToken(t, SECRETS, NOW)).toEqual({ ok: false, reason: 'invalid' });

      const view = signDigestView(`2022-W${10 + n}`, NOW / 1000 + 3600, SECRETS);
      expect(verifyDigestView(`2022-W${10 + n}`, view, SECRETS, NOW).ok).toBe(true);
      for (const t of respellings(view)) expect(verifyDigestView(`2022-W${10 + n}`, t, SECRETS, NOW)).toEqual({ ok: false, reason: 'invalid' });

      for (const purpose of ['login', 'session', 'form'] as const) {
        const web = signWebToken(purpose, { e: 'member@example.example', x: NOW / 1000 + 3600, n: `n${n}` }, SECRETS);
        expect(verifyWebToken(purpose, web, SECRETS, NOW).ok).toBe(true);
        for (const t of respellings(web)) expect(verifyWebToken(purpose, t, SECRETS, NOW)).toEqual({ ok: false, reason: 'invalid' });
      }
    }
  });
});
