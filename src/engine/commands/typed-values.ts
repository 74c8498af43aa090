// Writing typed values (gevent `:n`/`%`/`*`, Light-Redis objects) and reading any value in the
// typed views of spec §3.4 and §9.4.

import { byteLength } from "../bytes.ts";
import type { JsonDoc } from "../json-doc.ts";
import type { TypedArg } from "../command.ts";
import type { Ctx } from "../command-table.ts";
import type { Deque } from "../deque.ts";
import type { Entry } from "../entry.ts";
import { R } from "../reply.ts";
import type { Stream } from "../stream.ts";
import { MAX_ID, MIN_ID } from "../stream-id.ts";
import { entriesReply } from "./stream-args.ts";
import type { Reply } from "../reply.ts";
import type { SortedSet } from "../sorted-set.ts";
import { parseJson } from "../json-parse.ts";
import { formatScore } from "../score-text.ts";

/** Stores a typed value (replacing any type, clearing the TTL). */
export function putTyped(ctx: Ctx, key: string, v: TypedArg): void {
  if (v.type === "string") ctx.store.put(key, "string", v.v, byteLength(v.v));
  else if (v.type === "int") ctx.store.put(key, "int", v.v, v.v.toString().length);
  else ctx.store.put(key, "json", v.text, byteLength(v.text));
}

/** Any value as typed replies (gevent GET view, spec §9.4); json stays a json reply. */
export function typedView(e: Entry | undefined): Reply {
  if (!e) return R.NIL;
  switch (e.type) {
    case "string":
      return R.bulk(e.value as string);
    case "int":
      return R.int(e.value as bigint);
    case "json":
      return R.json(parseJson(e.value as string));
    case "set":
      return R.bulks(e.value as Set<string>);
    case "hash": {
      const out: Reply[] = [];
      for (const [f, v] of e.value as Map<string, string>) out.push(R.bulk(f), R.bulk(v));
      return R.map(out);
    }
    case "list":
      return R.bulks(e.value as Deque);
    case "zset": {
      const z = e.value as SortedSet;
      const out: Reply[] = [];
      for (const m of z.slice(0, z.size)) out.push(R.bulk(m), R.bulk(formatScore(z.score(m)!, 2)));
      return R.array(out);
    }
    case "stream":
      return entriesReply((e.value as Stream).range(MIN_ID, MAX_ID));
    case "document":
      return R.json((e.value as JsonDoc).root);
  }
}
