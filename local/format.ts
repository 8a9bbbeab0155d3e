// Plain-text tables for the terminal, aligned for Chinese: CJK and full-width characters take two
// columns. No colours, so output stays readable when piped into a file.

// East Asian Wide and Fullwidth ranges (Unicode UAX #11), plus the emoji blocks terminals draw two
// columns wide. Ambiguous-width characters (…, ─, ①) count as one column, as most terminals draw
// them by default.
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x23e9, 0x23ec],
  [0x23f0, 0x23f0],
  [0x23f3, 0x23f3],
  [0x25fd, 0x25fe],
  [0x2614, 0x2615],
  [0x2648, 0x2653],
  [0x26aa, 0x26ab],
  [0x26bd, 0x26be],
  [0x26c4, 0x26c5],
  [0x26d4, 0x26d4],
  [0x26ea, 0x26ea],
  [0x26f2, 0x26f5],
  [0x26fa, 0x26fd],
  [0x2705, 0x2705],
  [0x270a, 0x270b],
  [0x2728, 0x2728],
  [0x274c, 0x274c],
  [0x2753, 0x2755],
  [0x2757, 0x2757],
  [0x2795, 0x2797],
  [0x27b0, 0x27b0],
  [0x27bf, 0x27bf],
  [0x2b1b, 0x2b1c],
  [0x2b50, 0x2b50],
  [0x2b55, 0x2b55],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x16fe0, 0x16fe4],
  [0x17000, 0x18cff],
  [0x1b000, 0x1b2ff],
  [0x1f004, 0x1f004],
  [0x1f0cf, 0x1f0cf],
  [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a],
  [0x1f200, 0x1f251],
  [0x1f300, 0x1f64f],
  [0x1f680, 0x1f6ff],
  [0x1f7e0, 0x1f7eb],
  [0x1f90c, 0x1f9ff],
  [0x1fa70, 0x1faff],
  [0x20000, 0x3fffd],
];

function isWide(cp: number): boolean {
  if (cp < 0x1100) return false;
  let lo = 0;
  let hi = WIDE.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = WIDE[mid];
    if (cp < a) hi = mid - 1;
    else if (cp > b) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Combining marks, zero-width spaces and joiners, variation selectors: no column of their own. */
function isZeroWidth(cp: number): boolean {
  return (
    (cp >= 0x300 && cp <= 0x36f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x2060 && cp <= 0x2064) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xfe20 && cp <= 0xfe2f) ||
    cp === 0xfeff ||
    (cp >= 0xe0100 && cp <= 0xe01ef)
  );
}

/** Columns one code point occupies in a monospace terminal (0, 1 or 2). */
export function charWidth(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || isZeroWidth(cp)) return 0;
  return isWide(cp) ? 2 : 1;
}

/** Columns a string occupies in a monospace terminal. */
export function displayWidth(text: string): number {
  let w = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // ASCII fast path: most cells are codes and numbers.
    if (c >= 0x20 && c < 0x7f) {
      w++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    w += charWidth(cp);
  }
  return w;
}

/** Pad on the right (or left for `align: 'right'`) to a display width. */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'left' ? text + fill : fill + text;
}

/** Cut to a display width, ending with `…` when cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let w = 0;
  for (const ch of text) {
    const cw = displayWidth(ch);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

/** Punctuation that must not begin a line (Chinese line-breaking rules), nor `)` `,` `.` and the like. */
const NO_LINE_START = new Set([...'，。、；：？！）》」』】〕〉”’…—,.;:?!)]}%']);
/** Opening brackets and quotes, which must not end a line. */
const NO_LINE_END = new Set([...'（《「『【〔〈“‘([{']);
/** Where a word longer than a whole line breaks, if it can: after a comma, slash, hyphen or colon. */
const SOFT_BREAK_AFTER = new Set([...',/-:;']);
/** Characters after which an ASCII run may break: a space, or any wide character. */
const isBreakAfter = (ch: string) => ch === ' ' || displayWidth(ch) === 2;
const isWordChar = (ch: string | undefined) => ch !== undefined && /^[\x21-\x7e]$/.test(ch);

