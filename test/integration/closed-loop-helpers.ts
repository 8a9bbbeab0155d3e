// Shared set-up of the closed-loop tests: the API harness (real dynalite + SES emulator, settable
// clock) with a profile that has an escalation chain (unit -> 指挥部 -> 县领导) and a command-office
// approver, plus the sweep handler and helpers to read mails from the SES emulator.
import { makeSweepHandler } from '../../functions/handlers/sweep.js';
import { MAX_DELIVERY_ATTEMPTS, retryDelay } from '../../functions/usecases/deliver.js';
import type { SweepConfig } from '../../functions/usecases/sweep.js';
import type { StoredMail, TestServices } from '../fixtures/local-services.js';
import { ADMIN, BASE, IND, issueValues, makeHarness, type Harness } from './api-helpers.js';

export const APPROVER = 'approver@county.example';
export const CONTACT = 'contact@enterprise.example';
export const ISSUE = 'WT-20220606-001';

export const LOOP_TABS = {
  work_class: [
    { row: 2, values: { 专班编码: 'coordination', 名称: '综合协调', 牵头单位: 'U-FGW' } },
    { row: 3, values: { 专班编码: 'industry', 名称: '工业生产', 牵头单位: 'U-GXJ' } },
  ],
  unit: [
    { row: 2, values: { 单位编码: 'U-LEAD', 单位名称: '县委县政府', 类型: '县领导', 联系邮箱: 'lead@county.example' } },
    { row: 3, values: { 单位编码: 'U-ZHB', 单位名称: '县四保指挥部', 类型: '指挥部', 联系邮箱: 'zhb@county.example', 上级单位: 'U-LEAD' } },
    { row: 4, values: { 单位编码: 'U-FGW', 单位名称: '县发展改革委', 类型: '县直部门', 联系邮箱: 'fgw@county.example', 上级单位: 'U-ZHB' } },
    { row: 5, values: { 单位编码: 'U-GXJ', 单位名称: '县工业和信息化局', 类型: '县直部门', 联系邮箱: 'gxj1@county.example；gxj2@county.example', 上级单位: 'U-ZHB' } },
    { row: 6, values: { 单位编码: 'U-CGZ', 单位名称: '城关镇', 类型: '乡镇', 联系邮箱: 'cgz@county.example', 上级单位: 'U-ZHB' } },
  ],
  routing_rule: [{ row: 2, values: { 优先级: 1, 问题类别: '原料采购', 责任单位: 'U-GXJ' } }],
  member: [
    { row: 2, values: { 邮箱: ADMIN, 专班编码: 'coordination', 角色: '编辑' } },
    { row: 3, values: { 邮箱: APPROVER, 专班编码: 'coordination', 角色: '审批' } },
    { row: 4, values: { 邮箱: IND, 专班编码: 'industry', 角色: '编辑' } },
  ],
} as const;

export interface LoopHarness extends Harness {
  sweep(config?: SweepConfig): ReturnType<typeof makeSweepHandler>;
  /** Sync issue rows (values merged over issueValues with a contact email) as the industry editor. */
  report(rows: Record<string, string | number | null>[]): Promise<string[]>;
  /** Run the dispatcher and return the mails that arrived in this run. */
  deliver(): Promise<Mail[]>;
  /** POST (or GET) an action link (full URL). */
  post(url: string, form?: Record<string, string>): Promise<{ status: number; text: string }>;
  get(url: string): Promise<{ status: number; text: string }>;
  command(id: string, body: Record<string, unknown>, as?: string): Promise<{ status: number; json: any }>;
  /** Every mail the emulator holds. */
  allMails(): Promise<Mail[]>;
}

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The notification key (通知编号 line). */
  key: string;
  /** Action links by label. */
  links: Record<string, string>;
}

export function parseMail(m: StoredMail): Mail {
  const text = m.body.text ?? '';
  const links: Record<string, string> = {};
  for (const x of text.matchAll(/^([^：\n]+)：(http\S+)$/gm)) links[x[1]] = x[2];
  return {
    to: m.destination.to.join(','),
    subject: m.subject,
    text,
    html: m.body.html ?? '',
    key: /^通知编号：(\S+)$/m.exec(text)?.[1] ?? '',
    links,
  };
}

export async function makeLoopHarness(services: TestServices): Promise<LoopHarness> {
  const h = await makeHarness(services, { withProfile: false });
  for (const [kind, rows] of Object.entries(LOOP_TABS)) {
    const res = await h.sync(ADMIN, 'coordination', kind, rows as unknown as unknown[], 'sheet-config');
    if (res.status !== 200 || !res.json.results.every((r: { ok: boolean }) => r.ok)) throw new Error(`profile sync failed for ${kind}: ${res.text}`);
  }
  let seen = (await services.mails()).length;
  let nextRow = 2;
  const dispatch = h.dispatcher();
  const pathOf = (url: string) => {
    if (!url.startsWith(BASE)) throw new Error(`not an action link: ${url}`);
    return url.slice(BASE.length);
  };
  const lh: LoopHarness = {
    ...h,
    sweep: (config) => makeSweepHandler({ store: h.store, clock: h.clock, config }),
    async report(rows) {
      const res = await h.sync(
        IND,
        'industry',
        'issue',
        // Each report is another problem (SPEC §7.8: identical rows are one row), so the default
        // description carries the sheet row.
        rows.map((values) => {
          const row = nextRow++;
          return { row, values: { ...issueValues({ 联系邮箱: CONTACT, 问题描述: `${issueValues().问题描述}（第 ${row} 行）` }), ...values } };
        }),
      );
      if (res.status !== 200) throw new Error(`sync failed: ${res.text}`);
      return res.json.results.map((r: { id: string }) => r.id);
    },
    async deliver() {
      await dispatch();
      const all = (await services.mails()).map(parseMail);
      const fresh = all.slice(seen);
      seen = all.length;
      return fresh;
    },
    async post(url, form = {}) {
      const r = await h.call('POST', pathOf(url), { form: new URLSearchParams(form).toString() });
      return { status: r.status, text: r.text };
    },
    async get(url) {
      const r = await h.call('GET', pathOf(url));
      return { status: r.status, text: r.text };
    },
    async command(id, body, as = APPROVER) {
      const r = await h.call('POST', `/v1/issues/${id}/actions`, { as, body });
      return { status: r.status, json: r.json };
    },
    async allMails() {
      return (await services.mails()).map(parseMail);
    },
  };
  return lh;
}

/** Shanghai wall-clock instant, e.g. at('2022-06-08T00:05'). */
export const at = (local: string) => Date.parse(`${local}:00+08:00`);

/** The (key, recipient) pairs that occur more than once. */
export function duplicates(mails: readonly Mail[]): string[] {
  const seen = new Map<string, number>();
  for (const m of mails) seen.set(`${m.key}→${m.to}`, (seen.get(`${m.key}→${m.to}`) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
}

/**
 * 2026-06-10's 日报 with one issue reported that day, run as each retry falls due within the day, so
 * a recipient its mailer refuses every time is set aside after its attempts (the re-drive tests).
 */
export async function setAsideDailyReport(h: LoopHarness, daily: () => Promise<{ date: string }>): Promise<void> {
  h.clock.t = at('2026-06-10T00:01');
  await h.report([{ 问题描述: '原料运输受阻（6月10日）' }]);
  h.clock.t = at('2026-06-10T00:05');
  for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
    const { date } = await daily();
    if (date !== '2026-06-10') throw new Error(`日报 ran for ${date}, not 2026-06-10`);
    h.clock.t += retryDelay(attempt);
  }
}
