// A stream value (Redis t_stream.c): its entries (stream-entries.ts, which this class extends),
// the entries-added counter, and consumer groups with their pending entries lists. Storage sees a stream as members (one row per entry, per group, per
// consumer, per pending entry), so appending writes O(1) rows however long the stream is.

import { MIN_ID } from "./stream-id.ts";
import type { Consumer, Group } from "./stream-groups.ts";
import {
  META_MEMBER,
  consumerMember,
  entryMember,
  groupMember,
  loadMember,
  memberValue,
  pendingMember,
} from "./stream-members.ts";
import type { StoredStream } from "./stream-members.ts";
import { StreamEntries } from "./stream-entries.ts";

export type { Consumer, Group, Pending } from "./stream-groups.ts";

export class Stream extends StreamEntries implements StoredStream {
  entriesAdded = 0n;
  readonly groups = new Map<string, Group>();
  /**
   * Redis's stream signals to blocked readers (XADD, XGROUP DESTROY), counted: other writes to
   * the key (XACK, XSETID, XGROUP SETID …) wake no reader in Redis, so they do not here.
   */
  signals = 0;

  // ---- storage members (stream-members.ts) -----------------------------------------------

  /** Storage member of an entry. */
  static entryMember = entryMember;
  static readonly META_MEMBER = META_MEMBER;
  static groupMember = groupMember;
  static consumerMember = consumerMember;
  static pendingMember = pendingMember;

  /** Every storage member of the stream (a full rewrite). */
  *members(): Generator<string> {
    yield META_MEMBER;
    for (let i = this.head; i < this.ids.length; i++)
      if (this.vals[i]) yield entryMember(this.ids[i]!);
    for (const g of this.groups.values()) {
      yield groupMember(g.name);
      for (const c of g.consumers.values()) yield consumerMember(g.name, c.name);
      for (const p of g.pel.values()) yield pendingMember(g.name, p.id);
    }
  }

  /** The stored value of a member, or undefined when it no longer exists (its row goes). */
  memberValue(m: string): string | undefined {
    return memberValue(this, m);
  }

  /** Loads one stored member (rows in any order; `finishLoad` orders the entries). */
  loadMember(m: string, value: string): void {
    loadMember(this, m, value);
  }

  // ---- groups ---------------------------------------------------------------------------

  /** A group by name, created empty when missing (loading). */
  groupFor(name: string): Group {
    let g = this.groups.get(name);
    if (!g) {
      g = { name, lastId: MIN_ID, entriesRead: -1n, pel: new Map(), consumers: new Map() };
      this.groups.set(name, g);
    }
    return g;
  }

  /** A group's consumer, created when missing. */
  consumerFor(g: Group, name: string, now: number): Consumer {
    let c = g.consumers.get(name);
    if (!c) {
      c = { name, seen: now, active: -1, pending: new Map() };
      g.consumers.set(name, c);
    }
    return c;
  }
}
