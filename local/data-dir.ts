// Where the embedded stack keeps its state, and what a running stack tells other commands:
// `<dataDir>/stack.json` holds the URLs and pid of the stack that runs there (removed on stop), so
// `sibao import` finds the API without flags. Nothing in it is readable by other users: the directory
// is 0700 (created so, or tightened when it is recognisably sibao's), the files 0600.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pidAlive } from './lock.js';

export const DEFAULT_DATA_DIR = '.sibao';
export const DEV_ISSUER_FILE = 'dev-issuer.json';
const STACK_FILE = 'stack.json';

export interface StackInfo {
  pid: number;
  api: string;
  mail: string;
  memory: boolean;
  startedAt: string;
  /** Endpoints of the stack's dynalite and SES emulator and its table: `sibao digest` uses them while the stack runs. */
  dynamo?: string;
  ses?: string;
  table?: string;
}

export function dataDirOf(flag: string | undefined): string {
  return resolve(flag ?? process.env.SIBAO_DATA ?? DEFAULT_DATA_DIR);
}

/** Files only sibao puts in a data directory: their presence makes it safe to tighten its mode. */
const SIBAO_MARKERS = ['dynamodb', DEV_ISSUER_FILE, 'action-secret', 'sibao.lock', STACK_FILE];

/**
 * Create the data directory 0700, or tighten an existing one that holds sibao's files (a directory of
 * someone else's, say `--data .`, is left alone: its sibao files are 0600 and `dynamodb/` is 0700).
 */
export function secureDataDir(dataDir: string): void {
  const dir = resolve(dataDir);
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    return;
  }
  const loose = (statSync(dir).mode & 0o077) !== 0;
  if (loose && SIBAO_MARKERS.some((m) => existsSync(join(dir, m)))) chmodSync(dir, 0o700);
}

export function hasDevIssuer(dataDir: string): boolean {
  return existsSync(join(dataDir, DEV_ISSUER_FILE));
}

export function writeStackInfo(dataDir: string, info: StackInfo): () => void {
  const path = join(dataDir, STACK_FILE);
  writeFileSync(path, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return () => {
    const current = readStackInfo(dataDir, false);
    if (current && current.pid === info.pid && current.api === info.api) rmSync(path, { force: true });
  };
}

/** The stack running on this data dir, if its process still lives (or `liveOnly` is false). */
export function readStackInfo(dataDir: string, liveOnly = true): StackInfo | null {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, STACK_FILE), 'utf8')) as StackInfo;
    if (typeof info.api !== 'string' || typeof info.pid !== 'number') return null;
    if (liveOnly && !pidAlive(info.pid)) return null;
    return info;
  } catch {
    return null;
  }
}
