// The demo county in examples/: the profile loads cleanly, the workbooks hold exactly the invalid
// rows they are meant to (and no others), and scripts/make-examples.ts reproduces the files.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeCoverage } from '../../domain/reports/coverage.js';
import type { SectorTotalRow, WhitelistRow } from '../../domain/rows/types.js';
import { validateTables } from '../../local/commands/validate.js';
import { readAllTables } from '../../local/files.js';
import { type LoadedProfile, loadProfile, profileProblemLines } from '../../local/profile-files.js';
import { makeExamples } from '../../scripts/make-examples.js';

const EX = join(import.meta.dirname, '..', '..', 'examples');

interface Expected {
  file: string;
  sheet: string;
  row: number;
  column: string;
  code: string;
}
let expected: { demoDay: string; coverage: Record<string, { covered: number; total: number }>; invalid: Expected[] };
let loaded: LoadedProfile;

beforeAll(async () => {
  expected = JSON.parse(await readFile(join(EX, 'expected-invalid.json'), 'utf8'));
  loaded = await loadProfile(join(EX, 'profile'));
});

/** Invalid rows found by validation, as `file|sheet|row` -> list of `column:code`. */
async function invalidRows(files: string[]) {
  const tables = await readAllTables(files.map((f) => join(EX, f)));
  const found = new Map<string, string[]>();
  let valid = 0;
  for (const { table, results } of validateTables(tables, { profile: loaded.profile })) {
    const rel = table.file.slice(EX.length + 1);
    for (const r of results) {
      if (r.ok) valid++;
      else found.set(`${rel}|${table.sheet ?? ''}|${r.row}`, r.errors.map((e) => `${e.column}:${e.code}`));
    }
  }
  return { found, valid };
}

function expectedRows(prefix: string) {
  const map = new Map<string, string[]>();
  for (const e of expected.invalid.filter((x) => x.file.startsWith(prefix))) {
    const key = `${e.file}|${e.sheet}|${e.row}`;
    map.set(key, [...(map.get(key) ?? []), `${e.column}:${e.code}`]);
  }
  return map;
}

describe('demo profile', () => {
  it('loads without any problem', () => {
    expect(profileProblemLines(loaded)).toEqual([]);
    expect(loaded.problems).toEqual([]);
  });

  it('has the command office, county leadership, the departments and the 13 townships of 通许县', () => {
    const { units, workClasses } = loaded.profile;
    const byCode = new Map(units.map((u) => [u.code, u]));
    expect(units.filter((u) => u.type === '指挥部').map((u) => u.name)).toEqual(['指挥部办公室']);
    expect(units.filter((u) => u.type === '县领导').map((u) => u.name)).toEqual(['县委县政府']);
    expect(units.filter((u) => u.type === '街道').map((u) => u.name)).toEqual(['咸平街道']);
    expect(units.filter((u) => u.type === '园区').map((u) => u.name)).toEqual(['高新区']);
    expect(units.filter((u) => u.type === '乡镇')).toHaveLength(11);
    for (const name of ['县发展改革委', '县科工局', '县交通运输局', '县商务局', '县卫健委', '县金融局', '县市场监管局', '县人力资源社会保障局']) {
      expect(units.some((u) => u.name === name), name).toBe(true);
    }
    // Every unit escalates up to the county leadership, and no contact is a personal name.
    for (const u of units) {
      let cur = u;
      for (let i = 0; i < 5 && cur.parent; i++) cur = byCode.get(cur.parent)!;
      expect(cur.code, u.code).toBe('county');
      expect(u.contact).toMatch(/值班员$/);
      expect(u.emails.every((e) => e.endsWith('.example'))).toBe(true);
    }
    expect(workClasses).toHaveLength(8);
    expect(workClasses.find((w) => w.id === 'coordination')?.leadUnit).toBe('command');
    expect(workClasses.find((w) => w.id === 'industry')?.leadUnit).toBe('kgj');
    expect(loaded.profile.slaRules).toHaveLength(2);
    expect(loaded.profile.members.every((m) => m.email.endsWith('@tongxu.example'))).toBe(true);
  });
});

