// Client-side caching (CLIENT TRACKING, issue 16), as Redis 7.0's tracking.c does it: the keys a
// tracking client reads are remembered (key → client ids); the first change to such a key sends
// each of those clients an invalidation and forgets the key. In BCAST mode nothing is remembered:
// every changed key under a registered prefix is collected during the batch and sent at its end.
// Invalidations are RESP3 pushes (`invalidate [keys]`), or, redirected to a RESP2 connection in
// pub/sub mode, messages on `__redis__:invalidate`. The store tells this object of changes only
// while somebody tracks (StoreShared.observer), so nobody pays for it otherwise.

import { asciiLower } from "./ascii.ts";
import { keyPositions } from "./command-record.ts";
import type { CommandRecord } from "./command-record.ts";
import type { ConnState, TrackingState } from "./conn-state.ts";
import { R } from "./reply.ts";
import type { Reply } from "./reply.ts";
import type { KeyObserver } from "./key-changes.ts";
import type { StoreShared } from "./store.ts";
import { InvalidationSender } from "./invalidation-sender.ts";
import { TRACKING_TABLE_KEYS_MAX } from "../limits.ts";

/**
 * Scripts: a read inside one makes a tracking client remember the script's declared keys (as
 * Redis does); the read-only variants are not themselves reads to remember.
 */
const SCRIPT_COMMANDS = new Set(["eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro"]);

/** A command line and its record. */
interface CommandLine {
  readonly spec: CommandRecord;
  readonly argv: readonly string[];
}

/** The options of CLIENT TRACKING ON. */
export interface TrackingOptions {
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  prefixes: readonly string[];
}

/** One BCAST prefix: its clients, and the keys under it changed this batch with their writer. */
interface Bcast {
  readonly clients: Map<number, ConnState>;
  /** Changed key → id of the connection that changed it last (0: none, e.g. expiry). */
  readonly keys: Map<string, number>;
}

export class Tracking extends InvalidationSender implements KeyObserver {
  /** Keys read by default-mode clients → the ids of those clients (Redis's TrackingTable). */
  private readonly table = new Map<string, Set<number>>();
  /** Client ids over every key of the table (INFO tracking_total_items). */
  items = 0;
  /** BCAST prefixes (Redis's PrefixTable). */
  private readonly prefixes = new Map<string, Bcast>();
  private broadcastDue = false;
  /** Connections with tracking on, by id. */
  readonly clients = new Map<number, ConnState>();
  /** The latest script command run (its keys are what a read inside it makes a client track). */
  private script: CommandLine | null = null;

  private readonly shared: StoreShared;

  constructor(
    conns: ReadonlyMap<number, ConnState>,
    deliver: (id: number, replies: readonly Reply[]) => boolean,
    shared: StoreShared,
  ) {
    super(conns, deliver);
    this.shared = shared;
  }

  /** Keys in the table (INFO tracking_total_keys). */
  get keyCount(): number {
    return this.table.size;
  }

  /** BCAST prefixes registered (INFO tracking_total_prefixes). */
  get prefixCount(): number {
    return this.prefixes.size;
  }

  /** CLIENT TRACKING ON (options already checked): turns tracking on or changes its options. */
  enable(conn: ConnState, o: TrackingOptions): void {
    const s: TrackingState = (conn.tracking ??= {
      redirect: 0,
      bcast: false,
      optin: false,
      optout: false,
      noloop: false,
      caching: false,
      brokenRedir: false,
      prefixes: [],
    });
    s.redirect = o.redirect;
    s.brokenRedir = false;
    s.bcast = o.bcast;
    s.optin = o.optin;
    s.optout = o.optout;
    s.noloop = o.noloop;
    if (o.bcast) for (const p of o.prefixes.length ? o.prefixes : [""]) this.addPrefix(conn, p);
    this.clients.set(conn.id, conn);
    this.sync();
  }

  /**
   * CLIENT TRACKING OFF, RESET, a closed connection. Its ids stay in the table until their keys
   * change (Redis cleans them lazily too: a client may have read very many keys).
   */
  disable(conn: ConnState): void {
    const s = conn.tracking;
    if (!s) return;
    for (const p of s.prefixes) {
      const b = this.prefixes.get(p);
      if (b && b.clients.delete(conn.id) && b.clients.size === 0) this.prefixes.delete(p);
    }
    conn.tracking = null;
    this.clients.delete(conn.id);
    this.sync();
  }

  /**
   * A connection whose context outlived this object's memory (a WebSocket back from
   * hibernation): its tracking is registered again and, since what it read was forgotten, it is
   * told to drop everything (a null invalidation) when it can be reached.
   */
  restore(conn: ConnState): void {
    const s = conn.tracking;
    if (!s || this.clients.has(conn.id)) return;
    const prefixes = s.prefixes.splice(0);
    if (s.bcast) for (const p of prefixes) this.addPrefix(conn, p);
    this.clients.set(conn.id, conn);
    this.sync();
    if (s.redirect === 0 || this.conns.has(s.redirect)) this.send(conn, R.NIL);
  }

  private addPrefix(conn: ConnState, prefix: string): void {
    let b = this.prefixes.get(prefix);
    if (!b) this.prefixes.set(prefix, (b = { clients: new Map(), keys: new Map() }));
    if (b.clients.has(conn.id)) return;
    b.clients.set(conn.id, conn);
    conn.tracking!.prefixes.push(prefix);
  }

