// Upstash SSE subscriptions on a sharded namespace (docs/scaling.md, pub/sub): a channel's
// messages come from the shard its name hashes to, a pattern's from every shard. The Worker opens
// the subscription on each shard it needs and merges their event streams into one: whole events
// only (an event ends with a blank line), the confirmations and keepalives of the first stream
// only (each shard confirms the same subscription), the messages of all. No message is repeated:
// a shard sends only what was published on it. One stream ending ends them all, so the client
// sees the subscription close and subscribes again.

import { parsePathCommand } from "../../protocols/upstash/upstash.ts";
import { shardOfKey } from "../shard-map.ts";

/** The shards a subscription route needs: its channels' (all of them for patterns). */
export function sseShards(route: string, search: string, shards: number): number[] {
  const argv = parsePathCommand(route, search, null);
  if (!argv.ok || argv.value.length < 2) return [0];
  if (argv.value[0]!.toLowerCase() !== "subscribe")
    return Array.from({ length: shards }, (_, i) => i);
  return [...new Set(argv.value.slice(1).map((ch) => shardOfKey(ch, shards)))].sort(
    (a, b) => a - b,
  );
}

const encoder = new TextEncoder();
/** Events every shard's stream carries for its own publishes. */
const MESSAGES = ["data: message,", "data: pmessage,", "data: smessage,"].map((p) =>
  encoder.encode(p),
);

const startsWith = (b: Uint8Array, p: Uint8Array) =>
  b.length >= p.length && p.every((x, i) => b[i] === x);

/** Index just past the first blank line (`\n\n`) at or after `from`, or -1. */
function eventEnd(b: Uint8Array, from: number): number {
  for (let i = from; i + 1 < b.length; i++) if (b[i] === 0x0a && b[i + 1] === 0x0a) return i + 2;
  return -1;
}

function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** One SSE body from several shards' bodies (the first one's confirmations and keepalives). */
export function mergeSse(bodies: ReadableStream<Uint8Array>[]): ReadableStream<Uint8Array> {
  const readers = bodies.map((b) => b.getReader());
  let done = false;
  const stop = () => {
    if (done) return;
    done = true;
    for (const r of readers) r.cancel().catch(() => {});
  };
  return new ReadableStream<Uint8Array>({
    start(out) {
      readers.forEach(async (reader, source) => {
        let pending: Uint8Array = new Uint8Array(0);
        try {
          for (;;) {
            const { value, done: ended } = await reader.read();
            if (ended || done) break;
            pending = join(pending, value);
            let from = 0;
            for (let end = eventEnd(pending, 0); end >= 0; end = eventEnd(pending, from)) {
              const event = pending.subarray(from, end);
              from = end;
              if (source === 0 || MESSAGES.some((p) => startsWith(event, p))) out.enqueue(event);
            }
            pending = pending.slice(from);
          }
        } catch {
          // a shard's stream failed: the subscription ends
        }
        if (!done) {
          stop();
          try {
            out.close();
          } catch {
            // already closed
          }
        }
      });
    },
    cancel: stop,
  });
}
