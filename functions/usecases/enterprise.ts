// The enterprise's own page behind `/e/{token}` (SPEC §7.4, §7.8), in terms of ports: who the token
// names (its code, and the epoch of the whitelist row's current 联系邮箱: a changed address ends old
// links), the enterprise's issues with status, deadlines and events, its matched policies with its
// answers, and a new 诉求 it reports: an issue with 来源 企业自报, owned by the sector class of its
// whitelist row, routed like any other (its notifications in the same item write), at most
// MAX_SELF_REPORTS a day. Also the `/f/{token}` answer to a pushed policy. Views are data; http/
// renders them.
import { SECTOR_CLASS, ISSUE_CATEGORIES, URGENCIES, type IssueCategory, type Urgency } from '../../domain/rows/kinds.js';
import { currentAssignment } from '../../domain/issues/lifecycle.js';
import { urgencyToConfirm } from '../../domain/issues/routing.js';
import { isPolicyFeedback, FEEDBACK_LINKS, type PolicyFeedback } from '../../domain/issues/catalog.js';
import { shanghaiDate, shanghaiDateTime } from '../../domain/time/time.js';
import type { IssueRow, Profile, WhitelistRow } from '../../domain/rows/types.js';
import { ROW_TABLE } from '../../domain/rows/table.js';
import { SELF_REPORTED, type Clock, type Log, type PolicyStore, type Store, type StoredIssue } from '../ports.js';
import { enterpriseIndexReady } from './enterprise-index.js';
import { contactEpoch, verifyEnterpriseLink, verifyFeedbackLink } from './link-token.js';
import { newIssueId, route, unroutedRecord } from './sync.js';

/** New 诉求 an enterprise may report through its page per Shanghai day. */
export const MAX_SELF_REPORTS = 10;
export { SELF_REPORTED } from '../ports.js';
const MAX_DESCRIPTION = 2000;

export interface EnterpriseDeps {
  store: Store;
  policies: PolicyStore;
  clock: Clock;
  log?: Log;
  getProfile(): Promise<Profile | null>;
  actionSecrets: string[];
}

export interface EnterpriseIssueView {
  id: string;
  category: string;
  description: string;
  status: string;
  reportedOn: string;
  source: string;
  unitName?: string;
  signBy?: string;
  resolveBy?: string;
  overdue: boolean;
  result?: string;
  /** Events, oldest first: when and what. */
  events: { at: string; what: string }[];
}

export interface EnterprisePolicyView {
  policy: string;
  name: string;
  link?: string;
  validUntil?: string;
  applyBy?: string;
  pushedAt?: string;
  feedback?: string;
}

export interface EnterpriseView {
  code: string;
  name: string;
  sector: string;
  locality: string;
  issues: EnterpriseIssueView[];
  policies: EnterprisePolicyView[];
  categories: readonly string[];
  urgencies: readonly string[];
  /** Reports left today. */
  left: number;
}

export type EnterpriseAnswer =
  | { ok: true; view: EnterpriseView; created?: string; error?: string; statusCode?: number }
  | { ok: false; statusCode: number; title: string; message: string };

const EVENT_WORDS: Record<string, string> = {
  stored: '已登记',
  routed: '已交办',
  assigned: '已交办',
  sign: '责任单位已签收',
  progress: '责任单位反馈进展',
  resolve: '责任单位反馈办理结果',
  return: '责任单位退回，重新分派',
  reassign: '指挥部改派',
  extend: '办结时限延期',
  follow_up: '回访',
  verify_close: '核实销号',
  close: '销号',
  overdue: '逾期',
  escalate: '升级督办',
  urgency_check: '紧急程度核实',
};

async function whoIs(deps: EnterpriseDeps, token: string): Promise<{ ok: true; row: WhitelistRow } | { ok: false; statusCode: number; title: string; message: string }> {
  const check = verifyEnterpriseLink(token, deps.actionSecrets, deps.clock.now());
  if (!check.ok) {
    return check.reason === 'expired'
      ? { ok: false, statusCode: 410, title: '链接已过期', message: '该链接已超过 90 天有效期。请留意下一封通知邮件中的新链接，或联系指挥部办公室。' }
      : { ok: false, statusCode: 404, title: '链接无效', message: '该链接无效，请使用邮件中的完整链接。' };
  }
  const row = (await deps.store.getRows('whitelist', [check.payload.code])).get(check.payload.code)?.value;
  if (!row || contactEpoch(row.email) !== check.payload.epoch) {
    return { ok: false, statusCode: 404, title: '链接已失效', message: '企业的联系邮箱已变更或企业已不在白名单中，旧链接不再有效。请使用新邮箱收到的链接。' };
  }
  return { ok: true, row };
}

