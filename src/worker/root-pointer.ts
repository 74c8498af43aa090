// `GET B/`: what a browser pointed at the Worker's address sees.

import { respond } from "./http.ts";

/**
 * `GET B/` (a browser at the Worker's address): where to go, instead of an Upstash "empty
 * command". Public: it names routes, not data. Commands in the path (`GET B/get/k`) are Upstash's.
 */
export function rootPointer(url: URL, base: string, method: string, origin: string): Response {
  const at = `${url.origin}${base}`;
  const text =
    `blink-edge: a Redis-compatible key-value store on Cloudflare Workers.\n\n` +
    `Web console:  ${at}/_console\n` +
    `Redis:        WebSocket ${at.replace(/^http/, "ws")}/resp, or TCP through \`blink-edge shim\`\n` +
    `Upstash REST: POST ${at}/ with ["SET","k","v"], POST ${at}/pipeline, GET ${at}/get/k\n` +
    `Blink lines:  POST ${at}/blink (text/plain), WebSocket ${at.replace(/^http/, "ws")}/blink\n` +
    `Light-Redis:  POST ${at}/ with {"cmd":"get","key":"k"}\n\n` +
    `Every door needs a token (Authorization: Bearer <token>) unless anonymous access is on.\n` +
    `Docs: README.md and docs/ in the blink-edge repository (docs/protocols.md for the wire formats).\n`;
  return respond(
    method === "HEAD" ? null : text,
    200,
    { "Content-Type": "text/plain; charset=utf-8" },
    origin,
  );
}
