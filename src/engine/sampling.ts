// Uniform random picks from sets, hashes and the key space in O(1) per pick (SRANDMEMBER,
// SPOP, HRANDFIELD, RANDOMKEY; spec §10.6).
//
// A JS Set or Map has no random access. The first random pick from a set or hash swaps its
// value for a SampledSet / SampledMap: the same collection (insertion order, the whole Set/Map
// API) that also keeps its members in an array with each member's slot, maintained by its own
// add/set/delete/clear. The swap costs O(n) once; every later pick is one array read, and a
// removal moves the array's last member into the freed slot. Collections that are never
// sampled keep their plain, smaller representation (no field is added to Entry either).

import type { Entry } from "./entry.ts";
import { WS_MESSAGE_MAX_BYTES } from "../limits.ts";

/**
 * Most picks a reply with repetitions may hold (SRANDMEMBER, ZRANDMEMBER, HRANDFIELD with a
 * negative count; Redis would try up to 2^63 - 1): even empty members take 6 bytes
 * (`$0\r\n\r\n`), so a longer reply could not cross a WebSocket message (spec §2) anyway, and
 * building it would only exhaust the isolate. Beyond it: `ERR value is out of range`.
 */
export const RANDOM_REPLY_MAX = Math.floor(WS_MESSAGE_MAX_BYTES / 6);

/** `n` random hex digits (INFO run_id). */
export function randomHex(n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}

/** A uniform random integer in [0, n). */
export function randomIndex(n: number): number {
  return Math.floor(Math.random() * n);
}

/** `k` distinct indexes out of [0, n) (k <= n), uniformly (Floyd's algorithm: k draws). */
export function distinctIndexes(k: number, n: number): number[] {
  const picked = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = randomIndex(j + 1);
    picked.add(picked.has(t) ? j : t);
  }
  return [...picked];
}

/** Slot bookkeeping shared by SampledSet and SampledMap. */
class Slots {
  readonly items: string[] = [];
  private readonly slot = new Map<string, number>();

  add(m: string): void {
    this.slot.set(m, this.items.length);
    this.items.push(m);
  }

  remove(m: string): void {
    const i = this.slot.get(m);
    if (i === undefined) return;
    const last = this.items.pop()!;
    this.slot.delete(m);
    if (last !== m) {
      this.items[i] = last;
      this.slot.set(last, i);
    }
  }

  clear(): void {
    this.items.length = 0;
    this.slot.clear();
  }
}

/** A Set<string> with O(1) uniform random picks. */
export class SampledSet extends Set<string> {
  private readonly slots = new Slots();

  constructor(from?: Iterable<string>) {
    super(); // not super(from): Set's constructor would call add() before `slots` exists
    if (from) for (const m of from) this.add(m);
  }

  override add(m: string): this {
    if (!super.has(m)) {
      super.add(m);
      this.slots.add(m);
    }
    return this;
  }

  override delete(m: string): boolean {
    if (!super.delete(m)) return false;
    this.slots.remove(m);
    return true;
  }

  override clear(): void {
    super.clear();
    this.slots.clear();
  }

  /** The member at a sampling slot in [0, size). */
  at(i: number): string {
    return this.slots.items[i]!;
  }

  /** A uniformly random member (the set must not be empty). */
  random(): string {
    return this.slots.items[randomIndex(this.size)]!;
  }
}

/** A Map<string, string> (hash fields) with O(1) uniform random picks. */
export class SampledMap extends Map<string, string> {
  private readonly slots = new Slots();

  constructor(from?: Iterable<readonly [string, string]>) {
    super();
    if (from) for (const [k, v] of from) this.set(k, v);
  }

  override set(k: string, v: string): this {
    if (!super.has(k)) this.slots.add(k);
    super.set(k, v);
    return this;
  }

  override delete(k: string): boolean {
    if (!super.delete(k)) return false;
    this.slots.remove(k);
    return true;
  }

  override clear(): void {
    super.clear();
    this.slots.clear();
  }

  /** The field at a sampling slot in [0, size). */
  at(i: number): string {
    return this.slots.items[i]!;
  }

  /** A uniformly random field (the hash must not be empty). */
  random(): string {
    return this.slots.items[randomIndex(this.size)]!;
  }
}

/** The set of an entry, made samplable (its value is swapped on the first pick). */
export function samplableSet(e: Entry): SampledSet {
  if (e.value instanceof SampledSet) return e.value;
  const s = new SampledSet(e.value as Set<string>);
  e.value = s;
  return s;
}

/** The hash of an entry, made samplable (its value is swapped on the first pick). */
export function samplableMap(e: Entry): SampledMap {
  if (e.value instanceof SampledMap) return e.value;
  const h = new SampledMap(e.value as Map<string, string>);
  e.value = h;
  return h;
}
