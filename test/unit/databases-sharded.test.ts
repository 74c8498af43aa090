// The 16 databases on a sharded namespace (issue 17): each shard holds every database for its
// keys; SELECT is a connection setting the router sends with every shard call, so keyed,
// all-shard and transactional commands run in the connection's database.

import { describe, expect, it } from "vitest";
import { R } from "../../src/engine/reply.ts";
import type { Reply } from "../../src/engine/reply.ts";
import { shardOfKey } from "../../src/worker/shard-map.ts";
import { ShardSim, keysOnDistinctShards } from "./support/shard-sim.ts";

const lines = (argv: string[][]) => argv.map((a) => ({ argv: a }));
const text = (r: Reply) => (r as { v: string }).v;

describe("databases on a sharded namespace", () => {
  it("runs keyed and all-shard commands in the selected database", async () => {
    const sim = new ShardSim(16);
    const s = sim.session("redis");
    const ks = keysOnDistinctShards(3);
    const r = await sim.run(
      s,
      lines([
        ["SET", ks[0]!, "zero"],
        ["SELECT", "5"],
        ["MSET", ks[0]!, "a", ks[1]!, "b", ks[2]!, "c"],
        ["DBSIZE"],
        ["GET", ks[0]!],
        ["SELECT", "0"],
        ["GET", ks[0]!],
        ["DBSIZE"],
        ["INFO", "keyspace"],
        ["SELECT", "16"],
      ]),
    );
    expect(r.slice(0, 8)).toEqual([
      R.OK,
      R.OK,
      R.OK,
      R.int(3),
      R.bulk("a"),
      R.OK,
      R.bulk("zero"),
      R.int(1),
    ]);
    expect(text(r[8]!)).toBe(
      "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\ndb5:keys=3,expires=0,avg_ttl=0\r\n",
    );
    expect(text(r[9]!)).toBe("ERR DB index is out of range");
    expect(s.conn.db).toBe(0);
    const shard = shardOfKey(ks[1]!, 16);
    expect(sim.engines[shard]!.dbs.peek(5)!.get(ks[1]!)).toBeDefined();
  });

  it("keeps the database across batches, in MULTI/EXEC and WATCH, and flushes per database", async () => {
    const sim = new ShardSim(16);
    const s = sim.session("redis");
    await sim.run(s, lines([["SELECT", "2"]]));
    const r = await sim.run(
      s,
      lines([
        ["SET", "w", "1"],
        ["WATCH", "w"],
        ["MULTI"],
        ["INCR", "w"],
        ["SELECT", "3"],
        ["EXEC"],
        ["SET", "w", "three"],
        ["SELECT", "2"],
        ["GET", "w"],
        ["FLUSHDB"],
        ["SELECT", "3"],
        ["GET", "w"],
      ]),
    );
    expect(r).toEqual([
      R.OK,
      R.OK,
      R.OK,
      R.QUEUED,
      R.QUEUED,
      R.array([R.int(2n), R.OK]),
      R.OK,
      R.OK,
      R.bulk("2"),
      R.OK,
      R.OK,
      R.bulk("three"),
    ]);
  });
});
