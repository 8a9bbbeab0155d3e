import { describe, expect, it } from 'vitest';
import { escapeHtml, oneLine } from '../../domain/reports/html.js';
import { issueData, record, render } from './mail-fixtures.js';
import { renderNotification } from '../../domain/reports/mail-templates.js';
import type { Notification } from '../../domain/issues/catalog.js';

const data = {
  ...issueData({
    category: '原料采购',
    description: '第一行<b>粗体</b>\n第二行 "引号" & \'单引号\'',
    enterpriseName: '示例<img src=x onerror=alert(1)>公司',
    enterpriseCode: '91410222MA44ABCDE1',
    urgency: '紧急',
    major: false,
    beyondScope: true,
    unitName: '县工业和信息化局',
    signBy: '2022-06-06',
    feedbackBy: '2022-06-07',
    resolveBy: '2022-06-07',
  }),
  reason: 'new' as const,
};
const links = { sign: 'https://x.example/a/s?a=1&b="2"', return: 'https://x.example/a/r', resolve: 'https://x.example/a/f' };
const assignMail = () => render('assign', data, links);

describe('escapeHtml', () => {
  it.each([
    ['<script>', '&lt;script&gt;'],
    ['a & b', 'a &amp; b'],
    [`"'`, '&quot;&#39;'],
    [null, ''],
    [42, '42'],
  ])('escapes %s', (input, want) => {
    expect(escapeHtml(input)).toBe(want);
  });

  it('keeps a subject on one line', () => {
    expect(oneLine('a\r\nBcc: x@example.com')).toBe('a Bcc: x@example.com');
  });
});

describe('renderAssignmentMail', () => {
  it('escapes every user value in the HTML part', () => {
    const m = assignMail();
    expect(m.html).not.toContain('<img');
    expect(m.html).not.toContain('<b>');
    expect(m.html).toContain('示例&lt;img src=x onerror=alert(1)&gt;公司');
    expect(m.html).toContain('第一行&lt;b&gt;粗体&lt;/b&gt;<br>第二行 &quot;引号&quot; &amp; &#39;单引号&#39;');
    expect(m.html).toContain('href="https://x.example/a/s?a=1&amp;b=&quot;2&quot;"');
  });

  it('names the issue, enterprise, deadlines and the three labelled links in both parts', () => {
    const m = assignMail();
    expect(m.subject).toBe('【四保】问题交办【紧急·超出协调范围】 WT-20220606-001：原料采购 — 示例<img src=x onerror=alert(1)>公司（91410222MA44ABCDE1）');
    for (const s of ['WT-20220606-001', '原料采购', '签收时限', '2022-06-06', '办结时限', '2022-06-07']) {
      expect(m.html).toContain(s);
      expect(m.text).toContain(s);
    }
    for (const label of ['签收', '退回', '反馈办理结果']) expect(m.html).toContain(`>${label}</a>`);
    expect(m.text).toContain('签收：https://x.example/a/s?a=1&b="2"');
    expect(m.text).toContain('退回：https://x.example/a/r');
    expect(m.text).toContain('反馈办理结果：https://x.example/a/f');
    expect(m.html).not.toMatch(/<style/);
  });

  it('renders a copy without links, naming the responsible unit', () => {
    const m = render('copy', data, links);
    expect(m.subject).toContain('问题抄送');
    expect(m.html).not.toContain('/a/');
    expect(m.text).toContain('已交由县工业和信息化局办理');
  });
});

describe('overdue and escalation mails, one per reader', () => {
  const esc = { ...issueData(), level: 1, target: 'CMD', targetName: '县四保指挥部办公室', since: '2022-06-07', workdaysOverdue: 2 };
  const late = { ...issueData(), deadline: 'sign' as const, deadlineLabel: '签收时限', date: '2022-06-07' };

  it('the late unit: what is late, by how much, who presses, and its own links', () => {
    const m = render('escalate_unit', esc);
    expect(m.text).toContain('县工业和信息化局：贵单位办理的问题 WT-20220606-001，签收时限（2022-06-07 24:00）已过，已逾期 2 个工作日，现已升级至县四保指挥部办公室督办');
    expect(m.text).toContain('请立即签收');
    expect(m.text).not.toContain('升级至贵单位督办');
    for (const label of ['签收', '反馈进展', '反馈办理结果']) expect(m.text).toContain(`${label}：https://x.example/a/`);
  });

  it('the upper unit: 督办, what to press for, no link', () => {
    const m = render('escalate', esc);
    expect(m.text).toContain('县四保指挥部办公室：县工业和信息化局办理的问题 WT-20220606-001，签收时限（2022-06-07 24:00）已过，已逾期 2 个工作日，按规定升级至贵单位督办');
    expect(m.text).toContain('督办事项：督促县工业和信息化局立即签收并按时办结');
    expect(m.text).not.toContain('/a/');
    // A signed issue is pressed for its result instead.
    expect(render('escalate', { ...esc, status: '已签收', since: '2022-06-15' }).text).toContain('督促县工业和信息化局尽快办结并反馈办理结果');
  });

  it('the command office: what happened and how it acts (its own decisions), no unit link', () => {
    for (const m of [render('escalate_copy', esc), render('overdue_copy', late)]) {
      expect(m.text).toMatch(/^指挥部办公室：/m);
      expect(m.text).toContain('指挥部看板');
      expect(m.text).not.toContain('/a/');
      expect(m.html).not.toContain('/a/');
    }
    expect(render('overdue_copy', late).subject).toBe('【四保】逾期抄送 WT-20220606-001：县工业和信息化局签收时限 2022-06-07 已过 — 原料采购');
  });

  it('an older notification copied (cc) to the command office gives that copy no unit links', () => {
    const n = { key: 'WT-20220606-001#overdue#sign#0#2022-06-07', template: 'overdue', to: ['gxj@county.example'], cc: ['zhb@county.example'], data: late, createdAt: 0 } as Notification;
    const link = (id: string) => `https://x.example/a/${id}`;
    expect(renderNotification(n, { record, link, recipient: 'zhb@county.example' }).text).not.toContain('/a/');
    expect(renderNotification(n, { record, link, recipient: 'gxj@county.example' }).text).toContain('签收：https://x.example/a/sign');
  });
});
