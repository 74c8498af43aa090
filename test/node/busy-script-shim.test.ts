// A busy script as a user meets it: two TCP clients on the shim's Redis port (multiplexed and a
// WebSocket per client), the Worker behind it. Under busy-reply-threshold the other client simply
// waits and sees the script's writes whole; past it, it gets BUSY, SCRIPT KILL stops the script,
// and the killed client's pipelined command still runs after the script's error; a script queued
// in MULTI is killed the same way, EXEC answering its error among the other replies.
import { describe, expect, it } from "vitest";
import { TcpClient, sleep, workerPerFile } from "./support/shim-harness.ts";

/** A command in RESP. */
function cmd(...args: string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("");
}

const workers = workerPerFile();

for (const mux of [true, false]) {
  describe(`busy script through the shim (${mux ? "mux" : "a WebSocket per client"})`, () => {
    it("under the threshold: another client waits and sees the script's writes whole", async () => {
      const port = await workers.listener("redis", { mux });
      const a = await TcpClient.open(port);
      const b = await TcpClient.open(port);
      try {
        const body =
          "redis.call('set', KEYS[1], 'first') local n = 0 " +
          "for i = 1, 2000000 do n = n + 1 end redis.call('set', KEYS[1], 'last') return n";
        a.write(cmd("EVAL", body, "1", "k"));
        await sleep(50);
        b.write(cmd("GET", "k"));
        await b.readUntil("\r\n", 20_000);
        await a.readUntil("\r\n", 20_000);
        expect(a.received.toString()).toBe(":2000000\r\n");
        expect(b.received.toString()).toBe("$4\r\nlast\r\n");
      } finally {
        a.destroy();
        b.destroy();
      }
    });

    it("past the threshold: BUSY for others, SCRIPT KILL ends it, pipelined PING follows", async () => {
      const port = await workers.listener("redis", { mux });
      const a = await TcpClient.open(port);
      const b = await TcpClient.open(port);
      try {
        b.write(cmd("CONFIG", "SET", "lua-time-limit", "10"));
        await b.readUntil("+OK\r\n");
        a.write(cmd("EVAL", "while true do end", "0") + cmd("PING"));
        await sleep(200);
        b.write(cmd("PING"));
        await b.readUntil("SHUTDOWN NOSAVE.\r\n");
        b.write(cmd("SCRIPT", "KILL"));
        await a.readUntil("+PONG\r\n");
        expect(a.received.toString()).toMatch(
          /^-ERR Script killed by user with SCRIPT KILL\.\.\. script: \w+, on @user_script:1\.\r\n\+PONG\r\n$/,
        );
        b.write(cmd("PING"));
        await b.readUntil("+PONG\r\n");
        expect(b.received.toString()).toBe(
          "+OK\r\n-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n+OK\r\n+PONG\r\n",
        );
      } finally {
        a.destroy();
        b.destroy();
      }
    });

    it("inside MULTI/EXEC: SCRIPT KILL ends the script, the rest of EXEC runs", async () => {
      const port = await workers.listener("redis", { mux });
      const a = await TcpClient.open(port);
      const b = await TcpClient.open(port);
      try {
        b.write(cmd("CONFIG", "SET", "lua-time-limit", "10"));
        await b.readUntil("+OK\r\n");
        a.write(
          cmd("MULTI") +
            cmd("SET", "m", "1") +
            cmd("EVAL", "while true do end", "0") +
            cmd("INCR", "m") +
            cmd("EXEC"),
        );
        await a.readUntil("+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n");
        await sleep(200);
        b.write(cmd("SCRIPT", "KILL"));
        await a.readUntil(":2\r\n");
        expect(a.received.toString()).toMatch(
          /^\+OK\r\n(\+QUEUED\r\n){3}\*3\r\n\+OK\r\n-ERR Script killed by user with SCRIPT KILL\.\.\. script: \w+, on @user_script:1\.\r\n:2\r\n$/,
        );
        await b.readUntil("+OK\r\n+OK\r\n");
      } finally {
        a.destroy();
        b.destroy();
      }
    });
  });
}
