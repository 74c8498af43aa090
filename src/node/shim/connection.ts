// One TCP connection of the shim (spec §12.2): bytes in → framed batches upstream, one reply
// message → one write, in order; back-pressure both ways; every way a connection can end.

import type { Socket } from "node:net";
import {
  PUBSUB_OUTPUT_MAX_BYTES,
  REPLY_MAX_BYTES,
  SHIM_INFLIGHT_REPLY_BYTES,
  SHIM_MAX_INFLIGHT_BATCHES,
  SHIM_OUTPUT_MAX_BYTES,
} from "../../limits.ts";
import type { ShimDialect } from "./dialects.ts";
import type { UpstreamConnector } from "./upstream.ts";
import { ConnectionEnds } from "./connection-ends.ts";
import type { ShimLog } from "./connection-ends.ts";

export type { ShimLog } from "./connection-ends.ts";

/** Stop reading the client while this many sent bytes still wait to leave for the Worker. */
const UPSTREAM_BACKLOG_MAX = 4 * 1024 * 1024;

/** A connection's memory and queue depths (tests, diagnostics). */
export interface ConnectionStats {
  dialect: string;
  remote: string;
  /** Batches sent (or queued before the upgrade) whose replies have not arrived. */
  inflight: number;
  /** Bytes held for commands not yet complete or not yet sent. */
  inputBytes: number;
  /** Reply bytes accepted by the socket but not yet written to the kernel (≤ SHIM_OUTPUT_MAX_BYTES). */
  writeBuffered: number;
  /** Request bytes not yet written to the Worker. */
  upstreamBacklog: number;
}

export class ShimConnection extends ConnectionEnds {
  private readonly onGone: (c: ShimConnection) => void;
  /**
   * Reply bytes the next batch is expected to bring: its last batch's, and at first the most a
   * batch can (REPLY_MAX_BYTES), so that a client whose replies are large has only a few batches
   * out (SHIM_INFLIGHT_REPLY_BYTES) and the object never produces replies that must wait here.
   */
  private replyEstimate = REPLY_MAX_BYTES;
  private upstreamOpen = false;
  /** The client half-closed. */
  private eof = false;
  /** Pushes of this turn are being gathered into one socket write (see onPush). */
  private corked = false;
  /** A batch's replies so far were written: its rest is asked for once the client read them. */
  private moreOnDrain = false;

  constructor(
    socket: Socket,
    dialect: ShimDialect,
    connector: UpstreamConnector,
    log: ShimLog,
    onGone: (c: ShimConnection) => void,
    idleTimeoutMs = 0,
    outputMax = SHIM_OUTPUT_MAX_BYTES,
  ) {
    super(socket, dialect, log, idleTimeoutMs, outputMax);
    this.onGone = onGone;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("end", () => this.onEof());
    socket.on("drain", () => this.onDrain());
    socket.on("error", (err: NodeJS.ErrnoException) => this.onSocketError(err));
    socket.on("close", () => this.onSocketClose());
    this.link = connector.connect(dialect, {
      open: () => this.onUpstreamOpen(),
      message: (data) => this.onReply(data),
      partial: (data) => this.onPartial(data),
      push: (data) => this.onPush(data),
      closed: (code, reason) => this.onUpstreamClosed(code, reason),
      failed: (failure) => this.onUpstreamFailed(failure),
      drained: () => this.pump(),
      waiting: (on) => {
        this.waitingForPushes = on;
        this.idle?.refresh();
      },
    });
    if (idleTimeoutMs > 0) {
      this.idle = setTimeout(() => this.onIdle(), idleTimeoutMs);
      this.idle.unref();
    }
  }

  protected gone(): void {
    this.onGone(this);
  }

  /** Queue depths and buffered bytes right now. */
  stats(): ConnectionStats {
    return {
      dialect: this.dialect.name,
      remote: this.remote,
      inflight: this.inflight,
      inputBytes: this.input.capacity,
      writeBuffered: this.socket.writableLength,
      upstreamBacklog: this.upstreamOpen ? this.link.backlog : 0,
    };
  }

  /** Shim shutdown: close the upstream (1000) and end the socket; pending replies are dropped. */
  shutdown(): void {
    this.noMore = true;
    this.finalBytes = undefined;
    this.endSocket();
  }

