// Lets the terminal's input reach readline one line at a time. redis-cli (linenoise) reads the
// next line only after the previous reply is printed, so pasted lines and keys typed during a
// slow command show up after the next prompt instead of mixed into the output. readline reads
// everything it gets at once; this gate holds back whatever follows a line end until `open()`.

import { EventEmitter } from "node:events";

const LINE_END = /[\r\n]/;

/** A stand-in for the terminal that readline reads from. */
export class LineGate extends EventEmitter {
  readonly isTTY = true;
  private readonly source: NodeJS.ReadStream;
  private held = "";
  private closed = false;
  private ended = false;
  private waiting = false;
  private readonly onData = (chunk: Buffer | string) => {
    this.held += typeof chunk === "string" ? chunk : chunk.toString("utf8");
    this.pump();
  };
  private readonly onEnd = () => {
    this.closed = true;
    this.pump();
  };

  constructor(source: NodeJS.ReadStream) {
    super();
    this.source = source;
    source.on("data", this.onData);
    source.on("end", this.onEnd);
  }

  /** Passed through to the terminal (readline turns raw mode on and off). */
  setRawMode(mode: boolean): this {
    this.source.setRawMode?.(mode);
    return this;
  }

  /** readline pauses and resumes its input around completion; the terminal keeps flowing. */
  pause(): this {
    return this;
  }

  /** See pause(). */
  resume(): this {
    this.source.resume();
    return this;
  }

  /** Lets the next line (and what is typed after it) through. */
  open(): void {
    this.waiting = false;
    this.pump();
  }

  /** Stops reading the terminal. */
  detach(): void {
    this.source.off("data", this.onData);
    this.source.off("end", this.onEnd);
    this.source.setRawMode?.(false);
    this.source.pause();
  }

  private pump(): void {
    while (!this.waiting && this.held.length > 0) {
      const m = LINE_END.exec(this.held);
      // A line end is let through together with what precedes it; then wait for open().
      const cut = m ? m.index + 1 : this.held.length;
      const part = this.held.slice(0, cut);
      this.held = this.held.slice(cut);
      if (m) this.waiting = true;
      this.emit("data", part);
    }
    if (this.closed && !this.ended && this.held.length === 0) {
      this.ended = true;
      this.emit("end");
    }
  }
}
