// Where replies nobody asked for in the running batch go: pub/sub messages, and the answers of a
// client woken from a blocking command by another client's write. The host registers one sink
// per connection that can receive them (Engine.attach); the door behind it encodes and sends.

import type { Reply } from "./reply.ts";

/** A connection's way out for replies outside its own batch, in order. */
export interface ConnSink {
  /** Replies for the connection, encoded by its door (RESP2 or RESP3 as the context says). */
  deliver(replies: readonly Reply[]): void;
  /**
   * Longest a blocking command may wait on this connection (an HTTP request's cap); a longer or
   * endless timeout is cut to it and answers as a timeout.
   */
  readonly maxWaitMs?: number;
  /**
   * False once whoever holds the connection's wait has stopped showing it is there (a sharded
   * call's lease ran out): a write then skips its wait, so nothing is taken for a caller that is
   * gone. Absent: always there.
   */
  live?(now: number): boolean;
}
