// The one declaration per row kind (domain/rows/table.ts) is well formed, and what derives from it
// agrees with it: KINDS (tabs, headers, system headers), the compiled schemas, the rules.
import { describe, expect, it } from 'vitest';
import { CONFIG_KINDS, KINDS, ROW_KINDS } from '../../domain/rows/kinds.js';
import { RULES } from '../../domain/rows/rules.js';
import { SCHEMAS } from '../../domain/rows/schemas.js';
import { type ColumnDecl, type KindDecl, ROW_TABLE } from '../../domain/rows/table.js';

const decls = ROW_KINDS.map((k) => [k, ROW_TABLE[k] as KindDecl] as const);

describe('the row table', () => {
  it('declares every kind once, in KINDS order', () => {
    expect(Object.keys(ROW_TABLE)).toEqual(ROW_KINDS);
    expect(ROW_KINDS.length).toBeGreaterThanOrEqual(14);
  });

  it.each(decls)('%s: headers and fields are unique, input columns fill a field', (_kind, d) => {
    const headers = d.columns.map((c) => c.header);
    expect(new Set(headers).size).toBe(headers.length);
    const fields = [...d.columns.flatMap((c) => (c.key === undefined ? [] : [c.key])), ...(d.sheetRow === undefined ? [] : [d.sheetRow])];
    expect(new Set(fields).size).toBe(fields.length);
    for (const c of d.columns) if (c.system !== true) expect(c.key, c.header).toBeDefined();
  });

  it.each(decls)('%s: every field a rule names exists, conditions name values the other column takes', (_kind, d) => {
    const byKey = new Map<string, ColumnDecl>(d.columns.flatMap((c) => (c.key === undefined ? [] : [[c.key, c] as [string, ColumnDecl]])));
    for (const keys of d.unique ?? []) for (const k of keys) expect(byKey.has(k), `unique ${k}`).toBe(true);
    for (const c of d.columns) {
      if (c.when) {
        const other = byKey.get(c.when.field);
        expect(other, `${c.header} when ${c.when.field}`).toBeDefined();
        for (const v of c.when.in) expect(other!.values, `${c.header} when ${v}`).toContain(v);
      }
      if (c.notBefore) {
        expect(['date', 'datetime'], `${c.header} notBefore`).toContain(c.type);
        expect(byKey.get(c.notBefore)?.type, `${c.header} notBefore`).toBe(c.type);
      }
      // A system column is written by the product: never required of input, never carries input rules.
      if (c.system) expect([c.required, c.when, c.ref, c.default]).toEqual([undefined, undefined, undefined, undefined]);
      if (c.type === 'enum' || c.type === 'enumList') expect(c.values?.length, c.header).toBeGreaterThan(0);
    }
  });

  it.each(decls)('%s: KINDS and the compiled schema derive from it', (kind, d) => {
    expect(KINDS[kind].tab).toBe(d.tab);
    expect(KINDS[kind].headers).toEqual(d.columns.map((c) => c.header));
    expect(KINDS[kind].system).toEqual(d.columns.filter((c) => c.system).map((c) => c.header));
    expect(CONFIG_KINDS.includes(kind)).toBe(d.config === true);
    expect(SCHEMAS[kind].columns.map((c) => c.header)).toEqual(d.columns.filter((c) => !c.system).map((c) => c.header));
    expect(SCHEMAS[kind].fields.map((c) => c.key)).toEqual(d.columns.flatMap((c) => (c.key === undefined ? [] : [c.key])));
    expect(Array.isArray(RULES[kind])).toBe(true);
  });
});
