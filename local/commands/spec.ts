// THE table of the CLI's commands and options. Everything else derives from it:
// - each command's argv parsing (`argSpecOf`: the flags it accepts are exactly the ones listed);
// - each command's --help (`commandHelp`), printed by cli.ts without loading the command's module
//   (so `sibao start --help` does not load the stack and the AWS SDK);
// - the top-level help (`sibao --help`: every command's full usage line);
// - README's CLI table, which test/unit/cli-spec.test.ts compares with this table.
// Light on purpose: no imports but the argv types, the defaults and the display-width helpers.

import type { ArgSpec, FlagType } from '../args.js';
import { DEFAULT_API_PORT, DEFAULT_SES_PORT, DEMO_COUNTY, DEMO_START } from '../defaults.js';
import { displayWidth, pad, wrapText } from '../format.js';

export interface OptionSpec {
  /** The flag without dashes. */
  flag: string;
  type: FlagType;
  /** What the value is, in the usage line (`目录`, `文件.xlsx`); none for a boolean flag. */
  value?: string;
  /** One line (or a few) in the command's help. */
  help: string;
  /** Shown without brackets in the usage line. */
  required?: boolean;
  /** Options sharing a group name are alternatives, shown as `(--a A | --b B)`. */
  oneOf?: string;
}

export interface CommandSpec {
  name: string;
  /** Positional part of the usage line (`文件…`, `add-workdays 日期 N`). */
  operands?: string;
  /** One line under the command in the top-level help. */
  summary: string;
  /** What the command does (the paragraph after its usage line). */
  about: string;
  /** Positional operands explained in the option list, before the flags. */
  operandHelp?: readonly (readonly [string, string])[];
  options: readonly OptionSpec[];
  /** Lines after the option list (exit codes, notes). */
  notes?: string;
}

/** Help paragraphs and the top-level help fit in this many columns. */
export const HELP_WIDTH = 100;

const data = (what: string): OptionSpec => ({ flag: 'data', type: 'string', value: '目录', help: what });
const json = (what: string): OptionSpec => ({ flag: 'json', type: 'boolean', help: what });
const county: OptionSpec = { flag: 'county', type: 'string', value: '县名', help: `县名（默认 ${DEMO_COUNTY}）` };
const profile = (what: string, required = false): OptionSpec => ({ flag: 'profile', type: 'string', value: '配置', help: what, ...(required ? { required } : {}) });

