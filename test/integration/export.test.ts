// `sibao export` as a child process against a real local stack: `sibao start --once` loads the demo
// county into an on-disk data dir, then the export opens that store under the data-dir lock; later a
// running `sibao start` on the same dir is read through its stack.json while its API answers
// GET /v1/issues. Expected counts come from the demo's own files (examples/csv, examples/profile,
// examples/expected-invalid.json), read here with the plain CSV parser, not from the export.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECTORS } from '../../domain/rows/kinds.js';
import { MAX_COLUMN_WIDTH } from '../../local/export.js';
import { parseCsv, sheetNames } from '../../local/files.js';
import { cellDisplayWidth, displayWidth } from '../../local/format.js';
import { freePort, ROOT, runSibao, startSibao } from './cli-child.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sibao-export-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const EXAMPLES = join(ROOT, 'examples');
const TABS = ['白名单汇总', '覆盖率', '问题台账', '政策清单', '政策咨询员', '停产停工', '熔断抽查', '督查发现', '运行状态', '说明'];
const ISSUE_HEADERS = [
  '编号', '反映企业代码', '企业名称', '所属领域', '问题类别', '问题描述', '紧急程度', '反映日期', '责任单位', '状态',
  '签收时限', '办结时限', '是否逾期', '升级级别', '退回次数', '重办次数', '回访结果',
];
const WHITELIST_HEADERS = [
  '统一社会信用代码', '名称', '所属领域', '所在乡镇', '产值或投资额（万元）', '员工人数', '状态', '纳入日期', '移出日期',
  '移出原因', '联系人', '联系电话', '联系邮箱', '关联企业', '备注', '所属专班', '最后更新时间', '版本',
];

/** Data records of a CSV file (header dropped, blank records skipped), as header -> cell. */
function csvRecords(path: string): Record<string, string>[] {
  const [header, ...rest] = parseCsv(readFileSync(path, 'utf8'));
  return rest.filter((r) => r.some((c) => c.trim() !== '')).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/** Data rows of every examples/csv/<class>/<tab>.csv. */
function demoRows(tab: string): number {
  let n = 0;
  for (const cls of readdirSync(join(EXAMPLES, 'csv'))) {
    const p = join(EXAMPLES, 'csv', cls, `${tab}.csv`);
    if (existsSync(p)) n += csvRecords(p).length;
  }
  return n;
}

interface ExpectedInvalid {
  demoDay: string;
  coverage: Record<string, { covered: number; total: number }>;
  invalid: { file: string; sheet: string; row: number }[];
}
const expected = JSON.parse(readFileSync(join(EXAMPLES, 'expected-invalid.json'), 'utf8')) as ExpectedInvalid;
/** The planted invalid whitelist rows of the CSV demo (the server rejects them). */
const invalidWhitelist = expected.invalid.filter((x) => x.file.startsWith('csv/') && x.sheet === '白名单').length;

interface Summary {
  file: string | null;
  csv: string[];
  rows: Record<string, number>;
  at: string;
  exportedAt: string;
  dataAsOf: string;
  county: string;
  policyMatches: { policy: string; policyName: string; pushedAt: string | null; baseline: boolean; feedback: { answer: string } | null }[];
}
function summaryOf(stdout: string): Summary {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Summary;
}

async function readWorkbook(file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb;
}

/** A tab as header list + records keyed by header (cell values as exceljs reads them). */
function tabRecords(ws: ExcelJS.Worksheet): { headers: string[]; rows: Record<string, ExcelJS.CellValue>[]; cells: Record<string, ExcelJS.Cell>[] } {
  const headers = (ws.getRow(1).values as unknown[]).slice(1).map(String);
  const rows: Record<string, ExcelJS.CellValue>[] = [];
  const cells: Record<string, ExcelJS.Cell>[] = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    rows.push(Object.fromEntries(headers.map((h, i) => [h, row.getCell(i + 1).value])));
    cells.push(Object.fromEntries(headers.map((h, i) => [h, row.getCell(i + 1)])));
  }
  return { headers, rows, cells };
}

