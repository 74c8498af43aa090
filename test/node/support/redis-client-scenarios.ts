// The command test that ioredis 6.0.0 and node-redis 6.3.1 run through their own APIs
// (test/node/redis-clients.test.ts), against redis-server 7.0.15 and against our shim.

import { Redis } from "ioredis";
import type { RedisOptions } from "ioredis";
import { createClient } from "redis";

export const HOST = "127.0.0.1";
export const FULL_TOKEN = "full-secret-token";
export const READONLY_TOKEN = "readonly-secret-token";
/** SET … EX in the command test; TTL must read back within (0, EX]. */
export const EX_SECONDS = 100;
/** Elements iterated with SCAN/SSCAN/HSCAN/ZSCAN, several times the COUNT hint. */
export const SCAN_ELEMENTS = 300;
export const SCAN_COUNT = 25;
/** Client name and database the clients set at connect (CLIENT SETNAME, SELECT 0). */
export const CLIENT_NAME = "blink-edge-test";

/** A result with client-specific objects made comparable: errors by class and message. */
export function plain(v: unknown): unknown {
  if (v instanceof Error) {
    const replies = (v as { replies?: unknown }).replies;
    return {
      error: v.constructor.name,
      message: v.message,
      ...(replies ? { replies: plain(replies) } : {}),
    };
  }
  if (Buffer.isBuffer(v)) return { buffer: (v as Buffer).toString("hex") };
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map)
    return { map: [...(v as Map<unknown, unknown>)].map(([k, x]) => [plain(k), plain(x)]) };
  if (v instanceof Set) return { set: [...(v as Set<unknown>)].map(plain).sort() };
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

/** Resolves with the value, or with the error it rejected with. */
export async function settle<T>(p: Promise<T>): Promise<T | Error> {
  try {
    return await p;
  } catch (e) {
    return e as Error;
  }
}

/** Members of an unordered reply (spec §10.11 item 4), sorted. */
function sorted(xs: string[]): string[] {
  return [...xs].sort();
}

// ---------------------------------------------------------------------------------------------
// ioredis

export function ioredisClient(port: number, opts: RedisOptions = {}): Redis {
  const r = new Redis({
    host: HOST,
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    ...opts,
  });
  r.on("error", () => {});
  return r;
}

