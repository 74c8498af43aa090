// Which Durable Object holds a key: the one place that maps namespaces and keys to objects.

import type { Reply } from "../engine/reply.ts";
import type { Env } from "./env.ts";
import type { BatchRequest } from "./namespace-object.ts";

/** The RPC surface of a namespace object, typed plainly (the generated stub type is too deep for tsc). */
export interface NamespaceStub {
  run(req: BatchRequest): Promise<Reply[]>;
  fetch(request: Request): Promise<Response>;
}

/** The object of shard `shard` of a namespace. */
export function objectFor(env: Env, namespace: string, shard = 0): NamespaceStub {
  return env.NAMESPACE.getByName(shard === 0 ? namespace : `${namespace}#${shard}`) as unknown as NamespaceStub;
}