/**
 * Break a text into lines of at most `width` display columns. Wide text breaks between any two
 * characters, except before closing punctuation; ASCII words (codes, addresses, numbers) are kept
 * whole when they fit on a line of their own. Line breaks in the text are kept.
 */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(2, Math.floor(width));
  const out: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line: string[] = [];
    let lineWidth = 0;
    for (const ch of paragraph) {
      const cw = displayWidth(ch);
      if (lineWidth + cw <= w || line.length === 0) {
        line.push(ch);
        lineWidth += cw;
        continue;
      }
      if (ch === ' ') {
        // A space at the break disappears.
        out.push(line.join('').trimEnd());
        line = [];
        lineWidth = 0;
        continue;
      }
      // Break: find where. Default: before `ch`.
      let cut = line.length;
      if (isWordChar(ch) && isWordChar(line[line.length - 1])) {
        // Inside an ASCII word: break after the last space or wide character, if the word fits alone.
        let k = line.length;
        while (k > 0 && !isBreakAfter(line[k - 1])) k--;
        if (k === 0) {
          // No space in the whole line: a word longer than a line; break after a comma or slash.
          k = line.length;
          while (k > line.length / 2 && !SOFT_BREAK_AFTER.has(line[k - 1])) k--;
          if (k <= line.length / 2) k = 0;
        }
        if (k > 0) cut = k;
      } else if (NO_LINE_START.has(ch) && line.length > 1) {
        cut = line.length - 1; // carry the last character over with the punctuation
      }
      // Nor may an opening bracket or quote end a line: carry it over too.
      while (cut > 1 && NO_LINE_END.has(line[cut - 1])) cut--;
      const head = line.slice(0, cut);
      out.push(head.join('').trimEnd());
      line = line.slice(cut);
      if (line[0] === ' ') line.shift();
      line.push(ch);
      lineWidth = displayWidth(line.join(''));
      // A carried-over run may itself be too long (a word longer than the line): hard-break it.
      while (lineWidth > w) {
        let k = 0;
        let kw = 0;
        while (k < line.length && kw + displayWidth(line[k]) <= w) kw += displayWidth(line[k++]);
        // Within a long word, prefer to break after a comma or slash in the second half of the line.
        let soft = k;
        while (soft > k / 2 && !SOFT_BREAK_AFTER.has(line[soft - 1])) soft--;
        if (soft > k / 2) k = soft;
        out.push(line.slice(0, Math.max(1, k)).join(''));
        line = line.slice(Math.max(1, k));
        lineWidth = displayWidth(line.join(''));
      }
    }
    out.push(line.join('').trimEnd());
  }
  return out;
}

/** The width a table fits in unless told otherwise: 100 columns, terminal or not (output stays stable in files). */
export const TABLE_WIDTH = 100;

export interface TableOptions {
  /** Columns aligned right (numbers), by index. */
  right?: readonly number[];
  /** Maximum display width of a cell that does not wrap; longer cells are cut with `…`. */
  maxCell?: number;
  /** Columns whose long cells wrap onto more lines (never cut), by index. */
  wrap?: readonly number[];
  /** Total display width the table fits in (default TABLE_WIDTH): wrapping columns narrow first. */
  width?: number;
  /** Put before every line (e.g. two spaces to indent under a heading); counts toward `width`. */
  indent?: string;
}

/** A wrapping column is never made narrower than this (or its header). */
const MIN_WRAP_WIDTH = 16;
/** A column that is cut to fit is never made narrower than this (or its header). */
const MIN_CUT_WIDTH = 6;
const GAP = '  ';

