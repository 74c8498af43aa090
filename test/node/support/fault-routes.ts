// The fault routes of support/fault-worker.ts, importable without loading the Worker.

/** Outside every namespace path: `/__fault/...` is never a command or a `/db/<name>` route. */
export const FAULT_ROUTES = { abort: "/__fault/abort-all", evict: "/__fault/evict-all" } as const;
