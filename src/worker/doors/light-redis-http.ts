// Light-Redis JSON over HTTP (spec §8): `POST B/` with a JSON object body.

import { COMMANDS } from "../../engine/commands/index.ts";
import { isJsonObject } from "../../engine/json-value.ts";
import { encodeLightRedis, lightRedisError, parseLightRedis } from "../../protocols/light-redis.ts";
import type { LightRedisResponse } from "../../protocols/light-redis.ts";
import { JsonParseError, parseJsonBytes } from "../../protocols/python-json.ts";
import { ERROR_HEADER, errorHeader } from "../http.ts";
import { answerResponse } from "./door.ts";
import type { DoorAnswer, DoorPlan, DoorRequest } from "./door.ts";

const isRedisCommand = (name: string) => COMMANDS.lookup("redis", name) !== undefined;
const EMPTY = new Uint8Array(0);

/** True for `application/json` and `application/*+json` (parameters ignored). */
export function isJsonContentType(ct: string | null): boolean {
  const media = (ct ?? "").split(";")[0]!.trim().toLowerCase();
  return (
    media === "application/json" || (media.startsWith("application/") && media.endsWith("+json"))
  );
}

/** A Light-Redis answer with its headers. */
function lightRedisAnswer(r: LightRedisResponse, extra: Record<string, string> = {}): DoorAnswer {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (r.error) headers[ERROR_HEADER] = errorHeader(r.error);
  return { status: r.status, body: r.body, headers: { ...headers, ...extra } };
}

/** Renders a Light-Redis answer as a response (route-level errors on this surface). */
export function lightRedisResponse(
  r: LightRedisResponse,
  origin: string,
  extra: Record<string, string> = {},
): Response {
  return answerResponse(lightRedisAnswer(r, extra), origin);
}

/** One Light-Redis request: a JSON object naming one command. */
export function planLightRedis(req: DoorRequest): DoorAnswer | DoorPlan {
  if (!isJsonContentType(req.contentType)) {
    return lightRedisAnswer(lightRedisError(400, "ERR Content-Type must be application/json"));
  }
  let value;
  try {
    value = parseJsonBytes(req.body ?? EMPTY);
  } catch (e) {
    if (!(e instanceof JsonParseError)) throw e;
    return lightRedisAnswer(lightRedisError(400, "ERR invalid JSON body"));
  }
  if (!isJsonObject(value))
    return lightRedisAnswer(lightRedisError(400, "ERR request body must be a JSON object"));
  const parsed = parseLightRedis(value, isRedisCommand);
  return {
    dialect: parsed.dialect,
    items: [parsed.item],
    finish: ([reply]) => lightRedisAnswer(encodeLightRedis(reply!, parsed.generic)),
  };
}
