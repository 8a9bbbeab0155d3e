// The history of rows and issues (SPEC §7.1 History): the writers' side (HistoryDrain: a row's
// latest entry rides in the row's own item; the entry of a revision about to be replaced is put in
// its own item first, idempotently, so nothing is lost between the two writes) and the readers'
// side (GET /v1/history, GET /v1/issues/{id}: the own items merged with what is still in the item,
// newest first, paged by revision / sequence number).
import { actionDef, isActionType } from '../../domain/issues/catalog.js';
import { EVENT_LABELS, numberedEvents, type NumberedEvent } from '../../domain/issues/events.js';
import { keyPart } from '../../domain/rows/identity.js';
import type { IssuePageModel } from '../../domain/reports/issue-page.js';
import type { HistoryEntry } from '../../domain/rows/history.js';
import { KINDS, ROW_KINDS, type RowKind } from '../../domain/rows/kinds.js';
import { SCHEMAS } from '../../domain/rows/schemas.js';
import { shanghaiDateTime } from '../../domain/time/time.js';
import type { ApiStore, JsonCell, Store, StoredIssue } from '../ports.js';
import { issueSummary, type IssueSummary } from './actions.js';

/** Puts the history entries of items about to be replaced, each once per drain. */
export class HistoryDrain {
  private readonly done = new Set<string>();
  constructor(private readonly store: Pick<Store, 'putHistory'>) {}

  /** Before replacing `items`: their current entries in their own items. */
  async before(items: readonly ({ history?: HistoryEntry } | null | undefined)[]): Promise<void> {
    const todo: HistoryEntry[] = [];
    for (const it of items) {
      const h = it?.history;
      if (!h) continue;
      const k = `${h.kind}#${h.key}#${h.revision}`;
      if (this.done.has(k)) continue;
      this.done.add(k);
      todo.push(h);
    }
    if (todo.length > 0) await this.store.putHistory(todo);
  }
}

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 500;

