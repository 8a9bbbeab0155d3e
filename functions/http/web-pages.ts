// The pages of the web front end (SPEC §7.7): sign-in by mail, the member's page `/my` with the
// upload form, and the upload's result. Phone-first (one column, 16 px text, full-width buttons),
// wider tables scroll inside their box. Built with the escape-by-default `html` template; the only
// script is the upload progress of `/my` (allowed by its hash in the page's CSP; the form works
// without it).
import { createHash } from 'node:crypto';
import { html, multiline, raw, type SafeHtml } from '../../domain/reports/html.js';
import { KINDS, WORK_CLASSES } from '../../domain/rows/kinds.js';
import { shanghaiDateTime } from '../../domain/time/time.js';
import type { UploadRecord } from '../ports.js';
import { rejections, type ImportReport } from '../usecases/import-tables.js';
import { tabNameOf } from '../usecases/annotate.js';
import type { MyClass } from '../usecases/web-session.js';

const STYLE = raw(
  `body{margin:0;background:#f5f5f5;font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#111}` +
    `main{max-width:860px;margin:0 auto;padding:20px 16px;background:#fff;min-height:100vh;box-sizing:border-box;font-size:16px;line-height:1.6}` +
    `h1{font-size:21px;margin:0 0 14px}h2{font-size:18px;margin:22px 0 8px}` +
    `label{display:block;margin:12px 0 4px;font-weight:bold}` +
    `input[type=email],select,input[type=file]{width:100%;box-sizing:border-box;font-size:16px;padding:10px;border:1px solid #bbb;border-radius:6px;background:#fff}` +
    `button{margin-top:16px;width:100%;padding:14px;font-size:18px;background:#1a73e8;color:#fff;border:0;border-radius:6px}` +
    `button.quiet{background:#fff;color:#1a73e8;border:1px solid #1a73e8;font-size:16px;padding:10px}button.danger{background:#b00}` +
    `td form button{margin:4px 0 0;width:auto;padding:6px 10px;font-size:15px;white-space:nowrap}.confirm{border:2px solid #b00;border-radius:8px;padding:4px 14px 14px;margin:16px 0}` +
    `.box{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:8px 0}` +
    `table{border-collapse:collapse;font-size:15px;min-width:100%}th,td{padding:6px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}th{background:#f0f4fa;white-space:nowrap}` +
    `td.n{text-align:right;font-variant-numeric:tabular-nums}.bad{color:#b00;font-weight:bold}.ok{color:#1a7f37;font-weight:bold}` +
    `.note{color:#666;font-size:14px}.alert{color:#b00;font-weight:bold}.chips span{display:inline-block;margin:2px 6px 2px 0;padding:2px 8px;background:#eef3fb;border-radius:10px;font-size:14px}` +
    `a.button{display:block;text-align:center;margin-top:12px;padding:12px;background:#1a7f37;color:#fff;border-radius:6px;text-decoration:none;font-size:17px}` +
    `progress{width:100%;height:18px;margin-top:12px}` +
    `@media (min-width:700px){button{width:auto;padding:12px 28px}a.button{display:inline-block;padding:10px 24px}}`,
);

/** The upload form's progress: bytes sent, then "checking"; the answer replaces the page. */
export const UPLOAD_SCRIPT =
  "(function(){var f=document.getElementById('upload');if(!f||!window.FormData||!window.XMLHttpRequest)return;" +
  "f.addEventListener('submit',function(e){e.preventDefault();var p=document.getElementById('progress'),s=document.getElementById('status'),b=f.querySelector('button');" +
  "b.disabled=true;p.hidden=false;s.textContent='正在上传……';var x=new XMLHttpRequest();x.open('POST',f.action);" +
  "x.upload.onprogress=function(ev){if(ev.lengthComputable){p.value=ev.loaded/ev.total;s.textContent='正在上传 '+Math.round(ev.loaded/ev.total*100)+'%';}};" +
  "x.upload.onload=function(){p.removeAttribute('value');s.textContent='已上传，正在校验和同步（大文件需要一两分钟，请勿关闭页面）……';};" +
  "x.onload=function(){document.open();document.write(x.responseText);document.close();};" +
  "x.onerror=function(){s.textContent='上传失败：网络中断，请重试';b.disabled=false;};x.send(new FormData(f));});})();";

