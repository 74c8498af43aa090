// The geo commands (Redis 7.0.15 geo.c): positions live in sorted sets as 52-bit geohash
// scores (src/engine/geohash.ts), so every sorted-set command works on a geo key too. The
// searches are in geo-search.ts.

import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { Errors } from "../errors.ts";
import { distanceText, humanLongDouble } from "../geo-text.ts";
import { decodeScore, geohashString, scoreOf } from "../geohash.ts";
import { distance } from "../geohash-area.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import type { SortedSet } from "../sorted-set.ts";
import { readTyped } from "./access.ts";
import { lonLatArgs, unitArg } from "./geo-args.ts";
import { geoSearch } from "./geo-search.ts";
import { optionName } from "./redis-args.ts";
import { zadd } from "./zsets.ts";

/** GEOADD key [NX|XX] [CH] longitude latitude member …: ZADD of the members' geohash scores. */
function geoadd(ctx: Ctx, argv: readonly string[]): Reply {
  let nx = false;
  let xx = false;
  let at = 2;
  for (; at < argv.length; at++) {
    const opt = optionName(argv[at]!);
    if (opt === "nx") nx = true;
    else if (opt === "xx") xx = true;
    else if (opt !== "ch") break;
  }
  if ((argv.length - at) % 3 !== 0 || (xx && nx)) throw Errors.syntax();
  const zargv = ["zadd", ...argv.slice(1, at)];
  for (let i = at; i < argv.length; i += 3) {
    const [lon, lat] = lonLatArgs(argv[i]!, argv[i + 1]!);
    zargv.push(String(scoreOf(lon, lat)), argv[i + 2]!);
  }
  return zadd(ctx, zargv, false);
}

function zsetToRead(ctx: Ctx, key: string): SortedSet | undefined {
  return readTyped(ctx, key, "zset")?.value as SortedSet | undefined;
}

/** A coordinate as GEOPOS and WITHCOORD print it (`%.17Lf`, trailing zeros cut). */
export function coordReply(x: number): Reply {
  return R.doubleText(x, humanLongDouble(x));
}

/** GEOPOS key member …: [longitude, latitude] per member, a null array when missing. */
function geopos(ctx: Ctx, argv: readonly string[]): Reply {
  const z = zsetToRead(ctx, argv[1]!);
  const out: Reply[] = [];
  for (let i = 2; i < argv.length; i++) {
    const s = z?.score(argv[i]!);
    if (s === undefined) out.push(R.NILARRAY);
    else {
      const [lon, lat] = decodeScore(s);
      out.push(R.array([coordReply(lon), coordReply(lat)]));
    }
  }
  return R.array(out);
}

/** GEODIST key member1 member2 [unit]: the unit is checked before the key. */
function geodist(ctx: Ctx, argv: readonly string[]): Reply {
  let toMeter = 1;
  if (argv.length === 5) toMeter = unitArg(argv[4]!);
  else if (argv.length > 5) throw Errors.syntax();
  const z = zsetToRead(ctx, argv[1]!);
  const s1 = z?.score(argv[2]!);
  const s2 = z?.score(argv[3]!);
  if (s1 === undefined || s2 === undefined) return R.NIL;
  const [x1, y1] = decodeScore(s1);
  const [x2, y2] = decodeScore(s2);
  return R.bulk(distanceText(distance(x1, y1, x2, y2) / toMeter));
}

/** GEOHASH key member …: 11-character standard geohashes, nil when missing. */
function geohash(ctx: Ctx, argv: readonly string[]): Reply {
  const z = zsetToRead(ctx, argv[1]!);
  const out: Reply[] = [];
  for (let i = 2; i < argv.length; i++) {
    const s = z?.score(argv[i]!);
    out.push(s === undefined ? R.NIL : R.bulk(geohashString(s)));
  }
  return R.array(out);
}

/** GEORADIUS/GEORADIUSBYMEMBER keys: the source, and the last STORE/STOREDIST key (as Redis). */
function storeKeyOf(argv: readonly string[]): number[] {
  let stored = -1;
  for (let i = 5; i < argv.length; i++) {
    const a = optionName(argv[i]!);
    if ((a === "store" || a === "storedist") && i + 1 < argv.length) stored = ++i;
  }
  return stored < 0 ? [] : [stored];
}

