// Blink-Store's line protocol over raw TCP through the shim (spec §7, §12), with the original
// Python clients from the seed (originals.md §4) run unchanged on Debian's python3.

import { spawn } from "node:child_process";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BLINK_LINE_MAX_BYTES, PIPELINE_MAX_COMMANDS } from "../../src/limits.ts";
import {
  TcpClient,
  exchange,
  runProcess,
  runPython,
  sleep,
  PYTHON_CLIENTS as CLIENTS,
  workerPerFile,
} from "./support/shim-harness.ts";

const file = workerPerFile();
/** A Blink listener on a namespace of its own; returns its port. */
const blinkPort = () => file.listener("blink");

// The seed's transcript (seeds/000, "Run: python3 client.py"), as a terminal shows it: what the
// user types after each "> " is the terminal's echo, not the program's output.
const SEED_TRANSCRIPT = `Connected to 127.0.0.1:8765
Commands: SET <key> <value> | GET <key> | DELETE <key> | USAGE | QUIT

> SET user alice
OK
> GET user
alice
> USAGE
USAGE 9
> DELETE user
OK
> QUIT
`;

/** What the program itself prints for the seed's session with piped input (no echo). */
function pipedOutput(transcript: string, port: number): { input: string; output: string } {
  const input: string[] = [];
  let output = "";
  for (const line of transcript.replace(":8765", `:${port}`).split("\n").slice(0, -1)) {
    if (line.startsWith("> ")) {
      input.push(line.slice(2));
      output += "> "; // input() prints its prompt without a newline
    } else output += line + "\n";
  }
  return { input: input.join("\n") + "\n", output };
}

describe("original Python clients (seed 000)", () => {
  it("client.py session prints exactly what the seed shows", async () => {
    const port = await blinkPort();
    const { input, output } = pipedOutput(SEED_TRANSCRIPT, port);
    const r = await runPython([join(CLIENTS, "client.py"), "127.0.0.1", String(port)], { input });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(output);
  });

  it("the one-off blink() helper", async () => {
    const port = await blinkPort();
    const r = await runPython([join(CLIENTS, "oneoff_run.py"), String(port)]);
    expect(r.stderr).toBe("");
    // The seed's comment says "USAGE 18"; the original answers 16 (originals.md §1.6).
    expect(r.stdout).toBe("'OK'\n'30'\n'USAGE 16'\n");
  });

  it("the wsgiref HTTP backend, driven with curl (POST then GET)", async () => {
    const port = await blinkPort();
    const httpPort = await freePort();
    const backend = spawn("/usr/bin/python3", [join(CLIENTS, "backend.py")], {
      env: {
        ...process.env,
        BLINK_STORE: `127.0.0.1:${port}`,
        PORT: String(httpPort),
        PYTHONUNBUFFERED: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        backend.stdout.on(
          "data",
          (d: Buffer) => d.toString().includes("HTTP backend on") && resolve(),
        );
        backend.on("exit", (code) => reject(new Error(`backend exited ${code}`)));
      });
      const base = `http://127.0.0.1:${httpPort}`;
      const post = await runProcess("curl", [
        "-s",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "-X",
        "POST",
        `${base}/greeting`,
        "-d",
        "hello world",
      ]);
      expect(post.stdout).toBe("204");
      const get = await runProcess("curl", ["-s", "-w", " %{http_code}", `${base}/greeting`]);
      expect(get.stdout).toBe("hello world 200");
      const missing = await runProcess("curl", ["-s", "-w", " %{http_code}", `${base}/nothing`]);
      expect(missing.stdout).toBe("Not found 404");
    } finally {
      backend.kill("SIGTERM");
    }
  });
});

