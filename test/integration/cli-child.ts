// Test helper: run `node bin/sibao.mjs …` as a child process and collect its output, and find
// free ports on 127.0.0.1. Used by the start/import integration tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin/sibao.mjs');

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout+stderr contain `pattern` (rejects when the process ends first or after timeoutMs). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  done: Promise<Finished>;
}

export function startSibao(args: string[], env: Record<string, string> = {}): Running {
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
  });
  let stdout = '';
  let stderr = '';
  const watchers: (() => void)[] = [];
  const notify = () => watchers.forEach((w) => w());
  child.stdout!.on('data', (d) => {
    stdout += d;
    notify();
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
    notify();
  });
  const done = new Promise<Finished>((res) => child.on('close', (code, signal) => res({ code, signal, stdout, stderr, ms: Date.now() - t0 })));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((res, rej) => {
        const check = () => {
          if (pattern.test(stdout + stderr)) {
            clearTimeout(timer);
            res();
          }
        };
        const timer = setTimeout(() => rej(new Error(`等待 ${pattern} 超时\nstdout:\n${stdout}\nstderr:\n${stderr}`)), timeoutMs);
        watchers.push(check);
        void done.then((f) => {
          clearTimeout(timer);
          if (!pattern.test(stdout + stderr)) rej(new Error(`进程已退出（${f.code}）而未出现 ${pattern}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        });
        check();
      });
    },
    done,
  };
}

export function runSibao(args: string[], env: Record<string, string> = {}): Promise<Finished> {
  return startSibao(args, env).done;
}

/** A port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}