  /** Before a command runs (while some client tracks): notes a script's command line. */
  beforeCommand(spec: CommandRecord, argv: readonly string[]): void {
    if (SCRIPT_COMMANDS.has(spec.name)) this.script = { spec, argv };
  }

  /** After a read-only command: the keys a tracking client fetched (trackingRememberKeys). */
  afterRead(spec: CommandRecord, conn: ConnState, argv: readonly string[]): void {
    const real = this.clients.get(conn.id);
    if (!real) return;
    let read: CommandLine | null = { spec, argv };
    // A script's commands run on a copy of its caller's context: they track the script's keys.
    if (real !== conn) read = this.script;
    else if (SCRIPT_COMMANDS.has(spec.name)) read = null;
    if (read)
      this.remember(
        real,
        keyPositions(read.spec, read.argv).map((i) => read.argv[i]!),
      );
  }

  /**
   * After a batch's command: CLIENT CACHING YES/NO covers the next command, or the next
   * transaction; cleared after any command but CLIENT outside MULTI (Redis's resetClient).
   */
  endCaching(conn: ConnState, argv: readonly string[]): void {
    if (!conn.multi && asciiLower(argv[0] ?? "") !== "client") conn.tracking!.caching = false;
  }

  /** Remembers the keys a read-only command of a default-mode client fetched. */
  remember(conn: ConnState, keys: readonly string[]): void {
    const s = conn.tracking;
    if (!s || s.bcast || keys.length === 0) return;
    // OPTIN remembers only after CLIENT CACHING YES, OPTOUT all but after CLIENT CACHING NO.
    if ((s.optin && !s.caching) || (s.optout && s.caching)) return;
    for (const key of keys) {
      let ids = this.table.get(key);
      if (!ids) this.table.set(key, (ids = new Set()));
      if (!ids.has(conn.id)) {
        ids.add(conn.id);
        this.items++;
      }
    }
    this.sync();
  }

  /** A key changed: BCAST prefixes collect it; the clients that read it are told now. */
  changed(key: string): void {
    if (this.prefixes.size) this.collect(key);
    const ids = this.table.get(key);
    if (!ids) return;
    this.table.delete(key);
    this.items -= ids.size;
    this.tellReaders(key, ids, true);
    this.sync();
  }

  /** Tells the readers of a key; `written`: it changed (NOLOOP spares the writer's own). */
  private tellReaders(key: string, ids: Set<number>, written: boolean): void {
    const keys = R.array([R.bulk(key)]);
    for (const id of ids) {
      const c = this.clients.get(id);
      const s = c?.tracking;
      // Gone, or switched to BCAST since it read the key: nothing to say.
      if (!c || !s || s.bcast) continue;
      if (written && s.noloop && id === this.current?.id) continue;
      this.send(c, keys);
    }
  }

  private collect(key: string): void {
    const writer = this.current?.id ?? 0;
    for (const [p, b] of this.prefixes) {
      if (!key.startsWith(p)) continue;
      b.keys.set(key, writer);
      this.broadcastDue = true;
    }
  }

  /**
   * FLUSHDB, FLUSHALL: every tracking client gets a null invalidation ("everything"), and the
   * table is emptied. (SWAPDB sends nothing in Redis 7.0.15, nor here.)
   */
  flushed(): void {
    for (const c of this.clients.values()) this.send(c, R.NIL);
    this.table.clear();
    this.items = 0;
    this.sync();
  }

  /**
   * End of a batch: the BCAST invalidations collected (one message per prefix), then the table
   * brought back under its limit by invalidating its oldest keys as if they had changed.
   */
  endBatch(configured: string | undefined): void {
    if (this.broadcastDue) this.broadcast();
    // `tracking-table-max-keys`; 0 (Redis: no limit) or past the ceiling is the ceiling.
    const n = Number(configured ?? TRACKING_TABLE_KEYS_MAX);
    const maxKeys = n > 0 && n < TRACKING_TABLE_KEYS_MAX ? n : TRACKING_TABLE_KEYS_MAX;
    if (this.table.size > maxKeys) this.limit(maxKeys);
  }

  private broadcast(): void {
    this.broadcastDue = false;
    // Redis walks its radix trees: prefixes and keys in byte order.
    for (const p of [...this.prefixes.keys()].sort()) {
      const b = this.prefixes.get(p)!;
      if (b.keys.size === 0) continue;
      const keys = [...b.keys.keys()].sort();
      const all = R.bulks(keys);
      for (const c of b.clients.values()) {
        if (!c.tracking?.noloop) {
          this.send(c, all);
          continue;
        }
        // NOLOOP: not the keys this client changed last.
        const others = keys.filter((k) => b.keys.get(k) !== c.id);
        if (others.length) this.send(c, R.bulks(others));
      }
      b.keys.clear();
    }
  }

  private limit(maxKeys: number): void {
    for (const [key, ids] of this.table) {
      if (this.table.size <= maxKeys) break;
      this.table.delete(key);
      this.items -= ids.size;
      this.tellReaders(key, ids, false);
    }
    this.sync();
  }

  /** The store reports changes only while some client tracks or the table holds keys. */
  private sync(): void {
    this.shared.observer = this.clients.size || this.table.size ? this : null;
  }
}
