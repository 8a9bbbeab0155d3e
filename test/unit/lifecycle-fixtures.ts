// A small synthetic county for the closed-loop tests: a command office, a three-level 上级单位 chain
// (工信局 → 县政府办 → 县领导), a triage lead, and a unit without an address. Roles, not people.
import { createCalendar } from '../../domain/time/calendar.js';
import { applyAction, createIssueRecord } from '../../domain/issues/lifecycle.js';
import type { IssueAction, IssueActor } from '../../domain/issues/lifecycle.js';
import { routeIssue } from '../../domain/issues/routing.js';
import { parseInstant } from '../../domain/time/time.js';
import type { IssueRow, Profile } from '../../domain/rows/types.js';
import type { IssueRecord, Notification } from '../../domain/issues/types.js';

export const profile: Profile = {
  workClasses: [
    { id: 'coordination', name: '综合协调', leadUnit: 'FGW' },
    { id: 'industry', name: '工业生产', leadUnit: 'GXJ' },
    { id: 'commerce', name: '商贸流通', leadUnit: 'SWJ' },
  ],
  units: [
    { code: 'CMD', name: '县四保指挥部办公室', type: '指挥部', emails: ['command@sibao.example'] },
    { code: 'LEADER', name: '县政府分管领导', type: '县领导', emails: ['leader@sibao.example'] },
    { code: 'GOV', name: '县政府办公室', type: '县直部门', emails: ['gov@sibao.example'], parent: 'LEADER' },
    { code: 'FGW', name: '县发展改革委', type: '县直部门', emails: ['coord@sibao.example'], parent: 'GOV' },
    { code: 'GXJ', name: '县工业和信息化局', type: '县直部门', emails: ['gxj@sibao.example', 'GXJ-Duty@sibao.example'], parent: 'GOV' },
    { code: 'SWJ', name: '县商务局', type: '县直部门', emails: ['swj@sibao.example'], parent: 'GOV' },
    { code: 'TOWN', name: '城关镇', type: '乡镇', emails: ['town@sibao.example'], parent: 'GOV' },
    { code: 'TOP', name: '县应急管理局', type: '县直部门', emails: ['top@sibao.example'] },
    { code: 'NOMAIL', name: '县林业局', type: '县直部门', emails: [] },
  ],
  routingRules: [],
  sectorTargets: [],
  slaRules: [],
  members: [],
  calendarOverrides: [],
};

export const calendar = createCalendar(profile.calendarOverrides);

/** Shanghai local time `2022-06-01T10:00` → epoch ms. */
export const at = (text: string): number => parseInstant(text);

export function issue(over: Partial<IssueRow> = {}): IssueRow {
  return {
    enterpriseCode: '91410222MA9XXXXX1A',
    enterpriseName: '示例机械有限公司',
    sector: '工业生产',
    locality: '城关镇',
    category: '原料采购',
    description: '钢材供应中断，需要协调运输',
    urgency: '一般',
    beyondScope: false,
    major: false,
    reportedOn: '2022-06-01',
    contact: '企业联络员',
    phone: '13800000000',
    email: 'contact@enterprise.example',
    ...over,
  };
}

/** Create a record the way the API does: route with the real router, then create. */
export function create(id: string, row: IssueRow, when: number): { record: IssueRecord; notifications: Notification[] } {
  const route = routeIssue(row, profile, when, calendar);
  return createIssueRecord(id, row, route, when, profile);
}

export const unit = (code: string): IssueActor => ({ role: 'unit', unit: code });
export const command: IssueActor = { role: 'command', by: 'office@sibao.example' };
export const enterprise: IssueActor = { role: 'enterprise' };

/** Apply an action that must succeed. */
export function act(record: IssueRecord, action: IssueAction, now: number): { record: IssueRecord; notifications: Notification[] } {
  const r = applyAction(record, action, { now, profile, calendar });
  if (!r.ok) throw new Error(`${action.type} refused: ${r.code} ${r.message}`);
  return { record: r.record, notifications: r.notifications };
}
