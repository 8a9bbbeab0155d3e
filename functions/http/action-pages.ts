// Phone-friendly Chinese pages for the one-click action links: confirmation (GET, never changes
// state), result and error pages. Built with the escape-by-default `html` template; the form's
// fields are the catalog link's (domain/issues/catalog.ts).
import { html, multiline, type SafeHtml } from '../../domain/reports/html.js';
import type { ActionField } from '../../domain/issues/catalog.js';
import type { ConfirmView, DecisionConfirmView, PageView } from '../usecases/page-views.js';

function page(title: string, body: SafeHtml): string {
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex,nofollow"><meta name="referrer" content="no-referrer"><title>${title}</title></head><body style="margin:0;background:#f5f5f5;font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#111;"><main style="max-width:560px;margin:0 auto;padding:20px 16px;background:#fff;min-height:100vh;box-sizing:border-box;font-size:16px;line-height:1.6;"><h1 style="font-size:21px;margin:0 0 14px;">${title}</h1>${body}<p style="margin-top:28px;color:#888;font-size:13px;">四保白名单指挥部办公室</p></main></body></html>`
    .value;
}


export type ConfirmPageInput = ConfirmView;

/** The confirm button is green, except for a cautionary action (退回, 不满意): the colour of its mail button. */
const buttonColour = (l: ConfirmPageInput['link']) => (l.caution ? l.colour : '#1a7f37');

function field(f: ActionField, value: string): SafeHtml {
  const label = f.hint ? `${f.label}（${f.hint}）` : f.label;
  const labelHtml = html`<label style="display:block;margin:12px 0 4px;font-weight:bold;" for="f-${f.name}">${label}${f.required && '（必填）'}</label>`;
  if (f.choices) {
    // A required choice nobody made stays unmade: an empty first option the browser will not send
    // (a 紧急 confirmed, a unit or a 上报类型 is never chosen by default).
    const unchosen = f.required && !f.choices.includes(value);
    return html`${labelHtml}<select id="f-${f.name}" name="${f.name}" ${f.required && 'required'} style="width:100%;font-size:16px;padding:8px;">${unchosen && html`<option value="" disabled selected>请选择</option>`}${f.choices.map((c) => html`<option value="${c}" ${c === value && 'selected'}>${c}</option>`)}</select>`;
  }
  if (f.date) return html`${labelHtml}<input type="date" id="f-${f.name}" name="${f.name}" value="${value}" ${f.required && 'required'} style="width:100%;box-sizing:border-box;font-size:16px;padding:8px;">`;
  return html`<label style="display:block;margin:12px 0 4px;font-weight:bold;" for="f-${f.name}">${label}${f.required && '（必填）'}</label><textarea id="f-${f.name}" name="${f.name}" rows="4" maxlength="${f.max}" ${f.required && 'required'} style="width:100%;box-sizing:border-box;font-size:16px;padding:8px;">${value}</textarea>`;
}

export function confirmPage(p: ConfirmPageInput): string {
  const rows: [string, string][] = [
    ['编号', p.issueId],
    ['问题类别', p.category],
    ['反映企业', p.enterprise],
    ['责任单位', p.unitName],
    ['当前状态', p.status],
    ...(p.late ? ([['逾期 / 督办', p.late]] as [string, string][]) : []),
    ...(p.signBy ? ([['签收时限', `${p.signBy} 24:00 前`]] as [string, string][]) : []),
    ...(p.resolveBy ? ([['办结时限', `${p.resolveBy} 24:00 前`]] as [string, string][]) : []),
    ...(p.result ? ([['办理结果', p.result]] as [string, string][]) : []),
  ];
  const label = p.link.label;
  return page(
    `确认${label}：${p.issueId}`,
    html`<table style="border-collapse:collapse;margin-bottom:12px;">${rows.map(
      ([k, v]) =>
        html`<tr><td style="padding:4px 8px 4px 0;color:#555;white-space:nowrap;vertical-align:top;">${k}</td><td style="padding:4px 0;${v === p.late && 'color:#b00;font-weight:bold;'}">${v}</td></tr>`,
    )}</table><p style="background:#fafafa;border-left:3px solid #ccc;padding:8px 10px;margin:0 0 12px;">${multiline(p.description)}</p>${
      p.error && html`<p role="alert" style="color:#b00;font-weight:bold;">${p.error}</p>`
    }<form method="post">${p.link.fields.map((f) => field(f, p.values?.[f.name] ?? ''))}<button type="submit" style="margin-top:16px;width:100%;padding:14px;font-size:18px;background:${buttonColour(p.link)};color:#fff;border:0;border-radius:6px;">确认${label}</button></form><p style="color:#777;font-size:14px;">仅打开本页不会办理任何事项；点击上方按钮后才会生效。</p>`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, html`<p>${multiline(message)}</p>`);
}

/** A decision link's page: the matter, the answer's note, one confirm button. */
export function decisionConfirmPage(p: DecisionConfirmView): string {
  const o = p.option;
  return page(
    `确认${o.label}：${p.title}`,
    html`<table style="border-collapse:collapse;margin-bottom:12px;">${p.rows.map(
      (r) => html`<tr><td style="padding:4px 8px 4px 0;color:#555;white-space:nowrap;vertical-align:top;">${r.label}</td><td style="padding:4px 0;">${r.text}</td></tr>`,
    )}</table>${p.quote && html`<p style="background:#fafafa;border-left:3px solid #ccc;padding:8px 10px;margin:0 0 12px;">${multiline(p.quote)}</p>`}${
      p.error && html`<p role="alert" style="color:#b00;font-weight:bold;">${p.error}</p>`
    }<form method="post">${(p.fields ?? []).map((f) => field(f, p.values?.[f.name] ?? ''))}${field(o.note, p.values?.[o.note.name] ?? '')}<button type="submit" style="margin-top:16px;width:100%;padding:14px;font-size:18px;background:${o.caution ? o.colour : '#1a7f37'};color:#fff;border:0;border-radius:6px;">确认${o.label}</button></form><p style="color:#777;font-size:14px;">仅打开本页不会办理任何事项；点击上方按钮后才会生效。</p>`,
  );
}

/** The page a link action answered (usecases/page-views.ts). */
export function renderPageView(view: PageView): string {
  if (view.kind === 'decision') return decisionConfirmPage(view.decision);
  return view.kind === 'confirm' ? confirmPage(view.confirm) : messagePage(view.title, view.message);
}
