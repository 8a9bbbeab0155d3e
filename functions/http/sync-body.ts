// The body of POST /v1/sync checked by hand, not with a schema library: zod/mini cost the api bundle
// 24 KB and ~9 ms of init (its schema built at load) for this one shape (see infra/README.md,
// "Bundle size and init time"). Unknown keys are dropped, strings trimmed, as the schema did; the
// first problem is reported with its field path and a Chinese message.
import { WORK_CLASS_IDS, type WorkClassId } from '../../domain/rows/kinds.js';
import type { JsonCell } from '../ports.js';
import type { SyncRowInput } from '../usecases/sync.js';

export interface SyncBody {
  spreadsheetId: string;
  workClass: WorkClassId;
  /** The kind's name as sent (the caller resolves it). */
  kind: string;
  rows: SyncRowInput[];
}

export type SyncBodyCheck = { ok: true; body: SyncBody } | { ok: false; path: string; message: string };

class Problem {
  constructor(
    readonly path: string,
    readonly message: string,
  ) {}
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(v: unknown, path: string, max?: number): string {
  if (typeof v !== 'string') throw new Problem(path, '应为文本');
  const t = v.trim();
  if (!t) throw new Problem(path, '不能为空');
  if (max !== undefined && t.length > max) throw new Problem(path, `不能超过 ${max} 个字符`);
  return t;
}

function int(v: unknown, path: string, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new Problem(path, `应为不小于 ${min} 的整数`);
  return v;
}

function row(v: unknown, path: string): SyncRowInput {
  if (!isObject(v)) throw new Problem(path, '应为对象');
  const values = v.values;
  if (!isObject(values)) throw new Problem(`${path}.values`, '应为对象');
  const cells: Record<string, JsonCell> = {};
  for (const [k, c] of Object.entries(values)) {
    if (c !== null && typeof c !== 'string' && typeof c !== 'number' && typeof c !== 'boolean') {
      throw new Problem(`${path}.values.${k}`, '应为文本、数字、布尔值或 null');
    }
    cells[k] = c;
  }
  const out: SyncRowInput = { row: int(v.row, `${path}.row`, 2), values: cells };
  if (v.version !== undefined) out.version = int(v.version, `${path}.version`, 1);
  return out;
}

export function checkSyncBody(body: unknown): SyncBodyCheck {
  try {
    if (!isObject(body)) throw new Problem('', '应为对象');
    const spreadsheetId = text(body.spreadsheetId, 'spreadsheetId', 200);
    const workClass = body.workClass;
    if (typeof workClass !== 'string' || !(WORK_CLASS_IDS as readonly string[]).includes(workClass)) {
      throw new Problem('workClass', `应为 ${WORK_CLASS_IDS.join('、')} 之一`);
    }
    const kind = text(body.kind, 'kind');
    if (!Array.isArray(body.rows)) throw new Problem('rows', '应为数组');
    const rows = body.rows.map((r, i) => row(r, `rows.${i}`));
    return { ok: true, body: { spreadsheetId, workClass: workClass as WorkClassId, kind, rows } };
  } catch (e) {
    if (e instanceof Problem) return { ok: false, path: e.path, message: e.message };
    throw e;
  }
}
