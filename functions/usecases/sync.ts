// The sync use case behind POST /v1/sync: re-validate the rows (the server is authoritative), store
// each valid row with a version and a content hash (an identical resend changes nothing; a stale
// version is a conflict, never overwritten), route new issues and record their notifications in the
// same item write, and rebuild the profile when configuration tabs change.
//
// Rows are isolated from each other: a row the store refuses (an item too large: `row_too_large`) or
// that fails unexpectedly (`not_saved`, counted as ApiUnexpectedErrors) is answered with its own
// Chinese error and never stops the valid rows of its batch; an invalid row uses no issue number
// (numbers are claimed only for rows that passed validation, right before their write).
// Every row is identified whatever its position (domain/rows/identity.ts: 编号 → `_标识` → natural
// key → fingerprint), so a file re-synced sorted differently, or with rows inserted above, creates
// nothing and mails nothing. Headers spelled differently from their column are read as the column
// (domain/rows/headers.ts); with `headers` the request is refused whole on unknown_header /
// missing_header. Every create, update and restore leaves a history entry (domain/rows/history.ts)
// in its own item; syncing a deleted row restores it. An edit of a routed issue is applied as the
// domain says (domain/issues/edits.ts: 改派 or 改派申请, escalation, 补充说明) and explained in 处理说明.
import { escalationCell, unitCell, unitNameOf } from '../../domain/issues/sheet-cells.js';
import { createHash, randomUUID } from 'node:crypto';
import { CLASS_SECTOR, CONFIG_KINDS, KINDS, type RowKind, type WorkClassId } from '../../domain/rows/kinds.js';
import { createCalendar } from '../../domain/time/calendar.js';
import { editRoutedIssue } from '../../domain/issues/edits.js';
import { createIssueRecord, currentAssignment, URGENCY_PENDING } from '../../domain/issues/lifecycle.js';
import { checkHeaders, isIgnoredHeader, renameCells, type HeaderProblem } from '../../domain/rows/headers.js';
import { rowChanges, type HistoryEntry, type HistoryOp } from '../../domain/rows/history.js';
import { FINGERPRINT_PREFIX, fingerprintOf, rowIdentity, SYSTEM_NUMBER_RE } from '../../domain/rows/identity.js';
import { buildProfile } from '../../domain/rows/profile.js';
import { routeIssue, RoutingError } from '../../domain/issues/routing.js';
import { shanghaiDate } from '../../domain/time/time.js';
import type { FindingRow, ShutdownRow, IssueRow, Profile, RawRow, RowError, RowOf, RowResult, RowWarning } from '../../domain/rows/types.js';
import { cleanCells } from '../../domain/rows/limits.js';
import { validateRows, type ValidationContext } from '../../domain/rows/validate.js';
import { errorInfo, isVersionedKind, noMetrics, StoreError, type Clock, type JsonCell, type Log, type OpsMetrics, type ProfileRecord, type RowRecord, type ApiStore, type StoredIssue } from '../ports.js';
import { COMMAND_ROLE, type Access, type ProfileCache } from './access.js';
import { conditionalUpdate } from './conditional-update.js';
import { HistoryDrain } from './history.js';
import { ensureIdentityUpgrade } from './identity-upgrade.js';
import { pool } from './isolation.js';
import { registerInspections } from './inspections.js';
import { openDecision, reassignRequestDecision } from './decisions.js';
import { registerWriteBacks } from './register-sync.js';

export interface SyncRowInput {
  row: number;
  values: Record<string, JsonCell>;
  version?: number;
}

export interface SyncRequest {
  spreadsheetId: string;
  workClass: WorkClassId;
  kind: RowKind;
  rows: SyncRowInput[];
  /** The tab's header row (the add-on and `sibao import` send it): checked like the CLI checks it. */
  headers?: string[];
}

export type SyncOutcome = 'created' | 'updated' | 'unchanged' | 'conflict' | 'invalid';

export interface SyncRowResult {
  row: number;
  ok: boolean;
  /** The stored row's key (编号 for issues), null when nothing was stored. */
  id: string | null;
  version: number | null;
  outcome: SyncOutcome;
  errors: RowError[];
  warnings: RowWarning[];
  /** System columns to write back into the sheet, by Chinese header. */
  writeBack: Record<string, string>;
}

