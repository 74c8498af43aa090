// Helpers for the Upstash REST tests inside workerd (spec §11).

import { exports } from "cloudflare:workers";
import { BASE } from "./client.ts";

export interface Answer {
  status: number;
  text: string;
  bytes: Uint8Array;
  headers: Headers;
}

export type Init = { method?: string; body?: BodyInit; headers?: Record<string, string> };

/** Reads a response whole. */
export async function answer(res: Response): Promise<Answer> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, text: new TextDecoder().decode(bytes), bytes, headers: res.headers };
}

/** A request to the Worker (anonymous access, as the workers project configures). */
export async function call(path: string, init: Init = {}): Promise<Answer> {
  return answer(await exports.default.fetch(BASE + path, init));
}

/** A JSON POST (the SDK's request shape); a string body is sent as it is. */
export function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return call(path, {
    method: "POST",
    body: text,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

/** Status and body of an answer, for byte-exact comparison. */
export const sb = (a: Answer) => [a.status, a.text];

export const B64 = { "Upstash-Encoding": "base64" };
export const RESP2 = { "Upstash-Response-Format": "resp2" };

let nsCounter = 0;
/** The base path of a namespace no other test uses. */
export const freshNs = (prefix: string) => `/db/${prefix}-${++nsCounter}`;
