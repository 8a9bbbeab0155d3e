// Section: whitelist changes of the window (digest 七): rows admitted (纳入日期) or removed (移出日期)
// between Monday and the window's day, each code once; removals with a 熔断 reason first. Rows whose
// date is outside the window are ignored here (a back-dated entry is a data-quality warning). A row
// deleted from the sheet (SPEC §7.1) is removed on its deletion day, with who deleted it. Pure.

import { REMOVAL_REASON_FUSE, SECTORS } from '../../rows/kinds.js';
import type { Sector } from '../../rows/kinds.js';
import type { WhitelistState } from '../../rows/types.js';
import { normCode, type DigestWindow } from '../week.js';

export interface DigestWhitelistChange {
  code: string;
  name: string;
  sector: Sector;
  locality: string;
  value: number;
  /** 纳入日期 or 移出日期. */
  date: string;
  reason?: string;
  /** 熔断 removal. */
  fuse: boolean;
  /** Who deleted the row from the sheet (a removal by deletion). */
  deletedBy?: string;
}

export interface WhitelistChanges {
  admitted: DigestWhitelistChange[];
  removed: DigestWhitelistChange[];
}

export function whitelistChanges(rows: readonly WhitelistState[], window: Pick<DigestWindow, 'monday' | 'asOf'>): WhitelistChanges {
  const inDays = (d: string | undefined) => d !== undefined && d >= window.monday && d <= window.asOf;
  const change = (r: WhitelistState, date: string, reason?: string): DigestWhitelistChange => ({
    code: r.code,
    name: r.name,
    sector: r.sector,
    locality: r.locality,
    value: r.value,
    date,
    ...(reason ? { reason } : {}),
    fuse: reason === REMOVAL_REASON_FUSE,
  });
  const seenAdmit = new Set<string>();
  const seenRemove = new Set<string>();
  const admitted: DigestWhitelistChange[] = [];
  const removed: DigestWhitelistChange[] = [];
  for (const r of rows) {
    const code = normCode(r.code);
    if ((r.status === '已纳入' || r.status === '已移出') && inDays(r.admittedOn) && !seenAdmit.has(code)) {
      seenAdmit.add(code);
      admitted.push(change(r, r.admittedOn!));
    }
    const removedBefore = r.status === '已移出' && r.removedOn !== undefined && (r.deletedOn === undefined || r.removedOn <= r.deletedOn);
    if (removedBefore && inDays(r.removedOn) && !seenRemove.has(code)) {
      seenRemove.add(code);
      removed.push(change(r, r.removedOn!, r.removalReason));
    } else if (!removedBefore && r.deletedOn !== undefined && inDays(r.deletedOn) && !seenRemove.has(code)) {
      seenRemove.add(code);
      removed.push({ ...change(r, r.deletedOn, `从表格中删除（${r.deletedBy ?? '未知'}）`), deletedBy: r.deletedBy ?? '' });
    }
  }
  const byDate = (a: DigestWhitelistChange, b: DigestWhitelistChange) =>
    (a.date < b.date ? -1 : a.date > b.date ? 1 : 0) || SECTORS.indexOf(a.sector) - SECTORS.indexOf(b.sector) || (a.code < b.code ? -1 : 1);
  admitted.sort(byDate);
  removed.sort((a, b) => Number(b.fuse) - Number(a.fuse) || byDate(a, b));
  return { admitted, removed };
}
