// HTTP plumbing shared by every door: bounded body reading, CORS, and response builders.

import { HTTP_BODY_MAX_BYTES, CORS_ALLOW_ORIGIN } from "../limits.ts";

export const ALLOW_METHODS = "GET, HEAD, POST, PUT, OPTIONS";
export const ERROR_HEADER = "Blink-Edge-Error";

/** A body that exceeded HTTP_BODY_MAX_BYTES. */
export class BodyTooLarge extends Error {}

/** Reads a request body, refusing more than HTTP_BODY_MAX_BYTES (declared or actual). */
export async function readBody(request: Request): Promise<Uint8Array> {
  const length = request.headers.get("Content-Length");
  const declared = Number(length ?? "0");
  if (declared > HTTP_BODY_MAX_BYTES) throw new BodyTooLarge();
  if (!request.body) return new Uint8Array(0);
  // A declared length bounds the body (the runtime enforces the framing): read it whole.
  if (length !== null) {
    const whole = new Uint8Array(await request.arrayBuffer());
    if (whole.length > HTTP_BODY_MAX_BYTES) throw new BodyTooLarge();
    return whole;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > HTTP_BODY_MAX_BYTES) {
      void reader.cancel();
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/** The CORS origin in effect ("" disables CORS). */
export function corsOrigin(env: { CORS_ALLOW_ORIGIN?: string }): string {
  return env.CORS_ALLOW_ORIGIN ?? CORS_ALLOW_ORIGIN;
}

/** A response with CORS and the given headers. */
export function respond(
  body: BodyInit | null,
  status: number,
  headers: Record<string, string>,
  origin: string,
): Response {
  return new Response(body, {
    status,
    headers: origin ? { ...headers, "Access-Control-Allow-Origin": origin } : headers,
  });
}

/** A JSON `{"error": ...}` response (Upstash-style surfaces and route errors, §6.4). */
export function jsonError(
  status: number,
  text: string,
  origin: string,
  extra: Record<string, string> = {},
): Response {
  return respond(
    JSON.stringify({ error: text }),
    status,
    { "Content-Type": "application/json", ...extra },
    origin,
  );
}

/** The CORS preflight answer (spec §6.4). */
export function preflight(request: Request, origin: string): Response {
  const headers: Record<string, string> = { Allow: ALLOW_METHODS };
  if (origin) {
    headers["Access-Control-Allow-Methods"] = ALLOW_METHODS;
    headers["Access-Control-Allow-Headers"] =
      request.headers.get("Access-Control-Request-Headers") ?? "";
    headers["Access-Control-Max-Age"] = "86400";
  }
  return respond(null, 204, headers, origin);
}

/** Canonical error text as an ASCII header value (non-ASCII replaced by `?`, spec §4.2). */
export function errorHeader(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?");
}
