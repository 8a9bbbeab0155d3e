// The baseline of bench/validate.bench.ts: the least code that checks the same whitelist rules as
// `sibao validate` — read the file, split CSV lines (no quoted fields), check the USCC checksum or
// project code, required fields, enums, the 万元 range, integers, dates, phones, e-mails, the
// conditional rules and duplicates — and print a JSON summary. Plain JavaScript, no dependencies.
// Usage: node bench/minimal-checker.mjs FILE.csv
import { readFileSync } from 'node:fs';

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const VALUE = new Map([...CHARSET].map((c, i) => [c, i]));
const SECTORS = new Set(['工业生产', '商贸流通', '交通运输', '文化旅游', '重点项目']);
const STATUSES = new Set(['申报中', '已纳入', '已移出']);
const REASONS = new Set(['熔断（防控不力致疫情输入扩散）', '企业申请退出', '不再符合条件', '其他']);
const PROJECT = /^\d{2}(0[1-9]|1[0-2])-\d{6}-\d{2}-\d{2}-\d{6}$/;
const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-\d{7,8})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

function usccError(code) {
  if (code.includes('-')) return PROJECT.test(code) ? null : 'project_code_format';
  if (code.length !== 18) return 'uscc_format';
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = VALUE.get(code[i]);
    if (v === undefined) return 'uscc_format';
    sum += v * WEIGHTS[i];
  }
  if (!VALUE.has(code[17])) return 'uscc_format';
  return CHARSET[(31 - (sum % 31)) % 31] === code[17] ? null : 'uscc_checksum';
}

function validDate(s) {
  const m = DATE.exec(s);
  if (!m) return false;
  const y = +m[1];
  const mo = +m[2];
  const d = +m[3];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

const text = readFileSync(process.argv[2], 'utf8').replace(/^\uFEFF/, '');
const lines = text.split(/\r?\n/);
const headers = lines[0].split(',');
const col = (h) => headers.indexOf(h);
const C = {
  code: col('统一社会信用代码'), name: col('名称'), sector: col('所属领域'), town: col('所在乡镇'),
  value: col('产值或投资额（万元）'), staff: col('员工人数'), status: col('状态'), inDate: col('纳入日期'),
  outDate: col('移出日期'), reason: col('移出原因'), phone: col('联系电话'), email: col('联系邮箱'),
};
const seen = new Map();
let valid = 0;
let invalid = 0;
const codes = {};
for (let i = 1; i < lines.length; i++) {
  if (lines[i] === '') continue;
  const f = lines[i].split(',').map((x) => x.trim());
  const errors = [];
  const code = f[C.code].toUpperCase();
  if (!code) errors.push('required');
  else {
    const e = usccError(code);
    if (e) errors.push(e);
    else if (seen.has(code)) errors.push('duplicate');
    else seen.set(code, i + 1);
  }
  if (!f[C.name]) errors.push('required');
  else if (f[C.name].length > 100) errors.push('too_long');
  if (!SECTORS.has(f[C.sector])) errors.push(f[C.sector] ? 'enum' : 'required');
  if (!f[C.town]) errors.push('required');
  if (!f[C.value]) errors.push('required');
  else if (!NUMBER.test(f[C.value])) errors.push('number');
  else if (+f[C.value] < 0 || +f[C.value] > 10_000_000) errors.push('number_range');
  if (f[C.staff] && !/^\d+$/.test(f[C.staff])) errors.push('number');
  const status = f[C.status];
  if (!STATUSES.has(status)) errors.push(status ? 'enum' : 'required');
  if (f[C.inDate] && !validDate(f[C.inDate])) errors.push('date');
  if (f[C.outDate] && !validDate(f[C.outDate])) errors.push('date');
  if (f[C.reason] && !REASONS.has(f[C.reason])) errors.push('enum');
  if ((status === '已纳入' || status === '已移出') && !f[C.inDate]) errors.push('conditional_required');
  if (status === '已移出' && !f[C.outDate]) errors.push('conditional_required');
  if (status === '已移出' && !f[C.reason]) errors.push('conditional_required');
  if (f[C.phone] && !PHONE.test(f[C.phone])) errors.push('phone');
  if (f[C.email] && !EMAIL.test(f[C.email])) errors.push('email');
  if (errors.length === 0) valid++;
  else {
    invalid++;
    for (const e of errors) codes[e] = (codes[e] ?? 0) + 1;
  }
}
process.stdout.write(`${JSON.stringify({ rows: valid + invalid, valid, invalid, codes })}\n`);