export interface SyncDeps {
  store: ApiStore;
  clock: Clock;
  /** Rows that fail unexpectedly are logged here and counted (ApiUnexpectedErrors). */
  log?: Log;
  metrics?: OpsMetrics;
}

export interface SyncContext {
  email: string;
  profile: Profile | null;
}

/** Outcome of a whole sync call. */
export interface SyncResponse {
  results: SyncRowResult[];
  /** Set when configuration rows changed and the profile was rebuilt. */
  profile?: ProfileRecord;
  /** Header warnings of the tab (`extra_column`, once per header). */
  warnings?: HeaderProblem[];
}

/** The header row makes the tab unusable (unknown_header, missing_header): nothing was stored. */
export class HeaderRefused extends Error {
  readonly code: string;
  constructor(readonly problems: HeaderProblem[]) {
    super(problems.map((p) => p.message).join('；'));
    this.name = 'HeaderRefused';
    this.code = problems[0]?.code ?? 'unknown_header';
  }
}

const MAX_ATTEMPTS = 4;
const CONCURRENCY = 8;

/** Deterministic JSON (object keys sorted) for hashing. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

/** Content hash: the normalised row plus any extra (non-contract) columns, which are kept too. */
export function contentHash(kind: RowKind, value: unknown, values: Record<string, JsonCell>): string {
  const { known } = headerSets(kind);
  const extras: Record<string, JsonCell> = {};
  for (const [h, v] of Object.entries(values)) {
    if (!known.has(h) && v !== null && String(v).trim() !== '') extras[h] = typeof v === 'string' ? v.trim() : v;
  }
  return createHash('sha256').update(stableJson({ value, extras })).digest('base64url');
}

/**
 * The cells worth keeping: system columns are written by the product and ignored on input, the
 * add-on's hidden `_` columns and 序号/行号 are not content; text is stored without the control
 * characters validation warned about (domain/rows/limits.ts).
 */
function inputValues(kind: RowKind, values: Record<string, JsonCell>): Record<string, JsonCell> {
  const { system } = headerSets(kind);
  const out: Record<string, JsonCell> = {};
  for (const [h, v] of Object.entries(cleanCells(values).values)) if (!system.has(h) && !isIgnoredHeader(h)) out[h] = v;
  return out;
}

/** An issue item keeps its row once (SPEC §7.8): the contract columns live in record.issue, here only the extra ones. */
function extraValues(values: Record<string, JsonCell>): Record<string, JsonCell> {
  const { known } = headerSets('issue');
  const out: Record<string, JsonCell> = {};
  for (const [h, v] of Object.entries(values)) if (!known.has(h)) out[h] = v;
  return out;
}

/**
 * The answer for a row whose write failed: `row_too_large` when the store refused the item's size,
 * else `not_saved` (logged and counted: an unexpected error). The other rows are not affected.
 */
function rowFailure(deps: SyncDeps, base: SyncRowResult, err: unknown, kind: RowKind): SyncRowResult {
  if (err instanceof StoreError && err.code === 'item_too_large') {
    return { ...base, ok: false, outcome: 'invalid', errors: [{ column: '', code: 'row_too_large', message: '该行内容过大，超过存储上限，未保存；请精简各列文字后重新同步' }] };
  }
  (deps.metrics ?? noMetrics).put('ApiUnexpectedErrors', 1);
  deps.log?.error('sync row failed', { kind, row: base.row, error: errorInfo(err) });
  return {
    ...base,
    ok: false,
    outcome: 'conflict',
    errors: [{ column: '', code: 'not_saved', message: '服务器暂时无法保存该行（本批其他行不受影响），请稍后重新同步；如持续出现请联系县政务服务和大数据局' }],
  };
}

/**
 * The header row of the request checked (SPEC §7.8): cells under a folded spelling of a column are
 * moved under the column's name. With `headers`, unknown_header / missing_header refuse the whole
 * request (HeaderRefused); without, only the renaming is done (older clients).
 */
function checkRequestHeaders(req: SyncRequest): { rows: SyncRowInput[]; warnings: HeaderProblem[] } {
  const headers = req.headers ?? [...new Set(req.rows.flatMap((r) => Object.keys(r.values)))];
  const check = checkHeaders(req.kind, headers);
  if (req.headers && check.errors.length > 0) throw new HeaderRefused(check.errors);
  const rows = check.rename.size === 0 ? req.rows : req.rows.map((r) => ({ ...r, values: renameCells(r.values, check.rename) }));
  return { rows, warnings: req.headers ? check.warnings : [] };
}