/** What Excel shows in a cell: text as is, numbers through the cell's number format. */
function shown(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v === null || v === undefined) return '';
  if (typeof v !== 'number') return String(v);
  if (cell.numFmt === '#,##0.00') return v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  if (cell.numFmt === '0.00%') return `${(v * 100).toFixed(2)}%`;
  return String(v);
}

/**
 * Every column of every tab is at least as wide as its longest cell (CJK characters two columns) plus
 * a little padding, or, past MAX_COLUMN_WIDTH, wraps its text: nothing is clipped. The 名称 columns
 * hold the demo's longest company names whole.
 */
function expectWidthsFitContent(wb: ExcelJS.Workbook): void {
  for (const ws of wb.worksheets) {
    const headers = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    headers.forEach((h, i) => {
      const col = ws.getColumn(i + 1);
      let longest = 0;
      let longestCell: ExcelJS.Cell | undefined;
      for (let r = 2; r <= ws.rowCount; r++) {
        const cell = ws.getRow(r).getCell(i + 1);
        const w = cellDisplayWidth(shown(cell));
        if (w > longest) [longest, longestCell] = [w, cell];
      }
      const where = `${ws.name} / ${h}`;
      expect(col.width, where).toBeGreaterThanOrEqual(displayWidth(h) + 2);
      if (longest + 2 <= MAX_COLUMN_WIDTH) expect(col.width, `${where}: longest cell ${longest}`).toBeGreaterThanOrEqual(longest + 2);
      else {
        expect(col.width, where).toBe(MAX_COLUMN_WIDTH);
        expect(longestCell!.alignment?.wrapText, `${where} wraps`).toBe(true);
      }
      expect(col.width, where).toBeLessThanOrEqual(MAX_COLUMN_WIDTH);
    });
  }
  // The issue's complaint: company names clipped. The widest 名称 is fully inside its column.
  const wl = wb.getWorksheet('白名单汇总')!;
  const nameCol = (wl.getRow(1).values as unknown[]).indexOf('名称');
  const names = wl.getColumn(nameCol).values.slice(2).map(String);
  const widest = Math.max(...names.map((n) => [...n].length));
  expect(widest).toBeGreaterThanOrEqual(10);
  expect(wl.getColumn(nameCol).width).toBeGreaterThanOrEqual(widest * 2);
}

