// Cell normalisation (SPEC §3 "Common rules"): the pure functions that turn what a spreadsheet,
// CSV file or Sheets getValues() hands us into canonical values. Every parser returns `undefined`
// when the cell cannot be read as that type; callers check emptiness first with `isEmptyCell`.
// The functions are on the validation hot path: precompiled regexes, no exceptions, few allocations.

import type { Cell } from './types.js';

// ---- text ---------------------------------------------------------------------------------------

const WIDE = /[\u2010-\u2015\u2212\u3000\uFF01-\uFF5E]/;
const WIDE_G = /[\u2010-\u2015\u2212\u3000\uFF01-\uFF5E]/g;

function narrowChar(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c === 0x3000) return ' ';
  if (c >= 0xff01) return String.fromCharCode(c - 0xfee0);
  return '-'; // hyphens, dashes and the minus sign
}

/**
 * Full-width → half-width for digits, letters and ASCII punctuation (`１２３`, `（`, `：`, `，`,
 * `－`, `．`), the ideographic space → space, and dashes/minus signs → `-`. Used on code, number,
 * date and phone columns only; free text keeps its characters.
 */
export function toHalfWidth(s: string): string {
  // A plain loop beats a regex test on the short cells this sees; most have nothing to convert.
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x2010) return WIDE.test(s) ? s.replace(WIDE_G, narrowChar) : s;
  }
  return s;
}

/** Half-width → full-width for printable ASCII (the inverse of `toHalfWidth` on that range). */
export function toFullWidth(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c === 0x20 ? '\u3000' : c > 0x20 && c < 0x7f ? String.fromCharCode(c + 0xfee0) : s[i];
  }
  return out;
}

/** An empty cell: null, undefined, '' or only whitespace (also the ideographic space). */
export function isEmptyCell(cell: Cell): boolean {
  if (cell === null || cell === undefined) return true;
  if (typeof cell === 'string') {
    if (cell.length === 0) return true;
    const c = cell.charCodeAt(0);
    // Fast answer for the common case: starts with a visible ASCII or CJK character.
    if (c > 32 && c !== 0xa0 && c !== 0x3000 && c !== 0xfeff) return false;
    return cell.trim() === '';
  }
  return false;
}

/** A cell as trimmed text (undefined when empty). Numbers print plainly, dates as ISO dates. */
export function cellText(cell: Cell): string | undefined {
  if (cell === null || cell === undefined) return undefined;
  if (typeof cell === 'string') {
    const t = cell.trim();
    return t === '' ? undefined : t;
  }
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : undefined;
  if (typeof cell === 'boolean') return cell ? '是' : '否';
  return parseDate(cell);
}

/** A cell as trimmed half-width text: for code, number, date and phone columns. */
export function codeText(cell: Cell): string | undefined {
  const t = cellText(cell);
  return t === undefined ? undefined : toHalfWidth(t).trim();
}

// ---- numbers ------------------------------------------------------------------------------------

const NUMBER_RE = /^[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const COMMA_G = /,/g;
const SPACE_G = /\s+/g;

/** `123`, `-12.5`: digits with an optional leading minus and at most one inner point (fast path). */
function isPlainDecimal(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 15) return false;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  if (i === n) return false;
  let dot = false;
  let digits = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && !dot && digits > 0 && i < n - 1) dot = true;
    else return false;
  }
  return true;
}

/** A number from a numeric cell or text with optional thousands separators (`1,234.5`, `1，234`). */
export function parseNumber(cell: Cell): number | undefined {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : undefined;
  if (typeof cell !== 'string') return undefined;
  if (isPlainDecimal(cell)) return Number(cell);
  let s = toHalfWidth(cell).trim();
  if (s.indexOf(' ') >= 0) s = s.replace(SPACE_G, '');
  if (!NUMBER_RE.test(s)) return undefined;
  const n = Number(s.indexOf(',') >= 0 ? s.replace(COMMA_G, '') : s);
  return Number.isFinite(n) ? n : undefined;
}

