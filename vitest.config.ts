import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Three projects: pure engine/codec tests in Node, Worker + Durable Object tests inside
// workerd, and Node-side integration tests (shim, real clients) against a started Worker.
export default defineConfig({
  test: {
    projects: [
      {
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" },
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
        // Auth enabled: global full and read-only tokens and one namespace token (spec §5.2).
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                AUTH_TOKEN: "full-token",
                AUTH_TOKEN_READONLY: "ro-token",
                NAMESPACE_TOKENS: JSON.stringify({ team: { full: "team-token", readonly: "team-ro" } }),
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
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
