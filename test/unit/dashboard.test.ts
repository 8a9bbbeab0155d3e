// The dashboard model (domain/dashboard.ts) and page (domain/dashboard-render.ts) on the digest
// fixture's county week, at Friday 2022-06-10 17:00 Asia/Shanghai. Every expected figure is computed
// here from the records with plain date arithmetic, not with the domain's helpers.
import { beforeAll, describe, expect, it } from 'vitest';
import { computeCoverage } from '../../domain/reports/coverage.js';
import { buildDashboard, type DashboardModel } from '../../domain/reports/dashboard.js';
import { DASHBOARD_SECTION_TITLES, renderDashboardHtml } from '../../domain/reports/dashboard-render.js';
import { buildDigest } from '../../domain/reports/digest.js';
import { FIGURES, figuresLine } from '../../domain/reports/figures.js';
import type { IssueRecord } from '../../domain/issues/types.js';
import { registerSections } from '../../domain/reports/sections/registers.js';
import { createCalendar } from '../../domain/time/calendar.js';
import { buildLedger, COUNTY, digestInput, EVIL_NAME, GENERATED_AT, profile, SHUTDOWN_REFUSAL, shutdownRegisters, targets, totals, whitelist } from '../fixtures/digest-fixture.js';

const OPEN = ['待分派', '已交办', '已签收', '办理中'];
const DAY = 86_400_000;
/** End of a Shanghai day, epoch ms (independent of domain/time.ts). */
const endOf = (date: string) => Date.parse(`${date}T23:59:59.999+08:00`);
const dayDiff = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);
const cur = (r: IssueRecord) => r.assignments[r.assignments.length - 1];
const missed = (r: IssueRecord, now: number) => {
  const a = cur(r);
  const dates: string[] = [];
  if (a.signedAt === undefined && now > endOf(a.signBy)) dates.push(a.signBy);
  if (a.resolvedAt === undefined && now > endOf(a.resolveBy)) dates.push(a.resolveBy);
  return dates.sort()[0];
};

let ledger: IssueRecord[];
let m: DashboardModel;
let html: string;
const coverage = computeCoverage({ whitelist, totals, targets, at: '2022-06-10' });

beforeAll(() => {
  ledger = buildLedger();
  const open = ledger.filter((r) => OPEN.includes(r.status));
  const awaiting = ledger.filter((r) => r.status === '已办结' || r.status === '已回访');
  m = buildDashboard({ now: GENERATED_AT, countyName: COUNTY, profile, coverage, openIssues: open, recentIssues: ledger, awaitingIssues: awaiting });
  html = renderDashboardHtml(m);
});

describe('buildDashboard: headline figures', () => {
  it('counts open, overdue, escalated, awaiting, triage and new issues like a hand count', () => {
    const open = ledger.filter((r) => OPEN.includes(r.status));
    const overdue = open.filter((r) => r.overdue || missed(r, GENERATED_AT) !== undefined);
    const weekStart = Date.parse('2022-06-06T00:00:00+08:00');
    expect(open.length).toBeGreaterThan(5);
    expect(overdue.length).toBeGreaterThan(0);
    expect(m.headline).toMatchObject({
      open: open.length,
      overdue: overdue.length,
      escalated: open.filter((r) => r.escalationLevel > 0).length,
      awaiting: ledger.filter((r) => r.status === '已办结' || r.status === '已回访').length,
      triage: open.filter((r) => r.status === '待分派').length,
      newThisWeek: ledger.filter((r) => r.createdAt >= weekStart).length,
    });
    expect(m.headline.escalated).toBeGreaterThan(0);
    expect(m.headline.awaiting).toBe(3);
  });

  it('takes coverage from the report: overall vs target and the sectors on track', () => {
    expect(m.headline.overallCoverage).toBe(coverage.overall.coverage);
    expect(m.headline.overallTarget).toBe(0.7);
    const withFigure = coverage.sectors.filter((s) => s.total !== null && s.total > 0 && s.covered <= s.total);
    expect(m.headline.sectorsWithFigure).toBe(withFigure.length);
    expect(m.headline.sectorsOnTrack).toBe(withFigure.filter((s) => s.covered / s.total! >= 0.7).length);
    expect(m.coverage.sectors.map((s) => s.label)).toEqual(['工业生产', '商贸流通', '交通运输', '文化旅游', '重点项目']);
    expect(m.coverage.overall.label).toBe('全县合计');
  });

  it('has the county, the day and the ISO week', () => {
    expect(m.title).toBe('通许县“四保”白名单指挥部看板');
    expect(m.today).toBe('2022-06-10');
    expect(m.week).toBe('2022-W23');
  });
});

