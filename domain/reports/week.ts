// The week every report counts over (SPEC §4), and the few helpers every section shares. Pure.
//
// The window of ISO week `YYYY-Www` (Asia/Shanghai) at an instant runs from Monday 00:00 to that
// instant, capped at the end of Sunday: the digest job runs Friday 17:00, so "this week" is Monday
// 00:00 → Friday 17:00; a digest rebuilt later in the weekend includes Saturday/Sunday; one rebuilt
// after the week shows the whole week. `asOf` is the Shanghai day of the window's end: the day
// coverage, ages and days overdue are counted to. The dashboard uses the window of the current week
// at `now` (currentWeekWindow), so its figures and the digest's are counted by the same rules.
// Before the Monday there is no window (DigestInputError, code `date`).

/**
 * When the Friday digest job runs (SPEC §4), Asia/Shanghai: Friday from `fromHour`:00, every
 * `everyMinutes` until the last slot of `toHour` (17:00 … 23:45). The deployed schedule (infra) and
 * the job's own reckoning of its last run (digest.ts digestLastRun) both derive from it.
 */
export const DIGEST_SCHEDULE = { weekDay: 'FRI', fromHour: 17, toHour: 23, everyMinutes: 15 } as const;

import type { Sector } from '../rows/kinds.js';
import type { Profile } from '../rows/types.js';
import { findUnit } from '../issues/lifecycle.js';
import { endOfShanghaiDay, isoWeek, isoWeekRange, shanghaiDate, shanghaiDateTime, startOfShanghaiDay } from '../time/time.js';

export class DigestInputError extends Error {
  readonly code = 'date';
  constructor(message: string) {
    super(message);
    this.name = 'DigestInputError';
  }
}

export interface DigestWindow {
  week: string;
  monday: string;
  sunday: string;
  /** Epoch ms: Monday 00:00 Shanghai. */
  from: number;
  /** Epoch ms: min(generatedAt, end of Sunday). */
  to: number;
  /** Shanghai day of `to`: the day coverage is computed for. */
  asOf: string;
}

/** The window of a digest week generated at `generatedAt` (see the file header). */
export function digestWindow(week: string, generatedAt: number): DigestWindow {
  const { monday, sunday } = isoWeekRange(week);
  const from = startOfShanghaiDay(monday);
  if (!Number.isFinite(generatedAt) || generatedAt < from) {
    throw new DigestInputError(`周报 ${week} 从 ${monday} 开始，生成时间 ${Number.isFinite(generatedAt) ? shanghaiDateTime(generatedAt) : String(generatedAt)} 早于该周，不能生成`);
  }
  const to = Math.min(generatedAt, endOfShanghaiDay(sunday));
  return { week, monday, sunday, from, to, asOf: shanghaiDate(to) };
}

/** The window of the ISO week `now` falls in, up to `now` (the dashboard's "this week so far"). */
export function currentWeekWindow(now: number): DigestWindow {
  const asOf = shanghaiDate(now);
  const week = isoWeek(asOf);
  const { monday, sunday } = isoWeekRange(week);
  return { week, monday, sunday, from: startOfShanghaiDay(monday), to: now, asOf };
}

/** Whether an instant falls in the window (both ends included). */
export function inWindow(window: Pick<DigestWindow, 'from' | 'to'>, t: number | undefined): boolean {
  return t !== undefined && t >= window.from && t <= window.to;
}

/** 2022-W23 → 2022年第23周 */
export function weekLabel(week: string): string {
  return `${week.slice(0, 4)}年第${Number(week.slice(6))}周`;
}

/** A row on the whitelist at the window's day (code, name, sector), as sections read it. */
export interface WhitelistEntry {
  code: string;
  name: string;
  sector: Sector;
  locality?: string;
}

export const norm = (s: string | undefined): string => (s ?? '').trim();
export const normCode = (s: string | undefined): string => norm(s).toUpperCase();

/** A unit's 名称 by code or name; the reference itself when the profile does not know it. */
export function unitNameOf(profile: Pick<Profile, 'units'>, ref: string): string {
  return findUnit(profile, ref)?.name ?? ref;
}

export function countBy<K>(keys: readonly K[]): Map<K, number> {
  const m = new Map<K, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}