/** One history entry of a row write. */
function historyEntry(req: SyncRequest, email: string, key: string, revision: number, op: HistoryOp, changes: HistoryEntry['changes'], now: number): HistoryEntry {
  return { kind: req.kind, key, revision, at: now, by: email, source: req.spreadsheetId, op, changes };
}

/** `write()` of one row, its failure answered as that row's error. */
async function isolated(deps: SyncDeps, base: SyncRowResult, kind: RowKind, write: () => Promise<SyncRowResult>): Promise<SyncRowResult> {
  try {
    return await write();
  } catch (err) {
    return rowFailure(deps, base, err, kind);
  }
}

const conflictError = (found: number | null): RowError => ({
  column: '',
  code: 'version_conflict',
  message: `该行已被他人更新（服务器版本 ${found ?? '?'}），本次修改未保存；请先同步获取最新内容后再修改`,
});

const ownerError = (owner: string): RowError => ({
  column: '',
  code: 'owned_by_other_class',
  message: `该行（同一编号或代码）已由「${owner}」专班登记，不能在本表覆盖；请核对后联系综合协调专班`,
});

/** The system columns of an issue row as the sheet shows them (write-back, and GET /v1/issues/{id}). */
export function issueWriteBack(s: StoredIssue, profile: Profile | null): Record<string, string> {
  const r = s.record;
  const a = currentAssignment(r);
  return {
    编号: r.id,
    责任单位: unitCell(a, unitNameOf(profile)),
    状态: r.status,
    签收时限: a?.signBy ?? '',
    办结时限: a?.resolveBy ?? '',
    办理结果: r.result ?? '',
    回访结果: r.followUp ?? '',
    升级情况: escalationCell(r),
    处理说明: s.explanation ?? '',
  };
}

/** Per-kind header sets, built once (contentHash and inputValues run for every row). */
const HEADER_SETS = new Map<RowKind, { known: ReadonlySet<string>; system: ReadonlySet<string> }>();
function headerSets(kind: RowKind) {
  let sets = HEADER_SETS.get(kind);
  if (!sets) {
    sets = { known: new Set(KINDS[kind].headers), system: new Set(KINDS[kind].system) };
    HEADER_SETS.set(kind, sets);
  }
  return sets;
}

/** A valid plain row with what its write needs, computed once. */
interface PlannedRow {
  /** Index of the row in the request. */
  i: number;
  input: SyncRowInput;
  v: RowResult;
  /** The normalised row. */
  value: RowOf<RowKind>;
  key: string;
  values: Record<string, JsonCell>;
  hash: string;
}

/**
 * The whitelist codes issue rows refer to that are on the whitelist. One validation pass records
 * the codes the validator asks about (answering "known", so no warnings), one consistent batch read
 * looks up exactly those keys; the caller then validates with the answer. Replaces a read of every
 * whitelist key per sync call.
 */
async function knownCodesOf(store: ApiStore, raw: readonly RawRow[], vctx: ValidationContext): Promise<ReadonlySet<string>> {
  const asked = new Set<string>();
  const recorder = new (class extends Set<string> {
    override has(code: string): boolean {
      asked.add(code);
      return true;
    }
  })();
  validateRows('issue', raw, { ...vctx, knownCodes: recorder });
  if (asked.size === 0) return asked;
  return new Set((await store.getRows('whitelist', [...asked])).keys());
}

/** The answer for a validated row before anything is stored. */
function answerOf(v: RowResult): SyncRowResult {
  return { row: v.row, ok: v.ok, id: null, version: null, outcome: v.ok ? 'unchanged' : 'invalid', errors: v.errors, warnings: v.warnings, writeBack: {} };
}

/** The rows that passed validation, with their normalised value and their index in the request. */
function okRows<T>(validated: readonly RowResult<T>[]): { v: RowResult<T>; value: T; i: number }[] {
  const out: { v: RowResult<T>; value: T; i: number }[] = [];
  validated.forEach((v, i) => {
    if (v.ok && v.value !== undefined) out.push({ v, value: v.value, i });
  });
  return out;
}

