// Section: data-quality warnings (digest 十一): the checks' warnings (checkDataQuality, addresses)
// plus `calendar_unverified` when open issues have deadlines in a year without holiday rows; errors
// first. Pure.

import { isOpen } from '../../issues/lifecycle.js';
import type { IssueRecord } from '../../issues/types.js';
import { sortWarnings, type DataQualityWarning } from '../data-quality.js';

export function dataQualitySection(warnings: readonly DataQualityWarning[], records: readonly IssueRecord[]): DataQualityWarning[] {
  const unverified = records.filter((r) => isOpen(r.status) && r.warnings.some((w) => w.code === 'calendar_unverified')).map((r) => r.id);
  const all = [...warnings];
  if (unverified.length > 0) {
    all.push({
      code: 'calendar_unverified',
      severity: 'warning',
      ref: unverified.join('、'),
      message: `${unverified.length} 件在办问题的时限所在年份尚无法定节假日安排，暂按周一至周五计算（${unverified.join('、')}）；请在「节假日调整」中录入该年安排`,
    });
  }
  return sortWarnings(all);
}
