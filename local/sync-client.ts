// The client side of `POST /v1/sync` and `POST /v1/sync/manifest`, used by `sibao import` and the
// demo loader: it pushes a table's rows in batches of at most 500, exactly as the add-on does, and
// collects the answers; then (import) says which rows are all the rows of the tab.
// An API that cannot be reached, refuses the token (401) or the class (403) is `SyncUnusableError`
// (exit 2); per-row rejections are ordinary results.
import type { RowKind, WorkClassId } from '../domain/rows/kinds.js';
import type { RawRow, RowError } from '../domain/rows/types.js';
import { jsonCell, type ManifestOutcome, type SyncPort } from '../functions/usecases/import-tables.js';

export const MAX_BATCH_ROWS = 500;

export class SyncUnusableError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = 'SyncUnusableError';
    this.code = code;
  }
}

export interface SyncRowResult {
  row: number;
  ok: boolean;
  id?: string;
  version?: number | string;
  errors?: RowError[];
  warnings?: { column?: string; code: string; message: string }[];
  writeBack?: Record<string, unknown>;
  /** Anything else the API adds (status, conflict …). */
  [extra: string]: unknown;
}

export interface PushOptions {
  api: string;
  token: string;
  spreadsheetId: string;
  workClass: WorkClassId | string;
  kind: RowKind;
  rows: readonly RawRow[];
  /** The table's header row: the server checks it as the CLI does. */
  headers?: readonly string[];
  batchSize?: number;
  /** Called after each batch with the rows done so far. */
  onBatch?: (done: number, results: readonly SyncRowResult[]) => void;
}

export interface PushResult {
  results: SyncRowResult[];
  accepted: number;
  rejected: number;
}

export { jsonCell };

function describeFetchError(api: string, err: unknown): SyncUnusableError {
  const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
  return new SyncUnusableError(
    `无法连接 API ${api}（${cause}）。本机使用时请先在另一个终端运行 npm start（即 sibao start），或用 --api 指定地址。`,
    'api_unreachable',
  );
}

/** `GET /healthz`; throws SyncUnusableError when nothing answers. */
export async function checkApi(api: string, timeoutMs = 5_000): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${api}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw describeFetchError(api, err);
  }
  if (!res.ok) throw new SyncUnusableError(`API ${api} 的健康检查返回 ${res.status}：地址可能不是 sibao 的 API`, 'api_unhealthy');
}

/**
 * The Chinese message of an error answer: the API's `{"error":{"code","message"}}`, the local
 * server's `{"error","message"}`, else the text itself (never `[object Object]`).
 */
export function errorMessageOf(text: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text.slice(0, 300);
  }
  const b = (body ?? {}) as { message?: unknown; error?: unknown };
  const e = b.error as { message?: unknown; code?: unknown } | string | undefined;
  const nested = e && typeof e === 'object' ? e : undefined;
  const message = [nested?.message, b.message].find((m): m is string => typeof m === 'string' && m.trim() !== '');
  const code = [nested?.code, typeof e === 'string' ? e : undefined].find((c): c is string => typeof c === 'string' && c !== '');
  if (message) return code ? `${message}（${code}）` : message;
  if (code) return code;
  return text.slice(0, 300);
}

async function errorText(res: Response): Promise<string> {
  return errorMessageOf(await res.text().catch(() => ''));
}

