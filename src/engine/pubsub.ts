// Pub/sub of one namespace object (issue 16): who is subscribed to which channel, pattern and
// shard channel, and delivery of a published message to each of them as a push reply. The engine
// knows connections only as contexts and sinks (conn-sink.ts): whichever door carries a
// subscriber encodes and sends what it is given.

import type { ConnState, Subscriptions } from "./conn-state.ts";
import { compileGlob } from "./glob.ts";
import type { GlobMatcher } from "./glob.ts";
import { R } from "./reply.ts";
import type { Reply } from "./reply.ts";

/** The three kinds of subscription, by the Subscriptions field that holds them. */
export type SubKind = Exclude<keyof Subscriptions, "version">;

const MESSAGE = R.bulk("message");
const PMESSAGE = R.bulk("pmessage");
const SMESSAGE = R.bulk("smessage");

interface PatternSubs {
  readonly match: GlobMatcher;
  readonly subs: Map<number, ConnState>;
}

export class PubSub {
  private readonly byKind: Record<"channels" | "shard", Map<string, Map<number, ConnState>>> = {
    channels: new Map(),
    shard: new Map(),
  };
  private readonly patterns = new Map<string, PatternSubs>();
  /** Hands replies to a connection's sink (Engine.deliverTo); false when it has none. */
  private readonly send: (id: number, replies: readonly Reply[]) => boolean;

  constructor(send: (id: number, replies: readonly Reply[]) => boolean) {
    this.send = send;
  }

  /** Adds a subscription; false when the connection already had it. */
  add(conn: ConnState, kind: SubKind, name: string): boolean {
    const subs = (conn.subs ??= {
      channels: new Set(),
      patterns: new Set(),
      shard: new Set(),
      version: 0,
    });
    if (subs[kind].has(name)) return false;
    subs[kind].add(name);
    subs.version++;
    if (kind === "patterns") {
      let p = this.patterns.get(name);
      if (!p) this.patterns.set(name, (p = { match: compileGlob(name), subs: new Map() }));
      p.subs.set(conn.id, conn);
    } else {
      const m = this.byKind[kind];
      let s = m.get(name);
      if (!s) m.set(name, (s = new Map()));
      s.set(conn.id, conn);
    }
    return true;
  }

  /** Removes a subscription; false when the connection did not have it. */
  remove(conn: ConnState, kind: SubKind, name: string): boolean {
    if (!conn.subs?.[kind].delete(name)) return false;
    conn.subs.version++;
    if (kind === "patterns") {
      const p = this.patterns.get(name);
      if (p && p.subs.delete(conn.id) && p.subs.size === 0) this.patterns.delete(name);
    } else {
      const m = this.byKind[kind];
      const s = m.get(name);
      if (s && s.delete(conn.id) && s.size === 0) m.delete(name);
    }
    return true;
  }

  /** Drops every subscription of a connection (it closed, or RESET). */
  removeAll(conn: ConnState): void {
    const subs = conn.subs;
    if (!subs) return;

    for (const kind of ["channels", "patterns", "shard"] as const)
      for (const name of [...subs[kind]]) this.remove(conn, kind, name);
  }

  /**
   * Delivers a message to the channel's subscribers, then to every matching pattern's (or, for a
   * shard channel, to its subscribers only); the number of deliveries, as PUBLISH answers.
   */
  publish(channel: string, message: string, shard = false): number {
    let n = 0;
    const ch = R.bulk(channel);
    const msg = R.bulk(message);
    const direct = this.byKind[shard ? "shard" : "channels"].get(channel);
    // One array per message for all its subscribers: a door may encode it once (mux-door.ts).
    if (direct) {
      const push = [R.push([shard ? SMESSAGE : MESSAGE, ch, msg])];
      for (const conn of direct.values()) n += this.deliver(conn, push);
    }
    if (shard) return n;
    for (const [pattern, p] of this.patterns) {
      if (!p.match(channel)) continue;
      const push = [R.push([PMESSAGE, R.bulk(pattern), ch, msg])];
      for (const conn of p.subs.values()) n += this.deliver(conn, push);
    }
    return n;
  }

  /** Channels (or shard channels) with at least one subscriber. */
  channelNames(shard: boolean): IterableIterator<string> {
    return this.byKind[shard ? "shard" : "channels"].keys();
  }

  /** Subscribers of one channel (or shard channel). */
  subscribers(channel: string, shard: boolean): number {
    return this.byKind[shard ? "shard" : "channels"].get(channel)?.size ?? 0;
  }

  /** Patterns with at least one subscriber (PUBSUB NUMPAT, INFO pubsub_patterns). */
  get patternCount(): number {
    return this.patterns.size;
  }

  /** Channels with at least one subscriber (INFO pubsub_channels). */
  channelCount(shard: boolean): number {
    return this.byKind[shard ? "shard" : "channels"].size;
  }

  private deliver(conn: ConnState, push: readonly Reply[]): number {
    return this.send(conn.id, push) ? 1 : 0;
  }
}
