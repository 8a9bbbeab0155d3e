// Synthetic data and small helpers shared by the benchmarks.
import { createServer } from 'node:net';
import { makeUscc, USCC_CHARSET } from '../domain/rows/uscc.js';

/** A valid, distinct USCC for each i: 91 (enterprise) + 410222 (Tongxu county) + i + 1 in 9 base-31 characters + check. */
export function syntheticUscc(i: number): string {
  let n = i + 1;
  let body = '';
  for (let k = 0; k < 9; k++) {
    body = USCC_CHARSET[n % 31] + body;
    n = Math.floor(n / 31);
  }
  return makeUscc(`91410222${body}`);
}

/** A free TCP port on 127.0.0.1 (for a service started as its own process). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * The configuration tabs of a small county, synced by the coordination class: two classes, three units
 * (the industry bureau with two addresses: two recipients per issue), one industry editor.
 */
export const BENCH_CONFIG = {
  work_class: [
    { row: 2, values: { 专班编码: 'coordination', 名称: '综合协调', 牵头单位: 'U-FGW' } },
    { row: 3, values: { 专班编码: 'industry', 名称: '工业生产', 牵头单位: 'U-GXJ' } },
  ],
  unit: [
    { row: 2, values: { 单位编码: 'U-FGW', 单位名称: '县发展改革委', 类型: '县直部门', 联系邮箱: 'fgw@county.example' } },
    { row: 3, values: { 单位编码: 'U-GXJ', 单位名称: '县工业和信息化局', 类型: '县直部门', 联系邮箱: 'gxj1@county.example；gxj2@county.example' } },
    { row: 4, values: { 单位编码: 'U-CGZ', 单位名称: '城关镇', 类型: '乡镇', 联系邮箱: 'cgz@county.example' } },
  ],
  member: [{ row: 2, values: { 邮箱: 'ind@county.example', 专班编码: 'industry', 角色: '编辑' } }],
} as const;
