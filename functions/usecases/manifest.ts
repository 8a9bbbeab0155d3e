// POST /v1/sync/manifest (SPEC §7.1 Deletions, §7.8): "these are all the rows of this tab". The live
// rows of that kind owned by that work class (from any spreadsheet or file) whose id is not listed
// are deleted — as tombstones: the item stays with who and when, lists of live rows skip it, a later
// sync of the row restores it, and its history says so.
// - Refused with a code, never applied: a routed issue (`issue_in_progress`); a unit with open
//   assignments or named as 上级单位 / 牵头单位 by what stays (`unit_in_use`); the last coordination
//   member with role 编辑 or 审批, or the caller's own 成员 row (`last_admin`); an inspection or a
//   shutdown with a decision (`decision_in_progress`, see decisionRefusal and refusals).
// - The mass-delete guard: when what would be deleted (refusals excluded) is more than 5 rows and
//   more than 20% of the live rows, nothing is applied and the answer is 409 `mass_delete` with the
//   counts, unless `confirmDeletions`.
// - Configuration effects are immediate: a deletion among the configuration tabs rebuilds the
//   profile, whose new version every request checks (access.ts).
import { hasBeenRouted, isOpen } from '../../domain/issues/lifecycle.js';
import type { HistoryEntry } from '../../domain/rows/history.js';
import { SYSTEM_NUMBER_RE } from '../../domain/rows/identity.js';
import { CONFIG_KINDS, KINDS, type RowKind, type WorkClassId } from '../../domain/rows/kinds.js';
import type { Profile } from '../../domain/rows/types.js';
import { isSelfReported, isVersionedKind, type ApiStore, type Clock, type ProfileRecord, type RowRecord, type StoredIssue } from '../ports.js';
import { COMMAND_ROLE, type Access, type ProfileCache } from './access.js';
import { conditionalUpdate } from './conditional-update.js';
import { HistoryDrain } from './history.js';
import { ensureIdentityUpgrade } from './identity-upgrade.js';
import { registerSourceKey } from './register-sync.js';
import { rebuildProfile } from './sync.js';

export interface ManifestRequest {
  spreadsheetId: string;
  workClass: WorkClassId;
  kind: RowKind;
  /** The ids (sync's `id`, the add-on's `_标识`, or computed by domain/rows/identity.ts) of every row of the tab. */
  ids: string[];
  confirmDeletions?: boolean;
  /**
   * Delete only these of the rows missing from `ids` (the confirmation of a refused mass deletion on
   * the upload page: exactly what was shown, never a row added since). Not part of the HTTP body.
   */
  only?: string[];
}

export type RefusalCode = 'issue_in_progress' | 'unit_in_use' | 'last_admin' | 'decision_in_progress';

export interface ManifestRefusal {
  id: string;
  code: RefusalCode;
  message: string;
}

export interface ManifestResult {
  deleted: number;
  kept: number;
  refused: ManifestRefusal[];
  /** The ids deleted by this manifest. */
  deletedIds: string[];
  /** Set when configuration rows were deleted and the profile was rebuilt. */
  profile?: ProfileRecord;
}

/** More than this many rows AND more than MASS_DELETE_SHARE of the live rows is a mass deletion. */
export const MASS_DELETE_ROWS = 5;
export const MASS_DELETE_SHARE = 0.2;

/**
 * The guard's refusal in Chinese: the tab, the counts, and what to do (`remedy`: how this front end
 * confirms — the add-on's question and `sibao import --allow-deletions`, or the upload page's button).
 */
export function massDeleteMessage(tab: string, live: number, wouldDelete: number, remedy: string): string {
  return (
    `「${tab}」本次同步将删除 ${wouldDelete} 行（现有 ${live} 行的 ${Math.round((wouldDelete / Math.max(1, live)) * 100)}%），超过 ${MASS_DELETE_ROWS} 行且超过 ${Math.round(MASS_DELETE_SHARE * 100)}%，` +
    `为防止误删未执行任何删除。请核对表格是否完整；${remedy}`
  );
}

/** The guard refused the manifest whole: nothing was applied. */
export class MassDeleteRefused extends Error {
  readonly code = 'mass_delete';
  constructor(
    readonly live: number,
    readonly wouldDelete: number,
    readonly refused: ManifestRefusal[],
    readonly tab: string,
    /** The ids it would have deleted (refusals excluded). */
    readonly doomed: string[],
  ) {
    super(massDeleteMessage(tab, live, wouldDelete, '确认要删除时，请在插件中确认删除，或使用 sibao import --allow-deletions'));
    this.name = 'MassDeleteRefused';
  }
}

export interface ManifestDeps {
  store: ApiStore;
  clock: Clock;
}

export interface ManifestContext {
  email: string;
  profile: Profile | null;
}

/** A stored row or issue the manifest may delete, with what the refusals need. */
interface Candidate {
  id: string;
  row?: RowRecord;
  issue?: StoredIssue;
}

