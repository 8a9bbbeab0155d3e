import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it, vi } from 'vitest';
import { CLASS_KINDS, ISSUE_CATEGORIES, KINDS, REMOVAL_REASONS, ROW_KINDS, SECTORS } from '../../domain/rows/kinds.js';
import { openZip, readZipIndex } from '../../functions/adapters/workbook/zip.js';
import { readTables, sheetNames, writeWorkbookFile } from '../../local/files.js';
import { displayWidth } from '../../local/format.js';
import { buildTemplateWorkbook, headerList, TEMPLATE_LAST_ROW, TEMPLATE_TIME, writeTemplate } from '../../local/template.js';

async function reread(file: string) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb;
}

const noteText = (note: unknown): string =>
  typeof note === 'string' ? note : ((note as { texts?: { text: string }[] })?.texts ?? []).map((t) => t.text).join('');

describe('template workbooks', () => {
  it('whitelist: exact headers, notes, dropdowns over rows 2..1000, frozen header, number checks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sibao-tpl-'));
    const file = join(dir, 'wl.xlsx');
    await writeTemplate(['whitelist'], file);
    const ws = (await reread(file)).getWorksheet('白名单')!;
    expect(ws).toBeDefined();
    const headers = (ws.getRow(1).values as unknown[]).slice(1);
    expect(headers).toEqual([...KINDS.whitelist.headers]);
    for (let c = 1; c <= headers.length; c++) expect(noteText(ws.getRow(1).getCell(c).note).length).toBeGreaterThan(2);
    expect(noteText(ws.getCell('A1').note)).toMatch(/GB 32100/);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });

    const col = (h: string) => String.fromCharCode(65 + KINDS.whitelist.headers.indexOf(h));
    for (const row of [2, 500, TEMPLATE_LAST_ROW]) {
      const dv = ws.getCell(`${col('所属领域')}${row}`).dataValidation;
      expect(dv.type).toBe('list');
      expect(dv.formulae[0]).toBe(`"${SECTORS.join(',')}"`);
    }
    expect(ws.getCell(`${col('所属领域')}${TEMPLATE_LAST_ROW + 1}`).dataValidation).toBeUndefined();
    expect(ws.getCell(`${col('状态')}2`).dataValidation.formulae[0]).toBe('"申报中,已纳入,已移出"');
    expect(ws.getCell(`${col('移出原因')}2`).dataValidation.formulae[0]).toBe(`"${REMOVAL_REASONS.join(',')}"`);
    const money = ws.getCell(`${col('产值或投资额（万元）')}2`).dataValidation;
    expect(money).toMatchObject({ type: 'decimal', operator: 'between' });
    expect(money.formulae).toEqual([0, 10_000_000]);
    // Free-text columns carry no dropdown.
    expect(ws.getCell(`${col('名称')}2`).dataValidation).toBeUndefined();
  });

  it('issue: system columns are grey and have no dropdown; every enum column has one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sibao-tpl-'));
    const file = join(dir, 'issue.xlsx');
    await writeTemplate(['issue'], file);
    const ws = (await reread(file)).getWorksheet('问题诉求')!;
    const headers = KINDS.issue.headers;
    headers.forEach((h, i) => {
      const cell = ws.getRow(1).getCell(i + 1);
      const fill = cell.fill as { fgColor?: { argb?: string } };
      const dv = ws.getRow(2).getCell(i + 1).dataValidation;
      if (KINDS.issue.system.includes(h)) {
        expect(fill.fgColor?.argb, h).toBe('FFD9D9D9');
        expect(dv, h).toBeUndefined();
      } else {
        expect(fill.fgColor?.argb, h).not.toBe('FFD9D9D9');
        if (headerList('issue', h)) expect(dv?.type, h).toBe('list');
      }
    });
    const cat = ws.getRow(2).getCell(headers.indexOf('问题类别') + 1).dataValidation;
    expect(cat.formulae[0]).toBe(`"${ISSUE_CATEGORIES.join(',')}"`);
    for (const h of ['紧急程度', '超出协调范围', '重大问题']) {
      expect(ws.getRow(2).getCell(headers.indexOf(h) + 1).dataValidation?.type, h).toBe('list');
    }
  });

  it('a class template holds every tab the class owns, and the CLI reads it back as those kinds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sibao-tpl-'));
    const file = join(dir, 'coordination.xlsx');
    await writeTemplate(CLASS_KINDS.coordination, file);
    const wb = await reread(file);
    // The kinds' tabs, then 说明 on how to fill it in and upload it (the upload and the CLI skip it).
    expect(wb.worksheets.map((w) => w.name)).toEqual([...CLASS_KINDS.coordination.map((k) => KINDS[k].tab), '说明']);
    const readme = wb
      .getWorksheet('说明')!
      .getColumn(1)
      .values.map((v) => String(v ?? ''))
      .join('\n');
    expect(readme).toMatch(/\/login/);
    expect(readme).toMatch(/4 MB/);
    expect(readme).toMatch(/批注工作簿/);
    expect(readme).toMatch(/Google 表格/);
    const unit = wb.getWorksheet('责任单位')!;
    expect(unit.getCell('C2').dataValidation.formulae[0]).toBe('"县直部门,乡镇,街道,园区,指挥部,县领导"');
    const member = wb.getWorksheet('成员')!;
    expect(member.getCell('C2').dataValidation.formulae[0]).toBe('"编辑,审批,只读"');
    const tables = await readTables(file);
    expect(tables.map((t) => t.kind)).toEqual([...CLASS_KINDS.coordination]);
    expect(tables.every((t) => t.rows.length === 0)).toBe(true);
  });

  it('a sector class offers only its own sector in 所属领域', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sibao-tpl-'));
    const file = join(dir, 'industry.xlsx');
    await writeTemplate(CLASS_KINDS.industry, file, { sector: '工业生产' });
    const ws = (await reread(file)).getWorksheet('白名单')!;
    expect(ws.getCell('C2').dataValidation.formulae[0]).toBe('"工业生产"');
  });

  it('columns are wide enough for their header, every dropdown value and what they typically hold (名称: a full company name)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sibao-tpl-'));
    const file = join(dir, 'all.xlsx');
    await writeTemplate(ROW_KINDS, file);
    const wb = await reread(file);
    // The demo's company names: the longest must fit a 名称 column whole.
    const demoNames = (await readTables(join(import.meta.dirname, '..', '..', 'examples', 'valid', '白名单.csv')))[0].rows.map((r) => String(r.values['名称']));
    const longestName = Math.max(...demoNames.map(displayWidth));
    for (const kind of ROW_KINDS) {
      const ws = wb.getWorksheet(KINDS[kind].tab)!;
      KINDS[kind].headers.forEach((h, i) => {
        const width = ws.getColumn(i + 1).width!;
        const where = `${KINDS[kind].tab} / ${h}`;
        expect(width, where).toBeGreaterThanOrEqual(displayWidth(h) + 2);
        for (const v of headerList(kind, h) ?? []) expect(width, `${where}: ${v}`).toBeGreaterThanOrEqual(Math.min(displayWidth(v) + 2, 48));
        if (h.endsWith('名称')) expect(width, where).toBeGreaterThanOrEqual(longestName + 2);
        expect(width, where).toBeLessThanOrEqual(48);
      });
    }
    // The whitelist code: 18 characters of USCC or a 23-character project code.
    expect(wb.getWorksheet('白名单')!.getColumn(1).width).toBeGreaterThanOrEqual(25);
  });

  it('the same template is the same bytes whatever the clock; exceljs and our reader open it; its entries are exceljs’s own', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sibao-tpl-'));
    // Two runs on two machine clocks (JSZip stamps the clock into every zip entry it writes).
    const runs: Buffer[] = [];
    const raws: Buffer[] = [];
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      for (const [i, now] of ['2026-12-07T08:00:00Z', '2026-12-08T17:31:46Z'].entries()) {
        vi.setSystemTime(new Date(now));
        const file = join(dir, `coordination-${i}.xlsx`);
        await writeTemplate(CLASS_KINDS.coordination, file);
        runs.push(await readFile(file));
        raws.push(Buffer.from(await (await buildTemplateWorkbook(CLASS_KINDS.coordination)).xlsx.writeBuffer()));
      }
    } finally {
      vi.useRealTimers();
    }
    // exceljs alone: the same entries, different bytes (the entry times); ours: the same bytes.
    expect(raws[0].equals(raws[1])).toBe(false);
    expect(runs[0].equals(runs[1])).toBe(true);

    // Every entry (central directory and local header) carries TEMPLATE_TIME, as created/modified do.
    const t = TEMPLATE_TIME;
    const dosDate = ((t.getUTCFullYear() - 1980) << 9) | ((t.getUTCMonth() + 1) << 5) | t.getUTCDate();
    const dosTime = (t.getUTCHours() << 11) | (t.getUTCMinutes() << 5) | (t.getUTCSeconds() >> 1);
    const buf = runs[0];
    const eocd = buf.length - 22;
    expect(buf.readUInt32LE(eocd)).toBe(0x06054b50);
    let p = buf.readUInt32LE(eocd + 16);
    const count = buf.readUInt16LE(eocd + 10);
    expect(count).toBe(readZipIndex(buf).length);
    for (let i = 0; i < count; i++) {
      const local = buf.readUInt32LE(p + 42);
      expect([buf.readUInt16LE(p + 12), buf.readUInt16LE(p + 14)]).toEqual([dosTime, dosDate]);
      expect([buf.readUInt16LE(local + 10), buf.readUInt16LE(local + 12)]).toEqual([dosTime, dosDate]);
      p += 46 + buf.readUInt16LE(p + 28) + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    }
    const wb = await reread(join(dir, 'coordination-0.xlsx'));
    expect([wb.created?.getTime(), wb.modified?.getTime()]).toEqual([t.getTime(), t.getTime()]);
    expect(wb.worksheets.map((w) => w.name)).toEqual([...CLASS_KINDS.coordination.map((k) => KINDS[k].tab), '说明']);
    expect(await sheetNames(join(dir, 'coordination-0.xlsx'))).toEqual(wb.worksheets.map((w) => w.name));
    expect((await readTables(join(dir, 'coordination-0.xlsx'))).map((x) => x.kind)).toEqual([...CLASS_KINDS.coordination]);

    // writeWorkbookFile keeps exceljs's entries (names, order, bytes): only the entry times change.
    const entries = (b: Buffer) => {
      const z = openZip(b);
      return z.names().map((n) => [n, z.read(n)!.toString('base64')]);
    };
    const own = join(dir, 'own.xlsx');
    await writeWorkbookFile(await buildTemplateWorkbook(CLASS_KINDS.coordination), own, TEMPLATE_TIME);
    expect(entries(await readFile(own))).toEqual(entries(raws[0]));
  });
});