describe('demo workbooks', () => {
  it('every workbook row is valid except the rows meant to be invalid, which fail with the expected codes', async () => {
    const files = (await readdir(join(EX, 'workbooks'))).filter((f) => f.endsWith('.xlsx')).map((f) => `workbooks/${f}`);
    expect(files).toHaveLength(8);
    const { found, valid } = await invalidRows(files);
    const want = expectedRows('workbooks/');
    expect([...found.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [key, codes] of want) for (const c of codes) expect(found.get(key), key).toContain(c);
    expect(valid).toBeGreaterThan(300);
    expect(found.size).toBeLessThan(10);
  });

  it('the CSV copies hold the same rows', async () => {
    const classes = await readdir(join(EX, 'csv'));
    const files: string[] = [];
    for (const c of classes) for (const f of await readdir(join(EX, 'csv', c))) files.push(`csv/${c}/${f}`);
    const { found } = await invalidRows(files);
    const want = new Map([...expectedRows('csv/')].map(([k, v]) => [k.replace(/\|白名单\|/, '||'), v]));
    expect([...found.keys()].sort()).toEqual([...want.keys()].sort());
  });

  it('the teaching files: invalid/ fails with the intended codes, valid/ passes', async () => {
    const { found } = await invalidRows(['invalid/白名单.csv', 'invalid/问题诉求.csv', 'invalid/领域总量.csv']);
    const want = expectedRows('invalid/');
    expect([...found.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [key, codes] of want) for (const c of codes) expect(found.get(key), key).toContain(c);
    const clean = await invalidRows(['valid/白名单.csv']);
    expect(clean.found.size).toBe(0);
    expect(clean.valid).toBe(12);
  });

  it('coverage lands above, near and below the 70% target in different sectors', async () => {
    const files = ['industry', 'commerce', 'transport', 'culture_tourism', 'key_projects'].map((c) => join(EX, 'workbooks', `${c}.xlsx`));
    const results = validateTables(await readAllTables(files), { profile: loaded.profile });
    const whitelist: WhitelistRow[] = [];
    const totals: SectorTotalRow[] = [];
    for (const tr of results) {
      if (tr.kind === 'whitelist') for (const r of tr.results) if (r.ok && r.value !== undefined) whitelist.push(r.value);
      if (tr.kind === 'sector_total') for (const r of tr.results) if (r.ok && r.value !== undefined) totals.push(r.value);
    }
    const report = computeCoverage({ whitelist, totals, targets: loaded.profile.sectorTargets, at: expected.demoDay });
    const cov = Object.fromEntries(report.sectors.map((s) => [s.sector, s.coverage!]));
    for (const s of report.sectors) {
      expect(s.error).toBeNull();
      expect(s.covered).toBeCloseTo(expected.coverage[s.sector].covered, 2);
      expect(s.total).toBe(expected.coverage[s.sector].total);
    }
    expect(cov['工业生产']).toBeGreaterThan(0.7);
    expect(cov['文化旅游']).toBeGreaterThan(0.7);
    expect(cov['商贸流通']).toBeLessThan(0.7);
    expect(cov['商贸流通']).toBeGreaterThan(0.65);
    expect(cov['交通运输']).toBeLessThan(0.6);
    expect(Math.abs(cov['重点项目'] - 0.7)).toBeLessThan(0.02);
  });
});

describe('scripts/make-examples.ts', () => {
  it('regenerates the committed files (CSV, manifest and the .xlsx workbooks) byte for byte', async () => {
    const out = await mkdtemp(join(tmpdir(), 'sibao-examples-'));
    await makeExamples(out);
    const list = async (dir: string): Promise<string[]> => {
      const entries = await readdir(dir, { withFileTypes: true });
      const files: string[] = [];
      for (const e of entries) {
        if (e.isDirectory()) files.push(...(await list(join(dir, e.name))).map((f) => `${e.name}/${f}`));
        else files.push(e.name);
      }
      return files.sort();
    };
    const mine = await list(out);
    expect(mine).toEqual(await list(EX));
    expect(mine.filter((f) => f.endsWith('.xlsx'))).toHaveLength(8);
    for (const f of mine) {
      if (f.endsWith('.xlsx')) expect((await readFile(join(out, f))).equals(await readFile(join(EX, f))), f).toBe(true);
      else expect(await readFile(join(out, f), 'utf8'), f).toBe(await readFile(join(EX, f), 'utf8'));
    }
  }, 60_000);
});