/**
 * The refusal hook for rows that carry a decision of the command office (SPEC §7.8
 * `decision_in_progress`): an inspection once it waits for, or has, an approval decision (a shutdown's
 * decision is read from the queue in `refusals`).
 */
export function decisionRefusal(kind: RowKind, value: Record<string, unknown>): string | undefined {
  if (kind === 'inspection' && typeof value.status === 'string' && ['待审批', '已批准', '已驳回'].includes(value.status)) {
    return `该检查报备已进入审批（状态「${value.status}」），不能删除；如需撤销请联系指挥部办公室`;
  }
  return undefined;
}

const isCoordinationAdmin = (m: { workClass: string; role: string }) => m.workClass === 'coordination' && (m.role === '编辑' || m.role === COMMAND_ROLE);

/** Why each candidate may not be deleted (those without a reason may). */
async function refusals(store: ApiStore, ctx: ManifestContext, kind: RowKind, candidates: readonly Candidate[], live: readonly Candidate[]): Promise<ManifestRefusal[]> {
  const out: ManifestRefusal[] = [];
  const refuse = (id: string, code: RefusalCode, message: string) => out.push({ id, code, message });
  const going = new Set(candidates.map((c) => c.id));
  if (kind === 'issue') {
    for (const c of candidates) {
      if (c.issue && hasBeenRouted(c.issue.record)) {
        refuse(c.id, 'issue_in_progress', `问题 ${c.issue.record.id} 已分派（状态「${c.issue.record.status}」），不能删除；刷新状态后该行会恢复，如需撤销请联系指挥部办公室`);
      }
    }
    return out;
  }
  if (kind === 'unit') {
    const staying = live.filter((c) => !going.has(c.id)).map((c) => c.row!.value as { code: string; parent?: string });
    const classes = ctx.profile?.workClasses ?? [];
    for (const c of candidates) {
      const code = (c.row!.value as { code: string }).code;
      const child = staying.find((u) => u.parent === code);
      const lead = classes.find((w) => w.leadUnit === code);
      const open = child || lead ? [] : (await store.listIssues({ unit: code })).filter((s) => isOpen(s.record.status));
      const why = child
        ? `是「${child.code}」的上级单位`
        : lead
          ? `是「${lead.name}」的牵头单位`
          : open.length > 0
            ? `还有 ${open.length} 件未办结的问题（如 ${open[0].record.id}）`
            : undefined;
      if (why) refuse(c.id, 'unit_in_use', `责任单位「${code}」${why}，不能删除；请先调整相关配置或改派问题`);
    }
    return out;
  }
  if (kind === 'member') {
    const remaining = live.filter((c) => !going.has(c.id)).map((c) => c.row!.value as { email: string; workClass: string; role: string });
    const noAdminLeft = !remaining.some(isCoordinationAdmin);
    for (const c of candidates) {
      const m = c.row!.value as { email: string; workClass: string; role: string };
      if (m.email === ctx.email) refuse(c.id, 'last_admin', `不能删除自己的成员记录（${m.email}）；请由综合协调专班的其他成员操作`);
      else if (noAdminLeft && isCoordinationAdmin(m)) {
        refuse(c.id, 'last_admin', `删除后综合协调专班将没有角色为「编辑」或「审批」的成员，无人能维护配置；已保留 ${m.email}`);
      }
    }
    return out;
  }
  if (kind === 'shutdown') {
    // A shutdown's decision is found by its 编号 (register-sync.ts), kept per row key.
    for (const c of candidates) {
      const id = await store.getIssueSource(registerSourceKey('shutdown', c.id));
      const rec = id ? await store.getDecision(id) : null;
      if (rec) refuse(c.id, 'decision_in_progress', `停产停工 ${rec.id} 已进入审批（状态「${rec.status}」），不能删除；如需撤销请联系指挥部办公室`);
    }
    return out;
  }
  for (const c of candidates) {
    const why = c.row ? decisionRefusal(kind, c.row.value as Record<string, unknown>) : undefined;
    if (why) refuse(c.id, 'decision_in_progress', why);
  }
  return out;
}

/** Resolve the listed ids to stored ids: for issues, a fingerprint id names its 编号 through its alias. */
async function storedIds(store: ApiStore, kind: RowKind, ids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const raw of ids) {
    const id = raw.trim();
    if (!id) continue;
    if (kind === 'issue' && !SYSTEM_NUMBER_RE.test(id.toUpperCase())) {
      const number = await store.getIssueSource(`issue#${id}`);
      if (number) out.add(number);
    } else out.add(kind === 'issue' ? id.toUpperCase() : id);
  }
  return out;
}

