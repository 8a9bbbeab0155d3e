/// <reference types="google-apps-script" />
// The sheet layout the add-on adds to the kinds of domain/kinds.ts: the hidden sync columns, the
// mark colour and note prefix it owns, and the header notes derived from the domain's column schemas.

import { KINDS, type RowKind } from '../domain/kinds.js';
import { type ColumnSpec, SCHEMAS } from '../domain/schemas.js';

/** Hidden column: the server's version of the row (sent back on the next sync, conflicts are reported). */
export const VERSION_HEADER = '_版本';
/** Hidden column: the row's sync state. */
export const SYNC_HEADER = '_同步';
export const SYNC_COLUMNS = [VERSION_HEADER, SYNC_HEADER] as const;

/** `_同步` states. An empty cell on a non-empty row means "never synced" and is sent like DIRTY. */
export const SYNC_STATE = {
  dirty: '待同步',
  synced: '已同步',
  rejected: '未通过',
  conflict: '冲突',
} as const;

/** Background of a cell with a validation error (light red). */
export const ERROR_FILL = '#f4c7c3';
/** Notes the add-on writes start with this; any other note belongs to the user and is kept. */
export const NOTE_PREFIX = '【四保校验】';

/** The kind a tab holds, by its exact tab name. */
export function kindOfTab(name: string): RowKind | undefined {
  for (const k of Object.keys(KINDS) as RowKind[]) if (KINDS[k].tab === name) return k;
  return undefined;
}

const TYPE_HINT: Record<string, string> = {
  text: '文本',
  free: '文本（以 = + - @ 开头时按文本保存）',
  code: '18 位统一社会信用代码（小写自动转大写）或项目代码 YYMM-AAAAAA-NN-NN-NNNNNN',
  ident: '编码（半角，无空格）',
  enum: '从下拉列表选择',
  number: '数字，可带千位分隔符',
  integer: '整数',
  percent: '比例，如 70% 或 0.7',
  date: '日期：2022-06-10、2022/6/10 或 2022年6月10日',
  period: '统计期（年月）：2022-06',
  yesno: '是 / 否',
  phone: '手机号 1[3-9] 开头 11 位，或座机 0AAA-NNNNNNN(N)',
  email: '邮箱，如 name@county.example',
  emails: '一个或多个邮箱，用；分隔',
  url: '链接，以 http:// 或 https:// 开头',
  list: '多项用；或、分隔',
  enumList: '多项用；分隔',
  codes: '企业代码，多项用；或、分隔',
};

/** The note on a header cell: the rule the product checks, in Chinese. */
export function headerNote(kind: RowKind, header: string): string {
  if (header === VERSION_HEADER) return '系统列（隐藏）：服务器记录版本，请勿修改。';
  if (header === SYNC_HEADER) return '系统列（隐藏）：同步状态（待同步 / 已同步 / 未通过 / 冲突），请勿修改。';
  if (KINDS[kind].system.includes(header)) return '系统列：由服务器填写并在同步后写回，手工修改会被覆盖。';
  const spec: ColumnSpec | undefined = SCHEMAS[kind].columns.find((c) => c.header === header);
  if (!spec) return '';
  const parts = [spec.required ? '必填。' : '选填。', TYPE_HINT[spec.type] ?? ''];
  if (spec.values && spec.values.length > 0 && spec.values.length <= 12) parts.push(`可选：${spec.values.join('、')}`);
  if (spec.maxLen) parts.push(`最多 ${spec.maxLen} 字`);
  if (typeof spec.default === 'boolean') parts.push(`默认：${spec.default ? '是' : '否'}`);
  else if (typeof spec.default === 'string' || typeof spec.default === 'number') parts.push(`默认：${spec.default}`);
  return parts.filter(Boolean).join(' ');
}

/** Enum columns of a kind that get a dropdown: header → allowed values. */
export function dropdowns(kind: RowKind): { header: string; values: readonly string[]; strict: boolean }[] {
  const out: { header: string; values: readonly string[]; strict: boolean }[] = [];
  for (const c of SCHEMAS[kind].columns) {
    if ((c.type === 'enum' || c.type === 'enumList' || c.type === 'yesno') && (c.values || c.type === 'yesno')) {
      const values = c.type === 'yesno' ? ['是', '否'] : [...(c.values ?? []), ...(c.all ? [c.all] : [])];
      // A list column holds several values: the dropdown suggests but must not reject.
      out.push({ header: c.header, values, strict: c.type !== 'enumList' });
    }
  }
  return out;
}