  /** Drops the socket at once (after shutdown's grace period). */
  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.noMore) return; // after QUIT, a framing error or our end: discarded
    this.idle?.refresh();
    this.input.append(chunk);
    this.pump();
  }

  private onEof(): void {
    this.eof = true;
    // Redis frees a client at EOF. One that is blocked or subscribed would otherwise keep its
    // link, and a blocked command's wait, open until a push came for nobody to read.
    if (this.waitingForPushes && !this.ended) {
      this.noMore = true;
      this.finalBytes = undefined;
      this.endSocket();
      return;
    }
    this.pump();
  }

  /** The client read what was buffered: forward its commands again. */
  private onDrain(): void {
    if (this.moreOnDrain) {
      this.moreOnDrain = false;
      this.link.more?.();
    }
    this.pump();
  }

  /** Frames and sends what it can, then adjusts reading and ends the connection when done. */
  private pump(): void {
    if (this.ended) return;
    while (
      !this.noMore &&
      this.roomInFlight() &&
      !this.upstreamBacklogged() &&
      !this.repliesUnread()
    ) {
      const { buf, start, end } = this.input;
      const f = this.dialect.frame(buf, start, end);
      if (f.consumed > 0) {
        if (f.commands > 0) this.dispatch(this.input.take(f.consumed));
        else this.input.skip(f.consumed); // RESP blank lines and `*0`: no reply either way
      }
      if (f.error !== undefined) {
        this.stopWith(f.error);
        break;
      }
      if (f.consumed === 0) {
        if (this.eof) this.atEof();
        break;
      }
    }
    this.adjustReading();
    this.maybeFinish();
  }

  /** Client EOF and no complete command left: the dialect decides about the partial one. */
  private atEof(): void {
    const { buf, start, end } = this.input;
    const t = this.dialect.tail(buf, start, end);
    if (t.commands > 0) this.dispatch(this.input.take(t.consumed));
    this.input.clear();
    this.noMore = true;
    if (t.error !== undefined) this.stopWith(t.error);
  }

  private stopWith(error: string): void {
    this.finalBytes = this.dialect.errorReply(error);
    this.noMore = true;
    this.input.clear();
    this.logOnce(`protocol error: ${JSON.stringify(error)}`);
  }

  private dispatch(batch: Uint8Array): void {
    this.inflight++;
    if (this.upstreamOpen) this.link.send(batch);
    else this.queued.push(batch);
  }

  /**
   * The client is not reading its replies (the socket's buffer is past its high-water mark):
   * nothing more is forwarded until it drains, so only replies already on their way can pile up.
   */
  private repliesUnread(): boolean {
    return this.socket.writableNeedDrain;
  }

  /**
   * Another batch may go: under SHIM_MAX_INFLIGHT_BATCHES, and the replies expected for the
   * batches out stay within SHIM_INFLIGHT_REPLY_BYTES (always one batch, however large).
   */
  private roomInFlight(): boolean {
    return (
      this.inflight === 0 ||
      (this.inflight < SHIM_MAX_INFLIGHT_BATCHES &&
        (this.inflight + 1) * this.replyEstimate <= SHIM_INFLIGHT_REPLY_BYTES)
    );
  }

  private upstreamBacklogged(): boolean {
    return this.upstreamOpen && this.link.backlog >= UPSTREAM_BACKLOG_MAX;
  }

  /** Reads while there is room; discards (keeps reading) once nothing more will be sent. */
  private adjustReading(): void {
    const pause =
      !this.noMore &&
      (!this.roomInFlight() || this.socket.writableNeedDrain || this.upstreamBacklogged());
    if (pause && !this.readPaused) this.socket.pause();
    else if (!pause && this.readPaused) this.socket.resume();
    this.readPaused = pause;
  }

  /** Everything sent has been answered: write the final bytes, close upstream, then the socket. */
  private maybeFinish(): void {
    if (this.ended || !this.noMore || this.inflight > 0 || !this.upstreamOpen) return;
    if (this.finalBytes) this.write(this.finalBytes);
    this.endSocket();
  }

  private onUpstreamOpen(): void {
    this.upstreamOpen = true;
    for (const batch of this.queued) this.link.send(batch);
    this.queued = [];
    this.pump();
  }

  private onReply(data: Uint8Array): void {
    if (this.inflight > 0) this.inflight--;
    this.replyEstimate = data.length;
    this.idle?.refresh();
    if (data.length > 0) this.write(data);
    if (this.socket.writableLength > this.outputMax) return this.overOutputLimit();
    this.pump();
  }

  /**
   * The replies so far of a batch that stopped at the Worker's reply budget (REPLY_MAX_BYTES):
   * written now; the rest is asked for once the client has read them, so neither the shim nor
   * the object holds more of a long pipeline of big replies than the client takes.
   */
  private onPartial(data: Uint8Array): void {
    this.idle?.refresh();
    if (data.length > 0) this.write(data);
    if (this.socket.writableLength > this.outputMax) return this.overOutputLimit();
    if (this.socket.writableNeedDrain) this.moreOnDrain = true;
    else this.link.more?.();
  }

  /**
   * Bytes that answer none of this connection's batches: written in order with the replies. A
   * subscriber that does not read is closed past PUBSUB_OUTPUT_MAX_BYTES, as Redis's
   * client-output-buffer-limit for pubsub clients closes it.
   */
  private onPush(data: Uint8Array): void {
    this.idle?.refresh();
    // One mux message carries many pushes for each subscriber (a fan-out of every PUBLISH it
    // answered): gathered, they cost one write(2) per socket instead of one per message.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.write(data);
    if (this.socket.writableLength > Math.min(this.outputMax, PUBSUB_OUTPUT_MAX_BYTES))
      this.overOutputLimit();
  }
}
