// Redis's search areas and distances (geohash_helper.c of Redis 7.0.15, and the neighbour
// moves of geohash.c), ported operation for operation: the nine hash boxes a search scans, the
// score range of each, and the haversine distances that decide membership. The neighbour
// arithmetic, done a few times per search, uses BigInt.

import { decodeArea, encode } from "./geohash.ts";
import type { HashBits } from "./geohash.ts";

/** `#define D_R (M_PI / 180.0)`. */
const D_R = Math.PI / 180.0;
/** Earth's quadratic mean radius for WGS-84. */
const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;

const degRad = (ang: number): number => ang * D_R;
const radDeg = (ang: number): number => ang / D_R;

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
