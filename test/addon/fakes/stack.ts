// Starts stack-process.ts as a child process and reads its one-line JSON handshake.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface StackProcess {
  apiUrl: string;
  mailViewerUrl: string;
  sesEndpoint: string;
  seeded: { accepted: number; rejected: number };
  tokens: Record<string, string>;
  /** The stack's action key (signs the enterprises' /e/ links in the test). */
  actionSecret: string;
  stop(): Promise<void>;
}

export async function startStackProcess(timeoutMs = 90_000): Promise<StackProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'stack-process.ts')], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += String(d);
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`local stack did not start in ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    rl.once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local stack exited (${code}): ${stderr}`));
    });
  });
  const info = JSON.parse(line) as Omit<StackProcess, 'stop'>;
  return {
    ...info,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.stdin!.end();
      }),
  };
}
