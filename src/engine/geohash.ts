// Redis's geohash arithmetic (geohash.c and geohash_helper.c of Redis 7.0.15), ported operation
// for operation so scores, decoded positions, distances and search areas are the same doubles
// redis-server computes. A position is a 52-bit interleaved hash (26 steps of latitude and
// longitude bits, latitude in the even bits) stored as a sorted-set score.
//
// Hashes of up to 53 bits are handled as doubles split in two 32-bit halves on the hot paths
// (encode for GEOADD, decode for every candidate of a search). The search areas and
// distances (geohash_helper.c) are in geohash-area.ts.

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;

const TWO_32 = 2 ** 32;

export interface Range {
  readonly min: number;
  readonly max: number;
}

/** A hash of `step` bits per coordinate. */
export interface HashBits {
  readonly bits: bigint;
  readonly step: number;
}

export interface Area {
  readonly longitude: Range;
  readonly latitude: Range;
}

const LONG_RANGE: Range = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
const LAT_RANGE: Range = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };
/** The standard ranges GEOHASH re-encodes with (geohashCommand). */
export const STANDARD_LAT_RANGE: Range = { min: -90, max: 90 };

/** Spreads the 16 low bits of v to the even bits of a 32-bit value. */
function spread16(v: number): number {
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v >>> 0;
}

/** Gathers the even bits of a 32-bit value into 16 bits. */
function squash32(v: number): number {
  v &= 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  v = (v | (v >>> 8)) & 0x0000ffff;
  return v;
}

/** interleave64(lat, long) as a double (exact: the inputs have at most 27 bits here). */
function interleave(lat: number, lon: number): number {
  const lo = (spread16(lat) | (spread16(lon) << 1)) >>> 0;
  const hi = (spread16(lat >>> 16) | (spread16(lon >>> 16) << 1)) >>> 0;
  return hi * TWO_32 + lo;
}

/** deinterleave64 of the 64-bit hash hi * 2^32 + lo: [lat, long] halves. */
function deinterleave(hi: number, lo: number): [lat: number, lon: number] {
  const lat = squash32(lo) + squash32(hi) * 0x10000;
  const lon = squash32(lo >>> 1) + squash32(hi >>> 1) * 0x10000;
  return [lat, lon];
}

/** The halves of a hash held exactly in a double (below 2^64). */
function halves(bits: number): [hi: number, lo: number] {
  return [Math.floor(bits / TWO_32) >>> 0, bits >>> 0];
}

/**
 * geohashEncode: the hash of a position at `step` bits per coordinate, or undefined outside
 * Redis's limits (or the given ranges).
 */
export function encode(
  longitude: number,
  latitude: number,
  step: number,
  latRange: Range = LAT_RANGE,
): HashBits | undefined {
  const bits = encodeBits(longitude, latitude, step, latRange);
  return bits === undefined ? undefined : { bits: BigInt(bits), step };
}

/** geohashEncode's bits as a double. */
function encodeBits(lon: number, lat: number, step: number, latRange: Range): number | undefined {
  if (lon > GEO_LONG_MAX || lon < GEO_LONG_MIN || lat > GEO_LAT_MAX || lat < GEO_LAT_MIN)
    return undefined;
  if (lat < latRange.min || lat > latRange.max) return undefined;
  let latOffset = (lat - latRange.min) / (latRange.max - latRange.min);
  let lonOffset = (lon - LONG_RANGE.min) / (LONG_RANGE.max - LONG_RANGE.min);
  latOffset *= 2 ** step;
  lonOffset *= 2 ** step;
  // C converts the doubles to uint32_t: truncation.
  return interleave(Math.trunc(latOffset), Math.trunc(lonOffset));
}

/** The 52-bit score GEOADD stores for a position (geohashAlign52Bits of the step-26 hash). */
export function scoreOf(longitude: number, latitude: number): number {
  return encodeBits(longitude, latitude, GEO_STEP_MAX, LAT_RANGE)!;
}

/** geohashDecode: the area a hash covers. */
export function decodeArea(hash: HashBits, latRange: Range = LAT_RANGE): Area {
  const bits = Number(hash.bits);
  return areaOf(bits, hash.step, latRange);
}

function areaOf(bits: number, step: number, latRange: Range): Area {
  return areaOfHalves(...halves(bits), step, latRange);
}

function areaOfHalves(hi: number, lo: number, step: number, latRange: Range): Area {
  const [ilato, ilono] = deinterleave(hi, lo);
  const latScale = latRange.max - latRange.min;
  const longScale = LONG_RANGE.max - LONG_RANGE.min;
  const div = 2 ** step;
  return {
    latitude: {
      min: latRange.min + ((ilato * 1.0) / div) * latScale,
      max: latRange.min + (((ilato + 1) * 1.0) / div) * latScale,
    },
    longitude: {
      min: LONG_RANGE.min + ((ilono * 1.0) / div) * longScale,
      max: LONG_RANGE.min + (((ilono + 1) * 1.0) / div) * longScale,
    },
  };
}

/**
 * decodeGeohash of geo.c: the [longitude, latitude] a score stands for (the centre of its
 * step-26 area, clamped to the limits).
 */
export function decodeScore(score: number): [lon: number, lat: number] {
  let hi: number;
  let lo: number;
  if (score >= 0 && score < 2 ** 64) {
    const b = Math.trunc(score);
    hi = Math.floor(b / TWO_32) >>> 0;
    lo = b >>> 0;
  } else [hi, lo] = uint64Halves(score);
  // geohashDecode then geohashDecodeAreaToLongLat, without building the area.
  const ilato = squash32(lo) + squash32(hi) * 0x10000;
  const ilono = squash32(lo >>> 1) + squash32(hi >>> 1) * 0x10000;
  const latScale = LAT_RANGE.max - LAT_RANGE.min;
  const longScale = LONG_RANGE.max - LONG_RANGE.min;
  const div = 2 ** GEO_STEP_MAX;
  const latMin = LAT_RANGE.min + ((ilato * 1.0) / div) * latScale;
  const latMax = LAT_RANGE.min + (((ilato + 1) * 1.0) / div) * latScale;
  const lonMin = LONG_RANGE.min + ((ilono * 1.0) / div) * longScale;
  const lonMax = LONG_RANGE.min + (((ilono + 1) * 1.0) / div) * longScale;
  let x = (lonMin + lonMax) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (latMin + latMax) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  return [x, y];
}

/**
 * C's (uint64_t)score as gcc compiles it on x86-64, in halves: exact below 2^64 (a geo score is
 * an integer below 2^54), two's complement for negatives, and the "indefinite" results
 * (2^63 below -2^63, 0 from 2^64 and for NaN) that plain sorted-set scores can produce.
 */
function uint64Halves(score: number): [hi: number, lo: number] {
  if (score >= 0 && score < 2 ** 64) return halves(Math.trunc(score));
  if (score < 0 && score >= -(2 ** 63)) {
    const v = BigInt.asUintN(64, BigInt(Math.trunc(score)));
    return [Number(v >> 32n), Number(v & 0xffffffffn)];
  }
  return score < 0 ? [0x80000000, 0] : [0, 0];
}

const GEO_ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";

/** GEOHASH's 11-character standard geohash of a stored score. */
export function geohashString(score: number): string {
  const [lon, lat] = decodeScore(score);
  const h = encode(lon, lat, GEO_STEP_MAX, STANDARD_LAT_RANGE);
  const bits = h?.bits ?? 0n;
  let out = "";
  for (let i = 0; i < 11; i++) {
    const idx = i === 10 ? 0 : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
    out += GEO_ALPHABET[idx];
  }
  return out;
}
