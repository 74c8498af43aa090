import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { quietInjectedFailures } from "./test/worker/support/injected-failures.ts";

// workerd's lines about the failures the workerd projects inject on purpose are counted, not shown.
quietInjectedFailures();

// Three projects: pure engine/codec tests in Node, Worker + Durable Object tests inside
// workerd, and Node-side integration tests (shim, real clients) against a started Worker.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
          // One module graph per worker, not per file: every file imports the engine and its
          // command table, which took a third of the project's time; the files share no state
          // (no mocks, fake timers or globals; each builds its own Engine).
          isolate: false,
          // node:sqlite (the storage stand-in of the persistence tests) is stable enough for
          // tests; its ExperimentalWarning on every worker read like a failure (issue 13).
          execArgv: ["--disable-warning=ExperimentalWarning"],
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: { ALLOW_ANONYMOUS: "true" } },
          }),
        ],
        test: { name: "workers", include: ["test/worker/**/*.test.ts"] },
      },
      {
        // Every namespace sharded over 16 objects (issue 7): the conformance suite, the door tests
        // that hold on any shard count, and the sharding tests. Left out: light-redis and
        // export-import, which assert one object's creation order across keys, a cross-key
        // RENAME and per-object write counts (test/worker-sharded covers those doors sharded).
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                ALLOW_ANONYMOUS: "true",
                SHARDS: "16",
                // Two namespaces with other counts (export 1 → 16 shards, a 4-shard namespace),
                // and the limit a deployment should set (spec §2): 4 MiB per shard.
                NAMESPACE_SHARDS: JSON.stringify({ "one-shard": 1, "one-shard-copy": 1, four: 4 }),
                MEMORY_LIMIT_BYTES: String(64 * 1024 * 1024),
                // Short leases of blocked shard calls, so every blocking test renews them.
                SHARD_WAIT_LEASE_MS: "3000",
              },
            },
          }),
        ],
        test: {
          name: "workers-sharded",
          include: [
            "test/worker/conformance-*.test.ts",
            "test/worker/blink-ws.test.ts",
            "test/worker/smoke.test.ts",
            // Not upstash-sdk-details: the sync token and SCAN cursors it checks are one object's
            // (a sharded namespace's token names shards, worker-sharded/sync-token.test.ts; its
            // SCAN cursor names the shard).
            "test/worker/upstash.test.ts",
            "test/worker/upstash-http.test.ts",
            "test/worker-sharded/**/*.test.ts",
          ],
        },
      },
      {
        // Auth enabled: global full and read-only tokens and one namespace token (spec §5.2).
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                AUTH_TOKEN: "full-token",
                AUTH_TOKEN_READONLY: "ro-token",
                NAMESPACE_TOKENS: JSON.stringify({
                  team: { full: "team-token", readonly: "team-ro" },
                }),
              },
            },
          }),
        ],
        test: { name: "workers-auth", include: ["test/worker-auth/**/*.test.ts"] },
      },
      {
        // Nothing configured: secure by default, every request refused (spec §5.2).
        plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
        test: { name: "workers-locked", include: ["test/worker-locked/**/*.test.ts"] },
      },
      {
        test: {
          name: "node",
          include: ["test/node/**/*.test.ts"],
          environment: "node",
          // One Worker for the files that can share it (support/shared-worker.ts).
          globalSetup: ["test/node/support/shared-worker.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
