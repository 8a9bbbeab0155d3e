/// <reference types="google-apps-script" />
// Calls to the sibao API with the user's Google ID token. Every failure becomes a Chinese message;
// nothing here throws on an HTTP status.

export interface ApiAnswer<T> {
  ok: boolean;
  status: number;
  body?: T;
  /** Chinese, for toast / alert / sidebar, when !ok. */
  message?: string;
  /** The JSON body of a refusal (!ok), when the server sent one: its `error.code` and details. */
  refusal?: { error?: { code?: string; message?: string }; [field: string]: unknown };
}

export function identityToken(): string | null {
  try {
    const t = ScriptApp.getIdentityToken();
    return t ? t : null;
  } catch {
    return null;
  }
}

export const NO_TOKEN_MESSAGE =
  '无法取得您的 Google 身份令牌：请重新授权本插件（扩展程序 → 四保调度 → 设置），并确认已授予 openid 与邮箱权限。';

/** The Chinese message of a failed HTTP answer. */
export function statusMessage(status: number, serverText: string): string {
  const detail = serverMessage(serverText);
  const tail = detail ? `（服务器说明：${detail}）` : '';
  if (status === 401) return `身份验证失败（401）：登录已过期或插件的 OAuth 客户端与服务器配置不符，请重新打开表格后再试，仍失败请联系县大数据局${tail}`;
  if (status === 403) return `没有权限（403）：您的账号不是本专班的成员，或本专班不能填写这张表；请联系指挥部办公室在「成员」表中登记${tail}`;
  if (status === 409) return `版本冲突（409）：服务器上的记录已被他人更新，本次未覆盖；请先「刷新状态」，核对后再修改${tail}`;
  if (status === 413) return `数据过大（413）：一次提交的内容超过服务器上限，请减少每行的文字后重试${tail}`;
  if (status === 429) return `请求过于频繁（429）：请稍后再试${tail}`;
  if (status >= 500) return `服务器暂时不可用（${status}）：本次未同步的行仍标记为「待同步」，稍后会自动重试${tail}`;
  if (status === 0) return `无法连接服务器：请检查「设置」中的 API 地址与网络${tail}`;
  return `请求失败（${status}）${tail}`;
}

function refusalOf(text: string): Pick<ApiAnswer<unknown>, 'refusal'> {
  try {
    const j = JSON.parse(text) as unknown;
    return j && typeof j === 'object' && !Array.isArray(j) ? { refusal: j as NonNullable<ApiAnswer<unknown>['refusal']> } : {};
  } catch {
    return {};
  }
}

function serverMessage(text: string): string {
  if (!text) return '';
  try {
    const j = JSON.parse(text) as { message?: unknown; error?: unknown };
    const m = j.message ?? j.error;
    if (typeof m === 'string') return m.slice(0, 200);
    if (m && typeof m === 'object' && typeof (m as { message?: unknown }).message === 'string') {
      return String((m as { message: string }).message).slice(0, 200);
    }
  } catch {
    /* not JSON */
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

export function apiCall<T>(url: string, token: string, method: 'get' | 'post', payload?: string): ApiAnswer<T> {
  let res: GoogleAppsScript.URL_Fetch.HTTPResponse;
  try {
    res = UrlFetchApp.fetch(url, {
      method,
      contentType: 'application/json; charset=utf-8',
      headers: { Authorization: `Bearer ${token}` },
      payload,
      muteHttpExceptions: true,
      followRedirects: false,
    });
  } catch (e) {
    return { ok: false, status: 0, message: statusMessage(0, e instanceof Error ? e.message : String(e)) };
  }
  const status = res.getResponseCode();
  const text = res.getContentText();
  if (status < 200 || status >= 300) return { ok: false, status, message: statusMessage(status, text), ...refusalOf(text) };
  try {
    return { ok: true, status, body: JSON.parse(text) as T };
  } catch {
    return { ok: false, status, message: `服务器返回的内容无法识别（不是 JSON）：${text.slice(0, 100)}` };
  }
}

/** UTF-8 byte length of a string (no TextEncoder in Apps Script): the one definition, in domain/. */
export { utf8Length } from '../domain/rows/limits.js';
