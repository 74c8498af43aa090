// Blink lines over HTTP (spec §7.6): `POST B/blink`, or `POST B/` with text/plain.

import { KEY_MAX_BYTES } from "../../limits.ts";
import { encodeBlink, parseBlink } from "../../protocols/blink.ts";
import { respond } from "../http.ts";
import type { DoorPlan, DoorRequest } from "./door.ts";

const TEXT = { "Content-Type": "text/plain; charset=utf-8" };
const EMPTY = new Uint8Array(0);

/** A Blink-format error response (route-level errors of §6.4 on this surface). */
export function blinkErrorResponse(
  status: number,
  canonical: string,
  origin: string,
  extra: Record<string, string> = {},
): Response {
  const text = canonical.startsWith("ERR ") ? canonical.slice(4) : canonical;
  return respond(`ERROR ${text}\n`, status, { ...TEXT, ...extra }, origin);
}

/** A body of Blink lines: one reply line per command, then the line that stopped parsing, if any. */
export function planBlink(req: DoorRequest): DoorPlan {
  const batch = parseBlink(req.body ?? EMPTY, { lineMax: req.valueMax + KEY_MAX_BYTES + 16 });
  const tail = batch.stop?.kind === "error" ? batch.stop.line : "";
  return {
    dialect: "blink",
    items: batch.items,
    finish: (replies) => ({ status: 200, body: encodeBlink(replies) + tail, headers: TEXT }),
  };
}
