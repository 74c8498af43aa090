// Replies printed exactly as redis-cli 7.0.15 prints them: cliFormatReplyTTY (the readable form,
// on a terminal or with --no-raw) and cliFormatReplyRaw (--raw, or stdout not a terminal).
// Input and output are byte strings (one char per byte), so output can be written byte for byte.
// The web console carries a JavaScript copy of this (src/worker/console/kit.ts); a unit test
// holds the two to the same output.

import type { RespValue } from "./resp-reply.ts";

/** How replies are printed (redis-cli's OUTPUT_STANDARD / OUTPUT_RAW). */
export type OutputMode = "tty" | "raw";

/** Separator between the elements of a raw aggregate, and after each raw reply (`cmd_delim`). */
const RAW_DELIMITER = "\n";

/** `sdscatrepr`: a quoted string with C escapes; bytes outside 0x20-0x7E as `\xHH`. */
export function repr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === "\\" || ch === '"') out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c === 0x07) out += "\\a";
    else if (c === 0x08) out += "\\b";
    else if (c >= 0x20 && c <= 0x7e) out += ch;
    else out += "\\x" + c.toString(16).padStart(2, "0");
  }
  return out + '"';
}

function digits(n: number): number {
  return String(n).length;
}

/** cliFormatReplyTTY: the readable form, ending in a newline. */
export function formatTTY(r: RespValue, prefix = ""): string {
  switch (r.t) {
    case "error":
      return `(error) ${r.v}\n`;
    case "status":
      return r.v + "\n";
    case "int":
      return `(integer) ${r.v}\n`;
    case "double":
      return `(double) ${r.v}\n`;
    case "bignum":
      return `(big number) ${r.v}\n`;
    case "bulk":
      return repr(r.v) + "\n";
    case "verbatim":
      return r.v + "\n";
    case "nil":
      return "(nil)\n";
    case "bool":
      return r.v ? "(true)\n" : "(false)\n";
    case "array":
    case "set":
    case "push": {
      if (r.v.length === 0)
        return r.t === "array"
          ? "(empty array)\n"
          : r.t === "set"
            ? "(empty set)\n"
            : "(empty push)\n";
      const width = digits(r.v.length);
      const inner = prefix + " ".repeat(width + 2);
      const sep = r.t === "set" ? "~" : ")";
      let out = "";
      r.v.forEach((x, i) => {
        // The first index follows whatever the caller already printed on this line.
        out +=
          (i === 0 ? "" : prefix) + String(i + 1).padStart(width) + sep + " " + formatTTY(x, inner);
      });
      return out;
    }
    case "map": {
      if (r.v.length === 0) return "(empty hash)\n";
      const pairs = r.v.length >> 1;
      const width = digits(pairs);
      const inner = prefix + " ".repeat(width + 2);
      let out = "";
      for (let i = 0; i < pairs; i++) {
        const key = formatTTY(r.v[2 * i]!, inner);
        const value = r.v[2 * i + 1]!;
        out +=
          (i === 0 ? "" : prefix) +
          String(i + 1).padStart(width) +
          "# " +
          key.slice(0, -1) +
          " => ";
        // A value spanning lines starts on its own line, aligned with its nested entries.
        if (isMultiline(value)) out += "\n" + inner;
        out += formatTTY(value, inner);
      }
      return out;
    }
  }
}

// cliIsMultilineValueTTY: whether formatTTY prints this value on more than one line.
function isMultiline(r: RespValue): boolean {
  if (r.t === "array" || r.t === "set" || r.t === "push") {
    return r.v.length > 1 || (r.v.length === 1 && isMultiline(r.v[0]!));
  }
  if (r.t === "map") return r.v.length > 2 || (r.v.length === 2 && isMultiline(r.v[1]!));
  return false;
}

/** cliFormatReplyRaw: payloads as they are, aggregates one element per line, nil as nothing. */
export function formatRawValue(r: RespValue): string {
  switch (r.t) {
    case "nil":
      return "";
    case "error":
      return r.v + "\n";
    case "status":
    case "bulk":
    case "verbatim":
    case "int":
    case "double":
    case "bignum":
      return r.v;
    case "bool":
      return r.v ? "(true)" : "(false)";
    case "array":
    case "set":
    case "push":
      return r.v.map(formatRawValue).join(RAW_DELIMITER);
    case "map": {
      const out: string[] = [];
      for (let i = 0; i + 1 < r.v.length; i += 2)
        out.push(formatRawValue(r.v[i]!) + " " + formatRawValue(r.v[i + 1]!));
      return out.join(RAW_DELIMITER);
    }
  }
}

// Commands whose reply redis-cli prints raw whatever the mode (its `output_raw` list), because
// they return text meant to be read as it is.
function printsVerbatim(args: readonly string[]): boolean {
  const cmd = (args[0] ?? "").toLowerCase();
  const sub = (args[1] ?? "").toLowerCase();
  const n = args.length;
  return (
    cmd === "info" ||
    cmd === "lolwut" ||
    (n >= 2 && cmd === "debug" && sub === "htstats") ||
    (n >= 2 && cmd === "debug" && sub === "htstats-key") ||
    (n >= 2 && cmd === "debug" && sub === "client-eviction") ||
    (n >= 2 && cmd === "memory" && (sub === "malloc-stats" || sub === "doctor")) ||
    (n === 2 && cmd === "cluster" && (sub === "nodes" || sub === "info")) ||
    (n >= 2 && cmd === "client" && (sub === "list" || sub === "info")) ||
    (n === 3 && cmd === "latency" && sub === "graph") ||
    (n === 2 && cmd === "latency" && sub === "doctor") ||
    (n >= 2 && cmd === "proxy" && sub === "info")
  );
}

/**
 * cliFormatReply: the text redis-cli prints for the reply to `args` (arguments as byte strings;
 * only the command name and subcommand matter).
 */
export function formatReply(r: RespValue, mode: OutputMode, args: readonly string[] = []): string {
  if (printsVerbatim(args)) return formatRawValue(r);
  if (mode === "tty") return formatTTY(r);
  return formatRawValue(r) + RAW_DELIMITER;
}
