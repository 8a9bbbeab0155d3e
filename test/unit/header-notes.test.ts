// The header notes and dropdowns of domain/header-notes.ts against what validation really does: every
// header has a note, required columns say 必填, enum columns list exactly the accepted values, and
// every value a note quotes (examples, bounds, the values of a dropdown) is run through validateRow.
import { describe, expect, it } from 'vitest';
import {
  dropdowns,
  enumValues,
  headerNote,
  NOTE_ESCALATION_WORKDAYS,
  NOTE_MAJOR_DAYS,
  noteFacts,
  rangeText,
} from '../../domain/rows/header-notes.js';
import { FOLLOW_UP_RESULTS, INSPECTION_STATUSES, ISSUE_STATUSES, KINDS, ROW_KINDS, type RowKind, SECTORS } from '../../domain/rows/kinds.js';
import { MAJOR_RESOLVE_CALENDAR_DAYS } from '../../domain/issues/routing.js';
import { type ColumnSpec, SCHEMAS } from '../../domain/rows/schemas.js';
import { ESCALATION_WORKDAYS } from '../../domain/issues/sweep.js';
import type { Cell } from '../../domain/rows/types.js';
import { makeUscc } from '../../domain/rows/uscc.js';
import { MAX_WAN, validateRow, validateRows } from '../../domain/rows/validate.js';

const CODE = makeUscc('91410222000000001');

const inputColumns = ROW_KINDS.flatMap((kind) => SCHEMAS[kind].columns.map((c) => [kind, c.header, c] as const));
const allHeaders = ROW_KINDS.flatMap((kind) => KINDS[kind].headers.map((h) => [kind, h] as const));
const enumColumns = inputColumns.filter(([, , c]) => c.type === 'enum' || c.type === 'enumList' || c.type === 'yesno');

/** The values validation accepts in a list-like column, as the note and dropdown should list them. */
function accepted(c: ColumnSpec): readonly string[] {
  if (c.type === 'yesno') return ['是', '否'];
  return c.all ? [...c.values!, c.all] : c.values!;
}

/** A value for a column that validation accepts: the note's own first example if it has one. */
function sample(kind: RowKind, c: ColumnSpec): string {
  const ex = noteFacts(kind, c.header)!.examples[0];
  if (ex !== undefined) return ex;
  const values = enumValues(kind, c.header);
  if (values) return values[0];
  switch (c.type) {
    case 'code':
    case 'codes':
      return CODE;
    case 'integer':
      return '3';
    case 'url':
      return 'https://policy.county.example/1';
    default:
      return '测试';
  }
}

/** A row of a kind with every input column filled from `sample`. */
function baseRow(kind: RowKind): Record<string, Cell> {
  return Object.fromEntries(SCHEMAS[kind].columns.map((c) => [c.header, sample(kind, c)]));
}

function errorsIn(kind: RowKind, values: Record<string, Cell>, column: string, ctx = {}): string[] {
  return validateRow(kind, { row: 2, values }, ctx)
    .errors.filter((e) => e.column === column)
    .map((e) => e.code);
}

describe('every header has a note', () => {
  it.each(allHeaders)('%s %s', (kind, header) => {
    const note = headerNote(kind, header);
    expect(note.length).toBeGreaterThan(4);
    expect(note.endsWith('。')).toBe(true);
  });

  it('a header the kind does not have gets no note and no dropdown', () => {
    expect(headerNote('whitelist', '不存在的列')).toBe('');
    expect(enumValues('whitelist', '不存在的列')).toBeUndefined();
  });
});

describe('必填 / 选填 / 系统列', () => {
  it.each(inputColumns)('%s %s', (kind, header, c) => {
    const note = headerNote(kind, header);
    const facts = noteFacts(kind, header)!;
    if (c.required) expect(note.startsWith('必填')).toBe(true);
    else if (facts.condition) expect(note).toMatch(/^「.+」为.+时必填/);
    else expect(note.startsWith('选填')).toBe(true);
  });

  it('system columns say who fills them, offer no dropdown and never say 必填', () => {
    for (const kind of ROW_KINDS) {
      for (const h of KINDS[kind].system) {
        expect(headerNote(kind, h), `${kind} ${h}`).toMatch(/^系统填写.*请勿修改。$/);
        expect(headerNote(kind, h)).not.toContain('必填');
        expect(enumValues(kind, h)).toBeUndefined();
      }
    }
    expect(noteFacts('issue', '状态')!.values).toEqual(ISSUE_STATUSES);
    expect(noteFacts('issue', '回访结果')!.values).toEqual(FOLLOW_UP_RESULTS);
    expect(noteFacts('inspection', '状态')!.values).toEqual(INSPECTION_STATUSES);
    expect(headerNote('issue', '状态')).toContain(`可能的值：${ISSUE_STATUSES.join('、')}`);
  });

  it('each conditional requirement is one validation enforces, and only under its condition', () => {
    const conditional = inputColumns.filter(([kind, h]) => noteFacts(kind, h)!.condition);
    expect(conditional.map(([k, h]) => `${k}.${h}`)).toEqual([
      'whitelist.纳入日期',
      'whitelist.移出日期',
      'whitelist.移出原因',
      'epidemic_support.结对医疗机构',
      'shutdown.报省会商',
      'spot_check.说明',
    ]);
    for (const [kind, h] of conditional) {
      const cond = noteFacts(kind, h)!.condition!;
      const others = enumValues(kind, cond.header)!.filter((v) => !cond.values.includes(v));
      for (const v of cond.values) {
        expect(errorsIn(kind, { ...baseRow(kind), [cond.header]: v, [h]: '' }, h), `${h} when ${v}`).toContain('conditional_required');
      }
      for (const v of others) expect(errorsIn(kind, { ...baseRow(kind), [cond.header]: v, [h]: '' }, h), `${h} when ${v}`).toEqual([]);
    }
  });
});