/** The commands of SPEC §5, in help order. */
export const COMMAND_SPECS: readonly CommandSpec[] = [
  {
    name: 'validate',
    operands: '文件…',
    summary: '离线校验 .csv/.xlsx 数据行（0 全部有效，1 有无效行，2 输入无法使用）',
    about: '离线校验 .csv / .xlsx 文件中的数据行，不需要任何服务。',
    operandHelp: [
      [
        '文件',
        'CSV（一类数据一个文件，文件名为表名，如 白名单.csv；UTF-8、GBK/GB18030 或 Excel 的“Unicode 文本”，逗号或制表符分隔）或 .xlsx（工作表名为表名）',
      ],
    ],
    options: [
      { flag: 'kind', type: 'string', value: '类型', help: '指定数据类型（如 whitelist 或 白名单），不指定则按文件名、再按表头判断' },
      profile('县配置目录或工作簿：校验“所在乡镇”等是否为已登记单位'),
      json('输出 JSON：{"files":[{"file","kind","rows":[{"row","ok","warnings"|"errors"}]}],"valid":N,"invalid":M}'),
    ],
    notes:
      '同时给出白名单和问题诉求文件时，问题诉求中不在白名单的企业代码会给出提示。\n' +
      '退出码：0 全部有效，1 有无效行，2 输入无法使用（文件不存在、无法判断类型、没有表头、文件损坏）。',
  },
  {
    name: 'coverage',
    operands: '文件…',
    summary: '按领域计算白名单覆盖率（对照 70% 目标）',
    about: '按领域计算白名单覆盖率：覆盖率 = 统计日已纳入的产值或投资额 ÷ 当时适用的领域总量。',
    operandHelp: [['文件', '白名单、领域总量（及领域目标）的 .csv / .xlsx 文件']],
    options: [
      { flag: 'at', type: 'string', value: '日期', help: '统计日，如 2022-06-10、2022/6/10、2022年6月10日（默认今天，北京时间）' },
      profile('县配置：取其中的领域目标（文件中给出的领域目标优先）'),
      json('输出 JSON：{"at","sectors":[{"sector","covered","total","coverage","target","gap","count","error"}],"overall":{…}}'),
    ],
    notes: '金额单位为万元；无效行不计入，用 sibao validate 查看原因。',
  },
  {
    name: 'route',
    operands: '文件…',
    summary: '按路由规则分派问题诉求，给出责任单位和时限',
    about: '按县配置的路由规则分派问题诉求，列出责任单位、抄送单位和签收、反馈、办结时限。',
    operandHelp: [['文件', '问题诉求的 .csv / .xlsx 文件（可同时给出白名单文件）']],
    options: [
      profile('县配置目录或工作簿（必填）', true),
      {
        flag: 'at',
        type: 'string',
        value: '时间',
        help: '分派时间：日期（2022-06-10、2022/6/10、2022年6月10日）或日期加时间（2022-06-10T09:30、2022/6/10 9:30）；默认现在，北京时间',
      },
      json('输出 JSON：{"issues":[{"row","unit","also","signBy","feedbackBy","resolveBy"}]}'),
    ],
    notes: '时限为该日（北京时间）当天结束前；按工作日计算（含法定节假日、调休和“节假日调整”）。',
  },
  {
    name: 'calendar',
    operands: 'add-workdays 日期 N',
    summary: '日期之后第 N 个工作日（含法定节假日和调休）',
    about: '输出 日期 之后第 N 个工作日（YYYY-MM-DD，北京时间）：按国家法定节假日和调休，加上配置中的“节假日调整”。',
    operandHelp: [
      ['日期', '如 2022-06-02、2022/6/2、2022年6月2日'],
      ['N', '工作日数（整数，可为 0 或负数）'],
    ],
    options: [profile('县配置目录或工作簿：取其中的“节假日调整”')],
    notes: 'N 为 0 时：日期本身是工作日则为其本身，否则为下一个工作日。\n某年的节假日安排尚未公布或录入时不作猜测，退出码 2。',
  },
  {
    name: 'template',
    summary: '生成带表头批注和下拉选项的空白模板',
    about:
      '生成空白模板工作簿：列名与系统一致，每个列名带批注说明填写规则，枚举列带下拉选项（第 2–1000 行），\n' +
      '首行冻结，系统填写的列为灰色，列宽按列名和常见内容设置；最后一个工作表“说明”写明如何填写、如何上传（Google 表格插件或网页上传）。',
    options: [
      { flag: 'kind', type: 'string', value: '类型', help: '一类数据，如 whitelist 或 白名单', oneOf: 'what' },
      {
        flag: 'class',
        type: 'string',
        value: '专班',
        help: '一个工作专班的全部工作表，编码或名称，如 industry 或 工业生产（sibao template --class x 列出全部）',
        oneOf: 'what',
      },
      { flag: 'out', type: 'string', value: '文件.xlsx', help: '输出的 .xlsx 文件', required: true },
    ],
  },
  {
    name: 'start',
    summary: '在本机启动完整服务（API、邮件模拟、定时任务）并载入示例县',
    about:
      `在本机启动完整服务：API（http://127.0.0.1:${DEFAULT_API_PORT}）、邮件模拟与查看页（http://127.0.0.1:${DEFAULT_SES_PORT}）、\n` +
      '本地数据库和定时发信；写入县配置，并以各专班成员身份通过 API 载入示例县的数据。',
    options: [
      { flag: 'once', type: 'boolean', help: '演示完成后退出（载入、分派、发信完成）' },
      json('与 --once 一起用：最后一行输出 {"rows","issues","routed","emailsSent","digest"}'),
      data('数据目录（默认 .sibao；同一目录同时只能由一个 sibao start 使用）'),
      { flag: 'memory', type: 'boolean', help: '数据库放在内存中（退出即丢弃；周报网页仍写入数据目录）' },
      profile('县配置目录或工作簿（默认 examples/profile）'),
      { flag: 'no-demo', type: 'boolean', help: '不载入示例数据，只写入 --profile 的配置' },
      { flag: 'clock', type: 'string', value: '时间', help: `服务时钟的起点（如 2022-06-10T16:55），之后按真实时间前进；默认 ${DEMO_START}，已有数据目录则从上次停止时继续（--memory 时不继续）` },
      { flag: 'port', type: 'string', value: 'N', help: `API 端口（默认 ${DEFAULT_API_PORT}）` },
      { flag: 'ses-port', type: 'string', value: 'N', help: `邮件模拟与查看页端口（默认 ${DEFAULT_SES_PORT}）` },
    ],
    notes:
      '不带 --once 时一直运行，按 Ctrl-C 停止；磁盘上的数据会保留，再次启动不会重复入库或重复发信。\n' +
      '退出码：0 正常，2 无法启动（端口被占用、数据目录被占用、配置或参数有误）。',
  },
  {
    name: 'import',
    operands: '文件…',
    summary: '以成员身份通过 API 导入数据行',
    about:
      '通过与表格插件相同的接口（POST /v1/sync）把 .csv / .xlsx 中的数据行提交到服务端，服务端重新校验并入库。\n' +
      '一个文件（工作簿的一个工作表）就是该专班这张表的全部行：提交完行之后再告诉服务端（POST /v1/sync/manifest），\n' +
      '服务端中该专班这张表里文件没有的行标记为已删除（保留记录，可恢复），并列出删除了哪些行。只补充部分行时用 --partial。\n' +
      '表头有误（疑似拼错的列名 unknown_header、缺少必填列 missing_header）时整个导入不提交任何内容。',
    options: [
      { flag: 'as', type: 'string', value: '邮箱', help: '以哪个成员的身份提交（配置“成员”表中的邮箱）；本机令牌由 --data 目录中的签发密钥签发' },
      { flag: 'class', type: 'string', value: '专班', help: '专班编码或名称（如 industry 或 工业生产）；不给时按文件名/所属领域推断' },
      { flag: 'api', type: 'string', value: '地址', help: `API 地址；默认取正在运行的 sibao start 的地址，否则 http://127.0.0.1:${DEFAULT_API_PORT}` },
      { flag: 'kind', type: 'string', value: '类型', help: '强制数据类型（如 whitelist 或 白名单）' },
      { flag: 'token', type: 'string', value: '令牌', help: '直接使用给定的令牌（也可用环境变量 SIBAO_TOKEN），此时不需要 --as' },
      {
        flag: 'annotate',
        type: 'string',
        value: '输出.xlsx',
        help: '另写一份批注工作簿：首个工作表“校验结果”，被拒绝的单元格标红并以批注说明原因，系统列（编号、状态、责任单位、时限）由服务端回填（与网页上传的结果相同）',
      },
      { flag: 'partial', type: 'boolean', help: '文件只是部分行：只新增和更新，不删除服务端中文件没有的行' },
      { flag: 'allow-deletions', type: 'boolean', help: '确认大批删除（将删除超过 5 行且超过现有行数 20% 时，不加此项会拒绝并不删除任何行）' },
      data('数据目录（默认 .sibao）'),
      json(
        '输出 JSON：{"files":[{"file","kind","workClass","accepted","rejected","rows":[…]}],"manifests":[{"kind","workClass",' +
          '"applied","deleted","kept","deletedIds","refused"}],"accepted":N,"rejected":M}',
      ),
    ],
    notes:
      '每批最多 500 行。同一专班同一张表的多个文件合起来算作全表。\n' +
      '退出码：0 全部接受，1 有被拒绝的行或删除被拒绝（大批删除未确认），2 无法提交（API 未运行、无令牌、文件无法读取、表头有误、无权限）。',
  },
  {
    name: 'token',
    summary: '从本机开发签发者获取令牌（仅本机服务）',
    about: '打印本机开发签发方（dev issuer）签发的身份令牌，用于调用本机 API（Authorization: Bearer …）。',
    options: [
      { flag: 'as', type: 'string', value: '邮箱', help: '以哪个成员的邮箱签发（须是配置“成员”表中的邮箱，API 才会放行）', required: true },
      data('数据目录（默认 .sibao，与 sibao start 相同）'),
      { flag: 'ttl', type: 'string', value: '秒', help: '有效期，秒（默认 3600）' },
    ],
    notes: '仅用于本机：需要先在同一数据目录运行过 sibao start（npm start）。\n退出码：0 成功，2 用法错误或数据目录中没有签发密钥。',
  },
  {
    name: 'digest',
    summary: '生成（加 --send 则发送）督办督查周报',
    about:
      '根据本机数据生成督办督查周报（默认只生成、不发送、不写入数据库）。\n' +
      'sibao start 正在运行时按它的模拟时钟生成（页脚、统计区间和默认周次都按该时钟），否则按本机时钟。',
    options: [
      { flag: 'week', type: 'string', value: 'YYYY-Www', help: '周次，如 2022-W23（默认本周，按北京时间）' },
      { flag: 'out', type: 'string', value: '文件', help: '把周报网页（HTML）写入该文件' },
      json('输出周报数据模型（JSON）而不是纯文本'),
      { flag: 'send', type: 'boolean', help: '发布并发送给指挥部办公室和督办督查专班；每周只发送一次，重复执行不会重复发信' },
      data('数据目录（默认 .sibao）；sibao start 正在该目录运行时直接使用它的数据库和邮件模拟服务'),
      county,
    ],
    notes: '退出码：0 成功，2 用法错误、周次无效、尚无配置或数据目录被占用。',
  },
  {
    name: 'export',
    summary: '导出白名单、覆盖率、问题台账、政策清单和咨询员（.xlsx/CSV），供对接省、市平台',
    about:
      '导出本机数据，供对接省、市“四保”白名单企业（项目）运行调度平台（上传或移交）。\n' +
      '工作簿含以下工作表（第 1 行为中文列名）：\n' +
      '  白名单汇总  五个领域的全部白名单企业（项目），含所属专班、最后更新时间、版本\n' +
      '  覆盖率      各领域及合计的覆盖率（统计日见 --at）\n' +
      '  问题台账    全部问题诉求：责任单位、状态、时限、逾期、升级、退回、重办、回访\n' +
      '  政策清单    各单位报备的政策（责任单位为单位名称）\n' +
      '  政策咨询员  各单位的政策咨询员\n' +
      '  说明        来源县、数据最后更新时间（北京时间）、各表行数和每一列的含义\n' +
      '日期写为文本 YYYY-MM-DD，时间写为文本 YYYY-MM-DD HH:mm:ss（北京时间）；数值保持为数值；\n' +
      "以 = + - @ 开头的文本按文本保存，不会被当作公式（CSV 中前加 '）。列宽按内容设置。\n" +
      '工作簿只带数据自己的时间（最后写入时间），不带导出时刻：同样的数据和选项导出的文件逐字节相同，可校验、比对。\n' +
      'sibao start 正在运行时按它的模拟时钟计“今天”和导出时间，否则按本机时钟。',
    options: [
      { flag: 'out', type: 'string', value: '文件.xlsx', help: '工作簿文件（默认 四保白名单导出-<统计日>.xlsx；只给 --csv 时不写工作簿）' },
      { flag: 'csv', type: 'string', value: '目录', help: '同时（或只）把五个数据表写成该目录下的 CSV 文件（UTF-8 带 BOM），如 白名单汇总.csv' },
      data('数据目录（默认 .sibao）；sibao start 正在该目录运行时直接读取它的数据库'),
      { flag: 'at', type: 'string', value: '日期', help: '覆盖率统计日，如 2022-06-10、2022/6/10、2022年6月10日（默认今天，北京时间）' },
      { flag: 'since', type: 'string', value: '日期', help: '加一张“变更记录”表：该日起每一行的新增、修改、删除和恢复（谁、何时、改了什么）' },
      { ...county, help: `来源县名（默认 ${DEMO_COUNTY}）` },
      json('输出摘要 {"file","csv","rows":{各表行数},"at","exportedAt","dataAsOf","county"}'),
    ],
    notes: '退出码：0 成功；2 用法错误、没有数据目录或数据库、尚无县配置、数据目录被占用。',
  },
  {
    name: 'redrive',
    operands: '[键…]',
    summary: '列出或重新处理后台任务搁置的条目（多次重试仍失败的发信、巡查、周报、退信记录）',
    about:
      '后台任务（发信、巡查、周报、退信记录）中多次重试仍失败的条目会被“搁置”：不再自动重试，触发告警，\n' +
      '并在指挥部看板上列出。不带键时列出搁置的条目；给出键（或 --all）时重新处理：重置重试次数并交回任务——\n' +
      '发信条目放回发件队列，巡查、退信条目在任务下次运行时重试，周报、日报的收件人立即补发（发送该期存储的邮件）；\n' +
      '整周的周报立即补发给该周尚未发送的收件人（每人一次），该周尚未生成时在本机先生成。\n' +
      '用 --table 处理已部署堆栈（云端）的条目：凭证取自 AWS 默认凭证链（如 AWS_PROFILE），用真实时间，\n' +
      '不启动本机服务；补发周报、日报需要 --from；尚未生成的一周不在此生成：命令说明定时任务是否还会处理，或给出调用 digest 函数的方法。',
    operandHelp: [['键', '搁置条目的键（见列表）；同一键属于多个任务时用 --job 指明']],
    options: [
      { flag: 'all', type: 'boolean', help: '重新处理全部搁置条目（可与 --job 同用）' },
      { flag: 'job', type: 'string', value: '任务', help: '只看某一任务：dispatch（发信）、sweep（巡查）、digest（周报）、bounce（退信记录）' },
      data('数据目录（默认 .sibao）；sibao start 正在该目录运行时直接使用它的数据库'),
      { flag: 'table', type: 'string', value: '表名', help: '已部署堆栈的 DynamoDB 表（堆栈输出 TableName）；不能与 --data 同用' },
      { flag: 'region', type: 'string', value: '区域', help: '与 --table 同用：堆栈所在的 AWS 区域（默认取 AWS_REGION 或 AWS 配置文件）' },
      { flag: 'from', type: 'string', value: '地址', help: '与 --table 同用：发件地址（堆栈输出 MailFrom），经该区域的 SES 补发周报、日报的收件人' },
      json('输出 JSON：列表为 {"setAside":[…]}，重新处理为 {"redriven":[…],"missing":[…],"refused":[…]}'),
    ],
    notes: '退出码：0 成功，1 有键未找到，2 用法错误、数据目录或表不可用、周报或日报（收件人或整周）缺少 --from 未处理。',
  },
];

