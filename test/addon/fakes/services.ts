/// <reference types="google-apps-script" />
// Fakes of the non-Sheets services the add-on uses: PropertiesService (9 KB per value),
// LockService, ScriptApp (identity token, AuthMode, time triggers), HtmlService (files from the
// built dist/addon), Utilities.formatDate, Session, Charts and a SYNCHRONOUS UrlFetchApp that
// really reaches HTTP servers on 127.0.0.1: a worker thread does the request and the calling
// thread blocks in Atomics.wait, as Apps Script's fetch blocks. Servers must therefore run outside
// the calling thread (another worker or process).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type CallLog, counted, type Faked } from './calls.js';

type GProps = GoogleAppsScript.Properties.Properties;

export const MAX_PROPERTY_BYTES = 9 * 1024;

export class FakeProperties implements Faked<GProps, 'getProperty' | 'setProperty' | 'getProperties' | 'setProperties' | 'deleteProperty'> {
  readonly data = new Map<string, string>();
  getProperty(k: string) {
    return this.data.get(k) ?? null;
  }
  setProperty(k: string, v: string) {
    if (Buffer.byteLength(k + String(v)) > MAX_PROPERTY_BYTES) throw new Error('Exception: Argument too large: value');
    this.data.set(k, String(v));
    return this;
  }
  getProperties() {
    return Object.fromEntries(this.data);
  }
  setProperties(p: Record<string, string>) {
    for (const [k, v] of Object.entries(p)) this.setProperty(k, v);
    return this;
  }
  deleteProperty(k: string) {
    this.data.delete(k);
    return this;
  }
}

export class FakeLock implements Faked<GoogleAppsScript.Lock.Lock, 'tryLock' | 'waitLock' | 'releaseLock' | 'hasLock'> {
  held = false;
  /** Set by a test: another execution holds the lock. */
  heldElsewhere = false;
  acquisitions = 0;
  tryLock(_ms: number) {
    if (this.heldElsewhere || this.held) return false;
    this.held = true;
    this.acquisitions++;
    return true;
  }
  waitLock(ms: number) {
    if (!this.tryLock(ms)) throw new Error('Exception: Lock timeout: another process was holding the lock for too long.');
  }
  releaseLock() {
    this.held = false;
  }
  hasLock() {
    return this.held;
  }
}

export interface FakeTrigger {
  handler: string;
  uid: string;
  everyHours: number;
  sourceId: string | null;
}

export interface FetchRecord {
  url: string;
  method: string;
  status: number;
  requestBytes: number;
  headers: Record<string, string>;
}

export interface ServiceFakes {
  globals: Record<string, unknown>;
  documentProperties: FakeProperties;
  userProperties: FakeProperties;
  documentLock: FakeLock;
  triggers: FakeTrigger[];
  fetches: FetchRecord[];
  /** The token ScriptApp.getIdentityToken() returns (null: the openid scope was not granted). */
  setIdentityToken(t: string | null): void;
  /**
   * Test hook run while a UrlFetch is in flight (after the server answered, before the add-on sees
   * the answer): what staff do in the sheet during a sync, e.g. keep typing.
   */
  duringFetch: ((url: string) => void) | null;
  sidebarHtmlDir: string;
  close(): Promise<void>;
}

const AUTH_MODE = { NONE: 'NONE', CUSTOM_FUNCTION: 'CUSTOM_FUNCTION', LIMITED: 'LIMITED', FULL: 'FULL' } as const;

