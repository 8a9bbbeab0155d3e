// The whitelist as coverage and the digest read it (SPEC §7.1 Deletions): the live rows, and every row
// with the deleted ones (tombstones) as of their deletion day, so coverage counts a deleted row out
// from that day and the digest lists it among the week's removals with who deleted it.
import type { WhitelistState } from '../../domain/rows/types.js';
import { shanghaiDate } from '../../domain/time/time.js';
import type { RowRecord, Store } from '../ports.js';

/** Sheet order (spreadsheet, then row): where a code is duplicated, the first row's counts. */
export const bySheet = (a: { spreadsheetId: string; row: number }, b: { spreadsheetId: string; row: number }) =>
  a.spreadsheetId < b.spreadsheetId ? -1 : a.spreadsheetId > b.spreadsheetId ? 1 : a.row - b.row;

export async function whitelistStates(store: Pick<Store, 'listRows'>): Promise<{ live: RowRecord<'whitelist'>[]; states: WhitelistState[] }> {
  const all = (await store.listRows('whitelist', undefined, { deleted: true })).sort(bySheet);
  return {
    live: all.filter((r) => r.deletedAt === undefined),
    states: all.map((r): WhitelistState => (r.deletedAt === undefined ? r.value : { ...r.value, deletedOn: shanghaiDate(r.deletedAt), deletedBy: r.deletedBy ?? '' })),
  };
}
