/// <reference types="google-apps-script" />
// An in-memory SpreadsheetApp faithful to the parts the add-on uses: 1-based ranges, getValues
// padded to the range with '' for empty cells and Date objects for dates, setValues parsing input
// like Sheets does (`'` keeps text, `=`/`+x`/`-x` become formulas, numbers and ISO dates convert),
// exact dimension checks, notes, backgrounds, data validation, protections, frozen rows, hidden
// columns, embedded charts, the add-on menu, toasts, alerts and prompts. Every call through the
// objects handed to the add-on is counted (see calls.ts).

import { CallLog, counted, type Faked } from './calls.js';

type GRange = GoogleAppsScript.Spreadsheet.Range;
type GSheet = GoogleAppsScript.Spreadsheet.Sheet;
type GSpreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;
type GApp = GoogleAppsScript.Spreadsheet.SpreadsheetApp;
type GUi = GoogleAppsScript.Base.Ui;
type GMenu = GoogleAppsScript.Base.Menu;

export type FakeCell = string | number | boolean | Date;
const SERVICE = 'SpreadsheetApp';

/** The realm the add-on runs in: dates must be its Dates (the bundle checks dates by type). */
export interface Realm {
  Date: DateConstructor;
}

const isDate = (v: unknown): v is Date => Object.prototype.toString.call(v) === '[object Date]';
const key = (r: number, c: number) => `${r},${c}`;

export interface Rule {
  criteria: 'VALUE_IN_LIST';
  values: string[];
  showDropdown: boolean;
  allowInvalid: boolean;
  helpText: string;
}

class FakeValidationBuilder implements Faked<GoogleAppsScript.Spreadsheet.DataValidationBuilder, 'requireValueInList' | 'setAllowInvalid' | 'setHelpText' | 'build'> {
  private rule: Rule = { criteria: 'VALUE_IN_LIST', values: [], showDropdown: true, allowInvalid: true, helpText: '' };
  requireValueInList(values: string[], showDropdown?: boolean) {
    this.rule.values = [...values];
    this.rule.showDropdown = showDropdown ?? true;
    return this;
  }
  setAllowInvalid(allow: boolean) {
    this.rule.allowInvalid = allow;
    return this;
  }
  setHelpText(text: string) {
    this.rule.helpText = text;
    return this;
  }
  build() {
    return { ...this.rule } as Rule;
  }
}

export class FakeProtection implements Faked<GoogleAppsScript.Spreadsheet.Protection, 'setDescription' | 'getDescription' | 'setWarningOnly' | 'isWarningOnly' | 'remove' | 'getRange'> {
  description = '';
  warningOnly = false;
  removed = false;
  constructor(
    readonly sheet: FakeSheet,
    readonly area: { row: number; col: number; rows: number; cols: number },
  ) {}
  setDescription(d: string) {
    this.description = d;
    return this.sheet.wrapProtection(this);
  }
  getDescription() {
    return this.description;
  }
  setWarningOnly(w: boolean) {
    this.warningOnly = w;
    return this.sheet.wrapProtection(this);
  }
  isWarningOnly() {
    return this.warningOnly;
  }
  remove() {
    this.removed = true;
    this.sheet.protections = this.sheet.protections.filter((p) => p !== this);
  }
  getRange() {
    return this.sheet.range(this.area.row, this.area.col, this.area.rows, this.area.cols);
  }
}

export interface FakeChart {
  type: string;
  ranges: string[];
  options: Record<string, unknown>;
  position: [number, number, number, number];
}

class FakeChartBuilder implements Faked<GoogleAppsScript.Spreadsheet.EmbeddedChartBuilder, 'setChartType' | 'addRange' | 'setOption' | 'setPosition' | 'build'> {
  private chart: FakeChart = { type: 'COLUMN', ranges: [], options: {}, position: [1, 1, 0, 0] };
  setChartType(t: GoogleAppsScript.Charts.ChartType) {
    this.chart.type = String(t);
    return this;
  }
  addRange(r: GRange) {
    this.chart.ranges.push(r.getA1Notation());
    return this;
  }
  setOption(k: string, v: unknown) {
    this.chart.options[k] = v;
    return this;
  }
  setPosition(row: number, col: number, ox: number, oy: number) {
    this.chart.position = [row, col, ox, oy];
    return this;
  }
  build() {
    return { ...this.chart, ranges: [...this.chart.ranges] };
  }
}

