// The demo week on the stack's simulated clock (Mon 2022-06-06 → Fri 2022-06-10 17:00), driven
// through the REAL HTTP endpoints the way people would act: units click the links in the mails the
// SES emulator received (GET the confirmation page, then POST the form), enterprises answer the
// follow-up mail, the command office's approver uses `POST /v1/issues/{id}/actions` (改派) and the
// 核实销号 link of its verification list; the sweep runs at the instants a 15-minute schedule would
// find something, and the dispatcher mails what each step queued.
//
// Storyline: most units sign on Monday; one unit returns an issue (退回) and the command office
// reassigns it (改派) to the township; issues the routing sent to triage are dispatched by the
// command office too; progress on Tuesday; results on Wednesday, answered 满意 / 基本满意 / 不满意
// (the last reopens as 重新办理 and is handled again); the command office verifies and closes; two
// issues are never signed: overdue on Wednesday (copy to the command office), escalated to the 上级单位
// on Friday. The common-problem batch (same 问题类别 from three or more enterprises) is reported by
// the sweep. The command office decides through its queue (SPEC §7.2): on Monday it approves one
// 检查报备 (其他) and refuses another with the links of the approval mails (the exempt categories
// never needed it); on Tuesday a unit asks for more time (申请延期) and another hands a 重大问题 up
// (申请上报) from their assignment mails, both granted with the 同意 links; on Friday it answers the
// reported batch (POST /v1/batches/{id}/answer). The clock ends on Friday 17:00, ready for the digest.
import { isOpen } from '../domain/issues/lifecycle.js';
import type { Profile } from '../domain/rows/types.js';
import type { Store } from '../functions/ports.js';
import { makeSweepHandler } from '../functions/handlers/sweep.js';
import type { SweepSummary } from '../functions/usecases/sweep.js';

/** What the demo week needs from the running stack (local/stack.ts `Stack` satisfies it). */
export interface DemoWeekStack {
  /** Base URL of the API (the action links in the mails point here too). */
  apiUrl: string;
  /** SES emulator base URL (`GET /store` lists the mails). */
  sesEndpoint: string;
  clock: { now(): number; set(instant: number | Date | string): void };
  store: Store;
  /** Bearer token of a member from the local dev issuer. */
  tokenFor(email: string): Promise<string>;
  /** Dispatch until the outbox is empty (or only waits for retries). */
  drainOutbox(): Promise<{ runs: number; sent: number; failed: number; skipped: number }>;
  /** Run the sweep once now; optional — without it the demo runs the sweep handler on `store` + `clock` itself. */
  sweepNow?(): Promise<SweepSummary>;
  /** The daily report (日报) at the stack's clock; optional — the demo skips it without. */
  dailyReportNow?(): Promise<{ status: string; delivered: number }>;
}

export interface DemoWeekContext {
  stack: DemoWeekStack;
  profile: Profile;
  /** Progress lines (Chinese), e.g. to stderr. */
  log?: (line: string) => void;
}

export interface DemoWeekReport {
  signed: number;
  returned: number;
  reassigned: number;
  progress: number;
  resolved: number;
  followUps: { 满意: number; 基本满意: number; 不满意: number };
  reopened: number;
  verified: number;
  sweeps: number;
  /** Daily reports (日报) mailed: Wednesday is the demo's emergency day (运行状态 应急). */
  dailyReports: number;
  /** Notifications the sweeps queued (reminders, overdue, escalations, batches). */
  sweepNotifications: number;
  overdue: number;
  escalations: number;
  batches: number;
  /** Mails sent during the week. */
  sent: number;
  /** 政策推送 mails sent (a county policy filed on Tuesday reaches the enterprises it matches). */
  pushes: number;
  /** Enterprises' answers to pushed policies (申请中, 已兑现) recorded through their links. */
  policyAnswers: number;
  /** The command office's decisions (SPEC §7.2) taken during the week. */
  decisions: {
    /** 检查报备 批准 / 驳回 by the approval mails' links, and those 免审批 at once. */
    approved: number;
    refused: number;
    exempt: number;
    /** Unit requests granted (同意): 申请延期, 申请上报. */
    extended: number;
    escalated: number;
    /** Common-problem batches answered. */
    batchesAnswered: number;
  };
  /** Issue ids used for each storyline role. */
  roles: { returned?: string; reopened?: string; overdue: string[]; extended?: string; escalated?: string };
  /** The simulated instant the week ended at (Friday 17:00). */
  endedAt: number;
}

