// GEORADIUS, GEORADIUSBYMEMBER (and _RO), GEOSEARCH and GEOSEARCHSTORE: Redis 7.0.15's
// georadiusGeneric, its argument checks in its order, the nine hash boxes it scans in its order
// and its replies (src/engine/geohash.ts does the arithmetic).

import type { Ctx } from "../command-table.ts";
import { Errors } from "../errors.ts";
import { distanceText, humanLongDouble } from "../geo-text.ts";
import { decodeScore } from "../geohash.ts";
import { boxScores, distanceWithin, searchBoxes } from "../geohash-area.ts";
import type { Shape } from "../geohash-area.ts";
import { parseInt64Arg } from "../numbers.ts";
import { pqsort } from "../pqsort.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import type { SortedSet } from "../sorted-set.ts";
import { readTyped } from "./access.ts";
import { optionName } from "./redis-args.ts";
import { storeZset } from "./zset-algebra.ts";
import { floatArg, lonLatArgs, memberPosition, unitArg } from "./geo-args.ts";

/** Which command: coordinates, a member, GEOSEARCH or GEOSEARCHSTORE; `noStore` for _RO. */
export interface SearchFlags {
  readonly from: "coords" | "member" | "search" | "searchstore";
  readonly noStore?: boolean;
}

interface Found {
  readonly member: string;
  readonly score: number;
  dist: number;
  readonly lon: number;
  readonly lat: number;
}

/** The search shape as the arguments fill it in. */
interface ShapeParts {
  kind?: "radius" | "box";
  xy?: [number, number];
  conversion?: number;
  radius?: number;
  width?: number;
  height?: number;
}

/** The complete shape (the checks before the search guarantee every part). */
function shapeOf(p: ShapeParts): Shape {
  const { xy, conversion } = p as Required<ShapeParts>;
  return p.kind === "box"
    ? { kind: "box", xy, conversion, width: p.width!, height: p.height! }
    : { kind: "radius", xy, conversion, radius: p.radius! };
}