export const UPLOAD_SCRIPT_HASH = `'sha256-${createHash('sha256').update(UPLOAD_SCRIPT).digest('base64')}'`;

function page(title: string, body: SafeHtml, opts: { script?: boolean } = {}): string {
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex,nofollow"><meta name="referrer" content="no-referrer"><title>${title}</title><style>${STYLE}</style></head><body><main><h1>${title}</h1>${body}<p class="note" style="margin-top:28px">四保白名单指挥部办公室</p></main>${
    opts.script && html`<script>${raw(UPLOAD_SCRIPT)}</script>`
  }</body></html>`.value;
}

export function loginPage(p: { formToken: string; email?: string; error?: string }): string {
  return page(
    '登录',
    html`<p>请输入您在“成员”表中登记的邮箱，系统会发送一封含登录链接的邮件（15 分钟内有效，只能使用一次）。</p>${
      p.error && html`<p role="alert" class="alert">${p.error}</p>`
    }<form method="post" action="/login"><input type="hidden" name="csrf" value="${p.formToken}"><label for="email">邮箱</label><input id="email" name="email" type="email" required maxlength="254" autocomplete="email" value="${p.email ?? ''}"><button type="submit">发送登录链接</button></form><p class="note">无法访问谷歌服务的单位也可以在这里登录，上传 Excel / WPS 表格。</p>`,
  );
}

/** The same page for every address (no member enumeration). */
export function loginSentPage(): string {
  return page(
    '请查收邮件',
    html`<p>如果该邮箱已在“成员”表中登记，登录链接已发送到该邮箱，15 分钟内有效，只能使用一次。</p><p class="note">没有收到？请检查垃圾邮件，或确认综合协调专班已在“成员”表中登记您的邮箱。</p><p><a href="/login">返回登录页</a></p>`,
  );
}

export function confirmLoginPage(p: { formToken: string }): string {
  return page(
    '确认登录',
    html`<p>点击下方按钮登录（12 小时内有效）。仅打开本页不会登录。</p><form method="post"><input type="hidden" name="csrf" value="${p.formToken}"><button type="submit">确认登录</button></form>`,
  );
}

export function messagePage(title: string, message: string, link?: { href: string; label: string }): string {
  return page(title, html`<p>${multiline(message)}</p>${link && html`<p><a href="${link.href}">${link.label}</a></p>`}`);
}

const className = (id: string) => WORK_CLASSES.find((c) => c.id === id)?.name ?? id;

/** Whether an upload's refused deletions may still be confirmed at `now`. */
export const canConfirm = (u: UploadRecord, now: number): boolean => Boolean(u.massDelete?.length) && u.confirmedAt === undefined && now <= (u.confirmBy ?? 0);

const wouldDelete = (u: UploadRecord) => (u.massDelete ?? []).reduce((n, m) => n + m.wouldDelete, 0);
const minute = (at: number) => shanghaiDateTime(at).slice(0, 16).replace('T', ' ');

/** The confirmation of an upload's refused deletions: a form POST (CSRF token of the session); a GET never deletes. */
function confirmForm(u: UploadRecord, csrf: string, label = `确认删除 ${wouldDelete(u)} 行`): SafeHtml {
  return html`<form method="post" action="/my/uploads/${u.id}/confirm"><input type="hidden" name="csrf" value="${csrf}"><button type="submit" class="danger">${label}</button></form>`;
}

export interface MyPageInput {
  email: string;
  classes: MyClass[];
  selected?: MyClass;
  uploads: UploadRecord[];
  csrf: string;
  dashboardUrl?: string;
  decisionsUrl?: string;
  maxMb: number;
  notice?: string;
  /** Now (service clock): which uploads' deletions may still be confirmed. */
  now: number;
}

export function uploadsTable(uploads: readonly UploadRecord[], confirm?: { csrf: string; now: number }): SafeHtml {
  if (uploads.length === 0) return html`<p class="note">还没有上传记录。</p>`;
  const deletion = (u: UploadRecord) =>
    u.confirmedAt !== undefined
      ? html`<td class="n">${u.tabs.reduce((n, t) => n + t.deleted, 0)}（已确认）</td>`
      : confirm && canConfirm(u, confirm.now)
        ? html`<td><span class="bad" style="white-space:nowrap">${wouldDelete(u)} 行待确认</span>${confirmForm(u, confirm.csrf, '确认删除')}</td>`
        : html`<td class="n">${u.tabs.reduce((n, t) => n + t.deleted, 0)}${u.massDelete?.length ? '（未确认）' : ''}</td>`;
  return html`<div class="box"><table><thead><tr><th>时间</th><th>文件</th><th>专班</th><th>接受</th><th>拒绝</th><th>删除</th><th>批注工作簿</th></tr></thead><tbody>${uploads.map(
    (u) =>
      html`<tr><td>${minute(u.at)}</td><td>${u.file}</td><td>${className(u.workClass)}</td><td class="n">${u.accepted}</td><td class="n ${u.rejected ? 'bad' : ''}">${u.rejected}</td>${deletion(u)}<td><a href="/my/uploads/${u.id}.xlsx">下载</a></td></tr>`,
  )}</tbody></table></div>`;
}

export function myPage(p: MyPageInput): string {
  const writable = p.classes.filter((c) => c.canUpload);
  const selected = p.selected ?? writable[0];
  return page(
    '我的工作台',
    html`<p>已登录：<strong>${p.email}</strong></p>${p.notice && html`<p role="alert" class="alert">${p.notice}</p>`}<h2>我的专班</h2><div class="box"><table><thead><tr><th>专班</th><th>角色</th><th>表格（工作表）</th></tr></thead><tbody>${p.classes.map(
      (c) => html`<tr><td>${c.name}</td><td>${c.role}</td><td class="chips">${c.tabs.length ? c.tabs.map((t) => html`<span>${t}</span>`) : html`<span>（只读）</span>`}</td></tr>`,
    )}</tbody></table></div>${
      (p.dashboardUrl || p.decisionsUrl) &&
      html`<h2>指挥部办公室</h2>${p.dashboardUrl && html`<a class="button" href="${p.dashboardUrl}">打开指挥部看板</a>`}${p.decisionsUrl && html` <a class="button" href="${p.decisionsUrl}">待决事项</a>`}`
    }<h2>上传表格</h2>${
      selected
        ? html`<form id="upload" method="post" action="/my/upload" enctype="multipart/form-data"><input type="hidden" name="csrf" value="${p.csrf}"><label for="class">专班</label><select id="class" name="class">${writable.map(
            (c) => html`<option value="${c.id}" ${c.id === selected.id && 'selected'}>${c.name}</option>`,
          )}</select><label for="file">工作簿（.xlsx，可含本专班的任意工作表：${selected.tabs.join('、')}）或单个工作表的 .csv</label><input id="file" name="file" type="file" required accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"><p class="note">不超过 ${p.maxMb} MB；更大的文件请交县政务服务和大数据局用 sibao import 导入。工作表名须为表名（如 白名单、问题诉求）。上传后每个工作表给出接受、拒绝行数，并可下载批注工作簿：被拒绝的单元格标红并附原因，系统列（编号、状态、责任单位、时限）已回填，可改正后再次上传。</p><button type="submit">上传并同步</button><progress id="progress" hidden max="1"></progress><p id="status" class="note" aria-live="polite"></p></form>`
        : html`<p class="note">您在各专班的角色均为只读，不能上传。</p>`
    }<h2>最近上传</h2>${uploadsTable(p.uploads, { csrf: p.csrf, now: p.now })}<form method="post" action="/my/logout"><input type="hidden" name="csrf" value="${p.csrf}"><button type="submit" class="quiet">退出登录</button></form>`,
    { script: Boolean(selected) },
  );
}

/** Most rejections listed on the page; the annotated workbook has them all. */
export const PAGE_REJECTIONS = 200;

/** A second confirmation of the same upload: nothing changed. */
export function alreadyConfirmedPage(u: UploadRecord): string {
  const deleted = u.tabs.reduce((n, t) => n + t.deleted, 0);
  const when = u.confirmedAt !== undefined ? `已于 ${minute(u.confirmedAt)} 确认（删除 ${deleted} 行）` : '已确认';
  return messagePage('删除已确认', `“${u.file}”这次上传的删除${when}，本次未做任何更改。批注工作簿已更新，可在“最近上传”中下载。`, { href: '/my', label: '返回我的工作台' });
}

export interface UploadResultInput {
  record: UploadRecord;
  report: ImportReport;
  /** The session's CSRF token (the confirm form of refused deletions). */
  csrf: string;
  now: number;
  title?: string;
}

export function uploadResultPage(p: UploadResultInput): string {
  const { record, report } = p;
  const all = report.tabs.flatMap((t) => rejections(t.results).map((e) => ({ tab: tabNameOf(t), ...e })));
  return page(
    p.title ?? '上传结果',
    html`<p>${record.file}（${className(record.workClass)}）：共 ${record.accepted + record.rejected} 行，<span class="ok">接受 ${record.accepted}</span> 行，<span class="${record.rejected ? 'bad' : 'ok'}">拒绝 ${record.rejected}</span> 行。</p><div class="box"><table><thead><tr><th>工作表</th><th>表</th><th>行数</th><th>接受</th><th>拒绝</th><th>删除</th></tr></thead><tbody>${record.tabs.map(
      (t) => html`<tr><td>${t.tab}</td><td>${KINDS[t.kind].tab}</td><td class="n">${t.rows}</td><td class="n">${t.accepted}</td><td class="n ${t.rejected ? 'bad' : ''}">${t.rejected}</td><td class="n">${t.deleted}</td></tr>`,
    )}</tbody></table></div>${report.manifests
      .filter((m) => m.applied && m.message)
      .map((m) => html`<p class="ok">${m.message}</p>`)}${report.manifests
      .filter((m) => !m.applied)
      .map((m) => html`<p class="bad">${m.message ?? `「${KINDS[m.kind].tab}」未删除任何行（大批删除被拒绝）`}</p>`)}${
      canConfirm(record, p.now) &&
      html`<div class="confirm"><h2>确认删除</h2><p>${record.massDelete!.map((m) => `「${m.tab}」${m.wouldDelete} 行`).join('、')}不在本次上传的文件中，尚未删除。核对无误后确认，将从服务器删除这些行（服务器保留记录，重新上传含该行的表格即可恢复）；不确认则不删除任何行。</p><p class="note">请在 ${minute(record.confirmBy!)}（北京时间）前确认，无需重新选择文件；确认不计入上传次数。</p>${confirmForm(record, p.csrf)}</div>`
    }<a class="button" href="/my/uploads/${record.id}.xlsx">下载批注工作簿</a><p class="note">批注工作簿的第一个工作表“校验结果”汇总本次上传；被拒绝的单元格标红，鼠标移到单元格上可看到原因；灰色的系统列已由系统回填。改正后可直接上传该工作簿。</p>${
      all.length > 0 &&
      html`<h2>被拒绝的行</h2><div class="box"><table><thead><tr><th>工作表</th><th>行</th><th>列</th><th>说明</th></tr></thead><tbody>${all
        .slice(0, PAGE_REJECTIONS)
        .map((e) => html`<tr><td>${e.tab}</td><td class="n">${e.row}</td><td style="min-width:7em">${e.column}</td><td style="min-width:12em">${e.message}</td></tr>`)}</tbody></table></div>${
        all.length > PAGE_REJECTIONS && html`<p class="note">只列出前 ${PAGE_REJECTIONS} 条，共 ${all.length} 条；全部见批注工作簿。</p>`
      }`
    }<p><a href="/my">返回我的工作台</a></p>`,
  );
}
