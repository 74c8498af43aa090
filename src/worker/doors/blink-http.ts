// Blink lines over HTTP (spec §7.6): `POST B/blink`, or `POST B/` with text/plain.

import { KEY_MAX_BYTES } from "../../limits.ts";
import { encodeBlink, parseBlink } from "../../protocols/blink.ts";
import type { Env } from "../env.ts";
import { engineSettings } from "../env.ts";
import { respond } from "../http.ts";
import { runOnObject } from "./call.ts";

const TEXT = { "Content-Type": "text/plain; charset=utf-8" };

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

/** Runs a body of Blink lines. */
export async function blinkHttp(
  env: Env,
  namespace: string,
  body: Uint8Array,
  readonly: boolean,
  origin: string,
): Promise<Response> {
  const { valueMax } = engineSettings(env);
  const batch = parseBlink(body, { lineMax: valueMax + KEY_MAX_BYTES + 16 });
  const replies = batch.items.length
    ? await runOnObject(env, namespace, "blink", batch.items, readonly)
    : [];
  const tail = batch.stop?.kind === "error" ? batch.stop.line : "";
  return respond(encodeBlink(replies) + tail, 200, TEXT, origin);
}
