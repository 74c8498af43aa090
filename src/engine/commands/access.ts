// Typed access to entries for command handlers: one place that raises WRONGTYPE and renders
// int/json values as the strings Redis commands see (spec §3.5).

import type { Ctx } from "../command-table.ts";
import type { Entry, ValueType } from "../entry.ts";
import { Errors } from "../errors.ts";

/** True for the types Redis string commands accept. */
export function isStringLike(t: ValueType): boolean {
  return t === "string" || t === "int" || t === "json";
}

/** The bytes a string command sees for a string, int or json value. */
export function stringOf(e: Entry): string {
  return e.type === "int" ? (e.value as bigint).toString() : (e.value as string);
}

/** Reads a string-like key (refreshing recency); WRONGTYPE for collections. */
export function readString(ctx: Ctx, key: string): string | undefined {
  const e = ctx.store.read(key);
  if (!e) return undefined;
  if (!isStringLike(e.type)) throw Errors.wrongType();
  return stringOf(e);
}

/** The entry of a key that must hold `type` (refreshing recency); WRONGTYPE otherwise. */
export function readTyped(ctx: Ctx, key: string, type: ValueType): Entry | undefined {
  const e = ctx.store.read(key);
  if (e && e.type !== type) throw Errors.wrongType();
  return e;
}

/** Like readTyped, without refreshing recency or counting hits (metadata commands, writes). */
export function getTyped(ctx: Ctx, key: string, type: ValueType): Entry | undefined {
  const e = ctx.store.get(key);
  if (e && e.type !== type) throw Errors.wrongType();
  return e;
}
