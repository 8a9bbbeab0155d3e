// The sibao CLI as a user runs it: `node bin/sibao.mjs …` in a child process, on the demo county.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { KINDS } from '../../domain/rows/kinds.js';
import { makeUscc } from '../../domain/rows/uscc.js';
import { displayWidth } from '../../local/format.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EX = 'examples';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function sibao(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/sibao.mjs', ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

/**
 * The records of the first table in a CLI report, read back by column (from the rule line under the
 * header): a row's continuation lines (its wrapped message) are joined to its cells.
 */
function tableRecords(text: string): Record<string, string>[] {
  const lines = text.split('\n');
  const ruleAt = lines.findIndex((l) => /^\s*─+(\s+─+)*$/.test(l));
  const rule = lines[ruleAt];
  const cols: { from: number; to: number }[] = [];
  for (const m of rule.matchAll(/─+/g)) cols.push({ from: m.index!, to: m.index! + m[0].length });
  // Slice a line by display columns (CJK characters are two columns wide).
  const cells = (line: string) => {
    const out = cols.map(() => '');
    let w = 0;
    for (const ch of line) {
      const k = cols.findIndex((c, i) => w >= c.from && (i === cols.length - 1 || w < cols[i + 1].from));
      if (k >= 0) out[k] += ch;
      w += displayWidth(ch);
    }
    return out.map((c) => c.trim());
  };
  const headers = cells(lines[ruleAt - 1]);
  const records: string[][] = [];
  for (const line of lines.slice(ruleAt + 1)) {
    if (!/^\s*\S/.test(line) || !line.startsWith(' ') && !/^\d/.test(line)) break;
    const c = cells(line);
    if (c[0] !== '') records.push(c);
    else records.at(-1)!.forEach((_, i) => (records.at(-1)![i] += c[i]));
  }
  return records.map((r) => Object.fromEntries(headers.map((h, i) => [h, r[i]])));
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sibao-cli-'));
});

