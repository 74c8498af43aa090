// The console's page script (browser JavaScript, served inline after CONSOLE_KIT). Two WebSockets
// to the Redis door of the chosen namespace: one for browsing and the usage figures, one for the
// command box, whose MULTI, HELLO 3 or QUIT must not disturb browsing. Keys are listed with SCAN
// (MATCH prefix*, COUNT 50, next page by cursor), never KEYS. All values reach the page through
// textContent, never as HTML. The connection (app-conn.ts) and the value viewer (app-viewer.ts)
// are pieces of the same function scope.

import { CONSOLE_CONN } from "./app-conn.ts";
import { CONSOLE_VIEWER } from "./app-viewer.ts";

/** The console's behaviour; expects `BlinkResp` (kit.ts) to be defined. */
export const CONSOLE_APP = String.raw`
(function () {
  "use strict";
  var R = BlinkResp;
  var TOKEN_KEY = "blink-edge-token";
  var PAGE_SIZE = 50;
  var MAX_SCAN_CALLS = 20;
  var VIEW_LIMIT = 200;
  var INFO_EVERY_MS = 3000;
  var OUTPUT_MAX_ENTRIES = 400;
  var NS_RE = /^[A-Za-z0-9_.-]{1,64}$/;
  var $ = function (id) { return document.getElementById(id); };

  // A token given as ?_token= moves to this tab's session storage and leaves the address bar.
  var params = new URLSearchParams(location.search);
  if (params.has("_token")) {
    sessionStorage.setItem(TOKEN_KEY, params.get("_token"));
    params.delete("_token");
    var rest = params.toString();
    history.replaceState(null, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
  }
  var token = sessionStorage.getItem(TOKEN_KEY) || "";

  function namespaceFromLocation() {
    var h = /^#ns=([^&]*)$/.exec(location.hash);
    if (h && NS_RE.test(decodeURIComponent(h[1]))) return decodeURIComponent(h[1]);
    var p = /^\/db\/([^/]+)\/_console\/?$/.exec(location.pathname);
    return p && NS_RE.test(p[1]) ? p[1] : "default";
  }
  function base(ns) { return ns === "default" ? "" : "/db/" + ns; }
  function wsUrl(ns) {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + base(ns) + "/resp" +
      (token ? "?_token=" + encodeURIComponent(token) : "");
  }

  ${CONSOLE_CONN}
  var ns = namespaceFromLocation();
  var browse = null;
  var term = null;

  // ---- status and usage ----
  function setStatus(text, ok) {
    var s = $("status");
    s.textContent = text;
    s.className = "status " + (ok ? "ok" : "bad");
  }
  function human(n) {
    var units = ["B", "KiB", "MiB", "GiB", "TiB"];
    var i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? String(n) : n.toFixed(n < 10 ? 2 : 1)) + " " + units[i];
  }
  function pollInfo() {
    if (document.hidden || !browse) return;
    browse.send([["INFO", "memory", "keyspace"]]).then(function (rs) {
      var r = rs[0];
      if (r.t === "error") return;
      var fields = {};
      R.toText(r.v).split(/\r?\n/).forEach(function (l) {
        var i = l.indexOf(":");
        if (i > 0) fields[l.slice(0, i)] = l.slice(i + 1);
      });
      var used = Number(fields.used_memory || 0);
      var max = Number(fields.maxmemory || 0);
      var m = /keys=(\d+),expires=(\d+)/.exec(fields.db0 || "");
      $("u-keys").textContent = m ? m[1] + (m[2] !== "0" ? " (" + m[2] + " with TTL)" : "") : "0";
      $("u-used").textContent = human(used) + (used >= 1024 ? " (" + used + " bytes)" : "");
      $("u-max").textContent = max ? human(max) + " (" + Math.min(100, Math.round((used / max) * 100)) + "% used)" : "no limit";
      $("u-policy").textContent = fields.maxmemory_policy || "";
      var meter = $("u-meter");
      meter.max = max || 1;
      meter.value = max ? Math.min(used, max) : 0;
      meter.high = max * 0.8;
      meter.hidden = !max;
    }, function () {});
  }

  // ---- key browser ----
  var pages = ["0"];
  var pageIndex = 0;
  var nextCursor = "0";
  var prefix = "";
  var selectedKey = null;
  var loadSeq = 0;

  function globEscape(s) { return s.replace(/[*?[\]\\]/g, "\\$&"); }
  function keyLabel(k) { return R.isUtf8(k) ? R.toText(k) : R.repr(k); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function loadPage() {
    var seq = ++loadSeq;
    var cursor = pages[pageIndex];
    var keys = [];
    var calls = 0;
    var pattern = globEscape(R.fromText(prefix)) + "*";
    $("keys-info").textContent = "Loading…";
    function step() {
      return browse.send([["SCAN", cursor, "MATCH", pattern, "COUNT", String(PAGE_SIZE)]]).then(function (rs) {
        var r = rs[0];
        if (r.t === "error") throw new Error(R.toText(r.v));
        cursor = r.v[0].v;
        r.v[1].v.forEach(function (k) { keys.push(k.v); });
        calls++;
        if (cursor !== "0" && keys.length < PAGE_SIZE && calls < MAX_SCAN_CALLS) return step();
      });
    }
    return step().then(function () {
      return keys.length ? browse.send(keys.map(function (k) { return ["TYPE", k]; })) : [];
    }).then(function (types) {
      if (seq !== loadSeq) return;
      nextCursor = cursor;
      renderKeys(keys, types);
    }, function (err) {
      if (seq === loadSeq) $("keys-info").textContent = "Cannot list keys: " + err.message;
    });
  }

  function renderKeys(keys, types) {
    var list = $("keys");
    list.textContent = "";
    keys.forEach(function (k, i) {
      var li = el("li");
      var b = el("button");
      b.type = "button";
      var type = types[i] && types[i].t === "status" ? types[i].v : "?";
      b.appendChild(el("span", type, "badge"));
      b.appendChild(el("span", keyLabel(k), "keyname"));
      b.setAttribute("aria-current", String(k === selectedKey));
      b.setAttribute("aria-label", keyLabel(k) + ", " + type);
      b.addEventListener("click", function () { openKey(k); });
      li.appendChild(b);
      list.appendChild(li);
    });
    var more = nextCursor !== "0";
    $("keys-info").textContent = keys.length === 0 && !more
      ? (prefix ? "No keys start with \u201c" + prefix + "\u201d." : "No keys in this namespace.")
      : keys.length + " key" + (keys.length === 1 ? "" : "s") + " on this page" + (more ? "; more on the next." : ".");
    $("page").textContent = "Page " + (pageIndex + 1);
    $("prev").disabled = pageIndex === 0;
    $("next").disabled = !more;
  }

  // ---- value viewer ----
  ${CONSOLE_VIEWER}

  // ---- command box ----
  var typed = [];
  var typedPos = 0;
  var inTx = false;
  function promptText() { return location.host + base(ns) + (inTx ? "(TX)" : "") + "> "; }
  function output(text, cls) {
    var out = $("out");
    out.appendChild(el("span", text, cls));
    while (out.childNodes.length > OUTPUT_MAX_ENTRIES) out.removeChild(out.firstChild);
    out.scrollTop = out.scrollHeight;
  }
  function runLine(line) {
    if (line.trim() === "") return;
    typed.push(line);
    typedPos = typed.length;
    output(promptText() + line + "\n", "echo");
    var args = R.splitArgs(R.fromText(line));
    if (args === null) return output("Invalid argument(s)\n", "err");
    if (args.length === 0) return;
    var cmd = args[0].toLowerCase();
    if (cmd === "clear") { $("out").textContent = ""; return; }
    if (cmd === "help") {
      return output("Redis commands of this namespace, one per line, quoted as in redis-cli. Replies print as redis-cli prints them.\n");
    }
    term.send([args]).then(function (rs) {
      var r = rs[0];
      if (cmd === "multi" && r.t === "status") inTx = true;
      if (cmd === "exec" || cmd === "discard" || cmd === "reset") inTx = false;
      $("cmd-prompt").textContent = promptText();
      output(R.toText(R.formatReply(r, "tty", args)), r.t === "error" ? "err" : "");
    }, function (err) {
      inTx = false;
      $("cmd-prompt").textContent = promptText();
      output("(connection) " + err.message + "\n", "err");
    });
  }

  // ---- wiring ----
  function openNamespace(name) {
    ns = name;
    if (browse) browse.close();
    if (term) term.close();
    inTx = false;
    setStatus("Connecting to " + ns + "…", true);
    browse = new Conn(wsUrl(ns), function (up) {
      setStatus(up ? "Connected to namespace " + ns : "Disconnected from " + ns, up);
    });
    term = new Conn(wsUrl(ns), null);
    $("ns").value = ns;
    $("cmd-prompt").textContent = promptText();
    document.title = ns + " \u2014 blink-edge console";
    history.replaceState(null, "", location.pathname + location.search + (ns === namespaceFromPath() ? "" : "#ns=" + ns));
    pages = ["0"];
    pageIndex = 0;
    selectedKey = null;
    $("value-h").textContent = "Value";
    $("value-meta").textContent = "Select a key.";
    $("value-body").textContent = "";
    browse.open().then(function () { loadPage(); pollInfo(); }, function (err) {
      setStatus("Cannot open namespace " + ns + ": " + err.message + (token ? "" : " (a token may be needed)"), false);
      $("keys-info").textContent = "";
    });
  }
  function namespaceFromPath() {
    var p = /^\/db\/([^/]+)\/_console\/?$/.exec(location.pathname);
    return p ? p[1] : "default";
  }

  $("ns-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var name = $("ns").value.trim();
    if (!NS_RE.test(name)) { setStatus("Namespace names are 1-64 characters of A-Z a-z 0-9 _ . -", false); return; }
    openNamespace(name);
  });
  $("search-form").addEventListener("submit", function (e) {
    e.preventDefault();
    prefix = $("prefix").value;
    pages = ["0"];
    pageIndex = 0;
    loadPage();
  });
  $("next").addEventListener("click", function () {
    pages[pageIndex + 1] = nextCursor;
    pageIndex++;
    loadPage();
  });
  $("prev").addEventListener("click", function () {
    if (pageIndex > 0) { pageIndex--; loadPage(); }
  });
  $("refresh").addEventListener("click", function () {
    loadPage();
    if (selectedKey !== null) openKey(selectedKey);
    pollInfo();
  });
  $("cmd-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var input = $("cmd");
    var line = input.value;
    input.value = "";
    runLine(line);
  });
  $("cmd").addEventListener("keydown", function (e) {
    if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
    e.preventDefault();
    typedPos = Math.max(0, Math.min(typed.length, typedPos + (e.key === "ArrowUp" ? -1 : 1)));
    this.value = typed[typedPos] || "";
  });
  document.addEventListener("visibilitychange", pollInfo);
  setInterval(pollInfo, INFO_EVERY_MS);
  openNamespace(ns);
})();
`;
