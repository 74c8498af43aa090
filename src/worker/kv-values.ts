// A kv row's value column and back: scalars (string, int, json, document) are stored whole in
// it; a collection's row holds NULL and its members are rows of their own (collection-rows.ts).

import { byteLength } from "../engine/bytes.ts";
import type { Entry, ValueType } from "../engine/entry.ts";
import { Deque } from "../engine/deque.ts";
import { SortedSet } from "../engine/sorted-set.ts";
import { Stream } from "../engine/stream.ts";
import { JsonDoc, jsonSize, toJsonText } from "../engine/json-doc.ts";
import { parseJson } from "../engine/json-parse.ts";
import { JSON_DOC_MAX_DEPTH } from "../limits.ts";
import { bytesOfSql, sqlBytes } from "./sql-bytes.ts";

/** The value of a kv row being loaded: a scalar's value, or an empty collection to fill. */
export function valueOfSql(type: ValueType, raw: unknown): Entry["value"] {
  switch (type) {
    case "string":
      return bytesOfSql(raw);
    case "int":
      return BigInt(raw as string);
    case "json":
      return raw as string;
    case "set":
      return new Set<string>();
    case "hash":
      return new Map<string, string>();
    case "list":
      return new Deque();
    case "zset":
      return new SortedSet();
    case "stream":
      return new Stream();
    case "document":
      return new JsonDoc(parseJson(raw as string, { maxDepth: JSON_DOC_MAX_DEPTH }));
  }
}

/** The size a scalar counts for (spec §3.7). */
export function scalarSize(type: ValueType, v: Entry["value"]): number {
  if (type === "document") return jsonSize((v as JsonDoc).root);
  return type === "int" ? (v as bigint).toString().length : byteLength(v as string);
}

/** A kv row's value column: the scalar's value, NULL for a collection. */
export function scalarSql(e: Entry): string | ArrayBuffer | null {
  if (e.type === "string") return sqlBytes(e.value as string);
  if (e.type === "int") return (e.value as bigint).toString();
  if (e.type === "json") return e.value as string;
  if (e.type === "document") return toJsonText((e.value as JsonDoc).root);
  return null;
}