export async function createServices(log: CallLog, opts: { htmlDir: string; activeSpreadsheetId: () => string | null; userEmail?: string }): Promise<ServiceFakes> {
  const documentProperties = new FakeProperties();
  const userProperties = new FakeProperties();
  const scriptProperties = new FakeProperties();
  const documentLock = new FakeLock();
  const scriptLock = new FakeLock();
  const triggers: FakeTrigger[] = [];
  const fetches: FetchRecord[] = [];
  let token: string | null = 'test-identity-token';
  let seq = 0;

  const PropertiesService = counted(
    {
      getDocumentProperties: () => counted(documentProperties, log, 'PropertiesService', 'Properties'),
      getUserProperties: () => counted(userProperties, log, 'PropertiesService', 'Properties'),
      getScriptProperties: () => counted(scriptProperties, log, 'PropertiesService', 'Properties'),
    } satisfies Faked<GoogleAppsScript.Properties.PropertiesService, 'getDocumentProperties' | 'getUserProperties' | 'getScriptProperties'>,
    log,
    'PropertiesService',
    'PropertiesService',
  );
  const LockService = counted(
    {
      getDocumentLock: () => counted(documentLock, log, 'LockService', 'Lock'),
      getScriptLock: () => counted(scriptLock, log, 'LockService', 'Lock'),
      getUserLock: () => counted(scriptLock, log, 'LockService', 'Lock'),
    } satisfies Faked<GoogleAppsScript.Lock.LockService, 'getDocumentLock' | 'getScriptLock' | 'getUserLock'>,
    log,
    'LockService',
    'LockService',
  );

  const wrapTrigger = (t: FakeTrigger) => ({
    getHandlerFunction: () => t.handler,
    getUniqueId: () => t.uid,
    getEventType: () => 'CLOCK',
    getTriggerSourceId: () => t.sourceId,
  });
  const ScriptApp = counted(
    {
      AuthMode: AUTH_MODE,
      getIdentityToken: () => {
        if (token === null) throw new Error('Exception: Specified permissions are not sufficient to call ScriptApp.getIdentityToken. Required permissions: openid');
        return token;
      },
      newTrigger: (handler: string) => ({
        timeBased: () => {
          let hours = 0;
          const b = {
            everyHours: (n: number) => {
              // Apps Script accepts 1, 2, 4, 6, 8 or 12; an add-on at most hourly.
              if (![1, 2, 4, 6, 8, 12].includes(n)) throw new Error(`Exception: Invalid argument: everyHours(${n})`);
              hours = n;
              return b;
            },
            create: () => {
              if (hours < 1) throw new Error('Exception: an add-on time trigger must run at most once per hour');
              const t: FakeTrigger = { handler, uid: `trigger-${++seq}`, everyHours: hours, sourceId: opts.activeSpreadsheetId() };
              triggers.push(t);
              return wrapTrigger(t);
            },
          };
          return b;
        },
      }),
      getProjectTriggers: () => triggers.map(wrapTrigger),
      getUserTriggers: (ss: GoogleAppsScript.Spreadsheet.Spreadsheet) => triggers.filter((t) => t.sourceId === ss.getId()).map(wrapTrigger),
      deleteTrigger: (t: { getUniqueId(): string }) => {
        const i = triggers.findIndex((x) => x.uid === t.getUniqueId());
        if (i >= 0) triggers.splice(i, 1);
      },
    },
    log,
    'ScriptApp',
    'ScriptApp',
  );

  const htmlOutput = (content: string) => {
    let title = '';
    const o = {
      setTitle: (t: string) => {
        title = t;
        return o;
      },
      getTitle: () => title,
      getContent: () => content,
      setWidth: () => o,
    };
    return o;
  };
  const HtmlService = counted(
    {
      createHtmlOutputFromFile: (name: string) => htmlOutput(readFileSync(join(opts.htmlDir, `${name}.html`), 'utf8')),
      createHtmlOutput: (html?: string) => htmlOutput(html ?? ''),
    },
    log,
    'HtmlService',
    'HtmlService',
  );

  const Utilities = counted(
    {
      formatDate: (d: Date, tz: string, pattern: string) => formatDate(d, tz, pattern),
      base64Encode: (s: string) => Buffer.from(s, 'utf8').toString('base64'),
      base64Decode: (s: string) => [...Buffer.from(s, 'base64')].map((b) => (b > 127 ? b - 256 : b)),
      sleep: () => undefined,
    },
    log,
    'Utilities',
    'Utilities',
  );

  const Session = counted(
    {
      getActiveUser: () => ({ getEmail: () => opts.userEmail ?? 'staff@industry.tongxu.example' }),
      getEffectiveUser: () => ({ getEmail: () => opts.userEmail ?? 'staff@industry.tongxu.example' }),
      getScriptTimeZone: () => 'Asia/Shanghai',
    },
    log,
    'Session',
    'Session',
  );

  // ---- synchronous UrlFetchApp ----
  const worker = new Worker(new URL('./fetch-worker.mjs', import.meta.url));
  worker.unref();
  await new Promise<void>((resolve, reject) => {
    worker.once('online', () => resolve());
    worker.once('error', reject);
  });
  const sab = new SharedArrayBuffer(8 + 32 * 1024 * 1024);
  const ctl = new Int32Array(sab, 0, 2);
  const UrlFetchApp = counted(
    {
      fetch: (url: string, params: GoogleAppsScript.URL_Fetch.URLFetchRequestOptions = {}) => {
        const u = new URL(url);
        if (u.hostname !== '127.0.0.1') throw new Error(`fake UrlFetchApp: only 127.0.0.1 is reachable in tests, not ${u.hostname}`);
        const method = String(params.method ?? 'get').toUpperCase();
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(params.headers ?? {})) headers[k.toLowerCase()] = String(v);
        if (params.contentType) headers['content-type'] = params.contentType;
        const body = typeof params.payload === 'string' ? params.payload : params.payload === undefined ? undefined : JSON.stringify(params.payload);
        Atomics.store(ctl, 0, 0);
        worker.postMessage({ sab, url, method, headers, body });
        const w = Atomics.wait(ctl, 0, 0, 120_000);
        if (w === 'timed-out') throw new Error(`Exception: Timeout: ${url}`);
        const len = Atomics.load(ctl, 1);
        const text = Buffer.from(new Uint8Array(sab, 8, len)).toString('utf8');
        const ans = JSON.parse(text) as { status?: number; body?: string; headers?: Record<string, string>; error?: string };
        if (Atomics.load(ctl, 0) === 2 || ans.status === undefined) {
          fetches.push({ url, method, status: 0, requestBytes: body ? Buffer.byteLength(body) : 0, headers });
          throw new Error(`Exception: Address unavailable: ${url} (${ans.error})`);
        }
        fetches.push({ url, method, status: ans.status, requestBytes: body ? Buffer.byteLength(body) : 0, headers });
        fakes.duringFetch?.(url);
        if (!params.muteHttpExceptions && ans.status >= 400) {
          throw new Error(`Exception: Request failed for ${url} returned code ${ans.status}. Truncated server response: ${String(ans.body).slice(0, 100)}`);
        }
        const status = ans.status;
        const bodyText = ans.body ?? '';
        return {
          getResponseCode: () => status,
          getContentText: () => bodyText,
          getHeaders: () => ans.headers ?? {},
          getAllHeaders: () => ans.headers ?? {},
        };
      },
    },
    log,
    'UrlFetchApp',
    'UrlFetchApp',
  );

  const Charts = { ChartType: { COLUMN: 'COLUMN', BAR: 'BAR', LINE: 'LINE', PIE: 'PIE', TABLE: 'TABLE' } };
  const Logger = { log: (...a: unknown[]) => void a };
  const quietConsole = { log: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

  const fakes: ServiceFakes = {
    duringFetch: null,
    globals: { PropertiesService, LockService, ScriptApp, HtmlService, Utilities, Session, UrlFetchApp, Charts, Logger, console: quietConsole },
    documentProperties,
    userProperties,
    documentLock,
    triggers,
    fetches,
    setIdentityToken(t) {
      token = t;
    },
    sidebarHtmlDir: opts.htmlDir,
    async close() {
      await worker.terminate();
    },
  };
  return fakes;
}

/** Utilities.formatDate for the patterns the add-on may use (yyyy MM dd HH mm ss XXX). */
export function formatDate(d: Date, tz: string, pattern: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(d.getTime()));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const local = Date.UTC(+get('year'), +get('month') - 1, +get('day'), +get('hour'), +get('minute'), +get('second'));
  const off = Math.round((local - Math.floor(d.getTime() / 1000) * 1000) / 60000);
  const offText = off === 0 ? 'Z' : `${off < 0 ? '-' : '+'}${String(Math.floor(Math.abs(off) / 60)).padStart(2, '0')}:${String(Math.abs(off) % 60).padStart(2, '0')}`;
  return pattern
    .replace(/'([^']*)'/g, '\u0000$1\u0001')
    .replace(/yyyy|MM|dd|HH|mm|ss|XXX/g, (t) =>
      t === 'yyyy' ? get('year') : t === 'MM' ? get('month') : t === 'dd' ? get('day') : t === 'HH' ? get('hour') : t === 'mm' ? get('minute') : t === 'ss' ? get('second') : offText,
    )
    .replace(/\u0000([^\u0001]*)\u0001/g, '$1');
}
