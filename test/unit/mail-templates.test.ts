import { describe, expect, it } from 'vitest';
import { escapeHtml, oneLine } from '../../domain/reports/html.js';
import { issueData, render } from './mail-fixtures.js';

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
