// What a batch changed, handed to persistence at the end of the batch (spec §13.1-13.2).
// Items are recorded, not values: persistence reads the current value from the store, so a key
// written ten times in one batch costs one row write.

import type { ValueType } from "./entry.ts";
import type { DocEdit } from "./json-edits.ts";

/** A document's edits in a batch by path text, or null: the whole document is written. */
export type DocEdits = Map<string, DocEdit> | null;

export class ChangeSet {
  /** Key -> its version when first touched since the last flush (-1 = absent then). */
  readonly keys = new Map<string, number>();
  /** Set/hash/zset members touched, by key. */
  readonly members = new Map<string, Set<string>>();
  /** List positions touched, by key. */
  readonly positions = new Map<string, Set<number>>();
  /** Keys whose member rows are all rewritten; value = the type whose old rows must go. */
  readonly rewrites = new Map<string, ValueType>();
  /**
   * Documents changed only by in-place edits keep them here (json-edits.ts); null once anything
   * else changed the key in the batch (created, replaced, deleted, TTL): then it is written whole.
   * A document key missing here is written whole too.
   */
  readonly docs = new Map<string, DocEdits>();
  /** FLUSHDB/FLUSH happened: every row goes before the batch's other changes apply. */
  flushAll = false;
  /** Namespace configuration changed. */
  config = false;
  /** The script cache or the function libraries changed (engine/scripting/script-store.ts). */
  scripts = false;

  get empty(): boolean {
    return this.keys.size === 0 && !this.flushAll && !this.config && !this.scripts;
  }

  /** Records a key's version before its first change. */
  key(key: string, versionBefore: number): void {
    if (!this.keys.has(key)) this.keys.set(key, versionBefore);
  }

  /** Records a changed member of a set, hash or sorted set. */
  member(key: string, member: string): void {
    if (this.rewrites.has(key)) return;
    let s = this.members.get(key);
    if (!s) this.members.set(key, (s = new Set()));
    s.add(member);
  }

  /** Records a changed list position. */
  position(key: string, pos: number): void {
    if (this.rewrites.has(key)) return;
    let s = this.positions.get(key);
    if (!s) this.positions.set(key, (s = new Set()));
    s.add(pos);
  }

  /** Marks all member rows of a key for rewrite; `oldType` is the collection type stored before. */
  rewrite(key: string, oldType: ValueType): void {
    if (!this.rewrites.has(key)) this.rewrites.set(key, oldType);
    this.members.delete(key);
    this.positions.delete(key);
  }

  /** A document key's whole value is written at the end of the batch. */
  docWhole(key: string): void {
    this.docs.set(key, null);
  }

  /** In-place edits of a document (the root itself counts as the whole document). */
  docEdit(key: string, edits: readonly DocEdit[]): void {
    let m = this.docs.get(key);
    if (m === null) return;
    if (m === undefined) this.docs.set(key, (m = new Map()));
    for (const ed of edits) {
      if (ed.path.length === 0) return this.docWhole(key);
      const id = JSON.stringify(ed.path);
      const had = m.get(id);
      // A member removed earlier in the batch stays marked: its new value goes to the end.
      if (!had || (ed.removed && !had.removed)) m.set(id, ed);
    }
  }

  clear(): void {
    this.keys.clear();
    this.docs.clear();
    this.members.clear();
    this.positions.clear();
    this.rewrites.clear();
    this.flushAll = false;
    this.config = false;
    this.scripts = false;
  }
}
