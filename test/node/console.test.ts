// The web console (GET B/_console) in Debian's Chromium driven by Playwright: load the page, see
// keys, search by prefix, page through with SCAN cursors, open values of every type, run a command
// in the box, see the usage figures; the login page with a token. UPDATE_SCREENSHOT=1 rewrites
// docs/console.png.

import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorker } from "../../src/node/local-worker.ts";
import type { LocalWorker } from "../../src/node/local-worker.ts";
import { Session } from "../../src/node/repl/session.ts";

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOT = join(import.meta.dirname, "../../docs/console.png");
const SCREENSHOT_MAX_BYTES = 300 * 1024;
const VIEWPORT = { width: 1200, height: 820 };
const KEYS_PER_PAGE = 50;

let worker: LocalWorker;
let context: BrowserContext;
const profile = mkdtempSync(join(tmpdir(), "blink-console-chromium-"));

/** Runs commands in a namespace through the CLI's session (one connection). */
async function seed(url: string, lines: string[][]): Promise<void> {
  const session = new Session({ url, mode: "raw" });
  const enc = new TextEncoder();
  for (const args of lines) {
    const { reply } = await session.run(args.map((a) => enc.encode(a)));
    if (reply.t === "error") throw new Error(`${args.join(" ")}: ${reply.v}`);
  }
  session.close();
}

/** A page that fails the test on any script error or console error (CSP violations included). */
async function openPage(url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  await page.goto(url);
  return { page, problems };
}

async function keyNames(page: Page): Promise<string[]> {
  return page.locator("#keys .keyname").allTextContents();
}

beforeAll(async () => {
  worker = await startLocalWorker({ port: 0, persistTo: false, vars: { ALLOW_ANONYMOUS: "true" } });
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: VIEWPORT,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const base = worker.url.toString();
  await seed(base, [
    ["HSET", "user:1", "name", "Ada Lovelace", "lang", "en"],
    ["HSET", "user:2", "name", "Grace Hopper"],
    ["SET", "greeting", "hello, world"],
    [
      "SET",
      "config:json",
      '{"theme":"dark","sizes":[1,2,{"big":12345678901234567890}],"empty":{}}',
    ],
    ["SET", "visits", "41"],
    ["EXPIRE", "visits", "3600"],
    ["RPUSH", "queue:jobs", "resize", "upload", "notify"],
    ["SADD", "tags", "edge", "kv"],
    ["ZADD", "leaderboard", "1500", "ada", "1200.5", "grace"],
    ["CONFIG", "SET", "maxmemory", "1m"],
  ]);
  // Enough keys under one prefix for more than one page.
  const many: string[][] = [];
  for (let i = 0; i < 120; i++) many.push(["SET", `page:${String(i).padStart(3, "0")}`, String(i)]);
  await seed(`${base}db/paging`, many);
});

afterAll(async () => {
  await context?.close();
  await worker?.dispose();
  rmSync(profile, { recursive: true, force: true });
});

