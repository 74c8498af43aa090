// Carrying a Worker-held socket of a sharded namespace over to a new one (sharded-ws.ts). Such a
// socket is one Worker invocation for its whole life, so it is closed 1012 once its shard calls
// reach SHARD_WS_CALLS. A shim link whose upgrade said it can (`?tagged=1&resumable=1`) is first
// sent the connection's state as a token (TAG.resume); the shim opens a new socket with it
// (`?resume=`) and sends again the messages the old one left unanswered, so its TCP client sees
// one connection throughout, as on Redis.
//
// Only state the client could set again with commands travels: protocol, database, names, its
// client id. Authentication comes from the new upgrade's credentials, so a connection that
// authenticated with AUTH, or is in a transaction, subscribed or tracking keys, gets no token
// (its client sees the close and reconnects, as before).

import type { ConnState } from "../engine/conn-state.ts";
import { subscriptionCount } from "../engine/conn-state.ts";
import { DATABASES } from "../limits.ts";

/** The upgrade's query parameter of a shim link that understands TAG.resume (`resumable=1`). */
export const RESUMABLE_PARAM = "resumable";
/** The upgrade's query parameter carrying a resume token. */
export const RESUME_PARAM = "resume";
/** Longest token sent: a longer one (very long client names) is not worth a URL. */
const RESUME_TOKEN_MAX = 4096;

/** What a token carries. */
export interface ResumeState {
  id: number;
  resp: 2 | 3;
  db: number;
  name: string;
  libName: string;
  libVer: string;
  openedAt: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The token a new socket resumes `conn` with, or null when it cannot be carried over. */
export function resumeToken(conn: ConnState): string | null {
  const authedByUpgrade = conn.authedAtOpen && conn.authed && conn.readonly === conn.readonlyAtOpen;
  if (!authedByUpgrade || conn.multi || conn.watch || conn.tracking) return null;
  if (subscriptionCount(conn) > 0 || conn.replyMode !== "on") return null;
  const { id, resp, db, name, libName, libVer, openedAt } = conn;
  const json = JSON.stringify({ id, resp, db, name, libName, libVer, openedAt });
  let bin = "";
  for (const b of encoder.encode(json)) bin += String.fromCharCode(b);
  const token = btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return token.length <= RESUME_TOKEN_MAX ? token : null;
}

/** A token's state, or null when it is not one (the socket then starts afresh). */
export function parseResume(token: string | null): ResumeState | null {
  if (!token || token.length > RESUME_TOKEN_MAX) return null;
  let v: Partial<ResumeState>;
  try {
    const bin = atob(token.replace(/-/g, "+").replace(/_/g, "/"));
    v = JSON.parse(decoder.decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)))) as typeof v;
  } catch {
    return null;
  }
  const ok =
    typeof v === "object" &&
    v !== null &&
    Number.isSafeInteger(v.id) &&
    v.id! > 0 &&
    (v.resp === 2 || v.resp === 3) &&
    Number.isInteger(v.db) &&
    v.db! >= 0 &&
    v.db! < DATABASES &&
    typeof v.name === "string" &&
    typeof v.libName === "string" &&
    typeof v.libVer === "string" &&
    typeof v.openedAt === "number";
  return ok ? (v as ResumeState) : null;
}

/** Gives a new socket's connection the state it resumes (its authentication stays its own). */
export function applyResume(conn: ConnState, s: ResumeState): void {
  Object.assign(conn, {
    resp: s.resp,
    db: s.db,
    name: s.name,
    libName: s.libName,
    libVer: s.libVer,
    openedAt: s.openedAt,
  });
}
