// The console's RESP client as browser JavaScript: redis-cli argument splitting, command
// encoding, reply decoding and redis-cli formatting. It mirrors src/node/repl (split.ts,
// resp-reply.ts, format.ts) line for line so the console shows replies exactly as the CLI does;
// test/unit/console-kit.test.ts runs both on the same inputs. Strings here are byte strings (one
// char per byte), as in the CLI.
//
// Kept as source text (not shared TypeScript) because the Worker only serves it: bundlers may
// rename or wrap functions, so a function's toString() is not a safe way to ship it.

/** Defines `BlinkResp` in the page. */
export const CONSOLE_KIT = String.raw`
var BlinkResp = (function () {
  "use strict";
  var CHUNK = 8192;
  var utf8enc = new TextEncoder();
  var utf8dec = new TextDecoder();

  function byteText(buf, a, b) {
    var out = "";
    for (var i = a; i < b; i += CHUNK) out += String.fromCharCode.apply(null, buf.subarray(i, Math.min(b, i + CHUNK)));
    return out;
  }
  function textBytes(s) {
    var out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  /** Text as a byte string of its UTF-8 bytes. */
  function fromText(s) {
    var b = utf8enc.encode(s);
    return byteText(b, 0, b.length);
  }
  /** A byte string shown as text (invalid UTF-8 as U+FFFD). */
  function toText(s) {
    return utf8dec.decode(textBytes(s));
  }
  /** True when a byte string is valid UTF-8. */
  function isUtf8(s) {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(textBytes(s));
      return true;
    } catch (e) {
      return false;
    }
  }

  // sdssplitargs over a byte string; null for unbalanced quotes.
  function isSpace(c) { return c === " " || c === "\n" || c === "\r" || c === "\t" || c === "\v" || c === "\f"; }
  function hexVal(c) { var i = "0123456789abcdef".indexOf(c.toLowerCase()); return c.length === 1 ? i : -1; }
  function splitArgs(line) {
    var args = [];
    var p = 0;
    var n = line.length;
    for (;;) {
      while (p < n && isSpace(line[p])) p++;
      if (p >= n) return args;
      var inq = false, insq = false, done = false, cur = "";
      while (!done) {
        var c = p < n ? line[p] : "";
        if (inq) {
          if (c === "") return null;
          if (c === "\\" && line[p + 1] === "x" && p + 3 < n && hexVal(line[p + 2]) >= 0 && hexVal(line[p + 3]) >= 0) {
            cur += String.fromCharCode(hexVal(line[p + 2]) * 16 + hexVal(line[p + 3]));
            p += 3;
          } else if (c === "\\" && p + 1 < n) {
            p++;
            var e = line[p];
            cur += e === "n" ? "\n" : e === "r" ? "\r" : e === "t" ? "\t" : e === "b" ? "\b" : e === "a" ? "\x07" : e;
          } else if (c === '"') {
            if (p + 1 < n && !isSpace(line[p + 1])) return null;
            done = true;
          } else cur += c;
        } else if (insq) {
          if (c === "") return null;
          if (c === "\\" && line[p + 1] === "'") {
            p++;
            cur += "'";
          } else if (c === "'") {
            if (p + 1 < n && !isSpace(line[p + 1])) return null;
            done = true;
          } else cur += c;
        } else if (c === "" ) {
          break;
        } else if (c === " " || c === "\n" || c === "\r" || c === "\t") {
          done = true;
        } else if (c === '"') inq = true;
        else if (c === "'") insq = true;
        else cur += c;
        if (p < n) p++;
      }
      args.push(cur);
    }
  }

  function encodeCommand(args) {
    var s = "*" + args.length + "\r\n";
    for (var i = 0; i < args.length; i++) s += "$" + args[i].length + "\r\n" + args[i] + "\r\n";
    return textBytes(s);
  }
  /** Several commands in one message (one reply message comes back with all their replies). */
  function encodeCommands(cmds) {
    var parts = cmds.map(encodeCommand);
    var total = parts.reduce(function (t, p) { return t + p.length; }, 0);
    var out = new Uint8Array(total);
    var off = 0;
    parts.forEach(function (p) { out.set(p, off); off += p.length; });
    return out;
  }

  function decodeReplies(buf) {
    var pos = 0;
    function line() {
      for (var i = pos; i + 1 < buf.length; i++) {
        if (buf[i] === 13 && buf[i + 1] === 10) {
          var s = byteText(buf, pos, i);
          pos = i + 2;
          return s;
        }
      }
      throw new Error("truncated reply");
    }
    function count(t) {
      if (!/^-?\d+$/.test(t)) throw new Error("bad length '" + t + "'");
      return Number(t);
    }
    function blob(len) {
      if (pos + len + 2 > buf.length) throw new Error("truncated reply");
      var s = byteText(buf, pos, pos + len);
      pos += len + 2;
      return s;
    }
    function items(k) {
      var out = [];
      for (var i = 0; i < k; i++) out.push(value());
      return out;
    }
    function value() {
      var type = String.fromCharCode(buf[pos++]);
      var head = line();
      var k;
      switch (type) {
        case "+": return { t: "status", v: head };
        case "-": return { t: "error", v: head };
        case ":": return { t: "int", v: head };
        case ",": return { t: "double", v: head };
        case "(": return { t: "bignum", v: head };
        case "_": return { t: "nil" };
        case "#": return { t: "bool", v: head === "t" };
        case "$": case "!": case "=":
          k = count(head);
          if (k < 0) return { t: "nil" };
          var s = blob(k);
          if (type === "$") return { t: "bulk", v: s };
          if (type === "!") return { t: "error", v: s };
          return { t: "verbatim", v: s.slice(4) };
        case "*": case "~": case ">":
          k = count(head);
          if (k < 0) return { t: "nil" };
          return { t: type === "*" ? "array" : type === "~" ? "set" : "push", v: items(k) };
        case "%":
          return { t: "map", v: items(count(head) * 2) };
        default:
          throw new Error("unknown reply type '" + type + "'");
      }
    }
    var out = [];
    while (pos < buf.length) out.push(value());
    return out;
  }

  function repr(s) {
    var out = '"';
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i), ch = s[i];
      if (ch === "\\" || ch === '"') out += "\\" + ch;
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch === "\t") out += "\\t";
      else if (c === 7) out += "\\a";
      else if (c === 8) out += "\\b";
      else if (c >= 0x20 && c <= 0x7e) out += ch;
      else out += "\\x" + (c < 16 ? "0" : "") + c.toString(16);
    }
    return out + '"';
  }
  function pad(n, width) {
    var s = String(n);
    while (s.length < width) s = " " + s;
    return s;
  }
  function spaces(k) {
    var s = "";
    while (s.length < k) s += " ";
    return s;
  }
  function isMultiline(r) {
    if (r.t === "array" || r.t === "set" || r.t === "push") return r.v.length > 1 || (r.v.length === 1 && isMultiline(r.v[0]));
    if (r.t === "map") return r.v.length > 2 || (r.v.length === 2 && isMultiline(r.v[1]));
    return false;
  }
  function formatTTY(r, prefix) {
    prefix = prefix || "";
    var out = "", width, inner, i;
    switch (r.t) {
      case "error": return "(error) " + r.v + "\n";
      case "status": return r.v + "\n";
      case "int": return "(integer) " + r.v + "\n";
      case "double": return "(double) " + r.v + "\n";
      case "bignum": return "(big number) " + r.v + "\n";
      case "bulk": return repr(r.v) + "\n";
      case "verbatim": return r.v + "\n";
      case "nil": return "(nil)\n";
      case "bool": return r.v ? "(true)\n" : "(false)\n";
      case "array": case "set": case "push":
        if (r.v.length === 0) return r.t === "array" ? "(empty array)\n" : r.t === "set" ? "(empty set)\n" : "(empty push)\n";
        width = String(r.v.length).length;
        inner = prefix + spaces(width + 2);
        for (i = 0; i < r.v.length; i++) {
          out += (i === 0 ? "" : prefix) + pad(i + 1, width) + (r.t === "set" ? "~" : ")") + " " + formatTTY(r.v[i], inner);
        }
        return out;
      case "map":
        if (r.v.length === 0) return "(empty hash)\n";
        var pairs = r.v.length >> 1;
        width = String(pairs).length;
        inner = prefix + spaces(width + 2);
        for (i = 0; i < pairs; i++) {
          var key = formatTTY(r.v[2 * i], inner);
          var val = r.v[2 * i + 1];
          out += (i === 0 ? "" : prefix) + pad(i + 1, width) + "# " + key.slice(0, -1) + " => ";
          if (isMultiline(val)) out += "\n" + inner;
          out += formatTTY(val, inner);
        }
        return out;
    }
    return "";
  }
  function formatRaw(r) {
    var out = [], i;
    switch (r.t) {
      case "nil": return "";
      case "error": return r.v + "\n";
      case "bool": return r.v ? "(true)" : "(false)";
      case "array": case "set": case "push":
        return r.v.map(formatRaw).join("\n");
      case "map":
        for (i = 0; i + 1 < r.v.length; i += 2) out.push(formatRaw(r.v[i]) + " " + formatRaw(r.v[i + 1]));
        return out.join("\n");
      default:
        return r.v;
    }
  }
  function printsVerbatim(args) {
    var cmd = (args[0] || "").toLowerCase(), sub = (args[1] || "").toLowerCase(), n = args.length;
    return cmd === "info" || cmd === "lolwut" ||
      (n >= 2 && cmd === "debug" && (sub === "htstats" || sub === "htstats-key" || sub === "client-eviction")) ||
      (n >= 2 && cmd === "memory" && (sub === "malloc-stats" || sub === "doctor")) ||
      (n === 2 && cmd === "cluster" && (sub === "nodes" || sub === "info")) ||
      (n >= 2 && cmd === "client" && (sub === "list" || sub === "info")) ||
      (n === 3 && cmd === "latency" && sub === "graph") ||
      (n === 2 && cmd === "latency" && sub === "doctor") ||
      (n >= 2 && cmd === "proxy" && sub === "info");
  }
  /** What redis-cli prints for a reply to args, in mode "tty" or "raw". */
  function formatReply(r, mode, args) {
    if (printsVerbatim(args || [])) return formatRaw(r);
    if (mode === "tty") return formatTTY(r, "");
    return formatRaw(r) + "\n";
  }

  return {
    byteText: byteText, textBytes: textBytes, fromText: fromText, toText: toText, isUtf8: isUtf8,
    splitArgs: splitArgs, encodeCommand: encodeCommand, encodeCommands: encodeCommands,
    decodeReplies: decodeReplies, repr: repr, formatTTY: formatTTY, formatRaw: formatRaw, formatReply: formatReply
  };
})();
`;
