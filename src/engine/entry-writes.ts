// What collection-ops.ts needs of a store to change an entry in place: the bookkeeping of one
// change (persistence record, size, undo) and creating or dropping the entry. The Store class
// implements it; apart from store.ts so that the store can use those operations (a hash field's
// TTL deletes it) without the two files importing each other.

import type { ChangeSet } from "./change-set.ts";
import type { Entry, ValueOf, ValueType } from "./entry.ts";
import type { FieldExpiryHeap } from "./field-expiry.ts";

/** The writes of one entry, as collection-ops.ts makes them. */
export interface EntryWrites {
  readonly changes: ChangeSet;
  /** Due times of hash fields with a TTL. */
  readonly fieldExpiries: FieldExpiryHeap;
  /** True while the running command can be rolled back. */
  readonly journaling: boolean;
  /** Bookkeeping before any change to `e`. */
  noteChange(e: Entry): void;
  /** Journals an undo step (no-op when not journaling). */
  onUndo(u: () => void): void;
  /** Adjusts an entry's payload size and the namespace usage. */
  resize(e: Entry, delta: number): void;
  create<T extends ValueType>(key: string, type: T, value: ValueOf[T], size: number): Entry;
  remove(e: Entry): void;
}