export async function syncRows(deps: SyncDeps, ctx: SyncContext, request: SyncRequest): Promise<SyncResponse> {
  const { store, clock } = deps;
  const checked = checkRequestHeaders(request);
  const req: SyncRequest = { ...request, rows: checked.rows };
  const headerWarnings = checked.warnings.length > 0 ? { warnings: checked.warnings } : {};
  const { kind, workClass } = req;
  await ensureIdentityUpgrade(deps);
  const now = clock.now();
  const profile = ctx.profile;

  const vctx: ValidationContext = {};
  if (profile) vctx.profile = profile;
  // Columns marked ownSector (whitelist, shutdown) must name the class's own sector.
  vctx.sector = CLASS_SECTOR[workClass];
  vctx.today = shanghaiDate(now);

  const raw: RawRow[] = req.rows.map((r) => ({ row: r.row, values: r.values }));
  if (kind === 'issue') {
    vctx.knownCodes = await knownCodesOf(store, raw, vctx);
    const validated = validateRows('issue', raw, vctx);
    const results = validated.map(answerOf);
    const drain = new HistoryDrain(store);
    await pool(okRows(validated), CONCURRENCY, async ({ v, value, i }) => {
      results[i] = await isolated(deps, results[i], kind, () => upsertIssue(deps, ctx, req, req.rows[i], v, value, results[i], now, drain));
    });
    return { results, ...headerWarnings };
  }
  // Config kinds are validated without the profile they are about to change.
  const validated = validateRows(kind, raw, CONFIG_KINDS.includes(kind) ? {} : vctx);
  const results = validated.map(answerOf);
  const valid = okRows(validated);

  await syncPlainRows(deps, ctx, req, valid, results, now);
  if (kind === 'inspection') await writeBackInspections(deps, ctx, req, valid, results, now);
  if (kind === 'shutdown' || kind === 'finding') {
    // 编号 and 状态 of the seed's registers (usecases/registers.ts), written back with the row.
    const stored = valid.filter(({ i }) => results[i].ok && results[i].id);
    const wb = await registerWriteBacks(store, profile, kind, stored.map(({ value, i }) => ({ key: results[i].id!, value: value as ShutdownRow | FindingRow, cells: req.rows[i].values })), now);
    for (const { i } of stored) results[i] = { ...results[i], writeBack: { ...results[i].writeBack, ...wb.get(results[i].id!) } };
  }
  // After the rows: coverage sums kept under an older version are summed again (queries.ts
  // coverageAt). Once per call that wrote, not per row. (A call that dies between its rows and this
  // bump leaves the day's kept sums without those rows until the next whitelist write or day.)
  if (isVersionedKind(kind) && results.some((r) => r.outcome === 'created' || r.outcome === 'updated')) await store.bumpRowsVersion(kind);

  let rebuilt: ProfileRecord | undefined;
  if (CONFIG_KINDS.includes(kind) && results.some((r) => r.outcome === 'created' || r.outcome === 'updated')) {
    rebuilt = await rebuildProfile(store, ctx.email, now);
  }
  return { results, ...(rebuilt ? { profile: rebuilt } : {}), ...headerWarnings };
}

/**
 * Plain rows (every kind but issues) in bulk: one consistent batch read of the existing items, then
 * unchanged rows answered without a write, conflicts reported, updates as conditional puts on the
 * item revision (CONCURRENCY in flight), new rows as one batch create read back to learn which
 * writes stayed (see dynamodb-store.ts for the race decision; configuration kinds create with
 * conditional puts instead). Fills `results` in place.
 */
