// Loads the BUILT add-on (dist/addon/Code.js) into a bare vm context — no process, require, Buffer,
// TextEncoder, setTimeout or URL, as in Apps Script's V8 — with the fake services as its globals.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { CallLog } from './calls.js';
import { createServices, type ServiceFakes } from './services.js';
import { createSpreadsheetApp, type FakeSheetsApp, type FakeSpreadsheet } from './spreadsheet.js';

export const ADDON_DIR = join(import.meta.dirname, '../../../dist/addon');

export interface GasEnv {
  log: CallLog;
  sheets: FakeSheetsApp;
  services: ServiceFakes;
  ss: FakeSpreadsheet;
  /** Call a global function of the bundle as Apps Script would; the result comes back as plain data. */
  run<T = unknown>(name: string, ...args: unknown[]): T;
  /** The names of the bundle's top-level functions. */
  globals(): string[];
  close(): Promise<void>;
}

export async function createGasEnv(opts: { spreadsheetId?: string; code?: string } = {}): Promise<GasEnv> {
  const code = opts.code ?? readFileSync(join(ADDON_DIR, 'Code.js'), 'utf8');
  const log = new CallLog();
  const context = vm.createContext({});
  const realm = { Date: vm.runInContext('Date', context) as DateConstructor };
  const sheets = createSpreadsheetApp(log, realm);
  const ss = sheets.create(opts.spreadsheetId ?? 'sheet-industry-001', '工业生产专班工作表');
  let activeId: string | null = ss.id;
  const setActive = sheets.setActive;
  sheets.setActive = (x) => {
    activeId = x ? x.id : null;
    setActive(x);
  };
  const services = await createServices(log, { htmlDir: ADDON_DIR, activeSpreadsheetId: () => activeId });
  Object.assign(context, { SpreadsheetApp: sheets.app, ...services.globals });
  vm.runInContext(code, context, { filename: 'Code.js' });
  return {
    log,
    sheets,
    services,
    ss,
    run<T>(name: string, ...args: unknown[]): T {
      const fn = (context as Record<string, unknown>)[name];
      if (typeof fn !== 'function') throw new Error(`the bundle has no global function ${name}`);
      const out = (fn as (...a: unknown[]) => unknown).apply(undefined, args);
      return (out === undefined ? undefined : JSON.parse(JSON.stringify(out))) as T;
    },
    globals() {
      return vm.runInContext(
        'Object.keys(globalThis).filter(function(k){return typeof globalThis[k]==="function"})',
        context,
      ) as string[];
    },
    close: () => services.close(),
  };
}