describe('sibao validate', () => {
  it('prints per-row Chinese errors with codes and exits 1 on the invalid examples', async () => {
    const r = await sibao('validate', `${EX}/invalid/白名单.csv`);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('examples/invalid/白名单.csv（白名单）：7 行，有效 1 行，无效 6 行');
    // Each row of the table, its wrapped message read back whole (without spaces: a break at a
    // space drops it): row, column, message, code.
    const rows = tableRecords(r.stdout).map((x) => `${x['行']} ${x['列']} ${x['说明'].replace(/ /g, '')} ${x['代码']}`);
    const line = (re: RegExp) => expect(rows.some((x) => re.test(x)), `${re}\n${rows.join('\n')}`).toBe(true);
    line(/^3 统一社会信用代码 错误：「统一社会信用代码」校验位错误.*（91410222GA45C5XLK0，请核对前17位或第18位） uscc_checksum$/);
    line(/^4 产值或投资额（万元） 错误：.*可能误按“元”填写；请换算为万元（元÷10000） number_range$/);
    line(/^5 移出原因 错误：「移出原因」为必填项.* conditional_required$/);
    line(/^6 联系电话 错误：.*1234567.*（如0371-12345678） phone$/);
    line(/^7 纳入日期 错误：.*2022\/13\/01.*这样的真实日期 date$/);
    line(/^8 统一社会信用代码 错误：.*与第2行重复.* duplicate$/);
    for (const l of r.stdout.split('\n')) expect(displayWidth(l), l).toBeLessThanOrEqual(100);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('共 7 行：有效 1 行，无效 6 行');
  });

  it('exits 0 on a clean whitelist', async () => {
    const r = await sibao('validate', `${EX}/valid/白名单.csv`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('全部通过');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('共 12 行：有效 12 行，无效 0 行');
  });

  it('--json has the SPEC shape', async () => {
    const r = await sibao('validate', `${EX}/invalid/白名单.csv`, `${EX}/valid/白名单.csv`, '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['files', 'invalid', 'valid']);
    expect(out.valid + out.invalid).toBe(7 + 12);
    expect(out.files.map((f: { file: string; kind: string }) => [f.file, f.kind])).toEqual([
      [`${EX}/invalid/白名单.csv`, 'whitelist'],
      [`${EX}/valid/白名单.csv`, 'whitelist'],
    ]);
    const rows = out.files[0].rows;
    expect(rows.map((x: { row: number }) => x.row)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(rows[0]).toEqual({ row: 2, ok: true, warnings: [] });
    expect(rows[1].ok).toBe(false);
    expect(rows[1].errors).toEqual([{ column: '统一社会信用代码', code: 'uscc_checksum', message: expect.stringContaining('校验位错误') }]);
    // The second file repeats codes of the first: duplicates across files are reported too.
    const dupes = out.files[1].rows.filter((x: { ok: boolean }) => !x.ok);
    expect(out.invalid).toBe(6 + dupes.length);
    expect(dupes.length).toBeGreaterThan(0);
    expect(dupes.every((x: { errors: { code: string }[] }) => x.errors.some((e) => e.code === 'duplicate'))).toBe(true);
  });

  it('reports a misspelled header as a file-level error (exit 1) instead of dropping the column; other unknown headers once as extra_column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sibao-headers-'));
    const valid = (await import('node:fs')).readFileSync(join(ROOT, EX, 'valid/白名单.csv'), 'utf8').replace(/^\uFEFF/, '');
    const [head, ...rows] = valid.trim().split(/\r?\n/);
    const renamed = join(dir, '白名单-表头.csv');
    await writeFile(renamed, [head.replace('联系电话', '联系方式'), ...rows].join('\n'));
    const extra = join(dir, '白名单-附加列.csv');
    await writeFile(extra, [`${head},内部备注`, ...rows.map((r) => `${r},仅供本专班`)].join('\n'));

    const r = await sibao('validate', renamed, extra, '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.files[0]).toEqual({
      file: renamed,
      kind: 'whitelist',
      rows: [],
      errors: [{ column: '联系方式', code: 'unknown_header', message: expect.stringContaining('可能是「联系电话」') }],
    });
    expect(out.files[1].warnings).toEqual([{ column: '内部备注', code: 'extra_column', message: expect.stringContaining('附加列') }]);
    expect(out.files[1].rows.every((x: { ok: boolean }) => x.ok)).toBe(true);
    expect(out.invalid).toBe(0);

    const text = await sibao('validate', renamed);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('表头有误，未校验数据行');
    expect(text.stdout).toMatch(/联系方式\s+.*联系电话/);
    expect(text.stdout).toContain('unknown_header');
  });

  it('warns about issue rows whose enterprise is not on a whitelist given in the same run', async () => {
    const r = await sibao('validate', `${EX}/workbooks/coordination.xlsx`, `${EX}/workbooks/industry.xlsx`, '--json', '--profile', `${EX}/profile`);
    const out = JSON.parse(r.stdout);
    const issues = out.files.find((f: { file: string; kind: string }) => f.kind === 'issue' && f.file.includes('coordination'));
    expect(issues.rows[0].ok).toBe(true);
    expect(issues.rows[0].warnings.map((w: { code: string }) => w.code)).toContain('not_on_whitelist');
    const industryIssues = out.files.find((f: { file: string; kind: string }) => f.kind === 'issue' && f.file.includes('industry'));
    expect(industryIssues.rows.every((x: { warnings: unknown[] }) => x.warnings.length === 0)).toBe(true);
  });

  it('checks 所在乡镇 against the profile when --profile is given', async () => {
    const file = join(tmp, '白名单.csv');
    await writeFile(file, `统一社会信用代码,名称,所属领域,所在乡镇,产值或投资额（万元）,状态\n${makeUscc('91410222MA9F12345')},甲,工业生产,不存在镇,100,申报中\n`);
    const without = await sibao('validate', file, '--json');
    expect(JSON.parse(without.stdout).invalid).toBe(0);
    const withProfile = await sibao('validate', file, '--json', '--profile', `${EX}/profile`);
    expect(withProfile.code).toBe(1);
    expect(JSON.parse(withProfile.stdout).files[0].rows[0].errors[0].column).toBe('所在乡镇');
  });

  it('exits 2 with a Chinese message on unusable input', async () => {
    await writeFile(join(tmp, 'data.csv'), 'a,b\n1,2\n');
    await writeFile(join(tmp, 'broken.xlsx'), 'PK not really');
    await writeFile(join(tmp, 'empty.csv'), '');
    const cases: [string[], RegExp][] = [
      [['validate', join(tmp, 'missing.csv')], /找不到文件/],
      [['validate', join(tmp, 'data.csv')], /无法判断.*数据类型/],
      [['validate', join(tmp, 'broken.xlsx')], /不是有效的 \.xlsx/],
      [['validate', join(tmp, 'empty.csv')], /没有表头/],
      [['validate', join(tmp, 'data.csv'), '--kind', 'nonsense'], /未知的数据类型/],
      [['validate'], /请给出要校验的文件/],
      [['validate', 'x.csv', '--bogus'], /未知选项/],
      [['frobnicate'], /未知命令：frobnicate/],
    ];
    for (const [args, message] of cases) {
      const r = await sibao(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stdout, args.join(' ')).toBe('');
    }
    // Eight CLI processes one after another: seconds each on a loaded 2-core machine.
  }, 120_000);
});