interface Mail {
  to: string;
  key: string;
  links: Record<string, string>;
}

interface IssueItem {
  id: string;
  status: string;
  unit: string | null;
}

const at = (local: string) => `${local}+08:00`;

/** The county policy the demo files on Tuesday (its 政策推送 reaches the admitted industrial enterprises). */
export const DEMO_WEEK_POLICY = {
  编号: 'RSJ-ZC-2022-06',
  政策名称: '通许县工业企业稳岗留工补贴（2022年6月）',
  发文单位: '通许县人民政府办公室',
  层级: '县',
  政策类别: '援企稳岗',
  适用领域: '工业生产',
  最低员工人数: 300,
  有效期至: '2022-12-31',
  申报截止: '2022-06-30',
  兑现方式: '免申即享，核实后直接拨付',
  责任单位: 'rsj',
};

export async function runDemoWeek(ctx: DemoWeekContext): Promise<DemoWeekReport> {
  const { stack, profile } = ctx;
  const log = ctx.log ?? (() => {});
  const sweepRun = stack.sweepNow ? () => stack.sweepNow!() : makeSweepHandler({ store: stack.store, clock: stack.clock });
  const approver = profile.members.find((m) => m.workClass === 'coordination' && m.role === '审批')?.email;
  const report: DemoWeekReport = {
    signed: 0,
    returned: 0,
    reassigned: 0,
    progress: 0,
    resolved: 0,
    followUps: { 满意: 0, 基本满意: 0, 不满意: 0 },
    reopened: 0,
    verified: 0,
    sweeps: 0,
    dailyReports: 0,
    sweepNotifications: 0,
    overdue: 0,
    escalations: 0,
    batches: 0,
    sent: 0,
    pushes: 0,
    policyAnswers: 0,
    decisions: { approved: 0, refused: 0, exempt: 0, extended: 0, escalated: 0, batchesAnswered: 0 },
    roles: { overdue: [] },
    endedAt: 0,
  };

  const drain = async () => {
    report.sent += (await stack.drainOutbox()).sent;
  };
  const mails = async (): Promise<Mail[]> => {
    const res = await fetch(`${stack.sesEndpoint}/store`);
    const body = (await res.json()) as { emails: { destination: { to: string[] }; body: { text?: string } }[] };
    return body.emails.map((m) => {
      const text = m.body.text ?? '';
      const links: Record<string, string> = {};
      for (const x of text.matchAll(/^ *([^：\n]+?)：(http\S+)$/gm)) links[x[1]] ??= x[2];
      return { to: m.destination.to.join(','), key: /^通知编号：(\S+)$/m.exec(text)?.[1] ?? '', links };
    });
  };
  /** The links of the first mail with this notification key. */
  const linksFor = async (key: string) => (await mails()).find((m) => m.key === key)?.links ?? {};
  const currentAssignKey = async (id: string) => {
    const rec = (await stack.store.getIssue(id))?.record;
    return rec ? `${id}#assign#${rec.assignments.length - 1}#unit` : '';
  };
  /** Open the link (GET: the confirmation page), then submit its form (POST). */
  const click = async (url: string | undefined, form: Record<string, string> = {}): Promise<boolean> => {
    if (!url) return false;
    const page = await fetch(url);
    await page.text();
    if (page.status !== 200) return false;
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
    await res.text();
    return res.status === 200;
  };
  const command = async (id: string, body: Record<string, unknown>): Promise<boolean> => {
    if (!approver) return false;
    const res = await fetch(`${stack.apiUrl}/v1/issues/${encodeURIComponent(id)}/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await stack.tokenFor(approver)}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await res.text();
    return res.status === 200;
  };
  const issues = async (): Promise<IssueItem[]> => {
    if (!approver) return [];
    const res = await fetch(`${stack.apiUrl}/v1/issues`, { headers: { authorization: `Bearer ${await stack.tokenFor(approver)}` } });
    const body = (await res.json()) as { issues: IssueItem[] };
    return body.issues.sort((a, b) => (a.id < b.id ? -1 : 1));
  };
  const sweepAt = async (local: string) => {
    stack.clock.set(at(local));
    const s = await sweepRun();
    report.sweeps++;
    report.sweepNotifications += s.notifications;
    report.batches += s.batches;
    await drain();
  };
  /** The approver's GET of a JSON endpoint. */
  const asApprover = async <T>(path: string, init: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<{ status: number; body: T | null }> => {
    if (!approver) return { status: 0, body: null };
    const res = await fetch(`${stack.apiUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${await stack.tokenFor(approver)}`, 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await res.text();
    return { status: res.status, body: res.ok ? (JSON.parse(text) as T) : null };
  };
  /** The open decisions of the queue (GET /v1/decisions), oldest first. */
  const queue = async () => (await asApprover<{ decisions: { id: string; type: string }[] }>('/v1/decisions')).body?.decisions ?? [];
  /** Answer a decision with the link of its mail (GET the confirmation page, then POST). */
  const decideByMail = async (id: string, answer: string, note = ''): Promise<boolean> => click((await linksFor(`${id}#decision`))[answer], note ? { note } : {});
  const localityUnit = async (id: string): Promise<string> => {
    const locality = (await stack.store.getIssue(id))?.record.issue.locality;
    return profile.units.find((u) => u.name === locality)?.code ?? profile.units.find((u) => u.code === 'fgw')?.code ?? profile.units[0].code;
  };

  // Monday: the routed issues are mailed.
  stack.clock.set(at('2022-06-06T09:30'));
  await drain();
  if (!approver) log('演示周：配置“成员”表中没有综合协调专班的审批成员，跳过指挥部改派与核实销号');
  const start = await issues();
  const assigned = start.filter((i) => i.status === '已交办');
  const [toReturn, ...rest] = assigned;
  const overdue = rest.slice(-2);
  const working = rest.slice(0, -2);
  report.roles.overdue = overdue.map((i) => i.id);

  stack.clock.set(at('2022-06-06T10:30'));
  for (const i of working) if (await click((await linksFor(`${i.id}#assign#0#unit`))['签收'])) report.signed++;
  log(`演示周 周一：${report.signed} 个问题已签收`);

  // A unit returns one issue; the command office reassigns it, and dispatches the triage ones.
  stack.clock.set(at('2022-06-06T11:00'));
  if (toReturn && (await click((await linksFor(`${toReturn.id}#assign#0#unit`))['退回'], { reason: '该问题涉及属地协调，不属于本单位职责，建议由所在乡镇牵头' }))) {
    report.returned++;
    report.roles.returned = toReturn.id;
  }
  await drain();
  stack.clock.set(at('2022-06-06T14:00'));
  const triage = (await issues()).filter((i) => i.status === '待分派');
  for (const i of triage) {
    if (await command(i.id, { action: 'reassign', unit: await localityUnit(i.id), note: '指挥部办公室分派' })) report.reassigned++;
  }
  await drain();
  stack.clock.set(at('2022-06-06T16:00'));
  for (const i of triage) if (await click((await linksFor(await currentAssignKey(i.id)))['签收'])) report.signed++;
  log(`演示周 周一：退回 ${report.returned} 个，指挥部改派 ${report.reassigned} 个`);

  // The command office decides the week's 检查报备 (其他) from its approval mails.
  stack.clock.set(at('2022-06-06T16:30'));
  const inspections = (await asApprover<{ inspections: { id: string; status: string }[] }>('/v1/inspections')).body?.inspections ?? [];
  report.decisions.exempt = inspections.filter((i) => i.status === '免审批').length;
  const waiting = inspections.filter((i) => i.status === '待审批');
  if (waiting[0] && (await decideByMail(waiting[0].id, '批准', '同意按计划检查，检查时不得影响企业正常生产'))) report.decisions.approved++;
  if (waiting[1] && (await decideByMail(waiting[1].id, '驳回', '本月已安排同类检查，请与县应急管理局合并开展'))) report.decisions.refused++;
  await drain();
  log(`演示周 周一：检查报备 批准 ${report.decisions.approved} 项、驳回 ${report.decisions.refused} 项，免审批 ${report.decisions.exempt} 项`);
  await sweepAt('2022-06-06T18:00');

  // Tuesday: progress reports.
  await sweepAt('2022-06-07T00:05');
  await sweepAt('2022-06-07T09:05');
  stack.clock.set(at('2022-06-07T10:00'));
  for (const i of working.slice(0, 6)) {
    if (await click((await linksFor(`${i.id}#assign#0#unit`))['反馈进展'], { note: '已与企业对接，正在协调相关方' })) report.progress++;
  }
  // 政策找企: the coordination class files a new county policy; the evening sweep pushes it to the
  // admitted enterprises it matches (one mail each), which answer on Wednesday.
  const editor = profile.members.find((m) => m.workClass === 'coordination' && m.role === '编辑')?.email;
  stack.clock.set(at('2022-06-07T11:00'));
  if (editor) {
    const res = await fetch(`${stack.apiUrl}/v1/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await stack.tokenFor(editor)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ spreadsheetId: 'demo-policy-week', workClass: 'coordination', kind: 'policy', rows: [{ row: 2, values: DEMO_WEEK_POLICY }] }),
    });
    await res.text();
  }
  // A unit asks for more time, another hands a 重大问题 up; the command office grants both.
  stack.clock.set(at('2022-06-07T11:00'));
  const [toExtend, toEscalate] = [working.at(-1), working.at(-2)];
  if (toExtend && (await click((await linksFor(`${toExtend.id}#assign#0#unit`))['申请延期'], { date: '2022-06-24', reason: '需等待省级主管部门批复，预计 6 月下旬办结' }))) {
    report.roles.extended = toExtend.id;
  }
  if (toEscalate && toEscalate !== toExtend && (await click((await linksFor(`${toEscalate.id}#assign#0#unit`))['申请上报'], { level: '重大问题', reason: '涉及跨县电力线路改造，超出本单位协调能力' }))) {
    report.roles.escalated = toEscalate.id;
  }
  await drain();
  stack.clock.set(at('2022-06-07T14:00'));
  for (const d of await queue()) {
    if (d.type === 'extend_request' && (await decideByMail(d.id, '同意'))) report.decisions.extended++;
    if (d.type === 'escalate_request' && (await decideByMail(d.id, '同意', '请县领导协调供电公司'))) report.decisions.escalated++;
  }
  await drain();
  log(`演示周 周二：延期申请同意 ${report.decisions.extended} 项，上报申请同意 ${report.decisions.escalated} 项`);
  await sweepAt('2022-06-07T18:00');
  const pushMails = (await mails()).filter((m) => m.key.startsWith('push#'));
  report.pushes = pushMails.length;
  log(`演示周 周二：新增县级政策「${DEMO_WEEK_POLICY.政策名称}」，向匹配的 ${report.pushes} 家白名单企业推送`);

  // Wednesday: results; the first two overdue notices went out at 00:05. Enterprises answer the push.
  stack.clock.set(at('2022-06-08T08:30'));
  for (const [i, m] of pushMails.slice(0, 4).entries()) {
    if (await click(m.links[i % 2 === 0 ? '申请中' : '已兑现'])) report.policyAnswers++;
  }
  await sweepAt('2022-06-08T00:05');
  await sweepAt('2022-06-08T09:05');
  stack.clock.set(at('2022-06-08T10:00'));
  const resolvedIds: string[] = [];
  for (const i of [...working.slice(0, 8), ...triage.slice(0, 2)]) {
    if (await click((await linksFor(await currentAssignKey(i.id)))['反馈办理结果'], { result: '已协调相关部门解决，企业生产经营恢复正常' })) {
      report.resolved++;
      resolvedIds.push(i.id);
    }
  }
  await drain();
  stack.clock.set(at('2022-06-08T15:00'));
  const answers = ['满意', '基本满意', '不满意'] as const;
  const answered: string[] = [];
  let next = 0;
  for (const id of resolvedIds) {
    if (next >= answers.length) break;
    const index = (await stack.store.getIssue(id))!.record.assignments.length - 1;
    const followUp = (await mails()).find((m) => m.key === `${id}#follow_up#${index}`);
    if (!followUp) continue;
    const answer = answers[next];
    if (await click(followUp.links[answer], answer === '不满意' ? { note: '问题仅部分解决，原料仍短缺' } : {})) {
      report.followUps[answer]++;
      answered.push(id);
      if (answer === '不满意') {
        report.reopened++;
        report.roles.reopened = id;
      }
      next++;
    }
  }
  await drain();
  log(`演示周 周三：反馈进展 ${report.progress} 个，办结 ${report.resolved} 个，回访 满意 ${report.followUps.满意}、基本满意 ${report.followUps.基本满意}、不满意 ${report.followUps.不满意}`);
  // 17:00 each day: the daily report goes while 应急 is in force (Wednesday only in the demo).
  const daily = async (local: string) => {
    if (!stack.dailyReportNow) return;
    stack.clock.set(at(local));
    const r = await stack.dailyReportNow();
    if (r.status === 'sent') report.dailyReports++;
  };
  await daily('2022-06-08T17:00');
  if (report.dailyReports > 0) log('演示周 周三 17:00：全县应急状态，日报已报送指挥部办公室和指挥部成员单位');
  await sweepAt('2022-06-08T18:00');

  // Thursday: the reopened issue is handled again; the command office verifies and closes.
  await sweepAt('2022-06-09T00:05');
  await sweepAt('2022-06-09T09:05');
  stack.clock.set(at('2022-06-09T10:00'));
  if (report.roles.reopened) {
    const links = await linksFor(await currentAssignKey(report.roles.reopened));
    if (await click(links['签收'])) report.signed++;
    if (await click(links['反馈办理结果'], { result: '已协调第二家供应商，原料供应恢复' })) report.resolved++;
  }
  await drain();
  stack.clock.set(at('2022-06-09T11:00'));
  for (const id of resolvedIds) {
    if (id === report.roles.reopened) continue;
    const rec = (await stack.store.getIssue(id))?.record;
    if (!rec || !(rec.status === '已回访' || (rec.status === '已办结' && !rec.issue.email))) continue;
    const key = `${id}#verify_list#${rec.assignments.length - 1}`;
    if (await click((await linksFor(key))['核实销号'], { note: '电话回访核实' })) report.verified++;
  }
  await daily('2022-06-09T17:00');
  await sweepAt('2022-06-09T18:00');

  // Friday: the reopened issue's second follow-up; escalations of the never-signed issues.
  await sweepAt('2022-06-10T00:05');
  await sweepAt('2022-06-10T09:05');
  stack.clock.set(at('2022-06-10T14:00'));
  if (report.roles.reopened) {
    const rec = (await stack.store.getIssue(report.roles.reopened))?.record;
    const fu = rec ? (await linksFor(`${rec.id}#follow_up#${rec.assignments.length - 1}`))['满意'] : undefined;
    if (await click(fu)) report.followUps.满意++;
  }
  // The command office answers the common-problem batch the sweep reported.
  stack.clock.set(at('2022-06-10T15:00'));
  for (const d of await queue()) {
    if (d.type !== 'batch') continue;
    const answered = await asApprover(`/v1/batches/${encodeURIComponent(d.id)}/answer`, {
      method: 'POST',
      body: { answer: '经指挥部办公室研究，此类问题由牵头单位集中协调、统一办理，各责任单位按此答复企业', policy: '指挥部办公室共性问题统一措施' },
    });
    if (answered.status === 200) report.decisions.batchesAnswered++;
  }
  await drain();
  await sweepAt('2022-06-10T17:00');

  const all = await stack.store.listIssues({});
  for (const s of all) {
    if (s.record.overdue && isOpen(s.record.status)) report.overdue++;
    report.escalations += s.record.events.filter((e) => e.type === 'escalate').length;
  }
  report.endedAt = stack.clock.now();
  log(
    `演示周 周五 17:00：当前逾期 ${report.overdue} 件，升级督办 ${report.escalations} 次，巡查报告共性问题 ${report.batches} 批（已答复 ${report.decisions.batchesAnswered} 批），核实销号 ${report.verified} 件`,
  );
  return report;
}