function issueView(s: StoredIssue, profile: Profile | null): EnterpriseIssueView {
  const r = s.record;
  const a = currentAssignment(r);
  const unit = a && profile ? profile.units.find((u) => u.code === a.unit) : undefined;
  return {
    id: r.id,
    category: r.issue.category,
    description: r.issue.description,
    status: r.status,
    reportedOn: r.issue.reportedOn,
    source: typeof s.values['来源'] === 'string' ? (s.values['来源'] as string) : '专班表格',
    unitName: unit?.name ?? a?.unit,
    signBy: a?.signBy,
    resolveBy: a?.resolveBy,
    overdue: r.overdue,
    result: r.result,
    // The urgency check says its finding (紧急待核实, 已核实为一般 …) in its note.
    events: r.events.map((e) => ({ at: shanghaiDateTime(e.at), what: e.type === 'urgency_check' && e.note ? `紧急程度：${e.note}` : (EVENT_WORDS[e.type] ?? e.type) })),
  };
}

async function buildView(deps: EnterpriseDeps, row: WhitelistRow): Promise<EnterpriseView> {
  // Through the enterprise index once its backfill (run by the sweep, enterprise-index.ts) is done;
  // before, without it (the database filters every issue by 反映企业代码): the same page.
  const listed = enterpriseIndexReady(deps).then((indexed) => deps.store.listIssuesOfEnterprise(row.code, { indexed }));
  const [issues, matches, profile] = await Promise.all([listed, deps.policies.listMatches({ enterprise: row.code }), deps.getProfile()]);
  const policyRows = await deps.store.getRows('policy', matches.map((m) => m.policy));
  // Newest first; issues of one instant (a sync's batch) by class, then 编号 (the order they were listed in before the index).
  const within = (s: StoredIssue) => `${s.workClass}#${s.record.id}`;
  const own = [...issues].sort((a, b) => b.record.createdAt - a.record.createdAt || (within(a) < within(b) ? -1 : within(a) > within(b) ? 1 : 0));
  const used = await countToday(deps, row.code);
  return {
    code: row.code,
    name: row.name,
    sector: row.sector,
    locality: row.locality,
    issues: own.map((s) => issueView(s, profile)),
    policies: matches
      .filter((m) => policyRows.has(m.policy))
      .map((m) => {
        const p = policyRows.get(m.policy)!.value;
        return {
          policy: m.policy,
          name: p.name,
          link: p.link,
          validUntil: p.validUntil,
          applyBy: p.applyBy,
          pushedAt: m.pushedAt ? shanghaiDate(m.pushedAt) : undefined,
          feedback: m.feedback?.answer,
        };
      }),
    categories: ISSUE_CATEGORIES,
    urgencies: URGENCIES,
    left: Math.max(0, MAX_SELF_REPORTS - used),
  };
}

/** Reports the enterprise made through its page today (for the page's "今天还可提交"; the limit itself is the counter). */
async function countToday(deps: EnterpriseDeps, code: string): Promise<number> {
  const day = shanghaiDate(deps.clock.now());
  const prefix = `WT-${day.replaceAll('-', '')}-`;
  const today = await deps.store.listRecentIssues(day);
  return today.filter((s) => s.record.id.startsWith(prefix) && s.sourceKey.startsWith(`enterprise#${code}#`)).length;
}

/** GET `/e/{token}`: the page; never changes anything. */
export async function showEnterprise(deps: EnterpriseDeps, token: string): Promise<EnterpriseAnswer> {
  const who = await whoIs(deps, token);
  if (!who.ok) return who;
  return { ok: true, view: await buildView(deps, who.row) };
}

