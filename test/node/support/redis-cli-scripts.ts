// The scripted sessions that redis-cli runs against redis-server 7.0.15 and our shim
// (test/node/redis-cli-parity.test.ts): piped stdin sessions, command-line invocations, an auth
// session and a mass insertion for --pipe.

/** A date far in the future (2100-01-01) so EXPIRETIME replies do not depend on the clock. */
export const FAR = "4102444800";
export const FAR_MS = "4102444800000";

/**
 * The piped session: every reply here has one order in Redis 7.0.15 (small hashes and lists keep
 * insertion order; integer sets are sorted and built in ascending order here). No reply depends
 * on the clock: TTLs are read as EXPIRETIME of absolute times, or as -1/-2.
 */
export const SESSION = String.raw`
FLUSHALL
PING
PING "hello world"
ECHO "a\x00b\xffc"
SELECT 0
SELECT abc
DBSIZE
SET s hello
GET s
SET s "with space" GET
GET s
APPEND s " and more"
STRLEN s
GETRANGE s 0 3
GETRANGE s -4 -1
GETRANGE s 5 2
GETRANGE s 0 1000
GETRANGE nosuch 0 10
SETRANGE s 5 XYZ
GET s
SETRANGE s -1 x
SETRANGE empty 0 ""
EXISTS empty
SETRANGE padded 3 ab
GET padded
STRLEN nosuch
APPEND newkey abc
SET bin "\x00\x01\xfe\xff"
GET bin
STRLEN bin
SET n 10
INCR n
INCRBY n 5
DECR n
DECRBY n 3
INCRBY n -20
GET n
APPEND n 5
INCR n
INCRBY n abc
INCRBY n 1.5
INCR s
SET big 9223372036854775807
INCR big
SET small -9223372036854775808
DECR small
DECRBY n -9223372036854775808
INCRBYFLOAT f 1.5
INCRBYFLOAT f 2
INCRBYFLOAT f -3.5
INCRBYFLOAT f abc
INCRBYFLOAT f inf
SET f 3.0e3
INCRBYFLOAT f 0.5
SET e 1e2
INCR e
SET nx1 v NX
SET nx1 w NX
GET nx1
SET xx1 v XX
GET xx1
SET nx1 w XX GET
SET nx1 z NX GET
SET nosuch2 v XX GET
GET nx1
SET nx1 a NX XX
SET nx1 a EX 10 PX 100
SET nx1 a KEEPTTL EX 10
SET nx1 a EX 0
SET nx1 a EX -1
SET nx1 a PX abc
SET nx1 a EX 9999999999999999
SET nx1 a BOGUS
SET onlykey
SETNX nx1 q
SETNX nx2 q
SETEX sx 100 v
SETEX sx 0 v
SETEX sx abc v
PSETEX px 0 v
GETSET s newval
GETSET nosuch3 v
GETDEL nosuch3
GETDEL nosuch3
GET nosuch3
MSET a 1 b 2 c 3
MSET a 1 b
MGET a b c nosuch s
MSETNX a 9 zz 9
MSETNX x1 1 x2 2
MGET x1 x2
GETEX a
GETEX nosuch
GETEX a EX 0
GETEX a FOO
GETEX a PERSIST EX 10
SET t v
TTL t
PTTL t
TTL nosuch
PTTL nosuch
EXPIRETIME t
PEXPIRETIME nosuch
EXPIREAT t ${FAR}
EXPIRETIME t
PEXPIRETIME t
EXPIREAT t ${FAR} NX
EXPIREAT t ${FAR} XX
EXPIREAT t 4102444801 GT
EXPIRETIME t
EXPIREAT t 4102444900 LT
EXPIREAT t 4102444000 LT
EXPIRETIME t
EXPIREAT t 4102444000 NX XX
EXPIREAT t 4102444000 GT LT
EXPIREAT t 4102444000 FOO
EXPIREAT nosuch ${FAR}
PEXPIREAT t ${FAR_MS}
PEXPIRETIME t
PERSIST t
PERSIST t
TTL t
EXPIRE t 100 XX
EXPIRE t abc
EXPIRE t 9223372036854775807
PEXPIRE t 9223372036854775807
EXPIRE t -1
EXISTS t
SET t v PXAT ${FAR_MS}
EXPIRETIME t
SET t v2 KEEPTTL
EXPIRETIME t
SET t v3
EXPIRETIME t
SET t v EXAT ${FAR}
GETEX t PERSIST
TTL t
GETEX t EXAT ${FAR}
EXPIRETIME t
GETEX t PXAT ${FAR_MS}
PEXPIRETIME t
RENAME t t2
EXPIRETIME t2
EXISTS t t2
EXPIREAT t2 1
EXISTS t2
PEXPIRE nosuch 100
EXISTS a b nosuch a
TYPE a
TYPE nosuch
DEL a b nosuch
UNLINK c nosuch
EXISTS a b c
SET r1 one
RENAME r1 r1
RENAME nosuch r9
RENAMENX r1 s
RENAMENX r1 r2
GET r2
TOUCH r2 nosuch
SADD is 1 2 3 5 8
SADD is 3 13
SMEMBERS is
SCARD is
SISMEMBER is 5
SISMEMBER is 4
SMISMEMBER is 1 4 8
SREM is 1 4
SREM nosuch a
SCARD nosuch
SADD st a b c d
SADD st a
SMOVE st st2 a
SMOVE st st2 zz
SMOVE nosuch st2 a
SMEMBERS st2
SADD st3 b x
SINTERSTORE dst st st3
SMEMBERS dst
SUNIONSTORE dst2 st st3
SCARD dst2
SDIFFSTORE dst3 st st3
SCARD dst3
SINTERSTORE dst st nosuch
EXISTS dst
SINTER nosuch st
SDIFF nosuch st
SPOP nosuch
SPOP nosuch 2
SPOP st -1
SPOP st 0
SRANDMEMBER nosuch
SRANDMEMBER nosuch 5
SRANDMEMBER st2 -3
SRANDMEMBER st2 -9223372036854775808
SADD s x
SMEMBERS s
HSET h f1 v1 f2 v2
HSET h f1 v1b f3 v3
HSETNX h f1 x
HSETNX h f4 x
HGET h f1
HGET h nof
HGET nosuch f
HMGET h f1 nof f2
HMGET nosuch a b
HLEN h
HEXISTS h f2
HEXISTS h nof
HDEL h f2 nof
HDEL h nof
HKEYS h
HVALS h
HGETALL h
HGETALL nosuch
HINCRBY h cnt 5
HINCRBY h cnt -7
HINCRBY h f1 1
HINCRBY h cnt abc
HSET h max 9223372036854775807
HINCRBY h max 1
HINCRBYFLOAT h fl 2.5
HINCRBYFLOAT h fl 1e3
HINCRBYFLOAT h f1 1
HINCRBYFLOAT h fl abc
HSTRLEN h f1
HSTRLEN h nof
HMSET h a 1 b 2
HMSET h a
HSET h onlyone
HGETALL h
HSCAN h 0
HSCAN h 0 MATCH f* COUNT 100
HSCAN h abc
HSET s f v
LPUSH l a b c
RPUSH l d e
LRANGE l 0 -1
LRANGE l -2 -1
LRANGE l 3 1
LRANGE l -100 100
LRANGE nosuch 0 -1
LLEN l
LLEN nosuch
LINDEX l 1
LINDEX l -1
LINDEX l 100
LINDEX l abc
LSET l 0 z
LSET l -1 y
LSET l 100 z
LSET nosuch 0 z
LRANGE l 0 -1
RPUSH l z z z
LREM l 2 z
LREM l -1 z
LREM l 0 nosuch
LRANGE l 0 -1
LINSERT l BEFORE d q
LINSERT l AFTER d r
LINSERT l AFTER nope q
LINSERT nosuch AFTER a b
LINSERT l MIDDLE d q
LRANGE l 0 -1
RPUSH lp a b c a b c a
LPOS lp a
LPOS lp a RANK 2
LPOS lp a RANK -1
LPOS lp a COUNT 0
LPOS lp a COUNT 2 RANK 2
LPOS lp a MAXLEN 3 COUNT 0
LPOS lp zz
LPOS lp zz COUNT 2
LPOS lp a RANK 0
LPOS lp a COUNT -1
LPOS lp a MAXLEN -1
LPOS lp a BOGUS 1
LTRIM l 1 -2
LRANGE l 0 -1
LTRIM l 5 1
EXISTS l
RPUSH l a b c d e
LPOP l
RPOP l 2
LPOP l 0
LPOP l -1
LPOP nosuch
LPOP nosuch 2
RPOP nosuch 0
LMOVE l l2 LEFT RIGHT
LMOVE l l2 RIGHT LEFT
LMOVE l l2 UP DOWN
LMOVE nosuch l2 LEFT LEFT
RPOPLPUSH l2 l2
LRANGE l2 0 -1
LRANGE l 0 -1
LPUSHX nosuch a
RPUSHX l2 z
LPUSH s x
ZADD z 1 a 2 b 3 c
ZADD z 1.5 d 1.5 dd
ZADD z inf e -inf f
ZADD z 0.1 g 1e-5 h 12345678901234567890 i
ZADD z 3.14159265358979 pi
ZSCORE z d
ZSCORE z e
ZSCORE z f
ZSCORE z g
ZSCORE z i
ZSCORE z pi
ZSCORE z nosuch
ZSCORE nosuch a
ZMSCORE z a nosuch g
ZMSCORE nosuch a
ZINCRBY z 2.5 a
ZINCRBY z 1 newm
ZINCRBY z abc a
ZINCRBY z -inf e
ZCARD z
ZCARD nosuch
ZCOUNT z (1 3
ZCOUNT z -inf +inf
ZCOUNT z (1.5 (1.5
ZCOUNT z abc 1
ZRANK z c
ZRANK z nosuch
ZREVRANK z c
ZRANGE z 0 -1 WITHSCORES
ZRANGE z 0 -1
ZRANGE z 2 4
ZRANGE z -3 -1 WITHSCORES
ZRANGE z 5 1
ZRANGE z (1 +inf BYSCORE LIMIT 0 2 WITHSCORES
ZRANGE z +inf (1 BYSCORE REV LIMIT 1 3
ZRANGE z (1 +inf BYSCORE LIMIT 0 -1
ZRANGE z 0 -1 LIMIT 0 1
ZRANGE z 0 -1 BYSCORE BYLEX
ZRANGE z - + BYLEX WITHSCORES
ZRANGEBYSCORE z -inf +inf WITHSCORES
ZRANGEBYSCORE z 1 2
ZRANGEBYSCORE z (1 (2 WITHSCORES LIMIT 0 1
ZRANGEBYSCORE z abc 2
ZREVRANGEBYSCORE z +inf -inf LIMIT 1 2
ZREVRANGEBYSCORE z 2 1 WITHSCORES
ZREVRANGE z 0 1 WITHSCORES
ZREVRANGE z 0 -1
ZADD lex 0 a 0 b 0 c 0 d 0 e
ZRANGEBYLEX lex - +
ZRANGEBYLEX lex [b (d
ZRANGEBYLEX lex (a [c LIMIT 1 5
ZRANGEBYLEX lex a c
ZRANGE lex [e [b BYLEX REV
ZRANGE lex + - BYLEX REV LIMIT 0 2
ZPOPMIN z
ZPOPMIN z 2
ZPOPMAX z
ZPOPMAX z 2
ZPOPMIN nosuch
ZPOPMIN z -1
ZPOPMAX z 0
ZREMRANGEBYRANK z 0 0
ZREMRANGEBYSCORE z -inf 2
ZREMRANGEBYSCORE z (100 200
ZREMRANGEBYSCORE z abc 1
ZRANGE z 0 -1 WITHSCORES
ZADD z NX XX 1 a
ZADD z GT LT 1 a
ZADD z NX GT 1 a
ZADD z INCR 1 a 2 b
ZADD z INCR 1 zi
ZADD z INCR NX 1 zi
ZADD z XX INCR 1 nosuchm
ZADD z GT CH 10 c 20 zi
ZADD z LT CH 1 c
ZADD z CH 5 c 7 newc
ZADD z XX 100 c 100 notthere
ZADD z abc a
ZADD z 1
ZADD z nan a
ZRANGE z 0 -1 WITHSCORES
ZREM z c nosuch
ZREM nosuch a
ZRANGE z 0 -1 BYSCORE
ZSCAN lex 0
ZSCAN lex 0 MATCH [bc]
ZRANDMEMBER nosuch
ZRANDMEMBER nosuch 3
ZADD one 7 only
ZRANDMEMBER one
ZRANDMEMBER one 1 WITHSCORES
ZRANDMEMBER one -2 WITHSCORES
ZADD s 1 m
ZRANGE s 0 -1
GET h
GET l
GET z
INCR h
STRLEN z
TYPE s
TYPE h
TYPE l
TYPE z
TYPE is
MULTI
SET m 1
INCR m
LPUSH m x
GET m
EXEC
GET m
MULTI
EXEC
MULTI
SET m2 1
NOSUCHCMD
GET
EXEC
GET m2
MULTI
SET m3 1
DISCARD
GET m3
EXEC
DISCARD
WATCH m
SET m 5
MULTI
INCR m
EXEC
GET m
WATCH m
MULTI
INCR m
EXEC
WATCH m nosuchw
UNWATCH
MULTI
INCR m
EXEC
WATCH nosuchw
SET nosuchw x
MULTI
PING
EXEC
MULTI
MULTI
WATCH m
SET m 6
EXEC
MULTI
SET m4 1
SAVE
BGSAVE
EXEC
EXISTS m4
MULTI
HSET mh a 1 b 2
HGETALL mh
ZADD mz 1.5 x
ZSCORE mz x
ZRANGE mz 0 -1 WITHSCORES
SISMEMBER is 2
EXEC
GET
GET a b
FOO
FOO a b
foo "x y" z
CONFIG FOO
CONFIG GET save
CONFIG GET appendonly
CONFIG GET
CONFIG SET nosuchparam 1
CONFIG SET maxmemory-policy
CLIENT SETNAME "bad name"
CLIENT SETNAME good-name
CLIENT GETNAME
CLIENT SETNAME ""
CLIENT GETNAME
CLIENT FOO
AUTH pw
AUTH default pw
AUTH someone pw
AUTH a b c
HELLO 4
HELLO abc
HELLO 3 BOGUS
FLUSHDB BOGUS
FLUSHDB ASYNC
DBSIZE
HSET after a 1
ZADD after2 2.5 m
SADD afterset 7
HELLO 3 SETNAME hello-name
CLIENT GETNAME
HGETALL after
ZSCORE after2 m
ZRANGE after2 0 -1 WITHSCORES
SMEMBERS afterset
GET nosuch
LPOP nosuch 2
HELLO 2
HGETALL after
ZSCORE after2 m
HELLO 3
RESET
HGETALL after
ZSCORE after2 m
CLIENT GETNAME
`
  .split("\n")
  .filter((l) => l !== "")
  .join("\n")
  .concat("\n");

