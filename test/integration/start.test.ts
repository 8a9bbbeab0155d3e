// `sibao start` as a child process on free ports: the one-shot demo, the data-dir lock, a taken
// port, and a restart on the same data dir that must not send any mail twice.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { displayWidth } from '../../local/format.js';
import { FIGURE_KEYS, FIGURES } from '../../domain/reports/figures.js';
import { freePort, runSibao, startSibao } from './cli-child.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sibao-start-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Summary {
  rows: number;
  issues: number;
  routed: number;
  emailsSent: number;
  digest: string | null;
}

function lastJson(stdout: string): Summary {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines.at(-1)!) as Summary;
}

async function ports(): Promise<string[]> {
  return ['--port', String(await freePort()), '--ses-port', String(await freePort())];
}

describe('sibao start', () => {
  it('start --once --json --memory runs the demo and ends with the summary line', async () => {
    // A temp dir of its own, to see that --memory leaves nothing behind there.
    const tmp = tempDir();
    const data = tempDir();
    const res = await runSibao(['start', '--once', '--json', '--memory', '--data', data, ...(await ports())], { TMPDIR: tmp });
    expect(res.stderr).not.toMatch(/出错|Error/);
    expect(res.code).toBe(0);
    const summary = lastJson(res.stdout);
    expect(Object.keys(summary)).toEqual(['rows', 'issues', 'routed', 'emailsSent', 'digest']);
    expect(summary.rows).toBeGreaterThan(100);
    expect(summary.issues).toBeGreaterThan(0);
    expect(summary.routed).toBe(summary.issues);
    expect(summary.emailsSent).toBeGreaterThanOrEqual(summary.routed);
    // The week ends with its Friday digest, written as a page a person can open.
    expect(summary.digest).toMatch(/2022-W23\.html$/);
    const page = readFileSync(summary.digest as string, 'utf8');
    expect(page).toContain('督办督查周报');
    // The page is kept in the data dir (as without --memory); the system's temp dir is left as it
    // was, apart from the TypeScript loader's own transform cache (tsx-<uid>).
    expect(summary.digest).toBe(join(data, 'digests', '2022-W23.html'));
    // The console's week figures are the digest's: each figure the page shows as a tile, the console
    // prints with the same label and value (the human report goes to stderr with --json).
    const at = res.stderr.indexOf('本周数字（');
    expect(at).toBeGreaterThan(-1);
    const printed = res.stderr.slice(at).split('\n').slice(0, 4).join('\n');
    let compared = 0;
    for (const key of FIGURE_KEYS) {
      const { label, unit } = FIGURES[key];
      const tile = new RegExp(`>${label}</div><div[^>]*>(\\d+) ${unit}<`).exec(page);
      if (!tile) continue;
      expect(printed, key).toMatch(new RegExp(`(?:^|[\\s，：])${label} ${tile[1]} ${unit}`));
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(8);
    for (const line of printed.split('\n')) expect(displayWidth(line), line).toBeLessThanOrEqual(100);
    expect(readdirSync(tmp).filter((f) => !/^tsx-\d+$/.test(f))).toEqual([]);
    expect(page).toContain('白名单覆盖率');
    expect(res.stderr).toMatch(/示例周操作[^\n]*：\n\s+签收 \d+ 次，退回 [1-9]/);
    expect(res.stderr).toMatch(/不满意 [1-9]/);
    expect(res.stderr).toMatch(/指挥部决定（待办队列）：\n\s+检查报备 批准 1、驳回 1（免审批 3），延期申请 同意 1，上报申请 同意 1，共性问题 答复 [1-9] 批/);
    expect(res.stderr).toMatch(/本周升级督办 [1-9]/);
    // The public page's address, and the demo week's 政策找企: pushes and the enterprises' answers
    // (the actions, then the week's figures from the one model).
    expect(res.stderr).toMatch(/惠企政策公示： http:\/\/127\.0\.0\.1:\d+\/p\/policies /);
    expect(res.stderr).toMatch(/政策推送 [1-9]\d* 封/);
    expect(res.stderr).toMatch(/企业答复政策 [1-9]\d* 次/);
    expect(res.stderr).toMatch(/本周政策推送 [1-9]\d* 项，本周企业反馈 [1-9]\d* 条/);
    // The human report (URLs, per-class table, rejections) went to stderr.
    expect(res.stderr).toMatch(/API：\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(res.stderr).toMatch(/邮件查看页：\s+http:\/\/127\.0\.0\.1:\d+\//);
    // Work classes by their Chinese names; rejected rows in tables that fit 100 columns.
    expect(res.stderr).toMatch(/工业生产\s+industry-editor@tongxu\.example\s+\d+\s+[1-9]/);
    expect(res.stderr).toMatch(/uscc_checksum/);
    for (const line of res.stderr.split('\n').filter((l) => /uscc_checksum|number_range|conditional_required/.test(l))) {
      expect(displayWidth(line), line).toBeLessThanOrEqual(100);
    }
  }, 240_000);

  it('a second start on the same data dir is refused with a clear lock message (exit 2); Ctrl-C stops the first cleanly', async () => {
    const dir = tempDir();
    const first = startSibao(['start', '--no-demo', '--profile', 'examples/profile', '--data', dir, ...(await ports())]);
    try {
      await first.waitFor(/按 Ctrl-C 停止/);
      expect(existsSync(join(dir, 'sibao.lock'))).toBe(true);
      const second = await runSibao(['start', '--once', '--no-demo', '--data', dir, ...(await ports())]);
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(new RegExp(`正被另一个 sibao 进程使用（pid ${first.child.pid}`));
      expect(second.stderr).toMatch(/--data/);
    } finally {
      first.child.kill('SIGINT');
    }
    const ended = await first.done;
    expect(ended.code).toBe(0);
    expect(ended.stdout).toMatch(/已停止，数据保存在/);
    expect(existsSync(join(dir, 'sibao.lock'))).toBe(false);
  }, 90_000);

  it('names the flag to change when a port is taken (exit 2)', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const api = await runSibao(['start', '--once', '--memory', '--no-demo', '--data', tempDir(), '--port', String(taken), '--ses-port', String(await freePort())]);
      expect(api.code).toBe(2);
      expect(api.stderr).toMatch(new RegExp(`端口 ${taken} 已被占用.*--port`));
      const ses = await runSibao(['start', '--once', '--memory', '--no-demo', '--data', tempDir(), '--port', String(await freePort()), '--ses-port', String(taken)]);
      expect(ses.code).toBe(2);
      expect(ses.stderr).toMatch(new RegExp(`端口 ${taken} 已被占用.*--ses-port`));
    } finally {
      blocker.close();
    }
  }, 60_000);

  it('a restart on the same data dir duplicates neither rows nor mails', async () => {
    const dir = tempDir();
    const first = await runSibao(['start', '--once', '--json', '--data', dir, ...(await ports())]);
    expect(first.code).toBe(0);
    const a = lastJson(first.stdout);
    expect(a.emailsSent).toBeGreaterThan(0);
    const second = await runSibao(['start', '--once', '--json', '--data', dir, ...(await ports())]);
    expect(second.code).toBe(0);
    const b = lastJson(second.stdout);
    expect(b.rows).toBe(a.rows);
    expect(b.issues).toBe(a.issues);
    expect(b.routed).toBe(a.routed);
    expect(b.emailsSent).toBe(0);
  }, 150_000);

  it('rejects a bad --clock with exit 2', async () => {
    const res = await runSibao(['start', '--once', '--memory', '--clock', '2022-13-01', '--data', tempDir()]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--clock/);
  });
});
