// The CLI's pure parts: hints (redis-cli's hintsCallback rules), Tab candidates, command-line
// splitting, namespace URLs and the prompt, history filtering, help entries.

import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/engine/commands/index.ts";
import { namespaceUrl, promptBase, splitCommandLine } from "../../src/node/commands/cli.ts";
import { HELP_ENTRIES } from "../../src/node/repl/command-help.ts";
import { commandNames, complete } from "../../src/node/repl/completion.ts";
import { hintFor } from "../../src/node/repl/hints.ts";
import { isSensitive } from "../../src/node/repl/history.ts";
import { helpText } from "../../src/node/repl/repl.ts";

describe("hints", () => {
  it("follow redis-cli: a leading space until one is typed, one word dropped per argument, never an optional", () => {
    const set =
      "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]";
    expect(hintFor("SET")).toBe(" " + set);
    expect(hintFor("set ")).toBe(set);
    expect(hintFor("SET k")).toBe(
      " value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]",
    );
    expect(hintFor("SET k ")).toBe(
      "value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]",
    );
    expect(hintFor("SET k v ")).toBe(
      "[NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]",
    );
    expect(hintFor("SET k v NX ")).toBe(
      "[NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]",
    );
    expect(hintFor("GET k ")).toBeNull();
    expect(hintFor("config get ")).toBe("parameter [parameter ...]");
    expect(hintFor("CONFIG ")).toBeNull(); // CONFIG alone has no entry, only its subcommands
    expect(hintFor("DBSIZE")).toBeNull();
    expect(hintFor("SE")).toBeNull();
    expect(hintFor("")).toBeNull();
    expect(hintFor('SET "open')).toBeNull();
    expect(hintFor("ZADD z 1 a ")).toBe(
      "[NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]",
    );
  });

  it("cover every command of the table", () => {
    const named = new Set(HELP_ENTRIES.map((e) => e.words[0]));
    for (const n of COMMANDS.names("redis")) expect(named.has(n.toUpperCase()), n).toBe(true);
  });
});

describe("completion", () => {
  it("offers the most used commands first, in the case typed", () => {
    expect(commandNames("SE").slice(0, 2)).toEqual(["SET", "SELECT"]);
    expect(complete("se")).toEqual({
      start: 0,
      word: "se",
      options: ["set", "select", "setbit", "setex", "setnx", "setrange"],
    });
    expect(complete("GE").options[0]).toBe("GET");
    expect(complete("QU").options).toEqual(["QUIT"]);
  });

  it("completes subcommands, CONFIG parameters and values, and option keywords", () => {
    expect(complete("config ").options).toEqual(["get", "resetstat", "rewrite", "set"]);
    expect(complete("CONFIG S").options).toEqual(["SET"]);
    expect(complete("CONFIG GET max").options).toEqual(["maxmemory", "maxmemory-policy"]);
    expect(complete("CONFIG SET maxmemory-policy no").options).toEqual(["noeviction"]);
    expect(complete("CLIENT SETN").options).toEqual(["SETNAME"]);
    expect(complete("SET k v E").options).toEqual(["EX", "EXAT"]);
    expect(complete("scan 0 m")).toEqual({ start: 7, word: "m", options: ["match"] });
    expect(complete("SET k ").options).toEqual([]);
    expect(complete("help hge").options).toEqual(["hget", "hgetall", "hgetdel", "hgetex"]);
  });
});

describe("cli command line", () => {
  it("options end at the first word that is not one", () => {
    expect(splitCommandLine(["--url", "http://x", "-n", "app", "SET", "k", "--raw"])).toEqual({
      options: ["--url", "http://x", "-n", "app"],
      command: ["SET", "k", "--raw"],
    });
    expect(splitCommandLine(["--raw", "--", "-weird"])).toEqual({
      options: ["--raw"],
      command: ["-weird"],
    });
    expect(splitCommandLine(["--url=http://x"])).toEqual({
      options: ["--url=http://x"],
      command: [],
    });
  });

  it("--db replaces the namespace base; the prompt shows it", () => {
    expect(namespaceUrl("http://127.0.0.1:8787", undefined)).toBe("http://127.0.0.1:8787");
    expect(namespaceUrl("http://127.0.0.1:8787/", "app")).toBe("http://127.0.0.1:8787/db/app");
    expect(namespaceUrl("https://kv.example.dev/db/old", "new")).toBe(
      "https://kv.example.dev/db/new",
    );
    expect(namespaceUrl("https://kv.example.dev/db/old/", "default")).toBe(
      "https://kv.example.dev",
    );
    expect(promptBase("http://127.0.0.1:8787")).toBe("127.0.0.1:8787");
    expect(promptBase("https://kv.example.dev/db/app")).toBe("kv.example.dev/db/app");
  });
});

describe("history and help", () => {
  it("keeps credentials out of the history file", () => {
    expect(isSensitive(["AUTH", "tok"])).toBe(true);
    expect(isSensitive(["hello", "3", "auth", "default", "tok"])).toBe(true);
    expect(isSensitive(["HELLO", "3"])).toBe(false);
    expect(isSensitive(["SET", "auth", "x"])).toBe(false);
  });

  it("help shows a command's synopsis and group", () => {
    expect(helpText(["hset"])).toBe(
      "\n  HSET key field value [field value ...]\n  group: hash\n\n",
    );
    expect(helpText(["config"])).toContain("CONFIG GET parameter [parameter ...]");
    expect(helpText(["nosuch"])).toBe("No help for 'nosuch'.\n");
  });
});
