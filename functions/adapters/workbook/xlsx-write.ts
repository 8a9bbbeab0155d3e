// Writing a values-only .xlsx (SPEC §7.8): inline strings and numbers, never a formula; a text that
// a spreadsheet would run as a formula gets Excel's own leading-apostrophe form (quotePrefix on a
// Text-format cell), so it shows as typed, is never evaluated, and reads back unchanged. Cells may be
// styled (header, error red, system grey) and carry a comment (a note with the Chinese message).
import { writeZip } from './zip.js';
import { looksLikeFormula } from '../../../domain/rows/normalize.js';

export type CellStyle = 'plain' | 'header' | 'error' | 'system';

export interface CellOut {
  v: string | number;
  style?: CellStyle;
  comment?: string;
}

export interface SheetOut {
  name: string;
  /** Rows by sheet row number (1-based); cells by 0-based column; gaps stay empty. */
  rows: Map<number, (CellOut | null | undefined)[]>;
  /** Column widths in characters, by 0-based column. */
  widths?: number[];
  /** Freeze the first row. */
  freezeHeader?: boolean;
}

/** The fills of the styles (ARGB); tests read them back. */
export const FILLS = { header: 'FFDDEBF7', error: 'FFFF9999', system: 'FFD9D9D9' } as const;

const STYLE_BASE: Record<CellStyle, number> = { plain: 0, header: 1, error: 2, system: 3 };
/** Style index of a cell: the base, or base + 4 for a formula-looking text (quotePrefix, Text format). */
const styleIndex = (style: CellStyle, quoted: boolean) => STYLE_BASE[style] + (quoted ? 4 : 0);

// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function xmlText(s: string): string {
  return s.replace(XML_INVALID, '').replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

