// An engine whose clients' replies outside their batches (pushes, a woken client's late
// replies) are recorded as RESP text per client: what a door would have sent them.

import { COMMANDS } from "../../../src/engine/commands/index.ts";
import { newConn } from "../../../src/engine/conn-state.ts";
import type { ConnState } from "../../../src/engine/conn-state.ts";
import { Engine } from "../../../src/engine/engine.ts";
import type { Reply } from "../../../src/engine/reply.ts";
import { encodeResp } from "../../../src/protocols/resp/resp-encode.ts";

/** RESP text of replies in a protocol. */
export const respText = (rs: readonly Reply[], proto: 2 | 3 = 2): string =>
  new TextDecoder().decode(encodeResp(rs, proto));

/**
 * A fresh engine; `open()` makes a client (with a recording sink unless `sink` is false), `run`
 * runs commands as one batch and answers its replies' text, `got` holds each client's late text.
 */
export function recordingEngine() {
  const engine = new Engine(COMMANDS, "t");
  const got = new Map<number, string>();
  const open = (sink = true): ConnState => {
    const c = newConn(engine.nextClientId++, { authed: true, readonly: false });
    got.set(c.id, "");
    if (sink)
      engine.attach(c, { deliver: (rs) => got.set(c.id, got.get(c.id)! + respText(rs, c.resp)) });
    return c;
  };
  const run = (c: ConnState, now: number, ...cmds: string[][]) =>
    respText(
      engine.run(
        "redis",
        c,
        cmds.map((argv) => ({ argv })),
        now,
      ),
      c.resp,
    );
  return { engine, got, open, run };
}
