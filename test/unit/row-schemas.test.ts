// The zod row schemas agree with validation on real data: every ok value validateRows produces over
// the demo county's files parses with its kind's schema, unchanged. Hand-made wrong shapes are
// rejected at the right path; stored issue records from the digest fixture parse; parseStoredIssue
// reports corrupt records with a stable code; and the add-on never reaches this module.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROW_KINDS, type RowKind, type WorkClassId } from '../../domain/rows/kinds.js';
import { createIssueRecord, currentAssignment } from '../../domain/issues/lifecycle.js';
import {
  ROW_SCHEMAS,
  StoredDataError,
  calendarOverrideSchema,
  consultantRowSchema,
  epidemicSupportRowSchema,
  issueRowSchema,
  memberSchema,
  policyRowSchema,
  routingRuleSchema,
  sectorTargetSchema,
  sectorTotalRowSchema,
  slaRuleSchema,
  unitSchema,
  whitelistRowSchema,
  workClassSchema,
} from '../../domain/rows/row-schemas.js';
import { issueRecordSchema, notificationSchema, parseStoredIssue } from '../../domain/issues/record-schema.js';
import type { Cell, IssueRow, Profile, RoutingRule, SlaRule, WhitelistRow, WorkClass } from '../../domain/rows/types.js';
import type { IssueRecord } from '../../domain/issues/types.js';
import { makeUscc } from '../../domain/rows/uscc.js';
import { validateRows } from '../../domain/rows/validate.js';
import { readTables, sectorHint, type Table } from '../../local/files.js';
import { loadProfile } from '../../local/profile-files.js';
import { buildLedger, profile as fixtureProfile } from '../fixtures/digest-fixture.js';

const root = resolve(import.meta.dirname, '../..');
const examples = join(root, 'examples');

function csvFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? csvFiles(p) : p.endsWith('.csv') ? [p] : [];
    });
}

/** The first issue's path (dotted) of a failed parse, or undefined when it parsed. */
function failPaths(schema: { safeParse(d: unknown): { success: boolean; error?: { issues: { path: PropertyKey[] }[] } } }, data: unknown): string[] | undefined {
  const r = schema.safeParse(data);
  if (r.success) return undefined;
  return r.error!.issues.map((i) => i.path.map(String).join('.'));
}

// ---- validation output over the demo county ---------------------------------------------------------

