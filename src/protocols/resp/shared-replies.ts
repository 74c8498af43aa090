// What the RESP (2 and 3) and gevent reply encoders write alike: bulk strings, errors, integers
// and plain arrays, and the reset/write/take around a run of replies. Each encoder handles the
// other kinds (statuses, nils, maps, doubles, …) its own way.

import type { Reply } from "../../engine/reply.ts";
import { sharedWriter as w } from "./resp-writer.ts";

/** An encoder's writer of one reply into the shared writer; `mode` is its option (RESP's protocol). */
export type WriteReply<M> = (r: Reply, mode: M) => void;

/** Writes a reply of a kind every encoder writes the same way; false for the other kinds. */
export function writeSharedKind<M>(r: Reply, write: WriteReply<M>, mode: M): boolean {
  switch (r.k) {
    case "bulk":
      w.bulk("$", r.v);
      return true;
    case "error":
      w.errorLine(r.v);
      return true;
    case "int":
      w.integer(r.v);
      return true;
    case "array":
      w.header("*", r.v.length);
      for (const x of r.v) write(x, mode);
      return true;
    case "none":
      return true;
    default:
      return false;
  }
}

/** The bytes of a run of replies written by `write`, concatenated. */
export function encodeReplies<M>(
  write: WriteReply<M>,
  replies: readonly Reply[],
  mode: M,
): Uint8Array {
  w.reset();
  for (const r of replies) write(r, mode);
  return w.take();
}

/** The bytes of one reply written by `write`. */
export function encodeOneReply<M>(write: WriteReply<M>, r: Reply, mode: M): Uint8Array {
  w.reset();
  write(r, mode);
  return w.take();
}