describe('sibao coverage / route / calendar', () => {
  it('coverage --json on the demo workbooks', async () => {
    const files = ['industry', 'commerce', 'transport', 'culture_tourism', 'key_projects'].map((c) => `${EX}/workbooks/${c}.xlsx`);
    const r = await sibao('coverage', ...files, '--at', '2022-06-10', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.at).toBe('2022-06-10');
    expect(out.sectors.map((s: { sector: string }) => s.sector)).toEqual(['工业生产', '商贸流通', '交通运输', '文化旅游', '重点项目']);
    for (const s of out.sectors) {
      expect(Object.keys(s)).toEqual(expect.arrayContaining(['sector', 'covered', 'total', 'coverage', 'target', 'gap', 'count', 'error']));
      expect(s.error).toBeNull();
      expect(s.coverage).toBeCloseTo(s.covered / s.total, 3);
      expect(s.gap).toBeCloseTo(Math.max(0, s.target * s.total - s.covered), 1);
    }
    expect(out.overall.covered).toBeCloseTo(out.sectors.reduce((a: number, s: { covered: number }) => a + s.covered, 0), 1);
    expect(r.stderr).toContain('已跳过 6 行无效数据');
    // Before the first admission nothing is covered.
    const early = JSON.parse((await sibao('coverage', files[0], '--at', '2022-05-01', '--json')).stdout);
    expect(early.sectors[0]).toMatchObject({ sector: '工业生产', covered: 0, count: 0 });
  });

  it('coverage prints a Chinese table', async () => {
    const r = await sibao('coverage', `${EX}/workbooks/commerce.xlsx`, '--at', '2022-06-10');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('白名单覆盖率（统计日 2022-06-10，金额单位：万元）');
    expect(r.stdout).toMatch(/商贸流通 .* 68\.3% +70% .* 未达标/);
  });

  it('route --json on the demo issues', async () => {
    const r = await sibao('route', `${EX}/workbooks/industry.xlsx`, '--profile', `${EX}/profile`, '--at', '2022-06-10T09:00', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.issues).toHaveLength(7);
    for (const i of out.issues) {
      expect(Object.keys(i)).toEqual(expect.arrayContaining(['row', 'unit', 'also', 'signBy', 'feedbackBy', 'resolveBy']));
      expect(i.signBy <= i.feedbackBy && i.feedbackBy <= i.resolveBy).toBe(true);
    }
    const byRow = new Map(out.issues.map((i: { row: number }) => [i.row, i]));
    // Row 2 物流运输 -> 县交通运输局 by rule; 2022-06-10 is a Friday: sign by Monday 06-13, 7 working days -> 06-21.
    expect(byRow.get(2)).toMatchObject({ unit: 'jtj', also: [], signBy: '2022-06-13', feedbackBy: '2022-06-15', resolveBy: '2022-06-21' });
    // Row 3 停电, 紧急 -> power supplier by keyword; sign the same day.
    expect(byRow.get(3)).toMatchObject({ unit: 'gdgs', signBy: '2022-06-10', resolveBy: '2022-06-13' });
    // Row 5 超出协调范围 copies the command office; row 6 重大问题 copies county leadership, 30 days.
    expect(byRow.get(5)).toMatchObject({ unit: 'jrj', also: ['command'] });
    expect(byRow.get(6)).toMatchObject({ unit: 'kgj', also: ['county'], resolveBy: '2022-07-11' });
  });

  it('--at takes the date forms cells take, and route --at a time after them (same results as ISO)', async () => {
    const file = `${EX}/workbooks/commerce.xlsx`;
    const iso = JSON.parse((await sibao('coverage', file, '--at', '2022-06-10', '--json')).stdout);
    for (const form of ['2022/06/10', '2022/6/10', '2022年6月10日', '44722']) {
      const r = await sibao('coverage', file, '--at', form, '--json');
      expect(r.code, `${form}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout), form).toEqual(iso);
    }
    const bad = await sibao('coverage', file, '--at', '2022/13/01');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--at：日期「2022\/13\/01」无效/);

    const routeAt = async (at: string) => sibao('route', `${EX}/workbooks/industry.xlsx`, '--profile', `${EX}/profile`, '--at', at, '--json');
    const want = JSON.parse((await routeAt('2022-06-10T09:00')).stdout);
    for (const form of ['2022/6/10 9:00', '2022年6月10日 9时', '2022/06/10T09:00']) {
      const r = await routeAt(form);
      expect(r.code, `${form}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout), form).toEqual(want);
    }
    // Ten CLI processes in a row: a bound for a loaded machine, not a timing assertion.
  }, 120_000);

  it('reads Excel\'s "Unicode 文本" (UTF-16, tab-separated) and a GBK CSV like UTF-8 CSV', async () => {
    for (const f of ['白名单-unicode.txt', '白名单-gbk.csv', '白名单-utf8.csv']) {
      const r = await sibao('validate', `test/fixtures/encodings/${f}`, '--json');
      expect(r.code, `${f}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout), f).toMatchObject({ valid: 3, invalid: 0 });
    }
  });

  it('route needs --profile', async () => {
    const r = await sibao('route', `${EX}/workbooks/industry.xlsx`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--profile/);
  });

  it('calendar add-workdays counts Chinese holidays and refuses an uncovered year', async () => {
    // 2022-06-03 is the Dragon Boat Festival, 06-04/05 the weekend.
    const r = await sibao('calendar', 'add-workdays', '2022-06-02', '1');
    expect(r).toMatchObject({ code: 0, stdout: '2022-06-06\n' });
    // A make-up working day (调休): Saturday 2022-05-07 is a working day.
    expect((await sibao('calendar', 'add-workdays', '2022-05-07', '0', '--profile', `${EX}/profile`)).stdout).toBe('2022-05-07\n');
    const far = await sibao('calendar', 'add-workdays', '2031-02-03', '3');
    expect(far.code).toBe(2);
    expect(far.stderr).toMatch(/2031 年的法定节假日安排尚未录入/);
    const bad = await sibao('calendar', 'add-workdays', '2022-02-30', '1');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/日期/);
  });
});

describe('sibao template and help', () => {
  it('template --kind writes a workbook that reads back with headers, dropdowns and notes', async () => {
    const out = join(tmp, '问题诉求模板.xlsx');
    const r = await sibao('template', '--kind', '问题诉求', '--out', out);
    expect(r.code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.getWorksheet('问题诉求')!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual([...KINDS.issue.headers]);
    expect(ws.getCell('F2').dataValidation?.type).toBe('list');
    expect(ws.getCell('F1').note).toBeTruthy();
    // And validate accepts the empty template.
    expect((await sibao('validate', out)).code).toBe(0);
  });

  it('template rejects a missing --out or both --kind and --class', async () => {
    expect((await sibao('template', '--kind', 'whitelist')).code).toBe(2);
    expect((await sibao('template', '--kind', 'whitelist', '--class', 'industry', '--out', join(tmp, 'x.xlsx'))).code).toBe(2);
  });

  it('prints help in Chinese', async () => {
    const r = await sibao('--help');
    expect(r.code).toBe(0);
    for (const c of ['validate', 'coverage', 'route', 'calendar add-workdays', 'start', 'import', 'token', 'digest', 'template']) expect(r.stdout).toContain(c);
    const v = await sibao('validate', '--help');
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('退出码：0 全部有效，1 有无效行，2 输入无法使用');
    expect((await sibao('help', 'route')).stdout).toContain('用法：sibao route');
  });
});
