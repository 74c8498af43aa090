// Engine-level behaviour of issue 17's generic commands that redis-server cannot be compared
// with directly: access times (OBJECT IDLETIME) on the engine's clock, the sharded refusal of
// SORT patterns, DEBUG OBJECT's line, COMMAND's reply shapes and COPY's independent copies.

import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/engine/commands/index.ts";
import { newConn } from "../../src/engine/conn-state.ts";
import { Engine } from "../../src/engine/engine.ts";
import { encodeResp } from "../../src/protocols/resp/resp-encode.ts";

function session(start = 1_700_000_000_000) {
  const engine = new Engine(COMMANDS, "generic");
  const conn = newConn(1, { authed: true, readonly: false });
  let now = start;
  const run = (...argv: string[]) =>
    Buffer.from(encodeResp(engine.run("redis", conn, [{ argv }], now), conn.resp)).toString(
      "latin1",
    );
  return { engine, run, advance: (ms: number) => (now += ms) };
}

describe("OBJECT IDLETIME follows accesses on the batch clock", () => {
  it("reads and TOUCH reset it; TTL, TYPE, EXISTS and OBJECT do not", () => {
    const { run, advance } = session();
    run("SET", "foo", "bar");
    advance(3000);
    run("TTL", "foo");
    run("TYPE", "foo");
    run("EXISTS", "foo");
    run("OBJECT", "ENCODING", "foo");
    expect(run("OBJECT", "IDLETIME", "foo")).toBe(":3\r\n");
    run("TOUCH", "foo");
    expect(run("OBJECT", "IDLETIME", "foo")).toBe(":0\r\n");
    advance(2000);
    run("GET", "foo");
    expect(run("OBJECT", "IDLETIME", "foo")).toBe(":0\r\n");
  });

  it("RESTORE … IDLETIME sets it", () => {
    const { run, engine } = session();
    run("SET", "s", "v");
    const payload = engine.run(
      "redis",
      newConn(2, { authed: true, readonly: false }),
      [{ argv: ["DUMP", "s"] }],
      1_700_000_000_000,
    )[0]!;
    if (payload.k !== "bulk") throw new Error("no payload");
    expect(run("RESTORE", "r", "0", payload.v, "IDLETIME", "1000")).toBe("+OK\r\n");
    expect(run("OBJECT", "IDLETIME", "r")).toBe(":1000\r\n");
  });
});

describe("SORT in a sharded namespace", () => {
  it("refuses BY with a pattern and GET, as Redis Cluster does; BY nosort is fine", () => {
    const { run, engine } = session();
    engine.sharded = true;
    run("RPUSH", "l", "2", "1");
    expect(run("SORT", "l", "BY", "w_*")).toBe(
      "-ERR BY option of SORT denied in Cluster mode.\r\n",
    );
    expect(run("SORT", "l", "GET", "#")).toBe(
      "-ERR GET option of SORT denied in Cluster mode.\r\n",
    );
    expect(run("SORT", "l", "BY", "nosort")).toBe("*2\r\n$1\r\n2\r\n$1\r\n1\r\n");
  });
});

describe("DEBUG", () => {
  it("DEBUG OBJECT prints Redis's fields; harmful subcommands are refused", () => {
    const { run } = session();
    run("RPUSH", "l", "a", "b", "c");
    expect(run("DEBUG", "OBJECT", "l")).toMatch(
      /^\+Value at:0x[0-9a-f]+ refcount:1 encoding:quicklist serializedlength:19 lru:\d+ lru_seconds_idle:0 ql_nodes:1 ql_avg_node:3\.00 ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:\d+\r\n$/,
    );
    expect(run("DEBUG", "OBJECT", "nokey")).toBe("-ERR no such key\r\n");
    expect(run("DEBUG", "SLEEP", "0")).toBe("+OK\r\n");
    expect(run("DEBUG", "SEGFAULT")).toMatch(/^-ERR DEBUG SEGFAULT is not supported here/);
  });
});

describe("COPY", () => {
  it("copies are independent of their source, for every collection type", () => {
    const { run } = session();
    run("SADD", "s", "a");
    run("HSET", "h", "f", "v");
    run("ZADD", "z", "1", "m");
    for (const k of ["s", "h", "z"]) expect(run("COPY", k, `${k}2`)).toBe(":1\r\n");
    run("SADD", "s2", "b");
    run("HSET", "h2", "g", "w");
    run("ZADD", "z2", "5", "m");
    expect(run("SCARD", "s")).toBe(":1\r\n");
    expect(run("HLEN", "h")).toBe(":1\r\n");
    expect(run("ZSCORE", "z", "m")).toBe("$1\r\n1\r\n");
  });
});

describe("COMMAND", () => {
  it("INFO has Redis 7's ten fields; COUNT counts the records; DOCS reads the record's doc", () => {
    const { run } = session();
    const info = run("COMMAND", "INFO", "sort");
    expect(
      info.startsWith(
        "*1\r\n*10\r\n$4\r\nsort\r\n:-2\r\n*3\r\n+write\r\n+denyoom\r\n+movablekeys\r\n:1\r\n:1\r\n:1\r\n",
      ),
    ).toBe(true);
    expect(run("COMMAND", "COUNT")).toBe(`:${COMMANDS.specs("redis").length}\r\n`);
    expect(run("COMMAND", "DOCS", "lcs")).toBe(
      "*2\r\n$3\r\nlcs\r\n*6\r\n$7\r\nsummary\r\n$29\r\nFind longest common substring\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n",
    );
    const all = run("COMMAND");
    expect(all.startsWith(`*${COMMANDS.specs("redis").length}\r\n`)).toBe(true);
  });
});
