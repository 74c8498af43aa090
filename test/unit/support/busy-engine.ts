// An engine for busy-script tests (busy-script.test.ts, busy-script-exec.test.ts): scripts are
// busy at once (busy-reply-threshold 0) unless told otherwise, each connection's pushed replies
// are collected as RESP2 text, and `persisted` logs the host's persist calls.

import { COMMANDS } from "../../../src/engine/commands/index.ts";
import { newConn } from "../../../src/engine/conn-state.ts";
import type { ConnState } from "../../../src/engine/conn-state.ts";
import { Engine, NULL_HOST } from "../../../src/engine/engine.ts";
import type { Reply } from "../../../src/engine/reply.ts";
import { encodeResp } from "../../../src/protocols/resp/resp-encode.ts";

const decoder = new TextDecoder();

/** Replies as RESP2 text. */
export const text = (rs: readonly Reply[]) => decoder.decode(encodeResp(rs, 2));

/** The engine, each connection's delivered text (`out[i]`), and helpers to open and run. */
export function busyEngine(thresholdMs = 0) {
  const persisted: string[] = [];
  const engine: Engine = new Engine(
    COMMANDS,
    "ns",
    {},
    {
      ...NULL_HOST,
      persist: () => persisted.push([...engine.store.map.keys()].sort().join(",")),
    },
  );
  engine.params.set("busy-reply-threshold", String(thresholdMs));
  const out: string[] = [];
  /** A connection; with `sink` its late replies are collected in `out`. */
  const conn = (sink = true): ConnState => {
    const c = newConn(engine.nextClientId++, { authed: true, readonly: false });
    const i = out.push("") - 1;
    if (sink) engine.attach(c, { deliver: (rs) => (out[i] += text(rs)) });
    return c;
  };
  /** Runs one batch for `c`; its immediate replies as text. */
  const run = (c: ConnState, ...cmds: string[][]) =>
    text(
      engine.run(
        "redis",
        c,
        cmds.map((argv) => ({ argv })),
        Date.now(),
      ),
    );
  return { engine, out, conn, run, persisted };
}
