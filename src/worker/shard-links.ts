// Pub/sub for a WebSocket the Worker holds on a sharded namespace (docs/scaling.md, pub/sub).
//
// The Worker's engine keeps the connection's subscriptions (confirmations, counts, RESP2
// subscribed mode). They are mirrored on the shards: a channel (or shard channel) lives on the
// shard its name hashes to, as a key would (hash tags honoured), and a pattern is subscribed on
// every shard, since a matching channel may hash anywhere. The mirror is one *link* per shard: an
// ordinary tagged Redis WebSocket to the shard object (hibernatable there), speaking RESP2, on
// which the Worker sends (P|S)(UN)SUBSCRIBE and receives the shard's messages as pushes, which it
// hands to the connection's sink. PUBLISH runs on the channel's shard, where every subscriber of
// the channel and one link per pattern subscriber are: its count is Redis's, and each message
// reaches each subscriber once, in the shard's order.

import { joinBytes, toBytes, utf8 } from "../engine/bytes.ts";
import type { ConnState } from "../engine/conn-state.ts";
import { R } from "../engine/reply.ts";
import type { Reply } from "../engine/reply.ts";
import { parseRedisRequests } from "../protocols/resp/resp-parse.ts";
import { WS_HEADERS } from "./namespace-api.ts";
import { objectFor, shardOfKey } from "./shard-map.ts";
import type { Env } from "./env.ts";
import { TAG, TAGGED_PARAM } from "./socket-step.ts";

type Kind = "channels" | "patterns" | "shard";
const KINDS: readonly Kind[] = ["channels", "patterns", "shard"];
const VERBS: Record<Kind, [on: string, off: string]> = {
  channels: ["SUBSCRIBE", "UNSUBSCRIBE"],
  patterns: ["PSUBSCRIBE", "PUNSUBSCRIBE"],
  shard: ["SSUBSCRIBE", "SUNSUBSCRIBE"],
};

type Names = Record<Kind, Set<string>>;
const none = (): Names => ({ channels: new Set(), patterns: new Set(), shard: new Set() });

/** Commands as one RESP message; arguments are engine strings (binary ones keep their bytes). */
function respMessage(cmds: readonly (readonly string[])[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const argv of cmds) {
    parts.push(utf8(`*${argv.length}\r\n`));
    for (const a of argv) {
      const b = toBytes(a);
      parts.push(utf8(`$${b.length}\r\n`), b, CRLF);
    }
  }
  return joinBytes(parts);
}
const CRLF = utf8("\r\n");

/**
 * Keyspace notification channels are published by the shard of the key they are about (as in
 * Redis Cluster, node-local), not by their name's: they are mirrored on every shard, like patterns.
 */
function isKeyspaceChannel(c: string): boolean {
  return c.startsWith("__keyspace@") || c.startsWith("__keyevent@");
}

/** One shard's link: a tagged Redis WebSocket to the shard object. */
class Link {
  readonly has: Names = none();
  private readonly answers: (() => void)[] = [];
  private chain: Promise<void> = Promise.resolve();
  private ended = false;
  private readonly ws: WebSocket;

  constructor(ws: WebSocket, push: (r: Reply) => void, lost: () => void) {
    this.ws = ws;
    ws.accept();
    ws.addEventListener("message", (e) => {
      const d = e.data as string | ArrayBuffer | Blob;
      // Blobs need an await: a chain keeps the messages in their order.
      this.chain = this.chain.then(async () => {
        const b = new Uint8Array(d instanceof Blob ? await d.arrayBuffer() : (d as ArrayBuffer));
        if (b[0] === TAG.answer) return this.answers.shift()?.();
        // RESP2 pushes are arrays of bulk strings: the request parser reads them.
        for (const argv of parseRedisRequests(b, 1, b.length, true).argvs)
          push(R.push(argv.map((a) => R.bulk(a))));
      });
    });
    const end = () => {
      if (this.ended) return;
      this.ended = true;
      for (const a of this.answers.splice(0)) a();
      lost();
    };
    ws.addEventListener("close", end);
    ws.addEventListener("error", end);
  }

  /** Sends commands as one message; resolves when the shard answered it (or the link ended). */
  send(cmds: string[][]): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve) => {
      this.answers.push(resolve);
      this.ws.send(respMessage(cmds));
    });
  }

  get empty(): boolean {
    return KINDS.every((k) => this.has[k].size === 0);
  }

  close(): void {
    this.ended = true;
    try {
      this.ws.close(1000, "");
    } catch {
      // already closed
    }
  }
}