/** The command test through ioredis's API; `other` is a second connection (WATCH abort). */
export async function ioredisScenario(
  r: Redis,
  other: Redis,
  k: string,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  out.set = await r.set(`${k}:s`, "v1");
  out.setEx = await r.set(`${k}:ex`, "v2", "EX", EX_SECONDS);
  const ttl = await r.ttl(`${k}:ex`);
  out.ttlInRange = ttl > 0 && ttl <= EX_SECONDS;
  out.ttlMissing = await r.ttl(`${k}:nosuch`);
  out.ttlNone = await r.ttl(`${k}:s`);
  out.expire = await r.expire(`${k}:s`, EX_SECONDS);
  out.persist = await r.persist(`${k}:s`);
  out.pexpireat = await r.pexpireat(`${k}:s`, 4102444800000);
  out.pexpiretime = await r.call("PEXPIRETIME", `${k}:s`);
  out.get = await r.get(`${k}:s`);
  out.getMissing = await r.get(`${k}:nosuch`);
  out.setNx = await r.set(`${k}:s`, "x", "NX");
  out.setGet = await r.set(`${k}:s`, "v3", "GET");
  out.incr = await r.incr(`${k}:n`);
  out.incrby = await r.incrby(`${k}:n`, 41);
  out.decr = await r.decr(`${k}:n`);
  out.incrbyfloat = await r.incrbyfloat(`${k}:n`, 0.5);
  out.incrWrong = await settle(r.incr(`${k}:s`));
  out.mset = await r.mset(`${k}:a`, "1", `${k}:b`, "2");
  out.mget = await r.mget(`${k}:a`, `${k}:b`, `${k}:nosuch`);
  out.append = await r.append(`${k}:a`, "23");
  out.strlen = await r.strlen(`${k}:a`);
  out.getrange = await r.getrange(`${k}:a`, 0, 1);
  out.getdel = await r.getdel(`${k}:b`);
  out.exists = await r.exists(`${k}:a`, `${k}:b`);
  out.type = await r.type(`${k}:a`);
  out.del = await r.del(`${k}:a`, `${k}:nosuch`);
  out.binary = await r.set(`${k}:bin`, Buffer.from([0, 1, 0xfe, 0xff]));
  out.getBuffer = await r.getBuffer(`${k}:bin`);

  out.hset = await r.hset(`${k}:h`, { f1: "a", f2: "b", n: "5" });
  out.hget = await r.hget(`${k}:h`, "f1");
  out.hmget = await r.hmget(`${k}:h`, "f1", "nosuch", "f2");
  out.hgetall = await r.hgetall(`${k}:h`);
  out.hgetallMissing = await r.hgetall(`${k}:nosuch`);
  out.hincrby = await r.hincrby(`${k}:h`, "n", 3);
  out.hincrbyfloat = await r.hincrbyfloat(`${k}:h`, "n", 1.25);
  out.hdel = await r.hdel(`${k}:h`, "f2");
  out.hkeys = await r.hkeys(`${k}:h`);
  out.hlen = await r.hlen(`${k}:h`);
  out.hexists = await r.hexists(`${k}:h`, "f1");

  out.rpush = await r.rpush(`${k}:l`, "a", "b", "c");
  out.lpush = await r.lpush(`${k}:l`, "z");
  out.lrange = await r.lrange(`${k}:l`, 0, -1);
  out.lpop = await r.lpop(`${k}:l`);
  out.rpopCount = await r.rpop(`${k}:l`, 2);
  out.llen = await r.llen(`${k}:l`);
  out.lindex = await r.lindex(`${k}:l`, 0);
  out.lmove = await r.lmove(`${k}:l`, `${k}:l2`, "LEFT", "RIGHT");
  out.lpopMissing = await r.lpop(`${k}:l`);

  out.sadd = await r.sadd(`${k}:set`, "x", "y", "z");
  out.smembers = sorted(await r.smembers(`${k}:set`));
  out.sismember = await r.sismember(`${k}:set`, "y");
  out.smismember = await r.smismember(`${k}:set`, "x", "q");
  out.scard = await r.scard(`${k}:set`);
  out.srem = await r.srem(`${k}:set`, "x");
  out.sinter = sorted(await r.sinter(`${k}:set`, `${k}:set`));

  out.zadd = await r.zadd(`${k}:z`, 1, "one", 2.5, "two", 3, "three");
  out.zaddIncr = await r.zadd(`${k}:z`, "INCR", 1, "one");
  out.zscore = await r.zscore(`${k}:z`, "two");
  out.zscoreMissing = await r.zscore(`${k}:z`, "nosuch");
  out.zincrby = await r.zincrby(`${k}:z`, 0.25, "three");
  out.zrange = await r.zrange(`${k}:z`, "0", "-1");
  out.zrangeWithScores = await r.zrange(`${k}:z`, "0", "-1", "WITHSCORES");
  out.zrangebyscore = await r.zrangebyscore(`${k}:z`, "(2", "+inf", "WITHSCORES");
  out.zrevrange = await r.zrevrange(`${k}:z`, 0, 0, "WITHSCORES");
  out.zrank = await r.zrank(`${k}:z`, "three");
  out.zcard = await r.zcard(`${k}:z`);
  out.zcount = await r.zcount(`${k}:z`, "-inf", "+inf");
  out.zmscore = await r.zmscore(`${k}:z`, "one", "nosuch");
  out.zpopmin = await r.zpopmin(`${k}:z`);
  out.zpopmax = await r.zpopmax(`${k}:z`, 2);
  out.zrem = await r.zrem(`${k}:z`, "nosuch");

  out.pipeline = await r
    .pipeline()
    .set(`${k}:p`, "1")
    .incr(`${k}:p`)
    .get(`${k}:p`)
    .hset(`${k}:p`, "f", "v")
    .zadd(`${k}:pz`, 1.5, "m")
    .zscore(`${k}:pz`, "m")
    .exec();
  out.multi = await r
    .multi()
    .set(`${k}:m`, "1")
    .incr(`${k}:m`)
    .lpush(`${k}:m`, "x")
    .hgetall(`${k}:h`)
    .zrange(`${k}:pz`, "0", "-1", "WITHSCORES")
    .exec();
  out.multiQueueError = await settle(r.multi().set(`${k}:m2`, "1").call("NOSUCHCMD").exec());
  out.afterQueueError = await r.exists(`${k}:m2`);
  out.watch = await r.watch(`${k}:w`);
  await other.set(`${k}:w`, "changed");
  out.watchAbort = await r.multi().set(`${k}:w`, "mine").exec();
  out.watchValue = await r.get(`${k}:w`);
  out.watchOk = await r.watch(`${k}:w`);
  out.watchCommit = await r.multi().set(`${k}:w`, "mine").exec();
  out.unknown = await settle(r.call("NOSUCHCMD", "a"));
  out.clientName = await r.client("GETNAME");

  // Cursor iteration over more elements than one COUNT: every element exactly once.
  const many = Array.from({ length: SCAN_ELEMENTS }, (_, i) => `m${i}`);
  await r.mset(Object.fromEntries(many.map((m) => [`${k}:scan:${m}`, m])));
  await r.sadd(`${k}:sscan`, ...many);
  await r.hset(`${k}:hscan`, Object.fromEntries(many.map((m) => [m, m])));
  await r.zadd(`${k}:zscan`, ...many.flatMap((m, i) => [i, m]));
  const drain = async (stream: AsyncIterable<unknown>) => {
    const seen: string[] = [];
    for await (const chunk of stream) seen.push(...(chunk as string[]));
    return seen;
  };
  out.scanStream = sorted(await drain(r.scanStream({ match: `${k}:scan:*`, count: SCAN_COUNT })));
  out.sscanStream = sorted(await drain(r.sscanStream(`${k}:sscan`, { count: SCAN_COUNT })));
  out.hscanStreamLength = (await drain(r.hscanStream(`${k}:hscan`, { count: SCAN_COUNT }))).length;
  out.zscanStreamLength = (await drain(r.zscanStream(`${k}:zscan`, { count: SCAN_COUNT }))).length;
  return plain(out) as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// node-redis

export type NodeRedis = ReturnType<typeof createClient>;

export async function nodeRedisClient(
  port: number,
  opts: { RESP?: 2 | 3; password?: string; name?: string; database?: number } = {},
): Promise<NodeRedis> {
  const c = createClient({
    socket: { host: HOST, port, reconnectStrategy: false },
    ...opts,
  }) as NodeRedis;
  c.on("error", () => {});
  await c.connect();
  return c;
}

/** The command test through node-redis's API; `other` is a second connection (WATCH abort). */
export async function nodeRedisScenario(
  c: NodeRedis,
  other: NodeRedis,
  k: string,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  out.set = await c.set(`${k}:s`, "v1");
  out.setEx = await c.set(`${k}:ex`, "v2", { EX: EX_SECONDS });
  const ttl = await c.ttl(`${k}:ex`);
  out.ttlInRange = ttl > 0 && ttl <= EX_SECONDS;
  out.ttlMissing = await c.ttl(`${k}:nosuch`);
  out.ttlNone = await c.ttl(`${k}:s`);
  out.expire = await c.expire(`${k}:s`, EX_SECONDS);
  out.persist = await c.persist(`${k}:s`);
  out.pexpireAt = await c.pExpireAt(`${k}:s`, 4102444800000);
  out.pexpireTime = await c.pExpireTime(`${k}:s`);
  out.get = await c.get(`${k}:s`);
  out.getMissing = await c.get(`${k}:nosuch`);
  out.setNx = await c.set(`${k}:s`, "x", { NX: true });
  out.setGet = await c.set(`${k}:s`, "v3", { GET: true });
  out.incr = await c.incr(`${k}:n`);
  out.incrBy = await c.incrBy(`${k}:n`, 41);
  out.decr = await c.decr(`${k}:n`);
  out.incrByFloat = await c.incrByFloat(`${k}:n`, 0.5);
  out.incrWrong = await settle(c.incr(`${k}:s`));
  out.mSet = await c.mSet({ [`${k}:a`]: "1", [`${k}:b`]: "2" });
  out.mGet = await c.mGet([`${k}:a`, `${k}:b`, `${k}:nosuch`]);
  out.append = await c.append(`${k}:a`, "23");
  out.strLen = await c.strLen(`${k}:a`);
  out.getRange = await c.getRange(`${k}:a`, 0, 1);
  out.getDel = await c.getDel(`${k}:b`);
  out.exists = await c.exists([`${k}:a`, `${k}:b`]);
  out.type = await c.type(`${k}:a`);
  out.del = await c.del([`${k}:a`, `${k}:nosuch`]);

  out.hSet = await c.hSet(`${k}:h`, { f1: "a", f2: "b", n: "5" });
  out.hGet = await c.hGet(`${k}:h`, "f1");
  out.hmGet = await c.hmGet(`${k}:h`, ["f1", "nosuch", "f2"]);
  out.hGetAll = await c.hGetAll(`${k}:h`);
  out.hGetAllMissing = await c.hGetAll(`${k}:nosuch`);
  out.hIncrBy = await c.hIncrBy(`${k}:h`, "n", 3);
  out.hIncrByFloat = await c.hIncrByFloat(`${k}:h`, "n", 1.25);
  out.hDel = await c.hDel(`${k}:h`, "f2");
  out.hKeys = await c.hKeys(`${k}:h`);
  out.hLen = await c.hLen(`${k}:h`);
  out.hExists = await c.hExists(`${k}:h`, "f1");

  out.rPush = await c.rPush(`${k}:l`, ["a", "b", "c"]);
  out.lPush = await c.lPush(`${k}:l`, "z");
  out.lRange = await c.lRange(`${k}:l`, 0, -1);
  out.lPop = await c.lPop(`${k}:l`);
  out.rPopCount = await c.rPopCount(`${k}:l`, 2);
  out.lLen = await c.lLen(`${k}:l`);
  out.lIndex = await c.lIndex(`${k}:l`, 0);
  out.lMove = await c.lMove(`${k}:l`, `${k}:l2`, "LEFT", "RIGHT");
  out.lPopMissing = await c.lPop(`${k}:l`);

  out.sAdd = await c.sAdd(`${k}:set`, ["x", "y", "z"]);
  out.sMembers = sorted(await c.sMembers(`${k}:set`));
  out.sIsMember = await c.sIsMember(`${k}:set`, "y");
  out.smIsMember = await c.smIsMember(`${k}:set`, ["x", "q"]);
  out.sCard = await c.sCard(`${k}:set`);
  out.sRem = await c.sRem(`${k}:set`, "x");
  out.sInter = sorted(await c.sInter([`${k}:set`, `${k}:set`]));

  out.zAdd = await c.zAdd(`${k}:z`, [
    { score: 1, value: "one" },
    { score: 2.5, value: "two" },
    { score: 3, value: "three" },
  ]);
  out.zAddIncr = await c.zAddIncr(`${k}:z`, { score: 1, value: "one" });
  out.zScore = await c.zScore(`${k}:z`, "two");
  out.zScoreMissing = await c.zScore(`${k}:z`, "nosuch");
  out.zIncrBy = await c.zIncrBy(`${k}:z`, 0.25, "three");
  out.zRange = await c.zRange(`${k}:z`, 0, -1);
  out.zRangeWithScores = await c.zRangeWithScores(`${k}:z`, 0, -1);
  out.zRangeByScore = await c.zRangeByScoreWithScores(`${k}:z`, "(2", "+inf");
  out.zRank = await c.zRank(`${k}:z`, "three");
  out.zCard = await c.zCard(`${k}:z`);
  out.zCount = await c.zCount(`${k}:z`, "-inf", "+inf");
  out.zmScore = await c.zmScore(`${k}:z`, ["one", "nosuch"]);
  out.zPopMin = await c.zPopMin(`${k}:z`);
  out.zPopMaxCount = await c.zPopMaxCount(`${k}:z`, 2);
  out.zRem = await c.zRem(`${k}:z`, "nosuch");

  // A pipeline two ways: MULTI-less execAsPipeline, and concurrent commands (auto-pipelined).
  out.pipeline = await c
    .multi()
    .set(`${k}:p`, "1")
    .incr(`${k}:p`)
    .get(`${k}:p`)
    .zAdd(`${k}:pz`, { score: 1.5, value: "m" })
    .zScore(`${k}:pz`, "m")
    .execAsPipeline();
  out.autoPipeline = await Promise.all([
    c.incr(`${k}:p`),
    c.get(`${k}:p`),
    settle(c.hSet(`${k}:p`, "f", "v")),
    c.dbSize().then((n) => n > 0),
  ]);
  out.multi = await c
    .multi()
    .set(`${k}:m`, "1")
    .incr(`${k}:m`)
    .hGetAll(`${k}:h`)
    .zRangeWithScores(`${k}:pz`, 0, -1)
    .exec();
  out.multiExecError = await settle(c.multi().set(`${k}:m`, "x").lPush(`${k}:m`, "y").exec());
  out.watch = await c.watch(`${k}:w`);
  await other.set(`${k}:w`, "changed");
  out.watchAbort = await settle(c.multi().set(`${k}:w`, "mine").exec());
  out.watchValue = await c.get(`${k}:w`);
  out.watchOk = await c.watch(`${k}:w`);
  out.watchCommit = await c.multi().set(`${k}:w`, "mine").exec();
  out.unknown = await settle(c.sendCommand(["NOSUCHCMD", "a"]));
  out.ping = await c.ping();
  out.clientName = await c.clientGetName();

  // Cursor iteration over more elements than one COUNT: every element exactly once.
  const many = Array.from({ length: SCAN_ELEMENTS }, (_, i) => `m${i}`);
  await c.mSet(Object.fromEntries(many.map((m) => [`${k}:scan:${m}`, m])));
  await c.sAdd(`${k}:sscan`, many);
  await c.hSet(`${k}:hscan`, Object.fromEntries(many.map((m) => [m, m])));
  await c.zAdd(
    `${k}:zscan`,
    many.map((m, i) => ({ score: i, value: m })),
  );
  const keys: string[] = [];
  for await (const batch of c.scanIterator({ MATCH: `${k}:scan:*`, COUNT: SCAN_COUNT }))
    keys.push(...batch);
  out.scanIterator = sorted(keys);
  const members: string[] = [];
  for await (const batch of c.sScanIterator(`${k}:sscan`, { COUNT: SCAN_COUNT }))
    members.push(...batch);
  out.sScanIterator = sorted(members);
  const fields: string[] = [];
  for await (const batch of c.hScanIterator(`${k}:hscan`, { COUNT: SCAN_COUNT }))
    fields.push(...batch.map((e) => `${e.field}=${e.value}`));
  out.hScanIterator = sorted(fields);
  const scored: string[] = [];
  for await (const batch of c.zScanIterator(`${k}:zscan`, { COUNT: SCAN_COUNT }))
    scored.push(...batch.map((e) => `${e.value}=${e.score}`));
  out.zScanIterator = sorted(scored);
  return plain(out) as Record<string, unknown>;
}
