// Writers for the fault test (issue 5): each loops over SETs through one door, one command in
// flight, and records a write as acknowledged only when its exact OK reply has arrived. On any
// error, close or timeout the write counts as unacknowledged (it may or may not have been
// applied, spec §13.1) and the writer reconnects and goes on.

import { connect } from "node:net";
import type { Socket } from "node:net";
import { WRITE_SCRIPT, WRITE_SCRIPT_SHA, scriptLogKey } from "./fault-scripts.ts";
import { sleep } from "./shim-harness.ts";

/** The doors the fault test writes through (the script doors write by EVALSHA/EVAL). */
export type WriteDoor =
  | "blink-tcp"
  | "redis-tcp"
  | "blink-http"
  | "lightredis-http"
  | "upstash-http"
  | "redis-script-tcp"
  | "upstash-script-http";

/** How long one write may take before the writer gives up on it and reconnects. */
const REPLY_TIMEOUT_MS = 10_000;
/** Pause before reconnecting after a failure (the Worker or shim may be restarting). */
const RECONNECT_PAUSE_MS = 50;

/** Where a writer's writes go, resolved afresh for every connection (ports may change). */
export interface WriteTarget {
  namespace: string;
  /** Worker origin, e.g. http://127.0.0.1:8787. */
  origin(): string;
  /** The shim's TCP port for a dialect. */
  tcpPort(dialect: "blink" | "redis"): number;
}

/**
 * What the writers acknowledged. Unique keys must read back exactly; each writer's counter key
 * is rewritten with rising values, so it must read back at least the highest acknowledged one.
 */
export class AckLog {
  readonly unique = new Map<string, { namespace: string; value: string }>();
  /** `writes`: acknowledged writes to the key, all covered by a value >= `atLeast`. */
  readonly counters = new Map<string, { namespace: string; atLeast: number; writes: number }>();
  readonly perDoor = new Map<WriteDoor, number>();
  unacknowledged = 0;
  reconnects = 0;

  ack(door: WriteDoor, namespace: string, key: string, value: string, counter: boolean): void {
    this.perDoor.set(door, (this.perDoor.get(door) ?? 0) + 1);
    if (counter) {
      const writes = (this.counters.get(key)?.writes ?? 0) + 1;
      this.counters.set(key, { namespace, atLeast: Number(value), writes });
    } else this.unique.set(key, { namespace, value });
  }

  get acknowledged(): number {
    let n = 0;
    for (const v of this.perDoor.values()) n += v;
    return n;
  }
}

/** One SET attempt; resolves true only on the door's exact OK. */
type Attempt = (key: string, value: string) => Promise<boolean>;

/** A connection to one door; `attempt` rejects or returns false when the connection is spent. */
interface Session {
  attempt: Attempt;
  close(): void;
}

/** Runs one writer until `stopAt` (ms since epoch). Keys are `<prefix>:<seq>` and `<prefix>:counter`. */
export async function runWriter(
  door: WriteDoor,
  target: WriteTarget,
  prefix: string,
  stopAt: number,
  log: AckLog,
): Promise<void> {
  let seq = 0;
  while (Date.now() < stopAt) {
    let session: Session;
    try {
      session = await openSession(door, target);
    } catch {
      log.reconnects++;
      await sleep(RECONNECT_PAUSE_MS);
      continue;
    }
    try {
      while (Date.now() < stopAt) {
        seq++;
        const counter = seq % 2 === 0;
        const key = counter ? `${prefix}:counter` : `${prefix}:${seq}`;
        const value = String(seq);
        let ok = false;
        try {
          ok = await session.attempt(key, value);
        } catch {
          ok = false;
        }
        if (ok) log.ack(door, target.namespace, key, value, counter);
        else {
          log.unacknowledged++;
          break;
        }
      }
    } finally {
      session.close();
    }
    if (Date.now() < stopAt) {
      log.reconnects++;
      await sleep(RECONNECT_PAUSE_MS);
    }
  }
}

