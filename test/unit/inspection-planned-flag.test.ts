// The inspection planned-date flag (SPEC §7.2: 计划日期 reached while still 待审批) has one definition,
// plannedDateReached (domain/reports/sections/inspections.ts). Here: the definition at its edges, the
// digest section's `due`, the queue's view of a record (decisionView) and the dashboard's 待决事项
// card (dashboardDecision + buildDashboard + renderDashboardHtml): 计划日期已到 and the planned day for a late inspection,
// the planned day without the badge for an early one.
import { describe, expect, it } from 'vitest';
import type { InspectionRow } from '../../domain/rows/types.js';
import { buildDashboard } from '../../domain/reports/dashboard.js';
import { renderDashboardHtml } from '../../domain/reports/dashboard-render.js';
import { pendingInspections, plannedDateReached } from '../../domain/reports/sections/inspections.js';
import { computeCoverage } from '../../domain/reports/coverage.js';
import { dashboardDecision } from '../../functions/usecases/dashboard.js';
import { decisionView, type DecisionView } from '../../functions/usecases/decisions.js';
import type { DecisionRecord } from '../../functions/ports.js';
import { profile, targets, totals, whitelist } from '../fixtures/digest-fixture.js';

const NOW = Date.parse('2022-06-10T10:00:00+08:00');
const TODAY = '2022-06-10';

function inspection(id: string, plannedOn: string, over: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    id,
    decisionType: 'inspection',
    subject: `检查报备 ${id}：消防设施检查`,
    ref: `sheet#${id}`,
    requester: 'U-SJ',
    requesterName: '县市场监督管理局',
    requesterEmails: [],
    since: Date.parse('2022-06-09T09:00:00+08:00'),
    open: true,
    status: '待审批',
    decideBy: '2022-06-10',
    data: { initiator: 'U-SJ', enterpriseCode: '91410222MA44ABCDE0', matter: '消防设施检查', category: '其他', plannedOn },
    rows: [{ label: '计划日期', text: plannedOn }],
    flags: [],
    pending: {},
    usedTokens: {},
    updatedAt: NOW,
    revision: 1,
    ...over,
  };
}

describe('plannedDateReached: the one definition', () => {
  it.each([
    ['待审批, planned yesterday', { status: '待审批', category: '其他', plannedOn: '2022-06-09' }, true],
    ['待审批, planned today', { status: '待审批', category: '其他', plannedOn: '2022-06-10' }, true],
    ['待审批, planned tomorrow', { status: '待审批', category: '其他', plannedOn: '2022-06-11' }, false],
    ['no 状态 yet, 其他, planned today', { category: '其他', plannedOn: '2022-06-10' }, true],
    ['no 状态 yet, exempt category', { category: '安全生产', plannedOn: '2022-06-01' }, false],
    ['已批准, planned yesterday', { status: '已批准', category: '其他', plannedOn: '2022-06-09' }, false],
    ['已驳回, planned yesterday', { status: '已驳回', category: '其他', plannedOn: '2022-06-09' }, false],
    ['免审批, planned yesterday', { status: '免审批', category: '疫情防控', plannedOn: '2022-06-09' }, false],
    ['待审批 without a planned day', { status: '待审批', category: '其他' }, false],
  ])('%s', (_name, facts, expected) => {
    expect(plannedDateReached(facts, TODAY)).toBe(expected);
  });

  it('the digest section flags exactly those rows', () => {
    const row = (matter: string, plannedOn: string, status?: string): InspectionRow =>
      ({ initiator: 'U-SJ', enterpriseCode: '91410222MA44ABCDE0', matter, category: '其他', plannedOn, ...(status ? { status } : {}) }) as InspectionRow;
    const listed = pendingInspections([row('早', '2022-06-15', '待审批'), row('到', '2022-06-10', '待审批'), row('过', '2022-06-08'), row('批', '2022-06-01', '已批准')], [], TODAY, profile);
    expect(listed.map((i) => [i.matter, i.due])).toEqual([
      ['过', true],
      ['到', true],
      ['早', false],
    ]);
  });
});

describe('the queue and the dashboard show the flag', () => {
  const late = decisionView(inspection('JC-20220609-001', '2022-06-10'), NOW);
  const early = decisionView(inspection('JC-20220609-002', '2022-06-15'), NOW);
  const decided = decisionView(inspection('JC-20220609-003', '2022-06-01', { open: false, status: '已批准' }), NOW);
  const request = decisionView({ ...inspection('SQ-20220609-001', '2022-06-01'), decisionType: 'extend_request', data: { requestedDate: '2022-06-20' } }, NOW);

  it('decisionView: plannedDate of an inspection; plannedReached only for the late open one', () => {
    expect(late).toMatchObject({ plannedDate: '2022-06-10', plannedReached: true, late: true });
    expect(early).toMatchObject({ plannedDate: '2022-06-15', plannedReached: false, late: false });
    expect(decided).toMatchObject({ plannedDate: '2022-06-01', plannedReached: false, late: false });
    expect(request).toMatchObject({ plannedDate: null, plannedReached: false });
  });

  it('the 待决事项 card: 计划日期已到 next to the late item, the planned day on both, no badge on the early one', () => {
    const card = (d: DecisionView) => dashboardDecision(d, [], () => undefined);
    const coverage = computeCoverage({ whitelist, totals, targets, at: TODAY });
    const m = buildDashboard({ now: NOW, countyName: '示例县', profile, coverage, openIssues: [], decisions: [card(late), card(early)] });
    expect(m.decisions.map((d) => [d.id, d.plannedDate, d.plannedReached])).toEqual([
      ['JC-20220609-001', '2022-06-10', true],
      ['JC-20220609-002', '2022-06-15', false],
    ]);
    const html = renderDashboardHtml(m);
    const start = html.indexOf('待决事项（2 件）');
    expect(start).toBeGreaterThan(0);
    const at = (id: string) => html.indexOf(`检查报备 ${id}`, start);
    const lateCard = html.slice(at('JC-20220609-001'), at('JC-20220609-002'));
    const earlyCard = html.slice(at('JC-20220609-002'), html.indexOf('</div></div>', at('JC-20220609-002')));
    expect(lateCard).toContain('计划日期已到');
    expect(lateCard).toContain('计划 6月10日 检查');
    expect(lateCard).not.toContain('已逾期');
    expect(earlyCard).not.toContain('计划日期已到');
    expect(earlyCard).toContain('计划 6月15日 检查');
    expect(html.split('计划日期已到').length - 1).toBe(1);
  });
});
