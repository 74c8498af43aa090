// The parameters whose values have a shape of their own (config-table.ts records them): save,
// notify-keyspace-events, client-output-buffer-limit, oom-score-adj-values, the latency
// percentiles and shutdown-on-sig*, each checked and put in the form Redis answers as its
// config.c does. Apart from the table so that the table stays the list of parameters.

import { asciiLower } from "./ascii.ts";
import { parseMemoryValueExact, parseStrictInt } from "./numbers.ts";

/** Why a value was refused: the text after "… (possibly related to argument 'x') - ". */
export class ConfigValueError extends Error {}

/** "save": pairs of seconds and changes, or "" (Redis's setConfigSaveOption). */
export function parseSave(v: string): string {
  const parts = v.split(" ").filter((p) => p !== "");
  if (parts.length % 2 !== 0) throw new ConfigValueError("Invalid save parameters");
  const out: string[] = [];
  for (const p of parts) {
    const n = parseStrictInt(p);
    if (n === undefined || n < 0n) throw new ConfigValueError("Invalid save parameters");
    out.push(String(n));
  }
  return out.join(" ");
}

const NOTIFY_FLAGS = "g$lshzxetd";

/** "notify-keyspace-events": flag letters, answered in Redis's canonical order. */
export function parseNotify(v: string): string {
  const set = new Set<string>();
  for (const c of v) {
    if (c === "A") for (const f of NOTIFY_FLAGS) set.add(f);
    else if ("g$lshzxeKEtmdn".includes(c)) set.add(c);
    else throw new ConfigValueError("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  }
  let out = "";
  // Redis answers "A" alone and loses n from the text (its flags keep it); the text is all the
  // engine keeps (and persists), so n stays after A here.
  if ([...NOTIFY_FLAGS].every((f) => set.has(f))) out = set.has("n") ? "An" : "A";
  else for (const f of NOTIFY_FLAGS + "n") if (set.has(f)) out += f;
  for (const f of "KEm") if (set.has(f)) out += f;
  return out;
}

const OBL_CLASSES = ["normal", "slave", "pubsub"] as const;

export const OBL_DEFAULT = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";

/** A client class's output limit: hard and soft bytes, soft seconds (0: no limit). */
export interface OutputLimit {
  hard: number;
  soft: number;
  seconds: number;
}

/** The pubsub class of a client-output-buffer-limit value (the default when unset). */
export function pubsubOutputLimit(value: string | undefined): OutputLimit {
  const parts = (value ?? OBL_DEFAULT).split(" ");
  const at = parts.indexOf("pubsub");
  const [hard, soft, seconds] = parts.slice(at + 1, at + 4).map(Number) as [number, number, number];
  return { hard, soft, seconds };
}

/** "client-output-buffer-limit": <class> <hard> <soft> <seconds> …, merged into the current value. */
export function parseObl(v: string, current: string): string {
  const parts = v.split(" ").filter((p) => p !== "");
  if (parts.length % 4 !== 0)
    throw new ConfigValueError("Wrong number of arguments in buffer limit configuration.");
  const cur = current.split(" ");
  const byClass = new Map<string, string[]>();
  for (let i = 0; i < cur.length; i += 4) byClass.set(cur[i]!, cur.slice(i + 1, i + 4));
  for (let i = 0; i < parts.length; i += 4) {
    let cls = asciiLower(parts[i]!);
    if (cls === "replica") cls = "slave";
    if (!(OBL_CLASSES as readonly string[]).includes(cls))
      throw new ConfigValueError("Invalid client class specified in buffer limit configuration.");
    const hard = parseMemoryValueExact(parts[i + 1]!);
    const soft = parseMemoryValueExact(parts[i + 2]!);
    const secs = parseStrictInt(parts[i + 3]!);
    if (hard === undefined || soft === undefined || secs === undefined || secs < 0n)
      throw new ConfigValueError(
        "Error in hard, soft or soft_seconds setting in buffer limit configuration.",
      );
    byClass.set(cls, [String(hard), String(soft), String(secs)]);
  }
  return OBL_CLASSES.map((c) => `${c} ${byClass.get(c)!.join(" ")}`).join(" ");
}

/** Three integers (oom-score-adj-values). */
export function parseOomValues(v: string): string {
  const parts = v.split(" ").filter((p) => p !== "");
  const ns = parts.map((p) => parseStrictInt(p));
  if (ns.length !== 3 || ns.some((n) => n === undefined || n < -2000n || n > 2000n))
    throw new ConfigValueError("Invalid oom-score-adj-values");
  return ns.join(" ");
}

/** Percentiles 0..100 (latency-tracking-info-percentiles). */
export function parsePercentiles(v: string): string {
  const parts = v.split(" ").filter((p) => p !== "");
  for (const p of parts) {
    const n = Number(p);
    if (p === "" || !Number.isFinite(n) || n < 0 || n > 100)
      throw new ConfigValueError("latency-tracking-info-percentiles: Invalid percentile value");
  }
  return parts.map((p) => String(Number(p))).join(" ");
}

export const SHUTDOWN = (v: string): string => {
  const words = v
    .split(" ")
    .filter((p) => p !== "")
    .map(asciiLower);
  const ok = ["default", "save", "nosave", "now", "force"];
  if (words.length === 0 || words.some((w) => !ok.includes(w)))
    throw new ConfigValueError(`argument(s) must be one of the following: ${ok.join(", ")}`);
  return words.join(" ");
};