/** An integer (a whole-number float such as 12.0 counts); undefined if not a whole number. */
export function parseInteger(cell: Cell): number | undefined {
  const n = parseNumber(cell);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

/**
 * A percentage as a fraction: `70%` → 0.7, `70` → 0.7 (a value above 1 is read as per cent),
 * `0.7` → 0.7. Range checks are the caller's.
 */
export function parsePercent(cell: Cell): number | undefined {
  let pct = false;
  let c: Cell = cell;
  if (typeof cell === 'string') {
    let s = toHalfWidth(cell).trim();
    if (s.endsWith('%')) {
      pct = true;
      s = s.slice(0, -1).trim();
    }
    c = s;
  }
  const n = parseNumber(c);
  if (n === undefined) return undefined;
  const f = pct || n > 1 ? n / 100 : n;
  return Math.round(f * 1e10) / 1e10;
}

// ---- booleans -----------------------------------------------------------------------------------

/** 是/否 (also sheet checkboxes and TRUE/FALSE, Y/N). */
export function parseYesNo(cell: Cell): boolean | undefined {
  if (typeof cell === 'boolean') return cell;
  const t = codeText(cell);
  if (t === undefined) return undefined;
  switch (t.toLowerCase()) {
    case '是':
    case 'true':
    case 'y':
    case 'yes':
    case '1':
      return true;
    case '否':
    case 'false':
    case 'n':
    case 'no':
    case '0':
      return false;
    default:
      return undefined;
  }
}

// ---- dates --------------------------------------------------------------------------------------

const DATE_SEP_RE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;
const DATE_CN_RE = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$/;
const DATE_COMPACT_RE = /^(\d{4})(\d{2})(\d{2})$/;
const PERIOD_RE = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$/;
const MIN_YEAR = 1900;
const MAX_YEAR = 2199;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days in month m (1-12) of year y. */
export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** ISO `YYYY-MM-DD` from parts, or undefined for an impossible date (2022-02-30). */
export function isoDate(y: number, m: number, d: number): string | undefined {
  if (y < MIN_YEAR || y > MAX_YEAR || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return y + '-' + pad2(m) + '-' + pad2(d);
}

/** Days since 1970-01-01 → ISO date (proleptic Gregorian; Hinnant's civil_from_days). */
export function isoFromEpochDays(z: number): string {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y + '-' + pad2(m) + '-' + pad2(d);
}

/** ISO date → days since 1970-01-01. */
export function epochDaysFromIso(iso: string): number {
  let y = +iso.slice(0, 4);
  const m = +iso.slice(5, 7);
  const d = +iso.slice(8, 10);
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** 1899-12-30 as days since the Unix epoch: serial 61 onward counts from here. */
const SERIAL_EPOCH = -25569;
const MAX_SERIAL = 2958465; // 9999-12-31

/**
 * A spreadsheet date serial (1900 date system, with Lotus's phantom 1900-02-29 = serial 60) → ISO
 * date; the fraction (time of day) is dropped. Serial 44722 = 2022-06-10.
 */
export function dateFromSerial(serial: number): string | undefined {
  if (!Number.isFinite(serial)) return undefined;
  const days = Math.floor(serial);
  if (days < 1 || days === 60 || days > MAX_SERIAL) return undefined;
  const iso = isoFromEpochDays(days < 60 ? SERIAL_EPOCH + days + 1 : SERIAL_EPOCH + days);
  const y = +iso.slice(0, 4);
  return y >= MIN_YEAR && y <= MAX_YEAR ? iso : undefined;
}

/** ISO date → spreadsheet serial (the inverse of `dateFromSerial`). */
export function serialFromDate(iso: string): number {
  const days = epochDaysFromIso(iso) - SERIAL_EPOCH;
  return days < 61 ? days - 1 : days;
}

/**
 * A calendar date → ISO `YYYY-MM-DD`. Accepts `2022-06-10`, `2022/6/10`, `2022.6.10`,
 * `2022年6月10日`, `20220610`, full-width digits, a date serial (number) and a JS Date (its UTC
 * calendar day: exceljs gives dates at UTC midnight). Impossible dates give undefined.
 */
export function parseDate(cell: Cell): string | undefined {
  if (cell === null || cell === undefined || typeof cell === 'boolean') return undefined;
  if (typeof cell === 'number') return dateFromSerial(cell);
  if (cell instanceof Date) {
    const t = cell.getTime();
    if (Number.isNaN(t)) return undefined;
    return isoDate(cell.getUTCFullYear(), cell.getUTCMonth() + 1, cell.getUTCDate());
  }
  const s = toHalfWidth(cell).trim();
  if (s.length === 10 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) {
    // Fast path for the ISO form itself.
    const y = digits(s, 0, 4);
    const m = digits(s, 5, 7);
    const d = digits(s, 8, 10);
    if (y >= 0 && m >= 0 && d >= 0) return isoDate(y, m, d) === undefined ? undefined : s;
  }
  const m = DATE_SEP_RE.exec(s) ?? DATE_CN_RE.exec(s) ?? DATE_COMPACT_RE.exec(s);
  if (m === null) return undefined;
  return isoDate(+m[1], +m[2], +m[3]);
}

const DATETIME_RE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]+(\d{1,2})[:：](\d{2})(?:[:：]\d{2}(?:\.\d+)?)?)?$/;
const DATETIME_CN_RE = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?\s*(?:(\d{1,2})\s*(?:[:：]|时|点)\s*(?:(\d{1,2})\s*分?)?)?$/;

/**
 * A moment of the county's day → `YYYY-MM-DD HH:mm` (Asia/Shanghai wall clock): `2022-06-08 14:00`,
 * `2022/6/8 14:00`, `2022年6月8日14时`, `2022年6月8日 14:30`, a date alone (00:00), a date serial
 * with its fraction, or a JS Date (its UTC fields: exceljs gives a cell's wall clock as UTC).
 */
export function parseDateTime(cell: Cell): string | undefined {
  if (cell === null || cell === undefined || typeof cell === 'boolean') return undefined;
  let date: string | undefined;
  let h = 0;
  let mi = 0;
  if (typeof cell === 'number') {
    date = dateFromSerial(cell);
    const minutes = Math.round((cell - Math.floor(cell)) * 1440);
    h = Math.floor(minutes / 60);
    mi = minutes % 60;
    if (h === 24) return undefined;
  } else if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return undefined;
    date = isoDate(cell.getUTCFullYear(), cell.getUTCMonth() + 1, cell.getUTCDate());
    h = cell.getUTCHours();
    mi = cell.getUTCMinutes();
  } else {
    const s = toHalfWidth(cell).trim();
    const m = DATETIME_RE.exec(s) ?? DATETIME_CN_RE.exec(s);
    if (m === null) {
      date = parseDate(s);
    } else {
      date = isoDate(+m[1], +m[2], +m[3]);
      h = m[4] === undefined ? 0 : +m[4];
      mi = m[5] === undefined ? 0 : +m[5];
    }
  }
  if (date === undefined || h > 23 || mi > 59) return undefined;
  return `${date} ${pad2(h)}:${pad2(mi)}`;
}

