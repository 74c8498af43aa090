// What the interactive and the scripted CLI share: the connection (opened, re-opened after a
// drop), the optional switch to RESP3, and turning a command into the text redis-cli would print.

import { ClosedError, ConnectError, RespConnection } from "./connection.ts";
import { formatReply } from "./format.ts";
import type { OutputMode } from "./format.ts";
import { byteText, textBytes } from "./resp-reply.ts";
import type { RespValue } from "./resp-reply.ts";

export interface SessionOptions {
  /** Worker base URL, with the `/db/<name>` base of the namespace when not `default`. */
  url: string;
  token?: string;
  /** Send `HELLO 3` after connecting (redis-cli -3). */
  resp3?: boolean;
  mode: OutputMode;
  /** Open a new connection when the last one dropped (the REPL); scripts stop instead. */
  reconnect?: boolean;
}

/** A command's reply and the text to print for it. */
export interface Outcome {
  reply: RespValue;
  text: string;
}

/** A connection to one namespace's Redis door and the state the prompt shows. */
export class Session {
  readonly opts: SessionOptions;
  private conn: RespConnection | undefined;
  /** Inside MULTI (the prompt shows `(TX)`, as redis-cli's does). */
  inTransaction = false;

  constructor(opts: SessionOptions) {
    this.opts = opts;
  }

  /** True while a connection is open. */
  get connected(): boolean {
    return this.conn?.isOpen === true;
  }

  /** Opens the connection if there is none; throws ConnectError with redis-cli's wording. */
  async connect(): Promise<void> {
    if (this.connected) return;
    if (this.conn && this.opts.reconnect === false)
      throw new ClosedError("Error: Server closed the connection");
    this.inTransaction = false;
    try {
      this.conn = await RespConnection.open({ url: this.opts.url, token: this.opts.token });
    } catch (e) {
      throw new ConnectError(
        `Could not connect to blink-edge at ${this.opts.url}: ${(e as Error).message}`,
      );
    }
    if (this.opts.resp3) {
      const r = await this.conn.command([textBytes("HELLO"), textBytes("3")]);
      if (r.t === "error") {
        this.conn.close();
        throw new ConnectError(`HELLO 3 failed: ${r.v}`);
      }
    }
  }

  /** Sends a command (connecting first if needed) and formats its reply. */
  async run(args: readonly Uint8Array[]): Promise<Outcome> {
    await this.connect();
    const reply = await this.conn!.command(args);
    const words = args.map((a) => byteText(a));
    this.track(words[0]!.toLowerCase(), reply);
    return { reply, text: formatReply(reply, this.opts.mode, words) };
  }

  /** Closes the connection. */
  close(): void {
    this.conn?.close();
  }

  private track(cmd: string, reply: RespValue): void {
    if (cmd === "multi" && reply.t === "status") this.inTransaction = true;
    else if (cmd === "exec" || cmd === "discard" || cmd === "reset") this.inTransaction = false;
  }
}
