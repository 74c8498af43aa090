// Prepares the global environment for fengari, and must be evaluated before it (lua.ts imports
// it first):
// - fengari reads its configuration from process.env.FENGARICONF once, when its modules load:
//   integral floats then print without ".0" on every path, as Lua 5.1 prints them;
// - under Node compatibility fengari loads its debug console (readline-sync), which calls
//   process.binding at load; workerd has none and throws. wrangler.toml aliases that package to
//   a stub for the deployed Worker; for runtimes that load node_modules directly (the workerd
//   test pool) process.binding answers an empty object until lua.ts restores it.

type Proc = {
  env?: Record<string, string | undefined>;
  binding?: (name: string) => unknown;
};
const proc = (globalThis as { process?: Proc }).process;
if (proc?.env && proc.env.FENGARICONF === undefined) {
  proc.env.FENGARICONF = JSON.stringify({ LUA_COMPAT_FLOATSTRING: true });
}

/** process.binding as it was before fengari loaded (lua.ts puts it back). */
export const originalBinding = proc?.binding;
if (proc && typeof originalBinding === "function") {
  try {
    proc.binding = (name: string) => {
      try {
        return originalBinding.call(proc, name);
      } catch {
        return {};
      }
    };
  } catch {
    // a read-only process.binding: nothing to do
  }
}

/** Puts process.binding back once fengari has loaded. */
export function restoreBinding(): void {
  if (proc && typeof originalBinding === "function") {
    try {
      proc.binding = originalBinding;
    } catch {
      // read-only: it was never replaced
    }
  }
}