const BY_NAME = new Map(COMMAND_SPECS.map((c) => [c.name, c]));

export function commandSpec(name: string): CommandSpec {
  const spec = BY_NAME.get(name);
  if (!spec) throw new Error(`no command ${name}`);
  return spec;
}

export function isCommand(name: string): boolean {
  return BY_NAME.has(name);
}

/** The flags a command accepts, for `parseArgs`. */
export function argSpecOf(name: string): ArgSpec {
  return { flags: Object.fromEntries(commandSpec(name).options.map((o) => [o.flag, o.type])) };
}

function optionUsage(o: OptionSpec): string {
  return o.value ? `--${o.flag} ${o.value}` : `--${o.flag}`;
}

/** The usage words after `sibao`: name, operands, then each option (`[--x 值]`, `(--a | --b)`, `--y 值`). */
export function usageWords(spec: CommandSpec): string[] {
  const words = [spec.name, ...(spec.operands ? [spec.operands] : [])];
  const groupsDone = new Set<string>();
  for (const o of spec.options) {
    if (o.oneOf) {
      if (groupsDone.has(o.oneOf)) continue;
      groupsDone.add(o.oneOf);
      words.push(`(${spec.options.filter((x) => x.oneOf === o.oneOf).map(optionUsage).join(' | ')})`);
    } else words.push(o.required ? optionUsage(o) : `[${optionUsage(o)}]`);
  }
  return words;
}

