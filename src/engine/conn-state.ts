// Per-connection context (spec §1): auth scope, protocol, client name and id, MULTI queue,
// WATCH set. Plain data so a WebSocket keeps it in its hibernation attachment.

import type { Command } from "./command.ts";

export interface ConnState {
  id: number;
  /** False until AUTH when auth is enabled and the connection came without credentials. */
  authed: boolean;
  /** Read-only token scope: W and A commands answer NOPERM. */
  readonly: boolean;
  /** Authentication state at open, restored by RESET. */
  authedAtOpen: boolean;
  readonlyAtOpen: boolean;
  resp: 2 | 3;
  /** Selected database (SELECT), 0..15; only the Redis door changes it. */
  db: number;
  name: string;
  libName: string;
  libVer: string;
  /** Queued commands while in MULTI, else null. */
  multi: Command[] | null;
  /** A queueing error happened: EXEC aborts. */
  multiFailed: boolean;
  /** WATCHed keys, their versions (-1 = absent) at WATCH time and their database. */
  watch: [key: string, version: number, db?: number][] | null;
  /** Set by QUIT: the transport closes after the replies so far. */
  closing: boolean;
  addr: string;
  openedAt: number;
  lastAt: number;
  lastCmd: string;
  /** Pub/sub subscriptions (SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE); null until the first. */
  subs: Subscriptions | null;
  /** CLIENT REPLY: "on", "off", or "skip" (the next command's reply only). */
  replyMode: "on" | "off" | "skip";
  /** Client-side caching (CLIENT TRACKING, engine/tracking.ts); null while off. */
  tracking: TrackingState | null;
  /** The connection of a running script's commands (Redis's CLIENT_SCRIPT flag). */
  script?: true;
}

/** One connection's CLIENT TRACKING mode, as Redis keeps it in its client flags. */
export interface TrackingState {
  /** Client id invalidations go to (REDIRECT), 0 for the connection itself. */
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** CLIENT CACHING YES (OPTIN) or NO (OPTOUT) given for the next command. */
  caching: boolean;
  /** The redirect target went away (flag R, TRACKINGINFO broken_redirect). */
  brokenRedir: boolean;
  /** BCAST prefixes, "" for every key. */
  prefixes: string[];
}

/** One connection's channels, patterns and shard channels, in subscription order. */
export interface Subscriptions {
  channels: Set<string>;
  patterns: Set<string>;
  shard: Set<string>;
  /** Bumped by every change, so a host that saves them knows when to. */
  version: number;
}

/** How many channels, patterns and shard channels a connection is subscribed to. */
export function subscriptionCount(c: ConnState): number {
  const s = c.subs;
  return s ? s.channels.size + s.patterns.size + s.shard.size : 0;
}

/** A fresh connection context. */
export function newConn(
  id: number,
  opts: { authed: boolean; readonly: boolean; addr?: string; now?: number },
): ConnState {
  const now = opts.now ?? Date.now();
  return {
    id,
    authed: opts.authed,
    readonly: opts.readonly,
    authedAtOpen: opts.authed,
    readonlyAtOpen: opts.readonly,
    resp: 2,
    db: 0,
    name: "",
    libName: "",
    libVer: "",
    multi: null,
    multiFailed: false,
    watch: null,
    closing: false,
    addr: opts.addr ?? "unknown:0",
    openedAt: now,
    lastAt: now,
    lastCmd: "NULL",
    subs: null,
    replyMode: "on",
    tracking: null,
  };
}
