// The reports' HTML blocks escape by default (domain/reports/report-html.ts over html.ts), and the
// report renderers and pages build their markup only with them: no escaping by hand, `raw` only for
// trusted constants.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { html } from '../../domain/reports/html.js';
import { badge, C, enterpriseCell, p, reportPage, table, td, tile, unitRatesTable } from '../../domain/reports/report-html.js';
import type { IssueItem } from '../../domain/reports/sections/issue-item.js';
import { noticePage } from '../../functions/http/digest-routes.js';

const EVIL = '<img src=x onerror=alert(1)>&"\'';
const ESCAPED = '&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;';

describe('report blocks escape what they are given', () => {
  it('escapes plain text in cells, paragraphs, tiles, badges and headers', () => {
    const out = [
      td(EVIL),
      p(EVIL),
      tile(EVIL, EVIL, EVIL),
      badge(EVIL, C.red, C.redBg),
      table([EVIL, [EVIL, 'text-align:right']], [[td(EVIL)]]),
    ].join('');
    expect(out).not.toContain('<img');
    expect(out.split(ESCAPED).length - 1).toBe(9);
  });

  it('keeps markup built with html, escaping only the values inside it (once)', () => {
    const cell = td(html`<b>${EVIL}</b>`);
    expect(cell.toString()).toContain(`<b>${ESCAPED}</b>`);
    expect(p(html`a ${td('&')}`).toString()).toContain('a <td');
    expect(p(html`a ${td('&')}`).toString()).toContain('&amp;</td>');
  });

  it('escapes an enterprise name next to its badges', () => {
    const item = { enterpriseName: EVIL, major: true, urgency: '紧急', overdue: true } as IssueItem;
    const out = enterpriseCell(item, { overdueBadge: true }).toString();
    expect(out.startsWith(ESCAPED)).toBe(true);
    expect(out).toContain('>重大</span>');
    expect(out).toContain('>紧急</span>');
    expect(out).toContain('>逾期</span>');
    expect(enterpriseCell(item).toString()).not.toContain('逾期');
  });

  it('escapes unit names in the rates table and every text of the page frame', () => {
    const rates = unitRatesTable([
      { unit: 'x', unitName: EVIL, issues: 1, assigned: 1, signedOnTime: 1, signRate: 1, due: 0, resolvedOnTime: 0, onTimeRate: null, followUps: 0, satisfied: 0, satisfactionRate: null, returned: 0, reopened: 0 },
    ]).toString();
    expect(rates).toContain(`>${ESCAPED}</td>`);
    const page = reportPage({
      title: EVIL,
      maxWidth: 800,
      countyName: EVIL,
      office: EVIL,
      heading: EVIL,
      lines: [EVIL, EVIL],
      sections: [[EVIL, p(EVIL)]],
      footer: EVIL,
    });
    expect(page).not.toContain('<img');
    expect(page.split(ESCAPED).length - 1).toBe(9);
    expect(page).not.toContain('http-equiv');
    expect(reportPage({ title: 't', refreshSeconds: 300, maxWidth: 1, countyName: '', office: '', heading: '', lines: ['', ''], sections: [], footer: '' })).toContain(
      '<meta http-equiv="refresh" content="300">',
    );
  });

  it('escapes the title and message of an answer page', () => {
    const r = noticePage(400, EVIL, EVIL);
    expect(r.statusCode).toBe(400);
    expect(r.body).not.toContain('<img');
    expect(String(r.body).split(ESCAPED).length - 1).toBe(3);
  });
});

describe('report renderers build markup only with the html template', () => {
  const root = join(import.meta.dirname, '../..');
  const sections = readdirSync(join(root, 'domain/reports/sections')).map((f) => `domain/reports/sections/${f}`);
  const files = [
    'domain/reports/digest.ts',
    'domain/reports/digest-render.ts',
    'domain/reports/dashboard.ts',
    'domain/reports/dashboard-render.ts',
    'domain/reports/report-html.ts',
    'domain/reports/week.ts',
    ...sections,
    'functions/http/dashboard-route.ts',
    'functions/http/digest-routes.ts',
    'functions/usecases/digest.ts',
    'functions/usecases/dashboard.ts',
  ];

  it.each(files)('%s escapes nothing by hand', (file) => {
    const src = readFileSync(join(root, file), 'utf8').replace(/\/\/.*$/gm, '');
    expect(src).not.toMatch(/\bescape(Html|Multiline)\b/);
  });

  it('marks raw only trusted constants', () => {
    const uses = files.flatMap((f) => [...readFileSync(join(root, f), 'utf8').matchAll(/\braw\(([^)]*)\)/g)].map((m) => `${f}: ${m[1]}`));
    expect(uses).toEqual(['domain/reports/report-html.ts: FONT']);
  });
});