function colName(c: number): string {
  let s = '';
  for (let n = c; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

export class FakeRange
  implements
    Faked<
      GRange,
      | 'getValues'
      | 'setValues'
      | 'getValue'
      | 'setValue'
      | 'getNotes'
      | 'setNotes'
      | 'getNote'
      | 'setNote'
      | 'getBackgrounds'
      | 'setBackgrounds'
      | 'getBackground'
      | 'setBackground'
      | 'setFontWeight'
      | 'setNumberFormat'
      | 'setDataValidation'
      | 'getDataValidation'
      | 'protect'
      | 'getRow'
      | 'getLastRow'
      | 'getColumn'
      | 'getLastColumn'
      | 'getNumRows'
      | 'getNumColumns'
      | 'getSheet'
      | 'getA1Notation'
      | 'getFormulas'
    >
{
  constructor(
    readonly sheet: FakeSheet,
    readonly row: number,
    readonly col: number,
    readonly rows: number,
    readonly cols: number,
  ) {
    if (row < 1 || col < 1 || rows < 1 || cols < 1) throw new Error(`Exception: The coordinates of the range are outside the dimensions of the sheet.`);
  }
  private grid<T>(cell: (r: number, c: number) => T): T[][] {
    const out: T[][] = [];
    for (let r = 0; r < this.rows; r++) {
      const line: T[] = [];
      for (let c = 0; c < this.cols; c++) line.push(cell(this.row + r, this.col + c));
      out.push(line);
    }
    return out;
  }
  private checkDims(values: unknown[][], what: string): void {
    if (!Array.isArray(values) || values.length !== this.rows) {
      throw new Error(`Exception: The number of rows in the ${what} does not match the number of rows in the range. The data has ${Array.isArray(values) ? values.length : 0} but the range has ${this.rows}.`);
    }
    for (const line of values) {
      if (!Array.isArray(line) || line.length !== this.cols) {
        throw new Error(`Exception: The number of columns in the ${what} does not match the number of columns in the range. The data has ${Array.isArray(line) ? line.length : 0} but the range has ${this.cols}.`);
      }
    }
  }
  getValues() {
    return this.grid((r, c) => this.sheet.valueAt(r, c));
  }
  getFormulas() {
    return this.grid((r, c) => this.sheet.formulas.get(key(r, c)) ?? '');
  }
  setValues(values: unknown[][]) {
    this.checkDims(values, 'data');
    this.sheet.ensure(this.row + this.rows - 1, this.col + this.cols - 1);
    values.forEach((line, r) => line.forEach((v, c) => this.sheet.input(this.row + r, this.col + c, v)));
    return this.sheet.wrapRange(this);
  }
  getValue() {
    return this.sheet.valueAt(this.row, this.col);
  }
  setValue(v: unknown) {
    this.sheet.ensure(this.row, this.col);
    for (let r = 0; r < this.rows; r++) for (let c = 0; c < this.cols; c++) this.sheet.input(this.row + r, this.col + c, v);
    return this.sheet.wrapRange(this);
  }
  getNotes() {
    return this.grid((r, c) => this.sheet.notes.get(key(r, c)) ?? '');
  }
  setNotes(notes: (string | null)[][]) {
    this.checkDims(notes, 'notes');
    notes.forEach((line, r) =>
      line.forEach((n, c) => {
        if (n === null || n === '') this.sheet.notes.delete(key(this.row + r, this.col + c));
        else this.sheet.notes.set(key(this.row + r, this.col + c), String(n));
      }),
    );
    return this.sheet.wrapRange(this);
  }
  getNote() {
    return this.sheet.notes.get(key(this.row, this.col)) ?? '';
  }
  setNote(n: string | null) {
    return this.setNotes(this.grid(() => n));
  }
  getBackgrounds() {
    return this.grid((r, c) => this.sheet.backgrounds.get(key(r, c)) ?? '#ffffff');
  }
  setBackgrounds(colors: (string | null)[][]) {
    this.checkDims(colors, 'colors');
    colors.forEach((line, r) =>
      line.forEach((b, c) => {
        if (b === null || b === '' || b.toLowerCase() === '#ffffff') this.sheet.backgrounds.delete(key(this.row + r, this.col + c));
        else this.sheet.backgrounds.set(key(this.row + r, this.col + c), b.toLowerCase());
      }),
    );
    return this.sheet.wrapRange(this);
  }
  getBackground() {
    return this.sheet.backgrounds.get(key(this.row, this.col)) ?? '#ffffff';
  }
  setBackground(color: string | null) {
    return this.setBackgrounds(this.grid(() => color));
  }
  setFontWeight(w: string | null) {
    for (let c = 0; c < this.cols; c++) for (let r = 0; r < this.rows; r++) this.sheet.fontWeights.set(key(this.row + r, this.col + c), w ?? 'normal');
    return this.sheet.wrapRange(this);
  }
  setNumberFormat(f: string) {
    this.sheet.numberFormats.push({ a1: this.getA1Notation(), format: f });
    return this.sheet.wrapRange(this);
  }
  setDataValidation(rule: GoogleAppsScript.Spreadsheet.DataValidation | null) {
    this.sheet.validations.push({ row: this.row, col: this.col, rows: this.rows, cols: this.cols, rule: rule as unknown as Rule | null });
    return this.sheet.wrapRange(this);
  }
  getDataValidation() {
    for (let i = this.sheet.validations.length - 1; i >= 0; i--) {
      const v = this.sheet.validations[i];
      if (this.row >= v.row && this.row < v.row + v.rows && this.col >= v.col && this.col < v.col + v.cols) return v.rule;
    }
    return null;
  }
  protect() {
    const p = new FakeProtection(this.sheet, { row: this.row, col: this.col, rows: this.rows, cols: this.cols });
    this.sheet.protections.push(p);
    return this.sheet.wrapProtection(p);
  }
  getRow() {
    return this.row;
  }
  getLastRow() {
    return this.row + this.rows - 1;
  }
  getColumn() {
    return this.col;
  }
  getLastColumn() {
    return this.col + this.cols - 1;
  }
  getNumRows() {
    return this.rows;
  }
  getNumColumns() {
    return this.cols;
  }
  getSheet() {
    return this.sheet.wrapped;
  }
  getA1Notation() {
    const a = `${colName(this.col)}${this.row}`;
    return this.rows === 1 && this.cols === 1 ? a : `${a}:${colName(this.col + this.cols - 1)}${this.row + this.rows - 1}`;
  }
}

export class FakeSheet
  implements
    Faked<
      GSheet,
      | 'getName'
      | 'getRange'
      | 'getDataRange'
      | 'getSheetValues'
      | 'getLastRow'
      | 'getLastColumn'
      | 'getMaxRows'
      | 'getMaxColumns'
      | 'setFrozenRows'
      | 'getFrozenRows'
      | 'hideColumns'
      | 'showColumns'
      | 'isColumnHiddenByUser'
      | 'getProtections'
      | 'newChart'
      | 'insertChart'
      | 'getCharts'
      | 'removeChart'
      | 'clear'
      | 'getParent'
    >
{
  readonly cells = new Map<string, FakeCell>();
  readonly formulas = new Map<string, string>();
  readonly notes = new Map<string, string>();
  readonly backgrounds = new Map<string, string>();
  readonly fontWeights = new Map<string, string>();
  numberFormats: { a1: string; format: string }[] = [];
  validations: { row: number; col: number; rows: number; cols: number; rule: Rule | null }[] = [];
  protections: FakeProtection[] = [];
  readonly hidden = new Set<number>();
  frozenRows = 0;
  charts: FakeChart[] = [];
  maxRows = 1000;
  maxCols = 26;
  readonly wrapped: GSheet;

  constructor(
    readonly ss: FakeSpreadsheet,
    public name: string,
  ) {
    this.wrapped = counted(this, ss.log, SERVICE, 'Sheet', () => this.name) as unknown as GSheet;
  }
  wrapRange(r: FakeRange): GRange {
    return counted(r, this.ss.log, SERVICE, 'Range', () => this.name) as unknown as GRange;
  }
  wrapProtection(p: FakeProtection): GoogleAppsScript.Spreadsheet.Protection {
    return counted(p, this.ss.log, SERVICE, 'Protection', () => this.name) as unknown as GoogleAppsScript.Spreadsheet.Protection;
  }
  range(row: number, col: number, rows = 1, cols = 1): GRange {
    return this.wrapRange(new FakeRange(this, row, col, rows, cols));
  }
  ensure(row: number, col: number): void {
    if (row > this.maxRows) this.maxRows = row;
    if (col > this.maxCols) this.maxCols = col;
  }
  valueAt(r: number, c: number): FakeCell {
    const k = key(r, c);
    if (this.formulas.has(k)) return '#ERROR!';
    const v = this.cells.get(k);
    if (v === undefined) return '';
    return isDate(v) ? new this.ss.realm.Date(v.getTime()) : v;
  }
  /** A value written by a script, interpreted like Sheets' user-entered input. */
  input(r: number, c: number, v: unknown): void {
    const k = key(r, c);
    this.formulas.delete(k);
    if (v === null || v === undefined || v === '') {
      if (this.cells.delete(k)) this.extent = null;
      return;
    }
    this.grow(r, c);
    if (typeof v === 'number' || typeof v === 'boolean') {
      this.cells.set(k, v);
      return;
    }
    if (isDate(v)) {
      this.cells.set(k, new this.ss.realm.Date(v.getTime()));
      return;
    }
    if (typeof v !== 'string') {
      this.cells.set(k, String(v));
      return;
    }
    if (v.startsWith("'")) {
      this.cells.set(k, v.slice(1));
      return;
    }
    if (/^[+-]?\d+(\.\d+)?$/.test(v.trim())) {
      this.cells.set(k, Number(v));
      return;
    }
    if (v.startsWith('=') || ((v.startsWith('+') || v.startsWith('-')) && v.length > 1)) {
      this.formulas.set(k, v);
      this.cells.delete(k);
      return;
    }
    const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    if (d) {
      this.cells.set(k, this.ss.dateAt(+d[1], +d[2], +d[3]));
      return;
    }
    this.cells.set(k, v);
  }
  /** Direct write for test set-up (a person typing), not counted. */
  type(row: number, col: number, v: unknown): void {
    this.ensure(row, col);
    this.input(row, col, v);
  }
  getName() {
    return this.name;
  }
  getRange(a: number | string, b?: number, c?: number, d?: number) {
    if (typeof a === 'string') throw new Error('A1 notation not supported by the fake');
    return this.range(a, b ?? 1, c ?? 1, d ?? 1);
  }
  getDataRange() {
    return this.range(1, 1, Math.max(1, this.lastRow()), Math.max(1, this.lastColumn()));
  }
  /**
   * Values of a grid without a Range object (one call). As documented, -1 for numRows / numColumns
   * means "up to the last row / column with data in the sheet"; an empty grid is an error.
   */
  getSheetValues(startRow: number, startColumn: number, numRows: number, numColumns: number) {
    const rows = numRows === -1 ? this.lastRow() - startRow + 1 : numRows;
    const cols = numColumns === -1 ? this.lastColumn() - startColumn + 1 : numColumns;
    if (rows < 1) throw new Error('Exception: The number of rows in the range must be at least 1.');
    if (cols < 1) throw new Error('Exception: The number of columns in the range must be at least 1.');
    return new FakeRange(this, startRow, startColumn, rows, cols).getValues();
  }
  /**
   * The `range` of an edit event: a Range that also carries the plain properties rowStart, rowEnd,
   * columnStart and columnEnd, as the event object Apps Script hands to onEdit does (reading them
   * is not a service call). Test helper, not counted.
   */
  eventRange(row: number, col: number, rows = 1, cols = 1): GRange {
    const r = new FakeRange(this, row, col, rows, cols) as FakeRange & { rowStart: number; rowEnd: number; columnStart: number; columnEnd: number };
    Object.assign(r, { rowStart: row, rowEnd: row + rows - 1, columnStart: col, columnEnd: col + cols - 1 });
    return this.wrapRange(r);
  }
  /** Extent of the content, cached; recomputed after a cell is emptied. */
  private extent: { r: number; c: number } | null = { r: 0, c: 0 };
  private grow(r: number, c: number): void {
    if (this.extent) this.extent = { r: Math.max(this.extent.r, r), c: Math.max(this.extent.c, c) };
  }
  private content(): { r: number; c: number } {
    if (!this.extent) {
      let r = 0;
      let c = 0;
      for (const k of [...this.cells.keys(), ...this.formulas.keys()]) {
        const [kr, kc] = k.split(',').map(Number);
        if (kr > r) r = kr;
        if (kc > c) c = kc;
      }
      this.extent = { r, c };
    }
    return this.extent;
  }
  lastRow(): number {
    return this.content().r;
  }
  lastColumn(): number {
    return this.content().c;
  }
  getLastRow() {
    return this.lastRow();
  }
  getLastColumn() {
    return this.lastColumn();
  }
  getMaxRows() {
    return this.maxRows;
  }
  getMaxColumns() {
    return this.maxCols;
  }
  setFrozenRows(n: number) {
    this.frozenRows = n;
  }
  getFrozenRows() {
    return this.frozenRows;
  }
  hideColumns(col: number, n = 1) {
    for (let i = 0; i < n; i++) this.hidden.add(col + i);
  }
  showColumns(col: number, n = 1) {
    for (let i = 0; i < n; i++) this.hidden.delete(col + i);
  }
  isColumnHiddenByUser(col: number) {
    return this.hidden.has(col);
  }
  getProtections(type: GoogleAppsScript.Spreadsheet.ProtectionType) {
    return String(type) === 'RANGE' ? this.protections.map((p) => this.wrapProtection(p)) : [];
  }
  newChart() {
    return new FakeChartBuilder();
  }
  insertChart(chart: GoogleAppsScript.Spreadsheet.EmbeddedChart) {
    this.charts.push(chart as unknown as FakeChart);
  }
  getCharts() {
    return [...this.charts] as unknown as GoogleAppsScript.Spreadsheet.EmbeddedChart[];
  }
  removeChart(chart: GoogleAppsScript.Spreadsheet.EmbeddedChart) {
    this.charts = this.charts.filter((c) => c !== (chart as unknown as FakeChart));
  }
  clear() {
    this.extent = { r: 0, c: 0 };
    this.cells.clear();
    this.formulas.clear();
    this.notes.clear();
    this.backgrounds.clear();
    this.fontWeights.clear();
    this.numberFormats = [];
    return this.wrapped;
  }
  getParent() {
    return this.ss.wrapped;
  }
  // ---- helpers for tests (not part of the Apps Script API, not counted) ----
  /** The header row as text. */
  headers(): string[] {
    const out: string[] = [];
    for (let c = 1; c <= this.lastColumn(); c++) out.push(String(this.cells.get(key(1, c)) ?? ''));
    return out;
  }
  /** A cell by row and header. */
  cell(row: number, header: string): FakeCell {
    const c = this.headers().indexOf(header) + 1;
    if (c === 0) throw new Error(`no header ${header} in ${this.name}`);
    return this.valueAt(row, c);
  }
  noteAt(row: number, header: string): string {
    return this.notes.get(key(row, this.headers().indexOf(header) + 1)) ?? '';
  }
  backgroundAt(row: number, header: string): string {
    return this.backgrounds.get(key(row, this.headers().indexOf(header) + 1)) ?? '#ffffff';
  }
  /** A person deleting sheet row `row` (右键 → 删除行): the rows below move up, with their notes and fills. */
  deleteRowByUser(row: number): void {
    const last = this.lastRow();
    const cols = Math.max(1, this.lastColumn());
    for (const m of [this.cells, this.formulas, this.notes, this.backgrounds, this.fontWeights] as Map<string, unknown>[]) {
      for (let r = row; r <= last; r++) {
        for (let c = 1; c <= cols; c++) {
          const below = m.get(key(r + 1, c));
          if (below === undefined) m.delete(key(r, c));
          else m.set(key(r, c), below);
        }
      }
    }
  }
  /** Type a row by header (like a person would), starting at column 1 order of the header row. */
  typeRow(row: number, values: Record<string, unknown>): void {
    const h = this.headers();
    for (const [k, v] of Object.entries(values)) {
      const c = h.indexOf(k) + 1;
      if (c === 0) throw new Error(`no header ${k} in ${this.name}`);
      this.type(row, c, v);
    }
  }
}

export class FakeSpreadsheet
  implements Faked<GSpreadsheet, 'getId' | 'getName' | 'getSheetByName' | 'getSheets' | 'insertSheet' | 'getSpreadsheetTimeZone' | 'toast' | 'getUrl' | 'getActiveSheet' | 'getActiveRange'>
{
  sheets: FakeSheet[] = [];
  /** The person's selection: a cell of a sheet (getActiveSheet / getActiveRange). */
  selected: { sheet: FakeSheet; row: number; col: number } | null = null;
  toasts: { message: string; title: string }[] = [];
  readonly wrapped: GSpreadsheet;
  constructor(
    readonly id: string,
    readonly name: string,
    readonly log: CallLog,
    readonly realm: Realm,
    readonly timeZone = 'Asia/Shanghai',
  ) {
    this.wrapped = counted(this, log, SERVICE, 'Spreadsheet', (m, args) =>
      m === 'getSheetByName' || m === 'insertSheet' ? String(args[0]) : undefined,
    ) as unknown as GSpreadsheet;
  }
  /** Midnight of a calendar day in the spreadsheet's zone (UTC+8 here), as Sheets hands dates out. */
  dateAt(y: number, m: number, d: number): Date {
    const offset = this.timeZone === 'UTC' ? 0 : 8;
    return new this.realm.Date(Date.UTC(y, m - 1, d) - offset * 3_600_000);
  }
  getId() {
    return this.id;
  }
  getName() {
    return this.name;
  }
  getUrl() {
    return `https://docs.google.com/spreadsheets/d/${this.id}/edit`;
  }
  sheet(name: string): FakeSheet | undefined {
    return this.sheets.find((s) => s.name === name);
  }
  /** A person clicking a cell. */
  select(sheet: FakeSheet, row: number, col = 1): void {
    this.selected = { sheet, row, col };
  }
  getActiveSheet() {
    return (this.selected?.sheet ?? this.sheets[0]).wrapped;
  }
  getActiveRange() {
    return this.selected ? this.selected.sheet.getRange(this.selected.row, this.selected.col) : null;
  }
  getSheetByName(name: string) {
    return this.sheet(name)?.wrapped ?? null;
  }
  getSheets() {
    return this.sheets.map((s) => s.wrapped);
  }
  insertSheet(name?: string) {
    const n = name ?? `工作表${this.sheets.length + 1}`;
    if (this.sheet(n)) throw new Error(`Exception: A sheet with the name "${n}" already exists. Please enter another name.`);
    const s = new FakeSheet(this, n);
    this.sheets.push(s);
    return s.wrapped;
  }
  /** Test set-up: add a sheet without counting. */
  addSheet(name: string): FakeSheet {
    const s = new FakeSheet(this, name);
    this.sheets.push(s);
    return s;
  }
  getSpreadsheetTimeZone() {
    return this.timeZone;
  }
  toast(message: string, title?: string) {
    this.toasts.push({ message, title: title ?? '' });
  }
}

// ---- UI --------------------------------------------------------------------------------------------

const BUTTON = { OK: 'OK', CANCEL: 'CANCEL', YES: 'YES', NO: 'NO', CLOSE: 'CLOSE' } as const;
const BUTTON_SET = { OK: 'OK', OK_CANCEL: 'OK_CANCEL', YES_NO: 'YES_NO', YES_NO_CANCEL: 'YES_NO_CANCEL' } as const;

export class FakeMenu implements Faked<GMenu, 'addItem' | 'addSeparator' | 'addToUi'> {
  items: { caption: string; fn: string }[] = [];
  constructor(
    private ui: FakeUi,
    readonly title: string,
  ) {}
  addItem(caption: string, fn: string) {
    this.items.push({ caption, fn });
    return this;
  }
  addSeparator() {
    this.items.push({ caption: '---', fn: '' });
    return this;
  }
  addToUi() {
    this.ui.menus.push(this);
  }
}

export class FakeUi implements Faked<GUi, 'createAddonMenu' | 'createMenu' | 'alert' | 'prompt' | 'showSidebar'> {
  readonly Button = BUTTON;
  readonly ButtonSet = BUTTON_SET;
  menus: FakeMenu[] = [];
  alerts: { title: string; message: string }[] = [];
  prompts: { title: string; message: string }[] = [];
  sidebars: { title: string; content: string }[] = [];
  /** Scripted answers to prompt(): [button, text]. */
  answers: [keyof typeof BUTTON, string][] = [];
  createAddonMenu() {
    return new FakeMenu(this, '(add-on)');
  }
  createMenu(title: string) {
    return new FakeMenu(this, title);
  }
  /** Scripted answers to alert() with a YES_NO / YES_NO_CANCEL button set (the user's click). */
  alertAnswers: (keyof typeof BUTTON)[] = [];
  alert(a: string, b?: unknown, c?: unknown) {
    const buttons = typeof b === 'string' ? c : b;
    if (typeof b === 'string') this.alerts.push({ title: a, message: b });
    else this.alerts.push({ title: '', message: a });
    if (buttons === BUTTON_SET.YES_NO || buttons === BUTTON_SET.YES_NO_CANCEL) {
      const next = this.alertAnswers.shift();
      if (!next) throw new Error('fake Ui.alert: a question without a scripted answer');
      return BUTTON[next] as unknown as GoogleAppsScript.Base.Button;
    }
    return BUTTON.OK as unknown as GoogleAppsScript.Base.Button;
  }
  prompt(a: string, b?: unknown, _c?: unknown) {
    this.prompts.push(typeof b === 'string' ? { title: a, message: b } : { title: '', message: a });
    const next = this.answers.shift();
    if (!next) throw new Error('fake Ui.prompt: no scripted answer left');
    return { getSelectedButton: () => BUTTON[next[0]], getResponseText: () => next[1] };
  }
  showSidebar(html: GoogleAppsScript.HTML.HtmlOutput) {
    this.sidebars.push({ title: html.getTitle(), content: html.getContent() });
  }
}

export interface FakeSheetsApp {
  app: GApp;
  log: CallLog;
  ui: FakeUi;
  spreadsheets: Map<string, FakeSpreadsheet>;
  /** The spreadsheet the add-on sees as active (null: a time trigger without a document). */
  setActive(ss: FakeSpreadsheet | null): void;
  create(id: string, name?: string): FakeSpreadsheet;
}

export function createSpreadsheetApp(log: CallLog, realm: Realm): FakeSheetsApp {
  const ui = new FakeUi();
  const spreadsheets = new Map<string, FakeSpreadsheet>();
  let active: FakeSpreadsheet | null = null;
  const raw: Faked<GApp, 'getActive' | 'getActiveSpreadsheet' | 'getUi' | 'newDataValidation' | 'openById' | 'flush'> & {
    ProtectionType: Record<string, string>;
  } = {
    ProtectionType: { RANGE: 'RANGE', SHEET: 'SHEET' },
    getActive: () => active?.wrapped ?? null,
    getActiveSpreadsheet: () => active?.wrapped ?? null,
    getUi: () => counted(ui, log, 'Ui', 'Ui'),
    newDataValidation: () => new FakeValidationBuilder(),
    openById: (id: string) => {
      const ss = spreadsheets.get(id);
      if (!ss) throw new Error(`Exception: Unexpected error while getting the method or property openById on object SpreadsheetApp.`);
      return ss.wrapped;
    },
    flush: () => undefined,
  };
  return {
    app: counted(raw, log, SERVICE, 'SpreadsheetApp') as unknown as GApp,
    log,
    ui,
    spreadsheets,
    setActive(ss) {
      active = ss;
    },
    create(id, name = '四保工作表') {
      const ss = new FakeSpreadsheet(id, name, log, realm);
      spreadsheets.set(id, ss);
      if (!active) active = ss;
      return ss;
    },
  };
}

export { CallLog };
