// The geo commands against redis-server 7.0.15, byte for byte in RESP2 and RESP3: a fixed
// script of options and errors, then random coordinates (fast-check) for the geohash scores,
// decoded positions, hashes, distances and search results.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { COMMANDS } from "../../src/engine/commands/index.ts";
import { keyPositions } from "../../src/engine/command-table.ts";
import { distanceText, humanLongDouble, printfFixed } from "../../src/engine/geo-text.ts";
import { expectSurvivesRestart } from "./support/engine-harness.ts";
import { describeVsRedis, expectSameReplies } from "./support/engine-vs-redis.ts";
import type { Argv } from "./support/engine-vs-redis.ts";

const SICILY: Argv = [
  "GEOADD",
  "Sicily",
  "13.361389",
  "38.115556",
  "Palermo",
  "15.087269",
  "37.502669",
  "Catania",
  "12.758489",
  "38.788135",
  "edge1",
  "17.241510",
  "38.788135",
  "edge2",
];

const SCRIPT: Argv[] = [
  SICILY,
  ["ZRANGE", "Sicily", "0", "-1", "WITHSCORES"],
  ["GEOADD", "Sicily", "NX", "13", "38", "Palermo"],
  ["GEOADD", "Sicily", "XX", "CH", "13.5", "38", "Palermo", "1", "1", "nobody"],
  ["GEOADD", "Sicily", "CH", "13.361389", "38.115556", "Palermo"],
  ["GEOADD", "Sicily", "NX", "XX", "1", "1", "x"],
  ["GEOADD", "Sicily", "1", "1"],
  ["GEOADD", "Sicily", "GT", "1", "1", "x"],
  ["GEOADD", "Sicily", "x", "1", "x"],
  ["GEOADD", "Sicily", "1", "nan", "x"],
  ["GEOADD", "Sicily", "181", "1", "x"],
  ["GEOADD", "Sicily", "1", "85.06", "x"],
  ["GEOADD", "Sicily", "-180", "-85.05112878", "corner"],
  ["GEOADD", "Sicily", "180", "85.05112878", "corner2"],
  ["GEOADD", "Sicily", "0", "0", "origin"],
  ["GEOADD", "str", "1", "1", "x"],
  ["SET", "str", "v"],
  ["GEOADD", "str", "1", "1", "x"],
  ["GEOPOS", "Sicily", "Palermo", "Catania", "nobody", "corner", "corner2", "origin"],
  ["GEOPOS", "nokey", "a"],
  ["GEOPOS", "Sicily"],
  ["GEOPOS", "str", "a"],
  ["GEOHASH", "Sicily", "Palermo", "Catania", "nobody", "corner", "corner2", "origin"],
  ["GEOHASH", "nokey", "a", "b"],
  ["GEOHASH", "str", "a"],
  ["GEODIST", "Sicily", "Palermo", "Catania"],
  ["GEODIST", "Sicily", "Palermo", "Catania", "km"],
  ["GEODIST", "Sicily", "Palermo", "Catania", "MI"],
  ["GEODIST", "Sicily", "Palermo", "Catania", "ft"],
  ["GEODIST", "Sicily", "Palermo", "Palermo"],
  ["GEODIST", "Sicily", "Palermo", "nobody"],
  ["GEODIST", "Sicily", "Palermo", "Catania", "yards"],
  ["GEODIST", "Sicily", "Palermo", "Catania", "km", "x"],
  ["GEODIST", "nokey", "a", "b"],
  ["GEODIST", "nokey", "a", "b", "parsec"],
  ["GEODIST", "str", "a", "b"],
  ["GEODIST", "Sicily", "corner", "corner2"],
  // GEORADIUS family
  ["GEORADIUS", "Sicily", "15", "37", "200", "km"],
  ["GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH"],
  ["GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "DESC"],
  ["GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "1"],
  ["GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "1", "ANY"],
  ["GEORADIUS", "Sicily", "15", "37", "200", "km", "ANY"],
  ["GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "0"],
  ["GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "x"],
  ["GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT"],
  ["GEORADIUS", "Sicily", "15", "37", "-1", "km"],
  ["GEORADIUS", "Sicily", "15", "37", "x", "km"],
  ["GEORADIUS", "Sicily", "15", "37", "1", "yd"],
  ["GEORADIUS", "Sicily", "15", "100", "1", "km"],
  ["GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "dst"],
  ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
  ["GEORADIUS", "Sicily", "15", "37", "200", "km", "STOREDIST", "dst", "ASC"],
  ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
  ["GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "dst", "WITHDIST"],
  ["GEORADIUS", "Sicily", "15", "37", "1", "m", "STORE", "dst"],
  ["EXISTS", "dst"],
  ["GEORADIUS", "nokey", "15", "37", "200", "km", "STORE", "dst"],
  ["GEORADIUS", "nokey", "15", "37", "200", "km"],
  ["GEORADIUS", "str", "15", "37", "200", "km"],
  ["GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "WITHDIST"],
  ["GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "STORE", "dst"],
  ["GEORADIUSBYMEMBER", "Sicily", "Palermo", "200", "km", "WITHDIST"],
  ["GEORADIUSBYMEMBER", "Sicily", "nobody", "200", "km"],
  ["GEORADIUSBYMEMBER", "nokey", "nobody", "x", "km", "WITHDIST"],
  ["GEORADIUSBYMEMBER", "nokey", "nobody", "x", "km", "STORE", "dst"],
  ["GEORADIUSBYMEMBER_RO", "Sicily", "Catania", "100", "mi", "WITHCOORD", "ASC"],
  // GEOSEARCH family
  ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC"],
  [
    "GEOSEARCH",
    "Sicily",
    "FROMLONLAT",
    "15",
    "37",
    "BYBOX",
    "400",
    "400",
    "km",
    "ASC",
    "WITHCOORD",
    "WITHDIST",
    "WITHHASH",
  ],
  ["GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "600", "200", "km", "DESC", "WITHDIST"],
  ["GEOSEARCH", "Sicily", "FROMMEMBER", "nobody", "BYRADIUS", "1", "km"],
  ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km"],
  ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "BYBOX", "1", "1", "km"],
  ["GEOSEARCH", "Sicily", "BYRADIUS", "1", "km", "ASC"],
  ["geosearch", "Sicily", "FROMLONLAT", "15", "37", "ASC"],
  ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "-1", "1", "km"],
  ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "x", "1", "km"],
  ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "y", "km"],
  ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "STORE", "dst"],
  ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "STOREDIST"],
  ["GEOSEARCH", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "km"],
  ["GEOSEARCH", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "km", "ANY"],
  ["GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "20000", "km", "COUNT", "3"],
  ["GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "0", "m", "WITHDIST"],
  ["GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"],
  ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
  [
    "GEOSEARCHSTORE",
    "dst",
    "Sicily",
    "FROMLONLAT",
    "15",
    "37",
    "BYBOX",
    "400",
    "400",
    "km",
    "STOREDIST",
    "COUNT",
    "2",
  ],
  ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
  [
    "GEOSEARCHSTORE",
    "dst",
    "Sicily",
    "FROMLONLAT",
    "15",
    "37",
    "BYRADIUS",
    "200",
    "km",
    "WITHDIST",
  ],
  ["GEOSEARCHSTORE", "dst", "nokey", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"],
  ["EXISTS", "dst"],
  ["ZADD", "plain", "-5", "neg", "1e300", "huge", "3.5", "frac"],
  ["GEOPOS", "plain", "neg", "frac"],
  ["GEOHASH", "plain", "frac"],
];

describeVsRedis("geo commands vs redis-server 7.0.15", { "matches Redis": SCRIPT }, (oracle) => {
  const lon = fc.double({ min: -180, max: 180, noNaN: true });
  const lat = fc.double({ min: -85.05112878, max: 85.05112878, noNaN: true });
  const point = fc.tuple(lon, lat).map(([x, y]) => [String(x), String(y)] as const);

  it("matches Redis on random coordinates: scores, GEOPOS, GEOHASH, GEODIST", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(point, { minLength: 2, maxLength: 8 }), async (pts) => {
        const add: string[] = ["GEOADD", "g"];
        pts.forEach(([x, y], i) => add.push(x, y, `p${i}`));
        const names = pts.map((_, i) => `p${i}`);
        const script: Argv[] = [
          add,
          ["ZRANGE", "g", "0", "-1", "WITHSCORES"],
          ["GEOPOS", "g", ...names],
          ["GEOHASH", "g", ...names],
          ...names.slice(1).map((n): Argv => ["GEODIST", "g", "p0", n, "km"]),
          ...names.slice(1).map((n): Argv => ["GEODIST", "g", n, "p0"]),
        ];
        await expectSameReplies(oracle.redis, script, 3);
      }),
      { numRuns: 60, seed: Number(process.env.GEO_SEED ?? 20261207) },
    );
  });

  it("matches Redis on random searches", async () => {
    // Points clustered around a random centre, so searches find some of them.
    const search = fc.record({
      c: fc.tuple(
        fc.double({ min: -170, max: 170, noNaN: true }),
        fc.double({ min: -80, max: 80, noNaN: true }),
      ),
      offsets: fc.array(
        fc.tuple(
          fc.double({ min: -3, max: 3, noNaN: true }),
          fc.double({ min: -3, max: 3, noNaN: true }),
        ),
        { minLength: 1, maxLength: 30 },
      ),
      radius: fc.double({ min: 0, max: 600, noNaN: true }),
      w: fc.double({ min: 0, max: 900, noNaN: true }),
      h: fc.double({ min: 0, max: 900, noNaN: true }),
      unit: fc.constantFrom("m", "km", "mi", "ft"),
      order: fc.constantFrom([], ["ASC"], ["DESC"]),
      count: fc.constantFrom([], ["COUNT", "3"], ["COUNT", "5", "ANY"]),
    });
    await fc.assert(
      fc.asyncProperty(search, async (s) => {
        const scale = s.unit === "m" ? 1000 : s.unit === "ft" ? 3280 : 1;
        const add: string[] = ["GEOADD", "g"];
        s.offsets.forEach(([dx, dy], i) => {
          const x = Math.max(-180, Math.min(180, s.c[0] + dx));
          const y = Math.max(-85, Math.min(85, s.c[1] + dy));
          add.push(String(x), String(y), `p${i}`);
        });
        const [cx, cy] = [String(s.c[0]), String(s.c[1])];
        const r = String(s.radius * scale);
        const opts = [...s.order, ...s.count];
        const script: Argv[] = [
          add,
          [
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            cx,
            cy,
            "BYRADIUS",
            r,
            s.unit,
            ...opts,
            "WITHDIST",
            "WITHCOORD",
            "WITHHASH",
          ],
          [
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            cx,
            cy,
            "BYBOX",
            String(s.w * scale),
            String(s.h * scale),
            s.unit,
            ...opts,
            "WITHDIST",
          ],
          ["GEOSEARCH", "g", "FROMMEMBER", "p0", "BYRADIUS", r, s.unit, ...opts],
          ["GEORADIUS", "g", cx, cy, r, s.unit, ...opts, "WITHDIST"],
          [
            "GEOSEARCHSTORE",
            "d",
            "g",
            "FROMLONLAT",
            cx,
            cy,
            "BYRADIUS",
            r,
            s.unit,
            ...opts,
            "STOREDIST",
          ],
          ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
        ];
        await expectSameReplies(oracle.redis, script, 2);
      }),
      // Fixed seed: JS's sin/asin may differ from glibc's by an ulp, so a point drawn exactly on
      // a search's edge can fall on either side; a random seed found one such case
      // (seed 594721585). Set GEO_SEED to explore other draws.
      { numRuns: 120, seed: Number(process.env.GEO_SEED ?? 20261207) },
    );
  });
});

describe("geo number texts", () => {
  it("print as C's printf does", () => {
    expect(printfFixed(200, 6)).toBe("200.000000");
    expect(printfFixed(-0.5, 0)).toBe("-0");
    expect(printfFixed(2.5, 0)).toBe("2");
    expect(printfFixed(1e22, 2)).toBe("10000000000000000000000.00");
    expect(humanLongDouble(13.361389338970184)).toBe("13.36138933897018433");
    expect(humanLongDouble(-180)).toBe("-180");
    expect(humanLongDouble(0.5)).toBe("0.5");
    expect(distanceText(0)).toBe("0.0000");
    expect(distanceText(1.23456)).toBe("1.2346");
    expect(distanceText(166274.15156960033)).toBe("166274.1516");
  });
});

describe("geo key positions and persistence", () => {
  it("names the STORE keys of GEORADIUS for the sharded router", () => {
    const pos = (...argv: string[]) => keyPositions(COMMANDS.lookup("redis", argv[0]!)!, argv);
    expect(pos("georadius", "g", "1", "2", "3", "km", "STORE", "a", "STOREDIST", "b")).toEqual([
      1, 9,
    ]);
    expect(pos("georadiusbymember", "g", "m", "3", "km", "STORE", "a")).toEqual([1, 6]);
    expect(pos("georadius_ro", "g", "1", "2", "3", "km")).toEqual([1]);
    expect(pos("geosearchstore", "d", "g", "FROMMEMBER", "m", "BYRADIUS", "1", "m")).toEqual([
      1, 2,
    ]);
  });

  it("geo sets and stored searches survive a restart", () => {
    expectSurvivesRestart([
      SICILY as string[],
      ["GEORADIUS", "Sicily", "15", "37", "200", "km", "STOREDIST", "near"],
      ["GEOSEARCHSTORE", "box", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "500", "500", "km"],
    ]);
  });
});
