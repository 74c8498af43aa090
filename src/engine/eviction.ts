// Eviction under `maxmemory` (spec §3.8): which key goes first under each of Redis's policies.
// The LRU policies walk the store's exact recency list; the others sample a few candidates and
// take the best of them, as Redis does (maxmemory-samples 5), so no policy adds a field to Entry.
// LFU keeps Redis's 8-bit logarithmic counter with its minute clock in a side table, and only
// while an LFU policy is in effect.

import type { Entry } from "./entry.ts";
import type { EvictionPolicy } from "../limits.ts";

/** Candidates looked at per eviction by the sampling policies (Redis maxmemory-samples). */
export const EVICTION_SAMPLES = 5;
/** Random draws allowed per sample before falling back to a scan (dead slots, kept keys). */
const DRAWS_PER_SAMPLE = 4;
/** Redis's LFU_INIT_VAL: a new key's counter, so that it is not the first to go. */
const LFU_INIT = 5;
/** Redis's lfu-log-factor and lfu-decay-time (minutes) defaults. */
const LFU_LOG_FACTOR = 10;
const LFU_DECAY_MINUTES = 1;
const LFU_MAX = 255;
const MINUTES_MASK = 0xffff;

/** True for the policies that evict only keys with an expiry. */
export function isVolatile(policy: EvictionPolicy): boolean {
  return policy.startsWith("volatile-");
}

/** True for the policies that rank keys by access frequency. */
export function isLfu(policy: EvictionPolicy): boolean {
  return policy.endsWith("-lfu");
}

/** What the sampling policies need of the store. */
export interface EvictionPool {
  /** A random live entry (any key, or only keys with an expiry), or undefined. */
  sample(volatile: boolean): Entry | undefined;
  /** Live entries of the pool (an upper bound will do). */
  poolSize(volatile: boolean): number;
  /** Every live entry of the pool, for the fallback scan. */
  scan(volatile: boolean): Iterable<Entry>;
  /** The LFU counter of an entry (decayed to now). */
  frequency(e: Entry): number;
}

/** The next key a sampling policy evicts (not LRU), skipping `keep`; undefined if none can go. */
export function sampledVictim(
  pool: EvictionPool,
  policy: EvictionPolicy,
  keep: ReadonlySet<string>,
): Entry | undefined {
  const volatile = isVolatile(policy);
  let best: Entry | undefined;
  let bestScore = Infinity;
  const consider = (e: Entry): void => {
    if (keep.has(e.key)) return;
    const score = scoreOf(pool, policy, e);
    if (score < bestScore) {
      best = e;
      bestScore = score;
    }
  };
  // A pool no bigger than a few samples is ranked exactly (and small stores behave predictably).
  let draws =
    pool.poolSize(volatile) <= EVICTION_SAMPLES * DRAWS_PER_SAMPLE
      ? 0
      : EVICTION_SAMPLES * DRAWS_PER_SAMPLE;
  for (let taken = 0; taken < EVICTION_SAMPLES && draws > 0; draws--) {
    const e = pool.sample(volatile);
    if (!e || keep.has(e.key)) continue;
    consider(e);
    taken++;
    if (policy.endsWith("-random")) return best;
  }
  if (best) return best;
  // Unlucky draws (or most keys kept): a scan settles whether anything can go at all.
  for (const e of pool.scan(volatile)) {
    consider(e);
    if (best && policy.endsWith("-random")) break;
  }
  return best;
}

function scoreOf(pool: EvictionPool, policy: EvictionPolicy, e: Entry): number {
  if (isLfu(policy)) return pool.frequency(e);
  if (policy === "volatile-ttl") return e.expiresAt;
  return 0;
}

/**
 * Redis's approximate LFU counters (evict.c): an 8-bit logarithmic counter that grows ever more
 * slowly and decays by one per minute without access. Kept beside the entries, not in them.
 */
export class FrequencyTable {
  private readonly counters = new WeakMap<Entry, number>();
  /** Unix ms of the running batch (the store's clock). */
  now = 0;

  private minutes(): number {
    return Math.floor(this.now / 60000) & MINUTES_MASK;
  }

  /** The counter decayed to now (Redis LFUDecrAndReturn). */
  get(e: Entry): number {
    const packed = this.counters.get(e);
    if (packed === undefined) return LFU_INIT;
    const stamp = packed >>> 8;
    const counter = packed & 0xff;
    const now = this.minutes();
    const elapsed = now >= stamp ? now - stamp : MINUTES_MASK - stamp + now;
    const periods = Math.floor(elapsed / LFU_DECAY_MINUTES);
    return periods > counter ? 0 : counter - periods;
  }

  /** Counts an access (Redis updateLFU: decay, then a logarithmic increment). */
  hit(e: Entry): void {
    let counter = this.get(e);
    if (counter < LFU_MAX) {
      const base = Math.max(0, counter - LFU_INIT);
      if (Math.random() < 1 / (base * LFU_LOG_FACTOR + 1)) counter++;
    }
    this.counters.set(e, (this.minutes() << 8) | counter);
  }
}
