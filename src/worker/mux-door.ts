// The object's side of the shim's multiplexed WebSocket (src/protocols/mux.ts): one session per
// socket, one connection context per TCP client behind it. Every DATA frame of a message runs in
// the same synchronous turn and their writes are persisted together, so the clients that were
// waiting at the same instant are answered by one message after one storage commit.
//
// The socket is accepted without hibernation: the object stays in memory while a shim is
// connected, so the contexts (MULTI, WATCH, AUTH, RESP3) live for their connections' lives.

import type { Deferral } from "../engine/batch-loop.ts";
import type { BatchItem, Dialect } from "../engine/command.ts";
import type { ConnSink } from "../engine/conn-sink.ts";
import type { ConnState } from "../engine/conn-state.ts";
import { newConn } from "../engine/conn-state.ts";
import type { Reply } from "../engine/reply.ts";
import {
  CLOSE_POLICY,
  COMMAND_MAX_BYTES,
  MUX_MAX_CONTEXTS,
  MUX_PART_BYTES,
  RESP_BULK_MAX_BYTES,
  WS_MESSAGE_MAX_BYTES,
} from "../limits.ts";
import {
  MUX_DIALECTS,
  MUX_OP,
  UNSOLICITED_CONN,
  MuxProtocolError,
  MuxWriter,
  readMuxFrames,
} from "../protocols/mux.ts";
import type { MuxOp } from "../protocols/mux.ts";
import { deliver, messageStep } from "./socket-step.ts";
import type { ConnOutput, StepResult } from "./socket-step.ts";
import { WS_DIALECTS, encodePushes } from "./ws-dialects.ts";
import type { WsDoor } from "./ws-dialects.ts";

/** What a session needs from its object. */
export interface MuxHost {
  /**
   * Runs one batch on the engine. The object persists what a message's batches changed once
   * per message, through its group commit (the caller of `handle`).
   */
  run(dialect: Dialect, conn: ConnState, items: readonly BatchItem[], deferral?: Deferral): Reply[];
  nextClientId(): number;
  readonly valueMax: number;
  /** The namespace's proto-max-bulk-len in effect (Engine.stringMax); default the ceiling. */
  bulkMax?(): number;
  /** Registers a connection's sink for pushes and late replies (Engine.attach). */
  attach(conn: ConnState, sink: ConnSink): void;
  /** The connection closed (Engine.detach): its subscriptions and its wait end. */
  detach(conn: ConnState): void;
  /** Sends a message the session built on its own (pushes between answers). */
  send(msg: Uint8Array): void;
  /** The connection is blocked or subscribed (socket-step.ts waitsForPushes). */
  waits(conn: ConnState): boolean;
}

interface VirtualConn {
  door: WsDoor;
  conn: ConnState;
  /** Its REPLY and END frames, into the message being built. */
  out: ConnOutput;
  /** What the last WAITING frame said. */
  waiting: boolean;
  /** Its batch stopped at the reply budget: the rest, and the DATA payloads that came after. */
  later?: { more: () => StepResult; queue: Uint8Array[] };
}

const WRONGPASS = "WRONGPASS invalid or missing auth token";
const encoder = new TextEncoder();

export class MuxSession {
  private readonly conns = new Map<number, VirtualConn>();
  private readonly out = new MuxWriter();
  private readonly host: MuxHost;
  private readonly scope: "full" | "readonly" | "none";
  private readonly addr: string;
  /** A message is being answered: pushes join the answer instead of a message of their own. */
  private answering = false;
  /** Push frames wait in `out` for the flush already scheduled. */
  private flushQueued = false;
  /** DATA_PART payloads of the one command arriving in parts, and its connection. */
  private partial: { id: number; parts: Uint8Array[]; bytes: number } | null = null;

  constructor(host: MuxHost, scope: "full" | "readonly" | "none", addr: string) {
    this.host = host;
    this.scope = scope;
    this.addr = addr;
  }

  /** Open connection contexts (CLIENT LIST). */
  contexts(): ConnState[] {
    return [...this.conns.values()].filter((v) => v.door.dialect === "redis").map((v) => v.conn);
  }

  /** Forgets every connection context (the socket closed); their subscriptions and waits end. */
  close(): void {
    for (const v of this.conns.values()) this.host.detach(v.conn);
    this.conns.clear();
  }