/**
 * Render rows under a header as an aligned table with a rule under the header. The table fits in
 * `width` columns: wrapping columns are narrowed first and their cells wrap onto more lines; only
 * then are the widest other columns cut.
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], opts: TableOptions = {}): string {
  const maxCell = opts.maxCell ?? 60;
  const right = new Set(opts.right ?? []);
  const wrap = new Set(opts.wrap ?? []);
  const indent = opts.indent ?? '';
  const budget = (opts.width ?? TABLE_WIDTH) - displayWidth(indent) - GAP.length * (headers.length - 1);
  const cells = rows.map((r) =>
    headers.map((_, i) => {
      const text = r[i] ?? '';
      return wrap.has(i) ? text : truncate(oneLine(text), maxCell);
    }),
  );
  // A loop, not Math.max(...cells): a table of 200,000 problem lines would overflow the call stack.
  const widths = headers.map((h, i) => {
    let w = displayWidth(h);
    for (const r of cells) {
      if (!wrap.has(i)) w = Math.max(w, displayWidth(r[i]));
      else for (const part of r[i].split(/\r?\n/)) w = Math.max(w, displayWidth(part));
    }
    return w;
  });
  const floor = (i: number) => Math.max(displayWidth(headers[i]), wrap.has(i) ? MIN_WRAP_WIDTH : MIN_CUT_WIDTH);
  const total = () => widths.reduce((a, b) => a + b, 0);
  // Narrow the widest wrapping column, then the widest other column, one column at a time.
  for (const group of [[...wrap], headers.map((_, i) => i).filter((i) => !wrap.has(i))]) {
    while (total() > budget) {
      const candidates = group.filter((i) => widths[i] > floor(i));
      if (candidates.length === 0) break;
      const i = candidates.reduce((a, b) => (widths[b] > widths[a] ? b : a));
      widths[i] = Math.max(floor(i), widths[i] - (total() - budget));
    }
  }
  const line = (r: readonly string[]) =>
    indent +
    r
      .map((c, i) => pad(c, widths[i], right.has(i) ? 'right' : 'left'))
      .join(GAP)
      .trimEnd();
  const out = [line(headers), indent + widths.map((w) => '─'.repeat(w)).join(GAP)];
  for (const r of cells) {
    const parts = r.map((c, i) => (wrap.has(i) ? wrapText(c, widths[i]) : [truncate(c, widths[i])]));
    const height = Math.max(...parts.map((p) => p.length));
    for (let k = 0; k < height; k++) out.push(line(parts.map((p) => p[k] ?? '')));
  }
  return out.join('\n');
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, '⏎');
}

/** `1234567.891` -> `1,234,567.89` (money in 万元). */
export function formatAmount(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return n.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits });
}

/** `0.7345` -> `73.5%`. */
export function formatPercent(f: number | null | undefined, digits = 1): string {
  if (f === null || f === undefined || !Number.isFinite(f)) return '—';
  return `${(f * 100).toFixed(digits)}%`;
}

// ---- spreadsheet column widths -------------------------------------------------------------------
// Excel measures a column in characters of the default font's digit. A CJK character is drawn about
// two digits wide, as in a terminal, so the terminal's display width is the measure here too.

export interface SheetWidthOptions {
  /** Narrowest column (default 8). */
  min?: number;
  /** Widest column (default 60): longer text wraps in its cell (set wrapText on the column). */
  max?: number;
  /** Extra width on the header: bold text and the filter button (default 4). */
  headerExtra?: number;
}

/** Characters of padding around a cell's text. */
const SHEET_PADDING = 2;

/** The longest line of a cell's text, in display columns. */
export function cellDisplayWidth(text: string): number {
  let w = 0;
  for (const line of text.split('\n')) w = Math.max(w, displayWidth(line));
  return w;
}

/**
 * A column's width from its header and its cells' texts: the widest of them plus padding, within
 * [min, max]. `natural` is the width the content wants; when it is above `max` the column wraps.
 */
export function sheetColumnWidth(header: string, cells: Iterable<string>, opts: SheetWidthOptions = {}): { width: number; natural: number; wraps: boolean } {
  const min = opts.min ?? 8;
  const max = opts.max ?? 60;
  let content = 0;
  for (const c of cells) {
    const w = cellDisplayWidth(c);
    if (w > content) content = w;
  }
  const natural = Math.max(Math.ceil(cellDisplayWidth(header) * 1.1) + (opts.headerExtra ?? 4), content + SHEET_PADDING);
  const width = Math.min(max, Math.max(min, natural));
  return { width, natural, wraps: natural > max };
}
