// The console page and its login page: static HTML with inline CSS and JavaScript, no build step.
// Nothing request-specific goes into them, so their script and style hashes are fixed and the
// Content-Security-Policy can allow exactly these inline blocks.

import { CONSOLE_APP } from "./app.ts";
import { CONSOLE_KIT } from "./kit.ts";
import { CONSOLE_CSS } from "./styles.ts";

/** The console's script: the RESP kit, then the page behaviour. */
export const CONSOLE_SCRIPT = CONSOLE_KIT + CONSOLE_APP;

/** The start of both pages, up to <body>: no referrer, no favicon request, the console's CSS. */
function pageHead(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${title}</title>
<style>${CONSOLE_CSS}</style>
</head>`;
}

/** The console (GET B/_console with valid credentials). */
export const CONSOLE_HTML = `${pageHead("blink-edge console")}
<body>
<header class="top">
  <h1>blink-edge <span>console</span></h1>
  <form id="ns-form" class="inline" aria-label="Namespace">
    <label for="ns">Namespace</label>
    <input id="ns" name="ns" size="16" autocomplete="off" spellcheck="false" autocapitalize="off" required>
    <button type="submit">Open</button>
  </form>
  <p id="status" class="status" role="status" aria-live="polite">Loading…</p>
</header>
<section class="usage" aria-labelledby="usage-h">
  <h2 id="usage-h" class="sr-only">Usage</h2>
  <dl>
    <div><dt>Keys</dt><dd id="u-keys">–</dd></div>
    <div><dt>Memory used</dt><dd id="u-used">–</dd></div>
    <div><dt>Limit</dt><dd id="u-max">–</dd></div>
    <div><dt>Policy</dt><dd id="u-policy">–</dd></div>
  </dl>
  <meter id="u-meter" min="0" max="1" value="0" hidden aria-label="Memory used of the limit"></meter>
</section>
<main class="panes">
  <section class="keys" aria-labelledby="keys-h">
    <h2 id="keys-h">Keys</h2>
    <form id="search-form" class="inline" role="search">
      <label for="prefix">Prefix</label>
      <input id="prefix" type="search" autocomplete="off" spellcheck="false" autocapitalize="off" placeholder="e.g. user:">
      <button type="submit">Search</button>
    </form>
    <p id="keys-info" class="muted" aria-live="polite"></p>
    <ul id="keys" class="keylist" aria-labelledby="keys-h"></ul>
    <nav class="pager" aria-label="Key pages">
      <button id="prev" type="button" disabled>← Previous</button>
      <span id="page">Page 1</span>
      <button id="next" type="button" disabled>Next →</button>
      <button id="refresh" type="button">Refresh</button>
    </nav>
  </section>
  <section class="value" aria-labelledby="value-h" aria-live="polite">
    <h2 id="value-h">Value</h2>
    <p id="value-meta" class="muted">Select a key.</p>
    <div id="value-body"></div>
  </section>
</main>
<section class="term" aria-labelledby="term-h">
  <h2 id="term-h">Command</h2>
  <pre id="out" role="log" aria-live="polite" aria-label="Command output" tabindex="0"></pre>
  <form id="cmd-form">
    <label for="cmd" id="cmd-prompt" class="prompt">&gt;</label>
    <input id="cmd" autocomplete="off" spellcheck="false" autocapitalize="off" placeholder="e.g. SET greeting hello">
    <button type="submit">Run</button>
  </form>
</section>
<script>${CONSOLE_SCRIPT}</script>
</body>
</html>
`;

/**
 * The login page's script: a token typed here (or kept from earlier in this tab) fetches the
 * console with an Authorization header, so the token never has to be in a URL for the page
 * itself; the console then uses it as `_token` on its WebSockets (browsers cannot set headers
 * there, spec §5.2).
 */
export const LOGIN_SCRIPT = String.raw`
(function () {
  "use strict";
  var KEY = "blink-edge-token";
  var params = new URLSearchParams(location.search);
  if (params.has("_token")) {
    // A token in the address bar was refused: drop it so it cannot win over the form.
    params.delete("_token");
    var rest = params.toString();
    history.replaceState(null, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
  }
  var form = document.getElementById("login");
  if (!form) return;
  var input = document.getElementById("token");
  var msg = document.getElementById("msg");
  function enter(token, quiet) {
    if (!quiet) msg.textContent = "Checking…";
    fetch(location.pathname + location.search, { headers: { Authorization: "Bearer " + token }, cache: "no-store", credentials: "omit" }).then(function (res) {
      if (!res.ok) {
        sessionStorage.removeItem(KEY);
        msg.textContent = res.status === 401 ? "That token is not valid for this namespace." : "The Worker answered HTTP " + res.status + ".";
        input.focus();
        return;
      }
      sessionStorage.setItem(KEY, token);
      return res.text().then(function (html) {
        document.open();
        document.write(html);
        document.close();
      });
    }, function () { msg.textContent = "Cannot reach the Worker."; });
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    enter(input.value, false);
  });
  var saved = sessionStorage.getItem(KEY);
  if (saved) enter(saved, true);
})();
`;

const LOGIN_FORM = `<form id="login">
    <label for="token">Access token</label>
    <input id="token" type="password" autocomplete="current-password" required>
    <button type="submit">Open the console</button>
    <p id="msg" class="alert" role="alert"></p>
  </form>
  <p class="muted">The token is kept in this browser tab only (session storage).</p>`;

/** The page for a request without valid credentials; `unconfigured` when the Worker has no token at all. */
export function loginHtml(unconfigured: string | null): string {
  const body = unconfigured
    ? `<p class="alert" role="alert">This Worker serves nobody yet.</p>\n  <p class="muted">${unconfigured.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`
    : LOGIN_FORM;
  return `${pageHead("Sign in — blink-edge console")}
<body>
<main class="login">
  <h1>blink-edge <span>console</span></h1>
  ${body}
</main>
<script>${LOGIN_SCRIPT}</script>
</body>
</html>
`;
}