async function syncPlainRows(
  deps: SyncDeps,
  ctx: SyncContext,
  req: SyncRequest,
  valid: readonly { v: RowResult; value: RowOf<RowKind>; i: number }[],
  results: SyncRowResult[],
  now: number,
): Promise<void> {
  const { store } = deps;
  const writeId = randomUUID();
  const planned: PlannedRow[] = [];
  const repeats: PlannedRow[] = [];
  const keys = new Set<string>();
  /** The history entries of the items this call replaces go to their own items first. */
  const drain = new HistoryDrain(store);
  for (const { v, value, i } of valid) {
    const input = req.rows[i];
    const key = rowIdentity(req.kind, input.values).id;
    const values = inputValues(req.kind, input.values);
    const p: PlannedRow = { i, input, v, value, key, values, hash: contentHash(req.kind, value, values) };
    // Two rows of one batch on one key (no uniqueness rule caught it): the later ones go one by one.
    if (keys.has(key)) repeats.push(p);
    else {
      keys.add(key);
      planned.push(p);
    }
  }

  const existing = await store.getRows(req.kind, [...keys]);
  const creates: PlannedRow[] = [];
  const updates: { p: PlannedRow; current: RowRecord }[] = [];
  for (const p of planned) {
    const current = existing.get(p.key);
    if (!current) creates.push(p);
    else {
      const decided = decideExisting(req, p, current, results[p.i]);
      if (decided) results[p.i] = decided;
      else updates.push({ p, current });
    }
  }

  const createAll = async () => {
    if (creates.length === 0) return;
    if (CONFIG_KINDS.includes(req.kind)) {
      // Configuration rows feed authorisation and routing: no last-writer-wins window for them.
      await pool(creates, CONCURRENCY, async (p) => {
        results[p.i] = await isolated(deps, results[p.i], req.kind, () => upsertRow(deps, ctx, req, p, null, results[p.i], now, writeId, drain));
      });
      return;
    }
    try {
      await store.putNewRows(creates.map((p) => newRecord(req, ctx, p, now, writeId)));
    } catch (err) {
      // One item can fail a whole BatchWriteItem: write the rows one by one, each on its own.
      deps.log?.warn('batch create failed; rows written one by one', { kind: req.kind, rows: creates.length, error: errorInfo(err) });
      await pool(creates, CONCURRENCY, async (p) => {
        results[p.i] = await isolated(deps, results[p.i], req.kind, () => upsertRow(deps, ctx, req, p, null, results[p.i], now, writeId, drain));
      });
      return;
    }
    const stored = await store.getRowWriteIds(req.kind, creates.map((p) => p.key));
    const lost: PlannedRow[] = [];
    creates.forEach((p) => {
      if (stored.get(p.key) === writeId) results[p.i] = { ...results[p.i], id: p.key, version: 1, outcome: 'created' };
      // Another sync's write stayed (or the item vanished): decide again as a single-row write,
      // exactly as if this sync had come after it.
      else lost.push(p);
    });
    if (lost.length === 0) return;
    const current = await store.getRows(req.kind, lost.map((p) => p.key));
    await pool(lost, CONCURRENCY, async (p) => {
      results[p.i] = await isolated(deps, results[p.i], req.kind, () => upsertRow(deps, ctx, req, p, current.get(p.key) ?? null, results[p.i], now, writeId, drain));
    });
  };
  await drain.before(updates.map((u) => u.current));
  await Promise.all([
    createAll(),
    pool(updates, CONCURRENCY, async ({ p, current }) => {
      results[p.i] = await isolated(deps, results[p.i], req.kind, () => upsertRow(deps, ctx, req, p, current, results[p.i], now, writeId, drain));
    }),
  ]);
  for (const p of repeats) {
    results[p.i] = await isolated(deps, results[p.i], req.kind, async () => {
      const current = (await store.getRows(req.kind, [p.key])).get(p.key) ?? null;
      return upsertRow(deps, ctx, req, p, current, results[p.i], now, writeId, drain);
    });
  }
}

function newRecord(req: SyncRequest, ctx: SyncContext, p: PlannedRow, now: number, writeId: string): RowRecord {
  const changes = rowChanges(req.kind, null, { value: p.value, values: p.values });
  return {
    kind: req.kind,
    key: p.key,
    workClass: req.workClass,
    spreadsheetId: req.spreadsheetId,
    row: p.input.row,
    values: p.values,
    value: p.value,
    hash: p.hash,
    version: 1,
    revision: 1,
    updatedAt: now,
    updatedBy: ctx.email,
    warnings: p.v.warnings,
    writeId,
    history: historyEntry(req, ctx.email, p.key, 1, 'create', changes, now),
  };
}

/**
 * The answer for a row whose key already holds `current` when nothing is to be written (another
 * class's row, same content, stale version); null when the row is an update to write.
 */
