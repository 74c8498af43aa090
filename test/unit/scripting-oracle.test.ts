// EVAL / EVALSHA / SCRIPT against redis-server 7.0.15, reply for reply in RESP2 and RESP3: the
// conversion rules both ways, the errors scripts meet (compile, runtime, redis.call refusals) with
// their trace, the 5.1 behaviour of numbers, globals protection and the script cache.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawRedis, redisAvailable, runBoth } from "./support/engine-vs-redis.ts";
import type { Argv } from "./support/engine-vs-redis.ts";

const ev = (body: string, ...rest: string[]): Argv => ["EVAL", body, ...rest];

const SCRIPTS: Record<string, Argv[]> = {
  "reply conversion": [
    ev("return 1", "0"),
    ev("return 'x'", "0"),
    ev("return 3.99", "0"),
    ev("return -3.7", "0"),
    ev("return 1e20", "0"),
    ev("return 0/0", "0"),
    ev("return true", "0"),
    ev("return false", "0"),
    ev("return nil", "0"),
    ev("return {1,2,3.9,'x',nil,4}", "0"),
    ev("return {1,{2,{3,{'deep'}}},true,false}", "0"),
    ev("return {err='My Error'}", "0"),
    ev("return {ok='FINE'}", "0"),
    ev("return {ok='a\\r\\nb'}", "0"),
    ev("return redis.error_reply('x')", "0"),
    ev("return redis.error_reply('-CODE y')", "0"),
    ev("return redis.status_reply('DONE')", "0"),
    ev("return {double=3.5}", "0"),
    ev("return {map={a=1}}", "0"),
    ev("return {set={x=true}}", "0"),
    ev("return {}", "0"),
    ev("return {nil, 1}", "0"),
    ev("return function() end", "0"),
    ev("return {1, function() end, 3}", "0"),
  ],
  "KEYS and ARGV": [
    ev("return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], #KEYS, #ARGV}", "2", "k1", "k2", "a1", "a2"),
    ev("return ARGV", "0", "a", "b", "c"),
    ev("return KEYS", "3", "a", "b", "c"),
    ev("return 1", "3", "a"),
    ev("return 1", "-1"),
    ev("return 1", "abc"),
    ev("return 1", "1.5", "a"),
    ["EVAL", "return 1"],
  ],
  "redis.call and pcall": [
    ev("return redis.call('set', KEYS[1], ARGV[1])", "1", "k", "v"),
    ev("return redis.call('get', KEYS[1])", "1", "k"),
    ev("return redis.call('get', 'nokey')", "0"),
    ev("return redis.call('incr', 'n')", "0"),
    ev("return redis.call('incrbyfloat', 'f', '1.5')", "0"),
    ev("return redis.call('set', 'x', 0.1)", "0"),
    ["GET", "x"],
    ev("return redis.call('set', 'x', 1e20)", "0"),
    ["GET", "x"],
    ev("return redis.call('set', 'x', 12345)", "0"),
    ["GET", "x"],
    ev("redis.call('rpush', 'l', 'a', 'b', 'c'); return redis.call('lrange', 'l', 0, -1)", "0"),
    ev("redis.call('hset', 'h', 'f', 'v'); return redis.call('hgetall', 'h')", "0"),
    ev("return redis.call('hgetall', 'nope')", "0"),
    ev("redis.call('zadd', 'z', 1.5, 'a'); return redis.call('zscore', 'z', 'a')", "0"),
    ev("return redis.call('zrange', 'z', 0, -1, 'withscores')", "0"),
    ev("return redis.call('ping')", "0"),
    ev("return redis.call('nosuch')", "0"),
    ev("return redis.pcall('nosuch')", "0"),
    ev("return redis.call('get')", "0"),
    ev("return redis.call('get', 'a', 'b')", "0"),
    ev("return redis.call()", "0"),
    ev("return redis.call('get', {})", "0"),
    ev("return redis.call('get', KEYS[1])", "0"),
    ev("return redis.call('lpush', 'k', 'x')", "0"),
    ev("return redis.pcall('lpush', 'k', 'x')", "0"),
    ev("return pcall(redis.call, 'lpush', 'k', 'x')", "0"),
    ev("local ok, e = pcall(redis.call, 'lpush', 'k', 'x'); return e", "0"),
    ev("local ok, e = pcall(error, 'x'); return e", "0"),
    ev("local r = redis.pcall('lpush', 'k', 'x'); return r['err']", "0"),
    ev("return redis.call('incr', 'k')", "0"),
    ev("return redis.call('multi')", "0"),
    ev("return redis.call('eval', 'return 1', '0')", "0"),
    ev("return redis.call('exists', 'k', 'l', 'h')", "0"),
    ev("return type(redis.call('get', 'nokey'))", "0"),
    ev("return redis.call('set', 'k2', 'v', 'nx') and 1 or 0", "0"),
    ev("return redis.call('set', 'k2', 'v', 'nx') and 1 or 0", "0"),
  ],
  "errors and their trace": [
    ev("return foo(", "0"),
    ev("return 1 +", "0"),
    ev("error('boom')", "0"),
    ev("error({err='TABLE err'})", "0"),
    ev("error()", "0"),
    ev("local t = nil; return t.x", "0"),
    ev("\n\nreturn redis.call('nosuch')", "0"),
    ev("local x = 1\nerror('line two')", "0"),
    ev("return redis.sha1hex()", "0"),
    ev("return redis.setresp(4)", "0"),
    ev("redis.log(redis.LOG_WARNING, 'hello'); return 1", "0"),
    ev("redis.log('x', 'hello'); return 1", "0"),
    ev("redis.log(1); return 1", "0"),
    ev("redis.log(9, 'x'); return 1", "0"),
    ev("return redis.status_reply()", "0"),
    ["EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"],
    ["EVALSHA", "abc", "0"],
  ],
  "globals protection and libraries": [
    ev("a = 1", "0"),
    ev("return a", "0"),
    ev("return os", "0"),
    ev("return print", "0"),
    ev("return require", "0"),
    ev("return dofile", "0"),
    ev("return loadfile", "0"),
    ev("return debug", "0"),
    ev("return module", "0"),
    ev("return _VERSION", "0"),
    ev("redis.call = function() return 1 end", "0"),
    ev("string.len = nil", "0"),
    ev("_G.x = 1", "0"),
    ev("local t = {} ; t.x = 1 ; return t.x", "0"),
    ev(
      "return type(unpack)..type(table.getn)..type(loadstring)..type(math.pow)..type(string.gfind)..type(pcall)..type(xpcall)..type(gcinfo)..type(coroutine)..type(table.maxn)",
      "0",
    ),
    ev("return {unpack({1,2,3})}", "0"),
    ev("return table.getn({1,2,3})", "0"),
    ev("return loadstring('return 7')()", "0"),
    ev("return math.pow(2, 10)", "0"),
    ev("return redis.REDIS_VERSION", "0"),
    ev("return redis.sha1hex('')", "0"),
    ev("return redis.sha1hex('abc')", "0"),
  ],
  "Lua 5.1 numbers": [
    ev("return tostring(3.0)..' '..tostring(10/2)..' '..(7/2)", "0"),
    ev(
      "return tostring(0/0)..' '..tostring(1/0)..' '..tostring(-1/0)..' '..tostring(1e15)..' '..tostring(123456789012345678)..' '..tostring(0.1)..' '..tostring(2^53)..' '..tostring(1e-5)",
      "0",
    ),
    ev("return tostring(2147483647 + 1)", "0"),
    ev("return 2147483647 * 3", "0"),
    ev("return tostring(tonumber('12345678901'))", "0"),
    ev("return tostring(redis.call('incrby', 'big', '9007199254740993'))", "0"),
    ev("return redis.call('incrby', 'big', '1')", "0"),
    ev("return tostring(tonumber('0x10'))..tostring(tonumber(' 12 '))..tostring(tonumber('1e2'))", "0"),
    ev("return string.format('%d %s %.2f', 3, 4, 1/3)", "0"),
    ev("return string.sub('hello', 2, 3.0)", "0"),
    ev("local t = {} ; t[1.0] = 'a' ; return t[1]", "0"),
    ev("return #'abc' .. ''", "0"),
    ev("return math.floor(3.7) .. ' ' .. math.ceil(3.2) .. ' ' .. math.huge", "0"),
    ev("return 10 % 3 .. ' ' .. -7 % 3 .. ' ' .. 2^0.5", "0"),
  ],
  "script cache": [
    ["SCRIPT", "LOAD", "return 'loaded'"],
    ["EVALSHA", "0c3e5c7e33a8d4a9d2c9a0c8d8e8e5e2b4a6f3c1", "0"],
    ["SCRIPT", "EXISTS", "ffffffffffffffffffffffffffffffffffffffff"],
    ["SCRIPT", "LOAD", "return 1"],
    ["EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"],
    ["EVALSHA", "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB", "0"],
    ["SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "x"],
    ["EVAL", "return 2", "0"],
    ["SCRIPT", "EXISTS", "7f923f79fe76194c868d7e1d0820de36700eb649"],
    ["SCRIPT", "LOAD", "return ("],
    ["SCRIPT", "LOAD"],
    ["SCRIPT", "EXISTS"],
    ["SCRIPT", "FLUSH", "foo"],
    ["SCRIPT", "FLUSH", "ASYNC"],
    ["SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"],
    ["EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"],
    ["SCRIPT", "FLUSH"],
    ["SCRIPT", "KILL"],
    ["SCRIPT", "HELP"],
    ["SCRIPT", "FOO"],
  ],
  "read-only scripts and shebang": [
    ["EVAL_RO", "return redis.call('set', 'a', 'b')", "0"],
    ["EVAL_RO", "return redis.call('get', 'a')", "0"],
    ev("#!lua flags=no-writes\nreturn redis.call('set','a','b')", "0"),
    ev("#!lua flags=no-writes\nreturn redis.call('get','a')", "0"),
    ev("#!lua flags=bad\nreturn 1", "0"),
    ev("#!python\nreturn 1", "0"),
    ev("#!lua name=x\nreturn 1", "0"),
    ev("#!lua\nreturn redis.call('set','a','b')", "0"),
    ev("#!lua\nerror('x')", "0"),
    ["SCRIPT", "LOAD", "return redis.call('set', 'ro', '1')"],
    ["EVALSHA_RO", "b1aa18d36d0d2ecd5fe7c8e1a8ea3b4c7a9f3e22", "0"],
  ],
  "RESP3 from scripts": [
    ev("redis.setresp(3); return redis.call('hgetall', 'nope')", "0"),
    ev("redis.call('hset', 'h', 'a', '1'); redis.setresp(3); local r = redis.call('hgetall', 'h'); return r['map']['a']", "0"),
    ev("redis.setresp(3); return redis.call('hgetall', 'h')", "0"),
    ev("redis.call('sadd', 's', 'm'); redis.setresp(3); return redis.call('smembers', 's')", "0"),
    ev("redis.call('zadd', 'z', 2.5, 'm'); redis.setresp(3); return redis.call('zscore', 'z', 'm')", "0"),
    ev("redis.setresp(3); return type(redis.call('get', 'nope'))", "0"),
    ev("redis.setresp(3); return redis.call('get', 'nope')", "0"),
    ev("return true", "0"),
    ev("return false", "0"),
    ev("redis.setresp(3); return true", "0"),
    ev("redis.setresp(3); return false", "0"),
    ev("return {double=1.5}", "0"),
    ev("return {map={k='v'}}", "0"),
    ev("redis.setresp(3); return redis.call('zrange', 'z', 0, -1, 'withscores')", "0"),
  ],
};

describe.skipIf(!redisAvailable())("scripting vs redis-server 7.0.15", () => {
  let redis: RawRedis;
  beforeAll(async () => {
    redis = await RawRedis.start();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  for (const proto of [2, 3] as const) {
    for (const [name, script] of Object.entries(SCRIPTS)) {
      it(`${name} (RESP${proto})`, async () => {
        await redis.command(["SCRIPT", "FLUSH"]);
        const rows = await runBoth(redis, script, proto);
        const bad = rows.filter(([, ours, theirs]) => ours !== theirs);
        expect(bad.map((r) => r.join("\n    "))).toEqual([]);
      });
    }
  }
});