  /**
   * Handles one message; returns the reply message (never empty when a DATA frame came). Throws
   * MuxProtocolError for a malformed message or an OPEN past MUX_MAX_CONTEXTS: the socket is not
   * a shim's, and is closed.
   */
  handle(bytes: Uint8Array): Uint8Array {
    // Pushes queued since the last answer leave first, as their own message, in order.
    this.flushPushes();
    this.answering = true;
    try {
      for (const f of readMuxFrames(bytes)) {
        if (f.op === MUX_OP.OPEN) this.open(f.conn, MUX_DIALECTS[f.payload[0] ?? 255]);
        else if (f.op === MUX_OP.CLOSE) this.forget(f.conn);
        else if (f.op === MUX_OP.DATA_PART) this.part(f.conn, f.payload);
        else if (f.op === MUX_OP.DATA) this.data(f.conn, this.whole(f.conn, f.payload));
        else if (f.op === MUX_OP.MORE) this.more(f.conn);
      }
    } finally {
      this.answering = false;
    }
    return this.out.take();
  }

  /**
   * MORE: the rest of the connection's batch that stopped at its reply budget, then its DATA
   * payloads that waited behind it, until one stops again.
   */
  private more(id: number): void {
    const v = this.conns.get(id);
    if (!v?.later) return;
    const { more, queue } = v.later;
    v.later = undefined;
    this.answer(id, v, more());
    const stopped = () => v.later as VirtualConn["later"];
    while (!stopped() && queue.length && this.conns.get(id) === v) this.data(id, queue.shift()!);
    stopped()?.queue.push(...queue);
  }

  /** Sends the push frames queued outside an answer as one unsolicited message. */
  private flushPushes(): void {
    this.flushQueued = false;
    if (this.out.length === 0) return;
    this.host.send(this.out.take());
  }

  /**
   * Keeps a part of a big command. Parts are framed back to back by the shim, so one command at a
   * time is in parts; another connection's part, or more than COMMAND_MAX_BYTES, is not a shim's.
   */
  private part(id: number, payload: Uint8Array): void {
    const p = (this.partial ??= { id, parts: [], bytes: 0 });
    if (p.id !== id) throw new MuxProtocolError("interleaved DATA_PART frames");
    p.bytes += payload.length;
    if (p.bytes > COMMAND_MAX_BYTES)
      throw new MuxProtocolError(`a command of more than ${COMMAND_MAX_BYTES} bytes`, CLOSE_POLICY);
    // A view: the message's ArrayBuffer is the script's (the runtime neither reuses nor frees it
    // while referenced), and a copy of each 4 MiB part cost more than the whole join (profiled:
    // bench/big-value-profile.ts, 160 of 1,300 ms of a 10 MB SET).
    p.parts.push(payload);
  }

  /** A DATA frame's payload, joined to the parts before it. */
  private whole(id: number, payload: Uint8Array): Uint8Array {
    const p = this.partial;
    if (!p) return payload;
    if (p.id !== id) throw new MuxProtocolError("interleaved DATA_PART frames");
    this.partial = null;
    const out = new Uint8Array(p.bytes + payload.length);
    let at = 0;
    for (const part of p.parts) {
      out.set(part, at);
      at += part.length;
    }
    out.set(payload, at);
    return out;
  }

  private forget(id: number): void {
    if (this.partial?.id === id) this.partial = null;
    const v = this.conns.get(id);
    if (!v) return;
    this.conns.delete(id);
    this.host.detach(v.conn);
  }

  private open(id: number, dialect: Dialect | undefined): void {
    if (this.conns.size >= MUX_MAX_CONTEXTS && !this.conns.has(id))
      throw new MuxProtocolError(
        `more than ${MUX_MAX_CONTEXTS} connections on one mux socket`,
        CLOSE_POLICY,
      );
    const door = dialect && WS_DIALECTS[dialect];
    if (!door) {
      this.out.frame(id, MUX_OP.END, encoder.encode("unknown dialect"), CLOSE_POLICY);
      return;
    }
    if (this.scope === "none" && dialect !== "redis") {
      const line = dialect === "blink" ? `ERROR ${WRONGPASS}\n` : `-${WRONGPASS}\r\n`;
      this.out.frame(id, MUX_OP.REFUSED, encoder.encode(line));
      return;
    }
    const authed = this.scope !== "none";
    const conn = newConn(this.host.nextClientId(), {
      authed,
      readonly: this.scope === "readonly",
      addr: this.addr,
    });
    this.conns.set(id, { door, conn, out: this.output(id), waiting: false });
    if (dialect === "redis")
      this.host.attach(conn, {
        deliver: (replies) => this.push(id, encodePushes(replies, conn)),
      });
  }