const UNIT = "<M | KM | FT | MI>";
const RADIUS_OPTS = `[WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC | DESC]`;
const STORE_OPTS = "[STORE key] [STOREDIST key]";
const FROM = "<FROMMEMBER member | FROMLONLAT longitude latitude>";
const BY = `<BYRADIUS radius ${UNIT} | BYBOX width height ${UNIT}>`;
const RADIUS_SUMMARY =
  "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a";

const doc = (summary: string, since: string, params: string) => ({
  doc: { summary, group: "geo", since, params },
});

/** GEOADD … GEOSEARCHSTORE. */
export const geoCommands: readonly CommandSpec[] = [
  command(
    "geoadd",
    -5,
    "w",
    [1, 1, 1],
    geoadd,
    doc(
      "Add one or more geospatial items in the geospatial index represented using a sorted set",
      "3.2.0",
      "key [NX | XX] [CH] longitude latitude member [longitude latitude member ...]",
    ),
  ),
  command(
    "geodist",
    -4,
    "r",
    [1, 1, 1],
    geodist,
    doc(
      "Returns the distance between two members of a geospatial index",
      "3.2.0",
      "key member1 member2 [M | KM | FT | MI]",
    ),
  ),
  command(
    "geohash",
    -2,
    "r",
    [1, 1, 1],
    geohash,
    doc(
      "Returns members of a geospatial index as standard geohash strings",
      "3.2.0",
      "key [member [member ...]]",
    ),
  ),
  command(
    "geopos",
    -2,
    "r",
    [1, 1, 1],
    geopos,
    doc(
      "Returns longitude and latitude of members of a geospatial index",
      "3.2.0",
      "key [member [member ...]]",
    ),
  ),
  command(
    "georadius",
    -6,
    "w",
    [1, 1, 1],
    (ctx, argv) => geoSearch(ctx, argv, { from: "coords" }),
    {
      keysOf: storeKeyOf,
      ...doc(
        `${RADIUS_SUMMARY} point`,
        "3.2.0",
        `key longitude latitude radius ${UNIT} ${RADIUS_OPTS} ${STORE_OPTS}`,
      ),
    },
  ),
  command(
    "georadius_ro",
    -6,
    "r",
    [1, 1, 1],
    (ctx, argv) => geoSearch(ctx, argv, { from: "coords", noStore: true }),
    doc(
      "A read-only variant for GEORADIUS",
      "3.2.10",
      `key longitude latitude radius ${UNIT} ${RADIUS_OPTS}`,
    ),
  ),
  command(
    "georadiusbymember",
    -5,
    "w",
    [1, 1, 1],
    (ctx, argv) => geoSearch(ctx, argv, { from: "member" }),
    {
      keysOf: storeKeyOf,
      ...doc(
        `${RADIUS_SUMMARY} member`,
        "3.2.0",
        `key member radius ${UNIT} ${RADIUS_OPTS} ${STORE_OPTS}`,
      ),
    },
  ),
  command(
    "georadiusbymember_ro",
    -5,
    "r",
    [1, 1, 1],
    (ctx, argv) => geoSearch(ctx, argv, { from: "member", noStore: true }),
    doc(
      "A read-only variant for GEORADIUSBYMEMBER",
      "3.2.10",
      `key member radius ${UNIT} ${RADIUS_OPTS}`,
    ),
  ),
  command(
    "geosearch",
    -7,
    "r",
    [1, 1, 1],
    (ctx, argv) => geoSearch(ctx, argv, { from: "search" }),
    doc(
      "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.",
      "6.2.0",
      `key ${FROM} ${BY} [ASC | DESC] [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]`,
    ),
  ),
  command(
    "geosearchstore",
    -8,
    "w",
    [1, 2, 1],
    (ctx, argv) => geoSearch(ctx, argv, { from: "searchstore" }),
    doc(
      "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.",
      "6.2.0",
      `destination source ${FROM} ${BY} [ASC | DESC] [COUNT count [ANY]] [STOREDIST]`,
    ),
  ),
];
