// CPU profile of the Worker's isolate (where the namespace object runs) under a WebSocket load,
// read through the V8 inspector: the functions with the most self time. Used to explain where a
// door's time goes next to the floor (issue 8).
//
//   node bench/profile.ts [blink|resp|lightredis] [--depth 16] [--op GET|SET] [--conns 1] [--seconds 3]
// (lightredis: HTTP POST / with one JSON command per request)

import { httpLoad, wsLoad } from "./lib/load.ts";
import type { LoadOptions } from "./lib/load.ts";
import { benchWorker } from "./lib/bench-worker.ts";
import { profileIsolate } from "./lib/isolate-profile.ts";

const args = process.argv.slice(2);
const opt = (name: string, def: string) =>
  args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : def;
const door = args[0] && !args[0].startsWith("--") ? args[0] : "resp";
const depth = Number(opt("depth", "16"));
const op = opt("op", "GET");
const conns = Number(opt("conns", "1"));
const seconds = Number(opt("seconds", "3"));
const INSPECTOR_PORT = 29230;
const SAMPLING_US = 50;
const TOP = 25;

const bulk = (a: string) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
const command = (i: number, n: number) => {
  const key = `key:${i % 1000}`;
  const value = `v${n}.${i}`;
  if (door === "resp")
    return op === "SET"
      ? `*3\r\n${bulk("SET")}${bulk(key)}${bulk(value)}`
      : `*2\r\n${bulk("GET")}${bulk(key)}`;
  return op === "SET" ? `SET ${key} ${value}\n` : `GET ${key}\n`;
};
const request = (c: number, n: number) =>
  door === "lightredis"
    ? JSON.stringify(
        op === "SET"
          ? { cmd: "set", key: `key:${(c * 31 + n) % 1000}`, value: `v${c}.${n}` }
          : { cmd: "get", key: `key:${n % 1000}` },
      )
    : Array.from({ length: depth }, (_, i) => command(c * depth + i, n)).join("");

const w = await benchWorker({ inspectorPort: INSPECTOR_PORT });
try {
  const url = `ws://${w.url.host}/${door}`;
  const load = (secs: number) => {
    const o: LoadOptions = {
      connections: conns,
      seconds: secs,
      depth: door === "lightredis" ? 1 : depth,
      request,
    };
    return door === "lightredis"
      ? httpLoad(w.url.href, { ...o, contentType: "application/json" })
      : wsLoad(url, o);
  };
  await load(1); // warm-up
  const {
    result: r,
    self,
    samples,
  } = await profileIsolate(INSPECTOR_PORT, SAMPLING_US, () => load(seconds));
  console.log(
    `${door} ${op} × ${depth} per message, ${conns} connection(s): ${r.rate} cmd/s; self time by function:`,
  );
  for (const [name, t] of [...self].sort((a, b) => b[1].samples - a[1].samples).slice(0, TOP)) {
    console.log(`${((t.samples / samples) * 100).toFixed(1).padStart(5)} %  ${name}`);
  }
} finally {
  await w.dispose();
}
