import { beforeAll, describe, expect, it } from 'vitest';
import { buildDigest } from '../../domain/reports/digest.js';
import type { DigestModel } from '../../domain/reports/digest.js';
import { DIGEST_SECTION_TITLES, digestSubject, LIST_CAP, renderDigestHtml, renderDigestText } from '../../domain/reports/digest-render.js';
import { formatNumber, formatPercent, formatPoints } from '../../domain/reports/report-html.js';
import { REMOVAL_REASON_FUSE } from '../../domain/rows/kinds.js';
import { digestInput, EVIL_NAME, SHUTDOWN_REFUSAL, shutdownRegisters, whitelist } from '../fixtures/digest-fixture.js';

const HEADINGS = [
  '一、核心指标',
  '二、白名单覆盖率',
  '三、问题诉求办理情况',
  '四、责任单位办理情况及红黑榜',
  '五、逾期及升级督办事项',
  '六、共性问题（点办理、批处理）',
  '七、白名单变动',
  '八、防疫保障配备缺口',
  '九、政策清单及咨询员报备',
  '十、待审批检查事项',
  '十一、停产停工及熔断抽查',
  '十二、督办督查情况',
  '十三、数据质量提示',
];

let m: DigestModel;
let html: string;
let text: string;

beforeAll(() => {
  m = buildDigest(digestInput());
  html = renderDigestHtml(m);
  text = renderDigestText(m);
});

const positions = (hay: string, needles: readonly string[]) => needles.map((n) => hay.indexOf(n));

