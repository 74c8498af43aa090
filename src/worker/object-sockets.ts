// The namespace object's WebSocket message paths: the shim's multiplexed socket (accepted without
// hibernation) and a hibernatable socket's message, both run through the group commit so a reply
// leaves once its writes are durable.

import type { Deferral } from "../engine/batch-loop.ts";
import type { BatchItem } from "../engine/command.ts";
import type { Engine } from "../engine/engine.ts";
import {
  BLOCK_KEEPALIVE_MS,
  CLOSE_INTERNAL,
  CLOSE_NORMAL,
  REPLY_MAX_BYTES,
  WS_PLATFORM_MESSAGE_MAX_BYTES,
} from "../limits.ts";
import { MuxProtocolError } from "../protocols/mux.ts";
import type { GroupCommit } from "./group-commit.ts";
import type { HibernatableSockets } from "./hibernatable-sockets.ts";
import { MuxSession } from "./mux-door.ts";
import {
  TAG,
  closeOnError,
  deliver,
  messageBytes,
  messageStep,
  socketOutput,
  type StepResult,
  waitsForPushes,
} from "./socket-step.ts";
import { WS_DIALECTS } from "./ws-dialects.ts";

/**
 * Runs one socket message's work with its group (at once, or after the commit in flight) and
 * hands its result to `after` once the work's writes are issued, so the output gate holds what
 * `after` sends until they are durable (uncontended, all in this turn). A failure closes the
 * socket (socket-step.ts closeOnError) after `failed`.
 */
export function serve<T>(
  group: GroupCommit,
  ws: WebSocket,
  work: () => T,
  after: (result: T) => void,
  what: string,
  failed?: () => void,
): void | Promise<void> {
  const fail = (err: unknown) => {
    failed?.();
    closeOnError(ws, err, what);
  };
  try {
    const ran = group.runOrQueue(work);
    if (ran instanceof Promise) return ran.then(after).catch(fail);
    after(ran);
  } catch (err) {
    fail(err);
  }
}

/**
 * A shim's multiplexed socket: every message's frames run in one turn and are committed once
 * (src/worker/mux-door.ts). Accepted without hibernation, so the connection contexts it carries
 * stay in memory for the socket's life; `muxes` holds the open sessions (CLIENT LIST).
 */
export function acceptMux(
  engine: Engine,
  group: GroupCommit,
  muxes: Set<MuxSession>,
  pair: { 0: WebSocket; 1: WebSocket },
  scope: string | null,
  request: Request,
): Response {
  const ws = pair[1];
  ws.accept();
  // Frames must be read synchronously in the message event (a Blob would need an await).
  ws.binaryType = "arraybuffer";
  const send = (msg: Uint8Array) => {
    try {
      ws.send(msg);
    } catch {
      // closed: the close handler forgets the session
    }
  };
  const session = new MuxSession(
    {
      run: (dialect, conn, items, deferral) =>
        engine.run(dialect, conn, items, Date.now(), REPLY_MAX_BYTES, deferral),
      nextClientId: () => engine.nextClientId++,
      valueMax: engine.valueMax,
      bulkMax: () => engine.stringMax,
      attach: (conn, sink) => engine.attach(conn, sink),
      detach: (conn) => engine.detach(conn),
      waits: (conn) => waitsForPushes(engine, conn),
      send,
    },
    scope === "full" || scope === "readonly" ? scope : "none",
    `${request.headers.get("CF-Connecting-IP") ?? "unknown"}:0`,
  );
  muxes.add(session);
  const forget = () => {
    muxes.delete(session);
    session.close();
  };
  ws.addEventListener("message", (e: MessageEvent) => {
    const bytes = messageBytes(e.data as string | ArrayBuffer);
    // The reply message goes out even when empty: the shim counts one per message.
    void serve(
      group,
      ws,
      () => session.handle(bytes),
      (out) => ws.send(out),
      "mux message",
      forget,
    );
  });
  const end = () => {
    forget();
    try {
      ws.close(CLOSE_NORMAL, "");
    } catch {
      // already closed
    }
  };
  ws.addEventListener("close", end);
  ws.addEventListener("error", end);
  return new Response(null, { status: 101, webSocket: pair[0] });
}

/**
 * Per socket whose batch stopped at its reply budget: the rest of it, and the messages that
 * arrived behind it. A tagged socket (the shim's) asks for the rest with an empty message once
 * its client has read the replies so far; any other runs it in a following turn (a timer, which
 * keeps the object from hibernating meanwhile).
 */
