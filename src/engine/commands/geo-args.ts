// Argument helpers of the geo commands (Redis 7.0.15 geo.c): coordinates, units, distances.

import { Errors } from "../errors.ts";
import { printfFixed } from "../geo-text.ts";
import { GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN, decodeScore } from "../geohash.ts";
import { parseScore } from "../numbers.ts";
import type { SortedSet } from "../sorted-set.ts";
import { optionName } from "./redis-args.ts";

/** Meters per unit (extractUnitOrReply). */
const UNITS: Readonly<Record<string, number>> = { m: 1, km: 1000, ft: 0.3048, mi: 1609.34 };

/** getDoubleFromObjectOrReply: a float argument, or `msg` (Redis's default text without one). */
export function floatArg(s: string, msg?: string): number {
  const v = parseScore(s);
  if (v === undefined) throw msg ? Errors.custom(msg) : Errors.notFloat();
  return v;
}

/** extractLongLatOrReply: [longitude, latitude] within Redis's limits. */
export function lonLatArgs(lonText: string, latText: string): [number, number] {
  const lon = floatArg(lonText);
  const lat = floatArg(latText);
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    throw Errors.custom(
      `ERR invalid longitude,latitude pair ${printfFixed(lon, 6)},${printfFixed(lat, 6)}`,
    );
  }
  return [lon, lat];
}

/** extractUnitOrReply: meters per unit. */
export function unitArg(u: string): number {
  const m = UNITS[optionName(u)];
  if (m === undefined)
    throw Errors.custom("ERR unsupported unit provided. please use M, KM, FT, MI");
  return m;
}

/** longLatFromMember: a member's position, or Redis's error when it is missing. */
export function memberPosition(z: SortedSet, member: string): [number, number] {
  const s = z.score(member);
  if (s === undefined) throw Errors.custom("ERR could not decode requested zset member");
  return decodeScore(s);
}
