// `sibao digest` and `sibao export` against a running `sibao start` follow the stack's simulated
// clock, not the machine's: a real stack (child process, dynalite and SES emulator on 127.0.0.1)
// started with --clock 2022-06-10T10:00, then both commands as their own processes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../domain/time/time.js';
import { LOCAL_CLOCK_PATH } from '../../local/stack-clock.js';
import { freePort, runSibao, startSibao, type Running } from './cli-child.js';

const dir = mkdtempSync(join(tmpdir(), 'sibao-stack-clock-'));
let stack: Running;
let api: string;

beforeAll(async () => {
  stack = startSibao([
    'start',
    '--memory',
    '--no-demo',
    '--profile',
    'examples/profile',
    '--clock',
    '2022-06-10T10:00',
    '--data',
    dir,
    '--port',
    String(await freePort()),
    '--ses-port',
    String(await freePort()),
  ]);
  await stack.waitFor(/按 Ctrl-C 停止/, 120_000);
  api = (JSON.parse(readFileSync(join(dir, 'stack.json'), 'utf8')) as { api: string }).api;
}, 150_000);

afterAll(async () => {
  stack?.child.kill('SIGINT');
  await stack?.done;
  rmSync(dir, { recursive: true, force: true });
});

describe('commands against a running stack use its clock', () => {
  it('the local server tells its clock at GET /_local/clock', async () => {
    const res = await fetch(`${api}${LOCAL_CLOCK_PATH}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { now: number; iso: string };
    expect(body.iso).toMatch(/^2022-06-10T10:0\d:\d\d/);
    expect(shanghaiDate(body.now)).toBe('2022-06-10');
    // The machine's clock is years later: the two must differ for this test to mean anything.
    expect(shanghaiDate(Date.now())).not.toBe('2022-06-10');
  });

  it('sibao digest: the default week, the period and the footer are the stack’s (June 2022), not today', async () => {
    const text = await runSibao(['digest', '--data', dir]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('2022年第23周（6月6日—6月12日）');
    expect(text.stdout).toMatch(/统计期间：2022年6月6日（周一）0:00 至 2022年6月10日（周五）10:0\d/);
    expect(text.stdout).toMatch(/本周报由系统于 2022年6月10日（周五）10:0\d 自动生成/);
    expect(text.stderr).toMatch(/^2022-W23 周报：未发送/m);

    const json = await runSibao(['digest', '--data', dir, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const model = JSON.parse(json.stdout) as { week: string; generatedAt: number; window: { asOf: string; to: number } };
    expect(model.week).toBe('2022-W23');
    expect(shanghaiDate(model.generatedAt)).toBe('2022-06-10');
    expect(model.window.asOf).toBe('2022-06-10');
  }, 60_000);

  it('sibao export: 统计日 and the export time are the stack’s; --at still wins, in any cell date form', async () => {
    const res = await runSibao(['export', '--data', dir, '--csv', join(dir, 'csv'), '--json']);
    expect(res.code, res.stderr).toBe(0);
    const summary = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as { at: string; exportedAt: string };
    expect(summary.at).toBe('2022-06-10');
    expect(summary.exportedAt).toMatch(/^2022-06-10T10:0\d:\d\d\+08:00$/);
    const coverage = readFileSync(join(dir, 'csv', '覆盖率.csv'), 'utf8');
    expect(coverage).toContain('2022-06-10');

    const at = await runSibao(['export', '--data', dir, '--csv', join(dir, 'csv2'), '--at', '2022年6月6日', '--json']);
    expect(at.code, at.stderr).toBe(0);
    expect((JSON.parse(at.stdout.trim().split('\n').at(-1)!) as { at: string }).at).toBe('2022-06-06');
  }, 60_000);
});
