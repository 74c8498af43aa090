// RESP over WebSocket /resp with byte-exact commands and replies (values of megabytes, binary
// bytes), and row counts of an object's tables: the big-value tests (string-chunks.test.ts,
// big-members.test.ts).

import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { BASE, latin1 } from "./client.ts";
import { joinBytes } from "../../../src/engine/bytes.ts";
import { multibulk } from "../../unit/support/resp-bytes.ts";

const enc = new TextEncoder();

/** The namespace object's stub. */
export const stub = (ns: string) => env.NAMESPACE.getByName(ns);

/** The bytes of several arrays, one after the other. */
export const concat = joinBytes;

/** Sends commands over WebSocket /resp, one message each; returns the reply bytes. */
export async function redisBytes(
  ns: string,
  ...cmds: (string | Uint8Array)[][]
): Promise<Uint8Array[]> {
  const res = await exports.default.fetch(`${BASE}/db/${ns}/resp`, {
    headers: { Upgrade: "websocket" },
  });
  const ws = res.webSocket!;
  ws.accept();
  const replies: Promise<Uint8Array>[] = [];
  let next: ((b: Promise<Uint8Array>) => void) | null = null;
  ws.addEventListener("message", (e) => {
    const d = e.data as string | ArrayBuffer | Blob;
    const b =
      d instanceof Blob
        ? d.arrayBuffer().then((x) => new Uint8Array(x))
        : Promise.resolve(typeof d === "string" ? enc.encode(d) : new Uint8Array(d));
    if (next) next(b);
    else replies.push(b);
  });
  const out: Uint8Array[] = [];
  for (const c of cmds) {
    ws.send(multibulk(c));
    out.push(await (replies.shift() ?? new Promise<Promise<Uint8Array>>((r) => (next = r))));
    next = null;
  }
  ws.close(1000, "done");
  return out;
}

/** The same, replies as text (short replies only). */
export async function redis(ns: string, ...cmds: (string | Uint8Array)[][]): Promise<string[]> {
  return (await redisBytes(ns, ...cmds)).map((b) => latin1(b));
}

/** A bulk reply's bytes. */
export function bulkBytes(b: Uint8Array | string): Uint8Array {
  const v = typeof b === "string" ? enc.encode(b) : b;
  return concat([enc.encode(`$${v.length}\r\n`), v, enc.encode("\r\n")]);
}

/** Byte equality (toEqual on megabytes is slow). */
export function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Rows of a table of the namespace's object. */
export function tableRows(ns: string, table: string): Promise<number> {
  return runInDurableObject(stub(ns), (_i, state) => {
    const [row] = state.storage.sql.exec(`SELECT count(*) AS n FROM ${table}`).toArray();
    return row!.n as number;
  });
}
