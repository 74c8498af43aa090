// A stream's consumer groups as data (Redis t_stream.c streamCG, streamConsumer, streamNACK):
// the group's last delivered id and pending entries list, its consumers and theirs.

import type { StreamId } from "./stream-id.ts";

/** One entry of a consumer group's pending entries list. */
export interface Pending {
  readonly id: StreamId;
  consumer: string;
  /** Unix ms of the last delivery. */
  time: number;
  count: number;
}

export interface Consumer {
  readonly name: string;
  /** Unix ms of the last interaction (seen-time) and of the last successful one (active-time). */
  seen: number;
  active: number;
  /** Its pending entries by `idBytes`. */
  readonly pending: Map<string, Pending>;
}

export interface Group {
  readonly name: string;
  lastId: StreamId;
  /** Entries read by the group (Redis 7 `entries-read`), -1 when unknown. */
  entriesRead: bigint;
  /** Pending entries by `idBytes` (byte order = id order). */
  readonly pel: Map<string, Pending>;
  readonly consumers: Map<string, Consumer>;
}
