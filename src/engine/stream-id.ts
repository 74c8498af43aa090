// Stream entry ids (Redis `streamID`): two unsigned 64-bit parts, `<ms>-<seq>`, ordered by ms
// then seq. Kept as bigints because Redis accepts the whole u64 range in explicit ids.

import { CommandError } from "./errors.ts";

export interface StreamId {
  readonly ms: bigint;
  readonly seq: bigint;
}

export const U64_MAX = (1n << 64n) - 1n;
export const MIN_ID: StreamId = { ms: 0n, seq: 0n };
export const MAX_ID: StreamId = { ms: U64_MAX, seq: U64_MAX };

const DIGITS = /^[0-9]+$/;

/** -1, 0 or 1 as `a` sorts before, with or after `b`. */
export function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

/** `<ms>-<seq>`. */
export function idText(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

/** The id after `id`, or undefined past the last possible one. */
export function nextId(id: StreamId): StreamId | undefined {
  if (id.seq < U64_MAX) return { ms: id.ms, seq: id.seq + 1n };
  if (id.ms < U64_MAX) return { ms: id.ms + 1n, seq: 0n };
  return undefined;
}

/** The id before `id`, or undefined before 0-0. */
export function prevId(id: StreamId): StreamId | undefined {
  if (id.seq > 0n) return { ms: id.ms, seq: id.seq - 1n };
  if (id.ms > 0n) return { ms: id.ms - 1n, seq: U64_MAX };
  return undefined;
}

/** Redis's error for an id that does not parse. */
export const invalidId = () =>
  new CommandError("ERR", "ERR Invalid stream ID specified as stream command argument");

function u64(s: string): bigint | undefined {
  if (!DIGITS.test(s)) return undefined;
  const v = BigInt(s);
  return v > U64_MAX ? undefined : v;
}

/**
 * Parses `<ms>[-<seq>]` (Redis `streamParseID`); a missing seq is `missingSeq` (0 for a start,
 * max for an end). `-` and `+` stand for the smallest and largest ids when `strictness` allows.
 */
export function parseId(s: string, missingSeq: bigint = 0n, allowMinMax = true): StreamId {
  if (allowMinMax && s === "-") return MIN_ID;
  if (allowMinMax && s === "+") return MAX_ID;
  const dash = s.indexOf("-");
  if (dash < 0) {
    const ms = u64(s);
    if (ms === undefined) throw invalidId();
    return { ms, seq: missingSeq };
  }
  const ms = u64(s.slice(0, dash));
  const seq = u64(s.slice(dash + 1));
  if (ms === undefined || seq === undefined) throw invalidId();
  return { ms, seq };
}

/** Parses an id that must be exact (XDEL, XACK, XCLAIM): `<ms>[-<seq>]`, no `-`/`+`. */
export function parseExactId(s: string): StreamId {
  return parseId(s, 0n, false);
}

/** 16 bytes, big-endian ms then seq, as a byte string: sorts like the ids (storage member). */
export function idBytes(id: StreamId): string {
  let out = "";
  for (const part of [id.ms, id.seq]) {
    for (let shift = 56n; shift >= 0n; shift -= 8n)
      out += String.fromCharCode(Number((part >> shift) & 0xffn));
  }
  return out;
}

/** The id of 16 bytes written by `idBytes`. */
export function idOfBytes(b: string, at = 0): StreamId {
  let ms = 0n;
  let seq = 0n;
  for (let i = 0; i < 8; i++) ms = (ms << 8n) | BigInt(b.charCodeAt(at + i));
  for (let i = 8; i < 16; i++) seq = (seq << 8n) | BigInt(b.charCodeAt(at + i));
  return { ms, seq };
}
