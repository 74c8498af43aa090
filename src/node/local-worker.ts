// Runs the Worker locally on Miniflare directly: the same code and wrangler.toml as a deploy,
// without wrangler dev's proxy worker in front (issue 8). State lives in the same folder layout
// as `wrangler dev --persist-to <dir>`, so either can be used on the same data.

import { build } from "esbuild";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { mkdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** Default state folder (wrangler dev's default too). */
export const DEFAULT_STATE_DIR = join(ROOT, ".wrangler/state");
const BUNDLE_DIR = join(ROOT, ".wrangler/blink-edge");

export interface LocalWorkerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** State folder; false keeps state in memory only (tests). */
  persistTo?: string | false;
  /**
   * Runtime log lines a test provokes on purpose (fault injection): counted instead of printed,
   * with one summary line when the Worker is disposed.
   */
  expectedLog?: RegExp;
  /** Extra variables and secrets (e.g. ALLOW_ANONYMOUS, AUTH_TOKEN). */
  vars?: Record<string, string>;
  /** Opens the V8 inspector on this port (benchmarks read the isolate's heap through it). */
  inspectorPort?: number;
}

export interface LocalWorker {
  readonly url: URL;
  readonly mf: Miniflare;
  /** The variables and secrets it runs with (wrangler.toml, `.dev.vars`, `vars`). */
  readonly bindings: Record<string, unknown>;
  dispose(): Promise<void>;
}

const bundles = new Map<string, Promise<string>>();

/** Bundles a Worker entry for workerd (once per entry and process). */
/**
 * fengari (the Lua VM of EVAL) requires Node built-ins by bare name and two Node-only packages
 * when it loads, for its io/os libraries and debug console, which scripts never get: all go to
 * one stub (wrangler.toml's [alias] stubs the two packages for `wrangler deploy`).
 */
const FENGARI_STUB = join(ROOT, "src/worker/stubs/fengari-node.cjs");
const FENGARI_ALIAS: Record<string, string> = Object.fromEntries(
  ["tmp", "readline-sync", "child_process", "fs", "os", "path", "crypto"].map((m) => [
    m,
    FENGARI_STUB,
  ]),
);

export function bundleWorker(entry = join(ROOT, "src/worker/index.ts")): Promise<string> {
  let b = bundles.get(entry);
  if (!b) {
    b = (async () => {
      mkdirSync(BUNDLE_DIR, { recursive: true });
      const outfile = join(BUNDLE_DIR, `${basename(dirname(entry))}-${basename(entry, ".ts")}.mjs`);
      await build({
        entryPoints: [entry],
        outfile,
        bundle: true,
        format: "esm",
        platform: "neutral",
        target: "es2024",
        conditions: ["workerd", "worker", "browser"],
        external: ["cloudflare:*", "node:*"],
        alias: FENGARI_ALIAS,
        // "neutral" reads no main field by default; CommonJS packages (fengari) need one.
        mainFields: ["module", "main"],
        sourcemap: "linked",
        logLevel: "warning",
      });
      return outfile;
    })();
    bundles.set(entry, b);
  }
  return b;
}

/** Starts the blink-edge Worker (wrangler.toml) on Miniflare; resolves once it is listening. */
export function startLocalWorker(opts: LocalWorkerOptions = {}): Promise<LocalWorker> {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml"));
  return startWorkerScript(
    join(ROOT, "src/worker/index.ts"),
    workerOptions as Record<string, unknown>,
    opts,
  );
}

/** Starts any Worker entry on Miniflare with the given (wrangler-style) worker options. */
export async function startWorkerScript(
  entry: string,
  workerOptions: Record<string, unknown>,
  opts: LocalWorkerOptions = {},
): Promise<LocalWorker> {
  const scriptPath = await bundleWorker(entry);
  const persistTo = opts.persistTo === undefined ? DEFAULT_STATE_DIR : opts.persistTo;
  // The bundle has no extra module types; the v5 converter refuses modulesRules.
  const { modulesRules: _rules, ...options } = workerOptions;
  const name = basename(entry, ".ts") === "index" ? "blink-edge" : basename(entry, ".ts");
  const host = opts.host ?? "127.0.0.1";
  const bindings = { ...(options.bindings as Record<string, unknown> | undefined), ...opts.vars };
  const expected = opts.expectedLog;
  let quieted = 0;
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      // Miniflare's own entry worker (routing, cf object, logging) gets a port nobody uses; the
      // Worker is served on the requested port directly by workerd, with nothing in front (issue 8).
      host: "127.0.0.1",
      port: 0,
      cf: false,
      ...(expected
        ? {
            handleStructuredLogs: ({ level, message }: { level: string; message: string }) => {
              if (expected.test(message)) quieted++;
              else if (level === "error" || level === "warn") console.error(message);
              else console.log(message);
            },
          }
        : {}),
      ...(opts.inspectorPort ? { inspectorPort: opts.inspectorPort } : {}),
      ...(persistTo ? { resourcePersistencePath: join(persistTo, "v3") } : {}),
      workers: [
        {
          ...options,
          name,
          unsafeDirectSockets: [{ host, port: opts.port ?? 8787 }],
          modules: true,
          scriptPath,
          bindings,
        },
      ],
    } as unknown as Parameters<typeof convertV4MiniflareOptions>[0]),
  );
  await mf.ready;
  const url = await mf.unsafeGetDirectURL(name);
  const dispose = async () => {
    await mf.dispose();
    if (quieted > 0)
      console.info(
        `(${quieted} runtime log lines from injected faults were expected and not shown)`,
      );
  };
  return { url, mf, bindings, dispose };
}
