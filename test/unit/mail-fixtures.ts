// Notifications for the mail template tests: issue data as the lifecycle writes it, and rendering
// through the catalog (links by id, a real record from the lifecycle fixtures for contact and phone).
import type { LinkId, MailData, Notification, Template } from '../../domain/issues/catalog.js';
import type { IssueMailData } from '../../domain/issues/catalog.js';
import type { IssueRecord } from '../../domain/issues/types.js';
import { renderNotification, type RenderedMail } from '../../domain/reports/mail-templates.js';
import { at, create, issue } from './lifecycle-fixtures.js';

export function issueData(over: Partial<IssueMailData> = {}): IssueMailData {
  return {
    issueId: 'WT-20220606-001',
    assignment: 0,
    unit: 'GXJ',
    unitName: '县工业和信息化局',
    also: [],
    status: '已交办',
    category: '原料采购',
    description: '钢材供应中断',
    enterpriseCode: null,
    enterpriseName: null,
    sector: null,
    locality: null,
    urgency: '一般',
    major: false,
    beyondScope: false,
    reportedOn: '',
    signBy: '2022-06-07',
    feedbackBy: '2022-06-09',
    resolveBy: '2022-06-15',
    triage: false,
    ...over,
  };
}

/** A record of the lifecycle fixtures: 已交办, assignment 0, contact 企业联络员, phone 13800000000. */
export const record: IssueRecord = create('WT-20220606-001', issue(), at('2022-06-06T10:00')).record;

/** The mail of a notification of `template` with `data`; links not given get a default URL. */
export function render<T extends Template>(template: T, data: MailData<T>, links: Partial<Record<LinkId, string>> = {}, rec: IssueRecord | undefined = record): RenderedMail {
  const n = { key: `WT-20220606-001#${template}`, template, to: ['unit@county.example'], data, createdAt: 0 } as Notification;
  return renderNotification(n, { record: rec, link: (id) => links[id as LinkId] ?? `https://x.example/a/${id}` });
}
