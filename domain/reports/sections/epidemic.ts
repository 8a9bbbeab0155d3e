// Section: epidemic-support gaps (digest 八): every work class needs an epidemic-prevention expert
// (a 防疫配备 row of 类型 工作专班 with 防疫人员), every admitted whitelist enterprise (project) a
// 防疫人员 and a 结对医疗机构 (rows of 类型 白名单企业). Pure.

import { SECTORS, WORK_CLASSES } from '../../rows/kinds.js';
import type { EpidemicSupportRow, Profile } from '../../rows/types.js';
import { norm, normCode, type WhitelistEntry } from '../week.js';

export interface EpidemicGaps {
  classesRequired: number;
  classesCovered: number;
  /** Work classes without an epidemic-prevention expert (名称). */
  classesMissing: string[];
  enterprisesRequired: number;
  enterprisesCovered: number;
  enterprisesMissing: Array<WhitelistEntry & { missing: Array<'防疫人员' | '结对医疗机构'> }>;
}

export function epidemicGaps(rows: readonly EpidemicSupportRow[], admitted: readonly WhitelistEntry[], profile: Pick<Profile, 'workClasses'>): EpidemicGaps {
  const classKeys = new Map<string, string>();
  for (const c of WORK_CLASSES) {
    const name = profile.workClasses.find((w) => w.id === c.id)?.name || c.name;
    classKeys.set(c.id, name);
  }
  const expertFor = new Set<string>();
  for (const row of rows) {
    if (row.targetType !== '工作专班' || !norm(row.staff)) continue;
    const t = norm(row.target);
    for (const [id, name] of classKeys) if (t === id || t === name || t === `${name}专班` || t === `${name}工作专班`) expertFor.add(id);
  }
  const classesMissing = [...classKeys.entries()].filter(([id]) => !expertFor.has(id)).map(([, name]) => name);
  const support = new Map<string, { staff: boolean; institution: boolean }>();
  for (const row of rows) {
    if (row.targetType !== '白名单企业') continue;
    const code = normCode(row.target);
    const cur = support.get(code) ?? { staff: false, institution: false };
    if (norm(row.staff)) cur.staff = true;
    if (norm(row.medicalInstitution)) cur.institution = true;
    support.set(code, cur);
  }
  const seen = new Set<string>();
  const entries = admitted.filter((e) => {
    const c = normCode(e.code);
    if (seen.has(c)) return false;
    seen.add(c);
    return true;
  });
  const enterprisesMissing: EpidemicGaps['enterprisesMissing'] = [];
  for (const e of entries) {
    const s = support.get(normCode(e.code));
    const missing: Array<'防疫人员' | '结对医疗机构'> = [];
    if (!s?.staff) missing.push('防疫人员');
    if (!s?.institution) missing.push('结对医疗机构');
    if (missing.length > 0) enterprisesMissing.push({ ...e, missing });
  }
  enterprisesMissing.sort((a, b) => SECTORS.indexOf(a.sector) - SECTORS.indexOf(b.sector) || (a.code < b.code ? -1 : 1));
  return {
    classesRequired: classKeys.size,
    classesCovered: classKeys.size - classesMissing.length,
    classesMissing,
    enterprisesRequired: entries.length,
    enterprisesCovered: entries.length - enterprisesMissing.length,
    enterprisesMissing,
  };
}