describe('row schemas agree with validateRows on the demo county', () => {
  let tables: Table[] = [];
  let profile: Profile;

  beforeAll(async () => {
    // csv/** (all classes, incl. coordination's config tabs), profile/, and the valid/invalid samples
    // (their ok rows must parse too).
    const files = [...csvFiles(join(examples, 'csv')), ...csvFiles(join(examples, 'profile')), ...csvFiles(join(examples, 'valid')), ...csvFiles(join(examples, 'invalid'))];
    for (const f of files) tables.push(...(await readTables(f)));
    profile = (await loadProfile(join(examples, 'profile'))).profile;
    // The demo county has no 节假日调整 rows (header only): add a few, spelled the ways people type them.
    tables.push({
      file: join(examples, 'profile', '节假日调整.csv'),
      kind: 'calendar_override',
      headers: ['日期', '类型'],
      rows: [
        { row: 2, values: { 日期: '2022年10月8日', 类型: '调休上班' } },
        { row: 3, values: { 日期: '2022/10/3', 类型: '放假' } },
        { row: 4, values: { 日期: '２０２２－１０－０９', 类型: '工作日' } },
      ],
    });
  });

  it('reads tables of every kind', () => {
    // (calendar_override comes from the rows added above)
    expect(new Set(tables.map((t) => t.kind))).toEqual(new Set(ROW_KINDS));
  });

  const contexts = [
    ['without a profile', false],
    ['with the demo profile and sheet sector', true],
  ] as const;

  it.each(contexts)('every ok value parses unchanged with its kind schema (%s)', (_name, withProfile) => {
    const okByKind = new Map<RowKind, number>();
    const failures: string[] = [];
    for (const t of tables) {
      const ctx = withProfile ? { profile, sector: sectorHint(t.file) } : undefined;
      const results = validateRows(t.kind, t.rows, ctx);
      for (const r of results) {
        if (!r.ok) continue;
        okByKind.set(t.kind, (okByKind.get(t.kind) ?? 0) + 1);
        const parsed = ROW_SCHEMAS[t.kind].safeParse(r.value);
        if (!parsed.success) {
          failures.push(`${relative(root, t.file)} 第 ${r.row} 行: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
        } else expect(parsed.data).toEqual(r.value);
      }
    }
    expect(failures).toEqual([]);
    // Every kind contributed real rows (the check above is not vacuous).
    for (const k of ROW_KINDS) expect(okByKind.get(k) ?? 0, k).toBeGreaterThan(0);
    const total = [...okByKind.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(100);
  });

  it('the profile built from the demo files has schema-valid parts', () => {
    const parts: [string, { safeParse(d: unknown): { success: boolean } }, unknown[]][] = [
      ['workClasses', workClassSchema, profile.workClasses],
      ['units', unitSchema, profile.units],
      ['routingRules', routingRuleSchema, profile.routingRules],
      ['sectorTargets', sectorTargetSchema, profile.sectorTargets],
      ['slaRules', slaRuleSchema, profile.slaRules],
      ['members', memberSchema, profile.members],
      ['calendarOverrides', calendarOverrideSchema, profile.calendarOverrides],
    ];
    for (const [name, schema, items] of parts) {
      for (const [i, item] of items.entries()) expect(schema.safeParse(item).success, `${name}[${i}]`).toBe(true);
    }
    expect(profile.units.length).toBeGreaterThan(10);
    // buildProfile's convention for a class without a lead unit.
    expect(workClassSchema.safeParse({ id: 'supervision', name: '督办督查', leadUnit: '' }).success).toBe(true);
  });
});

// ---- hand-made wrong shapes ---------------------------------------------------------------------------

const CODE = makeUscc('91410222MA4000001');
const BAD_CHECK = CODE.slice(0, 17) + (CODE[17] === '0' ? '1' : '0');

const goodWhitelist: WhitelistRow = {
  code: CODE,
  name: '通许县示例机械有限公司',
  sector: '工业生产',
  locality: '咸平街道',
  value: 1200,
  employees: 80,
  status: '已纳入',
  admittedOn: '2022-06-01',
  phone: '13800000001',
  email: 'contact@company.example',
  partners: [],
};

describe('whitelistRowSchema rejects wrong shapes at the right path', () => {
  it('accepts the good row', () => {
    expect(whitelistRowSchema.parse(goodWhitelist)).toEqual(goodWhitelist);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['bad USCC check character', { code: BAD_CHECK }, ['code']],
    ['lower-case code (not normalised)', { code: CODE.toLowerCase() }, ['code']],
    ['unknown sector', { sector: '农业' }, ['sector']],
    ['negative value', { value: -1 }, ['value']],
    ['value in 元, not 万元', { value: 50_000_000 }, ['value']],
    ['value as text', { value: '1200' }, ['value']],
    ['fractional employees', { employees: 1.5 }, ['employees']],
    ['impossible date', { admittedOn: '2022-02-30' }, ['admittedOn']],
    ['non-ISO date', { admittedOn: '2022/06/01' }, ['admittedOn']],
    ['not-normalised phone', { phone: '138-0000-0001' }, ['phone']],
    ['upper-case e-mail', { email: 'Contact@company.example' }, ['email']],
    ['bad partner code', { partners: [CODE, BAD_CHECK] }, ['partners.1']],
    ['unknown removal reason', { status: '已移出', removedOn: '2022-06-05', removalReason: '搬迁' }, ['removalReason']],
    ['removed without date and reason', { status: '已移出' }, ['removedOn', 'removalReason']],
    ['removed before admitted', { status: '已移出', removedOn: '2022-05-01', removalReason: '其他' }, ['removedOn']],
    ['admitted without date', { admittedOn: undefined }, ['admittedOn']],
    ['extra key', { workClass: 'industry' }, ['']],
    ['missing name', { name: undefined }, ['name']],
    ['empty name', { name: '' }, ['name']],
  ])('%s', (_name, patch, paths) => {
    const row: Record<string, unknown> = { ...goodWhitelist, ...patch };
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete row[k];
    expect(failPaths(whitelistRowSchema, row)).toEqual(paths);
  });
});

describe('the other kinds reject wrong shapes at the right path', () => {
  it.each<[string, { safeParse(d: unknown): never }, unknown, string[]]>([
    ['sector_total month 13', sectorTotalRowSchema as never, { sector: '商贸流通', period: '2022-13', total: 5 }, ['period']],
    ['sector_total zero total', sectorTotalRowSchema as never, { sector: '商贸流通', period: '2022-06', total: 0 }, ['total']],
    [
      'issue impossible date and unknown category',
      issueRowSchema as never,
      { category: '水电', description: '缺电', urgency: '一般', beyondScope: false, major: false, reportedOn: '2022-02-30' },
      ['category', 'reportedOn'],
    ],
    ['issue beyondScope as 是', issueRowSchema as never, { category: '其他', description: '说明', urgency: '一般', beyondScope: '是', major: false, reportedOn: '2022-06-06' }, ['beyondScope']],
    ['policy unknown sector in list', policyRowSchema as never, { name: '某政策', sectors: ['工业生产', '农业'] }, ['sectors.1']],
    ['policy bad link', policyRowSchema as never, { name: '某政策', sectors: [], link: 'ftp://x.example/a' }, ['link']],
    ['consultant without contact', consultantRowSchema as never, { unit: 'swj', name: '政策咨询员甲', categories: [] }, ['phone']],
    [
      'epidemic support: enterprise without medical institution',
      epidemicSupportRowSchema as never,
      { targetType: '白名单企业', target: CODE, staff: '防疫员' },
      ['medicalInstitution'],
    ],
    ['epidemic support: class by name, not id', epidemicSupportRowSchema as never, { targetType: '工作专班', target: '工业生产', staff: '防疫员' }, ['target']],
    ['work class unknown id', workClassSchema as never, { id: 'agriculture', name: '农业', leadUnit: 'nyj' }, ['id']],
    ['unit upper-case e-mail in list', unitSchema as never, { code: 'swj', name: '县商务局', type: '县直部门', emails: ['a@x.example', 'B@x.example'] }, ['emails.1']],
    ['unit code with a space', unitSchema as never, { code: 's wj', name: '县商务局', type: '县直部门', emails: [] }, ['code']],
    ['routing rule fractional priority', routingRuleSchema as never, { priority: 1.5, keywords: [], unit: 'swj' }, ['priority']],
    ['sector target above 100%', sectorTargetSchema as never, { sector: '工业生产', target: 1.5, deadline: '2022-06-30' }, ['target']],
    ['sla out of order', slaRuleSchema as never, { urgency: '紧急', signDays: 1, feedbackDays: 5, resolveDays: 3 }, ['feedbackDays']],
    ['member unknown role', memberSchema as never, { email: 'a@x.example', workClass: 'industry', role: '管理员' }, ['role']],
    ['calendar override bad type', calendarOverrideSchema as never, { date: '2022-10-08', type: '补班' }, ['type']],
  ])('%s', (_name, schema, data, paths) => {
    expect(failPaths(schema, data)).toEqual(paths);
  });
});

// ---- row types derived from the table (checked by tsc: `npm test` type-checks first) ------------------

type Eq<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
/** true when K is an optional key of T. */
type IsOptional<T, K extends keyof T> = {} extends Pick<T, K> ? true : false;

export type DerivedRowTypeChecks = [
  // enum columns give their value union; required columns required, others optional
  Assert<Eq<WhitelistRow['status'], '申报中' | '已纳入' | '已移出'>>,
  Assert<Eq<IsOptional<WhitelistRow, 'code'>, false>>,
  Assert<Eq<IsOptional<WhitelistRow, 'employees'>, true>>,
  Assert<Eq<WhitelistRow['partners'], string[]>>,
  // a default makes a field always present
  Assert<Eq<IsOptional<IssueRow, 'urgency'>, false>>,
  Assert<Eq<IssueRow['urgency'], '一般' | '紧急'>>,
  Assert<Eq<IssueRow['beyondScope'], boolean>>,
  // a system column with a field is optional (编号)
  Assert<Eq<IsOptional<IssueRow, 'id'>, true>>,
  // fields added by rules are declared too: the filled 名称, the sheet row of a routing rule
  Assert<Eq<IsOptional<WorkClass, 'name'>, false>>,
  Assert<Eq<IsOptional<RoutingRule, 'row'>, true>>,
  Assert<Eq<RoutingRule['row'], number | undefined>>,
  Assert<Eq<WorkClass['id'], WorkClassId>>,
  Assert<Eq<keyof SlaRule, 'urgency' | 'signDays' | 'feedbackDays' | 'resolveDays'>>,
];

// ---- one voice: the rules between fields are written once (rules.ts) -----------------------------------

describe('validation and the edge schemas report the rules between fields with the same messages', () => {
  /** Messages of a failed edge parse, by header-named column (the path's field → its header). */
  function edgeMessages(kind: RowKind, data: unknown): string[] {
    const r = ROW_SCHEMAS[kind].safeParse(data);
    return r.success ? [] : r.error.issues.map((i) => i.message).sort();
  }
  const wl = {
    统一社会信用代码: CODE,
    名称: '通许县示例机械有限公司',
    所属领域: '工业生产',
    所在乡镇: '咸平街道',
    '产值或投资额（万元）': 1200,
    状态: '已纳入',
    纳入日期: '2022-06-01',
  };
  it.each<[string, RowKind, Record<string, Cell>, Record<string, unknown>]>([
    ['removed without date and reason', 'whitelist', { ...wl, 状态: '已移出' }, { ...goodWhitelist, status: '已移出' }],
    ['admitted without date', 'whitelist', { ...wl, 纳入日期: '' }, { ...goodWhitelist, admittedOn: undefined }],
    [
      'removed before admitted',
      'whitelist',
      { ...wl, 状态: '已移出', 移出日期: '2022-05-01', 移出原因: '其他' },
      { ...goodWhitelist, status: '已移出', removedOn: '2022-05-01', removalReason: '其他' },
    ],
    ['value in 元', 'whitelist', { ...wl, '产值或投资额（万元）': 50_000_000 }, { ...goodWhitelist, value: 50_000_000 }],
    ['consultant without contact', 'consultant', { 单位: 'swj', 姓名: '政策咨询员甲' }, { unit: 'swj', name: '政策咨询员甲', categories: [] }],
    [
      'enterprise support without medical institution',
      'epidemic_support',
      { 对象类型: '白名单企业', 对象: CODE, 防疫人员: '防疫员' },
      { targetType: '白名单企业', target: CODE, staff: '防疫员' },
    ],
    ['support of an unknown class', 'epidemic_support', { 对象类型: '工作专班', 对象: '农业', 防疫人员: '防疫员' }, { targetType: '工作专班', target: '农业', staff: '防疫员' }],
    [
      'sla out of order',
      'sla_rule',
      { 紧急程度: '紧急', '签收时限（工作日）': 1, '反馈时限（工作日）': 5, '办结时限（工作日）': 3 },
      { urgency: '紧急', signDays: 1, feedbackDays: 5, resolveDays: 3 },
    ],
  ])('%s', (_name, kind, cells, row) => {
    const data: Record<string, unknown> = { ...row };
    for (const [k, v] of Object.entries(data)) if (v === undefined) delete data[k];
    const validated = validateRows(kind, [{ row: 2, values: cells }])[0];
    expect(validated.ok).toBe(false);
    const messages = validated.errors.map((e) => e.message).sort();
    expect(messages.length).toBeGreaterThan(0);
    expect(edgeMessages(kind, data)).toEqual(messages);
  });
});

// ---- stored issue records ------------------------------------------------------------------------------

describe('issueRecordSchema and parseStoredIssue', () => {
  let ledger: IssueRecord[];
  beforeAll(() => {
    ledger = buildLedger();
  });

  it('every record of the digest fixture parses unchanged', () => {
    expect(ledger.length).toBeGreaterThan(5);
    // The fixture exercises the lifecycle: returns, follow-ups, escalations.
    expect(ledger.some((r) => r.assignments.length > 1)).toBe(true);
    expect(ledger.some((r) => r.escalationLevel > 0)).toBe(true);
    for (const rec of ledger) {
      const r = issueRecordSchema.safeParse(rec);
      expect(r.success ? [] : r.error.issues, rec.id).toEqual([]);
      expect(parseStoredIssue(rec)).toEqual(rec);
    }
  });

  it('survives a JSON round trip (what a store hands back)', () => {
    for (const rec of ledger) expect(parseStoredIssue(JSON.parse(JSON.stringify(rec)))).toEqual(rec);
  });

  it('drops store key attributes and unknown keys', () => {
    const rec = ledger[0];
    const item = { pk: `ISSUE#${rec.id}`, sk: 'ISSUE', ...rec, issue: { ...rec.issue, legacy: 1 } };
    expect(parseStoredIssue(item)).toEqual(rec);
  });

  it('throws stored_data_invalid naming the id and the paths', () => {
    const rec = structuredClone(ledger[0]);
    (rec.assignments[0] as { signBy: string }).signBy = '6/10';
    (rec as { status: string }).status = '处理中';
    (rec.events[0] as { at: unknown }).at = '2022-06-06';
    let err: unknown;
    try {
      parseStoredIssue(rec);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoredDataError);
    const e = err as StoredDataError;
    expect(e.code).toBe('stored_data_invalid');
    expect(e.problems.map((p) => p.path).sort()).toEqual(['assignments.0.signBy', 'events.0.at', 'status']);
    expect(e.message).toContain(rec.id);
    expect(e.message).toContain('assignments.0.signBy');
    expect(e.message).toMatch(/格式不正确/);
  });

  it('rejects something that is not a record at all', () => {
    expect(() => parseStoredIssue(null)).toThrow(StoredDataError);
    expect(() => parseStoredIssue({ id: 'WT-20220606-001' })).toThrow(/WT-20220606-001/);
  });

  it('notifications made by the lifecycle parse with notificationSchema', () => {
    const rec = ledger[0];
    const a = currentAssignment(rec);
    const change = createIssueRecord(
      'WT-20220606-099',
      { ...rec.issue, id: 'WT-20220606-099' },
      { unit: a.unit, also: ['command'], how: 'rule', signBy: a.signBy, feedbackBy: a.feedbackBy, resolveBy: a.resolveBy, warnings: [] },
      rec.createdAt,
      fixtureProfile,
    );
    expect(change.notifications.length).toBeGreaterThan(0);
    for (const n of change.notifications) expect(notificationSchema.parse(n)).toEqual(n);
    expect(parseStoredIssue(change.record)).toEqual(change.record);
    expect(failPaths(notificationSchema, { ...change.notifications[0], to: 'a@x.example' })).toEqual(['to']);
  });
});

// ---- bundle isolation ------------------------------------------------------------------------------------

/** Every file reachable through relative imports from `entry` (`.js` specifiers resolve to `.ts`). */
function reachable(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const src = readFileSync(entry, 'utf8');
  const re = /(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\s*\(\s*['"](\.[^'"]+)['"]\s*\)/g;
  for (const m of src.matchAll(re)) {
    const spec = (m[1] ?? m[2]).replace(/\.js$/, '.ts');
    const file = resolve(dirname(entry), spec);
    try {
      if (statSync(file).isFile()) reachable(file, seen);
    } catch {
      // Non-TS assets (html) or files another engineer has not written yet.
    }
  }
  return seen;
}

describe('bundle isolation', () => {
  const target = join(root, 'domain/rows/row-schemas.ts');

  it('the validation hot path does not reach the zod row schemas', () => {
    const files = reachable(join(root, 'domain/rows/validate.ts'));
    expect(files.size).toBeGreaterThan(3);
    expect(files.has(target)).toBe(false);
  });

  it('no add-on source reaches the zod row schemas', () => {
    const dir = join(root, 'sheets-addon');
    const entries = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(entries.length).toBeGreaterThan(0);
    for (const f of entries) expect(reachable(join(dir, f)).has(target), f).toBe(false);
  });

  /** Reachable files that import zod itself. */
  const importsZod = (files: Set<string>) => [...files].filter((f) => /from\s*['"]zod(?:\/[^'"]*)?['"]/.test(readFileSync(f, 'utf8'))).map((f) => relative(root, f));

  it('neither the validation hot path nor any add-on source reaches zod at all', () => {
    // The check itself sees zod where it is imported.
    expect(importsZod(reachable(target))).toContain('domain/rows/row-schemas.ts');
    expect(importsZod(reachable(join(root, 'domain/rows/validate.ts')))).toEqual([]);
    const dir = join(root, 'sheets-addon');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) expect(importsZod(reachable(join(dir, f))), f).toEqual([]);
  });
});
