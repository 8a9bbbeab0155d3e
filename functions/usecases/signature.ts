// The one check of an HMAC signature carried in a link or cookie as base64url (action links, digest
// views, sign-in links and sessions). Only the canonical encoding of the MAC is accepted: base64url's
// last character carries spare bits, so without this check a link with its last character changed
// (say B → A) would still verify — a second spelling of the same link.
import { timingSafeEqual } from 'node:crypto';

/** Whether `sig` is the canonical base64url of the MAC under one of `secrets` (the current one first). */
export function signatureMatches(sig: string, secrets: readonly string[], macUnder: (secret: string) => Buffer): boolean {
  const given = Buffer.from(sig, 'base64url');
  if (given.toString('base64url') !== sig) return false;
  return secrets.some((k) => {
    const want = macUnder(k);
    return want.length === given.length && timingSafeEqual(want, given);
  });
}