function openSession(door: WriteDoor, target: WriteTarget): Promise<Session> {
  if (door === "blink-tcp")
    return tcpSession(target.tcpPort("blink"), (k, v) => `SET ${k} ${v}\n`, "OK\n", "\n");
  const resp = (argv: string[]) =>
    `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
  if (door === "redis-tcp")
    return tcpSession(target.tcpPort("redis"), (k, v) => resp(["SET", k, v]), "+OK\r\n", "\r\n");
  if (door === "redis-script-tcp") {
    const evalsha = (k: string, v: string) =>
      resp(["EVALSHA", WRITE_SCRIPT_SHA, "2", k, scriptLogKey(k), v]);
    return tcpSession(target.tcpPort("redis"), evalsha, "+OK\r\n", "\r\n");
  }
  return Promise.resolve(httpSession(door, target));
}

/** A TCP connection through the shim; one command, then its reply line. */
function tcpSession(
  port: number,
  command: (key: string, value: string) => string,
  ok: string,
  terminator: string,
): Promise<Session> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: "127.0.0.1", port }, () => {
      socket.off("error", reject);
      socket.on("error", () => {});
      socket.setNoDelay(true);
      resolve(new LineSession(socket, command, ok, terminator));
    });
    socket.once("error", reject);
  });
}

class LineSession implements Session {
  private buf = "";
  private ended = false;
  private wake: (() => void) | undefined;
  private readonly socket: Socket;
  private readonly command: (key: string, value: string) => string;
  private readonly ok: string;
  private readonly terminator: string;

  constructor(
    socket: Socket,
    command: (key: string, value: string) => string,
    ok: string,
    terminator: string,
  ) {
    this.socket = socket;
    this.command = command;
    this.ok = ok;
    this.terminator = terminator;
    socket.setEncoding("latin1");
    socket.on("data", (d: string) => {
      this.buf += d;
      this.wake?.();
    });
    socket.on("close", () => {
      this.ended = true;
      this.wake?.();
    });
  }

  async attempt(key: string, value: string): Promise<boolean> {
    if (this.ended) return false;
    this.socket.write(this.command(key, value));
    const deadline = Date.now() + REPLY_TIMEOUT_MS;
    while (!this.buf.includes(this.terminator)) {
      if (this.ended || Date.now() > deadline) return false;
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 100);
      });
    }
    const end = this.buf.indexOf(this.terminator) + this.terminator.length;
    const reply = this.buf.slice(0, end);
    this.buf = this.buf.slice(end);
    return reply === this.ok;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Stateless HTTP requests; a failed one only ends the "session" to pace the retry. */
function httpSession(door: WriteDoor, target: WriteTarget): Session {
  return {
    async attempt(key, value) {
      const base = `${target.origin()}/db/${target.namespace}`;
      let url = `${base}/`;
      let body: string;
      let type = "application/json";
      let ok: string;
      if (door === "blink-http") {
        url = `${base}/blink`;
        body = `SET ${key} ${value}\n`;
        type = "text/plain";
        ok = "OK\n";
      } else if (door === "lightredis-http") {
        body = JSON.stringify({ cmd: "set", key, value });
        ok = '"OK"\n';
      } else if (door === "upstash-script-http") {
        body = JSON.stringify(["EVAL", WRITE_SCRIPT, "2", key, scriptLogKey(key), value]);
        ok = '{"result":"OK"}';
      } else {
        body = JSON.stringify(["SET", key, value]);
        ok = '{"result":"OK"}';
      }
      const res = await fetch(url, {
        method: "POST",
        body,
        headers: { "content-type": type },
        signal: AbortSignal.timeout(REPLY_TIMEOUT_MS),
      });
      const text = await res.text();
      return res.status === 200 && text === ok;
    },
    close() {},
  };
}

/** The read-back: acknowledged writes found (a counter's value covers all its earlier writes). */
export interface Verdict {
  acknowledged: number;
  found: number;
  lost: number;
  keys: number;
  /** One line per key that does not hold what was acknowledged. */
  missing: string[];
}

/** Largest MGET per request when reading back. */
const READ_CHUNK = 1000;

/** Reads every acknowledged key back (Upstash MGET in chunks) and counts what is missing. */
export async function verify(origin: string, log: AckLog): Promise<Verdict> {
  const byNamespace = new Map<string, string[]>();
  const add = (ns: string, k: string) => byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), k]);
  for (const [k, v] of log.unique) add(v.namespace, k);
  for (const [k, v] of log.counters) add(v.namespace, k);
  const missing: string[] = [];
  let found = 0;
  for (const [ns, keys] of byNamespace) {
    for (let i = 0; i < keys.length; i += READ_CHUNK) {
      const part = keys.slice(i, i + READ_CHUNK);
      const res = await fetch(`${origin}/db/${ns}/`, {
        method: "POST",
        body: JSON.stringify(["MGET", ...part]),
        headers: { "content-type": "application/json" },
      });
      const { result } = (await res.json()) as { result: (string | null)[] };
      part.forEach((k, j) => {
        const got = result[j] ?? null;
        const unique = log.unique.get(k);
        const counter = log.counters.get(k);
        if (unique) {
          if (got === unique.value) found++;
          else missing.push(`${ns}/${k}: acknowledged ${unique.value}, found ${got}`);
        } else if (counter) {
          if (got !== null && Number(got) >= counter.atLeast) found += counter.writes;
          else missing.push(`${ns}/${k}: acknowledged ${counter.atLeast}, found ${got}`);
        }
      });
    }
  }
  const acknowledged = log.acknowledged;
  return {
    acknowledged,
    found,
    lost: acknowledged - found,
    keys: log.unique.size + log.counters.size,
    missing,
  };
}