export async function pushRows(opts: PushOptions): Promise<PushResult> {
  const size = Math.min(opts.batchSize ?? MAX_BATCH_ROWS, MAX_BATCH_ROWS);
  const results: SyncRowResult[] = [];
  for (let i = 0; i < opts.rows.length; i += size) {
    const batch = opts.rows.slice(i, i + size);
    const body = JSON.stringify({
      spreadsheetId: opts.spreadsheetId,
      workClass: opts.workClass,
      kind: opts.kind,
      ...(opts.headers ? { headers: opts.headers } : {}),
      rows: batch.map((r) => ({ row: r.row, values: Object.fromEntries(Object.entries(r.values).map(([k, v]) => [k, jsonCell(v)])) })),
    });
    let res: Response;
    try {
      res = await fetch(`${opts.api}/v1/sync`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token}` },
        body,
      });
    } catch (err) {
      throw describeFetchError(opts.api, err);
    }
    if (res.status === 401) throw new SyncUnusableError(`API 拒绝了身份令牌（401）：${await errorText(res)}`, 'unauthorized');
    if (res.status === 403) throw new SyncUnusableError(`无权写入（403）：${await errorText(res)}`, 'forbidden');
    if (!res.ok) throw new SyncUnusableError(`API 返回 ${res.status}：${await errorText(res)}`, 'api_error');
    const answer = (await res.json()) as { results?: SyncRowResult[] };
    if (!Array.isArray(answer.results)) throw new SyncUnusableError('API 的回答缺少 results 字段', 'api_error');
    results.push(...answer.results);
    opts.onBatch?.(Math.min(i + size, opts.rows.length), answer.results);
  }
  const accepted = results.filter((r) => r.ok).length;
  return { results, accepted, rejected: results.length - accepted };
}

/** The sync port of `sibao import`: one `POST /v1/sync` per batch, as the add-on sends it. */
export function httpSyncPort(api: string, token: string): SyncPort {
  return {
    async sync(batch) {
      const pushed = await pushRows({ api, token, spreadsheetId: batch.spreadsheetId, workClass: batch.workClass, kind: batch.kind, rows: batch.rows, headers: batch.headers });
      return pushed.results.map((r) => ({ ...r, id: r.id ?? null, outcome: typeof r.outcome === 'string' ? r.outcome : undefined }));
    },
    manifest: (m) => sendManifest({ api, token, ...m }),
  };
}

export interface ManifestOptions {
  api: string;
  token: string;
  spreadsheetId: string;
  workClass: WorkClassId | string;
  kind: RowKind;
  /** The ids of every row of the tab. */
  ids: readonly string[];
  confirmDeletions?: boolean;
}

export type ManifestAnswer = ManifestOutcome;

/** `POST /v1/sync/manifest`: "these are all the rows of this tab". */
export async function sendManifest(opts: ManifestOptions): Promise<ManifestAnswer> {
  let res: Response;
  try {
    res = await fetch(`${opts.api}/v1/sync/manifest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token}` },
      body: JSON.stringify({
        spreadsheetId: opts.spreadsheetId,
        workClass: opts.workClass,
        kind: opts.kind,
        ids: opts.ids,
        ...(opts.confirmDeletions ? { confirmDeletions: true } : {}),
      }),
    });
  } catch (err) {
    throw describeFetchError(opts.api, err);
  }
  if (res.status === 401) throw new SyncUnusableError(`API 拒绝了身份令牌（401）：${await errorText(res)}`, 'unauthorized');
  if (res.status === 403) throw new SyncUnusableError(`无权删除（403）：${await errorText(res)}`, 'forbidden');
  if (res.status === 409) {
    const b = (await res.json()) as { error?: { code?: string; message?: string }; live?: number; wouldDelete?: number; refused?: ManifestAnswer['refused'] };
    if (b.error?.code !== 'mass_delete') throw new SyncUnusableError(`API 返回 409：${b.error?.message ?? ''}`, 'api_error');
    return { applied: false, deleted: 0, kept: b.live ?? 0, deletedIds: [], refused: b.refused ?? [], message: b.error.message, live: b.live, wouldDelete: b.wouldDelete };
  }
  if (!res.ok) throw new SyncUnusableError(`API 返回 ${res.status}：${await errorText(res)}`, 'api_error');
  const b = (await res.json()) as Partial<ManifestAnswer>;
  return { applied: true, deleted: b.deleted ?? 0, kept: b.kept ?? 0, deletedIds: b.deletedIds ?? [], refused: b.refused ?? [] };
}
