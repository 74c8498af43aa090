// Blink lines over HTTP (spec §7.6): `POST B/blink`, or `POST B/` with text/plain.

import { KEY_MAX_BYTES, PIPELINE_MAX_COMMANDS } from "../../limits.ts";
import { Errors } from "../../engine/errors.ts";
import { TOO_MANY_LINE, encodeBlink, parseBlink } from "../../protocols/blink.ts";
import { ERROR_HEADER, respond } from "../http.ts";
import type { DoorAnswer, DoorPlan, DoorRequest } from "./door.ts";

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

/**
 * A body of Blink lines: one reply line per command, then the line that stopped parsing, if any.
 * More than PIPELINE_MAX_COMMANDS commands: 400 and nothing runs, as `/pipeline` (spec §2).
 */
export function planBlink(req: DoorRequest): DoorPlan | DoorAnswer {
  const batch = parseBlink(req.body ?? EMPTY, {
    lineMax: req.valueMax + KEY_MAX_BYTES + 16,
    maxCommands: PIPELINE_MAX_COMMANDS,
  });
  if (batch.stop?.kind === "error" && batch.stop.line === TOO_MANY_LINE) {
    const headers = { ...TEXT, [ERROR_HEADER]: Errors.tooManyCommands().message };
    return { status: 400, body: TOO_MANY_LINE, headers };
  }
  const tail = batch.stop?.kind === "error" ? batch.stop.line : "";
  return {
    dialect: "blink",
    items: batch.items,
    finish: (replies) => ({ status: 200, body: encodeBlink(replies) + tail, headers: TEXT }),
  };
}