/** A page size from a query parameter: 1–MAX_PAGE, default DEFAULT_PAGE; null when malformed. */
export function pageSize(text: string | undefined): number | null {
  if (text === undefined) return DEFAULT_PAGE;
  if (!/^\d{1,4}$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= MAX_PAGE ? n : null;
}

/** A `cursor` of these lists: the revision / sequence number to continue below; null when malformed. */
export function parseCursor(text: string | undefined): number | undefined | null {
  if (text === undefined) return undefined;
  return /^\d{1,12}$/.test(text) ? Number(text) : null;
}

/** Merge the entry still in the item with the own items: newest first, `limit` of them, the next cursor. */
function mergePage<T>(inItem: readonly T[], stored: readonly T[], n: (t: T) => number, limit: number, before: number | undefined): { items: T[]; next: string | null } {
  const by = new Map<number, T>();
  for (const t of [...stored, ...inItem]) if (before === undefined || n(t) < before) by.set(n(t), t);
  const all = [...by.values()].sort((a, b) => n(b) - n(a));
  const items = all.slice(0, limit);
  return { items, next: all.length > limit ? String(n(items[items.length - 1])) : null };
}

export interface HistoryView {
  revision: number;
  at: string;
  by: string;
  source: string;
  op: HistoryEntry['op'];
  changes: HistoryEntry['changes'];
}

const view = (e: HistoryEntry): HistoryView => ({ revision: e.revision, at: shanghaiDateTime(e.at), by: e.by, source: e.source, op: e.op, changes: e.changes });

/** GET /v1/history?kind&key: a row's (or an issue row's) history, newest first. */
export async function rowHistory(
  store: ApiStore,
  kind: RowKind,
  key: string,
  page: { limit: number; before?: number },
): Promise<{ kind: RowKind; key: string; entries: HistoryView[]; next: string | null } | null> {
  const item = kind === 'issue' ? await store.getIssue(key) : ((await store.getRows(kind, [key])).get(key) ?? null);
  const stored = await store.listHistory(kind, key, { limit: page.limit + 1, before: page.before });
  if (!item && stored.length === 0) return null;
  const merged = mergePage(item?.history ? [item.history] : [], stored, (e) => e.revision, page.limit, page.before);
  return { kind, key, entries: merged.items.map(view), next: merged.next };
}

export interface EventView {
  seq: number;
  at: string;
  type: string;
  /** Chinese name of the event type. */
  label: string;
  by: string;
  unit?: string;
  note?: string;
}

export function eventLabel(type: string): string {
  return isActionType(type) ? actionDef(type).label : (EVENT_LABELS[type] ?? type);
}

const eventView = (e: NumberedEvent): EventView => ({
  seq: e.seq,
  at: shanghaiDateTime(e.at),
  type: e.type,
  label: eventLabel(e.type),
  by: e.actor ?? 'system',
  ...(e.unit ? { unit: e.unit } : {}),
  ...(e.note !== undefined ? { note: e.note } : {}),
});

/** The sheet cells of a stored issue row: every column by header (sheet text), extra columns as kept. */
export function issueRowValues(s: StoredIssue): Record<string, JsonCell> {
  const out: Record<string, JsonCell> = {};
  const fields = s.record.issue as Record<string, unknown>;
  for (const c of SCHEMAS.issue.columns) {
    const t = keyPart(fields[c.key]);
    out[c.header] = t === '' ? null : t;
  }
  for (const [h, v] of Object.entries(s.values ?? {})) if (!(h in out) && !KINDS.issue.headers.includes(h)) out[h] = v;
  return out;
}

export interface IssueDetail {
  issue: IssueSummary & {
    workClass: string;
    spreadsheetId: string;
    /** Sheet row of the last sync. */
    row: number;
    version: number;
    deleted: boolean;
    /** The row as the sheet holds it: every column by header, system columns as written back. */
    values: Record<string, JsonCell>;
  };
  events: EventView[];
  next: string | null;
}

/**
 * GET /v1/issues/{id}: the issue, its row's values (so the add-on can restore a row whose deletion
 * was refused) and its events, newest first (those drained to their own items merged with the
 * item's own).
 */
export async function issueDetail(
  store: ApiStore,
  id: string,
  page: { limit: number; before?: number },
  writeBack: (s: StoredIssue) => Record<string, string>,
): Promise<IssueDetail | null> {
  const s = await store.getIssue(id);
  if (!s) return null;
  const drained = await store.listIssueEvents(id, { limit: page.limit + 1, before: page.before });
  const merged = mergePage(numberedEvents(s.record), drained, (e) => e.seq, page.limit, page.before);
  return {
    issue: {
      ...issueSummary(s.record),
      workClass: s.workClass,
      spreadsheetId: s.spreadsheetId,
      row: s.row,
      version: s.version,
      deleted: s.deletedAt !== undefined,
      values: { ...issueRowValues(s), ...writeBack(s) },
    },
    events: merged.items.map(eventView),
    next: merged.next,
  };
}


/** The dashboard's issue page (domain/reports/issue-page.ts): the newest ISSUE_PAGE_EVENTS events and the row. */
export const ISSUE_PAGE_EVENTS = 200;

export async function issuePageModel(
  store: ApiStore,
  id: string,
  writeBack: (s: StoredIssue) => Record<string, string>,
  page: { countyName: string; now: number; backHref?: string },
): Promise<IssuePageModel | null> {
  const d = await issueDetail(store, id, { limit: ISSUE_PAGE_EVENTS }, writeBack);
  if (!d) return null;
  return {
    countyName: page.countyName,
    generatedAt: page.now,
    id: d.issue.id,
    status: d.issue.status,
    deleted: d.issue.deleted,
    values: d.issue.values,
    events: d.events.map((e) => ({ at: e.at, label: e.label, by: e.by, ...(e.unit ? { unit: e.unit } : {}), ...(e.note !== undefined ? { note: e.note } : {}) })),
    more: d.next !== null,
    ...(page.backHref ? { backHref: page.backHref } : {}),
  };
}

/**
 * Every history entry written in [from, to) (epoch ms), oldest first: those drained to their own
 * items and the newest of each row and issue, still in its item (`sibao export --since`).
 */
export async function historyBetween(store: Pick<Store, 'listHistoryBetween' | 'listRows' | 'listIssues'>, from: number, to: number): Promise<HistoryEntry[]> {
  const byId = new Map<string, HistoryEntry>();
  const add = (e: HistoryEntry | undefined) => {
    if (e && e.at >= from && e.at < to) byId.set(`${e.kind}|${e.key}|${e.revision}`, e);
  };
  for (const e of await store.listHistoryBetween(from, to)) add(e);
  for (const kind of ROW_KINDS) {
    if (kind === 'issue') continue;
    for (const r of await store.listRows(kind, undefined, { deleted: true })) add(r.history);
  }
  for (const s of await store.listIssues({})) add(s.history);
  return [...byId.values()].sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : a.revision - b.revision));
}