describe('renderDigestHtml', () => {
  it('has every section heading, in order', () => {
    expect(DIGEST_SECTION_TITLES).toEqual(HEADINGS);
    const at = positions(html, HEADINGS.map((h) => `${h}</h2>`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('escapes user text: a company name with markup renders inert', () => {
    expect(html).not.toContain(EVIL_NAME);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<b>原料</b>');
    // Nothing in the page is markup that the template did not write: every tag is one of ours.
    const tags = new Set([...html.matchAll(/<\/?([a-zA-Z0-9!]+)/g)].map((x) => x[1].toLowerCase()));
    expect([...tags].sort()).toEqual(
      ['!doctype', 'b', 'body', 'div', 'h1', 'h2', 'h3', 'head', 'html', 'meta', 'p', 'span', 'style', 'table', 'tbody', 'td', 'th', 'thead', 'title', 'tr'].sort(),
    );
  });

  it('is mail-safe: no script, no external resource, no event handler, charts as table cells', () => {
    expect(html).not.toMatch(/\bsrc\s*=/i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/<(img|link|iframe|object|embed|form|svg|canvas)\b/i);
    // The coverage bar of 商贸流通 (60% against 70%): 60% filled, 10% to the target, the marker, 30% rest.
    expect(html).toContain('width="60.0%"');
    expect(html).toMatch(/width="60\.0%"[^>]*>&nbsp;<\/td><td width="10\.0%"[^>]*>&nbsp;<\/td><td width="2"[^>]*>&nbsp;<\/td><td width="30\.0%"/);
  });

  it('lists 熔断 removals before the others', () => {
    const fuse = whitelist.find((r) => r.removalReason === REMOVAL_REASON_FUSE)!;
    const other = whitelist.find((r) => r.status === '已移出' && r.removalReason === '企业申请退出')!;
    expect(html.indexOf(fuse.name)).toBeGreaterThan(0);
    expect(html.indexOf(fuse.name)).toBeLessThan(html.indexOf(other.name));
    expect(text.indexOf(fuse.name)).toBeLessThan(text.indexOf(other.name));
    expect(html).toContain('熔断</span>');
  });

  it('puts the 红榜 units in the 红榜 card and the 黑榜 units in the 黑榜 card', () => {
    const red = html.indexOf('红榜（表扬）');
    const black = html.indexOf('黑榜（通报）');
    expect(red).toBeGreaterThan(0);
    expect(black).toBeGreaterThan(red);
    for (const u of m.units.ranking.red) {
      const i = html.indexOf(u.unitName, red);
      expect(i).toBeGreaterThan(red);
      expect(i).toBeLessThan(black);
    }
    for (const u of m.units.ranking.black) expect(html.indexOf(u.unitName, black)).toBeGreaterThan(black);
  });

  it('shows every overdue item, batch, pending inspection and data-quality message', () => {
    for (const i of m.overdue) expect(html).toContain(i.id);
    for (const b of m.batches) for (const id of b.issueIds) expect(html).toContain(id);
    for (const i of m.inspections) expect(html).toContain(i.id!);
    for (const w of m.dataQuality) expect(html).toContain(w.message.replace(/&/g, '&amp;').replace(/"/g, '&quot;'));
    for (const g of m.policy.gaps) expect(html).toContain(g.unitName);
    for (const c of m.epidemic.classesMissing) expect(html).toContain(c);
  });

  it('says so when a section is empty', () => {
    const empty = buildDigest({
      ...digestInput([]),
      whitelistChanges: [],
      inspections: [],
      dataQuality: [],
    });
    const page = renderDigestHtml(empty);
    for (const h of HEADINGS) expect(page).toContain(h);
    expect(page).toContain('本周没有责任单位办理记录。');
    expect(page).toContain('目前没有逾期未办结的问题。');
    expect(page).toContain('本周未发现共性问题');
    expect(page).toContain('本周没有移出。');
    expect(page).toContain('目前没有等待审批的检查事项。');
    expect(page).toContain('本周未发现数据质量问题。');
  });
});

describe('renderDigestText', () => {
  it('is readable plain text with every section and the key figures', () => {
    for (const h of HEADINGS) expect(text).toContain(`\n${h}\n`);
    expect(text).not.toMatch(/<\/?(td|tr|div|span|table|p)\b/);
    expect(text).toContain(`全县白名单覆盖率：${formatPercent(m.coverage.overall.coverage)}`);
    expect(text).toContain(EVIL_NAME); // plain text shows the name as typed
    for (const i of m.overdue) expect(text).toContain(i.id);
    // A text bar per sector with a figure: 20 cells and the target mark.
    expect(text).toMatch(/商贸流通：60\.0% \[#{12}-{2}\|-{5}\]/);
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThan(400);
  });
});

describe('subject and formatting', () => {
  it('names the county and the week on one line', () => {
    expect(digestSubject(m)).toBe('【督办督查周报】通许县 2022年第23周（6月6日—6月12日）');
    const odd = digestSubject({ ...m, countyName: '通许县\r\nBcc: x@evil.example' });
    expect(odd).not.toMatch(/[\r\n]/);
  });

  it.each([
    [1234567.5, '1,234,567.5'],
    [0, '0'],
    [800, '800'],
    [-1200.256, '-1,200.26'],
  ])('formatNumber(%s) = %s', (n, s) => expect(formatNumber(n)).toBe(s));

  it.each([
    [0.6843, '68.4%'],
    [0.7, '70.0%'],
    [null, '—'],
  ])('formatPercent(%s) = %s', (n, s) => expect(formatPercent(n)).toBe(s));

  it.each([
    [0.012, '+1.2 个百分点'],
    [-0.08, '−8.0 个百分点'],
    [0.0001, '持平'],
    [null, '—'],
  ])('formatPoints(%s) = %s', (n, s) => expect(formatPoints(n)).toBe(s));
});

describe('long lists and the county line', () => {
  it('cuts the epidemic-support gap list at LIST_CAP in both parts and says how many are left out', () => {
    const extra = Array.from({ length: LIST_CAP + 7 }, (_, i) => ({
      sector: '工业生产' as const,
      code: `CODE${String(i).padStart(4, '0')}`,
      name: `企业${i}`,
      missing: ['防疫人员' as const],
    }));
    const big: DigestModel = { ...m, epidemic: { ...m.epidemic, enterprisesMissing: extra } };
    const h = renderDigestHtml(big);
    const t = renderDigestText(big);
    expect(h).toContain(`CODE${String(LIST_CAP - 1).padStart(4, '0')}`);
    expect(h).not.toContain(`CODE${String(LIST_CAP).padStart(4, '0')}`);
    expect(h).toContain('另有 7 家未列出');
    expect(t).toContain('另有 7 家未列出');
  });

  it('the county line names the sectors below target instead of a county-wide projection', () => {
    const below = m.coverage.sectors.filter((s) => s.onTrack === false).map((s) => s.label);
    const expected = below.length ? `未达标领域：${below.join('、')}` : '五个领域均已达到目标';
    expect(html).toContain(expected);
    expect(text).toContain(expected);
  });
});

describe('十一、停产停工: each shutdown’s approval, as its decision holds it', () => {
  let d: DigestModel;
  let section: string;
  let lines: string[];
  beforeAll(() => {
    d = buildDigest({ ...digestInput(), registers: shutdownRegisters() });
    const page = renderDigestHtml(d);
    section = page.slice(page.indexOf('十一、停产停工及熔断抽查'), page.indexOf('十二、督办督查情况'));
    lines = renderDigestText(d).split('\n');
  });
  /** The table row (HTML) and the text line of a shutdown, by 编号. */
  const rowOf = (id: string) => section.split('<tr').find((r) => r.includes(id)) ?? '';
  const lineOf = (id: string) => lines.find((l) => l.includes(id)) ?? '';

  it('the model carries the approval of every shutdown listed (absent decision: 待审批)', () => {
    const all = [...d.registers.shutdowns.inForce, ...d.registers.shutdowns.resumed];
    expect(Object.fromEntries(all.map((s) => [s.id, s.approval.status]))).toEqual({
      'TC-20220606-001': '已同意',
      'TC-20220608-001': '已驳回',
      'TC-20220609-001': '待审批',
      'TC-20220607-001': '已同意',
    });
  });

  it('HTML: a 审批 column with 待审批 / 已同意 and when / 已驳回, when and 审批意见', () => {
    expect(section).toContain('>审批</th>');
    expect(rowOf('TC-20220609-001')).toContain('>待审批</span>');
    const ok = rowOf('TC-20220606-001');
    expect(ok).toContain('>已同意</span>');
    expect(ok).toContain('6月6日 10:30');
    expect(ok).not.toContain('审批意见');
    const no = rowOf('TC-20220608-001');
    expect(no).toContain('>已驳回</span>');
    expect(no).toContain('6月8日 09:15');
    expect(no).toContain(`审批意见：${SHUTDOWN_REFUSAL}`);
    // Resumed this week, approved by import: the state without an instant.
    expect(rowOf('TC-20220607-001')).toMatch(/>已同意<\/span><\/td>/);
  });

  it('text: the same, one line per shutdown', () => {
    expect(lineOf('TC-20220609-001')).toContain('｜待审批｜TC-20220609-001');
    expect(lineOf('TC-20220606-001')).toContain('｜已同意（6月6日 10:30）｜TC-20220606-001');
    expect(lineOf('TC-20220608-001')).toContain(`｜已驳回（6月8日 09:15）：${SHUTDOWN_REFUSAL}｜TC-20220608-001`);
    expect(lineOf('TC-20220607-001')).toContain('｜已同意｜TC-20220607-001');
  });
});
