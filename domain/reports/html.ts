// HTML escaping for every user value that ends up in a page or an email. Pure.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for an HTML element body or a quoted attribute value. */
export function escapeHtml(value: unknown): string {
  const s = String(value ?? '');
  return NEEDS_ESCAPE.test(s) ? s.replace(ESCAPABLE, (c) => HTML_ESCAPES[c]) : s;
}
const NEEDS_ESCAPE = /[&<>"']/;
const ESCAPABLE = /[&<>"']/g;

/** Escape multi-line text, keeping its line breaks as `<br>`. */
export function escapeMultiline(value: unknown): string {
  return escapeHtml(value).replace(/\r\n|\r|\n/g, '<br>');
}

/** A one-line value for a mail subject or header: control characters (CR, LF, …) become spaces. */
export function oneLine(value: unknown, max = 120): string {
  // eslint-disable-next-line no-control-regex
  const s = String(value ?? '').replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

// ---- escape-by-default templates ----------------------------------------------------------------

/** HTML that is already safe: built by `html` or marked with `raw`. Everything else gets escaped. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

function part(v: unknown): string {
  if (typeof v === 'string') return escapeHtml(v);
  if (typeof v === 'number') return String(v);
  if (v instanceof SafeHtml) return v.value;
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) {
    let out = '';
    for (const x of v) out += part(x);
    return out;
  }
  return escapeHtml(v);
}

/**
 * Tagged template that escapes every interpolated value unless it is SafeHtml (a nested `html`
 * template or an explicit `raw`). Arrays are joined; null, undefined and false render nothing.
 *   html`<td>${name}</td>`            → name escaped
 *   html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += part(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** The explicit marker for markup that must not be escaped (trusted constants, pre-rendered HTML). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** Multi-line text, escaped, its line breaks kept as `<br>` (escapeMultiline as SafeHtml). */
export function multiline(value: string): SafeHtml {
  return html`${value.split(/\r\n|\r|\n/).map((line, i) => (i === 0 ? line : html`<br>${line}`))}`;
}
