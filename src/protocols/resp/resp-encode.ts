// Redis reply encoding: RESP2 (spec §10.3) and, after HELLO 3, RESP3 as Redis 7.0.15 sends it
// (spec §10.12). Errors and statuses get `\r`/`\n` replaced by spaces (spec §4.2).

import type { Reply } from "../../engine/reply.ts";
import { formatScore } from "../../engine/score-text.ts";
import { sharedWriter as w } from "./resp-writer.ts";
import { encodeOneReply, encodeReplies, writeSharedKind } from "./shared-replies.ts";

export { formatScore } from "../../engine/score-text.ts";

/** JSON replies belong to the Light-Redis view and have no RESP form. */
const NO_RESP_FORM = "ERR internal error";

function write(r: Reply, proto: 2 | 3): void {
  if (writeSharedKind(r, write, proto)) return;
  switch (r.k) {
    case "status":
      w.ascii("+");
      w.text(r.v, true);
      w.ascii("\r\n");
      return;
    case "nil":
      w.ascii(proto === 3 ? "_\r\n" : "$-1\r\n");
      return;
    case "nilarray":
      w.ascii(proto === 3 ? "_\r\n" : "*-1\r\n");
      return;
    case "map":
      if (proto === 3) w.header("%", r.v.length >> 1);
      else w.header("*", r.v.length);
      for (const x of r.v) write(x, proto);
      return;
    case "set":
      w.header(proto === 3 ? "~" : "*", r.v.length);
      for (const x of r.v) write(x, proto);
      return;
    case "double": {
      const text = r.text ?? formatScore(r.v, proto);
      if (proto === 3) w.ascii("," + text + "\r\n");
      else w.ascii("$" + text.length + "\r\n" + text + "\r\n");
      return;
    }
    case "bool":
      if (proto === 3) w.ascii(r.v ? "#t\r\n" : "#f\r\n");
      else w.ascii(r.v ? ":1\r\n" : ":0\r\n");
      return;
    case "verbatim":
      if (proto === 3) w.bulk("=", r.v, "txt:");
      else w.bulk("$", r.v);
      return;
    case "json":
      w.ascii("-" + NO_RESP_FORM + "\r\n");
      return;
    case "push":
      w.header(proto === 3 ? ">" : "*", r.v.length);
      for (const x of r.v) write(x, proto);
      return;
    case "seq":
      for (const x of r.v) write(x, proto);
      return;
  }
}

export { integerText } from "./resp-writer.ts";

/** The RESP2/RESP3 bytes of a run of replies, concatenated. */
export function encodeResp(replies: readonly Reply[], proto: 2 | 3): Uint8Array {
  return encodeReplies(write, replies, proto);
}

/** The RESP2/RESP3 bytes of one reply. */
export function encodeRespReply(r: Reply, proto: 2 | 3): Uint8Array {
  return encodeOneReply(write, r, proto);
}