/** The password of the auth comparison: redis-server --requirepass, our AUTH_TOKEN. */
export const PASSWORD = "parity-secret";

/** A session against a password-protected server, starting unauthenticated (spec §10.4). */
export const AUTH_SESSION = `PING
GET k
AUTH wrong
AUTH default wrong
AUTH nobody ${PASSWORD}
AUTH a b c
HELLO 3
HELLO 3 AUTH default wrong
HELLO 4 AUTH default wrong
HELLO 3 AUTH default
HELLO 2 SETNAME
MULTI
EXEC
CLIENT SETNAME x
AUTH ${PASSWORD}
SET k v
GET k
AUTH wrong
GET k
MULTI
INCR n
EXEC
RESET
GET k
AUTH default ${PASSWORD}
GET k
`;

/** Mass insertion (redis-cli --pipe): raw RESP commands written without waiting for replies. */
export function massInsertion(): string {
  const cmd = (...args: string[]) =>
    `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("");
  const parts: string[] = [];
  for (let i = 0; i < MASS_KEYS; i++) parts.push(cmd("SET", `mass:${i}`, `value ${i}`));
  for (let i = 0; i < MASS_LIST; i++) parts.push(cmd("RPUSH", "mass:list", String(i)));
  parts.push(cmd("SET", "mass:big", "x".repeat(MASS_BIG_BYTES)));
  parts.push(cmd("INCR", "mass:big"));
  return parts.join("");
}
export const MASS_KEYS = 50_000;
export const MASS_LIST = 2_000;
export const MASS_BIG_BYTES = 500_000;
export const MASS_TIMEOUT_MS = 120_000;

/** One command-line invocation per entry (argv as separate arguments), in order. */
export interface OneShot {
  args: string[];
  /** Sort the reply's lines on both sides (unordered reply, spec §10.11 item 4). */
  unordered?: boolean;
}

const u = (...args: string[]): OneShot => ({ args, unordered: true });
const o = (...args: string[]): OneShot => ({ args });

export const ONE_SHOTS: OneShot[] = [
  o("FLUSHALL"),
  o("SET", "key with spaces", "value with\nnewline"),
  o("GET", "key with spaces"),
  o("SET", "k:1", "v1"),
  o("SET", "k:2", "v2"),
  o("MSET", "k:3", "3", "other", "o"),
  o("INCR", "k:3"),
  u("KEYS", "*"),
  u("KEYS", "k:*"),
  u("KEYS", "k:[12]"),
  o("KEYS", "nomatch*"),
  u("--scan"),
  u("--scan", "--pattern", "k:*"),
  u("--scan", "--pattern", "k:*", "--count", "1"),
  o("SADD", "set1", "apple", "banana", "cherry", "date"),
  o("SADD", "set2", "banana", "date", "fig"),
  u("SMEMBERS", "set1"),
  u("SINTER", "set1", "set2"),
  u("SUNION", "set1", "set2"),
  u("SDIFF", "set1", "set2"),
  u("SINTER", "set1"),
  o("SINTER", "set1", "nosuch"),
  u("SSCAN", "set1", "0"),
  u("SSCAN", "set1", "0", "MATCH", "*a*"),
  u("SRANDMEMBER", "set1", "10"),
  u("SRANDMEMBER", "set1", "4"),
  o("SRANDMEMBER", "set1", "0"),
  u("SPOP", "set2", "10"),
  o("EXISTS", "set2"),
  o("SCARD", "set1"),
  o("HSET", "hash1", "name", "blink edge", "n", "1"),
  o("HGETALL", "hash1"),
  o("HINCRBYFLOAT", "hash1", "n", "0.25"),
  o("HGET", "hash1", "n"),
  o("ZADD", "zs", "1", "one", "2", "two", "2", "deux", "-3.5", "neg"),
  o("ZRANGE", "zs", "0", "-1", "WITHSCORES"),
  o("ZRANGE", "zs", "-inf", "+inf", "BYSCORE", "WITHSCORES"),
  o("ZREVRANGE", "zs", "0", "-1", "WITHSCORES"),
  o("ZSCORE", "zs", "neg"),
  o("ZINCRBY", "zs", "0.5", "neg"),
  o("ZPOPMIN", "zs"),
  o("ZPOPMAX", "zs", "5"),
  o("RPUSH", "list1", "x", "y", "z"),
  o("LRANGE", "list1", "0", "-1"),
  o("LMOVE", "list1", "list1", "LEFT", "RIGHT"),
  o("LRANGE", "list1", "0", "-1"),
  o("EXPIREAT", "list1", FAR),
  o("EXPIRETIME", "list1"),
  o("TTL", "nosuch"),
  o("PERSIST", "list1"),
  o("TTL", "list1"),
  o("DBSIZE"),
  o("TYPE", "zs"),
  o("UNKNOWNCMD", "x"),
  o("GET"),
  o("LPUSH", "hash1", "x"),
  o("ECHO", "binary \x01 bytes"),
  o("CONFIG", "GET", "save"),
  o("CONFIG", "GET", "appendonly"),
  o("SELECT", "0"),
];