describe('enum columns list exactly the values validation accepts', () => {
  it.each(enumColumns)('%s %s', (kind, header, c) => {
    const values = accepted(c);
    expect(enumValues(kind, header)).toEqual(values);
    const note = headerNote(kind, header);
    const listed = /可选：([^。]+)。/.exec(note)?.[1].split('、') ?? [];
    expect(listed).toHaveLength(values.length);
    // Listed in order; a work class id may carry its name: `industry（工业生产）`.
    listed.forEach((item, i) => expect(item.startsWith(values[i]), item).toBe(true));
    for (const v of values) expect(errorsIn(kind, { ...baseRow(kind), [header]: v }, header), v).toEqual([]);
  });

  it('dropdowns: one per enum column in column order; list columns only suggest', () => {
    for (const kind of ROW_KINDS) {
      const want = KINDS[kind].headers.filter((h) => enumColumns.some(([k, hh]) => k === kind && hh === h));
      expect(dropdowns(kind).map((d) => d.header)).toEqual(want);
      for (const d of dropdowns(kind)) expect(d.strict, d.header).toBe(SCHEMAS[kind].columns.find((c) => c.header === d.header)!.type !== 'enumList');
    }
  });

  it('a sector class offers only its own sector on the whitelist, the one place validation checks it', () => {
    expect(enumValues('whitelist', '所属领域', { sector: '工业生产' })).toEqual(['工业生产']);
    expect(headerNote('whitelist', '所属领域', { sector: '工业生产' })).toContain('本表只能填：工业生产');
    const row = { ...baseRow('whitelist'), 所属领域: '商贸流通' };
    expect(errorsIn('whitelist', row, '所属领域', { sector: '工业生产' })).toEqual(['wrong_sector']);
    // Issues may name any sector, so their dropdown stays whole.
    expect(enumValues('issue', '所属领域', { sector: '工业生产' })).toEqual(SECTORS);
    expect(errorsIn('issue', { ...baseRow('issue'), 所属领域: '商贸流通' }, '所属领域', { sector: '工业生产' })).toEqual([]);
  });
});