export function columnName(index: number): string {
  let s = '';
  for (let x = index + 1; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RNS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

function stylesXml(): string {
  const fill = (argb: string) => `<fill><patternFill patternType="solid"><fgColor rgb="${argb}"/><bgColor indexed="64"/></patternFill></fill>`;
  const xf = (fontId: number, fillId: number, quoted: boolean) =>
    quoted
      ? `<xf numFmtId="49" fontId="${fontId}" fillId="${fillId}" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1" quotePrefix="1"/>`
      : `<xf numFmtId="0" fontId="${fontId}" fillId="${fillId}" borderId="0" xfId="0" applyFont="1" applyFill="1"/>`;
  const bases: [number, number][] = [
    [0, 0],
    [1, 2],
    [0, 3],
    [0, 4],
  ];
  const xfs = [...bases.map(([f, fi]) => xf(f, fi, false)), ...bases.map(([f, fi]) => xf(f, fi, true))];
  return `${HEAD}<styleSheet xmlns="${NS}"><fonts count="2"><font><sz val="11"/><name val="等线"/><family val="2"/></font><font><b/><sz val="11"/><name val="等线"/><family val="2"/></font></fonts><fills count="5"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>${fill(FILLS.header)}${fill(FILLS.error)}${fill(FILLS.system)}</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="${xfs.length}">${xfs.join('')}</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;
}

function sheetXml(s: SheetOut, hasComments: boolean): string {
  const rows = [...s.rows.entries()].sort((a, b) => a[0] - b[0]);
  let data = '';
  for (const [r, cells] of rows) {
    let row = '';
    cells.forEach((c, i) => {
      if (!c) return;
      const ref = `${columnName(i)}${r}`;
      const style = c.style ?? 'plain';
      if (typeof c.v === 'number') {
        if (Number.isFinite(c.v)) row += `<c r="${ref}" s="${styleIndex(style, false)}"><v>${c.v}</v></c>`;
        return;
      }
      const quoted = looksLikeFormula(c.v);
      const s2 = styleIndex(style, quoted);
      if (c.v === '') row += style === 'plain' ? '' : `<c r="${ref}" s="${s2}"/>`;
      else row += `<c r="${ref}" s="${s2}" t="inlineStr"><is><t xml:space="preserve">${xmlText(c.v)}</t></is></c>`;
    });
    data += `<row r="${r}">${row}</row>`;
  }
  const views = s.freezeHeader
    ? '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
    : '<sheetViews><sheetView workbookViewId="0"/></sheetViews>';
  const cols = s.widths?.length
    ? `<cols>${s.widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${Math.min(Math.max(w, 6), 80)}" customWidth="1"/>`).join('')}</cols>`
    : '';
  return `${HEAD}<worksheet xmlns="${NS}" xmlns:r="${RNS}">${views}<sheetFormatPr defaultRowHeight="15"/>${cols}<sheetData>${data}</sheetData>${hasComments ? '<legacyDrawing r:id="rId2"/>' : ''}</worksheet>`;
}

function commentsOf(s: SheetOut): { ref: string; row: number; col: number; text: string }[] {
  const out: { ref: string; row: number; col: number; text: string }[] = [];
  for (const [r, cells] of s.rows) cells.forEach((c, i) => c?.comment && out.push({ ref: `${columnName(i)}${r}`, row: r, col: i, text: c.comment }));
  return out;
}

function commentsXml(list: ReturnType<typeof commentsOf>): string {
  return `${HEAD}<comments xmlns="${NS}"><authors><author>sibao</author></authors><commentList>${list
    .map((c) => `<comment ref="${c.ref}" authorId="0"><text><r><t xml:space="preserve">${xmlText(c.text)}</t></r></text></comment>`)
    .join('')}</commentList></comments>`;
}

function vmlXml(list: ReturnType<typeof commentsOf>): string {
  const shapes = list
    .map(
      (c, i) =>
        `<v:shape id="_x0000_s${1025 + i}" type="#_x0000_t202" style="position:absolute;margin-left:80pt;margin-top:2pt;width:200pt;height:60pt;z-index:${i + 1};visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:AutoFill>False</x:AutoFill><x:Row>${c.row - 1}</x:Row><x:Column>${c.col}</x:Column></x:ClientData></v:shape>`,
    )
    .join('');
  return `<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>${shapes}</xml>`;
}

/** A workbook of `sheets`, in order (the first is the active tab). */
export function writeXlsx(sheets: readonly SheetOut[]): Buffer {
  const files: { name: string; data: string }[] = [];
  const overrides: string[] = [];
  const wbRels: string[] = [];
  const sheetTags: string[] = [];
  sheets.forEach((s, i) => {
    const n = i + 1;
    const comments = commentsOf(s);
    files.push({ name: `xl/worksheets/sheet${n}.xml`, data: sheetXml(s, comments.length > 0) });
    overrides.push(`<Override PartName="/xl/worksheets/sheet${n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`);
    wbRels.push(`<Relationship Id="rId${n}" Type="${REL}/worksheet" Target="worksheets/sheet${n}.xml"/>`);
    sheetTags.push(`<sheet name="${xmlText(s.name)}" sheetId="${n}" r:id="rId${n}"/>`);
    if (comments.length > 0) {
      files.push({ name: `xl/comments${n}.xml`, data: commentsXml(comments) });
      files.push({ name: `xl/drawings/vmlDrawing${n}.vml`, data: vmlXml(comments) });
      overrides.push(`<Override PartName="/xl/comments${n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/>`);
      files.push({
        name: `xl/worksheets/_rels/sheet${n}.xml.rels`,
        data: `${HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/comments" Target="../comments${n}.xml"/><Relationship Id="rId2" Type="${REL}/vmlDrawing" Target="../drawings/vmlDrawing${n}.vml"/></Relationships>`,
      });
    }
  });
  const stylesId = `rId${sheets.length + 1}`;
  wbRels.push(`<Relationship Id="${stylesId}" Type="${REL}/styles" Target="styles.xml"/>`);
  files.push({ name: 'xl/styles.xml', data: stylesXml() });
  files.push({
    name: 'xl/workbook.xml',
    data: `${HEAD}<workbook xmlns="${NS}" xmlns:r="${RNS}"><bookViews><workbookView activeTab="0"/></bookViews><sheets>${sheetTags.join('')}</sheets></workbook>`,
  });
  files.push({ name: 'xl/_rels/workbook.xml.rels', data: `${HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${wbRels.join('')}</Relationships>` });
  files.push({
    name: '_rels/.rels',
    data: `${HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  });
  const types = `${HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>${overrides.join('')}</Types>`;
  return writeZip([{ name: '[Content_Types].xml', data: types }, ...files]);
}
