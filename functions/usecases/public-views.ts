// The public pages' models (SPEC §7.4 公示, §7.8): the policy list in force with each policy's
// consultants (单位, 姓名, and the phone only where 公开联系方式 is 是 — never an email address), and
// the county's working mechanisms (classes and lead units, how a problem is reported and routed, the
// time limits in force, the escalation path). Data only; http/public-pages.ts renders it.
import { POLICY_CATEGORIES, POLICY_LEVELS, SECTORS, WORK_CLASSES } from '../../domain/rows/kinds.js';
import { consultantsFor } from '../../domain/issues/policies.js';
import { findUnit } from '../../domain/issues/lifecycle.js';
import { DEFAULT_SLA_RULES } from '../../domain/rows/profile.js';
import { shanghaiDate, shanghaiDateTime } from '../../domain/time/time.js';
import type { Profile } from '../../domain/rows/types.js';
import type { Clock, Store } from '../ports.js';

export interface PublicConsultant {
  单位: string;
  姓名: string;
  联系电话?: string;
}

/** A policy as published: its columns by Chinese header (empty ones left out) and its consultants. */
export interface PublicPolicy {
  编号?: string;
  政策名称: string;
  发文单位?: string;
  层级?: string;
  政策类别?: string;
  适用领域: string;
  适用乡镇?: string;
  最低员工人数?: number;
  '最低产值（万元）'?: number;
  有效期至?: string;
  申报截止?: string;
  兑现方式?: string;
  链接?: string;
  责任单位?: string;
  consultants: PublicConsultant[];
}

export interface PublicPolicies {
  county: string;
  updatedAt: string;
  policies: PublicPolicy[];
}

export interface PolicyFilters {
  sector?: string;
  category?: string;
  level?: string;
}

export const FILTER_CHOICES = { sector: SECTORS, category: POLICY_CATEGORIES, level: POLICY_LEVELS } as const;

export interface PublicDeps {
  store: Pick<Store, 'listRows'>;
  clock: Clock;
  getProfile(): Promise<Profile | null>;
  countyName?: string;
}

/** Only a well-formed http(s) address is ever published as a link. */
export const safeUrl = (u: string | undefined): string | undefined => (u && /^https?:\/\/[^\s"'<>]+$/i.test(u) ? u : undefined);

/** The policies in force today (有效期至 not passed), filtered, ordered by level then name. */
export async function publicPolicies(deps: PublicDeps, f: PolicyFilters = {}): Promise<PublicPolicies> {
  const [rows, consultantRows, profile] = await Promise.all([deps.store.listRows('policy'), deps.store.listRows('consultant'), deps.getProfile()]);
  const today = shanghaiDate(deps.clock.now());
  const consultants = consultantRows.map((c) => c.value);
  const unitName = (ref: string) => (profile ? (findUnit(profile, ref)?.name ?? ref) : ref);
  const levelOrder = (l: string | undefined) => (l ? POLICY_LEVELS.indexOf(l as (typeof POLICY_LEVELS)[number]) : 9);
  const inForce = rows
    .filter((r) => !r.value.validUntil || r.value.validUntil >= today)
    .filter((r) => !f.sector || r.value.sectors.length === 0 || (r.value.sectors as string[]).includes(f.sector))
    .filter((r) => !f.category || r.value.category === f.category)
    .filter((r) => !f.level || r.value.level === f.level)
    .sort((a, b) => levelOrder(a.value.level) - levelOrder(b.value.level) || a.value.name.localeCompare(b.value.name, 'zh-CN'));
  const updated = rows.reduce((m, r) => Math.max(m, r.updatedAt), 0);
  return {
    county: deps.countyName ?? '',
    updatedAt: updated ? shanghaiDateTime(updated) : '',
    policies: inForce.map(({ value: p }) => {
      const out: PublicPolicy = {
        政策名称: p.name,
        适用领域: p.sectors.length === 0 || p.sectors.length === SECTORS.length ? '全部' : p.sectors.join('、'),
        consultants: consultantsFor(p, consultants, profile).map((c) => ({ 单位: unitName(c.unit), 姓名: c.name, ...(c.public === true && c.phone ? { 联系电话: c.phone } : {}) })),
      };
      const set = <K extends keyof PublicPolicy>(k: K, v: PublicPolicy[K] | undefined | '') => {
        if (v !== undefined && v !== '') out[k] = v as PublicPolicy[K];
      };
      set('编号', p.id);
      set('发文单位', p.issuer);
      set('层级', p.level);
      set('政策类别', p.category);
      set('适用乡镇', p.localities?.length ? p.localities.join('、') : undefined);
      set('最低员工人数', p.minEmployees);
      set('最低产值（万元）', p.minValue);
      set('有效期至', p.validUntil);
      set('申报截止', p.applyBy);
      set('兑现方式', p.delivery);
      set('链接', safeUrl(p.link));
      set('责任单位', p.unit ? unitName(p.unit) : undefined);
      return out;
    }),
  };
}

export interface Mechanisms {
  county: string;
  classes: { name: string; lead: string; office?: string }[];
  categories: readonly string[];
  sla: { urgency: string; sign: number; feedback: number; resolve: number }[];
  /** Escalation chain names from a unit's 上级单位 up (a typical chain of the profile). */
  escalation: string[];
}

export async function mechanisms(deps: PublicDeps): Promise<Mechanisms> {
  const profile = await deps.getProfile();
  const units = profile?.units ?? [];
  const unitName = (ref: string) => (profile ? (findUnit(profile, ref)?.name ?? ref) : ref);
  const rules = profile?.slaRules.length ? profile.slaRules : DEFAULT_SLA_RULES;
  // The longest 上级单位 chain shows the escalation path.
  let escalation: string[] = [];
  for (const u of units) {
    const chain: string[] = [];
    const seen = new Set<string>();
    for (let cur: typeof u | undefined = u; cur && !seen.has(cur.code); cur = cur.parent ? findUnit(profile!, cur.parent) : undefined) {
      seen.add(cur.code);
      chain.push(cur.name);
    }
    if (chain.length > escalation.length) escalation = chain;
  }
  return {
    county: deps.countyName ?? '',
    classes: WORK_CLASSES.map((c) => {
      const row = profile?.workClasses.find((w) => w.id === c.id);
      return { name: row?.name || `${c.name}专班`, lead: row?.leadUnit ? unitName(row.leadUnit) : '（未设）', office: row?.office };
    }),
    categories: [...new Set((profile?.routingRules ?? []).map((r) => r.category).filter((c): c is NonNullable<typeof c> => !!c))],
    sla: rules.map((r) => ({ urgency: r.urgency, sign: r.signDays, feedback: r.feedbackDays, resolve: r.resolveDays })),
    escalation: escalation.length > 1 ? ['责任单位', ...escalation.slice(1)] : ['责任单位', '县四保指挥部', '县委县政府'],
  };
}
