// WebSockets on a sharded namespace (spec §6.3 rules, router/sharded-batch.ts): the Worker
// terminates the socket itself and keeps the connection context in memory for the socket's life
// (no hibernation: no single object owns the connection). Each message is one batch through the
// router; messages are handled strictly one after another. A blocked command's call waits on its
// shard (the socket's later messages wait behind it, as Redis reads nothing more from a blocked
// client); pub/sub messages come from the shards over links (shard-links.ts) at any time.

import type { BatchItem, Dialect } from "../engine/command.ts";
import { newConn, subscriptionCount } from "../engine/conn-state.ts";
import type { Reply } from "../engine/reply.ts";
import { REPLY_MAX_BYTES, WS_PLATFORM_MESSAGE_MAX_BYTES } from "../limits.ts";
import type { Env } from "./env.ts";
import { classifyFailure } from "./object-failure.ts";
import { runShardedBatch } from "./router/sharded-batch.ts";
import { objectFor } from "./shard-map.ts";
import { ShardLinks } from "./shard-links.ts";
import {
  RESUMABLE_PARAM,
  RESUME_PARAM,
  applyResume,
  parseResume,
  resumeToken,
} from "./socket-resume.ts";
import {
  ShardClients,
  cancelShardWaits,
  shardTransport,
  shardWaitLease,
  workerEngine,
} from "./sharded.ts";
import type { ShardWaits } from "./sharded.ts";
import {
  answerClose,
  closeOnError,
  deliver,
  messageBytes,
  messageStep,
  resumeMessage,
  socketOutput,
  TAG,
  TAGGED_PARAM,
  waitingMessage,
} from "./socket-step.ts";
import { WS_DIALECTS } from "./ws-dialects.ts";
import { noDebt, pushedPastLimit, showedLife } from "./output-limit.ts";

/** RFC 6455 "service restart": the client should reconnect (sent when the call budget is spent). */
const CLOSE_SERVICE_RESTART = 1012;
/** Shard calls a socket may make before it asks the client to reconnect (env SHARD_WS_CALLS; 0 = no limit). */
const DEFAULT_WS_CALL_BUDGET = 9000;

/**
 * A Worker's invocation for a WebSocket lasts as long as the socket, and every shard call counts
 * against that one invocation's subrequest limit. Past the budget the socket is closed 1012
 * between messages (never inside a transaction), so clients reconnect instead of failing.
 */
function callBudget(env: Env): number {
  if (env.SHARD_WS_CALLS === undefined || env.SHARD_WS_CALLS === "") return DEFAULT_WS_CALL_BUDGET;
  const n = Number(env.SHARD_WS_CALLS);
  if (!Number.isInteger(n) || n < 0) throw new Error("SHARD_WS_CALLS must be an integer >= 0");
  return n;
}

/** A client id unique among the namespace's open connections (CLIENT ID, spec §10.9), from shard 0. */
async function allocateClientId(env: Env, namespace: string, shards: number): Promise<number> {
  try {
    return await objectFor(env, namespace, 0).allocateClientId({ namespace, shard: 0, shards });
  } catch (e) {
    throw classifyFailure(e);
  }
}