function decideExisting(req: SyncRequest, p: PlannedRow, current: RowRecord, base: SyncRowResult): SyncRowResult | null {
  if (current.workClass !== req.workClass) return { ...base, ok: false, id: p.key, version: null, outcome: 'conflict', errors: [ownerError(current.workClass)] };
  // A deleted row synced again is restored (whatever its version).
  if (current.deletedAt !== undefined) return null;
  if (current.hash === p.hash) return { ...base, id: p.key, version: current.version, outcome: 'unchanged' };
  if (p.input.version !== undefined && p.input.version !== current.version) {
    return { ...base, ok: false, id: p.key, version: current.version, outcome: 'conflict', errors: [conflictError(current.version)] };
  }
  return null;
}

async function upsertRow(
  deps: SyncDeps,
  ctx: SyncContext,
  req: SyncRequest,
  p: PlannedRow,
  current: RowRecord | null,
  base: SyncRowResult,
  now: number,
  writeId: string,
  drain: HistoryDrain,
): Promise<SyncRowResult> {
  const out = await conditionalUpdate<RowRecord, SyncRowResult>({
    read: async () => (await deps.store.getRows(req.kind, [p.key])).get(p.key) ?? null,
    write: (rec, expectedRevision) => deps.store.putRow(rec, expectedRevision),
    current,
    attempts: MAX_ATTEMPTS,
    async decide(cur) {
      if (!cur) return { write: newRecord(req, ctx, p, now, writeId), result: { ...base, id: p.key, version: 1, outcome: 'created' } };
      const decided = decideExisting(req, p, cur, base);
      if (decided) return { done: decided };
      await drain.before([cur]);
      const restored = cur.deletedAt !== undefined;
      const changes = rowChanges(req.kind, { value: cur.value, values: cur.values }, { value: p.value, values: p.values });
      const rec: Omit<RowRecord, 'revision'> = {
        ...cur,
        spreadsheetId: req.spreadsheetId,
        row: p.input.row,
        values: p.values,
        value: p.value,
        hash: p.hash,
        version: cur.version + 1,
        updatedAt: now,
        updatedBy: ctx.email,
        warnings: p.v.warnings,
        writeId,
        history: historyEntry(req, ctx.email, p.key, cur.revision + 1, restored ? 'restore' : 'update', changes, now),
      };
      delete rec.deletedAt;
      delete rec.deletedBy;
      return { write: rec, result: { ...base, id: p.key, version: rec.version, outcome: 'updated' } };
    },
  });
  return out.ok ? out.result : { ...base, ok: false, outcome: 'conflict', errors: [conflictError(out.current?.version ?? null)] };
}

export function newIssueId(day: string, n: number): string {
  return `WT-${day.replaceAll('-', '')}-${String(n).padStart(3, '0')}`;
}

/**
 * Route a stored-but-unrouted issue (or a new one). Returns the routed record + notifications, or a
 * warning. With `urgencyToConfirm` (an enterprise's own 紧急, SPEC §7.8) it waits at triage, 紧急待核实.
 */
export function route(id: string, issue: IssueRow, profile: Profile | null, now: number, urgencyToConfirm = false) {
  if (!profile) {
    return {
      warning: { code: 'no_profile', column: '责任单位', message: '尚未导入配置（责任单位、工作专班等），问题已保存为待分派，配置导入后再次同步即自动分派' } as RowWarning,
    };
  }
  try {
    const r = routeIssue(issue, profile, now, createCalendar(profile.calendarOverrides), { toTriage: urgencyToConfirm });
    return { change: createIssueRecord(id, issue, r, now, profile, { urgencyToConfirm }) };
  } catch (err) {
    if (err instanceof RoutingError) {
      return { warning: { code: err.code, column: err.column ?? '责任单位', message: `${err.message}；问题已保存为待分派` } as RowWarning };
    }
    throw err;
  }
}

/** A stored issue that could not be routed yet: 待分派 without assignment (an enterprise's 紧急 still to confirm when it is one). */
export function unroutedRecord(id: string, issue: IssueRow, now: number, warnings: RowWarning[], urgencyToConfirm = false): StoredIssue['record'] {
  return {
    ...(urgencyToConfirm ? { urgencyCheck: URGENCY_PENDING } : {}),
    id,
    status: '待分派',
    issue,
    assignments: [],
    events: [{ at: now, type: 'stored', actor: 'system' }],
    overdue: false,
    escalationLevel: 0,
    returnCount: 0,
    reopenCount: 0,
    warnings,
    createdAt: now,
    updatedAt: now,
  };
}

