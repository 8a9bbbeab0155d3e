// An issue's events beyond its own item (SPEC §7.1 History, §7.8 items that stay small). The record
// keeps its newest events; older ones are drained to their own items (the store), the way the outbox
// is: first written out, idempotently (each event has a fixed sequence number), then dropped from the
// item. Nothing the domain needs is lost by that:
// - events are only ever appended, and only a prefix is dropped, so the event at index i of the
//   record has sequence number archivedEvents + i + 1 for ever;
// - the sweep's "already sent" keys of the current assignment move into `sent` when their events
//   leave (sweep.ts reads both), keys of ended assignments are never needed again;
// - what the sweep's schedule depends on (sweepMark) counts every event ever (eventTotal), so a
//   drain does not make a schedule look stale;
// - the digest reads the newest events: ITEM_EVENTS of them cover any real week of one issue.
import type { IssueEvent, IssueRecord } from './types.js';

/** Events an issue item keeps after a drain. */
export const ITEM_EVENTS = 30;
/** Characters of an event's note kept in the item once the full note is in its own item. */
export const ITEM_NOTE_CHARS = 60;

export interface NumberedEvent extends IssueEvent {
  /** 1 for the first event of the issue, +1 per event. */
  seq: number;
}

/** Every event the issue has had: drained ones and those in the record. */
export function eventTotal(record: Pick<IssueRecord, 'events' | 'archivedEvents'>): number {
  return (record.archivedEvents ?? 0) + record.events.length;
}

/** The record's events with their sequence numbers. */
export function numberedEvents(record: Pick<IssueRecord, 'events' | 'archivedEvents'>): NumberedEvent[] {
  const base = record.archivedEvents ?? 0;
  return record.events.map((e, i) => ({ ...e, seq: base + i + 1 }));
}

/** Keys of notifications the sweep already sent (sweep events in the record, and those drained). */
export function sentKeys(record: Pick<IssueRecord, 'events' | 'sent' | 'assignments'>): Set<string> {
  const s = new Set<string>();
  const current = record.assignments.length - 1;
  if (record.sent && record.sent.assignment === current) for (const k of record.sent.keys) s.add(k);
  for (const e of record.events) if (e.key) s.add(e.key);
  return s;
}

const shorten = (note: string | undefined) => (note !== undefined && note.length > ITEM_NOTE_CHARS ? `${note.slice(0, ITEM_NOTE_CHARS)}…` : note);

/**
 * The record once every event up to `drainedTo` (sequence number) is in its own item: at most
 * ITEM_EVENTS newest events kept, notes of drained events shortened, sweep keys of the current
 * assignment kept in `sent`. Events after `drainedTo` are kept whole (they exist nowhere else).
 */
export function compactEvents(record: IssueRecord, drainedTo: number): IssueRecord {
  const numbered = numberedEvents(record);
  const current = record.assignments.length - 1;
  let drop = Math.max(0, numbered.length - ITEM_EVENTS);
  // Never drop an event that is not yet in its own item.
  while (drop > 0 && numbered[drop - 1].seq > drainedTo) drop--;
  const keys = new Set(record.sent && record.sent.assignment === current ? record.sent.keys : []);
  for (const e of numbered.slice(0, drop)) if (e.key && e.assignment === current) keys.add(e.key);
  const kept = numbered.slice(drop).map(({ seq, ...e }) => (seq <= drainedTo && e.note !== undefined ? { ...e, note: shorten(e.note) } : e));
  const out: IssueRecord = { ...record, events: kept.map((e) => stripUndefined(e)), archivedEvents: (record.archivedEvents ?? 0) + drop };
  if (keys.size > 0) out.sent = { assignment: current, keys: [...keys] };
  else delete out.sent;
  return out;
}

function stripUndefined(e: IssueEvent): IssueEvent {
  const out = { ...e };
  if (out.note === undefined) delete out.note;
  return out;
}

/** Chinese names of the event types that are not actions of the catalog (those use the action's label). */
export const EVENT_LABELS: Readonly<Record<string, string>> = {
  stored: '登记（待分派）',
  assign: '交办',
  reopen: '重新办理',
  remind: '时限提醒',
  overdue: '逾期',
  escalate: '升级督办',
  supplement: '补充说明',
  escalate_edit: '标注升级',
  reassign_request: '改派申请',
  urgency_check: '紧急程度核实',
  edit: '修改',
  note: '记录',
};
