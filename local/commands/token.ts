// `sibao token --as EMAIL [--data DIR] [--ttl SECONDS]`: a bearer token from the local dev issuer,
// for curl or a local add-on test. Local stack only: the issuer's key lives in the data directory.
import { loadOrCreateDevIssuer } from '../../functions/adapters/dev-issuer.js';
import { boolFlag, parseArgs, stringFlag, UsageError } from '../args.js';
import { argSpecOf, commandHelp } from './spec.js';
import { dataDirOf, hasDevIssuer } from '../data-dir.js';

export const HELP = commandHelp('token');

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function requireEmail(value: string | undefined, flag = '--as'): string {
  if (!value) throw new UsageError(`请用 ${flag} 给出成员邮箱，例如：${flag} industry.editor@tongxu.example`, 'missing_as');
  const email = value.trim().toLowerCase();
  if (!EMAIL_RE.test(email)) throw new UsageError(`${flag} 的取值“${value}”不是有效的邮箱地址`, 'email');
  return email;
}

export function requireIssuerDir(dataDir: string): void {
  if (!hasDevIssuer(dataDir)) {
    throw new UsageError(
      `数据目录 ${dataDir} 中没有本机签发密钥：本机服务从未在这里运行过。请先运行 npm start（或 sibao start --data ${dataDir}），再签发令牌。`,
      'no_dev_issuer',
    );
  }
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, argSpecOf('token'));
  if (boolFlag(args, 'help')) {
    console.log(HELP);
    return 0;
  }
  if (args.positionals.length) throw new UsageError(`sibao token 不接受参数：${args.positionals.join(' ')}`);
  const email = requireEmail(stringFlag(args, 'as'));
  const ttlText = stringFlag(args, 'ttl');
  const ttl = ttlText === undefined ? 3600 : Number(ttlText);
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > 7 * 86_400) throw new UsageError(`--ttl 应为 1 到 604800 之间的整数秒，收到“${ttlText}”`, 'number');
  const dataDir = dataDirOf(stringFlag(args, 'data'));
  requireIssuerDir(dataDir);
  const issuer = await loadOrCreateDevIssuer(dataDir);
  process.stdout.write(`${await issuer.issue(email, ttl)}\n`);
  return 0;
}
