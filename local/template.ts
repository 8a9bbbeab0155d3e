// Template workbooks (`sibao template`): one tab per kind with the exact headers, a note on each
// header explaining its rule, dropdowns for every enumerated column over rows 2..1000, a frozen
// header row and grey system columns. The demo workbooks are built on the same templates.

import type ExcelJSNs from 'exceljs';
import { dropdownOf, enumValues, headerNote, type NumberRule, numberRuleOf, rangeText } from '../domain/rows/header-notes.js';
import { KINDS, type RowKind, type Sector } from '../domain/rows/kinds.js';
import { columnOf, type ColumnType } from '../domain/rows/schemas.js';
import { writeWorkbookFile } from './files.js';
import { sheetColumnWidth } from './format.js';

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

/**
 * What a column of each type typically holds, to size an empty template's columns for the data to
 * come (a company's full name, an 18-character USCC, an address list). Types not listed size to
 * their header and dropdown values.
 */
const TYPICAL_TEXT: Partial<Record<ColumnType, string>> = {
  text: '县人力资源社会保障局',
  free: '园区道路施工影响原料运输',
  code: '2205-41022-04-01-000123',
  codes: '91410222JKMQMETJ6W；91410222GA45C5XLKX',
  ident: 'kgj-zc-001',
  number: '1,234,567.89',
  integer: '12345',
  percent: '70.0%',
  date: '2022-06-10',
  period: '2022-06',
  phone: '0371-12345678',
  email: 'industry-editor@tongxu.example',
  emails: 'fgw@tongxu.example；kgj@tongxu.example',
  url: 'https://www.tongxu.example/zc/2022/001.html',
  list: '县发展改革委；县科工局；县商务局',
};

/** A name column (名称, 企业名称, 政策名称) holds a company's or a document's full name. */
const TYPICAL_NAME = '通许县远瑞建材有限责任公司';

/** The width of a template column: its header, its dropdown's values and what it typically holds. */
export function templateColumnWidth(kind: RowKind, header: string, opts: TemplateOptions = {}): number {
  const type = columnOf(kind, header)?.type;
  const typical = header.endsWith('名称') ? TYPICAL_NAME : type ? TYPICAL_TEXT[type] : undefined;
  const samples = [...(dropdownOf(kind, header, opts)?.values ?? []), ...(typical ? [typical] : [])];
  return sheetColumnWidth(header, samples, { min: 10, max: 48 }).width;
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
  ws.columns = def.headers.map((h) => ({ header: h, key: h, width: templateColumnWidth(kind, h, opts) }));
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
    if (type === 'datetime') column.numFmt = 'yyyy-mm-dd hh:mm';
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

/**
 * The time a template carries (created/modified and every zip entry): a constant. A template holds
 * no data, only what this version of sibao defines (tabs, headers, notes, dropdowns), so it has no
 * clock of its own; a constant makes the same template the same bytes on every machine and run, and
 * county IT can checksum what they hand out.
 */
export const TEMPLATE_TIME = new Date(Date.UTC(2022, 4, 20));

/** A template workbook with one tab per kind. */
export async function buildTemplateWorkbook(kinds: readonly RowKind[], opts: TemplateOptions = {}): Promise<ExcelJSNs.Workbook> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'sibao';
  wb.created = TEMPLATE_TIME;
  wb.modified = TEMPLATE_TIME;
  for (const kind of kinds) addTemplateSheet(wb, kind, opts);
  return wb;
}

/** The 说明 tab of a template: how to fill it in and the two ways to hand it in (SPEC §7.7). */
export const README_TAB = '说明';

export function templateReadme(kinds: readonly RowKind[]): string[][] {
  const tabs = kinds.map((k) => KINDS[k].tab).join('、');
  return [
    ['怎样填写'],
    [`本工作簿含以下工作表：${tabs}。每个工作表一种数据，第 1 行是表头，请勿改动表头和工作表名（工作表名就是表名，系统按它识别）。`],
    ['鼠标移到表头上可以看到该列的填写规则；有下拉箭头的列请从列表中选择。灰色的列（编号、状态、责任单位、签收时限、办结时限等）由系统填写，不要手填。'],
    ['只填数值，不要使用公式；日期写成 2022-06-10 这样的格式。可以在表格右侧加自己的列，系统会保留但不读取。'],
    [''],
    ['怎样上传（两种方式任选其一）'],
    ['一、能访问谷歌服务的单位：把各工作表复制到本专班共享的 Google 表格，在菜单“四保白名单 → 同步”即可。'],
    ['二、不能访问谷歌服务的单位（用 WPS 或 Excel）：'],
    ['　1. 打开系统登录页（网址由县政务服务和大数据局提供，以 /login 结尾），输入“成员”表中登记的本人邮箱，点击“发送登录链接”。'],
    ['　2. 收到“登录四保白名单系统”的邮件后，15 分钟内点击其中的“登录”按钮，再点“确认登录”（链接只能用一次，登录 12 小时内有效）。'],
    ['　3. 在“我的工作台”选择专班，上传本工作簿（.xlsx，不超过 4 MB，可只含部分工作表），或单个工作表另存的 .csv（文件名为表名，如 白名单.csv）。每人每小时最多上传 20 次。'],
    ['　4. 上传后页面显示每个工作表接受、拒绝的行数。请下载“批注工作簿”：第一个工作表“校验结果”是汇总；被拒绝的单元格标为红色，鼠标移上去可看到原因；编号、状态、责任单位、时限等系统列已由系统回填。'],
    ['　5. 在批注工作簿中改正红色单元格后直接再次上传即可：已接受、未改动的行不会重复入库，也不会重复发邮件。'],
    ['超过 4 MB 的文件请交县政务服务和大数据局用 sibao import 导入（sibao import 文件.xlsx --as 邮箱 --annotate 批注.xlsx 得到同样的批注工作簿）。'],
  ];
}

function addReadmeSheet(wb: ExcelJSNs.Workbook, kinds: readonly RowKind[]): void {
  const ws = wb.addWorksheet(README_TAB);
  ws.getColumn(1).width = 110;
  for (const [text] of templateReadme(kinds)) {
    const row = ws.addRow([text]);
    row.alignment = { wrapText: true, vertical: 'top' };
    if (text && !text.startsWith('　') && !/[。：）]$/.test(text)) row.font = { bold: true, size: 13 };
  }
}

/** Write a template workbook to a file: the kinds' tabs, then 说明 on how to fill it in and upload it. */
export async function writeTemplate(kinds: readonly RowKind[], out: string, opts: TemplateOptions = {}): Promise<void> {
  const wb = await buildTemplateWorkbook(kinds, opts);
  addReadmeSheet(wb, kinds);
  await writeWorkbookFile(wb, out, TEMPLATE_TIME);
}