describe('a note never names a value validation would reject', () => {
  it('each kind has a valid row made of the notes’ own first examples', () => {
    for (const kind of ROW_KINDS) {
      const r = validateRow(kind, { row: 2, values: baseRow(kind) });
      expect(r.errors, kind).toEqual([]);
    }
  });

  it.each(inputColumns)('%s %s: every example and every value after 如 passes', (kind, header) => {
    const quoted = [...headerNote(kind, header).matchAll(/如 ([^\s，。；、（）]+)/g)].map((m) => m[1]);
    for (const ex of [...noteFacts(kind, header)!.examples, ...quoted]) {
      expect(errorsIn(kind, { ...baseRow(kind), [header]: ex }, header), ex).toEqual([]);
    }
  });

  it('产值或投资额 states MAX_WAN as its ceiling, and validation agrees at the edge', () => {
    const h = '产值或投资额（万元）';
    const rule = noteFacts('whitelist', h)!.number!;
    expect(rule.max).toBe(MAX_WAN);
    const note = headerNote('whitelist', h);
    expect(note).toContain(`0 到 ${MAX_WAN.toLocaleString('en-US')}`);
    expect(note).toContain('万元');
    expect(note).toContain('元');
    expect(errorsIn('whitelist', { ...baseRow('whitelist'), [h]: MAX_WAN }, h)).toEqual([]);
    expect(errorsIn('whitelist', { ...baseRow('whitelist'), [h]: MAX_WAN + 1 }, h)).toEqual(['number_range']);
  });

  const numeric = inputColumns.filter(([, , c]) => c.type === 'number' || c.type === 'integer');
  it.each(numeric)('%s %s: the stated bounds are validation’s', (kind, header) => {
    const rule = noteFacts(kind, header)!.number!;
    const note = headerNote(kind, header);
    const at = (v: number) => errorsIn(kind, { ...baseRow(kind), [header]: v }, header);
    if (rangeText(rule)) expect(note).toContain(rangeText(rule));
    if (rule.integer) {
      expect(note).toContain('整数');
      expect(at(2.5)).toEqual(['number']);
    }
    if (rule.min === undefined) {
      expect(note).toContain('可为负数');
      expect(at(-5)).toEqual([]);
    } else if (rule.minExclusive) {
      expect(at(rule.min)).toEqual(['number_range']);
      expect(at(rule.min + 1)).toEqual([]);
    } else {
      expect(at(rule.min)).toEqual([]);
      expect(at(rule.min - 1)).toEqual(['number_range']);
    }
    if (rule.max === undefined) {
      // No ceiling (an SLA row keeps 签收 ≤ 反馈 ≤ 办结 with the later ones as large).
      const big = kind === 'sla_rule' ? { '反馈时限（工作日）': 1e12, '办结时限（工作日）': 1e12 } : {};
      expect(errorsIn(kind, { ...baseRow(kind), ...big, [header]: 1e12 }, header), 'no ceiling').toEqual([]);
    }
  });

  it('目标覆盖率: more than 0, at most 100%, as validation checks', () => {
    const note = headerNote('sector_target', '目标覆盖率');
    expect(note).toContain('大于 0 且不超过 100%');
    const at = (v: string) => errorsIn('sector_target', { ...baseRow('sector_target'), 目标覆盖率: v }, '目标覆盖率');
    expect(at('100%')).toEqual([]);
    expect(at('0.01')).toEqual([]);
    expect(at('0')).toEqual(['number_range']);
    expect(at('101%')).toEqual(['number_range']);
  });

  it.each(inputColumns.filter(([, , c]) => c.maxLen !== undefined))('%s %s: the stated length is validation’s', (kind, header, c) => {
    expect(headerNote(kind, header)).toContain(`不超过 ${c.maxLen} 字`);
    const at = (n: number) => errorsIn(kind, { ...baseRow(kind), [header]: '字'.repeat(n) }, header);
    expect(at(c.maxLen!)).not.toContain('too_long');
    expect(at(c.maxLen! + 1)).toContain('too_long');
  });

  it('不可重复 is said exactly of the columns validation checks for duplicates', () => {
    for (const [kind, header, c] of inputColumns) {
      const unique = SCHEMAS[kind].unique.some((keys) => keys[0] === c.key);
      expect(headerNote(kind, header).includes('不可重复'), `${kind} ${header}`).toBe(unique);
      if (!unique) continue;
      const results = validateRows(kind, [
        { row: 2, values: baseRow(kind) },
        { row: 3, values: baseRow(kind) },
      ]);
      expect(results[1].errors.map((e) => `${e.column}:${e.code}`), `${kind} ${header}`).toContain(`${header}:duplicate`);
    }
  });

  it('defaults: 空 = X is what validation fills in', () => {
    expect(headerNote('issue', '紧急程度')).toContain('空 = 一般');
    expect(headerNote('issue', '重大问题')).toContain('空 = 否');
    const r = validateRow('issue', { row: 2, values: { ...baseRow('issue'), 紧急程度: '', 重大问题: '', 超出协调范围: '' } });
    expect(r.value).toMatchObject({ urgency: '一般', major: false, beyondScope: false });
  });

  it('rules stated in words are the ones the code applies', () => {
    expect(NOTE_MAJOR_DAYS).toBe(MAJOR_RESOLVE_CALENDAR_DAYS);
    expect(NOTE_ESCALATION_WORKDAYS).toBe(ESCALATION_WORKDAYS);
    expect(headerNote('issue', '重大问题')).toContain(`${MAJOR_RESOLVE_CALENDAR_DAYS} 日内办结`);
    expect(headerNote('issue', '升级情况')).toContain(`每逾期 ${ESCALATION_WORKDAYS} 个工作日`);
    // 签收 ≤ 反馈 ≤ 办结
    expect(headerNote('sla_rule', '反馈时限（工作日）')).toContain('签收 ≤ 反馈 ≤ 办结');
    const sla = { 紧急程度: '一般', '签收时限（工作日）': 3, '反馈时限（工作日）': 1, '办结时限（工作日）': 7 };
    expect(errorsIn('sla_rule', sla, '反馈时限（工作日）')).toEqual(['number_range']);
    // 联系电话和联系邮箱至少填一项
    expect(headerNote('consultant', '联系电话')).toContain('至少填一项');
    const consultant = { ...baseRow('consultant'), 联系电话: '', 联系邮箱: '' };
    expect(errorsIn('consultant', consultant, '联系电话')).toEqual(['conditional_required']);
    // 移出日期 不得早于纳入日期
    const wl = { ...baseRow('whitelist'), 状态: '已移出', 纳入日期: '2022-06-10', 移出日期: '2022-06-09' };
    expect(headerNote('whitelist', '移出日期')).toContain('不得早于纳入日期');
    expect(errorsIn('whitelist', wl, '移出日期')).toEqual(['date_order']);
  });

  it('keeps the hand-written hints staff rely on', () => {
    expect(headerNote('whitelist', '统一社会信用代码')).toMatch(/GB 32100/);
    expect(headerNote('whitelist', '产值或投资额（万元）')).toContain('单位：万元');
    expect(headerNote('whitelist', '移出原因')).toContain('防控不力致疫情输入扩散');
    expect(headerNote('issue', '编号')).toContain('WT-YYYYMMDD-NNN');
    expect(headerNote('work_class', '专班编码')).toContain('industry（工业生产）');
  });
});
