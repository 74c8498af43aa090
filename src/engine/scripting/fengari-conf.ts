// fengari reads its configuration from process.env.FENGARICONF once, when its modules load; this
// module sets it and must be evaluated before fengari (lua.ts imports it first). Integral floats
// then print without ".0" on every path, as Lua 5.1 prints them (tostring(3.0) is "3").

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
if (env && env.FENGARICONF === undefined) {
  env.FENGARICONF = JSON.stringify({ LUA_COMPAT_FLOATSTRING: true });
}
