// gevent dialect conformance (spec §9.5): the exact exchange table, run in order on an empty
// namespace through every gevent door (WebSocket B/resp?dialect=gevent, TCP through the shim).

export interface WireStep {
  request: string;
  reply: string;
}

export const GEVENT_EXCHANGES: WireStep[] = [
  { request: "*3\r\n$3\r\nSET\r\n$8\r\nusername\r\n$4\r\njdoe\r\n", reply: ":1\r\n" },
  { request: "*2\r\n$3\r\nGET\r\n$8\r\nusername\r\n", reply: "$4\r\njdoe\r\n" },
  {
    request: "*7\r\n$4\r\nMSET\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n$1\r\nc\r\n:3\r\n",
    reply: ":3\r\n",
  },
  { request: "*3\r\n$4\r\nMGET\r\n$1\r\na\r\n$1\r\nb\r\n", reply: "*2\r\n:1\r\n:2\r\n" },
  {
    request: "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n%1\r\n$1\r\nx\r\n*2\r\n:1\r\n$-1\r\n",
    reply: ":1\r\n",
  },
  { request: "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", reply: "%1\r\n$1\r\nx\r\n*2\r\n:1\r\n$-1\r\n" },
  { request: "+get username\r\n", reply: "$4\r\njdoe\r\n" },
  { request: "*2\r\n$6\r\nDELETE\r\n$1\r\nk\r\n", reply: ":1\r\n" },
  { request: "*2\r\n$3\r\nGET\r\n$7\r\nmissing\r\n", reply: "$-1\r\n" },
  { request: ":5\r\n", reply: "-Request must be list or simple string.\r\n" },
  { request: "*0\r\n", reply: "-Missing command\r\n" },
  { request: "*1\r\n$3\r\nFOO\r\n", reply: "-Unrecognized command: FOO\r\n" },
  { request: "*1\r\n$3\r\nGET\r\n", reply: "-ERR wrong number of arguments for 'get' command\r\n" },
  { request: "*1\r\n$5\r\nFLUSH\r\n", reply: ":4\r\n" },
];

/** The last row of the table: a protocol error, answered, then the connection closes. */
export const GEVENT_PROTOCOL_ERROR: WireStep = {
  request: "GET a\r\n",
  reply: "-ERR Protocol error: unknown type byte 'G'\r\n",
};

/** Redis dialect cases whose replies the spec states (§10.1, §10.8); the oracle tests cover the rest. */
export const REDIS_EXCHANGES: WireStep[] = [
  { request: "PING\r\n", reply: "+PONG\r\n" },
  { request: "set  k   'a b' \r\n", reply: "+OK\r\n" },
  { request: "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", reply: "$3\r\na b\r\n" },
  {
    request: "*1\r\n$3\r\nFOO\r\n",
    reply: "-ERR unknown command 'FOO', with args beginning with: \r\n",
  },
  {
    request: "FOO a b\r\n",
    reply: "-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n",
  },
  {
    request: "MULTI\r\nSET a x\r\nINCR a\r\nEXEC\r\n",
    reply:
      "+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n-ERR value is not an integer or out of range\r\n",
  },
  { request: "SELECT 16\r\n", reply: "-ERR DB index is out of range\r\n" },
  { request: "CONFIG GET save\r\n", reply: "*2\r\n$4\r\nsave\r\n$0\r\n\r\n" },
  { request: "CONFIG GET appendonly\r\n", reply: "*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n" },
  {
    request: "HELLO 2\r\n",
    reply:
      "*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:2\r\n$2\r\nid\r\n:ID\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n",
  },
  { request: "HELLO 4\r\n", reply: "-NOPROTO unsupported protocol version\r\n" },
];