describe("Blink over TCP (spec §7)", () => {
  it("answers the §7.3 transcript, pipelined, and closes at QUIT discarding what follows", async () => {
    const port = await blinkPort();
    const request =
      "SET user alice\nGET user\nUSAGE\nset a  hello   world  \nGET a b\nSET e\nGET e\nget é\nDEL user\n" +
      "STATS extra\nDELETE user\n\nEXPIRE a 10\nQUIT\nGET a\n";
    const reply = await exchange(port, request);
    expect(reply.toString()).toBe(
      "OK\nVALUE YWxpY2U=\nUSAGE 9\nOK\nNOT_FOUND\nOK\nVALUE \nNOT_FOUND\nOK\nUSAGE 15\nNOT_FOUND\n" +
        "ERROR unknown command\nERROR unknown command\n",
    );
  });

  it("answers one command at a time on a kept connection", async () => {
    const port = await blinkPort();
    const c = await TcpClient.open(port);
    const steps: [string, string][] = [
      ["SET k v\r\n", "OK\n"],
      ["GET k\n", "VALUE dg==\n"],
      ["get\u00a0k\n", "VALUE dg==\n"], // NBSP separates (Unicode White_Space)
      ["GET\n", "ERROR GET requires key\n"],
    ];
    let expected = "";
    for (const [req, rep] of steps) {
      c.write(req);
      expected += rep;
      expect((await c.readBytes(Buffer.byteLength(expected))).toString()).toBe(expected);
    }
    await sleep(50);
    expect(c.received.toString()).toBe(expected);
    c.destroy();
  });

  it("keeps the order of many pipelined commands across several messages", async () => {
    const port = await blinkPort();
    const n = PIPELINE_MAX_COMMANDS * 2 + 500;
    let request = "";
    let expected = "";
    for (let i = 0; i < n; i++) {
      request += `SET k${i} v${i}\nGET k${i}\n`;
      expected += `OK\nVALUE ${Buffer.from(`v${i}`).toString("base64")}\n`;
    }
    const c = await TcpClient.open(port);
    c.write(request);
    expect((await c.readBytes(expected.length)).toString()).toBe(expected);
    c.destroy();
  });

  it("answers a final unterminated line at EOF, then closes", async () => {
    const port = await blinkPort();
    expect((await exchange(port, "SET hc v\nGET hc", { halfClose: true })).toString()).toBe(
      "OK\nVALUE dg==\n",
    );
    expect((await exchange(port, "GET hc\n   ", { halfClose: true })).toString()).toBe(
      "VALUE dg==\nERROR unknown command\n",
    );
    expect((await exchange(port, "GET hc\n", { halfClose: true })).toString()).toBe("VALUE dg==\n");
    expect((await exchange(port, "", { halfClose: true })).toString()).toBe("");
  });

  it("closes without a reply at QUIT", async () => {
    const port = await blinkPort();
    expect((await exchange(port, "QUIT\n")).toString()).toBe("");
    expect((await exchange(port, "GET x\nquit now\nGET y\n")).toString()).toBe("NOT_FOUND\n");
  });

  it("answers a line over BLINK_LINE_MAX_BYTES with ERROR line too long, then closes", async () => {
    const port = await blinkPort();
    // Exactly at the limit the line is parsed (and its value refused); one byte more is too long.
    const atLimit = "SET k " + "a".repeat(BLINK_LINE_MAX_BYTES - 6);
    const c = await TcpClient.open(port);
    // The last line has no newline: it is too long as soon as BLINK_LINE_MAX_BYTES + 1 bytes wait.
    c.write(`GET k\n${atLimit}\nGET k\nSET k ${"b".repeat(BLINK_LINE_MAX_BYTES)}`);
    const got = (await c.readToEnd(30_000)).toString();
    expect(got).toBe(
      "NOT_FOUND\nERROR value too large (max 1048576 bytes)\nNOT_FOUND\nERROR line too long\n",
    );
    c.destroy();
  });

  it("answers invalid UTF-8 with ERROR invalid UTF-8 after the earlier replies, then closes", async () => {
    const port = await blinkPort();
    const request = Buffer.concat([
      Buffer.from("GET a\nGET "),
      Buffer.from([0xff, 0x0a]),
      Buffer.from("GET b\n"),
    ]);
    expect((await exchange(port, request)).toString()).toBe("NOT_FOUND\nERROR invalid UTF-8\n");
  });
});

/** A loopback port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
