// Light-Redis JSON over HTTP (spec §8): `POST B/` with a JSON object body.

import { COMMANDS } from "../../engine/commands/index.ts";
import { isJsonObject } from "../../engine/json-value.ts";
import { encodeLightRedis, lightRedisError, parseLightRedis } from "../../protocols/light-redis.ts";
import type { LightRedisResponse } from "../../protocols/light-redis.ts";
import { JsonParseError, parseJsonBytes } from "../../protocols/python-json.ts";
import type { Env } from "../env.ts";
import { ERROR_HEADER, errorHeader, respond } from "../http.ts";
import { runOnObject } from "./call.ts";

const isRedisCommand = (name: string) => COMMANDS.lookup("redis", name) !== undefined;

/** True for `application/json` and `application/*+json` (parameters ignored). */
export function isJsonContentType(ct: string | null): boolean {
  const media = (ct ?? "").split(";")[0]!.trim().toLowerCase();
  return (
    media === "application/json" || (media.startsWith("application/") && media.endsWith("+json"))
  );
}

/** Renders a Light-Redis answer with its headers. */
export function lightRedisResponse(
  r: LightRedisResponse,
  origin: string,
  extra: Record<string, string> = {},
): Response {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (r.error) headers[ERROR_HEADER] = errorHeader(r.error);
  return respond(r.body, r.status, { ...headers, ...extra }, origin);
}

/** Runs one Light-Redis request. */
export async function lightRedisHttp(
  env: Env,
  namespace: string,
  request: Request,
  body: Uint8Array,
  readonly: boolean,
  origin: string,
): Promise<Response> {
  if (!isJsonContentType(request.headers.get("Content-Type"))) {
    return lightRedisResponse(
      lightRedisError(400, "ERR Content-Type must be application/json"),
      origin,
    );
  }
  let value;
  try {
    value = parseJsonBytes(body);
  } catch (e) {
    if (!(e instanceof JsonParseError)) throw e;
    return lightRedisResponse(lightRedisError(400, "ERR invalid JSON body"), origin);
  }
  if (!isJsonObject(value))
    return lightRedisResponse(
      lightRedisError(400, "ERR request body must be a JSON object"),
      origin,
    );
  const req = parseLightRedis(value, isRedisCommand);
  const [reply] = await runOnObject(env, namespace, req.dialect, [req.item], readonly);
  return lightRedisResponse(encodeLightRedis(reply!, req.generic), origin);
}
