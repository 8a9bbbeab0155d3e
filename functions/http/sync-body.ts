// The bodies of POST /v1/sync and POST /v1/sync/manifest checked by hand, not with a schema library: zod/mini cost the api bundle
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
  /** The tab's header row as read (checked by domain/rows/headers.ts). */
  headers?: string[];
}

/** Ids in one manifest (a tab's rows); the body limit (6 MB) comes first for long ids. */
export const MAX_MANIFEST_IDS = 200_000;

export interface ManifestBody {
  spreadsheetId: string;
  workClass: WorkClassId;
  /** The kind's name as sent (the caller resolves it). */
  kind: string;
  ids: string[];
  confirmDeletions?: boolean;
}

type Checked<T> = { ok: true; body: T } | { ok: false; path: string; message: string };
export type SyncBodyCheck = Checked<SyncBody>;
export type ManifestBodyCheck = Checked<ManifestBody>;

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

/** An array of strings of at most `maxLen` characters each (kept as sent), at most `maxItems` of them. */
function strings(v: unknown, path: string, maxItems: number, maxLen: number): string[] {
  if (!Array.isArray(v)) throw new Problem(path, '应为数组');
  if (v.length > maxItems) throw new Problem(path, `不能超过 ${maxItems} 项`);
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'string') throw new Problem(`${path}.${i}`, '应为文本');
    if (v[i].length > maxLen) throw new Problem(`${path}.${i}`, `不能超过 ${maxLen} 个字符`);
  }
  return v as string[];
}

/** The fields every body names its tab by. */
function tab(body: Record<string, unknown>): { spreadsheetId: string; workClass: WorkClassId; kind: string } {
  const spreadsheetId = text(body.spreadsheetId, 'spreadsheetId', 200);
  const workClass = body.workClass;
  if (typeof workClass !== 'string' || !(WORK_CLASS_IDS as readonly string[]).includes(workClass)) {
    throw new Problem('workClass', `应为 ${WORK_CLASS_IDS.join('、')} 之一`);
  }
  return { spreadsheetId, workClass: workClass as WorkClassId, kind: text(body.kind, 'kind') };
}

function checked<T>(body: unknown, read: (body: Record<string, unknown>) => T): Checked<T> {
  try {
    if (!isObject(body)) throw new Problem('', '应为对象');
    return { ok: true, body: read(body) };
  } catch (e) {
    if (e instanceof Problem) return { ok: false, path: e.path, message: e.message };
    throw e;
  }
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
  return checked(body, (b) => {
    const head = tab(b);
    if (!Array.isArray(b.rows)) throw new Problem('rows', '应为数组');
    const rows = b.rows.map((r, i) => row(r, `rows.${i}`));
    return { ...head, rows, ...(b.headers !== undefined ? { headers: strings(b.headers, 'headers', 200, 200) } : {}) };
  });
}

export function checkManifestBody(body: unknown): ManifestBodyCheck {
  return checked(body, (b) => {
    const head = tab(b);
    const ids = strings(b.ids, 'ids', MAX_MANIFEST_IDS, 300);
    if (b.confirmDeletions !== undefined && typeof b.confirmDeletions !== 'boolean') throw new Problem('confirmDeletions', '应为布尔值');
    return { ...head, ids, ...(b.confirmDeletions !== undefined ? { confirmDeletions: b.confirmDeletions } : {}) };
  });
}
