// The keyspace notification classes (Redis's NOTIFY_* bits) and the mask of a
// `notify-keyspace-events` value. Apart from keyspace-events.ts, which publishes through the
// engine, so that the store can name the classes of its own events without depending on it.

/** Event classes as Redis's server.h numbers them (NOTIFY_*); K and E pick the channels. */
export const Notify = {
  KEYSPACE: 1 << 0, // K
  KEYEVENT: 1 << 1, // E
  GENERIC: 1 << 2, // g
  STRING: 1 << 3, // $
  LIST: 1 << 4, // l
  SET: 1 << 5, // s
  HASH: 1 << 6, // h
  ZSET: 1 << 7, // z
  EXPIRED: 1 << 8, // x
  EVICTED: 1 << 9, // e
  STREAM: 1 << 10, // t
  KEY_MISS: 1 << 11, // m (not part of A)
  MODULE: 1 << 13, // d
  NEW: 1 << 14, // n (not part of A)
} as const;

const LETTERS: Record<string, number> = {
  K: Notify.KEYSPACE,
  E: Notify.KEYEVENT,
  g: Notify.GENERIC,
  $: Notify.STRING,
  l: Notify.LIST,
  s: Notify.SET,
  h: Notify.HASH,
  z: Notify.ZSET,
  x: Notify.EXPIRED,
  e: Notify.EVICTED,
  t: Notify.STREAM,
  m: Notify.KEY_MISS,
  d: Notify.MODULE,
  n: Notify.NEW,
  A:
    Notify.GENERIC |
    Notify.STRING |
    Notify.LIST |
    Notify.SET |
    Notify.HASH |
    Notify.ZSET |
    Notify.EXPIRED |
    Notify.EVICTED |
    Notify.STREAM |
    Notify.MODULE,
};

/**
 * The mask of a `notify-keyspace-events` value (already validated by config-table.ts). As in
 * Redis, without K or E nothing is published, so the mask is then 0.
 */
export function notifyMask(flags: string): number {
  let m = 0;
  for (const c of flags) m |= LETTERS[c] ?? 0;
  return m & (Notify.KEYSPACE | Notify.KEYEVENT) ? m : 0;
}