describe('sibao export', () => {
  let dir: string;

  beforeAll(async () => {
    dir = tempDir();
    const res = await runSibao(['start', '--once', '--json', '--data', dir, '--port', '0', '--ses-port', '0']);
    expect(res.code, res.stderr).toBe(0);
    // The demo week: ~25 s alone, 138 s beside two CPU burners on the shared 2-core machine.
  }, 300_000);

  it('writes the nine data tabs (the four registers too) with Chinese headers and exactly the rows the demo loaded (store opened under the lock)', async () => {
    const out = join(dir, 'x.xlsx');
    const csvDir = join(dir, 'csv-export');
    const res = await runSibao(['export', '--data', dir, '--out', out, '--csv', csvDir, '--at', expected.demoDay, '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/导出 .*100%/);
    const summary = summaryOf(res.stdout);

    const want = {
      白名单汇总: demoRows('白名单') - invalidWhitelist,
      覆盖率: SECTORS.length + 1,
      问题台账: demoRows('问题诉求'),
      // + the county policy the demo week files on Tuesday (local/demo-week.ts DEMO_WEEK_POLICY).
      政策清单: demoRows('政策清单') + 1,
      政策咨询员: demoRows('政策咨询员'),
      停产停工: demoRows('停产停工'),
      熔断抽查: demoRows('熔断抽查'),
      督查发现: demoRows('督查发现'),
      运行状态: demoRows('运行状态'),
    };
    expect([want.停产停工, want.熔断抽查, want.督查发现, want.运行状态]).toEqual([2, 3, 2, 1]);
    expect(invalidWhitelist).toBe(6);
    expect(summary).toMatchObject({ file: out, at: expected.demoDay, county: '通许县', rows: want });
    expect(summary.exportedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    expect(summary.dataAsOf).toMatch(/^2022-06-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    // 政策找企: the demo week's pushed county policy and the enterprises' answers.
    const pushed = summary.policyMatches.filter((m) => m.pushedAt !== null);
    expect(pushed.length).toBeGreaterThanOrEqual(2);
    expect(pushed.every((m) => m.policy === 'RSJ-ZC-2022-06' && m.policyName.includes('稳岗留工'))).toBe(true);
    expect(summary.policyMatches.flatMap((m) => (m.feedback ? [m.feedback.answer] : []))).toEqual(expect.arrayContaining(['申请中', '已兑现']));
    expect(summary.policyMatches.some((m) => m.baseline)).toBe(true);

    const wb = await readWorkbook(out);
    expect(wb.worksheets.map((w) => w.name)).toEqual(TABS);
    for (const [tab, n] of Object.entries(want)) expect(wb.getWorksheet(tab)!.rowCount - 1, tab).toBe(n);
    expectWidthsFitContent(wb);

    // 白名单汇总: the SPEC columns + 所属专班, 最后更新时间, 版本; numbers numeric, dates ISO text.
    const wl = tabRecords(wb.getWorksheet('白名单汇总')!);
    expect(wl.headers).toEqual(WHITELIST_HEADERS);
    const demoWhitelist = readdirSync(join(EXAMPLES, 'csv')).flatMap((c) =>
      existsSync(join(EXAMPLES, 'csv', c, '白名单.csv')) ? csvRecords(join(EXAMPLES, 'csv', c, '白名单.csv')) : [],
    );
    const first = wl.rows[0];
    const src = demoWhitelist.find((r) => r['统一社会信用代码'] === first['统一社会信用代码'])!;
    expect(first['名称']).toBe(src['名称']);
    expect(first['产值或投资额（万元）']).toBe(Number(src['产值或投资额（万元）'].replace(/,/g, '')));
    expect(typeof first['版本']).toBe('number');
    for (const r of wl.rows) {
      if (r['纳入日期'] !== null) expect(r['纳入日期']).toMatch(/^\d{4}-\d\d-\d\d$/);
      expect(r['最后更新时间']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    }
    // Invalid rows never made it: every exported code is a demo code, and none twice.
    const codes = wl.rows.map((r) => String(r['统一社会信用代码']));
    expect(new Set(codes).size).toBe(codes.length);

    // 覆盖率 at the demo day equals the demo's own expected figures.
    const cov = tabRecords(wb.getWorksheet('覆盖率')!);
    for (const s of SECTORS) {
      const row = cov.rows.find((r) => r['所属领域'] === s)!;
      expect(row['覆盖产值（万元）'] as number).toBeCloseTo(expected.coverage[s].covered, 2);
      expect(row['领域总量（万元）']).toBe(expected.coverage[s].total);
      expect(row['覆盖率'] as number).toBeCloseTo(expected.coverage[s].covered / expected.coverage[s].total, 3);
      expect(row['统计日']).toBe(expected.demoDay);
    }
    expect(cov.rows.at(-1)!['所属领域']).toBe('合计');

    // 问题台账: headers as specified; every demo issue, with system state filled.
    const iss = tabRecords(wb.getWorksheet('问题台账')!);
    expect(iss.headers.slice(0, ISSUE_HEADERS.length)).toEqual(ISSUE_HEADERS);
    for (const r of iss.rows) {
      expect(r['编号']).toMatch(/^WT-\d{8}-\d{3}$/);
      expect(['是', '否']).toContain(r['是否逾期']);
      expect(typeof r['升级级别']).toBe('number');
      expect(r['反映日期']).toMatch(/^\d{4}-\d\d-\d\d$/);
    }
    expect(iss.rows.some((r) => r['是否逾期'] === '是')).toBe(true);

    // 政策清单 / 政策咨询员: units by name, never a bare code of the profile.
    const units = csvRecords(join(EXAMPLES, 'profile', '责任单位.csv'));
    const unitNames = new Set(units.map((u) => u['单位名称']));
    const pol = tabRecords(wb.getWorksheet('政策清单')!);
    expect(pol.headers.slice(0, 10)).toEqual(['编号', '政策名称', '发文单位', '层级', '政策类别', '适用领域', '最低员工人数', '有效期至', '链接', '责任单位']);
    for (const r of pol.rows) expect(unitNames.has(String(r['责任单位'])), String(r['责任单位'])).toBe(true);
    const con = tabRecords(wb.getWorksheet('政策咨询员')!);
    expect(con.headers.slice(0, 5)).toEqual(['单位', '姓名', '联系电话', '联系邮箱', '负责政策类别']);

    // The registers on Friday: the shutdown from Monday is overrun, the other resumed; the 熔断
    // enterprise still waits for its removal; one finding overdue, one rectified; Wednesday's emergency.
    const sd = tabRecords(wb.getWorksheet('停产停工')!);
    expect(sd.headers.slice(0, 2)).toEqual(['编号', '企业代码']);
    expect(sd.rows.map((r) => [String(r['编号']).slice(0, 3), r['停产状态'], r['超过3天']]).sort()).toEqual([['TC-', '停产中', '是'], ['TC-', '已恢复', '否']]);
    const fc = tabRecords(wb.getWorksheet('熔断抽查')!);
    expect(fc.rows.filter((r) => r['结果'] === '熔断').map((r) => r['待移出白名单'])).toEqual(['是']);
    const fd = tabRecords(wb.getWorksheet('督查发现')!);
    expect(fd.rows.map((r) => [String(r['编号']).slice(0, 3), r['状态'], r['整改截止日']])).toEqual([['DC-', '逾期', '2022-06-07'], ['DC-', '已整改', '2022-06-08']]);
    expect(tabRecords(wb.getWorksheet('运行状态')!).rows.map((r) => [r['状态'], r['开始时间'], r['统计日17时执行中']])).toEqual([['应急', '2022-06-08 00:00', '否']]);

    // 说明: the source county, the data's instant and the row counts.
    const readme = tabRecords(wb.getWorksheet('说明')!);
    const item = (k: string) => readme.rows.find((r) => r['项目'] === k)?.['内容'];
    expect(item('来源县')).toBe('通许县');
    const dataAsOf = summary.dataAsOf.slice(0, 19).replace('T', ' ');
    expect(item('数据最后更新')).toBe(dataAsOf);
    // The data's instant is its latest write: no row or issue shown was written later.
    for (const t of [wl, iss]) {
      const latest = t.rows.map((r) => String(r['最后更新时间'])).sort().at(-1)!;
      expect(latest <= dataAsOf, `${latest} <= ${dataAsOf}`).toBe(true);
    }
    expect(readme.rows.some((r) => r['项目'] === '导出时间')).toBe(false);
    for (const [tab, n] of Object.entries(want)) expect(item(`行数：${tab}`)).toBe(n);
    expect(readme.rows.some((r) => r['项目'] === '问题台账 / 升级级别')).toBe(true);

    // The workbook carries the data's instant, never this run's clock: created/modified are it, and
    // a second export of the same data is the same bytes, which our own reader opens too.
    const asOf = Date.parse(summary.dataAsOf);
    expect([wb.created.getTime(), wb.modified.getTime()]).toEqual([asOf, asOf]);
    const again = join(dir, 'x-again.xlsx');
    const res2 = await runSibao(['export', '--data', dir, '--out', again, '--at', expected.demoDay, '--json']);
    expect(res2.code, res2.stderr).toBe(0);
    expect(summaryOf(res2.stdout).dataAsOf).toBe(summary.dataAsOf);
    expect(readFileSync(again).equals(readFileSync(out))).toBe(true);
    expect(await sheetNames(out)).toEqual(TABS);

    // CSV: one file per data tab, same rows.
    expect(summary.csv.map((p) => p.slice(csvDir.length + 1)).sort()).toEqual(Object.keys(want).map((t) => `${t}.csv`).sort());
    for (const [tab, n] of Object.entries(want)) {
      const text = readFileSync(join(csvDir, `${tab}.csv`), 'utf8');
      expect(text.charCodeAt(0)).toBe(0xfeff);
      expect(csvRecords(join(csvDir, `${tab}.csv`)).length, tab).toBe(n);
    }
  }, 180_000);

  it('while sibao start runs: issue status and unit name match GET /v1/issues; a formula-like value stays text', async () => {
    const stack = startSibao(['start', '--data', dir, '--port', String(await freePort()), '--ses-port', String(await freePort())]);
    try {
      await stack.waitFor(/按 Ctrl-C 停止/, 120_000);
      const info = JSON.parse(readFileSync(join(dir, 'stack.json'), 'utf8')) as { api: string };

      // A policy whose name and issuer would be formulas in a spreadsheet, filed by the industry class.
      const planted = '=HYPERLINK("http://attacker.example","点击领取补贴")';
      const issuer = '@县财政局';
      const csv = join(tempDir(), '政策清单.csv');
      writeFileSync(csv, `编号,政策名称,发文单位,层级,政策类别,适用领域,最低员工人数,有效期至,链接,责任单位\r\nKGJ-ZC-099,"${planted.replace(/"/g, '""')}",${issuer},县,财政奖补,工业生产,,2022-12-31,,县科工局\r\n`);
      // One row added to the class's tab (--partial: the file is not the whole tab, nothing is deleted).
      const imp = await runSibao(['import', csv, '--as', 'industry-editor@tongxu.example', '--class', 'industry', '--data', dir, '--partial']);
      expect(imp.code, imp.stdout + imp.stderr).toBe(0);

      const tok = await runSibao(['token', '--as', 'command-approver@tongxu.example', '--data', dir]);
      expect(tok.code, tok.stderr).toBe(0);
      const token = tok.stdout.trim().split('\n').at(-1)!;
      type ApiIssue = { id: string; status: string; unit: string | null; overdue: boolean; escalationLevel: number };
      /** GET /v1/issues, the fields compared with the ledger. */
      const readIssues = async (): Promise<ApiIssue[]> => {
        const api = await fetch(`${info.api}/v1/issues`, { headers: { authorization: `Bearer ${token}` } });
        expect(api.status).toBe(200);
        const body = (await api.json()) as { issues: ApiIssue[] };
        return body.issues.map(({ id, status, unit, overdue, escalationLevel }) => ({ id, status, unit, overdue, escalationLevel }));
      };

      // The export is compared with the API's issues read right before and right after it, so with a
      // state that held throughout it. The running stack's jobs write issues on their own (the sweep
      // every minute on the stack's clock: 逾期, 升级; the dispatcher every second: outboxes only):
      // with the demo's clock (Friday 17:00) no issue falls due before Tuesday 00:00 and the two reads
      // agree; should a job change an issue meanwhile, the export is taken again rather than compared
      // with a state it may not have seen.
      const out = join(dir, 'running.xlsx');
      const csvDir = join(dir, 'running-csv');
      let res: Awaited<ReturnType<typeof runSibao>>;
      let issues: ApiIssue[];
      let before: ApiIssue[];
      let attempts = 0;
      do {
        attempts++;
        before = await readIssues();
        res = await runSibao(['export', '--data', dir, '--out', out, '--csv', csvDir, '--since', '2022-01-01', '--json']);
        expect(res.code, res.stderr).toBe(0);
        issues = await readIssues();
      } while (attempts < 3 && JSON.stringify(issues) !== JSON.stringify(before));
      expect(issues, 'an issue changed during each of 3 exports').toEqual(before);
      const summary = summaryOf(res.stdout);
      // The imported row + the county policy the demo week files (DEMO_WEEK_POLICY).
      expect(summary.rows['政策清单']).toBe(demoRows('政策清单') + 2);
      // --since: the 变更记录 tab lists every change, the import's new row with who made it.
      const changes = tabRecords((await readWorkbook(out)).getWorksheet('变更记录')!);
      expect(changes.headers).toEqual(['时间', '表', '标识', '操作', '操作人', '来源', '变更内容']);
      expect(changes.rows.length).toBeGreaterThanOrEqual(demoRows('政策清单') + 1);
      expect(changes.rows.find((r) => r['标识'] === 'KGJ-ZC-099')).toMatchObject({ 表: '政策清单', 操作: '新增', 操作人: 'industry-editor@tongxu.example' });

      const wb = await readWorkbook(out);
      const ledger = tabRecords(wb.getWorksheet('问题台账')!).rows;
      expect(ledger.length, 'ledger rows = GET /v1/issues').toBe(issues.length);
      const unitName = new Map(csvRecords(join(EXAMPLES, 'profile', '责任单位.csv')).map((u) => [u['单位编码'], u['单位名称']]));
      for (const i of issues) {
        const row = ledger.find((r) => r['编号'] === i.id);
        expect(row, i.id).toBeDefined();
        expect(row!['状态'], `${i.id} 状态`).toBe(i.status);
        expect(row!['责任单位'], `${i.id} 责任单位`).toBe(i.unit ? unitName.get(i.unit) : null);
        expect(row!['责任单位编码'], `${i.id} 责任单位编码`).toBe(i.unit);
        expect(row!['是否逾期'], `${i.id} 是否逾期`).toBe(i.overdue ? '是' : '否');
        expect(row!['升级级别'], `${i.id} 升级级别`).toBe(i.escalationLevel);
      }

      // The planted value: a plain string cell with the Text format, the exact characters, no formula.
      const pol = tabRecords(wb.getWorksheet('政策清单')!);
      const k = pol.rows.findIndex((r) => r['编号'] === 'KGJ-ZC-099');
      expect(k).toBeGreaterThanOrEqual(0);
      for (const [header, text] of [['政策名称', planted], ['发文单位', issuer]] as const) {
        const cell = pol.cells[k][header];
        expect(cell.type).toBe(ExcelJS.ValueType.String);
        expect(cell.value).toBe(text);
        expect(cell.formula).toBeUndefined();
        expect(cell.numFmt).toBe('@');
      }
      expect(pol.rows[k]['最低员工人数']).toBeNull();
      // In CSV (no cell types) it carries the leading apostrophe.
      const csvRow = csvRecords(join(csvDir, '政策清单.csv')).find((r) => r['编号'] === 'KGJ-ZC-099')!;
      expect(csvRow['政策名称']).toBe(`'${planted}`);
      expect(csvRow['发文单位']).toBe(`'${issuer}`);
    } finally {
      stack.child.kill('SIGINT');
      await stack.done;
    }
  }, 240_000);

  it('exits 2 with a Chinese message when the data dir is empty or missing', async () => {
    const empty = tempDir();
    const a = await runSibao(['export', '--data', empty, '--out', join(empty, 'x.xlsx'), '--json']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/没有本机数据库/);
    expect(a.stdout).toBe('');
    expect(existsSync(join(empty, 'x.xlsx'))).toBe(false);

    const missing = join(empty, 'nope');
    const b = await runSibao(['export', '--data', missing, '--json']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/不存在/);

    const c = await runSibao(['export', '--data', empty, '--at', '2022-13-40']);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/--at/);

    // A store without any county configuration: nothing to export.
    const bare = tempDir();
    const start = await runSibao(['start', '--once', '--no-demo', '--data', bare, '--port', '0', '--ses-port', '0']);
    expect(start.code, start.stderr).toBe(0);
    const d = await runSibao(['export', '--data', bare, '--json']);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/尚未导入县配置/);
  }, 90_000);
});
