// Synthetic data shared by the benchmarks.
import { makeUscc, USCC_CHARSET } from '../domain/rows/uscc.js';

/** A valid, distinct USCC for each i: 91 (enterprise) + 410222 (Tongxu county) + i + 1 in 9 base-31 characters + check. */
export function syntheticUscc(i: number): string {
  let n = i + 1;
  let body = '';
  for (let k = 0; k < 9; k++) {
    body = USCC_CHARSET[n % 31] + body;
    n = Math.floor(n / 31);
  }
  return makeUscc(`91410222${body}`);
}
