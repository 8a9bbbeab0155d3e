// The closed-loop mail templates: Chinese subject, HTML and text parts that say the same, every user
// value escaped, the right links labelled.
import { describe, expect, it } from 'vitest';
import type { RenderedMail } from '../../domain/reports/mail-templates.js';
import { issueData, render } from './mail-fixtures.js';

const issue = issueData({
  issueId: 'WT-20220606-001',
  category: '原料采购',
  description: '钢材<script>alert(1)</script>供应中断\n请协调 & 处理',
  enterpriseName: '示例"机械"有限公司',
  enterpriseCode: '91410222MA44ABCDE0',
  urgency: '紧急',
  major: false,
  beyondScope: false,
});
const unit = (unitName: string) => ({ ...issue, unitName });

const links = { 'follow_up:满意': 'https://x.example/a/1?a=1&b=2', 'follow_up:基本满意': 'https://x.example/a/2', 'follow_up:不满意': 'https://x.example/a/3' };

function expectSafe(m: RenderedMail): void {
  expect(m.html).not.toContain('<script>');
  expect(m.subject).not.toMatch(/[\r\n]/);
  expect(m.html.startsWith('<!doctype html>')).toBe(true);
  expect(m.text).toContain('四保白名单指挥部办公室');
}

describe('closed-loop mail templates', () => {
  const cases: [string, RenderedMail, string[]][] = [
    [
      'remind',
      render('remind', { ...unit('县工业和信息化局'), deadline: 'feedback', deadlineLabel: '反馈时限', date: '2022-06-09', signBy: '2022-06-07', resolveBy: '2022-06-15' }, { progress: 'https://x.example/a/p' }),
      ['时限提醒', '反馈时限', '2022-06-09', '反馈进展：https://x.example/a/p'],
    ],
    [
      'overdue',
      render('overdue', { ...unit('县工业和信息化局'), deadline: 'sign', deadlineLabel: '签收时限', date: '2022-06-07', signBy: '2022-06-07', resolveBy: '2022-06-15' }, {}, undefined),
      ['逾期', '签收时限', '抄送指挥部办公室', '两个工作日'],
    ],
    [
      'escalate',
      render('escalate', { ...unit('县工业和信息化局'), target: 'GOV', targetName: '县委县政府', level: 2, since: '2022-06-07', workdaysOverdue: 4, signBy: '2022-06-07', resolveBy: '2022-06-15' }),
      ['升级督办（第 2 级）', '县委县政府', '逾期 4 个工作日'],
    ],
    [
      'follow_up',
      render('follow_up', { ...unit('县工业和信息化局'), result: '已协调<b>供货</b>' }, links),
      ['回访', '满意：https://x.example/a/1?a=1&b=2', '基本满意：https://x.example/a/2', '不满意：https://x.example/a/3', '已协调<b>供货</b>'],
    ],
    [
      'verify_list',
      // The phone (13800000000) is the record's: the lifecycle fixtures' enterprise.
      render('verify_list', { ...unit('县工业和信息化局'), result: '已解决', followUpByPhone: true }, { verify_close: 'https://x.example/a/v' }),
      ['待核实销号', '电话回访', '13800000000', '核实销号：https://x.example/a/v'],
    ],
    [
      'batch',
      render('batch', { batchId: 'CB-2022-06-01-原料采购', category: '原料采购', from: '2022-06-01', to: '2022-06-14', issueIds: ['WT-1', 'WT-2', 'WT-3'], enterpriseCount: 3, units: ['GXJ'], unitNames: ['县工业和信息化局'] }),
      ['共性问题', '3 家', '1. WT-1', '县工业和信息化局'],
    ],
    ['reassigned', render('reassigned', { ...unit('县发展改革委'), newUnit: 'TOWN', newUnitName: '城关镇' }), ['改派告知', '城关镇', '已失效']],
    ['extend', render('extend', { ...unit('县工业和信息化局'), resolveBy: '2022-06-24', reason: '需协调<外地>供应商' }), ['延期', '2022-06-24', '需协调<外地>供应商']],
  ];

  it.each(cases)('%s: says it in both parts and escapes user values', (name, mail, phrases) => {
    expectSafe(mail);
    for (const p of phrases) expect(mail.text).toContain(p);
    expect(mail.subject).toContain('【四保】');
    expect(mail.text).toContain(name === 'batch' ? 'CB-2022-06-01-原料采购' : issue.issueId);
  });

  it('escapes the result, links and reason in the HTML part', () => {
    const fu = render('follow_up', { ...unit('县工业和信息化局'), result: '已协调<b>供货</b>' }, links);
    expect(fu.html).toContain('已协调&lt;b&gt;供货&lt;/b&gt;');
    expect(fu.html).toContain('href="https://x.example/a/1?a=1&amp;b=2"');
    for (const label of ['满意', '基本满意', '不满意']) expect(fu.html).toContain(`>${label}</a>`);
    const ext = render('extend', { ...unit('U'), resolveBy: '2022-06-24', reason: '需协调<外地>供应商' });
    expect(ext.html).toContain('需协调&lt;外地&gt;供应商');
    expect(fu.html).toContain('示例&quot;机械&quot;有限公司');
  });

  it('offers 反馈进展 as a fourth link and explains a reopen in the assignment mail', () => {
    const m = render(
      'assign',
      { ...unit('县工业和信息化局'), signBy: '2022-06-10', feedbackBy: '2022-06-10', resolveBy: '2022-06-10', reason: 'reopened', previousResult: '已发函' },
      { sign: 'https://x.example/s', return: 'https://x.example/r', progress: 'https://x.example/p', resolve: 'https://x.example/f' },
    );
    expect(m.subject).toContain('重新办理');
    expect(m.text).toContain('不满意（上次结果：已发函）');
    expect(m.text.split('\n').filter((l) => /^(签收|退回|反馈进展|反馈办理结果)：/.test(l))).toEqual([
      '签收：https://x.example/s',
      '退回：https://x.example/r',
      '反馈进展：https://x.example/p',
      '反馈办理结果：https://x.example/f',
    ]);
    expect(m.html).toContain('>反馈进展</a>');
    const returned = render('assign', { ...unit('U'), signBy: 'a', feedbackBy: 'b', resolveBy: 'c', reason: 'returned', previousUnitName: '县工业和信息化局', returnReason: '非<本>单位职责' });
    expect(returned.subject).toContain('退回待分派');
    expect(returned.html).toContain('非&lt;本&gt;单位职责');
  });
});