export async function applyManifest(deps: ManifestDeps, ctx: ManifestContext, req: ManifestRequest): Promise<ManifestResult> {
  const { store, clock } = deps;
  const { kind, workClass } = req;
  await ensureIdentityUpgrade(deps);
  const now = clock.now();
  const listed = await storedIds(store, kind, req.ids);
  const live: Candidate[] =
    kind === 'issue'
      ? // An enterprise's own report is not the tab's to delete (its row may not be appended yet).
        (await store.listClassIssues(workClass)).filter((issue) => !isSelfReported(issue)).map((issue) => ({ id: issue.record.id, issue }))
      : (await store.listRows(kind, workClass)).map((row) => ({ id: row.key, row }));
  const only = req.only ? new Set(req.only) : undefined;
  const candidates = live.filter((c) => !listed.has(c.id) && (!only || only.has(c.id)));
  const refused = await refusals(store, ctx, kind, candidates, live);
  const refusedIds = new Set(refused.map((r) => r.id));
  const doomed = candidates.filter((c) => !refusedIds.has(c.id));
  if (doomed.length > MASS_DELETE_ROWS && doomed.length > MASS_DELETE_SHARE * live.length && !req.confirmDeletions) {
    throw new MassDeleteRefused(live.length, doomed.length, refused, KINDS[kind].tab, doomed.map((c) => c.id));
  }

  const entry = (id: string, revision: number): HistoryEntry => ({ kind, key: id, revision, at: now, by: ctx.email, source: `manifest:${req.spreadsheetId}`, op: 'delete', changes: {} });
  const drain = new HistoryDrain(store);
  await drain.before(doomed.map((c) => c.row ?? c.issue));
  const deletedIds: string[] = [];
  for (const c of doomed) {
    const ok = c.row ? await tombstoneRow(store, c.row, ctx.email, now, entry) : await tombstoneIssue(store, c.issue!, ctx.email, now, entry);
    if (ok) deletedIds.push(c.id);
  }
  // After the tombstones, like a whitelist sync that wrote (sync.ts): the day's kept coverage sums
  // no longer count a deleted row (queries.ts coverageAt). A restore is a sync that writes.
  if (isVersionedKind(kind) && deletedIds.length > 0) await store.bumpRowsVersion(kind);
  let profile: ProfileRecord | undefined;
  if (CONFIG_KINDS.includes(kind) && deletedIds.length > 0) profile = await rebuildProfile(store, ctx.email, now);
  return { deleted: deletedIds.length, kept: live.length - deletedIds.length, refused, deletedIds, ...(profile ? { profile } : {}) };
}

const ATTEMPTS = 4;

/** Mark a row deleted (conditional on its revision; a row changed meanwhile is decided again). */
async function tombstoneRow(store: ApiStore, row: RowRecord, by: string, now: number, entry: (id: string, rev: number) => HistoryEntry): Promise<boolean> {
  const out = await conditionalUpdate<RowRecord, boolean>({
    read: async () => (await store.getRows(row.kind, [row.key])).get(row.key) ?? null,
    write: (rec, rev) => store.putRow(rec, rev),
    current: row,
    attempts: ATTEMPTS,
    async decide(cur) {
      if (!cur || cur.deletedAt !== undefined) return { done: false };
      if (cur !== row) await new HistoryDrain(store).before([cur]);
      return { write: { ...cur, deletedAt: now, deletedBy: by, updatedAt: now, updatedBy: by, history: entry(cur.key, cur.revision + 1) }, result: true };
    },
  });
  return out.ok && out.result;
}

/** Mark an issue deleted: only one never routed to a unit (a routed one is refused before this); it leaves the unit, deadline and digest indexes. */
async function tombstoneIssue(store: ApiStore, issue: StoredIssue, by: string, now: number, entry: (id: string, rev: number) => HistoryEntry): Promise<boolean> {
  const out = await conditionalUpdate<StoredIssue, boolean>({
    read: () => store.getIssue(issue.record.id),
    write: (rec, rev) => store.putIssue(rec, rev),
    current: issue,
    attempts: ATTEMPTS,
    async decide(cur) {
      if (!cur || cur.deletedAt !== undefined || hasBeenRouted(cur.record)) return { done: false };
      if (cur !== issue) await new HistoryDrain(store).before([cur]);
      return { write: { ...cur, deletedAt: now, deletedBy: by, updatedBy: by, history: entry(cur.record.id, cur.revision + 1) }, result: true };
    },
  });
  return out.ok && out.result;
}

/** A manifest through the API by `email`: authorised like a sync of the same tab. */
export async function manifestAsMember(
  deps: ManifestDeps & { access: Pick<Access, 'authoriseWrite'>; profiles: ProfileCache },
  email: string,
  req: ManifestRequest,
): Promise<ManifestResult> {
  await deps.access.authoriseWrite(email, req.workClass, req.kind);
  const res = await applyManifest(deps, { email, profile: await deps.profiles.profile() }, req);
  if (res.profile) deps.profiles.set(res.profile);
  return res;
}