/** Whether `email` may reassign at once: a coordination member with role 审批 (the command office). */
function canReassign(profile: Profile | null, email: string): boolean {
  return profile?.members.some((m) => m.email === email && m.workClass === 'coordination' && m.role === COMMAND_ROLE) ?? false;
}

async function upsertIssue(
  deps: SyncDeps,
  ctx: SyncContext,
  req: SyncRequest,
  input: SyncRowInput,
  v: RowResult<IssueRow>,
  value: IssueRow,
  base: SyncRowResult,
  now: number,
  drain: HistoryDrain,
): Promise<SyncRowResult> {
  const { store } = deps;
  const issue = { ...value };
  delete issue.id;
  const values = extraValues(inputValues('issue', input.values));
  const hash = contentHash('issue', issue, values);
  // Identity (domain/rows/identity.ts): the 编号 written back (or `_标识` holding it), else the
  // fingerprint of 反映企业代码 + 反映日期 + 问题描述, looked up through its alias item.
  const ident = rowIdentity('issue', input.values);
  const sourceKey = `issue#${ident.id.startsWith(FINGERPRINT_PREFIX) ? ident.id : fingerprintOf('issue', issue)}`;
  let id: string | null = SYSTEM_NUMBER_RE.test(ident.id) ? ident.id : await store.getIssueSource(sourceKey);
  const historyOf = (current: StoredIssue | null, op: HistoryOp, revision: number): HistoryEntry =>
    historyEntry(req, ctx.email, id!, revision, op, rowChanges('issue', current ? { value: current.record.issue, values: current.values } : null, { value: issue, values }), now);
  const out = await conditionalUpdate<StoredIssue, SyncRowResult>({
    read: async () => (id ? store.getIssue(id) : null),
    write: (next, expectedRevision) => store.putIssue(next, expectedRevision),
    attempts: MAX_ATTEMPTS,
    async decide(current) {
      if (!current) {
        if (!id) {
          const day = shanghaiDate(now);
          id = await store.claimIssueSource(sourceKey, newIssueId(day, await store.nextIssueNumber(day)));
          return { again: true }; // someone may already have stored it under the claimed id
        }
        const routed = route(id, issue, ctx.profile, now);
        const warnings = [...v.warnings, ...(routed.warning ? [routed.warning] : [])];
        const record = routed.change ? { ...routed.change.record, warnings: [...routed.change.record.warnings, ...v.warnings] } : unroutedRecord(id, issue, now, warnings);
        const stored: StoredIssue = {
          record,
          workClass: req.workClass,
          spreadsheetId: req.spreadsheetId,
          row: input.row,
          sourceKey,
          values,
          hash,
          version: 1,
          revision: 1,
          updatedBy: ctx.email,
          pending: Object.fromEntries((routed.change?.notifications ?? []).map((n) => [n.key, n])),
          usedTokens: {},
          history: historyOf(null, 'create', 1),
        };
        return { write: stored, result: { ...base, id, version: 1, outcome: 'created', warnings: record.warnings, writeBack: issueWriteBack(stored, ctx.profile) } };
      }

      if (current.workClass !== req.workClass) {
        return { done: { ...base, ok: false, id, outcome: 'conflict', errors: [ownerError(current.workClass)] } };
      }
      const deleted = current.deletedAt !== undefined;
      const unrouted = current.record.assignments.length === 0;
      const changed = current.hash !== hash;
      if (changed && !deleted && input.version !== undefined && input.version !== current.version) {
        return { done: { ...base, ok: false, id, version: current.version, outcome: 'conflict', errors: [conflictError(current.version)], writeBack: issueWriteBack(current, ctx.profile) } };
      }
      if (!changed && !deleted && !(unrouted && ctx.profile)) {
        return { done: { ...base, id, version: current.version, outcome: 'unchanged', warnings: current.record.warnings, writeBack: issueWriteBack(current, ctx.profile) } };
      }
      let next: StoredIssue = {
        ...current,
        row: input.row,
        values,
        hash,
        version: changed || deleted ? current.version + 1 : current.version,
        updatedBy: ctx.email,
        record: { ...current.record, issue, updatedAt: Math.max(now, current.record.updatedAt) },
        history: changed || deleted ? historyOf(current, deleted ? 'restore' : 'update', current.revision + 1) : current.history,
      };
      delete next.deletedAt;
      delete next.deletedBy;
      if (changed || deleted) await drain.before([current]);
      if (unrouted) {
        // An enterprise's 紧急 stored before the configuration was: it still waits at triage.
        const routed = route(id!, issue, ctx.profile, now, current.record.urgencyCheck === URGENCY_PENDING && issue.urgency === '紧急');
        if (routed.change) {
          next = {
            ...next,
            record: { ...routed.change.record, createdAt: current.record.createdAt, events: [...current.record.events, ...routed.change.record.events], ...(current.record.archivedEvents ? { archivedEvents: current.record.archivedEvents } : {}) },
            pending: { ...current.pending, ...Object.fromEntries(routed.change.notifications.map((n) => [n.key, n])) },
          };
        } else if (!changed && !deleted) {
          return { done: { ...base, id, version: current.version, outcome: 'unchanged', warnings: [...v.warnings, routed.warning!], writeBack: issueWriteBack(current, ctx.profile) } };
        }
      } else if (changed && ctx.profile) {
        // An edit of a routed issue: as the domain says (改派 / 改派申请, escalation, 补充说明).
        const profile = ctx.profile;
        const edit = editRoutedIssue(current.record, issue, { now, profile, calendar: createCalendar(profile.calendarOverrides), by: ctx.email, canReassign: canReassign(profile, ctx.email) });
        if (edit.reassignRequest) {
          const r = edit.reassignRequest;
          // Created before the issue write and idempotent by id: a retried sync of the same edit finds it.
          await openDecision(store, reassignRequestDecision(current.record, r, `${id}#reassign_request#v${next.version}`, profile, now));
        }
        next = {
          ...next,
          record: edit.record,
          pending: { ...current.pending, ...Object.fromEntries(edit.notifications.map((n) => [n.key, n])) },
          explanation: edit.explanation,
        };
      }
      return { write: next, result: { ...base, id, version: next.version, outcome: 'updated', warnings: next.record.warnings, writeBack: issueWriteBack(next, ctx.profile) } };
    },
  });
  return out.ok ? out.result : { ...base, ok: false, id, outcome: 'conflict', errors: [conflictError(null)] };
}

