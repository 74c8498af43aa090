// The gevent dialect over raw TCP through the shim (spec §9, §12): the README session through a
// Python 3 port of the blog Client (originals.md §3.6) and the spec's exact exchanges.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  TcpClient,
  exchange,
  runPython,
  PYTHON_CLIENTS as CLIENTS,
  workerPerFile,
} from "./support/shim-harness.ts";

const file = workerPerFile();
const geventPort = () => file.listener("gevent");

interface Call {
  call: string;
  sent: string;
  result?: unknown;
  error?: string;
}

describe("the gevent store's Client (Python 3 port)", () => {
  it("runs the README session, sending the exact bytes of originals.md §3.6", async () => {
    const port = await geventPort();
    const r = await runPython([join(CLIENTS, "gevent_readme.py"), String(port)]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const calls = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Call);
    const by = (label: string) => calls.find((c) => c.call === label)!;
    const sent = (label: string) => by(label).sent;

    expect(sent("set('username','jdoe')")).toBe(
      "*3\r\n$3\r\nSET\r\n$8\r\nusername\r\n$4\r\njdoe\r\n",
    );
    expect(sent("mset('a',1,'b',2,'c',3)")).toBe(
      "*7\r\n$4\r\nMSET\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n$1\r\nc\r\n:3\r\n",
    );
    expect(sent("get('é')")).toBe("*2\r\n$3\r\nGET\r\n$2\r\n\xc3\xa9\r\n");
    expect(sent("set('k',{'x':[1,None]})")).toBe(
      "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n%1\r\n$1\r\nx\r\n*2\r\n:1\r\n$-1\r\n",
    );
    expect(sent("delete('k')")).toBe("*2\r\n$6\r\nDELETE\r\n$1\r\nk\r\n");
    expect(sent("flush()")).toBe("*1\r\n$5\r\nFLUSH\r\n");

    expect(by("set('username','jdoe')").result).toBe(1);
    expect(by("get('username')").result).toBe("jdoe"); // README: "# Output: jdoe"
    expect(by("mset('a',1,'b',2,'c',3)").result).toBe(3);
    expect(by("mget('a','b')").result).toEqual([1, 2]); // README: "# Output: [1, 2]"
    expect(by("get('é')").result).toBeNull();
    expect(by("set('k',{'x':[1,None]})").result).toBe(1);
    expect(by("get('k')").result).toEqual({ x: [1, null] });
    expect(by("delete('k')").result).toBe(1);
    expect(by("delete('username')").result).toBe(1);
    expect(by("execute('FOO')").error).toBe("Unrecognized command: FOO");
    expect(by("flush()").result).toBe(3); // a, b, c
    expect(by("get('a')").result).toBeNull();
    // The original Client uses gevent's socket; CI installs python3-gevent (Debian).
    const hasGevent = (await runPython(["-c", "import gevent"])).code === 0;
    expect(by("socket module").result).toBe(hasGevent ? "gevent.socket" : "socket");
  });
});

// The §9.5 exchange table runs through this port in test/node/conformance-shim.test.ts.
describe("gevent over TCP (spec §9)", () => {
  it("keeps typed values: :1 comes back as :1, a dict as %", async () => {
    const port = await geventPort();
    const c = await TcpClient.open(port);
    c.write(
      "*3\r\n$3\r\nSET\r\n$1\r\nn\r\n:1\r\n*2\r\n$3\r\nGET\r\n$1\r\nn\r\n*2\r\n$3\r\nGET\r\n:7\r\n",
    );
    c.write("*3\r\n$3\r\nSET\r\n$1\r\nd\r\n%1\r\n$1\r\nx\r\n:2\r\n*2\r\n$3\r\nGET\r\n$1\r\nd\r\n");
    const expected = ":1\r\n:1\r\n$-1\r\n:1\r\n%1\r\n$1\r\nx\r\n:2\r\n";
    expect((await c.readBytes(expected.length)).toString()).toBe(expected);
    c.destroy();
  });

  it("drops an incomplete request at EOF and closes after the replies", async () => {
    const port = await geventPort();
    const reply = await exchange(port, "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$3\r\nGET\r\n$1", {
      halfClose: true,
    });
    expect(reply.toString()).toBe("$-1\r\n");
  });

  it("answers framing errors with the exact text after the earlier replies, then closes", async () => {
    const port = await geventPort();
    const cases: [string, string][] = [
      ["*1\r\n$5\r\nFLUSH\r\n:12x\r\n", ":0\r\n-ERR Protocol error: invalid integer\r\n"],
      ["$abc\r\n", "-ERR Protocol error: invalid bulk length\r\n"],
      ["*1\r\n$5\r\nFLUSHxx", "-ERR Protocol error: expected CRLF after bulk data\r\n"],
      ["*-1\r\n", "-ERR Protocol error: invalid multibulk length\r\n"],
      ["\x01", "-ERR Protocol error: unknown type byte '\\x01'\r\n"],
    ];
    for (const [req, rep] of cases)
      expect((await exchange(port, req)).toString("latin1"), JSON.stringify(req)).toBe(rep);
  });
});