/** The decimal number in s[from, to), or -1 if any character is not a digit. */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** A statistics period → `YYYY-MM`: `2022-06`, `2022/6`, `2022年6月`, or any date (its month). */
export function parsePeriod(cell: Cell): string | undefined {
  if (typeof cell === 'string') {
    const s = toHalfWidth(cell).trim();
    const m = PERIOD_RE.exec(s);
    if (m !== null) {
      const y = +m[1];
      const mo = +m[2];
      return y >= MIN_YEAR && y <= MAX_YEAR && mo >= 1 && mo <= 12 ? y + '-' + pad2(mo) : undefined;
    }
  }
  const d = parseDate(cell);
  return d === undefined ? undefined : d.slice(0, 7);
}

// ---- lists --------------------------------------------------------------------------------------

const LIST_SEP = /[；;、]/;
const LIST_SEP_COMMA = /[；;、,，]/;

/**
 * Split a list cell on `；` `;` `、` (and `,` `，` when `commas`), trimming items and dropping
 * empty ones and repeats. An empty cell gives [].
 */
export function splitList(cell: Cell, commas = false): string[] {
  const t = cellText(cell);
  if (t === undefined) return [];
  const parts = t.split(commas ? LIST_SEP_COMMA : LIST_SEP);
  const out: string[] = [];
  for (const p of parts) {
    const x = p.trim();
    if (x !== '' && !out.includes(x)) out.push(x);
  }
  return out;
}

