// What differs between the shim's three TCP doors (spec §12): the Worker route, the framing,
// what happens to a partial command at EOF, and how the shim's own error lines look.

import { Buffer } from "node:buffer";
import { toBytes } from "../../engine/bytes.ts";
import { BLINK_TCP_DEFAULT, GEVENT_TCP_DEFAULT, REDIS_TCP_DEFAULT } from "../../limits.ts";
import { frameGevent } from "../../protocols/gevent/gevent-wire.ts";
import { frameRedis } from "../../protocols/resp/resp-parse.ts";
import { frameBlink, frameBlinkTail } from "./blink-frame.ts";
import type { Frame } from "./blink-frame.ts";

export type DialectName = "blink" | "gevent" | "redis";

export interface ShimDialect {
  name: DialectName;
  /** Path and query appended to the Worker base URL (spec §6.3). */
  path: string;
  /** BLINK_TCP_DEFAULT etc. */
  defaultAddr: string;
  /** Complete commands from `start`, at most one message's worth. */
  frame(buf: Uint8Array, start: number, end: number): Frame;
  /** At client EOF, once `frame` finds nothing more: what to do with the remaining bytes. */
  tail(buf: Uint8Array, start: number, end: number): Frame;
  /** The dialect's wire form of a framing error text. */
  errorReply(text: string): Uint8Array;
  /** Lines for a refused or failed upgrade (spec §12.2 table). */
  wrongpass: Uint8Array;
  unavailable: Uint8Array;
  /** Answer to a connection over SHIM_MAX_CONNECTIONS. */
  tooManyConnections: Uint8Array;
}

/** `text` is a byte string (engine/bytes.ts): a RESP error may quote a raw non-UTF-8 byte. */
function decorate(prefix: string, text: string, suffix: string): Uint8Array {
  return Buffer.concat([
    Buffer.from(prefix, "latin1"),
    toBytes(text),
    Buffer.from(suffix, "latin1"),
  ]);
}
const blinkError = (text: string): Uint8Array => decorate("ERROR ", text, "\n");
const respError = (text: string): Uint8Array => decorate("-", text, "\r\n");
/** RESP dialects drop an incomplete command at EOF (spec §12.2). */
const dropTail = (): Frame => ({ commands: 0, consumed: 0 });

const WRONGPASS_TEXT = "WRONGPASS invalid or missing auth token";
const UNAVAILABLE_TEXT = "upstream unavailable";
/** Redis's own text for a client over `maxclients`; the gevent dialect borrows it. */
const MAX_CLIENTS_TEXT = "ERR max number of clients reached";

export const BLINK: ShimDialect = {
  name: "blink",
  path: "/blink",
  defaultAddr: BLINK_TCP_DEFAULT,
  frame: (buf, start, end) => frameBlink(buf, start, end),
  tail: (buf, start, end) => frameBlinkTail(buf, start, end),
  errorReply: blinkError,
  wrongpass: blinkError(WRONGPASS_TEXT),
  unavailable: blinkError(UNAVAILABLE_TEXT),
  tooManyConnections: blinkError("too many connections"),
};

export const GEVENT: ShimDialect = {
  name: "gevent",
  path: "/resp?dialect=gevent",
  defaultAddr: GEVENT_TCP_DEFAULT,
  frame: frameGevent,
  tail: dropTail,
  errorReply: respError,
  wrongpass: respError(WRONGPASS_TEXT),
  unavailable: respError(`ERR ${UNAVAILABLE_TEXT}`),
  tooManyConnections: respError(MAX_CLIENTS_TEXT),
};

export const REDIS: ShimDialect = {
  name: "redis",
  path: "/resp?dialect=redis",
  defaultAddr: REDIS_TCP_DEFAULT,
  frame: frameRedis,
  tail: dropTail,
  errorReply: respError,
  wrongpass: respError(WRONGPASS_TEXT),
  unavailable: respError(`ERR ${UNAVAILABLE_TEXT}`),
  tooManyConnections: respError(MAX_CLIENTS_TEXT),
};

/** The doors in the order their listeners start and print. */
export const SHIM_DIALECTS: readonly ShimDialect[] = [BLINK, GEVENT, REDIS];
