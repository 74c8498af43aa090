// DUMP and RESTORE (Redis 7.0.15 cluster.c) with Redis's payload format (rdb-write.ts,
// rdb-read.ts), so a payload dumped by redis-server restores here and back; MIGRATE refused.

import { fromBytes, toBytes } from "../bytes.ts";
import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { CommandError, Errors } from "../errors.ts";
import { parseInt64Arg } from "../numbers.ts";
import { loadPayload, verifyPayload } from "../rdb-read.ts";
import type { LoadedValue } from "../rdb-read.ts";
import { RdbFormatError } from "../rdb-types.ts";
import { dumpPayload } from "../rdb-write.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { optionName } from "./redis-args.ts";
import { Notify, notifyKeyspaceEvent } from "../keyspace-events.ts";

const BAD_PAYLOAD = "ERR DUMP payload version or checksum are wrong";
const BAD_FORMAT = "ERR Bad data format";
const BUSY_KEY = "BUSYKEY Target key name already exists.";
const BAD_TTL = "ERR Invalid TTL value, must be >= 0";
const BAD_IDLE = "ERR Invalid IDLETIME value, must be >= 0";
const BAD_FREQ = "ERR Invalid FREQ value, must be >= 0 and <= 255";
const FREQ_MAX = 255n;

function dump(ctx: Ctx, argv: readonly string[]): Reply {
  const e = ctx.store.read(argv[1]!);
  return e ? R.bulk(fromBytes(dumpPayload(e))) : R.NIL;
}

function restore(ctx: Ctx, argv: readonly string[]): Reply {
  let replace = false;
  let absttl = false;
  let idle = -1n;
  let freq = -1n;
  for (let j = 4; j < argv.length; j++) {
    const opt = optionName(argv[j]!);
    const more = argv.length - j - 1;
    if (opt === "replace") replace = true;
    else if (opt === "absttl") absttl = true;
    else if (opt === "idletime" && more >= 1 && freq === -1n) {
      idle = parseInt64Arg(argv[++j]!);
      if (idle < 0n) throw Errors.custom(BAD_IDLE);
    } else if (opt === "freq" && more >= 1 && idle === -1n) {
      freq = parseInt64Arg(argv[++j]!);
      if (freq < 0n || freq > FREQ_MAX) throw Errors.custom(BAD_FREQ);
    } else throw Errors.syntax();
  }
  const key = argv[1]!;
  const store = ctx.store;
  if (!replace && store.get(key)) throw new CommandError("ERR", BUSY_KEY);
  let ttl = parseInt64Arg(argv[2]!);
  if (ttl < 0n) throw Errors.custom(BAD_TTL);
  const payload = toBytes(argv[3]!);
  if (!verifyPayload(payload)) throw Errors.custom(BAD_PAYLOAD);
  let v: LoadedValue;
  try {
    v = loadPayload(payload);
  } catch (e) {
    if (e instanceof RdbFormatError) throw Errors.custom(BAD_FORMAT);
    throw e;
  }
  const old = replace ? store.get(key) : undefined;
  if (old) store.remove(old);
  if (ttl !== 0n && !absttl) ttl += BigInt(ctx.now);
  // A TTL already in the past: the key is not created (an old one is still gone).
  if (ttl !== 0n && ttl <= BigInt(ctx.now)) {
    if (old) notifyKeyspaceEvent(ctx, Notify.GENERIC, "del", key);
    return R.OK;
  }
  const e = store.create(key, v.type, v.value, v.size);
  if (ttl !== 0n) store.setExpiry(e, Number(ttl));
  if (idle > 0n) e.atime -= Number(idle > 2n ** 31n ? 2n ** 31n : idle);
  notifyKeyspaceEvent(ctx, Notify.GENERIC, "restore", key);
  return R.OK;
}

const NO_MIGRATE =
  "ERR MIGRATE is not supported: this server does not connect to other servers (move keys with DUMP and RESTORE)";

/** MIGRATE's keys: the key argument, or those after KEYS (Redis migrateGetKeys). */
function migrateKeys(argv: readonly string[]): number[] {
  for (let i = 6; i < argv.length; i++) {
    const opt = optionName(argv[i]!);
    if (opt === "auth") i += 1;
    else if (opt === "auth2") i += 2;
    else if (opt === "keys" && argv[3] === "") {
      return Array.from({ length: argv.length - i - 1 }, (_, k) => i + 1 + k);
    }
  }
  return argv.length > 3 && argv[3] !== "" ? [3] : [];
}

/** DUMP, RESTORE, and MIGRATE (refused). */
export const dumpRestoreCommands: readonly CommandSpec[] = [
  command("dump", 2, "r", [1, 1, 1], dump, {
    doc: {
      summary: "Return a serialized version of the value stored at the specified key.",
      group: "generic",
      since: "2.6.0",
      params: "key",
    },
  }),
  command("restore", -4, "wm", [1, 1, 1], restore, {
    keyFlags: ["OW update"],
    doc: {
      summary: "Create a key using the provided serialized value, previously obtained using DUMP.",
      group: "generic",
      since: "2.6.0",
      params: "key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]",
      differs:
        "Strings, lists, sets, hashes, sorted sets, and streams with their consumer groups (RESTORE reads Redis 5.0-7.0 stream payloads; DUMP writes 7.0's, its nodes cut by entry count only); a module payload is refused as Bad data format. FREQ is accepted and ignored (the eviction policy is LRU).",
    },
  }),
  command(
    "migrate",
    -6,
    "w",
    null,
    () => {
      throw Errors.custom(NO_MIGRATE);
    },
    {
      keysOf: migrateKeys,
      doc: {
        summary: "Atomically transfer a key from a Redis instance to another one.",
        group: "generic",
        since: "2.6.0",
        params:
          'host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password|AUTH2 username password] [KEYS key [key ...]]',
        differs:
          "Refused: the server opens no connections to other servers; DUMP and RESTORE move a key.",
      },
    },
  ),
];