// ---- phone and email ----------------------------------------------------------------------------

const MOBILE_PLAIN_RE = /^1[3-9]\d{9}$/;
const MOBILE_RE = /^(?:\+?86)?(1[3-9]\d{9})$/;
const LANDLINE_SEP_RE = /^\(?(0\d{2,3})\)?[ -]*(\d{7,8})$/;
const LANDLINE_BARE_RE = /^0\d{9,11}$/;
const PHONE_NOISE_G = /[\s-]/g;
const PHONE_SEP = /[ ()-]/;

/**
 * A mainland phone number: mobile `1[3-9]` + 9 digits (`+86` allowed) → 11 digits; landline with a
 * 3- or 4-digit area code (incl. the leading 0) and a 7–8 digit number, separated by `-`, a space
 * or parentheses (or not at all) → `0AAA-NNNNNNN`. Undefined if neither.
 */
export function parsePhone(cell: Cell): string | undefined {
  const t = codeText(cell);
  if (t === undefined) return undefined;
  if (t.length === 11 && MOBILE_PLAIN_RE.test(t)) return t;
  const compact = t.replace(PHONE_NOISE_G, '');
  const mob = MOBILE_RE.exec(compact);
  if (mob !== null) return mob[1];
  const sep = LANDLINE_SEP_RE.exec(t);
  if (sep !== null && PHONE_SEP.test(t)) return sep[1] + '-' + sep[2];
  if (LANDLINE_BARE_RE.test(compact)) {
    // No separator: 010 and 02x are the 3-digit area codes; every other one has 4 digits.
    const areaLen = compact[1] === '1' || compact[1] === '2' ? 3 : 4;
    const rest = compact.length - areaLen;
    if (rest >= 7 && rest <= 8) return compact.slice(0, areaLen) + '-' + compact.slice(areaLen);
  }
  return undefined;
}

const EMAIL_RE = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9-]+\.)+[a-z]{2,}$/;
const BAD_LABEL = /(?:^|[@.])-|-\./;

/** An e-mail address (basic RFC 5322 dot-atom check), lower-cased; undefined if malformed. */
export function parseEmail(cell: Cell): string | undefined {
  const t = codeText(cell);
  if (t === undefined || t.length > 254) return undefined;
  const e = t.toLowerCase();
  return EMAIL_RE.test(e) && !BAD_LABEL.test(e) ? e : undefined;
}

const URL_RE = /^https?:\/\/[^\s/?#]+\.[^\s/?#]+[^\s]*$/i;

/** An http(s) link; undefined if not one. */
export function parseUrl(cell: Cell): string | undefined {
  const t = cellText(cell);
  return t !== undefined && URL_RE.test(t) ? t : undefined;
}

// ---- formula injection --------------------------------------------------------------------------

/**
 * Whether a free-text value would be read as a formula by a spreadsheet: it starts with `=`, `+`,
 * `-`, `@`, a tab or a carriage return.
 */
export function looksLikeFormula(s: string): boolean {
  if (s.length === 0) return false;
  const c = s.charCodeAt(0);
  return c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13;
}