  /**
   * Bytes for a connection outside its answers. During an answer they join it (in order with
   * the REPLY frames); otherwise they open, or join, an unsolicited message sent at the end of
   * this turn, after the batch that caused them has issued its writes.
   */
  private push(id: number, bytes: Uint8Array): void {
    if (bytes.length === 0 || !this.conns.has(id)) return;
    if (!this.answering && !this.flushQueued) {
      this.flushPushes();
      this.out.frame(UNSOLICITED_CONN, MUX_OP.PUSH);
      this.flushQueued = true;
      queueMicrotask(() => this.flushPushes());
    }
    this.out.frame(id, MUX_OP.PUSH, bytes);
    this.signalWaiting(id);
  }

  /** A WAITING frame when the connection started or stopped waiting for pushes. */
  private signalWaiting(id: number): void {
    const v = this.conns.get(id);
    if (!v || v.door.dialect !== "redis") return;
    const now = this.host.waits(v.conn);
    if (now === v.waiting) return;
    v.waiting = now;
    this.out.frame(id, MUX_OP.WAITING, Uint8Array.of(now ? 1 : 0));
  }

  /** A virtual connection's output: frames of this session's next message. */
  private output(id: number): ConnOutput {
    return {
      send: (bytes) => this.reply(id, bytes),
      end: (code, bytes) => {
        this.forget(id);
        this.out.frame(id, MUX_OP.END, bytes, code);
      },
    };
  }

  /**
   * A REPLY frame; one past MUX_PART_BYTES goes as REPLY_PART frames first, and the message built
   * so far leaves on its own (unsolicited) each time it passes WS_MESSAGE_MAX_BYTES.
   */
  private reply(id: number, bytes: Uint8Array, last: MuxOp = MUX_OP.REPLY): void {
    let at = 0;
    for (; bytes.length - at > MUX_PART_BYTES; at += MUX_PART_BYTES) {
      this.out.frame(id, MUX_OP.REPLY_PART, bytes.subarray(at, at + MUX_PART_BYTES));
      if (this.out.length >= WS_MESSAGE_MAX_BYTES) this.sendOnItsOwn();
    }
    this.out.frame(id, last, at === 0 ? bytes : bytes.subarray(at));
  }

  /** Sends the frames built so far as an unsolicited message (the answer follows later). */
  private sendOnItsOwn(): void {
    const body = this.out.take();
    this.out.frame(UNSOLICITED_CONN, MUX_OP.PUSH);
    const head = this.out.take();
    const msg = new Uint8Array(head.length + body.length);
    msg.set(head);
    msg.set(body, head.length);
    this.host.send(msg);
  }

  /** Runs one DATA frame: the connection's replies, or its END. */
  private data(id: number, payload: Uint8Array): void {
    const v = this.conns.get(id);
    if (!v) {
      this.out.frame(id, MUX_OP.END, new Uint8Array(0), CLOSE_POLICY);
      return;
    }
    // In order: behind a batch that stopped at its reply budget, the connection's next waits.
    if (v.later) {
      // A view, as a part is (see `part`): kept until the batch ahead of it is done.
      v.later.queue.push(payload);
      return;
    }
    const run = (items: BatchItem[], deferral: Deferral) =>
      this.host.run(v.door.dialect, v.conn, items, deferral);
    const limits = {
      messageMax: COMMAND_MAX_BYTES,
      bulkMax: this.host.bulkMax?.() ?? RESP_BULK_MAX_BYTES,
    };
    this.answer(id, v, messageStep(v.door, v.conn, payload, this.host.valueMax, run, limits));
  }

  /**
   * A step's bytes: its REPLY (or END), or, when the batch stopped at its reply budget, its
   * replies so far as REPLY_MORE (REPLY_PART frames first, if long); the rest waits for MORE.
   */
  private answer(id: number, v: VirtualConn, step: StepResult): void {
    if (step.more) {
      this.reply(id, step.bytes, MUX_OP.REPLY_MORE);
      v.later = { more: step.more, queue: [] };
    } else deliver(v.out, step);
    this.signalWaiting(id);
  }
}
