// The one optimistic-update loop of the use cases: read an item, decide what it becomes, write it
// with a condition on the revision that was read, and when another writer won, read again and decide
// again from what is there now. Issues, sheet rows and mail addresses all change this way (the store
// has no transactions: one conditional item write is the unit of change).
//
// The helper owns the revision: a write carries `revision` = the read revision + 1 (1 for a new
// item) and is conditional on the read revision (on absence for a new item).

export interface Revisioned {
  /** Item revision: +1 on every write (the optimistic lock). */
  revision: number;
}

export type Decision<T, R> =
  /** Write `write` (conditionally) and answer `result` once the write holds. */
  | { write: Omit<T, 'revision'>; result: R }
  /** Nothing to write: answer `done`. */
  | { done: R }
  /** Read again and decide again (spends an attempt), e.g. after claiming an id to read under. */
  | { again: true };

export interface ConditionalUpdate<T extends Revisioned, R> {
  /** The item as it is now (strongly consistent), null when absent. */
  read(): Promise<T | null>;
  /** Conditional write: `expectedRevision` null = must not exist. false when the condition failed. */
  write(next: T, expectedRevision: number | null): Promise<boolean>;
  decide(current: T | null): Decision<T, R> | Promise<Decision<T, R>>;
  /** Decisions before giving up (a lost race or `again` spends one). */
  attempts: number;
  /** The item when the caller has already read it: the first decision uses it instead of reading. */
  current?: T | null;
}

/** `ok: false` when every attempt lost a race: `current` is what a last read found. */
export type UpdateOutcome<T, R> = { ok: true; result: R } | { ok: false; current: T | null };

export async function conditionalUpdate<T extends Revisioned, R>(u: ConditionalUpdate<T, R>): Promise<UpdateOutcome<T, R>> {
  let current = u.current !== undefined ? u.current : await u.read();
  for (let attempt = 0; attempt < u.attempts; attempt++) {
    const d = await u.decide(current);
    if ('done' in d) return { ok: true, result: d.done };
    if ('write' in d) {
      const next = { ...d.write, revision: current ? current.revision + 1 : 1 } as T;
      if (await u.write(next, current ? current.revision : null)) return { ok: true, result: d.result };
    }
    // Lost a race (or asked to look again): decide again from what is there now.
    current = await u.read();
  }
  return { ok: false, current };
}