describe("web console", () => {
  it("browses keys, searches by prefix, shows values by type, runs commands", async () => {
    const { page, problems } = await openPage(`${worker.url}_console`);
    await expect
      .poll(() => keyNames(page))
      .toEqual(
        expect.arrayContaining([
          "user:1",
          "user:2",
          "greeting",
          "config:json",
          "visits",
          "queue:jobs",
          "tags",
          "leaderboard",
        ]),
      );
    await expect
      .poll(() => page.locator("#status").textContent())
      .toBe("Connected to namespace default");

    // Live usage and the memory limit (INFO memory).
    await expect
      .poll(() => page.locator("#u-max").textContent())
      .toMatch(/^976\.6 KiB \(\d+% used\)$/);
    await expect.poll(() => page.locator("#u-keys").textContent()).toBe("8 (1 with TTL)");
    expect(await page.locator("#u-policy").textContent()).toBe("noeviction");

    // Prefix search (SCAN MATCH user:*).
    await page.fill("#prefix", "user:");
    await page.press("#prefix", "Enter");
    await expect.poll(() => keyNames(page)).toEqual(["user:1", "user:2"]);

    // A hash as a table.
    await page.getByRole("button", { name: "user:1, hash" }).click();
    await expect
      .poll(() => page.locator("#value-meta").textContent())
      .toBe("hash · 2 fields · no expiry");
    expect(await page.locator("#value-body td").allTextContents()).toEqual([
      "name",
      "Ada Lovelace",
      "lang",
      "en",
    ]);

    await page.fill("#prefix", "");
    await page.press("#prefix", "Enter");
    await expect.poll(() => keyNames(page)).toContain("config:json");

    // JSON pretty-printed without rounding its big integer.
    await page.getByRole("button", { name: "config:json, string" }).click();
    await expect
      .poll(() => page.locator("#value-meta").textContent())
      .toMatch(/^string · JSON · 70 bytes · no expiry$/);
    const json = await page.locator("#value-body pre").textContent();
    expect(json).toContain('"big": 12345678901234567890');
    expect(json).toContain('  "theme": "dark",\n');

    // An integer string with a TTL; a list; a set; a sorted set.
    await page.getByRole("button", { name: "visits, string" }).click();
    await expect
      .poll(() => page.locator("#value-meta").textContent())
      .toMatch(/^string · integer · 2 bytes · expires in (59m \d+s|1h 0m 0s)$/);
    await page.getByRole("button", { name: "queue:jobs, list" }).click();
    await expect
      .poll(() => page.locator("#value-body td").allTextContents())
      .toEqual(["0", "resize", "1", "upload", "2", "notify"]);
    await page.getByRole("button", { name: "tags, set" }).click();
    await expect
      .poll(() => page.locator("#value-body li").allTextContents())
      .toEqual(["edge", "kv"]);
    await page.getByRole("button", { name: "leaderboard, zset" }).click();
    await expect
      .poll(() => page.locator("#value-body td").allTextContents())
      .toEqual(["0", "grace", "1200.5", "1", "ada", "1500"]);

    // The command box prints replies as the CLI (and redis-cli) does.
    await page.fill("#cmd", "HGETALL user:1");
    await page.press("#cmd", "Enter");
    await expect
      .poll(() => page.locator("#out").textContent())
      .toBe(
        `${worker.url.host}> HGETALL user:1\n1) "name"\n2) "Ada Lovelace"\n3) "lang"\n4) "en"\n`,
      );
    await page.fill("#cmd", "HELLO 3");
    await page.press("#cmd", "Enter");
    await page.fill("#cmd", "ZRANGE leaderboard 0 -1 WITHSCORES");
    await page.press("#cmd", "Enter");
    await expect
      .poll(() => page.locator("#out").textContent())
      .toContain(
        '> ZRANGE leaderboard 0 -1 WITHSCORES\n1) 1) "grace"\n   2) (double) 1200.5\n2) 1) "ada"\n   2) (double) 1500\n',
      );
    await page.fill("#cmd", "INCR greeting");
    await page.press("#cmd", "Enter");
    await expect
      .poll(() => page.locator("#out .err").last().textContent())
      .toBe("(error) ERR value is not an integer or out of range\n");
    // Browsing still speaks RESP2 on its own connection.
    await page.fill("#cmd", "SET from:console yes");
    await page.press("#cmd", "Enter");
    await page.click("#refresh");
    await expect.poll(() => keyNames(page)).toContain("from:console");

    if (process.env.UPDATE_SCREENSHOT === "1") {
      await page.fill("#prefix", "");
      await page.press("#prefix", "Enter");
      await expect.poll(() => keyNames(page)).toContain("user:1");
      await page.getByRole("button", { name: "config:json, string" }).click();
      await expect.poll(() => page.locator("#value-meta").textContent()).toContain("JSON");
      await page.evaluate("window.scrollTo(0, 0)");
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(statSync(SCREENSHOT).size).toBeLessThan(SCREENSHOT_MAX_BYTES);
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it("pages through a namespace with SCAN cursors", async () => {
    const { page, problems } = await openPage(`${worker.url}db/paging/_console`);
    await expect
      .poll(() => page.locator("#status").textContent())
      .toBe("Connected to namespace paging");
    await expect
      .poll(async () => (await keyNames(page)).length)
      .toBeGreaterThanOrEqual(KEYS_PER_PAGE);
    const seen = new Set<string>();
    for (let pageNo = 1; ; pageNo++) {
      await expect.poll(() => page.locator("#page").textContent()).toBe(`Page ${pageNo}`);
      for (const k of await keyNames(page)) seen.add(k);
      if (await page.locator("#next").isDisabled()) break;
      await page.click("#next");
    }
    expect(seen.size).toBe(120);
    const last = Number((await page.locator("#page").textContent())!.split(" ")[1]);
    await page.click("#prev");
    await expect.poll(() => page.locator("#page").textContent()).toBe(`Page ${last - 1}`);
    expect(await page.locator("#next").isDisabled()).toBe(false);

    // Another namespace by name: the default one, from the namespace box.
    await page.fill("#ns", "default");
    await page.press("#ns", "Enter");
    await expect
      .poll(() => page.locator("#status").textContent())
      .toBe("Connected to namespace default");
    await expect.poll(() => keyNames(page)).toContain("greeting");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("asks for a token when the Worker has one, and keeps it for the tab", async () => {
    const secured = await startLocalWorker({
      port: 0,
      persistTo: false,
      vars: { AUTH_TOKEN: "console-s3cret" },
    });
    try {
      // Without credentials: the login page (401), never cached, not frameable, own scripts only.
      const refused = await fetch(`${secured.url}_console`);
      expect(refused.status).toBe(401);
      expect(refused.headers.get("WWW-Authenticate")).toBe('Bearer realm="blink-edge"');
      expect(refused.headers.get("Cache-Control")).toBe("no-store");
      expect(refused.headers.get("X-Frame-Options")).toBe("DENY");
      expect(refused.headers.get("Content-Security-Policy")).toMatch(
        /^default-src 'none'; script-src 'sha256-[^']+' 'sha256-[^']+';/,
      );
      expect(await refused.text()).toContain('<input id="token" type="password"');
      const allowed = await fetch(`${secured.url}db/app/_console`, {
        headers: { Authorization: "Bearer console-s3cret" },
      });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain("blink-edge <span>console</span>");
      expect((await fetch(`${secured.url}_console`, { method: "POST" })).status).toBe(405);
      expect((await fetch(`${secured.url}_console/more`)).status).toBe(404);

      const { page, problems } = await openPage(`${secured.url}_console`);
      await expect(page.locator("#token").isVisible()).resolves.toBe(true);
      await page.fill("#token", "wrong");
      await page.press("#token", "Enter");
      await expect
        .poll(() => page.locator("#msg").textContent())
        .toBe("That token is not valid for this namespace.");
      await page.fill("#token", "console-s3cret");
      await page.press("#token", "Enter");
      await expect
        .poll(() => page.locator("#status").textContent())
        .toBe("Connected to namespace default");
      await page.fill("#cmd", "SET signed in");
      await page.press("#cmd", "Enter");
      await expect
        .poll(() => page.locator("#out").textContent())
        .toContain("> SET signed in\nOK\n");
      // A reload finds the token in session storage.
      await page.reload();
      await expect
        .poll(() => page.locator("#status").textContent())
        .toBe("Connected to namespace default");
      await expect.poll(() => keyNames(page)).toEqual(["signed"]);
      // ?_token= works too and leaves the address bar.
      const other = await context.newPage();
      await other.goto(`${secured.url}_console?_token=console-s3cret`);
      await expect
        .poll(() => other.locator("#status").textContent())
        .toBe("Connected to namespace default");
      expect(new URL(other.url()).search).toBe("");
      await other.close();
      // 401 from the login page's check is expected; nothing else may complain.
      expect(problems.filter((p) => !p.includes("401"))).toEqual([]);
      await page.close();
    } finally {
      await secured.dispose();
    }
  });
});
