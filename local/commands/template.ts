// `sibao template (--kind KIND | --class CLASS) --out FILE.xlsx`: an empty workbook with the exact
// headers, a note on each header, dropdowns for enumerated columns, a frozen header row and grey
// system columns.

import { CLASS_KINDS, CLASS_SECTOR, KINDS, WORK_CLASSES, WORK_CLASS_IDS, kindFromName, type RowKind, type WorkClassId } from '../../domain/rows/kinds.js';
import { boolFlag, parseArgs, stringFlag, UsageError } from '../args.js';
import { argSpecOf, commandHelp } from './spec.js';
import { writeTemplate } from '../template.js';

export const HELP = commandHelp('template');

function classFromName(name: string): WorkClassId | undefined {
  const n = name.trim();
  return WORK_CLASS_IDS.find((id) => id === n) ?? WORK_CLASSES.find((c) => c.name === n)?.id;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, argSpecOf('template'));
  if (boolFlag(args, 'help')) {
    console.log(HELP);
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`多余的参数：${args.positionals.join(' ')}`);
  const kindText = stringFlag(args, 'kind');
  const classText = stringFlag(args, 'class');
  const out = stringFlag(args, 'out');
  if ((kindText === undefined) === (classText === undefined)) throw new UsageError('请给出 --kind 或 --class 之一');
  if (!out) throw new UsageError('请用 --out 指定输出文件，例如 --out 白名单模板.xlsx');
  if (!out.toLowerCase().endsWith('.xlsx')) throw new UsageError(`输出文件应以 .xlsx 结尾：${out}`);
  let kinds: readonly RowKind[];
  let sector;
  if (kindText !== undefined) {
    const kind = kindFromName(kindText);
    if (!kind) throw new UsageError(`未知的数据类型：${kindText}。可用：${Object.values(KINDS).map((k) => `${k.kind}（${k.tab}）`).join('、')}`, 'unknown_kind');
    kinds = [kind];
  } else {
    const cls = classFromName(classText!);
    if (!cls) throw new UsageError(`未知的工作专班：${classText}。可用：${WORK_CLASSES.map((c) => `${c.id}（${c.name}）`).join('、')}`, 'unknown_class');
    kinds = CLASS_KINDS[cls];
    sector = CLASS_SECTOR[cls];
    if (kinds.length === 0) throw new UsageError(`工作专班 ${classText} 只读，没有自己的工作表`, 'unknown_class');
  }
  try {
    await writeTemplate(kinds, out, { sector });
  } catch (err) {
    throw new UsageError(`无法写入 ${out}：${(err as Error).message}`, 'file_write');
  }
  console.log(`已生成模板 ${out}：${kinds.map((k) => KINDS[k].tab).join('、')}`);
  return 0;
}
