// Byte strings (the engine's keys and values) as SQL values and back, shared by every file that
// writes rows.

import { fromBytes, isBinary, toBytes } from "../engine/bytes.ts";

/**
 * A byte string as a SQL value: TEXT when it is UTF-8 without NUL, BLOB otherwise. The rule is a
 * function of the bytes, so equal byte strings always bind alike (lookups match); NUL goes to BLOB
 * because SQLite text APIs may stop at it.
 */
export function sqlBytes(s: string): string | ArrayBuffer {
  return isBinary(s) || s.includes("\0") ? (toBytes(s).buffer as ArrayBuffer) : s;
}

/** A SQL TEXT or BLOB back to a byte string. */
export function bytesOfSql(v: unknown): string {
  return typeof v === "string" ? v : fromBytes(new Uint8Array(v as ArrayBuffer));
}
