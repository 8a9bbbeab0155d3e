// The Chinese messages of validation and profile checks, built in one place so the add-on, the API
// and the CLI say the same thing. Every message names the column, what was found and what is expected.

import type { RowError, RowWarning } from './types.js';

const list = (values: readonly string[]): string => values.map((v) => `「${v}」`).join('、');

/** Shorten a found value for a message (a 2,000-character description is not repeated in full). */
export function shown(value: unknown): string {
  const s = value instanceof Date ? (Number.isNaN(value.getTime()) ? '无效日期' : value.toISOString()) : String(value);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

const conditional = (col: string, why: string) => `「${col}」为必填项：${why}`;

export const MSG = {
  required: (col: string) => `「${col}」为必填项，不能为空`,
  /** `conditional_required` of a column required while another column holds a value. */
  requiredWhen: (col: string, otherCol: string, value: string) => conditional(col, `${otherCol}为「${value}」时需填写${col}`),
  /** `conditional_required` of a yes/no column that must be 是 (停产范围 全部 → 报省会商). */
  yesWhen: (col: string, otherCol: string, value: string) => `「${col}」应为「是」：${otherCol}为「${value}」时须${col}`,
  enumValue: (col: string, found: unknown, allowed: readonly string[]) =>
    `「${col}」的值「${shown(found)}」无效，应为以下之一：${list(allowed)}`,
  listItem: (col: string, found: string, allowed: readonly string[]) =>
    `「${col}」中的「${shown(found)}」无效，每一项应为以下之一：${list(allowed)}`,
  number: (col: string, found: unknown) => `「${col}」应为数字（可带千位分隔符，如 1,234.5），实际为「${shown(found)}」`,
  integer: (col: string, found: unknown) => `「${col}」应为整数，实际为「${shown(found)}」`,
  notNegative: (col: string, found: number) => `「${col}」不能为负数，实际为 ${found}`,
  positive: (col: string, found: number) => `「${col}」应大于 0，实际为 ${found}`,
  tooLargeWan: (col: string, found: number) =>
    `「${col}」为 ${found} 万元，超过 10,000,000 万元（1000 亿元），可能误按“元”填写；请换算为万元（元 ÷ 10000）`,
  percentRange: (col: string, found: unknown) =>
    `「${col}」应为 0% 到 100% 之间的比例（如 70% 或 0.7），实际为「${shown(found)}」`,
  date: (col: string, found: unknown) =>
    `「${col}」不是有效日期：「${shown(found)}」，应为 2022-06-10、2022/6/10 或 2022年6月10日 这样的真实日期`,
  datetime: (col: string, found: unknown) =>
    `「${col}」不是有效时间：「${shown(found)}」，应为 2022-06-08 14:00 或 2022年6月8日14时 这样的日期和时刻（只写日期表示当日 0 时）`,
  period: (col: string, found: unknown) => `「${col}」不是有效统计期：「${shown(found)}」，应为年月，如 2022-06 或 2022年6月`,
  dateOrder: (col: string, found: string, otherCol: string, other: string) =>
    `「${col}」${found} 早于「${otherCol}」${other}，应不早于${otherCol}`,
  phone: (col: string, found: unknown) =>
    `「${col}」不是有效电话号码：「${shown(found)}」，应为 11 位手机号（1 开头，第二位 3–9）或带区号的固定电话（如 0371-12345678）`,
  email: (col: string, found: unknown) => `「${col}」不是有效邮箱地址：「${shown(found)}」，应形如 name@county.example`,
  url: (col: string, found: unknown) => `「${col}」不是有效链接：「${shown(found)}」，应以 http:// 或 https:// 开头`,
  usccFormat: (col: string, found: string, detail: string) =>
    `「${col}」格式错误：「${shown(found)}」${detail}；应为 18 位统一社会信用代码（数字和大写字母，不含 I、O、S、V、Z）或项目代码 YYMM-AAAAAA-NN-NN-NNNNNN`,
  usccChecksum: (col: string, found: string, expected: string) =>
    `「${col}」校验位错误：应为「${expected}」，实际为「${found[17]}」（${found}，请核对前 17 位或第 18 位）`,
  projectCodeFormat: (col: string, found: string) =>
    `「${col}」项目代码格式错误：「${shown(found)}」，应为 YYMM-AAAAAA-NN-NN-NNNNNN（4-6-2-2-6 位数字，MM 为 01–12）`,
  duplicate: (col: string, found: string, firstRow: number) => `「${col}」与第${firstRow}行重复：「${shown(found)}」`,
  /** Two rows of one file that are the same row (same 编号 or `_标识`, or identical identifying cells). */
  sameRow: (col: string, what: string, firstRow: number) => `「${col}」：与第${firstRow}行是同一行（${what}相同），请删除重复的一行`,
  tooLong: (col: string, length: number, max: number) => `「${col}」过长：${length} 字，最多 ${max} 字`,
  unknownReference: (col: string, found: string, what: string) => `「${col}」的「${shown(found)}」不是已登记的${what}`,
  wrongSector: (col: string, found: string, expected: string) =>
    `「${col}」为「${found}」，但本表属于「${expected}」领域；请在${expected}的表中填写或改正所属领域`,
  formulaText: (col: string) => `「${col}」以 = + - @ 或制表符开头，已按文本保存（写回表格时前加 ' 防止被当作公式）`,
  futureDate: (col: string, date: string, today: string) => `「${col}」为 ${date}，晚于今天（${today}）：请核对日期（仍会受理）`,
  notOnWhitelist: (col: string, code: string) => `「${col}」的「${code}」不在白名单中（仍会受理，请核实企业代码）`,
  statusMismatch: (col: string, otherCol: string, value: string) => `${otherCol}为「${value}」，「${col}」已填写但不会生效`,
  slaOrder: (col: string) => `「${col}」的时限应满足：签收 ≤ 反馈 ≤ 办结`,
  /** 停产停工: 原则上不超过 3 天 (附件2 三(七)). */
  longShutdown: (col: string, days: number) => `「${col}」距开始日期 ${days} 天，超过 3 天：停产停工原则上不超过 3 天，超期将报县领导（仍会受理）`,
  findingDeadline: (col: string, found: unknown) =>
    `「${col}」应为日期（如 2022-06-15）或工作日数（如 5个工作日，从督查日期起算），实际为「${shown(found)}」`,
  noContact: (col: string) => conditional(col, '联系电话和联系邮箱至少填写一项'),
  /** A stored or sent value that validation would accept but that is not in its normalised form. */
  notNormalised: (col: string, found: unknown, expected: unknown) =>
    `「${col}」的「${shown(found)}」不是规范形式${expected === undefined ? '' : `，应为「${shown(expected)}」`}`,
  /** A field the row kind does not have (stored or sent data). */
  unknownField: (field: string) => `不认识的字段「${field}」`,
} as const;

/** Messages of whole-profile problems. */
export const PROFILE_MSG = {
  unknownUnit: (tab: string, col: string, found: string) =>
    `${tab}「${col}」的「${found}」不是已登记的责任单位（请先在「责任单位」表中登记该单位编码）`,
  unknownClass: (tab: string, col: string, found: string) =>
    `${tab}「${col}」的「${found}」不在「工作专班」表中`,
  unknownLocality: (tab: string, col: string, found: string) =>
    `${tab}「${col}」的「${found}」不是「责任单位」表中类型为乡镇、街道或园区的单位名称`,
  missingLeadUnit: (className: string) =>
    `工作专班「${className}」没有牵头单位：请在「工作专班」表中填写其「牵头单位」（单位编码），否则问题无法分派`,
  parentCycle: (chain: readonly string[]) => `「上级单位」形成循环：${chain.join(' → ')}；升级将无法终止`,
  noCommandUnit: () => `「责任单位」表中没有类型为「指挥部」的单位：超出协调范围的问题将无人接收`,
  noLeadershipUnit: () => `「责任单位」表中没有类型为「县领导」的单位：重大问题无法抄送县委县政府`,
  unitNoEmail: (code: string) => `责任单位「${code}」没有联系邮箱，分派给它的问题无法发送邮件`,
} as const;

/** `第3行「统一社会信用代码」：校验位错误…` — the row, the column, then the message. */
export function formatRowError(row: number, err: RowError | RowWarning): string {
  const col = err.column;
  if (!col) return `第${row}行：${err.message}`;
  const prefix = `「${col}」`;
  const rest = err.message.startsWith(prefix) ? err.message.slice(prefix.length).replace(/^[：:]/, '') : err.message;
  return `第${row}行${prefix}：${rest}`;
}