describe('buildDashboard: the open-problem ledger', () => {
  it('groups every open issue by status in lifecycle order', () => {
    expect(m.ledger.map((g) => g.status)).toEqual(OPEN);
    for (const g of m.ledger) {
      const ids = ledger.filter((r) => r.status === g.status).map((r) => r.id).sort();
      expect(g.items.map((i) => i.id).sort()).toEqual(ids);
      expect(g.count).toBe(ids.length);
    }
  });

  it('lists escalated, then overdue items first in each group', () => {
    for (const g of m.ledger) {
      const rank = (i: { escalationLevel: number; overdue: boolean }) => i.escalationLevel * 10 + (i.overdue ? 1 : 0);
      const ranks = g.items.map(rank);
      expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    }
  });

  it('gives the never-signed issue of 05-20 its sign deadline, days open and days overdue', () => {
    const r = ledger.find((x) => x.id === 'WT-20220520-001')!;
    const item = m.ledger.flatMap((g) => g.items).find((i) => i.id === r.id)!;
    expect(item.deadline).toEqual({ kind: 'sign', date: cur(r).signBy });
    expect(item.daysOpen).toBe(dayDiff('2022-05-20', '2022-06-10'));
    expect(item.overdue).toBe(true);
    expect(item.daysOverdue).toBe(dayDiff(cur(r).signBy, '2022-06-10'));
    expect(item.escalationLevel).toBe(r.escalationLevel);
    expect(item.escalationLevel).toBeGreaterThan(0);
    expect(item.unitName).toBe(profile.units.find((u) => u.code === cur(r).unit)!.name);
  });

  it('shows the resolve deadline once signed', () => {
    const r = ledger.find((x) => x.id === 'WT-20220602-001')!;
    const item = m.ledger.flatMap((g) => g.items).find((i) => i.id === r.id)!;
    expect(cur(r).signedAt).toBeDefined();
    expect(item.deadline).toEqual({ kind: 'resolve', date: cur(r).resolveBy });
  });

  it('caps long groups and keeps the count', () => {
    const capped = buildDashboard({ now: GENERATED_AT, profile, coverage, openIssues: ledger, options: { listCap: 1 } });
    for (const g of capped.ledger) {
      expect(g.items.length).toBe(Math.min(1, g.count));
      expect(g.count).toBe(ledger.filter((r) => r.status === g.status).length);
    }
  });
});

