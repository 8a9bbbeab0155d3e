// Template workbooks (`sibao template`): one tab per kind with the exact headers, a note on each
// header explaining its rule, dropdowns for every enumerated column over rows 2..1000, a frozen
// header row and grey system columns. The demo workbooks are built on the same templates.

import type ExcelJSNs from 'exceljs';
import { dropdownOf, enumValues, headerNote, type NumberRule, numberRuleOf, rangeText } from '../domain/rows/header-notes.js';
import { KINDS, type RowKind, type Sector } from '../domain/rows/kinds.js';
import { columnOf, type ColumnType } from '../domain/rows/schemas.js';

/** Data rows covered by dropdowns and number checks. */
export const TEMPLATE_LAST_ROW = 1000;

/** Column types kept as text in Excel, so leading zeros and long digit strings survive. */
const TEXT_TYPES: ReadonlySet<ColumnType> = new Set<ColumnType>(['code', 'codes', 'ident', 'phone', 'period']);

/** The enumerated values a header offers (for other surfaces: docs, tests). */
export function headerList(kind: RowKind, header: string): readonly string[] | undefined {
  return enumValues(kind, header);
}

/** The note on a header (domain/header-notes.ts, shared with the add-on). */
export { headerNote };

/** Excel's number check for a numeric column, from validation's bounds (unbounded: Excel's whole-number range). */
function excelNumberCheck(rule: NumberRule): { operator: 'between' | 'greaterThan' | 'greaterThanOrEqual'; formulae: number[] } {
  if (rule.max !== undefined) return { operator: 'between', formulae: [rule.min ?? -2_147_483_648, rule.max] };
  if (rule.min !== undefined) return { operator: rule.minExclusive ? 'greaterThan' : 'greaterThanOrEqual', formulae: [rule.min] };
  return { operator: 'between', formulae: [-2_147_483_648, 2_147_483_647] };
}

const GREY = 'FFD9D9D9';
const HEADER_FILL = 'FFDDEBF7';

function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

export interface TemplateOptions {
  /** A sector class's own sector: the whitelist's 所属领域 dropdown (and note) offer only it. */
  sector?: Sector;
}

/** Add one kind's template tab to a workbook; returns the worksheet. */
export function addTemplateSheet(wb: ExcelJSNs.Workbook, kind: RowKind, opts: TemplateOptions = {}): ExcelJSNs.Worksheet {
  const def = KINDS[kind];
  const ws = wb.addWorksheet(def.tab, { views: [{ state: 'frozen', ySplit: 1 }] });
  const system = new Set(def.system);
  ws.columns = def.headers.map((h) => ({
    header: h,
    key: h,
    width: Math.min(40, Math.max(12, [...h].length * 2 + 4)),
  }));
  const headerRow = ws.getRow(1);
  headerRow.font = { bold: true };
  def.headers.forEach((h, i) => {
    const col = i + 1;
    const letter = columnLetter(col);
    const cell = headerRow.getCell(col);
    const note = headerNote(kind, h, opts);
    if (note) cell.note = note;
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: system.has(h) ? GREY : HEADER_FILL } };
    const column = ws.getColumn(col);
    if (system.has(h)) {
      column.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: GREY } };
      column.font = { color: { argb: 'FF595959' } };
      return; // system columns are written by the product: no dropdowns
    }
    const type = columnOf(kind, h)?.type;
    if (type !== undefined && TEXT_TYPES.has(type)) column.numFmt = '@';
    if (type === 'date') column.numFmt = 'yyyy-mm-dd';
    const range = `${letter}2:${letter}${TEMPLATE_LAST_ROW}`;
    const dvs = (ws as unknown as { dataValidations: { add(address: string, v: ExcelJSNs.DataValidation): void } }).dataValidations;
    const list = dropdownOf(kind, h, opts);
    if (list) {
      dvs.add(range, {
        type: 'list',
        allowBlank: true,
        formulae: [`"${list.values.join(',')}"`],
        showErrorMessage: true,
        errorStyle: list.strict ? 'stop' : 'information',
        errorTitle: h,
        error: list.strict ? `请从列表中选择：${list.values.join('、')}` : `建议从列表中选择；多个值用“；”分隔。`,
        showInputMessage: false,
      });
      return;
    }
    const num = numberRuleOf(kind, h);
    if (num) {
      const bounds = rangeText(num);
      dvs.add(range, {
        type: num.integer ? 'whole' : 'decimal',
        allowBlank: true,
        ...excelNumberCheck(num),
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: h,
        error: `请输入${num.integer ? '整数' : '数字'}${bounds ? `（${bounds}）` : ''}`,
      });
    }
  });
  return ws;
}

/** A template workbook with one tab per kind. */
export async function buildTemplateWorkbook(kinds: readonly RowKind[], opts: TemplateOptions = {}): Promise<ExcelJSNs.Workbook> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'sibao';
  const fixed = new Date(Date.UTC(2022, 4, 20));
  wb.created = fixed;
  wb.modified = fixed;
  for (const kind of kinds) addTemplateSheet(wb, kind, opts);
  return wb;
}

/** Write a template workbook to a file. */
export async function writeTemplate(kinds: readonly RowKind[], out: string, opts: TemplateOptions = {}): Promise<void> {
  const wb = await buildTemplateWorkbook(kinds, opts);
  await wb.xlsx.writeFile(out);
}