/** POST `/e/{token}`: a new 诉求 (问题类别, 问题描述, 紧急程度). */
export async function reportFromEnterprise(deps: EnterpriseDeps, token: string, form: URLSearchParams): Promise<EnterpriseAnswer> {
  const who = await whoIs(deps, token);
  if (!who.ok) return who;
  const row = who.row;
  const category = (form.get('category') ?? '').trim();
  const description = (form.get('description') ?? '').trim();
  const urgency = (form.get('urgency') ?? '一般').trim();
  const refuse = async (statusCode: number, error: string): Promise<EnterpriseAnswer> => ({ ok: true, statusCode, error, view: await buildView(deps, row) });
  if (!(ISSUE_CATEGORIES as readonly string[]).includes(category)) return refuse(400, `请选择问题类别（${ISSUE_CATEGORIES.join('、')}）`);
  if (!description) return refuse(400, '请填写问题描述');
  if (description.length > MAX_DESCRIPTION) return refuse(400, `问题描述不能超过 ${MAX_DESCRIPTION} 字（现有 ${description.length} 字）`);
  if (!(URGENCIES as readonly string[]).includes(urgency)) return refuse(400, `紧急程度应为：${URGENCIES.join('、')}`);

  const now = deps.clock.now();
  const day = shanghaiDate(now);
  if (!(await deps.policies.takeSlot(`ESELF#${row.code}`, day, MAX_SELF_REPORTS))) {
    return refuse(429, `今天已通过本页反映 ${MAX_SELF_REPORTS} 条诉求，已达每日上限。请明天再提交，紧急情况请直接联系所在专班或指挥部办公室。`);
  }
  const issue: IssueRow = {
    enterpriseCode: row.code,
    enterpriseName: row.name,
    sector: row.sector,
    locality: row.locality,
    category: category as IssueCategory,
    description,
    urgency: urgency as Urgency,
    beyondScope: false,
    major: false,
    reportedOn: day,
    ...(row.contact ? { contact: row.contact } : {}),
    ...(row.phone ? { phone: row.phone } : {}),
    ...(row.email ? { email: row.email } : {}),
  };
  const id = newIssueId(day, await deps.store.nextIssueNumber(day));
  const profile = await deps.getProfile();
  // An enterprise's own 紧急 waits at triage until the command office confirms it (SPEC §7.8).
  const hold = urgencyToConfirm(issue, true);
  const routed = route(id, issue, profile, now, hold);
  const record = routed.change ? routed.change.record : unroutedRecord(id, issue, now, routed.warning ? [routed.warning] : [], hold);
  const stored: StoredIssue = {
    record,
    workClass: SECTOR_CLASS[row.sector],
    spreadsheetId: 'enterprise',
    row: 0,
    sourceKey: `enterprise#${row.code}#${id}`,
    values: { 来源: SELF_REPORTED, 问题类别: category, 问题描述: description, 紧急程度: urgency },
    hash: '',
    version: 1,
    revision: 1,
    updatedBy: row.email ?? row.code,
    pending: Object.fromEntries((routed.change?.notifications ?? []).map((n) => [n.key, n])),
    usedTokens: {},
  };
  // For the class's 问题诉求 tab (刷新状态 appends it by 编号): recorded first, so a stored issue is
  // never missing from it; the add-on appends only ids the issue list holds.
  await deps.policies.putSelfReport({ id, workClass: stored.workClass, at: now, values: issueSheetValues(issue) });
  if (!(await deps.store.putIssue(stored, null))) return refuse(409, '提交冲突，请重试');
  deps.log?.info('enterprise report', { id, routed: !!routed.change, urgencyCheck: record.urgencyCheck });
  return { ok: true, statusCode: 201, created: id, view: await buildView(deps, row) };
}

/**
 * The 问题诉求 tab's input columns of a reported issue (header → sheet value, from the row table)
 * and 来源: what 刷新状态 writes into the class's tab.
 */
export function issueSheetValues(issue: IssueRow): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const c of ROW_TABLE.issue.columns) {
    if ('system' in c) continue;
    const v = (issue as unknown as Record<string, unknown>)[c.key];
    if (v === undefined || v === null || v === '') continue;
    out[c.header] = typeof v === 'boolean' ? (v ? '是' : '否') : typeof v === 'number' ? v : String(v);
  }
  out['来源'] = SELF_REPORTED;
  return out;
}

// ---- `/f/{token}`: the answer to a pushed policy -------------------------------------------------

export type FeedbackAnswer =
  | { ok: true; statusCode: number; policyName: string; answer: PolicyFeedback; previous?: string; recorded: boolean; done?: string }
  | { ok: false; statusCode: number; title: string; message: string };

async function feedbackTarget(deps: EnterpriseDeps, token: string) {
  const check = verifyFeedbackLink(token, deps.actionSecrets, deps.clock.now());
  if (!check.ok || !isPolicyFeedback(check.payload.answer)) {
    return { ok: false as const, statusCode: check.ok ? 404 : check.reason === 'expired' ? 410 : 404, title: '链接无效', message: '该链接无效或已过期，请使用邮件中的链接。' };
  }
  const p = check.payload;
  const [matches, policy] = await Promise.all([deps.policies.listMatches({ policy: p.policy }), deps.store.getRows('policy', [p.policy])]);
  const match = matches.find((m) => m.enterprise === p.code);
  if (!match) return { ok: false as const, statusCode: 404, title: '没有这条推送', message: '没有找到这条政策推送记录，可能政策已撤回。' };
  return { ok: true as const, payload: p, match, policyName: policy.get(p.policy)?.value.name ?? p.policy, answer: check.payload.answer as PolicyFeedback };
}

/** GET: the confirmation page (records nothing). */
export async function showFeedback(deps: EnterpriseDeps, token: string): Promise<FeedbackAnswer> {
  const t = await feedbackTarget(deps, token);
  if (!t.ok) return t;
  return { ok: true, statusCode: 200, policyName: t.policyName, answer: t.answer, previous: t.match.feedback?.answer, recorded: false };
}

/** POST: record the answer, replacing an earlier one. */
export async function recordFeedback(deps: EnterpriseDeps, token: string): Promise<FeedbackAnswer> {
  const t = await feedbackTarget(deps, token);
  if (!t.ok) return t;
  await deps.policies.recordFeedback(t.payload.policy, t.payload.code, { answer: t.answer, at: deps.clock.now(), by: t.payload.recipient });
  return { ok: true, statusCode: 200, policyName: t.policyName, answer: t.answer, previous: t.match.feedback?.answer, recorded: true, done: FEEDBACK_LINKS[t.answer].done(t.policyName) };
}