const behind = new WeakMap<WebSocket, { more: () => StepResult; queue: Uint8Array[] }>();

/** A hibernatable socket's message (NamespaceObject.webSocketMessage): run, answer, save. */
export function answerMessage(
  engine: Engine,
  group: GroupCommit,
  sockets: HibernatableSockets,
  ws: WebSocket,
  message: string | ArrayBuffer,
): void | Promise<void> {
  const s = sockets.session(ws)!;
  sockets.heard(ws, s);
  const bytes = messageBytes(message);
  return serveSteps(engine, group, sockets, ws, () => {
    // Decided when the work runs, not when it arrived: a batch queued before it may stop.
    const w = behind.get(ws);
    if (!w) {
      // The shim asks for a rest only after TAG.part: none here means it was lost (the object
      // was reset meanwhile), and the batch cannot be answered whole.
      if (bytes.length === 0 && s.a.tagged)
        throw new MuxProtocolError(
          "the rest of a batch was lost (object restarted)",
          CLOSE_INTERNAL,
        );
      return runMessages(engine, sockets, ws, [bytes]);
    }
    if (bytes.length === 0 && s.a.tagged) return resumeSocket(engine, sockets, ws);
    w.queue.push(bytes);
    return [];
  });
}

/**
 * Steps of a socket's messages in order (after `first`, a stopped batch's rest), until one stops
 * at its reply budget: the messages after it wait behind it.
 */
function runMessages(
  engine: Engine,
  sockets: HibernatableSockets,
  ws: WebSocket,
  msgs: readonly Uint8Array[],
  first?: StepResult,
): StepResult[] {
  const { conn, dialect, tagged } = sockets.session(ws)!.a;
  const door = WS_DIALECTS[dialect]!;
  // The shim's own link (tagged) carries one command per message up to the platform's limit.
  const limits = tagged
    ? { messageMax: WS_PLATFORM_MESSAGE_MAX_BYTES, bulkMax: engine.stringMax }
    : undefined;
  const run = (items: BatchItem[], deferral: Deferral) =>
    engine.run(door.dialect, conn, items, Date.now(), REPLY_MAX_BYTES, deferral);
  const steps = first ? [first] : [];
  for (let i = 0; ; i++) {
    const last = steps[steps.length - 1];
    if (last?.more) {
      behind.set(ws, { more: last.more, queue: msgs.slice(i) });
      keepAwake(ws);
      break;
    }
    if (last?.close || i >= msgs.length) break;
    steps.push(messageStep(door, conn, msgs[i]!, engine.valueMax, run, limits));
  }
  return steps;
}

/**
 * Runs `work` with the group and sends its steps: a stopped batch's replies so far (TAG.part on
 * a tagged socket), its rest in a following turn, so other clients are served in between.
 */
function serveSteps(
  engine: Engine,
  group: GroupCommit,
  sockets: HibernatableSockets,
  ws: WebSocket,
  work: () => StepResult[],
): void | Promise<void> {
  const send = (steps: StepResult[]) => {
    const s = sockets.session(ws);
    if (!s) return;
    const door = WS_DIALECTS[s.a.dialect]!;
    for (const r of steps) {
      if (r.more) {
        socketOutput(ws, door.text, s.a.tagged ? TAG.part : undefined).send(r.bytes);
        if (s.a.tagged) continue;
        const resume = () => resumeSocket(engine, sockets, ws);
        setTimeout(() => void serveSteps(engine, group, sockets, ws, resume), 0);
        continue;
      }
      deliver(socketOutput(ws, door.text, s.a.tagged ? TAG.answer : undefined), r);
      sockets.answered(ws, s, r);
    }
  };
  return serve(group, ws, work, send, "websocket message");
}

/**
 * While a socket's batch waits for the shim to ask for its rest, a timer keeps the object from
 * hibernating (which would forget the rest: it lives in memory).
 */
function keepAwake(ws: WebSocket): void {
  setTimeout(() => {
    if (behind.has(ws) && ws.readyState === WebSocket.OPEN) keepAwake(ws);
  }, BLOCK_KEEPALIVE_MS);
}

/** The rest of a socket's stopped batch, then the messages that waited behind it. */
function resumeSocket(engine: Engine, sockets: HibernatableSockets, ws: WebSocket): StepResult[] {
  const w = behind.get(ws);
  behind.delete(ws);
  if (!w || ws.readyState !== WebSocket.OPEN) return [];
  return runMessages(engine, sockets, ws, w.queue, w.more());
}
