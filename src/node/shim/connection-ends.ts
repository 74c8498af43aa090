// The state of one shim connection and every way it ends (connection.ts's ShimConnection extends
// it with the data path): the Worker closing or refusing the link, the client going or erroring,
// idleness, an output limit, and our own end (FIN, then a linger before the socket is dropped).

import type { Socket } from "node:net";
import { CLOSE_NORMAL, CLOSE_POLICY } from "../../limits.ts";
import type { ShimDialect } from "./dialects.ts";
import { InputBuffer } from "./input-buffer.ts";
import type { UpstreamFailure, UpstreamLink } from "./upstream.ts";

/** After our FIN is flushed, how long a client may keep its half open before we drop it. */
const LINGER_AFTER_END_MS = 10_000;

export type ShimLog = (line: string) => void;

export abstract class ConnectionEnds {
  protected readonly socket: Socket;
  protected readonly dialect: ShimDialect;
  protected readonly log: ShimLog;
  protected link!: UpstreamLink;
  protected readonly input = new InputBuffer();
  readonly remote: string;
  /** Batches framed before the upgrade completed. */
  protected queued: Uint8Array[] = [];
  protected inflight = 0;
  /** No more batches will be sent (EOF handled, framing error, or the end). */
  protected noMore = false;
  /** Written after the last reply (a framing error answered by the shim). */
  protected finalBytes: Uint8Array | undefined;
  /** We ended (or destroyed) the socket; the upstream is closed. */
  protected ended = false;
  protected readPaused = false;
  /** Past this many unread reply bytes the connection is closed (SHIM_OUTPUT_MAX_BYTES). */
  protected readonly outputMax: number;
  protected logged = false;
  protected linger: NodeJS.Timeout | undefined;
  protected readonly idleTimeoutMs: number;
  /** Re-armed by client bytes and replies; see onIdle. */
  protected idle: NodeJS.Timeout | undefined;
  /** Blocked or subscribed, as the Worker last said: not idle, as Redis sees such clients. */
  protected waitingForPushes = false;

  /** The socket closed: the listener forgets the connection. */
  protected abstract gone(): void;

  constructor(
    socket: Socket,
    dialect: ShimDialect,
    log: ShimLog,
    idleTimeoutMs: number,
    outputMax: number,
  ) {
    this.socket = socket;
    this.outputMax = outputMax;
    this.idleTimeoutMs = idleTimeoutMs;
    this.dialect = dialect;
    this.log = log;
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
  }

  /** Too many reply bytes unread: closed as Redis closes a client past its output limit. */
  protected overOutputLimit(): void {
    this.logOnce(
      `output limit: ${this.socket.writableLength} reply bytes unread (max ${this.outputMax}); closed`,
    );
    this.noMore = true;
    this.socket.destroy();
  }

  /** The Worker ended the conversation (QUIT, protocol error, restart): what came is written. */
  /**
   * SHIM_IDLE_TIMEOUT_MS: closed as Redis closes an idle client — FIN, no error line (an
   * unsolicited line would be read as the reply to the client's next command). Waiting for the
   * Worker is not idleness, nor is a blocked or subscribed client's wait for pushes (Redis spares
   * both).
   */
  protected onIdle(): void {
    if (this.ended) return;
    if (this.inflight > 0 || this.waitingForPushes) {
      this.idle?.refresh();
      return;
    }
    this.logOnce(`idle for ${this.idleTimeoutMs} ms; closed`);
    this.noMore = true;
    this.finalBytes = undefined;
    this.endSocket();
  }

  protected onUpstreamClosed(code: number, reason: string): void {
    // The Worker accepts an upgrade without valid credentials and closes it with the reason.
    if (code === CLOSE_POLICY && isAuthRefusal(reason))
      return this.onUpstreamFailed({ kind: "auth", detail: reason });
    if (code !== CLOSE_NORMAL)
      this.logOnce(`upstream closed (code ${code}${reason ? `, ${reason}` : ""})`);
    this.noMore = true;
    this.finalBytes = undefined;
    this.endSocket();
  }

  protected onUpstreamFailed(failure: UpstreamFailure): void {
    this.logOnce(
      failure.kind === "auth"
        ? `upstream refused the token (${failure.detail})`
        : `upstream unavailable (${failure.detail})`,
    );
    this.noMore = true;
    this.write(failure.kind === "auth" ? this.dialect.wrongpass : this.dialect.unavailable);
    this.endSocket();
  }

  protected onSocketError(err: NodeJS.ErrnoException): void {
    if (!this.ended) this.logOnce(`client connection error (${err.code ?? err.message})`);
  }

  protected onSocketClose(): void {
    clearTimeout(this.linger);
    clearTimeout(this.idle);
    this.noMore = true;
    if (!this.ended) {
      this.ended = true;
      this.link.close(CLOSE_NORMAL);
    }
    this.queued = [];
    this.input.clear();
    this.gone();
  }

  protected write(bytes: Uint8Array): boolean {
    if (this.socket.destroyed || !this.socket.writable) return true;
    return this.socket.write(bytes);
  }

  /** Closes the upstream (1000) and sends our FIN; the socket keeps reading (discarding). */
  protected endSocket(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.idle);
    this.link.close(CLOSE_NORMAL);
    this.queued = [];
    this.input.clear();
    if (this.readPaused) {
      this.readPaused = false;
      this.socket.resume();
    }
    if (this.socket.destroyed) return;
    this.socket.end(() => {
      this.linger = setTimeout(() => this.socket.destroy(), LINGER_AFTER_END_MS);
      this.linger.unref();
    });
  }

  protected logOnce(text: string): void {
    if (this.logged) return;
    this.logged = true;
    this.log(`${this.dialect.name} ${this.remote}: ${text}`);
  }
}

/** A close reason that refuses credentials (src/worker/index.ts refusedSocket). */
function isAuthRefusal(reason: string): boolean {
  return reason.startsWith("WRONGPASS") || reason.startsWith("ERR no auth token configured");
}
