// The setup the add-on tests on the REAL local stack share: the add-on built once and the local stack
// started in a child process (fakes/stack.ts) for the file; before each test a fresh bare-vm add-on
// (fakes/gas-env.ts) on its own spreadsheet, signed in as one member, its settings saved through the
// sidebar (保存设置: the stack's API, the work class) and its tabs made by `prepare`; closed after it.
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { buildAddon } from '../../scripts/build-addon.js';
import { createGasEnv, type GasEnv } from './fakes/gas-env.js';
import type { FakeSheet } from './fakes/spreadsheet.js';
import { startStackProcess, type StackProcess } from './fakes/stack.js';

export interface AddonOnStackOptions {
  /** The spreadsheet id's stem: the n-th test of the file gets `${spreadsheet}-${n}`. */
  spreadsheet: string;
  /** The member the add-on signs in as (a key of the stack's tokens). */
  as: string;
  workClass: string;
  /** The sheet's tabs, once the settings are saved (e.g. `env.run('menuInitSheets')`). */
  prepare(env: GasEnv): void;
}

/** The stack (set before the file's tests) and the current test's add-on (set before each test). */
export interface AddonOnStack {
  readonly stack: StackProcess;
  readonly env: GasEnv;
}

/** Registers the file's hooks; read `stack` and `env` from the result inside hooks and tests. */
export function useAddonOnStack(opts: AddonOnStackOptions): AddonOnStack {
  const on = {} as { stack: StackProcess; env: GasEnv };
  beforeAll(async () => {
    await buildAddon();
    on.stack = await startStackProcess();
  }, 120_000);
  afterAll(async () => {
    await on.stack?.stop();
  });
  let n = 0;
  beforeEach(async () => {
    on.env = await createGasEnv({ spreadsheetId: `${opts.spreadsheet}-${++n}` });
    on.env.services.setIdentityToken(on.stack.tokens[opts.as]);
    const saved = on.env.run<{ ok: boolean; message: string }>('saveSettings', on.stack.apiUrl, opts.workClass);
    expect(saved.ok).toBe(true);
    opts.prepare(on.env);
  });
  afterEach(async () => {
    await on.env.close();
  });
  return on;
}

/** A person typing a row, then the simple trigger Apps Script fires for that edit (the whole row). */
export function typeAndEdit(env: GasEnv, s: FakeSheet, row: number, values: Record<string, unknown>): void {
  s.typeRow(row, values);
  env.run('onEdit', { authMode: 'LIMITED', range: s.range(row, 1, 1, s.headers().length), source: env.ss.wrapped });
}