/** Accepts a WebSocket for a sharded namespace; `scope` as the upgrade authenticated it. */
export async function shardedSocket(
  env: Env,
  request: Request,
  namespace: string,
  dialect: Dialect,
  scope: string,
  shards: number,
  exec?: ExecutionContext,
): Promise<Response> {
  const door = WS_DIALECTS[dialect]!;
  const budget = callBudget(env);
  // A shim link that can carry the connection over to a new socket says so (socket-resume.ts).
  const params = new URL(request.url).searchParams;
  const resumable =
    !door.text && params.get(TAGGED_PARAM) === "1" && params.get(RESUMABLE_PARAM) === "1";
  const resumed = resumable ? parseResume(params.get(RESUME_PARAM)) : null;
  const id = resumed?.id ?? (await allocateClientId(env, namespace, shards));
  const pair = new WebSocketPair();
  const ws = pair[1];
  ws.accept();
  const conn = newConn(id, {
    authed: scope === "full" || scope === "readonly",
    readonly: scope === "readonly",
    addr: `${request.headers.get("CF-Connecting-IP") ?? "unknown"}:0`,
  });
  if (resumed) applyResume(conn, resumed);
  let calls = 0;
  const waitKey = crypto.randomUUID();
  const inFlight = new Map<number, number>();
  const links = new ShardLinks(
    env,
    namespace,
    shards,
    (replies) => push(replies),
    // A shard restarted under a subscription: the client sees the connection end and
    // resubscribes, as after a Redis restart.
    () => close(CLOSE_SERVICE_RESTART, "a shard restarted, reconnect"),
  );
  const count = (n: number) => {
    calls += n;
  };
  const clients = new ShardClients(env, namespace, shards, count);
  const waits: ShardWaits = { waitKey, inFlight, leaseMs: shardWaitLease(env) };
  const session = {
    dialect: door.dialect,
    shards,
    conn,
    local: workerEngine(env, namespace, () => [conn], clients),
    // A blocked call's lease is renewed while the socket's invocation lives (sharded.ts).
    transport: shardTransport(env, namespace, shards, count, waits),
    mirror: (c: typeof conn) => links.mirror(c),
    clients,
    // A shim's link learns that its connection waits (TAG.waiting), as on one object: a client
    // that hangs up meanwhile is then closed at once, which cancels the wait.
    blocked: (on: boolean) => {
      if (!tagged || door.text || closed) return;
      try {
        ws.send(waitingMessage(on || subscriptionCount(conn) > 0));
      } catch {
        // closed: the close handler ends the session
      }
    },
    replyMax: REPLY_MAX_BYTES,
  };
  links.onOpen = () => calls++;
  let closed = false;
  const end = () => {
    if (closed) return;
    closed = true;
    // Its blocked calls are cancelled below; should a cancellation not arrive, their leases
    // run out on their own.
    waits.ended = true;
    links.close();
    session.local.detach(conn);
    // The socket's invocation ends with it: waitUntil lets the cancellations reach the shards.
    if (inFlight.size)
      exec?.waitUntil(cancelShardWaits(env, namespace, shards, waitKey, inFlight.keys()));
  };
  const close = (code: number, reason: string) => {
    end();
    try {
      ws.close(code, reason);
    } catch {
      // already closed
    }
  };
  // A shim's per-connection link asks for tagged messages (socket-step.ts TAG): answers to its
  // messages, and pushes that arrive on their own.
  const tagged = params.get(TAGGED_PARAM) === "1";
  const out = socketOutput(ws, door.text, tagged && !door.text ? TAG.answer : undefined);
  // Pushes (pub/sub messages) leave on their own, tagged unsolicited for the shim.
  const pushOut = socketOutput(ws, door.text, tagged && !door.text ? TAG.unsolicited : undefined);
  // Pushes the client has not answered (output-limit.ts): the Worker's engine's limit is
  // CONFIG's default (a CONFIG SET reaches the shards, not this connection's engine).
  const debt = noDebt();
  const push = (replies: readonly Reply[]) => {
    if (closed) return;
    const bytes = door.encode(replies, conn);
    if (bytes.length === 0) return;
    try {
      pushOut.send(bytes);
    } catch {
      // closed: the close handler ends the session
    }
    if (!tagged) pushedPastLimit(debt, bytes.length, session.local.params, close);
  };
  // The Worker's engine keeps the subscriptions: SUBSCRIBE needs the connection to have a sink.
  session.local.attach(conn, { deliver: push });
  const run = (items: BatchItem[]) => runShardedBatch(session, items, Date.now());
  // The shim's own link (tagged) carries one command per message up to the platform's limit.
  const limits = tagged
    ? { messageMax: WS_PLATFORM_MESSAGE_MAX_BYTES, bulkMax: session.local.stringMax }
    : undefined;

  async function onMessage(message: string | ArrayBuffer): Promise<void> {
    if (closed) return;
    try {
      const bytes = messageBytes(message);
      const r = await messageStep(door, conn, bytes, session.local.valueMax, run, limits);
      if (closed) return;
      deliver(out, r);
      links.release();
      if (r.close) end();
      else if (budget > 0 && calls >= budget && !conn.multi && !conn.watch) {
        // A shim link carries the connection over to a new socket (socket-resume.ts).
        const token = resumable ? resumeToken(conn) : null;
        if (token) ws.send(resumeMessage(token));
        close(CLOSE_SERVICE_RESTART, "shard call budget spent, reconnect");
      }
    } catch (e) {
      // A shard failed: the replies of this message are not known to be complete, so none is sent.
      end();
      closeOnError(ws, e, "sharded websocket message");
    }
  }

  let queue: Promise<void> = Promise.resolve();
  ws.addEventListener("message", (ev) => {
    // The client sent something: it reads what was pushed before (output-limit.ts).
    showedLife(debt);
    // Binary messages may arrive as Blobs on a socket the Worker accepts itself.
    const data = ev.data as string | ArrayBuffer | Blob;
    queue = queue.then(async () =>
      onMessage(data instanceof Blob ? await data.arrayBuffer() : data),
    );
  });
  ws.addEventListener("close", (ev) => {
    if (!closed) close(answerClose(ev.code), "");
  });
  ws.addEventListener("error", end);
  return new Response(null, { status: 101, webSocket: pair[0] });
}
