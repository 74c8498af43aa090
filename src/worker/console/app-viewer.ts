// The console's value viewer (browser JavaScript, a piece of the page script in app.ts; uses its
// `R`, `$`, `el`, `keyLabel`, `browse`, `selectedKey` and `VIEW_LIMIT`): one key by type, strings
// as text with JSON re-indented, hashes and sorted sets as tables, lists and sets as lists, TTL.

/** Defines `openKey` (and its helpers) inside the page script's scope. */
export const CONSOLE_VIEWER = String.raw`
  function ttlText(pttl) {
    if (pttl === -1) return "no expiry";
    if (pttl === -2) return "gone";
    var s = Math.ceil(pttl / 1000);
    var parts = [];
    // From the largest unit present down to seconds: 1h 0m 5s, 59m 59s, 7s.
    [[86400, "d"], [3600, "h"], [60, "m"], [1, "s"]].forEach(function (u) {
      if (parts.length || s >= u[0] || u[0] === 1) { parts.push(Math.floor(s / u[0]) + u[1]); s %= u[0]; }
    });
    return "expires in " + parts.join(" ");
  }
  // Re-indents JSON text without parsing its numbers (JavaScript would round big integers).
  function prettyJson(text) {
    var out = "", indent = 0, inStr = false, esc = false;
    var nl = function () { var s = "\n"; for (var i = 0; i < indent; i++) s += "  "; return s; };
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      if (inStr) {
        out += c;
        if (esc) esc = false; else if (c === "\\") esc = true; else if (c === '"') inStr = false;
        continue;
      }
      if (c === " " || c === "\t" || c === "\n" || c === "\r") continue;
      if (c === '"') { inStr = true; out += c; }
      else if (c === "{" || c === "[") {
        var close = c === "{" ? "}" : "]";
        var j = i + 1;
        while (j < text.length && " \t\n\r".indexOf(text[j]) >= 0) j++;
        if (text[j] === close) { out += c + close; i = j; continue; }
        indent++;
        out += c + nl();
      } else if (c === "}" || c === "]") { indent--; out += nl() + c; }
      else if (c === ",") out += "," + nl();
      else if (c === ":") out += ": ";
      else out += c;
    }
    return out;
  }
  function stringView(v) {
    if (!R.isUtf8(v)) return { text: R.repr(v), note: "binary, shown escaped" };
    var text = R.toText(v);
    var t = text.trim();
    if (t[0] === "{" || t[0] === "[") {
      try { JSON.parse(t); return { text: prettyJson(t), note: "JSON" }; } catch (e) { /* plain text */ }
    }
    return { text: text, note: /^-?\d+$/.test(text) ? "integer" : "text" };
  }
  function table(headers, rows) {
    var wrap = el("div", null, "tablewrap");
    var t = el("table");
    var tr = el("tr");
    headers.forEach(function (h) { var th = el("th", h); th.scope = "col"; tr.appendChild(th); });
    var thead = el("thead");
    thead.appendChild(tr);
    t.appendChild(thead);
    var tb = el("tbody");
    rows.forEach(function (row) {
      var r = el("tr");
      row.forEach(function (cell) { r.appendChild(el("td", cell)); });
      tb.appendChild(r);
    });
    t.appendChild(tb);
    wrap.appendChild(t);
    return wrap;
  }
  function shown(s) { return R.isUtf8(s) ? R.toText(s) : R.repr(s); }

  function openKey(k) {
    selectedKey = k;
    Array.prototype.forEach.call(document.querySelectorAll("#keys button"), function (b) {
      b.setAttribute("aria-current", String(b.querySelector(".keyname").textContent === keyLabel(k)));
    });
    $("value-h").textContent = "Value of " + keyLabel(k);
    browse.send([["TYPE", k], ["PTTL", k]]).then(function (rs) {
      var type = rs[0].t === "status" ? rs[0].v : "none";
      var pttl = Number(rs[1].v);
      var cmds = {
        string: [["GET", k]],
        list: [["LLEN", k], ["LRANGE", k, "0", String(VIEW_LIMIT - 1)]],
        set: [["SCARD", k], ["SSCAN", k, "0", "COUNT", String(VIEW_LIMIT)]],
        hash: [["HLEN", k], ["HSCAN", k, "0", "COUNT", String(VIEW_LIMIT)]],
        zset: [["ZCARD", k], ["ZRANGE", k, "0", String(VIEW_LIMIT - 1), "WITHSCORES"]]
      }[type];
      if (!cmds) return renderValue(k, type, pttl, null);
      return browse.send(cmds).then(function (vs) { renderValue(k, type, pttl, vs); });
    }).catch(function (err) { $("value-meta").textContent = "Cannot read the key: " + err.message; });
  }

  function renderValue(k, type, pttl, vs) {
    var body = $("value-body");
    body.textContent = "";
    var meta = [type];
    if (type === "none") {
      $("value-meta").textContent = "This key no longer exists.";
      return;
    }
    for (var i = 0; i < vs.length; i++) {
      if (vs[i].t === "error") { $("value-meta").textContent = R.toText(vs[i].v); return; }
    }
    if (type === "string") {
      var sv = stringView(vs[0].v);
      meta.push(sv.note, vs[0].v.length + " bytes");
      body.appendChild(el("pre", sv.text));
    } else {
      var total = Number(vs[0].v);
      var items = type === "set" || type === "hash" ? vs[1].v[1].v : vs[1].v;
      var vals = items.map(function (x) { return x.v; });
      var count;
      if (type === "list") {
        count = vals.length;
        body.appendChild(table(["Index", "Element"], vals.map(function (v, i) { return [String(i), shown(v)]; })));
      } else if (type === "set") {
        count = vals.length;
        var ul = el("ul");
        vals.forEach(function (v) { ul.appendChild(el("li", shown(v), "keyname")); });
        body.appendChild(ul);
      } else {
        var rows = [];
        for (var j = 0; j + 1 < vals.length; j += 2) rows.push(type === "zset" ? [String(j / 2), shown(vals[j]), vals[j + 1]] : [shown(vals[j]), shown(vals[j + 1])]);
        count = rows.length;
        body.appendChild(table(type === "zset" ? ["Rank", "Member", "Score"] : ["Field", "Value"], rows));
      }
      var noun = { list: "element", set: "member", hash: "field", zset: "member" }[type];
      meta.push(total + " " + noun + (total === 1 ? "" : "s") + (count < total ? ", first " + count + " shown" : ""));
    }
    meta.push(ttlText(pttl));
    $("value-meta").textContent = meta.join(" \u00b7 ");
  }

`;