/** Words joined with spaces, broken into lines of at most `width` columns; later lines indented. */
function fill(words: readonly string[], first: string, indent: string, width = HELP_WIDTH): string[] {
  const lines: string[] = [];
  let line = first;
  let bare = first.trim() === '';
  for (const w of words) {
    if (!bare && displayWidth(line) + 1 + displayWidth(w) > width) {
      lines.push(line);
      line = indent + w;
    } else line += (bare ? '' : ' ') + w;
    bare = false;
  }
  lines.push(line);
  return lines;
}

/** Paragraph text with every line kept within `width` columns (long lines wrap). */
function paragraph(text: string, width = HELP_WIDTH): string[] {
  return text.split('\n').flatMap((l) => {
    if (displayWidth(l) <= width) return [l];
    const lead = /^\s*/.exec(l)![0];
    return wrapText(l.slice(lead.length), width - lead.length).map((x) => lead + x);
  });
}

/** `sibao <command> --help`. */
export function commandHelp(name: string): string {
  const spec = commandSpec(name);
  const items: [string, string][] = [...(spec.operandHelp ?? []).map(([a, b]): [string, string] => [a, b]), ...spec.options.map((o): [string, string] => [`--${o.flag}`, o.help])];
  const labelWidth = Math.max(...items.map(([l]) => displayWidth(l)));
  const col = 2 + labelWidth + 2;
  const list = items.flatMap(([label, help]) => {
    const lines = wrapText(help, HELP_WIDTH - col);
    return lines.map((l, i) => (i === 0 ? `  ${pad(label, labelWidth)}  ${l}` : ' '.repeat(col) + l));
  });
  const usage = fill(usageWords(spec), '用法：sibao', ' '.repeat(displayWidth('用法：sibao ') + spec.name.length + 1));
  return [...usage, '', ...paragraph(spec.about), ...list, ...(spec.notes ? paragraph(spec.notes) : [])].join('\n');
}

/** `sibao --help`: every command's full usage (every option) and one line on what it does. */
export function topHelp(): string {
  const blocks = COMMAND_SPECS.map((c) => [...fill(usageWords(c), '  ', '      '), `      ${c.summary}`].join('\n'));
  return [
    'sibao：四保白名单企业（项目）调度工具',
    '',
    '用法：sibao <命令> [参数]',
    '',
    ...blocks,
    '',
    '每个命令加 --help 查看详细说明，例如：sibao validate --help',
    '示例县的数据在 examples/ 中：sibao validate examples/invalid/白名单.csv',
  ].join('\n');
}