describe('buildDashboard: the command office to-do', () => {
  it('lists 已回访 (ready to close) before 已办结, with the wait since resolution', () => {
    const ids = m.todo.verify.map((i) => i.id);
    expect(new Set(ids)).toEqual(new Set(['WT-20220606-002', 'WT-20220607-002', 'WT-20220607-004']));
    expect(m.todo.verify[0]).toMatchObject({ id: 'WT-20220606-002', status: '已回访', followUp: '满意' });
    const r = ledger.find((x) => x.id === 'WT-20220607-002')!;
    const resolvedOn = new Date(cur(r).resolvedAt! + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(m.todo.verify.find((i) => i.id === r.id)).toMatchObject({ resolvedOn, daysWaiting: dayDiff(resolvedOn, '2022-06-10') });
  });

  it('lists 待分派 items with who returned them and why', () => {
    const triage = ledger.filter((r) => r.status === '待分派');
    expect(m.todo.triage.map((i) => i.id).sort()).toEqual(triage.map((r) => r.id).sort());
    const returned = m.todo.triage.find((i) => i.id === 'WT-20220608-003');
    expect(returned).toMatchObject({ returnedBy: '县交通运输局', returnReason: '不属于本单位职责' });
  });

  it('deduplicates records passed in several lists: the latest version wins', () => {
    const r = ledger.find((x) => x.id === 'WT-20220607-002')!;
    const stale: IssueRecord = { ...r, status: '办理中', updatedAt: r.updatedAt - 1000 };
    const d = buildDashboard({ now: GENERATED_AT, profile, coverage, openIssues: [stale], recentIssues: [r], awaitingIssues: [r] });
    expect(d.headline.open).toBe(0);
    expect(d.headline.awaiting).toBe(1);
  });
});

describe('buildDashboard: this week’s unit rates', () => {
  it('equals the digest’s per-unit table for the same week and instant', () => {
    const digest = buildDigest(digestInput(ledger));
    expect(m.units.from).toBe('2022-06-06');
    expect(m.units.to).toBe('2022-06-10');
    expect(m.units.rows).toEqual(digest.units.rows);
    const swj = m.units.rows.find((u) => u.unit === 'swj')!;
    // 商务局 signed its three new issues of the week on time (see the fixture's plans).
    expect(swj.signRate).toBe(swj.assigned > 0 ? swj.signedOnTime / swj.assigned : null);
    expect(swj.signedOnTime).toBeGreaterThanOrEqual(3);
  });
});

describe('buildDashboard and buildDigest: one set of rules', () => {
  // The dashboard at the digest's instant, over the same records, must show the digest's figures.
  it('agrees with the digest at the same instant: coverage, backlog, overdue items, new issues', () => {
    const digest = buildDigest(digestInput(ledger));
    const figures = ({ covered, total, coverage, target, count, gap, deadline, onTrack, error }: DashboardModel['coverage']['overall']) => ({
      covered,
      total,
      coverage,
      target,
      count,
      gap,
      deadline,
      onTrack,
      error,
    });
    expect(m.coverage.sectors.map(figures)).toEqual(digest.coverage.sectors.map(figures));
    expect(figures(m.coverage.overall)).toEqual(figures(digest.coverage.overall));
    expect(m.headline).toMatchObject({
      open: digest.headline.open,
      overdue: digest.headline.overdueOpen,
      escalated: digest.headline.escalatedOpen,
      newThisWeek: digest.headline.newIssues,
      sectorsOnTrack: digest.headline.sectorsOnTrack,
      sectorsWithFigure: digest.headline.sectorsWithFigure,
    });
    expect(m.ledger.map((g) => g.count)).toEqual(digest.issues.openByStatus.map((x) => x.count));
    const overdue = m.ledger.flatMap((g) => g.items).filter((i) => i.overdue);
    expect(overdue.map((i) => [i.id, i.daysOverdue, i.missed]).sort()).toEqual(digest.overdue.map((i) => [i.id, i.daysOverdue, i.missed]).sort());
    expect(digest.overdue.length).toBeGreaterThan(0);
    // The week's figures: one model, the same values figure by figure.
    // (the dashboard does not count 共性问题: its page does not state it, see figures.ts countWeek)
    expect(m.figures.values).toEqual({ ...digest.figures.values, batches: null });
    expect(m.figures.newlyOverdueNoLonger).toBe(digest.figures.newlyOverdueNoLonger);
    expect(digest.figures.values.batches).toBe(digest.batches.length);
  });
});

describe('renderDashboardHtml', () => {
  it('states the week’s figures with the digest’s labels', () => {
    expect(html).toContain(`本周至今：${figuresLine(m.figures)}。`);
    expect(html).toMatch(new RegExp(`>${FIGURES.overdueNow.label}</div><div[^>]*>${m.figures.values.overdueNow} 件<`));
  });

  it('has every section heading, in order', () => {
    const h2 = [...html.matchAll(/<h2[^>]*>([^<]*)<\/h2>/g)].map((x) => x[1]);
    expect(h2).toEqual([...DASHBOARD_SECTION_TITLES]);
  });

  it('escapes user text and carries no script', () => {
    expect(html).not.toContain(EVIL_NAME);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son\w+=/i);
  });

  it('reloads itself for a wall screen and names the county', () => {
    expect(html).toContain('<meta http-equiv="refresh" content="300">');
    expect(html).toContain('<title>通许县“四保”白名单指挥部看板</title>');
    expect(html).toContain('数据截至 2022年6月10日（周五）17:00');
  });

  it('lists every open issue and the to-do items', () => {
    for (const r of ledger.filter((x) => OPEN.includes(x.status) || x.status === '已办结' || x.status === '已回访')) expect(html).toContain(r.id);
    expect(html).not.toContain('WT-20220516-001');
    expect(html).toContain('可销号');
  });

  it('says so when there is nothing', () => {
    const empty = renderDashboardHtml(buildDashboard({ now: GENERATED_AT, profile, coverage, openIssues: [] }));
    expect(empty).toContain('目前没有等待核实销号的问题。');
    expect(empty).toContain('目前没有待分派的问题。');
    expect(empty).toContain('本周尚无责任单位办理记录。');
  });
});

describe('renderDashboardHtml: the registers', () => {
  it('shows each shutdown in force with its approval: 待审批 / 已同意 and when / 已驳回, when and 审批意见', () => {
    const registers = registerSections(shutdownRegisters(), { from: '2022-06-10', to: '2022-06-10', at: GENERATED_AT }, profile, createCalendar([]));
    const page = renderDashboardHtml(buildDashboard({ now: GENERATED_AT, countyName: COUNTY, profile, coverage, openIssues: [], registers }));
    const rowOf = (id: string) => page.split('<tr').find((r) => r.includes(id)) ?? '';
    expect(page).toContain('>审批</th>');
    expect(rowOf('TC-20220609-001')).toContain('>待审批</span>');
    expect(rowOf('TC-20220606-001')).toContain('>已同意</span>');
    expect(rowOf('TC-20220606-001')).toContain('6月6日 10:30');
    expect(rowOf('TC-20220608-001')).toContain('>已驳回</span>');
    expect(rowOf('TC-20220608-001')).toContain(`审批意见：${SHUTDOWN_REFUSAL}`);
  });
});
