// The namespace object's WebSocket message paths: the shim's multiplexed socket (accepted without
// hibernation) and a hibernatable socket's message, both run through the group commit so a reply
// leaves once its writes are durable.

import type { BatchItem } from "../engine/command.ts";
import type { Engine } from "../engine/engine.ts";
import { CLOSE_NORMAL, REPLY_MAX_BYTES } from "../limits.ts";
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
  const session = new MuxSession(
    {
      run: (dialect, conn, items) => engine.run(dialect, conn, items, Date.now(), REPLY_MAX_BYTES),
      nextClientId: () => engine.nextClientId++,
      valueMax: engine.valueMax,
      bulkMax: () => engine.stringMax,
      attach: (conn, sink) => engine.attach(conn, sink),
      detach: (conn) => engine.detach(conn),
      waits: (conn) => waitsForPushes(engine, conn),
      send: (msg) => {
        try {
          ws.send(msg);
        } catch {
          // closed: the close handler forgets the session
        }
      },
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
  const { conn } = s.a;
  const door = WS_DIALECTS[s.a.dialect]!;
  const bytes = messageBytes(message);
  const run = (items: BatchItem[]) =>
    engine.run(door.dialect, conn, items, Date.now(), REPLY_MAX_BYTES);
  return serve(
    group,
    ws,
    () => messageStep(door, conn, bytes, engine.valueMax, run),
    (r) => {
      deliver(socketOutput(ws, door.text, s.a.tagged ? TAG.answer : undefined), r);
      sockets.answered(ws, s, r);
    },
    "websocket message",
  );
}
