// Redis's geohash arithmetic (geohash.c and geohash_helper.c of Redis 7.0.15), ported operation
// for operation so scores, decoded positions, distances and search areas are the same doubles
// redis-server computes. A position is a 52-bit interleaved hash (26 steps of latitude and
// longitude bits, latitude in the even bits) stored as a sorted-set score.
//
// Hashes of up to 53 bits are handled as doubles split in two 32-bit halves on the hot paths
// (encode for GEOADD, decode for every candidate of a search); the neighbour arithmetic, done
// a few times per search, uses BigInt.

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;

/** `#define D_R (M_PI / 180.0)`. */
const D_R = Math.PI / 180.0;
/** Earth's quadratic mean radius for WGS-84 (geohash_helper.c). */
const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
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

const degRad = (ang: number): number => ang * D_R;
const radDeg = (ang: number): number => ang / D_R;

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

const EVEN = 0x5555555555555555n;
const ODD = 0xaaaaaaaaaaaaaaaan;
const U64 = (1n << 64n) - 1n;

function moveX(h: HashBits, d: number): HashBits {
  if (d === 0) return h;
  let x = h.bits & ODD;
  const y = h.bits & EVEN;
  const zz = EVEN >> BigInt(64 - h.step * 2);
  if (d > 0) x = (x + (zz + 1n)) & U64;
  else {
    x = x | zz;
    x = (x - (zz + 1n)) & U64;
  }
  x &= ODD >> BigInt(64 - h.step * 2);
  return { bits: x | y, step: h.step };
}

function moveY(h: HashBits, d: number): HashBits {
  if (d === 0) return h;
  const x = h.bits & ODD;
  let y = h.bits & EVEN;
  const zz = ODD >> BigInt(64 - h.step * 2);
  if (d > 0) y = (y + (zz + 1n)) & U64;
  else {
    y = y | zz;
    y = (y - (zz + 1n)) & U64;
  }
  y &= EVEN >> BigInt(64 - h.step * 2);
  return { bits: x | y, step: h.step };
}

const move = (h: HashBits, dx: number, dy: number): HashBits => moveY(moveX(h, dx), dy);

/** A search shape: a circle (radius) or a box (width x height), in its unit. */
export type Shape =
  | {
      readonly kind: "radius";
      readonly xy: readonly [number, number];
      readonly conversion: number;
      readonly radius: number;
    }
  | {
      readonly kind: "box";
      readonly xy: readonly [number, number];
      readonly conversion: number;
      readonly width: number;
      readonly height: number;
    };

/** geohashEstimateStepsByRadius. */
function estimateSteps(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** geohashBoundingBox: [min lon, min lat, max lon, max lat]. */
function boundingBox(shape: Shape): [number, number, number, number] {
  const [longitude, latitude] = shape.xy;
  const height = shape.conversion * (shape.kind === "radius" ? shape.radius : shape.height / 2);
  const width = shape.conversion * (shape.kind === "radius" ? shape.radius : shape.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(
    width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(latitude + latDelta)),
  );
  const longDeltaBottom = radDeg(
    width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(latitude - latDelta)),
  );
  const southern = latitude < 0;
  return [
    southern ? longitude - longDeltaBottom : longitude - longDeltaTop,
    latitude - latDelta,
    southern ? longitude + longDeltaBottom : longitude + longDeltaTop,
    latitude + latDelta,
  ];
}

const ZERO_HASH: HashBits = { bits: 0n, step: 0 };

/**
 * geohashCalculateAreasByShapeWGS84: the hash boxes to scan, in Redis's order (centre, N, S,
 * E, W, NE, NW, SE, SW); a box excluded as useless has step 0.
 */
export function searchBoxes(shape: Shape): HashBits[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
  const [longitude, latitude] = shape.xy;
  const radiusMeters =
    (shape.kind === "radius"
      ? shape.radius
      : Math.sqrt(
          (shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2),
        )) * shape.conversion;
  let steps = estimateSteps(radiusMeters, latitude);
  let hash = encode(longitude, latitude, steps)!;
  let n = neighbours(hash);
  let area = decodeArea(hash);
  let decrease = false;
  if (decodeArea(n.north).latitude.max < maxLat) decrease = true;
  if (decodeArea(n.south).latitude.min > minLat) decrease = true;
  if (decodeArea(n.east).longitude.max < maxLon) decrease = true;
  if (decodeArea(n.west).longitude.min > minLon) decrease = true;
  if (steps > 1 && decrease) {
    steps--;
    hash = encode(longitude, latitude, steps)!;
    n = neighbours(hash);
    area = decodeArea(hash);
  }
  if (steps >= 2) {
    if (area.latitude.min < minLat) n.south = n.southWest = n.southEast = ZERO_HASH;
    if (area.latitude.max > maxLat) n.north = n.northEast = n.northWest = ZERO_HASH;
    if (area.longitude.min < minLon) n.west = n.southWest = n.northWest = ZERO_HASH;
    if (area.longitude.max > maxLon) n.east = n.southEast = n.northEast = ZERO_HASH;
  }
  return [
    hash,
    n.north,
    n.south,
    n.east,
    n.west,
    n.northEast,
    n.northWest,
    n.southEast,
    n.southWest,
  ];
}

function neighbours(h: HashBits) {
  return {
    east: move(h, 1, 0),
    west: move(h, -1, 0),
    south: move(h, 0, -1),
    north: move(h, 0, 1),
    northWest: move(h, -1, 1),
    northEast: move(h, 1, 1),
    southEast: move(h, 1, -1),
    southWest: move(h, -1, -1),
  };
}

/** scoresOfGeoHashBox: the score range [min, max) of the positions inside a hash box. */
export function boxScores(h: HashBits): [min: number, max: number] {
  const shift = BigInt(52 - h.step * 2);
  return [Number(h.bits << shift), Number((h.bits + 1n) << shift)];
}

/** geohashGetLatDistance. */
function latDistance(lat1d: number, lat2d: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
}

/** geohashGetDistance: the haversine distance in meters. */
export function distance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1d, lat2d);
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/**
 * geoWithinShape: the distance (meters) from the shape's centre to a position, or undefined
 * when the position is outside the shape.
 */
export function distanceWithin(shape: Shape, lon: number, lat: number): number | undefined {
  const [x1, y1] = shape.xy;
  if (shape.kind === "radius") {
    const d = distance(x1, y1, lon, lat);
    return d > shape.radius * shape.conversion ? undefined : d;
  }
  const height = shape.height * shape.conversion;
  const width = shape.width * shape.conversion;
  if (latDistance(lat, y1) > height / 2) return undefined;
  if (distance(lon, lat, x1, lat) > width / 2) return undefined;
  return distance(x1, y1, lon, lat);
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
