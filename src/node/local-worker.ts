// Runs the Worker locally on Miniflare directly: the same code and wrangler.toml as a deploy,
// without wrangler dev's proxy worker in front (issue 8). State lives in the same folder layout
// as `wrangler dev --persist-to <dir>`, so either can be used on the same data.

import { build } from "esbuild";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
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
  /** Extra variables and secrets (e.g. ALLOW_ANONYMOUS, AUTH_TOKEN). */
  vars?: Record<string, string>;
}

export interface LocalWorker {
  readonly url: URL;
  readonly mf: Miniflare;
  dispose(): Promise<void>;
}

/** Bundles src/worker for workerd (once per process). */
let bundled: Promise<string> | undefined;
export function bundleWorker(): Promise<string> {
  bundled ??= (async () => {
    mkdirSync(BUNDLE_DIR, { recursive: true });
    const outfile = join(BUNDLE_DIR, "worker.mjs");
    await build({
      entryPoints: [join(ROOT, "src/worker/index.ts")],
      outfile,
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2024",
      conditions: ["workerd", "worker", "browser"],
      external: ["cloudflare:*", "node:*"],
      sourcemap: "linked",
      logLevel: "warning",
    });
    return outfile;
  })();
  return bundled;
}

/** Starts the Worker on Miniflare; resolves once it is listening. */
export async function startLocalWorker(opts: LocalWorkerOptions = {}): Promise<LocalWorker> {
  const scriptPath = await bundleWorker();
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml"));
  const persistTo = opts.persistTo === undefined ? DEFAULT_STATE_DIR : opts.persistTo;
  const mf = new Miniflare(convertV4MiniflareOptions({
    host: opts.host ?? "127.0.0.1",
    port: opts.port ?? 8787,
    cf: false,
    ...(persistTo ? { resourcePersistencePath: join(persistTo, "v3") } : {}),
    workers: [
      {
        // The bundle has no extra module types; the v5 converter refuses modulesRules.
        ...(({ modulesRules: _rules, ...rest }) => rest)(workerOptions as Record<string, unknown>),
        name: "blink-edge",
        modules: true,
        scriptPath,
        bindings: { ...(workerOptions.bindings as Record<string, string>), ...opts.vars },
      },
    ],
  } as unknown as Parameters<typeof convertV4MiniflareOptions>[0]));
  const url = await mf.ready;
  return { url, mf, dispose: () => mf.dispose() };
}
