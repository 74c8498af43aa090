// Pub/sub and blocking commands in the shard router (src/worker/router/, docs/scaling.md): PUBLISH
// routes by channel, subscriptions are the Worker's and mirrored after a flush, SSUBSCRIBE and
// multi-key blocking across shards are CROSSSLOT, PUBSUB merges over shards, and a blocking
// command ends its round.

import { describe, expect, it } from "vitest";
import { newConn } from "../../src/engine/conn-state.ts";
import type { ConnState } from "../../src/engine/conn-state.ts";
import { Errors } from "../../src/engine/errors.ts";
import { R } from "../../src/engine/reply.ts";
import type { Reply } from "../../src/engine/reply.ts";
import { shardOfKey } from "../../src/worker/router/slots.ts";
import { ShardSim } from "./support/shard-sim.ts";

const SHARDS = 16;
const CROSSSLOT = R.error(Errors.crossSlot());

/** `n` names `prefix<i>` on pairwise different shards. */
function spread(prefix: string, n: number): string[] {
  const out: string[] = [];
  const seen = new Set<number>();
  for (let i = 0; out.length < n; i++) {
    const s = shardOfKey(`${prefix}${i}`, SHARDS);
    if (!seen.has(s)) (seen.add(s), out.push(`${prefix}${i}`));
  }
  return out;
}

/** A socket-like session: a sink on the Worker's engine, and a recording mirror. */
function socket(sim: ShardSim) {
  const s = sim.session("redis");
  const mirrored: string[][] = [];
  s.local.attach(s.conn, { deliver: () => {} });
  s.mirror = async (c: ConnState) => {
    mirrored.push([...(c.subs?.channels ?? []), ...(c.subs?.patterns ?? [])]);
    // What ran on the shards before the mirror: the calls logged so far.
    mirrored.push([`calls:${sim.log.length}`]);
  };
  return { s, mirrored };
}

const err = (r: Reply) => (r.k === "error" ? r.v : r.k);

describe("pub/sub routes", () => {
  it("PUBLISH runs on its channel's shard (hash tags honoured)", async () => {
    const sim = new ShardSim(SHARDS);
    for (const ch of ["news", "{user:1}:inbox", "x"]) {
      await sim.lines("redis", ["PUBLISH", ch, "m"]);
      expect(sim.log.at(-1)!.shard).toBe(shardOfKey(ch, SHARDS));
    }
    expect(shardOfKey("{user:1}:inbox", SHARDS)).toBe(shardOfKey("user:1", SHARDS));
  });

  it("SUBSCRIBE answers from the Worker's engine and mirrors after earlier commands ran", async () => {
    const sim = new ShardSim(SHARDS);
    const { s, mirrored } = socket(sim);
    const replies = await sim.run(s, [
      { argv: ["PUBLISH", "a", "before"] },
      { argv: ["SUBSCRIBE", "a", "b"] },
      { argv: ["PSUBSCRIBE", "p*"] },
    ]);
    expect(replies.map((r) => r.k)).toEqual(["int", "seq", "seq"]);
    expect(mirrored).toEqual([["a", "b"], ["calls:1"], ["a", "b", "p*"], ["calls:1"]]);
    // Subscriptions never travel to the shards with the context.
    await sim.run(s, [{ argv: ["PING"] }, { argv: ["UNSUBSCRIBE"] }, { argv: ["PUNSUBSCRIBE"] }]);
    expect(mirrored.at(-2)).toEqual([]);
    await sim.run(s, [{ argv: ["GET", "k"] }]);
    expect(sim.log.at(-1)!.conn.subs).toBeNull();
  });

  it("SSUBSCRIBE across shards is CROSSSLOT; SUBSCRIBE inside MULTI is refused", async () => {
    const sim = new ShardSim(SHARDS);
    const { s, mirrored } = socket(sim);
    const [a, b] = spread("c", 2);
    const [cross, tagged] = await sim.run(s, [
      { argv: ["SSUBSCRIBE", a!, b!] },
      { argv: ["SSUBSCRIBE", `{t}${a}`, `{t}${b}`] },
    ]);
    expect(cross).toEqual(CROSSSLOT);
    expect(tagged!.k).toBe("seq");
    expect(mirrored.length).toBe(2);
    // A fresh connection (this one is in RESP2 subscribed mode now).
    const tx = await sim.run(socket(sim).s, [
      { argv: ["MULTI"] },
      { argv: ["SUBSCRIBE", "z"] },
      { argv: ["EXEC"] },
    ]);
    expect(err(tx[1]!)).toBe("ERR 'subscribe' is not supported on a sharded namespace");
    expect(err(tx[2]!)).toMatch(/^EXECABORT/);
  });

  it("PUBSUB merges: CHANNELS joined, NUMSUB added, NUMPAT the largest, HELP once", async () => {
    const sim = new ShardSim(SHARDS);
    const [a, b] = spread("ch", 2);
    let id = 100;
    const sub = (shard: number, kind: "channels" | "patterns", name: string) => {
      const e = sim.engines[shard]!;
      const c = newConn(id++, { authed: true, readonly: false });
      e.attach(c, { deliver: () => {} });
      e.pubsub.add(c, kind, name);
    };
    sub(shardOfKey(a!, SHARDS), "channels", a!);
    sub(shardOfKey(b!, SHARDS), "channels", b!);
    sub(shardOfKey(b!, SHARDS), "channels", b!);
    for (let shard = 0; shard < SHARDS; shard++) sub(shard, "patterns", "p*");
    const [channels, numsub, numpat, help] = await sim.lines(
      "redis",
      ["PUBSUB", "CHANNELS"],
      ["PUBSUB", "NUMSUB", a!, b!, "none"],
      ["PUBSUB", "NUMPAT"],
      ["PUBSUB", "HELP"],
    );
    const byShard = [a!, b!].sort((x, y) => shardOfKey(x, SHARDS) - shardOfKey(y, SHARDS));
    expect(channels).toEqual(R.bulks(byShard));
    expect(numsub).toEqual(
      R.map([R.bulk(a!), R.int(1), R.bulk(b!), R.int(2), R.bulk("none"), R.int(0)]),
    );
    expect(numpat).toEqual(R.int(1));
    expect(help!.k === "array" && help.v.length).toBe(14);
  });
});

describe("blocking routes", () => {
  it("multi-key blocking across shards is CROSSSLOT; a blocking command ends its round", async () => {
    const sim = new ShardSim(SHARDS);
    const [a, b] = spread("q", 2);
    const replies = await sim.lines(
      "redis",
      ["BLPOP", a!, b!, "0"],
      ["BLMOVE", a!, b!, "LEFT", "RIGHT", "0"],
      ["BLPOP", `{t}${a}`, `{t}${b}`, "0"],
      ["SET", b!, "1"],
    );
    expect(replies.slice(0, 2)).toEqual([CROSSSLOT, CROSSSLOT]);
    // No sink in this session: the BLPOP answers as a timeout, in a round of its own.
    expect(replies[2]).toEqual(R.NILARRAY);
    expect(sim.rounds).toBe(2);
  });
});
