// The pages outside the API's bearer world (SPEC §7.4): the public 惠企政策清单 and 工作机制 (no login,
// cacheable, no email address), the enterprise's own page `/e/{token}` and the answer page of a
// pushed policy `/f/{token}`. Phone-first layout (cards, wrapping, nothing wider than the screen),
// escape-by-default `html` templates; every value from a sheet cell is escaped and a link is only
// published when it is a plain http(s) address (usecases/public-views.ts safeUrl).
import { html, multiline, type SafeHtml } from '../../domain/reports/html.js';
import { POLICY_FEEDBACK } from '../../domain/issues/catalog.js';
import type { EnterpriseView, FeedbackAnswer } from '../usecases/enterprise.js';
import { FILTER_CHOICES, type Mechanisms, type PolicyFilters, type PublicPolicies, type PublicPolicy } from '../usecases/public-views.js';

const FONT = "-apple-system,'PingFang SC','Microsoft YaHei',sans-serif";

function page(title: string, body: SafeHtml, opts: { index?: boolean } = {}): string {
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">${
    !opts.index && html`<meta name="robots" content="noindex,nofollow">`
  }<meta name="referrer" content="no-referrer"><title>${title}</title></head><body style="margin:0;background:#f5f5f5;font-family:${FONT};color:#111;"><main style="max-width:760px;margin:0 auto;padding:16px 12px;background:#fff;min-height:100vh;box-sizing:border-box;font-size:16px;line-height:1.6;overflow-wrap:anywhere;"><h1 style="font-size:21px;margin:0 0 12px;">${title}</h1>${body}<p style="margin-top:28px;color:#888;font-size:13px;">四保白名单指挥部办公室</p></main></body></html>`
    .value;
}

const LABEL = 'color:#555;white-space:nowrap;padding:2px 8px 2px 0;vertical-align:top;';

function rows(pairs: [string, string | number | SafeHtml | undefined][]): SafeHtml {
  const shown = pairs.filter(([, v]) => v !== undefined && v !== '');
  return html`<table style="border-collapse:collapse;font-size:15px;width:100%;table-layout:fixed;"><colgroup><col style="width:7em"><col></colgroup>${shown.map(
    ([k, v]) => html`<tr><td style="${LABEL}">${k}</td><td style="padding:2px 0;">${v}</td></tr>`,
  )}</table>`;
}

function policyCard(p: PublicPolicy): SafeHtml {
  return html`<section style="border:1px solid #ddd;border-radius:6px;padding:10px 12px;margin:10px 0;"><h2 style="font-size:17px;margin:0 0 6px;">${
    p.链接 ? html`<a href="${p.链接}" rel="noopener noreferrer" style="color:#0b5cad;">${p.政策名称}</a>` : p.政策名称
  }</h2>${rows([
    ['编号', p.编号],
    ['发文单位', p.发文单位],
    ['层级', p.层级],
    ['政策类别', p.政策类别],
    ['适用领域', p.适用领域],
    ['适用乡镇', p.适用乡镇],
    ['最低员工人数', p.最低员工人数],
    ['最低产值', p['最低产值（万元）'] !== undefined ? `${p['最低产值（万元）']} 万元` : undefined],
    ['有效期至', p.有效期至],
    ['申报截止', p.申报截止],
    ['兑现方式', p.兑现方式],
    ['责任单位', p.责任单位],
    ['政策咨询员', p.consultants.length ? html`${p.consultants.map((c, i) => html`${i > 0 && html`<br>`}${c.单位} ${c.姓名}${c.联系电话 && html` ${c.联系电话}`}`)}` : undefined],
  ])}</section>`;
}

function select(name: keyof PolicyFilters, label: string, current: string | undefined): SafeHtml {
  return html`<label style="display:inline-block;margin:0 8px 8px 0;">${label} <select name="${name}" style="font-size:16px;max-width:100%;"><option value="">全部</option>${FILTER_CHOICES[name].map(
    (v) => html`<option value="${v}" ${current === v && 'selected'}>${v}</option>`,
  )}</select></label>`;
}

export function policiesPage(m: PublicPolicies, f: PolicyFilters): string {
  return page(
    `${m.county}惠企政策清单`,
    html`<p style="color:#555;margin:0 0 8px;">政策找企、应享尽享。以下为有效期内的惠企政策及各责任单位的政策咨询员${m.updatedAt && html`（更新于 ${m.updatedAt}）`}。</p><form method="get" style="margin:0 0 8px;">${select('sector', '领域', f.sector)}${select('category', '类别', f.category)}${select('level', '层级', f.level)}<button type="submit" style="font-size:16px;padding:4px 14px;">筛选</button></form><p style="margin:0;">共 ${m.policies.length} 项 · <a href="/p/policies.json" style="color:#0b5cad;">数据（JSON）</a> · <a href="/p/mechanisms" style="color:#0b5cad;">工作机制</a></p>${m.policies.map(policyCard)}`,
    { index: true },
  );
}

export function mechanismsPage(m: Mechanisms): string {
  return page(
    `${m.county}四保白名单工作机制`,
    html`<h2 style="font-size:18px;">工作专班</h2>${rows(m.classes.map((c) => [c.name, `牵头单位：${c.lead}${c.office ? `；办公地点：${c.office}` : ''}`]))}<h2 style="font-size:18px;">问题如何反映和交办</h2><p>白名单企业可通过所属领域专班、企业专属页面（通知邮件中的链接）反映问题诉求。指挥部按问题类别、所属领域、所在乡镇和关键词自动交办责任单位${
      m.categories.length > 0 && html`（已配置的问题类别：${m.categories.join('、')}）`
    }；超出协调范围的问题报县指挥部，重大问题同时报县委县政府。</p><h2 style="font-size:18px;">办理时限（工作日）</h2>${rows(
      m.sla.map((s) => [s.urgency, `签收 ${s.sign} 天，反馈 ${s.feedback} 天，办结 ${s.resolve} 天`]),
    )}<p style="color:#555;font-size:14px;">重大问题自交办之日起 30 日内办结。</p><h2 style="font-size:18px;">逾期升级</h2><p>${m.escalation.join(' → ')}</p><p><a href="/p/policies" style="color:#0b5cad;">惠企政策清单</a></p>`,
    { index: true },
  );
}

// ---- the enterprise's page -------------------------------------------------------------------------

export function enterprisePage(v: EnterpriseView, token: string, note?: { created?: string; error?: string }): string {
  const action = `/e/${token}`;
  return page(
    `${v.name}`,
    html`<p style="color:#555;margin:0 0 8px;">${v.sector} · ${v.locality} · 统一社会信用代码 ${v.code}</p>${note?.created && html`<p role="status" style="background:#e8f5e9;padding:8px 10px;">诉求已提交，编号 ${note.created}，已按规则交办责任单位，办理进展会显示在本页。</p>`}${
      note?.error && html`<p role="alert" style="background:#fdecea;color:#b00;padding:8px 10px;font-weight:bold;">${note.error}</p>`
    }<h2 style="font-size:18px;">已反映的问题（${v.issues.length}）</h2>${
      v.issues.length === 0
        ? html`<p style="color:#555;">暂无。</p>`
        : v.issues.map(
            (i) =>
              html`<section style="border:1px solid #ddd;border-radius:6px;padding:10px 12px;margin:10px 0;"><h3 style="font-size:16px;margin:0 0 6px;">${i.id} · ${i.category} · <span style="color:${i.overdue ? '#b00' : '#1a7f37'};">${i.status}${i.overdue && '（逾期）'}</span></h3><p style="margin:0 0 6px;background:#fafafa;padding:6px 8px;">${multiline(i.description)}</p>${rows([
                ['来源', i.source],
                ['反映日期', i.reportedOn],
                ['责任单位', i.unitName],
                ['签收时限', i.signBy],
                ['办结时限', i.resolveBy],
                ['办理结果', i.result],
              ])}<details style="margin-top:6px;"><summary>办理过程（${i.events.length}）</summary><ul style="margin:4px 0;padding-left:20px;font-size:14px;">${i.events.map((e) => html`<li>${e.at} ${e.what}</li>`)}</ul></details></section>`,
          )
    }<h2 style="font-size:18px;">匹配的惠企政策（${v.policies.length}）</h2>${
      v.policies.length === 0
        ? html`<p style="color:#555;">暂无。</p>`
        : html`<ul style="padding-left:20px;">${v.policies.map(
            (p) => html`<li style="margin:4px 0;">${p.link ? html`<a href="${p.link}" rel="noopener noreferrer" style="color:#0b5cad;">${p.name}</a>` : p.name}${p.applyBy && html`（申报截止 ${p.applyBy}）`}${p.feedback && html` — 您的反馈：${p.feedback}`}</li>`,
          )}</ul>`
    }<h2 style="font-size:18px;">反映新的诉求</h2><p style="color:#555;font-size:14px;">提交后按规则交办责任单位（来源：企业自报）。今天还可提交 ${v.left} 条。</p><form method="post" action="${action}"><label style="display:block;margin:8px 0 4px;font-weight:bold;" for="category">问题类别</label><select id="category" name="category" required style="font-size:16px;width:100%;"><option value="">请选择</option>${v.categories.map(
      (c) => html`<option value="${c}">${c}</option>`,
    )}</select><label style="display:block;margin:8px 0 4px;font-weight:bold;" for="description">问题描述</label><textarea id="description" name="description" rows="5" maxlength="2000" required style="width:100%;box-sizing:border-box;font-size:16px;padding:8px;"></textarea><label style="display:block;margin:8px 0 4px;font-weight:bold;" for="urgency">紧急程度</label><select id="urgency" name="urgency" style="font-size:16px;width:100%;">${v.urgencies.map(
      (u) => html`<option value="${u}">${u}</option>`,
    )}</select><button type="submit" style="margin-top:14px;width:100%;padding:14px;font-size:18px;background:#1a7f37;color:#fff;border:0;border-radius:6px;">提交诉求</button></form><p style="color:#777;font-size:14px;">本页为贵企业专属链接，请勿转发。紧急程度“紧急”由指挥部核实。</p>`,
  );
}

export function feedbackPage(a: Extract<FeedbackAnswer, { ok: true }>): string {
  if (a.recorded) return page('反馈已记录', html`<p>${a.done}</p>${a.previous && a.previous !== a.answer && html`<p style="color:#555;">（此前的反馈「${a.previous}」已被替换。）</p>`}`);
  return page(
    `确认反馈：${a.answer}`,
    html`<p>政策：${a.policyName}</p>${a.previous && html`<p style="color:#555;">您此前的反馈：${a.previous}（提交后以本次为准）</p>`}<form method="post"><button type="submit" style="margin-top:12px;width:100%;padding:14px;font-size:18px;background:#1a7f37;color:#fff;border:0;border-radius:6px;">确认：${a.answer}</button></form><p style="color:#777;font-size:14px;">仅打开本页不会记录任何反馈；可选的反馈：${POLICY_FEEDBACK.join('、')}。</p>`,
  );
}

export function pagesMessage(title: string, message: string): string {
  return page(title, html`<p>${multiline(message)}</p>`);
}