/** A connection's links to the shards its subscriptions live on. */
export class ShardLinks {
  private readonly links = new Map<number, Link>();
  private closed = false;
  /** Pushes held while a subscription change is being answered (release() sends them). */
  private held: Reply[] | null = null;

  private readonly env: Env;
  private readonly namespace: string;
  private readonly shards: number;
  /** Where the connection's pushes go (its sink). */
  private readonly deliver: (replies: Reply[]) => void;
  /** A link ended without being asked to (its shard restarted): the connection must end. */
  private readonly lost: () => void;
  /** Counts a link's opening (a subrequest of the socket's invocation). */
  onOpen: () => void = () => {};

  constructor(
    env: Env,
    namespace: string,
    shards: number,
    deliver: (replies: Reply[]) => void,
    lost: () => void,
  ) {
    this.env = env;
    this.namespace = namespace;
    this.shards = shards;
    this.deliver = deliver;
    this.lost = lost;
  }

  /**
   * Makes the shards' subscriptions those of `conn`: subscribes and unsubscribes on the links
   * (opening and closing them as needed) and resolves once every shard confirmed. Pushes that
   * arrive meanwhile wait for release(), so none precedes the client's confirmation.
   */
  async mirror(conn: ConnState): Promise<void> {
    this.held ??= [];
    const want = new Map<number, Names>();
    const at = (shard: number) => {
      let n = want.get(shard);
      if (!n) want.set(shard, (n = none()));
      return n;
    };
    const subs = conn.subs;
    for (const c of subs?.channels ?? []) {
      if (!isKeyspaceChannel(c)) at(shardOfKey(c, this.shards)).channels.add(c);
      else for (let shard = 0; shard < this.shards; shard++) at(shard).channels.add(c);
    }
    for (const c of subs?.shard ?? []) at(shardOfKey(c, this.shards)).shard.add(c);
    if (subs?.patterns.size)
      for (let shard = 0; shard < this.shards; shard++)
        for (const p of subs.patterns) at(shard).patterns.add(p);
    const shards = new Set([...want.keys(), ...this.links.keys()]);
    await Promise.all([...shards].map((shard) => this.update(shard, want.get(shard) ?? none())));
  }

  private async update(shard: number, want: Names): Promise<void> {
    let link = this.links.get(shard);
    const cmds: string[][] = [];
    for (const kind of KINDS) {
      const has = link?.has[kind] ?? new Set<string>();
      const off = [...has].filter((n) => !want[kind].has(n));
      const on = [...want[kind]].filter((n) => !has.has(n));
      if (off.length) cmds.push([VERBS[kind][1], ...off]);
      if (on.length) cmds.push([VERBS[kind][0], ...on]);
    }
    if (cmds.length === 0) return;
    if (!link) {
      if (this.closed) return;
      link = await this.open(shard);
      if (this.closed) return link.close();
    }
    for (const kind of KINDS) link.has[kind] = want[kind];
    if (link.empty) {
      // Nothing left on that shard: closing the link drops its subscriptions there.
      this.links.delete(shard);
      link.close();
      return;
    }
    await link.send(cmds);
  }

  private async open(shard: number): Promise<Link> {
    this.onOpen();
    const res = await objectFor(this.env, this.namespace, shard).fetch(
      new Request(`https://shard/resp?${TAGGED_PARAM}=1`, {
        headers: {
          Upgrade: "websocket",
          [WS_HEADERS.namespace]: this.namespace,
          [WS_HEADERS.kind]: "redis",
          [WS_HEADERS.scope]: "full",
        },
      }),
    );
    if (!res.webSocket) throw new Error(`shard ${shard} refused the subscription link`);
    const link = new Link(
      res.webSocket,
      (r) => (this.held ? this.held.push(r) : this.deliver([r])),
      () => {
        if (this.links.get(shard) === link && !this.closed) this.lost();
      },
    );
    this.links.set(shard, link);
    return link;
  }

  /** Sends the pushes held during a subscription change (after the client's replies). */
  release(): void {
    const held = this.held;
    this.held = null;
    if (held?.length) this.deliver(held);
  }

  /** The connection ended: every link closes, and with it the shards' subscriptions. */
  close(): void {
    this.closed = true;
    this.held = null;
    for (const link of this.links.values()) link.close();
    this.links.clear();
  }
}
