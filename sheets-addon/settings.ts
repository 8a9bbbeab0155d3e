/// <reference types="google-apps-script" />
// Settings of one spreadsheet (API URL and work class) in its document properties, the summary of
// the last sync, and the hourly background-sync trigger.

import { WORK_CLASSES, type WorkClassId } from '../domain/rows/kinds.js';

const KEY_API = 'sibao.apiUrl';
const KEY_CLASS = 'sibao.workClass';
const KEY_LAST = 'sibao.lastSync';
const TRIGGER_KEY = (uid: string) => `sibao.trigger.${uid}`;
/** The time-trigger handler (a global of main.ts). */
export const BACKGROUND_HANDLER = 'syncInBackground';

export interface Settings {
  apiUrl: string;
  workClass: WorkClassId | '';
}

export interface LastSync {
  at: string;
  ok: boolean;
  message: string;
  sent: number;
  accepted: number;
  rejected: number;
  pending: number;
  background?: boolean;
}

export function loadSettings(): Settings {
  const p = PropertiesService.getDocumentProperties();
  const all = p.getProperties();
  const wc = all[KEY_CLASS] ?? '';
  return { apiUrl: all[KEY_API] ?? '', workClass: isWorkClass(wc) ? wc : '' };
}

export function isWorkClass(s: string): s is WorkClassId {
  return WORK_CLASSES.some((c) => c.id === s);
}

/** Resolve a class typed by a person: the id (`industry`) or the Chinese name (工业生产 / 工业生产专班). */
export function parseWorkClass(text: string): WorkClassId | undefined {
  const t = text.trim().replace(/(工作)?专班$/, '');
  return WORK_CLASSES.find((c) => c.id === t || c.name === t)?.id;
}

export function workClassName(id: string): string {
  return WORK_CLASSES.find((c) => c.id === id)?.name ?? id;
}

/** Validate and normalise an API URL: http(s), no trailing slash. Returns a Chinese error or the URL. */
export function parseApiUrl(text: string): { url: string } | { error: string } {
  const t = text.trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/i.test(t)) return { error: `API 地址无效：「${text}」，应形如 https://xxxx.lambda-url.ap-east-1.on.aws` };
  if (/^http:\/\//i.test(t) && !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/i.test(t)) {
    return { error: 'API 地址必须使用 https://（只有本机测试地址 127.0.0.1 可以用 http://）' };
  }
  return { url: t };
}

export function saveSettings(s: Settings): void {
  PropertiesService.getDocumentProperties().setProperties({ [KEY_API]: s.apiUrl, [KEY_CLASS]: s.workClass });
}

export function loadLastSync(): LastSync | undefined {
  const raw = PropertiesService.getDocumentProperties().getProperty(KEY_LAST);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as LastSync;
  } catch {
    return undefined;
  }
}

/** Stored in one property (≤ 9 KB per value: the message is cut). */
export function saveLastSync(s: LastSync): void {
  const v = { ...s, message: s.message.length > 2000 ? `${s.message.slice(0, 2000)}…` : s.message };
  PropertiesService.getDocumentProperties().setProperty(KEY_LAST, JSON.stringify(v));
}

/**
 * Install the hourly background sync for this user and spreadsheet (an editor add-on may run a time
 * trigger at most hourly, one trigger of each type per user per document). Needs the
 * script.scriptapp scope. The trigger's id → spreadsheet id is kept in the user's properties: a
 * time trigger of an add-on runs without an active document.
 */
export function ensureBackgroundTrigger(ss: GoogleAppsScript.Spreadsheet.Spreadsheet): boolean {
  const existing = ScriptApp.getUserTriggers(ss).filter((t) => t.getHandlerFunction() === BACKGROUND_HANDLER);
  if (existing.length > 0) return false;
  const trigger = ScriptApp.newTrigger(BACKGROUND_HANDLER).timeBased().everyHours(1).create();
  PropertiesService.getUserProperties().setProperty(TRIGGER_KEY(trigger.getUniqueId()), ss.getId());
  return true;
}

/** The spreadsheet a background run works on: the active one, else the one its trigger was made for. */
export function backgroundSpreadsheet(triggerUid: string | undefined): GoogleAppsScript.Spreadsheet.Spreadsheet | null {
  const active = SpreadsheetApp.getActive();
  if (active) return active;
  if (!triggerUid) return null;
  const id = PropertiesService.getUserProperties().getProperty(TRIGGER_KEY(triggerUid));
  return id ? SpreadsheetApp.openById(id) : null;
}

const KEY_REFUSED = 'sibao.refusedDeletions';

/** Ids of issue rows deleted from the sheet whose deletion the server refused: 刷新状态 restores them. */
export function loadRefusedDeletions(): string[] {
  const raw = PropertiesService.getDocumentProperties().getProperty(KEY_REFUSED);
  if (!raw) return [];
  try {
    const v = JSON.parse(raw) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function saveRefusedDeletions(ids: readonly string[]): void {
  const p = PropertiesService.getDocumentProperties();
  if (ids.length === 0) p.deleteProperty(KEY_REFUSED);
  else p.setProperty(KEY_REFUSED, JSON.stringify([...new Set(ids)].slice(0, 300)));
}
