// The system cells of an issue row that both the server's write-back (sync, upload) and the add-on's
// 刷新状态 write: one definition, so a refresh never rewrites what a sync wrote (before, 刷新状态
// wrote unit codes over the sync's unit names, and 升级情况 in another wording).
// Structural types only: the add-on bundles this file, and it must not reach zod (row-schemas.test.ts).

/** A unit's name from the profile (its code when the profile does not know it, or there is none). */
export const unitNameOf =
  (profile: { units: readonly { code: string; name: string }[] } | null) =>
  (code: string): string =>
    profile?.units.find((u) => u.code === code)?.name ?? code;

/** 升级情况: 逾期 and the escalation level, as far as they apply (empty when neither). */
export function escalationCell(r: { overdue: boolean; escalationLevel: number }): string {
  const parts: string[] = [];
  if (r.overdue) parts.push('逾期');
  if (r.escalationLevel > 0) parts.push(`已升级 ${r.escalationLevel} 级`);
  return parts.join('，');
}

/** 责任单位: the responsible unit's name, with its 协办 units' (empty before any assignment). */
export function unitCell(a: { unit: string; also: readonly string[] } | undefined, nameOf: (code: string) => string): string {
  if (!a) return '';
  const also = a.also.filter((u) => u !== a.unit).map(nameOf);
  return also.length > 0 ? `${nameOf(a.unit)}（协办：${also.join('、')}）` : nameOf(a.unit);
}
