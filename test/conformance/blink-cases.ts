// Blink conformance cases (spec §7.3 transcript and rules): each script runs on a fresh namespace
// through every Blink door (HTTP /blink, HTTP POST / text/plain, WebSocket /blink, TCP via the shim)
// and must produce exactly these reply lines.

export interface BlinkCase {
  name: string;
  /** Request lines, each sent with a trailing "\n". */
  lines: string[];
  /** The exact reply bytes. */
  replies: string;
}

export const BLINK_CASES: BlinkCase[] = [
  {
    name: "spec §7.3 transcript",
    lines: [
      "SET user alice",
      "GET user",
      "USAGE",
      "set a  hello   world  ",
      "GET a b",
      "SET e",
      "GET e",
      "get é",
      "DEL user",
      "STATS extra",
      "DELETE user",
      "",
      "EXPIRE a 10",
    ],
    replies:
      "OK\nVALUE YWxpY2U=\nUSAGE 9\nOK\nNOT_FOUND\nOK\nVALUE \nNOT_FOUND\nOK\nUSAGE 15\nNOT_FOUND\nERROR unknown command\nERROR unknown command\n",
  },
  {
    name: "missing keys name the canonical command",
    lines: ["SET", "GET", "DELETE", "DEL", "set   ", "get\t"],
    replies:
      "ERROR SET requires key\nERROR GET requires key\nERROR DELETE requires key\nERROR DELETE requires key\nERROR SET requires key\nERROR GET requires key\n",
  },
  {
    name: "Unicode whitespace separates; CR before LF is whitespace; verbs are ASCII case-insensitive",
    lines: ["SET\u00a0k\u2003v v\r", "gEt k", "GET\u0085k", "ＧＥＴ k", "GET\ufeffk"],
    replies: "OK\nVALUE diB2\nVALUE diB2\nERROR unknown command\nERROR unknown command\n",
  },
  {
    name: "values are UTF-8 bytes in base64",
    lines: ["SET k é", "GET k", "SET config.timeout 30", "GET config.timeout", "USAGE"],
    replies: "OK\nVALUE w6k=\nOK\nVALUE MzA=\nUSAGE 19\n",
  },
  {
    name: "overwrite keeps one entry; delete then get",
    lines: ["SET k aaa", "SET k bb", "USAGE", "DELETE k", "GET k", "USAGE"],
    replies: "OK\nOK\nUSAGE 3\nOK\nNOT_FOUND\nUSAGE 0\n",
  },
];