/** georadiusGeneric. */
export function geoSearch(ctx: Ctx, argv: readonly string[], flags: SearchFlags): Reply {
  const srcAt = flags.from === "searchstore" ? 2 : 1;
  const z = readTyped(ctx, argv[srcAt]!, "zset")?.value as SortedSet | undefined;
  const shape: ShapeParts = {};
  let base: number;
  let storeKey: string | undefined;
  let storeDist = false;
  if (flags.from === "coords") {
    base = 6;
    shape.xy = lonLatArgs(argv[2]!, argv[3]!);
    Object.assign(shape, radiusArgs(argv[4]!, argv[5]!));
  } else if (flags.from === "member") {
    base = 5;
    if (z) {
      shape.xy = memberPosition(z, argv[2]!);
      Object.assign(shape, radiusArgs(argv[3]!, argv[4]!));
    }
  } else {
    base = flags.from === "searchstore" ? 3 : 2;
    if (flags.from === "searchstore") storeKey = argv[1]!;
  }
  const search = flags.from === "search" || flags.from === "searchstore";
  let withDist = false;
  let withHash = false;
  let withCoords = false;
  let fromMember = false;
  let fromLoc = false;
  let byRadius = false;
  let byBox = false;
  let sort: "none" | "asc" | "desc" = "none";
  let any = false;
  let count = 0;
  const remaining = argv.length - base;
  for (let i = 0; i < remaining; i++) {
    const at = base + i;
    const arg = optionName(argv[at]!);
    const canStore = !flags.noStore && !search;
    if (arg === "withdist") withDist = true;
    else if (arg === "withhash") withHash = true;
    else if (arg === "withcoord") withCoords = true;
    else if (arg === "any") any = true;
    else if (arg === "asc") sort = "asc";
    else if (arg === "desc") sort = "desc";
    else if (arg === "count" && i + 1 < remaining) {
      const n = parseInt64Arg(argv[at + 1]!);
      if (n <= 0n) throw Errors.custom("ERR COUNT must be > 0");
      count = Number(n);
      i++;
    } else if ((arg === "store" || arg === "storedist") && i + 1 < remaining && canStore) {
      storeKey = argv[at + 1]!;
      storeDist = arg === "storedist";
      i++;
    } else if (arg === "storedist" && flags.from === "searchstore") {
      storeDist = true;
    } else if (arg === "frommember" && i + 1 < remaining && search && !fromLoc) {
      if (z) shape.xy = memberPosition(z, argv[at + 1]!);
      fromMember = true;
      i++;
    } else if (arg === "fromlonlat" && i + 2 < remaining && search && !fromMember) {
      shape.xy = lonLatArgs(argv[at + 1]!, argv[at + 2]!);
      fromLoc = true;
      i += 2;
    } else if (arg === "byradius" && i + 2 < remaining && search && !byBox) {
      Object.assign(shape, radiusArgs(argv[at + 1]!, argv[at + 2]!));
      byRadius = true;
      i += 2;
    } else if (arg === "bybox" && i + 3 < remaining && search && !byRadius) {
      const width = floatArg(argv[at + 1]!, "ERR need numeric width");
      const height = floatArg(argv[at + 2]!, "ERR need numeric height");
      if (height < 0 || width < 0) throw Errors.custom("ERR height or width cannot be negative");
      Object.assign(shape, { kind: "box", width, height });
      shape.conversion = unitArg(argv[at + 3]!);
      byBox = true;
      i += 3;
    } else throw Errors.syntax();
  }
  if (storeKey !== undefined && (withDist || withHash || withCoords)) {
    const what = flags.from === "searchstore" ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS";
    throw Errors.custom(
      `ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`,
    );
  }
  if (search && !(fromMember || fromLoc))
    throw Errors.custom(
      `ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${argv[0]}`,
    );
  if (search && !(byRadius || byBox))
    throw Errors.custom(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${argv[0]}`);
  if (any && !count) throw Errors.custom("ERR the ANY argument requires COUNT argument");
  if (!z) {
    if (storeKey === undefined) return R.EMPTY;
    storeZset(ctx, storeKey, new Map(), "");
    return R.ZERO;
  }
  if (count !== 0 && sort === "none" && !any) sort = "asc";
  const full = shapeOf(shape);
  const found = pointsInShape(z, full, any ? count : 0);
  if (found.length === 0 && storeKey === undefined) return R.EMPTY;
  const returned = count === 0 || found.length < count ? found.length : count;
  if (sort !== "none") {
    const cmp = sort === "asc" ? byDist : (a: Found, b: Found) => -byDist(a, b);
    // All of them: glibc's qsort, a stable merge sort, as Array.prototype.sort is. The first
    // COUNT: Redis's partial pqsort, whose order among equal distances is its own.
    if (returned === found.length) found.sort(cmp);
    else pqsort(found, cmp, 0, returned - 1);
  }
  const picked = found.slice(0, returned);
  for (const p of picked) p.dist /= full.conversion;
  if (storeKey !== undefined) {
    return R.int(
      storeZset(
        ctx,
        storeKey,
        new Map(picked.map((p) => [p.member, storeDist ? p.dist : p.score])),
        flags.from === "searchstore" ? "geosearchstore" : "georadiusstore",
      ),
    );
  }
  const nested = withDist || withHash || withCoords;
  return R.array(
    picked.map((p) => {
      if (!nested) return R.bulk(p.member);
      const item: Reply[] = [R.bulk(p.member)];
      if (withDist) item.push(R.bulk(distanceText(p.dist)));
      if (withHash) item.push(R.int(p.score));
      if (withCoords)
        item.push(
          R.array([
            R.doubleText(p.lon, humanLongDouble(p.lon)),
            R.doubleText(p.lat, humanLongDouble(p.lat)),
          ]),
        );
      return R.array(item);
    }),
  );
}

/** sort_gp_asc. */
function byDist(a: Found, b: Found): number {
  return a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1;
}

/** extractDistanceOrReply: radius and unit. */
function radiusArgs(radius: string, unit: string) {
  const r = floatArg(radius, "ERR need numeric radius");
  if (r < 0) throw Errors.custom("ERR radius cannot be negative");
  return { kind: "radius" as const, radius: r, conversion: unitArg(unit) };
}

/** membersOfAllNeighbors: the points of the nine boxes that lie in the shape, up to `limit`. */
function pointsInShape(z: SortedSet, shape: Shape, limit: number): Found[] {
  const out: Found[] = [];
  const boxes = searchBoxes(shape);
  let last = -1;
  for (let i = 0; i < boxes.length; i++) {
    const b = boxes[i]!;
    if (b.bits === 0n && b.step === 0) continue;
    // A huge radius can make neighbours coincide: skip a box equal to the last one scanned.
    if (last > 0 && b.bits === boxes[last]!.bits && b.step === boxes[last]!.step) continue;
    if (out.length && limit && out.length >= limit) break;
    const [min, max] = boxScores(b);
    const from = z.firstScoreRank(min, false);
    const to = z.firstScoreRank(max, false);
    let done = false;
    z.forRange(from, to, (member, score) => {
      if (done) return;
      const [lon, lat] = decodeScore(score);
      const dist = distanceWithin(shape, lon, lat);
      if (dist !== undefined) out.push({ member, score, dist, lon, lat });
      if (out.length && limit && out.length >= limit) done = true;
    });
    last = i;
  }
  return out;
}
