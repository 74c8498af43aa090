// The three WebSocket doors of a namespace object (spec §6.3): how one message becomes a batch,
// and how the batch's replies become one message.

import {
  KEY_MAX_BYTES,
  PIPELINE_MAX_COMMANDS,
  RESP_BULK_MAX_BYTES,
  WS_MESSAGE_MAX_BYTES,
  CLOSE_POLICY,
  CLOSE_TOO_BIG,
  CLOSE_NORMAL,
} from "../limits.ts";
import type { OutputDebt } from "./output-limit.ts";
import type { BatchItem, Dialect } from "../engine/command.ts";
import type { ConnState } from "../engine/conn-state.ts";
import type { Reply } from "../engine/reply.ts";
import { encodeBlink, parseBlink } from "../protocols/blink.ts";
import { encodeResp } from "../protocols/resp/resp-encode.ts";
import { parseRedisRequests } from "../protocols/resp/resp-parse.ts";
import { encodeGevent, parseGeventRequests } from "../protocols/gevent/gevent-wire.ts";
import { geventToCommand } from "../protocols/gevent/gevent.ts";

/** What a socket carries through hibernation (spec §6.3: ≤ 16 KiB). */
export interface WsAttachment {
  dialect: Dialect;
  conn: ConnState;
  /** Messages carry a first byte telling answers from pushes (socket-step.ts TAG). */
  tagged?: boolean;
  /** Pushes not answered by the client (output-limit.ts), as of the last MiB step. */
  debt?: OutputDebt;
}

export interface ParsedMessage {
  items: BatchItem[];
  /** Error line/frame appended after the replies (already in the door's wire form). */
  errorText?: string;
  /** Close code to send after the reply message, if the connection ends. */
  close?: number;
}

/** How one door turns a message's bytes into a batch, and a batch's replies into bytes. */
export interface WsDoor {
  dialect: Dialect;
  /** Replies leave as text frames (Blink: its lines are text) rather than binary ones. */
  text: boolean;
  parse(msg: Uint8Array, conn: ConnState, valueMax: number, limits?: MessageLimits): ParsedMessage;
  encode(replies: readonly Reply[], conn: ConnState, errorText?: string): Uint8Array;
}

const encoder = new TextEncoder();

/**
 * A door's message limits beyond the defaults: the mux carries one command up to
 * COMMAND_MAX_BYTES (in parts), and a namespace's proto-max-bulk-len bounds a RESP bulk.
 */
export interface MessageLimits {
  messageMax: number;
  bulkMax: number;
}

const DEFAULT_LIMITS: MessageLimits = {
  messageMax: WS_MESSAGE_MAX_BYTES,
  bulkMax: RESP_BULK_MAX_BYTES,
};

const tooLarge = (msg: Uint8Array) => msg.length > WS_MESSAGE_MAX_BYTES;

const blink: WsDoor = {
  dialect: "blink",
  text: true,
  parse(msg, _conn, valueMax) {
    if (tooLarge(msg))
      return { items: [], errorText: "ERROR message too large\n", close: CLOSE_TOO_BIG };
    const batch = parseBlink(msg, {
      lineMax: valueMax + KEY_MAX_BYTES + 16,
      maxCommands: PIPELINE_MAX_COMMANDS,
    });
    if (!batch.stop) return { items: batch.items };
    if (batch.stop.kind === "quit") return { items: batch.items, close: CLOSE_NORMAL };
    return { items: batch.items, errorText: batch.stop.line, close: CLOSE_POLICY };
  },
  encode(replies, _conn, errorText) {
    return encoder.encode(encodeBlink(replies) + (errorText ?? ""));
  },
};

const respError = (text: string) => `-${text}\r\n`;

/** Shared message rules of the two RESP doors (spec §6.3). */
function respMessage(
  msg: Uint8Array,
  parse: (b: Uint8Array) => { items: BatchItem[]; consumed: number; error?: string },
  messageMax = WS_MESSAGE_MAX_BYTES,
): ParsedMessage {
  if (msg.length > messageMax) {
    return {
      items: [],
      errorText: respError(`ERR Protocol error: message too large (max ${messageMax} bytes)`),
      close: CLOSE_TOO_BIG,
    };
  }
  const bytes = msg;
  const r = parse(bytes);
  let items = r.items;
  if (items.length > PIPELINE_MAX_COMMANDS) {
    items = items.slice(0, PIPELINE_MAX_COMMANDS);
    return {
      items,
      errorText: respError(`ERR too many commands in one request (max ${PIPELINE_MAX_COMMANDS})`),
      close: CLOSE_POLICY,
    };
  }
  if (r.error) return { items, errorText: respError(r.error), close: CLOSE_POLICY };
  if (r.consumed < bytes.length) {
    return {
      items,
      errorText: respError("ERR Protocol error: incomplete command in message"),
      close: CLOSE_POLICY,
    };
  }
  return { items };
}

function concatBytes(a: Uint8Array, b?: string): Uint8Array {
  if (!b) return a;
  const tail = encoder.encode(b);
  const out = new Uint8Array(a.length + tail.length);
  out.set(a);
  out.set(tail, a.length);
  return out;
}

const redis: WsDoor = {
  dialect: "redis",
  text: false,
  parse(msg, _conn, _valueMax, limits = DEFAULT_LIMITS) {
    return respMessage(
      msg,
      (b) => {
        const r = parseRedisRequests(b, 0, b.length, true, limits.bulkMax);
        return { items: r.argvs.map((argv) => ({ argv })), consumed: r.consumed, error: r.error };
      },
      limits.messageMax,
    );
  },
  encode(replies, conn, errorText) {
    return concatBytes(encodeResp(replies, conn.resp), errorText);
  },
};

const gevent: WsDoor = {
  dialect: "gevent",
  text: false,
  parse(msg, _conn, valueMax) {
    return respMessage(msg, (b) => {
      const r = parseGeventRequests(b, 0, b.length);
      const items = r.values.map((v): BatchItem => {
        const c = geventToCommand(v, valueMax);
        return "argv" in c ? c : { reply: c };
      });
      return { items, consumed: r.consumed, error: r.error };
    });
  },
  encode(replies, _conn, errorText) {
    return concatBytes(encodeGevent(replies), errorText);
  },
};

export const WS_DIALECTS: Record<string, WsDoor> = { blink, redis, gevent };

/** The last pushes encodePushes encoded, by identity and protocol. */
let lastPushes: { replies: readonly Reply[]; resp: 2 | 3; bytes: Uint8Array } | null = null;

/**
 * A Redis connection's pushes as RESP. A message published to many subscribers reaches every
 * sink as the same array (engine/pubsub.ts), so it is encoded once per protocol, not once per
 * subscriber; the bytes are shared and must not be changed.
 */
export function encodePushes(replies: readonly Reply[], conn: ConnState): Uint8Array {
  const last = lastPushes;
  if (last && last.replies === replies && last.resp === conn.resp) return last.bytes;
  const bytes = encodeResp(replies, conn.resp);
  lastPushes = { replies, resp: conn.resp, bytes };
  return bytes;
}