/** 检查报备: 编号, approval and the system columns of each stored row (usecases/inspections.ts). */
async function writeBackInspections(
  deps: SyncDeps,
  ctx: SyncContext,
  req: SyncRequest,
  valid: readonly { value: RowOf<RowKind>; i: number }[],
  results: SyncRowResult[],
  now: number,
): Promise<void> {
  const rows = valid
    .filter(({ i }) => results[i].ok && results[i].id)
    .map(({ value, i }) => ({ key: results[i].id!, value: value as RowOf<'inspection'>, cells: req.rows[i].values }));
  const wb = await registerInspections(deps.store, ctx.profile, rows, now);
  for (const { i } of valid) {
    const w = results[i].id ? wb.get(results[i].id!) : undefined;
    if (w) results[i] = { ...results[i], writeBack: { ...results[i].writeBack, ...w } };
  }
}

/** Rebuild the profile from every stored configuration row and store it. */
export async function rebuildProfile(store: ApiStore, email: string, now: number): Promise<ProfileRecord> {
  const tables: Partial<Record<RowKind, RawRow[]>> = {};
  for (const kind of CONFIG_KINDS) {
    const rows = await store.listRows(kind);
    rows.sort((a, b) => a.row - b.row);
    tables[kind] = rows.map((r) => ({ row: r.row, values: r.values }));
  }
  const built = buildProfile(tables);
  const rec: ProfileRecord = { profile: built.profile, problems: built.problems, updatedAt: now, updatedBy: email };
  await store.putProfile(rec);
  return rec;
}

/**
 * A sync through the API by `email` (already authenticated): authorised for the class and the tab,
 * validated against the cached profile, which a sync of the configuration tabs refreshes.
 */
export async function syncAsMember(
  deps: SyncDeps & { access: Pick<Access, 'authoriseWrite'>; profiles: ProfileCache },
  email: string,
  req: SyncRequest,
): Promise<SyncResponse> {
  await deps.access.authoriseWrite(email, req.workClass, req.kind);
  const res = await syncRows(deps, { email, profile: await deps.profiles.profile() }, req);
  if (res.profile) deps.profiles.set(res.profile);
  return res;
}
