// GET B/_console: the web console behind the Worker's auth (spec §5.2). With valid credentials
// (header, or `?_token=` since a browser address bar cannot send headers) the console; without,
// a login page (401). Both forbid framing and allow only their own inline script and style.

import { authConfig, authenticateRequest, UNCONFIGURED_TEXT } from "../auth.ts";
import type { AuthSettings } from "../auth.ts";
import { jsonError, respond } from "../http.ts";
import { sha256 } from "../sha256.ts";
import { CONSOLE_CSS } from "./styles.ts";
import { CONSOLE_HTML, CONSOLE_SCRIPT, LOGIN_SCRIPT, loginHtml } from "./page.ts";

const encoder = new TextEncoder();
const ALLOW = "GET, HEAD, OPTIONS";

function cspHash(text: string): string {
  const d = sha256(encoder.encode(text));
  let bin = "";
  for (const b of d) bin += String.fromCharCode(b);
  return `'sha256-${btoa(bin)}'`;
}

let scriptHashes: string | undefined;

/** Headers of both pages: no caching (the login page answers per token), a strict CSP. */
function pageHeaders(url: URL): Record<string, string> {
  // The login page writes the console into itself, so one policy allows both pages' scripts.
  scriptHashes ??= `${cspHash(CONSOLE_SCRIPT)} ${cspHash(LOGIN_SCRIPT)}`;
  const ws = url.protocol === "https:" ? `wss://${url.host}` : `ws://${url.host} wss://${url.host}`;
  const csp = [
    "default-src 'none'",
    `script-src ${scriptHashes}`,
    `style-src ${cspHash(CONSOLE_CSS)}`,
    `connect-src 'self' ${ws}`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  return {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Content-Security-Policy": csp,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
  };
}

/** Serves `B/_console` (`rest` is the path after the namespace base). */
export function serveConsole(
  request: Request,
  env: AuthSettings,
  url: URL,
  namespace: string,
  rest: string,
  origin: string,
): Response {
  if (rest !== "/_console" && rest !== "/_console/")
    return jsonError(404, "ERR no such route", origin);
  const method = request.method;
  if (method !== "GET" && method !== "HEAD")
    return jsonError(405, "ERR method not allowed", origin, { Allow: ALLOW });
  const outcome = authenticateRequest(authConfig(env), request, url, namespace);
  const headers = pageHeaders(url);
  const body = (html: string) => (method === "HEAD" ? null : html);
  if (outcome.ok) return respond(body(CONSOLE_HTML), 200, headers, origin);
  const unconfigured = outcome.reason === "unconfigured" ? UNCONFIGURED_TEXT : null;
  return respond(
    body(loginHtml(unconfigured)),
    401,
    { ...headers, "WWW-Authenticate": 'Bearer realm="blink-edge"' },
    origin,
  );
}
